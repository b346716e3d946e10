/* tafcard chart: one chart of one card to one file. The card comes from a
 * card JSON file (--card) or is built from the database (--db, --model)
 * exactly as `tafcard build` builds it; the drawing is the site build's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/parser.h>

#include "card/card.h"
#include "card/load.h"
#include "cli/cli.h"
#include "render/charts.h"
#include "render/plot.h"
#include "render/surface.h"
#include "store/db.h"

static void help(void)
{
    printf("usage: tafcard chart KIND --card FILE.json --out FILE.svg|.png|.pdf\n"
           "       tafcard chart KIND [--db DB] --model ID --out FILE.svg|.png|.pdf\n\n"
           "Renders one chart of a model's TAF Card; the format follows the --out\n"
           "extension (PNG at 2x). KIND is one of: %s\n"
           "(\"card\" is the one-page card, meant as PDF).\n\n"
           "--card FILE   a card JSON written by tafcard build (models/<slug>/card.json)\n"
           "--db DB       the database written by tafcard ingest (default %s)\n"
           "--model ID    build the card of this model from the database\n"
           "A chart the card marks as missing is an error that states the reason.\n"
           "Dates in PDFs come only from SOURCE_DATE_EPOCH.\n",
           charts_kind_list(), TAF_DB_DEFAULT_PATH);
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "tafcard: USAGE: %s%s%s%s (hint: tafcard help chart)\n", msg, arg ? " '" : "",
            arg ? arg : "", arg ? "'" : "");
    return TAF_EXIT_INPUT;
}

/* Build date as cmd_build writes it: from SOURCE_DATE_EPOCH, else none. */
static const char *source_date(char *buf, size_t n)
{
    const char *e = getenv("SOURCE_DATE_EPOCH");
    if (!e || !*e)
        return NULL;
    char *end;
    long long t = strtoll(e, &end, 10);
    if (*end || t < 0)
        return NULL;
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

static cJSON *card_from_file(const char *path, taf_err *err)
{
    char *text = cli_read_file(path, NULL, err);
    if (!text)
        return NULL;
    cJSON *card = cli_parse_json(text, path, err);
    free(text);
    return card;
}

static cJSON *card_from_db(const char *db_path, const char *model_id, taf_err *err)
{
    sqlite3 *db = db_open_read(db_path, err);
    if (!db)
        return NULL;
    taf_db_model model;
    bool found = false;
    taf_db_source_file *files = NULL;
    size_t n_files = 0;
    cJSON *card = NULL;
    if (!db_get_model(db, model_id, &model, &found, err)) {
        db_close(db);
        return NULL;
    }
    if (!found) {
        taf_fail(err, "UNKNOWN_MODEL", "list the models with: sqlite3 DB 'select id from models'",
                 "no model '%s' in %s", model_id, db_path);
        db_close(db);
        return NULL;
    }
    char date[32];
    if (db_list_source_files(db, &files, &n_files, err)) {
        card_loaded l;
        /* card_load clears l first, so it can be freed whatever happened */
        if (card_load(db, &model, files, n_files, source_date(date, sizeof date), &l, err)) {
            card = card_build(&l.in, err);
            if (card) {
                char hash[TAF_SHA256_HEX_SIZE];
                card_input_hash(&l.in, hash);
                cJSON_AddStringToObject(cJSON_GetObjectItem(card, "provenance"), "input_sha256", hash);
            }
        }
        card_loaded_free(&l);
    }
    free(files);
    spec_free(&model.spec);
    db_close(db);
    return card;
}

/* Bad input (a chart the card lacks, an unknown kind or extension) exits
 * 2; a failure to draw or write exits 3. */
static int report(const taf_err *e)
{
    cli_report(e);
    if (strncmp(e->code, "chart-", 6) == 0 || strcmp(e->code, "render-format") == 0 ||
        strcmp(e->code, "render-date") == 0 || strcmp(e->code, "write") == 0)
        return TAF_EXIT_INPUT;
    return TAF_EXIT_INTERNAL;
}

int cmd_chart(int argc, char **argv)
{
    const char *kind = NULL, *card_path = NULL, *db_path = NULL, *model = NULL, *out = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help();
            return TAF_EXIT_OK;
        } else if (strcmp(argv[i], "--card") == 0 && i + 1 < argc) {
            card_path = argv[++i];
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            db_path = argv[++i];
        } else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
            model = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (argv[i][0] != '-' && !kind) {
            kind = argv[i];
        } else {
            return usage_error("unexpected argument", argv[i]);
        }
    }
    if (!kind)
        return usage_error("name the chart KIND", NULL);
    double w, h;
    if (!charts_nominal_size(kind, &w, &h)) {
        fprintf(stderr, "tafcard: USAGE: unknown chart kind '%s' (hint: one of %s)\n", kind,
                charts_kind_list());
        return TAF_EXIT_INPUT;
    }
    if (!out)
        return usage_error("--out FILE.svg|.png|.pdf is required", NULL);
    if (card_path && (db_path || model))
        return usage_error("give --card or --db/--model, not both", NULL);
    if (!card_path && !model)
        return usage_error("give --card FILE.json or --model ID", NULL);

    taf_err err = {0};
    cJSON *card = card_path ? card_from_file(card_path, &err)
                            : card_from_db(db_path ? db_path : TAF_DB_DEFAULT_PATH, model, &err);
    if (!card)
        return cli_report(&err);
    xmlInitParser();
    bool ok = charts_render_one(card, kind, out, &err);
    cJSON_Delete(card);
    render_shutdown();
    if (!ok)
        return report(&err);
    return TAF_EXIT_OK;
}
