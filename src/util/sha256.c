#include "util/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

static void to_hex(const unsigned char *md, unsigned n, char *out)
{
    static const char HEX[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) {
        out[2 * i] = HEX[md[i] >> 4];
        out[2 * i + 1] = HEX[md[i] & 15];
    }
    out[2 * n] = '\0';
}

bool taf_sha256_hex(const void *data, size_t len, char out[TAF_SHA256_HEX_SIZE])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    out[0] = '\0';
    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32)
        return false;
    to_hex(md, n, out);
    return true;
}

bool taf_sha256_file(const char *path, char out[TAF_SHA256_HEX_SIZE], long long *size,
                     taf_err *err)
{
    out[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f)
        return taf_fail(err, "CANNOT_READ", "check the path and its permissions",
                        "%s: cannot open: %s", path, strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    unsigned char buf[1 << 16];
    long long total = 0;
    size_t got;
    while (ok && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        ok = EVP_DigestUpdate(ctx, buf, got);
        total += (long long)got;
    }
    bool read_err = ferror(f);
    fclose(f);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    ok = ok && !read_err && EVP_DigestFinal_ex(ctx, md, &n) && n == 32;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return taf_fail(err, "CANNOT_READ", NULL, "%s: error while reading or hashing", path);
    to_hex(md, n, out);
    if (size)
        *size = total;
    return true;
}

struct taf_sha256 {
    EVP_MD_CTX *ctx;
};

taf_sha256 *taf_sha256_new(void)
{
    taf_sha256 *h = malloc(sizeof *h);
    if (!h)
        return NULL;
    h->ctx = EVP_MD_CTX_new();
    if (!h->ctx || !EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL)) {
        EVP_MD_CTX_free(h->ctx);
        free(h);
        return NULL;
    }
    return h;
}

bool taf_sha256_update(taf_sha256 *h, const void *data, size_t len)
{
    return h && EVP_DigestUpdate(h->ctx, data, len);
}

bool taf_sha256_finish(taf_sha256 *h, char out[TAF_SHA256_HEX_SIZE])
{
    out[0] = '\0';
    if (!h)
        return false;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned n = 0;
    bool ok = EVP_DigestFinal_ex(h->ctx, md, &n) && n == 32;
    EVP_MD_CTX_free(h->ctx);
    free(h);
    if (ok)
        to_hex(md, n, out);
    return ok;
}
