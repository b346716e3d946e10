/* SVG writer: a drawing made with cairo calls, written as SVG markup by
 * libxml2's xmlTextWriter.
 *
 * Why not cairo's SVG surface: it names ids from process-global counters
 * (so output needed a libxml2 re-parse to renumber them), prints a glyph
 * symbol per glyph per size and every number with printf, and that
 * round trip cost ~3 ms per chart. Here the drawing code builds paths
 * and selects fonts on an ordinary cairo_t (layout and text measurement
 * stay cairo's), and the few calls that put ink on the page go through
 * ink_* below: on a context made by svgw_new they become SVG elements,
 * on any other context they are the cairo calls of the same name, so one
 * drawing function serves SVG, PNG and PDF.
 *
 * Output: <title>/<desc> first with aria-labelledby and role="img"; one
 * <path> per stroke or fill in device px (3 decimals); text as <use> of
 * glyph outlines (cairo's own outlines of the selected font, hinting off,
 * defined once per document in <defs> at the end), so the picture does not
 * depend on the reader's fonts; clips as <clipPath>. Ids are PREFIX +
 * "title", "desc", "g<N>" (glyphs) and "c<N>" (clips), numbered in order
 * of first use: the same drawing gives the same bytes, and two charts
 * with different prefixes can share one HTML page. */
#ifndef TAF_RENDER_SVGW_H
#define TAF_RENDER_SVGW_H

#include <stdbool.h>
#include <stddef.h>

#include <cairo.h>

#include "util/err.h"

typedef struct svgw svgw;

typedef struct {
    const char *title;     /* plain UTF-8; NULL or "" -> "Chart" */
    const char *desc;      /* plain UTF-8; NULL -> no <desc> */
    const char *id_prefix; /* NULL -> "s"; must match [A-Za-z_][A-Za-z0-9_.-]{0,63} */
} svgw_opts;

/* A width × height px document. Errors: "svg-bad-prefix", "svg-bad-text"
 * (title/desc not valid UTF-8 XML text), "render-size", "oom". */
svgw *svgw_new(double width, double height, const svgw_opts *opts, taf_err *err);

/* The context to draw on (owned by w). Draw with ink_* for anything that
 * marks the page; plain cairo_stroke & co. on it are detected at the end
 * ("svg-bypass"), never silently lost. */
cairo_t *svgw_context(svgw *w);

/* End the document into a malloc'd NUL-terminated buffer. Errors: the
 * first failure met while drawing (non-finite coordinates, a source that
 * is not a plain colour, libxml2 writer errors), "svg-bypass". */
bool svgw_finish(svgw *w, char **out, size_t *out_len, taf_err *err);

void svgw_free(svgw *w);

/* Glyph outlines are cached per thread; a thread that drew SVG calls this
 * before it ends (plot_shutdown does it for the calling thread). */
void svgw_release_thread_cache(void);

/* ---- drawing calls that reach the SVG writer --------------------------- */
void ink_stroke(cairo_t *cr);
void ink_fill(cairo_t *cr);
void ink_fill_preserve(cairo_t *cr);
/* Text at the current point with the current font, as cairo_show_text;
 * on an SVG context the current point is cleared afterwards. */
void ink_show_text(cairo_t *cr, const char *utf8);
/* cairo_clip (the clip follows ink_save / ink_restore). */
void ink_clip(cairo_t *cr);
void ink_save(cairo_t *cr);
void ink_restore(cairo_t *cr);

#endif
