/* tafcard build: database → card JSON → pages, charts, exports, manifest,
 * built in a staging directory and swapped in with a rename. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "card/card.h"
#include "card/load.h"
#include "card/panel.h"
#include "cli/cli.h"
#include "render/charts.h"
#include "render/site.h"
#include "util/fsutil.h"

typedef struct {
    const char *db_path, *out, *staging, *templates, *date;
    taf_db_model *models;
    size_t n_models;
    taf_db_source_file *files;
    size_t n_files;
    cJSON **cards;
    int *reused;
    size_t next;
    pthread_mutex_t lock;
    bool failed;
    taf_err err;
} build_job;

static void help(void)
{
    printf("usage: tafcard build [--db PATH] [--out DIR] [-j N] [--templates DIR]\n\n"
           "Builds the static TAF Card site from the database (default site-data/taf.db)\n"
           "into DIR (default site): one card per model (index.html, card.json, card.md,\n"
           "card.pdf, charts/), index.html, panel.html, compare/<recipe>.html,\n"
           "methodology.html and manifest.json. The build goes to a staging directory\n"
           "that replaces DIR only when everything succeeded. A card whose inputs are\n"
           "unchanged is copied from the previous build, not recomputed.\n"
           "Dates come only from SOURCE_DATE_EPOCH. -j N builds N cards at a time.\n");
}

/* Reuse a previous card when its recorded input hash matches. */
static cJSON *try_reuse(build_job *j, const char *slug, const char *hash, const char *dest)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/models/%s/card.json", j->out, slug);
    char *text = fs_read_all(path, NULL);
    if (!text)
        return NULL;
    cJSON *old = cJSON_Parse(text);
    free(text);
    const cJSON *prov = old ? cJSON_GetObjectItem(old, "provenance") : NULL;
    const cJSON *h = prov ? cJSON_GetObjectItem(prov, "input_sha256") : NULL;
    char src[1400];
    snprintf(src, sizeof src, "%s/models/%s", j->out, slug);
    taf_err e;
    if (!cJSON_IsString(h) || strcmp(h->valuestring, hash) != 0 || !fs_copy_tree(src, dest, &e)) {
        cJSON_Delete(old);
        return NULL;
    }
    return old;
}

static bool build_one(build_job *j, sqlite3 *db, const site_templates *t, size_t i, taf_err *err)
{
    const taf_db_model *m = &j->models[i];
    card_loaded l;
    if (!card_load(db, m, j->files, j->n_files, j->date, &l, err)) {
        card_loaded_free(&l);
        return false;
    }
    char hash[TAF_SHA256_HEX_SIZE], slug[160], dir[1400];
    card_input_hash(&l.in, hash);
    card_slug(m->spec.id, slug, sizeof slug);
    snprintf(dir, sizeof dir, "%s/models/%s", j->staging, slug);
    cJSON *card = try_reuse(j, slug, hash, dir);
    if (card) {
        j->reused[i] = 1;
    } else {
        card = card_build(&l.in, err);
        if (card) {
            cJSON_AddStringToObject(cJSON_GetObjectItem(card, "provenance"), "input_sha256",
                                    hash);
            char charts[1500];
            snprintf(charts, sizeof charts, "%s/charts", dir);
            char pdf[1500];
            snprintf(pdf, sizeof pdf, "%s/card.pdf", dir);
            if (!fs_mkdirs(charts, err) || !site_write_card(t, dir, card, err) ||
                !charts_render_card(card, charts, err) ||
                !charts_render_card_pdf(card, pdf, err)) {
                cJSON_Delete(card);
                card = NULL;
            }
        }
    }
    card_loaded_free(&l);
    j->cards[i] = card;
    return card != NULL;
}

static void *worker(void *arg)
{
    build_job *j = arg;
    taf_err err = {0};
    sqlite3 *db = db_open_read(j->db_path, &err);
    site_templates t;
    bool ok = db && site_templates_load(&t, j->templates, &err);
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = j->next++;
        bool stop = j->failed || !ok || i >= j->n_models;
        if (!ok && !j->failed) {
            j->failed = true;
            j->err = err;
        }
        pthread_mutex_unlock(&j->lock);
        if (stop)
            break;
        if (!build_one(j, db, &t, i, &err)) {
            pthread_mutex_lock(&j->lock);
            if (!j->failed) {
                j->failed = true;
                j->err = err;
            }
            pthread_mutex_unlock(&j->lock);
            break;
        }
    }
    if (ok)
        site_templates_free(&t);
    db_close(db);
    return NULL;
}

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

int cmd_build(int argc, char **argv)
{
    const char *db_path = "site-data/taf.db", *out = "site", *templates = "templates";
    int jobs = 2;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help();
            return TAF_EXIT_OK;
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            db_path = argv[++i];
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "--templates") == 0 && i + 1 < argc) {
            templates = argv[++i];
        } else if (strcmp(argv[i], "-j") == 0 && i + 1 < argc) {
            jobs = atoi(argv[++i]);
            if (jobs < 1 || jobs > 64) {
                fprintf(stderr, "tafcard: USAGE: -j takes 1..64 (hint: tafcard help build)\n");
                return TAF_EXIT_INPUT;
            }
        } else {
            fprintf(stderr, "tafcard: USAGE: unexpected argument '%s' (hint: tafcard help build)\n",
                    argv[i]);
            return TAF_EXIT_INPUT;
        }
    }
    xmlInitParser();
    taf_err err = {0};
    char date_buf[32];
    build_job j = {0};
    j.db_path = db_path;
    j.out = out;
    j.templates = templates;
    j.date = source_date(date_buf, sizeof date_buf);
    sqlite3 *db = db_open_read(db_path, &err);
    if (!db)
        return cli_report(&err);
    cJSON *calibration = NULL;
    bool has_calibration = false;
    bool ok = db_list_models(db, &j.models, &j.n_models, &err) &&
              db_list_source_files(db, &j.files, &j.n_files, &err) &&
              db_calibration(db, &calibration, &has_calibration, &err);
    db_close(db);
    if (!ok)
        return cli_report(&err);
    bool has_panel = false;
    for (size_t i = 0; i < j.n_files; i++)
        has_panel = has_panel || strcmp(j.files[i].root, "panel") == 0;

    char staging[PATH_MAX];
    snprintf(staging, sizeof staging, "%s.staging.%ld", out, (long)getpid());
    j.staging = staging;
    char models_dir[PATH_MAX + 16];
    snprintf(models_dir, sizeof models_dir, "%s/models", staging);
    fs_remove_tree(staging);
    if (!fs_mkdirs(models_dir, &err))
        return cli_report(&err);
    j.cards = calloc(j.n_models ? j.n_models : 1, sizeof *j.cards);
    j.reused = calloc(j.n_models ? j.n_models : 1, sizeof *j.reused);
    pthread_mutex_init(&j.lock, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t tids[64];
    int nt = jobs < (int)j.n_models ? jobs : (int)(j.n_models ? j.n_models : 1);
    for (int k = 0; k < nt; k++)
        pthread_create(&tids[k], NULL, worker, &j);
    for (int k = 0; k < nt; k++)
        pthread_join(tids[k], NULL);
    pthread_mutex_destroy(&j.lock);

    ok = !j.failed;
    cJSON *cards = cJSON_CreateArray();
    int reused = 0;
    for (size_t i = 0; i < j.n_models; i++) {
        if (j.cards[i])
            cJSON_AddItemToArray(cards, j.cards[i]);
        reused += j.reused[i];
    }
    const char *note = has_panel ? NULL
                                 : "Panel data missing: these cards were built from presets/ "
                                   "alone. Set PANEL_DIR and run make site again to add the "
                                   "measurements.";
    if (ok) {
        site_templates t;
        cJSON *panel = panel_build(cards, calibration);
        char charts[PATH_MAX + 16];
        snprintf(charts, sizeof charts, "%s/charts", staging);
        ok = site_templates_load(&t, templates, &j.err) &&
             fs_mkdirs(charts, &j.err) &&
             charts_render_panel(panel, cards, charts, &j.err) &&
             site_write_pages(&t, staging, cards, panel, note, &j.err) &&
             site_write_manifest(staging, &j.err);
        site_templates_free(&t);
        cJSON_Delete(panel);
    }
    cJSON_Delete(cards);
    cJSON_Delete(calibration);
    free(j.cards);
    free(j.reused);
    db_models_free(j.models, j.n_models);
    free(j.files);
    if (!ok) {
        fs_remove_tree(staging);
        return cli_report(&j.err);
    }
    if (!fs_swap_dir(staging, out, &err)) {
        fs_remove_tree(staging);
        return cli_report(&err);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("built %s: %zu cards (%d reused unchanged), %s, %.2f s\n", out, j.n_models, reused,
           has_panel ? "with the panel" : "panel missing: cards from presets alone", secs);
    return TAF_EXIT_OK;
}

int cmd_verify(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        printf("usage: tafcard verify DIR\n\nRe-hashes every file against DIR/manifest.json; "
               "exit 1 and a list of differences if any file is missing, changed or unlisted.\n");
        return argc < 2 ? TAF_EXIT_INPUT : TAF_EXIT_OK;
    }
    taf_err err;
    int changes = 0;
    if (!site_verify(argv[1], &changes, &err))
        return cli_report(&err);
    if (changes) {
        printf("%d difference(s) against %s/manifest.json\n", changes, argv[1]);
        return TAF_EXIT_CHANGES;
    }
    printf("%s: every file matches manifest.json\n", argv[1]);
    return TAF_EXIT_OK;
}
