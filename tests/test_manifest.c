/* manifest.json streamed through the spill (src/render/manifest.c): the
 * bytes cJSON_Print gives for the same site, reading back what was written,
 * malformed manifests read as none, the intact check, and tafcard verify's
 * report. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <criterion/criterion.h>

#include "render/manifest.h"
#include "render/spill.h"
#include "support/run.h"
#include "support/tmpdir.h"
#include "util/fsutil.h"
#include "util/sha256.h"
#include "version.h"

static char *dir;
static char site[512];

static void setup(void)
{
    dir = test_tmpdir("tafcard-manifest");
    snprintf(site, sizeof site, "%s/site", dir);
    cr_assert_eq(mkdir(site, 0755), 0);
}

static void teardown(void)
{
    test_rmtree(dir);
    free(dir);
}

static void put(const char *rel, const char *text)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", site, rel);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    taf_err err;
    cr_assert(fs_mkdirs(path, &err), "%s", err.message);
    *slash = '/';
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static spill *fresh(void)
{
    taf_err err = {0};
    spill *s = spill_create(NULL, &err);
    cr_assert_not_null(s, "%s", err.message);
    return s;
}

static char *read_text(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", site, rel);
    char *t = fs_read_all(path, NULL);
    cr_assert_not_null(t, "cannot read %s", path);
    return t;
}

/* 64 hex digits made of one character */
static const char *hex64(char c)
{
    static char buf[8][65];
    static int k;
    char *b = buf[k++ % 8];
    memset(b, c, 64);
    b[64] = '\0';
    return b;
}

/* ---- the bytes -------------------------------------------------------------------- */

static const char *const FILES[] = {"index.html", "models/a--b/card.json", "compare/X-2.html",
                                    "we\"ird\tname.txt", "\xc3\xa9.txt", "a-b/c"};

/* Two files are recorded as charts with a key (the rest have none). */
static const char *chart_key_of(const char *path)
{
    if (strcmp(path, "a-b/c") == 0)
        return hex64('c');
    if (strcmp(path, "\xc3\xa9.txt") == 0)
        return hex64('d');
    return NULL;
}

/* What cJSON_Print makes of the same manifest, built as a tree. */
static char *expected(const char *const *sorted, size_t n, const char *fake_for, bool inputs,
                      const char *const *slugs, size_t n_cards)
{
    cJSON *m = cJSON_CreateObject();
    cJSON_AddStringToObject(m, "generator", "tafcard " TAFCARD_VERSION);
    cJSON *arr = cJSON_AddArrayToObject(m, "files");
    for (size_t i = 0; i < n; i++) {
        char path[1024], hex[TAF_SHA256_HEX_SIZE];
        long long size;
        snprintf(path, sizeof path, "%s/%s", site, sorted[i]);
        taf_err err;
        cr_assert(taf_sha256_file(path, hex, &size, &err));
        bool fake = fake_for && strcmp(sorted[i], fake_for) == 0;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "path", sorted[i]);
        cJSON_AddStringToObject(e, "sha256", fake ? hex64('f') : hex);
        cJSON_AddNumberToObject(e, "size", fake ? 999 : (double)size);
        cJSON_AddItemToArray(arr, e);
    }
    if (inputs) {
        cJSON *in = cJSON_AddObjectToObject(m, "build_inputs");
        cJSON_AddStringToObject(in, "templates", hex64('1'));
        cJSON_AddStringToObject(in, "pages", hex64('2'));
        cJSON *cards = cJSON_AddObjectToObject(in, "cards");
        for (size_t i = 0; i < n_cards; i++)
            cJSON_AddStringToObject(cards, slugs[i], hex64((char)('a' + i)));
        cJSON *charts = cJSON_AddObjectToObject(in, "charts");
        for (size_t i = 0; i < n; i++)
            if (chart_key_of(sorted[i]))
                cJSON_AddStringToObject(charts, sorted[i], chart_key_of(sorted[i]));
    }
    char *text = cJSON_Print(m);
    cJSON_Delete(m);
    size_t len = strlen(text);
    text = realloc(text, len + 2);
    memcpy(text + len, "\n", 2);
    return text;
}

static void write_and_compare(size_t n_files, bool inputs, size_t n_cards)
{
    static const char *const SLUGS[] = {"org--m", "q\"uote", "z"};
    for (size_t i = 0; i < n_files; i++)
        put(FILES[i], FILES[i]);
    put("manifest.json", "a stale manifest is not listed");
    spill *s = fresh();
    taf_err err = {0};
    /* every file recorded but one (hashed from disk); index.html with a
     * recorded hash that is not its content's: the record is what counts */
    for (size_t i = 0; i < n_files; i++) {
        if (strcmp(FILES[i], "compare/X-2.html") == 0)
            continue;
        char hex[TAF_SHA256_HEX_SIZE];
        taf_sha256_hex(FILES[i], strlen(FILES[i]), hex);
        bool fake = strcmp(FILES[i], "index.html") == 0;
        cr_assert(spill_file_put(s, FILES[i], fake ? hex64('f') : hex,
                                       fake ? 999 : (long long)strlen(FILES[i]),
                                       chart_key_of(FILES[i]), &err));
    }
    for (size_t i = 0; i < n_cards; i++)
        cr_assert(spill_card_add(s, i, SLUGS[i], SLUGS[i], &err) &&
                  spill_card_set_key(s, i, hex64((char)('a' + i)), &err));
    site_build_inputs in = {hex64('1'), hex64('2')};
    cr_assert(site_manifest_write(site, s, inputs ? &in : NULL, &err), "%s", err.message);
    spill_close(s);
    /* strcmp order */
    const char *sorted[8];
    size_t n = 0;
    for (size_t i = 0; i < n_files; i++)
        sorted[n++] = FILES[i];
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            if (strcmp(sorted[k], sorted[i]) < 0) {
                const char *t = sorted[i];
                sorted[i] = sorted[k];
                sorted[k] = t;
            }
    char *want = expected(sorted, n, "index.html", inputs, SLUGS, n_cards);
    char *got = read_text("manifest.json");
    cr_expect_str_eq(got, want, "streamed:\n%s\ncJSON:\n%s", got, want);
    free(want);
    free(got);
}

Test(manifest, streamed_bytes_equal_cjson_print_of_the_same_site, .init = setup,
     .fini = teardown)
{
    write_and_compare(sizeof FILES / sizeof FILES[0], true, 3);
}

Test(manifest, streamed_bytes_equal_cjson_print_without_cards, .init = setup, .fini = teardown)
{
    write_and_compare(sizeof FILES / sizeof FILES[0], true, 0);
}

Test(manifest, streamed_bytes_equal_cjson_print_without_inputs_or_files, .init = setup,
     .fini = teardown)
{
    write_and_compare(0, false, 0);
}

/* ---- reading back ------------------------------------------------------------------ */

static void read_old(spill *s, site_old_manifest *m)
{
    taf_err err = {0};
    cr_assert(site_manifest_read_old(site, s, m, &err), "%s", err.message);
}

Test(manifest, the_previous_manifest_reads_back_as_written, .init = setup, .fini = teardown)
{
    write_and_compare(sizeof FILES / sizeof FILES[0], true, 3);
    spill *s = fresh();
    site_old_manifest m;
    read_old(s, &m);
    cr_expect(m.present && m.has_inputs);
    cr_expect_str_eq(m.pages_key, hex64('2'));
    taf_err err = {0};
    char key[65];
    bool found;
    cr_assert(spill_old_card_key(s, "q\"uote", key, &found, &err));
    cr_expect(found);
    cr_expect_str_eq(key, hex64('b'));
    size_t n;
    long long size;
    cr_assert(spill_old_file_count(s, &n, &err));
    cr_expect_eq(n, sizeof FILES / sizeof FILES[0]);
    cr_assert(spill_old_file_size(s, "we\"ird\tname.txt", &size, &found, &err));
    cr_expect(found && size == (long long)strlen("we\"ird\tname.txt"));
    cr_assert(spill_old_file_size(s, "index.html", &size, &found, &err));
    cr_expect(found && size == 999, "the recorded size, not the file's");
    char sha[65], want[65];
    cr_assert(spill_old_chart(s, "a-b/c", key, sha, &size, &found, &err));
    cr_expect(found, "a chart's key reads back");
    cr_expect_str_eq(key, hex64('c'));
    taf_sha256_hex("a-b/c", strlen("a-b/c"), want);
    cr_expect_str_eq(sha, want);
    cr_expect_eq(size, (long long)strlen("a-b/c"));
    cr_assert(spill_old_chart(s, "models/a--b/card.json", key, sha, &size, &found, &err));
    cr_expect_not(found, "a file recorded without a key has none");
    spill_close(s);
}

Test(manifest, a_missing_or_malformed_manifest_reads_as_none, .init = setup, .fini = teardown)
{
    char ok_entry[200], cases[15][600];
    snprintf(ok_entry, sizeof ok_entry, "{\"path\": \"a\", \"sha256\": \"%s\", \"size\": 1}",
             hex64('0'));
    const char *h = hex64('0');
    int k = 0;
    const char *bad_paths[] = {"../b", "a//b", "/abs", "a/..", ""};
    for (size_t i = 0; i < 5; i++)
        snprintf(cases[k++], 600,
                 "{\"files\": [%s, {\"path\": \"%s\", \"sha256\": \"%s\", \"size\": 1}]}",
                 ok_entry, bad_paths[i], h);
    snprintf(cases[k++], 600, "{\"files\": [{\"path\": \"a\", \"sha256\": \"abc\", \"size\": 1}]}");
    snprintf(cases[k++], 600,
             "{\"files\": [{\"path\": \"a\", \"sha256\": \"%s\", \"size\": \"1\"}]}", h);
    snprintf(cases[k++], 600, "{\"files\": [%s, 7]}", ok_entry);
    snprintf(cases[k++], 600, "{\"files\": {}}");
    snprintf(cases[k++], 600, "{\"generator\": \"tafcard\"}");
    snprintf(cases[k++], 600, "{\"files\": [%s]", ok_entry);
    snprintf(cases[k++], 600, "{\"files\": [%s]} x", ok_entry);
    snprintf(cases[k++], 600,
             "{\"files\": [%s], \"build_inputs\": {\"cards\": {\"a\": \"short\"}, "
             "\"pages\": \"%s\"}}",
             ok_entry, h);
    snprintf(cases[k++], 600, "[%s]", ok_entry);
    snprintf(cases[k++], 600, "{\"files\": [%s], \"build_inputs\": {\"charts\": {\"a\": 7}}}",
             ok_entry);
    for (int i = 0; i < k; i++) {
        put("manifest.json", cases[i]);
        spill *s = fresh();
        site_old_manifest m;
        read_old(s, &m);
        cr_expect_not(m.present, "case %d read as present: %s", i, cases[i]);
        size_t n = 1;
        taf_err err = {0};
        cr_assert(spill_old_file_count(s, &n, &err));
        cr_expect_eq(n, 0, "case %d left %zu entries", i, n);
        spill_close(s);
    }
    unlink(strcat(strcpy(cases[0], site), "/manifest.json"));
    spill *s = fresh();
    site_old_manifest m;
    read_old(s, &m);
    cr_expect_not(m.present, "no manifest at all");
    spill_close(s);
}

Test(manifest, build_inputs_count_only_with_card_keys_and_a_pages_key, .init = setup,
     .fini = teardown)
{
    const char *h = hex64('3');
    char doc[800];
    struct {
        const char *inputs;
        bool has;
    } C[] = {{"{\"cards\": {}, \"pages\": \"%s\"}", true},
             {"{\"cards\": {}, \"pages\": \"short%.0s\"}", false},
             {"{\"cards\": [], \"pages\": \"%s\"}", false},
             {"{\"pages\": \"%s\"}", false},
             {"\"%s\"", false}};
    for (size_t i = 0; i < sizeof C / sizeof C[0]; i++) {
        char inputs[300];
        snprintf(inputs, sizeof inputs, C[i].inputs, h);
        snprintf(doc, sizeof doc,
                 "{\"files\": [{\"path\": \"a\", \"sha256\": \"%s\", \"size\": 1, \"size\": 2}], "
                 "\"build_inputs\": %s}",
                 h, inputs);
        put("manifest.json", doc);
        spill *s = fresh();
        site_old_manifest m;
        read_old(s, &m);
        cr_expect(m.present, "case %zu", i);
        cr_expect_eq(m.has_inputs, C[i].has, "case %zu: %s", i, doc);
        long long size = 0;
        bool found;
        taf_err err = {0};
        cr_assert(spill_old_file_size(s, "a", &size, &found, &err));
        cr_expect(found && size == 1, "the first \"size\" counts, as in cJSON");
        spill_close(s);
    }
}

/* ---- intact ----------------------------------------------------------------------- */

static bool intact(void)
{
    spill *s = fresh();
    site_old_manifest m;
    read_old(s, &m);
    cr_assert(m.present);
    bool yes = false;
    taf_err err = {0};
    cr_assert(site_manifest_intact(site, s, &yes, &err), "%s", err.message);
    spill_close(s);
    return yes;
}

Test(manifest, intact_only_when_the_files_are_exactly_those_listed, .init = setup,
     .fini = teardown)
{
    write_and_compare(sizeof FILES / sizeof FILES[0], false, 0);
    /* index.html was recorded with size 999: put the recorded size on disk */
    put("index.html", "");
    char path[700];
    snprintf(path, sizeof path, "%s/index.html", site);
    cr_assert_eq(truncate(path, 999), 0);
    cr_expect(intact());
    put("stray.txt", "x");
    cr_expect_not(intact(), "an unlisted file");
    snprintf(path, sizeof path, "%s/stray.txt", site);
    unlink(path);
    put("a-b/c", "a-b/c plus");
    cr_expect_not(intact(), "a file of another size");
    put("a-b/c", "a-b/c");
    cr_expect(intact());
    snprintf(path, sizeof path, "%s/a-b/c", site);
    unlink(path);
    cr_expect_not(intact(), "a missing file");
    cr_assert_eq(symlink("../index.html", path), 0);
    cr_expect_not(intact(), "a symbolic link where a file was");
}

/* ---- verify ------------------------------------------------------------------------- */

static run_result verify(void)
{
    char args[700];
    snprintf(args, sizeof args, "verify '%s'", site);
    return run_tafcard(args);
}

Test(manifest, verify_reports_changed_missing_bad_and_unlisted_files, .init = setup,
     .fini = teardown)
{
    put("b.txt", "b");
    put("c.txt", "c");
    put("d/e.txt", "e");
    spill *s = fresh();
    taf_err err = {0};
    cr_assert(site_manifest_write(site, s, NULL, &err), "%s", err.message);
    spill_close(s);
    run_result r = verify();
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    run_free(&r);
    put("b.txt", "B");
    char path[700];
    snprintf(path, sizeof path, "%s/c.txt", site);
    unlink(path);
    put("z.txt", "z");
    put("a/y.txt", "y");
    r = verify();
    cr_expect_eq(r.status, 1);
    char want[1200];
    snprintf(want, sizeof want,
             "changed  b.txt\nmissing  c.txt\nunlisted a/y.txt\nunlisted z.txt\n"
             "4 difference(s) against %s/manifest.json\n",
             site);
    cr_expect_str_eq(r.out, want);
    run_free(&r);
}

Test(manifest, verify_reports_bad_entries_and_refuses_a_broken_manifest_whole, .init = setup,
     .fini = teardown)
{
    put("a.txt", "a");
    char doc[600];
    snprintf(doc, sizeof doc,
             "{\"files\": [{\"path\": \"../x\", \"sha256\": \"%s\"}, 3, "
             "{\"path\": \"a.txt\", \"sha256\": \"%s\"}]}",
             hex64('0'), hex64('0'));
    put("manifest.json", doc);
    run_result r = verify();
    cr_expect_eq(r.status, 1);
    cr_expect(strncmp(r.out, "bad entry in manifest\nbad entry in manifest\nchanged  a.txt\n", 58) ==
                  0,
              "%s", r.out);
    run_free(&r);
    put("manifest.json", "{\"files\": [\n  {\"path\": \"a.txt\" \"sha256\": 1}]}");
    r = verify();
    cr_expect_eq(r.status, 2);
    cr_expect_str_eq(r.out, "", "nothing is reported from a manifest that does not parse");
    cr_expect(strstr(r.err, "BAD_MANIFEST") && strstr(r.err, "manifest.json:2:20:") &&
                  strstr(r.err, "expected a well-formed JSON value"),
              "%s", r.err);
    run_free(&r);
    put("manifest.json", "{\"files\": {}}");
    r = verify();
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "/files: expected an array") != NULL, "%s", r.err);
    run_free(&r);
}
