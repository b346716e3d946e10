/* §32–§34 — visual-diagnostic classifiers, the architectural
 * concentration law, the Padé deviation index, the 4-bit shift rule,
 * critical exponents and the twelve algebraic identities. Pure. */
#ifndef TAF_DIAG_H
#define TAF_DIAG_H

#include <stdbool.h>

/* §32.1 safety zone of γ. */
typedef struct {
    const char *level, *color, *label, *message, *fraction_of_panel;
} taf_hagedorn;
taf_hagedorn taf_hagedorn_safety(double gamma);

/* §32.2 bimodal class. */
const char *taf_bimodal_phase_class(double gamma);

/* §33.1 γ_text ≈ γ_Padé − 0.012·n_kv (correlational only). */
#define TAF_K_ARCH 0.012
extern const char TAF_ARCH_CAVEAT[];
extern const char TAF_ARCH_INTERPRETATION[];
double taf_arch_concentration(double gamma_pade, double n_kv);

/* §33.2 PDI = θ(1−γ_obs)√2/((1+γ_obs)·T_eval). At γ_obs = −1 the index is
 * singular: pdi = +inf, regime "singular", no traffic light. */
typedef struct {
    double pdi;
    bool has_log;    /* log_PDI defined (pdi > 0) */
    double log_pdi;
    bool singular;
    const char *regime;
    const char *traffic_light; /* NULL when singular */
} taf_pdi;
extern const char TAF_PDI_IDENTITY[];
taf_pdi taf_pade_deviation_index(double theta, double gamma_obs, double T_eval);

/* §33.3 4-bit shift direction. For GQA models evidence/caveat are absent
 * and a recommendation is given instead. */
typedef struct {
    const char *direction, *magnitude, *reason;
    const char *recommendation; /* GQA only, else NULL */
    const char *evidence, *caveat; /* MHA only, else NULL */
} taf_shift4;
taf_shift4 taf_precision_shift_4bit(double gamma_bf16, double R2_bf16, bool is_GQA);

/* §33.4 critical exponents; valid only for γ < 1. */
typedef struct {
    bool diverge;
    double nu, beta, eta, alpha, gamma_susc;
    double gamma_min, gamma_susc_min;
    double rushbrooke_sum;
} taf_exponents;
extern const char TAF_ETA_NOTE[];
extern const char TAF_ETA_WARNING[];
taf_exponents taf_critical_exponents(double gamma);

/* §34 the twelve identities at γ ∈ (0,1). */
#define TAF_N_IDENTITIES 12
typedef struct {
    const char *id, *claim;
    double value;
    /* exactly one of: a numeric expected, a numeric expected_formula, or a
     * textual expectation */
    enum { TAF_EXPECT_NUM, TAF_EXPECT_FORMULA, TAF_EXPECT_TEXT } kind;
    double expected;
    const char *expected_text;
    bool passes;
} taf_identity;
typedef struct {
    bool in_phase_A;
    int n_passed;
    taf_identity checks[TAF_N_IDENTITIES];
} taf_algebra;
taf_algebra taf_verify_algebra(double gamma, double tol);

#endif
