/* tafcard ingest: the real panel, messy-but-valid files, bad input (the
 * database must stay byte-identical), idempotence, replacement of changed
 * files, presets/configs, and the read API in store/db.h.
 *
 * cmd_ingest runs in-process (Criterion forks per test) with stdout and
 * stderr captured; every test works in its own mkdtemp directory. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "support/run.h"

#include "cli/cli.h"
#include "store/db.h"
#include "util/sha256.h"

/* ---- helpers ---------------------------------------------------------------- */

typedef struct {
    int code;
    char *out, *err;
} ing_run;

static char *fixture(const char *rel)
{
    static char buf[4][1024];
    static int k;
    char *b = buf[k++ % 4];
    snprintf(b, sizeof buf[0], "%s/fixtures/%s", test_data_dir(), rel);
    return b;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s", path);
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0)
        if ((n += got) + 1 == cap)
            buf = realloc(buf, cap *= 2);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

/* Run `tafcard ingest ARGS` in-process; ARGS are split at spaces. */
static ing_run ingest(const char *fmt, ...)
{
    char line[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    char *argv[64];
    int argc = 0;
    argv[argc++] = "ingest";
    for (char *tok = strtok(line, " "); tok && argc < 63; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    argv[argc] = NULL;

    char dir[] = "/tmp/tafcard-ingest-io-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out_path[64], err_path[64];
    snprintf(out_path, sizeof out_path, "%s/out", dir);
    snprintf(err_path, sizeof err_path, "%s/err", dir);
    fflush(stdout);
    fflush(stderr);
    int save_out = dup(1), save_err = dup(2);
    FILE *fo = fopen(out_path, "wb"), *fe = fopen(err_path, "wb");
    dup2(fileno(fo), 1);
    dup2(fileno(fe), 2);
    ing_run r;
    r.code = cmd_ingest(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(save_out, 1);
    dup2(save_err, 2);
    close(save_out);
    close(save_err);
    fclose(fo);
    fclose(fe);
    r.out = slurp(out_path);
    r.err = slurp(err_path);
    unlink(out_path);
    unlink(err_path);
    rmdir(dir);
    return r;
}

static void ing_run_free(ing_run *r)
{
    free(r->out);
    free(r->err);
}

static char *tmpdir(void)
{
    char *d = strdup("/tmp/tafcard-ingest-XXXXXX");
    cr_assert_not_null(mkdtemp(d));
    return d;
}

static void sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    cr_assert_eq(system(cmd), 0, "command failed: %s", cmd);
}

/* SHA-256 of a file ("" if it does not exist). */
static void file_hash(const char *path, char out[TAF_SHA256_HEX_SIZE])
{
    out[0] = '\0';
    if (access(path, F_OK) == 0)
        cr_assert(taf_sha256_file(path, out, NULL, NULL), "cannot hash %s", path);
}

static bool exists(const char *path) { return access(path, F_OK) == 0; }

/* A work dir with a copy of a fixture panel at W/panel and the db at W/taf.db. */
typedef struct {
    char *dir;
    char panel[512], db[512];
} work;

static work setup(const char *panel_fixture)
{
    work w;
    w.dir = tmpdir();
    snprintf(w.panel, sizeof w.panel, "%s/panel", w.dir);
    snprintf(w.db, sizeof w.db, "%s/taf.db", w.dir);
    sh("cp -R '%s' '%s'", fixture(panel_fixture), w.panel);
    return w;
}

static void teardown(work *w)
{
    sh("rm -rf '%s'", w->dir);
    free(w->dir);
}

#define BASE "--db %s --panel %s --presets none --manifest none"

static sqlite3 *open_read(const char *db)
{
    taf_err err;
    sqlite3 *h = db_open_read(db, &err);
    cr_assert_not_null(h, "db_open_read: %s: %s", err.code, err.message);
    return h;
}

static long long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* ---- the real panel ------------------------------------------------------------ */

static const char *real_panel(void)
{
    static char buf[1024];
    const char *env = getenv("PANEL_DIR");
    if (env && env[0])
        snprintf(buf, sizeof buf, "%s", env);
    else
        snprintf(buf, sizeof buf, "%s/../../shared/panel-source", test_data_dir());
    struct stat st;
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? buf : NULL;
}

Test(ingest, real_panel_full_ingest_prints_its_counts)
{
    const char *panel = real_panel();
    if (!panel)
        cr_skip_test("real panel not found (PANEL_DIR or ../shared/panel-source): skipped");
    char *d = tmpdir();
    char db[512], manifest[1024];
    snprintf(db, sizeof db, "%s/site-data/taf.db", d);
    snprintf(manifest, sizeof manifest, "%s/../panel/manifest.json", test_data_dir());
    ing_run r = ingest("--db %s --panel %s --presets none --manifest %s", db, panel, manifest);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect_str_eq(r.err, "", "no warnings: the panel matches its manifest");
    const char *want[] = {
        "65 added, 0 changed, 0 unchanged, 0 removed\n",
        "files: 65 (measurement 61, layerwise 2, master 1, pade 1, preset 0, config 0)\n",
        "models: 31 (preset 0, config 0, panel only 31)\n",
        "measurements: 61 (text 31, random 30; partial 5; upstream fits 56)\n",
        "points: 516 (zero mean 0, missing mean 0); layer gammas 22, layer points 198; "
        "master rows 23; pade rows 5\n",
        "missing values (NaN/Infinity read as null): 20 "
        "(panel:e4_gamma/EleutherAI--pythia-70m_layerwise.json 20)\n",
        "partial files: 5 (",
        "65 of 65 files match\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        cr_expect(strstr(r.out, want[i]) != NULL, "missing \"%s\" in:\n%s", want[i], r.out);
    ing_run_free(&r);

    /* what was printed is what is stored */
    sqlite3 *h = open_read(db);
    cr_expect_eq(count(h, "SELECT count(*) FROM source_files"), 65);
    cr_expect_eq(count(h, "SELECT count(*) FROM models"), 31);
    cr_expect_eq(count(h, "SELECT count(*) FROM measurements"), 61);
    cr_expect_eq(count(h, "SELECT count(*) FROM points"), 516);
    cr_expect_eq(count(h, "SELECT count(*) FROM layer_gamma WHERE gamma IS NULL"), 2);
    cr_expect_eq(count(h, "SELECT count(*) FROM measurements WHERE model_id = 'gpt2' "
                          "AND theta IS NULL"), 2);
    cr_expect_eq(count(h, "SELECT count(*) FROM measurements WHERE model_id = "
                          "'EleutherAI/pythia-70m' AND corpus = 'text'"), 1);
    db_close(h);

    /* a second ingest of the same files changes nothing, byte for byte */
    char before[TAF_SHA256_HEX_SIZE], after[TAF_SHA256_HEX_SIZE];
    file_hash(db, before);
    r = ingest("--db %s --panel %s --presets none --manifest %s", db, panel, manifest);
    cr_expect_eq(r.code, 0);
    cr_expect(strstr(r.out, "0 added, 0 changed, 65 unchanged, 0 removed") != NULL, "%s", r.out);
    file_hash(db, after);
    cr_expect_str_eq(before, after);
    ing_run_free(&r);
    sh("rm -rf '%s'", d);
    free(d);
}

/* ---- messy but valid --------------------------------------------------------- */

Test(ingest, messy_nan_in_layerwise_becomes_null_and_is_counted)
{
    work w = setup("panel/messy");
    ing_run r = ingest(BASE " --json", w.db, w.panel);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cJSON *s = cJSON_Parse(r.out);
    cr_assert_not_null(s, "--json output is JSON: %s", r.out);
    cJSON *mv = cJSON_GetObjectItem(s, "missing_values");
    cr_expect_eq(cJSON_GetObjectItem(mv, "total")->valueint, 6, "NaN x4, Infinity, -Infinity");
    cJSON *f0 = cJSON_GetArrayItem(cJSON_GetObjectItem(mv, "files"), 0);
    cr_expect_str_eq(cJSON_GetObjectItem(f0, "file")->valuestring,
                     "panel:e4_gamma/EleutherAI--pythia-70m_layerwise.json");
    cJSON_Delete(s);
    ing_run_free(&r);

    sqlite3 *h = open_read(w.db);
    pf_layerwise l;
    bool found;
    taf_err err;
    cr_assert(db_layerwise(h, "EleutherAI/pythia-70m", &l, &found, &err), "%s", err.message);
    cr_assert(found);
    cr_assert_eq(l.n_gammas, 3);
    cr_expect_float_eq(l.gammas[0].gamma, 1.3468013543313044, 0);
    cr_expect(isnan(l.gammas[1].gamma), "Infinity -> missing");
    cr_expect(isnan(l.gammas[2].gamma), "NaN -> missing");
    cr_expect_eq(l.gammas[2].n_points, 0);
    cr_expect_str_eq(l.gammas[2].type, "sem");
    cr_assert_eq(l.n_points, 9);
    cr_expect_eq(l.points[0].layer, 0);
    cr_expect_eq(l.points[0].distance, 10);
    cr_expect_eq(l.points[0].in_fit, 0);
    cr_expect_eq(l.points[1].in_fit, 1);
    cr_expect(isnan(l.points[4].value), "layer 1, d 30 was -Infinity");
    for (int i = 6; i < 9; i++)
        cr_expect(isnan(l.points[i].value), "layer 2 was all NaN");
    cr_expect_eq(l.d_head, 64);
    cr_expect_eq(l.L_crit_known, 2);
    pf_layerwise_free(&l);
    cr_expect_eq(count(h, "SELECT count(*) FROM layer_points WHERE value IS NULL"), 4);
    db_close(h);
    teardown(&w);
}

Test(ingest, messy_partial_file_is_kept_and_flagged_without_fit)
{
    work w = setup("panel/messy");
    ing_run r = ingest(BASE, w.db, w.panel);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "partial files: 1 (panel:e4_gamma/cerebras--Cerebras-GPT-2.7B_mongo."
                            "json)") != NULL,
              "%s", r.out);
    cr_expect(strstr(r.out, "partial 1; upstream fits 2") != NULL, "%s", r.out);
    ing_run_free(&r);
    sqlite3 *h = open_read(w.db);
    taf_db_measurement *m;
    size_t n;
    taf_err err;
    cr_assert(db_list_measurements(h, "cerebras/Cerebras-GPT-2.7B", &m, &n, &err));
    cr_assert_eq(n, 1);
    cr_expect(m[0].partial);
    cr_expect(!m[0].has_fit_set);
    cr_expect(!m[0].has_theta);
    cr_expect_eq(m[0].n_distances, 3);
    cr_expect_str_eq(m[0].source_file, "panel:e4_gamma/cerebras--Cerebras-GPT-2.7B_mongo.json");
    pf_fit fit;
    bool found = true;
    cr_assert(db_upstream_fit(h, m[0].id, &fit, &found, &err));
    cr_expect(!found, "no upstream fit row for a partial file");
    pf_point *p;
    size_t np;
    cr_assert(db_measurement_points(h, m[0].id, &p, &np, &err));
    cr_expect_eq(np, 3);
    cr_expect_eq(p[0].in_fit, -1, "no fit set: in_fit unknown");
    db_points_free(p, np);
    db_measurements_free(m, n);
    db_close(h);
    teardown(&w);
}

Test(ingest, messy_theta_null_root_model_id_and_zero_attention)
{
    work w = setup("panel/messy");
    ing_run r = ingest(BASE, w.db, w.panel);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "points: 11 (zero mean 1, missing mean 0)") != NULL, "%s", r.out);
    ing_run_free(&r);
    sqlite3 *h = open_read(w.db);
    taf_db_model *models;
    size_t n;
    taf_err err;
    cr_assert(db_list_models(h, &models, &n, &err));
    cr_assert_eq(n, 3);
    /* ORDER BY id (byte order: upper case first) */
    cr_expect_str_eq(models[0].spec.id, "EleutherAI/pythia-70m");
    cr_expect_str_eq(models[1].spec.id, "cerebras/Cerebras-GPT-2.7B");
    cr_expect_str_eq(models[2].spec.id, "gpt2", "root model: id from gpt2_mongo.json");
    const taf_db_model *g = &models[2];
    cr_expect(!g->spec.has_theta, "theta null stays null (no default 10000)");
    cr_expect_str_eq(g->spec.position_encoding, "unknown");
    cr_expect_str_eq(g->origin, "panel");
    cr_expect_str_eq(g->source_file, "panel:e4_gamma/gpt2_mongo.json");
    /* panel-only pythia-70m: theta from its files, d_head/n_layers from layerwise */
    cr_expect(models[0].spec.has_theta);
    cr_expect_float_eq(models[0].spec.theta, 10000, 0);
    cr_expect_eq(models[0].spec.d_head, 64);
    cr_expect_eq(models[0].spec.n_layers, 3);
    db_models_free(models, n);

    taf_db_measurement *m;
    cr_assert(db_list_measurements(h, "gpt2", &m, &n, &err));
    cr_assert_eq(n, 1);
    cr_expect_str_eq(m[0].corpus, "text", "_mongo.json is corpus text");
    cr_expect(!m[0].has_theta);
    pf_point *p;
    size_t np;
    cr_assert(db_measurement_points(h, m[0].id, &p, &np, &err));
    cr_assert_eq(np, 4);
    long long want_d[] = {10, 30, 100, 500};
    for (size_t i = 0; i < 4; i++)
        cr_expect_eq(p[i].distance, want_d[i], "ORDER BY distance");
    cr_expect_eq(p[0].in_fit, 0);
    cr_expect_eq(p[1].in_fit, 1);
    cr_expect(p[3].mean == 0.0 && !isnan(p[3].mean), "zero attention is stored");
    cr_expect_eq(p[3].n_per_seed, 3);
    cr_expect_float_eq(p[1].per_seed[2], 0.003841549219408383, 0);
    pf_fit fit;
    bool found;
    cr_assert(db_upstream_fit(h, m[0].id, &fit, &found, &err));
    cr_expect(found);
    cr_expect_float_eq(fit.pl_gamma, 1.0231174997210821, 0);
    cr_expect_eq(fit.pl_n_points, 3);
    cr_expect(isnan(fit.gamma_pred), "gamma_pred null");
    cr_expect_str_eq(fit.decision, "unknown (theta NaN: no RoPE)", "strings untouched");
    db_fit_free(&fit);
    db_points_free(p, np);
    db_measurements_free(m, n);
    db_close(h);
    teardown(&w);
}

Test(ingest, readme_in_panel_dir_is_skipped_and_listed)
{
    work w = setup("panel/messy");
    ing_run r = ingest(BASE, w.db, w.panel);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "skipped (not JSON): 2: panel:README.md, panel:notes.txt\n") != NULL,
              "%s", r.out);
    cr_expect(strstr(r.out, "files: 4 (measurement 3, layerwise 1,") != NULL, "%s", r.out);
    ing_run_free(&r);
    sqlite3 *h = open_read(w.db);
    cr_expect_eq(count(h, "SELECT count(*) FROM source_files WHERE path LIKE '%README%'"), 0);
    db_close(h);
    teardown(&w);
}

/* ---- bad input: exit 2, nothing stored, database byte-identical ----------------- */

/* Ingest the good panel, change one good file (so the failing run has
 * written something before it meets the bad file), add the bad case and
 * ingest again: exit 2, the message, and the same database bytes. */
static void bad_case(const char *name, const char *code, const char *bad_rel, const char *ptr)
{
    work w = setup("panel/good");
    ing_run r = ingest(BASE, w.db, w.panel);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    ing_run_free(&r);
    char before[TAF_SHA256_HEX_SIZE], after[TAF_SHA256_HEX_SIZE];
    file_hash(w.db, before);
    sh("sed -i 's/0.012,/0.0125,/' '%s/e4_gamma/EleutherAI--pythia-70m_random.json'", w.panel);
    sh("cp -R '%s/.' '%s/'", fixture(name), w.panel);
    r = ingest(BASE, w.db, w.panel);
    cr_expect_eq(r.code, 2, "%s: exit %d, stderr: %s", name, r.code, r.err);
    char want[1024];
    snprintf(want, sizeof want, "tafcard: %s: %s/%s: %s: expected", code, w.panel, bad_rel, ptr);
    cr_expect(strncmp(r.err, want, strlen(want)) == 0, "%s:\n got: %s\nwant: %s...", name, r.err,
              want);
    cr_expect(strstr(r.err, "(hint: ") != NULL, "%s", r.err);
    cr_expect_str_eq(r.out, "", "no summary on failure");
    file_hash(w.db, after);
    cr_expect_str_eq(before, after, "%s: the database changed", name);
    char journal[600];
    snprintf(journal, sizeof journal, "%s-journal", w.db);
    cr_expect(!exists(journal), "no journal left behind");
    ing_run_free(&r);

    /* the same bad panel into a new database leaves no file behind */
    char fresh[600];
    snprintf(fresh, sizeof fresh, "%s/new/taf.db", w.dir);
    r = ingest(BASE, fresh, w.panel);
    cr_expect_eq(r.code, 2);
    cr_expect(!exists(fresh), "a failed first ingest leaves no database");
    ing_run_free(&r);
    teardown(&w);
}

Test(ingest_bad, not_json_gives_line_and_column)
{
    bad_case("panel/bad/not_json", "NOT_JSON", "e4_gamma/gpt2_random.json", "line 5, column 3");
}

Test(ingest_bad, wrong_type)
{
    bad_case("panel/bad/wrong_type", "WRONG_TYPE", "e4_gamma/gpt2_random.json", "/theta");
}

Test(ingest_bad, zero_distance)
{
    bad_case("panel/bad/zero_distance", "BAD_DISTANCE", "e4_gamma/gpt2_random.json",
             "/distances/0");
}

Test(ingest_bad, negative_distance)
{
    bad_case("panel/bad/negative_distance", "BAD_DISTANCE", "e4_gamma/gpt2_random.json",
             "/attn_by_distance/-30");
}

Test(ingest_bad, negative_attention)
{
    bad_case("panel/bad/negative_attention", "NEGATIVE_VALUE", "e4_gamma/gpt2_random.json",
             "/attn_by_distance/30/per_seed_means/0");
}

Test(ingest_bad, duplicate_distance_in_attn_by_distance)
{
    bad_case("panel/bad/duplicate_distance", "DUPLICATE_DISTANCE", "e4_gamma/gpt2_random.json",
             "/attn_by_distance/10");
}

Test(ingest_bad, duplicate_distance_in_distances)
{
    bad_case("panel/bad/duplicate_distance_list", "DUPLICATE_DISTANCE",
             "e4_gamma/gpt2_random.json", "/distances/2");
}

Test(ingest_bad, unknown_json_kind)
{
    bad_case("panel/bad/unknown_kind", "UNKNOWN_KIND", "e4_gamma/gpt2_summary.json", "(root)");
}

Test(ingest_bad, not_a_database_and_newer_schema_are_left_alone)
{
    char *d = tmpdir();
    char db[512], before[TAF_SHA256_HEX_SIZE], after[TAF_SHA256_HEX_SIZE];
    snprintf(db, sizeof db, "%s/taf.db", d);
    spit(db, "this is not a database, just text that is long enough to be read as a header\n");
    file_hash(db, before);
    ing_run r = ingest(BASE, db, fixture("panel/good"));
    cr_expect_eq(r.code, 2, "%s", r.err);
    cr_expect(strstr(r.err, "NOT_A_DATABASE") != NULL, "%s", r.err);
    file_hash(db, after);
    cr_expect_str_eq(before, after);
    ing_run_free(&r);

    unlink(db);
    sqlite3 *h;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    file_hash(db, before);
    r = ingest(BASE, db, fixture("panel/good"));
    cr_expect_eq(r.code, 2, "%s", r.err);
    cr_expect(strstr(r.err, "DB_SCHEMA") != NULL, "%s", r.err);
    file_hash(db, after);
    cr_expect_str_eq(before, after);
    ing_run_free(&r);
    sh("rm -rf '%s'", d);
    free(d);
}

Test(ingest_bad, usage_errors_exit_2)
{
    ing_run r = ingest("--bogus");
    cr_expect_eq(r.code, 2);
    cr_expect(strstr(r.err, "tafcard: USAGE: ") == r.err, "%s", r.err);
    ing_run_free(&r);
    r = ingest("--db");
    cr_expect_eq(r.code, 2);
    ing_run_free(&r);
    r = ingest("--db /tmp/x.db --panel /nonexistent/panel --presets none");
    cr_expect_eq(r.code, 2);
    cr_expect(strstr(r.err, "/nonexistent/panel") != NULL, "%s", r.err);
    ing_run_free(&r);
}

/* ---- idempotence and replacement ------------------------------------------------ */

Test(ingest, idempotent_reingest_changes_nothing)
{
    work w = setup("panel/messy");
    char presets[600], cfg[600];
    snprintf(presets, sizeof presets, "%s", fixture("presets"));
    snprintf(cfg, sizeof cfg, "%s", fixture("config/tiny-llama-config.json"));
    const char *args = "--db %s --panel %s --presets %s --manifest none --config %s";
    ing_run r = ingest(args, w.db, w.panel, presets, cfg);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "6 added, 0 changed, 0 unchanged, 0 removed") != NULL, "%s", r.out);
    ing_run_free(&r);
    char before[TAF_SHA256_HEX_SIZE], after[TAF_SHA256_HEX_SIZE];
    struct stat st1, st2;
    file_hash(w.db, before);
    stat(w.db, &st1);
    r = ingest(args, w.db, w.panel, presets, cfg);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "0 added, 0 changed, 6 unchanged, 0 removed") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "models: 4 (preset 1, config 1, panel only 2)") != NULL, "%s",
              r.out);
    file_hash(w.db, after);
    stat(w.db, &st2);
    cr_expect_str_eq(before, after, "the database bytes changed on a no-op ingest");
    cr_expect_eq(st1.st_size, st2.st_size);
    ing_run_free(&r);
    teardown(&w);
}

static const char CHANGED_70M[] =
    "{\"model\": \"EleutherAI/pythia-70m\", \"theta\": 10000,\n"
    " \"distances\": [10, 30, 100], \"distances_fit\": [30, 100], \"d_min_fit\": 30,\n"
    " \"n_prompts_per_distance\": 150, \"seeds\": [42, 123, 7],\n"
    " \"attn_by_distance\": {\n"
    "  \"10\": {\"mean_across_seeds\": 0.5, \"std_across_seeds\": 0.1, \"per_seed_means\": [0.4, 0.5, 0.6]},\n"
    "  \"30\": {\"mean_across_seeds\": 0.25, \"std_across_seeds\": 0.1, \"per_seed_means\": [0.2, 0.25, 0.3]},\n"
    "  \"100\": {\"mean_across_seeds\": 0.125, \"std_across_seeds\": 0.1, \"per_seed_means\": [0.1, 0.125, 0.15]}},\n"
    " \"fit_power_law\": {\"gamma\": 0.5, \"log_A\": -1.0, \"R2\": 1.0, \"n_points\": 2},\n"
    " \"decision\": \"changed\"}\n";

Test(ingest, changed_file_replaces_its_rows)
{
    work w = setup("panel/good");
    ing_run r = ingest(BASE, w.db, w.panel);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    ing_run_free(&r);
    char path[700];
    snprintf(path, sizeof path, "%s/e4_gamma/EleutherAI--pythia-70m_mongo.json", w.panel);
    spit(path, CHANGED_70M);
    r = ingest(BASE, w.db, w.panel);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "0 added, 1 changed, 3 unchanged, 0 removed") != NULL, "%s", r.out);
    ing_run_free(&r);

    sqlite3 *h = open_read(w.db);
    cr_expect_eq(count(h, "SELECT count(*) FROM measurements"), 2);
    cr_expect_eq(count(h, "SELECT count(*) FROM points"), 4 + 3, "old points gone");
    cr_expect_eq(count(h, "SELECT count(*) FROM upstream_fits"), 2);
    cr_expect_eq(count(h, "SELECT count(*) FROM source_files"), 4);
    taf_db_measurement *m;
    size_t n;
    taf_err err;
    cr_assert(db_list_measurements(h, "EleutherAI/pythia-70m", &m, &n, &err));
    cr_assert_eq(n, 2);
    cr_expect_str_eq(m[0].corpus, "random", "ORDER BY corpus");
    cr_expect_str_eq(m[1].corpus, "text");
    char sha[TAF_SHA256_HEX_SIZE];
    taf_sha256_hex(CHANGED_70M, strlen(CHANGED_70M), sha);
    cr_expect_str_eq(m[1].sha256, sha, "source hash is the new file's");
    pf_point *p;
    size_t np;
    cr_assert(db_measurement_points(h, m[1].id, &p, &np, &err));
    cr_assert_eq(np, 3);
    cr_expect_float_eq(p[0].mean, 0.5, 0);
    db_points_free(p, np);
    pf_fit fit;
    bool found;
    cr_assert(db_upstream_fit(h, m[1].id, &fit, &found, &err));
    cr_expect(found);
    cr_expect_float_eq(fit.pl_gamma, 0.5, 0);
    cr_expect(isnan(fit.exp_lambda), "no exponential fit in the new file");
    db_fit_free(&fit);
    db_measurements_free(m, n);
    db_close(h);

    /* a file gone from the panel takes its rows with it */
    snprintf(path, sizeof path, "%s/e4_gamma/EleutherAI--pythia-70m_random.json", w.panel);
    unlink(path);
    r = ingest(BASE, w.db, w.panel);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "0 added, 0 changed, 3 unchanged, 1 removed") != NULL, "%s", r.out);
    ing_run_free(&r);
    h = open_read(w.db);
    cr_expect_eq(count(h, "SELECT count(*) FROM measurements"), 1);
    cr_expect_eq(count(h, "SELECT count(*) FROM points"), 3);
    cr_expect_eq(count(h, "SELECT count(*) FROM upstream_fits"), 1);
    db_close(h);
    teardown(&w);
}

/* ---- presets and configs -------------------------------------------------------- */

Test(ingest, preset_fills_architecture_over_panel_only_row)
{
    work w = setup("panel/messy");
    ing_run r = ingest(BASE, w.db, w.panel);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    ing_run_free(&r);
    char presets[600];
    snprintf(presets, sizeof presets, "%s/presets", w.dir);
    sh("cp -R '%s' '%s'", fixture("presets"), presets);
    r = ingest("--db %s --panel %s --presets %s --manifest none", w.db, w.panel, presets);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "models: 3 (preset 1, config 0, panel only 2)") != NULL, "%s", r.out);
    ing_run_free(&r);
    sqlite3 *h = open_read(w.db);
    taf_db_model m;
    bool found;
    taf_err err;
    cr_assert(db_get_model(h, "EleutherAI/pythia-70m", &m, &found, &err));
    cr_assert(found);
    cr_expect_str_eq(m.origin, "preset");
    cr_expect_eq(m.spec.T_train, 2048);
    cr_expect_eq(m.spec.n_layers, 6, "the preset, not the layer-wise file's 3");
    cr_expect_str_eq(m.spec.attention_class, "FULL");
    cr_expect_str_eq(m.source_file, "presets:EleutherAI--pythia-70m.json");
    cr_expect_str_eq(cJSON_GetObjectItem(m.spec.field_sources, "theta")->valuestring,
                     "rotary_emb_base");
    spec_free(&m.spec);
    db_close(h);

    /* the preset goes away: the panel-only row comes back */
    sh("rm '%s/EleutherAI--pythia-70m.json'", presets);
    r = ingest("--db %s --panel %s --presets %s --manifest none", w.db, w.panel, presets);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "1 removed") != NULL, "%s", r.out);
    ing_run_free(&r);
    h = open_read(w.db);
    cr_assert(db_get_model(h, "EleutherAI/pythia-70m", &m, &found, &err));
    cr_assert(found);
    cr_expect_str_eq(m.origin, "panel");
    cr_expect_eq(m.spec.T_train, 0, "unknown");
    cr_expect_eq(m.spec.n_layers, 3);
    spec_free(&m.spec);
    db_close(h);
    teardown(&w);
}

Test(ingest, config_adds_a_model_and_id_can_be_given)
{
    char *d = tmpdir();
    char db[512];
    snprintf(db, sizeof db, "%s/taf.db", d);
    const char *cfg = fixture("config/tiny-llama-config.json");
    ing_run r = ingest("--db %s --panel none --presets none --config %s", db, cfg);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "models: 1 (preset 0, config 1, panel only 0)") != NULL, "%s", r.out);
    ing_run_free(&r);
    sqlite3 *h = open_read(db);
    taf_db_model m;
    bool found;
    taf_err err;
    cr_assert(db_get_model(h, "example/tiny-llama", &m, &found, &err));
    cr_assert(found);
    cr_expect_str_eq(m.origin, "config");
    cr_expect_float_eq(m.spec.theta, 500000, 0);
    cr_expect_eq(m.spec.n_kv_heads, 2);
    spec_free(&m.spec);
    db_close(h);

    /* ORG/NAME=FILE renames: the config is re-read under the new id */
    r = ingest("--db %s --panel none --presets none --config mine/llama=%s", db, cfg);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    cr_expect(strstr(r.out, "0 added, 1 changed") != NULL, "%s", r.out);
    ing_run_free(&r);
    h = open_read(db);
    cr_assert(db_get_model(h, "mine/llama", &m, &found, &err));
    cr_expect(found);
    if (found)
        spec_free(&m.spec);
    cr_assert(db_get_model(h, "example/tiny-llama", &m, &found, &err));
    cr_expect(!found, "the old id is gone");
    taf_db_source_file *f;
    size_t n;
    cr_assert(db_list_source_files(h, &f, &n, &err));
    cr_assert_eq(n, 1);
    cr_expect_str_eq(f[0].root, "config");
    cr_expect_str_eq(f[0].kind, "config");
    cr_expect_eq(strlen(f[0].sha256), 64);
    free(f);
    db_close(h);
    sh("rm -rf '%s'", d);
    free(d);
}

/* ---- read API and schema -------------------------------------------------------- */

Test(ingest, read_api_lists_in_order_and_schema_is_versioned)
{
    work w = setup("panel/good");
    ing_run r = ingest(BASE, w.db, w.panel);
    cr_assert_eq(r.code, 0, "stderr: %s", r.err);
    ing_run_free(&r);
    sqlite3 *h = open_read(w.db);
    cr_expect_eq(db_schema_version(h), TAF_DB_SCHEMA_VERSION);
    cr_expect_eq(count(h, "PRAGMA foreign_keys"), 1);
    taf_db_source_file *f;
    size_t n;
    taf_err err;
    cr_assert(db_list_source_files(h, &f, &n, &err));
    cr_assert_eq(n, 4);
    const char *want[] = {"e4_gamma/EleutherAI--pythia-70m_mongo.json",
                          "e4_gamma/EleutherAI--pythia-70m_random.json",
                          "master_gamma_results.json", "pade_validation.json"};
    const char *kinds[] = {"measurement", "measurement", "master", "pade"};
    for (size_t i = 0; i < n; i++) {
        cr_expect_str_eq(f[i].path, want[i]);
        cr_expect_str_eq(f[i].kind, kinds[i]);
        char path[800], sha[TAF_SHA256_HEX_SIZE];
        long long size;
        snprintf(path, sizeof path, "%s/%s", w.panel, want[i]);
        cr_assert(taf_sha256_file(path, sha, &size, NULL));
        cr_expect_str_eq(f[i].sha256, sha);
        cr_expect_eq(f[i].size, size);
    }
    free(f);
    cr_expect_eq(count(h, "SELECT count(*) FROM master_results"), 2);
    cr_expect_eq(count(h, "SELECT count(*) FROM master_results WHERE corpus = 'text'"), 2,
                 "corpus mongo is stored as text");
    cr_expect_eq(count(h, "SELECT count(*) FROM pade_validation"), 1);
    /* the read-only handle cannot write */
    cr_expect_neq(sqlite3_exec(h, "DELETE FROM models", NULL, NULL, NULL), SQLITE_OK);
    db_close(h);

    /* a missing database is an error, not an empty one */
    char missing[600];
    snprintf(missing, sizeof missing, "%s/none.db", w.dir);
    cr_expect_null(db_open_read(missing, &err));
    cr_expect(!exists(missing));
    teardown(&w);
}
