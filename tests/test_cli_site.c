/* tafcard site (src/cli/cmd_site.c): ingest, calibrate and build in one
 * process give what the three commands give one after another; the
 * first failure stops the chain with its exit code and leaves the site
 * and the calibration table as they were. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "support/run.h"
#include "support/tmpdir.h"
#include "util/fsutil.h"

static char *dir;

static void setup(void)
{
    dir = test_tmpdir("tafcard-cli-site");
}

static void teardown(void)
{
    test_rmtree(dir);
    free(dir);
}

/* The ingest options of every run below (fixtures, no network). */
static const char *inputs(void)
{
    static char buf[1024];
    const char *data = test_data_dir();
    snprintf(buf, sizeof buf,
             "--panel %s/fixtures/panel/good --presets %s/fixtures/presets --manifest none "
             "--config acme/llama=%s/fixtures/configs/llama3_gqa_full.json",
             data, data, data);
    return buf;
}

static run_result tafcard(const char *fmt, const char *a, const char *b)
{
    char args[4096];
    snprintf(args, sizeof args, fmt, dir, a, b, dir, dir, test_data_dir());
    return run_tafcard(args);
}

Test(cli_site, one_process_gives_the_site_and_table_of_the_three_commands, .init = setup,
     .fini = teardown)
{
    run_result r = tafcard("site --db %s/a.db %s %s --calibration %s/a.txt --out %s/a "
                           "--templates %s/../templates -j 2",
                           inputs(), "");
    cr_assert_eq(r.status, 0, "site: %s", r.err);
    cr_expect(strstr(r.out, "built ") != NULL, "build's summary is printed: %s", r.out);
    cr_expect(strstr(r.out, "imprint slope") == NULL, "the table went to the file: %s", r.out);
    run_free(&r);

    char args[4096];
    snprintf(args, sizeof args, "ingest --db %s/b.db %s", dir, inputs());
    r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_free(&r);
    snprintf(args, sizeof args, "calibrate --db %s/b.db", dir);
    r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    char *want = r.out;
    r.out = NULL;
    run_free(&r);
    snprintf(args, sizeof args, "build --db %s/b.db --out %s/b --templates %s/../templates -j 2",
             dir, dir, test_data_dir());
    r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "%s", r.err);
    run_free(&r);

    cr_expect_eq(run_sh("diff -r %s/a %s/b > /dev/null", dir, dir), 0, "sites differ");
    char path[256];
    snprintf(path, sizeof path, "%s/a.txt", dir);
    char *table = fs_read_all(path, NULL);
    cr_assert_not_null(table);
    cr_expect(strstr(table, "imprint slope") != NULL, "%s", table);
    cr_expect_str_eq(table, want, "the table differs from calibrate's output");
    free(table);
    free(want);
}

Test(cli_site, a_failing_ingest_stops_before_calibrate_and_build, .init = setup,
     .fini = teardown)
{
    cr_assert_eq(run_sh("echo 'table of an earlier run' > %s/a.txt", dir), 0);
    run_result r = tafcard("site --db %s/a.db --panel %s/no-such-dir%s --presets none "
                           "--calibration %s/a.txt --out %s/a --templates %s/../templates",
                           dir, "");
    cr_expect_eq(r.status, 2, "ingest's exit code: %d %s", r.status, r.err);
    cr_expect(strstr(r.err, "no-such-dir") != NULL, "the error names the panel: %s", r.err);
    run_free(&r);
    char path[256];
    snprintf(path, sizeof path, "%s/a", dir);
    cr_expect_neq(access(path, F_OK), 0, "no site was built");
    snprintf(path, sizeof path, "%s/a.txt", dir);
    char *table = fs_read_all(path, NULL);
    cr_assert_not_null(table);
    cr_expect_str_eq(table, "table of an earlier run\n", "the old table was replaced");
    free(table);
    cr_expect_eq(run_sh("ls %s | grep -q tmp", dir), 1, "a temporary table was left behind");
}

Test(cli_site, unknown_arguments_and_missing_values_are_usage_errors, .init = setup,
     .fini = teardown)
{
    const char *bad[] = {"--frobnicate", "--out", "--calibration", "-j"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char args[256];
        snprintf(args, sizeof args, "site --db %s/x.db %s", dir, bad[i]);
        run_result r = run_tafcard(args);
        cr_expect_eq(r.status, 2, "%s: exit %d", bad[i], r.status);
        cr_expect(strstr(r.err, "USAGE") != NULL, "%s: %s", bad[i], r.err);
        run_free(&r);
    }
    char path[256];
    snprintf(path, sizeof path, "%s/x.db", dir);
    cr_expect_neq(access(path, F_OK), 0, "a usage error ingested nothing");
}
