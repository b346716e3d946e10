/* The SVG writer: what the ink_* calls become, stable ids, accessibility
 * metadata, bad input, and drawings that would lose ink. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "render/plot.h"
#include "render/surface.h"
#include "render/svgw.h"

static void release_caches(void)
{
    svgw_release_thread_cache();
    render_shutdown(); /* cairo's font caches, so LeakSanitizer sees a clean exit */
}

TestSuite(svgw, .fini = release_caches);

typedef void (*draw_fn)(cairo_t *cr);

static char *svg_of(draw_fn draw, const svgw_opts *o, taf_err *err)
{
    svgw *w = svgw_new(200, 100, o, err);
    if (!w)
        return NULL;
    draw(svgw_context(w));
    char *out = NULL;
    size_t n = 0;
    bool ok = svgw_finish(w, &out, &n, err);
    svgw_free(w);
    if (ok)
        cr_assert_eq(strlen(out), n);
    return ok ? out : NULL;
}

static size_t count(const char *hay, const char *needle)
{
    size_t k = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        k++;
    return k;
}

static void draw_text_and_lines(cairo_t *cr)
{
    plot_cairo_setup(cr);
    cairo_set_source_rgb(cr, 0, 0x72 / 255.0, 0xb2 / 255.0);
    cairo_set_line_width(cr, 2);
    double dash[2] = {7, 4};
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_move_to(cr, 10, 10);
    cairo_line_to(cr, 190.25, 90.5);
    ink_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
    cairo_set_source_rgba(cr, 1, 0, 0, 0.5);
    cairo_rectangle(cr, 20, 20, 30, 10);
    ink_fill(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    cairo_set_font_size(cr, 12);
    cairo_move_to(cr, 10, 50);
    ink_show_text(cr, "γ = 0.5, ee");
}

Test(svgw, strokes_fills_and_text_become_paths_and_glyph_uses)
{
    taf_err err;
    char *s = svg_of(draw_text_and_lines, &(svgw_opts){"T", NULL, "p-"}, &err);
    cr_assert_not_null(s, "%s: %s", err.code, err.message);
    cr_expect(strstr(s, "<path d=\"M10 10 L190.25 90.5\" fill=\"none\" stroke=\"#0072b2\" stroke-width=\"2\" "
                        "stroke-linecap=\"round\" stroke-miterlimit=\"10\" stroke-dasharray=\"7 4\"/>"),
              "%s", s);
    cr_expect(strstr(s, "<path d=\"M20 20 L50 20 L50 30 L20 30 Z\" fill=\"#ff0000\" fill-opacity=\"0.5\"/>"), "%s",
              s);
    /* "γ = 0.5, ee": 8 inked glyphs (spaces have none), 'e' twice with one definition */
    cr_expect_eq(count(s, "<use "), 8, "%s", s);
    cr_expect_eq(count(s, "<path id=\"p-g"), 7, "%s", s);
    /* one transform per run (at its first glyph, 12 px / 1000 units), then
     * each glyph's offset from there in glyph units */
    cr_expect(strstr(s, "<g fill=\"#333333\" transform=\"translate(10 50) scale(0.012)\">\n"
                        "<use xlink:href=\"#p-g0\"/>\n<use xlink:href=\"#p-g1\" x=\"909.7\"/>"),
              "%s", s);
    cr_expect_eq(count(s, "transform="), 1, "%s", s);
    free(s);
}

static void draw_scaled(cairo_t *cr)
{
    cairo_scale(cr, 2, 2);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.5);
    cairo_move_to(cr, 1, 1);
    cairo_line_to(cr, 5, 1);
    ink_stroke(cr);
}

Test(svgw, coordinates_and_widths_are_device_pixels)
{
    taf_err err;
    char *s = svg_of(draw_scaled, NULL, &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_expect(strstr(s, "d=\"M2 2 L10 2\""), "%s", s);
    cr_expect(strstr(s, "stroke-width=\"3\""), "%s", s);
    free(s);
}

static void draw_clipped(cairo_t *cr)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    ink_save(cr);
    cairo_rectangle(cr, 10, 10, 50, 50);
    ink_clip(cr);
    ink_save(cr);
    cairo_rectangle(cr, 20, 20, 100, 10);
    ink_clip(cr);
    cairo_rectangle(cr, 0, 0, 200, 100);
    ink_fill(cr); /* inside both clips */
    ink_restore(cr);
    cairo_rectangle(cr, 0, 0, 5, 5);
    ink_fill(cr); /* inside the first only */
    ink_restore(cr);
    cairo_rectangle(cr, 1, 1, 2, 2);
    ink_fill(cr); /* unclipped */
}

Test(svgw, clips_nest_and_end_with_their_save_level)
{
    taf_err err;
    char *s = svg_of(draw_clipped, &(svgw_opts){"T", NULL, "k"}, &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_expect(strstr(s, "<clipPath id=\"kc0\">"), "%s", s);
    cr_expect(strstr(s, "<clipPath id=\"kc1\" clip-path=\"url(#kc0)\">"), "inner clip intersects: %s", s);
    cr_expect(strstr(s, "d=\"M0 0 L200 0 L200 100 L0 100 Z\" fill=\"#000000\" clip-path=\"url(#kc1)\""), "%s", s);
    cr_expect(strstr(s, "d=\"M0 0 L5 0 L5 5 L0 5 Z\" fill=\"#000000\" clip-path=\"url(#kc0)\""), "%s", s);
    cr_expect(strstr(s, "d=\"M1 1 L3 1 L3 3 L1 3 Z\" fill=\"#000000\"/>"), "%s", s);
    free(s);
}

/* Every href="#x" and url(#x) names an element of the document. */
static void expect_refs_resolve(xmlNodePtr n, xmlDocPtr doc, int *checked)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        for (xmlAttrPtr a = n->properties; a; a = a->next) {
            xmlChar *v = xmlNodeListGetString(doc, a->children, 1);
            const char *id = NULL;
            char buf[200] = "";
            if (v && v[0] == '#' && xmlStrEqual(a->name, (const xmlChar *)"href"))
                id = (const char *)v + 1;
            else if (v && !strncmp((const char *)v, "url(#", 5)) {
                snprintf(buf, sizeof buf, "%s", (const char *)v + 5);
                char *close = strchr(buf, ')');
                if (close)
                    *close = '\0';
                id = buf;
            }
            if (id) {
                cr_expect_not_null(xmlGetID(doc, (const xmlChar *)id), "reference to missing id '%s'", id);
                (*checked)++;
            }
            xmlFree(v);
        }
        expect_refs_resolve(n->children, doc, checked);
    }
}

/* Register every id (the parser only types ids it knows from a DTD),
 * failing on duplicates. */
static void index_ids(xmlNodePtr n, xmlDocPtr doc)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        xmlAttrPtr id = xmlHasProp(n, (const xmlChar *)"id");
        if (id) {
            xmlChar *v = xmlNodeListGetString(doc, id->children, 1);
            cr_expect_null(xmlGetID(doc, v), "duplicate id %s", v);
            xmlAddID(NULL, doc, v, id);
            xmlFree(v);
        }
        index_ids(n->children, doc);
    }
}

static plot_figure *small_figure(void)
{
    plot_figure *f = plot_new(400, 300, "Decay <&> \"quoted\"", "model-x");
    plot_axis_x(f, "distance", PLOT_LOG, NAN, NAN);
    plot_axis_y(f, "γ_{Padé}", PLOT_LINEAR, NAN, NAN);
    double x[5] = {1, 10, 100, 1000, 10000}, y[5] = {0.9, 0.8, NAN, 0.5, 0.4};
    plot_style s = plot_style_series(0, "series R^{2}");
    plot_line(f, x, y, 5, &s);
    plot_markers(f, x, y, 5, &s);
    plot_hline(f, 0.6, NULL, "threshold");
    plot_note(f, "source: test");
    return f;
}

Test(svgw, a_figure_is_well_formed_xml_with_resolvable_references_and_a11y)
{
    plot_figure *f = small_figure();
    plot_set_id_prefix(f, "fig-");
    plot_set_desc(f, "A line & markers.");
    char *s = NULL;
    size_t n = 0;
    taf_err err;
    cr_assert(render_figure_buffer(f, RENDER_SVG, &s, &n, &err), "%s", err.message);
    xmlDocPtr doc = xmlReadMemory(s, (int)n, "t.svg", NULL, XML_PARSE_NONET);
    cr_assert_not_null(doc, "not well-formed: %s", s);
    xmlNodePtr root = xmlDocGetRootElement(doc);
    cr_expect_str_eq((const char *)root->name, "svg");
    xmlChar *role = xmlGetProp(root, (const xmlChar *)"role");
    xmlChar *lab = xmlGetProp(root, (const xmlChar *)"aria-labelledby");
    cr_expect_str_eq((const char *)role, "img");
    cr_expect_str_eq((const char *)lab, "fig-title fig-desc");
    xmlFree(role);
    xmlFree(lab);
    xmlNodePtr t = xmlFirstElementChild(root);
    xmlChar *title = xmlNodeGetContent(t);
    cr_expect_str_eq((const char *)t->name, "title");
    cr_expect_str_eq((const char *)title, "Decay <&> \"quoted\"", "title text survives escaping");
    xmlFree(title);
    cr_expect_str_eq((const char *)xmlNextElementSibling(t)->name, "desc");
    index_ids(root, doc);
    int checked = 0;
    expect_refs_resolve(root, doc, &checked);
    cr_expect_gt(checked, 20, "glyph and clip references were checked");
    xmlFreeDoc(doc);

    char *again = NULL;
    size_t n2 = 0;
    cr_assert(render_figure_buffer(f, RENDER_SVG, &again, &n2, &err));
    cr_expect(n == n2 && memcmp(s, again, n) == 0, "the same figure gives the same bytes");
    free(again);
    free(s);
    plot_free(f);
}

static void draw_bypass(cairo_t *cr)
{
    cairo_rectangle(cr, 10, 10, 10, 10);
    cairo_fill(cr); /* not ink_fill: would be missing from the SVG */
}

Test(svgw, a_mark_made_with_plain_cairo_is_an_error_not_a_silent_gap)
{
    taf_err err = {0};
    char *s = svg_of(draw_bypass, NULL, &err);
    cr_expect_null(s);
    cr_expect_str_eq(err.code, "svg-bypass");
}

static void draw_nonfinite(cairo_t *cr)
{
    cairo_set_line_width(cr, NAN);
    cairo_move_to(cr, 1, 1);
    cairo_line_to(cr, 2, 2);
    ink_stroke(cr);
}

Test(svgw, a_non_finite_length_is_an_error)
{
    taf_err err = {0};
    char *s = svg_of(draw_nonfinite, NULL, &err);
    cr_expect_null(s);
    cr_expect(err.code[0] != '\0');
}

Test(svgw, bad_prefix_and_bad_text_are_refused)
{
    taf_err err = {0};
    cr_expect_null(svgw_new(10, 10, &(svgw_opts){"T", NULL, "9starts-with-digit"}, &err));
    cr_expect_str_eq(err.code, "svg-bad-prefix");
    cr_expect_null(svgw_new(10, 10, &(svgw_opts){"bad \xff utf8", NULL, NULL}, &err));
    cr_expect_str_eq(err.code, "svg-bad-text");
    cr_expect_null(svgw_new(10, 10, &(svgw_opts){"overlong \xC1\x96", NULL, NULL}, &err),
                   "libxml2's parser refuses overlong UTF-8, so the writer must too");
    cr_expect_str_eq(err.code, "svg-bad-text");
    cr_expect_null(svgw_new(10, 10, &(svgw_opts){"T", "bell \a", NULL}, &err));
    cr_expect_str_eq(err.code, "svg-bad-text");
    cr_expect_null(svgw_new(0, 10, NULL, &err));
    cr_expect_str_eq(err.code, "render-size");
}

Test(svgw, ink_calls_draw_with_cairo_on_other_surfaces)
{
    cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 20, 20);
    cairo_t *cr = cairo_create(img);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ink_save(cr);
    cairo_rectangle(cr, 0, 0, 10, 20);
    ink_clip(cr);
    cairo_rectangle(cr, 0, 0, 20, 20);
    ink_fill(cr);
    ink_restore(cr);
    cairo_surface_flush(img);
    const uint32_t *px = (const uint32_t *)cairo_image_surface_get_data(img);
    int stride = cairo_image_surface_get_stride(img) / 4;
    cr_expect_eq(px[5 * stride + 2] & 0xffffff, 0x000000, "filled inside the clip");
    cr_expect_eq(px[5 * stride + 15] & 0xffffff, 0xffffff, "clipped outside");
    cairo_destroy(cr);
    cairo_surface_destroy(img);
}
