/* Regression tests for what fuzzing (tests/fuzz/) and the hardening review
 * found: one test per problem, named after it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <criterion/criterion.h>
#include <libxml/parser.h>

#include "recipes/recipe.h"
#include "diff/carddiff.h"
#include "render/binder.h"
#include "store/modelspec.h"
#include "store/panel_files.h"
#include "util/nanjson.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *bind(const char *tpl, const char *json, taf_err *err)
{
    xmlDocPtr t = tpl_load_memory(tpl, strlen(tpl), "t.xhtml", err);
    cr_assert_not_null(t, "%s", err->message);
    cJSON *data = cJSON_Parse(json);
    xmlDocPtr d = tpl_bind(t, "t.xhtml", data, err);
    char *out = d ? tpl_serialize(d, NULL) : NULL;
    xmlFreeDoc(d);
    xmlFreeDoc(t);
    cJSON_Delete(data);
    return out;
}

/* fuzz_binder: a data string with invalid UTF-8 made a page that is not
 * well-formed (libxml2 copied the bytes through). */
Test(hardening, binder_invalid_utf8_and_control_chars_become_replacement_chars)
{
    taf_err err = {0};
    char *out = bind("<p><b data-text=\"s\"/><i data-attr=\"title={s}\"/></p>",
                     "{\"s\": \"a\xffz<\\u0001>\"}", &err);
    cr_assert_not_null(out, "%s", err.message);
    cr_expect(strstr(out, "<b>a\xef\xbf\xbdz&lt;\xef\xbf\xbd&gt;</b>") != NULL, "%s", out);
    xmlDocPtr again = xmlReadMemory(out, (int)strlen(out), "again", NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_expect_not_null(again, "bound page is not well-formed: %s", out);
    xmlFreeDoc(again);
    free(out);
}

/* fuzz_binder: data-attr="a b=x" produced an attribute name XML cannot
 * hold. */
Test(hardening, binder_rejects_invalid_attribute_names)
{
    taf_err err = {0};
    char *out = bind("<p data-attr=\"on click=x\">t</p>", "{}", &err);
    cr_expect_null(out);
    cr_expect_str_eq(err.code, "BAD_TEMPLATE");
    free(out);
}

/* Nested data-repeat over large arrays grows multiplicatively: bounded. */
Test(hardening, binder_bounds_nested_repeat_expansion)
{
    char json[8192] = "{\"a\": [";
    for (int i = 0; i < 400; i++)
        strcat(json, i ? ",1" : "1");
    strcat(json, "]}");
    taf_err err = {0};
    char *out = bind("<p><i data-repeat=\"$.a\"><i data-repeat=\"$.a\"><i data-repeat=\"$.a\">"
                     "<b data-text=\".\"/></i></i></i></p>",
                     json, &err);
    cr_expect_null(out, "400^3 elements were bound");
    cr_expect_str_eq(err.code, "TOO_LARGE");
    free(out);
}

/* fuzz_carddiff: a card with a key twice differs from itself (members are
 * looked up by name, so both "" entries of {"":6,"":3} meet the first).
 * Fix in src/diff/carddiff.c (diff engineer): match same-named members by
 * occurrence, or have tafcard diff reject duplicate keys (DUPLICATE_KEY)
 * before diffing. */
Test(hardening, carddiff_a_card_with_a_repeated_key_equals_itself)
{
    cJSON *a = cJSON_Parse("{\"\":6,\"\":3}");
    cr_assert_not_null(a);
    carddiff_opts o = carddiff_defaults();
    cr_expect(carddiff_json_equal(a, a, &o), "a value differs from itself");
    cJSON *d = carddiff_cards(a, a, &o);
    cr_expect(!carddiff_has_changes(d), "self-diff reports changes");
    cJSON_Delete(d);
    cJSON_Delete(a);
}

/* Jamba-style configs counted attention layers with a loop up to
 * num_hidden_layers (up to 2^53): a hang. Now counted arithmetically. */
Test(hardening, jamba_layer_count_is_not_a_loop)
{
    cJSON *cfg = cJSON_Parse("{\"model_type\": \"jamba\", \"num_hidden_layers\": 9007199254740992, "
                             "\"attn_layer_period\": 8, \"attn_layer_offset\": 4}");
    taf_model_spec s;
    taf_err err = {0};
    double t0 = now_s();
    cr_assert(config_to_spec(cfg, "org/j", "j.json", &s, &err), "%s", err.message);
    cr_expect_lt(now_s() - t0, 1.0);
    cr_expect_eq(s.n_attention_layers, 9007199254740992LL / 8);
    spec_free(&s);
    cJSON_Delete(cfg);
    /* small cases as before: layers i with i % 8 == 4 */
    const long long layers[] = {1, 4, 5, 12, 13, 32};
    const long long want[] = {0, 0, 1, 1, 2, 4};
    for (int i = 0; i < 6; i++) {
        char text[200];
        snprintf(text, sizeof text,
                 "{\"model_type\": \"jamba\", \"num_hidden_layers\": %lld}", layers[i]);
        cfg = cJSON_Parse(text);
        cr_assert(config_to_spec(cfg, "org/j", "j.json", &s, &err), "%s", err.message);
        cr_expect_eq(s.n_attention_layers, want[i], "%lld layers", layers[i]);
        spec_free(&s);
        cJSON_Delete(cfg);
    }
}

/* The duplicate-key check compared every member with every earlier one:
 * an object of 10^5 members took minutes. */
Test(hardening, duplicate_key_check_is_not_quadratic)
{
    enum { N = 100000 };
    char *text = malloc((size_t)N * 16 + 64);
    size_t n = (size_t)sprintf(text, "{");
    for (int i = 0; i < N; i++)
        n += (size_t)sprintf(text + n, "\"k%d\":1,", i);
    n += (size_t)sprintf(text + n, "\"k7\":2}");
    cJSON *j = cJSON_Parse(text);
    cr_assert_not_null(j);
    taf_err err = {0};
    double t0 = now_s();
    cr_expect_not(pf_check_duplicate_keys(j, "big.json", &err));
    cr_expect_lt(now_s() - t0, 2.0);
    cr_expect_str_eq(err.code, "DUPLICATE_KEY");
    cr_expect(strstr(err.message, "/k7") != NULL, "%s", err.message);
    cJSON_Delete(j);
    /* the first repeat in document order is the one reported */
    j = cJSON_Parse("{\"a\":1,\"b\":1,\"c\":1,\"d\":1,\"e\":1,\"f\":1,\"g\":1,\"h\":1,\"i\":1,"
                    "\"j\":1,\"k\":1,\"l\":1,\"m\":1,\"n\":1,\"o\":1,\"p\":1,\"q\":1,\"r\":1,"
                    "\"s\":1,\"t\":1,\"u\":1,\"v\":1,\"w\":1,\"x\":1,\"y\":1,\"z\":1,\"A\":1,"
                    "\"B\":1,\"C\":1,\"D\":1,\"E\":1,\"F\":1,\"q\":2,\"b\":2}");
    cr_expect_not(pf_check_duplicate_keys(j, "x.json", &err));
    cr_expect(strstr(err.message, "/q:") != NULL, "%s", err.message);
    cJSON_Delete(j);
    free(text);
}

/* Input encoding and nesting are checked before parsing. */
Test(hardening, strict_input_parse_reports_encoding_depth_nul_and_nan)
{
    static const struct {
        const char *text;
        size_t len;
        bool allow_nan;
        const char *code;
    } cases[] = {
        {"\xEF\xBB\xBF{}", 5, true, "BAD_ENCODING"},
        {"{\"a\": \"\xff\"}", 10, true, "BAD_ENCODING"},
        {"{\"a\": \"\xed\xa0\x80\"}", 12, true, "BAD_ENCODING"},   /* surrogate */
        {"{\"a\": \"\xf0\x82\x82\xac\"}", 13, true, "BAD_ENCODING"}, /* overlong */
        {"{\"a\": 1}\0", 9, true, "BAD_ENCODING"},
        {"{\"a\": \"x\\u0000y\"}", 17, true, "BAD_ENCODING"},
        {"{\"a\": NaN}", 10, false, "BAD_VALUE"},
        {"{\"a\": ", 6, true, "NOT_JSON"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        taf_err err = {0};
        cJSON *v = nanjson_parse_input(cases[i].text, cases[i].len, "in.json", cases[i].allow_nan,
                                       "hint", NULL, &err);
        cr_expect_null(v, "case %zu parsed", i);
        cJSON_Delete(v);
        cr_expect_str_eq(err.code, cases[i].code, "case %zu: %s", i, err.message);
    }
    /* fine: NaN where allowed, an escaped backslash before u0000, é */
    nanjson_counts c;
    taf_err err = {0};
    const char *ok = "{\"a\": NaN, \"b\": \"\\\\u0000\", \"c\": \"\xc3\xa9\"}";
    cJSON *v = nanjson_parse_input(ok, strlen(ok), "in.json", true, "hint", &c, &err);
    cr_expect_not_null(v, "%s", err.message);
    cr_expect_eq(c.n_nan, 1);
    cJSON_Delete(v);
    /* 1001 levels: TOO_DEEP, before cJSON's own limit says only NOT_JSON */
    char deep[2100];
    memset(deep, '[', 1001);
    memset(deep + 1001, ']', 1001);
    v = nanjson_parse_input(deep, 2002, "deep.json", true, "hint", NULL, &err);
    cr_expect_null(v);
    cr_expect_str_eq(err.code, "TOO_DEEP");
}

/* Model ids that read as paths are refused; markup is allowed (escaped on
 * output, slugged for paths). */
Test(hardening, model_id_check)
{
    static const char *const BAD[] = {"", "..", ".", "../x", "a/..", "a/./b", "/a", "a/", "a//b",
                                      "a\tb", "a\nb", "a\x7f", " a", "a "};
    static const char *const GOOD[] = {"gpt2", "EleutherAI/pythia-70m", "org/<script>", "a b",
                                       "org/...", "org/.hidden", "a/b/c", "ünï/cødé"};
    taf_err err;
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        cr_expect_not(spec_check_id(BAD[i], "t", &err), "'%s' accepted", BAD[i]);
        cr_expect_str_eq(err.code, "BAD_ID");
    }
    for (size_t i = 0; i < sizeof GOOD / sizeof GOOD[0]; i++)
        cr_expect(spec_check_id(GOOD[i], "t", &err), "'%s': %s", GOOD[i], err.message);
    char longid[200];
    memset(longid, 'a', 160);
    longid[160] = '\0';
    cr_expect_not(spec_check_id(longid, "t", &err));
}

/* Found by fuzz_recipe_args: X-19 at T_eval = 3.3·10⁹ summed 3.3·10⁹ terms
 * for its D_f step (the shortcut stops at 10⁹) and ran for minutes. */
Test(hardening, x19_refuses_a_context_its_df_step_would_sum_for_minutes)
{
    cJSON *args = cJSON_Parse("{\"theta\": 10000, \"T_train\": 3276100008, \"T_eval\": 3276100008, "
                              "\"n_attention_heads\": 40, \"n_kv_heads\": 40, \"d_head\": 128, "
                              "\"n_layers\": 32, \"n_params\": 7e9}");
    taf_err err = {0};
    cJSON *out = recipe_run("X-19", args, &err);
    cr_expect_null(out);
    cr_expect_str_eq(err.code, "OUT_OF_RANGE");
    cJSON_Delete(out);
    cJSON_SetNumberValue(cJSON_GetObjectItem(args, "T_eval"), 1000000000.0);
    out = recipe_run("X-19", args, &err);
    cr_expect_not_null(out, "10^9 still runs (through the D_f shortcut): %s", err.message);
    cJSON_Delete(out);
    cJSON_Delete(args);
}
