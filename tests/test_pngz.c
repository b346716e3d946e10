/* The PNG scanline compressor (src/render/pngz.c) and the PNG writer on top
 * of it (src/render/surface.c): every stream must inflate (zlib) to exactly
 * the scanlines, on images that exercise each path — noise (literals,
 * several blocks), flat colour (runs), repeated rows (row-above matches),
 * repeated patterns (hashed matches), rows too wide for the window, and
 * degenerate sizes; and a rendered PNG must decode to the pixels cairo drew. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <criterion/criterion.h>
#include <zlib.h>

#include "render/plot.h"
#include "render/pngz.h"
#include "render/surface.h"

static uint32_t lcg = 12345;

static void release_caches(void)
{
    render_shutdown(); /* cairo's font caches, so LeakSanitizer sees a clean exit */
}

TestSuite(pngz, .fini = release_caches);
static uint32_t rnd(void)
{
    lcg = lcg * 1664525u + 1013904223u;
    return lcg >> 8;
}

/* Compress w × h pixels and compare the inflated stream to the scanlines. */
static void roundtrip(const uint32_t *px, int w, int h, const char *what)
{
    unsigned char *z = NULL;
    size_t zn = 0;
    cr_assert(pngz_compress((const unsigned char *)px, w, h, w * 4, &z, &zn), "%s: compress", what);
    size_t rl = 1 + 3 * (size_t)w, n = rl * (size_t)h;
    unsigned char *want = malloc(n), *got = malloc(n + 1);
    for (int y = 0; y < h; y++) {
        want[(size_t)y * rl] = 0;
        for (int x = 0; x < w; x++) {
            uint32_t v = px[(size_t)y * (size_t)w + (size_t)x];
            unsigned char *o = want + (size_t)y * rl + 1 + 3 * (size_t)x;
            o[0] = (unsigned char)(v >> 16);
            o[1] = (unsigned char)(v >> 8);
            o[2] = (unsigned char)v;
        }
    }
    uLongf gn = (uLongf)(n + 1);
    int rc = uncompress(got, &gn, z, (uLong)zn);
    cr_expect_eq(rc, Z_OK, "%s: inflate says %d", what, rc);
    cr_expect_eq(gn, n, "%s: %lu bytes inflated, %zu expected", what, (unsigned long)gn, n);
    cr_expect(rc == Z_OK && memcmp(got, want, n) == 0, "%s: scanlines differ", what);
    free(z);
    free(want);
    free(got);
}

Test(pngz, noise_flat_rows_patterns_and_odd_sizes_inflate_exactly)
{
    int w = 257, h = 131;
    uint32_t *px = malloc(sizeof *px * (size_t)w * (size_t)h);
    for (int i = 0; i < w * h; i++) /* the top byte must be ignored */
        px[i] = rnd() | 0xab000000u;
    roundtrip(px, w, h, "noise (literals, several blocks)");
    for (int i = 0; i < w * h; i++)
        px[i] = 0xffffff;
    roundtrip(px, w, h, "flat white");
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            px[y * w + x] = (x % 17 == 0 || y % 23 == 0) ? 0x336699 : 0xffffff;
    roundtrip(px, w, h, "grid (runs and rows above)");
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            px[y * w + x] = (uint32_t)((x * 7 + y * 3) % 11) * 0x010203u;
    roundtrip(px, w, h, "diagonal pattern (hashed matches)");
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            px[y * w + x] = (y % 2) ? 0x000000 : (uint32_t)(x & 0xff) * 0x010101u;
    roundtrip(px, w, h, "alternating rows");
    for (int i = 0; i < w * h; i++)
        px[i] = (rnd() % 3 == 0) ? rnd() : 0xffffff;
    roundtrip(px, w, h, "sparse noise on white");
    roundtrip(px, 1, 1, "1 × 1");
    roundtrip(px, 1, 97, "1 × 97");
    roundtrip(px, 97, 1, "97 × 1");
    roundtrip(px, 2, 2, "2 × 2");
    free(px);
}

Test(pngz, rows_wider_than_the_window_inflate_exactly)
{
    int w = 11000, h = 5; /* 1 + 3w > 32768: no row-above matches */
    uint32_t *px = malloc(sizeof *px * (size_t)w * (size_t)h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            px[y * w + x] = (x / 300 + y) % 3 ? 0xffffff : (rnd() & 0xff);
    roundtrip(px, w, h, "11000 × 5");
    free(px);
}

Test(pngz, every_run_length_splits_into_valid_matches)
{
    /* runs of 1..300 pixels: lengths 3..900 bytes cut into deflate's 3..258 */
    int w = 300, h = 300;
    uint32_t *px = malloc(sizeof *px * (size_t)w * (size_t)h);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            px[y * w + x] = x <= y ? 0x112233u * (uint32_t)(y % 5) : 0x445566;
    roundtrip(px, w, h, "runs 1..300");
    free(px);
}

static bool draw_scene(cairo_t *cr, void *user, taf_err *err)
{
    (void)user;
    (void)err;
    cairo_set_source_rgb(cr, 0.2, 0.4, 0.8);
    cairo_set_line_width(cr, 1.5);
    for (int i = 0; i < 12; i++) {
        cairo_move_to(cr, 5 + i * 9, 5);
        cairo_curve_to(cr, 40, 80, 90 - i * 3, 10, 150, 70 - i);
    }
    cairo_stroke(cr);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 11);
    cairo_move_to(cr, 10, 70);
    cairo_show_text(cr, "γ = 0.75, 1000 1000 1000");
    return true;
}

typedef struct {
    const unsigned char *p;
    size_t n, off;
} reader;

static cairo_status_t read_mem(void *closure, unsigned char *data, unsigned int len)
{
    reader *r = closure;
    if (r->off + len > r->n)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->p + r->off, len);
    r->off += len;
    return CAIRO_STATUS_SUCCESS;
}

Test(pngz, a_rendered_png_decodes_to_the_pixels_cairo_drew)
{
    char *png = NULL;
    size_t n = 0;
    taf_err err;
    render_opts o = {NULL, NULL, NULL, 2.0};
    cr_assert(render_to_buffer(RENDER_PNG, 160, 90, &o, draw_scene, NULL, &png, &n, &err), "%s",
              err.message);
    reader r = {(const unsigned char *)png, n, 0};
    cairo_surface_t *got = cairo_image_surface_create_from_png_stream(read_mem, &r);
    cr_assert_eq(cairo_surface_status(got), CAIRO_STATUS_SUCCESS, "libpng cannot read it");
    /* the same drawing straight onto an image surface */
    cairo_surface_t *want = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 320, 180);
    cairo_t *cr = cairo_create(want);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_scale(cr, 2, 2);
    draw_scene(cr, NULL, NULL);
    cairo_destroy(cr);
    cairo_surface_flush(want);
    cr_assert_eq(cairo_image_surface_get_width(got), 320);
    cr_assert_eq(cairo_image_surface_get_height(got), 180);
    const unsigned char *a = cairo_image_surface_get_data(got), *b = cairo_image_surface_get_data(want);
    int sa = cairo_image_surface_get_stride(got), sb = cairo_image_surface_get_stride(want);
    int diffs = 0;
    for (int y = 0; y < 180; y++)
        for (int x = 0; x < 320; x++) {
            uint32_t pa = ((const uint32_t *)(const void *)(a + y * sa))[x] & 0xffffff;
            uint32_t pb = ((const uint32_t *)(const void *)(b + y * sb))[x] & 0xffffff;
            diffs += pa != pb;
        }
    cr_expect_eq(diffs, 0, "%d pixels differ", diffs);
    cairo_surface_destroy(got);
    cairo_surface_destroy(want);
    free(png);
}

Test(pngz, a_stream_larger_than_the_first_output_buffer_inflates_exactly)
{
    /* incompressible noise: ~720 KB of stream, past the 256 KB the output
     * buffer starts with; 401 rows, not a whole number of bands */
    int w = 600, h = 401;
    uint32_t *px = malloc(sizeof *px * (size_t)w * (size_t)h);
    for (int i = 0; i < w * h; i++)
        px[i] = rnd();
    roundtrip(px, w, h, "noise past the first output buffer");
    free(px);
}
