/* Site assembly: writes pages, exports and the manifest from card JSON
 * (and the panel JSON) — never computes a TAF number. */
#ifndef TAF_RENDER_SITE_H
#define TAF_RENDER_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>
#include <libxml/tree.h>

#include "util/err.h"

typedef struct {
    xmlDocPtr card, index, panel, compare, methodology;
    char dir[1024];   /* templates directory (style.css, sort.js copied from it) */
} site_templates;

bool site_templates_load(site_templates *t, const char *dir, taf_err *err);
void site_templates_free(site_templates *t);

/* models/<slug>/: index.html, card.json, card.md (charts and card.pdf are
 * written by the chart catalog). `dir` exists. */
bool site_write_card(const site_templates *t, const char *dir, const cJSON *card,
                     taf_err *err);

/* The Markdown export of a card (malloc'd). */
char *site_card_markdown(const cJSON *card);

/* index.html, compare/<recipe>.html, methodology.html, panel.html, the
 * stylesheet and script, from every card (in the given order). */
bool site_write_pages(const site_templates *t, const char *out, const cJSON *cards,
                      const cJSON *panel, const char *panel_note, taf_err *err);

/* manifest.json: every file under `out` (sorted) with SHA-256 and size. */
bool site_write_manifest(const char *out, taf_err *err);

/* Re-hash every file listed in out/manifest.json; report differences on
 * stdout. *changes gets the count (missing, changed or unlisted files). */
bool site_verify(const char *out, int *changes, taf_err *err);

/* Write a whole file (creating it), reporting the path on failure. */
bool site_write_file(const char *path, const void *data, size_t len, taf_err *err);

#endif
