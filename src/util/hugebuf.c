#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, madvise */
#include "util/hugebuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#define HUGE_PAGE ((size_t)2 << 20)

/* Under AddressSanitizer every buffer comes from malloc, so a write past
 * the size asked for is caught instead of landing in the mapping's
 * rounding. */
#if defined(__SANITIZE_ADDRESS__)
#define HUGEBUF_MALLOC_ONLY 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HUGEBUF_MALLOC_ONLY 1
#endif
#endif
#ifndef HUGEBUF_MALLOC_ONLY
#define HUGEBUF_MALLOC_ONLY 0
#endif

/* A mapping is a whole number of huge pages aligned to one, so the first
 * touch of each 2 MB can fault in a huge page at once. Smaller buffers,
 * and any whose mapping fails, come from malloc; the header says which. */
typedef struct {
    size_t mapped; /* 0: the block came from malloc */
    size_t pad[7]; /* 64 bytes: the payload keeps malloc's alignment */
} hugebuf_head;

static size_t round_up(size_t n, size_t to)
{
    return (n + to - 1) / to * to;
}

void *hugebuf_alloc(size_t size)
{
    size_t need = size + sizeof(hugebuf_head);
    if (need < size)
        return NULL;
    if (need >= HUGE_PAGE && !HUGEBUF_MALLOC_ONLY) {
        size_t len = round_up(need, HUGE_PAGE);
        /* over-map by one huge page and trim, for the alignment */
        unsigned char *raw = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw != MAP_FAILED) {
            uintptr_t a = ((uintptr_t)raw + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
            unsigned char *base = (unsigned char *)a;
            if (base > raw)
                munmap(raw, (size_t)(base - raw));
            size_t tail = (size_t)(raw + len + HUGE_PAGE - (base + len));
            if (tail)
                munmap(base + len, tail);
            (void)madvise(base, len, MADV_HUGEPAGE); /* advice only: 4 KB pages still work */
            hugebuf_head *h = (hugebuf_head *)(void *)base;
            h->mapped = len;
            return h + 1;
        }
    }
    hugebuf_head *h = malloc(need);
    if (!h)
        return NULL;
    h->mapped = 0;
    return h + 1;
}

void hugebuf_free(void *p)
{
    if (!p)
        return;
    hugebuf_head *h = (hugebuf_head *)p - 1;
    if (h->mapped)
        munmap(h, h->mapped);
    else
        free(h);
}
