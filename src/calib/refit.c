#include "calib/refit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib/lsq.h"
#include "calib/stats.h"
#include "taf/gamma.h"
#include "taf/imprint.h"
#include "util/jsonnum.h"

typedef struct {
    double *v;
    const char **ids;
    size_t n;
} sample;

static void sample_add(sample *s, double v, const char *id)
{
    s->v = realloc(s->v, (s->n + 1) * sizeof *s->v);
    s->ids = realloc(s->ids, (s->n + 1) * sizeof *s->ids);
    s->v[s->n] = v;
    s->ids[s->n] = id;
    s->n++;
}

static void sample_free(sample *s)
{
    free(s->v);
    free(s->ids);
    memset(s, 0, sizeof *s);
}

static cJSON *models_json(const sample *a, const sample *b)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; a && i < a->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(a->ids[i]));
    for (size_t i = 0; b && i < b->n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(b->ids[i]));
    return arr;
}

static void verdict(cJSON *row, bool has_ci, double lo, double hi, double published)
{
    const char *v = !has_ci ? "insufficient data"
                    : (published >= lo && published <= hi) ? "replicates" : "does not";
    jadd_str(row, "verdict", v);
    jadd_str(row, "verdict_class", !has_ci ? "na" : (v[0] == 'r' ? "yes" : "no"));
}

static cJSON *row_base(const char *name, const char *published_text, const char *method)
{
    cJSON *r = cJSON_CreateObject();
    jadd_str(r, "name", name);
    jadd_str(r, "published", published_text);
    jadd_str(r, "method", method);
    return r;
}

/* Mean with a Student-t 95% CI. */
static void mean_row(cJSON *rows, const char *name, const char *pub_text, double published,
                     const sample *s, const char *method)
{
    cJSON *r = row_base(name, pub_text, method);
    double mean = NAN, sd = NAN, t = NAN;
    bool ci = s->n >= 3 && calib_mean(s->v, s->n, &mean) == CALIB_OK &&
              calib_std_sample(s->v, s->n, &sd) == CALIB_OK &&
              calib_t975((double)(s->n - 1), &t) == CALIB_OK;
    if (s->n >= 1 && !ci)
        calib_mean(s->v, s->n, &mean);
    if (s->n >= 1)
        jadd_num(r, "refit", mean);
    else
        jadd_null(r, "refit");
    jadd_int(r, "n", (long long)s->n);
    if (ci) {
        double half = t * sd / sqrt((double)s->n);
        jadd_num(r, "ci_lo", mean - half);
        jadd_num(r, "ci_hi", mean + half);
        jadd_num(r, "std", sd);
        verdict(r, true, mean - half, mean + half, published);
    } else {
        jadd_null(r, "ci_lo");
        jadd_null(r, "ci_hi");
        verdict(r, false, 0, 0, published);
    }
    cJSON_AddItemToObject(r, "models", models_json(s, NULL));
    cJSON_AddItemToArray(rows, r);
}

/* Difference of group means (Welch CI). */
static void diff_row(cJSON *rows, const char *name, const char *pub_text, double published,
                     const sample *yes, const sample *no, const char *method)
{
    cJSON *r = row_base(name, pub_text, method);
    double m1 = NAN, m0 = NAN, s1 = NAN, s0 = NAN;
    bool ok = yes->n >= 2 && no->n >= 2 && calib_mean(yes->v, yes->n, &m1) == CALIB_OK &&
              calib_mean(no->v, no->n, &m0) == CALIB_OK &&
              calib_std_sample(yes->v, yes->n, &s1) == CALIB_OK &&
              calib_std_sample(no->v, no->n, &s0) == CALIB_OK;
    if (yes->n && no->n && calib_mean(yes->v, yes->n, &m1) == CALIB_OK &&
        calib_mean(no->v, no->n, &m0) == CALIB_OK)
        jadd_num(r, "refit", m1 - m0);
    else
        jadd_null(r, "refit");
    jadd_int(r, "n", (long long)(yes->n + no->n));
    jadd_int(r, "n_group", (long long)yes->n);
    double t;
    if (ok) {
        double v1 = s1 * s1 / yes->n, v0 = s0 * s0 / no->n;
        double se = sqrt(v1 + v0);
        double df = (v1 + v0) * (v1 + v0) /
                    (v1 * v1 / (yes->n - 1) + v0 * v0 / (no->n - 1));
        ok = se > 0 && calib_t975(df, &t) == CALIB_OK;
        if (ok) {
            jadd_num(r, "ci_lo", m1 - m0 - t * se);
            jadd_num(r, "ci_hi", m1 - m0 + t * se);
            verdict(r, true, m1 - m0 - t * se, m1 - m0 + t * se, published);
        }
    }
    if (!ok) {
        jadd_null(r, "ci_lo");
        jadd_null(r, "ci_hi");
        verdict(r, false, 0, 0, published);
    }
    cJSON_AddItemToObject(r, "models", models_json(yes, no));
    cJSON_AddItemToArray(rows, r);
}

cJSON *refit_panel(const refit_model *m, size_t n)
{
    cJSON *out = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(out, "refits");
    sample imp_x = {0}, imp_y = {0}, gqa = {0}, mha = {0}, post = {0}, pre = {0};
    sample inst = {0}, base = {0}, K = {0}, d_pre = {0}, d_post = {0};
    cJSON *pade = cJSON_AddObjectToObject(out, "pade"), *prows = cJSON_AddArrayToObject(pade, "rows");
    sample e_pade = {0}, e_lin = {0}, e_exp = {0};
    for (size_t i = 0; i < n; i++) {
        const refit_model *x = &m[i];
        double P_M = x->n_params / 1e6;
        if (isfinite(x->gamma_text) && x->n_params > 0) {
            taf_invariant_K k = taf_compute_invariant_K(x->gamma_text, P_M, false, 0);
            sample_add(&K, k.K, x->id);
        }
        if (isfinite(x->gamma_text) && isfinite(x->gamma_random) && x->n_params > 0)
            sample_add(x->n_params >= 4e8 ? &d_post : &d_pre, x->gamma_text - x->gamma_random,
                       x->id);
        if (!x->has_theta)
            continue;
        double gp = taf_gamma_pade(x->theta, REFIT_T_EVAL);
        if (isfinite(x->gamma_random) && x->n_params > 0) {
            sample_add(&imp_x, log10(P_M / TAF_P0_IMPRINT_M), x->id);
            sample_add(&imp_y, x->gamma_random - gp, x->id);
        }
        if (!isfinite(x->gamma_text))
            continue;
        double res = x->gamma_text - gp;
        sample_add(x->has_GQA ? &gqa : &mha, res, x->id);
        sample_add(x->n_params >= 4e8 ? &post : &pre, res, x->id);
        sample_add(x->is_instruct ? &inst : &base, res, x->id);
        /* Padé validation: z = T√2/θ; linear 1 − z, exponential e^−z */
        double z = REFIT_T_EVAL * sqrt(2.0) / x->theta;
        double g_lin = 1 - z, g_exp = exp(-z);
        cJSON *pr = cJSON_CreateObject();
        jadd_str(pr, "id", x->id);
        jadd_num(pr, "theta", x->theta);
        jadd_num(pr, "z", z);
        jadd_num(pr, "gamma_obs", x->gamma_text);
        jadd_num(pr, "gamma_pade", gp);
        jadd_num(pr, "err_pade_pct", (x->gamma_text - gp) / gp * 100);
        jadd_num(pr, "gamma_lin", g_lin);
        jadd_num(pr, "err_lin_pct", (x->gamma_text - g_lin) / g_lin * 100);
        jadd_num(pr, "gamma_exp", g_exp);
        jadd_num(pr, "err_exp_pct", (x->gamma_text - g_exp) / g_exp * 100);
        cJSON_AddItemToArray(prows, pr);
        sample_add(&e_pade, fabs((x->gamma_text - gp) / gp * 100), x->id);
        sample_add(&e_lin, fabs((x->gamma_text - g_lin) / g_lin * 100), x->id);
        sample_add(&e_exp, fabs((x->gamma_text - g_exp) / g_exp * 100), x->id);
    }
    cJSON *mae = cJSON_AddObjectToObject(pade, "mae_pct");
    cJSON *med = cJSON_AddObjectToObject(pade, "median_abs_pct");
    sample *E[3] = {&e_pade, &e_lin, &e_exp};
    const char *names[3] = {"pade", "linear", "exp"};
    for (int k = 0; k < 3; k++) {
        double v;
        if (E[k]->n && calib_mean(E[k]->v, E[k]->n, &v) == CALIB_OK)
            jadd_num(mae, names[k], v);
        else
            jadd_null(mae, names[k]);
        if (E[k]->n && calib_median(E[k]->v, E[k]->n, &v) == CALIB_OK)
            jadd_num(med, names[k], v);
        else
            jadd_null(med, names[k]);
    }

    /* ν: slope of (γ_random − γ_Padé) on log10(P/14M) */
    {
        cJSON *r = row_base("imprint slope ν", "−1/(2π) ≈ −0.1592 (derived)",
                            "OLS of γ_random − γ_Padé(θ, 2000) on log₁₀(P/14M)");
        calib_lsq f;
        double t;
        bool fit = imp_x.n >= 2 && calib_lsq_fit(imp_x.v, imp_y.v, imp_x.n, &f) == CALIB_OK;
        if (fit)
            jadd_num(r, "refit", f.slope);
        else
            jadd_null(r, "refit");
        jadd_int(r, "n", (long long)imp_x.n);
        if (fit && imp_x.n >= 4 && f.has_se && calib_t975((double)(imp_x.n - 2), &t) == CALIB_OK) {
            jadd_num(r, "ci_lo", f.slope - t * f.se_slope);
            jadd_num(r, "ci_hi", f.slope + t * f.se_slope);
            verdict(r, true, f.slope - t * f.se_slope, f.slope + t * f.se_slope,
                    taf_nu_imprint());
        } else {
            jadd_null(r, "ci_lo");
            jadd_null(r, "ci_hi");
            verdict(r, false, 0, 0, 0);
        }
        cJSON_AddItemToObject(r, "models", models_json(&imp_x, NULL));
        if (fit) {
            /* the chart's data: the points and the fitted line's ends */
            cJSON *sr = cJSON_AddObjectToObject(r, "series");
            cJSON *xs = cJSON_AddArrayToObject(sr, "x"), *ys = cJSON_AddArrayToObject(sr, "y");
            double lo = INFINITY, hi = -INFINITY;
            for (size_t i = 0; i < imp_x.n; i++) {
                cJSON_AddItemToArray(xs, jnum(imp_x.v[i]));
                cJSON_AddItemToArray(ys, jnum(imp_y.v[i]));
                lo = fmin(lo, imp_x.v[i]);
                hi = fmax(hi, imp_x.v[i]);
            }
            cJSON *fx = cJSON_AddArrayToObject(sr, "fit_x"), *fy = cJSON_AddArrayToObject(sr, "fit_y");
            cJSON *dx = cJSON_AddArrayToObject(sr, "derived_y");
            cJSON_AddItemToArray(fx, jnum(lo));
            cJSON_AddItemToArray(fx, jnum(hi));
            cJSON_AddItemToArray(fy, jnum(f.intercept + f.slope * lo));
            cJSON_AddItemToArray(fy, jnum(f.intercept + f.slope * hi));
            cJSON_AddItemToArray(dx, jnum(taf_nu_imprint() * lo));
            cJSON_AddItemToArray(dx, jnum(taf_nu_imprint() * hi));
            jadd_num(r, "intercept", f.intercept);
        }
        cJSON_AddItemToArray(rows, r);
    }
    diff_row(rows, "δ_GQA", "+0.11", 0.11, &gqa, &mha,
             "mean(γ_text − γ_Padé) of GQA models − of MHA models (Welch CI)");
    diff_row(rows, "δ_post-IH", "−0.15 (P ≥ 400M)", -0.15, &post, &pre,
             "mean(γ_text − γ_Padé) of P ≥ 400M − of P < 400M (Welch CI)");
    diff_row(rows, "δ_instruct", "−0.10", -0.10, &inst, &base,
             "mean(γ_text − γ_Padé) of instruct − of base models (Welch CI)");
    mean_row(rows, "invariant K", "51.2 ± 16.8", 51.2, &K,
             "mean of γ_text·ln(N²·20N) (Student-t CI)");
    mean_row(rows, "Δγ pre-IH (P < 400M)", "−0.19 ± 0.26", -0.19, &d_pre,
             "mean of γ_text − γ_random (Student-t CI)");
    mean_row(rows, "Δγ post-IH (P ≥ 400M)", "+0.03 ± 0.26", 0.03, &d_post,
             "mean of γ_text − γ_random (Student-t CI)");
    /* K's spread too: the published band is mean ± std */
    {
        double sd;
        if (K.n >= 2 && calib_std_sample(K.v, K.n, &sd) == CALIB_OK) {
            cJSON *r = row_base("invariant K spread (std)", "16.8", "sample std of K");
            jadd_num(r, "refit", sd);
            jadd_int(r, "n", (long long)K.n);
            jadd_null(r, "ci_lo");
            jadd_null(r, "ci_hi");
            jadd_str(r, "verdict", "descriptive");
            jadd_str(r, "verdict_class", "info");
            cJSON_AddItemToObject(r, "models", models_json(&K, NULL));
            cJSON_AddItemToArray(rows, r);
        }
    }
    sample *all[] = {&imp_x, &imp_y, &gqa, &mha, &post, &pre, &inst, &base, &K, &d_pre,
                     &d_post, &e_pade, &e_lin, &e_exp};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sample_free(all[i]);
    return out;
}
