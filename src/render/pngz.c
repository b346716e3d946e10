#include "render/pngz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

/* Scanlines are written as filter type 0 + RGB and deflated by zlib at
 * level 1 with the Z_RLE strategy: charts are long runs of one colour, which
 * run-length matches compress well at a fraction of the default level's
 * cost. zlib's output depends only on its input and parameters, so the
 * bytes are deterministic. */
bool pngz_compress(const unsigned char *pix, int w, int h, int stride, unsigned char **out,
                   size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    if (w <= 0 || h <= 0 || w > 32767 || h > 32767)
        return false;
    size_t row = (size_t)w * 3 + 1;
    size_t raw_len = row * (size_t)h;
    unsigned char *raw = malloc(raw_len);
    if (!raw)
        return false;
    for (int y = 0; y < h; y++) {
        const uint32_t *src = (const uint32_t *)(const void *)(pix + (size_t)y * (size_t)stride);
        unsigned char *dst = raw + (size_t)y * row;
        *dst++ = 0; /* filter: none */
        for (int x = 0; x < w; x++) {
            uint32_t p = src[x];
            *dst++ = (unsigned char)(p >> 16);
            *dst++ = (unsigned char)(p >> 8);
            *dst++ = (unsigned char)p;
        }
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    bool ok = deflateInit2(&z, 1, Z_DEFLATED, 15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    uLong cap = ok ? deflateBound(&z, (uLong)raw_len) : 0;
    unsigned char *buf = ok ? malloc(cap) : NULL;
    if (ok && buf) {
        z.next_in = raw;
        z.avail_in = (uInt)raw_len;
        z.next_out = buf;
        z.avail_out = (uInt)cap;
        ok = deflate(&z, Z_FINISH) == Z_STREAM_END;
    } else {
        ok = false;
    }
    size_t n = z.total_out;
    deflateEnd(&z);
    free(raw);
    if (!ok) {
        free(buf);
        return false;
    }
    *out = buf;
    *out_len = n;
    return true;
}
