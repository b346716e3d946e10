/* End-to-end: the tafcard binary's recipe, recipes, profile and help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "recipes/recipe.h"
#include "support/jsoncmp.h"
#include "support/run.h"

#define LLAMA3 "'{\"theta\":500000,\"T_train\":8192,\"T_eval\":32000,\"n_attention_heads\":32," \
               "\"n_kv_heads\":8,\"d_head\":128,\"n_layers\":32,\"n_params\":8e9}'"

Test(cli, version_and_help_exit_zero)
{
    run_result r = run_tafcard("--version");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "tafcard ") == r.out);
    run_free(&r);
    r = run_tafcard("--help");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "recipe") != NULL);
    run_free(&r);
    r = run_tafcard("help recipe");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "--batch") != NULL);
    run_free(&r);
}

Test(cli, recipe_text_output_is_the_audit_chain)
{
    run_result r = run_tafcard("recipe X-2 --args " LLAMA3);
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "step 1  §26.1  γ_Padé") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "formula: γ = (2θ - T√2)/(2θ + T√2)") != NULL);
    cr_expect(strstr(r.out, "verdict:") != NULL);
    cr_expect(strstr(r.out, "mitigation:") != NULL);
    run_free(&r);
}

Test(cli, recipe_json_equals_the_library_result)
{
    run_result r = run_tafcard("recipe X-2 --json --args " LLAMA3 " --set gamma_obs=0.6");
    cr_assert_eq(r.status, 0, "stderr: %s", r.err);
    cJSON *got = cJSON_Parse(r.out);
    cr_assert_not_null(got);
    cJSON *args = cJSON_Parse("{\"theta\":500000,\"T_train\":8192,\"T_eval\":32000,"
                              "\"n_attention_heads\":32,\"n_kv_heads\":8,\"d_head\":128,"
                              "\"n_layers\":32,\"n_params\":8e9,\"gamma_obs\":0.6}");
    taf_err err;
    cJSON *want = recipe_run("X-2", args, &err);
    char why[512];
    cr_expect(json_close(want, got, 0, why, sizeof why), "%s", why);
    cJSON_Delete(got);
    cJSON_Delete(want);
    cJSON_Delete(args);
    run_free(&r);
}

Test(cli, bad_input_exits_2_with_code_and_hint)
{
    run_result r = run_tafcard("recipe X-2 --args '{\"theta\": 0}'");
    cr_expect_eq(r.status, 2);
    cr_expect(strncmp(r.err, "tafcard: ", 9) == 0, "%s", r.err);
    run_free(&r);
    r = run_tafcard("recipe X-2 --args " LLAMA3 " --set theta=-5");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "OUT_OF_RANGE") && strstr(r.err, "theta") && strstr(r.err, "(hint:"),
              "%s", r.err);
    cr_expect_eq(r.out[0], '\0', "no partial output on stdout");
    run_free(&r);
    r = run_tafcard("recipe X-42 --args '{}'");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "UNKNOWN_RECIPE") != NULL);
    run_free(&r);
    r = run_tafcard("recipe X-3 --args '{\"gpu\": \"RTX 5060Ti\"}'");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "RTX 5060Ti") != NULL, "%s", r.err);
    run_free(&r);
    r = run_tafcard("recipe X-2 --args '{\"theta\": '");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "BAD_JSON") && strstr(r.err, "line 1"), "%s", r.err);
    run_free(&r);
}

Test(cli, batch_answers_every_line_in_order_and_goes_on_after_errors)
{
    char path[] = "/tmp/tafcard-batch-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"recipe\": \"X-23\", \"args\": {\"n_params\": 1e9}}\n");
    fprintf(f, "not json\n");
    fprintf(f, "{\"recipe\": \"X-3\", \"args\": {\"gpu\": \"RTX 5060Ti\"}}\n");
    fprintf(f, "{\"recipe\": \"X-23\", \"args\": {\"n_params\": 1e8}}\n");
    fclose(f);
    char args[64];
    snprintf(args, sizeof args, "recipe --batch %s", path);
    run_result r = run_tafcard(args);
    unlink(path);
    cr_expect_eq(r.status, 2, "a failed line makes the batch exit 2");
    char *lines[8] = {0};
    int n = 0;
    for (char *p = strtok(r.out, "\n"); p && n < 8; p = strtok(NULL, "\n"))
        lines[n++] = p;
    cr_assert_eq(n, 4, "one output line per input line");
    cr_expect(strstr(lines[0], "\"PREDICTED POST-IH\"") != NULL);
    cr_expect(strstr(lines[1], "\"error\"") && strstr(lines[1], "BAD_JSON"));
    cr_expect(strstr(lines[2], "NO_HOURLY_PRICE") != NULL, "%s", lines[2]);
    cr_expect(strstr(lines[3], "\"PREDICTED PRE-IH\"") != NULL);
    run_free(&r);
}

Test(cli, batch_reproduces_the_vector_file)
{
    const char *dir = getenv("TAF_TEST_DATA");
    char args[1024];
    snprintf(args, sizeof args,
             "recipe --batch - < %s/vectors/recipes.jsonl", dir ? dir : "tests");
    run_result r = run_tafcard(args);
    /* the 5 X-3 local-GPU lines and the 44 unknown-API lines are errors */
    cr_expect_eq(r.status, 2);
    int ok = 0, errors = 0;
    for (char *p = strtok(r.out, "\n"); p; p = strtok(NULL, "\n"))
        if (strncmp(p, "{\"error\"", 8) == 0)
            errors++;
        else
            ok++;
    cr_expect_eq(ok + errors, 1398);
    cr_expect_eq(errors, 49);
    run_free(&r);
}

Test(cli, recipes_json_lists_all_eight)
{
    run_result r = run_tafcard("recipes --json");
    cr_assert_eq(r.status, 0);
    cJSON *reg = cJSON_Parse(r.out);
    cr_assert_not_null(reg);
    cr_expect_eq(cJSON_GetArraySize(reg), 8);
    cJSON *x2 = cJSON_GetArrayItem(reg, 1);
    cr_expect_str_eq(cJSON_GetObjectItem(x2, "id")->valuestring, "X-2");
    cr_expect_not_null(cJSON_GetObjectItem(x2, "uses_sections"));
    cJSON_Delete(reg);
    run_free(&r);
}

Test(cli, profile_json_runs_from_an_args_file)
{
    char path[] = "/tmp/tafcard-spec-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fputs("{\"theta\":500000,\"T_train\":8192,\"n_attention_heads\":32,"
          "\"n_kv_heads\":8,\"d_head\":128,\"n_layers\":32,\"n_params\":8e9}\n", f);
    fclose(f);
    char args[128];
    snprintf(args, sizeof args, "profile --json --args-file %s", path);
    run_result r = run_tafcard(args);
    unlink(path);
    cr_expect_eq(r.status, 0, "%s", r.err);
    cJSON *p = cJSON_Parse(r.out);
    cr_expect_not_null(cJSON_GetObjectItem(p, "key_numbers"));
    cJSON_Delete(p);
    run_free(&r);
}
