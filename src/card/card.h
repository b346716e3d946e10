/* The card JSON: everything known about one model, assembled once in the
 * compute stage — the single source the page, the Markdown, the PDF, the
 * charts and the diff read. Schema "tafcard.card/1":
 *   schema, model, summary, key_numbers, diagnostics, tiles[], recipes[]
 *   (full results with audit chains), measured_rows[], measured_notes[],
 *   fits{text,random}, thermo_rows[], algebra[], layerwise, falsification[],
 *   key_rows[], series{}, charts[], provenance{}.
 * Same inputs → same bytes (no clock, no locale, fixed key order). */
#ifndef TAF_CARD_CARD_H
#define TAF_CARD_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "store/db.h"
#include "util/err.h"

typedef struct {
    const taf_db_measurement *m;
    const pf_point *points;
    size_t n_points;
    const pf_fit *upstream;   /* NULL for partial files */
} card_measurement;

typedef struct {
    const taf_db_model *model;
    const card_measurement *meas;   /* ordered: text before random */
    size_t n_meas;
    const pf_layerwise *layerwise;  /* NULL when the model has none */
    const char *layerwise_source;   /* "panel:e4_gamma/..." */
    const char *layerwise_sha256;
    const char *spec_source_sha256; /* hash of the preset/config file, or NULL */
    const char *build_date;         /* ISO date from SOURCE_DATE_EPOCH, or NULL */
} card_input;

/* Assemble the card. NULL + err only on internal failure: a model whose
 * architecture is unknown still gets a card saying what is missing. */
cJSON *card_build(const card_input *in, taf_err *err);

/* A safe, deterministic path segment for a model id: [a-z0-9._-] kept
 * (lower-cased), "/" → "--", anything else → "_" + hex; never "." or
 * ".." or empty; a short hash suffix when the id had to be altered, so two
 * ids never share a slug. */
void card_slug(const char *id, char *out, size_t outsz);

/* Canonical JSON text of a card (indented, trailing newline), malloc'd. */
char *card_to_text(const cJSON *card);

#endif
