/* End-to-end: `tafcard formula` (exit codes, --json, --list, errors). */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "recipes/formulas.h"
#include "support/jsoncmp.h"
#include "support/run.h"

Test(cli_formula, json_output_is_one_line_of_the_result)
{
    run_result r = run_tafcard("formula d_horizon --set theta=500000 --set gamma=0.8 --json");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    cr_expect_str_eq(r.out, "78567.42013183859\n");
    run_free(&r);
    r = run_tafcard("formula critical_exponents_bundle --args '{\"gamma\":0.5}' --json");
    cr_expect_eq(r.status, 0, "stderr: %s", r.err);
    char *nl = strchr(r.out, '\n');
    cr_expect(nl && nl[1] == '\0', "one line: %s", r.out);
    cJSON *args = cJSON_Parse("{\"gamma\":0.5}");
    cJSON *got = cJSON_Parse(r.out), *want = formula_run("critical_exponents_bundle", args, NULL);
    cJSON_Delete(args);
    char why[512] = "";
    cr_expect(json_close(want, got, 0, why, sizeof why), "%s", why);
    cJSON_Delete(got);
    cJSON_Delete(want);
    run_free(&r);
}

Test(cli_formula, null_results_print_null)
{
    run_result r = run_tafcard("formula chi_susceptibility --set gamma=1 --json");
    cr_expect_eq(r.status, 0);
    cr_expect_str_eq(r.out, "null\n");
    run_free(&r);
}

Test(cli_formula, unknown_formula_exits_2_with_close_names)
{
    run_result r = run_tafcard("formula d_horizn --set theta=1");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "tafcard: UNKNOWN_FORMULA: ") == r.err, "%s", r.err);
    cr_expect(strstr(r.err, "d_horizon") != NULL, "%s", r.err);
    cr_expect_str_eq(r.out, "");
    run_free(&r);
    r = run_tafcard("formula zzzzzzzz");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "tafcard formula --list") != NULL, "%s", r.err);
    run_free(&r);
}

Test(cli_formula, bad_arguments_exit_2_with_their_codes)
{
    run_result r = run_tafcard("formula theta_design --set gamma_target=1 --set T_eval=4096");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "OUT_OF_RANGE") && strstr(r.err, "gamma_target"), "%s", r.err);
    cr_expect(strstr(r.err, "(-1, 1)") != NULL, "%s", r.err);
    run_free(&r);
    r = run_tafcard("formula partition_Z --set gamma=0.5");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "MISSING_ARGUMENT") && strstr(r.err, "'N'"), "%s", r.err);
    run_free(&r);
    r = run_tafcard("formula partition_Z --set gamma=0.5 --set N=0");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "OUT_OF_RANGE") != NULL, "%s", r.err);
    run_free(&r);
    r = run_tafcard("formula partition_Z --set gamma=0.5 --set N=2.5");
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "WRONG_TYPE") != NULL, "%s", r.err);
    run_free(&r);
}

Test(cli_formula, list_names_every_formula)
{
    run_result r = run_tafcard("formula --list --json");
    cr_expect_eq(r.status, 0);
    cJSON *all = cJSON_Parse(r.out);
    cr_assert(cJSON_IsArray(all), "%s", r.out);
    cr_expect_eq(cJSON_GetArraySize(all), TAF_N_FORMULAS);
    const cJSON *first = cJSON_GetArrayItem(all, 0);
    cr_expect_str_eq(cJSON_GetObjectItem(first, "name")->valuestring, TAF_FORMULAS[0].name);
    cr_expect(cJSON_IsArray(cJSON_GetObjectItem(first, "params")));
    cJSON_Delete(all);
    run_free(&r);
    r = run_tafcard("formula --list");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "verify_algebraic_consistency") != NULL);
    run_free(&r);
    r = run_tafcard("formula D_f_exact --help");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "default 0.90") != NULL, "%s", r.out);
    run_free(&r);
}
