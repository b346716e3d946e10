/* Shared helpers for the libFuzzer harnesses in tests/fuzz/ (built and run
 * by `make fuzz`; see tests/fuzz/README.md). */
#ifndef TAF_FUZZ_UTIL_H
#define TAF_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/err.h"

/* A NUL-terminated copy of the fuzzer's bytes (malloc'd). */
static inline char *fz_strndup(const uint8_t *d, size_t n)
{
    char *s = malloc(n + 1);
    if (!s)
        abort();
    memcpy(s, d, n);
    s[n] = '\0';
    return s;
}

/* Split at the first NUL byte: [0, k) and (k, n). Without a NUL the second
 * part is empty. */
static inline void fz_split(const uint8_t *d, size_t n, const uint8_t **a, size_t *na,
                            const uint8_t **b, size_t *nb)
{
    const uint8_t *z = memchr(d, 0, n);
    *a = d;
    *na = z ? (size_t)(z - d) : n;
    *b = z ? z + 1 : d + n;
    *nb = z ? n - *na - 1 : 0;
}

/* A failure must say what went wrong: a stable code and a message. */
static inline void fz_check_err(const taf_err *e, const char *where)
{
    if (!e->code[0] || !e->message[0]) {
        fprintf(stderr, "%s failed without an error code/message\n", where);
        abort();
    }
}

#endif
