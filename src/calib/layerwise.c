#include "calib/layerwise.h"

#include <math.h>
#include <string.h>

#include "calib/lsq.h"

static const char *const NAMES[CALIB_N_FORMS] = { "linear", "power_law", "exponential",
                                                  "piecewise_exponential" };
static const char *const FORMULAS[CALIB_N_FORMS] = { "a+b*L", "a*L^b", "a*exp(b*L)",
                                                     "piecewise-exp" };

/* The layers used, addressed by their position among them. */
struct layers {
    const double *l, *g;
    size_t n;      /* all layers */
    size_t nu;     /* used layers */
};

static int used(const struct layers *L, size_t i) { return isfinite(L->g[i]); }

/* Index of the j-th used layer. */
static size_t nth(const struct layers *L, size_t j)
{
    for (size_t i = 0; i < L->n; i++)
        if (used(L, i) && j-- == 0)
            return i;
    return L->n; /* not reached */
}

/* Prediction of a form at layer ℓ, written as the seed's numpy code. */
struct pred {
    const struct layers *L;
    calib_form_id id;
    double a, b, la;        /* la = intercept of the log fit */
    double la2, b2;         /* piecewise second piece */
    size_t k;               /* piecewise: used layers before the split */
    double mean;            /* mean of γ over the used layers */
};

static double yhat(const struct pred *p, size_t j, size_t i)
{
    double l = p->L->l[i];
    switch (p->id) {
    case CALIB_FORM_LINEAR: return p->a + p->b * l;
    case CALIB_FORM_POWER: return exp(p->la) * pow(l + 1, p->b);
    case CALIB_FORM_EXP: return exp(p->la) * exp(p->b * l);
    default:
        return j < p->k ? exp(p->la + p->b * (l + 1)) : exp(p->la2 + p->b2 * (l + 1));
    }
}

static double t_res(size_t j, const void *v)
{
    const struct pred *p = v;
    size_t i = nth(p->L, j);
    double r = p->L->g[i] - yhat(p, j, i);
    return r * r;
}

static double t_tot(size_t j, const void *v)
{
    const struct pred *p = v;
    double r = p->L->g[nth(p->L, j)] - p->mean;
    return r * r;
}

static double t_gamma(size_t j, const void *v)
{
    const struct layers *L = v;
    return L->g[nth(L, j)];
}

/* R² on γ: 1 − Σ(γ − γ̂)² / Σ(γ − γ̄)²; 0 and r2_defined = 0 when the
 * denominator is 0 or the result is not finite. */
static void r2_on_gamma(struct pred *p, double ss_tot, calib_layer_form *f)
{
    if (!(ss_tot > 0)) {
        f->reason = "gamma is constant across layers: R2 undefined";
        return;
    }
    double ss_res = calib_np_sum_fn(t_res, p, p->L->nu);
    double r2 = 1 - ss_res / ss_tot;
    if (!isfinite(r2)) {
        f->reason = "prediction overflows: R2 undefined";
        return;
    }
    f->r2 = r2;
    f->r2_defined = 1;
}

static void too_few(calib_layer_form *f, const char *why, size_t n_fit)
{
    f->status = CALIB_TOO_FEW;
    f->reason = why;
    f->n_fit = n_fit;
}

calib_status calib_layerwise_fit(const double *layer, const double *gamma, size_t n,
                                 calib_layerwise *out)
{
    memset(out, 0, sizeof *out);
    out->best = -1;
    out->n_layers = n;
    for (int k = 0; k < CALIB_N_FORMS; k++) {
        out->form[k].id = (calib_form_id)k;
        out->form[k].name = NAMES[k];
        out->form[k].formula = FORMULAS[k];
    }
    struct layers L = { layer, gamma, n, 0 };
    double prev = 0;
    for (size_t i = 0; i < n; i++) {
        if (!used(&L, i)) {
            out->n_skipped++;
            continue;
        }
        if (!(isfinite(layer[i]) && layer[i] >= 0) || (L.nu && !(layer[i] > prev))) {
            out->status = CALIB_BAD_INPUT;
            out->reason = "layer indices must be finite, >= 0 and strictly increasing";
            for (int k = 0; k < CALIB_N_FORMS; k++) {
                out->form[k].status = CALIB_BAD_INPUT;
                out->form[k].reason = out->reason;
            }
            return out->status;
        }
        prev = layer[i];
        L.nu++;
    }
    out->n_used = L.nu;

    double mean = L.nu ? calib_np_sum_fn(t_gamma, &L, L.nu) / (double)L.nu : 0;
    struct pred base = { .L = &L, .mean = mean };
    double ss_tot = calib_np_sum_fn(t_tot, &base, L.nu);
    int constant = 1;
    double g0 = L.nu ? gamma[nth(&L, 0)] : 0;
    for (size_t i = 0; i < n; i++)
        if (used(&L, i) && gamma[i] != g0)
            constant = 0;
    if (constant)
        ss_tot = 0; /* not the rounding residue of the mean */

    calib_lsq_input lin = { .x = layer, .y = gamma, .n = n, .xform = CALIB_SKIP_BAD };
    calib_lsq_input pw = { .x = layer, .y = gamma, .n = n, .x_shift = 1,
                           .xform = CALIB_LOG_X | CALIB_LOG_Y | CALIB_SKIP_BAD };
    calib_lsq f;

    /* linear: polyfit(L, y) */
    calib_layer_form *fl = &out->form[CALIB_FORM_LINEAR];
    if (calib_lsq_fit_ex(&lin, &f) == CALIB_OK) {
        struct pred p = base;
        p.id = CALIB_FORM_LINEAR;
        p.a = f.intercept;
        p.b = f.slope;
        fl->status = CALIB_OK;
        fl->a = p.a;
        fl->b = p.b;
        fl->n_fit = f.n;
        r2_on_gamma(&p, ss_tot, fl);
    } else {
        too_few(fl, "insufficient points (needs 2 layers with a gamma)", f.n);
    }

    /* power law: polyfit(ln(L+1), ln y) over y > 0 */
    calib_layer_form *fp = &out->form[CALIB_FORM_POWER];
    if (calib_lsq_fit_ex(&pw, &f) == CALIB_OK) {
        struct pred p = base;
        p.id = CALIB_FORM_POWER;
        p.la = f.intercept;
        p.b = f.slope;
        fp->status = CALIB_OK;
        fp->a = exp(p.la);
        fp->b = p.b;
        fp->n_fit = f.n;
        r2_on_gamma(&p, ss_tot, fp);
    } else {
        too_few(fp, "insufficient points (needs 2 layers with gamma > 0)", f.n);
    }

    /* exponential: polyfit(L, ln y) over y > 0 */
    calib_lsq_input ex = { .x = layer, .y = gamma, .n = n,
                           .xform = CALIB_LOG_Y | CALIB_SKIP_BAD };
    calib_lsq_input ex1 = ex; /* on L+1, for the piecewise form */
    ex1.x_shift = 1;
    calib_layer_form *fe = &out->form[CALIB_FORM_EXP];
    if (calib_lsq_fit_ex(&ex, &f) == CALIB_OK) {
        struct pred p = base;
        p.id = CALIB_FORM_EXP;
        p.la = f.intercept;
        p.b = f.slope;
        fe->status = CALIB_OK;
        fe->a = exp(p.la);
        fe->b = p.b;
        fe->n_fit = f.n;
        r2_on_gamma(&p, ss_tot, fe);
    } else {
        too_few(fe, "insufficient points (needs 2 layers with gamma > 0)", f.n);
    }

    /* piecewise exponential in ℓ+1 */
    calib_layer_form *fw = &out->form[CALIB_FORM_PIECEWISE_EXP];
    fw->n_fit = L.nu;
    int nonpos = 0;
    for (size_t i = 0; i < n; i++)
        if (used(&L, i) && !(gamma[i] > 0))
            nonpos = 1;
    if (L.nu < 7) {
        too_few(fw, "insufficient points (needs 7 layers: 2+ before and 5+ after a split)", L.nu);
    } else if (nonpos) {
        too_few(fw, "insufficient points (a gamma <= 0: no log fit on both sides)", L.nu);
    } else {
        int found = 0;
        for (size_t k = 2; k + 5 <= L.nu; k++) {
            size_t first_hi = nth(&L, k); /* index of the first layer after the split */
            calib_lsq_input lo = ex1, hi = ex1;
            lo.end = first_hi;
            hi.begin = first_hi;
            calib_lsq fa, fb;
            if (calib_lsq_fit_ex(&lo, &fa) != CALIB_OK || calib_lsq_fit_ex(&hi, &fb) != CALIB_OK)
                continue; /* not reached: strictly increasing layers */
            struct pred p = base;
            p.id = CALIB_FORM_PIECEWISE_EXP;
            p.b = fa.slope;
            p.la = fa.intercept;
            p.b2 = fb.slope;
            p.la2 = fb.intercept;
            p.k = k;
            calib_layer_form cand = *fw;
            r2_on_gamma(&p, ss_tot, &cand);
            if (!cand.r2_defined) {
                if (!found)
                    fw->reason = cand.reason;
                continue;
            }
            if (!found || cand.r2 > fw->r2) {
                found = 1;
                fw->status = CALIB_OK;
                fw->reason = NULL;
                fw->r2 = cand.r2;
                fw->r2_defined = 1;
                fw->a = exp(p.la);
                fw->b = p.b;
                fw->a2 = exp(p.la2);
                fw->b2 = p.b2;
                fw->split_layer = layer[first_hi];
                fw->split = layer[first_hi] + 1;
            }
        }
        if (!found)
            fw->status = CALIB_OK; /* fitted, but R² undefined (reason set) */
    }

    if (L.nu < 2) {
        out->status = CALIB_TOO_FEW;
        out->reason = L.nu ? "only one layer has a gamma" : "no layer has a gamma";
        return out->status;
    }
    for (int k = 0; k < CALIB_N_FORMS; k++) {
        const calib_layer_form *c = &out->form[k];
        if (c->status != CALIB_OK || !c->r2_defined)
            continue;
        if (out->best < 0 || c->r2 > out->form[out->best].r2 + 1e-12)
            out->best = k;
    }
    out->best_name = out->best >= 0 ? out->form[out->best].name : NULL;
    out->status = CALIB_OK;
    return CALIB_OK;
}
