#include "calib/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "taf/consts.h"

#define SQRT2 1.4142135623730951

const char *calib_status_name(calib_status s)
{
    switch (s) {
    case CALIB_OK: return "ok";
    case CALIB_TOO_FEW: return "too_few_points";
    case CALIB_DEGENERATE: return "degenerate";
    case CALIB_BAD_INPUT: return "bad_input";
    case CALIB_NO_CONVERGENCE: return "no_convergence";
    }
    return "unknown";
}

/* ---- numpy pairwise summation ------------------------------------------- */

/* numpy/_core/src/umath/loops_utils.h.src pairwise_sum, PW_BLOCKSIZE 128. */
static double pairwise(calib_term_fn term, const void *ctx, size_t off, size_t n)
{
    if (n < 8) {
        double res = 0.;
        for (size_t i = 0; i < n; i++)
            res += term(off + i, ctx);
        return res;
    }
    if (n <= 128) {
        double r[8];
        size_t i;
        for (int j = 0; j < 8; j++)
            r[j] = term(off + (size_t)j, ctx);
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++)
                r[j] += term(off + i + (size_t)j, ctx);
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += term(off + i, ctx);
        return res;
    }
    size_t n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(term, ctx, off, n2) + pairwise(term, ctx, off + n2, n - n2);
}

static double array_term(size_t i, const void *ctx) { return ((const double *)ctx)[i]; }

double calib_np_sum(const double *x, size_t n)
{
    return n ? pairwise(array_term, x, 0, n) : 0.0;
}

double calib_np_sum_fn(calib_term_fn term, const void *ctx, size_t n)
{
    return n ? pairwise(term, ctx, 0, n) : 0.0;
}

/* ---- mean, std, median ---------------------------------------------------- */

static int all_finite(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

calib_status calib_mean(const double *x, size_t n, double *out)
{
    if (n == 0)
        return CALIB_TOO_FEW;
    if (!all_finite(x, n))
        return CALIB_BAD_INPUT;
    double m = calib_np_sum(x, n) / (double)n;
    if (!isfinite(m))
        return CALIB_BAD_INPUT; /* overflow of the sum */
    *out = m;
    return CALIB_OK;
}

struct sqdev { const double *x; double m; };

static double sqdev_term(size_t i, const void *ctx)
{
    const struct sqdev *s = ctx;
    double d = s->x[i] - s->m;
    return d * d;
}

calib_status calib_std_sample(const double *x, size_t n, double *out)
{
    if (n < 2)
        return CALIB_TOO_FEW;
    double m;
    calib_status st = calib_mean(x, n, &m);
    if (st != CALIB_OK)
        return st;
    struct sqdev s = { x, m };
    double v = calib_np_sum_fn(sqdev_term, &s, n) / (double)(n - 1);
    if (!isfinite(v))
        return CALIB_BAD_INPUT;
    *out = sqrt(v);
    return CALIB_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

calib_status calib_median(double *x, size_t n, double *out)
{
    if (n == 0)
        return CALIB_TOO_FEW;
    if (!all_finite(x, n))
        return CALIB_BAD_INPUT;
    qsort(x, n, sizeof *x, cmp_double);
    if (n % 2)
        *out = x[n / 2];
    else
        *out = (x[n / 2 - 1] + x[n / 2]) / 2.0;
    return CALIB_OK;
}

double calib_py_round(double x, int ndigits)
{
    if (!isfinite(x))
        return x;
    if (ndigits < 0)
        ndigits = 0;
    if (ndigits > 17)
        ndigits = 17;
    char buf[400]; /* 309 integer digits + sign + point + 17 decimals */
    snprintf(buf, sizeof buf, "%.*f", ndigits, x);
    return strtod(buf, NULL);
}

/* ---- normal quantile ------------------------------------------------------ */

/* Upper-tail normal quantile: z with Q(z) = ½·erfc(z/√2) = q, 0 < q < ½. */
static calib_status norm_upper(double q, double *out)
{
    /* A&S 26.2.23 start (|error| < 4.5e-4), then Newton on erfc. */
    double s = sqrt(-2.0 * log(q));
    double z = s - (2.515517 + 0.802853 * s + 0.010328 * s * s) /
                       (1.0 + 1.432788 * s + 0.189269 * s * s + 0.001308 * s * s * s);
    if (!(z > 0))
        z = 1e-3;
    for (int it = 0; it < 100; it++) {
        double Q = 0.5 * erfc(z / SQRT2);
        double phi = exp(-0.5 * z * z) / sqrt(2.0 * TAF_PI);
        if (!(phi > 0))
            return CALIB_NO_CONVERGENCE;
        double step = (Q - q) / phi;
        z += step;
        if (fabs(step) <= 1e-15 * z)
            break;
    }
    if (!(isfinite(z) && z > 0))
        return CALIB_NO_CONVERGENCE;
    *out = z;
    return CALIB_OK;
}

calib_status calib_norm_quantile(double p, double *out)
{
    if (!(p > 0 && p < 1))
        return CALIB_BAD_INPUT;
    if (p == 0.5) {
        *out = 0.0;
        return CALIB_OK;
    }
    double z;
    calib_status st = norm_upper(p < 0.5 ? p : 1.0 - p, &z);
    if (st != CALIB_OK)
        return st;
    *out = p < 0.5 ? -z : z;
    return CALIB_OK;
}

/* ---- Student t ------------------------------------------------------------ */

#define LN_SQRT_PI 0.57236494292470008707 /* ln Γ(1/2) */

/* Σ B_2k / (2k(2k−1) z^(2k−1)), the Stirling correction of ln Γ(z). */
static double stirling_tail(double z)
{
    static const double c[] = { 1.0 / 12,         -1.0 / 360,         1.0 / 1260,
                                -1.0 / 1680,      1.0 / 1188,         -691.0 / 360360,
                                1.0 / 156,        -3617.0 / 122400,   43867.0 / 244188 };
    double z2 = 1.0 / (z * z), zp = 1.0 / z, s = 0;
    for (size_t k = 0; k < sizeof c / sizeof c[0]; k++) {
        s += c[k] * zp;
        zp *= z2;
    }
    return s;
}

/* ln B(a, 1/2). For large a the difference ln Γ(a+½) − ln Γ(a) is taken
 * from Stirling's series directly, so nothing cancels. */
static double lbeta_half(double a)
{
    if (a < 10)
        return lgamma(a) + LN_SQRT_PI - lgamma(a + 0.5);
    double D = (a * log1p(0.5 / a) - 0.5) + 0.5 * log(a) + (stirling_tail(a + 0.5) - stirling_tail(a));
    return LN_SQRT_PI - D;
}

/* Continued fraction of I_x(a, b) (modified Lentz), in long double: near
 * x = 1 the fraction is about a times more sensitive to x than x's own
 * rounding, so both x and the recurrence carry extra bits. */
static int betacf(long double a, long double b, long double x, double *out)
{
    const long double FPMIN = 1e-300L, EPS = 1e-18L;
    long double qab = a + b, qap = a + 1, qam = a - 1;
    long double c = 1, d = 1 - qab * x / qap;
    if (fabsl(d) < FPMIN)
        d = FPMIN;
    d = 1 / d;
    long double h = d;
    long maxit = 1000 + (long)(50.0L * sqrtl(a > b ? a : b));
    for (long m = 1; m <= maxit; m++) {
        long double dm = (long double)m, m2 = 2 * dm;
        long double aa = dm * (b - dm) * x / ((qam + m2) * (a + m2));
        d = 1 + aa * d;
        if (fabsl(d) < FPMIN)
            d = FPMIN;
        c = 1 + aa / c;
        if (fabsl(c) < FPMIN)
            c = FPMIN;
        d = 1 / d;
        h *= d * c;
        aa = -(a + dm) * (qab + dm) * x / ((a + m2) * (qap + m2));
        d = 1 + aa * d;
        if (fabsl(d) < FPMIN)
            d = FPMIN;
        c = 1 + aa / c;
        if (fabsl(c) < FPMIN)
            c = FPMIN;
        d = 1 / d;
        long double del = d * c;
        h *= del;
        if (fabsl(del - 1) <= EPS) {
            *out = (double)h;
            return 1;
        }
    }
    return 0;
}

/* Two-sided tail P(|T| > t) = I_x(df/2, 1/2), x = df/(df + t²), for t ≥ 0
 * and finite df > 0. Parameterised by u = t/√df so nothing overflows. */
static calib_status t_tail2(double t, double df, double *out)
{
    if (t == 0) {
        *out = 1.0;
        return CALIB_OK;
    }
    double a = 0.5 * df, b = 0.5, u = t / sqrt(df);
    long double x, omx;
    double lx, l1mx;
    if (u <= 1) {
        long double u2 = (long double)u * u;
        x = 1 / (1 + u2);
        omx = u2 / (1 + u2);
        lx = -log1p(u * u);
        l1mx = 2 * log(u) - log1p(u * u);
    } else {
        double v = 1 / u;
        long double v2 = (long double)v * v;
        x = v2 / (1 + v2);
        omx = 1 / (1 + v2);
        lx = 2 * log(v) - log1p(v * v);
        l1mx = -log1p(v * v);
    }
    double front = exp(a * lx + b * l1mx - lbeta_half(a));
    double cf, r;
    if (x < (long double)(a + 1) / (a + b + 2)) {
        if (!betacf(a, b, x, &cf))
            return CALIB_NO_CONVERGENCE;
        r = front * cf / a;
    } else {
        if (!betacf(b, a, omx, &cf))
            return CALIB_NO_CONVERGENCE;
        r = 1 - front * cf / b;
    }
    if (!isfinite(r))
        return CALIB_NO_CONVERGENCE;
    *out = r < 0 ? 0 : (r > 1 ? 1 : r);
    return CALIB_OK;
}

/* ln of the t density at t ≥ 0. */
static double t_logpdf(double t, double df)
{
    double u = t / sqrt(df);
    double l1p = u <= 1 ? log1p(u * u) : 2 * log(u) + log1p(1 / (u * u));
    return -0.5 * log(df) - lbeta_half(0.5 * df) - 0.5 * (df + 1) * l1p;
}

#define HILL_DF 1e4

/* Hill's expansion (A&S 26.7.5) of the t quantile around the normal one. */
static double hill(double z, double nu)
{
    double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
    double g1 = (z3 + z) / 4;
    double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
    double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
    double g4 = (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / 92160;
    return z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu;
}

/* t > 0 with P(T > t) = q, 0 < q < ½. */
static calib_status t_upper(double q, double df, double *out)
{
    if (isinf(df) || df >= HILL_DF) {
        double z;
        calib_status st = norm_upper(q, &z);
        if (st != CALIB_OK)
            return st;
        *out = isinf(df) ? z : hill(z, df);
        return CALIB_OK;
    }
    double alpha = 2 * q, lo = 0, hi = 2, f;
    calib_status st;
    for (;;) {
        if ((st = t_tail2(hi, df, &f)) != CALIB_OK)
            return st;
        if (f <= alpha)
            break;
        lo = hi;
        hi *= 2;
        if (hi > 1e300)
            return CALIB_BAD_INPUT; /* quantile beyond the double range */
    }
    double t = 0.5 * (lo + hi);
    for (int it = 0; it < 400; it++) {
        if ((st = t_tail2(t, df, &f)) != CALIB_OK)
            return st;
        double fv = f - alpha;
        if (fv == 0)
            break;
        if (fv > 0)
            lo = t;
        else
            hi = t;
        double tn = t + fv / (2 * exp(t_logpdf(t, df)));
        if (!(tn > lo && tn < hi))
            tn = 0.5 * (lo + hi);
        double step = fabs(tn - t);
        t = tn;
        if (step <= 4e-16 * t || hi - lo <= 4e-16 * hi)
            break;
    }
    if (!(isfinite(t) && t > 0))
        return CALIB_NO_CONVERGENCE;
    *out = t;
    return CALIB_OK;
}

calib_status calib_t_quantile(double p, double df, double *out)
{
    if (!(p > 0 && p < 1) || !(df > 0))
        return CALIB_BAD_INPUT;
    if (p == 0.5) {
        *out = 0.0;
        return CALIB_OK;
    }
    double t;
    calib_status st = t_upper(p < 0.5 ? p : 1.0 - p, df, &t);
    if (st != CALIB_OK)
        return st;
    *out = p < 0.5 ? -t : t;
    return CALIB_OK;
}

calib_status calib_t975(double df, double *out)
{
    return calib_t_quantile(0.975, df, out);
}

calib_status calib_t_cdf(double t, double df, double *out)
{
    if (!isfinite(t) || !(df > 0))
        return CALIB_BAD_INPUT;
    if (isinf(df)) {
        *out = 0.5 * erfc(-t / SQRT2);
        return CALIB_OK;
    }
    double a2;
    calib_status st = t_tail2(fabs(t), df, &a2);
    if (st != CALIB_OK)
        return st;
    *out = t >= 0 ? 1 - 0.5 * a2 : 0.5 * a2;
    return CALIB_OK;
}
