/* Axis ticks and locale-independent number labels for charts.
 *
 * Linear axes get "nice" steps of 1, 2 or 5 × 10^k. Log axes get decades;
 * when the range is short the 2× and 5× multiples are labelled too, and a
 * range under a decade falls back to nice linear values placed on the log
 * scale. Labels never depend on the process locale (no printf of doubles):
 * "0.2", "1k", "10k", "1M", "2.5×10⁻⁵", and never "-0". */
#ifndef TAF_RENDER_TICKS_H
#define TAF_RENDER_TICKS_H

#include <stdbool.h>
#include <stddef.h>

#define TICK_LABEL_MAX 32
#define TICKS_MAX      256

typedef struct {
    double value;               /* in data units */
    bool major;                 /* labelled tick (gets a grid line) */
    char label[TICK_LABEL_MAX]; /* UTF-8; "" for minor ticks */
} plot_tick;

/* Ticks in increasing value order. */
typedef struct {
    int n;
    plot_tick t[TICKS_MAX];
} plot_ticks;

/* The nice step (1, 2 or 5 × 10^k) nearest to range/target (so the tick
 * count lands within about 0.7..1.5 × target); 0 when range or target is
 * not positive and finite. */
double ticks_nice_step(double range, int target);

/* Linear ticks covering [lo, hi] at about `target` labelled ticks (clamped
 * to 2..20), all major. lo == hi is widened around the value. Returns false
 * (out->n = 0) for non-finite bounds or lo > hi. */
bool ticks_linear(double lo, double hi, int target, plot_ticks *out);

/* Log ticks for 0 < lo < hi: labelled decades (every s-th decade when more
 * than max_labels fit) with unlabelled 2..9 minor ticks; for a short range
 * the 1-2-5 multiples are labelled; under a decade, nice linear values.
 * Values ≥ 1e3 on an axis reaching 1e4 are labelled 1k, 10k, 1M, ...;
 * on an axis reaching below 1e-3 every value under 1 is a power of ten
 * (10⁻¹, 10⁻², ...) so labels read alike.
 * Returns false (out->n = 0) for invalid bounds. */
bool ticks_log(double lo, double hi, int max_labels, plot_ticks *out);

/* Label of a linear tick `v` on an axis with tick spacing `step` whose
 * largest |tick| is `amax`: as many decimals as the step needs, trailing
 * zeros dropped, k/M/G/T suffixes from 1e4, ×10ⁿ outside [1e-3, 1e15). */
void ticks_format_linear(double v, double step, double amax, char *out, size_t outsz);

/* Label of a log tick (1, 2, 5, 10, 0.01, 1k when `suffix`, 10⁻⁵, 2×10¹⁶). */
void ticks_format_log(double v, bool suffix, char *out, size_t outsz);

/* A value for people with `sig` significant digits (1..15): "0.424",
 * "1234", "12.3k", "4.2×10⁻⁵"; trailing zeros dropped; "n/a" when not
 * finite. For bar-end labels and annotations. */
void ticks_format_value(double v, int sig, char *out, size_t outsz);

#endif
