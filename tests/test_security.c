/* Security of the output: every string that comes from an input reaches
 * HTML, SVG and Markdown escaped, and no output path is computed from an
 * input except through the slug, so crafted ids cannot leave --out.
 *
 * A marker ("><script>x</script>) goes into every kind of input string we
 * take: model ids (config _name_or_path, ORG/NAME=FILE, preset id),
 * model_type, preset source and field_sources, panel master/Padé
 * phase/source/notes/name; the site is built and every .html, .svg and
 * .md file is searched for the raw marker. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <cjson/cJSON.h>

#include "card/card.h"
#include "support/run.h"

#define MARK "\\\"><script>x</script>" /* as a JSON string body */
#define RAW "<script>x</script>"        /* what must never appear unescaped */

static char dir[64];

static void spit(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static run_result tafcard(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static run_result tafcard(const char *fmt, ...)
{
    char args[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return run_tafcard(args);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/tafcard-sec-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void) { run_sh("rm -rf '%s'", dir); }

/* Every file under root with one of the given suffixes that contains
 * `needle`, one per line (malloc'd, "" when none). */
static char *grep_tree(const char *root, const char *needle)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && find . -type f \\( -name '*.html' -o -name '*.svg' -o -name '*.md' \\) "
             "-print0 | xargs -0 grep -lF -e '%s' 2>/dev/null",
             root, needle);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0)
        if ((n += got) + 1 == cap)
            buf = realloc(buf, cap *= 2);
    buf[n] = '\0';
    pclose(p);
    return buf;
}

/* Set every string member named phase, source, notes or name in the JSON
 * file to the marker. */
static void mark_member(cJSON *v)
{
    static const char *const KEYS[] = {"phase", "source", "notes", "name"};
    for (cJSON *it = v ? v->child : NULL; it; it = it->next) {
        for (int k = 0; k < 4; k++)
            if (it->string && strcmp(it->string, KEYS[k]) == 0 && cJSON_IsString(it))
                cJSON_SetValuestring(it, "\"><script>x</script>");
        mark_member(it);
    }
}

static void mark_strings(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f);
    char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    cJSON *j = cJSON_Parse(buf);
    cr_assert_not_null(j, "%s is not JSON", path);
    mark_member(j);
    char *out = cJSON_Print(j);
    spit(path, out);
    free(out);
    cJSON_Delete(j);
}

Test(security, injected_markup_is_escaped_in_html_svg_and_markdown, .init = setup,
     .fini = teardown)
{
    const char *d = test_data_dir();
    char p[512];
    /* panel: the good fixture with markup in the master and Padé strings */
    cr_assert_eq(run_sh("cp -r '%s/fixtures/panel/good' '%s/panel'", d, dir), 0);
    static const char *const FILES[] = {"master_gamma_results.json", "pade_validation.json"};
    for (int f = 0; f < 2; f++) {
        snprintf(p, sizeof p, "%s/panel/%s", dir, FILES[f]);
        mark_strings(p);
    }
    /* a preset with markup in its id, source and field sources */
    cr_assert_eq(run_sh("mkdir '%s/presets'", dir), 0);
    snprintf(p, sizeof p, "%s/presets/evil.json", dir);
    spit(p, "{\"id\": \"evil/" MARK "\", \"theta\": 10000, \"T_train\": 4096, "
            "\"n_attention_heads\": 32, \"n_kv_heads\": 8, \"d_head\": 128, \"n_layers\": 32, "
            "\"n_params\": 7e9, \"source\": \"" MARK "\", "
            "\"field_sources\": {\"theta\": \"" MARK "\", \"x" MARK "\": \"y\"}}");
    /* configs: markup in _name_or_path and model_type, and a given id */
    snprintf(p, sizeof p, "%s/c1.json", dir);
    spit(p, "{\"_name_or_path\": \"cfg/" MARK "\", \"model_type\": \"" MARK "\", "
            "\"num_attention_heads\": 8, \"hidden_size\": 512, \"num_hidden_layers\": 4, "
            "\"max_position_embeddings\": 2048, \"rope_theta\": 10000, \"vocab_size\": 1000, "
            "\"position_embedding_type\": \"rotary\"}");
    snprintf(p, sizeof p, "%s/c2.json", dir);
    spit(p, "{\"model_type\": \"llama\", \"num_attention_heads\": 8, \"hidden_size\": 512, "
            "\"num_hidden_layers\": 4, \"max_position_embeddings\": 2048, \"vocab_size\": 1000}");
    run_result r = tafcard("ingest --db %s/t.db --panel %s/panel --presets %s/presets --manifest "
                           "none --config %s/c1.json 'given/\"><script>x</script>=%s/c2.json'",
                           dir, dir, dir, dir, dir);
    cr_assert_eq(r.status, 0, "ingest: %s", r.err);
    run_free(&r);
    r = tafcard("calibrate --db %s/t.db", dir);
    cr_assert_eq(r.status, 0, "calibrate: %s", r.err);
    run_free(&r);
    r = tafcard("build --db %s/t.db --out %s/site --templates %s/../templates", dir, dir, d);
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);

    char site[128];
    snprintf(site, sizeof site, "%s/site", dir);
    /* the marker is there, escaped (so the test injected what it meant to) */
    char *escaped = grep_tree(site, "&lt;script&gt;x&lt;/script&gt;");
    cr_expect(strstr(escaped, "index.html") != NULL, "no escaped marker on any page: %s", escaped);
    free(escaped);
    /* and never raw */
    char *raw = grep_tree(site, RAW);
    cr_expect(raw[0] == '\0', "raw markup reached these files:\n%s", raw);
    free(raw);
    /* every model got its own directory directly under models/ */
    cr_expect_eq(run_sh("test $(ls '%s/models' | wc -l) -eq 4", site), 0, "expected 4 model dirs");
}

/* The slug of any id is one safe path component. */
Test(security, slug_is_one_safe_path_component)
{
    static const char *const IDS[] = {
        "..", ".", "../../etc/passwd", "/abs", "a/../../b", "org/..%2F..%2Fx", "a\\..\\..\\b",
        "org/.hidden", "org/-rf", "~/x", "org/\xe2\x80\xa4\xe2\x80\xa4", "", "a//b", "a/b/c/d",
        "org/" RAW, "x\ny", "CON", "org/name:stream", "a b", "a_b_c8687a08",
        "org/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    };
    enum { N = sizeof IDS / sizeof IDS[0] };
    char slugs[N][200];
    for (int i = 0; i < N; i++) {
        char *s = slugs[i];
        card_slug(IDS[i], s, sizeof slugs[i]);
        cr_expect(s[0] != '\0', "empty slug for '%s'", IDS[i]);
        cr_expect(strcmp(s, ".") != 0 && strcmp(s, "..") != 0 && s[0] != '.',
                  "slug '%s' of '%s' is a dot name", s, IDS[i]);
        cr_expect(strlen(s) <= 120, "slug of '%s' is %zu bytes", IDS[i], strlen(s));
        for (const char *c = s; *c; c++)
            cr_expect((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                          (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.',
                      "slug '%s' of '%s' has '%c'", s, IDS[i], *c);
        for (int k = 0; k < i; k++)
            if (strcmp(IDS[k], "a b") != 0 || strcmp(IDS[i], "a_b_c8687a08") != 0)
                cr_expect_str_neq(slugs[k], s, "'%s' and '%s' share a slug", IDS[k], IDS[i]);
    }
}

/* Crafted ids: those that read as paths are refused at ingest (BAD_ID);
 * the rest are built, and every file the build writes is under --out. */
Test(security, crafted_ids_cannot_escape_out, .init = setup, .fini = teardown)
{
    const char *d = test_data_dir();
    static const char *const REFUSED[] = {"../../../../tmp/escape", "..", "a/../../b", "/tmp/x",
                                          "org/./x", "org//x", "org/.."};
    for (size_t i = 0; i < sizeof REFUSED / sizeof REFUSED[0]; i++) {
        run_result r = tafcard("ingest --db %s/t.db --panel none --presets none --manifest none "
                               "--config '%s=%s/fixtures/configs/llama3_gqa_full.json'",
                               dir, REFUSED[i], d);
        cr_expect_eq(r.status, 2, "'%s' was accepted: %s", REFUSED[i], r.err);
        cr_expect(strstr(r.err, "BAD_ID") != NULL, "'%s': %s", REFUSED[i], r.err);
        run_free(&r);
    }
    static const char *const ACCEPTED[] = {"org/..%2F..%2Fescape", "org/a\\..\\..\\escape",
                                           "org/.hidden", "org/...", "org/-rf", "~/x",
                                           "org/name:stream"};
    char cfgs[4096] = "";
    for (size_t i = 0; i < sizeof ACCEPTED / sizeof ACCEPTED[0]; i++) {
        size_t n = strlen(cfgs);
        char p[256];
        snprintf(p, sizeof p, "%s/c%zu.json", dir, i);
        cr_assert_eq(run_sh("cp '%s/fixtures/configs/llama3_gqa_full.json' '%s'", d, p), 0);
        snprintf(cfgs + n, sizeof cfgs - n, " '%s=%s'", ACCEPTED[i], p);
    }
    run_result r = tafcard("ingest --db %s/t.db --panel none --presets none --manifest none "
                           "--config%s",
                           dir, cfgs);
    cr_assert_eq(r.status, 0, "ingest: %s", r.err);
    run_free(&r);
    cr_assert_eq(run_sh("mkdir -p '%s/a/b' && sleep 1 && touch '%s/t.db'", dir, dir), 0);
    r = tafcard("build --db %s/t.db --out %s/a/b/out --templates %s/../templates", dir, dir, d);
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
    /* files the build wrote (newer than the database): all under --out */
    cr_expect_eq(run_sh("find '%s' -newer '%s/t.db' -type f ! -path '%s/a/b/out/*' | grep -q .", dir,
                    dir, dir),
                 1, "the build wrote files outside --out");
    cr_expect_neq(run_sh("ls /tmp | grep -q '^escape'"), 0, "a file named escape* appeared in /tmp");
    cr_expect_eq(run_sh("test $(ls -A '%s/a/b/out/models' | wc -l) -eq %zu", dir,
                    sizeof ACCEPTED / sizeof ACCEPTED[0]),
                 0, "not one directory per model under models/");
    cr_expect_neq(run_sh("ls -A '%s/a/b/out/models' | grep -q '^\\.'", dir), 0,
                  "a model directory starts with a dot");
    cr_expect_neq(run_sh("grep -q '\\.\\./' '%s/a/b/out/manifest.json'", dir), 0,
                  "a manifest path climbs out with ../");
}
