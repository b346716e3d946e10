/* Ingest: the measurement panel, presets/ and Hugging Face config.json
 * files into the SQLite database, in one transaction.
 *
 * - Files are hashed (SHA-256); a file whose hash and size match its
 *   source_files row is skipped (no write at all, so re-ingesting
 *   unchanged inputs leaves the database file byte-identical); a changed
 *   file's rows are deleted (cascade) and re-read; files gone from an
 *   ingested directory are removed. Configs accumulate: a newer config for
 *   the same model id replaces the older one.
 * - Any error rolls the transaction back: the database is left exactly as
 *   it was (a database file this run created is removed again).
 * - models is rebuilt (only where it differs) from the winning spec per id
 *   (config > preset) and, for models only the panel knows, from the panel
 *   (theta, and d_head / n_layers from a layer-wise file). */
#ifndef TAF_STORE_INGEST_H
#define TAF_STORE_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "util/err.h"

typedef struct {
    const char *db_path;          /* required */
    const char *panel_dir;        /* NULL: the panel is not ingested this run */
    const char *presets_dir;      /* NULL: presets are not ingested this run */
    const char *const *configs;   /* "FILE" or "ORG/NAME=FILE" */
    size_t n_configs;
    const char *manifest_path;    /* panel manifest to check against; NULL: no check */
    const char *write_manifest;   /* write the panel's manifest here after success; NULL: no */
} taf_ingest_opts;

/* Run one ingest. Returns an exit code (util/err.h): 0 with *summary set
 * (caller frees; layout in ingest.c and panel/README.md), 2 for bad input
 * or usage, 3 for database failures, with *err set. Warnings (manifest
 * differences, theta disagreements) are in summary["warnings"]. */
int taf_ingest(const taf_ingest_opts *opts, cJSON **summary, taf_err *err);

/* The human-readable summary (several lines, each ending in '\n') of a
 * summary object. Caller frees. */
char *taf_ingest_summary_text(const cJSON *summary);

#endif
