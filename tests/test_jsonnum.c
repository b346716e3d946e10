/* Python-exact number formatting (src/util/jsonnum.c). Every expected
 * string was produced by python3 3.11 on this machine (repr(x), f"{x:.Nf}",
 * f"{x:,.Nf}", f"{x:.Ne}", f"{x:+.Nf}"). */
#include <criterion/criterion.h>

#include <math.h>
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
