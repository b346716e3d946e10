/* §26 — γ-thermodynamics of RoPE attention: the Padé estimate of the decay
 * exponent and everything derived from it. Pure functions, no I/O.
 * Arithmetic follows the reference's operation order so results agree to
 * the last bit where the reference is itself well defined. */
#ifndef TAF_GAMMA_H
#define TAF_GAMMA_H

#include <stdbool.h>

/* §26.1 γ = (2θ − T√2)/(2θ + T√2). */
double taf_gamma_pade(double theta, double T_eval);

/* §26.10 decomposition v1 (audited 2026-05-02: δ_SWA disabled, δ_post_IH
 * exploratory, δ_GQA replicates). */
typedef struct {
    double pade_centroid;
    double delta_GQA;
    double delta_SWA;            /* always 0: the SWA constant rested on n=1 */
    const char *delta_SWA_status;
    double delta_post_IH;
    const char *delta_post_IH_status;
    double gamma_corrected;
} taf_decomp;

extern const char TAF_DECOMP_V1_WARNING[];

taf_decomp taf_gamma_decompose(double gamma_pade, bool has_GQA, bool has_SWA,
                               double n_params);

/* §26.2 d_h = θ(1−γ)√2/(1+γ); returns false (no horizon) when γ ∉ (0,1). */
bool taf_d_horizon(double theta, double gamma, double *out);

/* §26.16 χ = 1/|γ−1|; +inf at γ = 1. */
double taf_chi(double gamma);

/* §26.9 horizon-overshoot probability; false when there is no horizon,
 * L ≤ 0, or χ is infinite. */
bool taf_p_hallucinate(double L, double theta, double gamma, double *out);

/* §26.3 θ that lands at γ_target for T_eval; false unless γ_target ∈ (−1,1). */
bool taf_theta_design(double gamma_target, double T_eval, double *out);

/* §26.4 α = θ_design/θ_nominal; false when θ_design is undefined. */
bool taf_alpha_opt(double gamma_target, double T_eval, double theta_nominal,
                   double *out);

/* §26.7 D_f window: smallest D with Σ_{1..D} d^−γ ≥ f·Σ_{1..N} d^−γ,
 * only inside the calibrated zone γ ∈ [0.65, 0.85] (false outside).
 * N ≤ 0 gives 1. */
bool taf_df_window(double gamma, long long N, double f, long long *out);

/* The discrete window for any γ (the diagnose CLI's D_f): N ≤ 0 → 1,
 * γ ≤ 0 → N; falls back to the continuum closed form if the sum is not
 * finite. */
long long taf_D_f_exact(double gamma, double f, long long N);

/* The same by its definition (two O(N) sums), for tests and benchmarks:
 * taf_D_f_exact proves its shortcut against error bounds and falls back
 * to this loop when it cannot, so both always agree. */
long long taf_D_f_reference(double gamma, double f, long long N);

/* §26.8 soft-decay régimen: "applies", "borderline" or "use-hard-cutoff". */
const char *taf_kv_soft_decay_regime(double theta, double gamma, double T_train);

/* Phase label and its message code for a γ (used by recipe audit chains). */
const char *taf_phase_label(double gamma);
const char *taf_phase_code(double gamma);

/* Σ of a sequence in the order given, with Neumaier compensation as
 * Python's built-in sum() of floats does (CPython ≥ 3.12). */
typedef struct { double sum, comp; } taf_fsum;
void taf_fsum_add(taf_fsum *s, double x);
double taf_fsum_value(const taf_fsum *s);

#endif
