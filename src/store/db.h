/* The tafcard SQLite database: open/close, schema and forward migrations
 * (PRAGMA user_version), and the small read API later stages use
 * (calibration fits, charts, the site builder).
 *
 * Tables (schema v1; src/store/db.c has the full DDL):
 *   source_files     every ingested file: root (panel|presets|config), path
 *                    relative to its root, kind, sha256, size, missing_values
 *   model_specs      preset/config specs as canonical JSON (one per file)
 *   models           one row per model id: the winning spec (config > preset)
 *                    or, for panel-only models, what the panel says
 *   measurements     one per measurement file (model, corpus text|random,
 *                    theta as measured, status complete|partial, fit set, ...)
 *   points           attention by distance (mean, std, per-seed JSON, in_fit)
 *   upstream_fits    the fit stored in a complete measurement file
 *   layerwise_runs, layer_gamma, layer_points   the layer-wise files
 *   master_results   master_gamma_results.json rows
 *   pade_validation  pade_validation.json rows
 *   calib_fits       (v2) tafcard calibrate's fit JSON per measurement
 *   calib_refits     (v2) the refit table rows, in order, with the models
 *                    that fed each number
 *   calib_meta       (v2) other calibration results (the Padé validation)
 * Rows derived from a file cascade from its source_files row.
 *
 * Conventions of the read API: lists come back as malloc'd arrays (free
 * with the matching *_free), in a documented ORDER BY order; missing
 * doubles are NAN, missing counts -1. Functions return false and set *err
 * (code DB_ERROR) on SQLite failures. */
#ifndef TAF_STORE_DB_H
#define TAF_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>
#include <cjson/cJSON.h>

#include "store/modelspec.h"
#include "store/panel_files.h"
#include "util/err.h"
#include "util/sha256.h"

#define TAF_DB_SCHEMA_VERSION 2
#define TAF_DB_DEFAULT_PATH "site-data/taf.db"

/* Open for writing (created if missing), foreign keys on, a busy timeout.
 * Does not migrate: call db_migrate inside the writer's transaction. */
sqlite3 *db_open_write(const char *path, taf_err *err);

/* Open read-only; fails (code DB_SCHEMA) unless the file exists and is at
 * TAF_DB_SCHEMA_VERSION ("run tafcard ingest" in the hint). */
sqlite3 *db_open_read(const char *path, taf_err *err);

/* Finalize this thread's kept statements of db, then close it (NULL is
 * fine; returns the sqlite3_close result). A connection is closed by the thread that used
 * it, as every command does. */
int db_close(sqlite3 *db);

/* Bring the schema from its user_version up to TAF_DB_SCHEMA_VERSION, one
 * migration at a time; a newer database than this tafcard is an error.
 * Run inside a transaction so a failed ingest also undoes the migration. */
bool db_migrate(sqlite3 *db, taf_err *err);

/* The database's PRAGMA user_version (-1 on error). */
int db_schema_version(sqlite3 *db);

/* Run SQL without results (DDL, BEGIN/COMMIT). */
bool db_exec(sqlite3 *db, const char *sql, taf_err *err);

/* Fill *err from the connection's last error; returns false. */
bool db_fail(sqlite3 *db, const char *what, taf_err *err);

/* ---- read API -------------------------------------------------------------- */

typedef struct {
    taf_model_spec spec;      /* unknown counts 0, n_attention_layers -1 (modelspec.h) */
    char origin[8];           /* preset | config | panel (panel only: theta and what the
                                 layer-wise file gives; attention_class UNKNOWN) */
    char source_file[560];    /* "root:path" of the file that fed the row ("" if none) */
} taf_db_model;

/* All models, ORDER BY id. */
bool db_list_models(sqlite3 *db, taf_db_model **out, size_t *n, taf_err *err);
/* One model by id; *found false if there is none. */
bool db_get_model(sqlite3 *db, const char *id, taf_db_model *out, bool *found, taf_err *err);
void db_models_free(taf_db_model *m, size_t n);

typedef struct {
    long long id;
    char model_id[PF_ID_SIZE];
    char corpus[8];           /* text | random */
    bool has_theta;
    double theta;             /* as the file states it (measured with) */
    bool partial;
    long long *distances;     /* as listed in the file */
    size_t n_distances;
    bool has_fit_set;
    long long *fit_distances;
    size_t n_fit;
    long long d_min_fit, n_prompts;   /* -1 when missing */
    long long *seeds;
    size_t n_seeds;
    char source_file[560];    /* "panel:e4_gamma/..." */
    char sha256[TAF_SHA256_HEX_SIZE];
} taf_db_measurement;

/* Measurements of one model (model_id NULL: of all models), ORDER BY
 * model_id, corpus. */
bool db_list_measurements(sqlite3 *db, const char *model_id, taf_db_measurement **out,
                          size_t *n, taf_err *err);
void db_measurements_free(taf_db_measurement *m, size_t n);

/* A measurement's points ORDER BY distance (pf_point: distance, mean, std,
 * per-seed values, in_fit 1/0/-1). Zero means are kept: fits exclude them. */
bool db_measurement_points(sqlite3 *db, long long measurement_id, pf_point **out, size_t *n,
                           taf_err *err);
void db_points_free(pf_point *p, size_t n);

/* The upstream fit stored with a measurement (pf_fit; decision malloc'd,
 * free with db_fit_free); *found false for partial files. */
bool db_upstream_fit(sqlite3 *db, long long measurement_id, pf_fit *out, bool *found,
                     taf_err *err);
void db_fit_free(pf_fit *f);

/* The layer-wise data of a model (pf_layerwise; gammas ORDER BY layer,
 * points ORDER BY layer, distance); *found false if the model has none. */
bool db_layerwise(sqlite3 *db, const char *model_id, pf_layerwise *out, bool *found,
                  taf_err *err);
/* Whether the model has layer-wise data (what db_layerwise's *found says),
 * without reading it. */
bool db_has_layerwise(sqlite3 *db, const char *model_id, bool *found, taf_err *err);

typedef struct {
    long long id;
    char root[8];             /* panel | presets | config */
    char path[512];           /* relative to its root (config: as given) */
    char kind[16];            /* measurement layerwise master pade preset config */
    char sha256[TAF_SHA256_HEX_SIZE];
    long long size;
    long long missing_values; /* NaN/Infinity tokens read as null */
} taf_db_source_file;

/* Every ingested file, ORDER BY root, path (provenance). */
bool db_list_source_files(sqlite3 *db, taf_db_source_file **out, size_t *n, taf_err *err);

/* SHA-256 over every source file's root, path and hash (ORDER BY root,
 * path): changes whenever an ingest changes anything. */
bool db_inputs_digest(sqlite3 *db, char out[TAF_SHA256_HEX_SIZE], taf_err *err);

/* The stored calibration (tafcard calibrate): {refits: [...], pade: {...}}
 * or *found = false when calibrate has not run since the last ingest
 * changed the inputs. */
bool db_calibration(sqlite3 *db, cJSON **out, bool *found, taf_err *err);

/* Streams and point look-ups, for a site build that keeps nothing per
 * model in memory: the model ids one at a time (each model's row is then
 * read with db_get_model when its card is made), one source file by name,
 * and the few source files every card may need. */
/* Called once per model id, in db_list_models' order (ORDER BY id); return
 * false (with *err set) to stop. */
typedef bool (*db_model_id_fn)(void *ctx, const char *id, taf_err *err);
bool db_each_model_id(sqlite3 *db, db_model_id_fn fn, void *ctx, taf_err *err);

/* True in *has when any ingested file comes from the panel. */
bool db_has_panel_files(sqlite3 *db, bool *has, taf_err *err);

/* The source files of one kind ("layerwise", ...), ORDER BY root, path as
 * db_list_source_files; free the array with free(). */
bool db_list_source_files_of_kind(sqlite3 *db, const char *kind, taf_db_source_file **out,
                                  size_t *n, taf_err *err);

/* The source file named "root:path" (a taf_db_model's source_file);
 * *found false when there is none. */
bool db_get_source_file(sqlite3 *db, const char *root_path, taf_db_source_file *out,
                        bool *found, taf_err *err);

#endif
