/* Golden vectors for the stand-alone formulas: every line of
 * $TAF_TEST_DATA/vectors/formulas.jsonl through formula_run, compared with
 * json_close at 1e-12 relative. One test per formula name (so a failure
 * points at the formula) and one that runs the whole file and checks that
 * no line was skipped. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "recipes/formulas.h"
#include "support/jsoncmp.h"
#include "support/vectors.h"

#define VECTOR_LINES 1321

/* Run every vector whose fn is `name` (all when NULL); returns the number
 * checked and adds the failures to *failed, logging the first few. */
static int run_vectors(const char *name, int *failed)
{
    size_t n;
    cJSON *all = vectors_load("formulas.jsonl", &n);
    int checked = 0;
    for (const cJSON *line = all->child; line; line = line->next) {
        const cJSON *fn = cJSON_GetObjectItemCaseSensitive(line, "fn");
        cr_assert(cJSON_IsString(fn), "vector line without a string \"fn\"");
        if (name && strcmp(fn->valuestring, name) != 0)
            continue;
        checked++;
        const cJSON *args = cJSON_GetObjectItemCaseSensitive(line, "args");
        const cJSON *expect = cJSON_GetObjectItemCaseSensitive(line, "expect");
        taf_err err = {0};
        cJSON *got = formula_run(fn->valuestring, args, &err);
        char why[1024] = "";
        char *a = cJSON_PrintUnformatted(args);
        if (!got) {
            if (*failed < 8)
                cr_log_error("%s args=%s: unexpected error %s: %s", fn->valuestring, a,
                             err.code, err.message);
            (*failed)++;
        } else if (!json_close(expect, got, 1e-12, why, sizeof why)) {
            if (*failed < 8)
                cr_log_error("%s args=%s: %s", fn->valuestring, a, why);
            (*failed)++;
        }
        cJSON_free(a);
        cJSON_Delete(got);
    }
    cJSON_Delete(all);
    return checked;
}

static void check_formula(const char *name, int expected_count)
{
    cr_assert_not_null(formula_find(name), "formula %s is not registered", name);
    int failed = 0;
    int checked = run_vectors(name, &failed);
    cr_expect_eq(failed, 0, "%s: %d of %d vectors differ", name, failed, checked);
    cr_expect_eq(checked, expected_count, "%s: checked %d vectors, expected %d", name, checked,
                 expected_count);
}

#define VEC(fn, count) \
    Test(formula_vectors, fn) { check_formula(#fn, count); }

VEC(verify_algebraic_consistency, 26)
VEC(critical_exponents_bundle, 26)
VEC(hagedorn_safety_alert, 26)
VEC(bimodal_phase_class, 26)
VEC(famous_constant_proximity, 26)
VEC(chi_susceptibility, 26)
VEC(pade_deviation_index, 78)
VEC(d_horizon, 78)
VEC(p_hallucinate, 78)
VEC(kv_soft_decay_regime, 78)
VEC(D_f_exact, 414)
VEC(partition_Z, 69)
VEC(mean_log_d, 69)
VEC(entropy_S, 69)
VEC(free_energy_F, 69)
VEC(heat_capacity_Cv, 69)
VEC(theta_design, 15)
VEC(precision_shift_predict_4bit, 10)
VEC(architectural_concentration_predict, 9)
VEC(gamma_decompose_v2, 24)
VEC(imprint_purity, 12)
VEC(compute_invariant_K, 12)
VEC(ih_phase_check, 12)

/* Non-blank lines of the raw file, counted without the JSON reader. */
static int raw_line_count(void)
{
    const char *dir = getenv("TAF_TEST_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/vectors/formulas.jsonl", dir ? dir : "tests");
    FILE *fp = fopen(path, "r");
    cr_assert_not_null(fp, "cannot open %s", path);
    int lines = 0, c, blank = 1;
    while ((c = fgetc(fp)) != EOF) {
        if (c == '\n') {
            lines += !blank;
            blank = 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            blank = 0;
        }
    }
    lines += !blank;
    fclose(fp);
    return lines;
}

Test(formula_vectors, every_line_is_checked_and_passes)
{
    int failed = 0;
    int checked = run_vectors(NULL, &failed);
    int raw = raw_line_count();
    cr_expect_eq(raw, VECTOR_LINES, "formulas.jsonl has %d lines, expected %d", raw,
                 VECTOR_LINES);
    cr_expect_eq(checked, raw, "checked %d vectors of %d lines", checked, raw);
    cr_expect_eq(failed, 0, "%d of %d vectors differ", failed, checked);
}
