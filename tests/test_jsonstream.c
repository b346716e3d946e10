/* Reading a large JSON document value by value: the same values as cJSON's
 * whole-document parse, across buffer boundaries, and located errors. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "util/jsonstream.h"

static FILE *file_of(const char *text)
{
    FILE *f = tmpfile();
    cr_assert_not_null(f);
    fputs(text, f);
    rewind(f);
    return f;
}

/* A manifest-shaped document of n entries (≈ 130 bytes each). */
static char *manifest_text(int n)
{
    cJSON *root = cJSON_CreateObject(), *files = cJSON_AddArrayToObject(root, "files");
    cJSON_AddStringToObject(root, "generator", "tafcard test");
    for (int i = 0; i < n; i++) {
        cJSON *e = cJSON_CreateObject();
        char path[64];
        snprintf(path, sizeof path, "models/m%05d/charts/ünïcode \\\"q\\\".svg", i);
        cJSON_AddStringToObject(e, "path", path);
        cJSON_AddStringToObject(e, "sha256", "4e5d8267aaf949b4edd0df2027d8f6596bcd2ad02a04550e62a5f67d6b57fee5");
        cJSON_AddNumberToObject(e, "size", 1000003.0 * i + 0.25);
        cJSON_AddItemToArray(files, e);
    }
    cJSON *inputs = cJSON_AddObjectToObject(root, "build_inputs");
    cJSON_AddStringToObject(inputs, "pages", "p");
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    return text;
}

Test(jsonstream, reads_every_entry_of_a_large_document_as_cjson_does)
{
    char *text = manifest_text(3000); /* ~400 KB: many buffer refills */
    cJSON *whole = cJSON_Parse(text);
    FILE *f = file_of(text);
    jstream *s = js_new(f, "manifest.json");
    cr_assert(js_begin(s, '{'));
    int seen = 0, members = 0;
    while (js_more(s)) {
        char *key = js_key(s);
        cr_assert_not_null(key, "%s", js_error(s));
        members++;
        if (strcmp(key, "files") == 0) {
            cr_assert(js_begin(s, '['));
            const cJSON *want = cJSON_GetObjectItem(whole, "files")->child;
            while (js_more(s)) {
                cJSON *v = js_value(s);
                cr_assert_not_null(v, "%s", js_error(s));
                cr_assert(cJSON_Compare(v, want, true), "entry %d differs", seen);
                cJSON_Delete(v);
                want = want->next;
                seen++;
            }
        } else {
            cr_assert(js_skip(s), "%s", js_error(s));
        }
        free(key);
    }
    cr_expect(js_end(s), "%s", js_error(s));
    cr_expect_eq(seen, 3000);
    cr_expect_eq(members, 3);
    cr_expect_not(js_failed(s));
    js_free(s);
    fclose(f);
    cJSON_Delete(whole);
    free(text);
}

Test(jsonstream, a_number_split_by_a_buffer_boundary_is_read_whole)
{
    /* numbers placed so that, at some padding, one straddles the 64 KiB
     * refill boundary */
    for (int pad = 0; pad < 12; pad++) {
        size_t n = 70000;
        char *text = malloc(n + 64);
        size_t len = 0;
        text[len++] = '[';
        while (len < 65536 - 20 + (size_t)pad) {
            text[len++] = ' ';
        }
        len += (size_t)sprintf(text + len, "123456789.125, 7e-3, true, null]");
        text[len] = '\0';
        FILE *f = file_of(text);
        jstream *s = js_new(f, "n.json");
        cr_assert(js_begin(s, '['));
        cr_assert(js_more(s));
        cJSON *a = js_value(s);
        cr_assert_not_null(a, "pad %d: %s", pad, js_error(s));
        cr_expect_eq(a->valuedouble, 123456789.125, "pad %d", pad);
        cr_assert(js_more(s));
        cJSON *b = js_value(s);
        cr_assert_not_null(b, "pad %d: %s", pad, js_error(s));
        cr_expect_eq(b->valuedouble, 7e-3, "pad %d: %.17g", pad, b->valuedouble);
        cr_assert(js_more(s) && js_skip(s));
        cr_assert(js_more(s) && js_skip(s));
        cr_expect_not(js_more(s));
        cr_expect(js_end(s), "%s", js_error(s));
        cJSON_Delete(a);
        cJSON_Delete(b);
        js_free(s);
        fclose(f);
        free(text);
    }
}

static const char *first_error(const char *text, bool walk_object)
{
    static char msg[700];
    FILE *f = file_of(text);
    jstream *s = js_new(f, "bad.json");
    if (walk_object && js_begin(s, '{')) {
        while (js_more(s)) {
            char *k = js_key(s);
            free(k);
            if (!k || !js_skip(s))
                break;
        }
    } else if (!walk_object && js_begin(s, '[')) {
        while (js_more(s) && js_skip(s))
            ;
    }
    js_end(s);
    snprintf(msg, sizeof msg, "%s", js_error(s));
    js_free(s);
    fclose(f);
    return msg;
}

Test(jsonstream, errors_name_the_file_line_column_and_what_was_expected)
{
    cr_expect_str_eq(first_error("{\"a\": 1,\n \"b\" 2}", true), "bad.json:2:6: expected ':' after a member name, found '2'");
    cr_expect_str_eq(first_error("[1, 2,]", false), "bad.json:1:7: expected a well-formed JSON value; it breaks here");
    cr_expect_str_eq(first_error("[1 2]", false), "bad.json:1:4: expected ',' or ']', found '2'");
    cr_expect_str_eq(first_error("{\"a\": 1} x", true), "bad.json:1:10: expected the end of the file, found 'x'");
    cr_expect_str_eq(first_error("{\"a\": [1, 2", true), "bad.json:1:11: expected a well-formed JSON value; it breaks here");
    cr_expect_str_eq(first_error("[1, 2", false), "bad.json:1:6: expected ',' or ']', found the end of the file");
    cr_expect_str_eq(first_error("{3: 1}", true), "bad.json:1:2: expected a member name (a string), found '3'");
    cr_expect_str_eq(first_error("[\"caf\xC3\xA9\",\n  tru]", false), "bad.json:2:3: expected a well-formed JSON value; it breaks here");
}

Test(jsonstream, a_value_larger_than_the_limit_is_refused_not_buffered_without_end)
{
    size_t n = JS_MAX_VALUE + (1u << 20); /* the limit holds to within one read */
    char *text = malloc(n + 8);
    text[0] = '[';
    text[1] = '"';
    memset(text + 2, 'x', n);
    strcpy(text + 2 + n, "\"]");
    FILE *f = file_of(text);
    jstream *s = js_new(f, "big.json");
    cr_assert(js_begin(s, '[') && js_more(s));
    cr_expect_null(js_value(s));
    cr_expect(strstr(js_error(s), "a value longer than that is refused") != NULL, "%s", js_error(s));
    js_free(s);
    fclose(f);
    free(text);
}
