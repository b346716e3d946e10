#include "calib/fits.h"

#include <math.h>
#include <string.h>

#include "calib/lsq.h"
#include "taf/gamma.h"
#include "taf/thermo.h"

static const char N2_NO_DOF[] = "n=2, no degrees of freedom";

/* The lsq input for the fit points of a measurement. */
static calib_lsq_input fit_input(const double *d, const double *m, const unsigned char *in_fit,
                                 size_t n, unsigned xform)
{
    calib_lsq_input in = { .x = d, .y = m, .use = in_fit, .n = n,
                           .xform = xform | CALIB_LOG_Y | CALIB_POS_X | CALIB_SKIP_BAD };
    if (!in_fit) {
        in.use_x_min = 1;
        in.x_min = CALIB_D_MIN_FIT;
    }
    return in;
}

static const char *lsq_reason(const calib_lsq *f)
{
    switch (f->status) {
    case CALIB_TOO_FEW:
        return f->n ? "fewer than 2 usable points (1 point with d > 0 and attention > 0)"
                    : "fewer than 2 usable points (none with d > 0 and attention > 0)";
    case CALIB_DEGENERATE:
        return "all fit distances are equal: slope undefined";
    default:
        return f->reason;
    }
}

calib_status calib_fit_power_law(const double *d, const double *m, const unsigned char *in_fit,
                                 size_t n, calib_powerlaw *out)
{
    memset(out, 0, sizeof *out);
    out->ci_method = CALIB_CI_METHOD;
    calib_lsq_input in = fit_input(d, m, in_fit, n, CALIB_LOG_X);
    calib_lsq f;
    calib_lsq_fit_ex(&in, &f);
    out->n_points = f.n;
    out->status = f.status;
    if (f.status != CALIB_OK) {
        out->reason = lsq_reason(&f);
        out->ci_reason = "no fit";
        return out->status;
    }
    out->gamma = 0.0 - f.slope; /* no -0.0 */
    out->log_A = f.intercept;
    out->r2_degenerate = f.r2_degenerate;
    out->r2 = (f.n == 2 && !f.r2_degenerate) ? 1.0 : f.r2;
    out->r2_rounded6 = calib_py_round(out->r2, 6);
    if (f.n == 2) {
        out->ci_reason = N2_NO_DOF;
        return CALIB_OK;
    }
    double t;
    calib_status st = calib_t975((double)(f.n - 2), &t);
    if (st != CALIB_OK) { /* not reachable for n ≥ 3 */
        out->ci_reason = "t quantile failed";
        return CALIB_OK;
    }
    out->se = f.se_slope;
    out->t_crit = t;
    out->ci_lo = out->gamma - t * f.se_slope;
    out->ci_hi = out->gamma + t * f.se_slope;
    out->has_ci = 1;
    return CALIB_OK;
}

calib_status calib_fit_exponential(const double *d, const double *m, const unsigned char *in_fit,
                                   size_t n, calib_expfit *out)
{
    memset(out, 0, sizeof *out);
    calib_lsq_input in = fit_input(d, m, in_fit, n, 0);
    calib_lsq f;
    calib_lsq_fit_ex(&in, &f);
    out->n_points = f.n;
    out->status = f.status;
    if (f.status != CALIB_OK) {
        out->reason = lsq_reason(&f);
        return out->status;
    }
    out->lambda = 0.0 - f.slope;
    out->log_A = f.intercept;
    out->r2_degenerate = f.r2_degenerate;
    out->r2 = (f.n == 2 && !f.r2_degenerate) ? 1.0 : f.r2;
    out->r2_rounded6 = calib_py_round(out->r2, 6);
    return CALIB_OK;
}

calib_status calib_fit_measurement(const double *d, const double *m,
                                   const unsigned char *in_fit, size_t n,
                                   calib_measure_fit *out)
{
    memset(out, 0, sizeof *out);
    out->n_total = n;
    for (size_t i = 0; i < n; i++) {
        int cand = in_fit ? in_fit[i] != 0 : d[i] >= CALIB_D_MIN_FIT;
        if (!cand)
            continue;
        out->n_fit_candidates++;
        if (!(isfinite(d[i]) && d[i] > 0))
            out->n_excluded_bad_distance++;
        else if (!isfinite(m[i]))
            out->n_excluded_nonfinite++;
        else if (!(m[i] > 0))
            out->n_excluded_nonpositive++;
    }
    calib_fit_power_law(d, m, in_fit, n, &out->power);
    calib_fit_exponential(d, m, in_fit, n, &out->exp);
    if (out->power.status == CALIB_OK && out->exp.status == CALIB_OK) {
        out->has_delta = 1;
        out->delta_r2 = out->power.r2 - out->exp.r2;
        out->delta_r2_rounded4 = calib_py_round(out->delta_r2, 4);
        out->prefers = fabs(out->delta_r2) < 1e-3 ? "tie"
                       : out->delta_r2 > 0        ? "power_law"
                                                  : "exponential";
    }
    return out->power.status;
}

/* ---- two-regime power law ------------------------------------------------- */

static int usable(double d, double m) { return isfinite(d) && d > 0 && isfinite(m) && m > 0; }

calib_status calib_fit_two_regime(const double *d, const double *m, const unsigned char *use,
                                  size_t n, calib_two_regime *out)
{
    memset(out, 0, sizeof *out);
    size_t nu = 0;
    double prev = 0;
    for (size_t i = 0; i < n; i++) {
        if ((use && !use[i]) || !usable(d[i], m[i]))
            continue;
        if (nu && !(d[i] > prev)) {
            out->status = CALIB_BAD_INPUT;
            out->reason = "distances must be strictly increasing";
            return out->status;
        }
        prev = d[i];
        nu++;
    }
    out->n_points = nu;
    if (nu < 4) {
        out->status = CALIB_TOO_FEW;
        out->reason = "fewer than 4 usable points: two regimes need at least 2 points each";
        return out->status;
    }
    calib_lsq_input all = { .x = d, .y = m, .use = use, .n = n,
                            .xform = CALIB_LOG_X | CALIB_LOG_Y | CALIB_SKIP_BAD };
    calib_lsq whole;
    calib_lsq_fit_ex(&all, &whole); /* for SS_tot; d strictly increasing → OK */

    int found = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if ((use && !use[i]) || !usable(d[i], m[i]))
            continue;
        k++; /* points in the short regime if the split falls after i */
        if (k < 2 || nu - k < 2)
            continue;
        calib_lsq_input lo = all, hi = all;
        lo.end = i + 1;
        hi.begin = i + 1;
        calib_lsq fs, fl;
        if (calib_lsq_fit_ex(&lo, &fs) != CALIB_OK || calib_lsq_fit_ex(&hi, &fl) != CALIB_OK)
            continue; /* not reachable with strictly increasing d */
        out->n_candidates++;
        double ss = fs.ss_res + fl.ss_res;
        if (!found || ss < out->ss_res) {
            found = 1;
            out->ss_res = ss;
            out->gamma_short = 0.0 - fs.slope;
            out->log_A_short = fs.intercept;
            out->gamma_long = 0.0 - fl.slope;
            out->log_A_long = fl.intercept;
            out->split_d = d[i];
            out->n_short = fs.n;
            out->n_long = fl.n;
            out->next_d = 0;
            for (size_t j = i + 1; j < n; j++)
                if (!((use && !use[j]) || !usable(d[j], m[j]))) {
                    out->next_d = d[j];
                    break;
                }
        }
    }
    if (!found) {
        out->status = CALIB_NO_CONVERGENCE;
        out->reason = "no split could be fitted";
        return out->status;
    }
    if (whole.ss_tot > 0) {
        out->r2 = 1.0 - out->ss_res / whole.ss_tot;
    } else {
        out->r2 = 0.0;
        out->r2_degenerate = 1;
    }
    out->status = CALIB_OK;
    return CALIB_OK;
}

/* ---- grammar anomaly ------------------------------------------------------ */

struct kl_ctx {
    const double *d, *m;
    size_t n;
    double gamma, A;
    double s_obs, s_prior;  /* first normalisation sums */
    double s_obs2, s_prior2; /* kl_divergence's renormalisation sums */
};

static double obs_raw(const struct kl_ctx *c, size_t i) { return c->m[i] > 1e-30 ? c->m[i] : 1e-30; }

static double prior_raw(const struct kl_ctx *c, size_t i)
{
    double v = c->A * pow(c->d[i], -c->gamma);
    return v > 1e-30 ? v : 1e-30;
}

static double t_obs(size_t i, const void *v) { return obs_raw(v, i); }
static double t_prior(size_t i, const void *v) { return prior_raw(v, i); }
static double t_obs1(size_t i, const void *v)
{
    const struct kl_ctx *c = v;
    return obs_raw(c, i) / c->s_obs;
}
static double t_prior1(size_t i, const void *v)
{
    const struct kl_ctx *c = v;
    return prior_raw(c, i) / c->s_prior;
}
static double p2(const struct kl_ctx *c, size_t i) { return obs_raw(c, i) / c->s_obs / c->s_obs2; }
static double q2(const struct kl_ctx *c, size_t i) { return prior_raw(c, i) / c->s_prior / c->s_prior2; }

/* j-th term over the points with p > 1e−12 (numpy sums p[mask] compacted). */
static double t_kl(size_t j, const void *v)
{
    const struct kl_ctx *c = v;
    for (size_t i = 0; i < c->n; i++) {
        double p = p2(c, i);
        if (!(p > 1e-12))
            continue;
        if (j-- == 0)
            return p * log(p / (q2(c, i) + 1e-12));
    }
    return 0.0; /* not reached */
}

calib_status calib_grammar_kl(const double *d, const double *m, size_t n, double gamma,
                              double log_A, calib_kl *out)
{
    memset(out, 0, sizeof *out);
    out->n_points = n;
    if (n == 0) {
        out->status = CALIB_TOO_FEW;
        out->reason = "no distances";
        return out->status;
    }
    if (!isfinite(gamma) || !isfinite(log_A)) {
        out->status = CALIB_BAD_INPUT;
        out->reason = "no finite power-law fit (gamma, log_A)";
        return out->status;
    }
    for (size_t i = 0; i < n; i++) {
        if (!(isfinite(d[i]) && d[i] > 0)) {
            out->status = CALIB_BAD_INPUT;
            out->reason = "a distance is not finite and > 0";
            return out->status;
        }
        if (!isfinite(m[i])) {
            out->status = CALIB_BAD_INPUT;
            out->reason = "non-finite attention at some distance: KL undefined";
            return out->status;
        }
    }
    struct kl_ctx c = { .d = d, .m = m, .n = n, .gamma = gamma, .A = exp(log_A) };
    c.s_obs = calib_np_sum_fn(t_obs, &c, n);
    c.s_prior = calib_np_sum_fn(t_prior, &c, n);
    if (!(isfinite(c.s_obs) && isfinite(c.s_prior))) {
        out->status = CALIB_BAD_INPUT;
        out->reason = "attention or fitted prior overflows";
        return out->status;
    }
    c.s_obs2 = calib_np_sum_fn(t_obs1, &c, n);
    c.s_prior2 = calib_np_sum_fn(t_prior1, &c, n);
    size_t nk = 0;
    for (size_t i = 0; i < n; i++)
        if (p2(&c, i) > 1e-12)
            nk++;
    double kl = calib_np_sum_fn(t_kl, &c, nk);
    if (!isfinite(kl)) {
        out->status = CALIB_BAD_INPUT;
        out->reason = "KL is not finite";
        return out->status;
    }
    out->kl = kl;
    if (kl > 0.05) {
        out->label = "HIGH";
        out->label_text = "HIGH — non-power-law circuits present";
    } else if (kl > 0.01) {
        out->label = "MODERATE";
        out->label_text = "MODERATE — some circuit deviation";
    } else {
        out->label = "LOW";
        out->label_text = "LOW — pure positional attention";
    }
    out->status = CALIB_OK;
    return CALIB_OK;
}

/* ---- thermodynamic profile ------------------------------------------------ */

calib_thermo_profile calib_thermo(double gamma, long long N)
{
    calib_thermo_profile p;
    memset(&p, 0, sizeof p);
    p.gamma = gamma;
    p.N = N;
    if (!isfinite(gamma) || !(gamma > 0)) {
        p.status = CALIB_BAD_INPUT;
        p.reason = "gamma must be finite and > 0 (no decaying power law)";
        return p;
    }
    if (N < 1 || N > 100000000LL) {
        p.status = CALIB_BAD_INPUT;
        p.reason = "N must be in 1..1e8";
        return p;
    }
    double Nd = (double)N;
    p.Z = taf_partition_Z(gamma, Nd);
    p.U = taf_mean_log_d(gamma, Nd);
    p.S = taf_entropy_S(gamma, Nd);
    p.F = taf_free_energy_F(gamma, Nd);
    if (!isfinite(p.Z) || !isfinite(p.U) || !isfinite(p.S) || !isfinite(p.F)) {
        p.Z = p.U = p.S = p.F = 0;
        p.status = CALIB_BAD_INPUT;
        p.reason = "Z, U, S or F is not finite at this gamma and N";
        return p;
    }
    p.T_attn = 1.0 / gamma;
    double cv = taf_heat_capacity_Cv(gamma, Nd);
    if (isfinite(cv)) {
        p.Cv = cv;
        p.cv_defined = 1;
    } else {
        p.note = "C_V undefined outside 1e-4 < gamma < 20";
    }
    double chi = taf_chi(gamma);
    if (isfinite(chi)) {
        p.chi = chi;
        p.chi_finite = 1;
    } else {
        p.note = "chi diverges at gamma = 1";
    }
    p.D90 = taf_D_f_exact(gamma, 0.90, N);
    p.status = CALIB_OK;
    return p;
}
