/* End-to-end: ingest fixtures, build the site twice, verify, reuse, escape,
 * and a listing split into linked pages (--per-page). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>

#include "support/run.h"
#include "util/fsutil.h"

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

/* ---- pages of a long listing ------------------------------------------------------- */

/* Seven models: the fixture preset and six configs under made-up ids. */
static void setup_seven(void)
{
    snprintf(dir, sizeof dir, "/tmp/tafcard-site-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    const char *data = getenv("TAF_TEST_DATA");
    static const char *const CONFIGS[] = {"llama3_gqa_full", "gpt2_learned_positions",
                                          "mixtral_moe", "bloom_alibi", "mamba_ssm",
                                          "gemma2_it_sliding_window"};
    char args[4096];
    int n = snprintf(args, sizeof args,
                     "ingest --db %s/t.db --panel %s/fixtures/panel/good --presets "
                     "%s/fixtures/presets --manifest none",
                     dir, data, data);
    for (size_t i = 0; i < sizeof CONFIGS / sizeof CONFIGS[0]; i++)
        n += snprintf(args + n, sizeof args - (size_t)n,
                      " --config 'acme/m%zu=%s/fixtures/configs/%s.json'", i + 1, data,
                      CONFIGS[i]);
    run_result r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "ingest failed: %s", r.err);
    run_free(&r);
    snprintf(args, sizeof args, "calibrate --db %s/t.db", dir);
    r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "calibrate failed: %s", r.err);
    run_free(&r);
}

/* The models in build order (by id), as their card directories. */
static const char *const SLUGS[] = {"EleutherAI--pythia-70m", "acme--m1", "acme--m2", "acme--m3",
                                    "acme--m4", "acme--m5", "acme--m6"};
#define N_SLUGS 7

static xmlDocPtr parse_page(const char *site, const char *rel)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/%s", dir, site, rel);
    /* the pages are XHTML: well-formed XML behind an HTML5 doctype */
    xmlDocPtr d = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    cr_assert_not_null(d, "%s is not well-formed XML", rel);
    return d;
}

/* The string values of an XPath node set, joined with spaces. */
static void xpath_values(xmlDocPtr d, const char *expr, char *out, size_t outsz)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(d);
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    cr_assert_not_null(o, "bad XPath %s", expr);
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; o->nodesetval && i < o->nodesetval->nodeNr; i++) {
        xmlChar *v = xmlNodeGetContent(o->nodesetval->nodeTab[i]);
        n += (size_t)snprintf(out + n, outsz - n, "%s%s", n ? " " : "", (const char *)v);
        xmlFree(v);
        cr_assert_lt(n, outsz, "XPath result too long");
    }
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(ctx);
}

/* Page k (from 1) of a listing named base. */
static void page_name(const char *base, int k, char *out, size_t outsz)
{
    if (k == 1)
        snprintf(out, outsz, "%s.html", base);
    else
        snprintf(out, outsz, "%s-%d.html", base, k);
}

static void append(char *all, size_t allsz, const char *more)
{
    size_t n = strlen(all);
    snprintf(all + n, allsz - n, "%s%s", n && more[0] ? " " : "", more);
}

/* One page of a listing: it links its neighbours (rel prev/next), the
 * first and last two pages and two on each side (a gap "…" for each run
 * of pages left out), and marks itself current — in the pager above the
 * table and the one below. `shown` is the expected row of page numbers,
 * "1 2 3 … 6 7" (the current one included). */
static void expect_pager(xmlDocPtr d, const char *rel, const char *base, int k, int pages,
                         const char *shown)
{
    char got[4096], want[4096] = "", expr[200], f[128];
    for (int nav = 1; nav <= 2; nav++) {
        snprintf(expr, sizeof expr, "(//nav[@class='pager'])[%d]//a[@rel='prev']/@href", nav);
        xpath_values(d, expr, got, sizeof got);
        page_name(base, k - 1, want, sizeof want);
        cr_expect_str_eq(got, k > 1 ? want : "", "%s, pager %d: previous", rel, nav);
        snprintf(expr, sizeof expr, "(//nav[@class='pager'])[%d]//a[@rel='next']/@href", nav);
        xpath_values(d, expr, got, sizeof got);
        page_name(base, k + 1, want, sizeof want);
        cr_expect_str_eq(got, k < pages ? want : "", "%s, pager %d: next", rel, nav);
        snprintf(expr, sizeof expr, "(//nav[@class='pager'])[%d]//span/a/@href", nav);
        xpath_values(d, expr, got, sizeof got);
        want[0] = '\0';
        char numbers[256];
        snprintf(numbers, sizeof numbers, "%s", shown);
        for (char *save, *t = strtok_r(numbers, " ", &save); t; t = strtok_r(NULL, " ", &save))
            if (strcmp(t, "…") != 0 && atoi(t) != k) {
                page_name(base, atoi(t), f, sizeof f);
                append(want, sizeof want, f);
            }
        cr_expect_str_eq(got, want, "%s, pager %d: page links", rel, nav);
        snprintf(expr, sizeof expr, "(//nav[@class='pager'])[%d]/p[last()]/span/*", nav);
        xpath_values(d, expr, got, sizeof got);
        cr_expect_str_eq(got, shown, "%s, pager %d: the pages named: %s", rel, nav, got);
        snprintf(expr, sizeof expr, "(//nav[@class='pager'])[%d]//strong[@aria-current='page']",
                 nav);
        xpath_values(d, expr, got, sizeof got);
        snprintf(want, sizeof want, "%d", k);
        cr_expect_str_eq(got, want, "%s, pager %d: current page", rel, nav);
    }
}

/* The page numbers a pager of `pages` shows on page k: all of them up to
 * seven pages (the test listings are no longer). */
static void all_pages(int pages, char *out, size_t outsz)
{
    out[0] = '\0';
    for (int j = 1; j <= pages; j++) {
        char n[16];
        snprintf(n, sizeof n, "%d", j);
        append(out, outsz, n);
    }
}

/* Every page of a listing (under dir `sub`, "" or "compare/"): the model
 * links of all its rows, in page order, into rows. A listing of one page
 * has no pager. */
static void listing_rows(const char *site, const char *sub, const char *base, int pages,
                         char *rows, size_t rowsz)
{
    char shown[256];
    all_pages(pages, shown, sizeof shown);
    rows[0] = '\0';
    for (int k = 1; k <= pages; k++) {
        char file[128], rel[256], got[4096];
        page_name(base, k, file, sizeof file);
        snprintf(rel, sizeof rel, "%s%s", sub, file);
        xmlDocPtr d = parse_page(site, rel);
        xpath_values(d, "//table//tbody/tr/td[1]/a/@href", got, sizeof got);
        append(rows, rowsz, got);
        if (pages > 1) {
            expect_pager(d, rel, base, k, pages, shown);
        } else {
            xpath_values(d, "//nav[@class='pager']", got, sizeof got);
            cr_expect_str_eq(got, "", "%s: a pager on a listing of one page", rel);
        }
        xmlFreeDoc(d);
    }
    char file[128], path[512];
    page_name(base, pages + 1, file, sizeof file);
    snprintf(path, sizeof path, "%s/%s/%s%s", dir, site, sub, file);
    cr_expect_neq(access(path, F_OK), 0, "a page too many: %s", path);
}

static void expect_verified(const char *site)
{
    char args[256];
    snprintf(args, sizeof args, "verify %s/%s", dir, site);
    run_result r = run_tafcard(args);
    cr_expect_eq(r.status, 0, "%s", r.out);
    run_free(&r);
}

Test(site, a_long_listing_is_split_into_linked_pages_holding_every_model_once,
     .init = setup_seven, .fini = teardown)
{
    run_result r = build("s", "-j 2 --per-page 2");
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
    r = build("one", "-j 2");
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
    char rows[4096], one[4096], want[4096] = "";
    for (int i = 0; i < N_SLUGS; i++) {
        char link[200];
        snprintf(link, sizeof link, "models/%s/index.html", SLUGS[i]);
        append(want, sizeof want, link);
    }
    /* 7 models, 2 a page: 4 pages of the index and of each comparison,
     * together the rows of the one-page listing */
    listing_rows("s", "", "index", 4, rows, sizeof rows);
    cr_expect_str_eq(rows, want, "index rows across the pages");
    listing_rows("one", "", "index", 1, one, sizeof one);
    cr_expect_str_eq(one, want, "index rows on one page");
    static const char *const RECIPES[] = {"X-2", "X-21"};
    for (size_t i = 0; i < 2; i++) {
        listing_rows("s", "compare/", RECIPES[i], 4, rows, sizeof rows);
        listing_rows("one", "compare/", RECIPES[i], 1, one, sizeof one);
        cr_expect_str_eq(rows, one, "%s rows across the pages", RECIPES[i]);
        cr_expect_gt(strlen(one), 0, "no rows at all on %s", RECIPES[i]);
    }
    xmlDocPtr d = parse_page("s", "index-3.html");
    char got[1024];
    xpath_values(d, "(//nav[@class='pager'])[1]/p[1]", got, sizeof got);
    cr_expect_str_eq(got, "Page 3 of 4: models 5–6 of 7, in model id order. Sorting a column "
                          "sorts this page only.");
    xpath_values(d, "(//nav[@class='pager'])[1]//span/a[.='4']/@title", got, sizeof got);
    cr_expect_str_eq(got, "models 7–7: acme/m6 … acme/m6");
    xmlFreeDoc(d);
    expect_verified("s");
    /* rebuilt with the default page size: one page, the extra pages gone */
    r = build("s", "-j 2");
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
    listing_rows("s", "", "index", 1, rows, sizeof rows);
    cr_expect_str_eq(rows, want);
    char path[256];
    snprintf(path, sizeof path, "%s/s/index.html", dir);
    char *index = fs_read_all(path, NULL);
    cr_assert_not_null(index);
    cr_expect_null(strstr(index, "pager"), "a one-page listing has no pager");
    cr_expect(strstr(index, "</p>\n\n<div class=\"scroll\">") &&
                  strstr(index, "</div>\n<p>Compare"),
              "the pager's place leaves the bytes of an unpaged page");
    free(index);
    expect_verified("s");
}

Test(site, a_pager_of_many_pages_names_the_ends_and_the_neighbours, .init = setup_seven,
     .fini = teardown)
{
    run_result r = build("s", "-j 2 --per-page 1");
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
    /* seven pages: page 1 leaves out 4 and 5, page 4 none, page 7 3 and 4 */
    static const struct {
        int page;
        const char *shown;
    } C[] = {{1, "1 2 3 … 6 7"}, {2, "1 2 3 4 … 6 7"}, {4, "1 2 3 4 5 6 7"}, {7, "1 2 … 5 6 7"}};
    char rows[4096] = "", want[4096] = "";
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        char file[64];
        page_name("index", C[i].page, file, sizeof file);
        xmlDocPtr d = parse_page("s", file);
        expect_pager(d, file, "index", C[i].page, 7, C[i].shown);
        xmlFreeDoc(d);
    }
    for (int k = 1; k <= 7; k++) {
        char file[64], got[1024];
        page_name("index", k, file, sizeof file);
        xmlDocPtr d = parse_page("s", file);
        xpath_values(d, "//table//tbody/tr/td[1]/a/@href", got, sizeof got);
        append(rows, sizeof rows, got);
        xmlFreeDoc(d);
        snprintf(got, sizeof got, "models/%s/index.html", SLUGS[k - 1]);
        append(want, sizeof want, got);
    }
    cr_expect_str_eq(rows, want, "one model a page, each once, in order");
    expect_verified("s");
}

Test(site, per_page_must_be_a_positive_number, .init = setup, .fini = teardown)
{
    const char *bad[] = {"0", "-3", "ten", "2x", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char extra[64];
        snprintf(extra, sizeof extra, "--per-page '%s'", bad[i]);
        run_result r = build("s", extra);
        cr_expect_eq(r.status, 2, "--per-page '%s': exit %d", bad[i], r.status);
        cr_expect(strstr(r.err, "USAGE: --per-page") != NULL, "%s", r.err);
        run_free(&r);
    }
}
