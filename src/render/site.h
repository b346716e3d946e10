/* Site assembly: writes pages and exports from card JSON (and the panel
 * JSON) — never computes a TAF number. The manifest: render/manifest.h. */
#ifndef TAF_RENDER_SITE_H
#define TAF_RENDER_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>
#include <libxml/tree.h>

#include "render/surface.h"
#include "util/err.h"

typedef struct {
    xmlDocPtr card, index, panel, compare, methodology;
    char dir[1024];   /* templates directory (style.css, sort.js copied from it) */
} site_templates;

bool site_templates_load(site_templates *t, const char *dir, taf_err *err);
void site_templates_free(site_templates *t);

/* models/<slug>/: index.html, card.json, card.md (charts and card.pdf are
 * written by the chart catalog). `dir` exists. The card is lent to the page
 * binder with a "page" member added, and given back unchanged. */
bool site_write_card(const site_templates *t, const char *dir, cJSON *card,
                     taf_err *err);

/* The Markdown export of a card (malloc'd). */
char *site_card_markdown(const cJSON *card);

/* index.html, compare/<recipe>.html, methodology.html, panel.html, the
 * stylesheet and script, from every card (in the given order). */
bool site_write_pages(const site_templates *t, const char *out, const cJSON *cards,
                      const cJSON *panel, const char *panel_note, taf_err *err);
/* The same in two independent halves (a build runs them on two threads,
 * each with its own templates): index, compare, methodology and the
 * assets; and panel.html. */
typedef struct site_cardset site_cardset;
bool site_write_listing_pages(const site_templates *t, const char *out,
                              const site_cardset *cards, const char *panel_note, taf_err *err);
bool site_write_panel_page(const site_templates *t, const char *out, const cJSON *panel,
                           const char *panel_note, taf_err *err);

/* The small part of a card that the index, compare and panel pages and the
 * panel charts read (same paths as in the card), so a build can drop each
 * card once its own files are written. */
cJSON *site_card_summary(const cJSON *card);
/* The same as compact JSON text whose numbers read back bit-identical
 * (malloc'd; NULL when out of memory). */
char *site_card_summary_text(const cJSON *card);

/* Models per index and compare page. A listing of more cards is split
 * into pages: NAME.html, NAME-2.html, ... (index.html, index-2.html;
 * compare/X-2.html, compare/X-2-2.html), each built from its own rows and
 * linked to its neighbours, the first and last two pages and the two
 * pages on each side; a listing that fits on one page has no page links
 * and the bytes of an unpaged site. 250 rows keep a page's document (~15
 * KB a row while it is bound) well under what a card's charts need. */
#define SITE_PER_PAGE 250

/* The cards the listing pages are made from, in order: a cJSON array (of
 * cards or summaries), or n cards fetched one at a time while a page is
 * made (a build keeps them in its spill database, not in memory). */
struct site_cardset {
    size_t n;
    const cJSON *array;           /* used when not NULL */
    /* card i (0 ≤ i < n), parsed; the caller frees it. NULL with *err when
     * it cannot be read. */
    cJSON *(*get)(void *ctx, size_t i, taf_err *err);
    void *ctx;
    size_t per_page;              /* 0: SITE_PER_PAGE */
};

/* For panel_build and charts_render_panel: each card's model facts,
 * has_GQA, key numbers, measured rows, fits and tool version (what the
 * panel page and its charts read), as a cJSON array; NULL with *err when a
 * card cannot be read. */
cJSON *site_panel_cards(const site_cardset *cards, taf_err *err);

/* Write a whole file (creating it), reporting the path on failure. */
bool site_write_file(const char *path, const void *data, size_t len, taf_err *err);

#endif
