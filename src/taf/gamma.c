#include "taf/gamma.h"
#include "taf/thermo.h"

#include <math.h>
#include <stdlib.h>

double taf_gamma_pade(double theta, double T_eval)
{
    double z_sqrt2 = T_eval * sqrt(2.0);
    return (2 * theta - z_sqrt2) / (2 * theta + z_sqrt2);
}

const char TAF_DECOMP_V1_WARNING[] =
    "SWA correction disabled (originally fit on n=1). "
    "post_IH correction marked exploratory (group-mean ≈ 0 in re-audit). "
    "GQA correction replicates.";

taf_decomp taf_gamma_decompose(double gamma_pade, bool has_GQA, bool has_SWA,
                               double n_params)
{
    taf_decomp d;
    d.pade_centroid = gamma_pade;
    d.delta_GQA = has_GQA ? 0.11 : 0.0;
    d.delta_SWA = 0.0;
    d.delta_SWA_status = has_SWA ? "exploratory_n1_disabled" : "not_applicable";
    d.delta_post_IH = n_params >= 4e8 ? -0.15 : 0.0;
    d.delta_post_IH_status = d.delta_post_IH != 0 ? "exploratory_no_replication"
                                                  : "not_applicable";
    d.gamma_corrected = gamma_pade + d.delta_GQA + d.delta_SWA + d.delta_post_IH;
    return d;
}

bool taf_d_horizon(double theta, double gamma, double *out)
{
    if (!(gamma > 0 && gamma < 1))
        return false;
    *out = theta * (1 - gamma) * sqrt(2.0) / (1 + gamma);
    return true;
}

double taf_chi(double gamma)
{
    return gamma == 1.0 ? INFINITY : 1.0 / fabs(gamma - 1.0);
}

bool taf_p_hallucinate(double L, double theta, double gamma, double *out)
{
    double dh;
    if (!taf_d_horizon(theta, gamma, &dh) || L <= 0)
        return false;
    double chi = taf_chi(gamma);
    if (isinf(chi))
        return false;
    double x = 1.0 - pow(dh / L, 1 - gamma);
    /* Python's max(0.0, x) keeps 0.0 unless x is strictly greater. */
    double geom = x > 0.0 ? x : 0.0;
    *out = geom * (sqrt(chi) / (1 + sqrt(chi)));
    return true;
}

bool taf_theta_design(double gamma_target, double T_eval, double *out)
{
    if (!(gamma_target < 1 && gamma_target > -1))
        return false;
    *out = T_eval * sqrt(2.0) * (1 + gamma_target) / (2 * (1 - gamma_target));
    return true;
}

bool taf_alpha_opt(double gamma_target, double T_eval, double theta_nominal,
                   double *out)
{
    double td;
    if (!taf_theta_design(gamma_target, T_eval, &td))
        return false;
    *out = td / theta_nominal;
    return true;
}

void taf_fsum_add(taf_fsum *s, double x)
{
    double t = s->sum + x;
    if (fabs(s->sum) >= fabs(x))
        s->comp += (s->sum - t) + x;
    else
        s->comp += (x - t) + s->sum;
    s->sum = t;
}

double taf_fsum_value(const taf_fsum *s)
{
    if (s->comp != 0.0 && isfinite(s->comp))
        return s->sum + s->comp;
    return s->sum;
}

/* Smallest D with the running (naive, left-to-right) sum ≥ f·total, where
 * total is Python's compensated sum; N if never reached. This is the
 * definition: O(N) calls of pow, twice. */
static long long discrete_window_exact(double gamma, long long N, double f,
                                       double *total_out)
{
    taf_fsum total = {0.0, 0.0};
    for (long long d = 1; d <= N; d++)
        taf_fsum_add(&total, pow((double)d, -gamma));
    double t = taf_fsum_value(&total);
    *total_out = t;
    if (!(t > 0) || !isfinite(t))
        return -1;
    double target = f * t, cum = 0.0;
    for (long long d = 1; d <= N; d++) {
        cum += pow((double)d, -gamma);
        if (cum >= target)
            return d;
    }
    return N;
}

/* ---- the same answer without the O(N) sums ---------------------------------
 *
 * The exact loop compares two floating-point numbers: the naive running sum
 * c_D and target = fl(f · T), T the compensated total. Both are within a
 * tiny, provable distance of the mathematical sums S(D) = Σ_{d≤D} d^−γ and
 * f·S(N), and S can be evaluated in O(1) by Euler–Maclaurin. So:
 *   1. compute c_1..c_M exactly as the loop does (same pow, same order);
 *   2. bound target inside [tlo, thi] from an estimate of S(N);
 *   3. bisect for the D* where the estimate of c_D crosses the target;
 *   4. accept D* only if the bounds prove c_{D*−1} < tlo and c_{D*} ≥ thi
 *      (c is non-decreasing: every earlier c_d is below target as well);
 *      otherwise fall back to the exact loop.
 * Error model (u = 2^−53): glibc's pow is within 1 ulp (≤ 2u relative);
 * naive summation of n positive terms errs by ≤ n·u·(its sum) (first order;
 * n·u ≤ 1e-8 here, so a 1.01 factor covers the rest); the compensated total
 * is within 2u·T of the exact sum of the rounded terms; the estimates below
 * are held to 64u relative plus the Euler–Maclaurin remainder. The margins
 * are generous: near the crossing one term is ≥ 1e-4 of the sum while the
 * uncertainty is ≤ 1e-9 of it at N = 10⁶, so the fallback is rare (the
 * sweep in tests/test_taf_df.c compares both paths). */

#define DF_HEAD 1024                /* exact head c_1..c_M */
#define DF_U 0x1p-53

/* Σ_{d=a+1}^{b} d^−γ for integers b ≥ a ≥ DF_HEAD by Euler–Maclaurin with
 * three Bernoulli terms; *rem gets a bound on the truncation error. */
static double em_tail(double g, double a, double b, double *rem)
{
    if (b <= a) {
        *rem = 0;
        return 0;
    }
    double L = log(b / a), t = (1.0 - g) * L;
    /* ∫_a^b x^−γ dx, stable through γ = 1 */
    double integral = pow(a, 1.0 - g) * L * (t == 0.0 ? 1.0 : expm1(t) / t);
    double ga = pow(a, -g), gb = pow(b, -g);
    double c1 = g, c3 = g * (g + 1) * (g + 2), c5 = c3 * (g + 3) * (g + 4);
    /* g^(k)(x) = −c_k x^(−γ−k) for odd k */
    double d1 = -c1 * (gb / b - ga / a);
    double a3 = ga / (a * a * a), b3 = gb / (b * b * b);
    double d3 = -c3 * (b3 - a3);
    double d5 = -c5 * (b3 / (b * b) - a3 / (a * a));
    *rem = 2.0 * 3.5e-5 * c5 * a3 / (a * a); /* 2ζ(6)/(2π)^6 · |g^(5)(a)|, ×2 */
    return integral + 0.5 * (gb - ga) + d1 / 12.0 - d3 / 720.0 + d5 / 30240.0;
}

/* Below the shortcut's range (a profile at N = 2000 or T_train, for every
 * measurement a calibration refits): the defining loops with each term
 * computed once — the same pow values added in the same order, so the
 * same answer for half the calls of pow. */
static long long discrete_window_small(double gamma, long long N, double f, double *total_out)
{
    double *term = malloc((size_t)N * sizeof *term);
    if (!term)
        return discrete_window_exact(gamma, N, f, total_out);
    taf_fsum total = {0.0, 0.0};
    for (long long d = 1; d <= N; d++) {
        term[d - 1] = pow((double)d, -gamma);
        taf_fsum_add(&total, term[d - 1]);
    }
    double t = taf_fsum_value(&total);
    *total_out = t;
    long long D = -1;
    if (t > 0 && isfinite(t)) {
        double target = f * t, cum = 0.0;
        D = N;
        for (long long d = 1; d <= N; d++) {
            cum += term[d - 1];
            if (cum >= target) {
                D = d;
                break;
            }
        }
    }
    free(term);
    return D;
}

static long long discrete_window(double gamma, long long N, double f, double *total_out)
{
    if (N < 8 * DF_HEAD)
        return discrete_window_small(gamma, N, f, total_out);
    if (!(gamma > 0 && gamma <= 8 && f > 0 && f < 1) || N > 1000000000LL)
        return discrete_window_exact(gamma, N, f, total_out);
    /* 1. the exact head */
    double c[DF_HEAD + 1];
    taf_fsum head = {0.0, 0.0};
    c[0] = 0.0;
    for (int d = 1; d <= DF_HEAD; d++) {
        double x = pow((double)d, -gamma);
        c[d] = c[d - 1] + x;
        taf_fsum_add(&head, x);
    }
    double H = taf_fsum_value(&head), M = DF_HEAD, rem;
    /* 2. target = fl(f·T) inside [tlo, thi] */
    double SN = H + em_tail(gamma, M, (double)N, &rem);
    double errT = 64 * DF_U * SN + rem;
    double tlo = f * (SN - errT) * (1 - 4 * DF_U), thi = f * (SN + errT) * (1 + 4 * DF_U);
    double tmid = f * SN;
    *total_out = SN;
    long long D;
    if (c[DF_HEAD] >= tmid) {
        /* 3a. the crossing is in the head, where c is known exactly */
        int d = 1;
        while (c[d] < tmid)
            d++;
        if (c[d] >= thi && c[d - 1] < tlo)
            return d;
        return discrete_window_exact(gamma, N, f, total_out);
    }
    /* 3b. bisect on the estimate c_M + Σ_{M<d≤D} d^−γ */
    long long lo = DF_HEAD, hi = N;
    double r;
    if (c[DF_HEAD] + em_tail(gamma, M, (double)N, &r) < tmid) {
        D = N;
    } else {
        while (hi - lo > 1) {
            long long mid = lo + (hi - lo) / 2;
            if (c[DF_HEAD] + em_tail(gamma, M, (double)mid, &r) >= tmid)
                hi = mid;
            else
                lo = mid;
        }
        D = hi;
    }
    /* 4. prove c_{D−1} < target ≤ c_D (only the first when D = N) */
    double before;
    if (D - 1 == DF_HEAD) {
        before = c[DF_HEAD];
    } else {
        double tail = em_tail(gamma, M, (double)(D - 1), &r);
        double est = c[DF_HEAD] + tail;
        double err = ((double)(D - 1 - DF_HEAD) * 1.01 + 4) * DF_U * est + 64 * DF_U * est + r;
        before = est + err;
    }
    if (!(before < tlo))
        return discrete_window_exact(gamma, N, f, total_out);
    if (D == N)
        return N;
    double tail = em_tail(gamma, M, (double)D, &r);
    double est = c[DF_HEAD] + tail;
    double err = ((double)(D - DF_HEAD) * 1.01 + 4) * DF_U * est + 64 * DF_U * est + r;
    if (!(est - err >= thi))
        return discrete_window_exact(gamma, N, f, total_out);
    return D;
}

bool taf_df_window(double gamma, long long N, double f, long long *out)
{
    if (!(gamma >= 0.65 && gamma <= 0.85))
        return false;
    if (N <= 0) {
        *out = 1;
        return true;
    }
    double total;
    long long d = discrete_window(gamma, N, f, &total);
    *out = d < 0 ? N : d;
    return true;
}

static long long continuum_window(double gamma, double f, long long N)
{
    if (fabs(gamma - 1.0) < 1e-9) {
        double r = nearbyint(pow((double)N, f));
        return r < 1 ? 1 : (r > (double)N ? N : (long long)r);
    }
    double omg = 1.0 - gamma;
    double base = (1 - f) + f * pow((double)N, omg);
    if (base <= 0)
        return 1;
    double d_f = pow(base, 1.0 / omg);
    if (!isfinite(d_f))
        return N;
    double r = nearbyint(d_f);
    return r < 1 ? 1 : (r > (double)N ? N : (long long)r);
}

long long taf_D_f_exact(double gamma, double f, long long N)
{
    if (N <= 0)
        return 1;
    if (!(gamma > 0.0))
        return N;
    double total;
    long long d = discrete_window(gamma, N, f, &total);
    return d < 0 ? continuum_window(gamma, f, N) : d;
}

long long taf_D_f_reference(double gamma, double f, long long N)
{
    if (N <= 0)
        return 1;
    if (!(gamma > 0.0))
        return N;
    double total;
    long long d = discrete_window_exact(gamma, N, f, &total);
    return d < 0 ? continuum_window(gamma, f, N) : d;
}

const char *taf_kv_soft_decay_regime(double theta, double gamma, double T_train)
{
    double dh;
    if (!taf_d_horizon(theta, gamma, &dh))
        return "use-hard-cutoff";
    double half = T_train / 2;
    double ratio = dh / (half > 1 ? half : 1);
    if (ratio >= 1.2)
        return "applies";
    if (ratio >= 0.8)
        return "borderline";
    return "use-hard-cutoff";
}

const char *taf_phase_label(double g)
{
    if (g > 0 && g < 1)
        return "Phase A (long-range OK)";
    if (g >= 1)
        return "Phase B / Hagedorn";
    return "Phase B / catastrophic (negative γ — T too large for θ)";
}

const char *taf_phase_code(double g)
{
    if (g > 0 && g < 1)
        return "phase.a";
    if (g >= 1)
        return "phase.b";
    return "phase.catastrophic";
}
