/* The JSON pull parser (src/util/jsonpull.c): tokens in document order,
 * escapes, skipping, errors with line and column, its limits, and the same
 * values as cJSON on every JSON fixture that cJSON reads. */
#define _DEFAULT_SOURCE /* DT_DIR, fmemopen */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "util/fsutil.h"
#include "util/jsonpull.h"

typedef struct {
    FILE *f;
    jpull *p;
} doc;

static doc open_doc(const char *text)
{
    doc d;
    d.f = fmemopen((void *)text, strlen(text), "r");
    cr_assert_not_null(d.f);
    d.p = jp_new(d.f, "t.json");
    cr_assert_not_null(d.p);
    return d;
}

static void close_doc(doc *d)
{
    jp_free(d->p);
    fclose(d->f);
}

/* Tokens of a document as one line: "{ k:a [ n:1 ] }" etc. */
static void render_tokens(const char *text, char *out, size_t outsz)
{
    doc d = open_doc(text);
    out[0] = '\0';
    size_t n = 0;
    for (;;) {
        jp_token t = jp_next(d.p);
        const char *s = jp_text(d.p, NULL);
        char tok[256];
        switch (t) {
        case JP_BEGIN_OBJECT: snprintf(tok, sizeof tok, "{"); break;
        case JP_END_OBJECT: snprintf(tok, sizeof tok, "}"); break;
        case JP_BEGIN_ARRAY: snprintf(tok, sizeof tok, "["); break;
        case JP_END_ARRAY: snprintf(tok, sizeof tok, "]"); break;
        case JP_KEY: snprintf(tok, sizeof tok, "k:%s", s); break;
        case JP_STRING: snprintf(tok, sizeof tok, "s:%s", s); break;
        case JP_NUMBER: snprintf(tok, sizeof tok, "n:%s", s); break;
        case JP_TRUE: snprintf(tok, sizeof tok, "true"); break;
        case JP_FALSE: snprintf(tok, sizeof tok, "false"); break;
        case JP_NULL: snprintf(tok, sizeof tok, "null"); break;
        case JP_EOF: snprintf(tok, sizeof tok, "EOF"); break;
        case JP_ERROR: snprintf(tok, sizeof tok, "ERROR %s", jp_error(d.p)); break;
        }
        n += (size_t)snprintf(out + n, outsz - n, "%s%s", n ? " " : "", tok);
        if (t == JP_EOF || t == JP_ERROR || n >= outsz)
            break;
    }
    close_doc(&d);
}

Test(jsonpull, tokens_come_in_document_order_with_their_text)
{
    char got[1024];
    render_tokens("{\"a\": [1, -2.5e+3, \"x\"], \"b\": {\"c\": true, \"d\": null},\n"
                  " \"e\": false, \"f\": [], \"g\": {}, \"h\": 0}",
                  got, sizeof got);
    cr_expect_str_eq(got, "{ k:a [ n:1 n:-2.5e+3 s:x ] k:b { k:c true k:d null } k:e false "
                          "k:f [ ] k:g { } k:h n:0 } EOF");
    render_tokens("  \"top\"  ", got, sizeof got);
    cr_expect_str_eq(got, "s:top EOF");
    render_tokens("-0.0E-7", got, sizeof got);
    cr_expect_str_eq(got, "n:-0.0E-7 EOF");
}

Test(jsonpull, depth_counts_open_containers)
{
    doc d = open_doc("[{\"a\": [2]}]");
    int want[] = {1, 2, 2, 3, 3, 2, 1, 0};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        jp_next(d.p);
        cr_expect_eq(jp_depth(d.p), want[i], "token %zu: depth %d", i, jp_depth(d.p));
    }
    cr_expect_eq(jp_next(d.p), JP_EOF);
    close_doc(&d);
}

Test(jsonpull, escapes_and_surrogate_pairs_decode_to_utf8)
{
    doc d = open_doc("[\"\\u00e9\\ud83d\\ude00\\\"\\\\\\/\\b\\f\\n\\r\\t\", \"a\\u0000b\"]");
    cr_assert_eq(jp_next(d.p), JP_BEGIN_ARRAY);
    cr_assert_eq(jp_next(d.p), JP_STRING);
    size_t len;
    const char *s = jp_text(d.p, &len);
    cr_expect_str_eq(s, "\xc3\xa9\xf0\x9f\x98\x80\"\\/\b\f\n\r\t");
    cr_expect_eq(len, strlen(s));
    cr_assert_eq(jp_next(d.p), JP_STRING);
    s = jp_text(d.p, &len);
    cr_expect_eq(len, 3, "\\u0000 keeps the full length");
    cr_expect(memcmp(s, "a\0b", 3) == 0);
    close_doc(&d);
}

Test(jsonpull, skip_passes_over_a_whole_nested_value)
{
    doc d = open_doc("{\"skip\": {\"x\": [1, {\"y\": [[], {}]}], \"z\": \"}\"}, \"keep\": 7}");
    cr_assert_eq(jp_next(d.p), JP_BEGIN_OBJECT);
    cr_assert_eq(jp_next(d.p), JP_KEY);
    cr_assert_eq(jp_next(d.p), JP_BEGIN_OBJECT);
    cr_assert(jp_skip(d.p), "%s", jp_error(d.p));
    cr_expect_eq(jp_depth(d.p), 1);
    cr_assert_eq(jp_next(d.p), JP_KEY);
    cr_expect_str_eq(jp_text(d.p, NULL), "keep");
    cr_assert_eq(jp_next(d.p), JP_NUMBER);
    cr_expect(jp_skip(d.p), "skipping a scalar is a no-op");
    cr_expect_str_eq(jp_text(d.p, NULL), "7");
    cr_expect_eq(jp_next(d.p), JP_END_OBJECT);
    cr_expect_eq(jp_next(d.p), JP_EOF);
    cr_expect_eq(jp_next(d.p), JP_EOF, "EOF is sticky");
    close_doc(&d);
}

Test(jsonpull, malformed_documents_fail_at_their_line_and_column)
{
    static const struct {
        const char *doc, *where, *what;
    } C[] = {
        {"", "t.json:1:1:", "unexpected end"},
        {"{\"a\" 1}", "t.json:1:6:", "expected ':'"},
        {"[1,]", "t.json:1:4:", "expected a value"},
        {"{\"a\":1,}", "t.json:1:8:", "expected a member name"},
        {"{1:2}", "t.json:1:2:", "expected a member name (a string) or '}'"},
        {"[01]", "t.json:1:3:", "expected ',' or ']'"},
        {"{\"a\":1]", "t.json:1:7:", "expected ',' or '}'"},
        {"\"abc", "t.json:1:1:", "unterminated string"},
        {"{\"a\":1} x", "t.json:1:9:", "expected the end of the document"},
        {"[1.]", "t.json:1:2:", "after the decimal point"},
        {"[1e+]", "t.json:1:2:", "in the exponent"},
        {"[-x]", "t.json:1:2:", "expected a digit"},
        {"[\"\\x\"]", "t.json:1:2:", "unknown escape"},
        {"[\"\\u12g4\"]", "t.json:1:2:", "four hex digits"},
        {"[\"\\ud800\"]", "t.json:1:2:", "without its low surrogate"},
        {"[\"\\ud800\\u0041\"]", "t.json:1:2:", "expected DC00..DFFF"},
        {"[\"\\udc00\"]", "t.json:1:2:", "lone low surrogate"},
        {"[\"a\x01" "b\"]", "t.json:1:2:", "raw control character (0x01)"},
        {"[tru]", "t.json:1:2:", "not true"},
        {"[nul", "t.json:1:2:", "not null"},
        {"\n\n  [1 2]", "t.json:3:6:", "expected ',' or ']'"},
        {"[1,\n", "t.json:2:1:", "unexpected end"},
        {"@", "t.json:1:1:", "expected a value"},
    };
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        char got[1024];
        render_tokens(C[i].doc, got, sizeof got);
        const char *e = strstr(got, "ERROR ");
        cr_expect_not_null(e, "case %zu (%s): no error: %s", i, C[i].doc, got);
        if (!e)
            continue;
        cr_expect(strstr(e, C[i].where) != NULL, "case %zu: want %s in %s", i, C[i].where, e);
        cr_expect(strstr(e, C[i].what) != NULL, "case %zu: want '%s' in %s", i, C[i].what, e);
    }
}

Test(jsonpull, an_error_is_sticky)
{
    doc d = open_doc("[1 2] [3]");
    cr_expect_eq(jp_next(d.p), JP_BEGIN_ARRAY);
    cr_expect_eq(jp_next(d.p), JP_NUMBER);
    cr_expect_eq(jp_next(d.p), JP_ERROR);
    cr_expect_eq(jp_next(d.p), JP_ERROR);
    cr_expect_not(jp_skip(d.p));
    close_doc(&d);
}

static char *repeat(const char *head, char c, size_t n, const char *tail)
{
    size_t hl = strlen(head), tl = strlen(tail);
    char *s = malloc(hl + n + tl + 1);
    memcpy(s, head, hl);
    memset(s + hl, c, n);
    memcpy(s + hl + n, tail, tl + 1);
    return s;
}

Test(jsonpull, nesting_and_string_length_are_bounded)
{
    char got[1024];
    char *deep = repeat("", '[', JP_MAX_DEPTH, "");
    char *deep_ok = malloc(2 * JP_MAX_DEPTH + 1);
    memset(deep_ok, '[', JP_MAX_DEPTH);
    memset(deep_ok + JP_MAX_DEPTH, ']', JP_MAX_DEPTH);
    deep_ok[2 * JP_MAX_DEPTH] = '\0';
    doc d = open_doc(deep_ok);
    jp_token t;
    while ((t = jp_next(d.p)) != JP_EOF && t != JP_ERROR)
        ;
    cr_expect_eq(t, JP_EOF, "%d levels are allowed: %s", JP_MAX_DEPTH, jp_error(d.p));
    close_doc(&d);
    char *too_deep = repeat("[", '[', JP_MAX_DEPTH, "");
    render_tokens(too_deep, got, sizeof got);
    cr_expect(strstr(got, "nested deeper than") != NULL, "%.200s", got + strlen(got) - 200);
    char *longest = repeat("\"", 'x', JP_MAX_TEXT - 1, "\"");
    d = open_doc(longest);
    cr_expect_eq(jp_next(d.p), JP_STRING, "%s", jp_error(d.p));
    close_doc(&d);
    char *too_long = repeat("\"", 'x', JP_MAX_TEXT, "\"");
    render_tokens(too_long, got, sizeof got);
    cr_expect(strstr(got, "longer than") != NULL, "%s", got);
    free(deep);
    free(deep_ok);
    free(too_deep);
    free(longest);
    free(too_long);
}

/* ---- the same values as cJSON ---------------------------------------------- */

static cJSON *build_value(jpull *p, jp_token t);

static cJSON *build_container(jpull *p, bool object)
{
    cJSON *c = object ? cJSON_CreateObject() : cJSON_CreateArray();
    for (;;) {
        jp_token t = jp_next(p);
        if (t == JP_END_OBJECT || t == JP_END_ARRAY)
            return c;
        char *key = NULL;
        if (object) {
            cr_assert_eq(t, JP_KEY, "%s", jp_error(p));
            key = strdup(jp_text(p, NULL));
            t = jp_next(p);
        }
        cJSON *v = build_value(p, t);
        if (object)
            cJSON_AddItemToObject(c, key, v);
        else
            cJSON_AddItemToArray(c, v);
        free(key);
    }
}

static cJSON *build_value(jpull *p, jp_token t)
{
    switch (t) {
    case JP_BEGIN_OBJECT: return build_container(p, true);
    case JP_BEGIN_ARRAY: return build_container(p, false);
    case JP_STRING: return cJSON_CreateString(jp_text(p, NULL));
    case JP_NUMBER: return cJSON_CreateNumber(strtod(jp_text(p, NULL), NULL));
    case JP_TRUE: return cJSON_CreateTrue();
    case JP_FALSE: return cJSON_CreateFalse();
    case JP_NULL: return cJSON_CreateNull();
    default: cr_assert_fail("unexpected token %d: %s", t, jp_error(p)); return NULL;
    }
}

static void compare_with_cjson(const char *path, int *compared)
{
    char *text = fs_read_all(path, NULL);
    cr_assert_not_null(text);
    cJSON *want = cJSON_Parse(text);
    free(text);
    if (!want)
        return; /* a fixture that is not JSON on purpose */
    FILE *f = fopen(path, "rb");
    jpull *p = jp_new(f, path);
    cJSON *got = build_value(p, jp_next(p));
    cr_expect_eq(jp_next(p), JP_EOF, "%s: %s", path, jp_error(p));
    char *a = cJSON_PrintUnformatted(want), *b = cJSON_PrintUnformatted(got);
    cr_expect_str_eq(b, a, "%s reads differently", path);
    free(a);
    free(b);
    cJSON_Delete(want);
    cJSON_Delete(got);
    jp_free(p);
    fclose(f);
    (*compared)++;
}

static void walk(const char *dir, int *compared)
{
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot list %s", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        size_t l = strlen(e->d_name);
        if (e->d_type == DT_DIR)
            walk(sub, compared);
        else if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0)
            compare_with_cjson(sub, compared);
    }
    closedir(d);
}

Test(jsonpull, reads_every_json_fixture_as_cjson_does)
{
    const char *data = getenv("TAF_TEST_DATA");
    cr_assert_not_null(data, "TAF_TEST_DATA is not set (run through make test)");
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/fixtures", data);
    int compared = 0;
    walk(dir, &compared);
    cr_expect_gt(compared, 20, "only %d fixtures compared", compared);
}
