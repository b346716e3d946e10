/* Output surfaces: SVG, PNG and PDF files from a figure or from any
 * drawing callback, deterministic to the byte.
 *
 *  - SVG: cairo's SVG surface in px units, then svg_canonicalize_buffer
 *    (stable ids, <title>/<desc>, role="img").
 *  - PNG: an opaque RGB image at `scale` × the nominal size (2.0 for
 *    charts, sharp on slides), written by cairo (no time stamp chunk).
 *  - PDF: cairo's PDF surface, 1 px = 1 pt, with creation and modification
 *    dates from SOURCE_DATE_EPOCH (UTC) or fixed at 2000-01-01T00:00:00,
 *    creator "tafcard", and the given title.
 *
 * Every file is produced in memory, written to a temporary file in the
 * target's directory and renamed over the target: an error never leaves a
 * partial file (and leaves an existing target untouched). */
#ifndef TAF_RENDER_SURFACE_H
#define TAF_RENDER_SURFACE_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

#include "render/plot.h"
#include "util/err.h"

typedef enum { RENDER_SVG = 0, RENDER_PNG, RENDER_PDF } render_format;

/* Draws a page of the size given to render_to, in px (pt for PDF) with
 * (0, 0) at the top left; cr is already scaled for PNG and has a white
 * background. Return false (and fill err) to abandon the file. */
typedef bool (*render_draw_fn)(cairo_t *cr, void *user, taf_err *err);

typedef struct {
    const char *title;     /* SVG <title> / PDF Title; plain text, may be NULL */
    const char *desc;      /* SVG <desc>; may be NULL */
    const char *id_prefix; /* SVG id prefix; NULL = "s" */
    double scale;          /* PNG pixels per px; ≤ 0 means 2.0 */
} render_opts;

/* Format from the file name's extension (.svg, .png, .pdf, any case);
 * false for anything else. */
bool render_format_from_path(const char *path, render_format *fmt);

/* Render a width × height page through `draw` into a malloc'd buffer.
 * Errors: "render-size" (not in [1, 20000] px or the PNG exceeds 32767
 * pixels a side), "render-cairo", "render-date" (bad SOURCE_DATE_EPOCH),
 * the callback's own, and the canonicaliser's. */
bool render_to_buffer(render_format fmt, double width, double height, const render_opts *opts,
                      render_draw_fn draw, void *user, char **out, size_t *out_len, taf_err *err);

/* Same, written atomically to path. */
bool render_to(render_format fmt, const char *path, double width, double height, const render_opts *opts,
               render_draw_fn draw, void *user, taf_err *err);

/* One figure as its own file. Title/description/id prefix come from the
 * figure (plot_title_text, plot_desc_text, plot_id_prefix). */
bool render_svg(const plot_figure *fig, const char *path, taf_err *err);
bool render_png(const plot_figure *fig, const char *path, double scale, taf_err *err);
bool render_pdf_page(const plot_figure *fig, const char *path, taf_err *err);

/* By extension (.svg / .png at 2× / .pdf), for `tafcard chart --out`. */
bool render_figure(const plot_figure *fig, const char *path, taf_err *err);

/* Same for a buffer (e.g. to hash before writing). */
bool render_figure_buffer(const plot_figure *fig, render_format fmt, char **out, size_t *out_len, taf_err *err);

/* The PDF date "YYYY-MM-DDThh:mm:ss" (UTC) from SOURCE_DATE_EPOCH, or
 * "2000-01-01T00:00:00" when unset/empty. A value that is not a decimal
 * integer in [0, 253402300799] fails with "render-date". */
bool render_pdf_date(char out[32], taf_err *err);

/* Write len bytes to path through a temp file + rename (mode 0644).
 * Error code "write". */
bool render_write_file(const char *path, const char *data, size_t len, taf_err *err);

/* Read a whole file into a malloc'd NUL-terminated buffer. Error "read". */
bool render_read_file(const char *path, char **data, size_t *len, taf_err *err);

#endif
