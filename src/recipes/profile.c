#include "recipes/profile.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "recipes/chain.h"
#include "recipes/recipe.h"
#include "recipes/taf_json.h"
#include "taf/diag.h"
#include "taf/econ.h"
#include "taf/gamma.h"
#include "taf/imprint.h"
#include "util/jsonnum.h"

const arg_spec PROFILE_SPEC[] = {
    /* θ must be given; null marks a model without RoPE (AbsPE/ALiBi) */
    {"theta", ARG_AUTO, RANGE_POS, false, NULL, "RoPE base θ (> 0), or null without RoPE"},
    {"T_train", ARG_INT, RANGE_POS, true, NULL, "training context length in tokens"},
    {"n_attention_heads", ARG_INT, RANGE_POS, true, NULL, "number of query heads"},
    {"n_kv_heads", ARG_INT, RANGE_POS, true, NULL, "number of key/value heads"},
    {"d_head", ARG_INT, RANGE_POS, true, NULL, "head dimension"},
    {"n_layers", ARG_INT, RANGE_POS, true, NULL, "number of layers"},
    {"n_params", ARG_NUM, RANGE_POS, true, NULL, "parameter count"},
    {"has_SWA", ARG_BOOL, RANGE_ANY, false, "false", "sliding-window attention"},
    {"T_eval", ARG_INT, RANGE_POS, false, NULL, "evaluation length (default T_train)"},
    {"USD_budget", ARG_AUTO, RANGE_NONNEG, false, "5000", "X-3 training budget in USD"},
    {"target_tokens_per_day", ARG_AUTO, RANGE_POS, false, "10000000",
     "X-5 daily serving target"},
    {"api_model", ARG_STR, RANGE_ANY, false, "\"GPT-4o\"", "X-1 API to compare against"},
    {"monthly_tokens_M", ARG_NUM, RANGE_POS, false, "10.0", "X-1 monthly volume (M tokens)"},
};
const int PROFILE_NSPEC = (int)(sizeof PROFILE_SPEC / sizeof PROFILE_SPEC[0]);

static void put(cJSON *o, const char *key, const taf_args *a, const char *name)
{
    cJSON_AddItemToObject(o, key, args_value_json(a, name));
}

/* The reference wraps each recipe in try/except; we keep its per-recipe
 * "ERROR" tile but with our error code and message instead of a crash. */
static cJSON *recipe_tile(const char *rid, cJSON *args, cJSON *full)
{
    static const char *const keys[][2] = {
        {"verdict", "verdict"},         {"reason", "reason"},
        {"mitigation", "mitigation"},   {"name", "recipe_name"},
        {"reason_code", "reason_code"}, {"reason_params", "reason_params"},
        {"mit_code", "mit_code"},       {"mit_params", "mit_params"},
    };
    taf_err err = {0};
    cJSON *r = recipe_run(rid, args, &err);
    cJSON_Delete(args);
    cJSON *t = jobj();
    if (!r) {
        jadd_str(t, "verdict", "ERROR");
        jadd_str(t, "reason", err.message);
        jadd_str(t, "mitigation", err.hint);
        jadd_str(t, "name", "");
        jadd_null(t, "reason_code");
        jadd_null(t, "reason_params");
        jadd_null(t, "mit_code");
        jadd_null(t, "mit_params");
        jadd_str(t, "error_code", err.code);
        return t;
    }
    if (full) {
        /* the caller keeps the whole result: copy the tile's few fields
         * rather than the whole result (chains of numbers) */
        for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, keys[i][1]);
            cJSON_AddItemToObject(t, keys[i][0], v ? cJSON_Duplicate(v, true) : cJSON_CreateNull());
        }
        cJSON_AddItemToObject(full, rid, r);
        return t;
    }
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(r, keys[i][1]);
        cJSON_AddItemToObject(t, keys[i][0], v ? v : cJSON_CreateNull());
    }
    cJSON_Delete(r);
    return t;
}

static void falsification(cJSON *arr, const char *id, const char *claim, const char *status)
{
    cJSON *f = jobj();
    jadd_str(f, "id", id);
    jadd_str(f, "claim", claim);
    jadd_str(f, "status", status);
    cJSON_AddItemToArray(arr, f);
}

static cJSON *not_applicable_tile(const char *name)
{
    cJSON *t = jobj();
    jadd_str(t, "verdict", "NOT APPLICABLE");
    jadd_str(t, "reason", "not applicable (no RoPE)");
    jadd_str(t, "mitigation", "");
    jadd_str(t, "name", name);
    jadd_str(t, "reason_code", "na.no_rope");
    cJSON_AddItemToObject(t, "reason_params", jobj());
    jadd_null(t, "mit_code");
    jadd_null(t, "mit_params");
    return t;
}

cJSON *profile_run_full(const cJSON *obj, cJSON *full, taf_err *err)
{
    taf_args a;
    if (cJSON_IsObject(obj) && !cJSON_GetObjectItemCaseSensitive(obj, "theta")) {
        taf_fail(err, "MISSING_ARGUMENT",
                 "give the RoPE base θ, or \"theta\": null for a model without RoPE",
                 "profile: missing required argument 'theta'");
        return NULL;
    }
    if (!args_parse(&a, PROFILE_SPEC, PROFILE_NSPEC, obj, "profile", err))
        return NULL;
    bool rope = args_has(&a, "theta");
    if (!args_has(&a, "T_eval"))
        args_set_num(&a, "T_eval", args_num(&a, "T_train"));
    double theta = args_num(&a, "theta"), T_train = args_num(&a, "T_train");
    double T_eval = args_num(&a, "T_eval"), n_params = args_num(&a, "n_params");
    bool has_SWA = args_bool(&a, "has_SWA");
    bool has_GQA = args_int(&a, "n_kv_heads") < args_int(&a, "n_attention_heads");

    double g_pade = taf_gamma_pade(theta, T_eval);
    taf_decomp dec = taf_gamma_decompose(g_pade, has_GQA, has_SWA, n_params);
    double g = dec.gamma_corrected, dh = 0;
    bool has_dh = rope && taf_d_horizon(theta, g, &dh);

    const char *arch_class;
    if (!rope)
        arch_class = has_GQA ? "AbsPE/ALiBi GQA (no RoPE)" : "AbsPE/ALiBi MHA (no RoPE)";
    else if (has_SWA)
        arch_class = "SWA-alternating (gemma/phi family signature)";
    else if (has_GQA && n_params >= 4e8)
        arch_class = "RoPE-GQA post-IH (Llama-3 / Mistral / Qwen-style)";
    else if (has_GQA)
        arch_class = "RoPE-GQA pre-IH (small GQA model)";
    else if (n_params >= 4e8)
        arch_class = "RoPE-MHA post-IH (classical Llama-2 / pythia-large)";
    else
        arch_class = "RoPE-MHA pre-IH (small MHA model)";

    static const char *const common[] = {"theta", "T_train", "T_eval", "n_attention_heads",
                                         "n_kv_heads", "d_head", "n_layers", "n_params",
                                         "has_SWA", NULL};
    cJSON *recipes = jobj();
    for (int pass = 0; pass < 2; pass++) {
        cJSON *ra = jobj();
        for (int i = 0; common[i]; i++)
            put(ra, common[i], &a, common[i]);
        const char *rid = pass == 0 ? "X-2" : "X-19";
        if (rope) {
            cJSON_AddItemToObject(recipes, rid, recipe_tile(rid, ra, full));
        } else {
            cJSON_Delete(ra);
            cJSON_AddItemToObject(recipes, rid, not_applicable_tile(recipe_find(rid)->name));
        }
    }
    cJSON *ra = jobj();
    put(ra, "N_params", &a, "n_params");
    jadd_str(ra, "gpu", "H100 SXM");
    jadd_int(ra, "n_gpus", 8);
    jadd_num(ra, "mfu", 0.45);
    put(ra, "api_model", &a, "api_model");
    put(ra, "monthly_tokens_M", &a, "monthly_tokens_M");
    cJSON_AddItemToObject(recipes, "X-1", recipe_tile("X-1", ra, full));
    ra = jobj();
    put(ra, "USD_budget", &a, "USD_budget");
    jadd_str(ra, "gpu", "H100 SXM");
    jadd_num(ra, "mfu", 0.45);
    jadd_int(ra, "n_gpus", 1);
    cJSON_AddItemToObject(recipes, "X-3", recipe_tile("X-3", ra, full));
    ra = jobj();
    put(ra, "N_params", &a, "n_params");
    put(ra, "T_eval", &a, "T_eval");
    put(ra, "n_layers", &a, "n_layers");
    put(ra, "n_kv_heads", &a, "n_kv_heads");
    put(ra, "d_head", &a, "d_head");
    jadd_num(ra, "bytes_per_weight", 2.0);
    put(ra, "target_tokens_per_day", &a, "target_tokens_per_day");
    jadd_int(ra, "concurrent_users", 1);
    cJSON_AddItemToObject(recipes, "X-5", recipe_tile("X-5", ra, full));

    cJSON *fals = cJSON_CreateArray();
    if (rope && g > 0 && g < 1)
        falsification(fals, "F1", "γ_Padé median MAE < 5%", "✅ in scope");
    if (has_dh) {
        falsification(fals, "F2", "d_horizon predicts NIAH ±1%", "✅ applicable");
        falsification(fals, "F17", "Soft KV decay regime",
                      dh >= T_train / 2 ? "✅ applies" : "⚠ refuted regime");
    }
    if (rope && has_GQA)
        falsification(fals, "F10", "GQA Δγ < -0.1 ⇒ post-IH", "✅ in scope");
    if (rope && has_SWA)
        falsification(fals, "F11", "SWA Δγ > +0.3 (gemma signature)", "✅ in scope");

    double n_params_M = n_params / 1e6;
    double g_rand = taf_gamma_random_predict(theta, T_eval, n_params_M);
    taf_invariant_K K = taf_compute_invariant_K(g, n_params_M, false, 0);
    taf_hagedorn hz = taf_hagedorn_safety(g);
    taf_const_proximity near = taf_famous_constant_proximity(g, 0.02);
    taf_kv kv = taf_kv_cache_memory(args_int(&a, "n_layers"), args_int(&a, "n_kv_heads"),
                                    args_int(&a, "d_head"), args_int(&a, "T_eval"), 2.0);

    cJSON *out = jobj();
    cJSON *ms = cJSON_AddObjectToObject(out, "model_summary");
    jadd_str(ms, "architecture_class", arch_class);
    put(ms, "n_params", &a, "n_params");
    put(ms, "T_train", &a, "T_train");
    put(ms, "T_eval", &a, "T_eval");
    put(ms, "rope_theta", &a, "theta");
    jadd_bool(ms, "has_GQA", has_GQA);
    jadd_bool(ms, "has_SWA", has_SWA);

    cJSON *kn = cJSON_AddObjectToObject(out, "key_numbers");
    cJSON *dg;
    if (rope) {
        jadd_num(kn, "gamma_pade", g_pade);
        jadd_num(kn, "gamma_decomposed", g);
        cJSON_AddItemToObject(kn, "decomposition_breakdown", taf_decomp_json(&dec));
        if (has_dh) {
            jadd_num(kn, "d_horizon", dh);
            jadd_num(kn, "L_NIAH_ceiling", 2 * dh);
        } else {
            jadd_null(kn, "d_horizon");
            jadd_null(kn, "L_NIAH_ceiling");
        }
        /* χ is infinite at γ = 1 (null in JSON) and not reported beyond 2 */
        if (g > 0 && g < 2)
            jadd_num(kn, "chi_susceptibility", taf_chi(g));
        else
            jadd_null(kn, "chi_susceptibility");
        jadd_num(kn, "kv_memory_per_request_GB", kv.GB);
        jadd_num(kn, "gamma_random_predicted", g_rand);
        jadd_num(kn, "compute_invariant_K", K.K);
        jadd_bool(kn, "K_in_distribution", K.in_distribution);

        dg = cJSON_AddObjectToObject(out, "v04_diagnostics");
        cJSON_AddItemToObject(dg, "hagedorn_safety", taf_hagedorn_json(&hz));
        jadd_str(dg, "bimodal_phase_class", taf_bimodal_phase_class(g));
        cJSON_AddItemToObject(dg, "nearest_famous_constants", taf_const_hits_json(&near, 2));
        jadd_num(dg, "imprint_predicted_shift", g_rand - g_pade);
        cJSON_AddItemToObject(dg, "compute_invariant", taf_invariant_K_json(&K));
    } else {
        /* every γ-derived number needs θ: null, with the reason beside it */
        static const char *const gamma_keys[] = {
            "gamma_pade", "gamma_decomposed", "decomposition_breakdown", "d_horizon",
            "L_NIAH_ceiling", "chi_susceptibility", NULL};
        for (int i = 0; gamma_keys[i]; i++)
            jadd_null(kn, gamma_keys[i]);
        jadd_num(kn, "kv_memory_per_request_GB", kv.GB);
        jadd_null(kn, "gamma_random_predicted");
        jadd_null(kn, "compute_invariant_K");
        jadd_null(kn, "K_in_distribution");
        jadd_str(kn, "not_applicable", "not applicable (no RoPE)");
        taf_hagedorn unknown = taf_hagedorn_safety(NAN);
        dg = cJSON_AddObjectToObject(out, "v04_diagnostics");
        cJSON_AddItemToObject(dg, "hagedorn_safety", taf_hagedorn_json(&unknown));
        jadd_str(dg, "bimodal_phase_class", taf_bimodal_phase_class(NAN));
        cJSON_AddItemToObject(dg, "nearest_famous_constants", cJSON_CreateArray());
        jadd_null(dg, "imprint_predicted_shift");
        jadd_null(dg, "compute_invariant");
    }

    cJSON_AddItemToObject(out, "recipes", recipes);
    cJSON_AddItemToObject(out, "falsification_status", fals);
    args_free(&a);
    return out;
}

cJSON *profile_run(const cJSON *obj, taf_err *err)
{
    return profile_run_full(obj, NULL, err);
}

/* Numbers worth a column in a comparison: scalar results and memory
 * results (their GB), keyed by step name. */
static cJSON *key_numbers(const cJSON *result)
{
    cJSON *nums = jobj();
    const cJSON *chain = cJSON_GetObjectItemCaseSensitive(result, "chain");
    for (const cJSON *s = chain ? chain->child : NULL; s; s = s->next) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(s, "name");
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(s, "result");
        double x;
        if (!cJSON_IsString(name) || !res || cJSON_IsNull(res))
            continue;
        const cJSON *src = cJSON_IsObject(res) ? cJSON_GetObjectItemCaseSensitive(res, "GB") : res;
        if (src && jget_double(src, &x)) {
            cJSON_DeleteItemFromObjectCaseSensitive(nums, name->valuestring);
            cJSON_AddItemToObject(nums, name->valuestring, cJSON_Duplicate(src, true));
        }
    }
    return nums;
}

cJSON *compare_run(const cJSON *specs, const char *recipe_id, const cJSON *shared,
                   taf_err *err)
{
    const taf_recipe *r = recipe_find(recipe_id);
    if (!r) {
        recipe_run(recipe_id, NULL, err); /* fills the UNKNOWN_RECIPE error */
        return NULL;
    }
    if (!cJSON_IsArray(specs)) {
        taf_fail(err, "WRONG_TYPE", "pass a JSON array of model specs, each with a \"label\"",
                 "compare: models must be a JSON array");
        return NULL;
    }
    if (shared && !cJSON_IsObject(shared)) {
        taf_fail(err, "WRONG_TYPE", NULL, "compare: shared parameters must be an object");
        return NULL;
    }
    cJSON *rows = cJSON_CreateArray();
    int idx = 0;
    for (const cJSON *spec = specs->child; spec; spec = spec->next, idx++) {
        cJSON *row = jobj();
        const cJSON *label = cJSON_GetObjectItemCaseSensitive(spec, "label");
        const cJSON *mid = cJSON_GetObjectItemCaseSensitive(spec, "model_id");
        char fallback[32];
        snprintf(fallback, sizeof fallback, "model %d", idx + 1);
        jadd_str(row, "label", cJSON_IsString(label) ? label->valuestring
                               : cJSON_IsString(mid) ? mid->valuestring
                                                     : fallback);
        cJSON *params = cJSON_IsObject(spec) ? cJSON_Duplicate(spec, true) : NULL;
        taf_err e = {0};
        cJSON *res = NULL;
        if (!params) {
            taf_fail(&e, "WRONG_TYPE", NULL, "model spec %d is not an object", idx + 1);
        } else {
            cJSON_DeleteItemFromObjectCaseSensitive(params, "label");
            cJSON_DeleteItemFromObjectCaseSensitive(params, "model_id");
            for (const cJSON *s = shared ? shared->child : NULL; s; s = s->next) {
                cJSON_DeleteItemFromObjectCaseSensitive(params, s->string);
                cJSON_AddItemToObject(params, s->string, cJSON_Duplicate(s, true));
            }
            res = recipe_run(recipe_id, params, &e);
            cJSON_Delete(params);
        }
        if (res) {
            static const char *const keys[] = {"verdict", "reason", "reason_code",
                                               "reason_params"};
            for (int k = 0; k < 4; k++) {
                cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(res, keys[k]);
                cJSON_AddItemToObject(row, keys[k], v ? v : cJSON_CreateNull());
            }
            cJSON_AddItemToObject(row, "key_numbers", key_numbers(res));
            cJSON_Delete(res);
        } else {
            jadd_str(row, "verdict", "ERROR");
            jadd_str(row, "reason", e.message);
            jadd_str(row, "error_code", e.code);
            cJSON_AddItemToObject(row, "key_numbers", jobj());
        }
        cJSON_AddItemToArray(rows, row);
    }
    cJSON *out = jobj();
    jadd_str(out, "recipe_id", r->id);
    jadd_str(out, "recipe_name", r->name);
    cJSON_AddItemToObject(out, "shared_params", shared ? cJSON_Duplicate(shared, true) : jobj());
    cJSON_AddItemToObject(out, "rows", rows);
    return out;
}
