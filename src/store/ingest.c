/* Panel, presets and config ingest into SQLite (see ingest.h).
 *
 * Summary object (taf_ingest's *summary, printed by `tafcard ingest --json`):
 *   db, schema_version, panel_dir, presets_dir (null when not ingested),
 *   files {total, by_kind {measurement, layerwise, master, pade, preset,
 *          config}, added, changed, unchanged, removed},
 *   skipped [non-JSON files, "root:path"],
 *   models {total, preset, config, panel},
 *   measurements {total, text, random, partial, upstream_fits},
 *   points {total, zero_mean, missing_mean}, layer_gammas, layer_points,
 *   master_rows, pade_rows,
 *   missing_values {total, files [{file, count}]},
 *   partial_files ["root:path"],
 *   manifest null | {path, expected, matching, changed [], missing [], unexpected []},
 *   warnings [text]
 * Counts are totals in the database after the ingest, except files.added /
 * changed / unchanged / removed, which describe this run. */
#include "store/ingest.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "card/card.h"
#include "store/db.h"
#include "store/modelspec.h"
#include "store/panel_files.h"
#include "util/jsonnum.h"
#include "util/nanjson.h"
#include "util/sha256.h"

static const char HINT_NOT_JSON[] =
    "fix the file, or move it out of the input directory (NaN/Infinity literals are accepted)";
static const char HINT_SPEC_NOT_JSON[] =
    "a config.json or preset is one JSON object; fix the syntax at that position";
static const char HINT_KIND[] =
    "panel .json files are <org>--<name>_mongo.json, <org>--<name>_random.json, "
    "<org>--<name>_layerwise.json, master_gamma_results.json or pade_validation.json; move "
    "other .json files out of the panel directory";

/* Shortest round-trip text of a double (Python repr), for messages. */
typedef struct {
    char s[PYNUM_BUFSZ];
} numtxt;

static numtxt R(double x)
{
    numtxt t;
    py_repr_double(x, t.s);
    return t;
}

/* ---- small helpers ---------------------------------------------------------- */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The whole file into a NUL-terminated buffer. */
static char *slurp(const char *path, size_t *len, taf_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        taf_fail(err, "CANNOT_READ", "check the path and its permissions", "%s: cannot open: %s",
                 path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = xmalloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb)
                abort();
            buf = nb;
        }
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        taf_fail(err, "CANNOT_READ", NULL, "%s: read error", path);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* mkdir -p of the directory part of `path`. */
static bool make_parent_dirs(const char *path, taf_err *err)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir) {
        free(dir);
        return true;
    }
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
                taf_fail(err, "CANNOT_WRITE", "check the --db path and its permissions",
                         "%s: cannot create directory: %s", dir, strerror(errno));
                free(dir);
                return false;
            }
            *p = c;
            if (c == '\0')
                break;
        }
    }
    free(dir);
    return true;
}

/* ---- input files ------------------------------------------------------------------ */

typedef struct {
    const char *root;   /* panel | presets | config */
    char *rel;          /* path relative to the root (config: as given) */
    char *full;         /* path to open */
    char *display;      /* "root:rel" */
    char *data;         /* contents (JSON files only) */
    size_t len;
    char sha[TAF_SHA256_HEX_SIZE];
    bool is_json;
    char *config_id;    /* configs: id given as ID=FILE, else NULL */
} infile;

typedef struct {
    infile *v;
    size_t n, cap;
} filelist;

static infile *add_file(filelist *l, const char *root, const char *rel, const char *full)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 64;
        infile *nv = realloc(l->v, l->cap * sizeof *nv);
        if (!nv)
            abort();
        l->v = nv;
    }
    infile *f = &l->v[l->n++];
    memset(f, 0, sizeof *f);
    f->root = root;
    f->rel = xstrdup(rel);
    f->full = xstrdup(full);
    f->display = xasprintf("%s:%s", root, rel);
    f->is_json = ends_with(rel, ".json");
    return f;
}

static void filelist_free(filelist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].rel);
        free(l->v[i].full);
        free(l->v[i].display);
        free(l->v[i].data);
        free(l->v[i].config_id);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_infile(const void *a, const void *b)
{
    return strcmp(((const infile *)a)->rel, ((const infile *)b)->rel);
}

/* Every regular file under dir (recursively; dot-directories are not
 * entered), relative paths, sorted (readdir order is unspecified). */
static bool walk(filelist *l, const char *root, const char *base, const char *rel, taf_err *err)
{
    char *dirpath = rel[0] ? xasprintf("%s/%s", base, rel) : xstrdup(base);
    DIR *d = opendir(dirpath);
    if (!d) {
        taf_fail(err, "CANNOT_READ", "check the directory and its permissions",
                 "%s: cannot read directory: %s", dirpath, strerror(errno));
        free(dirpath);
        return false;
    }
    size_t n = 0, cap = 64;
    char **names = xmalloc(cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n == cap) {
            char **nn = realloc(names, (cap *= 2) * sizeof *names);
            if (!nn)
                abort();
            names = nn;
        }
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    bool ok = true;
    for (size_t i = 0; i < n; i++) {
        char *r = rel[0] ? xasprintf("%s/%s", rel, names[i]) : xstrdup(names[i]);
        char *full = xasprintf("%s/%s", base, r);
        struct stat st;
        if (ok && stat(full, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                if (names[i][0] != '.')
                    ok = walk(l, root, base, r, err);
            } else if (S_ISREG(st.st_mode)) {
                add_file(l, root, r, full);
            }
        }
        free(r);
        free(full);
        free(names[i]);
    }
    free(names);
    free(dirpath);
    return ok;
}

/* Read and hash every JSON file of the list. */
static bool load_files(filelist *l, taf_err *err)
{
    for (size_t i = 0; i < l->n; i++) {
        infile *f = &l->v[i];
        if (!f->is_json)
            continue;
        f->data = slurp(f->full, &f->len, err);
        if (!f->data)
            return false;
        if (!taf_sha256_hex(f->data, f->len, f->sha))
            return taf_fail(err, "INTERNAL", NULL, "%s: SHA-256 failed", f->full);
    }
    return true;
}

/* ---- the ingest context ---------------------------------------------------------- */

enum {
    S_FIND_FILE, S_INSERT_FILE, S_DELETE_FILE, S_FILES_OF_ROOT,
    S_FIND_MEAS, S_INSERT_MEAS, S_INSERT_POINT, S_INSERT_FIT,
    S_FIND_RUN, S_INSERT_RUN, S_INSERT_LGAMMA, S_INSERT_LPOINT,
    S_INSERT_MASTER, S_INSERT_PADE, S_INSERT_SPEC, S_SPEC_OF_FILE, S_OTHER_CONFIGS,
    S_DUP_PRESETS, S_MODEL_IDS, S_SPEC_FOR, S_PANEL_THETA, S_PANEL_LAYERWISE, S_PANEL_FIRST,
    S_THETAS, S_MODEL_SAME, S_MODEL_UPSERT, S_ALL_MODELS, S_DELETE_MODEL,
    S_COUNT
};

static const char *const SQL[S_COUNT] = {
    [S_FIND_FILE] = "SELECT id, sha256, size FROM source_files WHERE root = ?1 AND path = ?2",
    [S_INSERT_FILE] = "INSERT INTO source_files (root, path, kind, sha256, size, missing_values) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_DELETE_FILE] = "DELETE FROM source_files WHERE id = ?1",
    [S_FILES_OF_ROOT] = "SELECT id, path FROM source_files WHERE root = ?1 ORDER BY path",
    [S_FIND_MEAS] = "SELECT sf.root || ':' || sf.path FROM measurements m JOIN source_files sf "
                    "ON sf.id = m.source_file WHERE m.model_id = ?1 AND m.corpus = ?2",
    [S_INSERT_MEAS] = "INSERT INTO measurements (source_file, model_id, corpus, theta, status, "
                      "distances, fit_distances, d_min_fit, n_prompts, seeds, runtime_so_far) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [S_INSERT_POINT] = "INSERT INTO points (measurement_id, distance, mean, std, per_seed, in_fit) "
                       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_INSERT_FIT] = "INSERT INTO upstream_fits (measurement_id, gamma_pred, C_theory, pl_gamma, "
                     "pl_log_A, pl_R2, pl_n_points, exp_lambda, exp_log_A, exp_R2, exp_n_points, "
                     "delta_R2, ci_lo, ci_hi, decision) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                     "?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [S_FIND_RUN] = "SELECT sf.root || ':' || sf.path FROM layerwise_runs l JOIN source_files sf "
                   "ON sf.id = l.source_file WHERE l.model_id = ?1",
    [S_INSERT_RUN] = "INSERT INTO layerwise_runs (source_file, model_id, theta, d_head, n_layers, "
                     "L_crit_known, z, gamma_pos_pred, gamma_pade, beta_gamma, distances, "
                     "fit_distances, n_prompts, seeds) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                     "?9, ?10, ?11, ?12, ?13, ?14)",
    [S_INSERT_LGAMMA] = "INSERT INTO layer_gamma (run_id, layer, gamma, R2, n_points, type) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [S_INSERT_LPOINT] = "INSERT INTO layer_points (run_id, layer, distance, value, in_fit) "
                        "VALUES (?1, ?2, ?3, ?4, ?5)",
    [S_INSERT_MASTER] = "INSERT INTO master_results (source_file, row_index, model_id, corpus, "
                        "theta, gamma_obs, R2, T_attn, U, S, F, Cv, chi, D90, phase, source, "
                        "notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                        "?14, ?15, ?16, ?17)",
    [S_INSERT_PADE] = "INSERT INTO pade_validation (source_file, row_index, name, theta, T_eval, "
                      "z, gamma_obs, r2, gamma_lin, err_lin_pct, gamma_pade, err_pade_pct, "
                      "gamma_exp, err_exp_pct, notes) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                      "?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    [S_INSERT_SPEC] = "INSERT INTO model_specs (source_file, model_id, spec_json) "
                      "VALUES (?1, ?2, ?3)",
    [S_SPEC_OF_FILE] = "SELECT model_id FROM model_specs WHERE source_file = ?1",
    /* from the model's own specs (CROSS JOIN keeps that order): starting
     * from the 'config' files walked all of them for every config, O(N²) */
    [S_OTHER_CONFIGS] = "SELECT ms.source_file, sf.path FROM model_specs ms CROSS JOIN "
                        "source_files sf ON sf.id = ms.source_file WHERE sf.root = 'config' "
                        "AND ms.model_id = ?1 AND ms.source_file <> ?2 ORDER BY sf.path",
    [S_DUP_PRESETS] = "SELECT ms.model_id, min(sf.path), max(sf.path) FROM model_specs ms "
                      "JOIN source_files sf ON sf.id = ms.source_file WHERE sf.root = 'presets' "
                      "GROUP BY ms.model_id HAVING count(*) > 1 ORDER BY ms.model_id LIMIT 1",
    [S_MODEL_IDS] = "SELECT model_id FROM model_specs UNION SELECT model_id FROM measurements "
                    "UNION SELECT model_id FROM layerwise_runs ORDER BY 1",
    [S_SPEC_FOR] = "SELECT ms.spec_json, sf.id, sf.root, sf.root || ':' || sf.path "
                   "FROM model_specs ms JOIN source_files sf ON sf.id = ms.source_file "
                   "WHERE ms.model_id = ?1 ORDER BY (sf.root = 'config') DESC, sf.path LIMIT 1",
    [S_PANEL_THETA] = "SELECT m.theta, sf.root || ':' || sf.path FROM measurements m "
                      "JOIN source_files sf ON sf.id = m.source_file WHERE m.model_id = ?1 "
                      "AND m.theta IS NOT NULL ORDER BY sf.path LIMIT 1",
    [S_PANEL_LAYERWISE] = "SELECT l.theta, l.d_head, l.n_layers, sf.root || ':' || sf.path "
                          "FROM layerwise_runs l JOIN source_files sf ON sf.id = l.source_file "
                          "WHERE l.model_id = ?1",
    [S_PANEL_FIRST] = "SELECT sf.id, sf.root || ':' || sf.path FROM source_files sf WHERE sf.id "
                      "IN (SELECT source_file FROM measurements WHERE model_id = ?1 UNION "
                      "SELECT source_file FROM layerwise_runs WHERE model_id = ?1) "
                      "ORDER BY sf.path LIMIT 1",
    [S_THETAS] = "SELECT m.theta, sf.root || ':' || sf.path FROM measurements m "
                 "JOIN source_files sf ON sf.id = m.source_file WHERE m.model_id = ?1 "
                 "AND m.theta IS NOT NULL ORDER BY sf.path",
    [S_MODEL_SAME] = "SELECT 1 FROM models WHERE id = ?1 AND theta IS ?2 AND T_train IS ?3 "
                     "AND n_attention_heads IS ?4 AND n_kv_heads IS ?5 AND d_head IS ?6 "
                     "AND n_layers IS ?7 AND n_params IS ?8 AND n_params_estimated IS ?9 "
                     "AND has_SWA IS ?10 AND is_instruct IS ?11 AND attention_class IS ?12 "
                     "AND position_encoding IS ?13 AND moe_experts IS ?14 "
                     "AND moe_active_experts IS ?15 AND n_attention_layers IS ?16 "
                     "AND origin IS ?17 AND source IS ?18 AND field_sources IS ?19 "
                     "AND source_file IS ?20",
    [S_MODEL_UPSERT] =
        "INSERT INTO models (id, theta, T_train, n_attention_heads, n_kv_heads, d_head, n_layers, "
        "n_params, n_params_estimated, has_SWA, is_instruct, attention_class, position_encoding, "
        "moe_experts, moe_active_experts, n_attention_layers, origin, source, field_sources, "
        "source_file) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
        "?16, ?17, ?18, ?19, ?20) ON CONFLICT (id) DO UPDATE SET theta = excluded.theta, "
        "T_train = excluded.T_train, n_attention_heads = excluded.n_attention_heads, "
        "n_kv_heads = excluded.n_kv_heads, d_head = excluded.d_head, "
        "n_layers = excluded.n_layers, n_params = excluded.n_params, "
        "n_params_estimated = excluded.n_params_estimated, has_SWA = excluded.has_SWA, "
        "is_instruct = excluded.is_instruct, attention_class = excluded.attention_class, "
        "position_encoding = excluded.position_encoding, moe_experts = excluded.moe_experts, "
        "moe_active_experts = excluded.moe_active_experts, "
        "n_attention_layers = excluded.n_attention_layers, origin = excluded.origin, "
        "source = excluded.source, field_sources = excluded.field_sources, "
        "source_file = excluded.source_file",
    [S_ALL_MODELS] = "SELECT id FROM models ORDER BY id",
    [S_DELETE_MODEL] = "DELETE FROM models WHERE id = ?1",
};

typedef struct {
    sqlite3 *db;
    const char *db_path;
    taf_err *err;
    sqlite3_stmt *st[S_COUNT];
    cJSON *warnings;
    const filelist *configs;  /* this run's --config files */
    size_t added, changed, unchanged, removed;
} ing;

static sqlite3_stmt *S(ing *g, int k)
{
    if (!g->st[k]) {
        if (sqlite3_prepare_v2(g->db, SQL[k], -1, &g->st[k], NULL) != SQLITE_OK) {
            db_fail(g->db, "preparing a statement", g->err);
            return NULL;
        }
    } else {
        sqlite3_reset(g->st[k]);
        sqlite3_clear_bindings(g->st[k]);
    }
    return g->st[k];
}

static void finalize_all(ing *g)
{
    for (int k = 0; k < S_COUNT; k++) {
        sqlite3_finalize(g->st[k]);
        g->st[k] = NULL;
    }
}

/* Step a statement that returns no rows. */
static bool run(ing *g, sqlite3_stmt *st)
{
    if (!st)
        return false;
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return db_fail(g->db, g->db_path, g->err);
    return true;
}

/* Step a query: 1 row, 0 done, -1 error (err set). */
static int row(ing *g, sqlite3_stmt *st)
{
    if (!st)
        return -1;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE)
        return 0;
    db_fail(g->db, g->db_path, g->err);
    return -1;
}

static void b_real(sqlite3_stmt *st, int i, double x)
{
    if (isnan(x))
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_double(st, i, x);
}

/* Counts: negative means missing. */
static void b_int(sqlite3_stmt *st, int i, long long v)
{
    if (v < 0)
        sqlite3_bind_null(st, i);
    else
        sqlite3_bind_int64(st, i, v);
}

static void b_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Bind a malloc'd string and free it (SQLite copies). */
static void b_text_free(sqlite3_stmt *st, int i, char *s)
{
    b_text(st, i, s);
    free(s);
}

static char *doubles_json(const double *v, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(a, jnum(v[i]));
    char *s = cJSON_PrintUnformatted(a);
    cJSON_Delete(a);
    if (!s)
        abort();
    return s;
}

static void warn(ing *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(ing *g, const char *fmt, ...)
{
    char buf[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    cJSON_AddItemToArray(g->warnings, cJSON_CreateString(buf));
}

/* ---- one file ------------------------------------------------------------------------ */

static bool insert_measurement(ing *g, long long file_id, const pf_measurement *m,
                               const infile *f)
{
    sqlite3_stmt *st = S(g, S_FIND_MEAS);
    if (!st)
        return false;
    b_text(st, 1, m->model_id);
    b_text(st, 2, m->corpus);
    int r = row(g, st);
    if (r < 0)
        return false;
    if (r > 0)
        return taf_fail(g->err, "DUPLICATE_MEASUREMENT",
                        "one file per model and corpus; remove one of them",
                        "%s: (root): expected one measurement of %s on corpus %s, but %s "
                        "already has it",
                        f->full, m->model_id, m->corpus, sqlite3_column_text(st, 0));
    st = S(g, S_INSERT_MEAS);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, file_id);
    b_text(st, 2, m->model_id);
    b_text(st, 3, m->corpus);
    b_real(st, 4, m->has_theta ? m->theta : NAN);
    b_text(st, 5, m->partial ? "partial" : "complete");
    b_text_free(st, 6, pf_ints_json(m->distances, m->n_distances));
    b_text_free(st, 7, m->has_fit_set ? pf_ints_json(m->fit, m->n_fit) : NULL);
    b_int(st, 8, m->d_min_fit);
    b_int(st, 9, m->n_prompts);
    b_text_free(st, 10, m->has_seeds ? pf_ints_json(m->seeds, m->n_seeds) : NULL);
    b_real(st, 11, m->runtime_so_far);
    if (!run(g, st))
        return false;
    long long mid = sqlite3_last_insert_rowid(g->db);
    for (size_t i = 0; i < m->n_points; i++) {
        const pf_point *p = &m->points[i];
        if (!(st = S(g, S_INSERT_POINT)))
            return false;
        sqlite3_bind_int64(st, 1, mid);
        sqlite3_bind_int64(st, 2, p->distance);
        b_real(st, 3, p->mean);
        b_real(st, 4, p->std);
        b_text_free(st, 5, p->per_seed ? doubles_json(p->per_seed, p->n_per_seed) : NULL);
        if (p->in_fit < 0)
            sqlite3_bind_null(st, 6);
        else
            sqlite3_bind_int(st, 6, p->in_fit);
        if (!run(g, st))
            return false;
    }
    const pf_fit *u = &m->fit_up;
    if (!u->present)
        return true;
    if (!(st = S(g, S_INSERT_FIT)))
        return false;
    sqlite3_bind_int64(st, 1, mid);
    b_real(st, 2, u->gamma_pred);
    b_real(st, 3, u->C_theory);
    b_real(st, 4, u->pl_gamma);
    b_real(st, 5, u->pl_log_A);
    b_real(st, 6, u->pl_R2);
    b_int(st, 7, u->pl_n_points);
    b_real(st, 8, u->exp_lambda);
    b_real(st, 9, u->exp_log_A);
    b_real(st, 10, u->exp_R2);
    b_int(st, 11, u->exp_n_points);
    b_real(st, 12, u->delta_R2);
    b_real(st, 13, u->ci_lo);
    b_real(st, 14, u->ci_hi);
    b_text(st, 15, u->decision);
    return run(g, st);
}

static bool insert_layerwise(ing *g, long long file_id, const pf_layerwise *l, const infile *f)
{
    sqlite3_stmt *st = S(g, S_FIND_RUN);
    if (!st)
        return false;
    b_text(st, 1, l->model_id);
    int r = row(g, st);
    if (r < 0)
        return false;
    if (r > 0)
        return taf_fail(g->err, "DUPLICATE_MEASUREMENT", "one layer-wise file per model",
                        "%s: (root): expected one layer-wise file for %s, but %s already has it",
                        f->full, l->model_id, sqlite3_column_text(st, 0));
    if (!(st = S(g, S_INSERT_RUN)))
        return false;
    sqlite3_bind_int64(st, 1, file_id);
    b_text(st, 2, l->model_id);
    b_real(st, 3, l->has_theta ? l->theta : NAN);
    b_int(st, 4, l->d_head);
    b_int(st, 5, l->n_layers);
    b_int(st, 6, l->L_crit_known);
    b_real(st, 7, l->z);
    b_real(st, 8, l->gamma_pos_pred);
    b_real(st, 9, l->gamma_pade);
    b_real(st, 10, l->beta_gamma);
    b_text_free(st, 11, l->distances ? pf_ints_json(l->distances, l->n_distances) : NULL);
    b_text_free(st, 12, l->has_fit_set ? pf_ints_json(l->fit, l->n_fit) : NULL);
    b_int(st, 13, l->n_prompts);
    b_text_free(st, 14, l->has_seeds ? pf_ints_json(l->seeds, l->n_seeds) : NULL);
    if (!run(g, st))
        return false;
    long long run_id = sqlite3_last_insert_rowid(g->db);
    for (size_t i = 0; i < l->n_gammas; i++) {
        const pf_layer_gamma *lg = &l->gammas[i];
        if (!(st = S(g, S_INSERT_LGAMMA)))
            return false;
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_int64(st, 2, lg->layer);
        b_real(st, 3, lg->gamma);
        b_real(st, 4, lg->R2);
        b_int(st, 5, lg->n_points);
        b_text(st, 6, lg->type[0] ? lg->type : NULL);
        if (!run(g, st))
            return false;
    }
    for (size_t i = 0; i < l->n_points; i++) {
        const pf_layer_point *p = &l->points[i];
        if (!(st = S(g, S_INSERT_LPOINT)))
            return false;
        sqlite3_bind_int64(st, 1, run_id);
        sqlite3_bind_int64(st, 2, p->layer);
        sqlite3_bind_int64(st, 3, p->distance);
        b_real(st, 4, p->value);
        if (p->in_fit < 0)
            sqlite3_bind_null(st, 5);
        else
            sqlite3_bind_int(st, 5, p->in_fit);
        if (!run(g, st))
            return false;
    }
    return true;
}

static bool insert_master(ing *g, long long file_id, const pf_master *m)
{
    for (size_t i = 0; i < m->n; i++) {
        const pf_master_row *r = &m->rows[i];
        sqlite3_stmt *st = S(g, S_INSERT_MASTER);
        if (!st)
            return false;
        sqlite3_bind_int64(st, 1, file_id);
        sqlite3_bind_int64(st, 2, (long long)i);
        b_text(st, 3, r->model_id);
        b_text(st, 4, r->corpus);
        for (int k = 0; k < PF_MASTER_NUMS; k++)
            b_real(st, 5 + k, r->num[k]);
        for (int k = 0; k < PF_MASTER_STRS; k++)
            b_text(st, 5 + PF_MASTER_NUMS + k, r->str[k]);
        if (!run(g, st))
            return false;
    }
    return true;
}

static bool insert_pade(ing *g, long long file_id, const pf_pade *p)
{
    for (size_t i = 0; i < p->n; i++) {
        const pf_pade_row *r = &p->rows[i];
        sqlite3_stmt *st = S(g, S_INSERT_PADE);
        if (!st)
            return false;
        sqlite3_bind_int64(st, 1, file_id);
        sqlite3_bind_int64(st, 2, (long long)i);
        b_text(st, 3, r->name);
        for (int k = 0; k < PF_PADE_NUMS; k++)
            b_real(st, 4 + k, r->num[k]);
        b_text(st, 4 + PF_PADE_NUMS, r->notes);
        if (!run(g, st))
            return false;
    }
    return true;
}

/* A preset or config: the normalised spec, stored as canonical JSON. */
static bool insert_spec(ing *g, long long file_id, const infile *f, const cJSON *root,
                        bool is_config)
{
    taf_model_spec spec;
    bool ok = is_config ? config_to_spec(root, f->config_id, f->full, &spec, g->err)
                        : spec_from_json(root, f->full, &spec, g->err);
    if (!ok)
        return false;
    if (!spec.id[0] && !is_config) {
        pf_id_from_filename(f->rel, spec.id);
        char where[600];
        snprintf(where, sizeof where, "%s: (file name; no \"id\")", f->full);
        if (spec.id[0] && !spec_check_id(spec.id, where, g->err)) {
            spec_free(&spec);
            return false;
        }
    }
    if (!spec.id[0]) {
        spec_free(&spec);
        return taf_fail(g->err, "MISSING_FIELD",
                        is_config ? "give the id with --config ORG/NAME=FILE"
                                  : "add \"id\": \"org/name\" to the preset",
                        "%s: /%s: missing (expected the model id)", f->full,
                        is_config ? "_name_or_path" : "id");
    }
    cJSON *j = spec_to_json(&spec);
    char *text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    if (!text)
        abort();
    sqlite3_stmt *st = S(g, S_INSERT_SPEC);
    if (st) {
        sqlite3_bind_int64(st, 1, file_id);
        b_text(st, 2, spec.id);
        b_text(st, 3, text);
    }
    free(text);
    ok = run(g, st);
    if (ok && is_config) {
        /* a newer config for the same model replaces the older ones */
        long long *old = NULL;
        size_t n_old = 0;
        if (!(st = S(g, S_OTHER_CONFIGS)))
            ok = false;
        else {
            b_text(st, 1, spec.id);
            sqlite3_bind_int64(st, 2, file_id);
            int r;
            while (ok && (r = row(g, st)) > 0) {
                const char *p = (const char *)sqlite3_column_text(st, 1);
                for (size_t k = 0; ok && g->configs && k < g->configs->n; k++)
                    if (strcmp(g->configs->v[k].rel, p) == 0)
                        ok = taf_fail(g->err, "DUPLICATE_MODEL",
                                      "give one config per model id in one ingest",
                                      "%s: (root): expected one config for %s in this ingest, "
                                      "but %s gives it too",
                                      f->full, spec.id, p);
                old = realloc(old, (n_old + 1) * sizeof *old);
                if (!old)
                    abort();
                old[n_old++] = sqlite3_column_int64(st, 0);
            }
            ok = ok && r == 0;
        }
        for (size_t i = 0; ok && i < n_old; i++) {
            if (!(st = S(g, S_DELETE_FILE)))
                ok = false;
            else {
                sqlite3_bind_int64(st, 1, old[i]);
                ok = run(g, st);
                g->removed++;
            }
        }
        free(old);
    }
    spec_free(&spec);
    return ok;
}

static const char *file_kind(const infile *f, pf_kind *pk, char *model_id, char *corpus)
{
    *pk = PF_UNKNOWN;
    if (strcmp(f->root, "presets") == 0)
        return "preset";
    if (strcmp(f->root, "config") == 0)
        return "config";
    *pk = pf_classify(f->rel, model_id, corpus);
    return *pk == PF_UNKNOWN ? NULL : pf_kind_name(*pk);
}

/* Parse, validate and store one new or changed file. */
static bool ingest_file(ing *g, const infile *f)
{
    char model_id[PF_ID_SIZE], corpus[8];
    pf_kind pk;
    const char *kind = file_kind(f, &pk, model_id, corpus);
    if (!kind)
        return taf_fail(g->err, "UNKNOWN_KIND", HINT_KIND,
                        "%s: (root): expected a panel file of a known kind (by its name), got "
                        "an unknown .json file",
                        f->full);
    if (pk == PF_MEASUREMENT || pk == PF_LAYERWISE) {
        char where[600];
        snprintf(where, sizeof where, "%s: (file name)", f->full);
        if (!spec_check_id(model_id, where, g->err))
            return false;
    }
    nanjson_counts counts = {0};
    /* only panel files hold missing values (NaN/Infinity) */
    bool is_panel = strcmp(f->root, "panel") == 0;
    cJSON *root = nanjson_parse_input(f->data, f->len, f->full, is_panel,
                                      is_panel ? HINT_NOT_JSON : HINT_SPEC_NOT_JSON, &counts,
                                      g->err);
    if (!root)
        return false;
    bool ok = pf_check_duplicate_keys(root, f->full, g->err);
    if (!ok && !is_panel)
        snprintf(g->err->hint, sizeof g->err->hint,
                 "each key once: JSON readers disagree about which of two values wins");
    sqlite3_stmt *st = ok ? S(g, S_INSERT_FILE) : NULL;
    if (ok && st) {
        b_text(st, 1, f->root);
        b_text(st, 2, f->rel);
        b_text(st, 3, kind);
        b_text(st, 4, f->sha);
        sqlite3_bind_int64(st, 5, (long long)f->len);
        sqlite3_bind_int64(st, 6, (long long)nanjson_total(&counts));
    }
    ok = ok && run(g, st);
    long long file_id = sqlite3_last_insert_rowid(g->db);
    if (ok) {
        switch (pk) {
        case PF_MEASUREMENT: {
            pf_measurement m;
            ok = pf_read_measurement(root, f->full, model_id, corpus, &m, g->err);
            if (ok) {
                ok = insert_measurement(g, file_id, &m, f);
                pf_measurement_free(&m);
            }
            break;
        }
        case PF_LAYERWISE: {
            pf_layerwise l;
            ok = pf_read_layerwise(root, f->full, model_id, &l, g->err);
            if (ok) {
                ok = insert_layerwise(g, file_id, &l, f);
                pf_layerwise_free(&l);
            }
            break;
        }
        case PF_MASTER: {
            pf_master m;
            ok = pf_read_master(root, f->full, &m, g->err);
            if (ok) {
                ok = insert_master(g, file_id, &m);
                pf_master_free(&m);
            }
            break;
        }
        case PF_PADE: {
            pf_pade p;
            ok = pf_read_pade(root, f->full, &p, g->err);
            if (ok) {
                ok = insert_pade(g, file_id, &p);
                pf_pade_free(&p);
            }
            break;
        }
        default:
            ok = insert_spec(g, file_id, f, root, strcmp(kind, "config") == 0);
        }
    }
    cJSON_Delete(root);
    return ok;
}

/* ---- a root directory (panel, presets) or the config list ----------------------------- */

static int cmp_rel_key(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const infile *)elem)->rel);
}

/* Ingest every new or changed JSON file of a sorted directory listing;
 * unchanged files (same SHA-256 and size) are left alone; files of this
 * root that are gone from the directory are removed. */
static bool process_dir(ing *g, const filelist *l, const char *root, cJSON *skipped)
{
    for (size_t i = 0; i < l->n; i++) {
        const infile *f = &l->v[i];
        if (!f->is_json) {
            cJSON_AddItemToArray(skipped, cJSON_CreateString(f->display));
            continue;
        }
        sqlite3_stmt *st = S(g, S_FIND_FILE);
        if (!st)
            return false;
        b_text(st, 1, root);
        b_text(st, 2, f->rel);
        int r = row(g, st);
        if (r < 0)
            return false;
        if (r > 0) {
            long long id = sqlite3_column_int64(st, 0);
            const char *sha = (const char *)sqlite3_column_text(st, 1);
            if (strcmp(sha, f->sha) == 0 && sqlite3_column_int64(st, 2) == (long long)f->len) {
                g->unchanged++;
                continue;
            }
            if (!(st = S(g, S_DELETE_FILE)))
                return false;
            sqlite3_bind_int64(st, 1, id);
            if (!run(g, st))
                return false;
            g->changed++;
        } else {
            g->added++;
        }
        if (!ingest_file(g, f))
            return false;
    }
    /* files of this root no longer in the directory */
    sqlite3_stmt *st = S(g, S_FILES_OF_ROOT);
    if (!st)
        return false;
    b_text(st, 1, root);
    long long *gone = NULL;
    size_t n_gone = 0;
    int r;
    while ((r = row(g, st)) > 0) {
        const infile *hit = l->n ? bsearch(sqlite3_column_text(st, 1), l->v, l->n,
                                           sizeof *l->v, cmp_rel_key)
                                 : NULL;
        if (!hit || !hit->is_json) {
            gone = realloc(gone, (n_gone + 1) * sizeof *gone);
            if (!gone)
                abort();
            gone[n_gone++] = sqlite3_column_int64(st, 0);
        }
    }
    bool ok = r == 0;
    for (size_t i = 0; ok && i < n_gone; i++) {
        ok = (st = S(g, S_DELETE_FILE)) != NULL;
        if (ok) {
            sqlite3_bind_int64(st, 1, gone[i]);
            ok = run(g, st);
            g->removed++;
        }
    }
    free(gone);
    return ok;
}

/* Configs accumulate across ingests; one is re-read when its bytes or the
 * id given for it change. */
static bool process_configs(ing *g, const filelist *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const infile *f = &l->v[i];
        sqlite3_stmt *st = S(g, S_FIND_FILE);
        if (!st)
            return false;
        b_text(st, 1, "config");
        b_text(st, 2, f->rel);
        int r = row(g, st);
        if (r < 0)
            return false;
        if (r > 0) {
            long long id = sqlite3_column_int64(st, 0);
            bool same = strcmp((const char *)sqlite3_column_text(st, 1), f->sha) == 0 &&
                        sqlite3_column_int64(st, 2) == (long long)f->len;
            if (same && f->config_id) {
                if (!(st = S(g, S_SPEC_OF_FILE)))
                    return false;
                sqlite3_bind_int64(st, 1, id);
                int rr = row(g, st);
                if (rr < 0)
                    return false;
                same = rr > 0 &&
                       strcmp((const char *)sqlite3_column_text(st, 0), f->config_id) == 0;
            }
            if (same) {
                g->unchanged++;
                continue;
            }
            if (!(st = S(g, S_DELETE_FILE)))
                return false;
            sqlite3_bind_int64(st, 1, id);
            if (!run(g, st))
                return false;
            g->changed++;
        } else {
            g->added++;
        }
        if (!ingest_file(g, f))
            return false;
    }
    return true;
}

static bool check_duplicate_presets(ing *g, const char *presets_dir)
{
    sqlite3_stmt *st = S(g, S_DUP_PRESETS);
    int r = row(g, st);
    if (r < 0)
        return false;
    if (r == 0)
        return true;
    return taf_fail(g->err, "DUPLICATE_MODEL", "keep one preset per model id",
                    "%s/%s: /id: expected one preset for %s, but %s gives it too",
                    presets_dir ? presets_dir : "presets", sqlite3_column_text(st, 2),
                    sqlite3_column_text(st, 0), sqlite3_column_text(st, 1));
}

/* ---- the models table ------------------------------------------------------------------ */

enum { MODEL_NCOLS = 20 };

typedef struct {
    int type;           /* SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT */
    long long i;
    double d;
    char *s;            /* owned */
} val;

static void v_int(val *v, long long i)
{
    v->type = SQLITE_INTEGER;
    v->i = i;
}

static void v_count(val *v, long long i, long long unknown_below)
{
    if (i >= unknown_below)
        v_int(v, i);
    else
        v->type = SQLITE_NULL;
}

static void v_real(val *v, double d)
{
    v->type = SQLITE_FLOAT;
    v->d = d;
}

static void v_text(val *v, const char *s)
{
    v->type = SQLITE_TEXT;
    v->s = xstrdup(s);
}

static void bind_vals(sqlite3_stmt *st, const val *v)
{
    for (int k = 0; k < MODEL_NCOLS; k++) {
        switch (v[k].type) {
        case SQLITE_INTEGER: sqlite3_bind_int64(st, k + 1, v[k].i); break;
        case SQLITE_FLOAT: sqlite3_bind_double(st, k + 1, v[k].d); break;
        case SQLITE_TEXT: sqlite3_bind_text(st, k + 1, v[k].s, -1, SQLITE_TRANSIENT); break;
        default: sqlite3_bind_null(st, k + 1);
        }
    }
}

static void vals_free(val *v)
{
    for (int k = 0; k < MODEL_NCOLS; k++)
        free(v[k].s);
    memset(v, 0, MODEL_NCOLS * sizeof *v);
}

/* Warn when what the panel measured with disagrees with the spec's θ. */
static bool theta_warnings(ing *g, const char *id, const taf_model_spec *s, const char *spec_file)
{
    sqlite3_stmt *st = S(g, S_THETAS);
    if (!st)
        return false;
    b_text(st, 1, id);
    int r;
    while ((r = row(g, st)) > 0) {
        double t = sqlite3_column_double(st, 0);
        const char *file = (const char *)sqlite3_column_text(st, 1);
        if (!s->has_theta) {
            warn(g, "%s: %s says no RoPE (theta null), but %s was measured with theta %s", id,
                 spec_file, file, R(t).s);
            break;
        }
        if (t != s->theta) {
            warn(g, "%s: %s says theta %s, but %s was measured with theta %s", id, spec_file,
                 R(s->theta).s, file, R(t).s);
            break;
        }
    }
    return r >= 0;
}

/* The row a spec (preset or config) gives. */
static bool row_from_spec(ing *g, const char *id, sqlite3_stmt *spec_st, val *v)
{
    const char *json = (const char *)sqlite3_column_text(spec_st, 0);
    long long file_id = sqlite3_column_int64(spec_st, 1);
    const char *root = (const char *)sqlite3_column_text(spec_st, 2);
    char *display = xstrdup((const char *)sqlite3_column_text(spec_st, 3));
    cJSON *j = cJSON_Parse(json);
    taf_model_spec s;
    if (!j || !spec_from_json(j, display, &s, g->err)) {
        cJSON_Delete(j);
        free(display);
        if (!j)
            taf_fail(g->err, "INTERNAL", NULL, "%s: stored spec is not JSON", id);
        return false;
    }
    cJSON *canon = spec_to_json(&s);
    char *fs = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(canon, "field_sources"));
    cJSON_Delete(canon);
    cJSON_Delete(j);
    if (!fs)
        abort();
    v_text(&v[0], id);
    if (s.has_theta)
        v_real(&v[1], s.theta);
    v_count(&v[2], s.T_train, 1);
    v_count(&v[3], s.n_attention_heads, 1);
    v_count(&v[4], s.n_kv_heads, 1);
    v_count(&v[5], s.d_head, 1);
    v_count(&v[6], s.n_layers, 1);
    if (s.n_params > 0)
        v_real(&v[7], s.n_params);
    v_int(&v[8], s.n_params_estimated);
    v_int(&v[9], s.has_SWA);
    v_int(&v[10], s.is_instruct);
    v_text(&v[11], s.attention_class);
    v_text(&v[12], s.position_encoding);
    v_int(&v[13], s.moe_experts);
    v_int(&v[14], s.moe_active_experts);
    v_count(&v[15], s.n_attention_layers, 0);
    v_text(&v[16], strcmp(root, "config") == 0 ? "config" : "preset");
    v_text(&v[17], s.source[0] ? s.source : display);
    v[18].type = SQLITE_TEXT;
    v[18].s = fs;
    v_int(&v[19], file_id);
    bool ok = theta_warnings(g, id, &s, display);
    spec_free(&s);
    free(display);
    return ok;
}

/* The row of a model only the panel knows: θ as measured (first file by
 * path that states one), d_head and n_layers from its layer-wise file. */
static bool row_from_panel(ing *g, const char *id, val *v)
{
    cJSON *fs = cJSON_CreateObject();
    bool has_theta = false;
    double theta = 0;
    char *theta_src = NULL;
    sqlite3_stmt *st = S(g, S_PANEL_THETA);
    if (!st)
        goto fail;
    b_text(st, 1, id);
    int r = row(g, st);
    if (r < 0)
        goto fail;
    if (r > 0) {
        has_theta = true;
        theta = sqlite3_column_double(st, 0);
        theta_src = xasprintf("%s#/theta", sqlite3_column_text(st, 1));
    }
    long long d_head = -1, n_layers = -1;
    if (!(st = S(g, S_PANEL_LAYERWISE)))
        goto fail;
    b_text(st, 1, id);
    if ((r = row(g, st)) < 0)
        goto fail;
    if (r > 0) {
        const char *lw = (const char *)sqlite3_column_text(st, 3);
        if (!has_theta && sqlite3_column_type(st, 0) != SQLITE_NULL) {
            has_theta = true;
            theta = sqlite3_column_double(st, 0);
            theta_src = xasprintf("%s#/theta", lw);
        }
        if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            d_head = sqlite3_column_int64(st, 1);
            char *src = xasprintf("%s#/d_head", lw);
            cJSON_AddStringToObject(fs, "d_head", src);
            free(src);
        }
        if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
            n_layers = sqlite3_column_int64(st, 2);
            char *src = xasprintf("%s#/n_layers", lw);
            cJSON_AddStringToObject(fs, "n_layers", src);
            free(src);
        }
    }
    if (!(st = S(g, S_PANEL_FIRST)))
        goto fail;
    b_text(st, 1, id);
    if ((r = row(g, st)) <= 0) {
        if (r == 0)
            taf_fail(g->err, "INTERNAL", NULL, "model %s has no panel file", id);
        goto fail;
    }
    long long file_id = sqlite3_column_int64(st, 0);
    char *first = xstrdup((const char *)sqlite3_column_text(st, 1));
    /* field_sources in the spec's key order: theta, d_head, n_layers */
    cJSON *ordered = cJSON_CreateObject();
    if (theta_src)
        cJSON_AddStringToObject(ordered, "theta", theta_src);
    const char *keys[] = {"d_head", "n_layers"};
    for (int k = 0; k < 2; k++) {
        cJSON *it = cJSON_GetObjectItemCaseSensitive(fs, keys[k]);
        if (it)
            cJSON_AddStringToObject(ordered, keys[k], it->valuestring);
    }
    char *fs_text = cJSON_PrintUnformatted(ordered);
    cJSON_Delete(ordered);
    if (!fs_text)
        abort();
    v_text(&v[0], id);
    if (has_theta)
        v_real(&v[1], theta);
    v_count(&v[5], d_head, 1);
    v_count(&v[6], n_layers, 1);
    v_int(&v[8], 0);
    v_text(&v[11], "UNKNOWN");
    v_text(&v[12], has_theta ? "rope" : "unknown");
    v_text(&v[16], "panel");
    v_text(&v[17], first);
    v[18].type = SQLITE_TEXT;
    v[18].s = fs_text;
    v_int(&v[19], file_id);
    free(first);
    /* the panel's own files disagreeing about θ */
    if (has_theta && (st = S(g, S_THETAS)) != NULL) {
        b_text(st, 1, id);
        while ((r = row(g, st)) > 0)
            if (sqlite3_column_double(st, 0) != theta) {
                warn(g, "%s: panel files disagree about theta (%s in %s, %s in %s)", id,
                     R(theta).s, theta_src, R(sqlite3_column_double(st, 0)).s,
                     sqlite3_column_text(st, 1));
                break;
            }
        if (r < 0)
            goto fail;
    }
    free(theta_src);
    cJSON_Delete(fs);
    return true;
fail:
    free(theta_src);
    cJSON_Delete(fs);
    return false;
}

typedef struct {
    char slug[PF_ID_SIZE + 32];
    char *id;
} slug_entry;

static int cmp_slug(const void *a, const void *b)
{
    const slug_entry *x = a, *y = b;
    int c = strcmp(x->slug, y->slug);
    return c ? c : strcmp(x->id, y->id);
}

/* Two model ids must not share an output directory (site/models/<slug>):
 * the slug of a crafted id can equal another's (the hash suffix is
 * printable), so the ingest refuses such a pair. */
static bool check_slugs(ing *g, char **ids, size_t n)
{
    slug_entry *e = xmalloc((n ? n : 1) * sizeof *e);
    for (size_t i = 0; i < n; i++) {
        card_slug(ids[i], e[i].slug, sizeof e[i].slug);
        e[i].id = ids[i];
    }
    qsort(e, n, sizeof *e, cmp_slug);
    bool ok = true;
    for (size_t i = 1; ok && i < n; i++)
        if (strcmp(e[i - 1].slug, e[i].slug) == 0)
            ok = taf_fail(g->err, "SLUG_COLLISION",
                          "rename one of the models (give the id with --config ORG/NAME=FILE)",
                          "model ids '%s' and '%s' would share the output directory models/%s",
                          e[i - 1].id, e[i].id, e[i].slug);
    free(e);
    return ok;
}

static int cmp_strp(const void *key, const void *elem)
{
    return strcmp((const char *)key, *(char *const *)elem);
}

/* Make `models` what the inputs say, writing only rows that differ. */
static bool reconcile_models(ing *g)
{
    char **ids = NULL;
    size_t n = 0;
    sqlite3_stmt *st = S(g, S_MODEL_IDS);
    int r;
    while ((r = row(g, st)) > 0) {
        ids = realloc(ids, (n + 1) * sizeof *ids);
        if (!ids)
            abort();
        ids[n++] = xstrdup((const char *)sqlite3_column_text(st, 0));
    }
    bool ok = r == 0 && check_slugs(g, ids, n);
    for (size_t i = 0; ok && i < n; i++) {
        val v[MODEL_NCOLS];
        memset(v, 0, sizeof v);
        ok = (st = S(g, S_SPEC_FOR)) != NULL;
        if (ok) {
            b_text(st, 1, ids[i]);
            r = row(g, st);
            ok = r >= 0 && (r > 0 ? row_from_spec(g, ids[i], st, v) : row_from_panel(g, ids[i], v));
        }
        if (ok && (ok = (st = S(g, S_MODEL_SAME)) != NULL)) {
            bind_vals(st, v);
            r = row(g, st);
            ok = r >= 0;
            if (ok && r == 0 && (ok = (st = S(g, S_MODEL_UPSERT)) != NULL)) {
                bind_vals(st, v);
                ok = run(g, st);
            }
        }
        vals_free(v);
    }
    /* rows no input gives any more */
    char **stale = NULL;
    size_t n_stale = 0;
    if (ok && (ok = (st = S(g, S_ALL_MODELS)) != NULL)) {
        while ((r = row(g, st)) > 0) {
            const char *id = (const char *)sqlite3_column_text(st, 0);
            if (!n || !bsearch(id, ids, n, sizeof *ids, cmp_strp)) {
                stale = realloc(stale, (n_stale + 1) * sizeof *stale);
                if (!stale)
                    abort();
                stale[n_stale++] = xstrdup(id);
            }
        }
        ok = r == 0;
    }
    for (size_t i = 0; ok && i < n_stale; i++) {
        ok = (st = S(g, S_DELETE_MODEL)) != NULL;
        if (ok) {
            b_text(st, 1, stale[i]);
            ok = run(g, st);
        }
    }
    for (size_t i = 0; i < n_stale; i++)
        free(stale[i]);
    free(stale);
    for (size_t i = 0; i < n; i++)
        free(ids[i]);
    free(ids);
    return ok;
}

/* ---- summary ------------------------------------------------------------------------------ */

static bool count_q(ing *g, const char *sql, long long *out)
{
    sqlite3_stmt *st = NULL;
    *out = 0;
    if (sqlite3_prepare_v2(g->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(g->db, g->db_path, g->err);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW)
        return db_fail(g->db, g->db_path, g->err);
    return true;
}

/* Add {key: count} for each (key, count) row of a two-column query, with
 * every name of `keys` present (0 when absent). */
static bool counts_by(ing *g, cJSON *obj, const char *sql, const char *const *keys)
{
    for (int k = 0; keys[k]; k++)
        jadd_int(obj, keys[k], 0);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(g->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(g->db, g->db_path, g->err);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(st, 0);
        cJSON_DeleteItemFromObjectCaseSensitive(obj, key);
        jadd_int(obj, key, sqlite3_column_int64(st, 1));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(g->db, g->db_path, g->err);
    return true;
}

static bool build_summary(ing *g, cJSON *sum)
{
    static const char *const KINDS[] = {"measurement", "layerwise", "master", "pade",
                                        "preset",      "config",    NULL};
    static const char *const ORIGINS[] = {"preset", "config", "panel", NULL};
    static const char *const CORPORA[] = {"text", "random", NULL};
    long long v;
    jadd_int(sum, "schema_version", TAF_DB_SCHEMA_VERSION);
    cJSON *files = cJSON_AddObjectToObject(sum, "files");
    if (!count_q(g, "SELECT count(*) FROM source_files", &v))
        return false;
    jadd_int(files, "total", v);
    cJSON *by_kind = cJSON_AddObjectToObject(files, "by_kind");
    if (!counts_by(g, by_kind,
                   "SELECT kind, count(*) FROM source_files GROUP BY kind ORDER BY kind", KINDS))
        return false;
    jadd_int(files, "added", (long long)g->added);
    jadd_int(files, "changed", (long long)g->changed);
    jadd_int(files, "unchanged", (long long)g->unchanged);
    jadd_int(files, "removed", (long long)g->removed);

    cJSON *models = cJSON_AddObjectToObject(sum, "models");
    if (!count_q(g, "SELECT count(*) FROM models", &v))
        return false;
    jadd_int(models, "total", v);
    if (!counts_by(g, models, "SELECT origin, count(*) FROM models GROUP BY origin ORDER BY origin",
                   ORIGINS))
        return false;

    cJSON *meas = cJSON_AddObjectToObject(sum, "measurements");
    if (!count_q(g, "SELECT count(*) FROM measurements", &v))
        return false;
    jadd_int(meas, "total", v);
    if (!counts_by(g, meas,
                   "SELECT corpus, count(*) FROM measurements GROUP BY corpus ORDER BY corpus",
                   CORPORA))
        return false;
    if (!count_q(g, "SELECT count(*) FROM measurements WHERE status = 'partial'", &v))
        return false;
    jadd_int(meas, "partial", v);
    if (!count_q(g, "SELECT count(*) FROM upstream_fits", &v))
        return false;
    jadd_int(meas, "upstream_fits", v);

    cJSON *pts = cJSON_AddObjectToObject(sum, "points");
    static const struct {
        const char *key, *sql;
    } SIMPLE[] = {
        {"total", "SELECT count(*) FROM points"},
        {"zero_mean", "SELECT count(*) FROM points WHERE mean = 0"},
        {"missing_mean", "SELECT count(*) FROM points WHERE mean IS NULL"},
    };
    for (size_t k = 0; k < 3; k++) {
        if (!count_q(g, SIMPLE[k].sql, &v))
            return false;
        jadd_int(pts, SIMPLE[k].key, v);
    }
    static const struct {
        const char *key, *sql;
    } TOTALS[] = {
        {"layer_gammas", "SELECT count(*) FROM layer_gamma"},
        {"layer_points", "SELECT count(*) FROM layer_points"},
        {"master_rows", "SELECT count(*) FROM master_results"},
        {"pade_rows", "SELECT count(*) FROM pade_validation"},
    };
    for (size_t k = 0; k < 4; k++) {
        if (!count_q(g, TOTALS[k].sql, &v))
            return false;
        jadd_int(sum, TOTALS[k].key, v);
    }

    cJSON *miss = cJSON_AddObjectToObject(sum, "missing_values");
    if (!count_q(g, "SELECT coalesce(sum(missing_values), 0) FROM source_files", &v))
        return false;
    jadd_int(miss, "total", v);
    cJSON *mfiles = cJSON_AddArrayToObject(miss, "files");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(g->db,
                           "SELECT root || ':' || path, missing_values FROM source_files "
                           "WHERE missing_values > 0 ORDER BY root, path",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(g->db, g->db_path, g->err);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        jadd_str(o, "file", (const char *)sqlite3_column_text(st, 0));
        jadd_int(o, "count", sqlite3_column_int64(st, 1));
        cJSON_AddItemToArray(mfiles, o);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(g->db, g->db_path, g->err);

    cJSON *partial = cJSON_AddArrayToObject(sum, "partial_files");
    if (sqlite3_prepare_v2(g->db,
                           "SELECT sf.root || ':' || sf.path FROM measurements m JOIN "
                           "source_files sf ON sf.id = m.source_file WHERE m.status = 'partial' "
                           "ORDER BY sf.root, sf.path",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(g->db, g->db_path, g->err);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cJSON_AddItemToArray(partial, cJSON_CreateString((const char *)sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_fail(g->db, g->db_path, g->err);
    return true;
}

/* ---- manifest --------------------------------------------------------------------------- */

static const char HINT_MANIFEST[] =
    "panel/manifest.json is {\"files\": [{\"path\", \"kind\", \"size\", \"sha256\"}, ...]}; "
    "regenerate it with tafcard ingest --write-manifest panel/manifest.json";

/* Compare the panel listing with the manifest; differences are warnings. */
static bool check_manifest(const char *path, const filelist *panel, cJSON **result,
                           cJSON *warnings, taf_err *err)
{
    size_t len;
    char *text = slurp(path, &len, err);
    if (!text)
        return false;
    int line, col;
    cJSON *m = nanjson_parse(text, len, NULL, &line, &col);
    free(text);
    if (!m)
        return taf_fail(err, "BAD_MANIFEST", HINT_MANIFEST,
                        "%s: line %d, column %d: expected JSON text", path, line, col);
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(m, "files");
    if (!cJSON_IsArray(files)) {
        cJSON_Delete(m);
        return taf_fail(err, "BAD_MANIFEST", HINT_MANIFEST, "%s: /files: expected an array",
                        path);
    }
    cJSON *out = cJSON_CreateObject();
    *result = out;
    jadd_str(out, "path", path);
    cJSON *changed = cJSON_CreateArray(), *missing = cJSON_CreateArray(),
          *unexpected = cJSON_CreateArray();
    size_t expected = 0, matching = 0, i = 0;
    bool ok = true;
    bool *listed = calloc(panel->n ? panel->n : 1, sizeof *listed);
    if (!listed)
        abort();
    for (const cJSON *it = files->child; it && ok; it = it->next, i++) {
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(it, "path");
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(it, "sha256");
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(it, "size");
        if (!cJSON_IsString(p) || !cJSON_IsString(h) || !cJSON_IsNumber(s)) {
            ok = taf_fail(err, "BAD_MANIFEST", HINT_MANIFEST,
                          "%s: /files/%zu: expected {\"path\": string, \"sha256\": string, "
                          "\"size\": number}",
                          path, i);
            break;
        }
        expected++;
        const infile *f = panel->n ? bsearch(p->valuestring, panel->v, panel->n,
                                             sizeof *panel->v, cmp_rel_key)
                                   : NULL;
        if (!f) {
            cJSON_AddItemToArray(missing, cJSON_CreateString(p->valuestring));
            char w[600];
            snprintf(w, sizeof w, "panel file %s (in the manifest %s) is missing",
                     p->valuestring, path);
            cJSON_AddItemToArray(warnings, cJSON_CreateString(w));
            continue;
        }
        listed[f - panel->v] = true;
        if (strcmp(f->sha, h->valuestring) != 0 || (double)f->len != s->valuedouble) {
            cJSON_AddItemToArray(changed, cJSON_CreateString(p->valuestring));
            char w[700];
            snprintf(w, sizeof w,
                     "panel file %s differs from the manifest %s (sha256 %s, expected %s)",
                     p->valuestring, path, f->sha, h->valuestring);
            cJSON_AddItemToArray(warnings, cJSON_CreateString(w));
        } else {
            matching++;
        }
    }
    for (size_t k = 0; ok && k < panel->n; k++)
        if (panel->v[k].is_json && !listed[k]) {
            cJSON_AddItemToArray(unexpected, cJSON_CreateString(panel->v[k].rel));
            char w[600];
            snprintf(w, sizeof w, "panel file %s is not in the manifest %s", panel->v[k].rel,
                     path);
            cJSON_AddItemToArray(warnings, cJSON_CreateString(w));
        }
    free(listed);
    jadd_int(out, "expected", (long long)expected);
    jadd_int(out, "matching", (long long)matching);
    cJSON_AddItemToObject(out, "changed", changed);
    cJSON_AddItemToObject(out, "missing", missing);
    cJSON_AddItemToObject(out, "unexpected", unexpected);
    cJSON_Delete(m);
    return ok;
}

/* Write the panel manifest (JSON files only, sorted by path) atomically:
 * two-space indentation, one file object per line. */
static bool write_manifest(const char *path, const filelist *panel, taf_err *err)
{
    static const char HEAD[] =
        "{\n"
        "  \"description\": \"Expected files of the TAF measurement panel (upstream "
        "taf-attention-decay, E4 attention-by-distance protocol). The data stays outside the "
        "repository (PANEL_DIR); tafcard ingest warns when a file is missing, unexpected or its "
        "SHA-256 differs.\",\n"
        "  \"generated_by\": \"tafcard ingest --write-manifest\",\n"
        "  \"files\": [";
    char *tmp = xasprintf("%s.tmp", path);
    FILE *out = fopen(tmp, "wb");
    bool ok = out && fputs(HEAD, out) >= 0;
    size_t k = 0;
    for (size_t i = 0; ok && i < panel->n; i++) {
        const infile *f = &panel->v[i];
        if (!f->is_json)
            continue;
        char id[PF_ID_SIZE], corpus[8];
        cJSON *o = cJSON_CreateObject();
        jadd_str(o, "path", f->rel);
        jadd_str(o, "kind", pf_kind_name(pf_classify(f->rel, id, corpus)));
        jadd_int(o, "size", (long long)f->len);
        jadd_str(o, "sha256", f->sha);
        char *line = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        if (!line)
            abort();
        ok = fprintf(out, "%s\n    %s", k++ ? "," : "", line) >= 0;
        free(line);
    }
    ok = ok && fputs("\n  ]\n}\n", out) >= 0;
    ok = (out && fclose(out) == 0) && ok;
    if (ok && rename(tmp, path) != 0)
        ok = false;
    if (!ok) {
        taf_fail(err, "CANNOT_WRITE", "check the path and its permissions", "%s: cannot write: %s",
                 path, strerror(errno));
        unlink(tmp);
    }
    free(tmp);
    return ok;
}

/* ---- the ingest ----------------------------------------------------------------------- */

static int exit_code_of(const taf_err *err)
{
    if (strcmp(err->code, "DB_ERROR") == 0 || strcmp(err->code, "DB_BUSY") == 0 ||
        strcmp(err->code, "INTERNAL") == 0 || strcmp(err->code, "CANNOT_WRITE") == 0)
        return TAF_EXIT_INTERNAL;
    return TAF_EXIT_INPUT;
}

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

int taf_ingest(const taf_ingest_opts *o, cJSON **summary, taf_err *err)
{
    *summary = NULL;
    filelist panel = {0}, presets = {0}, configs = {0};
    cJSON *sum = cJSON_CreateObject(), *warnings = cJSON_CreateArray(),
          *skipped = cJSON_CreateArray(), *manifest = NULL;
    sqlite3 *db = NULL;
    bool existed = true, in_tx = false, ok = true;
    ing g = {0};

    if (o->panel_dir && !is_dir(o->panel_dir))
        ok = taf_fail(err, "CANNOT_READ", "give --panel an existing directory (or set PANEL_DIR)",
                      "%s: panel directory not found", o->panel_dir);
    if (ok && o->presets_dir && !is_dir(o->presets_dir))
        ok = taf_fail(err, "CANNOT_READ", "give --presets an existing directory",
                      "%s: presets directory not found", o->presets_dir);
    ok = ok && (!o->panel_dir || walk(&panel, "panel", o->panel_dir, "", err));
    ok = ok && (!o->presets_dir || walk(&presets, "presets", o->presets_dir, "", err));
    if (ok) {
        if (panel.n)
            qsort(panel.v, panel.n, sizeof *panel.v, cmp_infile);
        if (presets.n)
            qsort(presets.v, presets.n, sizeof *presets.v, cmp_infile);
    }
    for (size_t i = 0; ok && i < o->n_configs; i++) {
        const char *arg = o->configs[i], *eq = strchr(arg, '=');
        struct stat st;
        char *id = NULL;
        const char *file = arg;
        if (eq && stat(arg, &st) != 0) {
            id = strndup(arg, (size_t)(eq - arg));
            if (!id)
                abort();
            file = eq + 1;
        }
        infile *f = add_file(&configs, "config", file, file);
        f->is_json = true;
        f->config_id = id;
    }
    ok = ok && load_files(&panel, err) && load_files(&presets, err) && load_files(&configs, err);
    if (ok && o->panel_dir && o->manifest_path)
        ok = check_manifest(o->manifest_path, &panel, &manifest, warnings, err);

    if (ok) {
        existed = access(o->db_path, F_OK) == 0;
        ok = make_parent_dirs(o->db_path, err) && (db = db_open_write(o->db_path, err)) != NULL;
    }
    g.db = db;
    g.db_path = o->db_path;
    g.err = err;
    g.warnings = warnings;
    g.configs = &configs;
    if (ok) {
        ok = db_exec(db, "BEGIN IMMEDIATE", err);
        in_tx = ok;
    }
    ok = ok && db_migrate(db, err);
    ok = ok && (!o->panel_dir || process_dir(&g, &panel, "panel", skipped));
    ok = ok && (!o->presets_dir || process_dir(&g, &presets, "presets", skipped));
    ok = ok && check_duplicate_presets(&g, o->presets_dir);
    ok = ok && process_configs(&g, &configs);
    ok = ok && reconcile_models(&g);
    if (ok) {
        jadd_str(sum, "db", o->db_path);
        if (o->panel_dir)
            jadd_str(sum, "panel_dir", o->panel_dir);
        else
            jadd_null(sum, "panel_dir");
        if (o->presets_dir)
            jadd_str(sum, "presets_dir", o->presets_dir);
        else
            jadd_null(sum, "presets_dir");
        ok = build_summary(&g, sum);
    }
    finalize_all(&g);
    if (ok) {
        ok = db_exec(db, "COMMIT", err);
        in_tx = !ok;
    }
    if (!ok && in_tx)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    if (db && db_close(db) != SQLITE_OK && ok)
        ok = taf_fail(err, "DB_ERROR", NULL, "%s: cannot close the database", o->db_path);
    if (!ok && !existed) {
        /* this run created the file: leave nothing behind */
        unlink(o->db_path);
        char *j = xasprintf("%s-journal", o->db_path);
        unlink(j);
        free(j);
    }
    if (ok && o->panel_dir && o->write_manifest)
        ok = write_manifest(o->write_manifest, &panel, err);
    int code = TAF_EXIT_OK;
    if (ok) {
        cJSON_AddItemToObject(sum, "skipped", skipped);
        if (manifest)
            cJSON_AddItemToObject(sum, "manifest", manifest);
        else
            jadd_null(sum, "manifest");
        cJSON_AddItemToObject(sum, "warnings", warnings);
        *summary = sum;
    } else {
        cJSON_Delete(manifest);
        cJSON_Delete(skipped);
        cJSON_Delete(warnings);
        cJSON_Delete(sum);
        code = exit_code_of(err);
    }
    filelist_free(&panel);
    filelist_free(&presets);
    filelist_free(&configs);
    return code;
}

/* ---- text summary ------------------------------------------------------------------------ */

typedef struct {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int need = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (b->n + (size_t)need + 1 > b->cap) {
        b->cap = (b->n + (size_t)need + 1) * 2;
        char *ns = realloc(b->s, b->cap);
        if (!ns)
            abort();
        b->s = ns;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
    va_end(ap);
    b->n += (size_t)need;
}

static long long geti(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    double x = 0;
    return v && jget_double(v, &x) ? (long long)x : 0;
}

static void sb_list(sbuf *b, const cJSON *arr, const char *key)
{
    size_t i = 0;
    for (const cJSON *it = arr ? arr->child : NULL; it; it = it->next, i++) {
        const cJSON *s = key ? cJSON_GetObjectItemCaseSensitive(it, key) : it;
        sb_printf(b, "%s%s", i ? ", " : "", cJSON_IsString(s) ? s->valuestring : "?");
        if (key)
            sb_printf(b, " %lld", geti(it, "count"));
    }
}

char *taf_ingest_summary_text(const cJSON *s)
{
    sbuf b = {0};
    const cJSON *files = cJSON_GetObjectItemCaseSensitive(s, "files");
    const cJSON *bk = cJSON_GetObjectItemCaseSensitive(files, "by_kind");
    const cJSON *db = cJSON_GetObjectItemCaseSensitive(s, "db");
    sb_printf(&b, "ingest: %s (schema v%lld): %lld added, %lld changed, %lld unchanged, %lld removed\n",
              cJSON_IsString(db) ? db->valuestring : "?", geti(s, "schema_version"),
              geti(files, "added"), geti(files, "changed"), geti(files, "unchanged"),
              geti(files, "removed"));
    sb_printf(&b,
              "files: %lld (measurement %lld, layerwise %lld, master %lld, pade %lld, preset "
              "%lld, config %lld)\n",
              geti(files, "total"), geti(bk, "measurement"), geti(bk, "layerwise"),
              geti(bk, "master"), geti(bk, "pade"), geti(bk, "preset"), geti(bk, "config"));
    const cJSON *sk = cJSON_GetObjectItemCaseSensitive(s, "skipped");
    if (cJSON_GetArraySize(sk) > 0) {
        sb_printf(&b, "skipped (not JSON): %d: ", cJSON_GetArraySize(sk));
        sb_list(&b, sk, NULL);
        sb_printf(&b, "\n");
    }
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(s, "models");
    sb_printf(&b, "models: %lld (preset %lld, config %lld, panel only %lld)\n",
              geti(m, "total"), geti(m, "preset"), geti(m, "config"), geti(m, "panel"));
    const cJSON *me = cJSON_GetObjectItemCaseSensitive(s, "measurements");
    sb_printf(&b, "measurements: %lld (text %lld, random %lld; partial %lld; upstream fits %lld)\n",
              geti(me, "total"), geti(me, "text"), geti(me, "random"), geti(me, "partial"),
              geti(me, "upstream_fits"));
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(s, "points");
    sb_printf(&b,
              "points: %lld (zero mean %lld, missing mean %lld); layer gammas %lld, layer points "
              "%lld; master rows %lld; pade rows %lld\n",
              geti(p, "total"), geti(p, "zero_mean"), geti(p, "missing_mean"),
              geti(s, "layer_gammas"), geti(s, "layer_points"), geti(s, "master_rows"),
              geti(s, "pade_rows"));
    const cJSON *mv = cJSON_GetObjectItemCaseSensitive(s, "missing_values");
    sb_printf(&b, "missing values (NaN/Infinity read as null): %lld", geti(mv, "total"));
    if (geti(mv, "total") > 0) {
        sb_printf(&b, " (");
        sb_list(&b, cJSON_GetObjectItemCaseSensitive(mv, "files"), "file");
        sb_printf(&b, ")");
    }
    sb_printf(&b, "\n");
    const cJSON *pf = cJSON_GetObjectItemCaseSensitive(s, "partial_files");
    sb_printf(&b, "partial files: %d", cJSON_GetArraySize(pf));
    if (cJSON_GetArraySize(pf) > 0) {
        sb_printf(&b, " (");
        sb_list(&b, pf, NULL);
        sb_printf(&b, ")");
    }
    sb_printf(&b, "\n");
    const cJSON *man = cJSON_GetObjectItemCaseSensitive(s, "manifest");
    if (cJSON_IsObject(man)) {
        const cJSON *mp = cJSON_GetObjectItemCaseSensitive(man, "path");
        int nc = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(man, "changed"));
        int nm = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(man, "missing"));
        int nu = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(man, "unexpected"));
        sb_printf(&b, "manifest: %s: %lld of %lld files match", mp->valuestring,
                  geti(man, "matching"), geti(man, "expected"));
        if (nc || nm || nu)
            sb_printf(&b, "; WARNING: %d differ, %d missing, %d not in the manifest", nc, nm, nu);
        sb_printf(&b, "\n");
    } else {
        sb_printf(&b, "manifest: not checked\n");
    }
    int nw = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s, "warnings"));
    if (nw > 0)
        sb_printf(&b, "warnings: %d (on stderr)\n", nw);
    if (!b.s)
        sb_printf(&b, "%s", "");
    return b.s;
}
