/* Large scratch buffers (a chart's raster, its scanlines, its deflate
 * output: megabytes each) backed by transparent huge pages where the
 * kernel offers them. On a VM where every 4 KB page fault traps to the
 * hypervisor, a fresh 4.3 MB canvas took ~1,100 faults; in 2 MB pages it
 * takes three. The contents are unspecified (zero on first use). */
#ifndef TAF_UTIL_HUGEBUF_H
#define TAF_UTIL_HUGEBUF_H

#include <stddef.h>

/* At least `size` bytes, aligned as malloc aligns, or NULL. Buffers of 2 MB and
 * more are mapped in whole huge pages aligned to 2 MB; smaller ones, any
 * whose mapping fails, and all of them under AddressSanitizer come from
 * malloc. */
void *hugebuf_alloc(size_t size);

/* Free a buffer from hugebuf_alloc (NULL is fine). */
void hugebuf_free(void *p);

#endif
