/* The bad-input table: every row is one hostile or broken input (a file's
 * content or a command line), the exit code and error code tafcard must
 * answer with, and — for every row — the check that the database file and
 * the built site are byte-identical afterwards and that nothing was left
 * beside them (no staging directory, no stray file).
 *
 * One fixture (ingested fixtures, calibrated, built) is made once; the rows
 * run the real binary ($TAFCARD_BIN) against it in turn. A row that
 * unexpectedly changes the database or the site fails and the pristine
 * copies are restored, so one failure does not cascade. */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "card/card.h"
#include "support/run.h"
#include "util/sha256.h"

typedef enum {
    IN_CONFIG,    /* content -> IN/config.json; ingest --config IN/config.json */
    IN_CONFIG_ID, /* content -> IN/config.json; ingest --config 'ARG=IN/config.json' */
    IN_PRESET,    /* content -> IN/presets/p.json; ingest --presets IN/presets */
    IN_PANEL,     /* content (or fixture) -> IN/panel/ARG; ingest --panel IN/panel */
    IN_CLI,       /* content (if any) -> IN/input.json; tafcard ARG */
} in_kind;

typedef enum {
    G_NONE,
    G_DEEP_ARRAY,    /* 10^5 nested arrays */
    G_DEEP_OBJECT,   /* 10^5 nested objects */
    G_HUGE_ID,       /* 1 MB _name_or_path */
    G_HUGE_VALUE,    /* 1 MB string where a count belongs */
    G_HUGE_KEY,      /* 1 MB key */
    G_NUL_BYTE,      /* a raw NUL byte inside the text */
    G_LONG_ID,       /* a 200-byte id */
    G_SLUG_TWINS,    /* IN/c1.json "a b" and IN/c2.json "a_b_<its hash>" */
    G_DUP_PRESETS,   /* two presets with one id */
    G_MANY_DISTANCES,/* 10^5 distances, the last repeating the first */
    G_BAD_TEMPLATES, /* IN/tpl: the templates with index.xhtml broken */
} gen_kind;

typedef struct {
    const char *name;
    in_kind kind;
    const char *text;    /* file content (NULL: generated or none) */
    gen_kind gen;
    const char *arg;     /* see in_kind */
    const char *fixture; /* IN_PANEL: copy this tests/fixtures file */
    int exit_code;
    const char *code;
} bad_row;

/* A config that ingests fine; rows break one thing in it. */
#define CFG_HEAD "{\"model_type\": \"llama\", \"hidden_size\": 512, \"num_hidden_layers\": 4, " \
                 "\"max_position_embeddings\": 2048, \"vocab_size\": 1000, "
#define CFG(extra) CFG_HEAD "\"_name_or_path\": \"t/ok\", " extra "}"
#define CFG_ID(id) CFG_HEAD "\"num_attention_heads\": 8, \"_name_or_path\": " id "}"
#define CFG_NOID CFG_HEAD "\"num_attention_heads\": 8}"
#define PRESET(extra) "{\"id\": \"t/p\", \"theta\": 10000, \"T_train\": 2048, " \
                      "\"n_attention_heads\": 8, \"n_kv_heads\": 8, \"d_head\": 64, " \
                      "\"n_layers\": 4, \"n_params\": 1e8" extra "}"
#define INGEST_CFG "ingest --db {DB} --panel none --presets none --manifest none"

static const bad_row ROWS[] = {
    /* ---- config.json: syntax, encoding, nesting, size ---- */
    {"config_empty_file", IN_CONFIG, "", G_NONE, NULL, NULL, 2, "NOT_JSON"},
    {"config_whitespace_only", IN_CONFIG, " \n\t \n", G_NONE, NULL, NULL, 2, "NOT_JSON"},
    {"config_truncated", IN_CONFIG, "{\"model_type\": \"llama\", \"num_attention_heads\": 8, \"hid",
     G_NONE, NULL, NULL, 2, "NOT_JSON"},
    {"config_trailing_garbage", IN_CONFIG, CFG("\"num_attention_heads\": 8") " x", G_NONE, NULL,
     NULL, 2, "NOT_JSON"},
    {"config_root_array", IN_CONFIG, "[1, 2]", G_NONE, NULL, NULL, 2, "WRONG_TYPE"},
    {"config_root_string", IN_CONFIG, "\"llama\"", G_NONE, NULL, NULL, 2, "WRONG_TYPE"},
    {"config_root_null", IN_CONFIG, "null", G_NONE, NULL, NULL, 2, "WRONG_TYPE"},
    {"config_nested_1e5_arrays", IN_CONFIG, NULL, G_DEEP_ARRAY, NULL, NULL, 2, "TOO_DEEP"},
    {"config_nested_1e5_objects", IN_CONFIG, NULL, G_DEEP_OBJECT, NULL, NULL, 2, "TOO_DEEP"},
    {"config_1mb_string_id", IN_CONFIG, NULL, G_HUGE_ID, NULL, NULL, 2, "BAD_ID"},
    {"config_1mb_string_value", IN_CONFIG, NULL, G_HUGE_VALUE, NULL, NULL, 2, "WRONG_TYPE"},
    {"config_1mb_key", IN_CONFIG, NULL, G_HUGE_KEY, NULL, NULL, 2, "WRONG_TYPE"},
    {"config_invalid_utf8", IN_CONFIG, CFG("\"num_attention_heads\": 8, \"model_x\": \"a\xff" "b\""),
     G_NONE, NULL, NULL, 2, "BAD_ENCODING"},
    {"config_overlong_utf8", IN_CONFIG, CFG("\"num_attention_heads\": 8, \"x\": \"\xc0\xaf\""),
     G_NONE, NULL, NULL, 2, "BAD_ENCODING"},
    {"config_utf8_bom", IN_CONFIG, "\xEF\xBB\xBF" CFG("\"num_attention_heads\": 8"), G_NONE, NULL,
     NULL, 2, "BAD_ENCODING"},
    {"config_raw_nul_byte", IN_CONFIG, NULL, G_NUL_BYTE, NULL, NULL, 2, "BAD_ENCODING"},
    {"config_nul_escape", IN_CONFIG, CFG_ID("\"t/a\\u0000b\""), G_NONE, NULL, NULL, 2,
     "BAD_ENCODING"},
    {"config_lone_surrogate", IN_CONFIG, CFG_ID("\"t/\\ud800\""), G_NONE, NULL, NULL, 2,
     "NOT_JSON"},
    /* ---- config.json: wrong types and values in every kind of field ---- */
    {"config_heads_string", IN_CONFIG, CFG("\"num_attention_heads\": \"8\""), G_NONE, NULL, NULL,
     2, "WRONG_TYPE"},
    {"config_heads_negative", IN_CONFIG, CFG("\"num_attention_heads\": -8"), G_NONE, NULL, NULL,
     2, "OUT_OF_RANGE"},
    {"config_heads_zero", IN_CONFIG, CFG("\"num_attention_heads\": 0"), G_NONE, NULL, NULL, 2,
     "OUT_OF_RANGE"},
    {"config_heads_fraction", IN_CONFIG, CFG("\"num_attention_heads\": 8.5"), G_NONE, NULL, NULL,
     2, "WRONG_TYPE"},
    {"config_heads_huge", IN_CONFIG, CFG("\"num_attention_heads\": 1e300"), G_NONE, NULL, NULL,
     2, "WRONG_TYPE"},
    {"config_heads_bool", IN_CONFIG, CFG("\"num_attention_heads\": true"), G_NONE, NULL, NULL, 2,
     "WRONG_TYPE"},
    {"config_heads_nan", IN_CONFIG, CFG("\"num_attention_heads\": NaN"), G_NONE, NULL, NULL, 2,
     "BAD_VALUE"},
    {"config_theta_infinity", IN_CONFIG,
     CFG("\"num_attention_heads\": 8, \"rope_theta\": Infinity"), G_NONE, NULL, NULL, 2,
     "BAD_VALUE"},
    {"config_theta_minus_infinity", IN_CONFIG,
     CFG("\"num_attention_heads\": 8, \"rope_theta\": -Infinity"), G_NONE, NULL, NULL, 2,
     "BAD_VALUE"},
    {"config_theta_zero", IN_CONFIG, CFG("\"num_attention_heads\": 8, \"rope_theta\": 0"), G_NONE,
     NULL, NULL, 2, "OUT_OF_RANGE"},
    {"config_theta_negative", IN_CONFIG,
     CFG("\"num_attention_heads\": 8, \"rope_theta\": -10000"), G_NONE, NULL, NULL, 2,
     "OUT_OF_RANGE"},
    {"config_theta_overflows_to_inf", IN_CONFIG,
     CFG("\"num_attention_heads\": 8, \"rope_theta\": 1e999"), G_NONE, NULL, NULL, 2,
     "OUT_OF_RANGE"},
    {"config_theta_string", IN_CONFIG,
     CFG("\"num_attention_heads\": 8, \"rope_theta\": \"10000\""), G_NONE, NULL, NULL, 2,
     "WRONG_TYPE"},
    {"config_kv_heads_not_divisor", IN_CONFIG,
     CFG("\"num_attention_heads\": 8, \"num_key_value_heads\": 3"), G_NONE, NULL, NULL, 2,
     "OUT_OF_RANGE"},
    {"config_model_type_number", IN_CONFIG, "{\"model_type\": 7, \"num_attention_heads\": 8}",
     G_NONE, NULL, NULL, 2, "WRONG_TYPE"},
    {"config_sliding_window_string", IN_CONFIG,
     CFG("\"num_attention_heads\": 8, \"sliding_window\": \"4096\""), G_NONE, NULL, NULL, 2,
     "WRONG_TYPE"},
    {"config_layer_pattern_mismatch", IN_CONFIG,
     CFG("\"num_attention_heads\": 8, \"hybrid_override_pattern\": \"M*\""), G_NONE, NULL, NULL,
     2, "OUT_OF_RANGE"},
    {"config_duplicate_key", IN_CONFIG,
     CFG("\"num_attention_heads\": 8, \"num_attention_heads\": 16"), G_NONE, NULL, NULL, 2,
     "DUPLICATE_KEY"},
    /* ---- model ids ---- */
    {"id_dotdot", IN_CONFIG, CFG_ID("\"../../etc/passwd\""), G_NONE, NULL, NULL, 2, "BAD_ID"},
    {"id_absolute_path", IN_CONFIG, CFG_ID("\"/abs/model\""), G_NONE, NULL, NULL, 2, "BAD_ID"},
    {"id_empty_segment", IN_CONFIG, CFG_ID("\"org//name\""), G_NONE, NULL, NULL, 2, "BAD_ID"},
    {"id_trailing_slash", IN_CONFIG, CFG_ID("\"org/\""), G_NONE, NULL, NULL, 2, "BAD_ID"},
    {"id_control_char", IN_CONFIG, CFG_ID("\"org/a\\u0001b\""), G_NONE, NULL, NULL, 2, "BAD_ID"},
    {"id_newline", IN_CONFIG, CFG_ID("\"org/a\\nb\""), G_NONE, NULL, NULL, 2, "BAD_ID"},
    {"id_tab", IN_CONFIG, CFG_ID("\"org/a\\tb\""), G_NONE, NULL, NULL, 2, "BAD_ID"},
    {"id_delete_char", IN_CONFIG, CFG_ID("\"org/a\\u007fb\""), G_NONE, NULL, NULL, 2, "BAD_ID"},
    {"id_200_bytes", IN_CONFIG, NULL, G_LONG_ID, NULL, NULL, 2, "BAD_ID"},
    {"given_id_dotdot", IN_CONFIG_ID, CFG_NOID, G_NONE, "../x", NULL, 2, "BAD_ID"},
    {"given_id_dot_segment", IN_CONFIG_ID, CFG_NOID, G_NONE, "org/./x", NULL, 2, "BAD_ID"},
    {"given_id_edge_space", IN_CONFIG_ID, CFG_NOID, G_NONE, " org/x", NULL, 2, "BAD_ID"},
    {"config_without_any_id", IN_CONFIG, CFG_NOID, G_NONE, NULL, NULL, 2, "MISSING_FIELD"},
    {"two_ids_one_slug", IN_CLI, NULL, G_SLUG_TWINS,
     INGEST_CFG " --config {IN}/c1.json {IN}/c2.json", NULL, 2, "SLUG_COLLISION"},
    /* ---- presets ---- */
    {"preset_missing_theta", IN_PRESET,
     "{\"id\": \"t/p\", \"T_train\": 2048, \"n_attention_heads\": 8, \"n_kv_heads\": 8, "
     "\"d_head\": 64, \"n_layers\": 4, \"n_params\": 1e8}",
     G_NONE, NULL, NULL, 2, "MISSING_FIELD"},
    {"preset_unknown_key", IN_PRESET, PRESET(", \"thetta\": 1"), G_NONE, NULL, NULL, 2,
     "UNKNOWN_KEY"},
    {"preset_kv_above_heads", IN_PRESET,
     "{\"id\": \"t/p\", \"theta\": 10000, \"T_train\": 2048, \"n_attention_heads\": 8, "
     "\"n_kv_heads\": 16, \"d_head\": 64, \"n_layers\": 4, \"n_params\": 1e8}",
     G_NONE, NULL, NULL, 2, "OUT_OF_RANGE"},
    {"preset_script_in_enum", IN_PRESET, PRESET(", \"attention_class\": \"<script>x</script>\""),
     G_NONE, NULL, NULL, 2, "OUT_OF_RANGE"},
    {"preset_theta_nan", IN_PRESET,
     "{\"id\": \"t/p\", \"theta\": NaN, \"T_train\": 2048, \"n_attention_heads\": 8, "
     "\"n_kv_heads\": 8, \"d_head\": 64, \"n_layers\": 4, \"n_params\": 1e8}",
     G_NONE, NULL, NULL, 2, "BAD_VALUE"},
    {"preset_bool_as_string", IN_PRESET, PRESET(", \"is_instruct\": \"yes\""), G_NONE, NULL, NULL,
     2, "WRONG_TYPE"},
    {"preset_negative_params", IN_PRESET,
     "{\"id\": \"t/p\", \"theta\": 10000, \"T_train\": 2048, \"n_attention_heads\": 8, "
     "\"n_kv_heads\": 8, \"d_head\": 64, \"n_layers\": 4, \"n_params\": -1}",
     G_NONE, NULL, NULL, 2, "OUT_OF_RANGE"},
    {"preset_huge_count", IN_PRESET,
     "{\"id\": \"t/p\", \"theta\": 10000, \"T_train\": 1e20, \"n_attention_heads\": 8, "
     "\"n_kv_heads\": 8, \"d_head\": 64, \"n_layers\": 4, \"n_params\": 1e8}",
     G_NONE, NULL, NULL, 2, "WRONG_TYPE"},
    {"preset_id_dotdot", IN_PRESET,
     "{\"id\": \"../../x\", \"theta\": 10000, \"T_train\": 2048, \"n_attention_heads\": 8, "
     "\"n_kv_heads\": 8, \"d_head\": 64, \"n_layers\": 4, \"n_params\": 1e8}",
     G_NONE, NULL, NULL, 2, "BAD_ID"},
    {"preset_two_files_one_id", IN_PRESET, NULL, G_DUP_PRESETS, NULL, NULL, 2, "DUPLICATE_MODEL"},
    /* ---- panel files ---- */
    {"panel_not_json", IN_PANEL, NULL, G_NONE, "e4_gamma/gpt2_random.json",
     "panel/bad/not_json/e4_gamma/gpt2_random.json", 2, "NOT_JSON"},
    {"panel_wrong_type", IN_PANEL, NULL, G_NONE, "e4_gamma/gpt2_random.json",
     "panel/bad/wrong_type/e4_gamma/gpt2_random.json", 2, "WRONG_TYPE"},
    {"panel_zero_distance", IN_PANEL, NULL, G_NONE, "e4_gamma/gpt2_random.json",
     "panel/bad/zero_distance/e4_gamma/gpt2_random.json", 2, "BAD_DISTANCE"},
    {"panel_negative_distance", IN_PANEL, NULL, G_NONE, "e4_gamma/gpt2_random.json",
     "panel/bad/negative_distance/e4_gamma/gpt2_random.json", 2, "BAD_DISTANCE"},
    {"panel_negative_attention", IN_PANEL, NULL, G_NONE, "e4_gamma/gpt2_random.json",
     "panel/bad/negative_attention/e4_gamma/gpt2_random.json", 2, "NEGATIVE_VALUE"},
    {"panel_duplicate_distance_key", IN_PANEL, NULL, G_NONE, "e4_gamma/gpt2_random.json",
     "panel/bad/duplicate_distance/e4_gamma/gpt2_random.json", 2, "DUPLICATE_DISTANCE"},
    {"panel_duplicate_distance_list", IN_PANEL, NULL, G_NONE, "e4_gamma/gpt2_random.json",
     "panel/bad/duplicate_distance_list/e4_gamma/gpt2_random.json", 2, "DUPLICATE_DISTANCE"},
    {"panel_unknown_kind", IN_PANEL, NULL, G_NONE, "e4_gamma/gpt2_summary.json",
     "panel/bad/unknown_kind/e4_gamma/gpt2_summary.json", 2, "UNKNOWN_KIND"},
    {"panel_file_name_dotdot_id", IN_PANEL, NULL, G_NONE, "e4_gamma/..--x_mongo.json",
     "panel/good/e4_gamma/EleutherAI--pythia-70m_mongo.json", 2, "BAD_ID"},
    {"panel_nested_1e5", IN_PANEL, NULL, G_DEEP_ARRAY, "e4_gamma/gpt2_mongo.json", NULL, 2,
     "TOO_DEEP"},
    {"panel_1e5_distances_one_repeated", IN_PANEL, NULL, G_MANY_DISTANCES,
     "e4_gamma/gpt2_mongo.json", NULL, 2, "DUPLICATE_DISTANCE"},
    {"panel_bom", IN_PANEL, "\xEF\xBB\xBF{}", G_NONE, "e4_gamma/gpt2_mongo.json", NULL, 2,
     "BAD_ENCODING"},
    {"panel_invalid_utf8", IN_PANEL, "{\"status\": \"\xed\xa0\x80\"}", G_NONE,
     "e4_gamma/gpt2_mongo.json", NULL, 2, "BAD_ENCODING"},
    /* ---- command lines ---- */
    {"ingest_option_without_value", IN_CLI, NULL, G_NONE, "ingest --db", NULL, 2, "USAGE"},
    {"ingest_unknown_option", IN_CLI, NULL, G_NONE, "ingest --db {DB} --bogus", NULL, 2, "USAGE"},
    {"ingest_panel_dir_missing", IN_CLI, NULL, G_NONE,
     "ingest --db {DB} --panel {IN}/nonexistent --presets none --manifest none", NULL, 2,
     "CANNOT_READ"},
    {"ingest_config_missing", IN_CLI, NULL, G_NONE, INGEST_CFG " --config {IN}/nope.json", NULL,
     2, "CANNOT_READ"},
    {"ingest_db_is_a_directory", IN_CLI, NULL, G_NONE,
     "ingest --db {IN} --panel none --presets none --manifest none --config {CFG}", NULL, 3,
     "DB_ERROR"},
    {"ingest_db_is_not_a_database", IN_CLI, "not a database, just text\n", G_NONE,
     "ingest --db {IN}/input.json --panel none --presets none --manifest none --config {CFG}",
     NULL, 2, "NOT_A_DATABASE"},
    {"recipe_wrong_type", IN_CLI, NULL, G_NONE,
     "recipe X-2 --args '{\"theta\": \"x\", \"T_train\": 4096}'", NULL, 2, "WRONG_TYPE"},
    {"recipe_args_not_object", IN_CLI, NULL, G_NONE, "recipe X-2 --args '[1]'", NULL, 2,
     "WRONG_TYPE"},
    {"recipe_args_truncated", IN_CLI, NULL, G_NONE, "recipe X-2 --args '{\"theta\": 1'", NULL, 2,
     "BAD_JSON"},
    {"recipe_args_infinite", IN_CLI, NULL, G_NONE,
     "recipe X-2 --args '{\"theta\": 1e999, \"T_train\": 4096}'", NULL, 2, "OUT_OF_RANGE"},
    {"recipe_args_nested_1e5", IN_CLI, NULL, G_DEEP_ARRAY, "recipe X-2 --args-file {IN}/input.json",
     NULL, 2, "TOO_DEEP"},
    {"recipe_args_duplicate_key", IN_CLI, NULL, G_NONE,
     "recipe X-2 --args '{\"theta\": 10000, \"theta\": 500000, \"T_train\": 4096}'", NULL, 2,
     "DUPLICATE_KEY"},
    {"recipe_id_with_markup", IN_CLI, NULL, G_NONE, "recipe '<script>x</script>' --args '{}'",
     NULL, 2, "UNKNOWN_RECIPE"},
    {"inspect_config_bom", IN_CLI, "\xEF\xBB\xBF{}", G_NONE, "inspect-config {IN}/input.json",
     NULL, 2, "BAD_ENCODING"},
    {"inspect_config_nan", IN_CLI, "{\"rope_theta\": NaN}", G_NONE,
     "inspect-config {IN}/input.json", NULL, 2, "BAD_VALUE"},
    {"inspect_config_duplicate_key", IN_CLI, "{\"n_head\": 1, \"n_head\": 2}", G_NONE,
     "inspect-config {IN}/input.json", NULL, 2, "DUPLICATE_KEY"},
    {"inspect_config_nested_1e5", IN_CLI, NULL, G_DEEP_OBJECT, "inspect-config {IN}/input.json",
     NULL, 2, "TOO_DEEP"},
    {"build_db_missing", IN_CLI, NULL, G_NONE, "build --db {IN}/none.db --out {SITE}", NULL, 2,
     "CANNOT_READ"},
    {"build_db_not_a_database", IN_CLI, "not a database\n", G_NONE,
     "build --db {IN}/input.json --out {SITE} --templates {TPL}", NULL, 2, "NOT_A_DATABASE"},
    {"build_jobs_zero", IN_CLI, NULL, G_NONE, "build --db {DB} --out {SITE} -j 0", NULL, 2,
     "USAGE"},
    {"build_templates_missing", IN_CLI, NULL, G_NONE,
     "build --db {DB} --out {SITE} --templates {IN}/none", NULL, 2, "BAD_TEMPLATE"},
    {"build_template_broken", IN_CLI, NULL, G_BAD_TEMPLATES,
     "build --db {DB} --out {SITE} --templates {IN}/tpl", NULL, 2, "BAD_TEMPLATE"},
};
#define N_ROWS (sizeof ROWS / sizeof ROWS[0])

/* ---- fixture ------------------------------------------------------------- */

static char dir[64];

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0)
        if ((n += got) + 1 == cap)
            buf = realloc(buf, cap *= 2);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = n;
    return buf;
}

static void spit(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f, "cannot write %s", path);
    cr_assert_eq(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void file_sha(const char *path, char out[TAF_SHA256_HEX_SIZE])
{
    size_t len = 0;
    char *data = slurp(path, &len);
    cr_assert_not_null(data, "cannot read %s", path);
    taf_sha256_hex(data, len, out);
    free(data);
}

/* SHA-256 over every file of a tree (names and contents, sorted). */
static void tree_sha(const char *root, char out[TAF_SHA256_HEX_SIZE])
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && find . -type f | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum",
             root);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char buf[128] = "";
    cr_assert_not_null(fgets(buf, sizeof buf, p));
    pclose(p);
    snprintf(out, TAF_SHA256_HEX_SIZE, "%.64s", buf);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/tafcard-bad-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    const char *d = test_data_dir();
    char args[2048];
    snprintf(args, sizeof args,
             "ingest --db %s/t.db --panel %s/fixtures/panel/good --presets %s/fixtures/presets "
             "--manifest none --config %s/fixtures/configs/llama3_gqa_full.json",
             dir, d, d, d);
    run_result r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "ingest: %s", r.err);
    run_free(&r);
    snprintf(args, sizeof args, "calibrate --db %s/t.db", dir);
    r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "calibrate: %s", r.err);
    run_free(&r);
    snprintf(args, sizeof args, "build --db %s/t.db --out %s/site --templates %s/../templates",
             dir, dir, d);
    r = run_tafcard(args);
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
    cr_assert_eq(run_sh("mkdir %s/orig && cp -a %s/t.db %s/site %s/orig/", dir, dir, dir, dir), 0);
}

static void teardown(void) { run_sh("rm -rf '%s'", dir); }

/* ---- generated inputs ---------------------------------------------------- */

static char *gen_text(gen_kind g, size_t *len)
{
    enum { DEEP = 100000, MB = 1 << 20 };
    size_t cap = 4 * MB, n = 0;
    char *b = malloc(cap);
    switch (g) {
    case G_DEEP_ARRAY:
        for (int i = 0; i < DEEP; i++)
            b[n++] = '[';
        for (int i = 0; i < DEEP; i++)
            b[n++] = ']';
        break;
    case G_DEEP_OBJECT:
        for (int i = 0; i < DEEP; i++)
            n += (size_t)sprintf(b + n, "{\"a\":");
        b[n++] = '1';
        for (int i = 0; i < DEEP; i++)
            b[n++] = '}';
        break;
    case G_HUGE_ID:
    case G_HUGE_VALUE:
    case G_HUGE_KEY: {
        const char *head = g == G_HUGE_ID    ? CFG_HEAD "\"num_attention_heads\": 8, \"_name_or_path\": \""
                           : g == G_HUGE_VALUE ? CFG_HEAD "\"num_attention_heads\": \""
                                               : "{\"num_attention_heads\": \"x\", \"";
        n = (size_t)sprintf(b, "%s", head);
        memset(b + n, 'a', MB);
        n += MB;
        n += (size_t)sprintf(b + n, "%s", g == G_HUGE_KEY ? "\": 1}" : "\"}");
        break;
    }
    case G_NUL_BYTE:
        n = (size_t)sprintf(b, "%s", CFG("\"num_attention_heads\": 8"));
        b[n / 2] = '\0';
        break;
    case G_LONG_ID: {
        n = (size_t)sprintf(b, "%s", CFG_HEAD "\"num_attention_heads\": 8, \"_name_or_path\": \"org/");
        memset(b + n, 'm', 200);
        n += 200;
        n += (size_t)sprintf(b + n, "\"}");
        break;
    }
    case G_MANY_DISTANCES: {
        n = (size_t)sprintf(b, "{\"distances\": [");
        for (int i = 1; i <= DEEP; i++)
            n += (size_t)sprintf(b + n, "%d,", i);
        n += (size_t)sprintf(b + n, "1], \"attn_by_distance\": {}}");
        break;
    }
    default:
        break;
    }
    *len = n;
    return b;
}

/* Extra files some rows need (IN is the row's input directory). */
static void gen_files(gen_kind g, const char *in)
{
    char path[512];
    if (g == G_SLUG_TWINS) {
        /* "a b" is altered by the slug ("a_b_" + 8 hex of its SHA-256); an
         * id spelled exactly like that slug is not altered: same directory */
        char slug[200];
        card_slug("a b", slug, sizeof slug);
        char text[1024];
        snprintf(path, sizeof path, "%s/c1.json", in);
        snprintf(text, sizeof text, CFG_ID("\"a b\""));
        spit(path, text, strlen(text));
        snprintf(path, sizeof path, "%s/c2.json", in);
        snprintf(text, sizeof text, CFG_HEAD "\"num_attention_heads\": 8, \"_name_or_path\": \"%s\"}",
                 slug);
        spit(path, text, strlen(text));
    } else if (g == G_DUP_PRESETS) {
        const char *p = PRESET("");
        snprintf(path, sizeof path, "%s/presets/a.json", in);
        spit(path, p, strlen(p));
        snprintf(path, sizeof path, "%s/presets/b.json", in);
        spit(path, p, strlen(p));
    } else if (g == G_BAD_TEMPLATES) {
        cr_assert_eq(run_sh("cp -r '%s/../templates' '%s/tpl' && printf '<html><p>' > '%s/tpl/index.xhtml'",
                        test_data_dir(), in, in),
                     0);
    }
}

/* Replace {DB} {SITE} {IN} {CFG} {TPL} in a command template. */
static void expand(const char *tpl, char *out, size_t outsz)
{
    char in[128], db[128], site[128], cfg[512], tplp[512];
    snprintf(in, sizeof in, "%s/in", dir);
    snprintf(db, sizeof db, "%s/t.db", dir);
    snprintf(site, sizeof site, "%s/site", dir);
    snprintf(cfg, sizeof cfg, "%s/fixtures/configs/mistral_swa_active.json", test_data_dir());
    snprintf(tplp, sizeof tplp, "%s/../templates", test_data_dir());
    static const char *const keys[] = {"{DB}", "{SITE}", "{IN}", "{CFG}", "{TPL}"};
    const char *vals[] = {db, site, in, cfg, tplp};
    size_t n = 0;
    for (const char *p = tpl; *p && n + 1 < outsz;) {
        bool hit = false;
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            size_t kl = strlen(keys[k]);
            if (strncmp(p, keys[k], kl) == 0) {
                n += (size_t)snprintf(out + n, outsz - n, "%s", vals[k]);
                p += kl;
                hit = true;
                break;
            }
        }
        if (!hit)
            out[n++] = *p++;
    }
    out[n < outsz ? n : outsz - 1] = '\0';
}

/* Top-level entries of the fixture directory other than the expected ones. */
static void stray_entries(char *out, size_t outsz)
{
    out[0] = '\0';
    DIR *d = opendir(dir);
    cr_assert_not_null(d);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "t.db") || !strcmp(n, "site") ||
            !strcmp(n, "in") || !strcmp(n, "orig"))
            continue;
        size_t l = strlen(out);
        snprintf(out + l, outsz - l, " %s", n);
    }
    closedir(d);
}

/* ---- the table ------------------------------------------------------------- */

static void run_row(const bad_row *row)
{
    char in[128], path[640], cmd[4096];
    snprintf(in, sizeof in, "%s/in", dir);
    cr_assert_eq(run_sh("rm -rf '%s' && mkdir -p '%s/presets' '%s/panel/e4_gamma'", in, in, in), 0);

    /* the input file */
    size_t len = 0;
    char *text = NULL;
    if (row->text) {
        text = strdup(row->text);
        len = strlen(text);
    } else if (row->gen != G_NONE) {
        text = gen_text(row->gen, &len);
        if (len == 0) {
            free(text);
            text = NULL;
        }
    }
    if (row->fixture) {
        char src[512];
        snprintf(src, sizeof src, "%s/fixtures/%s", test_data_dir(), row->fixture);
        free(text);
        text = slurp(src, &len);
        cr_assert_not_null(text, "%s: no fixture %s", row->name, src);
    }
    gen_files(row->gen, in);
    switch (row->kind) {
    case IN_CONFIG:
    case IN_CONFIG_ID:
        snprintf(path, sizeof path, "%s/config.json", in);
        break;
    case IN_PRESET:
        snprintf(path, sizeof path, "%s/presets/p.json", in);
        break;
    case IN_PANEL:
        snprintf(path, sizeof path, "%s/panel/%s", in, row->arg);
        break;
    case IN_CLI:
        snprintf(path, sizeof path, "%s/input.json", in);
        break;
    }
    if (text || row->kind != IN_CLI)
        if (!(row->kind == IN_PRESET && row->gen == G_DUP_PRESETS))
            spit(path, text ? text : "", len);
    free(text);

    /* the command */
    char tpl[1024];
    switch (row->kind) {
    case IN_CONFIG:
        snprintf(tpl, sizeof tpl, INGEST_CFG " --config {IN}/config.json");
        break;
    case IN_CONFIG_ID:
        snprintf(tpl, sizeof tpl, INGEST_CFG " --config '%s={IN}/config.json'", row->arg);
        break;
    case IN_PRESET:
        snprintf(tpl, sizeof tpl, "ingest --db {DB} --panel none --presets {IN}/presets --manifest none");
        break;
    case IN_PANEL:
        snprintf(tpl, sizeof tpl, "ingest --db {DB} --panel {IN}/panel --presets none --manifest none");
        break;
    case IN_CLI:
        snprintf(tpl, sizeof tpl, "%s", row->arg);
        break;
    }
    expand(tpl, cmd, sizeof cmd);

    char db_before[TAF_SHA256_HEX_SIZE], site_before[TAF_SHA256_HEX_SIZE];
    char db_after[TAF_SHA256_HEX_SIZE], site_after[TAF_SHA256_HEX_SIZE];
    snprintf(path, sizeof path, "%s/t.db", dir);
    file_sha(path, db_before);
    snprintf(path, sizeof path, "%s/site", dir);
    tree_sha(path, site_before);

    run_result r = run_tafcard(cmd);
    if (getenv("TAF_BAD_INPUT_VERBOSE"))
        fprintf(stderr, "%-36s exit %d  %s", row->name, r.status, r.err);

    char want[64];
    snprintf(want, sizeof want, "tafcard: %s: ", row->code);
    cr_expect_eq(r.status, row->exit_code, "[%s] exit %d, expected %d; stderr: %.600s", row->name,
                 r.status, row->exit_code, r.err);
    cr_expect(strstr(r.err, want) != NULL, "[%s] expected %s on stderr, got: %.600s", row->name,
              row->code, r.err);
    /* one clear line, no crash report, nothing on stdout */
    cr_expect(strncmp(r.err, "tafcard: ", 9) == 0 && strlen(r.err) < 2000 &&
                  !strstr(r.err, "Sanitizer") && !strstr(r.err, "runtime error"),
              "[%s] stderr: %.600s", row->name, r.err);
    run_free(&r);

    snprintf(path, sizeof path, "%s/t.db", dir);
    file_sha(path, db_after);
    snprintf(path, sizeof path, "%s/site", dir);
    tree_sha(path, site_after);
    bool db_same = strcmp(db_before, db_after) == 0, site_same = strcmp(site_before, site_after) == 0;
    cr_expect(db_same, "[%s] the database changed", row->name);
    cr_expect(site_same, "[%s] the site changed", row->name);
    char stray[1024];
    stray_entries(stray, sizeof stray);
    cr_expect(stray[0] == '\0', "[%s] left behind:%s", row->name, stray);
    snprintf(path, sizeof path, "%s/t.db-journal", dir);
    cr_expect_neq(access(path, F_OK), 0, "[%s] left a journal", row->name);
    if (!db_same || !site_same || stray[0])
        run_sh("cd '%s' && rm -rf t.db t.db-journal site site.* && cp -a orig/t.db orig/site .", dir);
}

Test(bad_input, table_has_at_least_40_rows)
{
    cr_expect_geq(N_ROWS, 40, "only %zu rows", N_ROWS);
    for (size_t i = 0; i < N_ROWS; i++)
        for (size_t k = 0; k < i; k++)
            cr_expect_str_neq(ROWS[i].name, ROWS[k].name, "row name used twice");
}

Test(bad_input, every_row_fails_cleanly_and_changes_nothing, .init = setup, .fini = teardown)
{
    for (size_t i = 0; i < N_ROWS; i++)
        run_row(&ROWS[i]);
    /* after all that, the stored data still builds the very same site */
    char args[1024], a[TAF_SHA256_HEX_SIZE], b[TAF_SHA256_HEX_SIZE], site[128], orig[128];
    snprintf(args, sizeof args, "build --db %s/t.db --out %s/site --templates %s/../templates",
             dir, dir, test_data_dir());
    run_result r = run_tafcard(args);
    cr_expect_eq(r.status, 0, "rebuild: %s", r.err);
    run_free(&r);
    snprintf(site, sizeof site, "%s/site", dir);
    snprintf(orig, sizeof orig, "%s/orig/site", dir);
    tree_sha(site, a);
    tree_sha(orig, b);
    cr_expect_str_eq(a, b, "a rebuild after the bad inputs differs from the first build");
}
