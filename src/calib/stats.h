/* Small statistics for the calibration fits: status codes shared by every
 * src/calib/ module, numpy-faithful sums, mean / sample std / median,
 * Python's round(x, n), and the Student-t and normal quantiles.
 *
 * Pure: no I/O, no allocation, no global state. Functions that can fail
 * return a calib_status and leave their output untouched on failure; none
 * returns NaN or an infinity silently. */
#ifndef TAF_CALIB_STATS_H
#define TAF_CALIB_STATS_H

#include <stddef.h>

/* Outcome of a calibration computation. Every non-OK status comes with a
 * static reason string in the result struct that carries it. */
typedef enum {
    CALIB_OK = 0,
    CALIB_TOO_FEW,        /* fewer usable points than the computation needs */
    CALIB_DEGENERATE,     /* the regressor has no spread: slope undefined */
    CALIB_BAD_INPUT,      /* argument out of domain, non-finite, unsorted */
    CALIB_NO_CONVERGENCE  /* an iteration did not converge (not expected) */
} calib_status;

/* Stable lower-case name of a status: "ok", "too_few_points",
 * "degenerate", "bad_input", "no_convergence". */
const char *calib_status_name(calib_status s);

/* Σ x[0..n) in numpy's pairwise order (np.sum / np.add.reduce on a
 * contiguous float64 array): sequential below 8 terms, eight interleaved
 * accumulators up to 128, recursive halves above. 0 for n = 0. */
double calib_np_sum(const double *x, size_t n);

/* The same sum over terms produced on demand: term(i, ctx) is the i-th
 * element. Lets callers sum transformed values without a buffer. */
typedef double (*calib_term_fn)(size_t i, const void *ctx);
double calib_np_sum_fn(calib_term_fn term, const void *ctx, size_t n);

/* Arithmetic mean as numpy.mean (pairwise sum / n). CALIB_TOO_FEW for
 * n = 0, CALIB_BAD_INPUT if any x is non-finite. */
calib_status calib_mean(const double *x, size_t n, double *out);

/* Sample standard deviation (ddof = 1) as numpy.std(x, ddof=1):
 * sqrt(Σ(x − mean)² / (n − 1)). CALIB_TOO_FEW for n < 2, CALIB_BAD_INPUT
 * if any x is non-finite. */
calib_status calib_std_sample(const double *x, size_t n, double *out);

/* Median (middle value, or the mean of the two middle values for even n,
 * as numpy.median / statistics.median). SORTS x IN PLACE (ascending).
 * CALIB_TOO_FEW for n = 0, CALIB_BAD_INPUT if any x is non-finite. */
calib_status calib_median(double *x, size_t n, double *out);

/* Python's round(x, ndigits) for 0 ≤ ndigits ≤ 17: the correctly rounded
 * decimal (half to even on the exact binary value) read back as a double.
 * Done with "%.*f" in the C locale and strtod. Non-finite x is returned
 * unchanged (as Python does). */
double calib_py_round(double x, int ndigits);

/* Quantile of Student's t with df degrees of freedom: the t with
 * P(T ≤ t) = p. Valid for 0 < p < 1 and df > 0 (real); df = +INFINITY
 * gives the standard normal quantile. Computed by inverting the
 * regularized incomplete beta I_x(df/2, 1/2) (continued fraction,
 * safeguarded Newton); above df = 1e4 Hill's asymptotic expansion
 * (Abramowitz & Stegun 26.7.5) around the normal quantile. Accuracy
 * about 1e-14 relative. CALIB_BAD_INPUT outside the domain. */
calib_status calib_t_quantile(double p, double df, double *out);

/* Two-sided 95% critical value t(0.975, df) (same contract as above). */
calib_status calib_t975(double df, double *out);

/* Student-t CDF P(T ≤ t) for finite t and df > 0 (+INFINITY = normal).
 * CALIB_BAD_INPUT outside the domain. */
calib_status calib_t_cdf(double t, double df, double *out);

/* Standard normal quantile for 0 < p < 1 (Newton on erfc). */
calib_status calib_norm_quantile(double p, double *out);

#endif
