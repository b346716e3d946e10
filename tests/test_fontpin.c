/* Scaled fonts that text is drawn with stay referenced until shutdown
 * (render/fontpin), so no shared font reaches cairo 1.16's racy last
 * destroy while another worker uses it; the unscaled font that cairo's PDF
 * surface makes of the same face is kept as well. */
#include <criterion/criterion.h>

#include "render/fontpin.h"
#include "render/plot.h"
#include "render/surface.h"

static void shutdown(void)
{
    render_shutdown();
}

TestSuite(fontpin, .fini = shutdown);

/* A font text was drawn with on a context that no longer exists, with one
 * reference of the caller's. */
static cairo_scaled_font_t *font_after_drawing(double size)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 200, 50);
    cairo_t *cr = cairo_create(s);
    plot_cairo_setup(cr);
    plot_rgba black = {0, 0, 0, 1};
    plot_text(cr, "γ = 0.5", 10, 30, size, false, PLOT_ALIGN_LEFT, black);
    cairo_scaled_font_t *f = cairo_scaled_font_reference(cairo_get_scaled_font(cr));
    /* another font becomes cairo's most recently used (which it holds) */
    cairo_set_font_size(cr, size + 100);
    cairo_text_extents_t te;
    cairo_text_extents(cr, "x", &te);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return f;
}

static cairo_scaled_font_t *unscaled_of(cairo_scaled_font_t *f)
{
    cairo_matrix_t id;
    cairo_matrix_init_identity(&id);
    cairo_font_options_t *o = cairo_font_options_create();
    cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
    cairo_scaled_font_t *u = cairo_scaled_font_create(cairo_scaled_font_get_font_face(f), &id, &id, o);
    cairo_font_options_destroy(o);
    return u;
}

Test(fontpin, a_font_text_was_drawn_with_outlives_its_context)
{
    cairo_scaled_font_t *f = font_after_drawing(13.5);
    cr_expect_geq(cairo_scaled_font_get_reference_count(f), 2,
                  "only the caller holds the font: a context switching size would destroy it");
    cairo_scaled_font_destroy(f);
}

Test(fontpin, the_unscaled_font_pdf_subsetting_uses_is_kept_too)
{
    cairo_scaled_font_t *f = font_after_drawing(12.5);
    cairo_scaled_font_t *u = unscaled_of(f);
    cr_expect_geq(cairo_scaled_font_get_reference_count(u), 2);
    cairo_scaled_font_destroy(u);
    cairo_scaled_font_destroy(f);
}

Test(fontpin, release_all_gives_the_fonts_back)
{
    cairo_scaled_font_t *f = font_after_drawing(14.5);
    /* cairo itself may hold one too (its most recently used font) */
    int before = (int)cairo_scaled_font_get_reference_count(f);
    fontpin_release_all();
    cr_expect_eq((int)cairo_scaled_font_get_reference_count(f), before - 1);
    cairo_scaled_font_destroy(f);
    /* and keeping works again afterwards */
    f = font_after_drawing(14.5);
    cr_expect_geq(cairo_scaled_font_get_reference_count(f), 2);
    cairo_scaled_font_destroy(f);
}
