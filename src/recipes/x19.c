/* X-19 KV compression decision: γ-soft decay, the D_f hard window, a
 * T_train cap, or literature heuristics when γ leaves Phase A. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "recipes/chain.h"
#include "recipes/fmt.h"
#include "recipes/recipe.h"
#include "taf/econ.h"
#include "taf/gamma.h"
#include "util/strfmt.h"

const arg_spec X19_SPEC[] = {
    {"theta", ARG_AUTO, RANGE_POS, true, NULL, "RoPE base θ (> 0)"},
    {"T_train", ARG_INT, RANGE_POS, true, NULL, "training context length in tokens"},
    {"T_eval", ARG_INT, RANGE_POS, true, NULL, "evaluation context length in tokens"},
    {"n_attention_heads", ARG_INT, RANGE_POS, true, NULL, "number of query heads"},
    {"n_kv_heads", ARG_INT, RANGE_POS, true, NULL, "number of key/value heads"},
    {"d_head", ARG_INT, RANGE_POS, true, NULL, "head dimension"},
    {"n_layers", ARG_INT, RANGE_POS, true, NULL, "number of layers"},
    {"n_params", ARG_NUM, RANGE_POS, true, NULL, "parameter count"},
    {"has_SWA", ARG_BOOL, RANGE_ANY, false, "false", "sliding-window attention"},
};
const int X19_NSPEC = (int)(sizeof X19_SPEC / sizeof X19_SPEC[0]);

/* The D_f window step sums N terms when its shortcut does not apply
 * (N > 10^9): a longer context would take minutes, so it is refused. */
#define X19_MAX_T_EVAL 1000000000LL

cJSON *X19_run(taf_args *a, taf_err *err)
{
    double theta = args_num(a, "theta");
    long long T_train = args_int(a, "T_train"), T_eval = args_int(a, "T_eval");
    if (T_eval > X19_MAX_T_EVAL) {
        taf_fail(err, "OUT_OF_RANGE", "T_eval is a context length: at most 1000000000 tokens",
                 "X-19: argument 'T_eval' is %lld, above the limit 1000000000", T_eval);
        return NULL;
    }
    long long n_kv = args_int(a, "n_kv_heads");
    bool has_SWA = args_bool(a, "has_SWA");
    double n_params = args_num(a, "n_params");
    nbuf b1;
    cJSON *chain = cJSON_CreateArray(), *in, *ip;

    double g_pade = taf_gamma_pade(theta, (double)T_eval);
    in = jobj();
    cJSON_AddItemToObject(in, "theta", args_value_json(a, "theta"));
    jadd_int(in, "T_eval", T_eval);
    chain_step(chain, 1, "§26.1", "γ_Padé", "(2θ-T√2)/(2θ+T√2)", in, jnum(g_pade),
               taf_phase_label(g_pade), NULL, taf_phase_code(g_pade), NULL);

    bool has_GQA = n_kv < args_int(a, "n_attention_heads");
    double g_corr = taf_gamma_decompose(g_pade, has_GQA, has_SWA, n_params).gamma_corrected;
    in = jobj();
    jadd_bool(in, "has_GQA", has_GQA);
    jadd_bool(in, "has_SWA", has_SWA);
    jadd_num(in, "n_params", n_params);
    chain_step(chain, 2, "§26.10", "γ-decomposition", "5-axis adjustment", in, jnum(g_corr),
               NULL, NULL, NULL, NULL);

    long long df = 0;
    bool df_zone_ok = taf_df_window(g_corr, T_eval, 0.90, &df);
    in = jobj();
    jadd_num(in, "gamma", g_corr);
    jadd_int(in, "N", T_eval);
    jadd_num(in, "f", 0.9);
    ip = jobj();
    char *txt;
    if (df_zone_ok) {
        txt = xasprintf("D_f = %lld", df);
        jadd_int(ip, "df", df);
    } else {
        txt = xasprintf("NOT applicable (γ=%s outside [0.65, 0.85])", f_fixed(&b1, g_corr, 3));
        jadd_str(ip, "gamma", b1.s);
    }
    chain_step(chain, 3, "§26.7", "D_f window (γ in [0.65, 0.85])", "[(1-f)+fN^(1-γ)]^(1/(1-γ))",
               in, df_zone_ok ? jint(df) : NULL, txt, NULL,
               df_zone_ok ? "x19.i.df" : "x19.i.df_na", ip);
    free(txt);

    const char *regime = taf_kv_soft_decay_regime(theta, g_corr, (double)T_train);
    double dh;
    const char *dh_str = taf_d_horizon(theta, g_corr, &dh) ? f_fixed(&b1, dh, 0) : "n/a";
    const char *regime_ic = strcmp(regime, "applies") == 0      ? "x19.i.regime_applies"
                            : strcmp(regime, "borderline") == 0 ? "x19.i.regime_borderline"
                                                                : "x19.i.regime_hard";
    in = jobj();
    cJSON_AddItemToObject(in, "theta", args_value_json(a, "theta"));
    jadd_num(in, "gamma", g_corr);
    jadd_int(in, "T_train", T_train);
    txt = xasprintf("d_horizon=%s; regime: %s", dh_str, regime);
    ip = jobj();
    jadd_str(ip, "dh", dh_str);
    chain_step(chain, 4, "§26.8", "Soft decay régimen", "d_h ≳ T_train/2", in,
               cJSON_CreateString(regime), txt, NULL, regime_ic, ip);
    free(txt);

    taf_kv kv = taf_kv_cache_memory(args_int(a, "n_layers"), n_kv, args_int(a, "d_head"),
                                    T_eval, 2.0);
    in = jobj();
    jadd_int(in, "L", args_int(a, "n_layers"));
    jadd_int(in, "n_kv", n_kv);
    jadd_int(in, "d_h", args_int(a, "d_head"));
    jadd_int(in, "seq", T_eval);
    cJSON *kvj = jobj();
    jadd_num(kvj, "bytes", kv.bytes);
    jadd_num(kvj, "MB", kv.MB);
    jadd_num(kvj, "GB", kv.GB);
    txt = xasprintf("%s GB without compression", f_fixed(&b1, kv.GB, 2));
    ip = jobj();
    jadd_str(ip, "gb", b1.s);
    chain_step(chain, 5, "§19.1", "Baseline KV memory", "2·L·n_kv·d_h·seq·B", in, kvj, txt,
               NULL, "x19.i.kv", ip);
    free(txt);

    const char *verdict, *rc, *mc;
    char *reason, *mit;
    cJSON *rp = jobj(), *mp = jobj();
    bool applies = strcmp(regime, "applies") == 0;
    if (applies && df_zone_ok) {
        verdict = "USE SOFT DECAY";
        reason = xasprintf("d_horizon ≳ T_train/2 AND γ in compression zone. "
                           "Soft decay (1-d/d_h)^γ best (-21%% PPL vs hard cutoff per F17).");
        mit = xasprintf("Implement as 4D attention_mask additive bias with eager attention.");
        rc = "x19.r.soft";
        mc = "x19.m.soft";
    } else if (df_zone_ok) {
        verdict = "USE D_f HARD CUTOFF";
        reason = xasprintf("γ in [0.65, 0.85] zone but d_h < T_train/2. Hard truncation at "
                           "D_f=%lld works.", df);
        mit = xasprintf("Set cache_max_len = D_f.");
        rc = "x19.r.df";
        jadd_int(rp, "df", df);
        mc = "x19.m.df";
    } else if (applies) {
        verdict = "USE SOFT DECAY (caveat)";
        reason = xasprintf("Régimen applies but γ outside D_f validity zone. Soft decay only.");
        mit = xasprintf("Soft decay; do not use D_f window.");
        rc = "x19.r.soft_caveat";
        mc = "x19.m.soft_only";
    } else if (g_corr >= 1 || g_corr <= 0) {
        verdict = "USE LITERATURE METHODS";
        reason = xasprintf("γ=%s outside Phase A. Our formulas don't apply.",
                           f_fixed(&b1, g_corr, 3));
        mit = xasprintf("Use SnapKV / PyramidKV / FastGen (literature heuristics).");
        rc = "x19.r.lit";
        jadd_str(rp, "gamma", b1.s);
        mc = "x19.m.lit";
    } else {
        verdict = "USE HARD T_train CUTOFF";
        reason = xasprintf("Régimen not met AND γ outside zone. Cap context at T_train.");
        mit = xasprintf("Set seq_len ≤ %lld, no extension.", T_train);
        rc = "x19.r.hard";
        mc = "x19.m.hard";
        jadd_int(mp, "T_train", T_train);
    }
    cJSON *out = recipe_wrap("X-19", "KV compression decision", args_echo(a, NULL), chain,
                             verdict, reason, mit, rc, rp, mc, mp);
    free(reason);
    free(mit);
    return out;
}
