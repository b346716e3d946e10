/* JSON comparison with tolerance, and JSON-lines reading, for tests. */
#include "support/jsoncmp.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonnum.h"

const char *json_type_name(const cJSON *node)
{
    double d;
    if (!node)
        return "invalid";
    if (cJSON_IsObject(node))
        return "object";
    if (cJSON_IsArray(node))
        return "array";
    if (cJSON_IsString(node))
        return "string";
    if (cJSON_IsBool(node))
        return "bool";
    if (cJSON_IsNull(node))
        return "null";
    if (jget_double(node, &d))
        return "number";
    if (cJSON_IsRaw(node))
        return "raw";
    return "invalid";
}

/* Short printable form of a node for messages (caller frees). */
static char *show(const cJSON *node)
{
    if (!node)
        return strdup("(absent)");
    char *s = cJSON_PrintUnformatted(node);
    if (!s)
        return strdup("(unprintable)");
    if (strlen(s) > 200) {
        strcpy(s + 190, "...");
    }
    return s;
}

static void say_diff(char *why, size_t whysz, const char *path,
                     const char *what, const cJSON *e, const cJSON *a)
{
    if (!why || whysz == 0)
        return;
    char *se = show(e), *sa = show(a);
    snprintf(why, whysz, "%s: %s: expected %s, actual %s",
             *path ? path : "/", what, se ? se : "?", sa ? sa : "?");
    free(se);
    free(sa);
}

/* Append a JSON-pointer segment ("~" -> "~0", "/" -> "~1") to path. */
static void path_push(char *path, size_t pathsz, const char *seg)
{
    size_t n = strlen(path);
    if (n + 1 >= pathsz)
        return;
    path[n++] = '/';
    for (; *seg && n + 2 < pathsz; seg++) {
        if (*seg == '~' || *seg == '/') {
            path[n++] = '~';
            path[n++] = (*seg == '~') ? '0' : '1';
        } else {
            path[n++] = *seg;
        }
    }
    path[n] = '\0';
}

static int is_integral(double x)
{
    return isfinite(x) && x == trunc(x);
}

static int numbers_close(double e, double a, double rel_tol)
{
    if (is_integral(e) && fabs(e) < 0x1p53 && is_integral(a))
        return e == a;
    if (e == a)
        return 1;
    if (isnan(e) || isnan(a))
        return isnan(e) && isnan(a);
    double m = fmax(fabs(e), fabs(a));
    return fabs(e - a) <= rel_tol * m;
}

static int cmp(const cJSON *e, const cJSON *a, double tol, char *path,
               size_t pathsz, char *why, size_t whysz)
{
    const char *te = json_type_name(e), *ta = json_type_name(a);
    if (strcmp(te, ta) != 0) {
        char what[64];
        snprintf(what, sizeof what, "type %s vs %s", te, ta);
        say_diff(why, whysz, path, what, e, a);
        return 0;
    }
    size_t mark = strlen(path);

    if (cJSON_IsObject(e)) {
        for (const cJSON *c = e->child; c; c = c->next) {
            const cJSON *o = cJSON_GetObjectItemCaseSensitive(a, c->string);
            path_push(path, pathsz, c->string ? c->string : "");
            if (!o) {
                say_diff(why, whysz, path, "key missing in actual", c, NULL);
                return 0;
            }
            if (!cmp(c, o, tol, path, pathsz, why, whysz))
                return 0;
            path[mark] = '\0';
        }
        for (const cJSON *c = a->child; c; c = c->next) {
            if (!cJSON_GetObjectItemCaseSensitive(e, c->string)) {
                path_push(path, pathsz, c->string ? c->string : "");
                say_diff(why, whysz, path, "extra key in actual", NULL, c);
                return 0;
            }
        }
        return 1;
    }
    if (cJSON_IsArray(e)) {
        int ne = cJSON_GetArraySize(e), na = cJSON_GetArraySize(a);
        if (ne != na) {
            char what[80];
            snprintf(what, sizeof what, "array length %d vs %d", ne, na);
            say_diff(why, whysz, path, what, e, a);
            return 0;
        }
        const cJSON *c = e->child, *o = a->child;
        for (int i = 0; c && o; i++, c = c->next, o = o->next) {
            char seg[24];
            snprintf(seg, sizeof seg, "%d", i);
            path_push(path, pathsz, seg);
            if (!cmp(c, o, tol, path, pathsz, why, whysz))
                return 0;
            path[mark] = '\0';
        }
        return 1;
    }
    if (cJSON_IsString(e)) {
        if (strcmp(e->valuestring, a->valuestring) != 0) {
            say_diff(why, whysz, path, "string differs", e, a);
            return 0;
        }
        return 1;
    }
    if (cJSON_IsBool(e)) {
        if (cJSON_IsTrue(e) != cJSON_IsTrue(a)) {
            say_diff(why, whysz, path, "bool differs", e, a);
            return 0;
        }
        return 1;
    }
    if (cJSON_IsNull(e))
        return 1;

    double de, da;
    if (jget_double(e, &de) && jget_double(a, &da)) {
        if (!numbers_close(de, da, tol)) {
            char what[96];
            double m = fmax(fabs(de), fabs(da));
            snprintf(what, sizeof what, "number differs (rel %.3g, tol %.3g)",
                     m > 0 ? fabs(de - da) / m : 0.0, tol);
            say_diff(why, whysz, path, what, e, a);
            return 0;
        }
        return 1;
    }
    /* Non-numeric raw nodes: compare their text. */
    if (cJSON_IsRaw(e) && cJSON_IsRaw(a) && e->valuestring && a->valuestring &&
        strcmp(e->valuestring, a->valuestring) == 0)
        return 1;
    say_diff(why, whysz, path, "values differ", e, a);
    return 0;
}

int json_close(const cJSON *expected, const cJSON *actual, double rel_tol,
               char *why, size_t whysz)
{
    char path[1024] = "";
    if (why && whysz)
        why[0] = '\0';
    return cmp(expected, actual, rel_tol, path, sizeof path, why, whysz);
}

cJSON *jsonl_read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return NULL;
    }
    cJSON *all = cJSON_CreateArray();
    char *line = NULL;
    size_t cap = 0, count = 0, lineno = 0;
    ssize_t len;
    while (all && (len = getline(&line, &cap, f)) != -1) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (strspn(line, " \t") == (size_t)len)
            continue;
        const char *end = NULL;
        cJSON *v = cJSON_ParseWithLengthOpts(line, (size_t)len + 1, &end, 1);
        if (!v) {
            long at = end ? (long)(end - line) : -1;
            fprintf(stderr, "%s:%zu: JSON parse error at column %ld\n", path,
                    lineno, at + 1);
            cJSON_Delete(all);
            all = NULL;
            break;
        }
        cJSON_AddItemToArray(all, v);
        count++;
    }
    if (all && ferror(f)) {
        fprintf(stderr, "%s: read error: %s\n", path, strerror(errno));
        cJSON_Delete(all);
        all = NULL;
    }
    free(line);
    fclose(f);
    if (!all)
        return NULL;
    if (n)
        *n = count;
    return all;
}
