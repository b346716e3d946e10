#include "render/site.h"

#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "card/panel.h"
#include "recipes/formulas.h"
#include "recipes/recipe.h"
#include "render/binder.h"
#include "render/surface.h"
#include "util/jsonnum.h"
#include "version.h"

bool site_write_file(const char *path, const void *data, size_t len, taf_err *err)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return taf_fail(err, "CANNOT_WRITE", "check the output directory",
                        "cannot create %s: %s", path, strerror(errno));
    bool ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        return taf_fail(err, "CANNOT_WRITE", "is the disk full?", "error writing %s", path);
    render_outlog_note(path, data, len, NULL);
    return true;
}

static bool copy_file(const char *from, const char *to, taf_err *err)
{
    FILE *f = fopen(from, "rb");
    if (!f)
        return taf_fail(err, "CANNOT_READ", NULL, "cannot open %s: %s", from, strerror(errno));
    char *buf = NULL;
    size_t n = 0, cap = 0, got;
    char chunk[8192];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (n + got > cap) {
            cap = (n + got) * 2;
            buf = realloc(buf, cap);
        }
        memcpy(buf + n, chunk, got);
        n += got;
    }
    fclose(f);
    bool ok = site_write_file(to, buf ? buf : "", n, err);
    free(buf);
    return ok;
}

bool site_templates_load(site_templates *t, const char *dir, taf_err *err)
{
    memset(t, 0, sizeof *t);
    snprintf(t->dir, sizeof t->dir, "%s", dir);
    struct { xmlDocPtr *slot; const char *name; } T[] = {
        {&t->card, "card.xhtml"}, {&t->index, "index.xhtml"}, {&t->panel, "panel.xhtml"},
        {&t->compare, "compare.xhtml"}, {&t->methodology, "methodology.xhtml"}};
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) {
        char path[1200];
        snprintf(path, sizeof path, "%s/%s", dir, T[i].name);
        *T[i].slot = tpl_load(path, err);
        if (!*T[i].slot) {
            site_templates_free(t);
            return false;
        }
    }
    return true;
}

void site_templates_free(site_templates *t)
{
    xmlDocPtr *all[] = {&t->card, &t->index, &t->panel, &t->compare, &t->methodology};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (*all[i])
            xmlFreeDoc(*all[i]);
        *all[i] = NULL;
    }
}

/* Serialise a bound page and write it. */
static bool write_page(xmlDocPtr d, const char *path, taf_err *err)
{
    size_t len;
    char *html = tpl_serialize(d, &len);
    xmlFreeDoc(d);
    bool ok = site_write_file(path, html, len, err);
    free(html);
    return ok;
}

/* Bind `data` (borrowed) into the template and write the page. */
static bool render_page_with(xmlDocPtr tpl, const char *name, const cJSON *data, const char *path,
                             taf_err *err)
{
    xmlDocPtr d = tpl_bind(tpl, name, data, err);
    return d && write_page(d, path, err);
}

/* Bind, serialise, write. Takes `data` and frees it as soon as the page's
 * document is bound (a listing page of N models holds one of the two at a
 * time, not both). */
static bool render_page(xmlDocPtr tpl, const char *name, cJSON *data, const char *path,
                        taf_err *err)
{
    xmlDocPtr d = tpl_bind(tpl, name, data, err);
    cJSON_Delete(data);
    return d && write_page(d, path, err);
}

/* ---- Markdown ------------------------------------------------------------ */

typedef struct { char *s; size_t n, cap; } sbuf;

static void sb_put(sbuf *b, const char *s)
{
    size_t l = strlen(s);
    if (b->n + l + 1 > b->cap) {
        b->cap = (b->n + l + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->n, s, l + 1);
    b->n += l;
}

/* A table cell: pipes escaped, newlines flattened, and <, >, & as
 * entities, so no text from a model id or config becomes HTML in a
 * Markdown viewer (renderers pass raw HTML through). */
static void sb_cell(sbuf *b, const char *s)
{
    for (; s && *s; s++) {
        char c[3] = {*s, 0, 0};
        if (*s == '|') {
            c[0] = '\\';
            c[1] = '|';
        } else if (*s == '\n' || *s == '\r') {
            c[0] = ' ';
        } else if (*s == '<' || *s == '>' || *s == '&') {
            sb_put(b, *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : "&amp;");
            continue;
        }
        sb_put(b, c);
    }
}

static const char *str_at(const cJSON *o, const char *path)
{
    const cJSON *v = tpl_lookup(o, o, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void sb_value(sbuf *b, const cJSON *v, const char *fmt)
{
    double x;
    char buf[128];
    if (!v || cJSON_IsNull(v))
        sb_put(b, "n/a");
    else if (cJSON_IsString(v))
        sb_cell(b, v->valuestring);
    else if (cJSON_IsBool(v))
        sb_put(b, cJSON_IsTrue(v) ? "yes" : "no");
    else if (jget_double(v, &x) && tpl_format_number(x, fmt, buf, sizeof buf))
        sb_put(b, buf);
    else
        sb_put(b, "?");
}

char *site_card_markdown(const cJSON *card)
{
    sbuf b = {0};
    sb_put(&b, "# TAF Card: ");
    sb_cell(&b, str_at(card, "model.id"));
    sb_put(&b, "\n\n");
    const char *arch = str_at(card, "summary.architecture_class");
    if (arch) {
        sb_cell(&b, arch);
        sb_put(&b, "\n\n");
    }
    sb_put(&b, "## Verdicts\n\n| recipe | verdict | reason |\n|---|---|---|\n");
    for (const cJSON *t = cJSON_GetObjectItem(card, "tiles")->child; t; t = t->next) {
        sb_put(&b, "| ");
        sb_cell(&b, str_at(t, "id"));
        const char *var = str_at(t, "variant_label");
        if (var) {
            sb_put(&b, " (");
            sb_cell(&b, var);
            sb_put(&b, ")");
        }
        sb_put(&b, " | ");
        sb_cell(&b, str_at(t, "verdict"));
        sb_put(&b, " | ");
        sb_cell(&b, str_at(t, "reason"));
        sb_put(&b, " |\n");
    }
    sb_put(&b, "\n## Key numbers\n\n| quantity | value | formula |\n|---|---|---|\n");
    for (const cJSON *r = cJSON_GetObjectItem(card, "key_rows")->child; r; r = r->next) {
        sb_put(&b, "| ");
        sb_cell(&b, str_at(r, "label"));
        sb_put(&b, " | ");
        sb_value(&b, cJSON_GetObjectItem(r, "value"), str_at(r, "format"));
        sb_put(&b, " | ");
        sb_cell(&b, str_at(r, "formula"));
        sb_put(&b, " |\n");
    }
    const cJSON *rows = cJSON_GetObjectItem(card, "measured_rows");
    if (rows && rows->child) {
        sb_put(&b, "\n## Measured on the panel\n\n| corpus | γ | R² | λ | R² (exp) | points | status |\n"
                   "|---|---|---|---|---|---|---|\n");
        for (const cJSON *r = rows->child; r; r = r->next) {
            sb_put(&b, "| ");
            sb_cell(&b, str_at(r, "corpus"));
            sb_put(&b, " | ");
            sb_value(&b, cJSON_GetObjectItem(r, "gamma"), "f4");
            sb_put(&b, " | ");
            sb_value(&b, cJSON_GetObjectItem(r, "R2"), "f4");
            sb_put(&b, " | ");
            sb_value(&b, cJSON_GetObjectItem(r, "lambda"), "sci3");
            sb_put(&b, " | ");
            sb_value(&b, cJSON_GetObjectItem(r, "R2_exp"), "f4");
            sb_put(&b, " | ");
            sb_value(&b, cJSON_GetObjectItem(r, "n_points"), "int");
            sb_put(&b, " | ");
            sb_cell(&b, str_at(r, "status"));
            sb_put(&b, " |\n");
        }
    }
    for (const cJSON *n = cJSON_GetObjectItem(card, "measured_notes")->child; n; n = n->next) {
        sb_put(&b, "\n> ");
        sb_cell(&b, n->valuestring);
        sb_put(&b, "\n");
    }
    sb_put(&b, "\n## Falsification status\n\n");
    const cJSON *fals = cJSON_GetObjectItem(card, "falsification");
    for (const cJSON *f = fals ? fals->child : NULL; f; f = f->next) {
        sb_put(&b, "- ");
        sb_cell(&b, str_at(f, "id"));
        sb_put(&b, " ");
        sb_cell(&b, str_at(f, "claim"));
        sb_put(&b, ": ");
        sb_cell(&b, str_at(f, "status"));
        sb_put(&b, "\n");
    }
    if (!fals || !fals->child)
        sb_put(&b, "No falsification claim is in scope for this model.\n");
    sb_put(&b, "\n## Provenance\n\n");
    sb_put(&b, "- tafcard ");
    sb_cell(&b, str_at(card, "provenance.tool_version"));
    sb_put(&b, ", TAF formulas ");
    sb_cell(&b, str_at(card, "provenance.formula_version"));
    sb_put(&b, "\n- model spec SHA-256 `");
    sb_cell(&b, str_at(card, "provenance.spec_sha256"));
    sb_put(&b, "`\n");
    const cJSON *srcs = tpl_lookup(card, card, "provenance.sources");
    for (const cJSON *s = srcs ? srcs->child : NULL; s; s = s->next) {
        sb_put(&b, "- ");
        sb_cell(&b, str_at(s, "path"));
        sb_put(&b, " `");
        sb_cell(&b, str_at(s, "sha256"));
        sb_put(&b, "`\n");
    }
    return b.s;
}

bool site_write_card(const site_templates *t, const char *dir, cJSON *card, taf_err *err)
{
    char path[1400];
    /* the page's own fields ride on the card while it is bound (no copy of
     * the whole card), and are taken off before anything else reads it */
    cJSON *page = cJSON_CreateObject();
    if (!page || !cJSON_AddItemToObject(card, "page", page)) {
        cJSON_Delete(page);
        return taf_fail(err, "oom", NULL, "out of memory");
    }
    char title[400];
    snprintf(title, sizeof title, "TAF Card: %s", str_at(card, "model.id"));
    cJSON_AddStringToObject(page, "title", title);
    cJSON_AddStringToObject(page, "root", "../../");
    snprintf(path, sizeof path, "%s/index.html", dir);
    bool ok = render_page_with(t->card, "card.xhtml", card, path, err);
    cJSON_Delete(cJSON_DetachItemViaPointer(card, page));
    if (!ok)
        return false;
    char *json = cJSON_Print(card);
    size_t n = strlen(json);
    json = realloc(json, n + 2);
    json[n] = '\n';
    json[n + 1] = '\0';
    snprintf(path, sizeof path, "%s/card.json", dir);
    ok = site_write_file(path, json, n + 1, err);
    free(json);
    if (!ok)
        return false;
    char *md = site_card_markdown(card);
    snprintf(path, sizeof path, "%s/card.md", dir);
    ok = site_write_file(path, md, strlen(md), err);
    free(md);
    return ok;
}

/* ---- card summaries -------------------------------------------------------- */

static const char *const PROFILE_IDS[] = {"X-2", "X-19", "X-1", "X-3", "X-5"};
#define N_PROFILE_IDS 5

/* obj's listed keys (those present), deep-copied, in the given order. The
 * keys must be static strings: they are used as they are (cJSON's "CS"
 * members), not copied, since a build may hold one of these objects per
 * model while the panel page is made. */
static cJSON *pick(const cJSON *obj, const char *const *keys, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; i < n; i++) {
        const cJSON *v = cJSON_IsObject(obj) ? cJSON_GetObjectItem(obj, keys[i]) : NULL;
        if (v)
            cJSON_AddItemToObjectCS(o, keys[i], cJSON_Duplicate(v, true));
    }
    return o;
}

static bool is_profile_id(const char *id)
{
    for (int i = 0; id && i < N_PROFILE_IDS; i++)
        if (strcmp(id, PROFILE_IDS[i]) == 0)
            return true;
    return false;
}

cJSON *site_card_summary(const cJSON *card)
{
    cJSON *s = cJSON_CreateObject();
    /* small objects whole, so the pages may read any of their fields */
    static const char *const WHOLE[] = {"model", "summary", "key_numbers", "measured_rows"};
    for (size_t i = 0; i < sizeof WHOLE / sizeof WHOLE[0]; i++) {
        const cJSON *v = cJSON_GetObjectItem(card, WHOLE[i]);
        if (v)
            cJSON_AddItemToObject(s, WHOLE[i], cJSON_Duplicate(v, true));
    }
    /* fits.<corpus>.power_law.gamma */
    cJSON *fits = cJSON_AddObjectToObject(s, "fits");
    const char *corpora[] = {"text", "random"};
    for (int k = 0; k < 2; k++) {
        char path[64];
        snprintf(path, sizeof path, "fits.%s.power_law.gamma", corpora[k]);
        const cJSON *g = tpl_lookup(card, card, path);
        if (g) {
            cJSON *c = cJSON_AddObjectToObject(fits, corpora[k]);
            cJSON *pl = cJSON_AddObjectToObject(c, "power_law");
            cJSON_AddItemToObject(pl, "gamma", cJSON_Duplicate(g, true));
        }
    }
    /* tiles: the index copies the profile tiles whole; the compare pages
     * read only id, variant_label and verdict_class */
    cJSON *tiles = cJSON_AddArrayToObject(s, "tiles");
    const cJSON *ts = cJSON_GetObjectItem(card, "tiles");
    static const char *const TILE[] = {"id", "variant_label", "verdict_class"};
    for (const cJSON *t = ts ? ts->child : NULL; t; t = t->next) {
        if (is_profile_id(str_at(t, "id")) && !cJSON_GetObjectItem(t, "variant_label"))
            cJSON_AddItemToArray(tiles, cJSON_Duplicate(t, true));
        else
            cJSON_AddItemToArray(tiles, pick(t, TILE, 3));
    }
    /* recipes: verdict, reason and each step's name and headline result */
    cJSON *recs = cJSON_AddArrayToObject(s, "recipes");
    const cJSON *rs = cJSON_GetObjectItem(card, "recipes");
    for (const cJSON *e = rs ? rs->child : NULL; e; e = e->next) {
        cJSON *o = cJSON_CreateObject();
        const cJSON *id = cJSON_GetObjectItem(e, "id");
        if (id)
            cJSON_AddItemToObject(o, "id", cJSON_Duplicate(id, true));
        const cJSON *res = cJSON_GetObjectItem(e, "result");
        if (res) {
            static const char *const RES[] = {"verdict", "reason"};
            cJSON *r = pick(res, RES, 2);
            const cJSON *chain = cJSON_GetObjectItem(res, "chain");
            if (chain) {
                cJSON *c = cJSON_AddArrayToObject(r, "chain");
                for (const cJSON *st = chain->child; st; st = st->next) {
                    cJSON *x = cJSON_CreateObject();
                    const cJSON *name = cJSON_GetObjectItem(st, "name");
                    if (name)
                        cJSON_AddItemToObject(x, "name", cJSON_Duplicate(name, true));
                    const cJSON *rv = cJSON_GetObjectItem(st, "result");
                    if (cJSON_IsObject(rv)) {
                        static const char *const GB[] = {"GB"};
                        cJSON_AddItemToObject(x, "result", pick(rv, GB, 1));
                    } else if (rv) {
                        cJSON_AddItemToObject(x, "result", cJSON_Duplicate(rv, true));
                    }
                    cJSON_AddItemToArray(c, x);
                }
            }
            cJSON_AddItemToObject(o, "result", r);
        }
        cJSON_AddItemToArray(recs, o);
    }
    static const char *const PROV[] = {"tool_version"};
    cJSON_AddItemToObject(s, "provenance", pick(cJSON_GetObjectItem(card, "provenance"), PROV, 1));
    return s;
}

/* Parsed numbers (a card read back from card.json) as raw text that reads
 * back bit-identical: cJSON prints %1.15g when that is only approximately
 * equal. */
static void exact_numbers(cJSON *item)
{
    for (cJSON *c = item; c; c = c->next) {
        if (cJSON_IsNumber(c) && !cJSON_IsRaw(c) && isfinite(c->valuedouble)) {
            char buf[64];
            double back = NAN;
            for (int prec = 15; prec <= 17; prec++) {
                snprintf(buf, sizeof buf, "%.*g", prec, c->valuedouble);
                back = strtod(buf, NULL);
                if (back == c->valuedouble)
                    break;
            }
            char *raw = strdup(buf);
            if (raw) {
                c->type = cJSON_Raw | (c->type & cJSON_StringIsConst);
                c->valuestring = raw;
            }
        }
        if (c->child)
            exact_numbers(c->child);
    }
}

char *site_card_summary_text(const cJSON *card)
{
    cJSON *s = site_card_summary(card);
    if (!s)
        return NULL;
    exact_numbers(s->child);
    char *text = cJSON_PrintUnformatted(s);
    cJSON_Delete(s);
    return text;
}

/* ---- index, compare, methodology, panel ---------------------------------- */

/* Reads a card set in order: an array through a cursor (the pages walk it
 * front to back, page by page), a fetched set one card at a time. */
typedef struct {
    const site_cardset *cs;
    const cJSON *item;      /* array: the item at pos */
    size_t pos;
} card_reader;

/* Card i: the array's item, or the fetched summary in *tmp (the caller
 * frees *tmp with cJSON_Delete). NULL with *err when it cannot be read. */
static const cJSON *card_at(card_reader *r, size_t i, cJSON **tmp, taf_err *err)
{
    *tmp = NULL;
    const site_cardset *cs = r->cs;
    if (!cs->array) {
        *tmp = cs->get(cs->ctx, i, err);
        return *tmp;
    }
    if (!r->item || i < r->pos) {
        r->item = cs->array->child;
        r->pos = 0;
    }
    while (r->item && r->pos < i) {
        r->item = r->item->next;
        r->pos++;
    }
    if (!r->item)
        taf_fail(err, "BAD_CARDS", NULL, "card %zu of the set is missing", i + 1);
    return r->item;
}

static size_t cardset_len(const site_cardset *cs)
{
    return cs->array ? (size_t)cJSON_GetArraySize(cs->array) : cs->n;
}

/* ---- pages of a listing ---------------------------------------------------- */

static size_t per_page(const site_cardset *cs)
{
    return cs->per_page ? cs->per_page : SITE_PER_PAGE;
}

/* Page k (from 0) of a listing named base: base.html, base-2.html, ... */
static void page_file(const char *base, size_t k, char *out, size_t outsz)
{
    if (k == 0)
        snprintf(out, outsz, "%s.html", base);
    else
        snprintf(out, outsz, "%s-%zu.html", base, k + 1);
}

/* Every listing is split the same way: the first and last model of each
 * page (by position and id), read once for the links' titles. */
typedef struct {
    size_t n_pages, per, n_cards;
    char (*first)[160], (*last)[160];
} page_bounds;

static void page_bounds_free(page_bounds *b)
{
    free(b->first);
    free(b->last);
    memset(b, 0, sizeof *b);
}

static bool card_id_at(card_reader *r, size_t i, char out[160], taf_err *err)
{
    cJSON *tmp;
    const cJSON *c = card_at(r, i, &tmp, err);
    if (!c)
        return false;
    const char *id = str_at(c, "model.id");
    snprintf(out, 160, "%s", id ? id : "?");
    cJSON_Delete(tmp);
    return true;
}

static bool page_bounds_read(const site_cardset *cs, page_bounds *b, taf_err *err)
{
    memset(b, 0, sizeof *b);
    b->n_cards = cardset_len(cs);
    b->per = per_page(cs);
    b->n_pages = b->n_cards <= b->per ? 1 : (b->n_cards + b->per - 1) / b->per;
    if (b->n_pages == 1)
        return true; /* no links */
    b->first = calloc(b->n_pages, sizeof *b->first);
    b->last = calloc(b->n_pages, sizeof *b->last);
    if (!b->first || !b->last) {
        page_bounds_free(b);
        return taf_fail(err, "oom", NULL, "out of memory");
    }
    card_reader r = {cs, NULL, 0};
    for (size_t k = 0; k < b->n_pages; k++) {
        size_t lo = k * b->per, hi = lo + b->per < b->n_cards ? lo + b->per : b->n_cards;
        if (!card_id_at(&r, lo, b->first[k], err) || !card_id_at(&r, hi - 1, b->last[k], err)) {
            page_bounds_free(b);
            return false;
        }
    }
    return true;
}

static void page_range(const page_bounds *b, size_t k, size_t *lo, size_t *hi)
{
    *lo = k * b->per;
    *hi = *lo + b->per < b->n_cards ? *lo + b->per : b->n_cards;
}

/* Pages the pager names around page k (from 0) of n: the first two, the
 * last two, and two on each side of k; the others are one gap each run. */
static bool page_shown(size_t j, size_t k, size_t n)
{
    return j < 2 || j + 2 >= n || (j + 2 >= k && j <= k + 2);
}

static void add_page_link(cJSON *links, const char *base, size_t j, size_t k,
                          const page_bounds *b)
{
    cJSON *l = cJSON_CreateObject();
    size_t a, z;
    page_range(b, j, &a, &z);
    char title[420], file[200];
    snprintf(title, sizeof title, "models %zu–%zu: %s … %s", a + 1, z, b->first[j], b->last[j]);
    cJSON_AddNumberToObject(l, "page", (double)(j + 1));
    if (j == k) {
        cJSON_AddTrueToObject(l, "current");
    } else {
        page_file(base, j, file, sizeof file);
        cJSON_AddStringToObject(l, "href", file);
    }
    cJSON_AddStringToObject(l, "title", title);
    cJSON_AddItemToArray(links, l);
}

/* "pager" of page k: numbers, previous/next and links to the pages around
 * it and at both ends. None for a listing of one page: the templates put
 * the pager element flush against its neighbours, so without it the page
 * has the bytes of an unpaged site. */
static void add_pager(cJSON *d, const char *base, size_t k, const page_bounds *b)
{
    if (b->n_pages <= 1)
        return;
    size_t lo, hi;
    page_range(b, k, &lo, &hi);
    cJSON *p = cJSON_AddObjectToObject(d, "pager");
    cJSON_AddNumberToObject(p, "page", (double)(k + 1));
    cJSON_AddNumberToObject(p, "pages", (double)b->n_pages);
    cJSON_AddNumberToObject(p, "first", (double)(lo + 1));
    cJSON_AddNumberToObject(p, "last", (double)hi);
    cJSON_AddNumberToObject(p, "total", (double)b->n_cards);
    char file[200];
    if (k > 0) {
        page_file(base, k - 1, file, sizeof file);
        cJSON_AddStringToObject(p, "prev", file);
    }
    if (k + 1 < b->n_pages) {
        page_file(base, k + 1, file, sizeof file);
        cJSON_AddStringToObject(p, "next", file);
    }
    cJSON *links = cJSON_AddArrayToObject(p, "links");
    for (size_t j = 0; j < b->n_pages; j++) {
        if (page_shown(j, k, b->n_pages)) {
            add_page_link(links, base, j, k, b);
        } else if (page_shown(j - 1, k, b->n_pages)) {
            cJSON *gap = cJSON_CreateObject();
            cJSON_AddTrueToObject(gap, "gap");
            cJSON_AddItemToArray(links, gap);
        }
    }
}

static const cJSON *tile_for(const cJSON *card, const char *rid)
{
    for (const cJSON *t = cJSON_GetObjectItem(card, "tiles")->child; t; t = t->next)
        if (strcmp(str_at(t, "id"), rid) == 0 && !cJSON_GetObjectItem(t, "variant_label"))
            return t;
    return NULL;
}

/* One row of the index: model facts, measured γ (text), a verdict chip per
 * profile recipe. */
static cJSON *index_row(const cJSON *c)
{
    cJSON *m = cJSON_CreateObject();
    const cJSON *model = cJSON_GetObjectItem(c, "model");
    const char *keys[] = {"id", "slug", "family", "n_params", "theta", "T_train"};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        cJSON_AddItemToObject(m, keys[k], cJSON_Duplicate(cJSON_GetObjectItem(model, keys[k]), true));
    const cJSON *g = NULL;
    for (const cJSON *r = cJSON_GetObjectItem(c, "measured_rows")->child; r; r = r->next)
        if (strcmp(str_at(r, "corpus"), "text") == 0)
            g = cJSON_GetObjectItem(r, "gamma");
    cJSON_AddItemToObject(m, "gamma_text", g ? cJSON_Duplicate(g, true) : cJSON_CreateNull());
    cJSON *tiles = cJSON_AddArrayToObject(m, "tiles");
    for (int i = 0; i < N_PROFILE_IDS; i++) {
        const cJSON *t = tile_for(c, PROFILE_IDS[i]);
        cJSON *e = t ? cJSON_Duplicate(t, true) : cJSON_CreateObject();
        if (!t) {
            cJSON_AddStringToObject(e, "id", PROFILE_IDS[i]);
            cJSON_AddStringToObject(e, "verdict", "—");
            cJSON_AddStringToObject(e, "verdict_class", "na");
            cJSON_AddStringToObject(e, "reason", "not evaluated");
        }
        cJSON_AddItemToArray(tiles, e);
    }
    return m;
}

/* Page k of the index: its rows only; the count is of every card. */
static cJSON *index_data(card_reader *rd, const page_bounds *b, size_t k, const char *panel_note,
                         taf_err *err)
{
    cJSON *d = cJSON_CreateObject(), *models = cJSON_AddArrayToObject(d, "models");
    cJSON *ids = cJSON_AddArrayToObject(d, "recipe_ids");
    for (int i = 0; i < N_PROFILE_IDS; i++)
        cJSON_AddItemToArray(ids, cJSON_CreateString(PROFILE_IDS[i]));
    size_t lo, hi;
    page_range(b, k, &lo, &hi);
    for (size_t ci = lo; ci < hi; ci++) {
        cJSON *tmp;
        const cJSON *c = card_at(rd, ci, &tmp, err);
        if (!c) {
            cJSON_Delete(d);
            return NULL;
        }
        cJSON_AddItemToArray(models, index_row(c));
        cJSON_Delete(tmp);
    }
    cJSON_AddNumberToObject(d, "count", (double)b->n_cards);
    if (panel_note)
        cJSON_AddStringToObject(d, "panel_missing", panel_note);
    cJSON *links = cJSON_AddArrayToObject(d, "compare_links");
    for (int i = 0; i < TAF_N_RECIPES; i++) {
        cJSON *l = cJSON_CreateObject();
        char file[64];
        snprintf(file, sizeof file, "%s.html", TAF_RECIPES[i].id);
        cJSON_AddStringToObject(l, "id", TAF_RECIPES[i].id);
        cJSON_AddStringToObject(l, "file", file);
        cJSON_AddItemToArray(links, l);
    }
    add_pager(d, "index", k, b);
    return d;
}

/* The card's own result of a recipe (profile variant, or the measured run
 * for the recipes that need a measurement), or NULL. */
static const cJSON *recipe_result(const cJSON *c, const char *rid)
{
    const cJSON *res = NULL;
    for (const cJSON *e = cJSON_GetObjectItem(c, "recipes")->child; e && !res; e = e->next)
        if (strcmp(str_at(e, "id"), rid) == 0)
            res = cJSON_GetObjectItem(e, "result");
    return res;
}

/* The compare columns of a recipe: the step names of the first chain in
 * the set that has steps, so every page has the same columns. NULL with
 * *err when a card cannot be read. */
static cJSON *compare_columns(card_reader *rd, size_t n, const taf_recipe *r, taf_err *err)
{
    cJSON *cols = cJSON_CreateArray();
    bool found = false;
    for (size_t ci = 0; ci < n && !found; ci++) {
        cJSON *tmp;
        const cJSON *c = card_at(rd, ci, &tmp, err);
        if (!c) {
            cJSON_Delete(cols);
            return NULL;
        }
        const cJSON *res = recipe_result(c, r->id);
        const cJSON *chain = res ? cJSON_GetObjectItem(res, "chain") : NULL;
        if (chain && chain->child) {
            for (const cJSON *s = chain->child; s; s = s->next)
                cJSON_AddItemToArray(cols, cJSON_CreateString(str_at(s, "name")));
            found = true;
        }
        cJSON_Delete(tmp);
    }
    return cols;
}

static cJSON *compare_row(const cJSON *c, const cJSON *res, const taf_recipe *r,
                          const cJSON *cols)
{
    const cJSON *chain = cJSON_GetObjectItem(res, "chain");
    cJSON *row = cJSON_CreateObject();
    cJSON_AddStringToObject(row, "label", str_at(c, "model.id"));
    cJSON_AddStringToObject(row, "slug", str_at(c, "model.slug"));
    const char *v = str_at(res, "verdict");
    cJSON_AddStringToObject(row, "verdict", v ? v : "—");
    const cJSON *t = NULL;
    for (const cJSON *x = cJSON_GetObjectItem(c, "tiles")->child; x && !t; x = x->next)
        if (strcmp(str_at(x, "id"), r->id) == 0)
            t = x;
    cJSON_AddStringToObject(row, "verdict_class", t ? str_at(t, "verdict_class") : "na");
    const char *reason = str_at(res, "reason");
    cJSON_AddStringToObject(row, "reason", reason ? reason : "");
    cJSON *vals = cJSON_AddArrayToObject(row, "values");
    for (const cJSON *col = cols->child; col; col = col->next) {
        const cJSON *found = NULL;
        for (const cJSON *s = chain ? chain->child : NULL; s && !found; s = s->next)
            if (strcmp(str_at(s, "name"), col->valuestring) == 0) {
                const cJSON *rv = cJSON_GetObjectItem(s, "result");
                found = cJSON_IsObject(rv) ? cJSON_GetObjectItem(rv, "GB") : rv;
            }
        double x;
        cJSON_AddItemToArray(vals, found && jget_double(found, &x)
                                       ? cJSON_Duplicate(found, true)
                                       : (found && cJSON_IsString(found)
                                              ? cJSON_Duplicate(found, true)
                                              : cJSON_CreateNull()));
    }
    return row;
}

/* Page k of one recipe across all cards (cards without a result for it
 * are left out). */
static cJSON *compare_data(card_reader *rd, const page_bounds *b, size_t k, const taf_recipe *r,
                           const cJSON *cols, taf_err *err)
{
    cJSON *d = cJSON_CreateObject();
    char title[200];
    snprintf(title, sizeof title, "%s %s across all models", r->id, r->name);
    cJSON_AddStringToObject(d, "title", title);
    cJSON_AddStringToObject(d, "description", r->description);
    cJSON_AddItemToObject(d, "columns", cJSON_Duplicate(cols, true));
    cJSON *rows = cJSON_AddArrayToObject(d, "rows");
    size_t lo, hi;
    page_range(b, k, &lo, &hi);
    for (size_t ci = lo; ci < hi; ci++) {
        cJSON *tmp;
        const cJSON *c = card_at(rd, ci, &tmp, err);
        if (!c) {
            cJSON_Delete(d);
            return NULL;
        }
        const cJSON *res = recipe_result(c, r->id);
        if (res)
            cJSON_AddItemToArray(rows, compare_row(c, res, r, cols));
        cJSON_Delete(tmp);
    }
    add_pager(d, r->id, k, b);
    return d;
}

/* Methodology: the registry plus each recipe's step list, taken from a
 * reference run (Llama-3-8B at 32k, measured γ given where a recipe takes
 * one) so the formulas shown are the engine's own. */
static cJSON *methodology_data(void)
{
    static const char *const SAMPLE =
        "{\"theta\":500000,\"T_train\":8192,\"T_eval\":32768,\"n_attention_heads\":32,"
        "\"n_kv_heads\":8,\"d_head\":128,\"n_layers\":32,\"n_params\":8e9,\"N_params\":8e9,"
        "\"gamma_obs\":0.9,\"gamma_random_obs\":0.8,\"gamma_text\":0.9,\"gamma_random\":0.8}";
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "formula_version", TAF_FORMULA_VERSION);
    cJSON *list = recipe_registry_json();
    for (cJSON *r = list->child; r; r = r->next) {
        const taf_recipe *rec = recipe_find(str_at(r, "id"));
        cJSON *sample = cJSON_Parse(SAMPLE);
        /* keep only the arguments this recipe declares */
        cJSON *args = cJSON_CreateObject();
        for (int k = 0; k < recipe_spec_len(rec); k++) {
            cJSON *v = cJSON_GetObjectItem(sample, rec->spec[k].name);
            if (v)
                cJSON_AddItemToObject(args, rec->spec[k].name, cJSON_Duplicate(v, true));
        }
        cJSON_Delete(sample);
        taf_err err;
        cJSON *res = recipe_run(rec->id, args, &err);
        cJSON_Delete(args);
        cJSON *steps = cJSON_AddArrayToObject(r, "steps");
        const cJSON *chain = res ? cJSON_GetObjectItem(res, "chain") : NULL;
        for (const cJSON *s = chain ? chain->child : NULL; s; s = s->next) {
            cJSON *e = cJSON_CreateObject();
            const char *keys[] = {"step", "section", "name", "formula"};
            for (int k = 0; k < 4; k++)
                cJSON_AddItemToObject(e, keys[k], cJSON_Duplicate(cJSON_GetObjectItem(s, keys[k]), true));
            cJSON_AddItemToArray(steps, e);
        }
        cJSON_Delete(res);
    }
    cJSON_AddItemToObject(d, "recipes", list);
    cJSON_AddItemToObject(d, "formulas", formula_list_json());
    return d;
}

static bool write_index_pages(const site_templates *t, const char *out, card_reader *rd,
                              const page_bounds *b, const char *panel_note, taf_err *err)
{
    for (size_t k = 0; k < b->n_pages; k++) {
        cJSON *d = index_data(rd, b, k, panel_note, err);
        if (!d)
            return false;
        char file[200], path[1400];
        page_file("index", k, file, sizeof file);
        snprintf(path, sizeof path, "%s/%s", out, file);
        if (!render_page(t->index, "index.xhtml", d, path, err))
            return false;
    }
    return true;
}

static bool write_compare_pages(const site_templates *t, const char *out, card_reader *rd,
                                const page_bounds *b, const taf_recipe *r, taf_err *err)
{
    cJSON *cols = compare_columns(rd, b->n_cards, r, err);
    bool ok = cols != NULL;
    for (size_t k = 0; ok && k < b->n_pages; k++) {
        cJSON *d = compare_data(rd, b, k, r, cols, err);
        char file[200], path[1400];
        page_file(r->id, k, file, sizeof file);
        snprintf(path, sizeof path, "%s/compare/%s", out, file);
        ok = d && render_page(t->compare, "compare.xhtml", d, path, err);
    }
    cJSON_Delete(cols);
    return ok;
}

static bool write_assets(const site_templates *t, const char *out, taf_err *err)
{
    const char *assets[] = {"style.css", "sort.js"};
    for (size_t i = 0; i < 2; i++) {
        char from[1200], path[1400];
        snprintf(from, sizeof from, "%s/%s", t->dir, assets[i]);
        snprintf(path, sizeof path, "%s/%s", out, assets[i]);
        if (!copy_file(from, path, err))
            return false;
    }
    return true;
}

bool site_write_listing_pages(const site_templates *t, const char *out,
                              const site_cardset *cards, const char *panel_note, taf_err *err)
{
    page_bounds b;
    if (!page_bounds_read(cards, &b, err))
        return false;
    card_reader rd = {cards, NULL, 0};
    char path[1400];
    bool ok = write_index_pages(t, out, &rd, &b, panel_note, err);
    snprintf(path, sizeof path, "%s/compare", out);
    if (ok && mkdir(path, 0755) != 0 && errno != EEXIST)
        ok = taf_fail(err, "CANNOT_WRITE", NULL, "cannot create %s: %s", path, strerror(errno));
    for (int i = 0; ok && i < TAF_N_RECIPES; i++)
        ok = write_compare_pages(t, out, &rd, &b, &TAF_RECIPES[i], err);
    page_bounds_free(&b);
    if (!ok)
        return false;
    snprintf(path, sizeof path, "%s/methodology.html", out);
    return render_page(t->methodology, "methodology.xhtml", methodology_data(), path, err) &&
           write_assets(t, out, err);
}

bool site_write_panel_page(const site_templates *t, const char *out, const cJSON *panel,
                           const char *panel_note, taf_err *err)
{
    char path[1400];
    cJSON *d = panel ? cJSON_Duplicate(panel, true) : cJSON_CreateObject();
    if (panel_note)
        cJSON_AddStringToObject(d, "panel_missing", panel_note);
    snprintf(path, sizeof path, "%s/panel.html", out);
    bool ok = render_page(t->panel, "panel.xhtml", d, path, err);
    return ok;
}

bool site_write_pages(const site_templates *t, const char *out, const cJSON *cards,
                      const cJSON *panel, const char *panel_note, taf_err *err)
{
    site_cardset cs = {.array = cards};
    return site_write_listing_pages(t, out, &cs, panel_note, err) &&
           site_write_panel_page(t, out, panel, panel_note, err);
}

cJSON *site_panel_cards(const site_cardset *cards, taf_err *err)
{
    static const char *const MODEL[] = {"id", "slug", "family", "theta", "T_train", "n_params",
                                        "n_kv_heads", "n_attention_heads", "has_SWA",
                                        "is_instruct"};
    static const char *const SUMMARY[] = {"has_GQA"};
    static const char *const KEYS[] = {"gamma_pade", "gamma_decomposed", "compute_invariant_K"};
    static const char *const PROV[] = {"tool_version"};
    cJSON *out = cJSON_CreateArray();
    card_reader rd = {cards, NULL, 0};
    size_t n = cardset_len(cards);
    for (size_t ci = 0; ci < n; ci++) {
        cJSON *tmp;
        const cJSON *c = card_at(&rd, ci, &tmp, err);
        if (!c) {
            cJSON_Delete(out);
            return NULL;
        }
        if (!panel_has_measurements(c)) { /* not on the panel page: not kept */
            cJSON_Delete(tmp);
            continue;
        }
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToObjectCS(o, "model", pick(cJSON_GetObjectItem(c, "model"), MODEL, 10));
        cJSON_AddItemToObjectCS(o, "summary",
                                pick(cJSON_GetObjectItem(c, "summary"), SUMMARY, 1));
        cJSON_AddItemToObjectCS(o, "key_numbers",
                                pick(cJSON_GetObjectItem(c, "key_numbers"), KEYS, 3));
        const cJSON *mr = cJSON_GetObjectItem(c, "measured_rows");
        cJSON_AddItemToObjectCS(o, "measured_rows",
                                mr ? cJSON_Duplicate(mr, true) : cJSON_CreateArray());
        const cJSON *fits = cJSON_GetObjectItem(c, "fits");
        if (fits)
            cJSON_AddItemToObjectCS(o, "fits", cJSON_Duplicate(fits, true));
        cJSON_AddItemToObjectCS(o, "provenance",
                                pick(cJSON_GetObjectItem(c, "provenance"), PROV, 1));
        cJSON_AddItemToArray(out, o);
        cJSON_Delete(tmp);
    }
    return out;
}
