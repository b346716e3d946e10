/* End-to-end: ingest fixtures, build the site twice, verify, reuse, escape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "support/run.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/tafcard-site-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    const char *data = getenv("TAF_TEST_DATA");
    char args[2048];
    /* a model id with markup and a path trick, from a config.json */
    snprintf(args, sizeof args,
             "ingest --db %s/t.db --panel %s/fixtures/panel/good --presets %s/fixtures/presets "
             "--manifest none --config 'evil/<script>..%%2F=%s/fixtures/configs/llama3_gqa_full.json'",
             dir, data, data, data);
    run_result r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "ingest failed: %s", r.err);
    run_free(&r);
    snprintf(args, sizeof args, "calibrate --db %s/t.db", dir);
    r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "calibrate failed: %s", r.err);
    run_free(&r);
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static run_result build(const char *out, const char *extra)
{
    char args[1024];
    snprintf(args, sizeof args, "build --db %s/t.db --out %s/%s --templates %s/../templates %s",
             dir, dir, out, getenv("TAF_TEST_DATA"), extra);
    return run_tafcard(args);
}

static int sh(const char *fmt, const char *a, const char *b)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    return system(cmd);
}

Test(site, two_builds_are_byte_identical_and_verify, .init = setup, .fini = teardown)
{
    run_result r = build("a", "-j 2");
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
    r = build("b", "-j 1");
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
    char a[128], b[128];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    cr_expect_eq(sh("diff -r %s %s >/dev/null", a, b), 0, "two builds differ");
    char args[256];
    snprintf(args, sizeof args, "verify %s", a);
    r = run_tafcard(args);
    cr_expect_eq(r.status, 0, "%s", r.out);
    run_free(&r);
    /* a changed byte is reported with exit 1 */
    cr_assert_eq(sh("echo x >> %s/index.html%s", a, ""), 0);
    r = run_tafcard(args);
    cr_expect_eq(r.status, 1);
    cr_expect(strstr(r.out, "changed  index.html") != NULL, "%s", r.out);
    run_free(&r);
}

Test(site, every_page_and_export_exists_for_each_card, .init = setup, .fini = teardown)
{
    run_result r = build("s", "");
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
    const char *files[] = {"index.html", "panel.html", "methodology.html", "compare/X-2.html",
                           "manifest.json", "style.css",
                           "models/EleutherAI--pythia-70m/index.html",
                           "models/EleutherAI--pythia-70m/card.json",
                           "models/EleutherAI--pythia-70m/card.md",
                           "models/EleutherAI--pythia-70m/card.pdf",
                           "models/EleutherAI--pythia-70m/charts/attention_decay.svg",
                           "models/EleutherAI--pythia-70m/charts/attention_decay.png"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/s/%s", dir, files[i]);
        cr_expect_eq(access(p, R_OK), 0, "missing %s", files[i]);
    }
}

Test(site, hostile_model_id_is_escaped_and_gets_a_safe_slug, .init = setup, .fini = teardown)
{
    run_result r = build("s", "");
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
    char s[128];
    snprintf(s, sizeof s, "%s/s", dir);
    /* the slug directory exists, inside models/, without markup or dots */
    cr_expect_eq(sh("ls %s/models | grep -Eq '^evil--_script_[._]*2F_[0-9a-f]{8}$' %s", s, ""), 0,
                 "no safe slug for the hostile id");
    cr_expect_neq(sh("ls -a %s/models | grep -q '[<>%%]' %s", s, ""), 0);
    cr_expect_neq(sh("grep -q '<script>\\.\\.' %s/index.html %s", s, ""), 0,
                 "the id reached the page unescaped");
    cr_expect_eq(sh("grep -q 'evil/&lt;script&gt;..%%2F' %s/index.html %s", s, ""), 0,
                 "the escaped id is not on the index");
}

Test(site, unchanged_rebuild_reuses_every_card_and_failed_build_keeps_the_old_site,
     .init = setup, .fini = teardown)
{
    run_result r = build("s", "");
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
    char s[128];
    snprintf(s, sizeof s, "%s/s", dir);
    cr_assert_eq(sh("cp -r %s %s.before", s, s), 0);
    r = build("s", "");
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "(2 reused unchanged)") != NULL, "%s", r.out);
    run_free(&r);
    cr_expect_eq(sh("diff -r %s %s.before >/dev/null", s, s), 0, "a no-op rebuild changed bytes");
    /* a build that fails (no templates) leaves the previous site as it was */
    char args[512];
    snprintf(args, sizeof args, "build --db %s/t.db --out %s --templates /nonexistent", dir, s);
    r = run_tafcard(args);
    cr_expect_eq(r.status, 2, "%s", r.err);
    run_free(&r);
    cr_expect_eq(sh("diff -r %s %s.before >/dev/null", s, s), 0, "a failed build touched the site");
    cr_expect_neq(sh("ls -d %s.staging.* 2>/dev/null | grep -q . %s", s, ""), 0,
                 "staging directory left behind");
}
