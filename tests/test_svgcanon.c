/* The SVG canonicaliser: stable ids, rewritten references, accessibility
 * metadata, safe parsing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-svg.h>
#include <cairo.h>
#include <criterion/criterion.h>

#include "render/plot.h"
#include "render/surface.h"
#include "render/svgcanon.h"

static void release_caches(void)
{
    plot_shutdown(); /* cairo's font caches, so LeakSanitizer sees a clean exit */
}

TestSuite(svgcanon, .fini = release_caches);

static char *canon(const char *svg, const char *title, const char *desc, const char *prefix, taf_err *err)
{
    svg_canon_opts o = {title, desc, prefix};
    char *out = NULL;
    size_t n = 0;
    if (!svg_canonicalize_buffer(svg, strlen(svg), &o, &out, &n, err))
        return NULL;
    cr_assert_eq(strlen(out), n);
    return out;
}

#define HEAD "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"10\">"

Test(svgcanon, renumbers_ids_in_document_order_and_rewrites_every_reference)
{
    const char *in = HEAD "<defs><clipPath id=\"clip7\"><rect/></clipPath>"
                          "<symbol id=\"glyph3-2\"><path/></symbol><mask id=\"mask9\"/></defs>"
                          "<g id=\"surface42\" clip-path=\"url(#clip7)\" mask=\"url(#mask9)\">"
                          "<use xlink:href=\"#glyph3-2\"/><use href=\"#glyph3-2\"/>"
                          "<rect style=\"fill:url(#clip7);stroke:url(#nope)\"/></g>"
                          "<use xlink:href=\"#surface42\"/><a href=\"http://x/#clip7\"/></svg>";
    taf_err err;
    char *out = canon(in, "T", "D", NULL, &err);
    cr_assert_not_null(out, "%s", err.message);
    cr_expect(strstr(out, "<clipPath id=\"s0\">") != NULL, "%s", out);
    cr_expect(strstr(out, "<symbol id=\"s1\">") != NULL);
    cr_expect(strstr(out, "<mask id=\"s2\"/>") != NULL);
    cr_expect(strstr(out, "<g id=\"s3\" clip-path=\"url(#s0)\" mask=\"url(#s2)\">") != NULL, "%s", out);
    cr_expect(strstr(out, "<use xlink:href=\"#s1\"/><use href=\"#s1\"/>") != NULL, "%s", out);
    cr_expect(strstr(out, "style=\"fill:url(#s0);stroke:url(#nope)\"") != NULL, "unknown refs kept: %s", out);
    cr_expect(strstr(out, "<use xlink:href=\"#s3\"/>") != NULL);
    cr_expect(strstr(out, "href=\"http://x/#clip7\"") != NULL, "external links untouched");
    cr_expect(strstr(out, "clip7") == strstr(out, "http://x/#clip7") + 10, "no other old id remains");
    free(out);
}

Test(svgcanon, adds_title_desc_role_and_labelledby)
{
    taf_err err;
    char *out = canon(HEAD "<g/></svg>", "Decay <&> \"γ\"", "two corpora", "decay-", &err);
    cr_assert_not_null(out, "%s", err.message);
    cr_expect(strstr(out, "role=\"img\" aria-labelledby=\"decay-title decay-desc\">\n"
                          "<title id=\"decay-title\">Decay &lt;&amp;&gt; \"γ\"</title>\n"
                          "<desc id=\"decay-desc\">two corpora</desc><g/>") != NULL,
              "%s", out);
    cr_expect(strncmp(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 39) == 0);
    free(out);
    out = canon(HEAD "<g/></svg>", NULL, NULL, NULL, &err);
    cr_assert_not_null(out);
    cr_expect(strstr(out, "aria-labelledby=\"stitle\">\n<title id=\"stitle\">Chart</title><g/>") != NULL, "%s", out);
    cr_expect(strstr(out, "<desc") == NULL);
    free(out);
}

Test(svgcanon, is_idempotent)
{
    const char *in = HEAD "\n<defs>\n<symbol id=\"glyph0-1\"/>\n</defs>\n<use xlink:href=\"#glyph0-1\"/>\n</svg>\n";
    taf_err err;
    char *a = canon(in, "T", "D", NULL, &err);
    cr_assert_not_null(a, "%s", err.message);
    char *b = canon(a, "T", "D", NULL, &err);
    cr_assert_not_null(b, "%s", err.message);
    cr_expect_str_eq(a, b);
    char *c = canon(a, "T2", NULL, NULL, &err);
    cr_assert_not_null(c);
    cr_expect(strstr(c, "<title id=\"stitle\">T2</title>") != NULL);
    cr_expect(strstr(c, ">T<") == NULL && strstr(c, "<desc") == NULL, "old title/desc replaced: %s", c);
    free(a);
    free(b);
    free(c);
}

static void draw_something(cairo_t *cr)
{
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_rectangle(cr, 10, 10, 50, 50);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 1, 0, 0);
    cairo_paint(cr);
    cairo_reset_clip(cr);
    /* (no cairo_push_group here: cairo 1.16's SVG surface leaks the group) */
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 12);
    cairo_move_to(cr, 10, 80);
    cairo_show_text(cr, "γ θ χ λ ν ₀₁");
}

static cairo_status_t sink(void *closure, const unsigned char *data, unsigned int n)
{
    char **buf = closure;
    size_t old = *buf ? strlen(*buf) : 0;
    *buf = realloc(*buf, old + n + 1);
    memcpy(*buf + old, data, n);
    (*buf)[old + n] = '\0';
    return CAIRO_STATUS_SUCCESS;
}

static char *raw_cairo_svg(void)
{
    char *buf = NULL;
    cairo_surface_t *s = cairo_svg_surface_create_for_stream(sink, &buf, 200, 100);
    cairo_t *cr = cairo_create(s);
    draw_something(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return buf;
}

Test(svgcanon, two_identical_cairo_drawings_differ_raw_but_not_after_canonicalising)
{
    char *a = raw_cairo_svg(), *b = raw_cairo_svg();
    cr_assert_not_null(a);
    cr_expect_str_neq(a, b, "cairo's process-global counters make raw output differ (else this test proves nothing)");
    taf_err err;
    char *ca = canon(a, "t", "d", NULL, &err), *cb = canon(b, "t", "d", NULL, &err);
    cr_assert_not_null(ca, "%s", err.message);
    cr_assert_not_null(cb, "%s", err.message);
    cr_expect_str_eq(ca, cb);
    free(a);
    free(b);
    free(ca);
    free(cb);
}

Test(svgcanon, refuses_bad_input)
{
    taf_err err = {0};
    cr_expect_null(canon("<svg", "t", NULL, NULL, &err));
    cr_expect_str_eq(err.code, "svg-parse");
    cr_expect_null(canon("<html xmlns=\"http://www.w3.org/1999/xhtml\"/>", "t", NULL, NULL, &err));
    cr_expect_str_eq(err.code, "svg-not-svg");
    cr_expect_null(canon("<svg/>", "t", NULL, NULL, &err), "an <svg> outside the SVG namespace");
    cr_expect_str_eq(err.code, "svg-not-svg");
    cr_expect_null(canon(HEAD "</svg>", "t", NULL, "1x", &err));
    cr_expect_str_eq(err.code, "svg-bad-prefix");
    cr_expect_null(canon(HEAD "</svg>", "bad \xff utf8", NULL, NULL, &err));
    cr_expect_str_eq(err.code, "svg-bad-text");
    cr_expect_null(canon(HEAD "</svg>", "ctl \x01", NULL, NULL, &err));
    cr_expect_str_eq(err.code, "svg-bad-text");
}

Test(svgcanon, does_not_expand_external_entities)
{
    char *d = strdup("/tmp/svgcanon.XXXXXX");
    cr_assert(mkdtemp(d));
    char secret[256];
    snprintf(secret, sizeof secret, "%s/secret.txt", d);
    FILE *fp = fopen(secret, "w");
    fputs("TOPSECRET", fp);
    fclose(fp);
    char in[1024];
    snprintf(in, sizeof in,
             "<!DOCTYPE svg [<!ENTITY x SYSTEM \"file://%s\">]>" HEAD "<text>&x;</text></svg>", secret);
    taf_err err;
    char *out = canon(in, "t", NULL, NULL, &err);
    if (out)
        cr_expect(strstr(out, "TOPSECRET") == NULL, "%s", out);
    free(out);
    unlink(secret);
    rmdir(d);
    free(d);
}

Test(svgcanon, file_variant_rewrites_in_place)
{
    char *d = strdup("/tmp/svgcanon.XXXXXX");
    cr_assert(mkdtemp(d));
    char path[256];
    snprintf(path, sizeof path, "%s/c.svg", d);
    char *raw = raw_cairo_svg();
    taf_err err;
    cr_assert(render_write_file(path, raw, strlen(raw), &err));
    cr_assert(svg_canonicalize_file(path, "Title", "Desc", &err), "%s", err.message);
    char *data;
    size_t n;
    cr_assert(render_read_file(path, &data, &n, &err));
    cr_expect(strstr(data, "<title id=\"stitle\">Title</title>") != NULL);
    cr_expect(strstr(data, "surface") == NULL);
    free(data);
    /* a broken file is left as it was */
    cr_assert(render_write_file(path, "<svg", 4, &err));
    cr_expect_not(svg_canonicalize_file(path, "t", NULL, &err));
    cr_assert(render_read_file(path, &data, &n, &err));
    cr_expect_str_eq(data, "<svg");
    free(data);
    cr_expect_not(svg_canonicalize_file("/nonexistent/x.svg", "t", NULL, &err));
    cr_expect_str_eq(err.code, "read");
    free(raw);
    unlink(path);
    rmdir(d);
    free(d);
}
