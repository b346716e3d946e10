#include "taf/imprint.h"
#include "taf/gamma.h"

#include "taf/consts.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

double taf_nu_imprint(void)
{
    return -1.0 / (2 * TAF_PI);
}

double taf_imprint_shift(double n_params_M)
{
    double p = n_params_M > 1e-3 ? n_params_M : 1e-3;
    return taf_nu_imprint() * log10(p / TAF_P0_IMPRINT_M);
}

double taf_gamma_random_predict(double theta, double T_eval, double n_params_M)
{
    return taf_gamma_pade(theta, T_eval) + taf_imprint_shift(n_params_M);
}

taf_imprint_purity taf_imprint_purity_check(double gamma_random_obs, double theta,
                                            double T_eval, double n_params_M)
{
    taf_imprint_purity p;
    p.gamma_random_obs = gamma_random_obs;
    p.gamma_random_pred = taf_gamma_random_predict(theta, T_eval, n_params_M);
    p.gamma_pade_only = taf_gamma_pade(theta, T_eval);
    p.imprint_predicted = p.gamma_random_pred - p.gamma_pade_only;
    p.imprint_residual = gamma_random_obs - p.gamma_random_pred;
    if (fabs(p.imprint_residual) < TAF_PURITY_CI) {
        p.purity = "clean (within CI)";
        p.code = "clean";
    } else if (p.imprint_residual < 0) {
        p.purity = "over-imprinted";
        p.code = "over";
    } else {
        p.purity = "under-imprinted";
        p.code = "under";
    }
    return p;
}

taf_invariant_K taf_compute_invariant_K(double gamma, double n_params_M,
                                        bool has_D, double D_tokens)
{
    taf_invariant_K k;
    double N = n_params_M * 1e6;
    if (!has_D)
        D_tokens = 20 * N;
    k.K = gamma * log(N * N * D_tokens);
    k.panel_mean = 51.2;
    k.panel_std = 16.8;
    k.z_score = (k.K - k.panel_mean) / k.panel_std;
    k.in_distribution = fabs(k.z_score) <= 1.0;
    k.interpretation = k.in_distribution ? "in-band"
                       : (k.z_score > 0 ? "high-K outlier" : "low-K outlier");
    return k;
}

taf_ih_check taf_ih_phase_check(double gamma_text, double gamma_random,
                                bool has_size, double n_params_M)
{
    taf_ih_check c;
    c.delta_gamma = gamma_text - gamma_random;
    c.phase_observed = c.delta_gamma > 0 ? "post-IH"
                       : (c.delta_gamma < 0 ? "pre-IH" : "ambiguous");
    c.phase_expected_by_size = NULL;
    if (has_size)
        c.phase_expected_by_size = n_params_M * 1e6 >= 4e8 ? "post-IH" : "pre-IH";
    c.consistent = c.phase_expected_by_size == NULL ||
                   strcmp(c.phase_observed, c.phase_expected_by_size) == 0;
    return c;
}

const char TAF_DECOMP_V2_WARNING[] =
    "SWA disabled (n=1). post_IH/instruct marked exploratory. "
    "GQA + imprint axes are the most reliable.";
const char *const TAF_DECOMP_V2_AXES[6] = {"pade", "imprint", "GQA", "SWA", "IH",
                                           "instruct"};

taf_decomp_v2 taf_gamma_decompose_v2(double gamma_pade, double n_params_M,
                                     bool has_GQA, bool has_SWA,
                                     bool corpus_random, bool is_instruct)
{
    taf_decomp_v2 d;
    d.pade_centroid = gamma_pade;
    d.delta_imprint = corpus_random ? taf_imprint_shift(n_params_M) : 0.0;
    d.delta_GQA = has_GQA ? 0.11 : 0.0;
    d.delta_SWA = 0.0;
    d.delta_SWA_status = has_SWA ? "exploratory_n1_disabled" : "not_applicable";
    d.delta_post_IH = n_params_M >= 400 ? -0.15 : 0.0;
    d.delta_post_IH_status = d.delta_post_IH != 0 ? "exploratory_no_replication"
                                                  : "not_applicable";
    d.delta_instruct = is_instruct ? -0.10 : 0.0;
    d.delta_instruct_status = d.delta_instruct != 0 ? "tentative_n3_p0.06"
                                                    : "not_applicable";
    d.gamma_corrected = gamma_pade + d.delta_imprint + d.delta_GQA + d.delta_SWA +
                        d.delta_post_IH + d.delta_instruct;
    return d;
}

const char TAF_FAMOUS_CAVEAT[] =
    "n=4 hits in panel; could be coincidence (continuous distribution)";

taf_const_proximity taf_famous_constant_proximity(double gamma, double tolerance)
{
    double phi = (1 + sqrt(5.0)) / 2;
    const taf_const_hit table[TAF_N_FAMOUS] = {
        {"1−1/φ (golden conjugate)", 1 - 1 / phi, 0},
        {"1/√2", 1 / sqrt(2.0), 0},
        {"1−1/√2", 1 - 1 / sqrt(2.0), 0},
        {"log_10(e)", log10(TAF_E), 0},
        {"1/π", 1 / TAF_PI, 0},
        {"2/π", 2 / TAF_PI, 0},
        {"1/φ", 1 / phi, 0},
        {"ln(2)", log(2.0), 0},
        {"z*_Cayley = (√17−3)/2", (sqrt(17.0) - 3) / 2, 0},
    };
    taf_const_proximity out;
    out.n_hits = 0;
    for (int i = 0; i < TAF_N_FAMOUS; i++) {
        double err = fabs(gamma - table[i].value);
        if (err <= tolerance) {
            /* insertion keeps equal errors in table order (a stable sort) */
            int j = out.n_hits++;
            while (j > 0 && out.hits[j - 1].error > err) {
                out.hits[j] = out.hits[j - 1];
                j--;
            }
            out.hits[j] = table[i];
            out.hits[j].error = err;
        }
    }
    return out;
}
