#include "render/surface.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "render/svgcanon.h"

/* ---- memory sink for cairo streams --------------------------------------- */

typedef struct {
    char *p;
    size_t len, cap;
} membuf;

static cairo_status_t membuf_write(void *closure, const unsigned char *data, unsigned int n)
{
    membuf *m = closure;
    if (m->len + n + 1 > m->cap) {
        size_t cap = m->cap ? m->cap : 16384;
        while (cap < m->len + n + 1)
            cap *= 2;
        char *p = realloc(m->p, cap);
        if (!p)
            return CAIRO_STATUS_WRITE_ERROR;
        m->p = p;
        m->cap = cap;
    }
    memcpy(m->p + m->len, data, n);
    m->len += n;
    m->p[m->len] = '\0';
    return CAIRO_STATUS_SUCCESS;
}

/* ---- files ---------------------------------------------------------------- */

bool render_write_file(const char *path, const char *data, size_t len, taf_err *err)
{
    if (!path || !*path)
        return taf_fail(err, "write", NULL, "no output path");
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return taf_fail(err, "oom", NULL, "out of memory");
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return taf_fail(err, "write", "check that the directory exists and is writable",
                        "cannot create a file next to %s: %s", path, strerror(e));
    }
    size_t off = 0;
    bool ok = true;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            ok = false;
            break;
        }
        off += (size_t)w;
    }
    int e = errno;
    if (ok && fchmod(fd, 0644) != 0)
        ok = false, e = errno;
    if (close(fd) != 0 && ok)
        ok = false, e = errno;
    if (ok && rename(tmp, path) != 0)
        ok = false, e = errno;
    if (!ok) {
        unlink(tmp);
        free(tmp);
        return taf_fail(err, "write", NULL, "cannot write %s: %s", path, strerror(e));
    }
    free(tmp);
    return true;
}

bool render_read_file(const char *path, char **data, size_t *len, taf_err *err)
{
    *data = NULL;
    *len = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return taf_fail(err, "read", NULL, "cannot open %s: %s", path, strerror(errno));
    membuf m = {0};
    unsigned char chunk[65536];
    size_t k;
    bool ok = true;
    while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0) {
        if (membuf_write(&m, chunk, (unsigned int)k) != CAIRO_STATUS_SUCCESS) {
            ok = false;
            break;
        }
    }
    if (ferror(fp))
        ok = false;
    fclose(fp);
    if (ok && !m.p) {
        m.p = calloc(1, 1);
        ok = m.p != NULL;
    }
    if (!ok) {
        free(m.p);
        return taf_fail(err, "read", NULL, "cannot read %s", path);
    }
    *data = m.p;
    *len = m.len;
    return true;
}

/* ---- dates ---------------------------------------------------------------- */

bool render_pdf_date(char out[32], taf_err *err)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    if (!s || !*s) {
        snprintf(out, 32, "2000-01-01T00:00:00");
        return true;
    }
    unsigned long long v = 0;
    for (const char *c = s; *c; c++) {
        if (*c < '0' || *c > '9' || c - s > 12)
            return taf_fail(err, "render-date", "SOURCE_DATE_EPOCH is seconds since 1970 (UTC)",
                            "SOURCE_DATE_EPOCH='%s' is not a non-negative integer", s);
        v = v * 10 + (unsigned long long)(*c - '0');
    }
    if (v > 253402300799ULL)
        return taf_fail(err, "render-date", NULL, "SOURCE_DATE_EPOCH='%s' is after year 9999", s);
    time_t t = (time_t)v;
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return taf_fail(err, "render-date", NULL, "SOURCE_DATE_EPOCH='%s' cannot be converted", s);
    char buf[96]; /* fields are in range; the size only quiets -Wformat-truncation */
    int n = snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    if (n != 19)
        return taf_fail(err, "render-date", NULL, "SOURCE_DATE_EPOCH='%s' cannot be converted", s);
    memcpy(out, buf, 20);
    return true;
}

/* ---- rendering ------------------------------------------------------------ */

bool render_format_from_path(const char *path, render_format *fmt)
{
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/'))
        return false;
    if (strcasecmp(dot, ".svg") == 0)
        *fmt = RENDER_SVG;
    else if (strcasecmp(dot, ".png") == 0)
        *fmt = RENDER_PNG;
    else if (strcasecmp(dot, ".pdf") == 0)
        *fmt = RENDER_PDF;
    else
        return false;
    return true;
}

static bool cairo_ok(cairo_status_t st, const char *what, taf_err *err)
{
    if (st == CAIRO_STATUS_SUCCESS)
        return true;
    return taf_fail(err, "render-cairo", NULL, "cairo failed while %s: %s", what, cairo_status_to_string(st));
}

/* Paint white, call draw, write the PNG into `png` when given, and finish
 * the surface. Consumes `s`. */
static bool draw_on(cairo_surface_t *s, double scale, render_draw_fn draw, void *user, membuf *png,
                    taf_err *err)
{
    if (!cairo_ok(cairo_surface_status(s), "creating the surface", err)) {
        cairo_surface_destroy(s);
        return false;
    }
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    if (scale != 1.0)
        cairo_scale(cr, scale, scale);
    bool ok = draw(cr, user, err);
    if (ok)
        ok = cairo_ok(cairo_status(cr), "drawing", err);
    else if (err && !err->code[0])
        taf_fail(err, "render-draw", NULL, "drawing failed");
    cairo_destroy(cr);
    if (ok && png) {
        cairo_surface_flush(s);
        ok = cairo_ok(cairo_surface_write_to_png_stream(s, membuf_write, png), "writing the PNG", err);
    }
    cairo_surface_finish(s);
    if (ok)
        ok = cairo_ok(cairo_surface_status(s), "finishing the surface", err);
    cairo_surface_destroy(s);
    return ok;
}

bool render_to_buffer(render_format fmt, double width, double height, const render_opts *opts,
                      render_draw_fn draw, void *user, char **out, size_t *out_len, taf_err *err)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    if (err)
        err->code[0] = '\0';
    if (!draw)
        return taf_fail(err, "render-draw", NULL, "no drawing callback");
    if (!(width >= 1 && width <= 20000 && height >= 1 && height <= 20000))
        return taf_fail(err, "render-size", NULL, "page size %g x %g px is outside 1..20000", width, height);
    membuf m = {0};
    switch (fmt) {
    case RENDER_SVG: {
        cairo_surface_t *s = cairo_svg_surface_create_for_stream(membuf_write, &m, width, height);
        cairo_svg_surface_set_document_unit(s, CAIRO_SVG_UNIT_PX);
        if (!draw_on(s, 1.0, draw, user, NULL, err)) {
            free(m.p);
            return false;
        }
        svg_canon_opts co = {opts ? opts->title : NULL, opts ? opts->desc : NULL, opts ? opts->id_prefix : NULL};
        bool ok = svg_canonicalize_buffer(m.p ? m.p : "", m.len, &co, out, out_len, err);
        free(m.p);
        return ok;
    }
    case RENDER_PNG: {
        double sc = opts && opts->scale > 0 ? opts->scale : 2.0;
        double pw = ceil(width * sc - 1e-9), ph = ceil(height * sc - 1e-9);
        if (!(pw >= 1 && pw <= 32767 && ph >= 1 && ph <= 32767))
            return taf_fail(err, "render-size", NULL, "PNG of %g x %g pixels is too large", pw, ph);
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)pw, (int)ph);
        if (!draw_on(s, sc, draw, user, &m, err)) {
            free(m.p);
            return false;
        }
        *out = m.p;
        if (out_len)
            *out_len = m.len;
        return true;
    }
    case RENDER_PDF: {
        char date[32];
        if (!render_pdf_date(date, err))
            return false;
        cairo_surface_t *s = cairo_pdf_surface_create_for_stream(membuf_write, &m, width, height);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, date);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, date);
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "tafcard");
        if (opts && opts->title && *opts->title)
            cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, opts->title);
        if (!draw_on(s, 1.0, draw, user, NULL, err)) {
            free(m.p);
            return false;
        }
        *out = m.p;
        if (out_len)
            *out_len = m.len;
        return true;
    }
    }
    return taf_fail(err, "render-format", NULL, "unknown output format %d", (int)fmt);
}

bool render_to(render_format fmt, const char *path, double width, double height, const render_opts *opts,
               render_draw_fn draw, void *user, taf_err *err)
{
    char *buf = NULL;
    size_t len = 0;
    if (!render_to_buffer(fmt, width, height, opts, draw, user, &buf, &len, err))
        return false;
    bool ok = render_write_file(path, buf, len, err);
    free(buf);
    return ok;
}

/* ---- figures --------------------------------------------------------------- */

static bool draw_figure(cairo_t *cr, void *user, taf_err *err)
{
    if (plot_render(user, cr, 1.0))
        return true;
    return taf_fail(err, "render-draw", NULL, "the chart could not be drawn (cairo error or out of memory)");
}

bool render_figure_buffer(const plot_figure *fig, render_format fmt, char **out, size_t *out_len, taf_err *err)
{
    if (!fig) {
        *out = NULL;
        return taf_fail(err, "render-draw", NULL, "no figure");
    }
    char title[512], desc[2048];
    plot_title_text(fig, title, sizeof title);
    plot_desc_text(fig, desc, sizeof desc);
    render_opts o = {title, desc[0] ? desc : NULL, plot_id_prefix(fig), 2.0};
    return render_to_buffer(fmt, plot_width(fig), plot_height(fig), &o, draw_figure, (void *)fig, out, out_len,
                            err);
}

static bool figure_to(const plot_figure *fig, render_format fmt, double scale, const char *path, taf_err *err)
{
    if (!fig)
        return taf_fail(err, "render-draw", NULL, "no figure");
    char title[512], desc[2048];
    plot_title_text(fig, title, sizeof title);
    plot_desc_text(fig, desc, sizeof desc);
    render_opts o = {title, desc[0] ? desc : NULL, plot_id_prefix(fig), scale};
    return render_to(fmt, path, plot_width(fig), plot_height(fig), &o, draw_figure, (void *)fig, err);
}

bool render_svg(const plot_figure *fig, const char *path, taf_err *err)
{
    return figure_to(fig, RENDER_SVG, 1.0, path, err);
}

bool render_png(const plot_figure *fig, const char *path, double scale, taf_err *err)
{
    return figure_to(fig, RENDER_PNG, scale > 0 ? scale : 2.0, path, err);
}

bool render_pdf_page(const plot_figure *fig, const char *path, taf_err *err)
{
    return figure_to(fig, RENDER_PDF, 1.0, path, err);
}

bool render_figure(const plot_figure *fig, const char *path, taf_err *err)
{
    render_format fmt;
    if (!render_format_from_path(path, &fmt))
        return taf_fail(err, "render-format", "use a .svg, .png or .pdf file name",
                        "cannot tell the output format of '%s'", path ? path : "");
    return figure_to(fig, fmt, 2.0, path, err);
}
