/* tafcard diff: sites built from fixtures in a temp dir, compared card by
 * card (src/diff/), through the subcommand (cmd_diff, run in-process with
 * stdout/stderr captured) and through the pure card diff. */
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "diff/carddiff.h"
#include "diff/report.h"
#include "support/run.h"
#include "util/jsonnum.h"

#define PYTHIA "EleutherAI/pythia-70m"
#define PYTHIA_CARD "models/EleutherAI--pythia-70m/card.json"
/* a second model (no panel data) whose id needs escaping */
#define HOSTILE "evil/<script>`x`|@y"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/tafcard-diff-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static const char *data(void)
{
    const char *d = getenv("TAF_TEST_DATA");
    cr_assert_not_null(d, "TAF_TEST_DATA is not set (run through make test)");
    return d;
}

/* Ingest, calibrate and build dir/NAME from a panel dir and a presets dir
 * (relative to TAF_TEST_DATA unless absolute); with_hostile adds a second
 * model from a config.json. */
static void build_site(const char *name, const char *panel, const char *presets,
                       bool with_hostile)
{
    char p[1024], q[1024], args[4096];
    snprintf(p, sizeof p, "%s%s%s", panel[0] == '/' ? "" : data(), panel[0] == '/' ? "" : "/",
             panel);
    snprintf(q, sizeof q, "%s%s%s", presets[0] == '/' ? "" : data(),
             presets[0] == '/' ? "" : "/", presets);
    char extra[1024] = "";
    if (with_hostile)
        snprintf(extra, sizeof extra, "--config '" HOSTILE "=%s/fixtures/configs/llama3_gqa_full.json'",
                 data());
    snprintf(args, sizeof args, "ingest --db %s/%s.db --panel %s --presets %s --manifest none %s",
             dir, name, p, q, extra);
    run_result r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "ingest %s: %s", name, r.err);
    run_free(&r);
    snprintf(args, sizeof args, "calibrate --db %s/%s.db", dir, name);
    r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "calibrate %s: %s", name, r.err);
    run_free(&r);
    snprintf(args, sizeof args, "build --db %s/%s.db --out %s/%s --templates %s/../templates",
             dir, name, dir, name, data());
    r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "build %s: %s", name, r.err);
    run_free(&r);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s", path);
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

typedef struct {
    int rc;
    char *out, *err;
    cJSON *json; /* parsed stdout when it is JSON */
} diff_result;

/* Run `tafcard diff OLD NEW [opts...]` in-process (cmd_diff), capturing
 * stdout and stderr. OLD/NEW are relative to dir unless absolute. */
static diff_result run_diff(const char *old_p, const char *new_p, ...)
{
    char a[1024], b[1024];
    snprintf(a, sizeof a, "%s%s%s", old_p[0] == '/' ? "" : dir, old_p[0] == '/' ? "" : "/", old_p);
    snprintf(b, sizeof b, "%s%s%s", new_p[0] == '/' ? "" : dir, new_p[0] == '/' ? "" : "/", new_p);
    char *argv[16] = {"diff", a, b};
    int argc = 3;
    va_list ap;
    va_start(ap, new_p);
    for (const char *o; argc < 15 && (o = va_arg(ap, const char *));)
        argv[argc++] = (char *)o;
    va_end(ap);
    argv[argc] = NULL;

    char out_p[128], err_p[128];
    snprintf(out_p, sizeof out_p, "%s/diff.out", dir);
    snprintf(err_p, sizeof err_p, "%s/diff.err", dir);
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    int fo = open(out_p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fe = open(err_p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert(so >= 0 && se >= 0 && fo >= 0 && fe >= 0);
    dup2(fo, 1);
    dup2(fe, 2);
    diff_result r;
    r.rc = cmd_diff(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    close(fo);
    close(fe);
    r.out = slurp(out_p);
    r.err = slurp(err_p);
    r.json = cJSON_Parse(r.out);
    return r;
}

static void diff_free(diff_result *r)
{
    free(r->out);
    free(r->err);
    cJSON_Delete(r->json);
}

static const cJSON *jget(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    cr_assert_not_null(v, "no key %s", k);
    return v;
}

static double jd(const cJSON *o, const char *k)
{
    double x = NAN;
    cr_assert(jget_double(jget(o, k), &x), "%s is not a number", k);
    return x;
}

static const char *js(const cJSON *o, const char *k)
{
    const cJSON *v = jget(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* The entry of array `arr` whose `key` equals `val` (NULL if none). */
static const cJSON *find(const cJSON *arr, const char *key, const char *val)
{
    for (const cJSON *e = arr ? arr->child : NULL; e; e = e->next) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
        if (cJSON_IsString(v) && strcmp(v->valuestring, val) == 0)
            return e;
    }
    return NULL;
}

static const cJSON *find_verdict(const cJSON *model, const char *recipe, const char *variant)
{
    for (const cJSON *e = jget(model, "verdicts")->child; e; e = e->next)
        if (strcmp(js(e, "recipe"), recipe) == 0 && strcmp(js(e, "variant"), variant) == 0)
            return e;
    return NULL;
}

/* ---- sites ------------------------------------------------------------------ */

Test(diff, identical_sites_exit_0_with_an_empty_report, .init = setup, .fini = teardown)
{
    build_site("a", "fixtures/panel/good", "fixtures/presets", true);
    build_site("b", "fixtures/panel/good", "fixtures/presets", true);
    diff_result r = run_diff("a", "b", "--json", NULL);
    cr_assert_eq(r.rc, 0, "%s%s", r.out, r.err);
    cr_assert_not_null(r.json);
    cr_expect_eq(cJSON_GetArraySize(jget(r.json, "changed")), 0);
    cr_expect_eq(cJSON_GetArraySize(jget(r.json, "added")), 0);
    cr_expect_eq(cJSON_GetArraySize(jget(r.json, "removed")), 0);
    cr_expect_eq(cJSON_GetArraySize(jget(r.json, "inputs_only")), 0);
    cr_expect_eq(jd(jget(r.json, "summary"), "unchanged"), 2);
    diff_free(&r);
    r = run_diff("a", "b", NULL);
    cr_assert_eq(r.rc, 0);
    /* one summary line, no table, no section */
    cr_expect_str_eq(r.out, "**tafcard diff:** no model card changed (2 unchanged; numbers "
                            "compared with rtol 1e-09, atol 1e-12).\n");
    cr_expect_str_eq(r.err, "");
    diff_free(&r);
}

Test(diff, preset_theta_change_reports_only_that_model_with_verdicts_numbers_and_inputs,
     .init = setup, .fini = teardown)
{
    build_site("a", "fixtures/panel/good", "fixtures/presets", true);
    cr_assert_eq(run_sh("mkdir %s/p2 && sed 's/\"theta\": 10000,/\"theta\": 500000,/' "
                    "%s/fixtures/presets/EleutherAI--pythia-70m.json "
                    ">%s/p2/EleutherAI--pythia-70m.json && grep -q 500000 %s/p2/*.json",
                    dir, data(), dir, dir), 0);
    char p2[128];
    snprintf(p2, sizeof p2, "%s/p2", dir);
    build_site("b", "fixtures/panel/good", p2, true);

    diff_result r = run_diff("a", "b", "--format", "json", NULL);
    cr_assert_eq(r.rc, 1, "%s", r.err);
    const cJSON *changed = jget(r.json, "changed");
    cr_assert_eq(cJSON_GetArraySize(changed), 1, "exactly one model changed");
    const cJSON *m = changed->child;
    cr_expect_str_eq(js(m, "id"), PYTHIA);
    cr_expect_eq(jd(jget(r.json, "summary"), "unchanged"), 1, "the other model is unchanged");

    /* verdicts, per recipe and variant */
    const cJSON *v = find_verdict(m, "X-2", "measured");
    cr_assert_not_null(v, "no X-2 (measured) verdict change");
    cr_expect_str_eq(js(v, "old"), "DEGRADED");
    cr_expect_str_eq(js(v, "new"), "YES");
    v = find_verdict(m, "X-21", "measured");
    cr_assert_not_null(v);
    cr_expect_str_eq(js(v, "old"), "UNDER-IMPRINTED");
    cr_expect_str_eq(js(v, "new"), "CLEAN");
    cr_expect_null(find_verdict(m, "X-2", "profile"), "X-2 (profile) did not change");

    /* numbers: JSON path, old, new, abs, rel */
    const cJSON *n = find(jget(m, "numbers"), "path", "/model/theta");
    cr_assert_not_null(n);
    cr_expect_eq(jd(n, "old"), 10000);
    cr_expect_eq(jd(n, "new"), 500000);
    cr_expect_eq(jd(n, "abs"), 490000);
    cr_expect_eq(jd(n, "rel"), 49);
    n = find(jget(m, "numbers"), "path", "/key_numbers/gamma_pade");
    cr_assert_not_null(n);
    cr_expect_str_eq(js(n, "area"), "key numbers");
    cr_expect_gt(jd(n, "new"), jd(n, "old"));
    /* chart curves are summarised, never listed point by point */
    for (const cJSON *e = jget(m, "numbers")->child; e; e = e->next) {
        const char *p = js(e, "path");
        cr_expect(!(strncmp(p, "/series/", 8) == 0 && p[strlen(p) - 1] >= '0' &&
                    p[strlen(p) - 1] <= '9'),
                  "series point listed: %s", p);
    }
    const cJSON *s = find(jget(m, "series"), "path", "/series/phase/gamma_pade");
    cr_assert_not_null(s, "the phase curve is not summarised");
    cr_expect_gt(jd(s, "changed"), 0);

    /* inputs: the model spec and its preset file, nothing else */
    const cJSON *in = jget(m, "inputs");
    cr_expect_eq(cJSON_GetArraySize(in), 2);
    cr_expect_not_null(find(in, "input", "model spec"));
    cr_expect_not_null(find(in, "input", "presets:EleutherAI--pythia-70m.json"));
    diff_free(&r);

    /* Markdown: summary line, the verdict table first, long details folded */
    r = run_diff("a", "b", NULL);
    cr_assert_eq(r.rc, 1);
    cr_expect(strncmp(r.out, "**tafcard diff:** 1 changed, 0 added, 0 removed, 1 unchanged; 3 "
                             "verdict changes", 70) == 0, "%s", r.out);
    const char *vt = strstr(r.out, "#### Verdict changes");
    const char *cm = strstr(r.out, "#### Changed models");
    cr_assert(vt && cm && vt < cm, "verdict table not first:\n%s", r.out);
    cr_expect(strstr(r.out, "| EleutherAI/pythia-70m | X-2 (measured) | DEGRADED | **YES** |"),
              "%s", r.out);
    cr_expect(strstr(r.out, "<details><summary>"), "long changes are not folded");
    cr_expect(strstr(r.out, "| key numbers | `/key_numbers/gamma_pade` | 0.7470064429851826 |"),
              "%s", r.out);
    cr_expect(strstr(r.out, "- Inputs changed: model spec; `presets:EleutherAI--pythia-70m.json`"),
              "%s", r.out);
    cr_expect_null(strstr(r.out, HOSTILE), "an unchanged model is listed");
    diff_free(&r);
}

Test(diff, panel_file_change_reports_the_models_that_read_it_and_names_the_file,
     .init = setup, .fini = teardown)
{
    build_site("a", "fixtures/panel/good", "fixtures/presets", true);
    /* one attention value of the text corpus: 0.0028 → 0.0031 at d = 100 */
    cr_assert_eq(run_sh("cp -r %s/fixtures/panel/good %s/panel2 && "
                    "sed -i 's/\"mean_across_seeds\": 0.0028,/\"mean_across_seeds\": 0.0031,/' "
                    "%s/panel2/e4_gamma/EleutherAI--pythia-70m_mongo.json && "
                    "grep -q 0.0031 %s/panel2/e4_gamma/EleutherAI--pythia-70m_mongo.json",
                    data(), dir, dir, dir), 0);
    char p2[128];
    snprintf(p2, sizeof p2, "%s/panel2", dir);
    build_site("b", p2, "fixtures/presets", true);

    diff_result r = run_diff("a", "b", "--json", NULL);
    cr_assert_eq(r.rc, 1, "%s", r.err);
    const cJSON *changed = jget(r.json, "changed");
    cr_assert_eq(cJSON_GetArraySize(changed), 1);
    const cJSON *m = changed->child;
    cr_expect_str_eq(js(m, "id"), PYTHIA);
    const cJSON *in = jget(m, "inputs");
    cr_assert_eq(cJSON_GetArraySize(in), 1, "only the panel file changed");
    cr_expect_str_eq(js(in->child, "input"), "panel:e4_gamma/EleutherAI--pythia-70m_mongo.json");
    cr_expect_str_eq(js(in->child, "change"), "changed");
    /* the measured γ moved; the raw decay curve changed at exactly one point */
    const cJSON *n = find(jget(m, "numbers"), "path", "/measured_rows/0/gamma");
    cr_assert_not_null(n, "measured γ not reported");
    cr_expect_str_eq(js(n, "area"), "measurements");
    const cJSON *s = find(jget(m, "series"), "path", "/series/attention_decay/text/mean");
    cr_assert_not_null(s);
    cr_expect_eq(jd(s, "changed"), 1);
    cr_expect_eq(jd(s, "n_old"), 4);
    cr_expect_eq(jd(s, "n_new"), 4);
    diff_free(&r);

    r = run_diff("a", "b", "--format", "text", NULL);
    cr_assert_eq(r.rc, 1);
    cr_expect(strstr(r.out, "  input      panel:e4_gamma/EleutherAI--pythia-70m_mongo.json\n"),
              "%s", r.out);
    cr_expect(strstr(r.out, "  series     /series/attention_decay/text/mean: 1 of 4 points "
                            "changed"), "%s", r.out);
    diff_free(&r);
}

Test(diff, added_and_removed_models_are_listed_with_escaped_ids, .init = setup, .fini = teardown)
{
    build_site("a", "fixtures/panel/good", "fixtures/presets", false);
    build_site("b", "fixtures/panel/good", "fixtures/presets", true);
    diff_result r = run_diff("a", "b", "--json", NULL);
    cr_assert_eq(r.rc, 1, "%s", r.err);
    cr_assert_eq(cJSON_GetArraySize(jget(r.json, "added")), 1);
    cr_expect_str_eq(js(jget(r.json, "added")->child, "id"), HOSTILE);
    cr_expect_eq(cJSON_GetArraySize(jget(r.json, "removed")), 0);
    cr_expect_eq(cJSON_GetArraySize(jget(r.json, "changed")), 0);
    cr_expect_eq(jd(jget(r.json, "summary"), "unchanged"), 1);
    diff_free(&r);

    r = run_diff("b", "a", NULL);
    cr_assert_eq(r.rc, 1);
    cr_expect(strstr(r.out, "#### Removed models"), "%s", r.out);
    cr_expect(strstr(r.out, "| evil/&lt;script&gt;&#96;x&#96;\\|&#64;y | X-2 (profile): YES"),
              "%s", r.out);
    cr_expect_null(strstr(r.out, "<script"), "markup reached the Markdown");
    cr_expect_null(strstr(r.out, "@y"), "a mention reached the Markdown");
    cr_expect_null(strstr(r.out, "#### Added models"));
    diff_free(&r);
}

/* ---- two card files, tolerance, formatting ------------------------------------ */

/* Write a copy of site a's pythia card with the number at keys... (NULL
 * terminated, objects only) set to x. */
static void perturbed_card(const char *name, double x, ...)
{
    char p[256];
    snprintf(p, sizeof p, "%s/a/" PYTHIA_CARD, dir);
    char *text = slurp(p);
    cJSON *card = cJSON_Parse(text);
    free(text);
    cr_assert_not_null(card);
    cJSON *parent = card;
    const char *key = NULL;
    va_list ap;
    va_start(ap, x);
    for (const char *k; (k = va_arg(ap, const char *));) {
        if (key)
            parent = cJSON_GetObjectItemCaseSensitive(parent, key);
        key = k;
    }
    va_end(ap);
    cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(parent, key), "no %s in the card", key);
    cJSON_ReplaceItemInObjectCaseSensitive(parent, key, jnum(x));
    char *out = cJSON_Print(card);
    snprintf(p, sizeof p, "%s/%s", dir, name);
    spit(p, out);
    cJSON_free(out);
    cJSON_Delete(card);
}

static double card_number(const char *section, const char *key)
{
    char p[256];
    snprintf(p, sizeof p, "%s/a/" PYTHIA_CARD, dir);
    char *text = slurp(p);
    cJSON *card = cJSON_Parse(text);
    free(text);
    double x = jd(jget(card, section), key);
    cJSON_Delete(card);
    return x;
}

Test(diff, tolerance_is_respected_below_rtol_not_reported_above_reported, .init = setup,
     .fini = teardown)
{
    build_site("a", "fixtures/panel/good", "fixtures/presets", false);
    double g = card_number("key_numbers", "gamma_pade");
    perturbed_card("rel.json", g * (1 + 1e-7), "key_numbers", "gamma_pade", NULL);
    const char *a = "a/" PYTHIA_CARD;

    diff_result r = run_diff(a, "rel.json", "--json", NULL);
    cr_assert_eq(r.rc, 1, "a 1e-7 change is above the default rtol 1e-9: %s", r.err);
    const cJSON *nums = jget(jget(r.json, "changed")->child, "numbers");
    cr_assert_eq(cJSON_GetArraySize(nums), 1);
    cr_expect_str_eq(js(nums->child, "path"), "/key_numbers/gamma_pade");
    cr_expect_float_eq(jd(nums->child, "rel"), 1e-7, 1e-12);
    diff_free(&r);

    r = run_diff(a, "rel.json", "--rtol", "1e-6", NULL);
    cr_expect_eq(r.rc, 0, "a 1e-7 change is below --rtol 1e-6: %s", r.out);
    diff_free(&r);
    r = run_diff(a, "rel.json", "--rtol", "1e-8", NULL);
    cr_expect_eq(r.rc, 1, "a 1e-7 change is above --rtol 1e-8");
    diff_free(&r);

    /* atol: a tiny change of a zero value (δ_GQA of an MHA model) */
    perturbed_card("abs.json", 1e-13, "key_numbers", "decomposition_breakdown", "delta_GQA", NULL);
    r = run_diff(a, "abs.json", NULL);
    cr_expect_eq(r.rc, 0, "1e-13 is below the default atol 1e-12: %s", r.out);
    diff_free(&r);
    r = run_diff(a, "abs.json", "--atol", "0", NULL);
    cr_expect_eq(r.rc, 1, "1e-13 is above --atol 0");
    diff_free(&r);
}

/* Rewrite every number token outside strings: 2.0 → 2, 2 → 2.0. */
static char *reformat_numbers(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(2 * n + 1), *o = out;
    bool in_str = false;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if (in_str) {
            *o++ = c;
            if (c == '\\' && i + 1 < n)
                *o++ = s[++i];
            else if (c == '"')
                in_str = false;
            i++;
        } else if (c == '"') {
            in_str = true;
            *o++ = c;
            i++;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            size_t j = i;
            while (j < n && strchr("-+.eE0123456789", s[j]))
                j++;
            size_t len = j - i;
            bool has_frac = memchr(s + i, '.', len) != NULL;
            bool has_exp = memchr(s + i, 'e', len) || memchr(s + i, 'E', len);
            memcpy(o, s + i, len);
            o += len;
            if (!has_frac && !has_exp) {
                memcpy(o, ".0", 2);
                o += 2;
            } else if (has_frac && !has_exp && len >= 2 && s[j - 1] == '0' && s[j - 2] == '.') {
                o -= 2; /* drop ".0" */
            }
            i = j;
        } else {
            *o++ = c;
            i++;
        }
    }
    *o = '\0';
    return out;
}

Test(diff, formatting_only_change_2_vs_2_0_is_not_a_difference, .init = setup, .fini = teardown)
{
    build_site("a", "fixtures/panel/good", "fixtures/presets", false);
    char p[256];
    snprintf(p, sizeof p, "%s/a/" PYTHIA_CARD, dir);
    char *text = slurp(p);
    char *re = reformat_numbers(text);
    cr_assert(strstr(text, "10000.0") && strstr(re, "\t10000,"), "reformatting did nothing");
    cr_assert(strstr(text, "\t2048,") && strstr(re, "\t2048.0,"));
    snprintf(p, sizeof p, "%s/re.json", dir);
    spit(p, re);
    free(text);
    free(re);
    diff_result r = run_diff("a/" PYTHIA_CARD, "re.json", NULL);
    cr_expect_eq(r.rc, 0, "%s%s", r.out, r.err);
    diff_free(&r);
    /* the same inside a whole site */
    cr_assert_eq(run_sh("cp -r %s/a %s/c && cp %s/re.json %s/c/" PYTHIA_CARD, dir, dir, dir, dir), 0);
    r = run_diff("a", "c", NULL);
    cr_expect_eq(r.rc, 0, "%s%s", r.out, r.err);
    diff_free(&r);
}

Test(diff, two_card_json_files_are_compared_directly, .init = setup, .fini = teardown)
{
    build_site("a", "fixtures/panel/good", "fixtures/presets", false);
    cr_assert_eq(run_sh("mkdir %s/p2 && sed 's/\"theta\": 10000,/\"theta\": 500000,/' "
                    "%s/fixtures/presets/EleutherAI--pythia-70m.json "
                    ">%s/p2/EleutherAI--pythia-70m.json", dir, data(), dir), 0);
    char p2[128];
    snprintf(p2, sizeof p2, "%s/p2", dir);
    build_site("b", "fixtures/panel/good", p2, false);
    diff_result r = run_diff("a/" PYTHIA_CARD, "b/" PYTHIA_CARD, "--json", NULL);
    cr_assert_eq(r.rc, 1, "%s", r.err);
    cr_expect_str_eq(js(r.json, "mode"), "cards");
    cr_assert_eq(cJSON_GetArraySize(jget(r.json, "changed")), 1);
    const cJSON *m = jget(r.json, "changed")->child;
    cr_expect_str_eq(js(m, "id"), PYTHIA);
    cr_expect_not_null(find_verdict(m, "X-2", "measured"));
    cr_expect_not_null(find(jget(m, "numbers"), "path", "/key_numbers/gamma_pade"));
    diff_free(&r);
    r = run_diff("a/" PYTHIA_CARD, "a/" PYTHIA_CARD, NULL);
    cr_expect_eq(r.rc, 0);
    diff_free(&r);
}

Test(diff, bad_input_exits_2_and_names_the_file_and_position, .init = setup, .fini = teardown)
{
    build_site("a", "fixtures/panel/good", "fixtures/presets", false);
    diff_result r = run_diff("a", "missing", NULL);
    cr_expect_eq(r.rc, 2);
    cr_expect(strstr(r.err, "NOT_FOUND") && strstr(r.err, "missing"), "%s", r.err);
    diff_free(&r);

    cr_assert_eq(run_sh("mkdir %s/empty", dir), 0);
    r = run_diff("a", "empty", NULL);
    cr_expect_eq(r.rc, 2);
    cr_expect(strstr(r.err, "NOT_A_SITE") && strstr(r.err, "no manifest.json"), "%s", r.err);
    diff_free(&r);

    r = run_diff("a", "a/manifest.json", NULL);
    cr_expect_eq(r.rc, 2, "a site against a file");
    diff_free(&r);

    cr_assert_eq(run_sh("cp -r %s/a %s/c && printf '{\\n  \"schema\": oops\\n}\\n' > %s/c/"
                    PYTHIA_CARD, dir, dir, dir), 0);
    r = run_diff("a", "c", NULL);
    cr_expect_eq(r.rc, 2);
    cr_expect(strstr(r.err, "BAD_JSON") && strstr(r.err, "c/" PYTHIA_CARD) &&
              strstr(r.err, "line 2, column 13"), "%s", r.err);
    cr_expect_str_eq(r.out, "");
    diff_free(&r);

    r = run_diff("a", "a", "--rtol", "-1", NULL);
    cr_expect_eq(r.rc, 2);
    diff_free(&r);
    r = run_diff("a", "a", "--format", "html", NULL);
    cr_expect_eq(r.rc, 2);
    diff_free(&r);
}

/* ---- pure parts ---------------------------------------------------------------- */

Test(diff, markdown_escape_keeps_ids_from_becoming_markup)
{
    char *e = report_md_escape("evil/<script>|`x`@y_[z]*#1\nq&");
    cr_expect_str_eq(e, "evil/&lt;script&gt;\\|&#96;x&#96;&#64;y\\_\\[z\\]\\*\\#1 q&amp;");
    free(e);
}

static cJSON *parse(const char *s)
{
    cJSON *v = cJSON_Parse(s);
    cr_assert_not_null(v, "bad test JSON: %s", s);
    return v;
}

Test(diff, reordered_recipes_and_keys_are_not_differences_but_caveats_and_confidence_are)
{
    carddiff_opts o = carddiff_defaults();
    cJSON *a = parse("{\"schema\":\"tafcard.card/1\",\"model\":{\"id\":\"m\",\"theta\":2},"
                     "\"recipes\":[{\"id\":\"X-2\",\"variant\":\"profile\",\"result\":{\"verdict\":"
                     "\"YES\",\"caveats\":[\"c1\",\"c2\"],\"confidence\":{\"pct\":62,\"band\":"
                     "\"medium\"}}},{\"id\":\"X-2\",\"variant\":\"measured\",\"result\":{\"verdict\":"
                     "\"NO\",\"pdi\":0.5}}]}");
    cJSON *b = parse("{\"model\":{\"theta\":2.0,\"id\":\"m\"},\"schema\":\"tafcard.card/1\","
                     "\"recipes\":[{\"id\":\"X-2\",\"variant\":\"measured\",\"result\":{\"pdi\":0.5,"
                     "\"verdict\":\"NO\"}},{\"id\":\"X-2\",\"variant\":\"profile\",\"result\":{"
                     "\"verdict\":\"YES\",\"caveats\":[\"c1\",\"c2\"],\"confidence\":{\"pct\":62,"
                     "\"band\":\"medium\"}}}]}");
    cJSON *d = carddiff_cards(a, b, &o);
    cr_expect_not(carddiff_has_changes(d), "reordering reported as a change");
    cJSON_Delete(d);

    cJSON *r = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(b, "recipes"), 1),
                                   "result");
    cJSON_ReplaceItemInObject(r, "caveats", parse("[\"c2\",\"c3\"]"));
    cJSON_ReplaceItemInObject(r, "confidence", parse("{\"pct\":88,\"band\":\"high\"}"));
    d = carddiff_cards(a, b, &o);
    const cJSON *cav = cJSON_GetObjectItem(d, "caveats");
    cr_assert_eq(cJSON_GetArraySize(cav), 1);
    cr_expect_str_eq(js(cav->child, "recipe"), "X-2");
    cr_expect_str_eq(js(cav->child, "variant"), "profile");
    cr_expect_str_eq(cJSON_GetArrayItem(jget(cav->child, "added"), 0)->valuestring, "c3");
    cr_expect_str_eq(cJSON_GetArrayItem(jget(cav->child, "removed"), 0)->valuestring, "c1");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "confidence")), 1);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(d, "numbers")), 0,
                 "confidence numbers are not repeated as number changes");

    /* the Markdown shows them outside the folded tables */
    cJSON *rep = parse("{\"summary\":{\"changed\":1},\"tolerance\":{\"rtol\":1e-9,\"atol\":1e-12},"
                       "\"added\":[],\"removed\":[],\"inputs_only\":[]}");
    cJSON *ch = cJSON_AddArrayToObject(rep, "changed");
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "id", "m");
    for (cJSON *c = d->child; c; c = c->next)
        cJSON_AddItemToObject(m, c->string, cJSON_Duplicate(c, true));
    cJSON_AddItemToArray(ch, m);
    char *md = report_render(rep, REPORT_MARKDOWN);
    cr_expect(strstr(md, "- Caveats, X-2 (profile): added `c3`; removed `c1`\n"), "%s", md);
    cr_expect(strstr(md, "- Confidence, X-2 (profile): 62% medium → 88% high\n"), "%s", md);
    free(md);
    cJSON_Delete(rep);
    cJSON_Delete(d);
    cJSON_Delete(a);
    cJSON_Delete(b);
}

Test(diff, numbers_compare_by_value_with_rtol_and_atol)
{
    carddiff_opts o = carddiff_defaults();
    cr_expect(carddiff_num_equal(2, 2.0, &o));
    cr_expect(carddiff_num_equal(1.0, 1.0 + 1e-10, &o));
    cr_expect_not(carddiff_num_equal(1.0, 1.0 + 1e-8, &o));
    cr_expect(carddiff_num_equal(0.0, 1e-13, &o));
    cr_expect_not(carddiff_num_equal(0.0, 1e-11, &o));
    o.rtol = 1e-6;
    cr_expect(carddiff_num_equal(1e6, 1e6 + 0.5, &o));
}

Test(diff, long_markdown_is_cut_to_fit_a_github_comment)
{
    /* 40 models with 150 number changes each */
    cJSON *rep = parse("{\"summary\":{\"changed\":40},\"tolerance\":{\"rtol\":1e-9,\"atol\":1e-12},"
                       "\"added\":[],\"removed\":[],\"inputs_only\":[]}");
    cJSON *ch = cJSON_AddArrayToObject(rep, "changed");
    for (int i = 0; i < 40; i++) {
        cJSON *m = cJSON_CreateObject();
        char id[64];
        snprintf(id, sizeof id, "org/model-%02d", i);
        cJSON_AddStringToObject(m, "id", id);
        cJSON *nums = cJSON_AddArrayToObject(m, "numbers");
        for (int k = 0; k < 150; k++) {
            char p[64];
            snprintf(p, sizeof p, "/recipes/0/result/chain/%d/result", k);
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "path", p);
            cJSON_AddStringToObject(e, "area", "X-2 (profile)");
            cJSON_AddNumberToObject(e, "old", 0.1234567890123 + k);
            cJSON_AddNumberToObject(e, "new", 0.9876543210987 + k);
            cJSON_AddNumberToObject(e, "abs", 0.8641975320864);
            cJSON_AddNumberToObject(e, "rel", 0.05);
            cJSON_AddItemToArray(nums, e);
        }
        cJSON_AddItemToArray(ch, m);
    }
    char *md = report_render(rep, REPORT_MARKDOWN);
    cr_expect_leq(strlen(md), REPORT_MD_MAX_CHARS);
    cr_expect(strstr(md, "##### org/model-39"), "a model was dropped");
    cr_expect(strstr(md, "more; `tafcard diff --format json` lists them all._"), "no count of "
              "the rows left out");
    free(md);
    cJSON_Delete(rep);
}

Test(diff, reformatted_preset_changes_no_card_and_is_listed_as_inputs_only, .init = setup,
     .fini = teardown)
{
    build_site("a", "fixtures/panel/good", "fixtures/presets", false);
    /* same values, different bytes: a trailing newline */
    cr_assert_eq(run_sh("mkdir %s/p2 && cp %s/fixtures/presets/EleutherAI--pythia-70m.json %s/p2/ && "
                    "echo >> %s/p2/EleutherAI--pythia-70m.json", dir, data(), dir, dir), 0);
    char p2[128];
    snprintf(p2, sizeof p2, "%s/p2", dir);
    build_site("b", "fixtures/panel/good", p2, false);
    diff_result r = run_diff("a", "b", "--json", NULL);
    cr_assert_eq(r.rc, 0, "%s%s", r.out, r.err);
    const cJSON *io = jget(r.json, "inputs_only");
    cr_assert_eq(cJSON_GetArraySize(io), 1);
    cr_expect_str_eq(js(io->child, "id"), PYTHIA);
    const cJSON *in = jget(io->child, "inputs");
    cr_assert_eq(cJSON_GetArraySize(in), 1, "the spec itself did not change");
    cr_expect_str_eq(js(in->child, "input"), "presets:EleutherAI--pythia-70m.json");
    diff_free(&r);
    r = run_diff("a", "b", NULL);
    cr_expect(strstr(r.out, "no model card changed (1 unchanged;"), "%s", r.out);
    cr_expect(strstr(r.out, "- EleutherAI/pythia-70m: `presets:EleutherAI--pythia-70m.json`\n"),
              "%s", r.out);
    diff_free(&r);
}
