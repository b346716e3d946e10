/* Curves the charts draw, computed here (the compute stage) from the TAF
 * formulas so that no chart ever computes a TAF number: charts only read
 * these arrays from the card JSON. */
#ifndef TAF_CARD_SERIES_H
#define TAF_CARD_SERIES_H

#include <stdbool.h>
#include <cjson/cJSON.h>

/* {"T": [...], "gamma_pade": [...], "T_train": x, "gamma_at_T_train": y,
 *  "band": {"hagedorn_lo": 0.95, "hagedorn_hi": 1.0}} over a log grid of
 * context lengths (64 … 4 Mi tokens, 4 points per octave). */
cJSON *series_phase(double theta, double T_train);

/* Per context length L, at the model's operating point γ (γ_decomposed at
 * T_eval = T_train — fixed, so the horizon is a property of the model and
 * P_hallucinate grows as L passes it): d_horizon and the L_NIAH ceiling
 * (constant in L), and P_hallucinate(L); with a measured γ the same three
 * at γ_measured (…_measured arrays). null where undefined. */
cJSON *series_horizon(double theta, double gamma_op, bool has_measured, double gamma_measured,
                      double T_train);

/* KV cache GB per context length, the weights GB and the catalog GPUs'
 * VRAM (name, GB) as reference lines. */
cJSON *series_memory(long long n_layers, long long n_kv_heads, long long d_head,
                     double n_params, double T_train);

/* Fitted curves over [d_min, d_max] (log grid, 48 points):
 * A·d^−γ and A·e^−λd from the fitted log_A values. */
cJSON *series_fit_curves(double d_min, double d_max, bool has_power, double gamma,
                         double log_A_power, bool has_exp, double lambda, double log_A_exp);

#endif
