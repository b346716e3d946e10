/* The store's streams and look-ups (src/store/db.c) agree with the
 * list API a build used to hold in memory: the model ids in
 * db_list_models' order, each model's source file, the files of a kind,
 * and whether the panel was ingested. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "store/db.h"
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
