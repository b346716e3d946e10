/* Structured difference between two card JSON trees (schema
 * "tafcard.card/1", see card/card.h). Pure: no I/O, no globals.
 *
 * The result is itself a cJSON object so that the JSON report is the diff
 * and the Markdown/text renderers (diff/report.h) read one structure:
 *
 *   verdicts[]   {recipe, variant, title, old, new, old_reason, new_reason}
 *                one per recipe (matched by id + variant) whose verdict
 *                changed, appeared (old null) or disappeared (new null)
 *   numbers[]    {path, area, old, new, abs, rel}  numbers that differ beyond
 *                the tolerance (or became / stopped being null); abs = new −
 *                old, rel = abs / |old| (null when old is 0 or either is null)
 *   series[]     {path, area, n_old, n_new, changed, max_abs}  chart curves
 *                and other long numeric arrays, summarised by a count
 *   caveats[]    {recipe, variant, added[], removed[]}
 *   confidence[] {recipe, variant, old, new}
 *   other[]      {path, area, change: changed|added|removed, old, new
 *                [, truncated]}  strings, booleans, types, structure
 *   inputs[]     {input, change[, old, new]}  from the provenance: "model
 *                spec", each source file path, "tool version", "formula
 *                version", "build settings"
 *
 * Paths are RFC 6901 JSON pointers into the new card (the old one for
 * removed values). Arrays of objects are matched by an identifying key
 * (recipes by id + variant, rows by corpus, label, kind, ...) rather than by
 * position, so a reordering or an inserted element is not reported as a
 * cascade of changes. `tiles` and `key_rows` are skipped (they repeat the
 * recipes' verdicts and the key numbers); `provenance` only feeds inputs[]. */
#ifndef TAF_DIFF_CARDDIFF_H
#define TAF_DIFF_CARDDIFF_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#define CARDDIFF_RTOL_DEFAULT 1e-9
#define CARDDIFF_ATOL_DEFAULT 1e-12

typedef struct {
    double rtol; /* relative tolerance, >= 0 */
    double atol; /* absolute tolerance, >= 0 */
} carddiff_opts;

/* Default tolerances (rtol 1e-9, atol 1e-12). */
carddiff_opts carddiff_defaults(void);

/* Equal within tolerance: |a − b| <= atol + rtol · max(|a|, |b|). Exactly
 * equal values (including equal infinities) are always equal. */
bool carddiff_num_equal(double a, double b, const carddiff_opts *o);

/* Deep equality of two JSON values, numbers by value within tolerance
 * (so 2 and 2.0 are equal), object keys regardless of order. */
bool carddiff_json_equal(const cJSON *a, const cJSON *b, const carddiff_opts *o);

/* Compare two cards (either may be any JSON value; non-objects compare as
 * empty cards). Returns a new object as described above; never NULL
 * except on out-of-memory. */
cJSON *carddiff_cards(const cJSON *old_card, const cJSON *new_card, const carddiff_opts *o);

/* True when the diff holds a content difference: anything in verdicts,
 * numbers, series, caveats, confidence or other. */
bool carddiff_has_changes(const cJSON *diff);

/* True when inputs[] is not empty. */
bool carddiff_has_input_changes(const cJSON *diff);

#endif
