/* Thermodynamics of p(d) ∝ d^−γ on d = 1..N (src/taf/thermo.c), the diagnose
 * CLI's definitions. */
#include <math.h>

#include <criterion/criterion.h>

#include "taf/thermo.h"

Test(taf_thermo, Z_at_gamma_one_is_log_N_plus_euler_gamma)
{
    cr_expect_eq(taf_partition_Z(1.0, 2000), log(2000.0) + TAF_EULER_GAMMA);
    /* the γ = 1 branch covers |γ − 1| < 1e-5 */
    cr_expect_eq(taf_partition_Z(1.0 + 5e-6, 2000), log(2000.0) + TAF_EULER_GAMMA);
    cr_expect_eq(taf_partition_Z(1.0 - 5e-6, 2000), log(2000.0) + TAF_EULER_GAMMA);
    cr_expect_float_eq(TAF_EULER_GAMMA, 0.5772156649015329, 1e-16);
}

Test(taf_thermo, Z_closed_form_away_from_one)
{
    double g = 0.7, N = 131072;
    cr_expect_eq(taf_partition_Z(g, N), (pow(N, 1 - g) - 1) / (1 - g) + 1);
    cr_expect_eq(taf_partition_Z(0.3, 1), 1.0, "one token: Z = 1");
}

Test(taf_thermo, Z_is_continuous_across_the_gamma_one_window)
{
    /* both sides of the 1e-5 window use the closed form and agree */
    double N = 131072;
    double lo = taf_partition_Z(1 - 2e-5, N), hi = taf_partition_Z(1 + 2e-5, N);
    cr_expect_lt(fabs(lo - hi) / fabs(hi), 1e-3, "Z(1−2e-5)=%.17g Z(1+2e-5)=%.17g", lo, hi);
    /* inside the window the reference switches to the discrete H_N asymptotic,
     * which sits (1 − γ_E) below the closed form's limit log N + 1 */
    N = 2000;
    lo = taf_partition_Z(1 - 2e-5, N);
    double at1 = taf_partition_Z(1.0, N);
    cr_expect_lt(fabs((lo - at1) - (1 - TAF_EULER_GAMMA)), 1e-3);
}

Test(taf_thermo, Cv_is_nan_outside_its_domain)
{
    cr_expect(isnan(taf_heat_capacity_Cv(1e-4, 2000)));
    cr_expect(isnan(taf_heat_capacity_Cv(0.0, 2000)));
    cr_expect(isnan(taf_heat_capacity_Cv(-0.5, 2000)));
    cr_expect(isnan(taf_heat_capacity_Cv(20.0, 2000)));
    cr_expect(isnan(taf_heat_capacity_Cv(35.0, 2000)));
    cr_expect(isfinite(taf_heat_capacity_Cv(2e-4, 2000)));
    cr_expect(isfinite(taf_heat_capacity_Cv(19.9, 2000)));
}

Test(taf_thermo, Cv_is_minus_gamma_squared_dU)
{
    double g = 0.5, N = 2000, d = 1e-4;
    double dU = (taf_mean_log_d(g + d, N) - taf_mean_log_d(g - d, N)) / (2 * d);
    cr_expect_eq(taf_heat_capacity_Cv(g, N), -pow(g, 2) * dU);
    cr_expect_gt(taf_heat_capacity_Cv(g, N), 0.0, "U falls as γ grows");
}

Test(taf_thermo, F_is_minus_log_Z_over_gamma)
{
    double g = 0.7, N = 2000;
    cr_expect_eq(taf_free_energy_F(g, N), -log(taf_partition_Z(g, N)) / g);
    /* γ ≤ 1e-9 divides by 1e-9 (reference clamp) */
    cr_expect_eq(taf_free_energy_F(-0.5, N), -log(taf_partition_Z(-0.5, N)) / 1e-9);
}

Test(taf_thermo, S_is_log_Z_plus_gamma_U)
{
    double g = 0.85, N = 131072;
    cr_expect_eq(taf_entropy_S(g, N),
                 log(taf_partition_Z(g, N)) + g * taf_mean_log_d(g, N));
    g = 1.0;
    cr_expect_eq(taf_entropy_S(g, N),
                 log(taf_partition_Z(g, N)) + g * taf_mean_log_d(g, N));
}

Test(taf_thermo, U_at_gamma_one_and_at_one_token)
{
    double N = 2000;
    cr_expect_eq(taf_mean_log_d(1.0, N), pow(log(N), 2) / 2 / (log(N) + TAF_EULER_GAMMA));
    cr_expect_eq(taf_mean_log_d(0.5, 1), 0.0, "one token: E[log d] = log 1 = 0");
}

Test(taf_thermo, delta_H_and_theta_eff)
{
    cr_expect_eq(taf_delta_H(10000, 2000, 2000), 0.0, "D_f = N loses nothing");
    cr_expect_lt(taf_delta_H(10000, 100, 2000), 0.0);
    cr_expect_eq(taf_theta_eff_pade(10000, 0), 10000.0);
    cr_expect_eq(taf_theta_eff_pade(10000, 2000), 10000 + 2000 / sqrt(2.0));
}
