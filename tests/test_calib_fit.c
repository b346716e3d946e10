/* src/calib/fits.c and lsq.c: per-measurement fits (power law,
 * exponential, two-regime), the grammar KL, the thermodynamic profile, and
 * the reproduction of every stored upstream fit in the panel. */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "calib/fits.h"
#include "calib/lsq.h"
#include "taf/gamma.h"
#include "taf/thermo.h"

static const double DIST[9] = { 10, 20, 30, 50, 100, 200, 500, 1000, 2000 };

static void power_data(double gamma, double log_A, double *m)
{
    for (int i = 0; i < 9; i++)
        m[i] = exp(log_A - gamma * log(DIST[i]));
}

/* ---- lsq ------------------------------------------------------------------ */

Test(calib_lsq, fits_a_line_with_standard_errors)
{
    /* y = 1 + 2x + e, e = (+1, −1, −1, +1)/10: hand-computed OLS values. */
    double x[] = { 0, 1, 2, 3 }, y[] = { 1.1, 2.9, 4.9, 7.1 };
    calib_lsq f;
    cr_assert_eq(calib_lsq_fit(x, y, 4, &f), CALIB_OK);
    cr_expect(fabs(f.slope - 2.0) < 1e-14 && fabs(f.intercept - 1.0) < 1e-14,
              "a %.17g b %.17g", f.intercept, f.slope);
    /* SS_res = 0.04, Sxx = 5, SS_tot = 20.04. */
    cr_expect(fabs(f.ss_res - 0.04) < 1e-14, "ss_res %.17g", f.ss_res);
    cr_expect(fabs(f.r2 - (1 - 0.04 / 20.04)) < 1e-14, "r2 %.17g", f.r2);
    cr_expect(fabs(f.resid_se - sqrt(0.02)) < 1e-14);
    cr_expect(fabs(f.se_slope - sqrt(0.02 / 5)) < 1e-14);
    cr_expect(fabs(f.se_intercept - sqrt(0.02) * sqrt(0.25 + 2.25 / 5)) < 1e-14);
    cr_expect_eq(f.n, 4);
    cr_expect(f.has_se);
}

Test(calib_lsq, weighted_fit_ignores_a_point_of_tiny_weight)
{
    double x[] = { 0, 1, 2, 3 }, y[] = { 1, 3, 5, 100 }, w[] = { 1, 1, 1, 1e-300 };
    calib_lsq f;
    cr_assert_eq(calib_lsq_fit_weighted(x, y, w, 4, &f), CALIB_OK);
    cr_expect(fabs(f.slope - 2) < 1e-12 && fabs(f.intercept - 1) < 1e-12, "a %g b %g",
              f.intercept, f.slope);
    w[3] = 0;
    cr_expect_eq(calib_lsq_fit_weighted(x, y, w, 4, &f), CALIB_BAD_INPUT);
    cr_expect_not_null(f.reason);
}

Test(calib_lsq, reports_too_few_degenerate_and_bad_input)
{
    double x[] = { 5, 5, 5 }, y[] = { 1, 2, 3 }, bad[] = { 1, NAN, 3 };
    calib_lsq f;
    cr_expect_eq(calib_lsq_fit(x, y, 1, &f), CALIB_TOO_FEW);
    cr_expect_not_null(f.reason);
    cr_expect_eq(calib_lsq_fit(x, y, 3, &f), CALIB_DEGENERATE);
    cr_expect_not_null(f.reason);
    cr_expect_eq(calib_lsq_fit(y, bad, 3, &f), CALIB_BAD_INPUT);
    calib_lsq_input in = { .x = y, .y = bad, .n = 3, .xform = CALIB_SKIP_BAD };
    cr_expect_eq(calib_lsq_fit_ex(&in, &f), CALIB_OK);
    cr_expect_eq(f.n_skipped, 1);
}

/* ---- power law and exponential ------------------------------------------ */

Test(calib_fit, recovers_exact_power_laws)
{
    const double gammas[] = { 0.5, 1.0, 1.7, 0.25 };
    for (size_t k = 0; k < sizeof gammas / sizeof gammas[0]; k++) {
        double g = gammas[k], la = -1.5, m[9];
        power_data(g, la, m);
        calib_measure_fit r;
        cr_assert_eq(calib_fit_measurement(DIST, m, NULL, 9, &r), CALIB_OK);
        const calib_powerlaw *p = &r.power;
        cr_expect(fabs(p->gamma - g) <= 1e-12, "gamma %.17g want %g", p->gamma, g);
        cr_expect(fabs(p->log_A - la) <= 1e-12, "log_A %.17g", p->log_A);
        cr_expect(fabs(p->r2 - 1) <= 1e-12 && p->r2_rounded6 == 1.0, "r2 %.17g", p->r2);
        cr_expect_eq(p->n_points, 7, "d >= 30 without a mask");
        cr_expect(p->has_ci && p->se <= 1e-12 && p->ci_lo <= g + 1e-12 && p->ci_hi >= g - 1e-12);
        cr_expect_str_eq(p->ci_method, "student_t_n-2");
        cr_expect_str_eq(r.prefers, "power_law");
        cr_expect_eq(r.n_excluded_nonpositive, 0);
    }
}

Test(calib_fit, recovers_exact_exponentials)
{
    const double lambdas[] = { 0.001, 0.0025, 0.0004 };
    for (size_t k = 0; k < sizeof lambdas / sizeof lambdas[0]; k++) {
        double lam = lambdas[k], la = -4.0, m[9];
        for (int i = 0; i < 9; i++)
            m[i] = exp(la - lam * DIST[i]);
        calib_measure_fit r;
        calib_fit_measurement(DIST, m, NULL, 9, &r);
        cr_assert_eq(r.exp.status, CALIB_OK);
        cr_expect(fabs(r.exp.lambda - lam) <= 1e-12 * lam, "lambda %.17g want %g", r.exp.lambda,
                  lam);
        cr_expect(fabs(r.exp.log_A - la) <= 1e-12, "log_A %.17g", r.exp.log_A);
        cr_expect(fabs(r.exp.r2 - 1) <= 1e-12, "r2 %.17g", r.exp.r2);
        cr_expect_eq(r.exp.n_points, 7);
        cr_expect(r.has_delta && r.delta_r2 < 0);
        cr_expect_str_eq(r.prefers, "exponential");
    }
}

Test(calib_fit, ci_is_gamma_plus_minus_t_times_se)
{
    double m[9];
    power_data(0.8, -2, m);
    m[3] *= 1.1;
    m[6] *= 0.93;
    calib_powerlaw p;
    cr_assert_eq(calib_fit_power_law(DIST, m, NULL, 9, &p), CALIB_OK);
    double t;
    cr_assert_eq(calib_t975(5, &t), CALIB_OK);
    cr_expect_eq(p.t_crit, t);
    cr_expect_eq(p.ci_lo, p.gamma - t * p.se);
    cr_expect_eq(p.ci_hi, p.gamma + t * p.se);
    cr_expect(p.se > 0);
}

/* Deterministic Gaussian noise: splitmix64 + Box–Muller. */
static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static double uniform01(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void)
{
    return sqrt(-2 * log(uniform01())) * cos(2 * 3.141592653589793 * uniform01());
}

Test(calib_fit, noisy_ci_contains_the_truth_at_the_nominal_rate)
{
    /* 5 fit points (df = 3): a z-based interval would cover ~86%, the
     * Student-t one 95%. 4000 replicates: SE of the rate ≈ 0.0034. */
    const double d[5] = { 30, 50, 100, 200, 500 }, g = 0.8, la = -2, sigma = 0.1;
    int covered = 0, reps = 4000;
    for (int r = 0; r < reps; r++) {
        double m[5];
        for (int i = 0; i < 5; i++)
            m[i] = exp(la - g * log(d[i]) + sigma * gauss());
        calib_powerlaw p;
        cr_assert_eq(calib_fit_power_law(d, m, NULL, 5, &p), CALIB_OK);
        cr_assert(p.has_ci);
        if (r == 0)
            cr_expect(p.ci_lo <= g && g <= p.ci_hi, "first replicate: [%g, %g]", p.ci_lo, p.ci_hi);
        covered += p.ci_lo <= g && g <= p.ci_hi;
    }
    double rate = (double)covered / reps;
    cr_expect(rate >= 0.935 && rate <= 0.965, "coverage %.4f", rate);
    cr_log_info("CI coverage %.4f over %d replicates", rate, reps);
}

Test(calib_fit, one_point_gives_no_fit_with_a_reason)
{
    double d[] = { 10, 100 }, m[] = { 0.01, 0.001 };
    calib_measure_fit r;
    cr_expect_eq(calib_fit_measurement(d, m, NULL, 2, &r), CALIB_TOO_FEW);
    cr_expect_eq(r.power.n_points, 1);
    cr_expect_not_null(r.power.reason);
    cr_expect_eq(r.exp.status, CALIB_TOO_FEW);
    cr_expect_not_null(r.exp.reason);
    cr_expect(!r.has_delta && r.prefers == NULL);
    cr_expect(!r.power.has_ci && r.power.ci_reason != NULL);
    cr_expect_eq(r.power.gamma, 0.0);
}

Test(calib_fit, all_same_distance_is_degenerate)
{
    double d[] = { 100, 100, 100 }, m[] = { 0.01, 0.02, 0.03 };
    calib_measure_fit r;
    cr_expect_eq(calib_fit_measurement(d, m, NULL, 3, &r), CALIB_DEGENERATE);
    cr_expect_not_null(r.power.reason);
    cr_expect_eq(r.exp.status, CALIB_DEGENERATE);
}

Test(calib_fit, constant_attention_flags_r2)
{
    double m[9];
    for (int i = 0; i < 9; i++)
        m[i] = 0.004;
    calib_measure_fit r;
    cr_assert_eq(calib_fit_measurement(DIST, m, NULL, 9, &r), CALIB_OK);
    cr_expect(r.power.r2_degenerate && r.power.r2 == 0.0);
    cr_expect(r.exp.r2_degenerate && r.exp.r2 == 0.0);
    cr_expect(r.power.gamma == 0.0 && !signbit(r.power.gamma), "gamma %g", r.power.gamma);
    cr_expect(isfinite(r.power.ci_lo) && isfinite(r.power.ci_hi));
}

Test(calib_fit, excludes_and_counts_non_positive_and_non_finite_means)
{
    double m[9], clean[9];
    power_data(1.2, -1, m);
    memcpy(clean, m, sizeof m);
    m[3] = 0.0;       /* d = 50 */
    m[5] = -1e-4;     /* d = 200 */
    m[7] = NAN;       /* d = 1000 */
    calib_measure_fit r;
    cr_assert_eq(calib_fit_measurement(DIST, m, NULL, 9, &r), CALIB_OK);
    cr_expect_eq(r.n_fit_candidates, 7);
    cr_expect_eq(r.n_excluded_nonpositive, 2);
    cr_expect_eq(r.n_excluded_nonfinite, 1);
    cr_expect_eq(r.power.n_points, 4);
    cr_expect_eq(r.exp.n_points, 4);
    /* Same as fitting the clean data on the remaining points. */
    unsigned char keep[9] = { 0, 0, 1, 0, 1, 0, 1, 0, 1 };
    calib_measure_fit ref;
    cr_assert_eq(calib_fit_measurement(DIST, clean, keep, 9, &ref), CALIB_OK);
    cr_expect_eq(r.power.gamma, ref.power.gamma);
    cr_expect_eq(r.exp.lambda, ref.exp.lambda);
    cr_expect(fabs(r.power.gamma - 1.2) < 1e-12);
}

Test(calib_fit, two_points_fit_without_ci)
{
    double d[] = { 30, 300 }, m[] = { 0.01, 0.001 };
    calib_powerlaw p;
    cr_assert_eq(calib_fit_power_law(d, m, NULL, 2, &p), CALIB_OK);
    cr_expect(fabs(p.gamma - 1.0) < 1e-14, "gamma %.17g", p.gamma);
    cr_expect_eq(p.r2, 1.0);
    cr_expect_eq(p.n_points, 2);
    cr_expect(!p.has_ci);
    cr_expect_str_eq(p.ci_reason, "n=2, no degrees of freedom");
}

Test(calib_fit, uses_the_mask_when_given_and_d_ge_30_otherwise)
{
    double m[9];
    power_data(0.7, -2, m);
    m[0] = 0.5; /* d = 10, 20: far off the law */
    m[1] = 1e-9;
    calib_powerlaw p;
    cr_assert_eq(calib_fit_power_law(DIST, m, NULL, 9, &p), CALIB_OK);
    cr_expect(fabs(p.gamma - 0.7) < 1e-12 && p.n_points == 7);
    unsigned char all[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    cr_assert_eq(calib_fit_power_law(DIST, m, all, 9, &p), CALIB_OK);
    cr_expect(fabs(p.gamma - 0.7) > 0.1 && p.n_points == 9, "mask ignored: %g", p.gamma);
}

/* ---- the panel ------------------------------------------------------------ */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    if (!buf || got != (size_t)n) {
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

static int ends_with(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    cr_assert(cJSON_IsNumber(v), "missing number %s", key);
    return v->valuedouble;
}

static double rel(double got, double want)
{
    return want == 0 ? fabs(got) : fabs(got - want) / fabs(want);
}

Test(calib_panel, reproduces_every_stored_upstream_fit)
{
    const char *env = getenv("PANEL_DIR");
    const char *panel = env && *env ? env : "/work/shared/panel-source";
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/e4_gamma", panel);
    DIR *dh = opendir(dir);
    if (!dh)
        cr_skip_test("panel not found at %s (set PANEL_DIR)", dir);

    char *names[512];
    size_t nn = 0;
    struct dirent *e;
    while ((e = readdir(dh)) && nn < 512)
        if (ends_with(e->d_name, "_mongo.json") || ends_with(e->d_name, "_random.json"))
            names[nn++] = strdup(e->d_name);
    closedir(dh);
    qsort(names, nn, sizeof names[0], cmp_str);

    size_t complete = 0, checked = 0;
    double worst = 0;
    char worst_file[256] = "";
    for (size_t k = 0; k < nn; k++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, names[k]);
        char *text = slurp(path);
        cr_assert_not_null(text, "cannot read %s", path);
        cJSON *root = cJSON_Parse(text);
        free(text);
        cr_assert_not_null(root, "%s is not JSON", names[k]);
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
        if (cJSON_IsString(status) && strcmp(status->valuestring, "partial") == 0) {
            cJSON_Delete(root);
            continue;
        }
        complete++;

        const cJSON *dists = cJSON_GetObjectItemCaseSensitive(root, "distances");
        const cJSON *dfit = cJSON_GetObjectItemCaseSensitive(root, "distances_fit");
        const cJSON *attn = cJSON_GetObjectItemCaseSensitive(root, "attn_by_distance");
        cr_assert(cJSON_IsArray(dists) && cJSON_IsArray(dfit) && cJSON_IsObject(attn), "%s",
                  names[k]);
        double d[64], m[64];
        unsigned char in_fit[64];
        int n = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, dists)
        {
            cr_assert(n < 64);
            d[n] = it->valuedouble;
            char key[32];
            snprintf(key, sizeof key, "%d", (int)d[n]);
            const cJSON *row = cJSON_GetObjectItemCaseSensitive(attn, key);
            cr_assert_not_null(row, "%s: no attn_by_distance[%s]", names[k], key);
            m[n] = num(row, "mean_across_seeds");
            in_fit[n] = 0;
            const cJSON *f;
            cJSON_ArrayForEach(f, dfit) if (f->valuedouble == d[n]) in_fit[n] = 1;
            n++;
        }

        calib_measure_fit r;
        cr_assert_eq(calib_fit_measurement(d, m, in_fit, (size_t)n, &r), CALIB_OK, "%s: %s",
                     names[k], r.power.reason);
        cr_assert_eq(r.exp.status, CALIB_OK, "%s", names[k]);
        const cJSON *pl = cJSON_GetObjectItemCaseSensitive(root, "fit_power_law");
        const cJSON *ex = cJSON_GetObjectItemCaseSensitive(root, "fit_exponential");
        const double errs[4] = { rel(r.power.gamma, num(pl, "gamma")),
                                 rel(r.power.log_A, num(pl, "log_A")),
                                 rel(r.exp.lambda, num(ex, "lambda")),
                                 rel(r.exp.log_A, num(ex, "log_A")) };
        for (int j = 0; j < 4; j++) {
            cr_expect(errs[j] <= 1e-9, "%s: coefficient %d off by %.3g relative", names[k], j,
                      errs[j]);
            if (errs[j] > worst) {
                worst = errs[j];
                snprintf(worst_file, sizeof worst_file, "%s", names[k]);
            }
        }
        cr_expect_eq(r.power.r2_rounded6, num(pl, "R2"), "%s: power R2 %.17g (raw %.17g) vs %.17g",
                     names[k], r.power.r2_rounded6, r.power.r2, num(pl, "R2"));
        cr_expect_eq(r.exp.r2_rounded6, num(ex, "R2"), "%s: exp R2 %.17g (raw %.17g) vs %.17g",
                     names[k], r.exp.r2_rounded6, r.exp.r2, num(ex, "R2"));
        cr_expect_eq((double)r.power.n_points, num(pl, "n_points"), "%s", names[k]);
        cr_expect_eq((double)r.exp.n_points, num(ex, "n_points"), "%s", names[k]);
        cr_expect_eq(r.delta_r2_rounded4, num(root, "delta_R2_power_minus_exp"),
                     "%s: delta R2 %.17g", names[k], r.delta_r2_rounded4);
        checked++;
        cJSON_Delete(root);
    }
    for (size_t k = 0; k < nn; k++)
        free(names[k]);
    cr_log_info("panel: checked %zu of %zu complete files (%zu found); worst coefficient "
                "error %.3g relative (%s)",
                checked, complete, nn, worst, worst_file);
    cr_expect_gt(complete, 0, "no complete panel file found in %s", dir);
    cr_expect_eq(checked, complete, "checked %zu of %zu complete files", checked, complete);
}

/* ---- two-regime ----------------------------------------------------------- */

Test(calib_two_regime, finds_the_break_of_a_broken_power_law)
{
    double m[9];
    for (int i = 0; i < 9; i++)
        m[i] = DIST[i] <= 200 ? exp(-2 - 0.5 * log(DIST[i])) : exp(-0.5 - 1.5 * log(DIST[i]));
    calib_two_regime t;
    cr_assert_eq(calib_fit_two_regime(DIST, m, NULL, 9, &t), CALIB_OK, "%s", t.reason);
    cr_expect_eq(t.split_d, 200);
    cr_expect_eq(t.next_d, 500);
    cr_expect(fabs(t.gamma_short - 0.5) < 1e-12 && fabs(t.gamma_long - 1.5) < 1e-12,
              "short %.17g long %.17g", t.gamma_short, t.gamma_long);
    cr_expect(fabs(t.log_A_short + 2) < 1e-12 && fabs(t.log_A_long + 0.5) < 1e-12);
    cr_expect_eq(t.n_short, 6);
    cr_expect_eq(t.n_long, 3);
    cr_expect_eq(t.n_candidates, 6, "splits with >= 2 points per side among 9");
    cr_expect(t.r2 > 1 - 1e-12, "r2 %.17g", t.r2);
}

Test(calib_two_regime, needs_four_sorted_points)
{
    double d[] = { 30, 50, 100 }, m[] = { 0.01, 0.005, 0.002 };
    calib_two_regime t;
    cr_expect_eq(calib_fit_two_regime(d, m, NULL, 3, &t), CALIB_TOO_FEW);
    cr_expect_not_null(t.reason);
    double d2[] = { 30, 100, 50, 200 }, m2[] = { 0.01, 0.005, 0.002, 0.001 };
    cr_expect_eq(calib_fit_two_regime(d2, m2, NULL, 4, &t), CALIB_BAD_INPUT);
    cr_expect_not_null(t.reason);
    double m3[] = { 0.01, 0.0, 0.002, 0.001, 0.0005 }, d3[] = { 30, 50, 100, 200, 500 };
    cr_expect_eq(calib_fit_two_regime(d3, m3, NULL, 5, &t), CALIB_OK, "zero excluded, 4 left");
    cr_expect_eq(t.n_points, 4);
}

/* ---- grammar KL ----------------------------------------------------------- */

Test(calib_kl, is_zero_for_an_exact_power_law)
{
    double m[9];
    power_data(0.9, -1.8, m);
    calib_kl k;
    cr_assert_eq(calib_grammar_kl(DIST, m, 9, 0.9, -1.8, &k), CALIB_OK);
    /* The reference's +1e−12 in q's denominator leaves −n·1e−12. */
    cr_expect(fabs(k.kl) < 1e-10, "kl %.3g", k.kl);
    cr_expect(fabs(k.kl + 9e-12) < 1e-14, "kl %.17g", k.kl);
    cr_expect_str_eq(k.label, "LOW");
}

Test(calib_kl, matches_hand_values_and_labels)
{
    double d[] = { 1, 2 }, m[] = { 1, 1 };
    calib_kl k;
    cr_assert_eq(calib_grammar_kl(d, m, 2, 1.0, 0.0, &k), CALIB_OK);
    /* p = (½, ½), q = (⅔, ⅓): mpmath 0.058891517825941727269 */
    cr_expect(fabs(k.kl - 0.058891517825941727269) < 1e-15, "kl %.17g", k.kl);
    cr_expect_str_eq(k.label, "HIGH");
    double m2[] = { 1, 0.7 };
    cr_assert_eq(calib_grammar_kl(d, m2, 2, 1.0, 0.0, &k), CALIB_OK);
    double p1 = 1 / 1.7, p2 = 0.7 / 1.7;
    double want = p1 * log(p1 / (2.0 / 3 + 1e-12)) + p2 * log(p2 / (1.0 / 3 + 1e-12));
    cr_expect(fabs(k.kl - want) < 1e-14, "kl %.17g want %.17g", k.kl, want);
    cr_expect_str_eq(k.label, "MODERATE");
    cr_expect_str_eq(k.label_text, "MODERATE — some circuit deviation");
}

Test(calib_kl, clamps_zeros_and_refuses_non_finite_attention)
{
    double d[] = { 10, 20, 30 }, m[] = { 0.01, 0.0, 0.002 };
    calib_kl k;
    cr_expect_eq(calib_grammar_kl(d, m, 3, 1.0, -2.0, &k), CALIB_OK);
    cr_expect(isfinite(k.kl) && k.kl > 0);
    m[1] = NAN;
    cr_expect_eq(calib_grammar_kl(d, m, 3, 1.0, -2.0, &k), CALIB_BAD_INPUT);
    cr_expect_not_null(k.reason);
    cr_expect_eq(calib_grammar_kl(d, m, 0, 1.0, -2.0, &k), CALIB_TOO_FEW);
}

/* ---- thermodynamic profile ------------------------------------------------ */

Test(calib_thermo, uses_the_taf_formulas)
{
    calib_thermo_profile p = calib_thermo(0.8, 2000);
    cr_assert_eq(p.status, CALIB_OK);
    cr_expect_eq(p.Z, taf_partition_Z(0.8, 2000));
    cr_expect_eq(p.U, taf_mean_log_d(0.8, 2000));
    cr_expect_eq(p.S, taf_entropy_S(0.8, 2000));
    cr_expect_eq(p.F, taf_free_energy_F(0.8, 2000));
    cr_expect_eq(p.Cv, taf_heat_capacity_Cv(0.8, 2000));
    cr_expect_eq(p.chi, taf_chi(0.8));
    cr_expect_eq(p.T_attn, 1.25);
    cr_expect_eq(p.D90, taf_D_f_exact(0.8, 0.90, 2000));
    cr_expect(p.cv_defined && p.chi_finite && p.note == NULL);
}

Test(calib_thermo, flags_divergences_and_refuses_bad_gamma)
{
    calib_thermo_profile p = calib_thermo(1.0, 2000);
    cr_assert_eq(p.status, CALIB_OK);
    cr_expect(!p.chi_finite && p.chi == 0 && p.note != NULL);
    p = calib_thermo(25.0, 2000);
    cr_assert_eq(p.status, CALIB_OK);
    cr_expect(!p.cv_defined && p.Cv == 0 && p.note != NULL);
    const double bad[] = { 0.0, -0.5, NAN, INFINITY };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p = calib_thermo(bad[i], 2000);
        cr_expect_eq(p.status, CALIB_BAD_INPUT, "gamma %g", bad[i]);
        cr_expect_not_null(p.reason);
    }
    cr_expect_eq(calib_thermo(0.8, 0).status, CALIB_BAD_INPUT);
}
