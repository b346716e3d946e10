/* SHA-256 through OpenSSL's libcrypto (EVP), printed as lowercase hex.
 * Used for provenance: every ingested file, every output file. */
#ifndef TAF_UTIL_SHA256_H
#define TAF_UTIL_SHA256_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* 64 hex digits and the terminating NUL. */
#define TAF_SHA256_HEX_SIZE 65

/* Digest of `len` bytes at `data` into `out` (64 lowercase hex digits).
 * Returns false only if libcrypto fails (out is then ""). */
bool taf_sha256_hex(const void *data, size_t len, char out[TAF_SHA256_HEX_SIZE]);

/* Digest of a whole file, streamed; *size (if non-NULL) gets its length.
 * On failure *err names the file (code CANNOT_READ). */
bool taf_sha256_file(const char *path, char out[TAF_SHA256_HEX_SIZE], long long *size,
                     taf_err *err);

/* A digest fed piece by piece: new, update as often as needed, then
 * finish (which frees it, whatever the outcome). NULL / false only if
 * libcrypto fails. */
typedef struct taf_sha256 taf_sha256;
taf_sha256 *taf_sha256_new(void);
bool taf_sha256_update(taf_sha256 *h, const void *data, size_t len);
bool taf_sha256_finish(taf_sha256 *h, char out[TAF_SHA256_HEX_SIZE]);

#endif
