/* Scaled fonts kept alive for the whole process.
 *
 * cairo 1.16 aborts, now and then, in cairo_scaled_font_destroy with
 * "Assertion `! scaled_font->cache_frozen' failed" when a scaled font that
 * several threads share loses its last reference (seen in 2 of 4 site
 * builds of 10,000 models with two workers, under load). Workers share
 * every scaled font: the toy face, sizes, CTMs and options are the same
 * in each, and text_walk switches size for every label, dropping the
 * context's reference to the previous font. A font that always has one
 * more reference never reaches that path: each font that text is measured
 * or drawn with is referenced here once, and so is the unscaled
 * (identity-matrix) font of its face that cairo's PDF surface creates and
 * destroys for font subsetting in every PDF. A build uses a few dozen. */
#ifndef TAF_RENDER_FONTPIN_H
#define TAF_RENDER_FONTPIN_H

#include <cairo.h>

/* Keep `f` (and its face's unscaled font) until fontpin_release_all. */
void fontpin_keep(cairo_scaled_font_t *f);

/* Drop every kept font: once, with no other thread drawing (at shutdown,
 * before cairo_debug_reset_static_data). */
void fontpin_release_all(void);

#endif
