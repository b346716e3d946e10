/* src/calib/layerwise.c: the four γ(layer) forms of seed 002 and the best
 * form by R² on γ. */
#include <criterion/criterion.h>

#include <math.h>
#include <string.h>

#include "calib/layerwise.h"

#define NL 12

static void layers(double *l)
{
    for (int i = 0; i < NL; i++)
        l[i] = i;
}

static const calib_layer_form *F(const calib_layerwise *w, calib_form_id id)
{
    return &w->form[id];
}

Test(calib_layerwise, linear_data_picks_linear)
{
    double l[NL], g[NL];
    layers(l);
    for (int i = 0; i < NL; i++)
        g[i] = 0.5 + 0.03 * i;
    calib_layerwise w;
    cr_assert_eq(calib_layerwise_fit(l, g, NL, &w), CALIB_OK);
    cr_expect_eq(w.best, CALIB_FORM_LINEAR);
    cr_expect_str_eq(w.best_name, "linear");
    const calib_layer_form *f = F(&w, CALIB_FORM_LINEAR);
    cr_expect(fabs(f->a - 0.5) < 1e-13 && fabs(f->b - 0.03) < 1e-13, "a %.17g b %.17g", f->a,
              f->b);
    cr_expect(fabs(f->r2 - 1) < 1e-12);
    cr_expect(F(&w, CALIB_FORM_EXP)->r2 < 1 - 1e-6, "exp r2 %.17g", F(&w, CALIB_FORM_EXP)->r2);
    cr_expect_str_eq(f->formula, "a+b*L");
}

Test(calib_layerwise, exponential_data_picks_exponential)
{
    double l[NL], g[NL];
    layers(l);
    for (int i = 0; i < NL; i++)
        g[i] = 0.4 * exp(0.08 * i);
    calib_layerwise w;
    cr_assert_eq(calib_layerwise_fit(l, g, NL, &w), CALIB_OK);
    const calib_layer_form *f = F(&w, CALIB_FORM_EXP);
    cr_expect(fabs(f->a - 0.4) < 1e-13 && fabs(f->b - 0.08) < 1e-13, "a %.17g b %.17g", f->a,
              f->b);
    cr_expect(fabs(f->r2 - 1) < 1e-12);
    /* The two-piece exponential fits as well; the simpler form wins. */
    cr_expect(fabs(F(&w, CALIB_FORM_PIECEWISE_EXP)->r2 - 1) < 1e-12);
    cr_expect_eq(w.best, CALIB_FORM_EXP);
    cr_expect(F(&w, CALIB_FORM_LINEAR)->r2 < 1 - 1e-4);
}

Test(calib_layerwise, power_data_picks_power_law_on_layer_plus_one)
{
    double l[NL], g[NL];
    layers(l);
    for (int i = 0; i < NL; i++)
        g[i] = 0.6 * pow(i + 1, 0.3);
    calib_layerwise w;
    cr_assert_eq(calib_layerwise_fit(l, g, NL, &w), CALIB_OK);
    const calib_layer_form *f = F(&w, CALIB_FORM_POWER);
    cr_expect(fabs(f->a - 0.6) < 1e-13 && fabs(f->b - 0.3) < 1e-13, "a %.17g b %.17g", f->a,
              f->b);
    cr_expect_eq(w.best, CALIB_FORM_POWER);
}

Test(calib_layerwise, two_piece_data_finds_the_seed_split)
{
    double l[NL], g[NL];
    layers(l);
    for (int i = 0; i < NL; i++) {
        double L = i + 1; /* the seed fits the pieces on L+1 */
        g[i] = L < 6 ? 0.5 * exp(0.1 * L) : 2.0 * exp(-0.05 * L);
    }
    calib_layerwise w;
    cr_assert_eq(calib_layerwise_fit(l, g, NL, &w), CALIB_OK);
    const calib_layer_form *f = F(&w, CALIB_FORM_PIECEWISE_EXP);
    cr_assert_eq(f->status, CALIB_OK);
    cr_expect_eq(f->split, 6, "split@L=%g", f->split);
    cr_expect_eq(f->split_layer, 5);
    cr_expect(fabs(f->a - 0.5) < 1e-12 && fabs(f->b - 0.1) < 1e-12, "a1 %.17g b1 %.17g", f->a,
              f->b);
    cr_expect(fabs(f->a2 - 2.0) < 1e-12 && fabs(f->b2 + 0.05) < 1e-12, "a2 %.17g b2 %.17g", f->a2,
              f->b2);
    cr_expect_eq(w.best, CALIB_FORM_PIECEWISE_EXP);
}

Test(calib_layerwise, r2_is_computed_on_gamma_not_on_its_log)
{
    double l[NL], g[NL];
    layers(l);
    const double wiggle[NL] = { 0.03, -0.02, 0.05, -0.04, 0.01, 0.0,
                                -0.03, 0.04, -0.01, 0.02, -0.05, 0.03 };
    for (int i = 0; i < NL; i++)
        g[i] = 0.4 * exp(0.08 * i) * exp(wiggle[i]);
    calib_layerwise w;
    cr_assert_eq(calib_layerwise_fit(l, g, NL, &w), CALIB_OK);
    const calib_layer_form *f = F(&w, CALIB_FORM_EXP);
    double mean = 0, mlog = 0;
    for (int i = 0; i < NL; i++) {
        mean += g[i] / NL;
        mlog += log(g[i]) / NL;
    }
    double res = 0, tot = 0, lres = 0, ltot = 0;
    for (int i = 0; i < NL; i++) {
        double yh = f->a * exp(f->b * i);
        res += (g[i] - yh) * (g[i] - yh);
        tot += (g[i] - mean) * (g[i] - mean);
        lres += (log(g[i]) - log(yh)) * (log(g[i]) - log(yh));
        ltot += (log(g[i]) - mlog) * (log(g[i]) - mlog);
    }
    cr_expect(fabs(f->r2 - (1 - res / tot)) < 1e-12, "r2 %.17g vs %.17g", f->r2, 1 - res / tot);
    cr_expect(fabs(f->r2 - (1 - lres / ltot)) > 1e-4, "same as the log-space R2");
}

Test(calib_layerwise, skips_missing_layers)
{
    double l[NL], g[NL];
    layers(l);
    for (int i = 0; i < NL; i++)
        g[i] = 0.4 * exp(0.08 * i);
    g[3] = NAN;
    g[7] = NAN;
    calib_layerwise w;
    cr_assert_eq(calib_layerwise_fit(l, g, NL, &w), CALIB_OK);
    cr_expect_eq(w.n_skipped, 2);
    cr_expect_eq(w.n_used, NL - 2);
    const calib_layer_form *f = F(&w, CALIB_FORM_EXP);
    cr_expect(fabs(f->b - 0.08) < 1e-13 && f->n_fit == NL - 2);
    cr_expect(isfinite(F(&w, CALIB_FORM_LINEAR)->r2));
    cr_expect_eq(w.best, CALIB_FORM_EXP);
}

Test(calib_layerwise, too_few_points_per_form)
{
    double l[3] = { 0, 1, 2 }, g[3] = { 0.5, 0.6, 0.8 };
    calib_layerwise w;
    cr_assert_eq(calib_layerwise_fit(l, g, 3, &w), CALIB_OK);
    cr_expect_eq(F(&w, CALIB_FORM_LINEAR)->status, CALIB_OK);
    cr_expect_eq(F(&w, CALIB_FORM_EXP)->status, CALIB_OK);
    cr_expect_eq(F(&w, CALIB_FORM_PIECEWISE_EXP)->status, CALIB_TOO_FEW);
    cr_expect_not_null(strstr(F(&w, CALIB_FORM_PIECEWISE_EXP)->reason, "insufficient points"));

    cr_expect_eq(calib_layerwise_fit(l, g, 1, &w), CALIB_TOO_FEW);
    for (int k = 0; k < CALIB_N_FORMS; k++)
        cr_expect_eq(w.form[k].status, CALIB_TOO_FEW, "form %d", k);
    cr_expect_eq(w.best, -1);

    double g2[3] = { -0.1, 0.6, 0.0 }; /* one positive gamma */
    cr_assert_eq(calib_layerwise_fit(l, g2, 3, &w), CALIB_OK);
    cr_expect_eq(F(&w, CALIB_FORM_LINEAR)->status, CALIB_OK);
    cr_expect_eq(F(&w, CALIB_FORM_POWER)->status, CALIB_TOO_FEW);
    cr_expect_eq(F(&w, CALIB_FORM_EXP)->status, CALIB_TOO_FEW);
    cr_expect_eq(w.best, CALIB_FORM_LINEAR);
}

Test(calib_layerwise, non_positive_gamma_stays_in_r2_but_not_in_log_fits)
{
    double l[NL], g[NL];
    layers(l);
    for (int i = 0; i < NL; i++)
        g[i] = 0.4 * exp(0.08 * i);
    g[0] = -0.05;
    calib_layerwise w;
    cr_assert_eq(calib_layerwise_fit(l, g, NL, &w), CALIB_OK);
    const calib_layer_form *f = F(&w, CALIB_FORM_EXP);
    cr_expect_eq(f->n_fit, NL - 1);
    cr_expect(fabs(f->b - 0.08) < 1e-13);
    cr_expect(f->r2 < 1 - 1e-4, "layer 0 (gamma <= 0) must count in R2: %.17g", f->r2);
    cr_expect_eq(F(&w, CALIB_FORM_PIECEWISE_EXP)->status, CALIB_TOO_FEW);
}

Test(calib_layerwise, constant_gamma_has_no_best_form_and_bad_layers_are_refused)
{
    double l[NL], g[NL];
    layers(l);
    for (int i = 0; i < NL; i++)
        g[i] = 0.7;
    calib_layerwise w;
    cr_assert_eq(calib_layerwise_fit(l, g, NL, &w), CALIB_OK);
    for (int k = 0; k < CALIB_N_FORMS; k++) {
        cr_expect(!w.form[k].r2_defined, "form %d", k);
        cr_expect_not_null(w.form[k].reason);
    }
    cr_expect_eq(w.best, -1);
    cr_expect_null(w.best_name);

    l[4] = 2; /* not increasing */
    for (int i = 0; i < NL; i++)
        g[i] = 0.5 + 0.01 * i;
    cr_expect_eq(calib_layerwise_fit(l, g, NL, &w), CALIB_BAD_INPUT);
    cr_expect_not_null(w.reason);
}
