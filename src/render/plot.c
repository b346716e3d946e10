#include "render/plot.h"

#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>

#include "render/fontpin.h"
#include "render/svgw.h"
#include "render/ticks.h"
#include "util/sha256.h"
#include "util/tls.h"

#define PLOT_PI 3.14159265358979323846

/* Font sizes (px at 1×) and spacing. Nothing under 11 px. */
enum { FS_TITLE = 15, FS_SUB = 12, FS_AXIS = 12, FS_TICK = 11, FS_LEGEND = 11, FS_NOTE = 11,
       FS_LABEL = 11, FS_BAR = 12 };
#define PAD      10.0 /* figure edge padding */
#define TICK_LEN 5.0
#define TICK_GAP 3.0
#define LG_ROW   17.0 /* legend row height */
#define LG_PAD   7.0
#define LG_SAMPLE 26.0
#define ASC      0.93 /* ascent / size (DejaVu Sans) */
#define MIDLINE  0.36 /* baseline offset that centres digits on a point, / size */

/* ---- recorded figure ------------------------------------------------------ */

typedef enum { IT_LINE, IT_MARKERS, IT_ERRBARS, IT_HBAND, IT_VBAND, IT_HLINE, IT_VLINE, IT_ANNOT } item_kind;

typedef struct {
    item_kind kind;
    size_t n;
    double *x, *y, *lo, *hi; /* x owns one block holding all arrays */
    double a, b;             /* band bounds, line value, annotation point */
    plot_rgba fill;
    plot_style st;           /* st.label is NULL; legend text is `label` */
    char *label;             /* legend / band / line label, annotation text */
} item;

typedef struct {
    char *label;
    plot_scale scale;
    double min, max; /* NAN = automatic */
} axis_spec;

struct plot_figure {
    double w, h;
    char *title, *subtitle, *note, *desc, *prefix;
    axis_spec ax[2]; /* 0 = x, 1 = y */
    item *items;
    size_t n_items, cap;
    bool has_bars;
    size_t nbars;
    char **bar_labels, **bar_texts;
    double *bar_values;
    plot_style bar_style;
    plot_legend_pos legend;
    bool failed; /* an allocation failed while recording */
};

static char *dupstr(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

/* Replace *slot with a copy of s (NULL or "" clears). */
static bool set_str(plot_figure *f, char **slot, const char *s)
{
    char *d = NULL;
    if (s && *s) {
        d = dupstr(s);
        if (!d) {
            f->failed = true;
            return false;
        }
    }
    free(*slot);
    *slot = d;
    return true;
}

plot_style plot_style_series(int index, const char *label)
{
    plot_style s;
    s.color = plot_palette_color(index);
    s.line_width = 2.0;
    s.dash = plot_palette_dash(index);
    s.marker = plot_palette_marker(index);
    s.marker_size = 8.0;
    s.marker_open = false;
    s.no_autorange = false;
    s.label = label;
    return s;
}

plot_style plot_style_reference(void)
{
    plot_style s = plot_style_series(0, NULL);
    s.color = PLOT_REF;
    s.line_width = 1.2;
    s.dash = PLOT_DASH_DASHED;
    s.marker = PLOT_MARKER_NONE;
    return s;
}

static double clampd(double v, double lo, double hi)
{
    if (!(v >= lo))
        return lo;
    return v > hi ? hi : v;
}

plot_figure *plot_new(double width_px, double height_px, const char *title, const char *subtitle)
{
    plot_figure *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->w = clampd(width_px, 50, 20000);
    f->h = clampd(height_px, 50, 20000);
    for (int i = 0; i < 2; i++) {
        f->ax[i].scale = PLOT_LINEAR;
        f->ax[i].min = NAN;
        f->ax[i].max = NAN;
    }
    f->legend = PLOT_LEGEND_AUTO;
    if (!set_str(f, &f->title, title) || !set_str(f, &f->subtitle, subtitle) ||
        !set_str(f, &f->prefix, "s")) {
        plot_free(f);
        return NULL;
    }
    return f;
}

static void free_bars(plot_figure *f)
{
    for (size_t i = 0; i < f->nbars; i++) {
        free(f->bar_labels[i]);
        free(f->bar_texts[i]);
    }
    free(f->bar_labels);
    free(f->bar_texts);
    free(f->bar_values);
    f->bar_labels = f->bar_texts = NULL;
    f->bar_values = NULL;
    f->nbars = 0;
    f->has_bars = false;
}

void plot_free(plot_figure *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->n_items; i++) {
        free(f->items[i].x);
        free(f->items[i].label);
    }
    free(f->items);
    free_bars(f);
    for (int i = 0; i < 2; i++)
        free(f->ax[i].label);
    free(f->title);
    free(f->subtitle);
    free(f->note);
    free(f->desc);
    free(f->prefix);
    free(f);
}

double plot_width(const plot_figure *f)
{
    return f ? f->w : 0;
}

double plot_height(const plot_figure *f)
{
    return f ? f->h : 0;
}

static bool set_axis(plot_figure *f, int i, const char *label, plot_scale scale, double min, double max)
{
    if (!f)
        return false;
    if (!set_str(f, &f->ax[i].label, label))
        return false;
    f->ax[i].scale = scale == PLOT_LOG ? PLOT_LOG : PLOT_LINEAR;
    f->ax[i].min = NAN;
    f->ax[i].max = NAN;
    bool ok = true;
    if (isinf(min) || isinf(max))
        ok = false;
    if (scale == PLOT_LOG && !isnan(min) && !(min > 0))
        ok = false;
    if (scale == PLOT_LOG && !isnan(max) && !(max > 0))
        ok = false;
    if (!isnan(min) && !isnan(max) && !(min < max))
        ok = false;
    if (ok) {
        f->ax[i].min = min;
        f->ax[i].max = max;
    }
    return ok;
}

bool plot_axis_x(plot_figure *f, const char *label, plot_scale scale, double min, double max)
{
    return set_axis(f, 0, label, scale, min, max);
}

bool plot_axis_y(plot_figure *f, const char *label, plot_scale scale, double min, double max)
{
    return set_axis(f, 1, label, scale, min, max);
}

/* ---- automatic ranges ------------------------------------------------------ */

typedef struct {
    plot_scale scale;
    double lo, hi;
    size_t n;
} range_acc;

static bool usable(double v, plot_scale s)
{
    return isfinite(v) && (s == PLOT_LINEAR || v > 0);
}

static void acc_add(range_acc *r, double v)
{
    if (!usable(v, r->scale))
        return;
    if (r->n == 0 || v < r->lo)
        r->lo = v;
    if (r->n == 0 || v > r->hi)
        r->hi = v;
    r->n++;
}

static bool acc_finish(const range_acc *r, double *lo, double *hi)
{
    if (r->n == 0)
        return false;
    double a = r->lo, b = r->hi;
    if (r->scale == PLOT_LOG) {
        double la = floor(log10(a) + 1e-9), lb = ceil(log10(b) - 1e-9);
        if (lb <= la)
            lb = la + 1;
        /* data sitting on a snapped decade would be drawn on the spine:
         * give that side a small margin */
        double span = lb - la, da = log10(a), db = log10(b);
        if (da - la < 0.01 * span)
            la -= 0.03 * span;
        if (lb - db < 0.01 * span)
            lb += 0.03 * span;
        a = pow(10.0, la);
        b = pow(10.0, lb);
        if (!(a > 0) || !isfinite(b))
            return false;
    } else {
        double span = b - a;
        if (span <= fmax(fabs(a), fabs(b)) * 1e-12) {
            double w = a != 0 ? fabs(a) * 0.1 : 1.0;
            a -= w;
            b += w;
        } else {
            a -= span * 0.05;
            b += span * 0.05;
        }
        if (!isfinite(a) || !isfinite(b))
            return false;
    }
    *lo = a;
    *hi = b;
    return true;
}

bool plot_auto_range(const double *v, size_t n, plot_scale scale, double *lo, double *hi)
{
    range_acc r = {scale, 0, 0, 0};
    for (size_t i = 0; v && i < n; i++)
        acc_add(&r, v[i]);
    return acc_finish(&r, lo, hi);
}

/* ---- recording ------------------------------------------------------------- */

static item *new_item(plot_figure *f, item_kind kind, size_t n, int arrays, const char *label)
{
    if (f->n_items == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        item *it = realloc(f->items, cap * sizeof *it);
        if (!it) {
            f->failed = true;
            return NULL;
        }
        f->items = it;
        f->cap = cap;
    }
    item it = {0};
    it.kind = kind;
    it.n = n;
    if (arrays > 0 && n > 0) {
        if (n > ((size_t)-1) / (sizeof(double) * (size_t)arrays)) {
            f->failed = true;
            return NULL;
        }
        it.x = malloc(n * sizeof(double) * (size_t)arrays);
        if (!it.x) {
            f->failed = true;
            return NULL;
        }
        if (arrays > 1)
            it.y = it.x + n;
        if (arrays > 2)
            it.lo = it.x + 2 * n;
        if (arrays > 3)
            it.hi = it.x + 3 * n;
    }
    if (label && *label) {
        it.label = dupstr(label);
        if (!it.label) {
            free(it.x);
            f->failed = true;
            return NULL;
        }
    }
    f->items[f->n_items] = it;
    return &f->items[f->n_items++];
}

static plot_style style_or(const plot_style *st, plot_style dflt)
{
    plot_style s = st ? *st : dflt;
    s.label = NULL;
    if (!(s.line_width >= 0) || !isfinite(s.line_width))
        s.line_width = 2.0;
    if (!(s.marker_size > 0) || !isfinite(s.marker_size))
        s.marker_size = 8.0;
    return s;
}

static bool add_xy(plot_figure *f, item_kind kind, const double *xs, const double *ys, size_t n,
                   const plot_style *st)
{
    if (!f || (n > 0 && (!xs || !ys)))
        return false;
    item *it = new_item(f, kind, n, 2, st ? st->label : NULL);
    if (!it)
        return false;
    if (n) {
        memcpy(it->x, xs, n * sizeof(double));
        memcpy(it->y, ys, n * sizeof(double));
    }
    it->st = style_or(st, plot_style_series(0, NULL));
    if (kind == IT_MARKERS && it->st.marker == PLOT_MARKER_NONE)
        it->st.marker = PLOT_MARKER_CIRCLE;
    return true;
}

bool plot_line(plot_figure *f, const double *xs, const double *ys, size_t n, const plot_style *st)
{
    return add_xy(f, IT_LINE, xs, ys, n, st);
}

bool plot_markers(plot_figure *f, const double *xs, const double *ys, size_t n, const plot_style *st)
{
    return add_xy(f, IT_MARKERS, xs, ys, n, st);
}

bool plot_errorbars(plot_figure *f, const double *xs, const double *ys, const double *lo,
                    const double *hi, size_t n, const plot_style *st)
{
    if (!f || (n > 0 && (!xs || !lo || !hi)))
        return false;
    item *it = new_item(f, IT_ERRBARS, n, 4, NULL);
    if (!it)
        return false;
    for (size_t i = 0; i < n; i++) {
        it->x[i] = xs[i];
        it->y[i] = ys ? ys[i] : 0.0;
        it->lo[i] = lo[i];
        it->hi[i] = hi[i];
    }
    it->a = ys ? 1 : 0; /* whether y is given */
    it->st = style_or(st, plot_style_series(0, NULL));
    return true;
}

static bool add_band(plot_figure *f, item_kind kind, double v0, double v1, plot_rgba fill, const char *label)
{
    if (!f || isnan(v0) || isnan(v1))
        return false;
    item *it = new_item(f, kind, 0, 0, label);
    if (!it)
        return false;
    it->a = fmin(v0, v1);
    it->b = fmax(v0, v1);
    it->fill = fill;
    return true;
}

bool plot_hband(plot_figure *f, double y0, double y1, plot_rgba fill, const char *label)
{
    return add_band(f, IT_HBAND, y0, y1, fill, label);
}

bool plot_vband(plot_figure *f, double x0, double x1, plot_rgba fill, const char *label)
{
    return add_band(f, IT_VBAND, x0, x1, fill, label);
}

static bool add_ref(plot_figure *f, item_kind kind, double v, const plot_style *st, const char *label)
{
    if (!f || !isfinite(v))
        return false;
    item *it = new_item(f, kind, 0, 0, label);
    if (!it)
        return false;
    it->a = v;
    it->st = style_or(st, plot_style_reference());
    return true;
}

bool plot_hline(plot_figure *f, double value, const plot_style *st, const char *label)
{
    return add_ref(f, IT_HLINE, value, st, label);
}

bool plot_vline(plot_figure *f, double value, const plot_style *st, const char *label)
{
    return add_ref(f, IT_VLINE, value, st, label);
}

bool plot_annotate(plot_figure *f, double x, double y, const char *text)
{
    if (!f || !text || !*text)
        return false;
    item *it = new_item(f, IT_ANNOT, 0, 0, text);
    if (!it)
        return false;
    it->a = x;
    it->b = y;
    return true;
}

bool plot_bars(plot_figure *f, const char *const *labels, const double *values,
               const char *const *value_texts, size_t n, const plot_style *st)
{
    if (!f || (n > 0 && (!labels || !values)))
        return false;
    free_bars(f);
    f->has_bars = true;
    f->bar_style = style_or(st, plot_style_series(0, NULL));
    if (n == 0)
        return true;
    f->bar_labels = calloc(n, sizeof(char *));
    f->bar_texts = calloc(n, sizeof(char *));
    f->bar_values = calloc(n, sizeof(double));
    if (!f->bar_labels || !f->bar_texts || !f->bar_values) {
        free_bars(f);
        f->failed = true;
        return false;
    }
    f->nbars = n;
    for (size_t i = 0; i < n; i++) {
        char buf[TICK_LABEL_MAX];
        const char *vt = value_texts ? value_texts[i] : NULL;
        if (!vt) {
            ticks_format_value(values[i], 3, buf, sizeof buf);
            vt = buf;
        }
        f->bar_values[i] = values[i];
        f->bar_labels[i] = dupstr(labels[i] ? labels[i] : "");
        f->bar_texts[i] = dupstr(vt);
        if (!f->bar_labels[i] || !f->bar_texts[i]) {
            free_bars(f);
            f->failed = true;
            return false;
        }
    }
    return true;
}

void plot_legend(plot_figure *f, plot_legend_pos pos)
{
    if (f && pos >= PLOT_LEGEND_AUTO && pos <= PLOT_LEGEND_NONE)
        f->legend = pos;
}

bool plot_note(plot_figure *f, const char *text)
{
    return f && set_str(f, &f->note, text);
}

bool plot_set_desc(plot_figure *f, const char *desc)
{
    return f && set_str(f, &f->desc, desc);
}

bool plot_set_id_prefix(plot_figure *f, const char *p)
{
    if (!f || !p || !*p || strlen(p) > 40)
        return false;
    if (!((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z') || p[0] == '_'))
        return false;
    for (const char *c = p; *c; c++) {
        bool ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') ||
                  *c == '_' || *c == '-' || *c == '.';
        if (!ok)
            return false;
    }
    return set_str(f, &f->prefix, p);
}

const char *plot_id_prefix(const plot_figure *f)
{
    return f && f->prefix ? f->prefix : "s";
}

void plot_title_text(const plot_figure *f, char *buf, size_t n)
{
    plot_markup_plain(f ? f->title : NULL, buf, n);
}

void plot_desc_text(const plot_figure *f, char *buf, size_t n)
{
    const char *d = NULL;
    if (f)
        d = f->desc ? f->desc : f->subtitle ? f->subtitle : f->title;
    plot_markup_plain(d, buf, n);
}

size_t plot_data_count(const plot_figure *f)
{
    if (!f)
        return 0;
    size_t c = 0;
    for (size_t i = 0; i < f->n_items; i++) {
        const item *it = &f->items[i];
        if (it->kind != IT_LINE && it->kind != IT_MARKERS)
            continue;
        for (size_t k = 0; k < it->n; k++)
            if (usable(it->x[k], f->ax[0].scale) && usable(it->y[k], f->ax[1].scale))
                c++;
    }
    for (size_t i = 0; i < f->nbars; i++)
        if (isfinite(f->bar_values[i]))
            c++;
    return c;
}

/* ---- text ---------------------------------------------------------------- */

void plot_cairo_setup(cairo_t *cr)
{
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_subpixel_order(fo, CAIRO_SUBPIXEL_ORDER_DEFAULT);
    cairo_set_font_options(cr, fo);
    cairo_font_options_destroy(fo);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
}

/* ---- text advances, cached per thread -------------------------------------- */

/* Layout measures a label to place it and measures it again while drawing
 * it, and every chart is drawn for SVG, PNG and the PDF card: asking
 * cairo each time was the largest single cost of drawing text. An advance
 * depends only on the face (bold or not), the size and the CTM's linear
 * part (the font options are plot_cairo_setup's on every context): each
 * such combination, compared exactly, gets a small number, and that
 * number with the run's text is the key. The table is dropped when full,
 * which bounds a thread's memory whatever the number of cards. */
#define ADV_MAX_ENTRIES 8192
#define ADV_MAX_STYLES 64

typedef struct {
    bool bold;
    double size, xx, yx, xy, yy;
} adv_style;

typedef struct {
    xmlHashTablePtr by_key; /* style number + text -> malloc'd double */
    int n;
    adv_style styles[ADV_MAX_STYLES];
    int n_styles;
} adv_cache;

static void adv_cache_free(void *p)
{
    adv_cache *c = p;
    if (c && c->by_key)
        xmlHashFree(c->by_key, xmlHashDefaultDeallocator); /* xmlFree is free */
    free(c);
}

static tls_slot adv_slot = TLS_SLOT(adv_cache_free);

static adv_cache *adv_cache_get(void)
{
    adv_cache *c = tls_slot_get(&adv_slot);
    if (c && c->n >= ADV_MAX_ENTRIES) {
        tls_slot_release(&adv_slot);
        c = NULL;
    }
    if (c)
        return c;
    c = calloc(1, sizeof *c);
    if (c && !(c->by_key = xmlHashCreate(1024))) {
        free(c);
        return NULL;
    }
    if (c && !tls_slot_set(&adv_slot, c)) {
        adv_cache_free(c);
        return NULL;
    }
    return c;
}

/* The style's number in c, added when new; -1 when the list is full. */
static int adv_style_id(adv_cache *c, const adv_style *st)
{
    for (int i = 0; i < c->n_styles; i++) {
        const adv_style *o = &c->styles[i];
        if (o->bold == st->bold && o->size == st->size && o->xx == st->xx && o->yx == st->yx &&
            o->xy == st->xy && o->yy == st->yy)
            return i;
    }
    if (c->n_styles == ADV_MAX_STYLES)
        return -1;
    c->styles[c->n_styles] = *st;
    return c->n_styles++;
}

/* The advance of `run` (k bytes) in the font `cr` has, at `size`. */
static double text_advance(cairo_t *cr, const char *run, size_t k, double size, bool bold)
{
    adv_cache *c = adv_cache_get();
    char stack[256], *key = NULL;
    if (c) {
        cairo_matrix_t m;
        cairo_get_matrix(cr, &m);
        adv_style st = {bold, size, m.xx, m.yx, m.xy, m.yy};
        int id = adv_style_id(c, &st);
        key = id < 0 ? NULL : k + 2 <= sizeof stack ? stack : malloc(k + 2);
        if (key) {
            key[0] = (char)('0' + id); /* '0'..'o': printable, never NUL */
            memcpy(key + 1, run, k + 1);
            double *hit = xmlHashLookup(c->by_key, (const xmlChar *)key);
            if (hit) {
                double a = *hit;
                if (key != stack)
                    free(key);
                return a;
            }
        }
    }
    cairo_text_extents_t te;
    cairo_text_extents(cr, run, &te);
    fontpin_keep(cairo_get_scaled_font(cr));
    double *v = key ? malloc(sizeof *v) : NULL;
    if (v) {
        *v = te.x_advance;
        if (xmlHashAddEntry(c->by_key, (const xmlChar *)key, v) == 0)
            c->n++;
        else
            free(v);
    }
    if (key && key != stack)
        free(key);
    return te.x_advance;
}

/* Walk markup runs: level 0 normal, -1 subscript, +1 superscript. Measures,
 * and draws when `draw`, from (x, y). Returns the advance. */
static double text_walk(cairo_t *cr, const char *m, double x, double y, double size, bool bold, bool draw)
{
    if (!m || !*m)
        return 0;
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    size_t len = strlen(m);
    char *buf = malloc(len + 1);
    if (!buf)
        return 0;
    double adv = 0;
    size_t i = 0;
    while (i < len) {
        int level = 0;
        size_t start = i, end;
        if ((m[i] == '_' || m[i] == '^') && m[i + 1] == '{' && strchr(m + i + 2, '}')) {
            level = m[i] == '_' ? -1 : 1;
            start = i + 2;
            end = (size_t)(strchr(m + start, '}') - m);
            i = end + 1;
        } else {
            end = i;
            while (end < len && !((m[end] == '_' || m[end] == '^') && m[end + 1] == '{' &&
                                  strchr(m + end + 2, '}')))
                end++;
            i = end;
        }
        size_t k = end - start;
        if (k == 0)
            continue;
        memcpy(buf, m + start, k);
        buf[k] = '\0';
        double fs = level ? size * 0.72 : size;
        double dy = level < 0 ? size * 0.24 : level > 0 ? -size * 0.38 : 0;
        cairo_set_font_size(cr, fs);
        if (draw) {
            cairo_move_to(cr, x + adv, y + dy);
            ink_show_text(cr, buf);
            fontpin_keep(cairo_get_scaled_font(cr));
        }
        adv += text_advance(cr, buf, k, fs, bold);
    }
    free(buf);
    return adv;
}

double plot_text_width(cairo_t *cr, const char *markup, double size, bool bold)
{
    return text_walk(cr, markup, 0, 0, size, bold, false);
}

static void set_rgba(cairo_t *cr, plot_rgba c)
{
    cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a);
}

double plot_text(cairo_t *cr, const char *markup, double x, double y, double size, bool bold,
                 plot_align align, plot_rgba color)
{
    double w = plot_text_width(cr, markup, size, bold);
    if (align == PLOT_ALIGN_CENTER)
        x -= w / 2;
    else if (align == PLOT_ALIGN_RIGHT)
        x -= w;
    set_rgba(cr, color);
    text_walk(cr, markup, x, y, size, bold, true);
    return w;
}

void plot_markup_plain(const char *m, char *buf, size_t n)
{
    if (!n)
        return;
    size_t o = 0;
    buf[0] = '\0';
    if (!m)
        return;
    for (size_t i = 0; m[i] && o + 1 < n;) {
        if ((m[i] == '_' || m[i] == '^') && m[i + 1] == '{' && strchr(m + i + 2, '}')) {
            const char *close = strchr(m + i + 2, '}');
            const char *lead = m[i] == '_' ? " " : "^";
            if (o + 1 < n)
                buf[o++] = *lead;
            for (const char *c = m + i + 2; c < close && o + 1 < n; c++)
                buf[o++] = *c;
            i = (size_t)(close - m) + 1;
        } else {
            buf[o++] = m[i++];
        }
    }
    /* never end on a cut UTF-8 sequence */
    size_t p = o;
    while (p > 0 && ((unsigned char)buf[p - 1] & 0xC0) == 0x80)
        p--;
    if (p > 0 && (unsigned char)buf[p - 1] >= 0xC0) {
        unsigned char lead = (unsigned char)buf[p - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (o - (p - 1) < need)
            o = p - 1;
    }
    buf[o] = '\0';
}

double plot_text_fit(cairo_t *cr, const char *markup, double x, double y, double size, bool bold,
                     plot_align align, plot_rgba color, double max_w)
{
    if (!markup || !*markup)
        return 0;
    if (plot_text_width(cr, markup, size, bold) <= max_w)
        return plot_text(cr, markup, x, y, size, bold, align, color);
    size_t n = strlen(markup) + 8;
    char *p = malloc(n);
    if (!p)
        return 0;
    plot_markup_plain(markup, p, n);
    size_t len = strlen(p);
    /* markup characters could remain literal; drop '_'/'^' runs safely by
     * measuring the plain string as markup-free text */
    for (;;) {
        while (len > 0 && ((unsigned char)p[len - 1] & 0xC0) == 0x80)
            len--;
        if (len > 0)
            len--; /* drop one character (its lead byte) */
        while (len > 0 && p[len - 1] == ' ')
            len--;
        memcpy(p + len, "…", sizeof "…");
        if (len == 0 || plot_text_width(cr, p, size, bold) <= max_w)
            break;
    }
    double w = plot_text(cr, p, x, y, size, bold, align, color);
    free(p);
    return w;
}

/* ---- render-time layout ----------------------------------------------------- */

typedef struct {
    double x0, y0, x1, y1;
} rect;

typedef struct {
    plot_scale scale;
    double lo, hi;   /* data range */
    double tlo, thi; /* transformed range */
    plot_ticks ticks;
} axis_rt;

typedef struct {
    const char *label;
    bool line, marker;
    plot_style lst, mst;
} lentry;

typedef struct {
    rect r;         /* box incl. halo */
    double x, y;    /* text anchor (baseline) */
    plot_align align;
    const char *text;
    bool on;
} tlabel;

typedef struct {
    const plot_figure *f;
    cairo_t *cr;
    double px0, px1, py0, py1; /* plot rect; y grows downward */
    axis_rt ax[2];
    double title_y, sub_y, note_y, xlabel_y, ylabel_x, legend_below_y;
    double bar_label_w;
    lentry *le;
    size_t nle;
    double lg_w, lg_h; /* legend box size (inside layout) */
    plot_legend_pos lg_pos;
    rect lg;
    tlabel *labels; /* one per item (annotations, bands, reference lines) */
} rctx;

static double tr(const axis_rt *a, double v)
{
    return a->scale == PLOT_LOG ? log10(v) : v;
}

/* Data -> px; false when the value cannot be drawn on this axis. */
static bool map_x(const rctx *c, double v, double *out)
{
    if (!usable(v, c->ax[0].scale))
        return false;
    const axis_rt *a = &c->ax[0];
    *out = c->px0 + (tr(a, v) - a->tlo) / (a->thi - a->tlo) * (c->px1 - c->px0);
    return isfinite(*out);
}

static bool map_y(const rctx *c, double v, double *out)
{
    if (!usable(v, c->ax[1].scale))
        return false;
    const axis_rt *a = &c->ax[1];
    *out = c->py1 - (tr(a, v) - a->tlo) / (a->thi - a->tlo) * (c->py1 - c->py0);
    return isfinite(*out);
}

/* px of a band bound: ±inf (or ≤ 0 on log) go past the plot edge. */
static double band_x(const rctx *c, double v)
{
    double p;
    if (map_x(c, v, &p))
        return clampd(p, c->px0 - 2, c->px1 + 2);
    return v > 0 && !(c->ax[0].scale == PLOT_LOG && v <= 0) ? c->px1 + 2 : c->px0 - 2;
}

static double band_y(const rctx *c, double v)
{
    double p;
    if (map_y(c, v, &p))
        return clampd(p, c->py0 - 2, c->py1 + 2);
    return v > 0 ? c->py0 - 2 : c->py1 + 2;
}

static bool resolve_axis(const plot_figure *f, int i, axis_rt *a)
{
    const axis_spec *s = &f->ax[i];
    a->scale = s->scale;
    if (f->has_bars && i == 0)
        a->scale = PLOT_LINEAR;
    range_acc r = {a->scale, 0, 0, 0};
    for (size_t k = 0; k < f->n_items; k++) {
        const item *it = &f->items[k];
        switch (it->kind) {
        case IT_LINE:
        case IT_MARKERS:
            if (it->st.no_autorange)
                break;
            for (size_t j = 0; j < it->n; j++)
                if (usable(it->x[j], f->ax[0].scale) && usable(it->y[j], f->ax[1].scale))
                    acc_add(&r, i == 0 ? it->x[j] : it->y[j]);
            break;
        case IT_ERRBARS:
            if (it->st.no_autorange)
                break;
            for (size_t j = 0; j < it->n; j++) {
                if (i == 0) {
                    acc_add(&r, it->x[j]);
                } else if (usable(it->x[j], f->ax[0].scale)) {
                    acc_add(&r, it->lo[j]);
                    acc_add(&r, it->hi[j]);
                }
            }
            break;
        case IT_HBAND:
        case IT_VBAND:
            if ((it->kind == IT_VBAND) == (i == 0)) {
                acc_add(&r, it->a);
                acc_add(&r, it->b);
            }
            break;
        case IT_HLINE:
        case IT_VLINE:
            if ((it->kind == IT_VLINE) == (i == 0))
                acc_add(&r, it->a);
            break;
        case IT_ANNOT:
            acc_add(&r, i == 0 ? it->a : it->b);
            break;
        }
    }
    if (f->has_bars && i == 0) {
        for (size_t k = 0; k < f->nbars; k++)
            acc_add(&r, f->bar_values[k]);
        acc_add(&r, 0);
    }
    double lo, hi;
    if (!acc_finish(&r, &lo, &hi)) {
        lo = a->scale == PLOT_LOG ? 1 : 0;
        hi = a->scale == PLOT_LOG ? 10 : 1;
    }
    if (f->has_bars && i == 0) {
        /* bars grow from 0: no padding below 0 for positive data */
        if (r.n && r.lo >= 0)
            lo = 0;
        if (r.n && r.hi <= 0)
            hi = 0;
    }
    if (!isnan(s->min))
        lo = s->min;
    if (!isnan(s->max))
        hi = s->max;
    if (!(lo < hi)) {
        if (a->scale == PLOT_LOG) {
            if (isnan(s->min))
                lo = hi / 10;
            else
                hi = lo * 10;
        } else {
            if (isnan(s->min))
                lo = hi - 1;
            else
                hi = lo + 1;
        }
    }
    a->lo = lo;
    a->hi = hi;
    a->tlo = tr(a, lo);
    a->thi = tr(a, hi);
    return isfinite(a->tlo) && isfinite(a->thi) && a->tlo < a->thi;
}

static bool make_ticks(axis_rt *a, double len_px, double per_label_px)
{
    int target = (int)(len_px / per_label_px);
    if (target < 2)
        target = 2;
    if (a->scale == PLOT_LOG)
        return ticks_log(a->lo, a->hi, target, &a->ticks);
    return ticks_linear(a->lo, a->hi, target, &a->ticks);
}

static double tick_px(const rctx *c, int axis, double v)
{
    double p = 0;
    if (axis == 0)
        map_x(c, v, &p);
    else
        map_y(c, v, &p);
    return p;
}

/* x tick labels overlap (or leave the figure)? */
static bool x_ticks_crowded(const rctx *c)
{
    double prev_end = -1e9;
    for (int i = 0; i < c->ax[0].ticks.n; i++) {
        const plot_tick *t = &c->ax[0].ticks.t[i];
        if (!t->major)
            continue;
        double w = plot_text_width(c->cr, t->label, FS_TICK, false);
        double x = tick_px(c, 0, t->value);
        if (x - w / 2 < prev_end + 8)
            return true;
        prev_end = x + w / 2;
    }
    return false;
}

static void layout_x_ticks(rctx *c)
{
    double len = c->px1 - c->px0;
    for (double per = 70; per < len * 2 + 80; per *= 1.25) {
        make_ticks(&c->ax[0], len, per);
        if (!x_ticks_crowded(c))
            return;
    }
}

static double max_label_width(cairo_t *cr, const plot_ticks *t, double size)
{
    double w = 0;
    for (int i = 0; i < t->n; i++)
        if (t->t[i].major)
            w = fmax(w, plot_text_width(cr, t->t[i].label, size, false));
    return w;
}

static double legend_entry_w(rctx *c, size_t i)
{
    return LG_SAMPLE + 6 + plot_text_width(c->cr, c->le[i].label, FS_LEGEND, false);
}

/* Rows needed for the below-plot legend flowing within the plot width. */
static int legend_below_rows(rctx *c)
{
    double w = c->px1 - c->px0, x = 0;
    int rows = c->nle ? 1 : 0;
    for (size_t i = 0; i < c->nle; i++) {
        double ew = legend_entry_w(c, i) + 18;
        if (x > 0 && x + ew - 18 > w) {
            rows++;
            x = 0;
        }
        x += ew;
    }
    return rows;
}

/* Compute margins, plot rect and ticks; legend_rows > 0 reserves room for
 * a legend below the plot. */
static void layout(rctx *c, int legend_rows)
{
    const plot_figure *f = c->f;
    cairo_t *cr = c->cr;
    double top = PAD;
    if (f->title) {
        c->title_y = top + FS_TITLE * ASC;
        top += FS_TITLE * 1.3;
    }
    if (f->subtitle) {
        c->sub_y = top + FS_SUB * ASC;
        top += FS_SUB * 1.35;
    }
    top += (f->title || f->subtitle) ? 10 : 4;
    top += FS_TICK * 0.5; /* room for the top y tick label */

    double bottom = f->h - PAD;
    if (f->note) {
        c->note_y = bottom - FS_NOTE * 0.25;
        bottom -= FS_NOTE * 1.35 + 4;
    }
    if (legend_rows > 0) {
        double h = legend_rows * LG_ROW;
        c->legend_below_y = bottom - h;
        bottom -= h + 6;
    }
    if (f->ax[0].label) {
        c->xlabel_y = bottom - FS_AXIS * 0.25;
        bottom -= FS_AXIS * 1.35 + 2;
    }
    c->py0 = top;
    c->py1 = bottom - (TICK_LEN + TICK_GAP + FS_TICK * 1.15);
    if (c->py1 < c->py0 + 20)
        c->py1 = c->py0 + 20;

    double left = PAD;
    if (f->ax[1].label && !f->has_bars) {
        c->ylabel_x = left + FS_AXIS * ASC;
        left += FS_AXIS * 1.4 + 2;
    }
    if (f->has_bars) {
        double w = 0;
        for (size_t i = 0; i < f->nbars; i++)
            w = fmax(w, plot_text_width(cr, f->bar_labels[i], FS_BAR, false));
        c->bar_label_w = fmin(w, f->w * 0.4);
        left += c->bar_label_w + 8;
    } else {
        make_ticks(&c->ax[1], c->py1 - c->py0, 2.6 * FS_TICK);
        left += max_label_width(cr, &c->ax[1].ticks, FS_TICK) + TICK_LEN + TICK_GAP;
    }
    c->px0 = left;
    c->px1 = f->w - PAD - 12;
    if (c->px1 < c->px0 + 20)
        c->px1 = c->px0 + 20;
    layout_x_ticks(c);
    /* keep the last x tick label inside the figure */
    for (int i = c->ax[0].ticks.n - 1; i >= 0; i--) {
        const plot_tick *t = &c->ax[0].ticks.t[i];
        if (!t->major)
            continue;
        double over = tick_px(c, 0, t->value) + plot_text_width(cr, t->label, FS_TICK, false) / 2 -
                      (f->w - PAD / 2);
        if (over > 0) {
            c->px1 -= over;
            layout_x_ticks(c);
        }
        break;
    }
}

/* Bars: choose the x range so every value label fits right of its bar. */
static void fit_bar_range(rctx *c)
{
    const plot_figure *f = c->f;
    if (!isnan(f->ax[0].max))
        return;
    axis_rt *a = &c->ax[0];
    double pw = c->px1 - c->px0, lo = a->lo, hi = a->hi;
    for (size_t i = 0; i < f->nbars; i++) {
        double v = f->bar_values[i];
        if (!isfinite(v) || v <= 0)
            continue;
        double tw = plot_text_width(c->cr, f->bar_texts[i], FS_LABEL, false) + 6;
        if (tw < pw * 0.6)
            hi = fmax(hi, lo + (v - lo) * pw / (pw - tw));
    }
    a->hi = hi;
    a->thi = hi;
    layout_x_ticks(c);
}

/* ---- geometry helpers ------------------------------------------------------- */

static bool rect_overlap(rect a, rect b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

static bool pt_in(rect r, double x, double y, double infl)
{
    return x >= r.x0 - infl && x <= r.x1 + infl && y >= r.y0 - infl && y <= r.y1 + infl;
}

/* Liang–Barsky: clip segment to r; false if it misses. */
static bool clip_seg(rect r, double *x0, double *y0, double *x1, double *y1)
{
    double dx = *x1 - *x0, dy = *y1 - *y0, t0 = 0, t1 = 1;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {*x0 - r.x0, r.x1 - *x0, *y0 - r.y0, r.y1 - *y0};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0) {
            if (q[i] < 0)
                return false;
            continue;
        }
        double t = q[i] / p[i];
        if (p[i] < 0) {
            if (t > t1)
                return false;
            if (t > t0)
                t0 = t;
        } else {
            if (t < t0)
                return false;
            if (t < t1)
                t1 = t;
        }
    }
    double ax = *x0, ay = *y0;
    *x0 = ax + t0 * dx;
    *y0 = ay + t0 * dy;
    *x1 = ax + t1 * dx;
    *y1 = ay + t1 * dy;
    return true;
}

static rect text_rect(cairo_t *cr, const char *markup, double x, double y, plot_align al, double size)
{
    double w = plot_text_width(cr, markup, size, false);
    double x0 = al == PLOT_ALIGN_LEFT ? x : al == PLOT_ALIGN_CENTER ? x - w / 2 : x - w;
    rect r = {x0 - 2, y - size * ASC - 1, x0 + w + 2, y + size * 0.25 + 1};
    return r;
}

/* How much recorded data (points, line segments, error bars, reference
 * lines, bars) and placed labels fall inside r. */
static int data_hits(const rctx *c, rect r, bool with_labels, bool with_refs)
{
    const plot_figure *f = c->f;
    int hits = 0;
    for (size_t k = 0; k < f->n_items; k++) {
        const item *it = &f->items[k];
        double x0, y0, x1, y1;
        switch (it->kind) {
        case IT_MARKERS:
            for (size_t j = 0; j < it->n; j++)
                if (map_x(c, it->x[j], &x0) && map_y(c, it->y[j], &y0) &&
                    pt_in(r, x0, y0, it->st.marker_size / 2 + 1))
                    hits++;
            break;
        case IT_LINE:
            if (it->st.line_width <= 0)
                break;
            for (size_t j = 0; j + 1 < it->n; j++) {
                if (!map_x(c, it->x[j], &x0) || !map_y(c, it->y[j], &y0) ||
                    !map_x(c, it->x[j + 1], &x1) || !map_y(c, it->y[j + 1], &y1))
                    continue;
                rect g = {r.x0 - 2, r.y0 - 2, r.x1 + 2, r.y1 + 2};
                if (clip_seg(g, &x0, &y0, &x1, &y1))
                    hits++;
            }
            break;
        case IT_ERRBARS:
            for (size_t j = 0; j < it->n; j++) {
                if (!map_x(c, it->x[j], &x0))
                    continue;
                y0 = band_y(c, it->lo[j]);
                y1 = band_y(c, it->hi[j]);
                if (!isfinite(it->lo[j]) || !isfinite(it->hi[j]))
                    continue;
                if (x0 >= r.x0 - 4 && x0 <= r.x1 + 4 && fmax(y0, y1) >= r.y0 && fmin(y0, y1) <= r.y1)
                    hits++;
            }
            break;
        case IT_HLINE:
            if (with_refs && map_y(c, it->a, &y0) && y0 >= r.y0 - 2 && y0 <= r.y1 + 2)
                hits++;
            break;
        case IT_VLINE:
            if (with_refs && map_x(c, it->a, &x0) && x0 >= r.x0 - 2 && x0 <= r.x1 + 2)
                hits++;
            break;
        default:
            break;
        }
        if (with_labels && c->labels && c->labels[k].on && rect_overlap(c->labels[k].r, r))
            hits++;
    }
    if (f->has_bars) {
        double rh = (c->py1 - c->py0) / (double)(f->nbars ? f->nbars : 1);
        for (size_t i = 0; i < f->nbars; i++) {
            double xv, x0b;
            if (!map_x(c, f->bar_values[i], &xv) || !map_x(c, 0, &x0b))
                continue;
            double cy = c->py0 + rh * (i + 0.5);
            double tw = plot_text_width(c->cr, f->bar_texts[i], FS_LABEL, false) + 6;
            rect b = {fmin(x0b, xv) - (xv < x0b ? tw : 0), cy - rh * 0.35, fmax(x0b, xv) + (xv >= x0b ? tw : 0),
                      cy + rh * 0.35};
            if (rect_overlap(b, r))
                hits++;
        }
    }
    return hits;
}

/* ---- labels on the plot (bands, reference lines, annotations) --------------- */

static int cmp_label_y(const void *a, const void *b)
{
    const tlabel *x = *(const tlabel *const *)a, *y = *(const tlabel *const *)b;
    if (x->y != y->y)
        return x->y < y->y ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int cmp_label_x(const void *a, const void *b)
{
    const tlabel *x = *(const tlabel *const *)a, *y = *(const tlabel *const *)b;
    if (x->r.x0 != y->r.x0)
        return x->r.x0 < y->r.x0 ? -1 : 1;
    return x < y ? -1 : x > y;
}

static void place_label(rctx *c, tlabel *l, const char *text, double x, double y, plot_align al)
{
    l->on = true;
    l->text = text;
    l->x = x;
    l->y = y;
    l->align = al;
    l->r = text_rect(c->cr, text, x, y, al, FS_LABEL);
}

static void shift_label(tlabel *l, double dy)
{
    l->y += dy;
    l->r.y0 += dy;
    l->r.y1 += dy;
}

static bool layout_labels(rctx *c)
{
    const plot_figure *f = c->f;
    size_t n = f->n_items;
    c->labels = calloc(n ? n : 1, sizeof *c->labels);
    tlabel **order = calloc(n ? n : 1, sizeof *order);
    if (!c->labels || !order) {
        free(order);
        return false;
    }
    rect plot = {c->px0, c->py0, c->px1, c->py1};
    for (size_t k = 0; k < n; k++) {
        const item *it = &f->items[k];
        tlabel *l = &c->labels[k];
        double p, q;
        if (!it->label)
            continue;
        switch (it->kind) {
        case IT_HBAND: {
            double top = band_y(c, it->b), bot = band_y(c, it->a);
            if (bot <= c->py0 || top >= c->py1)
                break;
            top = fmax(top, c->py0);
            place_label(c, l, it->label, c->px0 + 6, top + 4 + FS_LABEL * ASC, PLOT_ALIGN_LEFT);
            break;
        }
        case IT_VBAND: {
            double x0 = band_x(c, it->a), x1 = band_x(c, it->b);
            if (x1 <= c->px0 || x0 >= c->px1)
                break;
            place_label(c, l, it->label, fmax(x0, c->px0) + 5, c->py1 - 6, PLOT_ALIGN_LEFT);
            break;
        }
        case IT_HLINE: {
            if (!map_y(c, it->a, &p) || p < c->py0 - 0.5 || p > c->py1 + 0.5)
                break;
            double base = p - 4;
            if (base - FS_LABEL * ASC < c->py0)
                base = p + 4 + FS_LABEL * ASC;
            tlabel right, left;
            place_label(c, &right, it->label, c->px1 - 4, base, PLOT_ALIGN_RIGHT);
            place_label(c, &left, it->label, c->px0 + 4, base, PLOT_ALIGN_LEFT);
            *l = data_hits(c, left.r, false, false) < data_hits(c, right.r, false, false) ? left : right;
            break;
        }
        case IT_VLINE: {
            if (!map_x(c, it->a, &p) || p < c->px0 - 0.5 || p > c->px1 + 0.5)
                break;
            double base = c->py0 + 4 + FS_LABEL * ASC;
            double w = plot_text_width(c->cr, it->label, FS_LABEL, false);
            if (p + 4 + w <= c->px1)
                place_label(c, l, it->label, p + 4, base, PLOT_ALIGN_LEFT);
            else
                place_label(c, l, it->label, p - 4, base, PLOT_ALIGN_RIGHT);
            break;
        }
        case IT_ANNOT: {
            if (!map_x(c, it->a, &p) || !map_y(c, it->b, &q) || !pt_in(plot, p, q, 0.5))
                break;
            /* above-right, above-left, below-right, below-left: the first
             * inside the plot that covers the least data */
            double w = plot_text_width(c->cr, it->label, FS_LABEL, false);
            int best_hits = -1;
            for (int pos = 0; pos < 4; pos++) {
                bool right = pos % 2 == 0, above = pos < 2;
                double base = above ? q - 7 : q + 7 + FS_LABEL * ASC;
                tlabel cand;
                place_label(c, &cand, it->label, right ? p + 6 : p - 6, base,
                            right ? PLOT_ALIGN_LEFT : PLOT_ALIGN_RIGHT);
                if (cand.r.x0 < c->px0 || cand.r.x1 > c->px1 || cand.r.y0 < c->py0 || cand.r.y1 > c->py1)
                    continue;
                int h = data_hits(c, cand.r, false, true);
                if (best_hits < 0 || h < best_hits) {
                    best_hits = h;
                    *l = cand;
                }
            }
            if (best_hits < 0)
                place_label(c, l, it->label, p + 6 + w > c->px1 ? p - 6 : p + 6, q - 7,
                            p + 6 + w > c->px1 ? PLOT_ALIGN_RIGHT : PLOT_ALIGN_LEFT);
            break;
        }
        default:
            break;
        }
    }
    /* horizontal-line labels: push apart vertically, per side */
    for (int side = 0; side < 2; side++) {
        size_t m = 0;
        for (size_t k = 0; k < n; k++)
            if (c->labels[k].on && f->items[k].kind == IT_HLINE &&
                (c->labels[k].align == PLOT_ALIGN_LEFT) == (side == 0))
                order[m++] = &c->labels[k];
        if (m < 2)
            continue;
        qsort(order, m, sizeof *order, cmp_label_y);
        for (size_t i = 1; i < m; i++) {
            double need = order[i - 1]->r.y1 + 1 - order[i]->r.y0;
            if (need > 0)
                shift_label(order[i], need);
        }
        double over = order[m - 1]->r.y1 - c->py1;
        if (over > 0)
            for (size_t i = 0; i < m; i++)
                shift_label(order[i], -over);
    }
    /* vertical-line labels: stagger rows until no two overlap */
    {
        size_t m = 0;
        for (size_t k = 0; k < n; k++)
            if (c->labels[k].on && f->items[k].kind == IT_VLINE)
                order[m++] = &c->labels[k];
        qsort(order, m, sizeof *order, cmp_label_x);
        for (size_t i = 1; i < m; i++) {
            for (int tries = 0; tries < 8; tries++) {
                bool clash = false;
                for (size_t j = 0; j < i; j++)
                    if (rect_overlap(order[j]->r, order[i]->r))
                        clash = true;
                if (!clash)
                    break;
                shift_label(order[i], FS_LABEL * 1.35);
            }
        }
    }
    free(order);
    return true;
}

/* ---- legend ------------------------------------------------------------------ */

static bool build_legend(rctx *c)
{
    const plot_figure *f = c->f;
    c->le = calloc(f->n_items ? f->n_items : 1, sizeof *c->le);
    if (!c->le)
        return false;
    for (size_t k = 0; k < f->n_items; k++) {
        const item *it = &f->items[k];
        if (!it->label || (it->kind != IT_LINE && it->kind != IT_MARKERS))
            continue;
        if (it->kind == IT_LINE && it->st.line_width <= 0)
            continue;
        lentry *e = NULL;
        for (size_t i = 0; i < c->nle; i++)
            if (strcmp(c->le[i].label, it->label) == 0)
                e = &c->le[i];
        if (!e) {
            e = &c->le[c->nle++];
            e->label = it->label;
        }
        if (it->kind == IT_LINE && !e->line) {
            e->line = true;
            e->lst = it->st;
        } else if (it->kind == IT_MARKERS && !e->marker) {
            e->marker = true;
            e->mst = it->st;
        }
    }
    double w = 0;
    for (size_t i = 0; i < c->nle; i++)
        w = fmax(w, legend_entry_w(c, i));
    c->lg_w = w + 2 * LG_PAD;
    c->lg_h = c->nle * LG_ROW + 2 * LG_PAD - (LG_ROW - FS_LEGEND * 1.2);
    return true;
}

static rect legend_corner(const rctx *c, plot_legend_pos p)
{
    double in = 6;
    bool right = p == PLOT_LEGEND_TOP_RIGHT || p == PLOT_LEGEND_BOTTOM_RIGHT;
    bool top = p == PLOT_LEGEND_TOP_RIGHT || p == PLOT_LEGEND_TOP_LEFT;
    rect r;
    r.x0 = right ? c->px1 - in - c->lg_w : c->px0 + in;
    r.y0 = top ? c->py0 + in : c->py1 - in - c->lg_h;
    r.x1 = r.x0 + c->lg_w;
    r.y1 = r.y0 + c->lg_h;
    return r;
}

static void choose_legend(rctx *c)
{
    c->lg_pos = c->f->legend;
    if (c->nle == 0)
        c->lg_pos = PLOT_LEGEND_NONE;
    if (c->lg_pos != PLOT_LEGEND_AUTO)
        return;
    static const plot_legend_pos order[4] = {PLOT_LEGEND_TOP_RIGHT, PLOT_LEGEND_TOP_LEFT,
                                             PLOT_LEGEND_BOTTOM_RIGHT, PLOT_LEGEND_BOTTOM_LEFT};
    c->lg_pos = PLOT_LEGEND_BELOW;
    if (c->lg_w > (c->px1 - c->px0) * 0.6 || c->lg_h > (c->py1 - c->py0) * 0.7)
        return;
    for (int i = 0; i < 4; i++) {
        if (data_hits(c, legend_corner(c, order[i]), true, true) == 0) {
            c->lg_pos = order[i];
            return;
        }
    }
}

/* ---- drawing ----------------------------------------------------------------- */

static void set_dash(cairo_t *cr, plot_dash d, double lw)
{
    double k = fmax(lw, 1.0) / 2.0;
    double dashed[2] = {7 * k, 4 * k}, dotted[2] = {0.01, 4 * k}, dashdot[4] = {8 * k, 3.5 * k, 0.01, 3.5 * k},
           lng[2] = {14 * k, 5 * k};
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    switch (d) {
    case PLOT_DASH_DASHED:
        cairo_set_dash(cr, dashed, 2, 0);
        break;
    case PLOT_DASH_DOTTED:
        cairo_set_dash(cr, dotted, 2, 0);
        break;
    case PLOT_DASH_DASHDOT:
        cairo_set_dash(cr, dashdot, 4, 0);
        break;
    case PLOT_DASH_LONG:
        cairo_set_dash(cr, lng, 2, 0);
        break;
    default:
        cairo_set_dash(cr, NULL, 0, 0);
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
        break;
    }
}

static void marker_path(cairo_t *cr, plot_marker m, double x, double y, double size)
{
    double r = size / 2;
    switch (m) {
    case PLOT_MARKER_SQUARE: {
        double h = r * 0.85;
        cairo_rectangle(cr, x - h, y - h, 2 * h, 2 * h);
        break;
    }
    case PLOT_MARKER_TRIANGLE:
    case PLOT_MARKER_TRIANGLE_DOWN: {
        double R = r * 1.15, s = m == PLOT_MARKER_TRIANGLE ? 1 : -1;
        double cy = y + s * R * 0.2;
        cairo_move_to(cr, x, cy - s * R);
        cairo_line_to(cr, x + R * 0.866, cy + s * R * 0.5);
        cairo_line_to(cr, x - R * 0.866, cy + s * R * 0.5);
        cairo_close_path(cr);
        break;
    }
    case PLOT_MARKER_DIAMOND: {
        double R = r * 1.2;
        cairo_move_to(cr, x, y - R);
        cairo_line_to(cr, x + R * 0.75, y);
        cairo_line_to(cr, x, y + R);
        cairo_line_to(cr, x - R * 0.75, y);
        cairo_close_path(cr);
        break;
    }
    case PLOT_MARKER_CROSS: {
        double h = r * 0.85;
        cairo_move_to(cr, x - h, y - h);
        cairo_line_to(cr, x + h, y + h);
        cairo_move_to(cr, x - h, y + h);
        cairo_line_to(cr, x + h, y - h);
        break;
    }
    default:
        cairo_new_sub_path(cr);
        cairo_arc(cr, x, y, r, 0, 2 * PLOT_PI);
        cairo_close_path(cr);
        break;
    }
}

static void draw_marker(cairo_t *cr, const plot_style *st, double x, double y)
{
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER);
    marker_path(cr, st->marker, x, y, st->marker_size);
    if (st->marker == PLOT_MARKER_CROSS) {
        cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
        cairo_set_line_width(cr, 2.0);
        set_rgba(cr, st->color);
        ink_stroke(cr);
    } else if (st->marker_open) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        ink_fill_preserve(cr);
        cairo_set_line_width(cr, 1.6);
        set_rgba(cr, st->color);
        ink_stroke(cr);
    } else {
        set_rgba(cr, st->color);
        ink_fill_preserve(cr);
        cairo_set_line_width(cr, 0.8);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.9);
        ink_stroke(cr);
    }
}

static void clip_plot(const rctx *c)
{
    cairo_rectangle(c->cr, c->px0, c->py0, c->px1 - c->px0, c->py1 - c->py0);
    ink_clip(c->cr);
}

static void draw_line_item(const rctx *c, const item *it)
{
    cairo_t *cr = c->cr;
    if (it->st.line_width <= 0)
        return;
    /* segments are clipped to a generous box so huge coordinates never reach
     * cairo; the visible clip is the plot rectangle */
    double m = 1000;
    rect safe = {c->px0 - m, c->py0 - m, c->px1 + m, c->py1 + m};
    bool open = false;
    double lx = 0, ly = 0;
    bool have_prev = false;
    double px = 0, py = 0;
    for (size_t j = 0; j < it->n; j++) {
        double x, y;
        if (!map_x(c, it->x[j], &x) || !map_y(c, it->y[j], &y)) {
            have_prev = false;
            open = false;
            continue;
        }
        if (have_prev) {
            double x0 = px, y0 = py, x1 = x, y1 = y;
            if (clip_seg(safe, &x0, &y0, &x1, &y1)) {
                if (!open || x0 != lx || y0 != ly)
                    cairo_move_to(cr, x0, y0);
                cairo_line_to(cr, x1, y1);
                open = true;
                lx = x1;
                ly = y1;
            } else {
                open = false;
            }
        } else if (j + 1 >= it->n || !usable(it->x[j + 1], c->ax[0].scale) ||
                   !usable(it->y[j + 1], c->ax[1].scale)) {
            /* an isolated point in a line: a dot, so it is not lost */
            if (pt_in(safe, x, y, 0)) {
                cairo_move_to(cr, x, y);
                cairo_close_path(cr);
            }
        }
        px = x;
        py = y;
        have_prev = true;
    }
    set_rgba(cr, it->st.color);
    cairo_set_line_width(cr, it->st.line_width);
    set_dash(cr, it->st.dash, it->st.line_width);
    ink_stroke(cr);
}

static void draw_errbars(const rctx *c, const item *it)
{
    cairo_t *cr = c->cr;
    double lw = fmax(1.0, it->st.line_width * 0.6), cap = 3.0;
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    cairo_set_line_width(cr, lw);
    set_rgba(cr, it->st.color);
    for (size_t j = 0; j < it->n; j++) {
        double x, y;
        if (!map_x(c, it->x[j], &x) || x < c->px0 - 0.5 || x > c->px1 + 0.5)
            continue;
        if (it->a != 0 && !map_y(c, it->y[j], &y))
            continue;
        if (!isfinite(it->lo[j]) || !isfinite(it->hi[j]))
            continue;
        double ylo = band_y(c, it->lo[j]), yhi = band_y(c, it->hi[j]);
        cairo_move_to(cr, x, ylo);
        cairo_line_to(cr, x, yhi);
        if (ylo <= c->py1)
            cairo_move_to(cr, x - cap, ylo), cairo_line_to(cr, x + cap, ylo);
        if (yhi >= c->py0)
            cairo_move_to(cr, x - cap, yhi), cairo_line_to(cr, x + cap, yhi);
    }
    ink_stroke(cr);
}

static void draw_markers_item(const rctx *c, const item *it)
{
    rect plot = {c->px0, c->py0, c->px1, c->py1};
    for (size_t j = 0; j < it->n; j++) {
        double x, y;
        if (map_x(c, it->x[j], &x) && map_y(c, it->y[j], &y) && pt_in(plot, x, y, 0.5))
            draw_marker(c->cr, &it->st, x, y);
    }
}

static double snap(double v)
{
    return floor(v) + 0.5;
}

static void draw_grid(const rctx *c)
{
    cairo_t *cr = c->cr;
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 1.0);
    set_rgba(cr, PLOT_GRID);
    for (int i = 0; i < c->ax[0].ticks.n; i++) {
        const plot_tick *t = &c->ax[0].ticks.t[i];
        double x = snap(tick_px(c, 0, t->value));
        if (!t->major || x < c->px0 + 1 || x > c->px1 + 0.5)
            continue;
        cairo_move_to(cr, x, c->py0);
        cairo_line_to(cr, x, c->py1);
    }
    if (!c->f->has_bars) {
        for (int i = 0; i < c->ax[1].ticks.n; i++) {
            const plot_tick *t = &c->ax[1].ticks.t[i];
            double y = snap(tick_px(c, 1, t->value));
            if (!t->major || y > c->py1 - 1 || y < c->py0 - 0.5)
                continue;
            cairo_move_to(cr, c->px0, y);
            cairo_line_to(cr, c->px1, y);
        }
    }
    ink_stroke(cr);
}

static void draw_axes(const rctx *c)
{
    cairo_t *cr = c->cr;
    const plot_figure *f = c->f;
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE);
    cairo_set_line_width(cr, 1.0);
    set_rgba(cr, PLOT_AXIS);
    double xb = snap(c->px0), yb = snap(c->py1);
    if (!f->has_bars) {
        cairo_move_to(cr, xb, c->py0);
        cairo_line_to(cr, xb, yb);
    }
    cairo_move_to(cr, c->px0, yb);
    cairo_line_to(cr, c->px1, yb);
    ink_stroke(cr);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT);
    for (int i = 0; i < c->ax[0].ticks.n; i++) {
        const plot_tick *t = &c->ax[0].ticks.t[i];
        double x = snap(tick_px(c, 0, t->value));
        if (x < c->px0 - 0.5 || x > c->px1 + 0.5)
            continue;
        cairo_move_to(cr, x, yb);
        cairo_line_to(cr, x, yb + (t->major ? TICK_LEN : TICK_LEN * 0.6));
    }
    if (!f->has_bars) {
        for (int i = 0; i < c->ax[1].ticks.n; i++) {
            const plot_tick *t = &c->ax[1].ticks.t[i];
            double y = snap(tick_px(c, 1, t->value));
            if (y < c->py0 - 0.5 || y > c->py1 + 0.5)
                continue;
            cairo_move_to(cr, xb, y);
            cairo_line_to(cr, xb - (t->major ? TICK_LEN : TICK_LEN * 0.6), y);
        }
    }
    ink_stroke(cr);
    for (int i = 0; i < c->ax[0].ticks.n; i++) {
        const plot_tick *t = &c->ax[0].ticks.t[i];
        double x = tick_px(c, 0, t->value);
        if (t->major && x >= c->px0 - 0.5 && x <= c->px1 + 0.5)
            plot_text(cr, t->label, x, yb + TICK_LEN + TICK_GAP + FS_TICK * ASC, FS_TICK, false,
                      PLOT_ALIGN_CENTER, PLOT_INK);
    }
    if (!f->has_bars) {
        for (int i = 0; i < c->ax[1].ticks.n; i++) {
            const plot_tick *t = &c->ax[1].ticks.t[i];
            double y = tick_px(c, 1, t->value);
            if (t->major && y >= c->py0 - 0.5 && y <= c->py1 + 0.5)
                plot_text(cr, t->label, c->px0 - TICK_LEN - TICK_GAP, y + FS_TICK * MIDLINE, FS_TICK, false,
                          PLOT_ALIGN_RIGHT, PLOT_INK);
        }
    }
    if (f->ax[0].label)
        plot_text_fit(cr, f->ax[0].label, (c->px0 + c->px1) / 2, c->xlabel_y, FS_AXIS, false, PLOT_ALIGN_CENTER,
                      PLOT_INK, f->w - 2 * PAD);
    if (f->ax[1].label && !f->has_bars) {
        ink_save(cr);
        cairo_translate(cr, c->ylabel_x, (c->py0 + c->py1) / 2);
        cairo_rotate(cr, -PLOT_PI / 2);
        plot_text_fit(cr, f->ax[1].label, 0, 0, FS_AXIS, false, PLOT_ALIGN_CENTER, PLOT_INK,
                      c->py1 - c->py0 + 20);
        ink_restore(cr);
    }
}

static void draw_bars(const rctx *c)
{
    const plot_figure *f = c->f;
    cairo_t *cr = c->cr;
    if (f->nbars == 0)
        return;
    double rh = (c->py1 - c->py0) / (double)f->nbars;
    double th = fmin(rh * 0.62, 28);
    double x0;
    map_x(c, 0, &x0);
    x0 = clampd(x0, c->px0, c->px1);
    for (size_t i = 0; i < f->nbars; i++) {
        double cy = c->py0 + rh * (i + 0.5), v = f->bar_values[i], xv;
        plot_text_fit(cr, f->bar_labels[i], c->px0 - 8, cy + FS_BAR * MIDLINE, FS_BAR, false, PLOT_ALIGN_RIGHT,
                      PLOT_INK, c->bar_label_w);
        if (!map_x(c, v, &xv)) {
            plot_text(cr, f->bar_texts[i], x0 + 4, cy + FS_LABEL * MIDLINE, FS_LABEL, false, PLOT_ALIGN_LEFT,
                      PLOT_INK_SOFT);
            continue;
        }
        double xc = clampd(xv, c->px0, c->px1);
        ink_save(cr);
        clip_plot(c);
        cairo_rectangle(cr, fmin(x0, xc), cy - th / 2, fabs(xc - x0), th);
        set_rgba(cr, f->bar_style.color);
        ink_fill(cr);
        ink_restore(cr);
        if (xv >= x0)
            plot_text(cr, f->bar_texts[i], xc + 4, cy + FS_LABEL * MIDLINE, FS_LABEL, false, PLOT_ALIGN_LEFT,
                      PLOT_INK);
        else
            plot_text(cr, f->bar_texts[i], xc - 4, cy + FS_LABEL * MIDLINE, FS_LABEL, false, PLOT_ALIGN_RIGHT,
                      PLOT_INK);
    }
    /* the zero line */
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 1.0);
    set_rgba(cr, PLOT_AXIS);
    cairo_move_to(cr, snap(x0), c->py0);
    cairo_line_to(cr, snap(x0), c->py1);
    ink_stroke(cr);
}

static void draw_legend_sample(cairo_t *cr, const lentry *e, double x, double cy)
{
    if (e->line) {
        cairo_move_to(cr, x, cy);
        cairo_line_to(cr, x + LG_SAMPLE, cy);
        set_rgba(cr, e->lst.color);
        cairo_set_line_width(cr, e->lst.line_width);
        set_dash(cr, e->lst.dash, e->lst.line_width);
        ink_stroke(cr);
    }
    if (e->marker)
        draw_marker(cr, &e->mst, x + LG_SAMPLE / 2, cy);
}

static void draw_legend(const rctx *c)
{
    cairo_t *cr = c->cr;
    if (c->lg_pos == PLOT_LEGEND_NONE || c->nle == 0)
        return;
    if (c->lg_pos == PLOT_LEGEND_BELOW) {
        double x = c->px0, row = 0, w = c->px1 - c->px0;
        for (size_t i = 0; i < c->nle; i++) {
            double ew = legend_entry_w((rctx *)c, i) + 18;
            if (x > c->px0 && x - c->px0 + ew - 18 > w) {
                row++;
                x = c->px0;
            }
            double cy = c->legend_below_y + row * LG_ROW + LG_ROW / 2;
            draw_legend_sample(cr, &c->le[i], x, cy);
            plot_text(cr, c->le[i].label, x + LG_SAMPLE + 6, cy + FS_LEGEND * MIDLINE, FS_LEGEND, false,
                      PLOT_ALIGN_LEFT, PLOT_INK);
            x += ew;
        }
        return;
    }
    rect r = legend_corner(c, c->lg_pos);
    cairo_rectangle(cr, snap(r.x0), snap(r.y0), floor(r.x1 - r.x0), floor(r.y1 - r.y0));
    cairo_set_source_rgba(cr, 1, 1, 1, 0.92);
    ink_fill_preserve(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_line_width(cr, 1.0);
    set_rgba(cr, PLOT_RGB(0xCC, 0xCC, 0xCC));
    ink_stroke(cr);
    for (size_t i = 0; i < c->nle; i++) {
        double cy = r.y0 + LG_PAD + FS_LEGEND * 0.6 + i * LG_ROW;
        draw_legend_sample(cr, &c->le[i], r.x0 + LG_PAD, cy);
        plot_text(cr, c->le[i].label, r.x0 + LG_PAD + LG_SAMPLE + 6, cy + FS_LEGEND * MIDLINE, FS_LEGEND, false,
                  PLOT_ALIGN_LEFT, PLOT_INK);
    }
}

static void draw_labels(const rctx *c)
{
    cairo_t *cr = c->cr;
    for (size_t k = 0; k < c->f->n_items; k++) {
        const tlabel *l = &c->labels[k];
        if (!l->on)
            continue;
        item_kind kind = c->f->items[k].kind;
        bool halo = kind == IT_HLINE || kind == IT_VLINE || kind == IT_ANNOT;
        if (halo) {
            cairo_rectangle(cr, l->r.x0, l->r.y0, l->r.x1 - l->r.x0, l->r.y1 - l->r.y0);
            cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
            ink_fill(cr);
        }
        plot_text(cr, l->text, l->x, l->y, FS_LABEL, false, l->align,
                  kind == IT_ANNOT ? PLOT_INK : PLOT_INK_SOFT);
    }
}

static void draw_refs(const rctx *c)
{
    cairo_t *cr = c->cr;
    for (size_t k = 0; k < c->f->n_items; k++) {
        const item *it = &c->f->items[k];
        double p;
        if (it->kind == IT_HLINE && map_y(c, it->a, &p)) {
            cairo_move_to(cr, c->px0, p);
            cairo_line_to(cr, c->px1, p);
        } else if (it->kind == IT_VLINE && map_x(c, it->a, &p)) {
            cairo_move_to(cr, p, c->py0);
            cairo_line_to(cr, p, c->py1);
        } else {
            continue;
        }
        set_rgba(cr, it->st.color);
        cairo_set_line_width(cr, it->st.line_width);
        set_dash(cr, it->st.dash, it->st.line_width);
        ink_stroke(cr);
    }
}

static void draw_bands(const rctx *c)
{
    cairo_t *cr = c->cr;
    for (size_t k = 0; k < c->f->n_items; k++) {
        const item *it = &c->f->items[k];
        if (it->kind == IT_HBAND) {
            double y0 = band_y(c, it->b), y1 = band_y(c, it->a);
            cairo_rectangle(cr, c->px0, y0, c->px1 - c->px0, y1 - y0);
        } else if (it->kind == IT_VBAND) {
            double x0 = band_x(c, it->a), x1 = band_x(c, it->b);
            cairo_rectangle(cr, x0, c->py0, x1 - x0, c->py1 - c->py0);
        } else {
            continue;
        }
        set_rgba(cr, it->fill);
        ink_fill(cr);
    }
}

static void rctx_free(rctx *c)
{
    free(c->le);
    free(c->labels);
}

/* ---- digest --------------------------------------------------------------- */

typedef struct {
    taf_sha256 *h;
    bool ok;
} digest;

static void dg_bytes(digest *d, const void *p, size_t n)
{
    if (d->ok && n)
        d->ok = taf_sha256_update(d->h, p, n);
}

/* Every value as its exact bytes, each string and array after its length,
 * so no two different figures feed the same byte sequence. */
static void dg_u64(digest *d, unsigned long long v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    dg_bytes(d, b, sizeof b);
}

static void dg_f64(digest *d, double v)
{
    unsigned long long bits;
    memcpy(&bits, &v, sizeof bits);
    dg_u64(d, bits);
}

static void dg_str(digest *d, const char *s)
{
    if (!s) {
        dg_u64(d, ~0ULL);
        return;
    }
    size_t n = strlen(s);
    dg_u64(d, n);
    dg_bytes(d, s, n);
}

static void dg_arr(digest *d, const double *v, size_t n)
{
    if (!v) {
        dg_u64(d, ~0ULL);
        return;
    }
    dg_u64(d, n);
    for (size_t i = 0; i < n; i++)
        dg_f64(d, v[i]);
}

static void dg_rgba(digest *d, plot_rgba c)
{
    dg_f64(d, c.r);
    dg_f64(d, c.g);
    dg_f64(d, c.b);
    dg_f64(d, c.a);
}

static void dg_style(digest *d, const plot_style *st)
{
    dg_rgba(d, st->color);
    dg_f64(d, st->line_width);
    dg_u64(d, (unsigned long long)st->dash);
    dg_u64(d, (unsigned long long)st->marker);
    dg_f64(d, st->marker_size);
    dg_u64(d, (unsigned long long)st->marker_open);
    dg_u64(d, (unsigned long long)st->no_autorange);
    dg_str(d, st->label);
}

bool plot_digest(const plot_figure *f, taf_sha256 *h)
{
    digest d = {h, h != NULL};
    if (!f || f->failed)
        return false;
    dg_str(&d, "plot_figure/1");
    dg_f64(&d, f->w);
    dg_f64(&d, f->h);
    dg_str(&d, f->title);
    dg_str(&d, f->subtitle);
    dg_str(&d, f->note);
    dg_str(&d, f->desc);
    dg_str(&d, f->prefix);
    for (int i = 0; i < 2; i++) {
        dg_str(&d, f->ax[i].label);
        dg_u64(&d, (unsigned long long)f->ax[i].scale);
        dg_f64(&d, f->ax[i].min);
        dg_f64(&d, f->ax[i].max);
    }
    dg_u64(&d, f->n_items);
    for (size_t i = 0; i < f->n_items; i++) {
        const item *it = &f->items[i];
        dg_u64(&d, (unsigned long long)it->kind);
        dg_u64(&d, it->n);
        dg_arr(&d, it->x, it->n);
        dg_arr(&d, it->y, it->n);
        dg_arr(&d, it->lo, it->n);
        dg_arr(&d, it->hi, it->n);
        dg_f64(&d, it->a);
        dg_f64(&d, it->b);
        dg_rgba(&d, it->fill);
        dg_style(&d, &it->st);
        dg_str(&d, it->label);
    }
    dg_u64(&d, (unsigned long long)f->has_bars);
    dg_u64(&d, f->nbars);
    for (size_t i = 0; i < f->nbars; i++) {
        dg_str(&d, f->bar_labels[i]);
        dg_str(&d, f->bar_texts ? f->bar_texts[i] : NULL);
        dg_f64(&d, f->bar_values[i]);
    }
    dg_style(&d, &f->bar_style);
    dg_u64(&d, (unsigned long long)f->legend);
    return d.ok;
}

bool plot_render(const plot_figure *f, cairo_t *cr, double scale)
{
    if (!f || !cr || f->failed || !(scale > 0) || !isfinite(scale))
        return false;
    rctx c;
    memset(&c, 0, sizeof c);
    c.f = f;
    c.cr = cr;
    ink_save(cr);
    cairo_scale(cr, scale, scale);
    plot_cairo_setup(cr);
    bool ok = resolve_axis(f, 0, &c.ax[0]) && resolve_axis(f, 1, &c.ax[1]);
    if (ok)
        ok = build_legend(&c);
    if (ok) {
        layout(&c, 0);
        if (f->has_bars)
            fit_bar_range(&c);
        ok = layout_labels(&c);
    }
    if (ok) {
        choose_legend(&c);
        if (c.lg_pos == PLOT_LEGEND_BELOW) {
            int rows = legend_below_rows(&c), prev = -1;
            for (int pass = 0; pass < 3 && rows != prev; pass++) {
                layout(&c, rows);
                if (f->has_bars) {
                    resolve_axis(f, 0, &c.ax[0]);
                    fit_bar_range(&c);
                }
                prev = rows;
                rows = legend_below_rows(&c);
            }
            free(c.labels);
            c.labels = NULL;
            ok = layout_labels(&c);
        }
    }
    if (ok) {
        /* no background of its own: every surface starts white (the PNG
         * canvas is painted, the SVG and PDF page are white), so one more
         * opaque fill of the whole figure only cost another pass over the
         * 2x raster (every PNG is byte-identical without it) */
        ink_save(cr);
        clip_plot(&c);
        draw_bands(&c);
        draw_grid(&c);
        draw_refs(&c);
        for (size_t k = 0; k < f->n_items; k++)
            if (f->items[k].kind == IT_ERRBARS)
                draw_errbars(&c, &f->items[k]);
        for (size_t k = 0; k < f->n_items; k++)
            if (f->items[k].kind == IT_LINE)
                draw_line_item(&c, &f->items[k]);
        ink_restore(cr);

        if (f->has_bars)
            draw_bars(&c);
        for (size_t k = 0; k < f->n_items; k++)
            if (f->items[k].kind == IT_MARKERS)
                draw_markers_item(&c, &f->items[k]);
        draw_labels(&c);
        draw_axes(&c);
        draw_legend(&c);
        if (f->title)
            plot_text_fit(cr, f->title, PAD, c.title_y, FS_TITLE, true, PLOT_ALIGN_LEFT, PLOT_INK,
                          f->w - 2 * PAD);
        if (f->subtitle)
            plot_text_fit(cr, f->subtitle, PAD, c.sub_y, FS_SUB, false, PLOT_ALIGN_LEFT, PLOT_INK_SOFT,
                          f->w - 2 * PAD);
        if (f->note)
            plot_text_fit(cr, f->note, PAD, c.note_y, FS_NOTE, false, PLOT_ALIGN_LEFT, PLOT_INK_SOFT,
                          f->w - 2 * PAD);
    }
    rctx_free(&c);
    ink_restore(cr);
    return ok && cairo_status(cr) == CAIRO_STATUS_SUCCESS;
}

bool plot_render_in(const plot_figure *f, cairo_t *cr, double x, double y, double w, double h)
{
    if (!f || !cr || !(w > 0) || !(h > 0))
        return false;
    double s = fmin(w / f->w, h / f->h);
    ink_save(cr);
    cairo_translate(cr, x + (w - f->w * s) / 2, y + (h - f->h * s) / 2);
    bool ok = plot_render(f, cr, s);
    ink_restore(cr);
    return ok;
}

void plot_release_thread_cache(void)
{
    tls_slot_release(&adv_slot);
}

void plot_shutdown(void)
{
    plot_release_thread_cache();
    svgw_release_thread_cache();
    fontpin_release_all();
    cairo_debug_reset_static_data();
    /* fontconfig (loaded by cairo for the toy font API) keeps its parsed
     * configuration for the life of the process. We do not link it
     * ourselves, so reach FcFini through the already-loaded library. */
    void *fc = dlopen("libfontconfig.so.1", RTLD_LAZY);
    if (fc) {
        void *sym = dlsym(fc, "FcFini");
        void (*fini)(void);
        memcpy(&fini, &sym, sizeof fini); /* object -> function pointer, as POSIX allows */
        if (sym)
            fini();
        dlclose(fc);
    }
}
