#include "render/fontpin.h"

#include <pthread.h>
#include <stdbool.h>

/* A build has a few dozen (faces x sizes x CTMs); past this, fonts are no
 * longer kept rather than holding an unbounded number. */
#define PIN_MAX 512
#define FACE_MAX 16
#define SEEN_MAX 64

static pthread_mutex_t pin_lock = PTHREAD_MUTEX_INITIALIZER;
static cairo_scaled_font_t *pinned[PIN_MAX];
static int n_pinned;
static cairo_font_face_t *faces[FACE_MAX]; /* faces whose unscaled font is kept */
static int n_faces;
static unsigned long generation = 1; /* bumped by release: threads forget what they saw */

/* What this thread knows is kept, so the common case takes no lock. */
static _Thread_local cairo_scaled_font_t *seen[SEEN_MAX];
static _Thread_local int n_seen;
static _Thread_local unsigned long seen_generation;

static bool keep_locked(cairo_scaled_font_t *f)
{
    for (int i = 0; i < n_pinned; i++)
        if (pinned[i] == f)
            return true;
    if (n_pinned == PIN_MAX)
        return false;
    pinned[n_pinned++] = cairo_scaled_font_reference(f);
    return true;
}

/* The font cairo's PDF surface makes for subsetting glyphs of `face`
 * (cairo-scaled-font-subsets.c: identity matrices, default options with
 * hinting and hinted metrics off). */
static void keep_unscaled_locked(cairo_font_face_t *face)
{
    for (int i = 0; i < n_faces; i++)
        if (faces[i] == face)
            return;
    if (n_faces == FACE_MAX)
        return;
    cairo_matrix_t identity;
    cairo_matrix_init_identity(&identity);
    cairo_font_options_t *o = cairo_font_options_create();
    cairo_font_options_set_hint_style(o, CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(o, CAIRO_HINT_METRICS_OFF);
    cairo_scaled_font_t *u = cairo_scaled_font_create(face, &identity, &identity, o);
    cairo_font_options_destroy(o);
    if (cairo_scaled_font_status(u) == CAIRO_STATUS_SUCCESS && keep_locked(u))
        faces[n_faces++] = cairo_font_face_reference(face);
    cairo_scaled_font_destroy(u);
}

void fontpin_keep(cairo_scaled_font_t *f)
{
    if (!f || cairo_scaled_font_status(f) != CAIRO_STATUS_SUCCESS)
        return;
    unsigned long gen = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
    if (seen_generation != gen) {
        n_seen = 0;
        seen_generation = gen;
    }
    for (int i = 0; i < n_seen; i++)
        if (seen[i] == f)
            return;
    pthread_mutex_lock(&pin_lock);
    bool kept = keep_locked(f);
    if (kept)
        keep_unscaled_locked(cairo_scaled_font_get_font_face(f));
    pthread_mutex_unlock(&pin_lock);
    if (kept && n_seen < SEEN_MAX)
        seen[n_seen++] = f;
}

void fontpin_release_all(void)
{
    pthread_mutex_lock(&pin_lock);
    for (int i = 0; i < n_pinned; i++)
        cairo_scaled_font_destroy(pinned[i]);
    for (int i = 0; i < n_faces; i++)
        cairo_font_face_destroy(faces[i]);
    n_pinned = n_faces = 0;
    __atomic_store_n(&generation, generation + 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&pin_lock);
}
