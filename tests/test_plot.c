/* The drawing layer, ticks and output surfaces: ticks and labels,
 * determinism of SVG/PNG/PDF bytes (in one process, across processes,
 * under a German locale), skipping of non-finite data, file safety.
 *
 * The demo figures below double as fixtures. To look at them:
 *   PLOT_DEMO_DIR=/tmp/plotdemo build/tests/test_plot --filter 'plot/demo*'
 * writes demo_*.png/.svg/.pdf there. */
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "support/tmpdir.h"
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "render/plot.h"
#include "render/surface.h"
#include "render/ticks.h"
#include "util/sha256.h"

static void release_caches(void)
{
    render_shutdown(); /* cairo's font caches, so LeakSanitizer sees a clean exit */
}

TestSuite(ticks, .fini = release_caches);
TestSuite(plot, .fini = release_caches);

/* ---- demo figures ---------------------------------------------------------- */

/* Log–log attention decay: two corpora with ±1σ error bars and two fits. */
static plot_figure *demo_decay(void)
{
    plot_figure *f = plot_new(600, 400, "Attention decay", "demo-model-7b · layer-averaged, 2 corpora");
    plot_axis_x(f, "token distance d", PLOT_LOG, NAN, NAN);
    plot_axis_y(f, "mean attention weight", PLOT_LOG, NAN, NAN);
    enum { N = 13 };
    double d[N], a[N], lo[N], hi[N], b[N], blo[N], bhi[N];
    for (int i = 0; i < N; i++) {
        d[i] = pow(2.0, i);
        double w = 0.9 + 0.2 * sin(i * 1.7);
        a[i] = 0.31 * pow(d[i], -0.62) * w;
        lo[i] = a[i] * 0.78;
        hi[i] = a[i] * 1.25;
        b[i] = 0.22 * pow(d[i], -0.48) * (0.9 + 0.2 * cos(i * 1.3));
        blo[i] = b[i] * 0.8;
        bhi[i] = b[i] * 1.22;
    }
    plot_style s0 = plot_style_series(0, "wiki (measured)");
    plot_style s1 = plot_style_series(1, "code (measured)");
    plot_errorbars(f, d, a, lo, hi, N, &s0);
    plot_markers(f, d, a, N, &s0);
    plot_errorbars(f, d, b, blo, bhi, N, &s1);
    plot_markers(f, d, b, N, &s1);
    enum { M = 60 };
    double fx[M], fp[M], fe[M];
    for (int i = 0; i < M; i++) {
        fx[i] = pow(10.0, 3.612 * i / (M - 1));
        fp[i] = 0.31 * pow(fx[i], -0.62);
        fe[i] = 0.2 * exp(-fx[i] / 300.0);
    }
    plot_style p = plot_style_series(2, "power law γ = 0.62, R^{2} = 0.991");
    p.marker = PLOT_MARKER_NONE;
    plot_line(f, fx, fp, M, &p);
    plot_style e = plot_style_series(3, "exponential, R^{2} = 0.874");
    e.marker = PLOT_MARKER_NONE;
    e.no_autorange = true; /* runs far below the data: clipped, not rescaling */
    plot_line(f, fx, fe, M, &e);
    plot_note(f, "source: panel v3 · sha256 1f3a…9c2e · tafcard 0.1");
    return f;
}

/* Phase diagram: bands, a curve, reference lines, annotation. */
static plot_figure *demo_phase(void)
{
    plot_figure *f = plot_new(600, 400, "Phase diagram", "γ_{Padé} against evaluation length, θ = 10000");
    plot_axis_x(f, "T_{eval} (tokens)", PLOT_LOG, 512, 1048576);
    plot_axis_y(f, "γ_{Padé}", PLOT_LINEAR, 0.6, 1.3);
    plot_hband(f, -INFINITY, 0.95, plot_band_fill(0), "Phase A");
    plot_hband(f, 0.95, 1.0, plot_band_fill(4), "Hagedorn band");
    plot_hband(f, 1.0, INFINITY, plot_band_fill(1), "Phase B");
    enum { M = 80 };
    double x[M], y[M];
    for (int i = 0; i < M; i++) {
        x[i] = 512 * pow(2048.0, (double)i / (M - 1));
        y[i] = 0.7 + 0.45 / (1 + exp(-(log2(x[i]) - 14.5) * 0.9));
    }
    plot_style s = plot_style_series(0, "γ_{Padé}(T_{eval})");
    s.dash = PLOT_DASH_SOLID;
    plot_line(f, x, y, M, &s);
    plot_vline(f, 4096, NULL, "T_{train} = 4k");
    plot_vline(f, 5500, NULL, "T_{ext}");
    double mx = 32768, my = 1.02;
    plot_style m = plot_style_series(1, "measured γ");
    plot_markers(f, &mx, &my, 1, &m);
    plot_annotate(f, mx, my, "γ = 1.02");
    plot_note(f, "bands: Phase A < 0.95 ≤ Hagedorn ≤ 1 < Phase B");
    return f;
}

/* Memory: KV cache against context with GPU VRAM reference lines. */
static plot_figure *demo_memory(void)
{
    plot_figure *f = plot_new(600, 400, "Memory", "KV cache + weights against context length");
    plot_axis_x(f, "context length (tokens)", PLOT_LINEAR, 0, 131072);
    plot_axis_y(f, "memory (GB)", PLOT_LINEAR, 0, NAN);
    enum { M = 9 };
    double x[M], kv[M], tot[M];
    for (int i = 0; i < M; i++) {
        x[i] = 16384.0 * i;
        kv[i] = x[i] * 0.5e-3 * 0.98;
        tot[i] = kv[i] + 14.2;
    }
    plot_style a = plot_style_series(0, "KV cache");
    plot_line(f, x, kv, M, &a);
    plot_markers(f, x, kv, M, &a);
    plot_style b = plot_style_series(1, "KV + weights");
    plot_line(f, x, tot, M, &b);
    plot_markers(f, x, tot, M, &b);
    plot_hline(f, 24, NULL, "RTX 4090 24 GB");
    plot_hline(f, 40, NULL, "A100 40 GB");
    plot_hline(f, 48, NULL, "L40S 48 GB");
    plot_hline(f, 80, NULL, "H100 80 GB");
    plot_hline(f, 14.2, NULL, "weights 14.2 GB");
    return f;
}

/* Serving cost: horizontal bars with value labels. */
static plot_figure *demo_bars(void)
{
    plot_figure *f = plot_new(600, 300, "Serving cost", "eligible GPUs, X-5, $ per million tokens");
    plot_axis_x(f, "$/Mtok", PLOT_LINEAR, NAN, NAN);
    const char *labels[] = {"H100 SXM 80 GB", "A100 80 GB", "L40S", "RTX 4090", "A10G (too small: n/a)"};
    double v[] = {0.412, 0.587, 0.731, 0.298, NAN};
    const char *t[] = {"$0.41", "$0.59", "$0.73", "$0.30", NULL};
    plot_style s = plot_style_series(0, NULL);
    plot_bars(f, labels, v, t, 5, &s);
    plot_note(f, "prices: catalog 2024-06");
    return f;
}

/* Crowding: a small figure, close reference lines, many series, long
 * texts — labels must not overlap, the legend must not cover data. */
static plot_figure *demo_crowded(void)
{
    plot_figure *f = plot_new(420, 300, "A rather long title that will not fit into a small figure at all",
                              "subtitle with χ^{2}, λ_{max} and ν₀");
    plot_axis_x(f, "context length (tokens)", PLOT_LINEAR, NAN, NAN);
    plot_axis_y(f, "GB", PLOT_LINEAR, NAN, NAN);
    double x[6] = {0, 2e5, 4e5, 6e5, 8e5, 1e6};
    for (int k = 0; k < 5; k++) {
        double y[6];
        for (int i = 0; i < 6; i++)
            y[i] = 10 + 12 * k + i * (6 + k);
        char lab[32];
        snprintf(lab, sizeof lab, "series %d", k + 1);
        plot_style s = plot_style_series(k, lab);
        plot_line(f, x, y, 6, &s);
        plot_markers(f, x, y, 6, &s);
    }
    plot_hline(f, 40, NULL, "A100 40 GB");
    plot_hline(f, 41, NULL, "A6000 41 GB");
    plot_hline(f, 42, NULL, "another 42 GB");
    plot_vline(f, 3e5, NULL, "v1");
    plot_vline(f, 3.1e5, NULL, "v2 long");
    plot_note(f, "a very long note line that certainly runs past the right edge of this small figure");
    return f;
}

typedef plot_figure *(*demo_fn)(void);
static const struct {
    const char *name;
    demo_fn make;
} demos[] = {{"decay", demo_decay}, {"phase", demo_phase}, {"memory", demo_memory}, {"bars", demo_bars},
                {"crowded", demo_crowded}};

/* ---- helpers ----------------------------------------------------------------- */

static char *render_buf(const plot_figure *f, render_format fmt, size_t *len)
{
    char *out = NULL;
    taf_err err = {0};
    bool ok = render_figure_buffer(f, fmt, &out, len, &err);
    cr_assert(ok, "render %d: %s: %s", (int)fmt, err.code, err.message);
    return out;
}

static bool same_bytes(const char *a, size_t la, const char *b, size_t lb)
{
    return la == lb && memcmp(a, b, la) == 0;
}


static const char *label_of(const plot_ticks *t, double v)
{
    for (int i = 0; i < t->n; i++)
        if (v == 0 ? t->t[i].value == 0 : fabs(t->t[i].value - v) <= 1e-9 * fabs(v))
            return t->t[i].major ? t->t[i].label : "(minor)";
    return "(absent)";
}

static int majors(const plot_ticks *t)
{
    int n = 0;
    for (int i = 0; i < t->n; i++)
        n += t->t[i].major;
    return n;
}

/* ---- ticks ------------------------------------------------------------------- */

Test(ticks, linear_0_to_1_steps_by_0_2)
{
    plot_ticks t;
    cr_assert(ticks_linear(0, 1, 5, &t));
    const char *want[] = {"0", "0.2", "0.4", "0.6", "0.8", "1"};
    cr_assert_eq(t.n, 6);
    for (int i = 0; i < 6; i++) {
        cr_expect_str_eq(t.t[i].label, want[i]);
        cr_expect(fabs(t.t[i].value - 0.2 * i) < 1e-12);
    }
}

Test(ticks, linear_nice_steps_are_1_2_5)
{
    cr_expect_float_eq(ticks_nice_step(10, 5), 2, 1e-12);
    cr_expect_float_eq(ticks_nice_step(10, 2), 5, 1e-12);
    cr_expect_float_eq(ticks_nice_step(7, 7), 1, 1e-12);
    cr_expect_float_eq(ticks_nice_step(0.03, 3), 0.01, 1e-15);
    cr_expect_float_eq(ticks_nice_step(300, 4), 100, 1e-9);
}

Test(ticks, log_10_to_2000_labels_decades_with_unlabelled_minors)
{
    plot_ticks t;
    cr_assert(ticks_log(10, 2000, 8, &t));
    cr_expect_eq(majors(&t), 3);
    cr_expect_str_eq(label_of(&t, 10), "10");
    cr_expect_str_eq(label_of(&t, 100), "100");
    cr_expect_str_eq(label_of(&t, 1000), "1000");
    cr_expect_str_eq(label_of(&t, 20), "(minor)");
    cr_expect_str_eq(label_of(&t, 2000), "(minor)");
    cr_expect_str_eq(label_of(&t, 3000), "(absent)");
}

Test(ticks, log_large_axis_uses_k_and_M)
{
    plot_ticks t;
    cr_assert(ticks_log(10, 1e6, 10, &t));
    cr_expect_str_eq(label_of(&t, 1e3), "1k");
    cr_expect_str_eq(label_of(&t, 1e4), "10k");
    cr_expect_str_eq(label_of(&t, 1e5), "100k");
    cr_expect_str_eq(label_of(&t, 1e6), "1M");
    cr_expect_str_eq(label_of(&t, 100), "100");
}

Test(ticks, log_short_range_labels_2_and_5)
{
    plot_ticks t;
    cr_assert(ticks_log(1, 60, 10, &t));
    cr_expect_str_eq(label_of(&t, 1), "1");
    cr_expect_str_eq(label_of(&t, 2), "2");
    cr_expect_str_eq(label_of(&t, 5), "5");
    cr_expect_str_eq(label_of(&t, 20), "20");
    cr_expect_str_eq(label_of(&t, 50), "50");
    cr_expect_str_eq(label_of(&t, 3), "(minor)");
}

Test(ticks, log_many_decades_are_thinned_and_small_values_use_powers)
{
    plot_ticks t;
    cr_assert(ticks_log(1e-12, 1e12, 6, &t));
    cr_expect(majors(&t) <= 7, "%d labelled", majors(&t));
    cr_expect(majors(&t) >= 3);
    cr_expect_str_eq(label_of(&t, 1e-10), "10⁻¹⁰");
    cr_expect_str_eq(label_of(&t, 1e-12), "(minor)");
    cr_expect_str_eq(label_of(&t, 1), "1");
    plot_ticks u;
    cr_assert(ticks_log(1e-3, 1, 8, &u));
    cr_expect_str_eq(label_of(&u, 1e-3), "0.001");
    cr_expect_str_eq(label_of(&u, 0.01), "0.01");
    /* reaching below 1e-3: all values under 1 alike, as powers */
    cr_assert(ticks_log(1e-7, 1, 10, &u));
    cr_expect_str_eq(label_of(&u, 0.1), "10⁻¹");
    cr_expect_str_eq(label_of(&u, 1e-4), "10⁻⁴");
    cr_expect_str_eq(label_of(&u, 1), "1");
}

Test(ticks, log_under_a_decade_falls_back_to_linear_values)
{
    plot_ticks t;
    cr_assert(ticks_log(300, 900, 3, &t));
    cr_expect(majors(&t) >= 2);
    for (int i = 0; i < t.n; i++)
        cr_expect(t.t[i].value >= 300 && t.t[i].value <= 900);
}

Test(ticks, negative_ranges_have_no_minus_zero)
{
    plot_ticks t;
    cr_assert(ticks_linear(-5, 5, 5, &t));
    cr_expect_str_eq(label_of(&t, 0), "0");
    cr_expect_str_eq(label_of(&t, -4), "-4");
    for (int i = 0; i < t.n; i++)
        cr_expect(strcmp(t.t[i].label, "-0") != 0);
    cr_assert(ticks_linear(-1.3, -0.1, 6, &t));
    cr_expect_str_eq(label_of(&t, -1.2), "-1.2");
    cr_expect_str_eq(label_of(&t, -0.2), "-0.2");
    char b[32];
    ticks_format_linear(-0.0, 0.1, 1, b, sizeof b);
    cr_expect_str_eq(b, "0");
    ticks_format_linear(-1e-17, 0.2, 1, b, sizeof b);
    cr_expect_str_eq(b, "0");
    ticks_format_value(-0.0, 3, b, sizeof b);
    cr_expect_str_eq(b, "0");
    ticks_format_value(-0.0000001, 3, b, sizeof b);
    cr_expect_str_eq(b, "-1×10⁻⁷");
}

Test(ticks, tiny_ranges_get_distinct_increasing_labels)
{
    plot_ticks t;
    cr_assert(ticks_linear(1.0, 1.0001, 5, &t));
    cr_expect(t.n >= 3);
    for (int i = 1; i < t.n; i++) {
        cr_expect(t.t[i].value > t.t[i - 1].value);
        cr_expect(strcmp(t.t[i].label, t.t[i - 1].label) != 0, "%s", t.t[i].label);
    }
    cr_expect_str_eq(label_of(&t, 1.00002), "1.00002");
    cr_assert(ticks_linear(0, 2e-6, 4, &t));
    cr_expect_str_eq(label_of(&t, 1e-6), "1×10⁻⁶");
    cr_expect_str_eq(label_of(&t, 0), "0");
    /* degenerate: lo == hi is widened, not an error */
    cr_assert(ticks_linear(3, 3, 5, &t));
    cr_expect(t.n >= 2);
}

Test(ticks, large_linear_values_use_suffixes)
{
    plot_ticks t;
    cr_assert(ticks_linear(0, 131072, 5, &t));
    cr_expect_str_eq(label_of(&t, 20000), "20k");
    cr_expect_str_eq(label_of(&t, 100000), "100k");
    cr_assert(ticks_linear(0, 2.5e9, 5, &t));
    cr_expect_str_eq(label_of(&t, 5e8), "0.5G");
    cr_expect_str_eq(label_of(&t, 2e9), "2G");
}

Test(ticks, values_for_people)
{
    char b[32];
    ticks_format_value(0.4237, 3, b, sizeof b);
    cr_expect_str_eq(b, "0.424");
    ticks_format_value(12345, 3, b, sizeof b);
    cr_expect_str_eq(b, "12.3k");
    ticks_format_value(999999, 3, b, sizeof b);
    cr_expect_str_eq(b, "1M");
    ticks_format_value(1234, 3, b, sizeof b);
    cr_expect_str_eq(b, "1234");
    ticks_format_value(0.5, 3, b, sizeof b);
    cr_expect_str_eq(b, "0.5");
    ticks_format_value(NAN, 3, b, sizeof b);
    cr_expect_str_eq(b, "n/a");
    ticks_format_value(4.2e-5, 2, b, sizeof b);
    cr_expect_str_eq(b, "4.2×10⁻⁵");
}

Test(ticks, invalid_bounds_are_refused)
{
    plot_ticks t;
    cr_expect_not(ticks_linear(NAN, 1, 5, &t));
    cr_expect_not(ticks_linear(2, 1, 5, &t));
    cr_expect_not(ticks_log(0, 10, 5, &t));
    cr_expect_not(ticks_log(-1, 10, 5, &t));
    cr_expect_not(ticks_log(10, INFINITY, 5, &t));
    cr_expect_eq(t.n, 0);
}

/* ---- determinism ---------------------------------------------------------- */

Test(plot, two_identical_figures_in_one_process_give_identical_bytes)
{
    for (size_t d = 0; d < sizeof demos / sizeof demos[0]; d++) {
        for (int fmt = RENDER_SVG; fmt <= RENDER_PDF; fmt++) {
            plot_figure *a = demos[d].make(), *b = demos[d].make();
            size_t la, lb;
            char *ba = render_buf(a, fmt, &la);
            char *bb = render_buf(b, fmt, &lb);
            /* a third render of the first figure too: cairo's counters have moved on */
            size_t lc;
            char *bc = render_buf(a, fmt, &lc);
            cr_expect(same_bytes(ba, la, bb, lb), "%s format %d differs between two figures", demos[d].name, fmt);
            cr_expect(same_bytes(ba, la, bc, lc), "%s format %d differs between renders", demos[d].name, fmt);
            free(ba);
            free(bb);
            free(bc);
            plot_free(a);
            plot_free(b);
        }
    }
}

/* Render in a forked child (a fresh process: fresh cairo counters, a later
 * clock) and compare with the parent's bytes. */
static char *render_in_child(demo_fn make, render_format fmt, size_t *len)
{
    int fd[2];
    cr_assert(pipe(fd) == 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        sleep(1); /* a different second on the clock */
        plot_figure *f = make();
        char *out = NULL;
        size_t n = 0;
        taf_err err;
        if (!render_figure_buffer(f, fmt, &out, &n, &err))
            _exit(3);
        for (size_t o = 0; o < n;) {
            ssize_t w = write(fd[1], out + o, n - o);
            if (w <= 0)
                _exit(4);
            o += (size_t)w;
        }
        _exit(0);
    }
    close(fd[1]);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    ssize_t r;
    while ((r = read(fd[0], buf + n, cap - n)) > 0) {
        n += (size_t)r;
        if (n == cap)
            buf = realloc(buf, cap *= 2);
    }
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child render failed");
    *len = n;
    return buf;
}

Test(plot, bytes_are_identical_across_processes_with_source_date_epoch)
{
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    for (int fmt = RENDER_SVG; fmt <= RENDER_PDF; fmt++) {
        plot_figure *f = demo_decay();
        size_t la, lb;
        char *a = render_buf(f, fmt, &la);
        char *b = render_in_child(demo_decay, fmt, &lb);
        cr_expect(same_bytes(a, la, b, lb), "format %d differs across processes", fmt);
        free(a);
        free(b);
        plot_free(f);
    }
}

static bool mem_contains(const char *h, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(h + i, needle, k) == 0)
            return true;
    return false;
}

Test(plot, pdf_dates_come_from_source_date_epoch_or_are_fixed)
{
    plot_figure *f = demo_bars();
    size_t l1, l2, l3;
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1); /* 2023-11-14T22:13:20Z */
    char *a = render_buf(f, RENDER_PDF, &l1);
    cr_expect(mem_contains(a, l1, "20231114221320"), "the PDF carries SOURCE_DATE_EPOCH");
    cr_expect(mem_contains(a, l1, "/Creator (tafcard)"));
    cr_expect(mem_contains(a, l1, "/Title (Serving cost)"));
    setenv("SOURCE_DATE_EPOCH", "1700000001", 1);
    char *b = render_buf(f, RENDER_PDF, &l2);
    cr_expect_not(same_bytes(a, l1, b, l2), "the date is part of the bytes");
    unsetenv("SOURCE_DATE_EPOCH");
    char *c = render_buf(f, RENDER_PDF, &l3);
    cr_expect(mem_contains(c, l3, "20000101000000"), "fixed date without SOURCE_DATE_EPOCH");
    free(a);
    free(b);
    free(c);

    setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
    char *out = NULL;
    size_t n;
    taf_err err = {0};
    cr_expect_not(render_figure_buffer(f, RENDER_PDF, &out, &n, &err));
    cr_expect_str_eq(err.code, "render-date");
    cr_expect_null(out);
    plot_free(f);
}

/* Make a German locale available even where none is installed: glibc
 * reads compiled locales from $LOCPATH. */
static bool german_locale(char **locdir)
{
    *locdir = NULL;
    const char *names[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE"};
    for (size_t i = 0; i < 3; i++)
        if (setlocale(LC_ALL, names[i]))
            return true;
    char *d = test_tmpdir("tafplot");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 '%s/de_DE.UTF-8' >/dev/null 2>&1", d);
    if (system(cmd) != 0) {
        test_rmtree(d);
        free(d);
        return false;
    }
    setenv("LOCPATH", d, 1);
    *locdir = d;
    return setlocale(LC_ALL, "de_DE.UTF-8") != NULL;
}

Test(plot, german_locale_does_not_change_any_bytes)
{
    size_t n0[3][5], n1;
    char *c_bytes[3][5];
    for (int fmt = RENDER_SVG; fmt <= RENDER_PDF; fmt++)
        for (size_t d = 0; d < 5; d++) {
            plot_figure *f = demos[d].make();
            c_bytes[fmt][d] = render_buf(f, fmt, &n0[fmt][d]);
            plot_free(f);
        }
    char *locdir;
    if (!german_locale(&locdir))
        cr_skip_test("no de_DE locale and localedef failed");
    cr_assert_str_eq(localeconv()->decimal_point, ",", "the locale must really use a decimal comma");
    char probe[16];
    snprintf(probe, sizeof probe, "%.1f", 0.5);
    cr_assert_str_eq(probe, "0,5");
    for (int fmt = RENDER_SVG; fmt <= RENDER_PDF; fmt++)
        for (size_t d = 0; d < 5; d++) {
            plot_figure *f = demos[d].make();
            char *b = render_buf(f, fmt, &n1);
            cr_expect(same_bytes(c_bytes[fmt][d], n0[fmt][d], b, n1), "%s format %d changes under de_DE",
                      demos[d].name, fmt);
            free(b);
            free(c_bytes[fmt][d]);
            plot_free(f);
        }
    plot_ticks t;
    ticks_linear(0, 1, 5, &t);
    cr_expect_str_eq(t.t[1].label, "0.2");
    setlocale(LC_ALL, "C");
    if (locdir) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", locdir);
        cr_expect(system(cmd) == 0);
        free(locdir);
    }
}

/* ---- formats ------------------------------------------------------------------ */

static unsigned be32(const unsigned char *p)
{
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
}

Test(plot, png_is_twice_the_nominal_size)
{
    char *d = test_tmpdir("tafplot");
    char path[256];
    snprintf(path, sizeof path, "%s/bars.png", d);
    plot_figure *f = demo_bars(); /* 600 x 300 */
    taf_err err;
    cr_assert(render_png(f, path, 2.0, &err), "%s", err.message);
    char *data;
    size_t n;
    cr_assert(render_read_file(path, &data, &n, &err));
    cr_assert(n > 24 && memcmp(data, "\x89PNG\r\n\x1a\n", 8) == 0 && memcmp(data + 12, "IHDR", 4) == 0);
    cr_expect_eq(be32((unsigned char *)data + 16), 1200);
    cr_expect_eq(be32((unsigned char *)data + 20), 600);
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    cr_expect_eq(cairo_image_surface_get_width(s), 1200);
    cr_expect_eq(cairo_image_surface_get_height(s), 600);
    cairo_surface_destroy(s);
    /* by extension: .png is 2× as well */
    cr_assert(render_figure(f, path, &err), "%s", err.message);
    s = cairo_image_surface_create_from_png(path);
    cr_expect_eq(cairo_image_surface_get_width(s), 1200);
    cairo_surface_destroy(s);
    free(data);
    plot_free(f);
    test_rmtree(d);
    free(d);
}

Test(plot, svg_parses_as_xml_with_title_desc_and_resolvable_references)
{
    plot_figure *f = demo_phase();
    plot_set_id_prefix(f, "phase-");
    size_t n;
    char *svg = render_buf(f, RENDER_SVG, &n);
    xmlDocPtr doc = xmlReadMemory(svg, (int)n, "x.svg", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR);
    cr_assert_not_null(doc, "SVG parses");
    xmlNodePtr root = xmlDocGetRootElement(doc);
    cr_assert_str_eq((const char *)root->name, "svg");
    xmlNodePtr first = root->children;
    while (first && first->type != XML_ELEMENT_NODE)
        first = first->next;
    cr_assert_not_null(first);
    cr_expect_str_eq((const char *)first->name, "title");
    xmlChar *title = xmlNodeGetContent(first);
    cr_expect_str_eq((const char *)title, "Phase diagram");
    xmlFree(title);
    xmlChar *role = xmlGetProp(root, (const xmlChar *)"role");
    cr_expect_str_eq((const char *)role, "img");
    xmlFree(role);
    cr_expect(strstr(svg, "<desc id=\"phase-desc\">γ Padé against evaluation length, θ = 10000</desc>") != NULL);
    cr_expect(strstr(svg, "aria-labelledby=\"phase-title phase-desc\"") != NULL);
    cr_expect(strstr(svg, "width=\"600px\"") != NULL, "px units for the web");
    /* every reference points at an id that exists */
    int refs = 0;
    for (const char *p = svg; (p = strstr(p, "#phase-")) != NULL; p++) {
        char id[64];
        size_t k = 0;
        p++;
        while (p[k] && p[k] != '"' && p[k] != ')' && k < sizeof id - 1) {
            id[k] = p[k];
            k++;
        }
        id[k] = '\0';
        char want[96];
        snprintf(want, sizeof want, "id=\"%s\"", id);
        cr_expect(strstr(svg, want) != NULL, "dangling reference #%s", id);
        refs++;
    }
    cr_expect(refs > 10, "glyph and clip references were rewritten (%d)", refs);
    cr_expect(strstr(svg, "surface") == NULL && strstr(svg, "glyph") == NULL, "no cairo counter ids remain");
    xmlFreeDoc(doc);
    free(svg);
    plot_free(f);
}

Test(plot, pdf_starts_like_a_pdf_and_has_one_page)
{
    plot_figure *f = demo_memory();
    size_t n;
    char *pdf = render_buf(f, RENDER_PDF, &n);
    cr_expect(n > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
    cr_expect(mem_contains(pdf, n, "/Count 1"));
    free(pdf);
    plot_free(f);
}

/* ---- data hygiene ---------------------------------------------------------- */

Test(plot, non_finite_and_nonpositive_log_values_are_skipped)
{
    /* the same markers with junk interleaved draw exactly the same chart */
    double cx[] = {1, 10, 100}, cy[] = {2, 20, 3};
    double jx[] = {1, NAN, 10, INFINITY, 100, -5, 0, 7}, jy[] = {2, 5, 20, 5, 3, 5, 5, -INFINITY};
    plot_figure *clean = plot_new(400, 300, "t", NULL), *junk = plot_new(400, 300, "t", NULL);
    plot_figure *figs[2] = {clean, junk};
    for (int i = 0; i < 2; i++) {
        plot_axis_x(figs[i], "x", PLOT_LOG, NAN, NAN);
        plot_axis_y(figs[i], "y", PLOT_LOG, NAN, NAN);
        plot_style s = plot_style_series(0, "pts");
        if (i == 0)
            plot_markers(figs[i], cx, cy, 3, &s);
        else
            plot_markers(figs[i], jx, jy, 8, &s);
    }
    cr_expect_eq(plot_data_count(junk), 3);
    size_t la, lb;
    char *a = render_buf(clean, RENDER_SVG, &la);
    char *b = render_buf(junk, RENDER_SVG, &lb);
    cr_expect(same_bytes(a, la, b, lb), "skipped values leave no trace");
    free(a);
    free(b);

    /* everything at once: no crash, a chart comes out */
    double nx[] = {NAN, INFINITY, -INFINITY, 1e308, -1e308, 1, 2};
    double ny[] = {1, 2, 3, 1e308, NAN, INFINITY, 0.5};
    double lo[] = {NAN, 0, -1, 1, 2, 3, 0.1}, hi[] = {INFINITY, 1, 2, NAN, 3, 4, 1};
    plot_figure *f = plot_new(600, 400, "junk", "all of it");
    plot_style s = plot_style_series(0, "line");
    plot_line(f, nx, ny, 7, &s);
    plot_markers(f, nx, ny, 7, &s);
    plot_errorbars(f, nx, ny, lo, hi, 7, &s);
    cr_expect_not(plot_hline(f, NAN, NULL, "nan line"));
    cr_expect_not(plot_hband(f, NAN, 1, plot_band_fill(0), "nan band"));
    plot_hband(f, -INFINITY, INFINITY, plot_band_fill(1), "everything");
    plot_vband(f, -INFINITY, 1.5, plot_band_fill(2), "left");
    plot_annotate(f, NAN, 1, "lost");
    const char *bl[] = {"a", "b"};
    double bv[] = {NAN, INFINITY};
    plot_figure *bars = plot_new(600, 200, "bars", NULL);
    plot_bars(bars, bl, bv, NULL, 2, NULL);
    for (int fmt = RENDER_SVG; fmt <= RENDER_PDF; fmt++) {
        char *o = render_buf(f, fmt, &la);
        free(o);
        o = render_buf(bars, fmt, &la);
        free(o);
    }
    plot_free(f);
    plot_free(bars);

    /* the same on log axes, where 0 and negatives are junk too */
    f = plot_new(600, 400, "log junk", NULL);
    plot_axis_x(f, "x", PLOT_LOG, NAN, NAN);
    plot_axis_y(f, "y", PLOT_LOG, NAN, NAN);
    plot_line(f, nx, ny, 7, &s);
    plot_errorbars(f, nx, ny, lo, hi, 7, &s);
    char *o = render_buf(f, RENDER_PNG, &la);
    free(o);
    plot_free(f);
    plot_free(clean);
    plot_free(junk);
}

Test(plot, empty_figure_renders_and_reports_no_data)
{
    plot_figure *f = plot_new(600, 400, NULL, NULL);
    cr_expect_eq(plot_data_count(f), 0);
    size_t n;
    char *o = render_buf(f, RENDER_SVG, &n);
    cr_expect(strstr(o, "<title id=\"stitle\">Chart</title>") != NULL);
    free(o);
    plot_free(f);
}

Test(plot, bad_axis_ranges_are_refused)
{
    plot_figure *f = plot_new(600, 400, "t", NULL);
    cr_expect_not(plot_axis_x(f, "x", PLOT_LOG, 0, 10));
    cr_expect_not(plot_axis_x(f, "x", PLOT_LINEAR, 5, 5));
    cr_expect_not(plot_axis_y(f, "y", PLOT_LINEAR, INFINITY, NAN));
    cr_expect(plot_axis_y(f, "y", PLOT_LINEAR, 0, NAN));
    cr_expect_not(plot_set_id_prefix(f, "9bad"));
    cr_expect_not(plot_set_id_prefix(f, "a b"));
    cr_expect(plot_set_id_prefix(f, "decay-"));
    plot_free(f);
}

Test(plot, auto_range_pads_linear_and_snaps_log_to_decades)
{
    double v[] = {12, NAN, 1800, -3};
    double lo, hi;
    cr_assert(plot_auto_range(v, 4, PLOT_LOG, &lo, &hi));
    cr_expect_float_eq(lo, 10, 1e-9);
    cr_expect_float_eq(hi, 10000, 1e-6);
    double w[] = {0, 10};
    cr_assert(plot_auto_range(w, 2, PLOT_LINEAR, &lo, &hi));
    cr_expect_float_eq(lo, -0.5, 1e-12);
    cr_expect_float_eq(hi, 10.5, 1e-12);
    double z[] = {NAN, -1};
    cr_expect_not(plot_auto_range(z, 2, PLOT_LOG, &lo, &hi));
}

Test(plot, markup_strips_to_plain_text)
{
    char b[64];
    plot_markup_plain("γ_{Padé} and R^{2} and a_b", b, sizeof b);
    cr_expect_str_eq(b, "γ Padé and R^2 and a_b");
    plot_markup_plain("γγγγ", b, 4); /* never cuts a UTF-8 sequence */
    cr_expect_str_eq(b, "γ");
    plot_markup_plain("γγ", b, 3); /* a complete last character stays */
    cr_expect_str_eq(b, "γ");
    plot_markup_plain("aγγ", b, 5); /* 5 bytes + NUL do not fit */
    cr_expect_str_eq(b, "aγ");
    plot_markup_plain("aγγ", b, 6);
    cr_expect_str_eq(b, "aγγ");
}

/* ---- files --------------------------------------------------------------------- */

static bool failing_draw(cairo_t *cr, void *user, taf_err *err)
{
    (void)cr;
    (void)user;
    return taf_fail(err, "test-fail", NULL, "deliberate");
}

Test(plot, a_failed_render_leaves_the_old_file_and_no_temp_files)
{
    char *d = test_tmpdir("tafplot");
    char path[256];
    snprintf(path, sizeof path, "%s/chart.svg", d);
    FILE *fp = fopen(path, "w");
    fputs("old", fp);
    fclose(fp);
    taf_err err = {0};
    for (int fmt = RENDER_SVG; fmt <= RENDER_PDF; fmt++) {
        cr_expect_not(render_to(fmt, path, 100, 100, NULL, failing_draw, NULL, &err));
        cr_expect_str_eq(err.code, "test-fail");
    }
    char *data;
    size_t n;
    cr_assert(render_read_file(path, &data, &n, &err));
    cr_expect_str_eq(data, "old");
    free(data);
    cr_expect_eq(test_count_entries(d), 1);
    char bad[300];
    snprintf(bad, sizeof bad, "%s/missing-dir/chart.svg", d);
    plot_figure *f = demo_bars();
    cr_expect_not(render_svg(f, bad, &err));
    cr_expect_str_eq(err.code, "write");
    cr_expect_not(render_figure(f, "chart.gif", &err));
    cr_expect_str_eq(err.code, "render-format");
    /* a successful write replaces the file with mode 0644 */
    cr_assert(render_svg(f, path, &err), "%s", err.message);
    struct stat st;
    cr_assert(stat(path, &st) == 0);
    cr_expect_eq(st.st_mode & 0777, 0644);
    cr_expect_eq(test_count_entries(d), 1);
    plot_free(f);
    test_rmtree(d);
    free(d);
}

/* A composed page: two figures and text at given rectangles (the shape of
 * the one-page PDF card). */
typedef struct {
    plot_figure *a, *b;
} page;

static bool draw_page(cairo_t *cr, void *user, taf_err *err)
{
    page *p = user;
    plot_cairo_setup(cr);
    plot_text(cr, "TAF Card — demo-model-7b", 36, 50, 20, true, PLOT_ALIGN_LEFT, PLOT_INK);
    plot_text_fit(cr, "γ_{Padé} = 0.97 · Hagedorn band · a very long provenance line that must be shortened", 36,
                  800, 11, false, PLOT_ALIGN_LEFT, PLOT_INK_SOFT, 300);
    if (!plot_render_in(p->a, cr, 36, 80, 523, 330) || !plot_render_in(p->b, cr, 36, 430, 523, 330))
        return taf_fail(err, "render-draw", NULL, "figure failed");
    return true;
}

Test(plot, composed_pdf_page_is_deterministic)
{
    setenv("SOURCE_DATE_EPOCH", "0", 1);
    page p = {demo_decay(), demo_phase()};
    render_opts o = {"TAF Card", NULL, NULL, 0};
    char *a, *b;
    size_t la, lb;
    taf_err err;
    cr_assert(render_to_buffer(RENDER_PDF, 595, 842, &o, draw_page, &p, &a, &la, &err), "%s", err.message);
    cr_assert(render_to_buffer(RENDER_PDF, 595, 842, &o, draw_page, &p, &b, &lb, &err), "%s", err.message);
    cr_expect(same_bytes(a, la, b, lb));
    cr_expect(mem_contains(a, la, "19700101000000"));
    free(a);
    free(b);
    if (getenv("PLOT_DEMO_DIR")) {
        char path[512];
        mkdir(getenv("PLOT_DEMO_DIR"), 0755);
        snprintf(path, sizeof path, "%s/demo_page.pdf", getenv("PLOT_DEMO_DIR"));
        cr_expect(render_to(RENDER_PDF, path, 595, 842, &o, draw_page, &p, &err), "%s", err.message);
        snprintf(path, sizeof path, "%s/demo_page.png", getenv("PLOT_DEMO_DIR"));
        o.scale = 1.0;
        cr_expect(render_to(RENDER_PNG, path, 595, 842, &o, draw_page, &p, &err), "%s", err.message);
    }
    plot_free(p.a);
    plot_free(p.b);
}

/* ---- the demo: writes pictures to look at --------------------------------------- */

Test(plot, demo_writes_pictures_when_asked)
{
    const char *dir = getenv("PLOT_DEMO_DIR");
    if (!dir)
        cr_skip_test("set PLOT_DEMO_DIR to write the demo pictures");
    mkdir(dir, 0755);
    for (size_t d = 0; d < sizeof demos / sizeof demos[0]; d++) {
        plot_figure *f = demos[d].make();
        const char *ext[] = {"svg", "png", "pdf"};
        for (int i = 0; i < 3; i++) {
            char path[512];
            snprintf(path, sizeof path, "%s/demo_%s.%s", dir, demos[d].name, ext[i]);
            taf_err err;
            cr_expect(render_figure(f, path, &err), "%s: %s", path, err.message);
        }
        plot_free(f);
    }
}

/* ---- cached text advances ---------------------------------------------------- */

/* cairo's own advance of a markup-free run on a fresh context. */
static double cairo_advance(double scale, bool bold, double size, const char *text)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 8, 8);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, scale, scale);
    plot_cairo_setup(cr);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, size);
    cairo_text_extents_t te;
    cairo_text_extents(cr, text, &te);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return te.x_advance;
}

static double cached_advance(double scale, bool bold, double size, const char *text)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 8, 8);
    cairo_t *cr = cairo_create(s);
    cairo_scale(cr, scale, scale);
    plot_cairo_setup(cr);
    double w = plot_text_width(cr, text, size, bold);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return w;
}

Test(plot, text_widths_from_the_cache_equal_cairos_for_every_face_size_and_scale)
{
    /* the same texts measured in another face, size or scale first must
     * not answer for these: each combination is its own entry */
    static const char *const texts[] = {"γ = 0.977", "10", "token distance d", "T", "Wide WWW"};
    static const double scales[] = {1.0, 2.0, 1.5};
    static const double sizes[] = {11, 15, 7.92};
    plot_release_thread_cache();
    for (int pass = 0; pass < 2; pass++) /* cold, then warm */
        for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++)
            for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++)
                for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++)
                    for (int b = 0; b < 2; b++) {
                        double want = cairo_advance(scales[k], b, sizes[z], texts[t]);
                        double got = cached_advance(scales[k], b, sizes[z], texts[t]);
                        cr_expect(got == want, "pass %d '%s' scale %g size %g bold %d: %.17g != %.17g",
                                  pass, texts[t], scales[k], sizes[z], b, got, want);
                    }
}

Test(plot, text_widths_stay_right_after_the_cache_fills_up)
{
    /* more distinct texts than the cache holds: it starts over, and
     * every answer is still cairo's */
    plot_release_thread_cache();
    char text[32];
    for (int i = 0; i < 9000; i++) {
        snprintf(text, sizeof text, "label %d", i);
        double got = cached_advance(1.0, false, 11, text);
        if (i % 997 == 0 || i > 8990)
            cr_assert(got == cairo_advance(1.0, false, 11, text), "'%s'", text);
    }
    cr_expect(cached_advance(2.0, true, 11, "label 3") == cairo_advance(2.0, true, 11, "label 3"));
}

/* ---- digest ------------------------------------------------------------------ */

/* A figure using every kind of record; `change` alters one recorded value
 * (0: none). */
static plot_figure *digest_figure(int change)
{
    plot_figure *f = plot_new(change == 1 ? 601 : 600, 400, change == 2 ? "T!" : "T", "sub");
    plot_axis_x(f, change == 3 ? "x'" : "x", change == 4 ? PLOT_LINEAR : PLOT_LOG, NAN, NAN);
    plot_axis_y(f, "y", PLOT_LINEAR, change == 5 ? -1 : 0, 1);
    double xs[3] = {1, 10, 100}, ys[3] = {0.1, 0.5, change == 6 ? 0.9000000000000001 : 0.9};
    double lo[3] = {0.05, 0.4, 0.8}, hi[3] = {0.15, 0.6, change == 7 ? 1.01 : 1.0};
    plot_style s0 = plot_style_series(0, change == 8 ? "a2" : "a");
    if (change == 9)
        s0.line_width = 2.5;
    if (change == 10)
        s0.color.g += 1.0 / 255;
    if (change == 11)
        s0.dash = PLOT_DASH_DOTTED;
    plot_line(f, xs, ys, change == 12 ? 2 : 3, &s0);
    plot_style s1 = plot_style_series(1, "b");
    if (change == 13)
        s1.marker = PLOT_MARKER_DIAMOND;
    if (change == 14)
        s1.marker_open = true;
    if (change == 15)
        s1.marker_size = 9;
    if (change == 16)
        s1.no_autorange = true;
    plot_markers(f, xs, ys, 3, &s1);
    plot_errorbars(f, xs, ys, lo, hi, 3, &s1);
    plot_hband(f, 0.2, change == 17 ? 0.31 : 0.3, PLOT_RGB(200, 200, 200), "band");
    plot_vband(f, 2, 3, change == 18 ? PLOT_RGB(200, 200, 201) : PLOT_RGB(200, 200, 200), NULL);
    plot_hline(f, 0.7, NULL, change == 19 ? "line 2" : "line");
    plot_vline(f, change == 20 ? 51 : 50, NULL, NULL);
    plot_annotate(f, 10, 0.5, change == 21 ? "here." : "here");
    if (change == 22)
        plot_legend(f, PLOT_LEGEND_BELOW);
    plot_note(f, change == 23 ? "note 2" : "note");
    plot_set_desc(f, change == 24 ? "desc 2" : "desc");
    plot_set_id_prefix(f, change == 25 ? "q" : "p");
    if (change == 26)
        plot_markers(f, xs, ys, 0, &s1); /* an empty series is still a record */
    return f;
}

static void digest_of(plot_figure *f, char out[TAF_SHA256_HEX_SIZE])
{
    taf_sha256 *h = taf_sha256_new();
    cr_assert_not_null(h);
    cr_assert(plot_digest(f, h));
    cr_assert(taf_sha256_finish(h, out));
    plot_free(f);
}

Test(plot, the_digest_is_the_same_for_the_same_records_and_changes_with_any_of_them)
{
    char base[TAF_SHA256_HEX_SIZE], again[TAF_SHA256_HEX_SIZE];
    digest_of(digest_figure(0), base);
    digest_of(digest_figure(0), again);
    cr_expect_str_eq(base, again);
    for (int change = 1; change <= 26; change++) {
        char d[TAF_SHA256_HEX_SIZE];
        digest_of(digest_figure(change), d);
        cr_expect_str_neq(d, base, "change %d left the digest as it was", change);
    }
}

Test(plot, bars_take_part_in_the_digest)
{
    const char *labels[2] = {"A100", "H100"};
    const char *texts[2] = {"$1", "$2"};
    double v[2] = {1, 2}, w[2] = {1, 2.5};
    char d[3][TAF_SHA256_HEX_SIZE];
    for (int k = 0; k < 3; k++) {
        plot_figure *f = plot_new(600, 400, "bars", NULL);
        plot_style s = plot_style_series(0, NULL);
        plot_bars(f, labels, k == 1 ? w : v, k == 2 ? NULL : texts, 2, &s);
        digest_of(f, d[k]);
    }
    cr_expect_str_neq(d[0], d[1], "a bar's value");
    cr_expect_str_neq(d[0], d[2], "a bar's text");
}
