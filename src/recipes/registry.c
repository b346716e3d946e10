#include "recipes/recipe.h"

#include <stdio.h>
#include <string.h>

#include "util/jsonnum.h"

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

const taf_recipe TAF_RECIPES[] = {
    {"X-1", "Custom Training vs API",
     "Should I train a custom model or use a frontier API for my domain task?",
     "build-vs-buy",
     LIST("N_params", "D_tokens", "gpu", "n_gpus", "mfu", "api_model", "monthly_tokens_M"),
     LIST("§17", "§19", "§20", "§24"), X1_SPEC, X1_run},
    {"X-2", "Long Context Viability",
     "Will model M serve length L doing Needle-in-a-Haystack retrieval?", "long-context",
     LIST("theta", "T_train", "T_eval", "n_attention_heads", "n_kv_heads", "d_head",
          "n_layers", "n_params", "has_SWA", "gamma_obs"),
     LIST("§26", "§19", "§33"), X2_SPEC, X2_run},
    {"X-3", "Budget Pre-flight", "Given $ budget, what model is feasible to train?",
     "training-budget", LIST("USD_budget", "gpu", "mfu", "n_gpus"), LIST("§17", "§20"),
     X3_SPEC, X3_run},
    {"X-5", "Hardware Selection",
     "Which GPU should I use to serve my model at target throughput?", "serving",
     LIST("N_params", "T_eval", "n_layers", "n_kv_heads", "d_head", "bytes_per_weight",
          "target_tokens_per_day", "concurrent_users"),
     LIST("§19", "§20"), X5_SPEC, X5_run},
    {"X-19", "KV Compression Decision",
     "Should I use soft decay, D_f cutoff, or literature methods to compress KV?",
     "kv-compression",
     LIST("theta", "T_train", "T_eval", "n_attention_heads", "n_kv_heads", "d_head",
          "n_layers", "n_params", "has_SWA"),
     LIST("§26", "§19"), X19_SPEC, X19_run},
    {"X-21", "Imprint Purity Diagnostic",
     "How clean is the model's RoPE-Padé prediction? Predicts γ on RANDOM-token input via "
     "ν=−1/(2π).",
     "diagnostic",
     LIST("theta", "T_train", "n_attention_heads", "n_kv_heads", "d_head", "n_layers",
          "n_params", "T_eval", "gamma_random_obs"),
     LIST("§26", "§28"), X21_SPEC, X21_run},
    {"X-22", "Compute-Context Invariant",
     "Does γ × log(N²·D) lie in the panel band 51.2 ± 16.8? Detects training/scaling "
     "anomalies.",
     "diagnostic", LIST("theta", "T_train", "n_params", "gamma_obs", "D_tokens", "T_eval"),
     LIST("§26", "§29"), X22_SPEC, X22_run},
    {"X-23", "IH-Phase Detector",
     "Is this model pre- or post-induction-head? Cheap probe via sign(γ_text − γ_random).",
     "diagnostic", LIST("n_params", "gamma_text", "gamma_random"), LIST("§30"), X23_SPEC,
     X23_run},
};
const int TAF_N_RECIPES = (int)(sizeof TAF_RECIPES / sizeof TAF_RECIPES[0]);

/* The spec sizes live in each recipe's file; C cannot put them in the
 * static initialiser above, so look them up here. */
static int spec_len(const taf_recipe *r)
{
    if (r->spec == X1_SPEC) return X1_NSPEC;
    if (r->spec == X2_SPEC) return X2_NSPEC;
    if (r->spec == X3_SPEC) return X3_NSPEC;
    if (r->spec == X5_SPEC) return X5_NSPEC;
    if (r->spec == X19_SPEC) return X19_NSPEC;
    if (r->spec == X21_SPEC) return X21_NSPEC;
    if (r->spec == X22_SPEC) return X22_NSPEC;
    return X23_NSPEC;
}

int recipe_spec_len(const taf_recipe *r) { return spec_len(r); }

const taf_recipe *recipe_find(const char *id)
{
    for (int i = 0; i < TAF_N_RECIPES; i++)
        if (strcmp(TAF_RECIPES[i].id, id) == 0)
            return &TAF_RECIPES[i];
    return NULL;
}

cJSON *recipe_run(const char *id, const cJSON *args_obj, taf_err *err)
{
    const taf_recipe *r = recipe_find(id);
    if (!r) {
        char hint[200] = "known recipes:";
        for (int i = 0; i < TAF_N_RECIPES; i++) {
            size_t len = strlen(hint);
            snprintf(hint + len, sizeof hint - len, " %s", TAF_RECIPES[i].id);
        }
        taf_fail(err, "UNKNOWN_RECIPE", hint, "unknown recipe '%s'", id);
        return NULL;
    }
    taf_args a;
    if (!args_parse(&a, r->spec, spec_len(r), args_obj, r->id, err))
        return NULL;
    cJSON *out = r->run(&a, err);
    args_free(&a);
    return out;
}

cJSON *recipe_registry_json(void)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < TAF_N_RECIPES; i++) {
        const taf_recipe *r = &TAF_RECIPES[i];
        cJSON *o = cJSON_CreateObject();
        jadd_str(o, "id", r->id);
        jadd_str(o, "name", r->name);
        jadd_str(o, "description", r->description);
        jadd_str(o, "category", r->category);
        cJSON *p = cJSON_AddArrayToObject(o, "params");
        for (int k = 0; r->params[k]; k++)
            cJSON_AddItemToArray(p, cJSON_CreateString(r->params[k]));
        cJSON *s = cJSON_AddArrayToObject(o, "uses_sections");
        for (int k = 0; r->sections[k]; k++)
            cJSON_AddItemToArray(s, cJSON_CreateString(r->sections[k]));
        /* every accepted parameter with its type, default and meaning */
        cJSON *spec = cJSON_AddArrayToObject(o, "arguments");
        for (int k = 0; k < spec_len(r); k++) {
            const arg_spec *as = &r->spec[k];
            cJSON *e = cJSON_CreateObject();
            static const char *const kinds[] = {"integer", "number", "number", "boolean",
                                                "string"};
            jadd_str(e, "name", as->name);
            jadd_str(e, "type", kinds[as->kind]);
            jadd_bool(e, "required", as->required);
            if (as->default_json)
                cJSON_AddItemToObject(e, "default", cJSON_Parse(as->default_json));
            jadd_str(e, "help", as->help ? as->help : "");
            cJSON_AddItemToArray(spec, e);
        }
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}
