/* SHA-256 (util/sha256): the streamed digest equals the one-shot digest
 * and the published test vector. */
#include <string.h>

#include <criterion/criterion.h>

#include "util/sha256.h"

Test(sha256, abc_gives_the_published_digest)
{
    char out[TAF_SHA256_HEX_SIZE];
    cr_assert(taf_sha256_hex("abc", 3, out));
    cr_expect_str_eq(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(sha256, a_digest_fed_in_pieces_equals_the_one_shot_digest)
{
    char text[5000];
    for (size_t i = 0; i < sizeof text; i++)
        text[i] = (char)('a' + i * 7 % 26);
    char whole[TAF_SHA256_HEX_SIZE], parts[TAF_SHA256_HEX_SIZE];
    cr_assert(taf_sha256_hex(text, sizeof text, whole));
    taf_sha256 *h = taf_sha256_new();
    cr_assert_not_null(h);
    for (size_t off = 0, step = 1; off < sizeof text; off += step, step = step * 3 % 997 + 1) {
        size_t n = off + step > sizeof text ? sizeof text - off : step;
        cr_assert(taf_sha256_update(h, text + off, n));
    }
    cr_assert(taf_sha256_finish(h, parts));
    cr_expect_str_eq(parts, whole);
}

Test(sha256, an_empty_stream_is_the_digest_of_nothing)
{
    char out[TAF_SHA256_HEX_SIZE];
    cr_assert(taf_sha256_finish(taf_sha256_new(), out));
    cr_expect_str_eq(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}
