#include "diff/carddiff.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonnum.h"

/* Values longer than this (compact JSON) are summarised in other[]. */
#define MAX_VALUE_CHARS 300
/* Numeric arrays longer than this are summarised like chart series. */
#define SERIES_MIN_LEN 16

carddiff_opts carddiff_defaults(void)
{
    carddiff_opts o = {CARDDIFF_RTOL_DEFAULT, CARDDIFF_ATOL_DEFAULT};
    return o;
}

bool carddiff_num_equal(double a, double b, const carddiff_opts *o)
{
    if (a == b)
        return true;
    if (isnan(a) && isnan(b))
        return true;
    if (!isfinite(a) || !isfinite(b))
        return false;
    double d = fabs(a - b);
    return d <= o->atol + o->rtol * fmax(fabs(a), fabs(b));
}

/* A number node (parsed, or one of our raw number nodes) → *x. */
static bool num_of(const cJSON *n, double *x)
{
    return n && (cJSON_IsNumber(n) || cJSON_IsRaw(n)) && jget_double(n, x);
}

/* The member of `b` that pairs with member `p` of `a`: same name, same
 * occurrence among equal names (JSON allows a key twice; pairing by name
 * alone would match both to the first). */
static const cJSON *paired_member(const cJSON *a, const cJSON *p, const cJSON *b)
{
    int k = 0;
    for (const cJSON *x = a->child; x && x != p; x = x->next)
        k += strcmp(x->string, p->string) == 0;
    for (const cJSON *y = b ? b->child : NULL; y; y = y->next)
        if (y->string && strcmp(y->string, p->string) == 0 && k-- == 0)
            return y;
    return NULL;
}

bool carddiff_json_equal(const cJSON *a, const cJSON *b, const carddiff_opts *o)
{
    if (!a || !b)
        return a == b;
    double x, y;
    bool na = num_of(a, &x), nb = num_of(b, &y);
    if (na || nb)
        return na && nb && carddiff_num_equal(x, y, o);
    if ((a->type & 0xFF) != (b->type & 0xFF))
        return false;
    if (cJSON_IsString(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    if (cJSON_IsArray(a)) {
        const cJSON *p = a->child, *q = b->child;
        for (; p && q; p = p->next, q = q->next)
            if (!carddiff_json_equal(p, q, o))
                return false;
        return !p && !q;
    }
    if (cJSON_IsObject(a)) {
        int n = 0;
        for (const cJSON *p = a->child; p; p = p->next, n++)
            if (!carddiff_json_equal(p, paired_member(a, p, b), o))
                return false;
        return n == cJSON_GetArraySize(b);
    }
    if (cJSON_IsRaw(a))
        return strcmp(a->valuestring, b->valuestring) == 0;
    return true; /* true, false, null of the same type */
}

/* ---- JSON pointer under construction ----------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
} pbuf;

static void pb_reserve(pbuf *p, size_t extra)
{
    if (p->len + extra + 1 <= p->cap)
        return;
    while (p->len + extra + 1 > p->cap)
        p->cap = p->cap ? p->cap * 2 : 128;
    p->s = realloc(p->s, p->cap);
    if (!p->s)
        abort();
}

/* Append "/" + seg (RFC 6901: ~ → ~0, / → ~1); returns the previous length. */
static size_t pb_push(pbuf *p, const char *seg)
{
    size_t old = p->len;
    pb_reserve(p, 2 * strlen(seg) + 1);
    p->s[p->len++] = '/';
    for (const char *c = seg; *c; c++) {
        if (*c == '~' || *c == '/') {
            p->s[p->len++] = '~';
            p->s[p->len++] = *c == '~' ? '0' : '1';
        } else {
            p->s[p->len++] = *c;
        }
    }
    p->s[p->len] = '\0';
    return old;
}

static size_t pb_push_idx(pbuf *p, int i)
{
    char b[24];
    snprintf(b, sizeof b, "%d", i);
    return pb_push(p, b);
}

static void pb_pop(pbuf *p, size_t len)
{
    p->len = len;
    p->s[len] = '\0';
}

/* ---- the walk ------------------------------------------------------------- */

typedef struct {
    const carddiff_opts *o;
    cJSON *numbers, *series, *other;
    pbuf path;
} ctx;

static void walk(ctx *c, const cJSON *a, const cJSON *b, const char *area);

/* The value itself when short, else a one-line summary (*truncated set). */
static cJSON *value_copy(const cJSON *v, bool *truncated)
{
    if (!v)
        return cJSON_CreateNull();
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
        return cJSON_Duplicate(v, true);
    char *s = cJSON_PrintUnformatted(v);
    size_t n = s ? strlen(s) : 0;
    cJSON_free(s);
    if (n <= MAX_VALUE_CHARS)
        return cJSON_Duplicate(v, true);
    *truncated = true;
    char buf[96];
    int k = cJSON_GetArraySize(v);
    snprintf(buf, sizeof buf, cJSON_IsObject(v) ? "{object with %d keys}" : "[array of %d items]",
             k);
    return cJSON_CreateString(buf);
}

static void add_other(ctx *c, const char *area, const char *change, const cJSON *a,
                      const cJSON *b)
{
    cJSON *e = cJSON_CreateObject();
    jadd_str(e, "path", c->path.len ? c->path.s : "");
    jadd_str(e, "area", area);
    jadd_str(e, "change", change);
    bool trunc = false;
    cJSON_AddItemToObject(e, "old", value_copy(a, &trunc));
    cJSON_AddItemToObject(e, "new", value_copy(b, &trunc));
    if (trunc)
        jadd_bool(e, "truncated", 1);
    cJSON_AddItemToArray(c->other, e);
}

static void add_number(ctx *c, const char *area, const cJSON *a, const cJSON *b)
{
    double x = NAN, y = NAN;
    bool na = num_of(a, &x), nb = num_of(b, &y);
    cJSON *e = cJSON_CreateObject();
    jadd_str(e, "path", c->path.s);
    jadd_str(e, "area", area);
    cJSON_AddItemToObject(e, "old", na ? jnum(x) : cJSON_CreateNull());
    cJSON_AddItemToObject(e, "new", nb ? jnum(y) : cJSON_CreateNull());
    if (na && nb) {
        jadd_num(e, "abs", y - x);
        if (x != 0)
            jadd_num(e, "rel", (y - x) / fabs(x));
        else
            jadd_null(e, "rel");
    } else {
        jadd_null(e, "abs");
        jadd_null(e, "rel");
    }
    cJSON_AddItemToArray(c->numbers, e);
}

static bool numeric_array(const cJSON *a)
{
    double x;
    for (const cJSON *e = a->child; e; e = e->next)
        if (!cJSON_IsNull(e) && !num_of(e, &x))
            return false;
    return true;
}

static bool is_series_path(const char *p)
{
    return strncmp(p, "/series/", 8) == 0 || strncmp(p, "/layerwise/series/", 18) == 0;
}

static void summarise_series(ctx *c, const cJSON *a, const cJSON *b, const char *area)
{
    int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
    long changed = na > nb ? na - nb : nb - na;
    double max_abs = -1;
    const cJSON *p = a->child, *q = b->child;
    for (; p && q; p = p->next, q = q->next) {
        double x, y;
        bool ex = num_of(p, &x), ey = num_of(q, &y);
        if (ex && ey) {
            if (!carddiff_num_equal(x, y, c->o)) {
                changed++;
                max_abs = fmax(max_abs, fabs(y - x));
            }
        } else if (ex != ey) {
            changed++;
        }
    }
    if (!changed)
        return;
    cJSON *e = cJSON_CreateObject();
    jadd_str(e, "path", c->path.s);
    jadd_str(e, "area", area);
    jadd_int(e, "n_old", na);
    jadd_int(e, "n_new", nb);
    jadd_int(e, "changed", changed);
    if (max_abs >= 0)
        jadd_num(e, "max_abs", max_abs);
    else
        jadd_null(e, "max_abs");
    cJSON_AddItemToArray(c->series, e);
}

/* Identifying fields tried, in order, to match array elements. */
static const char *const KEY_COMBOS[][3] = {
    {"id", "variant", NULL}, {"id", NULL, NULL},   {"kind", NULL, NULL},
    {"label", NULL, NULL},   {"corpus", "N", NULL}, {"corpus", NULL, NULL},
    {"layer", NULL, NULL},   {"name", NULL, NULL},  {"key", NULL, NULL},
    {"step", NULL, NULL},    {"N", NULL, NULL},     {"path", NULL, NULL},
};
#define N_COMBOS (sizeof KEY_COMBOS / sizeof KEY_COMBOS[0])

/* The element's key for a combo, malloc'd; NULL when a field is missing or
 * not a scalar. Numbers by value (2 and 2.0 give the same key). */
static char *elem_key(const cJSON *e, const char *const *combo)
{
    if (!cJSON_IsObject(e))
        return NULL;
    char buf[512];
    size_t n = 0;
    buf[0] = '\0';
    for (int k = 0; k < 3 && combo[k]; k++) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(e, combo[k]);
        char part[PYNUM_BUFSZ];
        const char *s;
        double x;
        if (cJSON_IsString(f)) {
            s = f->valuestring;
        } else if (num_of(f, &x)) {
            py_repr_double(x, part);
            s = part;
        } else {
            return NULL;
        }
        int w = snprintf(buf + n, sizeof buf - n, "%s%s", k ? "\x1f" : "", s);
        if (w < 0 || (size_t)w >= sizeof buf - n)
            return NULL;
        n += (size_t)w;
    }
    return strdup(buf);
}

static void free_keys(char **k, int n)
{
    for (int i = 0; i < n; i++)
        free(k[i]);
    free(k);
}

/* Keys of every element for one combo; NULL unless all exist and are unique. */
static char **array_keys(const cJSON *arr, const char *const *combo, int n)
{
    char **keys = calloc(n ? (size_t)n : 1, sizeof *keys);
    int i = 0;
    for (const cJSON *e = arr->child; e; e = e->next, i++) {
        keys[i] = elem_key(e, combo);
        if (!keys[i])
            goto fail;
        for (int j = 0; j < i; j++)
            if (strcmp(keys[j], keys[i]) == 0)
                goto fail;
    }
    return keys;
fail:
    free_keys(keys, n);
    return NULL;
}

static void walk_array(ctx *c, const cJSON *a, const cJSON *b, const char *area)
{
    int na = cJSON_GetArraySize(a), nb = cJSON_GetArraySize(b);
    if (numeric_array(a) && numeric_array(b) &&
        (is_series_path(c->path.s) || na > SERIES_MIN_LEN || nb > SERIES_MIN_LEN)) {
        summarise_series(c, a, b, area);
        return;
    }
    char **ka = NULL, **kb = NULL;
    if (na + nb > 0 && cJSON_IsObject(a->child ? a->child : b->child)) {
        for (size_t k = 0; k < N_COMBOS && !kb; k++) {
            ka = array_keys(a, KEY_COMBOS[k], na);
            if (!ka)
                continue;
            kb = array_keys(b, KEY_COMBOS[k], nb);
            if (!kb) {
                free_keys(ka, na);
                ka = NULL;
            }
        }
    }
    if (ka && kb) {
        bool *used = calloc(nb ? (size_t)nb : 1, 1);
        int i = 0;
        for (const cJSON *e = a->child; e; e = e->next, i++) {
            int j = 0;
            const cJSON *f = b->child;
            for (; f && strcmp(ka[i], kb[j]) != 0; f = f->next)
                j++;
            size_t mark = pb_push_idx(&c->path, f ? j : i);
            if (f)
                used[j] = true;
            walk(c, e, f, area);
            pb_pop(&c->path, mark);
        }
        int j = 0;
        for (const cJSON *f = b->child; f; f = f->next, j++) {
            if (used[j])
                continue;
            size_t mark = pb_push_idx(&c->path, j);
            walk(c, NULL, f, area);
            pb_pop(&c->path, mark);
        }
        free(used);
        free_keys(ka, na);
        free_keys(kb, nb);
        return;
    }
    const cJSON *p = a->child, *q = b->child;
    for (int i = 0; p || q; i++) {
        size_t mark = pb_push_idx(&c->path, i);
        walk(c, p, q, area);
        pb_pop(&c->path, mark);
        p = p ? p->next : NULL;
        q = q ? q->next : NULL;
    }
}

static bool skipped(const char *key, const char *const *skip)
{
    for (; skip && *skip; skip++)
        if (strcmp(key, *skip) == 0)
            return true;
    return false;
}

static void walk_object(ctx *c, const cJSON *a, const cJSON *b, const char *area,
                        const char *const *skip)
{
    for (const cJSON *p = a->child; p; p = p->next) {
        if (!p->string || skipped(p->string, skip))
            continue;
        size_t mark = pb_push(&c->path, p->string);
        walk(c, p, paired_member(a, p, b), area);
        pb_pop(&c->path, mark);
    }
    for (const cJSON *q = b->child; q; q = q->next) {
        if (!q->string || skipped(q->string, skip) ||
            cJSON_GetObjectItemCaseSensitive(a, q->string))
            continue;
        size_t mark = pb_push(&c->path, q->string);
        walk(c, NULL, q, area);
        pb_pop(&c->path, mark);
    }
}

static void walk(ctx *c, const cJSON *a, const cJSON *b, const char *area)
{
    if (!a && !b)
        return;
    if (!a || !b) {
        add_other(c, area, a ? "removed" : "added", a, b);
        return;
    }
    double x, y;
    bool na = num_of(a, &x), nb = num_of(b, &y);
    if (na && nb) {
        if (!carddiff_num_equal(x, y, c->o))
            add_number(c, area, a, b);
        return;
    }
    if ((na && cJSON_IsNull(b)) || (nb && cJSON_IsNull(a))) {
        add_number(c, area, a, b);
        return;
    }
    if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
        walk_object(c, a, b, area, NULL);
        return;
    }
    if (cJSON_IsArray(a) && cJSON_IsArray(b)) {
        walk_array(c, a, b, area);
        return;
    }
    if (!carddiff_json_equal(a, b, c->o))
        add_other(c, area, "changed", a, b);
}

/* ---- recipes: verdicts, caveats, confidence, then the rest ---------------- */

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static const char *variant_of(const cJSON *entry)
{
    const char *v = str_of(entry, "variant");
    return v ? v : "profile";
}

static void add_str_or_null(cJSON *o, const char *key, const char *s)
{
    if (s)
        jadd_str(o, key, s);
    else
        jadd_null(o, key);
}

static cJSON *recipe_head(const cJSON *entry)
{
    cJSON *e = cJSON_CreateObject();
    add_str_or_null(e, "recipe", str_of(entry, "id"));
    jadd_str(e, "variant", variant_of(entry));
    return e;
}

static void add_verdict(cJSON *verdicts, const cJSON *ea, const cJSON *eb)
{
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(ea, "result");
    const cJSON *rb = cJSON_GetObjectItemCaseSensitive(eb, "result");
    cJSON *e = recipe_head(eb ? eb : ea);
    add_str_or_null(e, "title", str_of(eb ? eb : ea, "title"));
    add_str_or_null(e, "old", ea ? (str_of(ra, "verdict") ? str_of(ra, "verdict") : "(none)")
                                 : NULL);
    add_str_or_null(e, "new", eb ? (str_of(rb, "verdict") ? str_of(rb, "verdict") : "(none)")
                                 : NULL);
    add_str_or_null(e, "old_reason", str_of(ra, "reason"));
    add_str_or_null(e, "new_reason", str_of(rb, "reason"));
    cJSON_AddItemToArray(verdicts, e);
}

/* Items of b not in a (by value), as a new array of copies. */
static cJSON *missing_items(const cJSON *a, const cJSON *b, const carddiff_opts *o)
{
    cJSON *out = cJSON_CreateArray();
    for (const cJSON *q = cJSON_IsArray(b) ? b->child : NULL; q; q = q->next) {
        bool found = false;
        for (const cJSON *p = cJSON_IsArray(a) ? a->child : NULL; p && !found; p = p->next)
            found = carddiff_json_equal(p, q, o);
        if (!found)
            cJSON_AddItemToArray(out, cJSON_Duplicate(q, true));
    }
    return out;
}

static void diff_recipe_pair(ctx *c, const cJSON *ea, const cJSON *eb, const char *area,
                             cJSON *verdicts, cJSON *caveats, cJSON *confidence)
{
    static const char *const SKIP_RESULT[] = {"result", NULL};
    walk_object(c, ea, eb, area, SKIP_RESULT);
    const cJSON *ra = cJSON_GetObjectItemCaseSensitive(ea, "result");
    const cJSON *rb = cJSON_GetObjectItemCaseSensitive(eb, "result");
    bool verdict_changed = !str_eq(str_of(ra, "verdict"), str_of(rb, "verdict"));
    if (verdict_changed)
        add_verdict(verdicts, ea, eb);

    const cJSON *ca = cJSON_IsObject(ra) ? cJSON_GetObjectItemCaseSensitive(ra, "caveats") : NULL;
    const cJSON *cb = cJSON_IsObject(rb) ? cJSON_GetObjectItemCaseSensitive(rb, "caveats") : NULL;
    cJSON *added = missing_items(ca, cb, c->o), *removed = missing_items(cb, ca, c->o);
    if (cJSON_GetArraySize(added) || cJSON_GetArraySize(removed)) {
        cJSON *e = recipe_head(eb);
        cJSON_AddItemToObject(e, "added", added);
        cJSON_AddItemToObject(e, "removed", removed);
        cJSON_AddItemToArray(caveats, e);
    } else {
        cJSON_Delete(added);
        cJSON_Delete(removed);
    }

    const cJSON *fa = cJSON_IsObject(ra) ? cJSON_GetObjectItemCaseSensitive(ra, "confidence") : NULL;
    const cJSON *fb = cJSON_IsObject(rb) ? cJSON_GetObjectItemCaseSensitive(rb, "confidence") : NULL;
    if (cJSON_IsNull(fa))
        fa = NULL;
    if (cJSON_IsNull(fb))
        fb = NULL;
    if (!carddiff_json_equal(fa, fb, c->o)) {
        cJSON *e = recipe_head(eb);
        cJSON_AddItemToObject(e, "old", fa ? cJSON_Duplicate(fa, true) : cJSON_CreateNull());
        cJSON_AddItemToObject(e, "new", fb ? cJSON_Duplicate(fb, true) : cJSON_CreateNull());
        cJSON_AddItemToArray(confidence, e);
    }

    /* everything else in the result; the reason is in the verdict row when
     * the verdict changed */
    static const char *const SKIP[] = {"verdict", "caveats", "confidence", NULL};
    static const char *const SKIP_R[] = {"verdict", "caveats", "confidence", "reason", NULL};
    size_t mark = pb_push(&c->path, "result");
    if (cJSON_IsObject(ra) && cJSON_IsObject(rb))
        walk_object(c, ra, rb, area, verdict_changed ? SKIP_R : SKIP);
    else
        walk(c, ra, rb, area);
    pb_pop(&c->path, mark);
}

static void diff_recipes(ctx *c, const cJSON *a, const cJSON *b, cJSON *verdicts,
                         cJSON *caveats, cJSON *confidence)
{
    int nb = cJSON_IsArray(b) ? cJSON_GetArraySize(b) : 0;
    bool *used = calloc(nb ? (size_t)nb : 1, 1);
    int i = 0;
    for (const cJSON *ea = cJSON_IsArray(a) ? a->child : NULL; ea; ea = ea->next, i++) {
        const char *id = str_of(ea, "id"), *var = variant_of(ea);
        int j = 0;
        const cJSON *eb = nb ? b->child : NULL;
        for (; eb; eb = eb->next, j++)
            if (!used[j] && str_eq(id, str_of(eb, "id")) && strcmp(var, variant_of(eb)) == 0)
                break;
        if (!eb) {
            add_verdict(verdicts, ea, NULL);
            continue;
        }
        used[j] = true;
        char area[160];
        snprintf(area, sizeof area, "%s (%s)", id ? id : "?", var);
        size_t mark = pb_push_idx(&c->path, j);
        diff_recipe_pair(c, ea, eb, area, verdicts, caveats, confidence);
        pb_pop(&c->path, mark);
    }
    int j = 0;
    for (const cJSON *eb = nb ? b->child : NULL; eb; eb = eb->next, j++)
        if (!used[j])
            add_verdict(verdicts, NULL, eb);
    free(used);
}

/* ---- inputs from the provenance ------------------------------------------ */

static void add_input(cJSON *inputs, const char *what, const char *change, const char *old_v,
                      const char *new_v, bool values)
{
    cJSON *e = cJSON_CreateObject();
    jadd_str(e, "input", what);
    jadd_str(e, "change", change);
    if (values) {
        add_str_or_null(e, "old", old_v);
        add_str_or_null(e, "new", new_v);
    }
    cJSON_AddItemToArray(inputs, e);
}

typedef struct {
    const char *path, *sha;
    int side; /* bit 1 old, bit 2 new */
    const char *old_sha;
} src_row;

static int src_cmp(const void *x, const void *y)
{
    return strcmp(((const src_row *)x)->path, ((const src_row *)y)->path);
}

static void diff_inputs(const cJSON *pa, const cJSON *pb, cJSON *inputs)
{
    if (!str_eq(str_of(pa, "spec_sha256"), str_of(pb, "spec_sha256")))
        add_input(inputs, "model spec", "changed", NULL, NULL, false);

    const cJSON *sa = cJSON_IsObject(pa) ? cJSON_GetObjectItemCaseSensitive(pa, "sources") : NULL;
    const cJSON *sb = cJSON_IsObject(pb) ? cJSON_GetObjectItemCaseSensitive(pb, "sources") : NULL;
    int n = (cJSON_IsArray(sa) ? cJSON_GetArraySize(sa) : 0) +
            (cJSON_IsArray(sb) ? cJSON_GetArraySize(sb) : 0);
    src_row *rows = calloc(n ? (size_t)n : 1, sizeof *rows);
    int k = 0;
    for (int side = 1; side <= 2; side++) {
        const cJSON *arr = side == 1 ? sa : sb;
        for (const cJSON *s = cJSON_IsArray(arr) ? arr->child : NULL; s; s = s->next) {
            const char *path = str_of(s, "path"), *sha = str_of(s, "sha256");
            if (!path)
                continue;
            int f = 0;
            while (f < k && strcmp(rows[f].path, path) != 0)
                f++;
            if (f == k) {
                rows[k].path = path;
                k++;
            }
            if (side == 1)
                rows[f].old_sha = sha ? sha : "";
            else
                rows[f].sha = sha ? sha : "";
            rows[f].side |= side;
        }
    }
    qsort(rows, (size_t)k, sizeof *rows, src_cmp);
    for (int i = 0; i < k; i++) {
        if (rows[i].side == 1)
            add_input(inputs, rows[i].path, "removed", NULL, NULL, false);
        else if (rows[i].side == 2)
            add_input(inputs, rows[i].path, "added", NULL, NULL, false);
        else if (strcmp(rows[i].old_sha, rows[i].sha) != 0)
            add_input(inputs, rows[i].path, "changed", NULL, NULL, false);
    }
    free(rows);

    static const struct { const char *key, *what; } VERSIONS[] = {
        {"tool_version", "tool version"}, {"formula_version", "formula version"}};
    for (size_t i = 0; i < sizeof VERSIONS / sizeof VERSIONS[0]; i++) {
        const char *x = str_of(pa, VERSIONS[i].key), *y = str_of(pb, VERSIONS[i].key);
        if (!str_eq(x, y))
            add_input(inputs, VERSIONS[i].what, "changed", x, y, true);
    }
    const cJSON *ba = cJSON_IsObject(pa) ? cJSON_GetObjectItemCaseSensitive(pa, "build") : NULL;
    const cJSON *bb = cJSON_IsObject(pb) ? cJSON_GetObjectItemCaseSensitive(pb, "build") : NULL;
    const char *x = str_of(ba, "profile_defaults"), *y = str_of(bb, "profile_defaults");
    if (!str_eq(x, y))
        add_input(inputs, "build settings", "changed", x, y, true);
}

/* ---- the card ------------------------------------------------------------- */

static const char *area_of(const char *key)
{
    static const struct { const char *key, *area; } AREAS[] = {
        {"key_numbers", "key numbers"},
        {"measured_rows", "measurements"},
        {"measured_notes", "measurement notes"},
        {"thermo_rows", "thermodynamic profile"},
        {"algebra", "§34 algebra"},
        {"layerwise", "layer-wise"},
        {"series", "chart series"},
    };
    for (size_t i = 0; i < sizeof AREAS / sizeof AREAS[0]; i++)
        if (strcmp(key, AREAS[i].key) == 0)
            return AREAS[i].area;
    return key;
}

static void diff_top_key(ctx *c, const char *key, const cJSON *a, const cJSON *b,
                         cJSON *verdicts, cJSON *caveats, cJSON *confidence)
{
    size_t mark = pb_push(&c->path, key);
    if (strcmp(key, "recipes") == 0)
        diff_recipes(c, a, b, verdicts, caveats, confidence);
    else
        walk(c, a, b, area_of(key));
    pb_pop(&c->path, mark);
}

cJSON *carddiff_cards(const cJSON *old_card, const cJSON *new_card, const carddiff_opts *o)
{
    cJSON *empty = cJSON_CreateObject();
    const cJSON *a = cJSON_IsObject(old_card) ? old_card : empty;
    const cJSON *b = cJSON_IsObject(new_card) ? new_card : empty;
    cJSON *d = cJSON_CreateObject();
    cJSON *verdicts = cJSON_AddArrayToObject(d, "verdicts");
    ctx c = {o, NULL, NULL, NULL, {NULL, 0, 0}};
    c.numbers = cJSON_AddArrayToObject(d, "numbers");
    c.series = cJSON_AddArrayToObject(d, "series");
    cJSON *caveats = cJSON_AddArrayToObject(d, "caveats");
    cJSON *confidence = cJSON_AddArrayToObject(d, "confidence");
    c.other = cJSON_AddArrayToObject(d, "other");
    cJSON *inputs = cJSON_AddArrayToObject(d, "inputs");
    pb_reserve(&c.path, 64);
    c.path.s[0] = '\0';

    static const char *const SKIP[] = {"tiles", "key_rows", "provenance", NULL};
    for (const cJSON *p = a->child; p; p = p->next) {
        if (!p->string || skipped(p->string, SKIP))
            continue;
        diff_top_key(&c, p->string, p, paired_member(a, p, b), verdicts,
                     caveats, confidence);
    }
    for (const cJSON *q = b->child; q; q = q->next) {
        if (!q->string || skipped(q->string, SKIP) ||
            cJSON_GetObjectItemCaseSensitive(a, q->string))
            continue;
        diff_top_key(&c, q->string, NULL, q, verdicts, caveats, confidence);
    }
    diff_inputs(cJSON_GetObjectItemCaseSensitive(a, "provenance"),
                cJSON_GetObjectItemCaseSensitive(b, "provenance"), inputs);
    free(c.path.s);
    cJSON_Delete(empty);
    return d;
}

bool carddiff_has_changes(const cJSON *diff)
{
    static const char *const KEYS[] = {"verdicts", "caveats", "confidence", "numbers",
                                       "series", "other"};
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
        if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(diff, KEYS[i])) > 0)
            return true;
    return false;
}

bool carddiff_has_input_changes(const cJSON *diff)
{
    return cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(diff, "inputs")) > 0;
}
