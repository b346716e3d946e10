/* Golden vectors for and X-23 (X-1/X-3/X-5 are in
 * test_recipes_econ.c), run through the registry as the CLI runs them. */
#include <string.h>

#include <criterion/criterion.h>

#include "recipes/recipe.h"
#include "support/jsoncmp.h"
#include "support/vectors.h"

static void check_recipe(const char *rid, int expected_count)
{
    size_t n;
    cJSON *all = vectors_load("recipes.jsonl", &n);
    int checked = 0, failed = 0;
    const taf_recipe *r = recipe_find(rid);
    cr_assert_not_null(r);
    for (const cJSON *line = all->child; line; line = line->next) {
        if (strcmp(cJSON_GetObjectItem(line, "recipe")->valuestring, rid) != 0)
            continue;
        checked++;
        taf_err err = {0};
        cJSON *got = recipe_run(rid, cJSON_GetObjectItem(line, "args"), &err);
        char why[1024] = "";
        if (!got) {
            cr_log_error("%s: unexpected error %s: %s", rid, err.code, err.message);
            failed++;
            continue;
        }
        if (!recipe_matches(r, cJSON_GetObjectItem(line, "expect"), got, why, sizeof why)) {
            char *args = cJSON_PrintUnformatted(cJSON_GetObjectItem(line, "args"));
            if (failed < 5)
                cr_log_error("%s args=%s: %s", rid, args, why);
            cJSON_free(args);
            failed++;
        }
        cJSON_Delete(got);
    }
    cJSON_Delete(all);
    cr_expect_eq(failed, 0, "%s: %d of %d vectors differ", rid, failed, checked);
    cr_expect_eq(checked, expected_count, "%s: checked %d vectors, the file has %d", rid,
                 checked, expected_count);
}

Test(recipe_vectors, x2_long_context_matches_reference) { check_recipe("X-2", 241); }
Test(recipe_vectors, x19_kv_compression_matches_reference) { check_recipe("X-19", 145); }
Test(recipe_vectors, x21_imprint_purity_matches_reference) { check_recipe("X-21", 140); }
Test(recipe_vectors, x22_invariant_matches_reference) { check_recipe("X-22", 140); }
Test(recipe_vectors, x23_ih_phase_matches_reference) { check_recipe("X-23", 140); }

static cJSON *x2_args(void)
{
    return cJSON_Parse("{\"theta\":500000,\"T_train\":8192,\"T_eval\":32000,"
                       "\"n_attention_heads\":32,\"n_kv_heads\":8,\"d_head\":128,"
                       "\"n_layers\":32,\"n_params\":8e9}");
}

static void expect_error(cJSON *args, const char *rid, const char *code, const char *needle)
{
    taf_err err = {0};
    cJSON *got = recipe_run(rid, args, &err);
    cr_expect_null(got, "%s should fail with %s", rid, code);
    cJSON_Delete(got);
    cr_expect_str_eq(err.code, code);
    cr_expect(strstr(err.message, needle) != NULL, "message '%s' should name '%s'",
              err.message, needle);
    cJSON_Delete(args);
}

Test(recipe_errors, unknown_recipe_is_named)
{
    expect_error(x2_args(), "X-99", "UNKNOWN_RECIPE", "X-99");
}

Test(recipe_errors, missing_required_argument_is_named)
{
    cJSON *a = x2_args();
    cJSON_DeleteItemFromObject(a, "theta");
    expect_error(a, "X-2", "MISSING_ARGUMENT", "theta");
}

Test(recipe_errors, zero_theta_is_rejected)
{
    cJSON *a = x2_args();
    cJSON_ReplaceItemInObject(a, "theta", cJSON_CreateNumber(0));
    expect_error(a, "X-2", "OUT_OF_RANGE", "theta");
}

Test(recipe_errors, negative_T_eval_is_rejected)
{
    cJSON *a = x2_args();
    cJSON_ReplaceItemInObject(a, "T_eval", cJSON_CreateNumber(-5));
    expect_error(a, "X-2", "OUT_OF_RANGE", "T_eval");
}

Test(recipe_errors, fractional_count_is_rejected)
{
    cJSON *a = x2_args();
    cJSON_ReplaceItemInObject(a, "n_layers", cJSON_CreateNumber(3.5));
    expect_error(a, "X-2", "WRONG_TYPE", "n_layers");
}

Test(recipe_errors, string_for_number_is_rejected)
{
    cJSON *a = x2_args();
    cJSON_ReplaceItemInObject(a, "n_params", cJSON_CreateString("8B"));
    expect_error(a, "X-2", "WRONG_TYPE", "n_params");
}

Test(recipe_errors, misspelt_argument_is_not_ignored)
{
    cJSON *a = x2_args();
    cJSON_AddNumberToObject(a, "gama_obs", 0.8);
    expect_error(a, "X-2", "UNKNOWN_ARGUMENT", "gama_obs");
}

Test(recipe_x2, measured_gamma_inside_horizon_says_yes_with_pdi)
{
    cJSON *a = x2_args();
    cJSON_AddNumberToObject(a, "gamma_obs", 0.5);
    taf_err err;
    cJSON *r = recipe_run("X-2", a, &err);
    cJSON_Delete(a);
    cr_assert_not_null(r);
    cr_expect_str_eq(cJSON_GetObjectItem(r, "verdict")->valuestring, "YES");
    cr_expect_str_eq(cJSON_GetObjectItem(r, "horizon_source")->valuestring, "measured");
    cJSON *chain = cJSON_GetObjectItem(r, "chain");
    cr_expect_eq(cJSON_GetArraySize(chain), 7);
    cJSON *conf = cJSON_GetObjectItem(r, "confidence");
    /* gamma_measured ok, benchmark_yes ok, validity ok, exploratory warn → 87.5 → 88 */
    cr_expect_str_eq(cJSON_GetObjectItem(conf, "band")->valuestring, "high");
    cJSON_Delete(r);
}

Test(recipe_x2, singular_pdi_is_null_not_infinity)
{
    cJSON *a = x2_args();
    cJSON_AddNumberToObject(a, "gamma_obs", -1.0);
    taf_err err;
    cJSON *r = recipe_run("X-2", a, &err);
    cJSON_Delete(a);
    cr_assert_not_null(r);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r, "pdi")));
    char *s = cJSON_PrintUnformatted(r);
    cr_expect(strstr(s, "inf") == NULL && strstr(s, "nan") == NULL);
    cJSON_free(s);
    cJSON_Delete(r);
}

Test(recipe_x2, training_length_beyond_theta_does_not_crash)
{
    /* γ_Padé(θ, T_train) < 0: the reference crashes formatting the native
     * horizon; we report it as n/a */
    cJSON *a = cJSON_Parse("{\"theta\":10000,\"T_train\":32768,\"T_eval\":1024,"
                           "\"n_attention_heads\":16,\"n_kv_heads\":4,\"d_head\":64,"
                           "\"n_layers\":32,\"n_params\":7e10}");
    taf_err err;
    cJSON *r = recipe_run("X-2", a, &err);
    cJSON_Delete(a);
    cr_assert_not_null(r);
    cJSON *step3 = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "chain"), 2);
    cJSON *ip = cJSON_GetObjectItem(step3, "interp_params");
    cr_expect_str_eq(cJSON_GetObjectItem(ip, "dh_native")->valuestring, "n/a");
    cJSON_Delete(r);
}
