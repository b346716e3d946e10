/* The chart catalog: each chart is a short function from card JSON (or the
 * panel JSON) to drawing-layer calls; it never computes a TAF number. */
#ifndef TAF_RENDER_CHARTS_H
#define TAF_RENDER_CHARTS_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#include "util/err.h"

/* Write every chart the card lists (those without "missing") into
 * `dir` as <kind>.svg and <kind>.png (2×). */
bool charts_render_card(const cJSON *card, const char *dir, taf_err *err);

/* One chart of a card to one file (.svg, .png or .pdf by extension). */
bool charts_render_one(const cJSON *card, const char *kind, const char *path, taf_err *err);

/* The one-page PDF TAF Card (verdict tiles, key numbers, two main charts,
 * provenance line). */
bool charts_render_card_pdf(const cJSON *card, const char *path, taf_err *err);

/* The panel page's charts into `dir`; adds their entries to panel["charts"]. */
bool charts_render_panel(cJSON *panel, const cJSON *cards, const char *dir, taf_err *err);

/* Nominal size in px of a chart kind (the PNG is 2× this); "card" is the
 * PDF page (595 × 842). False for an unknown kind. */
bool charts_nominal_size(const char *kind, double *w, double *h);

/* The chart kinds charts_render_one accepts, comma-separated, for help
 * texts ("card" is the one-page card). */
const char *charts_kind_list(void);

#endif
