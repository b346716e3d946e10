/* valgrind (memcheck) over a small end-to-end run on the fixtures: ingest,
 * calibrate, build, verify, inspect-config and a recipe must have no
 * memory error and leak nothing (definite or indirect).
 *
 * Skipped when valgrind is not installed or when $TAFCARD_BIN is a
 * sanitizer build (ASan and valgrind cannot run together); make test runs
 * it on the plain build. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "support/run.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/tafcard-vg-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void) { run_sh("rm -rf '%s'", dir); }

/* Run `tafcard ARGS` under memcheck; 0 when clean, 99 on an error, else
 * tafcard's own exit code. The report goes to dir/NAME.vg. */
static int memcheck(const char *name, const char *args)
{
    return run_sh("valgrind -q --error-exitcode=99 --leak-check=full "
              "--errors-for-leak-kinds=definite,indirect --log-file='%s/%s.vg' '%s' %s "
              ">'%s/%s.out' 2>&1",
              dir, name, getenv("TAFCARD_BIN"), args, dir, name);
}

static void expect_clean(const char *name, int rc)
{
    if (rc != 0) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "head -c 3000 '%s/%s.vg' '%s/%s.out' >&2", dir, name, dir, name);
        run_sh("%s", cmd);
    }
    cr_expect_eq(rc, 0, "%s: memcheck exit %d (report above)", name, rc);
}

Test(memcheck, small_end_to_end_run_is_clean, .init = setup, .fini = teardown)
{
    const char *bin = getenv("TAFCARD_BIN");
    const char *data = getenv("TAF_TEST_DATA");
    cr_assert_not_null(bin);
    cr_assert_not_null(data);
    if (run_sh("command -v valgrind >/dev/null 2>&1") != 0)
        cr_skip_test("valgrind is not installed");
    if (run_sh("ldd '%s' 2>/dev/null | grep -q 'libasan\\|libubsan'", bin) == 0 ||
        run_sh("nm '%s' 2>/dev/null | grep -q __asan_init", bin) == 0)
        cr_skip_test("%s is a sanitizer build", bin);
    char args[2048];
    snprintf(args, sizeof args,
             "ingest --db %s/t.db --panel %s/fixtures/panel/messy --presets %s/fixtures/presets "
             "--manifest none --config %s/fixtures/configs/llama3_gqa_full.json",
             dir, data, data, data);
    expect_clean("ingest", memcheck("ingest", args));
    snprintf(args, sizeof args, "calibrate --db %s/t.db", dir);
    expect_clean("calibrate", memcheck("calibrate", args));
    snprintf(args, sizeof args, "build --db %s/t.db --out %s/site --templates %s/../templates -j 2",
             dir, dir, data);
    expect_clean("build", memcheck("build", args));
    snprintf(args, sizeof args, "verify %s/site", dir);
    expect_clean("verify", memcheck("verify", args));
    snprintf(args, sizeof args, "inspect-config %s/fixtures/configs/jamba_hybrid_period_offset.json",
             data);
    expect_clean("inspect", memcheck("inspect", args));
    /* a bad input: the error path frees what it allocated too */
    snprintf(args, sizeof args,
             "ingest --db %s/t.db --panel %s/fixtures/panel/bad/negative_attention --presets none "
             "--manifest none",
             dir, data);
    cr_expect_eq(memcheck("ingest_bad", args), 2, "the bad ingest did not exit 2 cleanly");
    expect_clean("recipe",
                 memcheck("recipe", "recipe X-2 --args '{\"theta\": 500000, \"T_train\": 8192, "
                                    "\"T_eval\": 32768, \"n_attention_heads\": 32, "
                                    "\"n_kv_heads\": 8, \"d_head\": 128, \"n_layers\": 32, "
                                    "\"n_params\": 8e9, \"has_SWA\": false}' --json"));
}
