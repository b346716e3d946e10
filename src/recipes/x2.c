/* X-2 Long Context Viability: will model M serve length L doing NIAH
 * retrieval? The closed-form horizon is tautological (d_h(γ_Padé(θ,T)) ≡ T),
 * so without a measured γ the verdict is driven only by the δ corrections;
 * with gamma_obs the verdict comes from the measured horizon (PDI, §33.2). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "recipes/chain.h"
#include "recipes/fmt.h"
#include "recipes/recipe.h"
#include "recipes/taf_json.h"
#include "taf/diag.h"
#include "taf/econ.h"
#include "taf/gamma.h"
#include "util/strfmt.h"

const arg_spec X2_SPEC[] = {
    {"theta", ARG_AUTO, RANGE_POS, true, NULL, "RoPE base θ (> 0)"},
    {"T_train", ARG_INT, RANGE_POS, true, NULL, "training context length in tokens"},
    {"T_eval", ARG_INT, RANGE_POS, true, NULL, "evaluation context length L in tokens"},
    {"n_attention_heads", ARG_INT, RANGE_POS, true, NULL, "number of query heads"},
    {"n_kv_heads", ARG_INT, RANGE_POS, true, NULL, "number of key/value heads"},
    {"d_head", ARG_INT, RANGE_POS, true, NULL, "head dimension"},
    {"n_layers", ARG_INT, RANGE_POS, true, NULL, "number of layers"},
    {"n_params", ARG_NUM, RANGE_POS, true, NULL, "parameter count (e.g. 8e9)"},
    {"has_SWA", ARG_BOOL, RANGE_ANY, false, "false", "sliding-window attention"},
    {"bytes_per_element", ARG_NUM, RANGE_POS, false, "2.0", "KV bytes per element (bf16 = 2)"},
    {"gamma_obs", ARG_NUM, RANGE_ANY, false, NULL,
     "measured γ (text corpus) from the panel or the diagnose CLI"},
};
const int X2_NSPEC = (int)(sizeof X2_SPEC / sizeof X2_SPEC[0]);

typedef struct {
    const char *verdict, *rc, *mc;
    char *reason, *mit;
    cJSON *rp, *mp;
} verdict_t;

static void measured_verdict(verdict_t *v, double theta, long long T_eval,
                             double gamma_obs, double pdi)
{
    nbuf a, b, c, d;
    double dh_obs;
    bool has_dh = taf_d_horizon(theta, gamma_obs, &dh_obs);
    v->rp = jobj();
    v->mp = jobj();
    if (gamma_obs >= 1 || !has_dh) {
        double alpha;
        taf_alpha_opt(0.85, (double)T_eval, theta, &alpha);
        v->verdict = "NO";
        v->reason = xasprintf("Measured γ_obs=%s ≥ 1 (Phase B): long-context "
                              "retrieval fails without NTK extension.",
                              f_fixed(&a, gamma_obs, 3));
        v->mit = xasprintf("Apply NTK extension. α_opt = %s.", f_fixed(&b, alpha, 2));
        v->rc = "x2.r.phaseb_measured";
        jadd_str(v->rp, "gamma_obs", a.s);
        v->mc = "x2.m.ntk_alpha";
        jadd_str(v->mp, "alpha", b.s);
    } else if ((double)T_eval < dh_obs) {
        double margin = (1 - (double)T_eval / dh_obs) * 100;
        v->verdict = "YES";
        v->reason = xasprintf("Measured horizon d_h^obs=%s > L=%lld (%s%% margin, PDI=%s).",
                              f_fixed(&a, dh_obs, 0), T_eval, f_fixed(&b, margin, 0),
                              f_fixed(&c, pdi, 2));
        v->mit = xasprintf("None required.");
        v->rc = "x2.r.yes_measured";
        jadd_str(v->rp, "dh", a.s);
        jadd_int(v->rp, "L", T_eval);
        jadd_str(v->rp, "margin", b.s);
        jadd_str(v->rp, "pdi", c.s);
        v->mc = "x2.m.none";
    } else if ((double)T_eval < 2 * dh_obs) {
        v->verdict = "DEGRADED";
        v->reason = xasprintf("L=%lld between measured horizon %s and NIAH ceiling %s (PDI=%s).",
                              T_eval, f_fixed(&a, dh_obs, 0), f_fixed(&b, 2 * dh_obs, 0),
                              f_fixed(&c, pdi, 2));
        v->mit = xasprintf("Consider context contraction OR NTK extension.");
        v->rc = "x2.r.degraded_measured";
        jadd_int(v->rp, "L", T_eval);
        jadd_str(v->rp, "dh", a.s);
        jadd_str(v->rp, "ceil", b.s);
        jadd_str(v->rp, "pdi", c.s);
        v->mc = "x2.m.contract_or_ntk";
    } else {
        double theta_need;
        taf_theta_design(0.85, (double)T_eval, &theta_need);
        v->verdict = "NO";
        v->reason = xasprintf("L=%lld exceeds measured NIAH ceiling %s (PDI=%s).", T_eval,
                              f_fixed(&a, 2 * dh_obs, 0), f_fixed(&b, pdi, 2));
        v->mit = xasprintf("Apply NTK extension; need θ ≈ %s for γ=0.85.",
                           f_thousands(&d, theta_need));
        v->rc = "x2.r.no_measured";
        jadd_int(v->rp, "L", T_eval);
        jadd_str(v->rp, "ceil", a.s);
        jadd_str(v->rp, "pdi", b.s);
        v->mc = "x2.m.ntk_theta";
        jadd_str(v->mp, "theta", d.s);
    }
}

static void closed_form_verdict(verdict_t *v, double theta, long long T_eval,
                                double g_corr, bool has_dh, double dh)
{
    nbuf a, b, c;
    v->rp = jobj();
    v->mp = jobj();
    double L = (double)T_eval;
    if (g_corr <= 0 || g_corr >= 1) {
        double theta_need, alpha;
        taf_theta_design(0.85, L, &theta_need);
        taf_alpha_opt(0.85, L, theta, &alpha);
        v->verdict = "NO";
        v->reason = xasprintf("Phase B / geometric collapse (γ_corrected outside (0,1))");
        v->mit = xasprintf("Apply NTK-aware extension. Required θ for γ=0.85: %s. "
                           "α_opt = %s (%s).",
                           f_thousands(&a, theta_need), f_fixed(&b, alpha, 2),
                           alpha > 8 ? "fine-tuning required" : "zero-shot may work");
        v->rc = "x2.r.phaseb_closed";
        v->mc = alpha > 8 ? "x2.m.ntk_full_ft" : "x2.m.ntk_full_zs";
        jadd_str(v->mp, "theta", a.s);
        jadd_str(v->mp, "alpha", b.s);
    } else if (has_dh && L < dh) {
        double margin = (1 - L / dh) * 100;
        v->verdict = "YES";
        v->reason = xasprintf("L=%lld inside d_horizon=%s (%s%% margin).", T_eval,
                              f_fixed(&a, dh, 0), f_fixed(&b, margin, 0));
        v->mit = xasprintf("None required.");
        v->rc = "x2.r.yes_closed";
        jadd_int(v->rp, "L", T_eval);
        jadd_str(v->rp, "dh", a.s);
        jadd_str(v->rp, "margin", b.s);
        v->mc = "x2.m.none";
    } else if (has_dh && L < 2 * dh) {
        v->verdict = "DEGRADED";
        v->reason = xasprintf("L between d_horizon (%s) and L_NIAH^c (%s).",
                              f_fixed(&a, dh, 0), f_fixed(&b, 2 * dh, 0));
        v->mit = xasprintf("Consider context contraction OR NTK extension.");
        v->rc = "x2.r.degraded_closed";
        jadd_str(v->rp, "dh", a.s);
        jadd_str(v->rp, "ceil", b.s);
        v->mc = "x2.m.contract_or_ntk";
    } else {
        double theta_need;
        taf_theta_design(0.85, L, &theta_need);
        v->verdict = "NO";
        v->reason = xasprintf("L=%lld exceeds NIAH ceiling %s.", T_eval,
                              f_fixed(&a, 2 * dh, 0));
        v->mit = xasprintf("Apply NTK extension; need θ ≈ %s for γ=0.85.",
                           f_thousands(&c, theta_need));
        v->rc = "x2.r.no_closed";
        jadd_int(v->rp, "L", T_eval);
        jadd_str(v->rp, "ceil", a.s);
        v->mc = "x2.m.ntk_theta";
        jadd_str(v->mp, "theta", c.s);
    }
}

typedef struct { const char *key, *status; } factor_t;

static cJSON *confidence_json(bool measured, double g_corr, bool exploratory)
{
    factor_t f[4];
    int n = 0;
    if (measured) {
        f[n++] = (factor_t){"gamma_measured", "ok"};
        f[n++] = (factor_t){"benchmark_yes", "ok"};
    } else {
        f[n++] = (factor_t){"gamma_closed", "warn"};
        f[n++] = (factor_t){"benchmark_no", "warn"};
    }
    f[n++] = g_corr > 0 && g_corr < 1 ? (factor_t){"validity_ok", "ok"}
                                      : (factor_t){"validity_out", "miss"};
    f[n++] = exploratory ? (factor_t){"calib_exploratory", "warn"}
                         : (factor_t){"calib_reliable", "ok"};
    double score = 0;
    for (int i = 0; i < n; i++)
        score += strcmp(f[i].status, "ok") == 0 ? 1.0
                 : strcmp(f[i].status, "warn") == 0 ? 0.5 : 0.0;
    /* Python's round() is half-to-even: 62.5 -> 62 */
    long long pct = (long long)nearbyint(100 * score / n);
    cJSON *o = jobj();
    jadd_int(o, "pct", pct);
    jadd_str(o, "band", pct >= 80 ? "high" : pct >= 55 ? "medium" : "low");
    cJSON *arr = cJSON_AddArrayToObject(o, "factors");
    for (int i = 0; i < n; i++) {
        cJSON *e = jobj();
        jadd_str(e, "key", f[i].key);
        jadd_str(e, "status", f[i].status);
        cJSON_AddItemToArray(arr, e);
    }
    return o;
}

cJSON *X2_run(taf_args *a, taf_err *err)
{
    (void)err;
    double theta = args_num(a, "theta");
    long long T_train = args_int(a, "T_train"), T_eval = args_int(a, "T_eval");
    long long n_att = args_int(a, "n_attention_heads"), n_kv = args_int(a, "n_kv_heads");
    long long d_head = args_int(a, "d_head"), n_layers = args_int(a, "n_layers");
    double n_params = args_num(a, "n_params");
    bool has_SWA = args_bool(a, "has_SWA");
    double bpe = args_num(a, "bytes_per_element");
    bool measured = args_has(a, "gamma_obs");
    double gamma_obs = measured ? args_num(a, "gamma_obs") : 0.0;
    nbuf a1, a2;
    cJSON *chain = cJSON_CreateArray(), *in, *ip;

    double g_pade = taf_gamma_pade(theta, (double)T_eval);
    in = jobj();
    cJSON_AddItemToObject(in, "theta", args_value_json(a, "theta"));
    jadd_int(in, "T_eval", T_eval);
    chain_step(chain, 1, "§26.1", "γ_Padé", "γ = (2θ - T√2)/(2θ + T√2)", in, jnum(g_pade),
               taf_phase_label(g_pade), NULL, taf_phase_code(g_pade), NULL);

    bool has_GQA = n_kv < n_att;
    taf_decomp dec = taf_gamma_decompose(g_pade, has_GQA, has_SWA, n_params);
    double g_corr = dec.gamma_corrected;
    in = jobj();
    jadd_bool(in, "has_GQA", has_GQA);
    jadd_bool(in, "has_SWA", has_SWA);
    jadd_num(in, "n_params", n_params);
    chain_step(chain, 2, "§26.10", "γ-decomposition", "γ + δ_GQA + δ_SWA + δ_post_IH", in,
               jnum(g_corr), NULL, taf_decomp_json(&dec), NULL, NULL);

    double dh = 0, dh_native = 0;
    bool has_dh = taf_d_horizon(theta, g_corr, &dh);
    /* ≡ T_train by construction; undefined when T_train ≥ θ√2 (the
     * reference crashes formatting it, we say n/a) */
    bool has_native = taf_d_horizon(theta, taf_gamma_pade(theta, (double)T_train), &dh_native);
    cJSON *caveats = cJSON_CreateArray();
    cJSON_AddItemToArray(caveats, cJSON_CreateString("x2_closed_form_tautology"));
    if (has_SWA)
        cJSON_AddItemToArray(caveats, cJSON_CreateString("x2_delta_swa_disabled"));
    if (dec.delta_post_IH != 0.0)
        cJSON_AddItemToArray(caveats, cJSON_CreateString("x2_delta_postih_exploratory"));
    in = jobj();
    cJSON_AddItemToObject(in, "theta", args_value_json(a, "theta"));
    jadd_num(in, "gamma", g_corr);
    jadd_int(in, "T_train", T_train);
    if (has_dh) {
        const char *dh_s = f_fixed(&a1, dh, 0);
        const char *nat_s = has_native ? f_fixed(&a2, dh_native, 0) : "n/a";
        char *txt = xasprintf("closed-form d_h≈%s; but d_horizon(γ_Padé(θ,T_eval))≡T_eval=%lld "
                              "by construction (D-NEW-1) → this verdict is δ-driven, not RoPE "
                              "geometry. Native horizon at T_train=%lld: d_h≈%s.",
                              dh_s, T_eval, T_train, nat_s);
        ip = jobj();
        jadd_str(ip, "dh", dh_s);
        jadd_int(ip, "T_eval", T_eval);
        jadd_int(ip, "T_train", T_train);
        jadd_str(ip, "dh_native", nat_s);
        chain_step(chain, 3, "§26.2", "d_horizon", "d_h = θ(1-γ)√2/(1+γ)", in, jnum(dh), txt,
                   NULL, "x2.i.dh", ip);
        free(txt);
    } else {
        chain_step(chain, 3, "§26.2", "d_horizon", "d_h = θ(1-γ)√2/(1+γ)", in, NULL,
                   "n/a — γ outside (0,1)", NULL, "x2.i.dh_na", NULL);
    }

    in = jobj();
    if (has_dh) {
        double l_niah = 2 * dh;
        jadd_num(in, "d_horizon", dh);
        char *txt = xasprintf("NIAH 50%% at L=%s", f_fixed(&a1, l_niah, 0));
        ip = jobj();
        jadd_str(ip, "L", a1.s);
        chain_step(chain, 4, "§26.5", "L_NIAH^c", "L_NIAH^c = 2·d_horizon", in, jnum(l_niah),
                   txt, NULL, "x2.i.lniah", ip);
        free(txt);
    } else {
        jadd_null(in, "d_horizon");
        chain_step(chain, 4, "§26.5", "L_NIAH^c", "L_NIAH^c = 2·d_horizon", in, NULL, "n/a",
                   NULL, "x2.i.na", NULL);
    }

    double p_hallu;
    bool has_p = taf_p_hallucinate((double)T_eval, theta, g_corr, &p_hallu);
    in = jobj();
    jadd_int(in, "L", T_eval);
    cJSON_AddItemToObject(in, "theta", args_value_json(a, "theta"));
    jadd_num(in, "gamma", g_corr);
    if (has_p) {
        char *txt = xasprintf("%s%% predicted", f_fixed(&a1, p_hallu * 100, 1));
        ip = jobj();
        jadd_str(ip, "pct", a1.s);
        chain_step(chain, 5, "§26.9", "P_hallucinate", "max(0,1-(d_h/L)^(1-γ))·√χ/(1+√χ)", in,
                   jnum(p_hallu), txt, NULL, "x2.i.phallu", ip);
        free(txt);
    } else {
        chain_step(chain, 5, "§26.9", "P_hallucinate", "max(0,1-(d_h/L)^(1-γ))·√χ/(1+√χ)", in,
                   NULL, "n/a (Phase B)", NULL, "x2.i.phallu_na", NULL);
    }

    taf_kv kv = taf_kv_cache_memory(n_layers, n_kv, d_head, T_eval, bpe);
    in = jobj();
    jadd_int(in, "n_layers", n_layers);
    jadd_int(in, "n_kv_heads", n_kv);
    jadd_int(in, "d_head", d_head);
    jadd_int(in, "seq_len", T_eval);
    jadd_num(in, "bytes_per_element", bpe);
    cJSON *kvj = jobj();
    jadd_num(kvj, "bytes", kv.bytes);
    jadd_num(kvj, "MB", kv.MB);
    jadd_num(kvj, "GB", kv.GB);
    {
        char *txt = xasprintf("%s GB per request", f_fixed(&a1, kv.GB, 2));
        ip = jobj();
        jadd_str(ip, "gb", a1.s);
        chain_step(chain, 6, "§19.1", "KV cache memory", "2·L·n_kv·d_h·seq·B", in, kvj, txt,
                   NULL, "x2.i.kv", ip);
        free(txt);
    }

    verdict_t v;
    double pdi = 0;
    if (measured) {
        cJSON_AddItemToArray(caveats, cJSON_CreateString("x2_measured_horizon"));
        taf_pdi p = taf_pade_deviation_index(theta, gamma_obs, (double)T_eval);
        pdi = p.pdi;
        in = jobj();
        cJSON_AddItemToObject(in, "theta", args_value_json(a, "theta"));
        jadd_num(in, "gamma_obs", gamma_obs);
        jadd_int(in, "T_eval", T_eval);
        chain_step(chain, 7, "§33.2", "PDI (measured γ_obs)",
                   "PDI = d_h^obs/T_eval = θ(1−γ_obs)√2/((1+γ_obs)·T_eval)", in, jnum(pdi),
                   p.traffic_light, NULL, NULL, NULL);
        measured_verdict(&v, theta, T_eval, gamma_obs, pdi);
    } else {
        cJSON_AddItemToArray(caveats, cJSON_CreateString("x2_use_measured_gamma"));
        closed_form_verdict(&v, theta, T_eval, g_corr, has_dh, dh);
    }

    static const char *const no_obs[] = {"gamma_obs", NULL};
    cJSON *out = recipe_wrap("X-2", "Long Context Viability",
                             args_echo(a, measured ? NULL : no_obs), chain, v.verdict,
                             v.reason, v.mit, v.rc, v.rp, v.mc, v.mp);
    free(v.reason);
    free(v.mit);
    bool exploratory = has_SWA || dec.delta_post_IH != 0.0;
    cJSON_AddItemToObject(out, "caveats", caveats);
    jadd_str(out, "horizon_source", measured ? "measured" : "closed_form_tautological");
    if (measured)
        jadd_num(out, "pdi", pdi);
    cJSON_AddItemToObject(out, "confidence", confidence_json(measured, g_corr, exploratory));
    return out;
}
