/* Locale-independent number formatting that matches Python byte for byte,
 * and the cJSON helpers built on it. See jsonnum.h for the contracts.
 *
 * All snprintf/strtod calls rely on the default "C" locale: tafcard never
 * calls setlocale(), so '.' is the decimal point and no grouping happens. */
#include "jsonnum.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

/* Split "d[.ddd]e[+-]XX" into its digits and decimal exponent. */
static void split_exp(const char *s, char digits[24], int *exp10)
{
    size_t nd = 0;
    for (; *s && *s != 'e'; s++)
        if (*s != '.' && nd < 23)
            digits[nd++] = *s;
    digits[nd] = '\0';
    *exp10 = (*s == 'e') ? atoi(s + 1) : 0;
}

/* Add one unit in the last place to the digit string (carry may add a
 * digit at the front: "99" -> "100", reported through *exp10 + 1 and the
 * string kept at its length as "10"). */
static void bump_last_digit(char digits[24], int *exp10)
{
    size_t nd = strlen(digits);
    size_t i = nd;
    while (i > 0) {
        i--;
        if (digits[i] != '9') {
            digits[i]++;
            return;
        }
        digits[i] = '0';
    }
    /* all nines: 999 -> 1000, keep length: "100" with exponent + 1 */
    digits[0] = '1';
    (*exp10)++;
}

/* 1 if the digits d (first digit at decimal exponent e) read back as a. */
static int digits_roundtrip(const char *d, int e, double a)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%c.%se%d", d[0], d + 1, e);
    return same_bits(strtod(buf, NULL), a);
}

/* Shortest round-trip digits of finite x (David Gay's mode 0, as Python's
 * repr): digits without sign or point (NUL-terminated, at most 17);
 * *exp10: decimal exponent of the first digit; *neg: sign bit.
 *
 * %.{p}e gives the correctly rounded p+1 digits, the closest candidate of
 * that length. When x is a power of two its rounding interval is narrower
 * below than above, so the closest candidate can miss it while the next
 * one up still reads back; try that one as well. */
static void shortest_digits(double x, char digits[24], int *exp10, int *neg)
{
    char buf[48];
    double a = fabs(x);
    int mant_exp;
    int pow2 = frexp(a, &mant_exp) == 0.5 && a > 0x1p-1022;
    *neg = signbit(x) ? 1 : 0;
    for (int p = 0; p <= 16; p++) {
        snprintf(buf, sizeof buf, "%.*e", p, a);
        split_exp(buf, digits, exp10);
        if (same_bits(strtod(buf, NULL), a) || p == 16)
            break;
        if (pow2) {
            bump_last_digit(digits, exp10);
            if (digits_roundtrip(digits, *exp10, a))
                break;
        }
    }
    /* The shortest digits never end in '0' unless the value is 0 (or a
     * carry turned "9.9" into "1.0"); strip, keeping one digit. */
    size_t nd = strlen(digits);
    while (nd > 1 && digits[nd - 1] == '0')
        digits[--nd] = '\0';
}

void py_repr_double(double x, char out[PYNUM_BUFSZ])
{
    if (!isfinite(x)) {
        copy_out(nonfinite_text(x, 0), out, PYNUM_BUFSZ);
        return;
    }
    char d[24];
    int e, neg;
    shortest_digits(x, d, &e, &neg);
    int nd = (int)strlen(d);
    char *o = out;
    if (neg)
        *o++ = '-';
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
        *o = '\0';
    } else {
        *o++ = d[0];
        if (nd > 1) {
            *o++ = '.';
            memcpy(o, d + 1, (size_t)(nd - 1));
            o += nd - 1;
        }
        snprintf(o, (size_t)(PYNUM_BUFSZ - (o - out)), "e%c%02d",
                 e < 0 ? '-' : '+', e < 0 ? -e : e);
    }
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
    /* %.*f of DBL_MAX has 309 integer digits; prec is the caller's choice. */
    int len = snprintf(NULL, 0, "%.*f", prec, x);
    if (len < 0) {
        out[0] = '\0';
        return;
    }
    char *plain = malloc((size_t)len + 1);
    char *grouped = malloc((size_t)len + (size_t)len / 3 + 2);
    if (!plain || !grouped) {
        free(plain);
        free(grouped);
        out[0] = '\0';
        return;
    }
    snprintf(plain, (size_t)len + 1, "%.*f", prec, x);

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
    free(plain);
    free(grouped);
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
