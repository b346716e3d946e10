/* §32–§34 (src/taf/diag.c): safety zones, the bimodal class, the
 * concentration law, PDI, the 4-bit rule, critical exponents and the
 * twelve algebraic identities. */
#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "taf/diag.h"
#include "taf/gamma.h"

Test(taf_diag, all_twelve_identities_pass_at_gamma_half)
{
    taf_algebra a = taf_verify_algebra(0.5, 1e-9);
    cr_assert(a.in_phase_A);
    cr_expect_eq(a.n_passed, TAF_N_IDENTITIES);
    cr_expect_eq(TAF_N_IDENTITIES, 12);
    for (int i = 0; i < TAF_N_IDENTITIES; i++)
        cr_expect(a.checks[i].passes, "%s fails at γ = 0.5", a.checks[i].id);
    cr_expect_str_eq(a.checks[0].id, "D-SAGE-1");
    cr_expect_str_eq(a.checks[11].id, "nu_beta_id");
    cr_expect_eq(a.checks[7].kind, TAF_EXPECT_FORMULA, "Fisher has expected_formula");
    cr_expect_eq(a.checks[8].kind, TAF_EXPECT_TEXT, "η=2γ refutation has a text expectation");
    cr_expect_str_eq(a.checks[8].expected_text, "positive (refutes η=2γ)");
}

Test(taf_diag, no_checks_out_of_phase_A)
{
    const double gs[] = {0.0, 1.0, -0.5, 1.5};
    for (int i = 0; i < 4; i++) {
        taf_algebra a = taf_verify_algebra(gs[i], 1e-9);
        cr_expect_not(a.in_phase_A, "γ = %g", gs[i]);
        cr_expect_eq(a.n_passed, 0, "γ = %g", gs[i]);
    }
}

Test(taf_diag, a_zero_tolerance_fails_inexact_identities)
{
    /* with tol = 0 nothing that merely rounds to its target can pass; the
     * η=2γ refutation does not use tol */
    taf_algebra a = taf_verify_algebra(0.3, 0.0);
    cr_expect_lt(a.n_passed, TAF_N_IDENTITIES);
    cr_expect(a.checks[8].passes);
}

Test(taf_diag, pdi_is_singular_at_gamma_minus_one)
{
    taf_pdi p = taf_pade_deviation_index(10000, -1.0, 2000);
    cr_expect(p.singular);
    cr_expect(isinf(p.pdi));
    cr_expect_str_eq(p.regime, "singular");
    cr_expect_null(p.traffic_light);
}

Test(taf_diag, pdi_is_one_when_gamma_obs_is_pade)
{
    double g = taf_gamma_pade(500000, 32768);
    taf_pdi p = taf_pade_deviation_index(500000, g, 32768);
    cr_expect_not(p.singular);
    cr_expect_float_eq(p.pdi, 1.0, 1e-12);
    cr_expect_str_eq(p.regime, "canonical (γ_obs ≈ γ_Padé)");
    cr_expect(p.has_log);
    cr_expect_float_eq(p.log_pdi, 0.0, 1e-12);
}

Test(taf_diag, pdi_regimes)
{
    taf_pdi b = taf_pade_deviation_index(10000, 1.3, 2000);
    cr_expect_lt(b.pdi, 0.0);
    cr_expect_not(b.has_log);
    cr_expect_str_eq(b.regime, "Phase B (γ>1, formula sign-flip)");
    taf_pdi o = taf_pade_deviation_index(1e6, 0.1, 2000);
    cr_expect_gt(o.pdi, 1.5);
    cr_expect_str_eq(o.traffic_light, "🟠 ORANGE — large positive deviation");
    taf_pdi y = taf_pade_deviation_index(10000, 0.99, 32768);
    cr_expect_lt(y.pdi, 0.5);
    cr_expect_str_eq(y.traffic_light, "🟡 YELLOW — moderate deviation");
    taf_pdi z = taf_pade_deviation_index(10000, 1.0, 2000);
    cr_expect_eq(z.pdi, 0.0);
    cr_expect_not(z.has_log, "log(0) is undefined: log_PDI is None");
}

Test(taf_diag, hagedorn_zone_boundaries)
{
    cr_expect_str_eq(taf_hagedorn_safety(1.0).level, "critical");
    cr_expect_str_eq(taf_hagedorn_safety(0.9999).level, "warning");
    cr_expect_str_eq(taf_hagedorn_safety(0.95).level, "warning");
    cr_expect_str_eq(taf_hagedorn_safety(0.9499).level, "ok");
    cr_expect_str_eq(taf_hagedorn_safety(0.65).level, "ok");
    cr_expect_str_eq(taf_hagedorn_safety(0.6499).level, "info");
    cr_expect_str_eq(taf_hagedorn_safety(1e-9).level, "info");
    cr_expect_str_eq(taf_hagedorn_safety(0.0).level, "catastrophic");
    taf_hagedorn u = taf_hagedorn_safety(NAN);
    cr_expect_str_eq(u.level, "unknown");
    cr_expect_str_eq(u.color, "gray");
    cr_expect_null(u.label, "the unknown zone has only level, color and message");
    cr_expect_null(u.fraction_of_panel);
}

Test(taf_diag, bimodal_class_boundaries)
{
    cr_expect_str_eq(taf_bimodal_phase_class(-0.01), "catastrophic");
    cr_expect_str_eq(taf_bimodal_phase_class(0.0), "Phase A (long-range)");
    cr_expect_str_eq(taf_bimodal_phase_class(0.85), "boundary (gap zone)");
    cr_expect_str_eq(taf_bimodal_phase_class(0.95), "Hagedorn boundary");
    cr_expect_str_eq(taf_bimodal_phase_class(1.0), "Hagedorn zone");
    cr_expect_str_eq(taf_bimodal_phase_class(NAN), "unknown");
}

Test(taf_diag, architectural_concentration)
{
    cr_expect_eq(taf_arch_concentration(0.75, 8), 0.75 - 0.012 * 8);
    cr_expect_lt(taf_arch_concentration(0.75, 32), taf_arch_concentration(0.75, 1));
}

Test(taf_diag, four_bit_shift_rule)
{
    taf_shift4 g = taf_precision_shift_4bit(0.8, 0.5, true);
    cr_expect_str_eq(g.direction, "stable");
    cr_expect_not_null(g.recommendation);
    cr_expect_null(g.evidence);
    cr_expect_null(g.caveat);
    taf_shift4 up = taf_precision_shift_4bit(0.8, 0.5, false);
    cr_expect_str_eq(up.direction, "UP");
    cr_expect_null(up.recommendation);
    cr_expect_not_null(up.evidence);
    cr_expect_str_eq(taf_precision_shift_4bit(0.8, 0.9, false).direction, "stable");
    cr_expect_str_eq(taf_precision_shift_4bit(0.8, 0.99, false).direction, "stable");
    cr_expect_str_eq(taf_precision_shift_4bit(0.8, 0.995, false).direction, "DOWN");
}

Test(taf_diag, critical_exponents)
{
    cr_expect(taf_critical_exponents(1.0).diverge);
    cr_expect(taf_critical_exponents(2.0).diverge);
    taf_exponents e = taf_critical_exponents(0.3);
    cr_assert_not(e.diverge);
    cr_expect_eq(e.eta, 0.3 - 1, "η = γ − 1, not paper 1's 2γ");
    cr_expect_float_eq(e.rushbrooke_sum, 2.0, 1e-12);
    cr_expect_eq(taf_critical_exponents(0.0).gamma_susc, 3.0, "γ_susc(0) = c_central = 3");
    cr_expect_eq(taf_critical_exponents(0.5).gamma_susc, 3.0);
    cr_expect_float_eq(e.gamma_susc_min, 2 * sqrt(2.0), 1e-15);
    cr_expect_geq(e.gamma_susc, e.gamma_susc_min, "AM-GM bound");
}
