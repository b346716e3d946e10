/* Loading a card's inputs (src/card/load.c): the input hash read straight
 * from the database (what a build computes for every card before deciding
 * what to rebuild) equals the hash of the fully loaded inputs, for models
 * with measurements, with layer-wise data and with neither. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "card/load.h"
#include "store/db.h"
#include "support/run.h"
#include "support/tmpdir.h"

static char *dir;

static void setup(void)
{
    dir = test_tmpdir("tafcard-card-load");
}

static void teardown(void)
{
    test_rmtree(dir);
    free(dir);
}

static void expect_same_hashes(const char *panel, const char *date)
{
    char args[2048];
    const char *data = test_data_dir();
    snprintf(args, sizeof args,
             "ingest --db %s/t.db --panel %s/fixtures/panel/%s --presets %s/fixtures/presets "
             "--manifest none --config acme/llama=%s/fixtures/configs/llama3_gqa_full.json",
             dir, data, panel, data, data);
    run_result r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "ingest: %s", r.err);
    run_free(&r);
    char path[128];
    snprintf(path, sizeof path, "%s/t.db", dir);
    taf_err err = {0};
    sqlite3 *db = db_open_read(path, &err);
    cr_assert_not_null(db, "%s", err.message);
    taf_db_model *models;
    taf_db_source_file *files;
    size_t n, n_files;
    cr_assert(db_list_models(db, &models, &n, &err), "%s", err.message);
    cr_assert(db_list_source_files(db, &files, &n_files, &err), "%s", err.message);
    cr_assert_geq(n, 2);
    size_t with_meas = 0, with_lw = 0;
    for (size_t i = 0; i < n; i++) {
        card_loaded l;
        cr_assert(card_load(db, &models[i], files, n_files, date, &l, &err), "%s", err.message);
        char full[TAF_SHA256_HEX_SIZE], light[TAF_SHA256_HEX_SIZE];
        card_input_hash(&l.in, full);
        with_meas += l.in.n_meas > 0;
        with_lw += l.in.layerwise_sha256 != NULL;
        card_loaded_free(&l);
        cr_assert(card_input_hash_of(db, &models[i], files, n_files, date, light, &err), "%s",
                  err.message);
        cr_expect_str_eq(light, full, "%s (panel %s)", models[i].spec.id, panel);
    }
    cr_expect_gt(with_meas, 0, "no model with measurements: the test covers too little");
    if (strcmp(panel, "messy") == 0)
        cr_expect_gt(with_lw, 0, "no model with layer-wise data");
    free(files);
    db_models_free(models, n);
    db_close(db);
}

Test(card_load, the_hash_from_the_database_equals_the_hash_of_the_loaded_inputs, .init = setup,
     .fini = teardown)
{
    expect_same_hashes("good", "2023-11-14T22:13:20Z");
}

Test(card_load, the_same_holds_with_layerwise_data_and_without_a_date, .init = setup,
     .fini = teardown)
{
    expect_same_hashes("messy", NULL);
}
