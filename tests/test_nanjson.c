/* The NaN/Infinity pre-pass: tokens outside strings become null and are
 * counted; strings are never touched; errors point into the original. */
#include <math.h>
#include <string.h>

#include <criterion/criterion.h>

#include "util/nanjson.h"

static char *clean(const char *in, nanjson_counts *c)
{
    nanjson_doc d;
    nanjson_clean(in, strlen(in), &d);
    if (c)
        *c = d.counts;
    char *out = strdup(d.text);
    nanjson_doc_free(&d);
    return out;
}

Test(nanjson, nan_inside_strings_is_untouched)
{
    nanjson_counts c;
    char *out = clean("{\"a\": \"NaN\", \"NaN\": NaN, \"c\": \"x Infinity -Infinity\"}", &c);
    cr_expect_str_eq(out, "{\"a\": \"NaN\", \"NaN\": null, \"c\": \"x Infinity -Infinity\"}");
    cr_expect_eq(nanjson_total(&c), 1);
    free(out);
}

Test(nanjson, escaped_quotes_do_not_end_a_string)
{
    nanjson_counts c;
    char *out = clean("[\"say \\\"NaN\\\" \\\\\", NaN, \"\\\\\", Infinity]", &c);
    cr_expect_str_eq(out, "[\"say \\\"NaN\\\" \\\\\", null, \"\\\\\", null]");
    cr_expect_eq(c.n_nan, 1);
    cr_expect_eq(c.n_inf, 1);
    free(out);
}

Test(nanjson, negative_infinity_becomes_one_null)
{
    nanjson_counts c;
    char *out = clean("{\"x\":-Infinity,\"y\":[-Infinity, 1e5, -2]}", &c);
    cr_expect_str_eq(out, "{\"x\":null,\"y\":[null, 1e5, -2]}");
    cr_expect_eq(c.n_neg_inf, 2);
    cr_expect_eq(c.n_inf, 0);
    cr_expect_eq(c.n_nan, 0);
    free(out);
}

Test(nanjson, counts_each_kind)
{
    nanjson_counts c;
    char *out = clean("[NaN,NaN,NaN,Infinity,Infinity,-Infinity]\n", &c);
    cr_expect_str_eq(out, "[null,null,null,null,null,null]\n");
    cr_expect_eq(c.n_nan, 3);
    cr_expect_eq(c.n_inf, 2);
    cr_expect_eq(c.n_neg_inf, 1);
    cr_expect_eq(nanjson_total(&c), 6);
    free(out);
}

Test(nanjson, only_whole_tokens_are_replaced)
{
    nanjson_counts c;
    char *out = clean("[NaNa, xNaN, Infinityy, nan, NaN]", &c);
    cr_expect_str_eq(out, "[NaNa, xNaN, Infinityy, nan, null]");
    cr_expect_eq(nanjson_total(&c), 1);
    free(out);
}

Test(nanjson, parse_gives_null_values_and_counts)
{
    const char *in = "{\"g\": NaN, \"v\": [1.5, -Infinity], \"s\": \"NaN\"}";
    nanjson_counts c;
    int line = 0, col = 0;
    cJSON *j = nanjson_parse(in, strlen(in), &c, &line, &col);
    cr_assert_not_null(j);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(j, "g")));
    cJSON *v = cJSON_GetObjectItem(j, "v");
    cr_expect_float_eq(cJSON_GetArrayItem(v, 0)->valuedouble, 1.5, 0);
    cr_expect(cJSON_IsNull(cJSON_GetArrayItem(v, 1)));
    cr_expect_str_eq(cJSON_GetObjectItem(j, "s")->valuestring, "NaN");
    cr_expect_eq(nanjson_total(&c), 2);
    cJSON_Delete(j);
}

Test(nanjson, error_position_is_in_the_original_text)
{
    /* "NaN" (3 bytes) -> "null" (4) and "-Infinity" (9) -> "null" (4) shift
     * the rewritten text; the column must still be the original one */
    const char *in = "{\n  \"a\": [NaN, -Infinity, NaN,, 1]\n}";
    int line = 0, col = 0;
    cJSON *j = nanjson_parse(in, strlen(in), NULL, &line, &col);
    cr_assert_null(j);
    cr_expect_eq(line, 2);
    /* the second comma of ",," is at column 32 of line 2 */
    const char *l2 = strchr(in, '\n') + 1;
    int want = (int)(strstr(l2, ",,") - l2) + 2;
    cr_expect_eq(col, want, "col %d, want %d", col, want);
}

Test(nanjson, empty_and_truncated_input_fail)
{
    int line = 0, col = 0;
    cr_expect_null(nanjson_parse("", 0, NULL, &line, &col));
    cr_expect_eq(line, 1);
    cr_expect_null(nanjson_parse("{\"a\": [1, 2", 11, NULL, &line, &col));
    cr_expect_null(nanjson_parse("[1]\0[2]", 7, NULL, &line, &col));
}
