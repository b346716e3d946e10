/* The one small drawing layer every chart uses.
 *
 * A chart is built in two steps: record a figure (axes, series, bands,
 * reference lines, notes — a display list that owns copies of everything
 * passed in), then render it onto any cairo context. Recording never draws
 * and rendering never changes the figure, so one figure can be written as
 * SVG, PNG and PDF (see surface.h) and gives the same picture each time.
 *
 *     plot_figure *f = plot_new(600, 400, "Attention decay", "model-x");
 *     plot_axis_x(f, "distance (tokens)", PLOT_LOG, NAN, NAN);   // auto
 *     plot_axis_y(f, "attention", PLOT_LOG, NAN, NAN);
 *     plot_style s0 = plot_style_series(0, "wiki");
 *     plot_errorbars(f, d, a, lo, hi, n, &s0);
 *     plot_markers(f, d, a, n, &s0);
 *     plot_style s1 = plot_style_series(1, "power law γ = 0.41, R^{2} = 0.98");
 *     s1.marker = PLOT_MARKER_NONE;
 *     plot_line(f, fx, fy, m, &s1);
 *     plot_note(f, "source: panel v3");
 *     render_svg(f, "decay.svg", &err);   // surface.h
 *     plot_free(f);
 *
 * Units are CSS pixels at 1× (1 px = 1 pt in PDF). Text uses DejaVu Sans
 * through cairo's toy font API with fixed font options (no hinting), so
 * text metrics do not depend on the surface or the fontconfig setup.
 *
 * Text markup, accepted wherever a label or title is taken: "_{...}" sets
 * the braced text as a subscript, "^{...}" as a superscript ("γ_{Padé}",
 * "R^{2}"); everything else is literal UTF-8 (Greek letters and Unicode
 * subscripts such as "₀" render as they are).
 *
 * Data: non-finite values are skipped (lines break there; nothing is drawn
 * for them); on a log axis values ≤ 0 are skipped the same way. No
 * function here computes a TAF number; charts pass values in.
 *
 * Recording functions return false (and record nothing) on bad arguments
 * (NULL figure or arrays, n == 0 is fine) or out of memory. */
#ifndef TAF_RENDER_PLOT_H
#define TAF_RENDER_PLOT_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

#include "render/palette.h"

typedef struct plot_figure plot_figure;

typedef enum { PLOT_LINEAR = 0, PLOT_LOG } plot_scale;

typedef enum {
    PLOT_LEGEND_AUTO = 0,  /* emptiest inner corner; below the plot when none is free */
    PLOT_LEGEND_TOP_RIGHT,
    PLOT_LEGEND_TOP_LEFT,
    PLOT_LEGEND_BOTTOM_RIGHT,
    PLOT_LEGEND_BOTTOM_LEFT,
    PLOT_LEGEND_BELOW,     /* under the x axis, entries flowing in rows */
    PLOT_LEGEND_NONE
} plot_legend_pos;

typedef enum { PLOT_ALIGN_LEFT = 0, PLOT_ALIGN_CENTER, PLOT_ALIGN_RIGHT } plot_align;

/* How a series looks. Start from plot_style_series(i, label) and change
 * fields. `label` (markup) is the legend text; NULL or "" leaves the series
 * out of the legend. Series recorded with the same label share one legend
 * entry (so markers + their fitted line, or markers + error bars, show as
 * one). The string is copied when the style is used. */
typedef struct {
    plot_rgba color;
    double line_width;   /* px; 0 draws no line in plot_line */
    plot_dash dash;
    plot_marker marker;  /* used by plot_markers (NONE there means CIRCLE) */
    double marker_size;  /* px, outer diameter */
    bool marker_open;    /* outline only, for a second group of points */
    bool no_autorange;   /* don't widen automatic axis ranges (a fitted
                            curve running far outside the data): clipped */
    const char *label;
} plot_style;

/* Default style for series index i: palette colour i, dash i, marker i,
 * 2 px lines, 8 px markers, taking part in automatic ranges. */
plot_style plot_style_series(int index, const char *label);

/* Grey dashed 1.2 px line for reference lines (plot_hline / plot_vline). */
plot_style plot_style_reference(void);

/* ---- figure -------------------------------------------------------------- */

/* A new empty figure of width × height px (both clamped to [50, 20000]);
 * title and subtitle (markup, may be NULL) are copied. The legend defaults
 * to PLOT_LEGEND_AUTO. NULL only on out of memory. */
plot_figure *plot_new(double width_px, double height_px, const char *title, const char *subtitle);

void plot_free(plot_figure *fig);

double plot_width(const plot_figure *fig);
double plot_height(const plot_figure *fig);

/* Axes. label is markup (may be NULL). min/max NAN (either or both) means
 * automatic from the recorded data: linear ranges padded by 5 %, log ranges
 * snapped outward to decades (plus a 3 % margin on a side where data sits
 * exactly on the decade, so no marker is drawn on the spine). A log axis rejects a given min ≤ 0, and
 * min ≥ max is rejected (returns false, axis stays automatic). */
bool plot_axis_x(plot_figure *fig, const char *label, plot_scale scale, double min, double max);
bool plot_axis_y(plot_figure *fig, const char *label, plot_scale scale, double min, double max);

/* Automatic range of v[0..n) (what NAN axis bounds use): ignores
 * non-finite values (and values ≤ 0 for PLOT_LOG); false if none is left. */
bool plot_auto_range(const double *v, size_t n, plot_scale scale, double *lo, double *hi);

/* ---- data ---------------------------------------------------------------- */

/* Polyline through (xs[i], ys[i]) in the given order, broken at skipped
 * points. Uses color, line_width, dash. */
bool plot_line(plot_figure *fig, const double *xs, const double *ys, size_t n, const plot_style *st);

/* One marker per point. Uses color, marker, marker_size, marker_open. */
bool plot_markers(plot_figure *fig, const double *xs, const double *ys, size_t n, const plot_style *st);

/* Vertical error bars from lo[i] to hi[i] (absolute y values, e.g. y−σ and
 * y+σ) at xs[i], with caps. ys may be NULL; when given, points whose y is
 * skipped get no bar. On a log y axis a lo ≤ 0 runs to the bottom edge.
 * Uses color and (thinner than) line_width. Never adds a legend entry. */
bool plot_errorbars(plot_figure *fig, const double *xs, const double *ys, const double *lo,
                    const double *hi, size_t n, const plot_style *st);

/* Shaded horizontal band y0..y1 (vertical band x0..x1) across the plot,
 * drawn under everything else. ±INFINITY runs to the plot edge. The label
 * (markup, may be NULL) is written inside the band's top-left corner. */
bool plot_hband(plot_figure *fig, double y0, double y1, plot_rgba fill, const char *label);
bool plot_vband(plot_figure *fig, double x0, double x1, plot_rgba fill, const char *label);

/* Reference line at y = value (x = value) across the plot, e.g. a GPU's
 * VRAM. st NULL = plot_style_reference(); only color/width/dash are used.
 * The label sits on the line at the end where it covers least data;
 * labels of nearby lines are pushed apart so they never overlap. */
bool plot_hline(plot_figure *fig, double value, const plot_style *st, const char *label);
bool plot_vline(plot_figure *fig, double value, const plot_style *st, const char *label);

/* Horizontal bar chart: one row per category, top to bottom in the given
 * order, bars from 0 along a linear x axis (x auto-range includes 0 and
 * leaves room for the value labels). labels are the category names
 * (markup; long ones are shortened with "…"); value_texts (may be NULL,
 * or hold NULL entries) are the texts at the bar ends, default
 * ticks_format_value(v, 3). A non-finite value draws no bar and "n/a".
 * One bar set per figure (a second call replaces the first); a bar figure
 * has no y axis scale. Uses st->color. */
bool plot_bars(plot_figure *fig, const char *const *labels, const double *values,
               const char *const *value_texts, size_t n, const plot_style *st);

/* Text at data point (x, y), placed just above-right of it (above-left if
 * it would leave the plot). Skipped like data when not drawable. */
bool plot_annotate(plot_figure *fig, double x, double y, const char *text);

/* Legend placement (default AUTO: the inner corner whose legend box would
 * cover no data point, line, or label; below the plot when every corner
 * is taken). A fixed corner is honoured even if it covers data. */
void plot_legend(plot_figure *fig, plot_legend_pos pos);

/* One-line footer (markup), e.g. source / provenance; shortened with "…"
 * to the figure width. NULL clears it. */
bool plot_note(plot_figure *fig, const char *text);

/* Long description for screen readers (the SVG <desc>); defaults to the
 * subtitle, then the title. */
bool plot_set_desc(plot_figure *fig, const char *desc);

/* Prefix for ids in the canonical SVG (default "s"), so several charts can
 * be inlined in one HTML page: must match [A-Za-z_][A-Za-z0-9_.-]*. */
bool plot_set_id_prefix(plot_figure *fig, const char *prefix);

/* Plain-text title/description/prefix for accessibility metadata: the
 * markup stripped ("γ_{Padé}" -> "γ Padé"). Written into buf (always
 * NUL-terminated); the prefix getter returns the stored string. */
void plot_title_text(const plot_figure *fig, char *buf, size_t bufsz);
void plot_desc_text(const plot_figure *fig, char *buf, size_t bufsz);
const char *plot_id_prefix(const plot_figure *fig);

/* Number of drawable data points recorded (line and marker points, bars
 * with a finite value) given the axis scales set so far — 0 means the
 * chart has nothing to show (write a one-line reason instead of an empty
 * axis). */
size_t plot_data_count(const plot_figure *fig);

/* ---- digest ---------------------------------------------------------------- */

/* Feed everything the figure recorded (sizes, texts, axes, every series'
 * values bit for bit, styles, bars, legend placement) into h. Two figures
 * that feed the same bytes draw the same picture with the same code, so a
 * build can keep a chart file whose figure digest has not changed. False
 * for a NULL figure, one whose recording ran out of memory, or when the
 * digest fails. */
struct taf_sha256;
bool plot_digest(const plot_figure *fig, struct taf_sha256 *h);

/* ---- rendering ----------------------------------------------------------- */

/* Draw the figure into the rectangle (0, 0)–(width·scale, height·scale) of
 * cr's current user space (translate first to place it), white background
 * included. cr's state is saved and restored. Returns false when cairo
 * reports an error or the figure ran out of memory while recording. */
bool plot_render(const plot_figure *fig, cairo_t *cr, double scale);

/* Draw the figure scaled to fit inside (x, y, w, h), aspect ratio kept,
 * centred — for placing charts on a composed page. */
bool plot_render_in(const plot_figure *fig, cairo_t *cr, double x, double y, double w, double h);

/* ---- text helpers (for composed pages such as the PDF card) -------------- */

/* Select DejaVu Sans and the fixed font options on cr. plot_render does
 * this itself; call it before the text helpers on a fresh context. */
void plot_cairo_setup(cairo_t *cr);

/* Advance width of markup text at font size `size` px. */
double plot_text_width(cairo_t *cr, const char *markup, double size, bool bold);

/* Draw markup text with its baseline at y; x is the left edge, centre or
 * right edge per align. Returns the advance width. */
double plot_text(cairo_t *cr, const char *markup, double x, double y, double size, bool bold,
                 plot_align align, plot_rgba color);

/* Like plot_text, but shortened with "…" (markup dropped) to fit max_w. */
double plot_text_fit(cairo_t *cr, const char *markup, double x, double y, double size, bool bold,
                     plot_align align, plot_rgba color, double max_w);

/* Markup stripped to plain text into buf (always NUL-terminated). */
void plot_markup_plain(const char *markup, char *buf, size_t bufsz);

/* Text advances are cached per thread (freed when the thread ends); this
 * frees the calling thread's now. */
void plot_release_thread_cache(void);

/* Release cairo's process-wide font and surface caches (what
 * LeakSanitizer would otherwise report at exit). Call once before the
 * process exits, after the last render, from one thread; nothing from
 * cairo may be alive. Rendering again afterwards works (caches refill). */
void plot_shutdown(void);

#endif
