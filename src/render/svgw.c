#include "render/svgw.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlwriter.h>

#include "render/fontpin.h"
#include "util/tls.h"
#include "util/xmltext.h"

#define SVG_NS "http://www.w3.org/2000/svg"
#define XLINK_NS "http://www.w3.org/1999/xlink"
/* Glyph outlines are taken at this font size and scaled at each use:
 * large enough that whole units are exact to 1e-3 em. */
#define GLYPH_UNITS 1000.0

/* ---- numbers and path data ------------------------------------------------ */

typedef struct {
    char *p;
    size_t len, cap;
    bool oom;
} dbuf;

static void db_reserve(dbuf *b, size_t extra)
{
    if (b->oom || b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = true;
        return;
    }
    b->p = p;
    b->cap = cap;
}

static void db_putc(dbuf *b, char c)
{
    db_reserve(b, 1);
    if (b->oom)
        return;
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

static void db_puts(dbuf *b, const char *s)
{
    size_t n = strlen(s);
    db_reserve(b, n);
    if (b->oom)
        return;
    memcpy(b->p + b->len, s, n + 1);
    b->len += n;
}

/* v rounded to `dec` decimals (≤ 7), trailing zeros and "-0" dropped, in
 * the C locale's notation by construction (digits from integer
 * arithmetic: no printf, no locale). False when |v| is too large to be a
 * coordinate (≥ 1e9) or not finite. */
static bool put_fixed(dbuf *b, double v, int dec)
{
    static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7};
    if (!isfinite(v) || fabs(v) >= 1e9 || dec < 0 || dec > 7)
        return false;
    double r = nearbyint(v * p10[dec]);
    bool neg = r < 0;
    uint64_t u = (uint64_t)fabs(r), scale = (uint64_t)p10[dec];
    uint64_t whole = u / scale, frac = u % scale;
    char tmp[40];
    int n = 0;
    if (frac) {
        int d = dec;
        while (frac % 10 == 0) {
            frac /= 10;
            d--;
        }
        for (; d > 0; d--) {
            tmp[n++] = (char)('0' + frac % 10);
            frac /= 10;
        }
        tmp[n++] = '.';
    }
    do {
        tmp[n++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    if (neg && u)
        tmp[n++] = '-';
    db_reserve(b, (size_t)n);
    if (b->oom)
        return true;
    while (n)
        b->p[b->len++] = tmp[--n];
    b->p[b->len] = '\0';
    return true;
}

static bool put_pt(dbuf *b, double x, double y, int dec)
{
    bool ok = put_fixed(b, x, dec);
    db_putc(b, ' ');
    return put_fixed(b, y, dec) && ok;
}

/* SVG path data for a cairo path ("M x y L x y C ... Z"). */
static bool path_data(const cairo_path_t *path, dbuf *b, int dec)
{
    bool ok = true;
    for (int i = 0; i < path->num_data; i += path->data[i].header.length) {
        const cairo_path_data_t *d = &path->data[i];
        if (b->len)
            db_putc(b, ' ');
        switch (d->header.type) {
        case CAIRO_PATH_MOVE_TO:
            if (i + d->header.length >= path->num_data) {
                /* cairo ends a closed subpath with a move back to its start:
                 * no ink, so not written */
                if (b->len && b->p[b->len - 1] == ' ')
                    b->p[--b->len] = '\0';
                break;
            }
            db_putc(b, 'M');
            ok = put_pt(b, d[1].point.x, d[1].point.y, dec) && ok;
            break;
        case CAIRO_PATH_LINE_TO:
            db_putc(b, 'L');
            ok = put_pt(b, d[1].point.x, d[1].point.y, dec) && ok;
            break;
        case CAIRO_PATH_CURVE_TO:
            db_putc(b, 'C');
            for (int k = 1; k <= 3; k++) {
                if (k > 1)
                    db_putc(b, ' ');
                ok = put_pt(b, d[k].point.x, d[k].point.y, dec) && ok;
            }
            break;
        case CAIRO_PATH_CLOSE_PATH:
            db_putc(b, 'Z');
            break;
        }
    }
    return ok;
}

/* ---- per-thread glyph outline cache ---------------------------------------- */

typedef struct {
    xmlHashTablePtr outlines; /* glyph key -> malloc'd path data ("" = no ink) */
    cairo_surface_t *surface;
    cairo_t *cr;
} glyph_cache;

static void cache_free(void *p)
{
    glyph_cache *c = p;
    if (c->outlines)
        xmlHashFree(c->outlines, xmlHashDefaultDeallocator); /* xmlFree is free */
    if (c->cr)
        cairo_destroy(c->cr);
    if (c->surface)
        cairo_surface_destroy(c->surface);
    free(c);
}

static tls_slot cache_slot = TLS_SLOT(cache_free);

void svgw_release_thread_cache(void)
{
    tls_slot_release(&cache_slot);
}

static glyph_cache *cache_get(void)
{
    glyph_cache *c = tls_slot_get(&cache_slot);
    if (c)
        return c;
    c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->outlines = xmlHashCreate(256);
    c->surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, NULL);
    c->cr = cairo_create(c->surface);
    if (!c->outlines || cairo_status(c->cr) != CAIRO_STATUS_SUCCESS || !tls_slot_set(&cache_slot, c)) {
        cache_free(c);
        return NULL;
    }
    cairo_set_font_size(c->cr, GLYPH_UNITS);
    return c;
}

/* The outline of `index` in the font face of `from` (same font options),
 * in GLYPH_UNITS per em, y down, origin on the baseline. */
static const char *glyph_outline(cairo_t *from, const char *key, unsigned long index)
{
    glyph_cache *c = cache_get();
    if (!c)
        return NULL;
    const char *hit = xmlHashLookup(c->outlines, (const xmlChar *)key);
    if (hit)
        return hit;
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_get_font_options(from, fo);
    cairo_set_font_options(c->cr, fo);
    cairo_font_options_destroy(fo);
    cairo_set_font_face(c->cr, cairo_get_font_face(from));
    cairo_set_font_size(c->cr, GLYPH_UNITS);
    cairo_new_path(c->cr);
    cairo_glyph_t g = {index, 0, 0};
    cairo_glyph_path(c->cr, &g, 1);
    fontpin_keep(cairo_get_scaled_font(c->cr));
    cairo_path_t *path = cairo_copy_path(c->cr);
    cairo_new_path(c->cr);
    dbuf b = {0};
    /* whole units: 1/1000 em is 0.02 px at the largest font we use */
    bool ok = path && path->status == CAIRO_STATUS_SUCCESS && path_data(path, &b, 0);
    cairo_path_destroy(path);
    if (!ok || b.oom) {
        free(b.p);
        return NULL;
    }
    char *d = b.p ? b.p : calloc(1, 1);
    if (!d || xmlHashAddEntry(c->outlines, (const xmlChar *)key, d) != 0) {
        free(d);
        return NULL;
    }
    return d;
}

/* ---- the document ------------------------------------------------------------ */

struct svgw {
    xmlBufferPtr buf;
    xmlTextWriterPtr wr;
    cairo_surface_t *rec; /* receives nothing when every mark goes through ink_* */
    cairo_t *cr;
    char prefix[72];
    /* glyphs used, in order of first use: key -> id number (as pointer + 1) */
    xmlHashTablePtr glyph_ids;
    char **glyph_keys, **glyph_refs; /* per number: cache key, "#<prefix>g<N>" */
    size_t n_glyphs, cap_glyphs;
    /* clip id per ink_save level; -1 = none */
    long *clips;
    size_t depth, cap_depth;
    long next_clip;
    dbuf scratch, scratch2;
    bool failed;
    taf_err first;
};

static const cairo_user_data_key_t svgw_key;

static svgw *svgw_of(cairo_t *cr)
{
    return cr ? cairo_get_user_data(cr, &svgw_key) : NULL;
}

static void fail(svgw *w, const char *code, const char *what)
{
    if (w->failed)
        return;
    w->failed = true;
    taf_fail(&w->first, code, NULL, "SVG output: %s", what);
}

static void wcheck(svgw *w, int rc)
{
    if (rc < 0)
        fail(w, "svg-write", "libxml2's writer failed (out of memory?)");
}

static void attr(svgw *w, const char *name, const char *value)
{
    wcheck(w, xmlTextWriterWriteAttribute(w->wr, (const xmlChar *)name, (const xmlChar *)value));
}

/* An attribute whose value this writer made (numbers, path data, ids,
 * colours): libxml2 writes it without its per-character escaping pass,
 * an eighth of the SVG instructions, since nothing in it needs escaping. A value
 * that holds a character that would, goes through attr all the same. */
static void gen_attr(svgw *w, const char *name, const char *value)
{
    if (strpbrk(value, "<>&\"'\t\n\r")) {
        attr(w, name, value);
        return;
    }
    wcheck(w, xmlTextWriterStartAttribute(w->wr, (const xmlChar *)name));
    wcheck(w, xmlTextWriterWriteRaw(w->wr, (const xmlChar *)value));
    wcheck(w, xmlTextWriterEndAttribute(w->wr));
}

static bool valid_prefix(const char *p)
{
    if (!p || !*p || strlen(p) > 64)
        return false;
    if (!((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z') || p[0] == '_'))
        return false;
    for (; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-' || *p == '.'))
            return false;
    return true;
}

static void text_elem(svgw *w, const char *name, const char *id, const char *text)
{
    wcheck(w, xmlTextWriterStartElement(w->wr, (const xmlChar *)name));
    attr(w, "id", id);
    wcheck(w, xmlTextWriterWriteString(w->wr, (const xmlChar *)text));
    wcheck(w, xmlTextWriterEndElement(w->wr));
}

static void write_head(svgw *w, double width, double height, const svgw_opts *o)
{
    dbuf n = {0};
    char tid[96], did[96], lab[200];
    snprintf(tid, sizeof tid, "%stitle", w->prefix);
    snprintf(did, sizeof did, "%sdesc", w->prefix);
    const char *title = o && o->title && *o->title ? o->title : "Chart";
    const char *desc = o ? o->desc : NULL;
    snprintf(lab, sizeof lab, desc ? "%s %s" : "%s", tid, did);

    wcheck(w, xmlTextWriterStartDocument(w->wr, "1.0", "UTF-8", NULL));
    wcheck(w, xmlTextWriterStartElement(w->wr, (const xmlChar *)"svg"));
    attr(w, "xmlns", SVG_NS);
    attr(w, "xmlns:xlink", XLINK_NS);
    put_fixed(&n, width, 3);
    db_puts(&n, "px");
    attr(w, "width", n.p ? n.p : "0");
    n.len = 0;
    put_fixed(&n, height, 3);
    db_puts(&n, "px");
    attr(w, "height", n.p ? n.p : "0");
    n.len = 0;
    db_puts(&n, "0 0 ");
    put_pt(&n, width, height, 3);
    attr(w, "viewBox", n.p ? n.p : "0 0 0 0");
    attr(w, "version", "1.1");
    attr(w, "role", "img");
    attr(w, "aria-labelledby", lab);
    if (n.oom)
        fail(w, "oom", "out of memory");
    free(n.p);
    text_elem(w, "title", tid, title);
    if (desc)
        text_elem(w, "desc", did, desc);
    /* the page is white in every format (PNG and PDF paint it first) */
    wcheck(w, xmlTextWriterStartElement(w->wr, (const xmlChar *)"rect"));
    attr(w, "width", "100%");
    attr(w, "height", "100%");
    attr(w, "fill", "#ffffff");
    wcheck(w, xmlTextWriterEndElement(w->wr));
}

svgw *svgw_new(double width, double height, const svgw_opts *o, taf_err *err)
{
    const char *prefix = o && o->id_prefix ? o->id_prefix : "s";
    if (!valid_prefix(prefix)) {
        taf_fail(err, "svg-bad-prefix", "use letters, digits, '_', '-', '.'",
                 "SVG id prefix '%s' is not a valid XML name start", prefix);
        return NULL;
    }
    if (o && ((o->title && !xml_text_ok(o->title)) || (o->desc && !xml_text_ok(o->desc)))) {
        taf_fail(err, "svg-bad-text", NULL, "SVG title/description is not valid UTF-8 XML text");
        return NULL;
    }
    if (!(width >= 1 && width <= 20000 && height >= 1 && height <= 20000)) {
        taf_fail(err, "render-size", NULL, "page size %g x %g px is outside 1..20000", width, height);
        return NULL;
    }
    svgw *w = calloc(1, sizeof *w);
    if (!w) {
        taf_fail(err, "oom", NULL, "out of memory");
        return NULL;
    }
    snprintf(w->prefix, sizeof w->prefix, "%s", prefix);
    w->buf = xmlBufferCreate();
    w->wr = w->buf ? xmlNewTextWriterMemory(w->buf, 0) : NULL;
    cairo_rectangle_t ext = {0, 0, width, height};
    w->rec = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
    w->cr = cairo_create(w->rec);
    w->glyph_ids = xmlHashCreate(128);
    w->cap_depth = 16;
    w->clips = malloc(w->cap_depth * sizeof *w->clips);
    if (!w->wr || !w->glyph_ids || !w->clips || cairo_status(w->cr) != CAIRO_STATUS_SUCCESS ||
        cairo_set_user_data(w->cr, &svgw_key, w, NULL) != CAIRO_STATUS_SUCCESS) {
        svgw_free(w);
        taf_fail(err, "oom", NULL, "out of memory");
        return NULL;
    }
    w->clips[0] = -1;
    w->depth = 0;
    /* one element per line: generated charts show up as readable diffs */
    xmlTextWriterSetIndent(w->wr, 1);
    xmlTextWriterSetIndentString(w->wr, (const xmlChar *)"");
    write_head(w, width, height, o);
    return w;
}

cairo_t *svgw_context(svgw *w)
{
    return w ? w->cr : NULL;
}

void svgw_free(svgw *w)
{
    if (!w)
        return;
    if (w->wr)
        xmlFreeTextWriter(w->wr);
    if (w->buf)
        xmlBufferFree(w->buf);
    if (w->cr)
        cairo_destroy(w->cr);
    if (w->rec)
        cairo_surface_destroy(w->rec);
    if (w->glyph_ids)
        xmlHashFree(w->glyph_ids, NULL);
    for (size_t i = 0; i < w->n_glyphs; i++) {
        free(w->glyph_keys[i]);
        free(w->glyph_refs[i]);
    }
    free(w->glyph_keys);
    free(w->glyph_refs);
    free(w->clips);
    free(w->scratch.p);
    free(w->scratch2.p);
    free(w);
}

/* ---- elements ------------------------------------------------------------------ */

static void id_ref(char *out, size_t n, const svgw *w, char kind, long id, bool url)
{
    snprintf(out, n, url ? "url(#%s%c%ld)" : "#%s%c%ld", w->prefix, kind, id);
}

static void color_attrs(svgw *w, cairo_t *cr, const char *paint, const char *opacity)
{
    double r, g, b, a;
    if (cairo_pattern_get_rgba(cairo_get_source(cr), &r, &g, &b, &a) != CAIRO_STATUS_SUCCESS) {
        fail(w, "svg-paint", "only plain colours can be drawn");
        return;
    }
    char hex[8];
    snprintf(hex, sizeof hex, "#%02x%02x%02x", (unsigned)lround(fmin(fmax(r, 0), 1) * 255),
             (unsigned)lround(fmin(fmax(g, 0), 1) * 255), (unsigned)lround(fmin(fmax(b, 0), 1) * 255));
    gen_attr(w, paint, hex);
    if (a < 1) {
        dbuf n = {0};
        put_fixed(&n, fmax(a, 0), 3);
        gen_attr(w, opacity, n.p ? n.p : "0");
        free(n.p);
    }
}

static void clip_attr(svgw *w)
{
    long c = w->clips[w->depth];
    if (c < 0)
        return;
    char ref[128];
    id_ref(ref, sizeof ref, w, 'c', c, true);
    gen_attr(w, "clip-path", ref);
}

/* The current path in device px, as path data in w->scratch. */
static bool device_path(svgw *w, cairo_t *cr)
{
    cairo_save(cr);
    cairo_identity_matrix(cr);
    cairo_path_t *path = cairo_copy_path(cr);
    cairo_restore(cr);
    w->scratch.len = 0;
    if (w->scratch.p)
        w->scratch.p[0] = '\0';
    bool ok = path && path->status == CAIRO_STATUS_SUCCESS;
    if (ok && !path_data(path, &w->scratch, 3))
        fail(w, "svg-coordinate", "a coordinate is not finite or beyond ±1e9 px");
    cairo_path_destroy(path);
    if (!ok)
        fail(w, "svg-path", "cairo could not copy the path");
    if (w->scratch.oom)
        fail(w, "oom", "out of memory");
    return ok && !w->failed && w->scratch.len > 0;
}

/* Device size of a user-space length (uniform scale assumed, as ours). */
static double device_len(cairo_t *cr, double v)
{
    cairo_matrix_t m;
    cairo_get_matrix(cr, &m);
    return v * sqrt(fabs(m.xx * m.yy - m.xy * m.yx));
}

static void num_attr(svgw *w, const char *name, double v)
{
    dbuf n = {0};
    if (!put_fixed(&n, v, 3))
        fail(w, "svg-coordinate", "a length is not finite");
    gen_attr(w, name, n.p ? n.p : "0");
    free(n.p);
}

static void emit_fill(svgw *w, cairo_t *cr)
{
    if (w->failed || !device_path(w, cr))
        return;
    wcheck(w, xmlTextWriterStartElement(w->wr, (const xmlChar *)"path"));
    gen_attr(w, "d", w->scratch.p);
    color_attrs(w, cr, "fill", "fill-opacity");
    if (cairo_get_fill_rule(cr) == CAIRO_FILL_RULE_EVEN_ODD)
        attr(w, "fill-rule", "evenodd");
    clip_attr(w);
    wcheck(w, xmlTextWriterEndElement(w->wr));
}

static void emit_stroke(svgw *w, cairo_t *cr)
{
    if (w->failed || !device_path(w, cr))
        return;
    wcheck(w, xmlTextWriterStartElement(w->wr, (const xmlChar *)"path"));
    gen_attr(w, "d", w->scratch.p);
    attr(w, "fill", "none");
    color_attrs(w, cr, "stroke", "stroke-opacity");
    num_attr(w, "stroke-width", device_len(cr, cairo_get_line_width(cr)));
    static const char *const caps[] = {"butt", "round", "square"};
    static const char *const joins[] = {"miter", "round", "bevel"};
    cairo_line_cap_t cap = cairo_get_line_cap(cr);
    cairo_line_join_t join = cairo_get_line_join(cr);
    if (cap != CAIRO_LINE_CAP_BUTT && (unsigned)cap < 3)
        attr(w, "stroke-linecap", caps[cap]);
    if (join != CAIRO_LINE_JOIN_MITER && (unsigned)join < 3)
        attr(w, "stroke-linejoin", joins[join]);
    else
        num_attr(w, "stroke-miterlimit", cairo_get_miter_limit(cr)); /* SVG's default is 4, cairo's 10 */
    int nd = cairo_get_dash_count(cr);
    if (nd > 0 && nd <= 64) {
        double dash[64], off;
        cairo_get_dash(cr, dash, &off);
        dbuf d = {0};
        for (int i = 0; i < nd; i++) {
            if (i)
                db_putc(&d, ' ');
            if (!put_fixed(&d, device_len(cr, dash[i]), 3))
                fail(w, "svg-coordinate", "a dash length is not finite");
        }
        gen_attr(w, "stroke-dasharray", d.p ? d.p : "none");
        free(d.p);
        if (off != 0)
            num_attr(w, "stroke-dashoffset", device_len(cr, off));
    }
    clip_attr(w);
    wcheck(w, xmlTextWriterEndElement(w->wr));
}

/* The document's number for glyph `key` (its outline is defined once, at
 * the end), GLYPH_BLANK for a glyph without ink (a space), GLYPH_FAILED
 * after a failure. Each glyph is looked up once per use, in this table
 * only: the outline cache is asked the first time the document meets it. */
enum { GLYPH_BLANK = -1, GLYPH_FAILED = -2 };

static long doc_glyph(svgw *w, cairo_t *cr, const char *key, unsigned long index)
{
    /* stored as number + 3 so that no entry is a NULL pointer */
    void *hit = xmlHashLookup(w->glyph_ids, (const xmlChar *)key);
    if (hit)
        return (long)((uintptr_t)hit) - 3;
    const char *outline = glyph_outline(cr, key, index);
    if (!outline) {
        fail(w, "svg-text", "a glyph outline could not be read");
        return GLYPH_FAILED;
    }
    long id = GLYPH_BLANK;
    if (*outline) {
        if (w->n_glyphs == w->cap_glyphs) {
            size_t cap = w->cap_glyphs ? w->cap_glyphs * 2 : 64;
            char **k = realloc(w->glyph_keys, cap * sizeof *k);
            char **r = k ? realloc(w->glyph_refs, cap * sizeof *r) : NULL;
            if (k)
                w->glyph_keys = k;
            if (r)
                w->glyph_refs = r;
            if (!k || !r) {
                fail(w, "oom", "out of memory");
                return GLYPH_FAILED;
            }
            w->cap_glyphs = cap;
        }
        char ref[128];
        id = (long)w->n_glyphs;
        id_ref(ref, sizeof ref, w, 'g', id, false);
        char *key_copy = strdup(key), *ref_copy = strdup(ref);
        if (!key_copy || !ref_copy) {
            free(key_copy);
            free(ref_copy);
            fail(w, "oom", "out of memory");
            return GLYPH_FAILED;
        }
        w->glyph_keys[w->n_glyphs] = key_copy;
        w->glyph_refs[w->n_glyphs++] = ref_copy;
    }
    if (xmlHashAddEntry(w->glyph_ids, (const xmlChar *)key, (void *)(uintptr_t)(id + 3)) != 0) {
        fail(w, "oom", "out of memory");
        return GLYPH_FAILED;
    }
    return id;
}

/* The face part of glyph keys ("weight.slant.family."), once per text run. */
static void face_key(char *out, size_t n, cairo_t *cr)
{
    cairo_font_face_t *face = cairo_get_font_face(cr);
    const char *family = "?";
    int weight = 0, slant = 0;
    if (cairo_font_face_get_type(face) == CAIRO_FONT_TYPE_TOY) {
        family = cairo_toy_font_face_get_family(face);
        weight = (int)cairo_toy_font_face_get_weight(face);
        slant = (int)cairo_toy_font_face_get_slant(face);
    }
    snprintf(out, n, "%d.%d.%s.", weight, slant, family);
}

/* face key + glyph index, without printf (this runs once per glyph). */
static void glyph_key(char *out, size_t n, const char *face, unsigned long index)
{
    char digits[24];
    int k = 0;
    do {
        digits[k++] = (char)('0' + index % 10);
        index /= 10;
    } while (index);
    size_t fl = strlen(face);
    if (fl + (size_t)k + 1 > n) {
        out[0] = '\0';
        return;
    }
    memcpy(out, face, fl);
    while (k)
        out[fl++] = digits[--k];
    out[fl] = '\0';
}

/* The transform that puts a run's glyph outlines (GLYPH_UNITS per em, y
 * down, origin on the baseline) at the run's first glyph in device px. */
static bool run_transform(dbuf *t, const cairo_matrix_t *m)
{
    t->len = 0;
    bool ok;
    if (m->xy == 0 && m->yx == 0 && m->xx == m->yy) {
        db_puts(t, "translate(");
        ok = put_pt(t, m->x0, m->y0, 3);
        db_puts(t, ") scale(");
        ok = put_fixed(t, m->xx, 7) && ok;
    } else {
        db_puts(t, "matrix(");
        ok = put_pt(t, m->xx, m->yx, 7);
        db_putc(t, ' ');
        ok = put_pt(t, m->xy, m->yy, 7) && ok;
        db_putc(t, ' ');
        ok = put_pt(t, m->x0, m->y0, 3) && ok;
    }
    db_putc(t, ')');
    return ok;
}

/* A glyph of the open run, `dx`/`dy` glyph units from its first glyph:
 * only the offsets per glyph, the run's <g> carries the transform. */
static void emit_use(svgw *w, long id, double dx, double dy)
{
    wcheck(w, xmlTextWriterStartElement(w->wr, (const xmlChar *)"use"));
    gen_attr(w, "xlink:href", w->glyph_refs[id]);
    dbuf n = w->scratch2;
    bool ok = true;
    if (dx != 0) {
        n.len = 0;
        ok = put_fixed(&n, dx, 1);
        if (ok && !n.oom)
            gen_attr(w, "x", n.p);
    }
    if (dy != 0 && ok) {
        n.len = 0;
        ok = put_fixed(&n, dy, 1);
        if (ok && !n.oom)
            gen_attr(w, "y", n.p);
    }
    w->scratch2 = n;
    if (!ok)
        fail(w, "svg-coordinate", "a text position is not finite");
    if (n.oom)
        fail(w, "oom", "out of memory");
    wcheck(w, xmlTextWriterEndElement(w->wr));
}

static void emit_text(svgw *w, cairo_t *cr, const char *utf8)
{
    if (w->failed || !utf8 || !*utf8 || !cairo_has_current_point(cr))
        return;
    double x, y;
    cairo_get_current_point(cr, &x, &y);
    cairo_scaled_font_t *sf = cairo_get_scaled_font(cr);
    cairo_glyph_t *glyphs = NULL;
    int n = 0;
    if (cairo_scaled_font_text_to_glyphs(sf, x, y, utf8, -1, &glyphs, &n, NULL, NULL, NULL) !=
        CAIRO_STATUS_SUCCESS) {
        fail(w, "svg-text", "cairo could not lay out a text");
        return;
    }
    /* glyph units -> user space (the font matrix) and back, for the offsets */
    cairo_matrix_t unit, font, ctm, to_units;
    cairo_matrix_init_scale(&unit, 1 / GLYPH_UNITS, 1 / GLYPH_UNITS);
    cairo_get_font_matrix(cr, &font);
    cairo_get_matrix(cr, &ctm);
    cairo_matrix_multiply(&unit, &unit, &font);
    to_units = unit;
    if (cairo_matrix_invert(&to_units) != CAIRO_STATUS_SUCCESS) {
        cairo_glyph_free(glyphs);
        return; /* a zero font size: nothing to see */
    }
    char face[160];
    face_key(face, sizeof face, cr);
    bool open = false;
    double x0 = 0, y0 = 0;
    for (int i = 0; i < n && !w->failed; i++) {
        char key[200];
        glyph_key(key, sizeof key, face, glyphs[i].index);
        long id = doc_glyph(w, cr, key, glyphs[i].index);
        if (id == GLYPH_FAILED)
            break;
        if (id == GLYPH_BLANK)
            continue;
        if (!open) {
            x0 = glyphs[i].x;
            y0 = glyphs[i].y;
            cairo_matrix_t at, m;
            cairo_matrix_init_translate(&at, x0, y0);
            cairo_matrix_multiply(&m, &unit, &at);
            cairo_matrix_multiply(&m, &m, &ctm);
            if (!run_transform(&w->scratch2, &m))
                fail(w, "svg-coordinate", "a text position is not finite");
            if (w->scratch2.oom)
                fail(w, "oom", "out of memory");
            if (w->failed)
                break;
            wcheck(w, xmlTextWriterStartElement(w->wr, (const xmlChar *)"g"));
            color_attrs(w, cr, "fill", "fill-opacity");
            clip_attr(w);
            gen_attr(w, "transform", w->scratch2.p);
            open = true;
        }
        double dx = glyphs[i].x - x0, dy = glyphs[i].y - y0;
        cairo_matrix_transform_distance(&to_units, &dx, &dy);
        emit_use(w, id, dx, dy);
    }
    if (open)
        wcheck(w, xmlTextWriterEndElement(w->wr));
    cairo_glyph_free(glyphs);
}

static void emit_clip(svgw *w, cairo_t *cr)
{
    if (w->failed)
        return;
    if (!device_path(w, cr)) {
        if (!w->failed) /* an empty clip hides everything after it */
            db_puts(&w->scratch, "M0 0 Z");
        if (w->failed)
            return;
    }
    long id = w->next_clip++;
    char idbuf[96];
    snprintf(idbuf, sizeof idbuf, "%sc%ld", w->prefix, id);
    wcheck(w, xmlTextWriterStartElement(w->wr, (const xmlChar *)"clipPath"));
    attr(w, "id", idbuf);
    clip_attr(w); /* a clip inside a clip is their intersection */
    wcheck(w, xmlTextWriterStartElement(w->wr, (const xmlChar *)"path"));
    gen_attr(w, "d", w->scratch.p);
    wcheck(w, xmlTextWriterEndElement(w->wr));
    wcheck(w, xmlTextWriterEndElement(w->wr));
    w->clips[w->depth] = id;
}

void ink_stroke(cairo_t *cr)
{
    svgw *w = svgw_of(cr);
    if (!w) {
        cairo_stroke(cr);
        return;
    }
    emit_stroke(w, cr);
    cairo_new_path(cr);
}

void ink_fill(cairo_t *cr)
{
    svgw *w = svgw_of(cr);
    if (!w) {
        cairo_fill(cr);
        return;
    }
    emit_fill(w, cr);
    cairo_new_path(cr);
}

void ink_fill_preserve(cairo_t *cr)
{
    svgw *w = svgw_of(cr);
    if (!w) {
        cairo_fill_preserve(cr);
        return;
    }
    emit_fill(w, cr);
}

void ink_show_text(cairo_t *cr, const char *utf8)
{
    svgw *w = svgw_of(cr);
    if (!w) {
        cairo_show_text(cr, utf8);
        return;
    }
    emit_text(w, cr, utf8);
    cairo_new_path(cr);
}

void ink_clip(cairo_t *cr)
{
    svgw *w = svgw_of(cr);
    if (w)
        emit_clip(w, cr);
    cairo_clip(cr);
}

void ink_save(cairo_t *cr)
{
    cairo_save(cr);
    svgw *w = svgw_of(cr);
    if (!w)
        return;
    if (w->depth + 1 == w->cap_depth) {
        long *c = realloc(w->clips, 2 * w->cap_depth * sizeof *c);
        if (!c) {
            fail(w, "oom", "out of memory");
            return;
        }
        w->clips = c;
        w->cap_depth *= 2;
    }
    w->clips[w->depth + 1] = w->clips[w->depth];
    w->depth++;
}

void ink_restore(cairo_t *cr)
{
    svgw *w = svgw_of(cr);
    if (w && w->depth > 0)
        w->depth--;
    cairo_restore(cr);
}

/* ---- the end ------------------------------------------------------------------------ */

static void write_defs(svgw *w)
{
    if (w->n_glyphs == 0)
        return;
    wcheck(w, xmlTextWriterStartElement(w->wr, (const xmlChar *)"defs"));
    glyph_cache *c = cache_get();
    for (size_t i = 0; i < w->n_glyphs && !w->failed; i++) {
        const char *d = c ? xmlHashLookup(c->outlines, (const xmlChar *)w->glyph_keys[i]) : NULL;
        if (!d) {
            fail(w, "svg-text", "a glyph outline went missing");
            break;
        }
        char id[96];
        snprintf(id, sizeof id, "%sg%zu", w->prefix, i);
        wcheck(w, xmlTextWriterStartElement(w->wr, (const xmlChar *)"path"));
        gen_attr(w, "id", id);
        gen_attr(w, "d", d);
        wcheck(w, xmlTextWriterEndElement(w->wr));
    }
    wcheck(w, xmlTextWriterEndElement(w->wr));
}

bool svgw_finish(svgw *w, char **out, size_t *out_len, taf_err *err)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!w)
        return taf_fail(err, "oom", NULL, "no SVG document");
    if (!w->failed && cairo_status(w->cr) != CAIRO_STATUS_SUCCESS)
        taf_fail(&w->first, "render-cairo", NULL, "cairo failed while drawing: %s",
                 cairo_status_to_string(cairo_status(w->cr))),
            w->failed = true;
    double ix, iy, iw, ih;
    cairo_surface_flush(w->rec);
    cairo_recording_surface_ink_extents(w->rec, &ix, &iy, &iw, &ih);
    if (!w->failed && (iw > 0 || ih > 0))
        fail(w, "svg-bypass", "something was drawn with a cairo call instead of ink_* and would be missing");
    write_defs(w);
    wcheck(w, xmlTextWriterEndDocument(w->wr));
    wcheck(w, xmlTextWriterFlush(w->wr));
    if (w->failed) {
        if (err)
            *err = w->first;
        return false;
    }
    size_t n = (size_t)xmlBufferLength(w->buf);
    char *res = malloc(n + 1);
    if (!res)
        return taf_fail(err, "oom", NULL, "out of memory");
    memcpy(res, xmlBufferContent(w->buf), n);
    res[n] = '\0';
    *out = res;
    if (out_len)
        *out_len = n;
    return true;
}
