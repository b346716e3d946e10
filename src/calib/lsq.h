/* Ordinary (and weighted) least squares for a straight line y = a + b·x.
 *
 * Pure: no I/O, no allocation. Inputs are plain arrays; an optional mask,
 * an index range and log transforms let callers fit subsets and log-log /
 * semi-log forms without building temporary arrays.
 *
 * Arithmetic: two-pass, centred (means first, then Sxx, Sxy), sums in
 * index order. For fewer than 8 points this is also numpy's summation
 * order, so R² computed here is what numpy gives for the same
 * coefficients; the coefficients agree with numpy.linalg.lstsq (SVD) to
 * ~1e-15 relative on well-conditioned data. */
#ifndef TAF_CALIB_LSQ_H
#define TAF_CALIB_LSQ_H

#include <stddef.h>

#include "calib/stats.h"

/* Transform flags for calib_lsq_input.xform. */
#define CALIB_LOG_X 1u    /* regress on ln x */
#define CALIB_LOG_Y 2u    /* regress ln y */
#define CALIB_SKIP_BAD 4u /* skip points whose (transformed) x or y is not
                             finite (ln of ≤ 0 included) instead of failing */
#define CALIB_POS_X 8u    /* a raw x ≤ 0 counts as unusable (as under LOG_X) */

typedef struct {
    const double *x, *y;
    const double *w;            /* weights > 0, or NULL for OLS */
    const unsigned char *use;   /* nonzero = candidate point; NULL = all */
    size_t n;                   /* length of x, y (and w, use) */
    size_t begin, end;          /* index range [begin, end); end = 0 means n */
    unsigned xform;             /* CALIB_LOG_X | CALIB_LOG_Y | CALIB_SKIP_BAD
                                   | CALIB_POS_X */
    int use_x_min;              /* 1: a point is a candidate only if its raw
                                   x ≥ x_min (applied with the mask) */
    double x_min;
    double x_shift;             /* added to raw x before CALIB_POS_X / LOG_X
                                   (e.g. 1 to regress on ln(ℓ + 1)) */
} calib_lsq_input;

typedef struct {
    calib_status status;
    const char *reason;     /* NULL when status is CALIB_OK */
    size_t n;               /* points that entered the fit */
    size_t n_skipped;       /* candidates dropped by CALIB_SKIP_BAD */
    double intercept;       /* a */
    double slope;           /* b */
    double mean_x, mean_y;  /* (weighted) means of the fitted x, y */
    double sxx;             /* Σ w (x − x̄)² */
    double ss_res;          /* Σ w (y − a − b x)² */
    double ss_tot;          /* Σ w (y − ȳ)² */
    double r2;              /* 1 − ss_res/ss_tot; 0 when ss_tot = 0 */
    int r2_degenerate;      /* 1 when ss_tot = 0 (y constant): r2 is set to 0 */
    int has_se;             /* 1 when n > 2: the standard errors are defined */
    double resid_se;        /* sqrt(ss_res/(n − 2))           (has_se) */
    double se_slope;        /* resid_se / sqrt(sxx)           (has_se) */
    double se_intercept;    /* resid_se·sqrt(1/Σw + x̄²/sxx)   (has_se) */
} calib_lsq;

/* Fit y = a + b·x over the points of in (mask, range, transforms). Needs
 * at least 2 points (CALIB_TOO_FEW) with distinct x (CALIB_DEGENERATE).
 * A used point with non-finite (transformed) x or y, a weight that is not
 * finite and > 0, or a range outside [0, n] gives CALIB_BAD_INPUT unless
 * CALIB_SKIP_BAD skips it. With weights, ss_res/ss_tot/sxx are weighted and
 * the standard errors treat w as inverse variances known up to a common
 * scale (scale estimated from the residuals). Always fills *out (status,
 * reason, counts); returns out->status. */
calib_status calib_lsq_fit_ex(const calib_lsq_input *in, calib_lsq *out);

/* Plain OLS of y on x over all n points (calib_lsq_fit_ex without mask,
 * weights or transforms). */
calib_status calib_lsq_fit(const double *x, const double *y, size_t n, calib_lsq *out);

/* Weighted least squares over all n points, weights w > 0. */
calib_status calib_lsq_fit_weighted(const double *x, const double *y, const double *w,
                                    size_t n, calib_lsq *out);

#endif
