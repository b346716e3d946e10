#include "calib/lsq.h"

#include <math.h>
#include <string.h>

/* Point i after transforms; 0 when it is not a candidate, -1 when it is a
 * candidate with an unusable value, 1 when usable. */
static int point(const calib_lsq_input *in, size_t i, double *x, double *y, double *w)
{
    if (in->use && !in->use[i])
        return 0;
    double xi = in->x[i], yi = in->y[i];
    if (in->use_x_min && !(xi >= in->x_min))
        return 0;
    if (in->x_shift != 0)
        xi += in->x_shift;
    if ((in->xform & CALIB_POS_X) && !(xi > 0))
        return -1;
    if (in->xform & CALIB_LOG_X)
        xi = xi > 0 ? log(xi) : NAN;
    if (in->xform & CALIB_LOG_Y)
        yi = yi > 0 ? log(yi) : NAN;
    double wi = in->w ? in->w[i] : 1.0;
    if (!isfinite(xi) || !isfinite(yi) || !(isfinite(wi) && wi > 0))
        return -1;
    *x = xi;
    *y = yi;
    *w = wi;
    return 1;
}

static calib_status fail(calib_lsq *out, calib_status st, const char *why)
{
    out->status = st;
    out->reason = why;
    return st;
}

calib_status calib_lsq_fit_ex(const calib_lsq_input *in, calib_lsq *out)
{
    memset(out, 0, sizeof *out);
    size_t end = in->end ? in->end : in->n;
    if (!in->x || !in->y || in->begin > end || end > in->n)
        return fail(out, CALIB_BAD_INPUT, "bad arguments: missing arrays or range outside [0, n]");
    int skip = (in->xform & CALIB_SKIP_BAD) != 0;

    /* Pass 1: count, weighted means. */
    double sw = 0, sx = 0, sy = 0, x, y, w;
    double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
    size_t n = 0, skipped = 0;
    for (size_t i = in->begin; i < end; i++) {
        int k = point(in, i, &x, &y, &w);
        if (k == 0)
            continue;
        if (k < 0) {
            if (!skip)
                return fail(out, CALIB_BAD_INPUT,
                            in->w ? "non-finite value, log of a value <= 0, or weight <= 0"
                                  : "non-finite value or log of a value <= 0");
            skipped++;
            continue;
        }
        n++;
        xlo = fmin(xlo, x);
        xhi = fmax(xhi, x);
        ylo = fmin(ylo, y);
        yhi = fmax(yhi, y);
        sw += w;
        sx += w * x;
        sy += w * y;
    }
    out->n = n;
    out->n_skipped = skipped;
    if (n < 2)
        return fail(out, CALIB_TOO_FEW, n ? "one usable point: a line needs two"
                                          : "no usable points");
    double mx = sx / sw, my = sy / sw;

    /* Pass 2: centred sums. */
    double sxx = 0, sxy = 0, syy = 0;
    for (size_t i = in->begin; i < end; i++) {
        if (point(in, i, &x, &y, &w) <= 0)
            continue;
        double dx = x - mx, dy = y - my;
        sxx += w * dx * dx;
        sxy += w * dx * dy;
        syy += w * dy * dy;
    }
    /* Constant x or y must give exactly 0, not the rounding residue of
     * the mean (7 equal values summed and divided by 7 need not return
     * the value). */
    if (xlo == xhi)
        sxx = 0;
    if (ylo == yhi)
        sxy = syy = 0;
    out->mean_x = mx;
    out->mean_y = my;
    out->sxx = sxx;
    if (!(sxx > 0))
        return fail(out, CALIB_DEGENERATE, "all x values are equal: slope undefined");
    if (!isfinite(sxx) || !isfinite(sxy) || !isfinite(syy))
        return fail(out, CALIB_BAD_INPUT, "sums overflow");

    double b = sxy / sxx, a = my - b * mx;

    /* Pass 3: residuals as numpy computes them, pred = a + b·x. */
    double ss_res = 0;
    for (size_t i = in->begin; i < end; i++) {
        if (point(in, i, &x, &y, &w) <= 0)
            continue;
        double r = y - (a + b * x);
        ss_res += w * r * r;
    }
    out->intercept = a;
    out->slope = b;
    out->ss_res = ss_res;
    out->ss_tot = syy;
    if (syy > 0) {
        out->r2 = 1.0 - ss_res / syy;
    } else {
        out->r2 = 0.0;
        out->r2_degenerate = 1;
    }
    if (n > 2) {
        out->has_se = 1;
        out->resid_se = sqrt(ss_res / (double)(n - 2));
        out->se_slope = out->resid_se / sqrt(sxx);
        out->se_intercept = out->resid_se * sqrt(1.0 / sw + mx * mx / sxx);
    }
    if (!isfinite(a) || !isfinite(b) || !isfinite(out->r2) || !isfinite(ss_res))
        return fail(out, CALIB_BAD_INPUT, "non-finite result (values too large)");
    out->status = CALIB_OK;
    out->reason = NULL;
    return CALIB_OK;
}

calib_status calib_lsq_fit(const double *x, const double *y, size_t n, calib_lsq *out)
{
    calib_lsq_input in = { .x = x, .y = y, .n = n };
    return calib_lsq_fit_ex(&in, out);
}

calib_status calib_lsq_fit_weighted(const double *x, const double *y, const double *w,
                                    size_t n, calib_lsq *out)
{
    calib_lsq_input in = { .x = x, .y = y, .w = w, .n = n };
    return calib_lsq_fit_ex(&in, out);
}
