/* §28–§31 — learned imprint on random-token input, purity, the
 * compute-context invariant K, the induction-head phase check and the
 * famous-constant proximity test. Pure functions. */
#ifndef TAF_IMPRINT_H
#define TAF_IMPRINT_H

#include <stdbool.h>

/* ν = −1/(2π), derived; P_0 = 14 M parameters (pythia-14m). */
double taf_nu_imprint(void);
#define TAF_P0_IMPRINT_M 14.0
#define TAF_PURITY_CI 0.18

/* ν·log10(max(P_M, 1e−3)/P_0). */
double taf_imprint_shift(double n_params_M);

/* §28.1 γ_random = γ_Padé(θ,T) + ν·log10(P/P_0). */
double taf_gamma_random_predict(double theta, double T_eval, double n_params_M);

typedef struct {
    double gamma_random_obs, gamma_random_pred, gamma_pade_only;
    double imprint_predicted, imprint_residual;
    const char *purity;   /* "clean (within CI)" / "over-imprinted" / "under-imprinted" */
    const char *code;     /* "clean" / "over" / "under" */
} taf_imprint_purity;

taf_imprint_purity taf_imprint_purity_check(double gamma_random_obs, double theta,
                                            double T_eval, double n_params_M);

/* §29 K = γ·ln(N²·D), D = 20·N when D_tokens ≤ 0 is passed as "absent". */
typedef struct {
    double K, panel_mean, panel_std, z_score;
    bool in_distribution;
    const char *interpretation; /* "in-band" / "high-K outlier" / "low-K outlier" */
} taf_invariant_K;

taf_invariant_K taf_compute_invariant_K(double gamma, double n_params_M,
                                        bool has_D, double D_tokens);

/* §30 sign(γ_text − γ_random) > 0 ⟺ post-IH. */
typedef struct {
    double delta_gamma;
    const char *phase_observed;          /* "post-IH" / "pre-IH" / "ambiguous" */
    const char *phase_expected_by_size;  /* NULL when the size is unknown */
    bool consistent;
} taf_ih_check;

#define TAF_IH_PRE_MEAN (-0.19)
#define TAF_IH_POST_MEAN 0.03
#define TAF_IH_STD 0.26

taf_ih_check taf_ih_phase_check(double gamma_text, double gamma_random,
                                bool has_size, double n_params_M);

/* §28.3 six-axis decomposition. corpus is "text" or "random". */
typedef struct {
    double pade_centroid, delta_imprint, delta_GQA, delta_SWA;
    const char *delta_SWA_status;
    double delta_post_IH;
    const char *delta_post_IH_status;
    double delta_instruct;
    const char *delta_instruct_status;
    double gamma_corrected;
} taf_decomp_v2;

extern const char TAF_DECOMP_V2_WARNING[];
extern const char *const TAF_DECOMP_V2_AXES[6];

taf_decomp_v2 taf_gamma_decompose_v2(double gamma_pade, double n_params_M,
                                     bool has_GQA, bool has_SWA,
                                     bool corpus_random, bool is_instruct);

/* §31 named constants near γ. */
typedef struct { const char *name; double value; double error; } taf_const_hit;

#define TAF_N_FAMOUS 9
typedef struct {
    int n_hits;                      /* all hits within tolerance */
    taf_const_hit hits[TAF_N_FAMOUS]; /* sorted by error, stable */
} taf_const_proximity;

extern const char TAF_FAMOUS_CAVEAT[];

taf_const_proximity taf_famous_constant_proximity(double gamma, double tolerance);

#endif
