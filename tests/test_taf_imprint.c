/* §28–§31 (src/taf/imprint.c): learned imprint, purity, the invariant K,
 * the induction-head phase check, the six-axis decomposition and the
 * famous-constant proximity test. */
#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "taf/consts.h"
#include "taf/gamma.h"
#include "taf/imprint.h"

Test(taf_imprint, nu_is_minus_one_over_two_pi)
{
    cr_expect_eq(taf_nu_imprint(), -1.0 / (2 * TAF_PI));
    cr_expect_float_eq(taf_nu_imprint() * 2 * TAF_PI, -1.0, 1e-15);
}

Test(taf_imprint, shift_is_zero_at_the_14M_baseline_and_clamped_below)
{
    cr_expect_eq(taf_imprint_shift(TAF_P0_IMPRINT_M), 0.0);
    cr_expect_eq(taf_imprint_shift(140.0), taf_nu_imprint() * log10(10.0));
    cr_expect_lt(taf_imprint_shift(7000.0), 0.0, "bigger models imprint downward");
    cr_expect_eq(taf_imprint_shift(0.0), taf_imprint_shift(1e-3));
    cr_expect_eq(taf_imprint_shift(-5.0), taf_imprint_shift(1e-3));
}

Test(taf_imprint, random_prediction_is_pade_plus_shift)
{
    cr_expect_eq(taf_gamma_random_predict(10000, 2048, 160),
                 taf_gamma_pade(10000, 2048) + taf_imprint_shift(160));
}

Test(taf_imprint, purity_classes)
{
    double pred = taf_gamma_random_predict(10000, 2048, 160);
    taf_imprint_purity p = taf_imprint_purity_check(pred + 0.05, 10000, 2048, 160);
    cr_expect_str_eq(p.code, "clean");
    cr_expect_str_eq(p.purity, "clean (within CI)");
    p = taf_imprint_purity_check(pred - 0.3, 10000, 2048, 160);
    cr_expect_str_eq(p.code, "over");
    cr_expect_str_eq(p.purity, "over-imprinted");
    p = taf_imprint_purity_check(pred + 0.3, 10000, 2048, 160);
    cr_expect_str_eq(p.code, "under");
    cr_expect_eq(p.imprint_residual, (pred + 0.3) - pred);
    cr_expect_eq(p.imprint_predicted, p.gamma_random_pred - p.gamma_pade_only);
}

Test(taf_imprint, invariant_K_defaults_to_chinchilla_tokens)
{
    double N = 7000 * 1e6;
    taf_invariant_K k = taf_compute_invariant_K(0.75, 7000, false, 0);
    cr_expect_eq(k.K, 0.75 * log(N * N * (20 * N)));
    taf_invariant_K k2 = taf_compute_invariant_K(0.75, 7000, true, 20 * N);
    cr_expect_eq(k.K, k2.K);
    cr_expect_eq(k.z_score, (k.K - 51.2) / 16.8);
}

Test(taf_imprint, invariant_K_band)
{
    cr_expect_str_eq(taf_compute_invariant_K(0.75, 7000, false, 0).interpretation, "in-band");
    taf_invariant_K hi = taf_compute_invariant_K(3.0, 7000, false, 0);
    cr_expect_not(hi.in_distribution);
    cr_expect_str_eq(hi.interpretation, "high-K outlier");
    cr_expect_str_eq(taf_compute_invariant_K(0.3, 14, false, 0).interpretation, "low-K outlier");
}

Test(taf_imprint, ih_phase_from_the_sign_of_delta)
{
    taf_ih_check c = taf_ih_phase_check(0.9, 0.8, true, 7000);
    cr_expect_str_eq(c.phase_observed, "post-IH");
    cr_expect_str_eq(c.phase_expected_by_size, "post-IH");
    cr_expect(c.consistent);
    c = taf_ih_phase_check(0.3, 0.8, true, 7000);
    cr_expect_str_eq(c.phase_observed, "pre-IH");
    cr_expect_not(c.consistent);
    c = taf_ih_phase_check(0.8, 0.8, false, 0);
    cr_expect_str_eq(c.phase_observed, "ambiguous");
    cr_expect_null(c.phase_expected_by_size);
    cr_expect(c.consistent, "no size: nothing to contradict");
    /* 400 M parameters is the post-IH threshold */
    cr_expect_str_eq(taf_ih_phase_check(0.3, 0.8, true, 400).phase_expected_by_size, "post-IH");
    cr_expect_str_eq(taf_ih_phase_check(0.3, 0.8, true, 399.9).phase_expected_by_size, "pre-IH");
}

Test(taf_imprint, decomposition_v2_axes)
{
    taf_decomp_v2 t = taf_gamma_decompose_v2(0.75, 7000, true, false, false, true);
    cr_expect_eq(t.delta_imprint, 0.0, "text corpus: no imprint axis");
    cr_expect_eq(t.delta_post_IH, -0.15);
    cr_expect_eq(t.delta_instruct, -0.10);
    cr_expect_str_eq(t.delta_instruct_status, "tentative_n3_p0.06");
    cr_expect_eq(t.gamma_corrected, 0.75 + 0.0 + 0.11 + 0.0 + -0.15 + -0.10);
    taf_decomp_v2 r = taf_gamma_decompose_v2(0.75, 160, false, true, true, false);
    cr_expect_eq(r.delta_imprint, taf_imprint_shift(160));
    cr_expect_eq(r.delta_post_IH, 0.0);
    cr_expect_str_eq(r.delta_SWA_status, "exploratory_n1_disabled");
    cr_expect_str_eq(r.delta_instruct_status, "not_applicable");
    cr_expect_str_eq(TAF_DECOMP_V2_AXES[1], "imprint");
}

Test(taf_imprint, famous_constants_sorted_by_error)
{
    taf_const_proximity p = taf_famous_constant_proximity(1 / sqrt(2.0), 0.01);
    cr_assert_geq(p.n_hits, 1);
    cr_expect_str_eq(p.hits[0].name, "1/√2");
    cr_expect_eq(p.hits[0].error, 0.0);
    p = taf_famous_constant_proximity(0.69, 0.05);
    cr_assert_geq(p.n_hits, 2);
    for (int i = 1; i < p.n_hits; i++)
        cr_expect_leq(p.hits[i - 1].error, p.hits[i].error);
    cr_expect_str_eq(p.hits[0].name, "ln(2)");
    /* nothing near 3.5 */
    cr_expect_eq(taf_famous_constant_proximity(3.5, 0.01).n_hits, 0);
    /* a huge tolerance catches all nine */
    cr_expect_eq(taf_famous_constant_proximity(0.5, 10).n_hits, TAF_N_FAMOUS);
}
