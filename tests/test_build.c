/* tafcard build at scale (src/cli/cmd_build.c): the pages made from the
 * small per-card summaries equal the pages made from the whole cards; every
 * shortcut of an incremental build (nothing to do, hard-linked cards,
 * linked pages), with the listing in one page or split, ends in exactly
 * the site a fresh build makes; the manifest streamed from the spill is
 * the one a walk of the site gives; and no spill database outlives a
 * build. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <libxml/parser.h>

#include "card/card.h"
#include "card/panel.h"
#include "render/charts.h"
#include "render/plot.h"
#include "render/site.h"
#include "store/db.h"
#include "support/run.h"
#include "util/fsutil.h"
#include "util/sha256.h"
#include "version.h"

static char dir[64];

static void release_caches(void)
{
    plot_shutdown(); /* cairo's font caches, so LeakSanitizer sees a clean exit */
}

static void ingest(const char *presets)
{
    const char *data = getenv("TAF_TEST_DATA");
    char args[2048];
    snprintf(args, sizeof args,
             "ingest --db %s/t.db --panel %s/fixtures/panel/good --presets %s --manifest none "
             "--config 'acme/llama=%s/fixtures/configs/llama3_gqa_full.json' "
             "--config 'acme/gpt2=%s/fixtures/configs/gpt2_learned_positions.json'",
             dir, data, presets, data, data);
    run_result r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "ingest failed: %s", r.err);
    run_free(&r);
    snprintf(args, sizeof args, "calibrate --db %s/t.db", dir);
    r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "calibrate failed: %s", r.err);
    run_free(&r);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/tafcard-build-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_eq(run_sh("cp -r %s/fixtures/presets %s/presets && cp -r %s/../templates %s/templates",
                    getenv("TAF_TEST_DATA"), dir, getenv("TAF_TEST_DATA"), dir),
                 0);
    char p[128];
    snprintf(p, sizeof p, "%s/presets", dir);
    ingest(p);
}

static void teardown(void)
{
    release_caches();
    cr_assert_eq(run_sh("rm -rf %s", dir), 0);
}

/* build into dir/out; returns stdout (malloc'd) */
static char *build(const char *out, const char *extra)
{
    char args[1024];
    snprintf(args, sizeof args, "build --db %s/t.db --out %s/%s --templates %s/templates %s", dir,
             dir, out, dir, extra);
    run_result r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "build %s: %s", out, r.err);
    char *o = r.out;
    r.out = NULL;
    run_free(&r);
    return o;
}

/* A card set fetched one card at a time, as a build reads its spill. */
static cJSON *parse_text(void *ctx, size_t i, taf_err *err)
{
    cJSON *c = cJSON_Parse(((char **)ctx)[i]);
    if (!c)
        taf_fail(err, "BAD", NULL, "summary %zu does not parse", i);
    return c;
}

static void expect_same_tree(const char *a, const char *b)
{
    cr_expect_eq(run_sh("diff -r %s/%s %s/%s > %s/diff.txt 2>&1", dir, a, dir, b, dir), 0,
                 "%s and %s differ (see diff -r)", a, b);
}

Test(build, pages_from_summaries_equal_pages_from_whole_cards, .init = setup, .fini = teardown)
{
    free(build("s", "-j 2"));
    xmlInitParser();
    taf_err err;
    char path[512];
    snprintf(path, sizeof path, "%s/t.db", dir);
    sqlite3 *db = db_open_read(path, &err);
    cr_assert_not_null(db, "%s", err.message);
    taf_db_model *models;
    size_t n;
    cJSON *cal = NULL;
    bool found;
    cr_assert(db_list_models(db, &models, &n, &err), "%s", err.message);
    cr_assert(db_calibration(db, &cal, &found, &err), "%s", err.message);
    db_close(db);
    cr_assert_gt(n, 2);
    /* (a) whole cards, (b) what a build keeps: each summary as text */
    cJSON *whole = cJSON_CreateArray();
    char **texts = calloc(n, sizeof *texts);
    for (size_t i = 0; i < n; i++) {
        char slug[160];
        card_slug(models[i].spec.id, slug, sizeof slug);
        snprintf(path, sizeof path, "%s/s/models/%s/card.json", dir, slug);
        char *text = fs_read_all(path, NULL);
        cr_assert_not_null(text, "no %s", path);
        cJSON *card = cJSON_Parse(text);
        free(text);
        cr_assert_not_null(card);
        texts[i] = site_card_summary_text(card);
        cJSON_AddItemToArray(whole, card);
    }
    site_templates t;
    snprintf(path, sizeof path, "%s/templates", dir);
    cr_assert(site_templates_load(&t, path, &err), "%s", err.message);
    char out[256], charts[300];
    /* (a) */
    snprintf(out, sizeof out, "%s/whole", dir);
    snprintf(charts, sizeof charts, "%s/charts", out);
    cr_assert(fs_mkdirs(charts, &err));
    cJSON *panel = panel_build(whole, cal);
    cr_assert(charts_render_panel(panel, whole, charts, &err), "%s", err.message);
    cr_assert(site_write_pages(&t, out, whole, panel, NULL, &err), "%s", err.message);
    cJSON_Delete(panel);
    /* (b), the way cmd_build does it */
    snprintf(out, sizeof out, "%s/small", dir);
    snprintf(charts, sizeof charts, "%s/charts", out);
    cr_assert(fs_mkdirs(charts, &err));
    site_cardset cs = {.n = n, .get = parse_text, .ctx = texts};
    cJSON *pc = site_panel_cards(&cs, &err);
    cr_assert_not_null(pc, "%s", err.message);
    panel = panel_build(pc, cal);
    cr_assert(charts_render_panel(panel, pc, charts, &err), "%s", err.message);
    cr_assert(site_write_listing_pages(&t, out, &cs, NULL, &err), "%s", err.message);
    cr_assert(site_write_panel_page(&t, out, panel, NULL, &err), "%s", err.message);
    cJSON_Delete(panel);
    cJSON_Delete(pc);
    expect_same_tree("whole", "small");
    site_templates_free(&t);
    cJSON_Delete(whole);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    cJSON_Delete(cal);
    db_models_free(models, n);
}

Test(build, nothing_changed_writes_nothing, .init = setup, .fini = teardown)
{
    free(build("s", "-j 2"));
    char path[256];
    struct stat a, b;
    snprintf(path, sizeof path, "%s/s/manifest.json", dir);
    cr_assert_eq(stat(path, &a), 0);
    char *o = build("s", "-j 2");
    cr_expect(strstr(o, "reused unchanged") && strstr(o, "up to date"), "%s", o);
    free(o);
    cr_assert_eq(stat(path, &b), 0);
    cr_expect_eq(a.st_ino, b.st_ino, "the site was rewritten");
    cr_expect_eq(a.st_mtime, b.st_mtime);
}

Test(build, a_damaged_site_is_restored_to_what_a_fresh_build_makes, .init = setup, .fini = teardown)
{
    free(build("s", "-j 2"));
    free(build("fresh", "-j 1"));
    cr_assert_eq(run_sh("rm %s/s/models/EleutherAI--pythia-70m/card.md && echo x > %s/s/stray.txt && "
                    "rm %s/s/compare/X-2.html && echo changed >> %s/s/models/acme--gpt2/card.json",
                    dir, dir, dir, dir),
                 0);
    char *o = build("s", "-j 2");
    cr_expect(strstr(o, "up to date") == NULL, "%s", o);
    free(o);
    /* the appended card.json has another size: that card is rebuilt too */
    expect_same_tree("s", "fresh");
    char args[256];
    snprintf(args, sizeof args, "verify %s/s", dir);
    run_result r = run_tafcard(args);
    cr_expect_eq(r.status, 0, "%s", r.out);
    run_free(&r);
}

/* Change one preset and rebuild `s` (built with `extra`): the changed card
 * is rebuilt, the other two reused (hard links), and the site equals a
 * fresh build. */
static ino_t inode_of(const char *rel)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/s/%s", dir, rel);
    cr_assert_eq(stat(path, &st), 0, "%s", path);
    return st.st_ino;
}

static void change_one_preset_and_rebuild(const char *extra)
{
    free(build("s", extra));
    struct stat before, after;
    char path[256];
    snprintf(path, sizeof path, "%s/s/models/acme--gpt2/card.json", dir);
    cr_assert_eq(stat(path, &before), 0);
    /* in the changed card, the measured decay is drawn the same, the phase
     * diagram (which marks T_train) is not */
    ino_t decay = inode_of("models/EleutherAI--pythia-70m/charts/attention_decay.png");
    ino_t phase = inode_of("models/EleutherAI--pythia-70m/charts/phase.png");
    ino_t scatter = inode_of("charts/gamma_vs_pade.svg");
    cr_assert_eq(run_sh("sed -i 's/\"T_train\":[[:space:]]*2048/\"T_train\":\t4096/' "
                    "%s/presets/EleutherAI--pythia-70m.json",
                    dir),
                 0);
    char p[128];
    snprintf(p, sizeof p, "%s/presets", dir);
    ingest(p);
    char *o = build("s", extra);
    /* three models: the changed one is rebuilt, the other two reused */
    cr_expect(strstr(o, "(2 reused unchanged)") != NULL, "%s", o);
    free(o);
    free(build("fresh", extra));
    expect_same_tree("s", "fresh");
    /* a reused card's files are hard links to the previous build's */
    cr_assert_eq(stat(path, &after), 0);
    cr_expect_eq(before.st_ino, after.st_ino, "the reused card.json was copied, not linked");
    /* chart files whose drawing is unchanged are taken over, in a rebuilt
     * card and on the rebuilt panel page alike */
    cr_expect_eq(inode_of("models/EleutherAI--pythia-70m/charts/attention_decay.png"), decay,
                 "an unchanged chart of the rebuilt card was drawn again");
    cr_expect_neq(inode_of("models/EleutherAI--pythia-70m/charts/phase.png"), phase,
                  "a changed chart was taken over");
    cr_expect_eq(inode_of("charts/gamma_vs_pade.svg"), scatter,
                 "an unchanged panel chart was drawn again");
}

Test(build, one_changed_preset_rebuilds_one_card_and_equals_a_fresh_build, .init = setup,
     .fini = teardown)
{
    change_one_preset_and_rebuild("-j 2");
}

Test(build, one_changed_preset_with_one_model_a_page_equals_a_fresh_build, .init = setup,
     .fini = teardown)
{
    change_one_preset_and_rebuild("-j 2 --per-page 1");
    char path[256];
    snprintf(path, sizeof path, "%s/s/compare/X-2-3.html", dir);
    cr_expect_eq(access(path, F_OK), 0, "three models, one a page: three pages");
}

Test(build, changed_templates_rebuild_every_card, .init = setup, .fini = teardown)
{
    free(build("s", "-j 2"));
    cr_assert_eq(run_sh("sed -i 's|</body>|<!-- changed --></body>|' %s/templates/card.xhtml", dir), 0);
    char *o = build("s", "-j 2");
    cr_expect(strstr(o, "(0 reused unchanged)") != NULL, "%s", o);
    free(o);
    free(build("fresh", "-j 2"));
    expect_same_tree("s", "fresh");
}

/* The manifest of a spilled build has the bytes cJSON_Print gives for a
 * walk of the site with every file hashed from disk (the manifest before
 * the spill) — after a fresh build and after an incremental one. */
static void expect_manifest_of_a_walk(const char *site)
{
    char cmd[512], path[512];
    snprintf(cmd, sizeof cmd, "cd %s/%s && find . -type f ! -path ./manifest.json | cut -c3- | "
                              "LC_ALL=C sort",
             dir, site);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    snprintf(path, sizeof path, "%s/%s/manifest.json", dir, site);
    char *got = fs_read_all(path, NULL);
    cr_assert_not_null(got);
    cJSON *built = cJSON_Parse(got);
    cr_assert_not_null(built);
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "generator", "tafcard " TAFCARD_VERSION);
    cJSON *arr = cJSON_AddArrayToObject(m, "files");
    char line[1024];
    int n = 0;
    while (fgets(line, sizeof line, p)) {
        line[strcspn(line, "\n")] = '\0';
        char full[1600], hex[TAF_SHA256_HEX_SIZE];
        long long size;
        taf_err err;
        snprintf(full, sizeof full, "%s/%s/%s", dir, site, line);
        cr_assert(taf_sha256_file(full, hex, &size, &err), "%s", err.message);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "path", line);
        cJSON_AddStringToObject(e, "sha256", hex);
        cJSON_AddNumberToObject(e, "size", (double)size);
        cJSON_AddItemToArray(arr, e);
        n++;
    }
    pclose(p);
    cr_assert_gt(n, 20);
    cJSON_AddItemToObject(m, "build_inputs",
                          cJSON_Duplicate(cJSON_GetObjectItem(built, "build_inputs"), true));
    char *want = cJSON_Print(m);
    size_t len = strlen(want);
    want = realloc(want, len + 2);
    memcpy(want + len, "\n", 2);
    cr_expect_str_eq(got, want, "%s/manifest.json differs from a walk of the site", site);
    cJSON *cards = cJSON_GetObjectItem(cJSON_GetObjectItem(built, "build_inputs"), "cards");
    cr_expect_eq(cJSON_GetArraySize(cards), 3, "one key per card");
    free(want);
    free(got);
    cJSON_Delete(m);
    cJSON_Delete(built);
}

Test(build, the_manifest_equals_cjson_print_of_a_walk_of_the_site, .init = setup,
     .fini = teardown)
{
    free(build("s", "-j 2 --per-page 2"));
    expect_manifest_of_a_walk("s");
    cr_assert_eq(run_sh("echo changed >> %s/s/models/acme--gpt2/card.md", dir), 0);
    char *o = build("s", "-j 2 --per-page 2");
    cr_expect(strstr(o, "(2 reused unchanged)") != NULL, "%s", o);
    free(o);
    expect_manifest_of_a_walk("s");
}

Test(build, a_killed_builds_spill_is_removed_and_none_is_left_behind, .init = setup,
     .fini = teardown)
{
    /* the process id of a child that has exited: no such process now */
    pid_t pid = fork();
    if (pid == 0)
        _exit(0);
    cr_assert_gt(pid, 0);
    waitpid(pid, NULL, 0);
    cr_assert_eq(run_sh("mkdir -p %s/s.spill.%ld && echo x > %s/s.spill.%ld/build.db-wal", dir,
                    (long)pid, dir, (long)pid),
                 0);
    free(build("s", "-j 2"));
    cr_expect_neq(run_sh("ls -d %s/s.spill.* 2>/dev/null | grep -q .", dir), 0,
                  "a spill directory is left beside the site");
    free(build("s", "-j 2"));
    cr_expect_neq(run_sh("ls -d %s/s.spill.* 2>/dev/null | grep -q .", dir), 0,
                  "a no-op build left its spill directory");
}
