/* The D_f shortcut (src/taf/gamma.c): Euler–Maclaurin bounds instead of two
 * O(N) sums must give exactly the integer of the defining loop, on a grid
 * of γ (through γ = 1 and far beyond), f and N, and on a seeded random
 * sweep. (Its speed is measured by make bench, not here.) */
#include <math.h>
#include <stdint.h>

#include <criterion/criterion.h>

#include "taf/gamma.h"

Test(taf_df, shortcut_equals_the_defining_loop_on_a_grid)
{
    const double G[] = {0.01, 0.1, 0.2929, 0.5, 0.65, 0.7, 0.75, 0.8, 0.85, 0.95,
                        0.999, 1.0, 1.001, 1.1, 1.5, 2.0, 3.5, 8.0};
    const double F[] = {0.1, 0.5, 0.9, 0.99, 0.999};
    const long long N[] = {8191, 8192, 10000, 32768, 100003};
    for (size_t i = 0; i < sizeof G / sizeof G[0]; i++)
        for (size_t j = 0; j < sizeof F / sizeof F[0]; j++)
            for (size_t k = 0; k < sizeof N / sizeof N[0]; k++) {
                long long a = taf_D_f_exact(G[i], F[j], N[k]);
                long long b = taf_D_f_reference(G[i], F[j], N[k]);
                cr_expect_eq(a, b, "γ=%g f=%g N=%lld: shortcut %lld, loop %lld", G[i], F[j],
                             N[k], a, b);
            }
}

Test(taf_df, small_n_with_each_term_computed_once_equals_the_defining_loop)
{
    const double G[] = {0.01, 0.5, 0.7, 0.8, 1.0, 1.5, 8.0, 40.0};
    const double F[] = {0.1, 0.5, 0.9, 0.999, 1.0, 1.5};
    const long long N[] = {1, 2, 3, 100, 2000, 2048, 4096, 8191};
    for (size_t i = 0; i < sizeof G / sizeof G[0]; i++)
        for (size_t j = 0; j < sizeof F / sizeof F[0]; j++)
            for (size_t k = 0; k < sizeof N / sizeof N[0]; k++) {
                long long a = taf_D_f_exact(G[i], F[j], N[k]);
                long long b = taf_D_f_reference(G[i], F[j], N[k]);
                cr_expect_eq(a, b, "γ=%g f=%g N=%lld: %lld, loop %lld", G[i], F[j], N[k], a, b);
            }
}

Test(taf_df, shortcut_equals_the_defining_loop_on_a_seeded_sweep)
{
    uint64_t s = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 150; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double g = 0.02 + 3.0 * (double)(s >> 11) / 9007199254740992.0;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double f = 0.05 + 0.949 * (double)(s >> 11) / 9007199254740992.0;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        long long n = 8192 + (long long)((s >> 33) % 120000);
        long long a = taf_D_f_exact(g, f, n), b = taf_D_f_reference(g, f, n);
        cr_expect_eq(a, b, "γ=%.17g f=%.17g N=%lld: shortcut %lld, loop %lld", g, f, n, a, b);
    }
}

Test(taf_df, window_in_the_calibrated_zone_matches_too)
{
    const double G[] = {0.65, 0.7, 0.75, 0.8, 0.85};
    for (size_t i = 0; i < 5; i++) {
        double g = G[i];
        long long w;
        cr_assert(taf_df_window(g, 65536, 0.9, &w));
        cr_expect_eq(w, taf_D_f_reference(g, 0.9, 65536), "γ=%g", g);
    }
}
