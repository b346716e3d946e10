/* Compare two generated sites (or two card.json files) card by card.
 *
 * A site is a directory with manifest.json and models/<slug>/card.json
 * (written by `tafcard build`). Models are matched by their card's
 * model.id. The report object (schema "tafcard.diff/1"):
 *
 *   schema, mode ("sites" | "cards"), old, new, tolerance {rtol, atol},
 *   summary {old_models, new_models, changed, added, removed, unchanged,
 *            inputs_only},
 *   added[]   {id, slug, verdicts[{recipe, variant, verdict}]}
 *   removed[] {id, slug, verdicts[...]}
 *   changed[] {id, slug, ...the card diff (diff/carddiff.h)}
 *   inputs_only[] {id, slug, inputs[]}   cards identical within tolerance
 *                                        although their inputs changed
 *
 * Every list is sorted by model id (byte order); unchanged models are only
 * counted (inputs_only ones are also counted as unchanged). */
#ifndef TAF_DIFF_SITEDIFF_H
#define TAF_DIFF_SITEDIFF_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#include "diff/carddiff.h"
#include "util/err.h"

/* Compare OLD and NEW, both site directories or both card files. NULL and
 * *err on bad input: a missing path (NOT_FOUND), a directory that is not a
 * site (NOT_A_SITE), a file that is not valid JSON (BAD_JSON, naming the
 * file, line, column and byte offset), JSON that is not a card
 * (NOT_A_CARD), a site directory against a file (USAGE). */
cJSON *sitediff_run(const char *old_path, const char *new_path, const carddiff_opts *o,
                    taf_err *err);

/* True when the report holds any added, removed or changed model. */
bool sitediff_has_changes(const cJSON *report);

#endif
