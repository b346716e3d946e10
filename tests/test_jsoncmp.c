/* The vector-test comparator (tests/support/jsoncmp.c). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/jsoncmp.h"
#include "util/jsonnum.h"

static int close_text(const char *e, const char *a, double tol, char *why,
                      size_t whysz)
{
    cJSON *je = cJSON_Parse(e), *ja = cJSON_Parse(a);
    cr_assert_not_null(je, "bad test JSON: %s", e);
    cr_assert_not_null(ja, "bad test JSON: %s", a);
    int r = json_close(je, ja, tol, why, whysz);
    cJSON_Delete(je);
    cJSON_Delete(ja);
    return r;
}

Test(json_close, accepts_reordered_keys)
{
    char why[256];
    cr_expect(close_text("{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{\"d\":2.5}}",
                         "{\"c\":{\"d\":2.5},\"b\":[true,null,\"x\"],\"a\":1}",
                         1e-12, why, sizeof why), "%s", why);
}

Test(json_close, detects_a_number_differing_at_1e_minus_11_and_reports_the_path)
{
    char why[256];
    cr_expect(!close_text("{\"chain\":[{},{},{\"result\":{\"GB\":1.0}}]}",
                          "{\"chain\":[{},{},{\"result\":{\"GB\":1.00000000001}}]}",
                          1e-12, why, sizeof why));
    cr_expect(strncmp(why, "/chain/2/result/GB:", 19) == 0, "why: %s", why);
    cr_expect(strstr(why, "1.00000000001") != NULL, "why: %s", why);
}

Test(json_close, accepts_numbers_within_tolerance)
{
    char why[256];
    cr_expect(close_text("[0.30000000000000004]", "[0.3]", 1e-12, why,
                         sizeof why), "%s", why);
    cr_expect(close_text("[1e-300]", "[1.0000000000001e-300]", 1e-12, why,
                         sizeof why), "%s", why);
}

Test(json_close, requires_integers_to_be_exact)
{
    char why[256];
    cr_expect(!close_text("{\"n\":1000000000000}", "{\"n\":1000000000001}", 1e-9,
                          why, sizeof why));
    cr_expect(strncmp(why, "/n:", 3) == 0, "why: %s", why);
    cr_expect(close_text("{\"n\":3}", "{\"n\":3.0}", 0, why, sizeof why), "%s", why);
}

Test(json_close, detects_a_missing_key)
{
    char why[256];
    cr_expect(!close_text("{\"a\":{\"x\":1,\"y\":2}}", "{\"a\":{\"x\":1}}", 1e-12,
                          why, sizeof why));
    cr_expect(strncmp(why, "/a/y:", 5) == 0, "why: %s", why);
    cr_expect(strstr(why, "missing") != NULL, "why: %s", why);
}

Test(json_close, detects_an_extra_key)
{
    char why[256];
    cr_expect(!close_text("{\"a\":1}", "{\"a\":1,\"b\":2}", 1e-12, why, sizeof why));
    cr_expect(strncmp(why, "/b:", 3) == 0, "why: %s", why);
    cr_expect(strstr(why, "extra") != NULL, "why: %s", why);
}

Test(json_close, detects_a_type_mismatch)
{
    char why[256];
    cr_expect(!close_text("{\"v\":[1,\"2\"]}", "{\"v\":[1,2]}", 1e-12, why, sizeof why));
    cr_expect(strncmp(why, "/v/1:", 5) == 0, "why: %s", why);
    cr_expect(strstr(why, "string") && strstr(why, "number"), "why: %s", why);
    cr_expect(!close_text("[null]", "[0]", 1e-12, why, sizeof why));
    cr_expect(!close_text("[true]", "[1]", 1e-12, why, sizeof why));
    cr_expect(!close_text("[[1]]", "[{\"0\":1}]", 1e-12, why, sizeof why));
}

Test(json_close, detects_array_length_and_string_and_bool_differences)
{
    char why[256];
    cr_expect(!close_text("[1,2]", "[1,2,3]", 1e-12, why, sizeof why));
    cr_expect(!close_text("[\"GO\"]", "[\"go\"]", 1e-12, why, sizeof why));
    cr_expect(!close_text("[true]", "[false]", 1e-12, why, sizeof why));
    cr_expect(close_text("[null]", "[null]", 1e-12, why, sizeof why));
}

Test(json_close, treats_raw_number_nodes_like_parsed_numbers)
{
    char why[256];
    cJSON *e = cJSON_Parse("{\"x\":0.30000000000000004,\"k\":7}");
    cJSON *a = cJSON_CreateObject();
    jadd_num(a, "x", 0.1 + 0.2);
    jadd_int(a, "k", 7);
    cr_expect(json_close(e, a, 0, why, sizeof why), "%s", why);
    cr_expect_str_eq(json_type_name(cJSON_GetObjectItem(a, "x")), "number");
    cJSON_Delete(e);
    cJSON_Delete(a);
}

Test(json_close, escapes_pointer_segments)
{
    char why[256];
    cr_expect(!close_text("{\"a/b\":{\"c~d\":1}}", "{\"a/b\":{\"c~d\":2}}", 0,
                          why, sizeof why));
    cr_expect(strncmp(why, "/a~1b/c~0d:", 11) == 0, "why: %s", why);
}

static char *write_temp(const char *text)
{
    char dir[] = "/tmp/jsoncmp-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    size_t n = strlen(dir) + 16;
    char *path = malloc(n);
    snprintf(path, n, "%s/t.jsonl", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Remove the file written by write_temp and its directory; frees path. */
static void remove_temp(char *path)
{
    unlink(path);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    rmdir(path);
    free(path);
}

Test(jsonl_read_all, reads_every_line_and_skips_blank_ones)
{
    char *path = write_temp("{\"a\":1}\n\n[2,3]\n  \n\"s\"\n");
    size_t n = 0;
    cJSON *all = jsonl_read_all(path, &n);
    cr_assert_not_null(all);
    cr_expect_eq(n, 3);
    cr_expect_eq(cJSON_GetArraySize(all), 3);
    cr_expect(cJSON_IsArray(cJSON_GetArrayItem(all, 1)));
    cJSON_Delete(all);
    remove_temp(path);
}

Test(jsonl_read_all, fails_on_a_bad_line_naming_file_and_line)
{
    char *path = write_temp("{\"a\":1}\n{\"a\":\n");
    /* Capture stderr in a file next to the input. */
    size_t m = strlen(path) + 8;
    char *errpath = malloc(m);
    snprintf(errpath, m, "%s.err", path);
    fflush(stderr);
    int saved = dup(2);
    FILE *ef = fopen(errpath, "w+");
    cr_assert_not_null(ef);
    dup2(fileno(ef), 2);

    size_t n = 99;
    cJSON *all = jsonl_read_all(path, &n);

    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    cr_expect_null(all);
    cr_expect_eq(n, 99);

    char got[512] = "";
    rewind(ef);
    size_t k = fread(got, 1, sizeof got - 1, ef);
    got[k] = '\0';
    fclose(ef);
    char want[128];
    snprintf(want, sizeof want, "%s:2:", path);
    cr_expect(strstr(got, want) != NULL, "stderr: %s", got);
    unlink(errpath);
    free(errpath);
    remove_temp(path);
}

Test(jsonl_read_all, reads_the_golden_vectors)
{
    const char *dir = getenv("TAF_TEST_DATA");
    cr_assert_not_null(dir, "TAF_TEST_DATA is not set (run through make test)");
    const char *files[] = {"recipes.jsonl", "profiles.jsonl", "formulas.jsonl"};
    for (size_t i = 0; i < 3; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/vectors/%s", dir, files[i]);
        size_t n = 0;
        cJSON *all = jsonl_read_all(path, &n);
        cr_assert_not_null(all, "%s", path);
        cr_expect_gt(n, 0);
        cJSON_Delete(all);
    }
}
