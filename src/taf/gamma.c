#include "taf/gamma.h"
#include "taf/thermo.h"

#include <math.h>

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
 * total is Python's compensated sum; N if never reached. */
static long long discrete_window(double gamma, long long N, double f,
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
