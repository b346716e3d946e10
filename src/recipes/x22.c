/* X-22 Compute-Context Invariant: is K = γ·ln(N²·D) inside the panel band
 * 51.2 ± 16.8 (§29)? An outlier points at training or scaling anomalies. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "recipes/chain.h"
#include "recipes/fmt.h"
#include "recipes/recipe.h"
#include "taf/gamma.h"
#include "taf/imprint.h"
#include "util/strfmt.h"

const arg_spec X22_SPEC[] = {
    {"theta", ARG_AUTO, RANGE_POS, true, NULL, "RoPE base θ (> 0)"},
    {"T_train", ARG_INT, RANGE_POS, true, NULL, "training context length in tokens"},
    {"n_params", ARG_NUM, RANGE_POS, true, NULL, "parameter count"},
    {"gamma_obs", ARG_NUM, RANGE_ANY, true, NULL, "measured γ (text corpus)"},
    {"D_tokens", ARG_NUM, RANGE_POS, false, NULL, "training tokens (default 20·N, Chinchilla)"},
    {"T_eval", ARG_INT, RANGE_POS, false, NULL, "evaluation length (default T_train)"},
};
const int X22_NSPEC = (int)(sizeof X22_SPEC / sizeof X22_SPEC[0]);

cJSON *X22_run(taf_args *a, taf_err *err)
{
    (void)err;
    if (!args_has(a, "T_eval"))
        args_set_num(a, "T_eval", args_num(a, "T_train"));
    double n_params = args_num(a, "n_params"), gamma_obs = args_num(a, "gamma_obs");
    double n_params_M = n_params / 1e6;
    if (!args_has(a, "D_tokens"))
        args_set_num(a, "D_tokens", 20 * n_params);
    double D = args_num(a, "D_tokens");
    nbuf k, m, s;
    cJSON *chain = cJSON_CreateArray(), *in, *ip;

    taf_invariant_K inv = taf_compute_invariant_K(gamma_obs, n_params_M, true, D);
    in = jobj();
    jadd_num(in, "gamma", gamma_obs);
    jadd_num(in, "N", n_params);
    jadd_num(in, "D", D);
    char *txt = xasprintf("K = %s (panel mean %s ± %s)", f_fixed(&k, inv.K, 2),
                          f_fixed(&m, inv.panel_mean, 1), f_fixed(&s, inv.panel_std, 1));
    ip = jobj();
    jadd_str(ip, "K", k.s);
    jadd_str(ip, "mean", m.s);
    jadd_str(ip, "std", s.s);
    chain_step(chain, 1, "§29", "K = γ·log(N²·D)", "γ × ln(N²·D)", in, jnum(inv.K), txt, NULL,
               "x22.i.k", ip);
    free(txt);

    in = jobj();
    jadd_num(in, "K", inv.K);
    jadd_num(in, "mean", inv.panel_mean);
    jadd_num(in, "std", inv.panel_std);
    chain_step(chain, 2, "§29", "z-score vs panel", "(K − μ)/σ", in, jnum(inv.z_score),
               inv.interpretation, NULL,
               inv.in_distribution ? "x22.i.z_inband"
               : inv.z_score > 0   ? "x22.i.z_high"
                                   : "x22.i.z_low",
               NULL);

    double g_pade = taf_gamma_pade(args_num(a, "theta"), args_num(a, "T_eval"));
    in = jobj();
    jadd_num(in, "gamma_obs", gamma_obs);
    jadd_num(in, "gamma_pade", g_pade);
    chain_step(chain, 3, "§26.1", "γ deviation from Padé", "γ_obs − γ_pade", in,
               jnum(gamma_obs - g_pade), "negative = anomaly (sub-Padé); positive = supra-Padé",
               NULL, "x22.i.pade", NULL);

    const char *verdict, *rc, *mc, *mit;
    char *reason;
    cJSON *rp = jobj(), *mp = jobj();
    if (inv.in_distribution) {
        verdict = "IN-BAND";
        reason = xasprintf("K = %s within ±1σ of panel mean %s.", k.s, m.s);
        mit = "Model conforms to compute-context invariant. No action needed.";
        rc = "x22.r.inband";
        jadd_str(rp, "K", k.s);
        jadd_str(rp, "mean", m.s);
        mc = "x22.m.none";
    } else {
        nbuf z;
        verdict = "OUTLIER";
        reason = xasprintf("K = %s (%s). |z| = %s > 1.", k.s, inv.interpretation,
                           f_fixed(&z, fabs(inv.z_score), 2));
        mit = "High-K (over-concentrating attention for given compute) or low-K "
              "(under-using compute for attention concentration). Check tokenizer, "
              "training recipe, fine-tuning history.";
        rc = inv.z_score > 0 ? "x22.r.outlier_high" : "x22.r.outlier_low";
        jadd_str(rp, "K", k.s);
        jadd_str(rp, "z", z.s);
        mc = "x22.m.outlier";
    }
    cJSON *out = recipe_wrap("X-22", "Compute-Context Invariant", args_echo(a, NULL), chain,
                             verdict, reason, mit, rc, rp, mc, mp);
    free(reason);
    return out;
}
