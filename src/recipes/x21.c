/* X-21 Imprint Purity Diagnostic: predicts γ on random-token input through
 * the learned imprint ν·log10(P/P_0) (§28) and, given a measured
 * γ_random, says how far the model sits from that prediction. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "recipes/chain.h"
#include "recipes/fmt.h"
#include "recipes/recipe.h"
#include "taf/gamma.h"
#include "taf/imprint.h"
#include "util/strfmt.h"

const arg_spec X21_SPEC[] = {
    {"theta", ARG_AUTO, RANGE_POS, true, NULL, "RoPE base θ (> 0)"},
    {"T_train", ARG_INT, RANGE_POS, true, NULL, "training context length in tokens"},
    {"n_attention_heads", ARG_INT, RANGE_POS, true, NULL, "number of query heads"},
    {"n_kv_heads", ARG_INT, RANGE_POS, true, NULL, "number of key/value heads"},
    {"d_head", ARG_INT, RANGE_POS, true, NULL, "head dimension"},
    {"n_layers", ARG_INT, RANGE_POS, true, NULL, "number of layers"},
    {"n_params", ARG_NUM, RANGE_POS, true, NULL, "parameter count"},
    {"T_eval", ARG_INT, RANGE_POS, false, NULL, "evaluation length (default T_train)"},
    {"gamma_random_obs", ARG_NUM, RANGE_ANY, false, NULL,
     "γ measured on random-token input (panel corpus 'random')"},
};
const int X21_NSPEC = (int)(sizeof X21_SPEC / sizeof X21_SPEC[0]);

cJSON *X21_run(taf_args *a, taf_err *err)
{
    (void)err;
    double theta = args_num(a, "theta");
    if (!args_has(a, "T_eval"))
        args_set_num(a, "T_eval", args_num(a, "T_train"));
    long long T_eval = args_int(a, "T_eval");
    double n_params = args_num(a, "n_params");
    nbuf b1;
    cJSON *chain = cJSON_CreateArray(), *in, *ip;

    double g_pade = taf_gamma_pade(theta, (double)T_eval);
    in = jobj();
    cJSON_AddItemToObject(in, "theta", args_value_json(a, "theta"));
    jadd_int(in, "T_eval", T_eval);
    chain_step(chain, 1, "§26.1", "γ_Padé", "(2θ-T√2)/(2θ+T√2)", in, jnum(g_pade),
               taf_phase_label(g_pade), NULL, taf_phase_code(g_pade), NULL);

    double n_params_M = n_params / 1e6;
    double shift = taf_imprint_shift(n_params_M);
    in = jobj();
    jadd_num(in, "P_M", n_params_M);
    jadd_num(in, "P_0_M", TAF_P0_IMPRINT_M);
    jadd_num(in, "nu", taf_nu_imprint());
    chain_step(chain, 2, "§28.1", "Imprint shift", "ν·log_10(P/P_0), ν=−1/(2π)", in,
               jnum(shift), "Bigger model → stronger imprint (more negative shift).", NULL,
               "x21.i.shift", NULL);

    double g_pred = g_pade + shift;
    in = jobj();
    jadd_num(in, "gamma_pade", g_pade);
    jadd_num(in, "imprint", shift);
    char *txt = xasprintf("Predicted γ_random = %s ± 0.18 (95%% CI)", f_fixed(&b1, g_pred, 4));
    ip = jobj();
    jadd_str(ip, "g", b1.s);
    chain_step(chain, 3, "§28.1", "γ_random predicted", "γ_pade + ν·log_10(P/P_0)", in,
               jnum(g_pred), txt, NULL, "x21.i.pred", ip);
    free(txt);

    const char *verdict, *rc, *mc;
    char *reason;
    const char *mit;
    cJSON *rp = jobj(), *mp = jobj();
    if (args_has(a, "gamma_random_obs")) {
        double obs = args_num(a, "gamma_random_obs");
        taf_imprint_purity p = taf_imprint_purity_check(obs, theta, (double)T_eval, n_params_M);
        in = jobj();
        jadd_num(in, "gamma_random_obs", obs);
        jadd_num(in, "gamma_random_pred", g_pred);
        char code[40];
        snprintf(code, sizeof code, "x21.i.purity_%s", p.code);
        chain_step(chain, 4, "§28.2", "Imprint purity", "obs − pred (purity = within ±0.18)", in,
                   jnum(p.imprint_residual), p.purity, NULL, code, NULL);
        verdict = fabs(p.imprint_residual) < TAF_PURITY_CI ? "CLEAN"
                  : p.imprint_residual < 0                  ? "OVER-IMPRINTED"
                                                            : "UNDER-IMPRINTED";
        reason = xasprintf("Residual γ_random_obs − γ_pred = %s. 95%% CI is ±0.18.",
                           f_signed(&b1, p.imprint_residual, 4));
        mit = "Models far from prediction may have anomalous training (e.g. heavy "
              "fine-tuning, format conversion). Compare to native checkpoint.";
        rc = "x21.r.residual";
        jadd_str(rp, "res", b1.s);
        mc = "x21.m.check_native";
    } else {
        verdict = "PREDICTION ONLY";
        reason = xasprintf("Predicted γ_random = %s. Provide gamma_random_obs to check purity "
                           "(measure on RANDOM token sequences, e.g. via E4 protocol).",
                           f_fixed(&b1, g_pred, 4));
        mit = "To measure: run a 150-prompt forward pass on RANDOM-token sequences "
              "across distances d=10..1000 and fit power law. "
              "(See https://github.com/karlesmarin/tafagent for E4 protocol.)";
        rc = "x21.r.pred_only";
        jadd_str(rp, "g", b1.s);
        mc = "x21.m.measure";
    }
    cJSON *out = recipe_wrap("X-21", "Imprint Purity Diagnostic", args_echo(a, NULL), chain,
                             verdict, reason, mit, rc, rp, mc, mp);
    free(reason);
    return out;
}
