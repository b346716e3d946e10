/* Large scratch buffers (util/hugebuf): usable to the last byte asked
 * for, and the large ones laid out so the kernel can back them with 2 MB
 * pages. */
#include <stdint.h>
#include <string.h>

#include <criterion/criterion.h>

#include "util/hugebuf.h"

#define MB ((size_t)1 << 20)

#if defined(__SANITIZE_ADDRESS__)
#define ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ASAN 1
#endif
#endif
#ifndef ASAN
#define ASAN 0
#endif

Test(hugebuf, small_and_large_buffers_hold_every_byte_asked_for)
{
    const size_t sizes[] = {1, 4096, 2 * MB - 64, 2 * MB, 5 * MB + 3};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        unsigned char *p = hugebuf_alloc(sizes[k]);
        cr_assert_not_null(p, "size %zu", sizes[k]);
        cr_expect_eq((uintptr_t)p % 16, 0, "size %zu is aligned as malloc aligns", sizes[k]);
        memset(p, 0xA5, sizes[k]);
        cr_expect_eq(p[0], 0xA5);
        cr_expect_eq(p[sizes[k] - 1], 0xA5);
        hugebuf_free(p);
    }
}

Test(hugebuf, a_large_buffer_sits_in_a_mapping_aligned_to_a_huge_page)
{
    unsigned char *p = hugebuf_alloc(4 * MB);
    cr_assert_not_null(p);
    /* the 64-byte header opens the mapping */
    uintptr_t base = (uintptr_t)p - 64;
    if (ASAN)
        cr_expect_neq(base % (2 * MB), 0, "under ASan large buffers come from malloc");
    else
        cr_expect_eq(base % (2 * MB), 0, "mapping at %#lx", (unsigned long)base);
    hugebuf_free(p);
}
