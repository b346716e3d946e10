#include "render/pngz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util/tls.h"

/* Scanlines are written as filter type 0 + RGB and deflated by zlib at
 * level 1 with the default strategy. Measured on a 1280×840 chart: Z_RLE
 * gives 4× larger files and is slower, the Sub and Up filters larger
 * files at the same speed, higher levels smaller files at more time.
 * zlib's output depends only on its input and parameters (not on how the
 * input is handed to it without flushing), so the bytes are deterministic.
 *
 * The scanlines go to zlib a band of rows at a time, so no buffer holds
 * the whole 3.2 MB of them; the output buffer grows as the stream does
 * (a chart's is ~100 KB). Both and zlib's state are kept per thread:
 * allocating them per chart cost a fifth of the encoding in page faults. */

#define BAND_ROWS 32

typedef struct {
    unsigned char *band, *out;
    size_t band_cap, out_cap;
    z_stream z;
    bool z_ready;
} pngz_scratch;

static void scratch_free(void *p)
{
    pngz_scratch *s = p;
    if (!s)
        return;
    if (s->z_ready)
        deflateEnd(&s->z);
    free(s->band);
    free(s->out);
    free(s);
}

static tls_slot scratch_slot = TLS_SLOT(scratch_free);

void pngz_release_thread_scratch(void)
{
    tls_slot_release(&scratch_slot);
}

static pngz_scratch *scratch_get(void)
{
    pngz_scratch *s = tls_slot_get(&scratch_slot);
    if (s)
        return s;
    s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (deflateInit2(&s->z, 1, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(s);
        return NULL;
    }
    s->z_ready = true;
    if (!tls_slot_set(&scratch_slot, s)) {
        scratch_free(s);
        return NULL;
    }
    return s;
}

/* Room for `need` bytes in a buffer whose contents need not be kept. */
static bool room(unsigned char **buf, size_t *cap, size_t need)
{
    if (*cap >= need)
        return true;
    free(*buf);
    *buf = malloc(need);
    *cap = *buf ? need : 0;
    return *buf != NULL;
}

bool pngz_compress(const unsigned char *pix, int w, int h, int stride, unsigned char **out,
                   size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (w <= 0 || h <= 0 || w > 32767 || h > 32767)
        return false;
    pngz_scratch *s = scratch_get();
    size_t row = (size_t)w * 3 + 1;
    if (!s || !room(&s->band, &s->band_cap, row * BAND_ROWS) ||
        !room(&s->out, &s->out_cap, 256 * 1024) || deflateReset(&s->z) != Z_OK)
        return false;
    s->z.next_out = s->out;
    s->z.avail_out = (uInt)s->out_cap;
    for (int y0 = 0; y0 < h; y0 += BAND_ROWS) {
        int rows = h - y0 < BAND_ROWS ? h - y0 : BAND_ROWS;
        for (int y = 0; y < rows; y++) {
            const uint32_t *src =
                (const uint32_t *)(const void *)(pix + (size_t)(y0 + y) * (size_t)stride);
            unsigned char *dst = s->band + (size_t)y * row;
            *dst++ = 0; /* filter: none */
            for (int x = 0; x < w; x++) {
                uint32_t p = src[x];
                *dst++ = (unsigned char)(p >> 16);
                *dst++ = (unsigned char)(p >> 8);
                *dst++ = (unsigned char)p;
            }
        }
        s->z.next_in = s->band;
        s->z.avail_in = (uInt)(row * (size_t)rows);
        int flush = y0 + rows == h ? Z_FINISH : Z_NO_FLUSH;
        for (;;) {
            if (s->z.avail_out == 0) {
                /* the stream outgrew the buffer: double it, keeping it */
                size_t used = s->out_cap, cap = 2 * s->out_cap;
                unsigned char *g = realloc(s->out, cap);
                if (!g)
                    return false;
                s->out = g;
                s->out_cap = cap;
                s->z.next_out = g + used;
                s->z.avail_out = (uInt)(cap - used);
            }
            int rc = deflate(&s->z, flush);
            if (rc == Z_STREAM_END)
                break;
            /* no progress although there is room: never with zlib, but no spinning */
            if (rc != Z_OK && !(rc == Z_BUF_ERROR && s->z.avail_out == 0))
                return false;
            if (flush == Z_NO_FLUSH && s->z.avail_in == 0)
                break;
        }
    }
    size_t n = s->z.total_out;
    unsigned char *res = malloc(n ? n : 1);
    if (!res)
        return false;
    memcpy(res, s->out, n);
    *out = res;
    *out_len = n;
    return true;
}
