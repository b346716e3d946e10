/* The zlib stream of a chart's PNG scanlines (filter type 0, 8-bit RGB),
 * made with zlib (level 1, default strategy). Deterministic: the bytes
 * depend only on the pixels. Buffers are kept per thread (freed when the
 * thread ends, or by pngz_release_thread_scratch). */
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

/* Free this thread's buffers now (the main thread, before exit). */
void pngz_release_thread_scratch(void);

#endif
