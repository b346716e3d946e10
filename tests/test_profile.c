/* Golden vectors for the TAF Card profile. */
#include <stdio.h>
#include <string.h>

#include <criterion/criterion.h>

#include "recipes/profile.h"
#include "recipes/recipe.h"
#include "support/jsoncmp.h"
#include "support/vectors.h"

/* Where the reference crashed inside a recipe it reports verdict "ERROR"
 * with Python's exception text; ours runs the recipe. Such a tile must
 * equal the stand-alone recipe's verdict instead. */
static bool error_tile_replaced(cJSON *expect, cJSON *got, const cJSON *args, char *why,
                                size_t whysz)
{
    cJSON *er = cJSON_GetObjectItem(expect, "recipes");
    cJSON *gr = cJSON_GetObjectItem(got, "recipes");
    for (cJSON *t = er ? er->child : NULL; t; t = t->next) {
        if (strcmp(cJSON_GetObjectItem(t, "verdict")->valuestring, "ERROR") != 0)
            continue;
        cJSON *mine = cJSON_GetObjectItem(gr, t->string);
        cJSON *ra = cJSON_Duplicate(args, true);
        taf_err err;
        cJSON *alone = recipe_run(t->string, ra, &err);
        cJSON_Delete(ra);
        if (!alone || !mine ||
            strcmp(cJSON_GetObjectItem(mine, "verdict")->valuestring,
                   cJSON_GetObjectItem(alone, "verdict")->valuestring) != 0) {
            snprintf(why, whysz, "/recipes/%s: expected the stand-alone verdict", t->string);
            cJSON_Delete(alone);
            return false;
        }
        cJSON_Delete(alone);
        cJSON_DeleteItemFromObject(gr, t->string);
        cJSON_DeleteItemFromObject(er, t->string);
        return error_tile_replaced(expect, got, args, why, whysz);
    }
    return true;
}

Test(profile_vectors, every_profile_matches_reference)
{
    size_t n;
    cJSON *all = vectors_load("profiles.jsonl", &n);
    int checked = 0, failed = 0;
    for (const cJSON *line = all->child; line; line = line->next) {
        checked++;
        const cJSON *args = cJSON_GetObjectItem(line, "args");
        taf_err err = {0};
        cJSON *got = profile_run(args, &err);
        if (!got) {
            cr_log_error("profile error %s: %s", err.code, err.message);
            failed++;
            continue;
        }
        cJSON *expect = cJSON_Duplicate(cJSON_GetObjectItem(line, "expect"), true);
        char why[1024] = "";
        /* The reference passes its integer default budget to X-3 and prints
         * "$5000"; the budget is a float parameter for us ("$5000.0"). */
        cJSON *ex3 = cJSON_GetObjectItem(cJSON_GetObjectItem(expect, "recipes"), "X-3");
        cJSON *reason = ex3 ? cJSON_GetObjectItem(ex3, "reason") : NULL;
        const char *int_budget = "At $5000, ";
        if (cJSON_IsString(reason) && strncmp(reason->valuestring, int_budget, 10) == 0) {
            char fixed[1024];
            snprintf(fixed, sizeof fixed, "At $5000.0, %s", reason->valuestring + 10);
            cJSON_ReplaceItemInObject(ex3, "reason", cJSON_CreateString(fixed));
        }
        bool ok = error_tile_replaced(expect, got, args, why, sizeof why) &&
                  json_close(expect, got, 1e-12, why, sizeof why);
        if (!ok) {
            char *a = cJSON_PrintUnformatted(args);
            if (failed < 5)
                cr_log_error("profile args=%s: %s", a, why);
            cJSON_free(a);
            failed++;
        }
        cJSON_Delete(expect);
        cJSON_Delete(got);
    }
    cJSON_Delete(all);
    cr_expect_eq(failed, 0, "%d of %d profiles differ", failed, checked);
    cr_expect_eq(checked, 40);
}

static cJSON *gpt2_spec(const char *theta_json)
{
    char buf[512];
    snprintf(buf, sizeof buf,
             "{%s\"T_train\":1024,\"n_attention_heads\":12,\"n_kv_heads\":12,"
             "\"d_head\":64,\"n_layers\":12,\"n_params\":1.24e8}",
             theta_json);
    return cJSON_Parse(buf);
}

Test(profile, model_without_rope_gets_not_applicable_not_a_default_theta)
{
    cJSON *spec = gpt2_spec("\"theta\":null,");
    taf_err err;
    cJSON *p = profile_run(spec, &err);
    cJSON_Delete(spec);
    cr_assert_not_null(p, "%s", err.message);
    cJSON *x2 = cJSON_GetObjectItem(cJSON_GetObjectItem(p, "recipes"), "X-2");
    cr_expect_str_eq(cJSON_GetObjectItem(x2, "verdict")->valuestring, "NOT APPLICABLE");
    cr_expect_str_eq(cJSON_GetObjectItem(x2, "reason")->valuestring, "not applicable (no RoPE)");
    cJSON *kn = cJSON_GetObjectItem(p, "key_numbers");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(kn, "gamma_pade")));
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "model_summary"), "rope_theta")));
    /* the θ-free recipes still run */
    cJSON *x5 = cJSON_GetObjectItem(cJSON_GetObjectItem(p, "recipes"), "X-5");
    cr_expect_str_eq(cJSON_GetObjectItem(x5, "verdict")->valuestring, "YES");
    cJSON_Delete(p);
}

Test(profile, missing_theta_is_an_error_not_a_no_rope_model)
{
    cJSON *spec = gpt2_spec("");
    taf_err err;
    cJSON *p = profile_run(spec, &err);
    cJSON_Delete(spec);
    cr_expect_null(p);
    cJSON_Delete(p);
    cr_expect_str_eq(err.code, "MISSING_ARGUMENT");
    cr_expect(strstr(err.hint, "null") != NULL);
}

Test(profile, full_results_keep_each_recipe_whole_and_the_same_tiles)
{
    /* profile_run_full hands the recipe results to the caller and copies
     * only the tile fields: the profile must equal profile_run's, and each
     * kept result must carry the tile's verdict and its whole chain */
    cJSON *spec = gpt2_spec("\"theta\":10000,");
    taf_err err;
    cJSON *plain = profile_run(spec, &err);
    cr_assert_not_null(plain, "%s", err.message);
    cJSON *full = cJSON_CreateObject();
    cJSON *withfull = profile_run_full(spec, full, &err);
    cr_assert_not_null(withfull, "%s", err.message);
    char *a = cJSON_PrintUnformatted(plain), *b = cJSON_PrintUnformatted(withfull);
    cr_expect_str_eq(b, a);
    const char *ids[] = {"X-2", "X-19", "X-1", "X-3", "X-5"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const cJSON *r = cJSON_GetObjectItem(full, ids[i]);
        cr_assert_not_null(r, "%s kept", ids[i]);
        const cJSON *tile = cJSON_GetObjectItem(cJSON_GetObjectItem(plain, "recipes"), ids[i]);
        cr_expect_str_eq(cJSON_GetObjectItem(r, "verdict")->valuestring,
                         cJSON_GetObjectItem(tile, "verdict")->valuestring, "%s", ids[i]);
        cr_expect_str_eq(cJSON_GetObjectItem(r, "recipe_name")->valuestring,
                         cJSON_GetObjectItem(tile, "name")->valuestring, "%s", ids[i]);
        cr_expect_gt(cJSON_GetArraySize(cJSON_GetObjectItem(r, "chain")), 0, "%s", ids[i]);
    }
    cJSON_free(a);
    cJSON_free(b);
    cJSON_Delete(plain);
    cJSON_Delete(withfull);
    cJSON_Delete(full);
    cJSON_Delete(spec);
}

Test(compare, rows_keep_order_and_report_bad_specs_per_row)
{
    cJSON *specs = cJSON_Parse(
        "[{\"label\":\"a\",\"theta\":500000,\"T_train\":8192,\"n_attention_heads\":32,"
        "\"n_kv_heads\":8,\"d_head\":128,\"n_layers\":32,\"n_params\":8e9},"
        "{\"label\":\"b\",\"theta\":-1,\"T_train\":8192,\"n_attention_heads\":32,"
        "\"n_kv_heads\":8,\"d_head\":128,\"n_layers\":32,\"n_params\":8e9}]");
    cJSON *shared = cJSON_Parse("{\"T_eval\":32000}");
    taf_err err;
    cJSON *c = compare_run(specs, "X-2", shared, &err);
    cr_assert_not_null(c);
    cJSON *rows = cJSON_GetObjectItem(c, "rows");
    cr_assert_eq(cJSON_GetArraySize(rows), 2);
    cJSON *a = cJSON_GetArrayItem(rows, 0), *b = cJSON_GetArrayItem(rows, 1);
    cr_expect_str_eq(cJSON_GetObjectItem(a, "label")->valuestring, "a");
    cr_expect_str_neq(cJSON_GetObjectItem(a, "verdict")->valuestring, "ERROR");
    cr_expect_not_null(cJSON_GetObjectItem(cJSON_GetObjectItem(a, "key_numbers"), "γ_Padé"));
    cr_expect_str_eq(cJSON_GetObjectItem(b, "verdict")->valuestring, "ERROR");
    cr_expect_str_eq(cJSON_GetObjectItem(b, "error_code")->valuestring, "OUT_OF_RANGE");
    cJSON_Delete(c);
    cJSON_Delete(specs);
    cJSON_Delete(shared);
}
