/* Python-exact number formatting (src/util/jsonnum.c). Every expected
 * string was produced by python3 3.11 on this machine (repr(x), f"{x:.Nf}",
 * f"{x:,.Nf}", f"{x:.Ne}", f"{x:+.Nf}"). */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonnum.h"

static void expect_repr(double x, const char *want)
{
    char got[PYNUM_BUFSZ];
    py_repr_double(x, got);
    cr_expect_str_eq(got, want, "repr(%.17g): got %s, want %s", x, got, want);
}

#define EXPECT_FMT(fn, x, prec, want)                                         \
    do {                                                                      \
        char got_[600];                                                       \
        fn((x), (prec), got_, sizeof got_);                                   \
        cr_expect_str_eq(got_, (want), #fn "(%.17g, %d): got %s, want %s",   \
                         (double)(x), (prec), got_, (want));                  \
    } while (0)

/* ---- py_repr_double ------------------------------------------------------ */

Test(py_repr_double, prints_shortest_round_trip_digits)
{
    expect_repr(0.1 + 0.2, "0.30000000000000004");
    expect_repr(1.0 / 3.0, "0.3333333333333333");
    expect_repr(123.456, "123.456");
    expect_repr(9007199254740993.0, "9007199254740992.0");
    expect_repr(9999999999999998.0, "9999999999999998.0");
}

Test(py_repr_double, switches_to_scientific_at_1e16)
{
    expect_repr(1e15, "1000000000000000.0");
    expect_repr(1e16, "1e+16");
    expect_repr(1e22, "1e+22");
    expect_repr(123456789012345678.0, "1.2345678901234568e+17");
    expect_repr(9223372036854775808.0, "9.223372036854776e+18");
}

Test(py_repr_double, switches_to_scientific_below_1e_minus_4)
{
    expect_repr(0.0001, "0.0001");
    expect_repr(0.001, "0.001");
    expect_repr(0.00009999, "9.999e-05");
    expect_repr(1e-5, "1e-05");
    expect_repr(1e-7, "1e-07");
    expect_repr(-1.5e-7, "-1.5e-07");
}

Test(py_repr_double, integral_fixed_values_end_in_point_zero)
{
    expect_repr(2.0, "2.0");
    expect_repr(100.0, "100.0");
    expect_repr(13000000000.0, "13000000000.0");
    expect_repr(0.0, "0.0");
}

Test(py_repr_double, keeps_the_sign_of_negative_zero)
{
    expect_repr(-0.0, "-0.0");
}

Test(py_repr_double, handles_extremes_and_subnormals)
{
    expect_repr(5e-324, "5e-324");
    expect_repr(3 * 5e-324, "1.5e-323");
    expect_repr(1.7976931348623157e308, "1.7976931348623157e+308");
    expect_repr(-2.5e300, "-2.5e+300");
    expect_repr(0x1p-1022, "2.2250738585072014e-308");
}

Test(py_repr_double, finds_shorter_digits_above_a_power_of_two)
{
    /* At a power of two the rounding interval is narrower below than
     * above: the correctly rounded 16-digit candidate misses it, the next
     * one up does not, and Python prints that one. */
    expect_repr(0x1p1000, "1.0715086071862673e+301");
    expect_repr(7.120236347223045e-307, "7.120236347223045e-307");
    expect_repr(-7.291122019556398e-304, "-7.291122019556398e-304");
    expect_repr(8.209073602596753e-289, "8.209073602596753e-289");
    expect_repr(5.641232424577593e-278, "5.641232424577593e-278");
}

Test(py_repr_double, prints_non_finite_as_python_does)
{
    expect_repr(INFINITY, "inf");
    expect_repr(-INFINITY, "-inf");
    expect_repr(NAN, "nan");
}

/* Every finite bit pattern must read back bit-identical. */
Test(py_repr_double, round_trips_100000_random_bit_patterns)
{
    uint64_t s = 0x9E3779B97F4A7C15u; /* fixed seed, xorshift64* */
    int checked = 0;
    for (int i = 0; i < 100000; i++) {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        uint64_t bits = s * 2685821657736338717u;
        double x;
        memcpy(&x, &bits, sizeof x);
        if (!isfinite(x))
            continue;
        char buf[PYNUM_BUFSZ];
        py_repr_double(x, buf);
        double back = strtod(buf, NULL);
        if (memcmp(&back, &x, sizeof x) != 0)
            cr_assert_fail("0x%016llx printed as %s reads back differently",
                     (unsigned long long)bits, buf);
        checked++;
    }
    cr_expect_gt(checked, 99000);
}

/* ---- the fast path against the former algorithm ----------------------------
 *
 * py_repr_double computes the shortest digits directly (Ryu). The oracle
 * below is the implementation it replaced, verbatim: for p = 0..16 take
 * the correctly rounded %.{p}e (glibc rounds the exact binary value) and
 * stop at the first that strtod reads back bit-identical; at a power of two
 * also try the candidate one unit above. Every card ever published was
 * printed by it, so the two must agree on every double. */

static int ref_same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static void ref_split_exp(const char *s, char digits[24], int *exp10)
{
    size_t nd = 0;
    for (; *s && *s != 'e'; s++)
        if (*s != '.' && nd < 23)
            digits[nd++] = *s;
    digits[nd] = '\0';
    *exp10 = (*s == 'e') ? atoi(s + 1) : 0;
}

static void ref_bump_last_digit(char digits[24], int *exp10)
{
    size_t i = strlen(digits);
    while (i > 0) {
        i--;
        if (digits[i] != '9') {
            digits[i]++;
            return;
        }
        digits[i] = '0';
    }
    digits[0] = '1';
    (*exp10)++;
}

static int ref_digits_roundtrip(const char *d, int e, double a)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%c.%se%d", d[0], d + 1, e);
    return ref_same_bits(strtod(buf, NULL), a);
}

static void ref_shortest_digits(double x, char digits[24], int *exp10, int *neg)
{
    char buf[48];
    double a = fabs(x);
    int mant_exp;
    int pow2 = frexp(a, &mant_exp) == 0.5 && a > 0x1p-1022;
    *neg = signbit(x) ? 1 : 0;
    for (int p = 0; p <= 16; p++) {
        snprintf(buf, sizeof buf, "%.*e", p, a);
        ref_split_exp(buf, digits, exp10);
        if (ref_same_bits(strtod(buf, NULL), a) || p == 16)
            break;
        if (pow2) {
            ref_bump_last_digit(digits, exp10);
            if (ref_digits_roundtrip(digits, *exp10, a))
                break;
        }
    }
    size_t nd = strlen(digits);
    while (nd > 1 && digits[nd - 1] == '0')
        digits[--nd] = '\0';
}

/* finite x only */
static void ref_repr_double(double x, char out[PYNUM_BUFSZ])
{
    char d[24];
    int e, neg;
    ref_shortest_digits(x, d, &e, &neg);
    int nd = (int)strlen(d);
    char *o = out;
    if (neg)
        *o++ = '-';
    if (e >= -4 && e < 16) {
        if (e < 0) {
            *o++ = '0';
            *o++ = '.';
            for (int i = 0; i < -e - 1; i++)
                *o++ = '0';
            memcpy(o, d, (size_t)nd);
            o += nd;
        } else {
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
        snprintf(o, (size_t)(PYNUM_BUFSZ - (o - out)), "e%c%02d", e < 0 ? '-' : '+',
                 e < 0 ? -e : e);
    }
}

static uint64_t xorshift64s(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717u;
}

static double from_bits(uint64_t bits)
{
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

static uint64_t to_bits(double x)
{
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* Compares fast and reference text for x and its neighbours within k ulps
 * (both signs); returns the number of finite values compared. */
static long agree_near(double x, int k)
{
    long n = 0;
    uint64_t b = to_bits(fabs(x));
    for (int d = -k; d <= k; d++) {
        if (d < 0 && b < (uint64_t)-d)
            continue;
        for (int sign = 0; sign < 2; sign++) {
            double y = from_bits((b + (uint64_t)(int64_t)d) | (sign ? 1ull << 63 : 0));
            if (!isfinite(y))
                continue;
            char got[PYNUM_BUFSZ], want[PYNUM_BUFSZ];
            py_repr_double(y, got);
            ref_repr_double(y, want);
            if (strcmp(got, want) != 0)
                cr_assert_fail("0x%016llx: fast %s, reference %s",
                               (unsigned long long)to_bits(y), got, want);
            n++;
        }
    }
    return n;
}

Test(py_repr_double, agrees_with_the_reference_on_a_million_random_bit_patterns)
{
    uint64_t s = 0x2545F4914F6CDD1Du; /* fixed seed: a failure is reproducible */
    long n = 0;
    for (int i = 0; i < 1000000; i++) {
        double x = from_bits(xorshift64s(&s));
        if (!isfinite(x))
            continue;
        char got[PYNUM_BUFSZ], want[PYNUM_BUFSZ];
        py_repr_double(x, got);
        ref_repr_double(x, want);
        if (strcmp(got, want) != 0)
            cr_assert_fail("0x%016llx: fast %s, reference %s",
                           (unsigned long long)to_bits(x), got, want);
        n++;
    }
    cr_expect_gt(n, 999000);
}

Test(py_repr_double, agrees_with_the_reference_on_subnormals)
{
    uint64_t s = 0x9E3779B97F4A7C15u;
    long n = agree_near(0x1p-1022, 3) + agree_near(5e-324, 3);
    for (int i = 0; i < 50000; i++) {
        /* every width of significand, not only the full-width ones */
        uint64_t m = xorshift64s(&s) & ((1ull << 52) - 1);
        m >>= xorshift64s(&s) % 52;
        if (m)
            n += agree_near(from_bits(m), 0);
    }
    cr_expect_gt(n, 49000);
}

Test(py_repr_double, agrees_with_the_reference_at_powers_of_two_and_ten)
{
    long n = 0;
    /* the lower rounding interval is half as wide at a power of two */
    for (int k = -1074; k <= 1023; k++)
        n += agree_near(ldexp(1.0, k), 2);
    for (int k = -323; k <= 308; k++) {
        char buf[16];
        snprintf(buf, sizeof buf, "1e%d", k);
        n += agree_near(strtod(buf, NULL), 2);
    }
    cr_expect_gt(n, 25000);
}

Test(py_repr_double, agrees_with_the_reference_on_integers)
{
    uint64_t s = 0xD1B54A32D192ED03u;
    long n = 0;
    for (long v = 0; v <= 100000; v++)
        n += agree_near((double)v, 0);
    for (int i = 0; i < 100000; i++) {
        /* below and above 2^53, where integers stop being exact */
        uint64_t v = xorshift64s(&s) >> (xorshift64s(&s) % 64);
        n += agree_near((double)v, 1);
    }
    cr_expect_gt(n, 500000);
}

Test(py_repr_double, agrees_with_the_reference_next_to_short_decimals)
{
    /* Short decimals and the doubles around them: the shortest output is
     * short, the interval ends can be exact decimals, and the digit-removal
     * loop stops early. */
    uint64_t s = 0xA0761D6478BD642Fu;
    long n = 0;
    for (int i = 0; i < 100000; i++) {
        char buf[48];
        int digits = 1 + (int)(xorshift64s(&s) % 17);
        uint64_t m = xorshift64s(&s) % 100000000000000000u;
        for (int d = 17; d > digits; d--)
            m /= 10;
        int e = (int)(xorshift64s(&s) % 640) - 330;
        snprintf(buf, sizeof buf, "%llue%d", (unsigned long long)m, e);
        n += agree_near(strtod(buf, NULL), 1);
    }
    cr_expect_gt(n, 500000);
}

Test(py_repr_double, agrees_with_the_reference_on_dyadic_values_near_one)
{
    /* m * 2^e with small |e|: exact binary fractions and integers whose
     * decimal expansions end early, where the tie rules decide */
    uint64_t s = 0xE7037ED1A0B428DBu;
    long n = 0;
    for (int i = 0; i < 200000; i++) {
        uint64_t m = xorshift64s(&s) >> (11 + xorshift64s(&s) % 53);
        int e = (int)(xorshift64s(&s) % 160) - 80;
        n += agree_near(ldexp((double)m, e), 0);
    }
    cr_expect_gt(n, 190000);
}

/* ---- fixed, thousands, exp, signed ----------------------------------------- */

Test(py_fmt_fixed, rounds_half_to_even_on_the_binary_value)
{
    EXPECT_FMT(py_fmt_fixed, 0.125, 2, "0.12");
    EXPECT_FMT(py_fmt_fixed, 0.375, 2, "0.38");
    EXPECT_FMT(py_fmt_fixed, 2.5, 0, "2");
    EXPECT_FMT(py_fmt_fixed, 62.5, 0, "62");
    EXPECT_FMT(py_fmt_fixed, 63.5, 0, "64");
    EXPECT_FMT(py_fmt_fixed, 0.5, 0, "0");
    EXPECT_FMT(py_fmt_fixed, 1.5, 0, "2");
    EXPECT_FMT(py_fmt_fixed, 1.005, 2, "1.00");
    EXPECT_FMT(py_fmt_fixed, 2.675, 2, "2.67");
    EXPECT_FMT(py_fmt_fixed, 12.3456, 3, "12.346");
}

Test(py_fmt_fixed, keeps_negative_zero_and_prints_large_values_in_full)
{
    EXPECT_FMT(py_fmt_fixed, -0.4, 0, "-0");
    EXPECT_FMT(py_fmt_fixed, -0.0, 2, "-0.00");
    EXPECT_FMT(py_fmt_fixed, 1e22, 1, "10000000000000000000000.0");
}

Test(py_fmt_fixed, prints_non_finite_as_python_does)
{
    EXPECT_FMT(py_fmt_fixed, INFINITY, 2, "inf");
    EXPECT_FMT(py_fmt_fixed, -INFINITY, 1, "-inf");
    EXPECT_FMT(py_fmt_fixed, NAN, 3, "nan");
}

Test(py_fmt_thousands, inserts_commas_every_three_integer_digits)
{
    EXPECT_FMT(py_fmt_thousands, 1234567.891, 0, "1,234,568");
    EXPECT_FMT(py_fmt_thousands, 999.5, 0, "1,000");
    EXPECT_FMT(py_fmt_thousands, 1000.0, 0, "1,000");
    EXPECT_FMT(py_fmt_thousands, 999.0, 1, "999.0");
    EXPECT_FMT(py_fmt_thousands, 100.0, 0, "100");
    EXPECT_FMT(py_fmt_thousands, 0.0, 2, "0.00");
    EXPECT_FMT(py_fmt_thousands, 12345678.125, 2, "12,345,678.12");
    EXPECT_FMT(py_fmt_thousands, 1e21, 0, "1,000,000,000,000,000,000,000");
}

Test(py_fmt_thousands, keeps_the_sign)
{
    EXPECT_FMT(py_fmt_thousands, -0.4, 0, "-0");
    EXPECT_FMT(py_fmt_thousands, -1234.5, 2, "-1,234.50");
    EXPECT_FMT(py_fmt_thousands, -999999.5, 0, "-1,000,000");
    EXPECT_FMT(py_fmt_thousands, NAN, 0, "nan");
    EXPECT_FMT(py_fmt_thousands, -INFINITY, 0, "-inf");
}

Test(py_fmt_thousands, groups_values_longer_than_the_stack_buffer)
{
    /* more than 127 characters before grouping: the heap path */
    char got[600];
    py_fmt_thousands(1e200, 0, got, sizeof got);
    cr_expect_str_eq(got, "99,999,999,999,999,996,973,312,221,251,036,165,947,450,327,545,502,"
                          "362,648,241,750,950,346,848,435,554,075,534,196,338,404,706,251,868,"
                          "027,512,415,973,882,408,182,135,734,368,278,484,639,385,041,047,239,"
                          "877,871,023,591,066,789,981,811,181,813,306,167,128,854,888,448");
    py_fmt_thousands(-1.5e130, 3, got, sizeof got);
    cr_expect_str_eq(got, "-14,999,999,999,999,999,665,433,480,053,446,752,393,903,932,249,019,"
                          "204,654,362,687,045,437,803,935,242,527,521,787,035,152,312,070,498,"
                          "472,702,523,212,871,536,841,701,982,208.000");
}

Test(py_fmt_thousands, truncates_to_the_buffer_without_overflow)
{
    char buf[6];
    py_fmt_thousands(1234567.0, 0, buf, sizeof buf);
    cr_expect_str_eq(buf, "1,234");
}

Test(py_fmt_exp, prints_two_digit_exponents_and_rounds_half_even)
{
    EXPECT_FMT(py_fmt_exp, 1.6e11, 2, "1.60e+11");
    EXPECT_FMT(py_fmt_exp, 2.5e8, 0, "2e+08");
    EXPECT_FMT(py_fmt_exp, 3.5e8, 0, "4e+08");
    EXPECT_FMT(py_fmt_exp, 1e-300, 3, "1.000e-300");
    EXPECT_FMT(py_fmt_exp, -0.0, 1, "-0.0e+00");
    EXPECT_FMT(py_fmt_exp, 123456.0, 4, "1.2346e+05");
    EXPECT_FMT(py_fmt_exp, 9.995, 2, "9.99e+00");
    EXPECT_FMT(py_fmt_exp, 1e100, 1, "1.0e+100");
    EXPECT_FMT(py_fmt_exp, INFINITY, 2, "inf");
    EXPECT_FMT(py_fmt_exp, NAN, 2, "nan");
}

Test(py_fmt_signed_fixed, always_prints_a_sign)
{
    EXPECT_FMT(py_fmt_signed_fixed, 0.1234, 4, "+0.1234");
    EXPECT_FMT(py_fmt_signed_fixed, -0.5, 4, "-0.5000");
    EXPECT_FMT(py_fmt_signed_fixed, 0.0, 2, "+0.00");
    EXPECT_FMT(py_fmt_signed_fixed, -0.0, 2, "-0.00");
    EXPECT_FMT(py_fmt_signed_fixed, 2.5, 0, "+2");
    EXPECT_FMT(py_fmt_signed_fixed, -0.00001, 3, "-0.000");
    EXPECT_FMT(py_fmt_signed_fixed, INFINITY, 2, "+inf");
    EXPECT_FMT(py_fmt_signed_fixed, -INFINITY, 2, "-inf");
    EXPECT_FMT(py_fmt_signed_fixed, NAN, 2, "+nan");
}

/* ---- cJSON helpers --------------------------------------------------------- */

static char *print_obj(cJSON *o)
{
    char *s = cJSON_PrintUnformatted(o);
    cr_assert_not_null(s);
    return s;
}

Test(jnum, prints_python_repr_where_cjson_would_lose_digits)
{
    cJSON *o = cJSON_CreateObject();
    jadd_num(o, "a", 0.1 + 0.2);
    jadd_num(o, "b", 1e16);
    jadd_num(o, "c", 2.0);
    jadd_num(o, "d", INFINITY);
    jadd_num(o, "e", NAN);
    jadd_int(o, "f", -9007199254740993LL);
    jadd_str(o, "g", "x");
    jadd_str(o, "h", NULL);
    jadd_bool(o, "i", 7);
    jadd_null(o, "j");
    char *s = print_obj(o);
    cr_expect_str_eq(s, "{\"a\":0.30000000000000004,\"b\":1e+16,\"c\":2.0,"
                        "\"d\":null,\"e\":null,\"f\":-9007199254740993,"
                        "\"g\":\"x\",\"h\":null,\"i\":true,\"j\":null}");
    free(s);
    cJSON_Delete(o);
}

Test(jnum, output_parses_back_to_the_same_double)
{
    cJSON *o = cJSON_CreateObject();
    jadd_num(o, "v", 0.1 + 0.2);
    char *s = print_obj(o);
    cJSON *back = cJSON_Parse(s);
    cr_assert_not_null(back);
    double v = 0;
    cr_assert(jget_double(cJSON_GetObjectItem(back, "v"), &v));
    cr_expect(v == 0.1 + 0.2);
    cJSON_Delete(back);
    free(s);
    cJSON_Delete(o);
}

Test(jget_double, reads_parsed_and_raw_numbers)
{
    double v = -1;
    cJSON *n = cJSON_CreateNumber(1.5);
    cr_expect(jget_double(n, &v));
    cr_expect(v == 1.5);
    cJSON_Delete(n);

    cJSON *r = jnum(1e-05);
    cr_expect(jget_double(r, &v));
    cr_expect(v == 1e-05);
    cJSON_Delete(r);

    cJSON *i = jint(42);
    cr_expect(jget_double(i, &v));
    cr_expect(v == 42.0);
    cJSON_Delete(i);
}

Test(jget_double, rejects_non_numbers_and_leaves_out_untouched)
{
    const char *bad[] = {"", "1.5x", "inf", "nan", "0x10", "+1", " 1",
                         "1.", ".5", "1e", "--1", "null", "[1]"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        double v = 7.0;
        cJSON *r = cJSON_CreateRaw(bad[k]);
        cr_expect(!jget_double(r, &v), "raw '%s' accepted", bad[k]);
        cr_expect(v == 7.0);
        cJSON_Delete(r);
    }
    double v = 7.0;
    cJSON *s = cJSON_CreateString("1.5");
    cr_expect(!jget_double(s, &v));
    cr_expect(!jget_double(NULL, &v));
    cr_expect(v == 7.0);
    cJSON_Delete(s);
}
