/* Colours, dash patterns and marker shapes for charts.
 *
 * Series colours are the Okabe–Ito qualitative palette (readable by people
 * with the common colour-vision deficiencies). Colour alone is never the
 * only cue: series index i also gets its own dash pattern and marker shape,
 * so a chart printed in grey still tells its series apart. Yellow is last
 * because it is weak on white. Everything here is static data: no state. */
#ifndef TAF_RENDER_PALETTE_H
#define TAF_RENDER_PALETTE_H

#include <stddef.h>

/* Colour with straight (non-premultiplied) alpha, components in [0, 1]. */
typedef struct {
    double r, g, b, a;
} plot_rgba;

/* Marker shapes; NONE draws no marker. */
typedef enum {
    PLOT_MARKER_NONE = 0,
    PLOT_MARKER_CIRCLE,
    PLOT_MARKER_SQUARE,
    PLOT_MARKER_TRIANGLE,
    PLOT_MARKER_DIAMOND,
    PLOT_MARKER_TRIANGLE_DOWN,
    PLOT_MARKER_CROSS
} plot_marker;

/* Line dash patterns (lengths scale with the line width). */
typedef enum {
    PLOT_DASH_SOLID = 0,
    PLOT_DASH_DASHED,
    PLOT_DASH_DOTTED,
    PLOT_DASH_DASHDOT,
    PLOT_DASH_LONG
} plot_dash;

#define PLOT_RGB(R, G, B) ((plot_rgba){(R) / 255.0, (G) / 255.0, (B) / 255.0, 1.0})

#define PLOT_PALETTE_N 8

/* Series colour i (wraps after PLOT_PALETTE_N). */
static inline plot_rgba plot_palette_color(int i)
{
    static const unsigned char c[PLOT_PALETTE_N][3] = {
        {0x00, 0x72, 0xB2}, /* blue */
        {0xD5, 0x5E, 0x00}, /* vermillion */
        {0x00, 0x9E, 0x73}, /* bluish green */
        {0xCC, 0x79, 0xA7}, /* reddish purple */
        {0xE6, 0x9F, 0x00}, /* orange */
        {0x56, 0xB4, 0xE9}, /* sky blue */
        {0x00, 0x00, 0x00}, /* black */
        {0xF0, 0xE4, 0x42}, /* yellow */
    };
    int k = ((i % PLOT_PALETTE_N) + PLOT_PALETTE_N) % PLOT_PALETTE_N;
    return PLOT_RGB(c[k][0], c[k][1], c[k][2]);
}

/* Light, translucent fill derived from series colour i, for bands and
 * shaded regions (data drawn on top stays readable). */
static inline plot_rgba plot_band_fill(int i)
{
    plot_rgba c = plot_palette_color(i);
    c.a = 0.16;
    return c;
}

/* Dash pattern for series i: solid, dashed, dotted, dash-dot, long dash. */
static inline plot_dash plot_palette_dash(int i)
{
    return (plot_dash)(((i % 5) + 5) % 5);
}

/* Marker shape for series i: circle, square, triangle, diamond,
 * triangle-down, cross. */
static inline plot_marker plot_palette_marker(int i)
{
    return (plot_marker)(1 + ((i % 6) + 6) % 6);
}

/* Neutral colours used by the drawing layer. */
#define PLOT_INK      PLOT_RGB(0x22, 0x22, 0x22) /* titles, tick labels */
#define PLOT_INK_SOFT PLOT_RGB(0x55, 0x55, 0x55) /* subtitles, notes, band labels */
#define PLOT_AXIS     PLOT_RGB(0x44, 0x44, 0x44) /* spines and ticks */
#define PLOT_GRID     PLOT_RGB(0xE4, 0xE4, 0xE4) /* grid lines */
#define PLOT_REF      PLOT_RGB(0x5A, 0x5A, 0x5A) /* reference lines */

#endif
