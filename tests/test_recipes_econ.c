/* X-1 (custom training vs API), X-3 (budget pre-flight) and X-5 (hardware
 * selection): every golden vector, plus the input errors we add where the
 * reference crashes or guesses. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipes/args.h"
#include "recipes/recipe.h"
#include "support/jsoncmp.h"
#include "taf/econ.h"
#include "util/jsonnum.h"

#define REL_TOL 1e-12
#define N_ECON_VECTORS 592 /* X-1 + X-3 + X-5 lines in recipes.jsonl */

typedef struct {
    const char *id;
    const arg_spec *spec;
    const int *nspec;
    recipe_fn run;
} econ_recipe;

static const econ_recipe RECIPES[] = {
    {"X-1", X1_SPEC, &X1_NSPEC, X1_run},
    {"X-3", X3_SPEC, &X3_NSPEC, X3_run},
    {"X-5", X5_SPEC, &X5_NSPEC, X5_run},
};

static const econ_recipe *econ_find(const char *id)
{
    for (size_t i = 0; i < sizeof RECIPES / sizeof RECIPES[0]; i++)
        if (strcmp(RECIPES[i].id, id) == 0)
            return &RECIPES[i];
    return NULL;
}

/* Parse + run; NULL with *err filled on any failure. */
static cJSON *run_obj(const char *id, const cJSON *args, taf_err *err)
{
    const econ_recipe *r = econ_find(id);
    cr_assert_not_null(r, "not an econ recipe: %s", id);
    taf_args a;
    memset(err, 0, sizeof *err);
    if (!args_parse(&a, r->spec, *r->nspec, args, id, err))
        return NULL;
    cJSON *out = r->run(&a, err);
    args_free(&a);
    return out;
}

static cJSON *run_text(const char *id, const char *args_json, taf_err *err)
{
    cJSON *args = cJSON_Parse(args_json);
    cr_assert_not_null(args, "bad test JSON: %s", args_json);
    cJSON *out = run_obj(id, args, err);
    cJSON_Delete(args);
    return out;
}

static bool is_declared(const econ_recipe *r, const char *name)
{
    for (int i = 0; i < *r->nspec; i++)
        if (strcmp(r->spec[i].name, name) == 0)
            return true;
    return false;
}

/* `inputs`: every declared parameter the reference echoes must be present
 * and equal in ours; every extra key of ours must be a declared parameter
 * (the reference also echoes incidental locals such as X-1's `flops`). */
static int inputs_close(const econ_recipe *r, const cJSON *exp, const cJSON *act, char *why,
                        size_t whysz)
{
    if (!cJSON_IsObject(exp) || !cJSON_IsObject(act)) {
        snprintf(why, whysz, "/inputs: not an object");
        return 0;
    }
    for (const cJSON *e = exp->child; e; e = e->next) {
        if (!is_declared(r, e->string))
            continue;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(act, e->string);
        if (!v) {
            snprintf(why, whysz, "/inputs/%s: missing in ours", e->string);
            return 0;
        }
        char sub[400];
        if (!json_close(e, v, REL_TOL, sub, sizeof sub)) {
            snprintf(why, whysz, "/inputs/%s: %s", e->string, sub);
            return 0;
        }
    }
    for (const cJSON *v = act->child; v; v = v->next)
        if (!is_declared(r, v->string)) {
            snprintf(why, whysz, "/inputs/%s: not a declared parameter", v->string);
            return 0;
        }
    return 1;
}

/* Full result comparison: json_close on everything but `inputs`, then
 * inputs_close on `inputs`. */
static int result_close(const econ_recipe *r, const cJSON *expect, const cJSON *actual,
                        char *why, size_t whysz)
{
    cJSON *e = cJSON_Duplicate(expect, 1), *a = cJSON_Duplicate(actual, 1);
    cJSON *ei = cJSON_DetachItemFromObjectCaseSensitive(e, "inputs");
    cJSON *ai = cJSON_DetachItemFromObjectCaseSensitive(a, "inputs");
    int ok = json_close(e, a, REL_TOL, why, whysz) && inputs_close(r, ei, ai, why, whysz);
    cJSON_Delete(e);
    cJSON_Delete(a);
    cJSON_Delete(ei);
    cJSON_Delete(ai);
    return ok;
}

static cJSON *load_vectors(size_t *n)
{
    const char *dir = getenv("TAF_TEST_DATA");
    cr_assert_not_null(dir, "TAF_TEST_DATA is not set (run through make test)");
    char path[4096];
    snprintf(path, sizeof path, "%s/vectors/recipes.jsonl", dir);
    cJSON *all = jsonl_read_all(path, n);
    cr_assert_not_null(all, "cannot read %s", path);
    return all;
}

Test(recipes_econ, every_x1_x3_x5_vector_matches_the_reference)
{
    size_t n_lines = 0;
    cJSON *all = load_vectors(&n_lines);
    int total = 0, passed = 0, unknown_api = 0, errors = 0, reported = 0;
    size_t line = 0;
    for (const cJSON *v = all->child; v; v = v->next) {
        line++;
        const cJSON *rid = cJSON_GetObjectItemCaseSensitive(v, "recipe");
        if (!cJSON_IsString(rid))
            continue;
        const econ_recipe *r = econ_find(rid->valuestring);
        if (!r)
            continue;
        total++;
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(v, "args");
        const cJSON *expect = cJSON_GetObjectItemCaseSensitive(v, "expect");
        char why[600] = "";
        bool ok = true;
        taf_err err;
        cJSON *use_args = cJSON_Duplicate(args, 1);

        /* the reference prices an unknown API at 2.0/8.0; we refuse to
         * guess, and take those prices only when given explicitly */
        const cJSON *api = cJSON_GetObjectItemCaseSensitive(args, "api_model");
        if (r->run == X1_run && cJSON_IsString(api) && !taf_api_find(api->valuestring)) {
            unknown_api++;
            cJSON *plain = run_obj(r->id, args, &err);
            if (plain || strcmp(err.code, "UNKNOWN_API_MODEL") != 0) {
                ok = false;
                snprintf(why, sizeof why, "unmodified args: expected UNKNOWN_API_MODEL, got %s",
                         plain ? "a result" : err.code);
            }
            cJSON_Delete(plain);
            jadd_num(use_args, "api_input_usd_per_Mtok", 2.0);
            jadd_num(use_args, "api_output_usd_per_Mtok", 8.0);
        }

        cJSON *out = run_obj(r->id, use_args, &err);
        if (!ok) {
            /* already failed */
        } else if (cJSON_GetObjectItemCaseSensitive(expect, "error")) {
            errors++;
            if (out || strcmp(err.code, "NO_HOURLY_PRICE") != 0) {
                ok = false;
                snprintf(why, sizeof why, "expected NO_HOURLY_PRICE, got %s",
                         out ? "a result" : err.code);
            }
        } else if (!out) {
            ok = false;
            snprintf(why, sizeof why, "error %s: %s", err.code, err.message);
        } else {
            ok = result_close(r, expect, out, why, sizeof why);
        }
        cJSON_Delete(out);
        cJSON_Delete(use_args);
        if (ok)
            passed++;
        else if (reported++ < 20)
            cr_log_error("recipes.jsonl line %zu (%s): %s", line, r->id, why);
    }
    cJSON_Delete(all);
    cr_log_info("econ vectors: %d/%d passed (%d unknown-API, %d error cases)", passed, total,
                unknown_api, errors);
    cr_expect_eq(unknown_api, 44, "unknown-API vectors: %d", unknown_api);
    cr_expect_eq(errors, 5, "error vectors: %d", errors);
    cr_assert_eq(total, N_ECON_VECTORS, "X-1/X-3/X-5 lines: %d", total);
    cr_assert_eq(passed, total, "%d of %d vectors failed", total - passed, total);
}

/* ---- behaviour beyond the vectors ------------------------------------- */

static void expect_error(const char *id, const char *args, const char *code)
{
    taf_err err;
    cJSON *out = run_text(id, args, &err);
    cr_expect_null(out, "%s %s: expected %s, got a result", id, args, code);
    cJSON_Delete(out);
    cr_expect_str_eq(err.code, code, "%s %s: %s", id, args, err.message);
}

static const cJSON *at(const cJSON *o, const char *path)
{
    /* "chain/3/result" style lookup */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    const cJSON *cur = o;
    for (char *tok = strtok(buf, "/"); tok && cur; tok = strtok(NULL, "/")) {
        if (cJSON_IsArray(cur))
            cur = cJSON_GetArrayItem(cur, atoi(tok));
        else
            cur = cJSON_GetObjectItemCaseSensitive(cur, tok);
    }
    cr_assert_not_null(cur, "no %s", path);
    return cur;
}

static const char *str_at(const cJSON *o, const char *path)
{
    const cJSON *n = at(o, path);
    cr_assert(cJSON_IsString(n), "%s is not a string", path);
    return n->valuestring;
}

static double num_at(const cJSON *o, const char *path)
{
    double x = 0;
    cr_assert(jget_double(at(o, path), &x), "%s is not a number", path);
    return x;
}

Test(recipes_econ, unknown_gpu_is_an_input_error_naming_the_argument)
{
    taf_err err;
    cJSON *out = run_text("X-1", "{\"N_params\": 7e9, \"gpu\": \"H100X\"}", &err);
    cr_assert_null(out);
    cr_expect_str_eq(err.code, "UNKNOWN_GPU");
    cr_expect(strstr(err.message, "'gpu'") && strstr(err.message, "H100X"), "%s", err.message);
    cr_expect(strstr(err.hint, "H100 SXM") && strstr(err.hint, "RTX 5060Ti"), "%s", err.hint);

    out = run_text("X-3", "{\"gpu\": \"TPU v5\"}", &err);
    cr_assert_null(out);
    cr_expect_str_eq(err.code, "UNKNOWN_GPU");
    cr_expect(strstr(err.message, "TPU v5") != NULL, "%s", err.message);
    cr_expect(strstr(err.hint, "MI300X") != NULL, "%s", err.hint);
}

Test(recipes_econ, x3_on_a_local_gpu_without_hourly_price_is_an_input_error)
{
    taf_err err;
    cJSON *out = run_text("X-3", "{\"gpu\": \"RTX 5060Ti\", \"USD_budget\": 100.0}", &err);
    cr_assert_null(out);
    cr_expect_str_eq(err.code, "NO_HOURLY_PRICE");
    cr_expect(strstr(err.message, "RTX 5060Ti") != NULL, "%s", err.message);
    cr_expect(strstr(err.hint, "H100 SXM") != NULL, "%s", err.hint);
    cr_expect(strstr(err.hint, "RTX 5060Ti") == NULL, "hint offers the unpriced card: %s",
              err.hint);
}

Test(recipes_econ, x1_on_a_local_gpu_is_fine)
{
    taf_err err;
    cJSON *out = run_text("X-1", "{\"N_params\": 1e9, \"gpu\": \"RTX 5060Ti\", \"n_gpus\": 1}",
                          &err);
    cr_assert_not_null(out, "%s: %s", err.code, err.message);
    cr_expect_eq(num_at(out, "chain/2/result/USD"), 0.0);
    cr_expect_eq(num_at(out, "chain/3/result/USD_per_Mtok"), 0.0);
    cr_expect_str_eq(str_at(out, "verdict"), "YES (custom)");
    cJSON_Delete(out);
}

Test(recipes_econ, out_of_range_arguments_are_rejected)
{
    expect_error("X-1", "{\"N_params\": 7e9, \"mfu\": 0}", "OUT_OF_RANGE");
    expect_error("X-1", "{\"N_params\": 7e9, \"mfu\": 1.5}", "OUT_OF_RANGE");
    expect_error("X-3", "{\"mfu\": 0.0}", "OUT_OF_RANGE");
    expect_error("X-1", "{\"N_params\": 7e9, \"n_gpus\": 0}", "OUT_OF_RANGE");
    expect_error("X-3", "{\"n_gpus\": 0}", "OUT_OF_RANGE");
    expect_error("X-1", "{\"N_params\": -7e9}", "OUT_OF_RANGE");
    expect_error("X-5", "{\"N_params\": -1.0}", "OUT_OF_RANGE");
    expect_error("X-1", "{\"N_params\": 7e9, \"monthly_tokens_M\": 0}", "OUT_OF_RANGE");
    expect_error("X-3", "{\"USD_budget\": -1.0}", "OUT_OF_RANGE");
    expect_error("X-5", "{\"N_params\": 7e9, \"concurrent_users\": 0}", "OUT_OF_RANGE");
    expect_error("X-1", "{}", "MISSING_ARGUMENT");
    expect_error("X-5", "{\"T_eval\": 4096}", "MISSING_ARGUMENT");
    expect_error("X-1", "{\"N_params\": 7e9, \"n_gpus\": 2.5}", "WRONG_TYPE");
}

Test(recipes_econ, results_that_would_overflow_are_explained_not_printed_as_null)
{
    expect_error("X-1", "{\"N_params\": 1e300}", "OUT_OF_RANGE");
    expect_error("X-1", "{\"N_params\": 1e-320}", "OUT_OF_RANGE");
    expect_error("X-3", "{\"USD_budget\": 1e308}", "OUT_OF_RANGE");
    expect_error("X-5", "{\"N_params\": 7e9, \"target_tokens_per_day\": 1e-320}",
                 "OUT_OF_RANGE");
    expect_error("X-5", "{\"N_params\": 1e-320}", "OUT_OF_RANGE");
}

Test(recipes_econ, unknown_api_model_needs_explicit_prices)
{
    taf_err err;
    cJSON *out = run_text("X-1", "{\"N_params\": 7e9, \"api_model\": \"Mystery-1\"}", &err);
    cr_assert_null(out);
    cr_expect_str_eq(err.code, "UNKNOWN_API_MODEL");
    cr_expect(strstr(err.message, "'api_model'") && strstr(err.message, "Mystery-1"), "%s",
              err.message);
    cr_expect(strstr(err.hint, "GPT-4o") && strstr(err.hint, "api_input_usd_per_Mtok") &&
                  strstr(err.hint, "api_output_usd_per_Mtok"),
              "%s", err.hint);

    /* one price alone is not a price */
    expect_error("X-1",
                 "{\"N_params\": 7e9, \"api_model\": \"Mystery-1\", "
                 "\"api_input_usd_per_Mtok\": 1.0}",
                 "MISSING_ARGUMENT");
    expect_error("X-1", "{\"N_params\": 7e9, \"api_output_usd_per_Mtok\": 1.0}",
                 "MISSING_ARGUMENT");

    out = run_text("X-1",
                   "{\"N_params\": 7e9, \"api_model\": \"Mystery-1\", "
                   "\"api_input_usd_per_Mtok\": 1.0, \"api_output_usd_per_Mtok\": 4.0}",
                   &err);
    cr_assert_not_null(out, "%s: %s", err.code, err.message);
    cr_expect_eq(num_at(out, "chain/4/result"), 2.5);
    cr_expect_str_eq(str_at(out, "chain/4/name"), "Mystery-1 blended price");
    cr_expect_eq(num_at(out, "inputs/api_input_usd_per_Mtok"), 1.0);
    cr_expect_eq(num_at(out, "inputs/api_output_usd_per_Mtok"), 4.0);
    cJSON_Delete(out);

    /* explicit prices win over the catalog too */
    out = run_text("X-1",
                   "{\"N_params\": 7e9, \"api_input_usd_per_Mtok\": 1.0, "
                   "\"api_output_usd_per_Mtok\": 3.0}",
                   &err);
    cr_assert_not_null(out, "%s: %s", err.code, err.message);
    cr_expect_eq(num_at(out, "chain/4/result"), 2.0);
    cJSON_Delete(out);
}

Test(recipes_econ, x1_echo_fills_chinchilla_tokens_and_omits_absent_prices)
{
    taf_err err;
    cJSON *out = run_text("X-1", "{\"N_params\": 1e9}", &err);
    cr_assert_not_null(out, "%s: %s", err.code, err.message);
    const cJSON *in = at(out, "inputs");
    cr_expect_eq(num_at(out, "inputs/D_tokens"), 2e10);
    cr_expect_str_eq(str_at(out, "inputs/gpu"), "H100 SXM");
    cr_expect_eq(num_at(out, "inputs/n_gpus"), 8);
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(in, "api_input_usd_per_Mtok"));
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(in, "api_output_usd_per_Mtok"));
    cr_expect_null(cJSON_GetObjectItemCaseSensitive(in, "flops"));
    cr_expect_eq(cJSON_GetArraySize(in), 7);
    char *text = cJSON_PrintUnformatted(out);
    cr_expect(strstr(text, "null") == NULL, "%s", text);
    free(text);
    cJSON_Delete(out);
}

Test(recipes_econ, x5_says_no_when_no_single_gpu_holds_the_model)
{
    taf_err err;
    cJSON *out = run_text("X-5", "{\"N_params\": 1e12}", &err);
    cr_assert_not_null(out, "%s: %s", err.code, err.message);
    cr_expect_str_eq(str_at(out, "verdict"), "NO");
    cr_expect_str_eq(str_at(out, "reason_code"), "x5.r.no");
    cr_expect_str_eq(str_at(out, "mit_code"), "x5.m.tp_or_quant");
    cr_expect_str_eq(str_at(out, "chain/3/interp_code"), "x5.i.fit_none");
    cr_expect_str_eq(str_at(out, "chain/3/interpretation"), "0 GPUs fit; cheapest: NONE");
    cr_expect_eq(cJSON_GetArraySize(at(out, "chain/3/result")), 0);
    cr_expect_str_eq(str_at(out, "reason"), "No single GPU has ≥2001 GB VRAM.");
    cJSON_Delete(out);
}

Test(recipes_econ, x3_tiny_and_memory_limited_verdicts)
{
    taf_err err;
    cJSON *out = run_text("X-3", "{\"USD_budget\": 1.0}", &err);
    cr_assert_not_null(out, "%s: %s", err.code, err.message);
    cr_expect_str_eq(str_at(out, "verdict"), "TINY-MODEL");
    cr_expect_str_eq(str_at(out, "reason"), "Budget supports only ~7e+07 params");
    cr_expect_str_eq(str_at(out, "reason_params/N"), "7e+07");
    cr_expect_str_eq(str_at(out, "mit_code"), "x3.m.lora");
    cJSON_Delete(out);

    out = run_text("X-3", "{\"USD_budget\": 0.0}", &err);
    cr_assert_not_null(out, "%s: %s", err.code, err.message);
    cr_expect_str_eq(str_at(out, "verdict"), "TINY-MODEL");
    cr_expect_str_eq(str_at(out, "reason"), "Budget supports only ~0e+00 params");
    cJSON_Delete(out);

    out = run_text("X-3", "{\"USD_budget\": 1000000.0}", &err);
    cr_assert_not_null(out, "%s: %s", err.code, err.message);
    cr_expect_str_eq(str_at(out, "verdict"), "MEMORY-LIMITED");
    cr_expect_eq(num_at(out, "mit_params/n"), 15);
    cr_expect_str_eq(str_at(out, "mitigation"),
                     "Use ZeRO-3 across multiple GPUs (need ≥15× H100 SXM) OR train smaller N "
                     "undertrained.");
    cr_expect_str_eq(str_at(out, "reason"), "Chinchilla N (7.3e+10) doesn't fit one H100 SXM");
    cJSON_Delete(out);
}
