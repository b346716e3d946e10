/* A zlib stream of PNG scanlines (filter type 0, 8-bit RGB) made for charts.
 *
 * Charts are mostly flat colour: long runs of one pixel and rows that repeat
 * the row above. A general LZ77 search (zlib) spends its time hashing those;
 * this encoder looks only for the two matches that matter — "same pixel as
 * the one to the left" (distance 3) and "same pixels as the row above"
 * (distance = scanline length) — and codes the tokens with dynamic Huffman
 * tables per block. About 3× faster than zlib level 1 on our charts, with
 * files of similar size; the stream is plain RFC 1950/1951, decoded by any
 * PNG reader. Deterministic: the bytes depend only on the pixels. */
#ifndef TAF_RENDER_PNGZ_H
#define TAF_RENDER_PNGZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Compress the scanlines of a w × h image whose row y starts at
 * pix + y·stride as 32-bit pixels 0x??RRGGBB (cairo RGB24/ARGB32 in native
 * byte order; the top byte is ignored). Each scanline is a 0 byte (filter:
 * none) then R, G, B per pixel. *out is malloc'd. False only when out of
 * memory or the image is larger than 32767 × 32767. */
bool pngz_compress(const unsigned char *pix, int w, int h, int stride, unsigned char **out,
                   size_t *out_len);

#endif
