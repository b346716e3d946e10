/* Per-measurement fits of attention-vs-distance data (issue 5):
 * power law, exponential, two-regime power law, the grammar anomaly (KL of
 * the observation against the fitted power law) and the thermodynamic
 * profile at a fitted γ.
 *
 * Pure: callers pass arrays (distance d[i], mean attention m[i]); nothing
 * here reads files or a database, nothing allocates. Every result struct
 * carries a status and, when something is missing or flagged, a static
 * reason string; no field is NaN or infinite unless a flag says why it is
 * undefined (and then it is 0). */
#ifndef TAF_CALIB_FITS_H
#define TAF_CALIB_FITS_H

#include <stddef.h>

#include "calib/stats.h"

/* Distances at or above this are fitted when the file has no
 * distances_fit (the panel's d_min_fit). */
#define CALIB_D_MIN_FIT 30.0

/* Method string of the power-law CI. */
#define CALIB_CI_METHOD "student_t_n-2"

/* ln m = log_A − γ·ln d. */
typedef struct {
    calib_status status;
    const char *reason;        /* why there is no fit (NULL when OK) */
    double gamma, log_A;
    double r2;                 /* raw R² in log-log space */
    double r2_rounded6;        /* Python round(r2, 6): the panel files' R2 */
    int r2_degenerate;         /* ln m constant (SS_tot = 0): r2 = 0 */
    double se;                 /* standard error of γ (has_ci) */
    int has_ci;                /* 0 for n = 2 or when no fit */
    const char *ci_reason;     /* why there is no CI, else NULL */
    double t_crit;             /* t(0.975, n − 2) (has_ci) */
    double ci_lo, ci_hi;       /* γ ∓ t_crit·se (has_ci) */
    const char *ci_method;     /* CALIB_CI_METHOD */
    size_t n_points;           /* points in the fit */
} calib_powerlaw;

/* ln m = log_A − λ·d. */
typedef struct {
    calib_status status;
    const char *reason;
    double lambda, log_A;
    double r2, r2_rounded6;
    int r2_degenerate;
    size_t n_points;
} calib_expfit;

/* Everything calib_fit_measurement reports. */
typedef struct {
    calib_powerlaw power;
    calib_expfit exp;
    size_t n_total;                 /* n given */
    size_t n_fit_candidates;        /* points flagged in_fit */
    size_t n_excluded_nonpositive;  /* in_fit points with m ≤ 0 (e.g. zeros) */
    size_t n_excluded_nonfinite;    /* in_fit points with non-finite m */
    size_t n_excluded_bad_distance; /* in_fit points with d ≤ 0 or non-finite */
    int has_delta;                  /* both fits OK */
    double delta_r2;                /* r2_power − r2_exp (raw) */
    double delta_r2_rounded4;       /* Python round(delta_r2, 4): the files' value */
    const char *prefers;            /* "power_law" | "exponential" | "tie"
                                       (|Δ| < 1e-3), NULL without has_delta */
} calib_measure_fit;

/* Power law over the points with in_fit[i] != 0 (in_fit NULL: d ≥ 30).
 * Points with m ≤ 0, non-finite m, or d ≤ 0 / non-finite d are excluded
 * (counted by calib_fit_measurement). < 2 usable points → CALIB_TOO_FEW;
 * all usable d equal → CALIB_DEGENERATE; exactly 2 points → R² = 1 (0 and
 * flagged if ln m is constant) and no CI ("n=2, no degrees of freedom").
 * Returns out->status. */
calib_status calib_fit_power_law(const double *d, const double *m, const unsigned char *in_fit,
                                 size_t n, calib_powerlaw *out);

/* Exponential over the same points as the power law. Same degenerate
 * cases; for exactly 2 points R² = 1. Returns out->status. */
calib_status calib_fit_exponential(const double *d, const double *m, const unsigned char *in_fit,
                                   size_t n, calib_expfit *out);

/* Both fits, the exclusion counts, ΔR² and the preferred form. Returns
 * the power-law status. */
calib_status calib_fit_measurement(const double *d, const double *m,
                                   const unsigned char *in_fit, size_t n,
                                   calib_measure_fit *out);

/* Two-regime power law. */
typedef struct {
    calib_status status;
    const char *reason;
    double gamma_short, log_A_short;  /* fit over d ≤ split_d */
    double gamma_long, log_A_long;    /* fit over d > split_d */
    double split_d;                   /* last distance of the short regime */
    double next_d;                    /* first distance of the long regime */
    size_t n_short, n_long;
    double ss_res;                    /* total log-space SS_res (minimised) */
    double r2;                        /* 1 − ss_res / SS_tot(ln m, all points) */
    int r2_degenerate;                /* SS_tot = 0: r2 = 0 */
    size_t n_points;                  /* usable points */
    size_t n_candidates;              /* splits tried */
} calib_two_regime;

/* Best split of a power law in two (the piecewise search of seed 002,
 * adapted): the usable points (use[i] != 0, use NULL = all; m > 0 and
 * finite, d > 0 and finite) must have strictly increasing d
 * (CALIB_BAD_INPUT otherwise). Every split with at least 2 points on each
 * side is tried; each side is an OLS power law in log-log space; the split
 * with the smallest total SS_res wins (first on ties). Fewer than 4
 * usable points → CALIB_TOO_FEW. Returns out->status. */
calib_status calib_fit_two_regime(const double *d, const double *m, const unsigned char *use,
                                  size_t n, calib_two_regime *out);

/* Grammar anomaly (diagnose CLI grammar_kl + kl_divergence). */
typedef struct {
    calib_status status;
    const char *reason;
    double kl;              /* KL(p_obs ‖ p_prior) in nats */
    const char *label;      /* "HIGH" (> 0.05), "MODERATE" (> 0.01), "LOW" */
    const char *label_text; /* the CLI's bracketed explanation */
    size_t n_points;
} calib_kl;

/* p_obs = max(m, 1e−30) normalised over all n points; p_prior =
 * max(A·d^−γ, 1e−30) normalised, A = e^log_A; both renormalised again as
 * kl_divergence does; KL = Σ_{p > 1e−12} p·ln(p/(q + 1e−12)), sums in
 * numpy's pairwise order. Pass the distances ascending (the CLI sorts
 * them). Every m must be finite and every d finite and > 0, γ and log_A
 * finite (CALIB_BAD_INPUT); n = 0 → CALIB_TOO_FEW. Returns out->status. */
calib_status calib_grammar_kl(const double *d, const double *m, size_t n, double gamma,
                              double log_A, calib_kl *out);

/* Thermodynamic profile of p(d) ∝ d^−γ on 1..N at a fitted γ
 * (src/taf/thermo.h and gamma.h do the formulas). */
typedef struct {
    calib_status status;
    const char *reason;     /* why there is no profile */
    double gamma;
    long long N;
    double Z, U, S, F;      /* partition function, E[ln d], entropy, free energy */
    double Cv;              /* heat capacity (cv_defined) */
    int cv_defined;         /* 0 outside 1e−4 < γ < 20: Cv = 0 */
    double chi;             /* 1/|γ − 1| (chi_finite) */
    int chi_finite;         /* 0 at γ = 1 (χ diverges): chi = 0 */
    double T_attn;          /* 1/γ */
    long long D90;          /* taf_D_f_exact(γ, 0.90, N) */
    const char *note;       /* why Cv or χ is undefined, else NULL */
} calib_thermo_profile;

/* Profile at finite γ > 0 and 1 ≤ N ≤ 1e8 (else CALIB_BAD_INPUT with the
 * reason in .reason). A non-finite Z, U, S or F is reported the same way. */
calib_thermo_profile calib_thermo(double gamma, long long N);

#endif
