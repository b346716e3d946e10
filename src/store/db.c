/* SQLite schema, migrations and the read API (see db.h). */
#include "store/db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

/* ---- schema ------------------------------------------------------------------
 * MIGRATIONS[k] takes user_version k to k + 1. Never edit a released
 * migration; append a new one and bump TAF_DB_SCHEMA_VERSION. */
static const char *const MIGRATIONS[TAF_DB_SCHEMA_VERSION] = {
    /* v0 -> v1 */
    "CREATE TABLE source_files (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  root TEXT NOT NULL CHECK (root IN ('panel','presets','config')),\n"
    "  path TEXT NOT NULL,\n"
    "  kind TEXT NOT NULL CHECK (kind IN ('measurement','layerwise','master','pade',"
    "'preset','config')),\n"
    "  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),\n"
    "  size INTEGER NOT NULL CHECK (size >= 0),\n"
    "  missing_values INTEGER NOT NULL DEFAULT 0,\n"
    "  UNIQUE (root, path)\n"
    ");\n"
    "CREATE TABLE model_specs (\n"
    "  source_file INTEGER PRIMARY KEY REFERENCES source_files(id) ON DELETE CASCADE,\n"
    "  model_id TEXT NOT NULL,\n"
    "  spec_json TEXT NOT NULL\n"
    ");\n"
    "CREATE INDEX model_specs_by_model ON model_specs(model_id);\n"
    "CREATE TABLE models (\n"
    "  id TEXT PRIMARY KEY,\n"
    "  theta REAL CHECK (theta IS NULL OR theta > 0),\n"
    "  T_train INTEGER, n_attention_heads INTEGER, n_kv_heads INTEGER,\n"
    "  d_head INTEGER, n_layers INTEGER,\n"
    "  n_params REAL, n_params_estimated INTEGER NOT NULL DEFAULT 0,\n"
    "  has_SWA INTEGER, is_instruct INTEGER,\n"
    "  attention_class TEXT NOT NULL, position_encoding TEXT NOT NULL,\n"
    "  moe_experts INTEGER, moe_active_experts INTEGER, n_attention_layers INTEGER,\n"
    "  origin TEXT NOT NULL CHECK (origin IN ('preset','config','panel')),\n"
    "  source TEXT NOT NULL,\n"
    "  field_sources TEXT NOT NULL,\n"
    "  source_file INTEGER REFERENCES source_files(id) ON DELETE SET NULL\n"
    ");\n"
    "CREATE INDEX models_by_file ON models(source_file);\n"
    "CREATE TABLE measurements (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  source_file INTEGER NOT NULL UNIQUE REFERENCES source_files(id) ON DELETE CASCADE,\n"
    "  model_id TEXT NOT NULL REFERENCES models(id) DEFERRABLE INITIALLY DEFERRED,\n"
    "  corpus TEXT NOT NULL CHECK (corpus IN ('text','random')),\n"
    "  theta REAL,\n"
    "  status TEXT NOT NULL CHECK (status IN ('complete','partial')),\n"
    "  distances TEXT NOT NULL,\n"
    "  fit_distances TEXT,\n"
    "  d_min_fit INTEGER, n_prompts INTEGER, seeds TEXT, runtime_so_far REAL,\n"
    "  UNIQUE (model_id, corpus)\n"
    ");\n"
    "CREATE TABLE points (\n"
    "  measurement_id INTEGER NOT NULL REFERENCES measurements(id) ON DELETE CASCADE,\n"
    "  distance INTEGER NOT NULL CHECK (distance > 0),\n"
    "  mean REAL CHECK (mean IS NULL OR mean >= 0),\n"
    "  std REAL,\n"
    "  per_seed TEXT,\n"
    "  in_fit INTEGER,\n"
    "  PRIMARY KEY (measurement_id, distance)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE upstream_fits (\n"
    "  measurement_id INTEGER PRIMARY KEY REFERENCES measurements(id) ON DELETE CASCADE,\n"
    "  gamma_pred REAL, C_theory REAL,\n"
    "  pl_gamma REAL, pl_log_A REAL, pl_R2 REAL, pl_n_points INTEGER,\n"
    "  exp_lambda REAL, exp_log_A REAL, exp_R2 REAL, exp_n_points INTEGER,\n"
    "  delta_R2 REAL, ci_lo REAL, ci_hi REAL, decision TEXT\n"
    ");\n"
    "CREATE TABLE layerwise_runs (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  source_file INTEGER NOT NULL UNIQUE REFERENCES source_files(id) ON DELETE CASCADE,\n"
    "  model_id TEXT NOT NULL UNIQUE REFERENCES models(id) DEFERRABLE INITIALLY DEFERRED,\n"
    "  theta REAL, d_head INTEGER, n_layers INTEGER, L_crit_known INTEGER,\n"
    "  z REAL, gamma_pos_pred REAL, gamma_pade REAL, beta_gamma REAL,\n"
    "  distances TEXT, fit_distances TEXT, n_prompts INTEGER, seeds TEXT\n"
    ");\n"
    "CREATE TABLE layer_gamma (\n"
    "  run_id INTEGER NOT NULL REFERENCES layerwise_runs(id) ON DELETE CASCADE,\n"
    "  layer INTEGER NOT NULL CHECK (layer >= 0),\n"
    "  gamma REAL, R2 REAL, n_points INTEGER, type TEXT,\n"
    "  PRIMARY KEY (run_id, layer)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE layer_points (\n"
    "  run_id INTEGER NOT NULL REFERENCES layerwise_runs(id) ON DELETE CASCADE,\n"
    "  layer INTEGER NOT NULL CHECK (layer >= 0),\n"
    "  distance INTEGER NOT NULL CHECK (distance > 0),\n"
    "  value REAL CHECK (value IS NULL OR value >= 0),\n"
    "  in_fit INTEGER,\n"
    "  PRIMARY KEY (run_id, layer, distance)\n"
    ") WITHOUT ROWID;\n"
    /* model_id is not a models FK: curated rows may name unmeasured models */
    "CREATE TABLE master_results (\n"
    "  source_file INTEGER NOT NULL REFERENCES source_files(id) ON DELETE CASCADE,\n"
    "  row_index INTEGER NOT NULL,\n"
    "  model_id TEXT NOT NULL,\n"
    "  corpus TEXT NOT NULL CHECK (corpus IN ('text','random')),\n"
    "  theta REAL, gamma_obs REAL, R2 REAL, T_attn REAL, U REAL, S REAL, F REAL,\n"
    "  Cv REAL, chi REAL, D90 REAL,\n"
    "  phase TEXT, source TEXT, notes TEXT,\n"
    "  PRIMARY KEY (source_file, row_index)\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE pade_validation (\n"
    "  source_file INTEGER NOT NULL REFERENCES source_files(id) ON DELETE CASCADE,\n"
    "  row_index INTEGER NOT NULL,\n"
    "  name TEXT NOT NULL,\n"
    "  theta REAL, T_eval REAL, z REAL, gamma_obs REAL, r2 REAL,\n"
    "  gamma_lin REAL, err_lin_pct REAL, gamma_pade REAL, err_pade_pct REAL,\n"
    "  gamma_exp REAL, err_exp_pct REAL, notes TEXT,\n"
    "  PRIMARY KEY (source_file, row_index)\n"
    ") WITHOUT ROWID;\n",
    /* v1 → v2: calibration results, so the site reads what calibrate stored */
    "CREATE TABLE calib_fits (\n"
    "  measurement INTEGER PRIMARY KEY REFERENCES measurements(id) ON DELETE CASCADE,\n"
    "  fit_json TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE calib_refits (\n"
    "  position INTEGER PRIMARY KEY,\n"
    "  name TEXT NOT NULL UNIQUE,\n"
    "  row_json TEXT NOT NULL,\n"
    "  models_json TEXT NOT NULL\n"
    ");\n"
    "CREATE TABLE calib_meta (\n"
    "  key TEXT PRIMARY KEY,\n"
    "  value TEXT NOT NULL\n"
    ") WITHOUT ROWID;\n",
};

/* ---- connection ---------------------------------------------------------------- */

bool db_fail(sqlite3 *db, const char *what, taf_err *err)
{
    int code = db ? sqlite3_extended_errcode(db) : SQLITE_ERROR;
    const char *msg = db ? sqlite3_errmsg(db) : "out of memory";
    if ((code & 0xff) == SQLITE_NOTADB)
        return taf_fail(err, "NOT_A_DATABASE", "give --db a new path or a tafcard database",
                        "%s: %s", what, msg);
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED)
        return taf_fail(err, "DB_BUSY", "another tafcard process is writing; retry", "%s: %s",
                        what, msg);
    return taf_fail(err, "DB_ERROR", NULL, "%s: %s", what, msg);
}

bool db_exec(sqlite3 *db, const char *sql, taf_err *err)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(db, "sqlite", err);
    return true;
}

static sqlite3 *open_common(const char *path, int flags, taf_err *err)
{
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        char what[600];
        snprintf(what, sizeof what, "%s: cannot open database", path);
        if (db)
            db_fail(db, what, err);
        else
            taf_fail(err, "DB_ERROR", NULL, "%s", what);
        if (err && !err->hint[0])
            snprintf(err->hint, sizeof err->hint,
                     "--db names a database file; check that it is not a directory and that "
                     "its directory exists and is writable");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK) {
        db_fail(db, path, err);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

sqlite3 *db_open_write(const char *path, taf_err *err)
{
    sqlite3 *db = open_common(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err);
    /* an ingest is one transaction: with SQLite's default 2 MB page cache
     * one of 10,000 configs spilled its changed pages to the journal and
     * read them back (40 s; 64 MB keeps them, on a ~30 MB database) */
    if (db && sqlite3_exec(db, "PRAGMA cache_size = -65536", NULL, NULL, NULL) != SQLITE_OK) {
        db_fail(db, path, err);
        sqlite3_close(db);
        return NULL;
    }
    /* reading the version touches the file: a non-database fails here */
    if (db && db_schema_version(db) < 0) {
        db_fail(db, path, err);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

sqlite3 *db_open_read(const char *path, taf_err *err)
{
    if (access(path, F_OK) != 0) {
        taf_fail(err, "CANNOT_READ", "run tafcard ingest (with --db PATH) to create it",
                 "%s: no such database", path);
        return NULL;
    }
    sqlite3 *db = open_common(path, SQLITE_OPEN_READONLY, err);
    if (!db)
        return NULL;
    int v = db_schema_version(db);
    if (v < 0 && sqlite3_extended_errcode(db) == SQLITE_READONLY_ROLLBACK) {
        /* A writer died mid-transaction (kill -9, power loss) and left a
         * hot journal, which only a read-write connection may roll back.
         * Do that once (restoring the database as it was before that
         * transaction), then read as usual. */
        sqlite3_close(db);
        db = open_common(path, SQLITE_OPEN_READWRITE, err);
        if (!db)
            return NULL;
        v = db_schema_version(db);
        sqlite3_close(db);
        if (v < 0) {
            taf_fail(err, "DB_ERROR", "run tafcard ingest to repair it",
                     "%s: cannot recover from an interrupted write", path);
            return NULL;
        }
        db = open_common(path, SQLITE_OPEN_READONLY, err);
        if (!db)
            return NULL;
        v = db_schema_version(db);
    }
    if (v < 0) {
        db_fail(db, path, err);
        sqlite3_close(db);
        return NULL;
    }
    if (v != TAF_DB_SCHEMA_VERSION) {
        taf_fail(err, "DB_SCHEMA", "run tafcard ingest (with this tafcard) to create or migrate it",
                 "%s: database schema v%d, this tafcard reads v%d", path, v,
                 TAF_DB_SCHEMA_VERSION);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

/* Prepared statements are kept per thread and connection, keyed by the
 * query text's address (the queries are string literals): a site build
 * runs the same few reads for every card, and compiling their SQL again
 * each time was most of loading a card. prep() hands out a statement,
 * release() resets it for the next card; db_close() finalizes them. */
typedef struct {
    sqlite3 *db;
    const char *sql;
    sqlite3_stmt *st;
    bool busy;
} stmt_slot;

#define STMT_SLOTS 24
static _Thread_local stmt_slot stmt_cache[STMT_SLOTS];

static void forget_statements(sqlite3 *db)
{
    for (int i = 0; i < STMT_SLOTS; i++)
        if (stmt_cache[i].db == db) {
            sqlite3_finalize(stmt_cache[i].st);
            stmt_cache[i] = (stmt_slot){0};
        }
}

int db_close(sqlite3 *db)
{
    if (!db)
        return SQLITE_OK;
    forget_statements(db);
    return sqlite3_close(db);
}

int db_schema_version(sqlite3 *db)
{
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

bool db_migrate(sqlite3 *db, taf_err *err)
{
    int v = db_schema_version(db);
    if (v < 0)
        return db_fail(db, "reading the schema version", err);
    if (v > TAF_DB_SCHEMA_VERSION)
        return taf_fail(err, "DB_SCHEMA", "use a newer tafcard, or a new --db path",
                        "database schema v%d is newer than this tafcard (v%d)", v,
                        TAF_DB_SCHEMA_VERSION);
    for (; v < TAF_DB_SCHEMA_VERSION; v++) {
        if (!db_exec(db, MIGRATIONS[v], err))
            return false;
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version = %d", v + 1);
        if (!db_exec(db, pragma, err))
            return false;
    }
    return true;
}

/* ---- read helpers ------------------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    return q;
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql, taf_err *err)
{
    stmt_slot *free_slot = NULL;
    for (int i = 0; i < STMT_SLOTS; i++) {
        stmt_slot *c = &stmt_cache[i];
        if (c->db == db && c->sql == sql && !c->busy) {
            c->busy = true;
            return c->st;
        }
        if (!c->db && !free_slot)
            free_slot = c;
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(db, sql, -1, free_slot ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        db_fail(db, "preparing a query", err);
        return NULL;
    }
    if (free_slot)
        *free_slot = (stmt_slot){db, sql, st, true};
    return st;
}

/* Done with a statement from prep(). */
static void release(sqlite3_stmt *st)
{
    for (int i = 0; i < STMT_SLOTS; i++)
        if (stmt_cache[i].st == st && stmt_cache[i].busy) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            stmt_cache[i].busy = false;
            return;
        }
    sqlite3_finalize(st);
}

static double col_real(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN : sqlite3_column_double(st, i);
}

static long long col_int(sqlite3_stmt *st, int i, long long missing)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? missing : sqlite3_column_int64(st, i);
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, n, "%s", t ? (const char *)t : "");
}

/* A stored JSON array of integers ("[1,2]") -> malloc'd array; NULL column
 * -> *present false. */
static void col_ints(sqlite3_stmt *st, int i, long long **out, size_t *n, bool *present)
{
    *out = NULL;
    *n = 0;
    if (present)
        *present = false;
    const char *t = (const char *)sqlite3_column_text(st, i);
    if (!t)
        return;
    cJSON *a = cJSON_Parse(t);
    if (cJSON_IsArray(a)) {
        size_t cnt = (size_t)cJSON_GetArraySize(a), k = 0;
        *out = xrealloc(NULL, cnt * sizeof **out);
        for (cJSON *it = a->child; it; it = it->next)
            (*out)[k++] = (long long)it->valuedouble;
        *n = cnt;
        if (present)
            *present = true;
    }
    cJSON_Delete(a);
}

/* A stored JSON array of numbers/null -> doubles with NAN for null. */
static void col_doubles(sqlite3_stmt *st, int i, double **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const char *t = (const char *)sqlite3_column_text(st, i);
    if (!t)
        return;
    cJSON *a = cJSON_Parse(t);
    if (cJSON_IsArray(a)) {
        size_t cnt = (size_t)cJSON_GetArraySize(a), k = 0;
        *out = xrealloc(NULL, cnt * sizeof **out);
        for (cJSON *it = a->child; it; it = it->next)
            (*out)[k++] = cJSON_IsNumber(it) ? it->valuedouble : NAN;
        *n = cnt;
    }
    cJSON_Delete(a);
}

static bool step_done(sqlite3 *db, sqlite3_stmt *st, int rc, taf_err *err)
{
    release(st);
    if (rc != SQLITE_DONE)
        return db_fail(db, "reading the database", err);
    return true;
}

/* ---- models --------------------------------------------------------------------- */

#define MODEL_COLS                                                                           \
    "m.id, m.theta, m.T_train, m.n_attention_heads, m.n_kv_heads, m.d_head, m.n_layers, "   \
    "m.n_params, m.n_params_estimated, m.has_SWA, m.is_instruct, m.attention_class, "       \
    "m.position_encoding, m.moe_experts, m.moe_active_experts, m.n_attention_layers, "      \
    "m.origin, m.source, m.field_sources, sf.root || ':' || sf.path "                       \
    "FROM models m LEFT JOIN source_files sf ON sf.id = m.source_file "

static void read_model_row(sqlite3_stmt *st, taf_db_model *m)
{
    memset(m, 0, sizeof *m);
    spec_init(&m->spec);
    taf_model_spec *s = &m->spec;
    col_text(st, 0, s->id, sizeof s->id);
    s->has_theta = sqlite3_column_type(st, 1) != SQLITE_NULL;
    s->theta = s->has_theta ? sqlite3_column_double(st, 1) : 0;
    s->T_train = col_int(st, 2, 0);
    s->n_attention_heads = col_int(st, 3, 0);
    s->n_kv_heads = col_int(st, 4, 0);
    s->d_head = col_int(st, 5, 0);
    s->n_layers = col_int(st, 6, 0);
    s->n_params = sqlite3_column_type(st, 7) == SQLITE_NULL ? 0 : sqlite3_column_double(st, 7);
    s->n_params_estimated = col_int(st, 8, 0) != 0;
    s->has_SWA = col_int(st, 9, 0) != 0;
    s->is_instruct = col_int(st, 10, 0) != 0;
    col_text(st, 11, s->attention_class, sizeof s->attention_class);
    col_text(st, 12, s->position_encoding, sizeof s->position_encoding);
    s->moe_experts = col_int(st, 13, 0);
    s->moe_active_experts = col_int(st, 14, 0);
    s->n_attention_layers = col_int(st, 15, -1);
    col_text(st, 16, m->origin, sizeof m->origin);
    col_text(st, 17, s->source, sizeof s->source);
    const char *fs = (const char *)sqlite3_column_text(st, 18);
    s->field_sources = fs ? cJSON_Parse(fs) : NULL;
    col_text(st, 19, m->source_file, sizeof m->source_file);
}

bool db_list_models(sqlite3 *db, taf_db_model **out, size_t *n, taf_err *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prep(db, "SELECT " MODEL_COLS "ORDER BY m.id", err);
    if (!st)
        return false;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap)
            *out = xrealloc(*out, (cap = cap ? 2 * cap : 32) * sizeof **out);
        read_model_row(st, &(*out)[(*n)++]);
    }
    if (!step_done(db, st, rc, err)) {
        db_models_free(*out, *n);
        *out = NULL;
        *n = 0;
        return false;
    }
    return true;
}

bool db_get_model(sqlite3 *db, const char *id, taf_db_model *out, bool *found, taf_err *err)
{
    *found = false;
    sqlite3_stmt *st = prep(db, "SELECT " MODEL_COLS "WHERE m.id = ?1", err);
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_model_row(st, out);
        *found = true;
        rc = SQLITE_DONE;
    }
    return step_done(db, st, rc, err);
}

void db_models_free(taf_db_model *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        spec_free(&m[i].spec);
    free(m);
}

/* ---- measurements --------------------------------------------------------------- */

bool db_list_measurements(sqlite3 *db, const char *model_id, taf_db_measurement **out,
                          size_t *n, taf_err *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prep(
        db,
        "SELECT m.id, m.model_id, m.corpus, m.theta, m.status, m.distances, m.fit_distances, "
        "m.d_min_fit, m.n_prompts, m.seeds, sf.root || ':' || sf.path, sf.sha256 "
        "FROM measurements m JOIN source_files sf ON sf.id = m.source_file "
        "WHERE ?1 IS NULL OR m.model_id = ?1 ORDER BY m.model_id, m.corpus",
        err);
    if (!st)
        return false;
    if (model_id)
        sqlite3_bind_text(st, 1, model_id, -1, SQLITE_TRANSIENT);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap)
            *out = xrealloc(*out, (cap = cap ? 2 * cap : 32) * sizeof **out);
        taf_db_measurement *m = &(*out)[(*n)++];
        memset(m, 0, sizeof *m);
        m->id = sqlite3_column_int64(st, 0);
        col_text(st, 1, m->model_id, sizeof m->model_id);
        col_text(st, 2, m->corpus, sizeof m->corpus);
        m->has_theta = sqlite3_column_type(st, 3) != SQLITE_NULL;
        m->theta = m->has_theta ? sqlite3_column_double(st, 3) : 0;
        const char *status = (const char *)sqlite3_column_text(st, 4);
        m->partial = status && strcmp(status, "partial") == 0;
        col_ints(st, 5, &m->distances, &m->n_distances, NULL);
        col_ints(st, 6, &m->fit_distances, &m->n_fit, &m->has_fit_set);
        m->d_min_fit = col_int(st, 7, -1);
        m->n_prompts = col_int(st, 8, -1);
        col_ints(st, 9, &m->seeds, &m->n_seeds, NULL);
        col_text(st, 10, m->source_file, sizeof m->source_file);
        col_text(st, 11, m->sha256, sizeof m->sha256);
    }
    if (!step_done(db, st, rc, err)) {
        db_measurements_free(*out, *n);
        *out = NULL;
        *n = 0;
        return false;
    }
    return true;
}

void db_measurements_free(taf_db_measurement *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].distances);
        free(m[i].fit_distances);
        free(m[i].seeds);
    }
    free(m);
}

bool db_measurement_points(sqlite3 *db, long long measurement_id, pf_point **out, size_t *n,
                           taf_err *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prep(db,
                            "SELECT distance, mean, std, per_seed, in_fit FROM points "
                            "WHERE measurement_id = ?1 ORDER BY distance",
                            err);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, measurement_id);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap)
            *out = xrealloc(*out, (cap = cap ? 2 * cap : 16) * sizeof **out);
        pf_point *p = &(*out)[(*n)++];
        p->distance = sqlite3_column_int64(st, 0);
        p->mean = col_real(st, 1);
        p->std = col_real(st, 2);
        col_doubles(st, 3, &p->per_seed, &p->n_per_seed);
        p->in_fit = (int)col_int(st, 4, -1);
    }
    if (!step_done(db, st, rc, err)) {
        db_points_free(*out, *n);
        *out = NULL;
        *n = 0;
        return false;
    }
    return true;
}

void db_points_free(pf_point *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(p[i].per_seed);
    free(p);
}

bool db_upstream_fit(sqlite3 *db, long long measurement_id, pf_fit *f, bool *found,
                     taf_err *err)
{
    memset(f, 0, sizeof *f);
    *found = false;
    sqlite3_stmt *st = prep(db,
                            "SELECT gamma_pred, C_theory, pl_gamma, pl_log_A, pl_R2, "
                            "pl_n_points, exp_lambda, exp_log_A, exp_R2, exp_n_points, "
                            "delta_R2, ci_lo, ci_hi, decision FROM upstream_fits "
                            "WHERE measurement_id = ?1",
                            err);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, measurement_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *found = f->present = true;
        f->gamma_pred = col_real(st, 0);
        f->C_theory = col_real(st, 1);
        f->pl_gamma = col_real(st, 2);
        f->pl_log_A = col_real(st, 3);
        f->pl_R2 = col_real(st, 4);
        f->pl_n_points = col_int(st, 5, -1);
        f->exp_lambda = col_real(st, 6);
        f->exp_log_A = col_real(st, 7);
        f->exp_R2 = col_real(st, 8);
        f->exp_n_points = col_int(st, 9, -1);
        f->delta_R2 = col_real(st, 10);
        f->ci_lo = col_real(st, 11);
        f->ci_hi = col_real(st, 12);
        const char *d = (const char *)sqlite3_column_text(st, 13);
        if (d && !(f->decision = strdup(d)))
            abort();
        rc = SQLITE_DONE;
    }
    return step_done(db, st, rc, err);
}

void db_fit_free(pf_fit *f)
{
    free(f->decision);
    f->decision = NULL;
}

/* ---- layer-wise ----------------------------------------------------------------- */

bool db_has_layerwise(sqlite3 *db, const char *model_id, bool *found, taf_err *err)
{
    *found = false;
    sqlite3_stmt *st = prep(db, "SELECT 1 FROM layerwise_runs WHERE model_id = ?1", err);
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, model_id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *found = true;
        release(st);
        return true;
    }
    return step_done(db, st, rc, err);
}

bool db_layerwise(sqlite3 *db, const char *model_id, pf_layerwise *l, bool *found, taf_err *err)
{
    memset(l, 0, sizeof *l);
    *found = false;
    sqlite3_stmt *st = prep(db,
                            "SELECT id, theta, d_head, n_layers, L_crit_known, z, "
                            "gamma_pos_pred, gamma_pade, beta_gamma, distances, fit_distances, "
                            "n_prompts, seeds FROM layerwise_runs WHERE model_id = ?1",
                            err);
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, model_id, -1, SQLITE_TRANSIENT);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        return step_done(db, st, rc, err);
    long long run = sqlite3_column_int64(st, 0);
    snprintf(l->model_id, sizeof l->model_id, "%s", model_id);
    l->has_theta = sqlite3_column_type(st, 1) != SQLITE_NULL;
    l->theta = l->has_theta ? sqlite3_column_double(st, 1) : 0;
    l->d_head = col_int(st, 2, -1);
    l->n_layers = col_int(st, 3, -1);
    l->L_crit_known = col_int(st, 4, -1);
    l->z = col_real(st, 5);
    l->gamma_pos_pred = col_real(st, 6);
    l->gamma_pade = col_real(st, 7);
    l->beta_gamma = col_real(st, 8);
    col_ints(st, 9, &l->distances, &l->n_distances, NULL);
    col_ints(st, 10, &l->fit, &l->n_fit, &l->has_fit_set);
    l->n_prompts = col_int(st, 11, -1);
    col_ints(st, 12, &l->seeds, &l->n_seeds, &l->has_seeds);
    release(st);

    st = prep(db,
              "SELECT layer, gamma, R2, n_points, type FROM layer_gamma WHERE run_id = ?1 "
              "ORDER BY layer",
              err);
    if (!st)
        goto fail;
    sqlite3_bind_int64(st, 1, run);
    size_t cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (l->n_gammas == cap)
            l->gammas = xrealloc(l->gammas, (cap = cap ? 2 * cap : 16) * sizeof *l->gammas);
        pf_layer_gamma *g = &l->gammas[l->n_gammas++];
        g->layer = sqlite3_column_int64(st, 0);
        g->gamma = col_real(st, 1);
        g->R2 = col_real(st, 2);
        g->n_points = col_int(st, 3, -1);
        col_text(st, 4, g->type, sizeof g->type);
    }
    if (!step_done(db, st, rc, err))
        goto fail;

    st = prep(db,
              "SELECT layer, distance, value, in_fit FROM layer_points WHERE run_id = ?1 "
              "ORDER BY layer, distance",
              err);
    if (!st)
        goto fail;
    sqlite3_bind_int64(st, 1, run);
    cap = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (l->n_points == cap)
            l->points = xrealloc(l->points, (cap = cap ? 2 * cap : 64) * sizeof *l->points);
        pf_layer_point *p = &l->points[l->n_points++];
        p->layer = sqlite3_column_int64(st, 0);
        p->distance = sqlite3_column_int64(st, 1);
        p->value = col_real(st, 2);
        p->in_fit = (int)col_int(st, 3, -1);
    }
    if (!step_done(db, st, rc, err))
        goto fail;
    *found = true;
    return true;
fail:
    pf_layerwise_free(l);
    return false;
}

/* ---- provenance ----------------------------------------------------------------- */

#define FILE_COLS "id, root, path, kind, sha256, size, missing_values FROM source_files "

static void read_file_row(sqlite3_stmt *st, taf_db_source_file *f)
{
    memset(f, 0, sizeof *f);
    f->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, f->root, sizeof f->root);
    col_text(st, 2, f->path, sizeof f->path);
    col_text(st, 3, f->kind, sizeof f->kind);
    col_text(st, 4, f->sha256, sizeof f->sha256);
    f->size = sqlite3_column_int64(st, 5);
    f->missing_values = sqlite3_column_int64(st, 6);
}

bool db_list_source_files(sqlite3 *db, taf_db_source_file **out, size_t *n, taf_err *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prep(db, "SELECT " FILE_COLS "ORDER BY root, path", err);
    if (!st)
        return false;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap)
            *out = xrealloc(*out, (cap = cap ? 2 * cap : 64) * sizeof **out);
        read_file_row(st, &(*out)[(*n)++]);
    }
    if (!step_done(db, st, rc, err)) {
        free(*out);
        *out = NULL;
        *n = 0;
        return false;
    }
    return true;
}

/* Hashed row by row: a list of every file and one buffer of all the lines
 * cost ~1.7 KB a file (17 MB at 10,000 models), and glibc, seeing blocks
 * that large freed from mmap, raised its mmap threshold past the size of a
 * chart's raster, so a build's rasters then came from the heap and stayed
 * resident (peak RSS growing with the number of models). */
bool db_inputs_digest(sqlite3 *db, char out[TAF_SHA256_HEX_SIZE], taf_err *err)
{
    out[0] = '\0';
    sqlite3_stmt *st = prep(db, "SELECT " FILE_COLS "ORDER BY root, path", err);
    if (!st)
        return false;
    taf_sha256 *h = taf_sha256_new();
    bool ok = h != NULL;
    int rc = SQLITE_DONE;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        /* the same fields, cut to the same sizes, as db_list_source_files */
        taf_db_source_file f;
        read_file_row(st, &f);
        char line[sizeof f.root + sizeof f.path + sizeof f.sha256 + 4];
        int k = snprintf(line, sizeof line, "%s:%s:%s\n", f.root, f.path, f.sha256);
        ok = taf_sha256_update(h, line, (size_t)k);
    }
    if (!ok) {
        release(st);
        taf_sha256_finish(h, out);
        out[0] = '\0';
        return taf_fail(err, "oom", NULL, "cannot compute the inputs digest (libcrypto)");
    }
    if (!step_done(db, st, rc, err)) {
        taf_sha256_finish(h, out);
        out[0] = '\0';
        return false;
    }
    return taf_sha256_finish(h, out) ||
           taf_fail(err, "oom", NULL, "cannot compute the inputs digest (libcrypto)");
}

bool db_calibration(sqlite3 *db, cJSON **out, bool *found, taf_err *err)
{
    *out = NULL;
    *found = false;
    sqlite3_stmt *st = NULL;
    /* a calibration made before the last change of inputs is stale */
    char now[TAF_SHA256_HEX_SIZE];
    if (!db_inputs_digest(db, now, err))
        return false;
    if (sqlite3_prepare_v2(db, "SELECT value FROM calib_meta WHERE key = 'inputs'", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(db, "reading the calibration", err);
    bool fresh = sqlite3_step(st) == SQLITE_ROW &&
                 strcmp((const char *)sqlite3_column_text(st, 0), now) == 0;
    sqlite3_finalize(st);
    if (!fresh)
        return true;
    if (sqlite3_prepare_v2(db, "SELECT row_json FROM calib_refits ORDER BY position", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(db, "reading the calibration", err);
    cJSON *res = cJSON_CreateObject(), *rows = cJSON_AddArrayToObject(res, "refits");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *r = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
        if (r)
            cJSON_AddItemToArray(rows, r);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        cJSON_Delete(res);
        return db_fail(db, "reading the calibration", err);
    }
    if (sqlite3_prepare_v2(db, "SELECT value FROM calib_meta WHERE key = 'pade'", -1, &st,
                           NULL) != SQLITE_OK) {
        cJSON_Delete(res);
        return db_fail(db, "reading the calibration", err);
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *p = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
        if (p)
            cJSON_AddItemToObject(res, "pade", p);
    }
    sqlite3_finalize(st);
    if (!rows->child) {
        cJSON_Delete(res);
        return true;
    }
    *out = res;
    *found = true;
    return true;
}

/* ---- streams and point look-ups (a site build keeps nothing per model) ---------- */

bool db_each_model_id(sqlite3 *db, db_model_id_fn fn, void *ctx, taf_err *err)
{
    sqlite3_stmt *st = prep(db, "SELECT id FROM models ORDER BY id", err);
    if (!st)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *id = sqlite3_column_text(st, 0);
        if (!fn(ctx, id ? (const char *)id : "", err)) {
            release(st);
            return false;
        }
    }
    return step_done(db, st, rc, err);
}

bool db_has_panel_files(sqlite3 *db, bool *has, taf_err *err)
{
    *has = false;
    sqlite3_stmt *st =
        prep(db, "SELECT EXISTS (SELECT 1 FROM source_files WHERE root = 'panel')", err);
    if (!st)
        return false;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *has = sqlite3_column_int(st, 0) != 0;
        rc = SQLITE_DONE;
    }
    return step_done(db, st, rc, err);
}

bool db_list_source_files_of_kind(sqlite3 *db, const char *kind, taf_db_source_file **out,
                                  size_t *n, taf_err *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prep(db, "SELECT " FILE_COLS "WHERE kind = ?1 ORDER BY root, path", err);
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t c = cap ? 2 * cap : 8;
            taf_db_source_file *f = realloc(*out, c * sizeof *f);
            if (!f) {
                release(st);
                free(*out);
                *out = NULL;
                *n = 0;
                return taf_fail(err, "oom", NULL, "out of memory listing %s files", kind);
            }
            *out = f;
            cap = c;
        }
        read_file_row(st, &(*out)[(*n)++]);
    }
    if (!step_done(db, st, rc, err)) {
        free(*out);
        *out = NULL;
        *n = 0;
        return false;
    }
    return true;
}

bool db_get_source_file(sqlite3 *db, const char *root_path, taf_db_source_file *out,
                        bool *found, taf_err *err)
{
    *found = false;
    const char *colon = strchr(root_path, ':');
    if (!colon)
        return true;
    sqlite3_stmt *st = prep(db, "SELECT " FILE_COLS "WHERE root = ?1 AND path = ?2", err);
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, root_path, (int)(colon - root_path), SQLITE_STATIC);
    sqlite3_bind_text(st, 2, colon + 1, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_file_row(st, out);
        *found = true;
        rc = SQLITE_DONE;
    }
    return step_done(db, st, rc, err);
}
