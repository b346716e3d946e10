#include "diff/sitediff.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/fsutil.h"
#include "util/jsonnum.h"

#define CARD_SCHEMA "tafcard.card/1"

typedef struct {
    char *id;
    char *slug;
    cJSON *card;
} site_card;

typedef struct {
    site_card *cards;
    size_t n, cap;
} site_set;

static void set_free(site_set *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->cards[i].id);
        free(s->cards[i].slug);
        cJSON_Delete(s->cards[i].card);
    }
    free(s->cards);
    s->cards = NULL;
    s->n = s->cap = 0;
}

/* Parse a JSON file; on failure name the file and the position. */
static cJSON *parse_file(const char *path, taf_err *err)
{
    size_t len = 0;
    char *text = fs_read_all(path, &len);
    if (!text) {
        taf_fail(err, errno == ENOENT ? "NOT_FOUND" : "CANNOT_READ",
                 "check the path and its permissions", "cannot read '%s': %s", path,
                 strerror(errno));
        return NULL;
    }
    if (strlen(text) != len) {
        taf_fail(err, "BAD_JSON", "the file is not a text file",
                 "%s: invalid JSON: NUL byte at byte %zu", path, strlen(text));
        free(text);
        return NULL;
    }
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithOpts(text, &end, true);
    if (!v) {
        size_t off = end ? (size_t)(end - text) : 0;
        int line = 1, col = 1;
        for (size_t i = 0; i < off && text[i]; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        taf_fail(err, "BAD_JSON", "rebuild the site, or compare a card written by tafcard build",
                 "%s: invalid JSON at line %d, column %d (byte %zu)", path, line, col, off);
    }
    free(text);
    return v;
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Read and check one card.json. */
static bool load_card(const char *path, const char *slug, site_card *out, taf_err *err)
{
    cJSON *card = parse_file(path, err);
    if (!card)
        return false;
    const char *schema = str_of(card, "schema");
    const char *id = str_of(cJSON_GetObjectItemCaseSensitive(card, "model"), "id");
    if (!schema || strcmp(schema, CARD_SCHEMA) != 0 || !id) {
        taf_fail(err, "NOT_A_CARD", "compare card.json files written by tafcard build",
                 "%s: not a tafcard card (%s)", path,
                 !schema || strcmp(schema, CARD_SCHEMA) != 0
                     ? "\"schema\" is not \"" CARD_SCHEMA "\""
                     : "no model.id");
        cJSON_Delete(card);
        return false;
    }
    out->card = card;
    out->id = strdup(id);
    out->slug = strdup(slug);
    if (!out->id || !out->slug)
        abort();
    return true;
}

static int card_cmp(const void *x, const void *y)
{
    return strcmp(((const site_card *)x)->id, ((const site_card *)y)->id);
}

static int name_cmp(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

static bool load_site(const char *dir, site_set *s, taf_err *err)
{
    const char *hint = "pass two directories written by tafcard build (or two card.json files)";
    size_t plen = strlen(dir) + 300;
    char *path = malloc(plen);
    snprintf(path, plen, "%s/manifest.json", dir);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
        free(path);
        return taf_fail(err, "NOT_A_SITE", hint, "'%s' is not a tafcard site (no manifest.json)",
                        dir);
    }
    cJSON *manifest = parse_file(path, err);
    bool is_obj = cJSON_IsObject(manifest);
    cJSON_Delete(manifest);
    if (!manifest || !is_obj) {
        if (manifest)
            taf_fail(err, "NOT_A_SITE", hint, "%s: not a site manifest (not a JSON object)", path);
        free(path);
        return false;
    }
    snprintf(path, plen, "%s/models", dir);
    DIR *d = opendir(path);
    if (!d) {
        taf_fail(err, "NOT_A_SITE", hint, "'%s' is not a tafcard site (no models/ directory)",
                 dir);
        free(path);
        return false;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof *names);
            if (!names)
                abort();
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, name_cmp); /* readdir order is not sorted */
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        size_t need = strlen(dir) + strlen(names[i]) + 32;
        if (need > plen) {
            plen = need;
            path = realloc(path, plen);
        }
        snprintf(path, plen, "%s/models/%s", dir, names[i]);
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            continue;
        snprintf(path, plen, "%s/models/%s/card.json", dir, names[i]);
        if (stat(path, &st) != 0) {
            ok = taf_fail(err, "NOT_A_SITE", hint, "%s/models/%s has no card.json", dir,
                          names[i]);
            break;
        }
        if (s->n == s->cap) {
            s->cap = s->cap ? s->cap * 2 : 64;
            s->cards = realloc(s->cards, s->cap * sizeof *s->cards);
            if (!s->cards)
                abort();
        }
        ok = load_card(path, names[i], &s->cards[s->n], err);
        if (ok)
            s->n++;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(path);
    if (!ok)
        return false;
    qsort(s->cards, s->n, sizeof *s->cards, card_cmp);
    for (size_t i = 1; i < s->n; i++)
        if (strcmp(s->cards[i - 1].id, s->cards[i].id) == 0)
            return taf_fail(err, "NOT_A_SITE", hint, "%s: models/%s and models/%s both hold "
                            "model '%s'", dir, s->cards[i - 1].slug, s->cards[i].slug,
                            s->cards[i].id);
    return true;
}

static cJSON *model_head(const site_card *c)
{
    cJSON *e = cJSON_CreateObject();
    jadd_str(e, "id", c->id);
    jadd_str(e, "slug", c->slug);
    return e;
}

/* {id, slug, verdicts[{recipe, variant, verdict}]} for an added/removed model. */
static cJSON *model_entry(const site_card *c)
{
    cJSON *e = model_head(c);
    cJSON *vs = cJSON_AddArrayToObject(e, "verdicts");
    const cJSON *recipes = cJSON_GetObjectItemCaseSensitive(c->card, "recipes");
    for (const cJSON *r = cJSON_IsArray(recipes) ? recipes->child : NULL; r; r = r->next) {
        cJSON *v = cJSON_CreateObject();
        const char *id = str_of(r, "id"), *var = str_of(r, "variant");
        const char *verdict = str_of(cJSON_GetObjectItemCaseSensitive(r, "result"), "verdict");
        jadd_str(v, "recipe", id ? id : "?");
        jadd_str(v, "variant", var ? var : "profile");
        if (verdict)
            jadd_str(v, "verdict", verdict);
        else
            jadd_null(v, "verdict");
        cJSON_AddItemToArray(vs, v);
    }
    return e;
}

/* Compare one pair; adds to changed[] or inputs_only[]; returns 1 if changed. */
static int compare_pair(const site_card *a, const site_card *b, const carddiff_opts *o,
                        cJSON *changed, cJSON *inputs_only)
{
    cJSON *d = carddiff_cards(a->card, b->card, o);
    int is_changed = carddiff_has_changes(d);
    if (is_changed) {
        cJSON *e = model_head(b);
        while (d->child) {
            cJSON *item = cJSON_DetachItemViaPointer(d, d->child);
            cJSON_AddItemToObject(e, item->string, item);
        }
        cJSON_AddItemToArray(changed, e);
    } else if (carddiff_has_input_changes(d)) {
        cJSON *e = model_head(b);
        cJSON_AddItemToObject(e, "inputs", cJSON_DetachItemFromObject(d, "inputs"));
        cJSON_AddItemToArray(inputs_only, e);
    }
    cJSON_Delete(d);
    return is_changed;
}

cJSON *sitediff_run(const char *old_path, const char *new_path, const carddiff_opts *o,
                    taf_err *err)
{
    struct stat sa, sb;
    const char *paths[2] = {old_path, new_path};
    struct stat *sts[2] = {&sa, &sb};
    for (int i = 0; i < 2; i++)
        if (stat(paths[i], sts[i]) != 0) {
            taf_fail(err, "NOT_FOUND", "pass two site directories or two card.json files",
                     "'%s': %s", paths[i], strerror(errno));
            return NULL;
        }
    bool dirs = S_ISDIR(sa.st_mode) && S_ISDIR(sb.st_mode);
    bool files = S_ISREG(sa.st_mode) && S_ISREG(sb.st_mode);
    if (!dirs && !files) {
        taf_fail(err, "USAGE", "compare two site directories, or two card.json files",
                 "'%s' and '%s' are not both directories or both files", old_path, new_path);
        return NULL;
    }

    site_set A = {0}, B = {0};
    if (dirs) {
        if (!load_site(old_path, &A, err) || !load_site(new_path, &B, err)) {
            set_free(&A);
            set_free(&B);
            return NULL;
        }
    } else {
        A.cards = calloc(1, sizeof *A.cards);
        B.cards = calloc(1, sizeof *B.cards);
        if (!load_card(old_path, "", &A.cards[0], err) ||
            !(A.n = 1, load_card(new_path, "", &B.cards[0], err))) {
            set_free(&A);
            set_free(&B);
            return NULL;
        }
        B.n = 1;
        /* two files: one comparison, whatever their ids */
        free(A.cards[0].slug);
        free(B.cards[0].slug);
        A.cards[0].slug = strdup(old_path);
        B.cards[0].slug = strdup(new_path);
    }

    cJSON *r = cJSON_CreateObject();
    jadd_str(r, "schema", "tafcard.diff/1");
    jadd_str(r, "mode", dirs ? "sites" : "cards");
    jadd_str(r, "old", old_path);
    jadd_str(r, "new", new_path);
    cJSON *tol = cJSON_AddObjectToObject(r, "tolerance");
    jadd_num(tol, "rtol", o->rtol);
    jadd_num(tol, "atol", o->atol);
    cJSON *sum = cJSON_AddObjectToObject(r, "summary");
    cJSON *added = cJSON_AddArrayToObject(r, "added");
    cJSON *removed = cJSON_AddArrayToObject(r, "removed");
    cJSON *changed = cJSON_AddArrayToObject(r, "changed");
    cJSON *inputs_only = cJSON_AddArrayToObject(r, "inputs_only");

    long n_changed = 0, n_unchanged = 0;
    if (files) {
        n_changed = compare_pair(&A.cards[0], &B.cards[0], o, changed, inputs_only);
        n_unchanged = 1 - n_changed;
    } else {
        size_t i = 0, j = 0;
        while (i < A.n || j < B.n) {
            int c = i >= A.n ? 1 : j >= B.n ? -1 : strcmp(A.cards[i].id, B.cards[j].id);
            if (c < 0) {
                cJSON_AddItemToArray(removed, model_entry(&A.cards[i++]));
            } else if (c > 0) {
                cJSON_AddItemToArray(added, model_entry(&B.cards[j++]));
            } else {
                int ch = compare_pair(&A.cards[i++], &B.cards[j++], o, changed, inputs_only);
                n_changed += ch;
                n_unchanged += !ch;
            }
        }
    }
    jadd_int(sum, "old_models", (long long)A.n);
    jadd_int(sum, "new_models", (long long)B.n);
    jadd_int(sum, "changed", n_changed);
    jadd_int(sum, "added", cJSON_GetArraySize(added));
    jadd_int(sum, "removed", cJSON_GetArraySize(removed));
    jadd_int(sum, "unchanged", n_unchanged);
    jadd_int(sum, "inputs_only", cJSON_GetArraySize(inputs_only));
    set_free(&A);
    set_free(&B);
    return r;
}

bool sitediff_has_changes(const cJSON *report)
{
    static const char *const KEYS[] = {"added", "removed", "changed"};
    for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++)
        if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(report, KEYS[i])) > 0)
            return true;
    return false;
}
