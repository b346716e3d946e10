#include "cli/cli.h"
#include "store/panel_files.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int cli_report(const taf_err *e)
{
    if (e->hint[0])
        fprintf(stderr, "tafcard: %s: %s (hint: %s)\n", e->code, e->message, e->hint);
    else
        fprintf(stderr, "tafcard: %s: %s\n", e->code, e->message);
    return TAF_EXIT_INPUT;
}

char *cli_read_file(const char *path, size_t *len, taf_err *err)
{
    bool is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        taf_fail(err, "CANNOT_READ", "check the path and its permissions",
                 "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        abort();
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                abort();
        }
    }
    bool failed = ferror(f);
    if (!is_stdin)
        fclose(f);
    if (failed) {
        free(buf);
        taf_fail(err, "CANNOT_READ", NULL, "error reading '%s'", path);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

/* Line and column (1-based) of a byte offset, for parse errors. */
static void line_col(const char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && text[i]; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

/* Deepest [ / { nesting outside strings in the first `n` bytes. */
static size_t nesting(const char *text, size_t n)
{
    size_t depth = 0, max = 0;
    bool in_str = false;
    for (size_t i = 0; i < n && text[i]; i++) {
        char c = text[i];
        if (in_str) {
            if (c == '\\' && text[i + 1])
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                max = depth;
        } else if ((c == ']' || c == '}') && depth) {
            depth--;
        }
    }
    return max;
}

cJSON *cli_parse_json(const char *text, const char *source, taf_err *err)
{
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithOpts(text, &end, true);
    if (!v) {
        int line, col;
        size_t off = end ? (size_t)(end - text) : 0;
        if (nesting(text, off + 1) > CJSON_NESTING_LIMIT) {
            taf_fail(err, "TOO_DEEP", "arguments are one flat JSON object",
                     "%s: expected JSON nested at most %d levels deep", source,
                     CJSON_NESTING_LIMIT);
            return NULL;
        }
        line_col(text, off, &line, &col);
        taf_fail(err, "BAD_JSON", "arguments are one JSON object, e.g. '{\"theta\": 500000}'",
                 "%s: invalid JSON at line %d, column %d", source, line, col);
        return NULL;
    }
    /* a key given twice: which value wins differs between JSON readers */
    if (!pf_check_duplicate_keys(v, source, err)) {
        if (err)
            snprintf(err->hint, sizeof err->hint, "give each key once");
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

void cli_args_init(cli_args *a) { a->obj = NULL; }

static bool merge_object(cli_args *a, cJSON *src, const char *source, taf_err *err)
{
    if (!cJSON_IsObject(src)) {
        cJSON_Delete(src);
        return taf_fail(err, "WRONG_TYPE", "arguments are one JSON object",
                        "%s: expected a JSON object of arguments", source);
    }
    if (!a->obj)
        a->obj = cJSON_CreateObject();
    while (src->child) {
        cJSON *item = cJSON_DetachItemViaPointer(src, src->child);
        cJSON_DeleteItemFromObjectCaseSensitive(a->obj, item->string);
        cJSON_AddItemToObject(a->obj, item->string, item);
        /* AddItemToObject copied the key; drop the detached copy's */
    }
    cJSON_Delete(src);
    return true;
}

int cli_args_option(cli_args *a, int argc, char **argv, int i, taf_err *err)
{
    const char *opt = argv[i];
    bool is_args = strcmp(opt, "--args") == 0, is_file = strcmp(opt, "--args-file") == 0;
    bool is_set = strcmp(opt, "--set") == 0;
    if (!is_args && !is_file && !is_set)
        return 0;
    if (i + 1 >= argc) {
        taf_fail(err, "USAGE", "see tafcard help", "%s needs a value", opt);
        return -1;
    }
    const char *val = argv[i + 1];
    if (is_args || is_file) {
        char *text = NULL;
        const char *src = "--args";
        if (is_file) {
            text = cli_read_file(val, NULL, err);
            if (!text)
                return -1;
            src = val;
        }
        cJSON *v = cli_parse_json(is_file ? text : val, src, err);
        free(text);
        if (!v || !merge_object(a, v, src, err))
            return -1;
        return 2;
    }
    const char *eq = strchr(val, '=');
    if (!eq || eq == val) {
        taf_fail(err, "USAGE", "write --set name=value, e.g. --set T_eval=32768",
                 "--set '%s': expected name=value", val);
        return -1;
    }
    char *key = strndup(val, (size_t)(eq - val));
    if (!key)
        abort();
    /* a value that reads as JSON (number, true, "text") keeps its type;
     * anything else is taken as a string */
    cJSON *v = cJSON_ParseWithOpts(eq + 1, NULL, true);
    if (!v)
        v = cJSON_CreateString(eq + 1);
    if (!a->obj)
        a->obj = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(a->obj, key);
    cJSON_AddItemToObject(a->obj, key, v);
    free(key);
    return 2;
}

cJSON *cli_args_take(cli_args *a)
{
    cJSON *o = a->obj ? a->obj : cJSON_CreateObject();
    a->obj = NULL;
    return o;
}

void cli_args_free(cli_args *a)
{
    cJSON_Delete(a->obj);
    a->obj = NULL;
}

bool cli_print_json(const cJSON *v, bool compact)
{
    char *s = compact ? cJSON_PrintUnformatted(v) : cJSON_Print(v);
    if (!s)
        return false;
    int rc = fputs(s, stdout);
    free(s);
    return rc >= 0 && fputc('\n', stdout) != EOF;
}
