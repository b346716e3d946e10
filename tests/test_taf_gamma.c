/* §26 γ-thermodynamics formulas (src/taf/gamma.c): the Padé exponent, the
 * horizon and everything that needs one, the design inverse, the D_f
 * windows and the compensated sum they rest on. */
#include <math.h>

#include <criterion/criterion.h>

#include "taf/gamma.h"

Test(taf_gamma, pade_is_exactly_zero_where_T_sqrt2_equals_2theta)
{
    double theta = 10000.0;
    double T = 2 * theta / sqrt(2.0); /* θ√2, spelled so that T·√2 == 2θ in binary */
    cr_assert_eq(T * sqrt(2.0), 2 * theta, "precondition: T·√2 must be exactly 2θ");
    cr_expect_eq(taf_gamma_pade(theta, T), 0.0);
    /* and the sign follows T against θ√2 */
    cr_expect_gt(taf_gamma_pade(theta, T / 2), 0.0);
    cr_expect_lt(taf_gamma_pade(theta, T * 2), 0.0);
    /* T = 0 is the θ → ∞ limit: γ = 1 */
    cr_expect_eq(taf_gamma_pade(theta, 0.0), 1.0);
}

Test(taf_gamma, d_horizon_is_undefined_at_zero_one_and_negative_gamma)
{
    double dh = -7;
    cr_expect_not(taf_d_horizon(10000, 0.0, &dh));
    cr_expect_not(taf_d_horizon(10000, 1.0, &dh));
    cr_expect_not(taf_d_horizon(10000, -0.5, &dh));
    cr_expect_not(taf_d_horizon(10000, 1.5, &dh));
    cr_expect_eq(dh, -7, "no horizon must leave the output untouched");
    cr_assert(taf_d_horizon(10000, 0.5, &dh));
    cr_expect_eq(dh, 10000 * (1 - 0.5) * sqrt(2.0) / (1 + 0.5));
}

Test(taf_gamma, d_horizon_of_pade_gamma_is_T_eval)
{
    /* identity D-NEW-1: d_h(γ_Padé(θ, T)) ≡ T */
    double dh;
    cr_assert(taf_d_horizon(500000, taf_gamma_pade(500000, 32768), &dh));
    cr_expect_float_eq(dh, 32768.0, 1e-9 * 32768);
}

Test(taf_gamma, chi_is_infinite_at_gamma_one)
{
    cr_expect(isinf(taf_chi(1.0)));
    cr_expect_gt(taf_chi(1.0), 0);
    cr_expect_eq(taf_chi(0.5), 2.0);
    cr_expect_eq(taf_chi(1.5), 2.0);
}

Test(taf_gamma, p_hallucinate_needs_a_horizon_and_positive_L)
{
    double p = -1;
    cr_expect_not(taf_p_hallucinate(2000, 10000, 1.0, &p));
    cr_expect_not(taf_p_hallucinate(2000, 10000, 0.0, &p));
    cr_expect_not(taf_p_hallucinate(0, 10000, 0.5, &p));
    cr_expect_not(taf_p_hallucinate(-5, 10000, 0.5, &p));
    /* L inside the horizon: the geometric factor clips to 0 */
    cr_assert(taf_p_hallucinate(100, 10000, 0.5, &p));
    cr_expect_eq(p, 0.0);
    /* far outside: positive, below √χ/(1+√χ) */
    cr_assert(taf_p_hallucinate(1e9, 10000, 0.5, &p));
    cr_expect_gt(p, 0.0);
    cr_expect_lt(p, sqrt(2.0) / (1 + sqrt(2.0)));
}

Test(taf_gamma, theta_design_is_undefined_at_plus_minus_one)
{
    double t = -3;
    cr_expect_not(taf_theta_design(1.0, 4096, &t));
    cr_expect_not(taf_theta_design(-1.0, 4096, &t));
    cr_expect_not(taf_theta_design(2.0, 4096, &t));
    cr_expect_not(taf_alpha_opt(1.0, 4096, 10000, &t));
    cr_expect_eq(t, -3);
    cr_assert(taf_theta_design(0.0, 4096, &t));
    cr_expect_eq(t, 4096 * sqrt(2.0) * 1 / 2);
    /* the inverse lands back on the target */
    cr_assert(taf_theta_design(0.85, 32768, &t));
    cr_expect_float_eq(taf_gamma_pade(t, 32768), 0.85, 1e-12);
    double alpha;
    cr_assert(taf_alpha_opt(0.85, 32768, 10000, &alpha));
    cr_expect_eq(alpha, t / 10000);
}

Test(taf_gamma, D_f_exact_of_one_token_is_one)
{
    cr_expect_eq(taf_D_f_exact(0.8, 0.9, 1), 1);
    cr_expect_eq(taf_D_f_exact(2.0, 0.99, 1), 1);
    cr_expect_eq(taf_D_f_exact(0.8, 0.9, 0), 1, "N ≤ 0 gives 1 (reference)");
    cr_expect_eq(taf_D_f_exact(0.0, 0.9, 500), 500, "γ ≤ 0 gives N (reference)");
    cr_expect_eq(taf_D_f_exact(-1.0, 0.9, 500), 500);
}

Test(taf_gamma, D_f_exact_handles_a_million_tokens)
{
    long long N = 1000000;
    long long d = taf_D_f_exact(0.8, 0.9, N);
    cr_expect_gt(d, 1);
    cr_expect_lt(d, N);
    /* steeper decay concentrates the mass: smaller window */
    cr_expect_lt(taf_D_f_exact(1.3, 0.9, N), d);
    /* a uniform-ish decay needs most of the context */
    cr_expect_gt(taf_D_f_exact(0.01, 0.9, N), N / 2);
}

Test(taf_gamma, D_f_exact_is_the_smallest_window_reaching_f)
{
    /* γ = 2, N = 3: weights 1, 1/4, 1/9; total 49/36; 0.9·total = 1.225 */
    cr_expect_eq(taf_D_f_exact(2.0, 0.9, 3), 2);
    cr_expect_eq(taf_D_f_exact(2.0, 0.5, 3), 1);
    cr_expect_eq(taf_D_f_exact(2.0, 1.0, 3), 3);
}

Test(taf_gamma, df_window_is_none_outside_the_calibrated_zone)
{
    long long d = -9;
    cr_expect_not(taf_df_window(0.6499, 2000, 0.9, &d));
    cr_expect_not(taf_df_window(0.8501, 2000, 0.9, &d));
    cr_expect_not(taf_df_window(1.0, 2000, 0.9, &d));
    cr_expect_eq(d, -9);
    cr_assert(taf_df_window(0.65, 2000, 0.9, &d));
    cr_expect_eq(d, taf_D_f_exact(0.65, 0.9, 2000));
    cr_assert(taf_df_window(0.85, 2000, 0.9, &d));
    cr_expect_eq(d, taf_D_f_exact(0.85, 0.9, 2000));
    cr_assert(taf_df_window(0.7, 0, 0.9, &d));
    cr_expect_eq(d, 1);
}

Test(taf_gamma, kv_soft_decay_regime_thresholds)
{
    /* γ = 0.5: d_h = θ·√2/3; T_train = 2·d_h/r gives ratio r */
    double theta = 30000, dh;
    cr_assert(taf_d_horizon(theta, 0.5, &dh));
    cr_expect_str_eq(taf_kv_soft_decay_regime(theta, 0.5, 2 * dh / 1.3), "applies");
    cr_expect_str_eq(taf_kv_soft_decay_regime(theta, 0.5, 2 * dh / 1.0), "borderline");
    cr_expect_str_eq(taf_kv_soft_decay_regime(theta, 0.5, 2 * dh / 0.5), "use-hard-cutoff");
    cr_expect_str_eq(taf_kv_soft_decay_regime(theta, 1.2, 100), "use-hard-cutoff");
}

Test(taf_gamma, neumaier_sum_beats_naive_sum)
{
    const double xs[] = {1e16, 1.0, -1e16};
    double naive = 0.0;
    taf_fsum s = {0.0, 0.0};
    for (int i = 0; i < 3; i++) {
        naive += xs[i];
        taf_fsum_add(&s, xs[i]);
    }
    cr_expect_eq(naive, 0.0, "precondition: the naive sum loses the 1");
    cr_expect_eq(taf_fsum_value(&s), 1.0);
}

Test(taf_gamma, decomposition_v1_corrections)
{
    taf_decomp d = taf_gamma_decompose(0.8, true, true, 7e9);
    cr_expect_eq(d.delta_GQA, 0.11);
    cr_expect_eq(d.delta_SWA, 0.0);
    cr_expect_str_eq(d.delta_SWA_status, "exploratory_n1_disabled");
    cr_expect_eq(d.delta_post_IH, -0.15);
    cr_expect_str_eq(d.delta_post_IH_status, "exploratory_no_replication");
    cr_expect_eq(d.gamma_corrected, 0.8 + 0.11 + 0.0 + -0.15);
    d = taf_gamma_decompose(0.8, false, false, 3.99e8);
    cr_expect_eq(d.delta_post_IH, 0.0);
    cr_expect_str_eq(d.delta_post_IH_status, "not_applicable");
    cr_expect_str_eq(d.delta_SWA_status, "not_applicable");
    cr_expect_eq(d.gamma_corrected, 0.8);
}

Test(taf_gamma, phase_labels)
{
    cr_expect_str_eq(taf_phase_code(0.5), "phase.a");
    cr_expect_str_eq(taf_phase_code(1.0), "phase.b");
    cr_expect_str_eq(taf_phase_code(0.0), "phase.catastrophic");
    cr_expect_str_eq(taf_phase_label(-0.2),
                     "Phase B / catastrophic (negative γ — T too large for θ)");
}
