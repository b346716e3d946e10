/* Locale-independent number formatting that matches Python byte for byte,
 * and the cJSON helpers built on it. See jsonnum.h for the contracts.
 *
 * All snprintf/strtod calls rely on the default "C" locale: tafcard never
 * calls setlocale(), so '.' is the decimal point and no grouping happens. */
#include "jsonnum.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/pow5_table.h"

/* Copy s into out (size outsz), truncating; always NUL-terminates. */
static void copy_out(const char *s, char *out, size_t outsz)
{
    if (outsz == 0)
        return;
    size_t n = strlen(s);
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* Python's text for a non-finite value, optionally with a forced '+'. */
static const char *nonfinite_text(double x, int plus)
{
    if (isnan(x))
        return plus ? "+nan" : "nan";
    if (x < 0)
        return "-inf";
    return plus ? "+inf" : "inf";
}

/* ---- shortest round-trip digits ------------------------------------------
 *
 * Python's repr() prints the shortest digit string that reads back as the
 * same double and, among strings of that length, the one closest to the
 * exact binary value. This is Ulf Adams' Ryu algorithm ("Ryu: fast
 * float-to-string conversion", PLDI 2018), which computes exactly those
 * digits with integer arithmetic: three 64x128-bit products give the
 * decimal scaled value and both ends of its rounding interval, and digits
 * are dropped while the interval still holds a shorter number. The former
 * implementation, snprintf("%.{p}e") + strtod for p = 0, 1, ... 16, took
 * about 40 times longer (most card numbers need 16 or 17 digits) and is
 * kept as the oracle in tests/test_jsonnum.c, which compares the two on a
 * million bit patterns and on the edge cases (subnormals, powers of two
 * and ten, integers, values next to short decimals).
 *
 * Rounding interval: a double reads back from any decimal within half an
 * ulp of it, ends included when its significand is even (strtod rounds
 * ties to even). At a power of two the ulp below is half the ulp above. */

#ifndef __SIZEOF_INT128__
#error "jsonnum.c needs unsigned __int128 (GCC or Clang on a 64-bit target)"
#endif
__extension__ typedef unsigned __int128 u128;

#define DBL_MANT_BITS 52
#define DBL_EXP_BITS 11
#define DBL_EXP_BIAS 1023

/* bitlen(5^e) for 0 <= e <= 3528 (Ryu's pow5bits). */
static inline int32_t pow5bits(int32_t e)
{
    return (int32_t)(((uint32_t)e * 1217359u) >> 19) + 1;
}

/* floor(log10(2^e)) for 0 <= e <= 1650. */
static inline int32_t log10_pow2(int32_t e)
{
    return (int32_t)(((uint32_t)e * 78913u) >> 18);
}

/* floor(log10(5^e)) for 0 <= e <= 2620. */
static inline int32_t log10_pow5(int32_t e)
{
    return (int32_t)(((uint32_t)e * 732923u) >> 20);
}

/* v > 0 */
static inline uint32_t pow5_factor(uint64_t v)
{
    uint32_t n = 0;
    while (v % 5 == 0) {
        v /= 5;
        n++;
    }
    return n;
}

static inline bool multiple_of_pow5(uint64_t v, uint32_t p)
{
    return pow5_factor(v) >= p;
}

static inline bool multiple_of_pow2(uint64_t v, uint32_t p)
{
    return (v & ((1ull << p) - 1)) == 0;
}

/* (m * mul) >> j for the 128-bit mul; j >= 64 by construction. */
static inline uint64_t mul_shift(uint64_t m, const uint64_t mul[2], int32_t j)
{
    u128 lo = (u128)m * mul[0];
    u128 hi = (u128)m * mul[1];
    return (uint64_t)(((lo >> 64) + hi) >> (j - 64));
}

/* Shortest digits of the finite, nonzero double with these IEEE fields:
 * returns the digits as an integer (at most 17 digits), *exp10 the power
 * of ten of its last digit. */
static uint64_t shortest_decimal(uint64_t ieee_mant, uint32_t ieee_exp, int32_t *exp10)
{
    /* An integer below 2^53 is the only decimal in its interval with no
     * fraction digits, so its digits are its own (trailing zeros moved to
     * the exponent). Card numbers are often such integers. */
    if (ieee_exp >= DBL_EXP_BIAS && ieee_exp <= DBL_EXP_BIAS + DBL_MANT_BITS) {
        int32_t shift = DBL_EXP_BIAS + DBL_MANT_BITS - (int32_t)ieee_exp;
        uint64_t m2 = (1ull << DBL_MANT_BITS) | ieee_mant;
        if ((m2 & ((1ull << shift) - 1)) == 0) {
            uint64_t v = m2 >> shift;
            int32_t e = 0;
            while (v % 10 == 0) {
                v /= 10;
                e++;
            }
            *exp10 = e;
            return v;
        }
    }

    /* value = m2 * 2^(e2 + 2); two extra bits leave room for the interval
     * ends (mv +- 2 and mv - 1) as integers. */
    int32_t e2;
    uint64_t m2;
    if (ieee_exp == 0) {
        e2 = 1 - DBL_EXP_BIAS - DBL_MANT_BITS - 2;
        m2 = ieee_mant;
    } else {
        e2 = (int32_t)ieee_exp - DBL_EXP_BIAS - DBL_MANT_BITS - 2;
        m2 = (1ull << DBL_MANT_BITS) | ieee_mant;
    }
    const bool accept_bounds = (m2 & 1) == 0;
    const uint64_t mv = 4 * m2;
    /* 0 at a power of two (not the smallest normal): the lower end is
     * only a quarter ulp away */
    const uint32_t mm_shift = ieee_mant != 0 || ieee_exp <= 1;

    uint64_t vr, vp, vm;
    int32_t e10;
    bool vm_trailing_zeros = false, vr_trailing_zeros = false;
    if (e2 >= 0) {
        const int32_t q = log10_pow2(e2) - (e2 > 3);
        e10 = q;
        const int32_t k = POW5_INV_BITCOUNT + pow5bits(q) - 1;
        const int32_t i = -e2 + q + k;
        vr = mul_shift(mv, POW5_INV_SPLIT[q], i);
        vp = mul_shift(mv + 2, POW5_INV_SPLIT[q], i);
        vm = mul_shift(mv - 1 - mm_shift, POW5_INV_SPLIT[q], i);
        if (q <= 21) {
            /* the products are exact multiples of 10^q only when the
             * factor is a multiple of 5^q; one of mv, mp, mm at most */
            if (mv % 5 == 0)
                vr_trailing_zeros = multiple_of_pow5(mv, (uint32_t)q);
            else if (accept_bounds)
                vm_trailing_zeros = multiple_of_pow5(mv - 1 - mm_shift, (uint32_t)q);
            else
                vp -= multiple_of_pow5(mv + 2, (uint32_t)q);
        }
    } else {
        const int32_t q = log10_pow5(-e2) - (-e2 > 1);
        e10 = q + e2;
        const int32_t i = -e2 - q;
        const int32_t k = pow5bits(i) - POW5_BITCOUNT;
        const int32_t j = q - k;
        vr = mul_shift(mv, POW5_SPLIT[i], j);
        vp = mul_shift(mv + 2, POW5_SPLIT[i], j);
        vm = mul_shift(mv - 1 - mm_shift, POW5_SPLIT[i], j);
        if (q <= 1) {
            /* mv has two trailing zero bits; mm one iff mm_shift */
            vr_trailing_zeros = true;
            if (accept_bounds)
                vm_trailing_zeros = mm_shift == 1;
            else
                --vp;
        } else if (q < 63) {
            vr_trailing_zeros = multiple_of_pow2(mv, (uint32_t)q);
        }
    }

    int32_t removed = 0;
    uint64_t out;
    if (vm_trailing_zeros || vr_trailing_zeros) {
        /* exact decimal ends or value: track them for the tie rules */
        uint32_t last = 0;
        while (vp / 10 > vm / 10) {
            vm_trailing_zeros &= vm % 10 == 0;
            vr_trailing_zeros &= last == 0;
            last = (uint32_t)(vr % 10);
            vr /= 10;
            vp /= 10;
            vm /= 10;
            removed++;
        }
        if (vm_trailing_zeros) {
            while (vm % 10 == 0) {
                vr_trailing_zeros &= last == 0;
                last = (uint32_t)(vr % 10);
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }
        }
        if (vr_trailing_zeros && last == 5 && vr % 2 == 0)
            last = 4; /* exactly half way: round to even */
        out = vr + ((vr == vm && (!accept_bounds || !vm_trailing_zeros)) || last >= 5);
    } else {
        bool round_up = false;
        while (vp / 10 > vm / 10) {
            round_up = vr % 10 >= 5;
            vr /= 10;
            vp /= 10;
            vm /= 10;
            removed++;
        }
        out = vr + (vr == vm || round_up);
    }
    *exp10 = e10 + removed;
    return out;
}

/* Python's layout of the digits d (nd of them, first digit at decimal
 * exponent e): fixed for -4 <= e < 16, else d.ddde+XX. Returns the end. */
static char *layout_repr(char *o, const char *d, int nd, int e)
{
    if (e >= -4 && e < 16) {
        if (e < 0) {
            /* 0.000ddd */
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -e - 1; i++)
                *o++ = '0';
            memcpy(o, d, (size_t)nd);
            o += nd;
        } else {
            /* integer part: digits 0..e, padded with zeros */
            for (int i = 0; i <= e; i++)
                *o++ = (i < nd) ? d[i] : '0';
            *o++ = '.';
            if (nd > e + 1) {
                memcpy(o, d + e + 1, (size_t)(nd - e - 1));
                o += nd - e - 1;
            } else {
                *o++ = '0';
            }
        }
    } else {
        *o++ = d[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)(nd - 1));
            o += nd - 1;
        }
        *o++ = 'e';
        *o++ = e < 0 ? '-' : '+';
        int a = e < 0 ? -e : e;
        if (a >= 100)
            *o++ = (char)('0' + a / 100);
        *o++ = (char)('0' + a / 10 % 10);
        *o++ = (char)('0' + a % 10);
    }
    *o = '\0';
    return o;
}

void py_repr_double(double x, char out[PYNUM_BUFSZ])
{
    if (!isfinite(x)) {
        copy_out(nonfinite_text(x, 0), out, PYNUM_BUFSZ);
        return;
    }
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    uint64_t ieee_mant = bits & ((1ull << DBL_MANT_BITS) - 1);
    uint32_t ieee_exp = (uint32_t)(bits >> DBL_MANT_BITS) & ((1u << DBL_EXP_BITS) - 1);
    char *o = out;
    if (bits >> 63)
        *o++ = '-';
    if (ieee_exp == 0 && ieee_mant == 0) {
        layout_repr(o, "0", 1, 0);
        return;
    }
    int32_t exp10;
    uint64_t v = shortest_decimal(ieee_mant, ieee_exp, &exp10);
    char d[24];
    int nd = 0;
    char rev[24];
    do {
        rev[nd++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (int i = 0; i < nd; i++)
        d[i] = rev[nd - 1 - i];
    layout_repr(o, d, nd, exp10 + nd - 1);
}

void py_fmt_fixed(double x, int prec, char *out, size_t outsz)
{
    if (prec < 0)
        prec = 0;
    if (!isfinite(x)) {
        copy_out(nonfinite_text(x, 0), out, outsz);
        return;
    }
    snprintf(out, outsz, "%.*f", prec, x);
}

void py_fmt_signed_fixed(double x, int prec, char *out, size_t outsz)
{
    if (prec < 0)
        prec = 0;
    if (!isfinite(x)) {
        copy_out(nonfinite_text(x, 1), out, outsz);
        return;
    }
    snprintf(out, outsz, "%+.*f", prec, x);
}

void py_fmt_exp(double x, int prec, char *out, size_t outsz)
{
    if (prec < 0)
        prec = 0;
    if (!isfinite(x)) {
        copy_out(nonfinite_text(x, 0), out, outsz);
        return;
    }
    snprintf(out, outsz, "%.*e", prec, x);
}

void py_fmt_thousands(double x, int prec, char *out, size_t outsz)
{
    if (outsz == 0)
        return;
    if (prec < 0)
        prec = 0;
    if (!isfinite(x)) {
        copy_out(nonfinite_text(x, 0), out, outsz);
        return;
    }
    /* %.*f of DBL_MAX has 309 integer digits and prec is the caller's
     * choice: a stack buffer for the usual sizes, the heap beyond */
    char small_plain[128], small_grouped[176];
    char *plain = small_plain, *grouped = small_grouped;
    int len = snprintf(small_plain, sizeof small_plain, "%.*f", prec, x);
    if (len < 0) {
        out[0] = '\0';
        return;
    }
    if ((size_t)len >= sizeof small_plain) {
        plain = malloc((size_t)len + 1);
        grouped = malloc((size_t)len + (size_t)len / 3 + 2);
        if (!plain || !grouped) {
            free(plain);
            free(grouped);
            out[0] = '\0';
            return;
        }
        snprintf(plain, (size_t)len + 1, "%.*f", prec, x);
    }

    const char *p = plain;
    char *g = grouped;
    if (*p == '-' || *p == '+')
        *g++ = *p++;
    size_t intlen = strspn(p, "0123456789");
    for (size_t i = 0; i < intlen; i++) {
        if (i > 0 && (intlen - i) % 3 == 0)
            *g++ = ',';
        *g++ = p[i];
    }
    strcpy(g, p + intlen); /* ".fraction" or "" */
    copy_out(grouped, out, outsz);
    if (plain != small_plain) {
        free(plain);
        free(grouped);
    }
}

cJSON *jnum(double x)
{
    if (!isfinite(x))
        return cJSON_CreateNull();
    char buf[PYNUM_BUFSZ];
    py_repr_double(x, buf);
    return cJSON_CreateRaw(buf);
}

cJSON *jint(long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    return cJSON_CreateRaw(buf);
}

/* Add item to obj under key; on failure free item and return NULL. */
static cJSON *jadd(cJSON *obj, const char *key, cJSON *item)
{
    if (!item)
        return NULL;
    if (!cJSON_AddItemToObject(obj, key, item)) {
        cJSON_Delete(item);
        return NULL;
    }
    return item;
}

cJSON *jadd_num(cJSON *obj, const char *key, double x)
{
    return jadd(obj, key, jnum(x));
}

cJSON *jadd_int(cJSON *obj, const char *key, long long v)
{
    return jadd(obj, key, jint(v));
}

/* A NULL string is stored as JSON null. */
cJSON *jadd_str(cJSON *obj, const char *key, const char *s)
{
    return jadd(obj, key, s ? cJSON_CreateString(s) : cJSON_CreateNull());
}

cJSON *jadd_bool(cJSON *obj, const char *key, int b)
{
    return jadd(obj, key, cJSON_CreateBool(b ? 1 : 0));
}

cJSON *jadd_null(cJSON *obj, const char *key)
{
    return jadd(obj, key, cJSON_CreateNull());
}

/* 1 if s is exactly a JSON number (RFC 8259 grammar), else 0. Rejects the
 * extras strtod would take: "inf", "nan", hex, leading '+', spaces. */
static int is_json_number(const char *s)
{
    if (*s == '-')
        s++;
    if (*s == '0') {
        s++;
    } else if (*s >= '1' && *s <= '9') {
        while (*s >= '0' && *s <= '9')
            s++;
    } else {
        return 0;
    }
    if (*s == '.') {
        s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return 0;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

int jget_double(const cJSON *node, double *out)
{
    if (!node)
        return 0;
    if (cJSON_IsNumber(node)) {
        *out = node->valuedouble;
        return 1;
    }
    if (cJSON_IsRaw(node) && node->valuestring &&
        is_json_number(node->valuestring)) {
        char *end = NULL;
        double v = strtod(node->valuestring, &end);
        if (end && *end == '\0') {
            *out = v;
            return 1;
        }
    }
    return 0;
}
