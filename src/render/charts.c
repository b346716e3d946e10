/* The chart catalog: card JSON (or the panel JSON) → drawing-layer calls.
 *
 * Every number drawn here was computed upstream (src/card/card.c,
 * series.c, panel.c) and is only read back with jget_double: null → NAN,
 * which the drawing layer skips. The only arithmetic is for drawing
 * (error-bar ends mean ± std, axis limits, placing boxes on the PDF page)
 * and for formatting legend text. No static mutable state: the site build
 * renders cards on several threads. */
#include "render/charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "card/panel.h"
#include "render/binder.h"
#include "render/plot.h"
#include "render/surface.h"
#include "render/svgw.h"
#include "render/ticks.h"
#include "util/jsonnum.h"
#include "util/sha256.h"
#include "version.h"

/* ---- JSON reading -------------------------------------------------------- */

typedef struct {
    double *v;
    size_t n;
} dvec;

static const cJSON *jget(const cJSON *obj, const char *key)
{
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* Array of numbers at obj[key]; null and non-numbers → NAN. n = 0 when
 * absent (v may then be NULL). */
static dvec jvec(const cJSON *obj, const char *key)
{
    dvec d = {NULL, 0};
    const cJSON *a = jget(obj, key);
    if (!cJSON_IsArray(a))
        return d;
    int n = cJSON_GetArraySize(a);
    d.v = malloc((size_t)(n > 0 ? n : 1) * sizeof *d.v);
    if (!d.v)
        return d;
    for (const cJSON *e = a->child; e; e = e->next) {
        double x = NAN;
        jget_double(e, &x);
        d.v[d.n++] = x;
    }
    return d;
}

static void dvec_free(dvec *d)
{
    free(d->v);
    d->v = NULL;
    d->n = 0;
}

/* Smallest length of two vectors (arrays that belong together). */
static size_t pair_n(const dvec *a, const dvec *b)
{
    return a->n < b->n ? a->n : b->n;
}

static double jnumber(const cJSON *obj, const char *key)
{
    double x = NAN;
    const cJSON *v = jget(obj, key);
    if (v)
        jget_double(v, &x);
    return x;
}

static double jnumber_path(const cJSON *root, const char *path)
{
    double x = NAN;
    const cJSON *v = tpl_lookup(root, root, path);
    if (v)
        jget_double(v, &x);
    return x;
}

static const char *jstr(const cJSON *obj, const char *key)
{
    const cJSON *v = jget(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- number text for legends (locale-independent) ----------------------- */

typedef struct {
    char s[40];
} tbuf;

static const char *t_fixed(tbuf *b, double x, int prec)
{
    if (!isfinite(x))
        snprintf(b->s, sizeof b->s, "n/a");
    else
        py_fmt_fixed(x, prec, b->s, sizeof b->s);
    return b->s;
}

static const char *t_val(tbuf *b, double x, int sig)
{
    ticks_format_value(x, sig, b->s, sizeof b->s);
    return b->s;
}

static const char *t_thousands(tbuf *b, double x)
{
    if (!isfinite(x))
        snprintf(b->s, sizeof b->s, "n/a");
    else
        py_fmt_thousands(x, 0, b->s, sizeof b->s);
    return b->s;
}

/* ---- chart documents ----------------------------------------------------- */

#define CHART_W 640.0

/* One chart file: one figure, or several stacked on one page. */
typedef struct {
    plot_figure *fig[3];
    int nfig;
    double w, h;
    char title[256]; /* plain text for <title> / PDF Title */
    char desc[1024]; /* one sentence for screen readers */
    char prefix[64]; /* SVG id prefix */
} chart_doc;

static void doc_free(chart_doc *d)
{
    for (int i = 0; i < d->nfig; i++)
        plot_free(d->fig[i]);
    d->nfig = 0;
}

static plot_figure *doc_add(chart_doc *d, double w, double h, const char *title, const char *sub)
{
    if (d->nfig >= 3)
        return NULL;
    plot_figure *f = plot_new(w, h, title, sub);
    if (f)
        d->fig[d->nfig++] = f;
    return f;
}

/* Page size = the stacked figures; title/desc/prefix set on every figure. */
static void doc_finish(chart_doc *d, const char *kind, const char *prefix_head)
{
    d->w = 0;
    d->h = 0;
    for (int i = 0; i < d->nfig; i++) {
        d->w = fmax(d->w, plot_width(d->fig[i]));
        d->h += plot_height(d->fig[i]);
        plot_set_desc(d->fig[i], d->desc);
    }
    snprintf(d->prefix, sizeof d->prefix, "%s%s-", prefix_head, kind);
    for (char *p = d->prefix; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-'))
            *p = '_';
    if (d->nfig > 0) {
        plot_set_id_prefix(d->fig[0], d->prefix);
        plot_title_text(d->fig[0], d->title, sizeof d->title);
    }
}

static bool draw_doc(cairo_t *cr, void *user, taf_err *err)
{
    const chart_doc *d = user;
    double y = 0;
    for (int i = 0; i < d->nfig; i++) {
        double h = plot_height(d->fig[i]);
        if (!plot_render_in(d->fig[i], cr, 0, y, d->w, h))
            return taf_fail(err, "render-draw", NULL, "chart '%s' could not be drawn", d->title);
        y += h;
    }
    return true;
}

/* The chart key of d written as fmt at scale (surface.h); false when a
 * figure cannot be digested (then the file is simply drawn). */
static bool doc_key(const chart_doc *d, render_format fmt, double scale, const char *salt,
                    char out[TAF_SHA256_HEX_SIZE])
{
    taf_sha256 *h = taf_sha256_new();
    if (!h)
        return false;
    char head[512];
    int n = snprintf(head, sizeof head, "tafcard-chart/1\n%s\n%s\n%d %.17g %.17g %.17g %d\n",
                     salt ? salt : "", render_engine_versions(), (int)fmt, scale, d->w, d->h,
                     d->nfig);
    bool ok = n > 0 && (size_t)n < sizeof head && taf_sha256_update(h, head, (size_t)n);
    /* each text after its length, so no two docs feed the same bytes */
    const char *texts[3] = {d->title, d->desc, d->prefix};
    for (int i = 0; i < 3 && ok; i++) {
        size_t len = strlen(texts[i]);
        char lb[32];
        int k = snprintf(lb, sizeof lb, "%zu:", len);
        ok = taf_sha256_update(h, lb, (size_t)k) && taf_sha256_update(h, texts[i], len);
    }
    for (int i = 0; i < d->nfig && ok; i++)
        ok = plot_digest(d->fig[i], h);
    char hex[TAF_SHA256_HEX_SIZE];
    bool done = taf_sha256_finish(h, hex);
    if (ok && done)
        memcpy(out, hex, sizeof hex);
    return ok && done;
}

static bool doc_write(const chart_doc *d, const char *path, taf_err *err)
{
    render_format fmt;
    if (!render_format_from_path(path, &fmt))
        return taf_fail(err, "render-format", "use a .svg, .png or .pdf file name",
                        "cannot tell the output format of '%s'", path ? path : "");
    render_opts o = {d->title, d->desc[0] ? d->desc : NULL, d->prefix, 2.0};
    const render_reuse *reuse = render_reuse_current();
    char key[TAF_SHA256_HEX_SIZE] = "";
    /* a PDF also carries its date: never taken over */
    if (reuse && fmt != RENDER_PDF && doc_key(d, fmt, o.scale, reuse->salt, key) &&
        reuse->take(reuse->ctx, path, key))
        return true;
    if (!render_to(fmt, path, d->w, d->h, &o, draw_doc, (void *)d, err))
        return false;
    if (key[0])
        render_outlog_set_key(path, key);
    return true;
}

/* ---- shared chart context -------------------------------------------------- */

typedef struct {
    const cJSON *card;
    const char *model_id;
    const char *tool, *formulas; /* provenance versions, "" when absent */
    double w, h;                 /* requested size of the (first) figure */
    bool compact;                /* on the PDF card: no subtitle/note, short legends */
} chart_ctx;

static void ctx_init(chart_ctx *c, const cJSON *card, double w, double h, bool compact)
{
    c->compact = compact;
    c->card = card;
    const char *id = jstr(jget(card, "model"), "id");
    c->model_id = id ? id : "(unnamed model)";
    const cJSON *prov = jget(card, "provenance");
    c->tool = jstr(prov, "tool_version") ? jstr(prov, "tool_version") : "";
    c->formulas = jstr(prov, "formula_version") ? jstr(prov, "formula_version") : "";
    c->w = w;
    c->h = h;
}

/* A chart's own figure: the subtitle (model id) is dropped on the PDF
 * card, whose title already names the model. */
static plot_figure *ctx_figure(const chart_ctx *c, chart_doc *d, double h, const char *title)
{
    return doc_add(d, c->w, h, title, c->compact ? NULL : c->model_id);
}

static void ctx_note(const chart_ctx *c, plot_figure *f, const char *note)
{
    if (!c->compact)
        plot_note(f, note);
}

static bool no_data(taf_err *err, const char *kind, const char *what)
{
    return taf_fail(err, "chart-data", "the card lists this chart but lacks its data; rebuild the card",
                    "chart %s: %s", kind, what);
}

static plot_style line_style(int color, plot_dash dash, double width, const char *label)
{
    plot_style s = plot_style_series(color, label);
    s.marker = PLOT_MARKER_NONE;
    s.dash = dash;
    s.line_width = width;
    return s;
}

/* Corpus names for people. */
static const char *corpus_label(const char *key)
{
    if (strcmp(key, "text") == 0)
        return "text corpus";
    if (strcmp(key, "random") == 0)
        return "random tokens";
    return key;
}

/* ---- 1. attention decay ---------------------------------------------------- */

/* "source: A and …_random.json": later sources lose the prefix they share
 * with the first (up to its last '/' or '_'), so the note stays one line. */
static void sources_note(const cJSON *card, const char *tool, char *note, size_t sz)
{
    size_t nl = (size_t)snprintf(note, sz, "source: ");
    const cJSON *rows = tpl_lookup(card, card, "measured_rows");
    const char *first = NULL;
    for (const cJSON *r = cJSON_IsArray(rows) ? rows->child : NULL; r && nl < sz; r = r->next) {
        const char *src = jstr(r, "source");
        if (!src)
            continue;
        if (!first) {
            first = src;
            nl += (size_t)snprintf(note + nl, sz - nl, "%s", src);
            continue;
        }
        size_t k = 0, cut = 0;
        while (first[k] && first[k] == src[k]) {
            if (src[k] == '/' || src[k] == '_')
                cut = k;
            k++;
        }
        nl += (size_t)snprintf(note + nl, sz - nl, " and %s%s", cut ? "…" : "", src + cut);
    }
    if (!first && nl < sz)
        nl += (size_t)snprintf(note + nl, sz - nl, "panel measurements");
    if (nl < sz)
        snprintf(note + nl, sz - nl, " · tafcard %s", tool);
}

static bool chart_decay(const chart_ctx *c, chart_doc *d, taf_err *err)
{
    const cJSON *s = tpl_lookup(c->card, c->card, "series.attention_decay");
    if (!cJSON_IsObject(s) || !s->child)
        return no_data(err, "attention_decay", "no series.attention_decay");
    plot_figure *f = ctx_figure(c, d, c->h, "Attention decay by distance");
    if (!f)
        return taf_fail(err, "oom", NULL, "out of memory");
    plot_axis_x(f, "token distance d (tokens)", PLOT_LOG, NAN, NAN);
    plot_axis_y(f, c->compact ? "mean attention" : "mean attention (± 1 std)", PLOT_LOG, NAN, NAN);

    /* text first, then random, then anything else in card order */
    const cJSON *order[8];
    int no = 0;
    const char *first[2] = {"text", "random"};
    for (int k = 0; k < 2; k++)
        if (jget(s, first[k]) && no < 8)
            order[no++] = jget(s, first[k]);
    for (const cJSON *e = s->child; e && no < 8; e = e->next)
        if (strcmp(e->string, "text") != 0 && strcmp(e->string, "random") != 0)
            order[no++] = e;

    static const plot_dash pow_dash[2] = {PLOT_DASH_SOLID, PLOT_DASH_LONG};
    static const plot_dash exp_dash[2] = {PLOT_DASH_DOTTED, PLOT_DASH_DASHDOT};
    char descfits[600] = "";
    size_t dl = 0;
    for (int k = 0; k < no; k++) {
        const cJSON *cj = order[k];
        /* "text corpus (partial)" when the measured row says so */
        char name[96];
        snprintf(name, sizeof name, "%s", corpus_label(cj->string));
        const cJSON *rows = jget(c->card, "measured_rows");
        for (const cJSON *r = cJSON_IsArray(rows) ? rows->child : NULL; r; r = r->next)
            if (jstr(r, "corpus") && strcmp(jstr(r, "corpus"), cj->string) == 0 && jstr(r, "status") &&
                strcmp(jstr(r, "status"), "partial") == 0)
                snprintf(name, sizeof name, "%s (partial)", corpus_label(cj->string));
        dvec dd = jvec(cj, "d"), m = jvec(cj, "mean"), sd = jvec(cj, "std");
        const cJSON *fit = jget(cj, "fit");
        dvec fd = jvec(fit, "d"), fp = jvec(fit, "power_law"), fe = jvec(fit, "exponential");
        double g = jnumber(cj, "gamma"), r2 = jnumber(cj, "R2"), r2e = jnumber(cj, "R2_exp");
        size_t n = pair_n(&dd, &m);
        double *lo = calloc(n ? n : 1, sizeof *lo), *hi = calloc(n ? n : 1, sizeof *hi);
        bool ok = lo && hi;
        for (size_t i = 0; ok && i < n; i++) {
            double e = i < sd.n ? sd.v[i] : NAN;
            lo[i] = m.v[i] - e; /* drawing: ±1 std bar ends (≤ 0 runs to the bottom) */
            hi[i] = m.v[i] + e;
        }
        /* the points and their power-law fit share one legend entry */
        char lab[400];
        tbuf b1, b2;
        if (fp.n)
            snprintf(lab, sizeof lab, c->compact ? "%s: γ = %s, R^{2} = %s" : "%s: power law γ = %s, R^{2} = %s",
                     name, t_fixed(&b1, g, 3), t_fixed(&b2, r2, 3));
        else
            snprintf(lab, sizeof lab, "%s (no power-law fit)", name);
        plot_style ps = plot_style_series(k, lab);
        if (ok) {
            plot_errorbars(f, dd.v, m.v, lo, hi, n, &ps);
            plot_markers(f, dd.v, m.v, n, &ps);
        }
        if (ok && fp.n) {
            plot_style ls = line_style(k, pow_dash[k % 2], 1.8, lab);
            plot_line(f, fd.v, fp.v, pair_n(&fd, &fp), &ls);
            if (dl < sizeof descfits)
                dl += (size_t)snprintf(descfits + dl, sizeof descfits - dl, " Power-law fit, %s: γ = %s, R² = %s.",
                                       name, b1.s, b2.s);
        }
        if (ok && fe.n) {
            snprintf(lab, sizeof lab, c->compact ? "%s: exp. fit, R^{2} = %s" : "%s: exponential fit, R^{2} = %s",
                     cj->string, t_fixed(&b2, r2e, 3));
            plot_style es = line_style(k, exp_dash[k % 2], 1.5, lab);
            es.no_autorange = true; /* an exponential runs far below the data: clip it */
            plot_line(f, fd.v, fe.v, pair_n(&fd, &fe), &es);
        }
        free(lo);
        free(hi);
        dvec_free(&dd);
        dvec_free(&m);
        dvec_free(&sd);
        dvec_free(&fd);
        dvec_free(&fp);
        dvec_free(&fe);
        if (!ok)
            return taf_fail(err, "oom", NULL, "out of memory");
    }
    plot_legend(f, PLOT_LEGEND_BELOW);
    char note[700];
    sources_note(c->card, c->tool, note, sizeof note);
    ctx_note(c, f, note);
    snprintf(d->desc, sizeof d->desc,
             "Log-log plot of the mean attention weight against token distance for %s, one series per "
             "corpus with ±1 standard deviation error bars and the fitted power-law and exponential curves.%s",
             c->model_id, descfits);
    return true;
}

/* ---- 2. phase diagram ---------------------------------------------------------- */

static bool chart_phase(const chart_ctx *c, chart_doc *d, taf_err *err)
{
    const cJSON *s = tpl_lookup(c->card, c->card, "series.phase");
    dvec T = jvec(s, "T"), g = jvec(s, "gamma_pade");
    if (!T.n || !g.n) {
        dvec_free(&T);
        dvec_free(&g);
        return no_data(err, "phase", "no series.phase");
    }
    double Ttr = jnumber(s, "T_train"), gtr = jnumber(s, "gamma_at_T_train"), Tcrit = jnumber(s, "T_critical");
    double lo = jnumber_path(s, "band.hagedorn_lo"), hi = jnumber_path(s, "band.hagedorn_hi");
    double gm = jnumber(s, "gamma_measured"), Tm = jnumber(s, "T_measured");
    double theta = jnumber(jget(c->card, "model"), "theta");
    plot_figure *f = ctx_figure(c, d, c->h, "Phase diagram: γ_{Padé} against context length");
    if (!f) {
        dvec_free(&T);
        dvec_free(&g);
        return taf_fail(err, "oom", NULL, "out of memory");
    }
    plot_axis_x(f, "evaluation length T_{eval} (tokens)", PLOT_LOG, NAN, NAN);
    /* room above γ = 1 so the Phase B region is visible */
    double ymax = c->compact ? 1.5 : 1.15;
    if (isfinite(gm) && gm + 0.1 > ymax)
        ymax = gm + 0.1;
    plot_axis_y(f, c->compact ? "γ_{Padé}" : "γ_{Padé} (attention decay exponent)", PLOT_LINEAR, NAN, ymax);

    tbuf b1, b2, b3, b4;
    char lab[400];
    plot_rgba neg = PLOT_RGB(0x80, 0x80, 0x80);
    neg.a = 0.14;
    if (isfinite(Tcrit))
        snprintf(lab, sizeof lab, "γ < 0: T_{eval} beyond θ√2 = %s", t_val(&b1, Tcrit, 3));
    else
        snprintf(lab, sizeof lab, "γ < 0");
    plot_hband(f, -INFINITY, 0, neg, lab);
    if (isfinite(lo) && isfinite(hi)) {
        snprintf(lab, sizeof lab, "Phase A (0 < γ < %s)", t_fixed(&b1, lo, 2));
        plot_hband(f, 0, lo, plot_band_fill(0), lab);
        plot_hband(f, lo, hi, plot_band_fill(4), NULL);
        snprintf(lab, sizeof lab, "Phase B (γ > %s)", t_fixed(&b1, hi, 0));
        plot_hband(f, hi, INFINITY, plot_band_fill(1), lab);
        /* the Hagedorn band is too thin for a label inside it: label its lower edge */
        plot_style e = plot_style_reference();
        e.color = PLOT_RGB(0xB0, 0x78, 0x00);
        e.line_width = 1.0;
        snprintf(lab, sizeof lab, "Hagedorn band %s–%s", t_fixed(&b1, lo, 2), t_fixed(&b2, hi, 0));
        plot_hline(f, lo, &e, lab);
    }
    if (isfinite(theta))
        snprintf(lab, sizeof lab, "γ_{Padé}(T_{eval}), θ = %s", t_thousands(&b1, theta));
    else
        snprintf(lab, sizeof lab, "γ_{Padé}(T_{eval})");
    plot_style cs = line_style(0, PLOT_DASH_SOLID, 2.2, lab);
    plot_line(f, T.v, g.v, pair_n(&T, &g), &cs);
    if (isfinite(Ttr)) {
        snprintf(lab, sizeof lab, "T_{train} = %s", t_fixed(&b1, Ttr, 0));
        plot_vline(f, Ttr, NULL, lab);
        snprintf(lab, sizeof lab, "γ_{Padé} at T_{train} = %s", t_fixed(&b1, gtr, 3));
        plot_style ms = plot_style_series(2, lab);
        ms.marker = PLOT_MARKER_DIAMOND;
        ms.marker_size = 10;
        plot_markers(f, &Ttr, &gtr, 1, &ms);
    }
    if (isfinite(gm) && isfinite(Tm)) {
        snprintf(lab, sizeof lab, c->compact ? "measured γ = %s (T = %s)" : "measured γ = %s (text corpus, T = %s)",
                 t_fixed(&b1, gm, 3), t_fixed(&b2, Tm, 0));
        plot_style ms = plot_style_series(1, lab);
        ms.marker = PLOT_MARKER_SQUARE;
        ms.marker_size = 9;
        plot_markers(f, &Tm, &gm, 1, &ms);
    }
    plot_legend(f, PLOT_LEGEND_BELOW);
    snprintf(lab, sizeof lab, "closed form γ_{Padé} = (2θ − T√2)/(2θ + T√2) · %s · tafcard %s", c->formulas, c->tool);
    ctx_note(c, f, lab);
    snprintf(d->desc, sizeof d->desc,
             "Line chart of the Padé decay exponent γ against evaluation length (log scale) for %s at θ = %s, "
             "over shaded Phase A, Hagedorn band, Phase B and negative-γ regions; at the training length %s "
             "γ is %s%s%s.",
             c->model_id, isfinite(theta) ? t_thousands(&b1, theta) : "n/a", t_fixed(&b2, Ttr, 0), t_fixed(&b3, gtr, 3),
             isfinite(gm) ? ", the measured γ (text corpus) is " : "", isfinite(gm) ? t_fixed(&b4, gm, 3) : "");
    dvec_free(&T);
    dvec_free(&g);
    return true;
}

/* ---- 3. horizon view (two stacked figures) --------------------------------------- */

static bool chart_horizon(const chart_ctx *c, chart_doc *d, taf_err *err)
{
    const cJSON *s = tpl_lookup(c->card, c->card, "series.horizon");
    dvec L = jvec(s, "L"), dh = jvec(s, "d_horizon"), ln = jvec(s, "L_NIAH"), ph = jvec(s, "P_hallucinate");
    /* present when the model has a measured γ */
    dvec dhm = jvec(s, "d_horizon_measured"), phm = jvec(s, "P_hallucinate_measured");
    double g_op = jnumber(s, "gamma"), g_meas = jnumber(s, "gamma_measured");
    /* a measured γ ≥ 1 has no horizon: leave it out rather than list an empty series */
    size_t n_meas = 0;
    for (size_t i = 0; i < dhm.n; i++)
        n_meas += isfinite(dhm.v[i]);
    bool ok = L.n > 0;
    double Ttr = jnumber(s, "T_train");
    double h_top = c->h * 0.58, h_bot = c->h - h_top;
    plot_figure *top = NULL, *bot = NULL;
    if (ok) {
        top = ctx_figure(c, d, h_top, "Horizon, NIAH ceiling and hallucination risk");
        bot = doc_add(d, c->w, h_bot, "P_{hallucinate} against context length", NULL);
        if (!top || !bot) {
            ok = false;
            taf_fail(err, "oom", NULL, "out of memory");
        }
    } else {
        no_data(err, "horizon", "no series.horizon");
    }
    if (ok) {
        tbuf b1;
        char lab[400];
        /* both panels share the x range of the L grid */
        double xlo = NAN, xhi = NAN;
        if (!plot_auto_range(L.v, L.n, PLOT_LOG, &xlo, &xhi))
            xlo = xhi = NAN;
        plot_axis_x(top, "context length L (tokens)", PLOT_LOG, xlo, xhi);
        plot_axis_y(top, "distance (tokens)", PLOT_LOG, NAN, NAN);
        /* the requested length itself: where it crosses a horizon, retrieval degrades */
        plot_style diag = plot_style_reference();
        diag.label = "y = L (the context length)";
        diag.marker = PLOT_MARKER_NONE;
        plot_line(top, L.v, L.v, L.n, &diag);
        char la[120], lm[120];
        snprintf(la, sizeof la, "d_{horizon} at γ_{decomposed} = %s", t_fixed(&b1, g_op, 3));
        plot_style a = line_style(0, PLOT_DASH_SOLID, 2.2, la);
        plot_line(top, L.v, dh.v, pair_n(&L, &dh), &a);
        plot_style b = line_style(1, PLOT_DASH_DASHED, 2.0, "L_{NIAH} ceiling (2·d_{horizon})");
        plot_line(top, L.v, ln.v, pair_n(&L, &ln), &b);
        if (n_meas > 0) {
            snprintf(lm, sizeof lm, "d_{horizon} at measured γ = %s", t_fixed(&b1, g_meas, 3));
            plot_style m = line_style(3, PLOT_DASH_DOTTED, 2.2, lm);
            plot_line(top, L.v, dhm.v, pair_n(&L, &dhm), &m);
        }
        if (isfinite(Ttr)) {
            snprintf(lab, sizeof lab, "T_{train} = %s", t_fixed(&b1, Ttr, 0));
            plot_vline(top, Ttr, NULL, lab);
            plot_vline(bot, Ttr, NULL, lab);
        }
        plot_legend(top, PLOT_LEGEND_TOP_LEFT);

        plot_axis_x(bot, "context length L (tokens)", PLOT_LOG, xlo, xhi);
        plot_axis_y(bot, "P_{hallucinate}", PLOT_LINEAR, 0, 1);
        plot_style p = line_style(2, PLOT_DASH_SOLID, 2.2, "P_{hallucinate}(L) at γ_{decomposed}");
        plot_line(bot, L.v, ph.v, pair_n(&L, &ph), &p);
        if (n_meas > 0) {
            plot_style q = line_style(3, PLOT_DASH_DOTTED, 2.2, "at measured γ");
            plot_line(bot, L.v, phm.v, pair_n(&L, &phm), &q);
            plot_legend(bot, PLOT_LEGEND_AUTO);
        }
        /* say so when the line lies flat on 0, so it does not look broken */
        size_t nz = 0, nf = 0, mid = 0;
        for (size_t i = 0; i < pair_n(&L, &ph); i++)
            if (isfinite(ph.v[i])) {
                nf++;
                nz += ph.v[i] < 0.005; /* under a pixel on a 0–1 axis */
                if (nf == 1 || i <= pair_n(&L, &ph) / 2)
                    mid = i;
            }
        if (nf > 0 && nz == nf)
            plot_annotate(bot, L.v[mid], 0, "P_{hallucinate} ≈ 0 at every length shown (0 where d_{horizon} ≥ L)");
        if (n_meas == 0)
            plot_legend(bot, PLOT_LEGEND_NONE);
        snprintf(lab, sizeof lab, "closed form: d_{h} = θ(1−γ)√2/(1+γ), L_{NIAH} = 2·d_{h} · %s · tafcard %s",
                 c->formulas, c->tool);
        ctx_note(c, bot, lab);
        snprintf(d->desc, sizeof d->desc,
                 "Two stacked charts for %s against context length (log scale): above, the attention horizon "
                 "d_horizon and the needle-in-a-haystack ceiling L_NIAH with the diagonal y = L for reference; "
                 "below, the hallucination probability P_hallucinate from 0 to 1. Gaps mark lengths where the "
                 "closed form is undefined.",
                 c->model_id);
    }
    dvec_free(&L);
    dvec_free(&dh);
    dvec_free(&ln);
    dvec_free(&ph);
    dvec_free(&dhm);
    dvec_free(&phm);
    return ok;
}

/* ---- 4. memory -------------------------------------------------------------------- */

static bool chart_memory(const chart_ctx *c, chart_doc *d, taf_err *err)
{
    const cJSON *s = tpl_lookup(c->card, c->card, "series.memory");
    dvec L = jvec(s, "L"), kv = jvec(s, "kv_GB");
    if (!L.n || !kv.n) {
        dvec_free(&L);
        dvec_free(&kv);
        return no_data(err, "memory", "no series.memory");
    }
    double wgb = jnumber(s, "weights_GB"), Ttr = jnumber(s, "T_train");
    plot_figure *f = ctx_figure(c, d, c->h, "KV cache memory against context length");
    if (!f) {
        dvec_free(&L);
        dvec_free(&kv);
        return taf_fail(err, "oom", NULL, "out of memory");
    }
    /* display range: from the decade at or under min(weights, 1 GB) up to
     * 1000 GB (more only for weights that large), so the GPU lines get
     * room; x from where the curve enters that range (or T_train, if
     * smaller) */
    double ylo = NAN, yhi = NAN;
    if (isfinite(wgb) && wgb > 0)
        ylo = pow(10, floor(log10(fmin(wgb, 1.0))));
    yhi = 1000; /* above every catalog GPU; the KV curve runs off the top */
    if (isfinite(wgb) && wgb * 1.5 > yhi)
        yhi = pow(10, ceil(log10(wgb * 1.5)));
    if (!(ylo < yhi))
        ylo = yhi = NAN;
    double xlo = NAN, xhi = NAN;
    size_t first = 0, nkv = pair_n(&L, &kv);
    while (isfinite(ylo) && first < nkv && !(kv.v[first] >= ylo))
        first++;
    if (first < nkv) {
        double *xs = malloc((nkv - first + 1) * sizeof *xs);
        if (xs) {
            memcpy(xs, L.v + first, (nkv - first) * sizeof *xs);
            xs[nkv - first] = Ttr;
            if (!plot_auto_range(xs, nkv - first + 1, PLOT_LOG, &xlo, &xhi))
                xlo = xhi = NAN;
            free(xs);
        }
    }
    plot_axis_x(f, "context length L (tokens)", PLOT_LOG, xlo, xhi);
    plot_axis_y(f, c->compact ? "GB" : "memory (GB)", PLOT_LOG, ylo, yhi);
    plot_style a = line_style(0, PLOT_DASH_SOLID, 2.2, "KV cache of one request (16-bit)");
    plot_line(f, L.v, kv.v, pair_n(&L, &kv), &a);

    /* one reference line per distinct VRAM size, names merged, ascending */
    const cJSON *gpus = jget(s, "gpus");
    int ng = cJSON_GetArraySize(gpus);
    double *sizes = calloc((size_t)(ng > 0 ? ng : 1), sizeof *sizes);
    int nsz = 0;
    for (const cJSON *g = cJSON_IsArray(gpus) ? gpus->child : NULL; g && sizes; g = g->next) {
        double v = jnumber(g, "vram_GB");
        if (!isfinite(v))
            continue;
        bool seen = false;
        for (int i = 0; i < nsz; i++)
            seen = seen || sizes[i] == v;
        if (!seen)
            sizes[nsz++] = v;
    }
    for (int i = 1; i < nsz; i++) /* insertion sort: a handful of sizes */
        for (int j = i; j > 0 && sizes[j - 1] > sizes[j]; j--) {
            double t = sizes[j];
            sizes[j] = sizes[j - 1];
            sizes[j - 1] = t;
        }
    /* the compact card keeps three lines (smallest, most shared, largest
     * size) so their labels stay next to them */
    int keep_mid = -1, most = 0;
    for (int i = 0; i < nsz; i++) {
        int k = 0;
        for (const cJSON *g = gpus->child; g; g = g->next)
            k += jnumber(g, "vram_GB") == sizes[i];
        if (k > most) {
            most = k;
            keep_mid = i;
        }
    }
    tbuf b1;
    char lab[400], descg[300] = "";
    size_t dgl = 0;
    for (int i = 0; i < nsz; i++) {
        if (dgl < sizeof descg)
            dgl += (size_t)snprintf(descg + dgl, sizeof descg - dgl, "%s%s GB", i ? ", " : "", t_val(&b1, sizes[i], 4));
        if (c->compact && i != 0 && i != nsz - 1 && i != keep_mid)
            continue;
        size_t l = (size_t)snprintf(lab, sizeof lab, "%s GB: ", t_val(&b1, sizes[i], 4));
        int k = 0;
        for (const cJSON *g = gpus->child; g; g = g->next)
            if (jnumber(g, "vram_GB") == sizes[i] && jstr(g, "name") && l < sizeof lab)
                l += (size_t)snprintf(lab + l, sizeof lab - l, "%s%s", k++ ? ", " : "", jstr(g, "name"));
        plot_hline(f, sizes[i], NULL, lab);
    }
    free(sizes);
    if (isfinite(wgb)) {
        plot_style w = line_style(1, PLOT_DASH_DASHED, 1.8, NULL);
        snprintf(lab, sizeof lab, "weights %s GB (16-bit)", t_val(&b1, wgb, 3));
        plot_hline(f, wgb, &w, lab);
    }
    if (isfinite(Ttr)) {
        snprintf(lab, sizeof lab, "T_{train} = %s", t_fixed(&b1, Ttr, 0));
        plot_vline(f, Ttr, NULL, lab);
    }
    plot_legend(f, PLOT_LEGEND_BELOW);
    snprintf(lab, sizeof lab, "closed form §19.1: 2·L·n_{kv}·d_{head}·seq·2 bytes · GPU catalog of %s · tafcard %s",
             c->formulas, c->tool);
    ctx_note(c, f, lab);
    snprintf(d->desc, sizeof d->desc,
             "Log-log line chart of the KV cache memory of one request against context length for %s, with "
             "the model weights (%s GB) and the VRAM of the catalog GPUs (%s) as horizontal reference lines.",
             c->model_id, t_val(&b1, wgb, 3), descg);
    dvec_free(&L);
    dvec_free(&kv);
    return true;
}

/* ---- 5. serving cost ------------------------------------------------------------- */

/* chain[3].result of the profile's X-5 run: the eligible GPUs. */
static const cJSON *x5_candidates(const cJSON *card)
{
    const cJSON *rec = jget(card, "recipes");
    for (const cJSON *e = cJSON_IsArray(rec) ? rec->child : NULL; e; e = e->next) {
        const char *id = jstr(e, "id"), *var = jstr(e, "variant");
        if (id && strcmp(id, "X-5") == 0 && (!var || strcmp(var, "profile") == 0)) {
            const cJSON *step = cJSON_GetArrayItem(jget(jget(e, "result"), "chain"), 3);
            const cJSON *r = jget(step, "result");
            return cJSON_IsArray(r) ? r : NULL;
        }
    }
    return NULL;
}

static bool chart_serving(const chart_ctx *c, chart_doc *d, taf_err *err)
{
    const cJSON *cand = x5_candidates(c->card);
    int n = cJSON_GetArraySize(cand);
    if (n <= 0)
        return no_data(err, "serving", "no eligible GPU in the X-5 result");
    if (n > 12)
        n = 12;
    plot_figure *f = ctx_figure(c, d, c->h, "Serving cost by GPU (X-5)");
    if (!f)
        return taf_fail(err, "oom", NULL, "out of memory");
    char names[12][128], texts[12][128];
    const char *lp[12], *tp[12];
    double v[12];
    int i = 0;
    tbuf b1, b2;
    char descg[400] = "";
    size_t dgl = 0;
    for (const cJSON *g = cand->child; g && i < n; g = g->next, i++) {
        const char *name = jstr(g, "gpu");
        double vram = jnumber(g, "vram_GB"), tps = jnumber(g, "tok_per_sec");
        v[i] = jnumber(g, "USD_per_Mtok");
        snprintf(names[i], sizeof names[i], "%s", name ? name : "?");
        if (isfinite(vram) && !strstr(names[i], "GB"))
            snprintf(names[i] + strlen(names[i]), sizeof names[i] - strlen(names[i]), " (%s GB)", t_val(&b1, vram, 4));
        if (v[i] == 0)
            snprintf(texts[i], sizeof texts[i], "$0 (no hourly price: local GPU)");
        else if (isfinite(tps))
            snprintf(texts[i], sizeof texts[i], "$%s · %s tok/s", t_val(&b1, v[i], 3), t_thousands(&b2, tps));
        else
            snprintf(texts[i], sizeof texts[i], "$%s", t_val(&b1, v[i], 3));
        lp[i] = names[i];
        tp[i] = isfinite(v[i]) ? texts[i] : NULL;
        if (dgl < sizeof descg)
            dgl += (size_t)snprintf(descg + dgl, sizeof descg - dgl, "%s%s $%s", i ? ", " : "", name ? name : "?",
                                    t_val(&b1, v[i], 3));
    }
    plot_axis_x(f, "serving cost (US$ per million tokens)", PLOT_LINEAR, NAN, NAN);
    plot_style s = plot_style_series(0, NULL);
    plot_bars(f, lp, v, tp, (size_t)i, &s);
    char note[300];
    snprintf(note, sizeof note, "recipe X-5 with the profile defaults, cheapest first · %s · tafcard %s", c->formulas,
             c->tool);
    ctx_note(c, f, note);
    snprintf(d->desc, sizeof d->desc,
             "Horizontal bar chart of the serving cost in US dollars per million tokens on each GPU that can hold "
             "%s (recipe X-5), cheapest first: %s.",
             c->model_id, descg);
    return true;
}

/* ---- 6. layer-wise γ ------------------------------------------------------------- */

static bool chart_layerwise(const chart_ctx *c, chart_doc *d, taf_err *err)
{
    const cJSON *lw = jget(c->card, "layerwise");
    const cJSON *s = jget(lw, "series");
    dvec layer = jvec(s, "layer"), gr = jvec(s, "gamma_refit"), gs = jvec(s, "gamma_stored"),
         bc = jvec(s, "best_curve");
    bool ok = layer.n > 0;
    plot_figure *f = NULL;
    if (!ok)
        no_data(err, "layerwise", "no layerwise.series");
    else if (!(f = ctx_figure(c, d, c->h, "Layer-wise γ with the best fitted form")))
        ok = taf_fail(err, "oom", NULL, "out of memory");
    if (ok) {
        const char *best = jstr(lw, "best_form");
        double best_r2 = NAN;
        const cJSON *forms = jget(lw, "forms");
        for (const cJSON *e = cJSON_IsArray(forms) ? forms->child : NULL; e && best; e = e->next)
            if (jstr(e, "name") && strcmp(jstr(e, "name"), best) == 0)
                best_r2 = jnumber(e, "R2");
        plot_axis_x(f, "layer index", PLOT_LINEAR, NAN, NAN);
        plot_axis_y(f, "γ (power-law decay exponent)", PLOT_LINEAR, NAN, NAN);
        tbuf b1;
        char lab[400], pretty[64] = "";
        plot_style st = plot_style_series(1, "γ stored in the panel file");
        st.marker = PLOT_MARKER_CIRCLE;
        st.marker_open = true;
        st.marker_size = 10;
        plot_markers(f, layer.v, gs.v, pair_n(&layer, &gs), &st);
        plot_style rf = plot_style_series(0, "γ refit from the layer's attention (this build)");
        rf.marker = PLOT_MARKER_CIRCLE;
        rf.marker_size = 7;
        plot_markers(f, layer.v, gr.v, pair_n(&layer, &gr), &rf); /* on top: visible inside the rings */
        if (best) {
            snprintf(pretty, sizeof pretty, "%s", best);
            for (char *p = pretty; *p; p++)
                if (*p == '_')
                    *p = ' ';
            snprintf(lab, sizeof lab, "best form: %s (R^{2} = %s)", pretty, t_fixed(&b1, best_r2, 3));
            plot_style bs = line_style(2, PLOT_DASH_DASHED, 2.0, lab);
            plot_line(f, layer.v, bc.v, pair_n(&layer, &bc), &bs);
        }
        plot_legend(f, PLOT_LEGEND_BELOW);
        const char *src = jstr(lw, "source");
        double skipped = jnumber(lw, "layers_skipped");
        char sk[64] = "";
        if (skipped > 0)
            snprintf(sk, sizeof sk, " (%s without γ)", t_fixed(&b1, skipped, 0));
        snprintf(lab, sizeof lab, "source: %s%s · tafcard %s", src && *src ? src : "panel layer-wise file", sk,
                 c->tool);
        ctx_note(c, f, lab);
        snprintf(d->desc, sizeof d->desc,
                 "Scatter chart of the power-law decay exponent γ per layer for %s: refitted values as filled "
                 "dots, the values stored in the panel file as open circles%s%s%s.",
                 c->model_id, best ? ", and the best-fitting functional form (" : "", best ? pretty : "",
                 best ? ") as a dashed line" : "");
    }
    dvec_free(&layer);
    dvec_free(&gr);
    dvec_free(&gs);
    dvec_free(&bc);
    return ok;
}

/* ---- catalog --------------------------------------------------------------------- */

typedef bool (*chart_fn)(const chart_ctx *c, chart_doc *d, taf_err *err);

static const struct {
    const char *kind;
    chart_fn fn;
    double w, h;
} CATALOG[] = {
    {"attention_decay", chart_decay, CHART_W, 420},
    {"phase", chart_phase, CHART_W, 440},
    {"horizon", chart_horizon, CHART_W, 640},
    {"memory", chart_memory, CHART_W, 500},
    {"serving", chart_serving, CHART_W, 320},
    {"layerwise", chart_layerwise, CHART_W, 420},
};
#define N_CATALOG (sizeof CATALOG / sizeof CATALOG[0])

bool charts_nominal_size(const char *kind, double *w, double *h)
{
    for (size_t i = 0; kind && i < N_CATALOG; i++)
        if (strcmp(CATALOG[i].kind, kind) == 0) {
            *w = CATALOG[i].w;
            *h = CATALOG[i].h;
            return true;
        }
    if (kind && strcmp(kind, "card") == 0) {
        *w = 595;
        *h = 842;
        return true;
    }
    return false;
}

const char *charts_kind_list(void)
{
    return "attention_decay, phase, horizon, memory, serving, layerwise, card";
}

static bool build_doc(const cJSON *card, const char *kind, double w, double h, bool compact, chart_doc *d,
                      taf_err *err)
{
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < N_CATALOG; i++)
        if (strcmp(CATALOG[i].kind, kind) == 0) {
            chart_ctx c;
            ctx_init(&c, card, w > 0 ? w : CATALOG[i].w, h > 0 ? h : CATALOG[i].h, compact);
            if (!CATALOG[i].fn(&c, d, err)) {
                doc_free(d);
                return false;
            }
            doc_finish(d, kind, "");
            return true;
        }
    return taf_fail(err, "chart-kind", "kinds: attention_decay, phase, horizon, memory, serving, layerwise, card",
                    "unknown chart kind '%s'", kind);
}

/* The card's chart entry for kind, or NULL. */
static const cJSON *chart_entry(const cJSON *card, const char *kind)
{
    const cJSON *charts = jget(card, "charts");
    for (const cJSON *e = cJSON_IsArray(charts) ? charts->child : NULL; e; e = e->next) {
        const char *k = jstr(e, "kind");
        if (k && strcmp(k, kind) == 0)
            return e;
    }
    return NULL;
}

static bool check_card(const cJSON *card, taf_err *err)
{
    if (!cJSON_IsObject(card) || !jstr(card, "schema") || strcmp(jstr(card, "schema"), "tafcard.card/1") != 0)
        return taf_fail(err, "chart-card", "pass a card JSON written by tafcard (schema tafcard.card/1)",
                        "not a tafcard card");
    return true;
}

bool charts_render_one(const cJSON *card, const char *kind, const char *path, taf_err *err)
{
    if (!check_card(card, err))
        return false;
    if (kind && strcmp(kind, "card") == 0)
        return charts_render_card_pdf(card, path, err);
    const cJSON *e = kind ? chart_entry(card, kind) : NULL;
    const char *missing = jstr(e, "missing");
    if (missing)
        return taf_fail(err, "chart-missing", "the card has no data for this chart", "chart %s of %s: %s", kind,
                        jstr(jget(card, "model"), "id") ? jstr(jget(card, "model"), "id") : "?", missing);
    chart_doc d;
    if (!build_doc(card, kind ? kind : "", 0, 0, false, &d, err))
        return false;
    bool ok = doc_write(&d, path, err);
    doc_free(&d);
    return ok;
}

bool charts_render_card(const cJSON *card, const char *dir, taf_err *err)
{
    if (!check_card(card, err))
        return false;
    const cJSON *charts = jget(card, "charts");
    for (const cJSON *e = cJSON_IsArray(charts) ? charts->child : NULL; e; e = e->next) {
        const char *kind = jstr(e, "kind");
        if (!kind || jget(e, "missing"))
            continue;
        const char *svg = jstr(e, "svg"), *png = jstr(e, "png");
        chart_doc d;
        if (!build_doc(card, kind, 0, 0, false, &d, err))
            return false;
        char path[4096];
        bool ok = true;
        const char *names[2] = {svg, png};
        const char *ext[2] = {"svg", "png"};
        for (int k = 0; k < 2 && ok; k++) {
            /* file names from the card when they are plain names, else <kind>.<ext> */
            const char *nm = names[k];
            if (nm && !strchr(nm, '/') && nm[0] != '.' && nm[0])
                snprintf(path, sizeof path, "%s/%s", dir, nm);
            else
                snprintf(path, sizeof path, "%s/%s.%s", dir, kind, ext[k]);
            ok = doc_write(&d, path, err);
        }
        doc_free(&d);
        if (!ok)
            return false;
    }
    return true;
}

/* ---- the one-page PDF card ------------------------------------------------------- */

#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 30.0

typedef struct {
    const cJSON *card;
    chart_doc charts[2];
    int ncharts;
    const char *chart_missing[2]; /* reason text when a slot has no chart */
    char missing_text[400];
    double tiles_y, keys_y, charts_y, chart_h, prov_y;
    int tile_cols, tile_rows, key_rows;
} card_page;

static plot_rgba class_fill(const char *cls)
{
    if (cls && strcmp(cls, "yes") == 0)
        return PLOT_RGB(0xD8, 0xEE, 0xE4); /* bluish green, light */
    if (cls && strcmp(cls, "no") == 0)
        return PLOT_RGB(0xF6, 0xDB, 0xC8); /* vermillion, light */
    if (cls && strcmp(cls, "degraded") == 0)
        return PLOT_RGB(0xFA, 0xEB, 0xC4); /* orange, light */
    if (cls && strcmp(cls, "info") == 0)
        return PLOT_RGB(0xD6, 0xE6, 0xF3); /* blue, light */
    return PLOT_RGB(0xEE, 0xEE, 0xEE);
}

static plot_rgba class_ink(const char *cls)
{
    if (cls && strcmp(cls, "yes") == 0)
        return PLOT_RGB(0x00, 0x6B, 0x4E);
    if (cls && strcmp(cls, "no") == 0)
        return PLOT_RGB(0xA3, 0x3F, 0x00);
    if (cls && strcmp(cls, "degraded") == 0)
        return PLOT_RGB(0x8A, 0x5A, 0x00);
    if (cls && strcmp(cls, "info") == 0)
        return PLOT_RGB(0x00, 0x4E, 0x7C);
    return PLOT_INK_SOFT;
}

/* A symbol per class so the tiles also read in grey. */
static const char *class_mark(const char *cls)
{
    if (cls && strcmp(cls, "yes") == 0)
        return "✓";
    if (cls && strcmp(cls, "no") == 0)
        return "✗";
    if (cls && strcmp(cls, "degraded") == 0)
        return "!";
    if (cls && strcmp(cls, "info") == 0)
        return "i";
    return "–";
}

#define TILE_H 31.0
#define TILE_GAP 5.0
#define TILE_COLS 3
#define KEY_COLS 3
#define KEY_ROW 12.5
#define SECTION 17.0

/* Vertical layout of the page: title block, tiles, key numbers, then the
 * two charts share what is left above the provenance line. */
static void page_layout(card_page *p)
{
    int nt = cJSON_GetArraySize(jget(p->card, "tiles"));
    p->tile_cols = TILE_COLS;
    p->tile_rows = (nt + TILE_COLS - 1) / TILE_COLS;
    int nk = cJSON_GetArraySize(jget(p->card, "key_rows"));
    p->key_rows = (nk + KEY_COLS - 1) / KEY_COLS;
    double y = MARGIN + 44; /* title block */
    p->tiles_y = y;
    if (p->tile_rows > 0)
        y += SECTION + p->tile_rows * (TILE_H + TILE_GAP);
    p->keys_y = y + 2;
    if (p->key_rows > 0)
        y += 2 + SECTION + p->key_rows * KEY_ROW + 4;
    p->prov_y = PAGE_H - MARGIN;
    p->charts_y = y + 6;
    p->chart_h = floor((p->prov_y - 14 - p->charts_y) / 2);
}

static bool draw_card_page(cairo_t *cr, void *user, taf_err *err)
{
    card_page *p = user;
    (void)err;
    const cJSON *card = p->card, *model = jget(card, "model");
    double x0 = MARGIN, cw = PAGE_W - 2 * MARGIN;
    tbuf b1, b2, b3;
    plot_cairo_setup(cr);

    /* title block */
    const char *id = jstr(model, "id") ? jstr(model, "id") : "(unnamed model)";
    plot_text_fit(cr, id, x0, MARGIN + 17, 18, true, PLOT_ALIGN_LEFT, PLOT_INK, cw);
    char line[700];
    double theta = jnumber(model, "theta"), ttr = jnumber(model, "T_train"), np = jnumber(model, "n_params");
    snprintf(line, sizeof line, "TAF Card · %s · θ = %s · T_{train} = %s · %s parameters · %s attention, %s",
             jstr(model, "family") ? jstr(model, "family") : "other",
             isfinite(theta) ? t_thousands(&b1, theta) : "none (no RoPE)", t_thousands(&b2, ttr), t_val(&b3, np, 3),
             jstr(model, "attention_class") ? jstr(model, "attention_class") : "?",
             jstr(model, "position_encoding") ? jstr(model, "position_encoding") : "?");
    plot_text_fit(cr, line, x0, MARGIN + 34, 9.5, false, PLOT_ALIGN_LEFT, PLOT_INK_SOFT, cw);

    /* verdict tiles: colour, a class symbol and the verdict text */
    const cJSON *tiles = jget(card, "tiles");
    if (p->tile_rows > 0) {
        plot_text(cr, "Verdicts", x0, p->tiles_y + 11, 10.5, true, PLOT_ALIGN_LEFT, PLOT_INK);
        double tw = (cw - (p->tile_cols - 1) * TILE_GAP) / p->tile_cols;
        int i = 0;
        for (const cJSON *t = tiles->child; t; t = t->next, i++) {
            double tx = x0 + (i % p->tile_cols) * (tw + TILE_GAP);
            double ty = p->tiles_y + SECTION + (i / p->tile_cols) * (TILE_H + TILE_GAP);
            const char *cls = jstr(t, "verdict_class");
            plot_rgba fill = class_fill(cls), ink = class_ink(cls);
            cairo_rectangle(cr, tx, ty, tw, TILE_H);
            cairo_set_source_rgb(cr, fill.r, fill.g, fill.b);
            ink_fill(cr);
            cairo_rectangle(cr, tx, ty, 3.5, TILE_H); /* class stripe */
            cairo_set_source_rgb(cr, ink.r, ink.g, ink.b);
            ink_fill(cr);
            const char *tid = jstr(t, "id") ? jstr(t, "id") : "";
            const char *var = jstr(t, "variant_label");
            const char *name = jstr(t, "name");
            size_t l = (size_t)snprintf(line, sizeof line, "%s%s%s", tid, var ? " " : "", var ? var : "");
            if (name && *name && l < sizeof line)
                snprintf(line + l, sizeof line - l, " · %s", name);
            plot_text_fit(cr, line, tx + 8, ty + 11.5, 8, false, PLOT_ALIGN_LEFT, PLOT_INK, tw - 12);
            const char *verdict = jstr(t, "verdict") ? jstr(t, "verdict") : "n/a";
            snprintf(line, sizeof line, "%s %s", class_mark(cls), verdict);
            double vw = plot_text_fit(cr, line, tx + 8, ty + 25, 9.5, true, PLOT_ALIGN_LEFT, ink, tw - 12);
            /* as much of the reason as fits after the verdict */
            const char *reason = jstr(t, "reason");
            if (reason && *reason && tw - 12 - vw - 6 > 30)
                plot_text_fit(cr, reason, tx + 8 + vw + 6, ty + 25, 7, false, PLOT_ALIGN_LEFT, PLOT_INK_SOFT,
                              tw - 12 - vw - 6);
        }
    }

    /* key numbers: three columns of label … value */
    const cJSON *keys = jget(card, "key_rows");
    if (p->key_rows > 0) {
        plot_text(cr, "Key numbers", x0, p->keys_y + 11, 10.5, true, PLOT_ALIGN_LEFT, PLOT_INK);
        double gap = 14, colw = (cw - (KEY_COLS - 1) * gap) / KEY_COLS;
        int i = 0;
        for (const cJSON *r = keys->child; r; r = r->next, i++) {
            int col = i / p->key_rows, row = i % p->key_rows;
            double kx = x0 + col * (colw + gap), ky = p->keys_y + SECTION + 9 + row * KEY_ROW;
            const char *fmt = jstr(r, "format");
            const cJSON *v = jget(r, "value");
            char val[128];
            double x;
            if (v && jget_double(v, &x)) {
                if (!fmt || !tpl_format_number(x, fmt, val, sizeof val))
                    py_repr_double(x, val);
            } else if (cJSON_IsString(v)) {
                snprintf(val, sizeof val, "%s", v->valuestring);
            } else {
                snprintf(val, sizeof val, "—");
            }
            if (row % 2 == 0) {
                cairo_rectangle(cr, kx - 3, ky - 9, colw + 6, KEY_ROW);
                cairo_set_source_rgb(cr, 0.96, 0.96, 0.96);
                ink_fill(cr);
            }
            double vw = plot_text_fit(cr, val, kx + colw, ky, 8.5, true, PLOT_ALIGN_RIGHT, PLOT_INK, colw * 0.45);
            plot_text_fit(cr, jstr(r, "label") ? jstr(r, "label") : "", kx, ky, 8.5, false, PLOT_ALIGN_LEFT,
                          PLOT_INK, colw - vw - 6);
        }
    }

    /* a slot without a chart says why (the charts are drawn by draw_card) */
    for (int k = 0; k < 2; k++) {
        if (!p->chart_missing[k])
            continue;
        double cy = p->charts_y + k * p->chart_h;
        cairo_rectangle(cr, x0 + 0.5, cy + 8.5, cw - 1, 40);
        cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
        cairo_set_line_width(cr, 1);
        ink_stroke(cr);
        plot_text_fit(cr, p->chart_missing[k], x0 + 10, cy + 32, 10, false, PLOT_ALIGN_LEFT, PLOT_INK_SOFT,
                      cw - 20);
    }

    /* provenance */
    const cJSON *prov = jget(card, "provenance");
    const char *sha = jstr(prov, "spec_sha256");
    const char *date = jstr(jget(prov, "build"), "date");
    snprintf(line, sizeof line, "tafcard %s · TAF formulas %s · spec sha256 %.12s%s · built %s",
             jstr(prov, "tool_version") ? jstr(prov, "tool_version") : "?",
             jstr(prov, "formula_version") ? jstr(prov, "formula_version") : "?", sha ? sha : "none",
             sha && strlen(sha) > 12 ? "…" : "", date ? date : "undated");
    cairo_move_to(cr, x0, p->prov_y - 12);
    cairo_line_to(cr, x0 + cw, p->prov_y - 12);
    cairo_set_source_rgb(cr, 0.8, 0.8, 0.8);
    cairo_set_line_width(cr, 0.6);
    ink_stroke(cr);
    plot_text_fit(cr, line, x0, p->prov_y, 8, false, PLOT_ALIGN_LEFT, PLOT_INK_SOFT, cw);
    return true;
}

/* The page: text and tiles, then each chart translated into its slot. */
static bool draw_card(cairo_t *cr, void *user, taf_err *err)
{
    card_page *p = user;
    if (!draw_card_page(cr, p, err))
        return false;
    for (int k = 0; k < p->ncharts; k++) {
        ink_save(cr);
        cairo_translate(cr, MARGIN, p->charts_y + k * p->chart_h);
        bool ok = draw_doc(cr, &p->charts[k], err);
        ink_restore(cr);
        if (!ok)
            return false;
    }
    return true;
}

static void page_free(card_page *p);

static bool page_prepare(card_page *p, const cJSON *card, taf_err *err)
{
    memset(p, 0, sizeof *p);
    p->card = card;
    page_layout(p);
    /* the first two charts the card has, in this order: attention decay,
     * phase, memory, serving (decay + phase for a measured RoPE model) */
    static const char *const pref[] = {"attention_decay", "phase", "memory", "serving"};
    for (size_t j = 0; j < sizeof pref / sizeof pref[0] && p->ncharts < 2; j++) {
        const cJSON *e = chart_entry(card, pref[j]);
        if (!e || jget(e, "missing"))
            continue;
        if (!build_doc(card, pref[j], PAGE_W - 2 * MARGIN, p->chart_h, true, &p->charts[p->ncharts], err)) {
            page_free(p);
            return false;
        }
        p->ncharts++;
    }
    /* an empty slot lists why the main charts are missing */
    if (p->ncharts < 2) {
        size_t l = (size_t)snprintf(p->missing_text, sizeof p->missing_text, "No chart:");
        for (size_t j = 0; j < 2; j++) {
            const cJSON *e = chart_entry(card, pref[j]);
            const char *why = jstr(e, "missing");
            if (why && l < sizeof p->missing_text)
                l += (size_t)snprintf(p->missing_text + l, sizeof p->missing_text - l, "%s %s — %s",
                                      j ? " ·" : "", jstr(e, "title") ? jstr(e, "title") : pref[j], why);
        }
        p->chart_missing[p->ncharts] = p->missing_text;
    }
    return true;
}

static void page_free(card_page *p)
{
    for (int i = 0; i < p->ncharts; i++)
        doc_free(&p->charts[i]);
    p->ncharts = 0;
}

static bool card_page_write(const cJSON *card, const char *path, taf_err *err)
{
    render_format fmt;
    if (!render_format_from_path(path, &fmt))
        return taf_fail(err, "render-format", "use a .pdf (or .svg/.png to preview) file name",
                        "cannot tell the output format of '%s'", path ? path : "");
    card_page p;
    if (!page_prepare(&p, card, err))
        return false;
    char title[300], desc[600];
    const char *id = jstr(jget(card, "model"), "id");
    snprintf(title, sizeof title, "TAF Card: %s", id ? id : "?");
    snprintf(desc, sizeof desc,
             "One-page TAF Card for %s: verdict tiles, key numbers, two charts and the provenance line.",
             id ? id : "?");
    render_opts o = {title, desc, "card-", 2.0};
    bool ok = render_to(fmt, path, PAGE_W, PAGE_H, &o, draw_card, &p, err);
    page_free(&p);
    return ok;
}

bool charts_render_card_pdf(const cJSON *card, const char *path, taf_err *err)
{
    if (!check_card(card, err))
        return false;
    return card_page_write(card, path, err);
}

/* ---- panel charts ----------------------------------------------------------------- */

typedef struct {
    const cJSON *panel, *cards;
    const char *tool;
    int n_models;
} panel_ctx;

static void panel_entry(cJSON *list, const char *kind, const char *title, const char *missing)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "kind", kind);
    cJSON_AddStringToObject(e, "title", title);
    if (missing) {
        cJSON_AddStringToObject(e, "missing", missing);
    } else {
        char f[96];
        snprintf(f, sizeof f, "%s.svg", kind);
        cJSON_AddStringToObject(e, "svg", f);
        snprintf(f, sizeof f, "%s.png", kind);
        cJSON_AddStringToObject(e, "png", f);
    }
    cJSON_AddItemToArray(list, e);
}

static void panel_subtitle(const panel_ctx *pc, int n, const char *what, char *out, size_t outsz)
{
    snprintf(out, outsz, "panel: %d of %d models %s", n, pc->n_models, what);
}

/* Measured γ against γ_Padé (and γ_decomposed) with the identity line. */
static bool panel_scatter(const panel_ctx *pc, chart_doc *d, const char **missing, taf_err *err)
{
    const cJSON *res = jget(pc->panel, "residuals");
    int n = cJSON_GetArraySize(res);
    if (n <= 0) {
        *missing = "no model has both a measured γ and γ_Padé";
        return true;
    }
    double *gt = calloc((size_t)n, sizeof *gt), *gp = calloc((size_t)n, sizeof *gp),
           *gd = calloc((size_t)n, sizeof *gd);
    if (!gt || !gp || !gd) {
        free(gt);
        free(gp);
        free(gd);
        return taf_fail(err, "oom", NULL, "out of memory");
    }
    int i = 0;
    for (const cJSON *r = res->child; r; r = r->next, i++) {
        gt[i] = jnumber(r, "gamma_text");
        gp[i] = jnumber(r, "gamma_pade");
        gd[i] = jnumber(r, "gamma_decomposed");
    }
    char sub[160];
    panel_subtitle(pc, n, "with a measured γ (text corpus)", sub, sizeof sub);
    plot_figure *f = doc_add(d, CHART_W, 440, "Measured γ against the closed-form prediction", sub);
    bool ok = f != NULL;
    if (ok) {
        plot_axis_x(f, "predicted γ (γ_{Padé} at T_{eval}, or γ_{decomposed})", PLOT_LINEAR, NAN, NAN);
        plot_axis_y(f, "measured γ (text corpus, power-law fit)", PLOT_LINEAR, NAN, NAN);
        /* identity line across the data's range (drawing only) */
        double lo = INFINITY, hi = -INFINITY, l2, h2;
        double *all[3] = {gt, gp, gd};
        for (int k = 0; k < 3; k++)
            if (plot_auto_range(all[k], (size_t)n, PLOT_LINEAR, &l2, &h2)) {
                lo = fmin(lo, l2);
                hi = fmax(hi, h2);
            }
        if (isfinite(lo) && isfinite(hi)) {
            double ix[2] = {lo, hi};
            plot_style id = plot_style_reference();
            id.label = "identity: measured = predicted";
            id.marker = PLOT_MARKER_NONE;
            plot_line(f, ix, ix, 2, &id);
        }
        plot_style sp = plot_style_series(0, "measured vs γ_{Padé}");
        sp.marker = PLOT_MARKER_CIRCLE;
        plot_markers(f, gp, gt, (size_t)n, &sp);
        plot_style sd = plot_style_series(1, "measured vs γ_{decomposed}");
        sd.marker = PLOT_MARKER_SQUARE;
        sd.marker_open = true;
        plot_markers(f, gd, gt, (size_t)n, &sd);
        plot_legend(f, PLOT_LEGEND_BELOW);
        char note[200];
        snprintf(note, sizeof note, "source: panel measurements (e4_gamma) and the cards' key numbers · tafcard %s",
                 pc->tool);
        plot_note(f, note);
        snprintf(d->desc, sizeof d->desc,
                 "Scatter plot of the measured decay exponent γ (text corpus) against the closed-form prediction "
                 "for %d models, filled dots against γ_Padé and open squares against γ_decomposed, with the "
                 "identity line where prediction equals measurement.",
                 n);
    } else {
        taf_fail(err, "oom", NULL, "out of memory");
    }
    free(gt);
    free(gp);
    free(gd);
    return ok;
}

/* Prediction-vs-reality residuals, one bar per model in the panel's order. */
static bool panel_residuals(const panel_ctx *pc, chart_doc *d, const char **missing, taf_err *err)
{
    const cJSON *res = jget(pc->panel, "residuals");
    int n = cJSON_GetArraySize(res);
    if (n <= 0) {
        *missing = "no model has both a measured γ and γ_Padé";
        return true;
    }
    const char **labels = calloc((size_t)n, sizeof *labels);
    char **texts = calloc((size_t)n, sizeof *texts);
    double *v = calloc((size_t)n, sizeof *v);
    bool ok = labels && texts && v;
    int i = 0;
    for (const cJSON *r = ok ? res->child : NULL; r; r = r->next, i++) {
        labels[i] = jstr(r, "id") ? jstr(r, "id") : "?";
        v[i] = jnumber(r, "res_pade");
        texts[i] = malloc(32);
        if (!texts[i]) {
            ok = false;
            break;
        }
        if (isfinite(v[i]))
            py_fmt_signed_fixed(v[i], 3, texts[i], 32);
        else
            snprintf(texts[i], 32, "n/a");
    }
    char sub[160];
    panel_subtitle(pc, n, "with a measured γ (text corpus)", sub, sizeof sub);
    plot_figure *f = ok ? doc_add(d, CHART_W, 130 + 26.0 * n, "Prediction against reality: residuals", sub) : NULL;
    if (f) {
        /* explicit range with room for the value texts on both sides of 0
         * (drawing only: the automatic bar range leaves none left of a
         * negative bar) */
        double lo = 0, hi = 0;
        for (int k = 0; k < n; k++)
            if (isfinite(v[k])) {
                lo = fmin(lo, v[k]);
                hi = fmax(hi, v[k]);
            }
        double span = hi - lo > 0 ? hi - lo : 1;
        plot_axis_x(f, "residual γ_{measured} − γ_{Padé}", PLOT_LINEAR, lo < 0 ? lo - 0.22 * span : 0,
                    hi > 0 ? hi + 0.22 * span : 0.05 * span);
        plot_style s = plot_style_series(0, NULL);
        plot_bars(f, labels, v, (const char *const *)texts, (size_t)n, &s);
        char note[200];
        snprintf(note, sizeof note, "bars right of 0: measured decay steeper than predicted · source: panel · tafcard %s",
                 pc->tool);
        plot_note(f, note);
        snprintf(d->desc, sizeof d->desc,
                 "Horizontal bar chart of the residual between the measured γ and γ_Padé for %d models; bars to the "
                 "right mean the measured decay is steeper than predicted.",
                 n);
    } else {
        ok = taf_fail(err, "oom", NULL, "out of memory");
    }
    for (int k = 0; texts && k < n; k++)
        free(texts[k]);
    free(texts);
    free(labels);
    free(v);
    return ok;
}

/* The compute invariant K per model against model size, with the
 * published band 51.2 ± 16.8 shaded. */
static bool panel_K(const panel_ctx *pc, chart_doc *d, const char **missing, taf_err *err)
{
    int n = cJSON_GetArraySize(pc->cards);
    double *K = calloc((size_t)(n > 0 ? n : 1), sizeof *K), *N = calloc((size_t)(n > 0 ? n : 1), sizeof *N);
    if (!K || !N) {
        free(K);
        free(N);
        return taf_fail(err, "oom", NULL, "out of memory");
    }
    int m = 0;
    for (const cJSON *c = cJSON_IsArray(pc->cards) ? pc->cards->child : NULL; c; c = c->next) {
        double k = jnumber_path(c, "key_numbers.compute_invariant_K"), np = jnumber_path(c, "model.n_params");
        if (panel_has_measurements(c) && isfinite(k) && isfinite(np) && np > 0) {
            K[m] = k;
            N[m] = np;
            m++;
        }
    }
    bool ok = true;
    if (m == 0) {
        *missing = "no card has the compute invariant K";
    } else {
        char sub[160];
        panel_subtitle(pc, m, "with K", sub, sizeof sub);
        plot_figure *f = doc_add(d, CHART_W, 420, "Compute invariant K across the panel", sub);
        if (!f) {
            ok = taf_fail(err, "oom", NULL, "out of memory");
        } else {
            plot_axis_x(f, "parameters N", PLOT_LOG, NAN, NAN);
            plot_axis_y(f, "K = γ·ln(N²·20N)", PLOT_LINEAR, NAN, NAN);
            /* the published band, 51.2 ± 16.8 (constants of the paper, not computed here) */
            plot_hband(f, 34.4, 68.0, plot_band_fill(2), "published band K = 51.2 ± 16.8");
            plot_style s = plot_style_series(0, "K of one model (card key number: γ_{decomposed} at T_{eval})");
            plot_markers(f, N, K, (size_t)m, &s);
            plot_legend(f, PLOT_LEGEND_BELOW);
            char note[200];
            snprintf(note, sizeof note, "source: key_numbers.compute_invariant_K of each card · tafcard %s", pc->tool);
            plot_note(f, note);
            snprintf(d->desc, sizeof d->desc,
                     "Dot plot of the compute invariant K of %d models against their parameter count (log scale), "
                     "over the shaded published band K = 51.2 ± 16.8.",
                     m);
        }
    }
    free(K);
    free(N);
    return ok;
}

/* γ_text and γ_random per model as paired points, grouped by the
 * induction-head phase (pre-IH below 4×10⁸ parameters). */
static bool panel_ih(const panel_ctx *pc, chart_doc *d, const char **missing, taf_err *err)
{
    int n = cJSON_GetArraySize(pc->cards);
    size_t cap = (size_t)(n > 0 ? n : 1);
    double *N = calloc(cap, sizeof *N), *gt = calloc(cap, sizeof *gt), *gr = calloc(cap, sizeof *gr);
    double *px = calloc(3 * cap, sizeof *px), *py = calloc(3 * cap, sizeof *py);
    if (!N || !gt || !gr || !px || !py) {
        free(N);
        free(gt);
        free(gr);
        free(px);
        free(py);
        return taf_fail(err, "oom", NULL, "out of memory");
    }
    int m = 0;
    for (const cJSON *c = cJSON_IsArray(pc->cards) ? pc->cards->child : NULL; c; c = c->next) {
        double a = jnumber_path(c, "fits.text.power_law.gamma"), b = jnumber_path(c, "fits.random.power_law.gamma");
        double np = jnumber_path(c, "model.n_params");
        if (isfinite(a) && isfinite(b) && isfinite(np) && np > 0) {
            N[m] = np;
            gt[m] = a;
            gr[m] = b;
            /* a connector per pair, broken by NAN between pairs */
            px[3 * m] = np;
            py[3 * m] = a;
            px[3 * m + 1] = np;
            py[3 * m + 1] = b;
            px[3 * m + 2] = NAN;
            py[3 * m + 2] = NAN;
            m++;
        }
    }
    bool ok = true;
    if (m == 0) {
        *missing = "no model has both corpora measured";
    } else {
        char sub[160];
        panel_subtitle(pc, m, "with both corpora measured", sub, sizeof sub);
        plot_figure *f = doc_add(d, CHART_W, 420, "γ on text and random tokens by induction-head phase", sub);
        if (!f) {
            ok = taf_fail(err, "oom", NULL, "out of memory");
        } else {
            plot_axis_x(f, "parameters N", PLOT_LOG, NAN, NAN);
            plot_axis_y(f, "measured γ (power-law fit)", PLOT_LINEAR, NAN, NAN);
            plot_rgba pre = PLOT_RGB(0x80, 0x80, 0x80);
            pre.a = 0.10;
            plot_vband(f, -INFINITY, 4e8, pre, "pre-IH (N < 4×10⁸)");
            plot_vband(f, 4e8, INFINITY, plot_band_fill(5), "post-IH");
            plot_style link = plot_style_reference();
            link.dash = PLOT_DASH_SOLID;
            link.line_width = 1.0;
            plot_line(f, px, py, 3 * (size_t)m, &link);
            plot_style st = plot_style_series(0, "γ on the text corpus");
            plot_markers(f, N, gt, (size_t)m, &st);
            plot_style sr = plot_style_series(1, "γ on random tokens");
            sr.marker = PLOT_MARKER_SQUARE;
            sr.marker_open = true;
            plot_markers(f, N, gr, (size_t)m, &sr);
            plot_legend(f, PLOT_LEGEND_BELOW);
            char note[200];
            snprintf(note, sizeof note, "a line joins each model's pair · source: fits of each card · tafcard %s",
                     pc->tool);
            plot_note(f, note);
            snprintf(d->desc, sizeof d->desc,
                     "Paired dot plot of the measured γ on the text corpus (filled dots) and on random tokens (open "
                     "squares) for %d models against parameter count, with the pre- and post-induction-head "
                     "regions split at 4×10⁸ parameters.",
                     m);
        }
    }
    free(N);
    free(gt);
    free(gr);
    free(px);
    free(py);
    return ok;
}

/* The imprint regression: γ_random − γ_Padé against log₁₀(P/14M) with the
 * refit's OLS line. Drawn from the calibration refit's ν row when it
 * carries its points: panel.refits[name "imprint slope …"].series =
 * {x[], y[], fit_x[], fit_y[]} (computed by the calibration stage; this
 * chart only reads them), plus the row's refit (slope) and ci_lo/ci_hi. */
static bool panel_imprint(const panel_ctx *pc, chart_doc *d, const char **missing, taf_err *err)
{
    const cJSON *row = NULL, *refits = jget(pc->panel, "refits");
    for (const cJSON *r = cJSON_IsArray(refits) ? refits->child : NULL; r && !row; r = r->next)
        if (jstr(r, "name") && strncmp(jstr(r, "name"), "imprint slope", 13) == 0)
            row = r;
    const cJSON *s = jget(row, "series");
    dvec x = jvec(s, "x"), y = jvec(s, "y"), fx = jvec(s, "fit_x"), fy = jvec(s, "fit_y");
    bool ok = true;
    if (pair_n(&x, &y) == 0) {
        *missing = "calibration refit not available in this build";
    } else {
        char sub[160];
        panel_subtitle(pc, (int)pair_n(&x, &y), "with a random-token measurement", sub, sizeof sub);
        plot_figure *f = doc_add(d, CHART_W, 420, "Imprint regression with the derived slope", sub);
        if (!f) {
            ok = taf_fail(err, "oom", NULL, "out of memory");
        } else {
            tbuf b1, b2, b3;
            char lab[300];
            plot_axis_x(f, "log_{10}(P / 14M), P = parameters", PLOT_LINEAR, NAN, NAN);
            plot_axis_y(f, "γ_{random} − γ_{Padé}(θ, T = 2000)", PLOT_LINEAR, NAN, NAN);
            plot_style m = plot_style_series(0, "one model");
            plot_markers(f, x.v, y.v, pair_n(&x, &y), &m);
            double slope = jnumber(row, "refit"), lo = jnumber(row, "ci_lo"), hi = jnumber(row, "ci_hi");
            if (isfinite(lo) && isfinite(hi))
                snprintf(lab, sizeof lab, "OLS slope ν = %s (95%% CI %s to %s)", t_fixed(&b1, slope, 3),
                         t_fixed(&b2, lo, 3), t_fixed(&b3, hi, 3));
            else
                snprintf(lab, sizeof lab, "OLS slope ν = %s", t_fixed(&b1, slope, 3));
            plot_style l = line_style(1, PLOT_DASH_SOLID, 2.0, lab);
            plot_line(f, fx.v, fy.v, pair_n(&fx, &fy), &l);
            plot_legend(f, PLOT_LEGEND_BELOW);
            const char *pub = jstr(row, "published");
            snprintf(lab, sizeof lab, "published ν = %s · source: calibration refit · tafcard %s", pub ? pub : "?",
                     pc->tool);
            plot_note(f, lab);
            snprintf(d->desc, sizeof d->desc,
                     "Scatter plot of γ_random − γ_Padé against log10 of the parameter count over 14M for %d "
                     "models, with the least-squares line of slope %s.",
                     (int)pair_n(&x, &y), t_fixed(&b1, slope, 3));
        }
    }
    dvec_free(&x);
    dvec_free(&y);
    dvec_free(&fx);
    dvec_free(&fy);
    return ok;
}

typedef bool (*panel_fn)(const panel_ctx *pc, chart_doc *d, const char **missing, taf_err *err);

bool charts_render_panel(cJSON *panel, const cJSON *cards, const char *dir, taf_err *err)
{
    if (!cJSON_IsObject(panel))
        return taf_fail(err, "chart-panel", NULL, "no panel object");
    static const struct {
        const char *kind, *title;
        panel_fn fn;
    } P[] = {
        {"gamma_vs_pade", "Measured γ against γ_Padé", panel_scatter},
        {"residuals", "Prediction against reality: residuals", panel_residuals},
        {"K_distribution", "Compute invariant K across the panel", panel_K},
        {"ih_phase", "γ on text and random tokens by induction-head phase", panel_ih},
        {"imprint_regression", "Imprint regression with the derived slope", panel_imprint},
    };
    /* the panel's own count: models with measurements (panel_build) */
    double nm;
    if (!jget_double(cJSON_GetObjectItem(panel, "n_models"), &nm) || !(nm >= 0 && nm < 1e9))
        nm = cJSON_GetArraySize(cards);
    panel_ctx pc = {panel, cards, TAFCARD_VERSION, (int)nm};
    const cJSON *first = cJSON_IsArray(cards) ? cards->child : NULL;
    const char *tv = jstr(jget(first, "provenance"), "tool_version");
    if (tv)
        pc.tool = tv;
    cJSON *list = cJSON_GetObjectItemCaseSensitive(panel, "charts");
    if (!cJSON_IsArray(list)) {
        cJSON_DeleteItemFromObjectCaseSensitive(panel, "charts");
        list = cJSON_AddArrayToObject(panel, "charts");
    }
    for (size_t i = 0; i < sizeof P / sizeof P[0]; i++) {
        chart_doc d;
        memset(&d, 0, sizeof d);
        const char *missing = NULL;
        if (!P[i].fn(&pc, &d, &missing, err)) {
            doc_free(&d);
            return false;
        }
        if (missing || d.nfig == 0) {
            doc_free(&d);
            panel_entry(list, P[i].kind, P[i].title, missing ? missing : "no data");
            continue;
        }
        doc_finish(&d, P[i].kind, "panel-");
        char path[4096];
        bool ok = true;
        const char *ext[2] = {"svg", "png"};
        for (int k = 0; k < 2 && ok; k++) {
            snprintf(path, sizeof path, "%s/%s.%s", dir, P[i].kind, ext[k]);
            ok = doc_write(&d, path, err);
        }
        doc_free(&d);
        if (!ok)
            return false;
        panel_entry(list, P[i].kind, P[i].title, NULL);
    }
    return true;
}
