#include "render/surface.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <libxml/parser.h>
#include <zlib.h>

#include "render/pngz.h"
#include "render/svgw.h"
#include "util/hugebuf.h"
#include "util/sha256.h"
#include "util/tls.h"

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

/* ---- PNG encoder ---------------------------------------------------------- *
 * cairo's own writer (libpng, zlib level 6, adaptive filters) spends ~20 ms
 * on a 1280×840 chart, three quarters of a card's build time. Ours: the
 * same pixels (8-bit RGB from the RGB24 surface), filter type 0, the
 * scanlines deflated by zlib at level 1 (pngz.c,
 * ~5 ms), chunks IHDR, IDAT, IEND only (no time stamp): the bytes depend
 * only on the pixels. zlib supplies the chunk CRCs. */

static bool png_chunk(membuf *m, const char type[4], const unsigned char *data, size_t n)
{
    unsigned char hdr[8] = {(unsigned char)(n >> 24), (unsigned char)(n >> 16),
                            (unsigned char)(n >> 8), (unsigned char)n,
                            (unsigned char)type[0], (unsigned char)type[1],
                            (unsigned char)type[2], (unsigned char)type[3]};
    uLong crc = crc32(0L, hdr + 4, 4);
    if (n)
        crc = crc32(crc, data, (uInt)n);
    unsigned char tail[4] = {(unsigned char)(crc >> 24), (unsigned char)(crc >> 16),
                             (unsigned char)(crc >> 8), (unsigned char)crc};
    return membuf_write(m, hdr, 8) == CAIRO_STATUS_SUCCESS &&
           (n == 0 || membuf_write(m, data, (unsigned int)n) == CAIRO_STATUS_SUCCESS) &&
           membuf_write(m, tail, 4) == CAIRO_STATUS_SUCCESS;
}

/* Encode an RGB24 (or ARGB32 treated as opaque) image surface as PNG. */
static bool png_encode(cairo_surface_t *s, membuf *out, taf_err *err)
{
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *pix = cairo_image_surface_get_data(s);
    if (!pix || w <= 0 || h <= 0)
        return taf_fail(err, "render-cairo", NULL, "no image data to encode as PNG");
    unsigned char *idat = NULL;
    size_t idat_len = 0;
    bool ok = pngz_compress(pix, w, h, stride, &idat, &idat_len);
    if (ok) {
        static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        unsigned char ihdr[13] = {(unsigned char)(w >> 24), (unsigned char)(w >> 16),
                                  (unsigned char)(w >> 8), (unsigned char)w,
                                  (unsigned char)(h >> 24), (unsigned char)(h >> 16),
                                  (unsigned char)(h >> 8), (unsigned char)h,
                                  8, 2, 0, 0, 0}; /* 8-bit RGB, deflate, no interlace */
        ok = membuf_write(out, sig, 8) == CAIRO_STATUS_SUCCESS &&
             png_chunk(out, "IHDR", ihdr, 13) && png_chunk(out, "IDAT", idat, idat_len) &&
             png_chunk(out, "IEND", NULL, 0);
    }
    free(idat);
    if (!ok)
        return taf_fail(err, "render-png", NULL, "PNG encoding failed (out of memory?)");
    return true;
}

/* ---- raster canvas -------------------------------------------------------- *
 * A 1280×840 RGB24 canvas is 4.3 MB: a fresh one per chart is a fresh
 * mmap whose pages fault in while cairo paints it white, which cost more
 * than the drawing. Each thread keeps its largest canvas and draws every
 * PNG on it (freed when the thread ends). */

typedef struct {
    unsigned char *pix;
    size_t size;
} canvas;

static void canvas_free(void *p)
{
    canvas *c = p;
    if (c)
        hugebuf_free(c->pix);
    free(c);
}

static tls_slot canvas_slot = TLS_SLOT(canvas_free);

void render_release_thread_canvas(void)
{
    tls_slot_release(&canvas_slot);
}

void render_shutdown(void)
{
    render_release_thread_canvas();
    pngz_release_thread_scratch();
    plot_shutdown();
}

/* An RGB24 image surface of w × h on this thread's canvas. */
static cairo_surface_t *canvas_surface(int w, int h)
{
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, w);
    if (stride <= 0)
        return cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h); /* cairo reports the error */
    size_t need = (size_t)stride * (size_t)h;
    canvas *c = tls_slot_get(&canvas_slot);
    if (!c) {
        c = calloc(1, sizeof *c);
        if (!c || !tls_slot_set(&canvas_slot, c)) {
            free(c);
            return cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        }
    }
    if (c->size < need) {
        /* the old pixels are painted over anyway: no realloc copy; a
         * quarter more, so the next slightly taller chart fits */
        hugebuf_free(c->pix);
        c->size = 0;
        c->pix = hugebuf_alloc(need + need / 4);
        if (!c->pix)
            return cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
        c->size = need + need / 4;
    }
    return cairo_image_surface_create_for_data(c->pix, CAIRO_FORMAT_RGB24, w, h, stride);
}

/* ---- time accounting ------------------------------------------------------- */

static _Thread_local render_times *cur_times;

void render_times_start(render_times *t)
{
    cur_times = t;
}

void render_times_stop(void)
{
    cur_times = NULL;
}

double render_thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- output log ------------------------------------------------------------ */

static _Thread_local render_outlog *cur_log;

void render_outlog_start(render_outlog *log, const char *root)
{
    memset(log, 0, sizeof *log);
    snprintf(log->root, sizeof log->root, "%s", root);
    log->root_len = strlen(log->root);
    cur_log = log;
}

void render_outlog_stop(void)
{
    cur_log = NULL;
}

render_outlog *render_outlog_current(void)
{
    return cur_log;
}

void render_outlog_add(render_outlog *log, const char *rel, const char *sha256, long long size)
{
    if (log->n == log->cap) {
        size_t cap = log->cap ? log->cap * 2 : 64;
        render_outlog_entry *e = realloc(log->e, cap * sizeof *e);
        if (!e) {
            log->failed = true;
            return;
        }
        log->e = e;
        log->cap = cap;
    }
    render_outlog_entry *e = &log->e[log->n];
    e->path = strdup(rel);
    if (!e->path) {
        log->failed = true;
        return;
    }
    snprintf(e->sha256, sizeof e->sha256, "%s", sha256);
    e->size = size;
    e->chart_key[0] = '\0';
    log->n++;
}

void render_outlog_set_key(const char *path, const char *chart_key)
{
    render_outlog *log = cur_log;
    if (!log || log->n == 0 || strncmp(path, log->root, log->root_len) != 0 ||
        path[log->root_len] != '/')
        return;
    render_outlog_entry *e = &log->e[log->n - 1];
    if (strcmp(e->path, path + log->root_len + 1) == 0)
        snprintf(e->chart_key, sizeof e->chart_key, "%s", chart_key);
}

/* ---- taking chart files over ------------------------------------------------ */

static _Thread_local const render_reuse *cur_reuse;

void render_reuse_start(const render_reuse *r)
{
    cur_reuse = r;
}

void render_reuse_stop(void)
{
    cur_reuse = NULL;
}

const render_reuse *render_reuse_current(void)
{
    return cur_reuse;
}

static char engine_line[200];
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

static void engine_versions_init(void)
{
    snprintf(engine_line, sizeof engine_line, "cairo %s; zlib %s; libxml2 %s",
             cairo_version_string(), zlibVersion(), xmlParserVersion);
}

const char *render_engine_versions(void)
{
    pthread_once(&engine_once, engine_versions_init);
    return engine_line;
}

void render_outlog_note(const char *path, const void *data, size_t len, const char *sha256)
{
    render_outlog *log = cur_log;
    if (!log || strncmp(path, log->root, log->root_len) != 0 || path[log->root_len] != '/')
        return;
    char hex[TAF_SHA256_HEX_SIZE];
    if (!sha256) {
        if (!taf_sha256_hex(data, len, hex)) {
            log->failed = true;
            return;
        }
        sha256 = hex;
    }
    render_outlog_add(log, path + log->root_len + 1, sha256, (long long)len);
}

void render_outlog_free(render_outlog *log)
{
    for (size_t i = 0; i < log->n; i++)
        free(log->e[i].path);
    free(log->e);
    log->e = NULL;
    log->n = log->cap = 0;
}

/* ---- files ---------------------------------------------------------------- */

/* Straight into a fresh file: only inside a build's private staging tree. */
static bool write_direct(const char *path, const char *data, size_t len, taf_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return taf_fail(err, "CANNOT_WRITE", "check that the directory exists and is writable",
                        "cannot create %s: %s", path, strerror(errno));
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
    if (close(fd) != 0 && ok)
        ok = false, e = errno;
    if (!ok)
        return taf_fail(err, "CANNOT_WRITE", "is the disk full?", "cannot write %s: %s", path,
                        strerror(e));
    render_outlog_note(path, data, len, NULL);
    return true;
}

bool render_write_file(const char *path, const char *data, size_t len, taf_err *err)
{
    if (!path || !*path)
        return taf_fail(err, "write", NULL, "no output path");
    if (cur_log && strncmp(path, cur_log->root, cur_log->root_len) == 0 &&
        path[cur_log->root_len] == '/') {
        double t0 = cur_times ? render_thread_cpu() : 0;
        bool ok = write_direct(path, data, len, err);
        if (cur_times) {
            double dt = render_thread_cpu() - t0;
            cur_times->write += dt;
            size_t n = strlen(path);
            if (n > 4 && strcmp(path + n - 4, ".png") == 0)
                cur_times->write_png += dt;
        }
        return ok;
    }
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
        double t0 = cur_times ? render_thread_cpu() : 0;
        ok = png_encode(s, png, err);
        if (cur_times)
            cur_times->png_encode += render_thread_cpu() - t0;
    }
    cairo_surface_finish(s);
    if (ok)
        ok = cairo_ok(cairo_surface_status(s), "finishing the surface", err);
    cairo_surface_destroy(s);
    return ok;
}

static bool render_to_buffer_in(render_format fmt, double width, double height,
                                const render_opts *opts, render_draw_fn draw, void *user,
                                char **out, size_t *out_len, taf_err *err);

bool render_to_buffer(render_format fmt, double width, double height, const render_opts *opts,
                      render_draw_fn draw, void *user, char **out, size_t *out_len, taf_err *err)
{
    if (!cur_times)
        return render_to_buffer_in(fmt, width, height, opts, draw, user, out, out_len, err);
    double t0 = render_thread_cpu(), enc0 = cur_times->png_encode;
    bool ok = render_to_buffer_in(fmt, width, height, opts, draw, user, out, out_len, err);
    double dt = render_thread_cpu() - t0;
    if (fmt == RENDER_SVG) {
        cur_times->svg += dt;
        cur_times->n_svg++;
    } else if (fmt == RENDER_PNG) {
        cur_times->png_draw += dt - (cur_times->png_encode - enc0);
        cur_times->n_png++;
    } else {
        cur_times->pdf += dt;
        cur_times->n_pdf++;
    }
    return ok;
}

static bool render_to_buffer_in(render_format fmt, double width, double height,
                                const render_opts *opts, render_draw_fn draw, void *user,
                                char **out, size_t *out_len, taf_err *err)
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
        svgw_opts so = {opts ? opts->title : NULL, opts ? opts->desc : NULL, opts ? opts->id_prefix : NULL};
        svgw *w = svgw_new(width, height, &so, err);
        if (!w)
            return false;
        bool ok = draw(svgw_context(w), user, err);
        if (!ok && err && !err->code[0])
            taf_fail(err, "render-draw", NULL, "drawing failed");
        ok = ok && svgw_finish(w, out, out_len, err);
        svgw_free(w);
        return ok;
    }
    case RENDER_PNG: {
        double sc = opts && opts->scale > 0 ? opts->scale : 2.0;
        double pw = ceil(width * sc - 1e-9), ph = ceil(height * sc - 1e-9);
        if (!(pw >= 1 && pw <= 32767 && ph >= 1 && ph <= 32767))
            return taf_fail(err, "render-size", NULL, "PNG of %g x %g pixels is too large", pw, ph);
        cairo_surface_t *s = canvas_surface((int)pw, (int)ph);
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
