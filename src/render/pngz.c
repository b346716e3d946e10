#include "render/pngz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util/hugebuf.h"
#include "util/tls.h"

/* Scanlines are written as filter type 0 + RGB and deflated by zlib at
 * level 1 with the default strategy. Measured on a 1280×840 chart: Z_RLE
 * gives 4× larger files and is slower, the Sub and Up filters larger
 * files at the same speed, higher levels smaller files at more time.
 * zlib's output depends only on its input and parameters, so the bytes
 * are deterministic.
 *
 * The 3.2 MB scanline buffer, the output buffer and zlib's state are kept
 * per thread: allocating them per chart cost a fifth of the encoding in
 * page faults. */

typedef struct {
    unsigned char *raw, *out;
    size_t raw_cap, out_cap;
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
    hugebuf_free(s->raw);
    hugebuf_free(s->out);
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

/* Room for `need` bytes; what the buffer held is not kept (realloc would
 * copy megabytes of a previous chart's scanlines for nothing). Grown by a
 * quarter more, so a slightly taller chart does not start over. */
static bool grow(unsigned char **buf, size_t *cap, size_t need)
{
    if (*cap >= need)
        return true;
    need += need / 4;
    hugebuf_free(*buf);
    *buf = NULL;
    *cap = 0;
    unsigned char *p = hugebuf_alloc(need);
    if (!p)
        return false;
    *buf = p;
    *cap = need;
    return true;
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
    size_t raw_len = row * (size_t)h;
    if (!s || !grow(&s->raw, &s->raw_cap, raw_len))
        return false;
    for (int y = 0; y < h; y++) {
        const uint32_t *src = (const uint32_t *)(const void *)(pix + (size_t)y * (size_t)stride);
        unsigned char *dst = s->raw + (size_t)y * row;
        *dst++ = 0; /* filter: none */
        for (int x = 0; x < w; x++) {
            uint32_t p = src[x];
            *dst++ = (unsigned char)(p >> 16);
            *dst++ = (unsigned char)(p >> 8);
            *dst++ = (unsigned char)p;
        }
    }
    if (deflateReset(&s->z) != Z_OK)
        return false;
    uLong bound = deflateBound(&s->z, (uLong)raw_len);
    if (!grow(&s->out, &s->out_cap, bound))
        return false;
    s->z.next_in = s->raw;
    s->z.avail_in = (uInt)raw_len;
    s->z.next_out = s->out;
    s->z.avail_out = (uInt)bound;
    if (deflate(&s->z, Z_FINISH) != Z_STREAM_END)
        return false;
    size_t n = s->z.total_out;
    unsigned char *res = malloc(n ? n : 1);
    if (!res)
        return false;
    memcpy(res, s->out, n);
    *out = res;
    *out_len = n;
    return true;
}
