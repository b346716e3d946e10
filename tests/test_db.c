/* The store's streams and look-ups (src/store/db.c) agree with the
 * list API a build used to hold in memory: the model ids in
 * db_list_models' order, each model's source file, the files of a kind,
 * whether the panel was ingested, and the inputs digest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <criterion/criterion.h>

#include "store/db.h"
#include "util/sha256.h"
#include "support/run.h"
#include "support/tmpdir.h"

static char *dir;

static void teardown(void)
{
    test_rmtree(dir);
    free(dir);
}

static sqlite3 *ingest(const char *panel)
{
    dir = test_tmpdir("tafcard-lookup");
    const char *data = getenv("TAF_TEST_DATA");
    cr_assert_not_null(data, "TAF_TEST_DATA is not set (run through make test)");
    char args[4096], p[600];
    if (strcmp(panel, "none") == 0)
        snprintf(p, sizeof p, "none");
    else
        snprintf(p, sizeof p, "%s/fixtures/panel/%s", data, panel);
    snprintf(args, sizeof args,
             "ingest --db %s/t.db --panel %s --presets %s/fixtures/presets --manifest none "
             "--config 'zeta/last=%s/fixtures/configs/llama3_gqa_full.json' "
             "--config 'Acme/upper=%s/fixtures/configs/gpt2_learned_positions.json' "
             "--config 'acme/lower=%s/fixtures/configs/mixtral_moe.json'",
             dir, p, data, data, data, data);
    run_result r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "ingest failed: %s", r.err);
    run_free(&r);
    char path[600];
    taf_err err;
    snprintf(path, sizeof path, "%s/t.db", dir);
    sqlite3 *db = db_open_read(path, &err);
    cr_assert_not_null(db, "%s", err.message);
    return db;
}

typedef struct {
    char ids[2048];
    size_t n, stop_after;
} id_list;

static bool collect_id(void *ctx, const char *id, taf_err *err)
{
    id_list *l = ctx;
    size_t len = strlen(l->ids);
    snprintf(l->ids + len, sizeof l->ids - len, "%s%s", len ? " " : "", id);
    if (++l->n == l->stop_after)
        return taf_fail(err, "STOPPED", NULL, "stopped after %zu", l->n);
    return true;
}

Test(db, model_ids_stream_in_the_order_of_the_model_list, .fini = teardown)
{
    sqlite3 *db = ingest("good");
    taf_err err = {0};
    taf_db_model *models;
    size_t n;
    cr_assert(db_list_models(db, &models, &n, &err), "%s", err.message);
    char want[2048] = "";
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(want);
        snprintf(want + len, sizeof want - len, "%s%s", len ? " " : "", models[i].spec.id);
    }
    cr_assert_geq(n, 4);
    id_list got = {"", 0, 0};
    cr_assert(db_each_model_id(db, collect_id, &got, &err), "%s", err.message);
    cr_expect_str_eq(got.ids, want);
    cr_expect_str_eq(got.ids, "Acme/upper EleutherAI/pythia-70m acme/lower zeta/last",
                     "byte order: upper case first");
    /* the callback stops the stream, with its error */
    id_list two = {"", 0, 2};
    cr_expect_not(db_each_model_id(db, collect_id, &two, &err));
    cr_expect_str_eq(err.code, "STOPPED");
    cr_expect_eq(two.n, 2);
    db_models_free(models, n);
    db_close(db);
}

Test(db, each_models_source_file_is_found_by_name, .fini = teardown)
{
    sqlite3 *db = ingest("good");
    taf_err err = {0};
    taf_db_model *models;
    taf_db_source_file *files;
    size_t n, nf;
    cr_assert(db_list_models(db, &models, &n, &err), "%s", err.message);
    cr_assert(db_list_source_files(db, &files, &nf, &err), "%s", err.message);
    int found_some = 0;
    for (size_t i = 0; i < n; i++) {
        taf_db_source_file f;
        bool found;
        cr_assert(db_get_source_file(db, models[i].source_file, &f, &found, &err), "%s",
                  err.message);
        if (!models[i].source_file[0]) {
            cr_expect_not(found);
            continue;
        }
        cr_expect(found, "%s: %s not found", models[i].spec.id, models[i].source_file);
        char name[600];
        snprintf(name, sizeof name, "%s:%s", f.root, f.path);
        cr_expect_str_eq(name, models[i].source_file);
        bool listed = false;
        for (size_t k = 0; k < nf; k++)
            listed = listed || (files[k].id == f.id && strcmp(files[k].sha256, f.sha256) == 0 &&
                                files[k].size == f.size && strcmp(files[k].kind, f.kind) == 0);
        cr_expect(listed, "%s differs from the list's row", name);
        found_some++;
    }
    cr_expect_geq(found_some, 4);
    taf_db_source_file f;
    bool found = true;
    cr_assert(db_get_source_file(db, "config:no/such.json", &f, &found, &err));
    cr_expect_not(found);
    cr_assert(db_get_source_file(db, "no colon", &f, &found, &err));
    cr_expect_not(found);
    free(files);
    db_models_free(models, n);
    db_close(db);
}

Test(db, files_of_a_kind_are_the_lists_rows_of_that_kind_in_order, .fini = teardown)
{
    sqlite3 *db = ingest("good");
    taf_err err = {0};
    taf_db_source_file *all, *some;
    size_t na, ns;
    cr_assert(db_list_source_files(db, &all, &na, &err), "%s", err.message);
    const char *kinds[] = {"measurement", "config", "layerwise"};
    for (size_t k = 0; k < 3; k++) {
        cr_assert(db_list_source_files_of_kind(db, kinds[k], &some, &ns, &err), "%s",
                  err.message);
        size_t j = 0;
        for (size_t i = 0; i < na; i++) {
            if (strcmp(all[i].kind, kinds[k]) != 0)
                continue;
            cr_assert_lt(j, ns, "%s: too few", kinds[k]);
            cr_expect_eq(some[j].id, all[i].id, "%s: row %zu", kinds[k], j);
            cr_expect_str_eq(some[j].path, all[i].path);
            j++;
        }
        cr_expect_eq(j, ns, "%s: %zu rows, the list has %zu", kinds[k], ns, j);
        if (k < 2)
            cr_expect_gt(ns, 0, "no %s files in the fixture", kinds[k]);
        free(some);
    }
    free(all);
    db_close(db);
}

Test(db, the_panel_is_there_only_when_it_was_ingested, .fini = teardown)
{
    sqlite3 *db = ingest("good");
    taf_err err = {0};
    bool has = false;
    cr_assert(db_has_panel_files(db, &has, &err), "%s", err.message);
    cr_expect(has);
    db_close(db);
    teardown();
    db = ingest("none");
    cr_assert(db_has_panel_files(db, &has, &err), "%s", err.message);
    cr_expect_not(has);
    db_close(db);
}

/* The digest is streamed now; it must stay the hash of the listed files'
 * lines, or every stored calibration would read as stale. */
Test(db, the_inputs_digest_hashes_the_listed_files_lines, .fini = teardown)
{
    sqlite3 *db = ingest("good");
    taf_err err = {0};
    taf_db_source_file *f;
    size_t n;
    cr_assert(db_list_source_files(db, &f, &n, &err), "%s", err.message);
    cr_assert_gt(n, 4);
    size_t cap = n * 700 + 1, len = 0;
    char *all = malloc(cap);
    cr_assert_not_null(all);
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(all + len, cap - len, "%s:%s:%s\n", f[i].root, f[i].path,
                                f[i].sha256);
    char want[TAF_SHA256_HEX_SIZE], got[TAF_SHA256_HEX_SIZE];
    cr_assert(taf_sha256_hex(all, len, want));
    cr_assert(db_inputs_digest(db, got, &err), "%s", err.message);
    cr_expect_str_eq(got, want);
    free(all);
    free(f);
    db_close(db);
}

#if defined(__SANITIZE_ADDRESS__)
#define MALLOC_IS_GLIBC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MALLOC_IS_GLIBC 0
#endif
#endif
#if !defined(MALLOC_IS_GLIBC) && defined(__GLIBC__) &&                                      \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#define MALLOC_IS_GLIBC 1
#endif

#if MALLOC_IS_GLIBC
/* True when a block of `size` bytes comes from mmap, i.e. will go back to
 * the system when freed. */
static bool served_by_mmap(size_t size)
{
    size_t before = mallinfo2().hblkhd;
    char *p = malloc(size);
    cr_assert_not_null(p);
    p[0] = 1;
    bool mapped = mallinfo2().hblkhd >= before + size;
    free(p);
    return mapped;
}
#endif

/* At 10,000 models the digest used to hold every file twice (~17 MB).
 * Freeing blocks that large made glibc raise its mmap threshold past a
 * chart raster's size, so a build's rasters came from the heap and stayed
 * resident: peak RSS 59 MB against 44 MB at 1,000 models. After reading
 * 10,000 files the digest must still leave a 2 MB block to mmap. (Freeing
 * the 1 MB probe itself raises the threshold to 1 MB, hence two sizes.) */
Test(db, the_inputs_digest_leaves_the_mmap_threshold_alone, .fini = teardown)
{
#if MALLOC_IS_GLIBC
    sqlite3 *ro = ingest("none");
    db_close(ro);
    char path[600];
    taf_err err = {0};
    snprintf(path, sizeof path, "%s/t.db", dir);
    sqlite3 *db = db_open_write(path, &err);
    cr_assert_not_null(db, "%s", err.message);
    cr_assert(db_exec(db,
                      "INSERT INTO source_files (root, path, kind, sha256, size) "
                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                      "WHERE i < 10000) SELECT 'config', printf('bulk/cfg-%06d.json', i), "
                      "'config', printf('%064d', i), 100 FROM n",
                      &err),
              "%s", err.message);
    if (!served_by_mmap(1 << 20))
        cr_skip_test("malloc does not map a 1 MB block here to begin with");
    char digest[TAF_SHA256_HEX_SIZE];
    cr_assert(db_inputs_digest(db, digest, &err), "%s", err.message);
    cr_expect(served_by_mmap(2 << 20), "after the digest a 2 MB block comes from the heap");
    db_close(db);
#else
    cr_skip_test("needs glibc's malloc (mallinfo2)");
#endif
}
