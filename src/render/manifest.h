/* manifest.json of a built site — written, read back and verified in
 * memory that does not grow with the number of files: the file lists live
 * in a spill database (render/spill.h), sorted there, and the JSON is
 * written and read as a stream (util/jsonstream.h).
 *
 * The layout is cJSON_Print's (tabs, "key":<TAB>value), so sites built
 * before the streamed writer have the same bytes:
 *   {"generator": "tafcard VERSION",
 *    "files": [{"path", "sha256", "size"}, ...]       sorted by path (bytes)
 *    "build_inputs": {"templates", "pages", "cards": {slug: key, ...},
 *                     "charts": {path: key, ...}}}
 * build_inputs are the keys the next build compares to reuse cards and
 * pages (cards in build order) and single chart files (sorted by path). */
#ifndef TAF_RENDER_MANIFEST_H
#define TAF_RENDER_MANIFEST_H

#include <stdbool.h>

#include "render/spill.h"
#include "util/err.h"

typedef struct {
    const char *templates;        /* digest of the templates */
    const char *pages;            /* key of the listing and panel pages */
} site_build_inputs;

/* out/manifest.json: every regular file under `out` (found by a walk,
 * recorded in the spill's walked set), with the SHA-256 and size this build
 * recorded in the spill's out set — a file it did not record is hashed
 * from disk — and, when `in` is not NULL, build_inputs with every spilled
 * card's key. */
bool site_manifest_write(const char *out, spill *sp, const site_build_inputs *in, taf_err *err);

/* What the previous build's manifest recorded. */
typedef struct {
    bool present;                 /* a manifest that could be read */
    bool has_inputs;              /* with build_inputs (cards and pages) */
    char pages_key[65];
} site_old_manifest;

/* Read out/manifest.json into the spill's old sets (files, card keys). A
 * missing or malformed manifest (bad JSON, an entry that is not a plain
 * relative path with a 64-digit hash and a size, a card key that is not 64
 * digits) leaves them empty and *m not present, as if there were none: the
 * build then makes every file. False only when the spill fails. */
bool site_manifest_read_old(const char *out, spill *sp, site_old_manifest *m, taf_err *err);

/* True in *intact when `out` holds exactly the files of the old set (the
 * manifest aside), each a regular file of the recorded size: a build whose
 * keys are unchanged would then write the same bytes. */
bool site_manifest_intact(const char *out, spill *sp, bool *intact, taf_err *err);

/* Re-hash every file listed in out/manifest.json; report differences on
 * stdout ("missing", "changed", "bad entry" in manifest order, then
 * "unlisted" sorted). *changes gets their count. */
bool site_verify(const char *out, int *changes, taf_err *err);

#endif
