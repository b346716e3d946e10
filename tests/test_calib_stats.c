/* src/calib/stats.c: Student-t and normal quantiles, numpy-order sums,
 * mean / std / median, Python's round(x, n).
 *
 * Reference values marked "mpmath" were computed with mpmath at 40 digits
 * (bisection on the regularized incomplete beta); the table values are the
 * ones given in issue 5 (scipy.stats.t.ppf). */
#include <criterion/criterion.h>

#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include "calib/stats.h"

static double tq(double p, double df)
{
    double t = -12345.0;
    calib_status st = calib_t_quantile(p, df, &t);
    cr_assert_eq(st, CALIB_OK, "t_quantile(%.17g, %.17g): status %s", p, df,
                 calib_status_name(st));
    return t;
}

static void expect_rel(double got, double want, double tol, const char *what)
{
    double rel = fabs(got - want) / fabs(want);
    cr_expect(rel <= tol, "%s: got %.17g want %.17g (rel %.3g > %.3g)", what, got, want, rel, tol);
}

/* ---- t quantiles ---------------------------------------------------------- */

Test(calib_t, matches_the_table_values_to_1e9)
{
    const struct { double df, t; } tab[] = {
        { 1, 12.706204736174707 },  { 2, 4.302652729749464 },   { 5, 2.570581835636314 },
        { 30, 2.042272456301238 },  { 1e12, 1.959963984540054 }, { 1e15, 1.959963984540054 },
    };
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        double t;
        cr_assert_eq(calib_t975(tab[i].df, &t), CALIB_OK);
        cr_expect(fabs(t - tab[i].t) <= 1e-9, "t(0.975, %g) = %.17g, want %.17g", tab[i].df, t,
                  tab[i].t);
    }
}

Test(calib_t, matches_high_precision_values_to_1e13)
{
    const struct { double p, df, t; } v[] = { /* mpmath */
        { 0.975, 1, 12.706204736174693314 },  { 0.975, 2, 4.3026527297494617894 },
        { 0.975, 3, 3.1824463052837084359 },  { 0.975, 4, 2.7764451051977934898 },
        { 0.975, 10, 2.2281388519862742245 }, { 0.975, 100, 1.9839715185235518946 },
        { 0.975, 1000, 1.9623390808264081039 }, { 0.975, 9999, 1.9602012636213573003 },
        { 0.975, 10001, 1.9602012161646406916 }, { 0.975, 30000, 1.9600430633839347104 },
        { 0.975, 1e6, 1.9599663568141066553 }, { 0.975, 0.5, 164.5576734804882408 },
        { 0.995, 3, 5.8409093097333554113 },  { 0.95, 12, 1.7822875556493195515 },
        { 0.9, 1000, 1.282398721460924564 },  { 0.6, 3, 0.27667066233268984701 },
        { 0.99, 7, 2.9979515668685278061 },   { 0.9999, 50, 4.0140473201558350235 },
        { 0.01, 300, -2.3388419237869928218 }, { 0.999999, 1, 318309.88617359026169 },
        { 1e-10, 1, -3183098861.8379065993 },
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "t(%g, %g)", v[i].p, v[i].df);
        expect_rel(tq(v[i].p, v[i].df), v[i].t, 1e-13, what);
    }
}

Test(calib_t, matches_the_closed_forms_for_one_and_two_df)
{
    const double ps[] = { 0.55, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.3, 0.1, 0.02 };
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        double p = ps[i];
        /* df = 1 (Cauchy): tan(π(p − ½)); df = 2: (2p − 1)/√(2p(1 − p)). */
        expect_rel(tq(p, 1), tan(3.141592653589793 * (p - 0.5)), 1e-13, "df=1 closed form");
        expect_rel(tq(p, 2), (2 * p - 1) / sqrt(2 * p * (1 - p)), 1e-13, "df=2 closed form");
    }
}

Test(calib_t, is_antisymmetric_and_zero_at_the_median)
{
    const double dfs[] = { 1, 2.5, 7, 40, 5e4 };
    for (size_t i = 0; i < sizeof dfs / sizeof dfs[0]; i++) {
        cr_expect_eq(tq(0.5, dfs[i]), 0.0);
        cr_expect_eq(tq(0.25, dfs[i]), -tq(0.75, dfs[i]), "df %g", dfs[i]);
    }
}

Test(calib_t, cdf_inverts_the_quantile)
{
    const double dfs[] = { 1, 3, 8, 25, 200, 2000 };
    const double ps[] = { 0.025, 0.3, 0.7, 0.975, 0.999 };
    for (size_t i = 0; i < sizeof dfs / sizeof dfs[0]; i++)
        for (size_t j = 0; j < sizeof ps / sizeof ps[0]; j++) {
            double c;
            cr_assert_eq(calib_t_cdf(tq(ps[j], dfs[i]), dfs[i], &c), CALIB_OK);
            cr_expect(fabs(c - ps[j]) <= 1e-14, "cdf(q(%g), %g) = %.17g", ps[j], dfs[i], c);
        }
}

Test(calib_t, decreases_with_df_and_is_continuous_where_the_method_switches)
{
    /* Below df = 1e4 the continued fraction, above it Hill's expansion. */
    double prev = INFINITY;
    const double dfs[] = { 1, 2, 3, 10, 100, 9999, 9999.5, 10000, 10000.5, 10001, 1e5, 1e9 };
    for (size_t i = 0; i < sizeof dfs / sizeof dfs[0]; i++) {
        double t = tq(0.975, dfs[i]);
        cr_expect(t < prev, "t(0.975, %g) = %.17g not below %.17g", dfs[i], t, prev);
        prev = t;
    }
    double z;
    cr_assert_eq(calib_t975(INFINITY, &z), CALIB_OK);
    cr_expect(fabs(z - 1.9599639845400538556) <= 1e-15, "normal limit %.17g", z);
}

Test(calib_t, rejects_arguments_outside_the_domain)
{
    double out = 42.0;
    const double bad_p[] = { 0.0, 1.0, -0.1, 1.5, NAN };
    for (size_t i = 0; i < sizeof bad_p / sizeof bad_p[0]; i++)
        cr_expect_eq(calib_t_quantile(bad_p[i], 5, &out), CALIB_BAD_INPUT, "p %g", bad_p[i]);
    const double bad_df[] = { 0.0, -1.0, NAN, -INFINITY };
    for (size_t i = 0; i < sizeof bad_df / sizeof bad_df[0]; i++)
        cr_expect_eq(calib_t975(bad_df[i], &out), CALIB_BAD_INPUT, "df %g", bad_df[i]);
    cr_expect_eq(calib_t_cdf(INFINITY, 3, &out), CALIB_BAD_INPUT);
    cr_expect_eq(out, 42.0, "output written on failure");
}

Test(calib_norm, quantile_matches_known_values)
{
    double z;
    cr_assert_eq(calib_norm_quantile(0.975, &z), CALIB_OK);
    expect_rel(z, 1.9599639845400538556, 1e-15, "z(0.975)");
    cr_assert_eq(calib_norm_quantile(1e-10, &z), CALIB_OK);
    expect_rel(z, -6.3613409024040561991, 1e-14, "z(1e-10)");
    cr_assert_eq(calib_norm_quantile(0.5, &z), CALIB_OK);
    cr_expect_eq(z, 0.0);
    cr_expect_eq(calib_norm_quantile(1.0, &z), CALIB_BAD_INPUT);
}

/* ---- sums, mean, std, median ---------------------------------------------- */

Test(calib_np_sum, adds_in_numpy_pairwise_order)
{
    /* Sequential addition loses every 1 against 1e16 (ties to even); the
     * eight accumulators of numpy keep them: ((1e16+8)+...) = 1e16+8. */
    double x[9] = { 1, 1e16, 1, 1, 1, 1, 1, 1, 1 };
    cr_expect_eq(calib_np_sum(x, 9), 1e16 + 8);
    double seq = 0;
    for (int i = 0; i < 9; i++)
        seq += x[i];
    cr_expect_eq(seq, 1e16, "sanity: the sequential sum differs");
    /* Below 8 terms numpy adds sequentially. */
    cr_expect_eq(calib_np_sum(x, 7), 1e16); /* 1+1e16 ties to 1e16; so does every +1 */
    cr_expect_eq(calib_np_sum(x, 0), 0.0);
}

Test(calib_np_sum, splits_long_arrays_at_a_multiple_of_eight)
{
    /* n = 136 > 128: halves of 64 and 72. First half: 1e16 (seven 1s lost
     * in its accumulator) + 7·8 = 1e16 + 56; second half 72; total +128. */
    double x[136];
    for (int i = 0; i < 136; i++)
        x[i] = 1;
    x[0] = 1e16;
    cr_expect_eq(calib_np_sum(x, 136), 1e16 + 128);
}

Test(calib_stats, mean_std_median)
{
    double x[] = { 2, 4, 4, 4, 5, 5, 7, 9 }, v;
    cr_assert_eq(calib_mean(x, 8, &v), CALIB_OK);
    cr_expect_eq(v, 5.0);
    cr_assert_eq(calib_std_sample(x, 8, &v), CALIB_OK);
    expect_rel(v, sqrt(32.0 / 7.0), 1e-15, "sample std");
    double y[] = { 9, 1, 5, 3 };
    cr_assert_eq(calib_median(y, 4, &v), CALIB_OK);
    cr_expect_eq(v, 4.0);
    cr_expect(y[0] == 1 && y[1] == 3 && y[2] == 5 && y[3] == 9, "median sorts in place");
    double z[] = { 7, -2, 3 };
    cr_assert_eq(calib_median(z, 3, &v), CALIB_OK);
    cr_expect_eq(v, 3.0);
}

Test(calib_stats, refuses_empty_short_and_non_finite_input)
{
    double v = 42, one[] = { 1.0 }, bad[] = { 1.0, NAN, 3.0 };
    cr_expect_eq(calib_mean(one, 0, &v), CALIB_TOO_FEW);
    cr_expect_eq(calib_std_sample(one, 1, &v), CALIB_TOO_FEW);
    cr_expect_eq(calib_median(one, 0, &v), CALIB_TOO_FEW);
    cr_expect_eq(calib_mean(bad, 3, &v), CALIB_BAD_INPUT);
    cr_expect_eq(calib_std_sample(bad, 3, &v), CALIB_BAD_INPUT);
    cr_expect_eq(calib_median(bad, 3, &v), CALIB_BAD_INPUT);
    cr_expect_eq(v, 42.0, "output written on failure");
}

Test(calib_py_round, rounds_half_to_even_on_the_exact_binary_value)
{
    cr_expect_eq(calib_py_round(0.0078125, 6), 0.007812);   /* exact tie → even */
    cr_expect_eq(calib_py_round(0.0078135, 6), 0.007813);   /* binary is below the tie */
    cr_expect_eq(calib_py_round(2.675, 2), 2.67);           /* Python's famous case */
    cr_expect_eq(calib_py_round(2.5, 0), 2.0);
    cr_expect_eq(calib_py_round(3.5, 0), 4.0);
    cr_expect_eq(calib_py_round(0.95511549999, 6), 0.955115);
    cr_expect_eq(calib_py_round(0.1732499999, 4), 0.1732);
    double nz = calib_py_round(-1e-7, 6);
    cr_expect(nz == 0.0 && signbit(nz), "round(-1e-7, 6) is -0.0");
    cr_expect(isinf(calib_py_round(INFINITY, 6)));
}
