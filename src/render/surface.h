/* Output surfaces: SVG, PNG and PDF files from a figure or from any
 * drawing callback, deterministic to the byte.
 *
 *  - SVG: written by svgw.c through libxml2's xmlTextWriter from the same
 *    drawing calls (stable ids, <title>/<desc>, role="img", glyph
 *    outlines so the picture does not depend on the reader's fonts).
 *  - PNG: an opaque 8-bit RGB image at `scale` × the nominal size (2.0
 *    for charts, sharp on slides), rasterised by cairo and encoded by our
 *    own writer (zlib level 1, filter none: 4× faster than cairo's writer
 *    at the same size; IHDR/IDAT/IEND only, no time stamp chunk).
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
 * background. Marks go through ink_* (svgw.h) so that SVG gets them too.
 * Return false (and fill err) to abandon the file. */
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
 * the callback's own, and the SVG writer's (svgw.h). */
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
 * Error code "write". While an output log is active on this thread (a site
 * build's private staging directory) the file is written in place instead
 * and recorded in the log (error code "CANNOT_WRITE", as the site's). */
bool render_write_file(const char *path, const char *data, size_t len, taf_err *err);

/* PNGs are drawn on a canvas kept per thread (freed when the thread ends);
 * the main thread frees its own with this (or render_shutdown). */
void render_release_thread_canvas(void);

/* Free this thread's canvas and the caches plot_shutdown frees: call once
 * at the end of a command that rendered anything. */
void render_shutdown(void);

/* ---- time accounting -------------------------------------------------------
 * CPU time of this thread (seconds) per output, added up while a counter set
 * is active on the thread (tafcard build --timings). PNG time is split into
 * drawing (cairo rasterising) and encoding (our writer). */
typedef struct {
    double svg, png_draw, png_encode, pdf, write;
    double write_png; /* the part of `write` that wrote and hashed PNG files */
    long n_svg, n_png, n_pdf;
} render_times;

void render_times_start(render_times *t);
void render_times_stop(void);
/* CPU time used by this thread so far, in seconds. */
double render_thread_cpu(void);

/* ---- output log ------------------------------------------------------------
 * The site build records every file it writes, with its SHA-256 and size,
 * while writing it (on the writing thread, from the buffer in memory), so
 * the manifest never re-reads the site. One log per thread. */
typedef struct {
    char *path;                   /* relative to the log's root */
    char sha256[65];
    long long size;
    char chart_key[65];           /* what a chart file was made from; "" for others */
} render_outlog_entry;

typedef struct {
    render_outlog_entry *e;
    size_t n, cap;
    char root[1024];              /* paths under root/ are recorded */
    size_t root_len;
    bool failed;                  /* out of memory while recording */
} render_outlog;

/* Start recording this thread's writes under `root` into `log` (zeroed by
 * the call); render_outlog_stop() ends it. */
void render_outlog_start(render_outlog *log, const char *root);
void render_outlog_stop(void);
/* The active log of this thread, or NULL. */
render_outlog *render_outlog_current(void);
/* Record a file written under the root (no-op without an active log or for
 * paths outside its root). `sha256` may be NULL: it is computed from data. */
void render_outlog_note(const char *path, const void *data, size_t len, const char *sha256);
/* Record an entry by its path relative to the root. */
void render_outlog_add(render_outlog *log, const char *rel, const char *sha256, long long size);
/* Give the entry just recorded for `path` (absolute, under the root) its
 * chart key; nothing when the log's last entry is another file. */
void render_outlog_set_key(const char *path, const char *chart_key);
void render_outlog_free(render_outlog *log);

/* ---- taking chart files over ---------------------------------------------------
 * A chart file's bytes follow from its key: the digest of its figures
 * (plot_digest), format and scale, the code that draws (the build's code
 * id, the salt) and the drawing libraries' versions. A site build sets a
 * hook on each of its threads; before drawing a chart file the catalog
 * asks it to place the previous site's file made under the same key, and
 * draws only when it cannot. Without a hook every file is drawn. */
typedef struct {
    /* Place the previous file with this key at `path` (absolute, in the
     * log's root) and record it in the thread's output log; false when
     * there is none (then the caller draws the file). */
    bool (*take)(void *ctx, const char *path, const char *chart_key);
    void *ctx;
    const char *salt;
} render_reuse;

void render_reuse_start(const render_reuse *r);
void render_reuse_stop(void);
/* This thread's hook, or NULL. */
const render_reuse *render_reuse_current(void);

/* The versions of the libraries that turn drawing calls into bytes, as
 * one line (part of every chart key). */
const char *render_engine_versions(void);

/* Read a whole file into a malloc'd NUL-terminated buffer. Error "read". */
bool render_read_file(const char *path, char **data, size_t *len, taf_err *err);

#endif
