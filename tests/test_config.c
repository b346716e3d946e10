/* config.json -> model spec: attention classification and its traps, the
 * inspect-config command, the spec JSON contract and every preset. */
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "support/run.h"

#include "cli/cli.h"
#include "recipes/profile.h"
#include "store/modelspec.h"

/* ---- helpers ------------------------------------------------------------- */

static char *fixture_path(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/fixtures/configs/%s", test_data_dir(), name);
    return path;
}

static cJSON *read_json(const char *path)
{
    taf_err err = {0};
    char *text = cli_read_file(path, NULL, &err);
    cr_assert_not_null(text, "%s: %s", path, err.message);
    cJSON *j = cJSON_Parse(text);
    free(text);
    cr_assert_not_null(j, "%s is not JSON", path);
    return j;
}

/* Normalise tests/fixtures/configs/NAME into *s (must succeed). */
static void load_config(const char *name, taf_model_spec *s)
{
    cJSON *cfg = read_json(fixture_path(name));
    taf_err err = {0};
    bool ok = config_to_spec(cfg, NULL, name, s, &err);
    cJSON_Delete(cfg);
    cr_assert(ok, "%s: %s: %s", name, err.code, err.message);
}

/* Normalise inline config text; returns success, fills *s or *err. */
static bool inline_config(const char *text, taf_model_spec *s, taf_err *err)
{
    cJSON *cfg = cJSON_Parse(text);
    cr_assert_not_null(cfg, "test config is not JSON: %s", text);
    bool ok = config_to_spec(cfg, NULL, "inline.json", s, err);
    cJSON_Delete(cfg);
    return ok;
}

static double estimate(double h, double L, double V) { return 12.0 * h * h * L + 2.0 * V * h; }

static void expect_source(const taf_model_spec *s, const char *field, const char *needle)
{
    const char *v = spec_field_source(s, field);
    cr_assert_not_null(v, "field_sources has no '%s'", field);
    cr_expect(strstr(v, needle) != NULL, "field_sources.%s = \"%s\", expected it to mention \"%s\"",
              field, v, needle);
}

typedef struct {
    const char *cls;
    bool has_theta;
    double theta;
    long long kv, d_head, n_attention_layers;
    bool swa;
    double n_params; /* estimated; 0 = unknown */
    const char *pos;
} expected;

static void check(const char *name, const taf_model_spec *s, expected e)
{
    cr_expect_str_eq(s->attention_class, e.cls, "%s: class", name);
    cr_expect_eq(s->has_theta, e.has_theta, "%s: has_theta", name);
    if (e.has_theta)
        cr_expect_eq(s->theta, e.theta, "%s: theta %g, expected %g", name, s->theta, e.theta);
    cr_expect_eq(s->n_kv_heads, e.kv, "%s: n_kv_heads %lld, expected %lld", name, s->n_kv_heads,
                 e.kv);
    cr_expect_eq(s->d_head, e.d_head, "%s: d_head %lld, expected %lld", name, s->d_head, e.d_head);
    cr_expect_eq(s->has_SWA, e.swa, "%s: has_SWA", name);
    cr_expect_eq(s->n_attention_layers, e.n_attention_layers,
                 "%s: n_attention_layers %lld, expected %lld", name, s->n_attention_layers,
                 e.n_attention_layers);
    cr_expect_eq(s->n_params, e.n_params, "%s: n_params %.17g, expected %.17g", name, s->n_params,
                 e.n_params);
    cr_expect_eq(s->n_params_estimated, e.n_params > 0, "%s: n_params_estimated", name);
    cr_expect_str_eq(s->position_encoding, e.pos, "%s: position_encoding", name);
}

/* ---- classification of hand-written configs ------------------------------ */

Test(config_classify, llama_with_gqa_is_full_with_rope_theta_and_fewer_kv_heads)
{
    taf_model_spec s;
    load_config("llama3_gqa_full.json", &s);
    check("llama3", &s,
          (expected){"FULL", true, 500000, 8, 128, 32, false, estimate(4096, 32, 128256), "rope"});
    cr_expect_eq(s.n_attention_heads, 32);
    cr_expect_eq(s.T_train, 8192);
    cr_expect_str_eq(s.id, "meta-llama/Meta-Llama-3-8B");
    cr_expect_not(s.is_instruct);
    expect_source(&s, "theta", "rope_theta");
    expect_source(&s, "n_kv_heads", "num_key_value_heads");
    expect_source(&s, "n_params", "estimated");
    spec_free(&s);
}

Test(config_classify, gpt2_has_learned_positions_and_null_theta_never_10000)
{
    taf_model_spec s;
    load_config("gpt2_learned_positions.json", &s);
    check("gpt2", &s,
          (expected){"FULL", false, 0, 12, 64, 12, false, estimate(768, 12, 50257), "learned"});
    cr_expect_eq(s.T_train, 1024);
    expect_source(&s, "T_train", "n_positions");
    expect_source(&s, "d_head", "n_embd / n_head");
    expect_source(&s, "theta", "not applicable (no RoPE");
    cJSON *j = spec_to_json(&s);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(j, "theta")), "theta must be JSON null");
    cJSON_Delete(j);
    spec_free(&s);
}

Test(config_classify, bloom_uses_alibi_so_theta_is_null)
{
    taf_model_spec s;
    load_config("bloom_alibi.json", &s);
    check("bloom", &s,
          (expected){"FULL", false, 0, 32, 128, 30, false, estimate(4096, 30, 250880), "alibi"});
    cr_expect_eq(s.T_train, 2048);
    expect_source(&s, "T_train", "seq_length");
    expect_source(&s, "theta", "ALiBi");
    spec_free(&s);
}

Test(config_classify, mistral_window_shorter_than_context_is_swa)
{
    taf_model_spec s;
    load_config("mistral_swa_active.json", &s);
    check("mistral", &s,
          (expected){"SWA", true, 10000, 8, 128, 32, true, estimate(4096, 32, 32000), "rope"});
    expect_source(&s, "has_SWA", "4096 < max_position_embeddings 32768");
    spec_free(&s);
}

Test(config_classify, qwen2_window_with_use_sliding_window_false_is_not_swa)
{
    taf_model_spec s;
    load_config("qwen2_sliding_window_disabled.json", &s);
    check("qwen2", &s,
          (expected){"FULL", true, 1e6, 2, 64, 24, false, estimate(896, 24, 151936), "rope"});
    expect_source(&s, "has_SWA", "use_sliding_window is false");
    spec_free(&s);
}

Test(config_classify, window_at_or_above_context_length_is_not_swa)
{
    taf_model_spec s;
    load_config("sliding_window_covers_context.json", &s);
    check("qwen2-covering", &s,
          (expected){"FULL", true, 1e6, 4, 128, 28, false, estimate(3584, 28, 152064), "rope"});
    expect_source(&s, "has_SWA", "covers the context");
    spec_free(&s);

    taf_err err = {0};
    cr_assert(inline_config("{\"model_type\": \"mistral\", \"hidden_size\": 64, "
                            "\"num_attention_heads\": 4, \"max_position_embeddings\": 4096, "
                            "\"sliding_window\": 4096}",
                            &s, &err),
              "%s", err.message);
    cr_expect_not(s.has_SWA, "a window equal to the context is not SWA");
    cr_expect_str_eq(s.attention_class, "FULL");
    spec_free(&s);
}

Test(config_classify, null_sliding_window_is_not_swa_and_explicit_head_dim_wins)
{
    taf_model_spec s;
    load_config("mistral_nemo_sliding_window_null_head_dim.json", &s);
    /* 5120 / 32 = 160, but the config says head_dim 128 */
    check("nemo", &s,
          (expected){"FULL", true, 1e6, 8, 128, 40, false, estimate(5120, 40, 131072), "rope"});
    cr_expect(s.is_instruct, "-Instruct- in the model id");
    expect_source(&s, "has_SWA", "null");
    expect_source(&s, "d_head", "head_dim");
    spec_free(&s);
}

Test(config_classify, rwkv_model_type_wins_over_declared_attention_heads)
{
    taf_model_spec s;
    load_config("rwkv6_with_attention_heads.json", &s);
    check("rwkv6", &s,
          (expected){"RWKV", false, 0, 32, 64, 0, false, estimate(2048, 24, 65536), "none"});
    expect_source(&s, "attention_class", "wins over the declared head count");
    spec_free(&s);
}

Test(config_classify, mamba_is_ssm_without_attention_layers_or_theta)
{
    taf_model_spec s;
    load_config("mamba_ssm.json", &s);
    check("mamba", &s, (expected){"SSM", false, 0, 0, 0, 0, false, estimate(768, 24, 50280), "none"});
    cr_expect_eq(s.n_attention_heads, 0);
    cr_expect_eq(s.T_train, 0, "Mamba has no context limit in its config");
    spec_free(&s);

    taf_err err = {0};
    cr_assert(inline_config("{\"d_model\": 256, \"n_layer\": 4, \"vocab_size\": 1000, "
                            "\"ssm_cfg\": {\"layer\": \"Mamba2\"}}",
                            &s, &err));
    cr_expect_str_eq(s.attention_class, "SSM", "an ssm_cfg marks a mamba_ssm config");
    spec_free(&s);
}

Test(config_classify, flash_linear_attention_chunk_mode_is_linear)
{
    taf_model_spec s;
    load_config("fla_gla_chunk_linear.json", &s);
    check("gla", &s,
          (expected){"LINEAR", false, 0, 4, 512, 0, false, estimate(2048, 24, 32000), "none"});
    spec_free(&s);

    taf_err err = {0};
    cr_assert(inline_config("{\"model_type\": \"custom_fla\", \"attn_mode\": \"fused_recurrent\", "
                            "\"hidden_size\": 256, \"num_heads\": 4, \"num_hidden_layers\": 2}",
                            &s, &err));
    cr_expect_str_eq(s.attention_class, "LINEAR", "attn_mode alone identifies fla models");
    expect_source(&s, "attention_class", "attn_mode");
    spec_free(&s);
}

Test(config_classify, gated_deltanet_is_ttt_even_with_chunk_attn_mode)
{
    taf_model_spec s;
    load_config("gated_deltanet_ttt.json", &s);
    check("gated_deltanet", &s,
          (expected){"TTT", false, 0, 6, 256, 0, false, estimate(2048, 21, 32000), "none"});
    spec_free(&s);

    taf_err err = {0};
    cr_assert(inline_config("{\"model_type\": \"custom_fla\", \"attn_mode\": \"chunk\", "
                            "\"use_delta_rule\": true, \"hidden_size\": 256, \"num_heads\": 4}",
                            &s, &err));
    cr_expect_str_eq(s.attention_class, "TTT");
    spec_free(&s);
    cr_assert(inline_config("{\"attn_mode\": \"fused_recurrent_delta\", \"hidden_size\": 256}", &s,
                            &err));
    cr_expect_str_eq(s.attention_class, "TTT", "an attn_mode naming delta is the delta rule");
    spec_free(&s);
}

Test(config_classify, jamba_period_and_offset_give_its_attention_layers_and_experts)
{
    taf_model_spec s;
    load_config("jamba_hybrid_period_offset.json", &s);
    /* layers 4, 12, 20, 28 of 32 */
    check("jamba", &s,
          (expected){"HYBRID", false, 0, 8, 128, 4, false, estimate(4096, 32, 65536), "none"});
    cr_expect_eq(s.moe_experts, 16);
    cr_expect_eq(s.moe_active_experts, 2);
    spec_free(&s);
}

Test(config_classify, nemotron_h_pattern_counts_star_layers_as_attention)
{
    taf_model_spec s;
    load_config("nemotron_h_pattern.json", &s);
    check("nemotron_h", &s,
          (expected){"HYBRID", false, 0, 8, 128, 4, false, estimate(4096, 38, 131072), "none"});
    cr_expect_eq(s.n_layers, 38);
    expect_source(&s, "n_attention_layers", "hybrid_override_pattern");
    spec_free(&s);
}

Test(config_classify, zamba_layers_block_type_counts_hybrid_layers)
{
    taf_model_spec s;
    load_config("zamba2_layers_block_type.json", &s);
    check("zamba2", &s,
          (expected){"HYBRID", true, 10000, 32, 64, 2, false, estimate(2048, 12, 32000), "rope"});
    spec_free(&s);
}

Test(config_classify, layer_types_mixing_linear_and_full_attention_is_hybrid)
{
    taf_model_spec s;
    taf_err err = {0};
    cr_assert(inline_config("{\"model_type\": \"qwen3_next\", \"hidden_size\": 256, "
                            "\"num_attention_heads\": 4, \"num_hidden_layers\": 4, "
                            "\"rope_theta\": 10000000, \"layer_types\": [\"linear_attention\", "
                            "\"linear_attention\", \"linear_attention\", \"full_attention\"]}",
                            &s, &err),
              "%s", err.message);
    cr_expect_str_eq(s.attention_class, "HYBRID");
    cr_expect_eq(s.n_attention_layers, 1);
    spec_free(&s);
}

Test(config_classify, linear_attention_with_standard_attention_layers_is_hybrid)
{
    taf_model_spec s;
    taf_err err = {0};
    cr_assert(inline_config("{\"model_type\": \"gla\", \"attn_mode\": \"chunk\", "
                            "\"hidden_size\": 256, \"num_heads\": 4, \"num_hidden_layers\": 8, "
                            "\"attn\": {\"layers\": [3, 7], \"num_heads\": 4}}",
                            &s, &err),
              "%s", err.message);
    cr_expect_str_eq(s.attention_class, "HYBRID");
    cr_expect_eq(s.n_attention_layers, 2);
    spec_free(&s);
}

Test(config_classify, rope_parameters_object_carries_theta)
{
    taf_model_spec s;
    taf_err err = {0};
    cr_assert(inline_config("{\"model_type\": \"llama\", \"hidden_size\": 256, "
                            "\"num_attention_heads\": 4, \"rope_parameters\": "
                            "{\"rope_type\": \"default\", \"rope_theta\": 250000.5}}",
                            &s, &err),
              "%s", err.message);
    cr_expect(s.has_theta && s.theta == 250000.5);
    expect_source(&s, "theta", "rope_parameters.rope_theta");
    spec_free(&s);
}

Test(config_classify, mixtral_reports_experts_and_active_experts)
{
    taf_model_spec s;
    load_config("mixtral_moe.json", &s);
    check("mixtral", &s,
          (expected){"FULL", true, 1e6, 8, 128, 32, false, estimate(4096, 32, 32000), "rope"});
    cr_expect_eq(s.moe_experts, 8);
    cr_expect_eq(s.moe_active_experts, 2);
    expect_source(&s, "moe_experts", "num_local_experts");
    expect_source(&s, "moe_active_experts", "num_experts_per_tok");
    spec_free(&s);
}

Test(config_classify, config_with_neither_hidden_size_nor_heads_is_unknown)
{
    taf_model_spec s;
    load_config("no_hidden_no_heads_unknown.json", &s);
    check("mystery", &s, (expected){"UNKNOWN", false, 0, 0, 0, -1, false, 0, "unknown"});
    cr_expect_eq(s.n_layers, 12);
    cJSON *j = spec_to_json(&s);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(j, "n_params")), "no estimate without h");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(j, "n_attention_layers")));
    cJSON_Delete(j);
    spec_free(&s);

    taf_err err = {0};
    cr_assert(inline_config("{}", &s, &err));
    cr_expect_str_eq(s.attention_class, "UNKNOWN", "an empty config identifies nothing");
    spec_free(&s);
}

Test(config_classify, gptj_uses_rope_with_documented_default_base)
{
    taf_model_spec s;
    load_config("gptj_rotary_default_theta.json", &s);
    check("gptj", &s,
          (expected){"FULL", true, 10000, 16, 256, 28, false, estimate(4096, 28, 50400), "rope"});
    expect_source(&s, "theta", "default for model_type gptj");
    spec_free(&s);
}

Test(config_classify, gpt_neox_reads_rotary_emb_base)
{
    taf_model_spec s;
    load_config("pythia_rotary_emb_base.json", &s);
    check("pythia", &s,
          (expected){"FULL", true, 10000, 8, 64, 6, false, estimate(512, 6, 50304), "rope"});
    expect_source(&s, "theta", "rotary_emb_base");
    spec_free(&s);
}

Test(config_classify, falcon_multi_query_has_one_kv_head_and_documented_defaults)
{
    taf_model_spec s;
    load_config("falcon_multi_query_defaults.json", &s);
    check("falcon", &s,
          (expected){"FULL", true, 10000, 1, 64, 32, false, estimate(4544, 32, 65024), "rope"});
    cr_expect_eq(s.T_train, 2048);
    expect_source(&s, "n_kv_heads", "multi_query");
    expect_source(&s, "theta", "default for model_type falcon");
    expect_source(&s, "T_train", "default for model_type falcon");
    spec_free(&s);
}

Test(config_classify, gemma2_it_is_instruct_and_swa)
{
    taf_model_spec s;
    load_config("gemma2_it_sliding_window.json", &s);
    check("gemma2", &s,
          (expected){"SWA", true, 10000, 8, 256, 42, true, estimate(3584, 42, 256000), "rope"});
    cr_expect(s.is_instruct);
    expect_source(&s, "is_instruct", "-it");
    spec_free(&s);
}

Test(config_classify, rope_model_type_without_theta_or_default_leaves_theta_unknown)
{
    taf_model_spec s;
    taf_err err = {0};
    cr_assert(inline_config("{\"model_type\": \"newarch\", \"hidden_size\": 256, "
                            "\"num_attention_heads\": 4, \"rotary_dim\": 32}",
                            &s, &err));
    cr_expect_str_eq(s.attention_class, "FULL");
    cr_expect_not(s.has_theta, "no silent 10000");
    cr_expect_str_eq(s.position_encoding, "rope");
    expect_source(&s, "theta", "unknown");
    spec_free(&s);
}

Test(config_classify, instruct_markers_come_from_the_model_id)
{
    cr_expect_str_eq(spec_instruct_marker("meta-llama/Llama-3.3-70B-Instruct"), "instruct");
    cr_expect_str_eq(spec_instruct_marker("meta-llama/Llama-2-7b-chat-hf"), "chat");
    cr_expect_str_eq(spec_instruct_marker("google/gemma-2-9b-it"), "-it");
    cr_expect_null(spec_instruct_marker("google/gemma-2-9b"));
    cr_expect_null(spec_instruct_marker("it-org/base-model"), "only the name counts");
    cr_expect_null(spec_instruct_marker(NULL));
}

/* ---- config errors ------------------------------------------------------- */

Test(config_errors, heads_given_as_string_names_the_pointer)
{
    cJSON *cfg = read_json(fixture_path("heads_as_string.json"));
    taf_model_spec s;
    taf_err err = {0};
    cr_assert_not(config_to_spec(cfg, NULL, "heads_as_string.json", &s, &err));
    cJSON_Delete(cfg);
    cr_expect_str_eq(err.code, "WRONG_TYPE");
    cr_expect(strstr(err.message, "/num_attention_heads") != NULL, "%s", err.message);
    cr_expect(strstr(err.message, "positive integer") != NULL, "%s", err.message);
    cr_expect(strstr(err.message, "heads_as_string.json") != NULL, "%s", err.message);
}

Test(config_errors, bad_values_name_their_pointer_and_expectation)
{
    static const struct {
        const char *json, *pointer, *code;
    } cases[] = {
        {"{\"hidden_size\": 4096, \"num_attention_heads\": 0}", "/num_attention_heads",
         "OUT_OF_RANGE"},
        {"{\"n_layer\": 2.5}", "/n_layer", "WRONG_TYPE"},
        {"{\"model_type\": \"llama\", \"rope_theta\": 0}", "/rope_theta", "OUT_OF_RANGE"},
        {"{\"model_type\": \"llama\", \"rope_theta\": \"10000\"}", "/rope_theta", "WRONG_TYPE"},
        {"{\"hidden_size\": 100, \"num_attention_heads\": 3}", "/hidden_size", "OUT_OF_RANGE"},
        {"{\"num_attention_heads\": 8, \"num_key_value_heads\": 16}", "/num_key_value_heads",
         "OUT_OF_RANGE"},
        {"{\"model_type\": 7}", "/model_type", "WRONG_TYPE"},
        {"{\"num_attention_heads\": 8, \"sliding_window\": \"4096\"}", "/sliding_window",
         "WRONG_TYPE"},
        {"{\"num_attention_heads\": 8, \"use_sliding_window\": \"no\"}", "/use_sliding_window",
         "WRONG_TYPE"},
        {"{\"num_hidden_layers\": 3, \"hybrid_override_pattern\": \"M*M*\"}",
         "/hybrid_override_pattern", "OUT_OF_RANGE"},
        {"{\"model_type\": \"jamba\", \"num_hidden_layers\": 8, \"attn_layer_period\": 4, "
         "\"attn_layer_offset\": 4}",
         "/attn_layer_offset", "OUT_OF_RANGE"},
        {"[1, 2]", "(root)", "WRONG_TYPE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cJSON *cfg = cJSON_Parse(cases[i].json);
        cr_assert_not_null(cfg);
        taf_model_spec s;
        taf_err err = {0};
        bool ok = config_to_spec(cfg, NULL, "bad.json", &s, &err);
        cJSON_Delete(cfg);
        cr_expect_not(ok, "%s should fail", cases[i].json);
        if (ok) {
            spec_free(&s);
            continue;
        }
        cr_expect_str_eq(err.code, cases[i].code, "%s: %s", cases[i].json, err.message);
        cr_expect(strstr(err.message, cases[i].pointer) != NULL, "%s: message '%s' lacks %s",
                  cases[i].json, err.message, cases[i].pointer);
        cr_expect(strstr(err.message, "expected") != NULL, "%s", err.message);
    }
}

/* ---- inspect-config ------------------------------------------------------ */

typedef struct {
    int rc;
    char *out, *err;
} captured;

static char *slurp_fd(int fd)
{
    off_t n = lseek(fd, 0, SEEK_END);
    lseek(fd, 0, SEEK_SET);
    char *buf = calloc(1, (size_t)n + 1);
    cr_assert_not_null(buf);
    cr_assert_eq(read(fd, buf, (size_t)n), n);
    return buf;
}

/* Run cmd_inspect_config with stdout/stderr captured in temporary files. */
static captured run_inspect(int argc, char **argv)
{
    char out_path[] = "/tmp/tafcard-inspect-out-XXXXXX";
    char err_path[] = "/tmp/tafcard-inspect-err-XXXXXX";
    int ofd = mkstemp(out_path), efd = mkstemp(err_path);
    cr_assert(ofd >= 0 && efd >= 0);
    fflush(stdout);
    fflush(stderr);
    int save_out = dup(1), save_err = dup(2);
    dup2(ofd, 1);
    dup2(efd, 2);
    captured c;
    c.rc = cmd_inspect_config(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(save_out, 1);
    dup2(save_err, 2);
    close(save_out);
    close(save_err);
    c.out = slurp_fd(ofd);
    c.err = slurp_fd(efd);
    close(ofd);
    close(efd);
    unlink(out_path);
    unlink(err_path);
    return c;
}

static void captured_free(captured *c)
{
    free(c->out);
    free(c->err);
}

Test(inspect_config, not_json_reports_file_line_and_column_and_exits_2)
{
    char *argv[] = {"inspect-config", fixture_path("not_json.json"), NULL};
    captured c = run_inspect(2, argv);
    cr_expect_eq(c.rc, 2);
    cr_expect(strncmp(c.err, "tafcard: BAD_JSON: ", 19) == 0, "stderr: %s", c.err);
    cr_expect(strstr(c.err, "not_json.json") != NULL, "stderr: %s", c.err);
    cr_expect(strstr(c.err, "line 4, column 25") != NULL, "stderr: %s", c.err);
    cr_expect(strstr(c.err, "(hint: ") != NULL, "stderr: %s", c.err);
    cr_expect_str_eq(c.out, "");
    captured_free(&c);
}

Test(inspect_config, wrong_type_names_the_json_pointer_and_exits_2)
{
    char *argv[] = {"inspect-config", fixture_path("heads_as_string.json"), "--json", NULL};
    captured c = run_inspect(3, argv);
    cr_expect_eq(c.rc, 2);
    cr_expect(strstr(c.err, "tafcard: WRONG_TYPE: ") != NULL, "stderr: %s", c.err);
    cr_expect(strstr(c.err, "/num_attention_heads: expected a positive integer") != NULL,
              "stderr: %s", c.err);
    captured_free(&c);
}

Test(inspect_config, json_output_has_spec_and_attention_class)
{
    char *argv[] = {"inspect-config", fixture_path("mistral_swa_active.json"), "--json", "--id",
                    "mistralai/Mistral-7B-v0.1", NULL};
    captured c = run_inspect(5, argv);
    cr_assert_eq(c.rc, 0, "stderr: %s", c.err);
    cJSON *j = cJSON_Parse(c.out);
    cr_assert_not_null(j, "stdout is not JSON: %s", c.out);
    cr_expect_eq(cJSON_GetArraySize(j), 2);
    cr_expect_str_eq(cJSON_GetObjectItem(j, "attention_class")->valuestring, "SWA");
    cJSON *spec = cJSON_GetObjectItem(j, "spec");
    cr_expect_str_eq(cJSON_GetObjectItem(spec, "id")->valuestring, "mistralai/Mistral-7B-v0.1");
    taf_model_spec s;
    taf_err err = {0};
    cr_expect(spec_from_json(spec, "stdout", &s, &err), "spec does not read back: %s",
              err.message);
    spec_free(&s);
    cJSON_Delete(j);
    captured_free(&c);
}

Test(inspect_config, text_output_names_each_field_and_its_config_key)
{
    char *argv[] = {"inspect-config", fixture_path("gpt2_learned_positions.json"), NULL};
    captured c = run_inspect(2, argv);
    cr_assert_eq(c.rc, 0, "stderr: %s", c.err);
    cr_expect(strstr(c.out, "attention class:  FULL") != NULL, "%s", c.out);
    cr_expect(strstr(c.out, "not applicable (no RoPE") != NULL, "%s", c.out);
    cr_expect(strstr(c.out, "n_positions") != NULL, "%s", c.out);
    cr_expect(strstr(c.out, "n_head") != NULL, "%s", c.out);
    captured_free(&c);
}

Test(inspect_config, usage_errors_exit_2)
{
    char *none[] = {"inspect-config", NULL};
    captured c = run_inspect(1, none);
    cr_expect_eq(c.rc, 2);
    cr_expect(strstr(c.err, "tafcard: USAGE: ") != NULL, "%s", c.err);
    captured_free(&c);
    char *missing[] = {"inspect-config", "/nonexistent/config.json", NULL};
    c = run_inspect(2, missing);
    cr_expect_eq(c.rc, 2);
    cr_expect(strstr(c.err, "tafcard: CANNOT_READ: ") != NULL, "%s", c.err);
    captured_free(&c);
    char *opt[] = {"inspect-config", "x.json", "--bogus", NULL};
    c = run_inspect(3, opt);
    cr_expect_eq(c.rc, 2);
    captured_free(&c);
}

/* ---- the spec JSON contract ---------------------------------------------- */

Test(spec_json, every_fixture_spec_round_trips_through_spec_from_json)
{
    DIR *d = opendir(fixture_path(""));
    cr_assert_not_null(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d))) {
        if (!strstr(e->d_name, ".json") || strcmp(e->d_name, "not_json.json") == 0 ||
            strcmp(e->d_name, "heads_as_string.json") == 0)
            continue;
        taf_model_spec s, back;
        load_config(e->d_name, &s);
        cJSON *j = spec_to_json(&s);
        taf_err err = {0};
        cr_assert(spec_from_json(j, e->d_name, &back, &err), "%s: %s", e->d_name, err.message);
        cJSON *j2 = spec_to_json(&back);
        char *a = cJSON_Print(j), *b = cJSON_Print(j2);
        cr_expect_str_eq(a, b, "%s does not round-trip", e->d_name);
        free(a);
        free(b);
        cJSON_Delete(j);
        cJSON_Delete(j2);
        spec_free(&s);
        spec_free(&back);
        n++;
    }
    closedir(d);
    cr_expect_geq(n, 14, "at least 14 hand-written configs (found %d)", n);
}

Test(spec_json, keys_are_written_in_the_canonical_order)
{
    taf_model_spec s;
    load_config("llama3_gqa_full.json", &s);
    cJSON *j = spec_to_json(&s);
    const char *const *keys = spec_json_keys();
    int i = 0;
    for (cJSON *it = j->child; it; it = it->next, i++) {
        cr_assert_not_null(keys[i]);
        cr_expect_str_eq(it->string, keys[i]);
    }
    cr_expect_null(keys[i]);
    char *txt = cJSON_PrintUnformatted(j);
    cr_expect(strstr(txt, "\"theta\":500000,") != NULL, "integral θ as an integer: %s", txt);
    cr_expect(strstr(txt, "\"n_params\":7493124096.0,") != NULL, "n_params as a float: %s", txt);
    free(txt);
    cJSON_Delete(j);
    spec_free(&s);
}

Test(spec_json, spec_from_json_rejects_bad_members_with_their_pointer)
{
    static const char *const base =
        "\"theta\": 10000, \"T_train\": 2048, \"n_attention_heads\": 8, \"n_kv_heads\": 8, "
        "\"d_head\": 64, \"n_layers\": 6, \"n_params\": 7e7";
    static const struct {
        const char *extra, *pointer, *code;
    } cases[] = {
        {", \"bogus\": 1", "/bogus", "UNKNOWN_KEY"},
        {", \"theta\": 0", "/theta", "OUT_OF_RANGE"},
        {", \"theta\": \"10000\"", "/theta", "WRONG_TYPE"},
        {", \"T_train\": -5", "/T_train", "OUT_OF_RANGE"},
        {", \"n_layers\": 2.5", "/n_layers", "WRONG_TYPE"},
        {", \"n_kv_heads\": \"8\"", "/n_kv_heads", "WRONG_TYPE"},
        {", \"n_kv_heads\": 16", "/n_kv_heads", "OUT_OF_RANGE"},
        {", \"n_params\": -1", "/n_params", "OUT_OF_RANGE"},
        {", \"has_SWA\": 1", "/has_SWA", "WRONG_TYPE"},
        {", \"attention_class\": \"DENSE\"", "/attention_class", "OUT_OF_RANGE"},
        {", \"position_encoding\": \"learned\"", "/theta", "OUT_OF_RANGE"},
        {", \"moe_experts\": -1", "/moe_experts", "OUT_OF_RANGE"},
        {", \"field_sources\": {\"theta\": 1}", "/field_sources/theta", "WRONG_TYPE"},
        {", \"field_sources\": []", "/field_sources", "WRONG_TYPE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, "{%s, %s}", cases[i].extra + 2, base);
        cJSON *j = cJSON_Parse(text);
        cr_assert_not_null(j, "%s", text);
        taf_model_spec s;
        taf_err err = {0};
        bool ok = spec_from_json(j, "spec.json", &s, &err);
        cJSON_Delete(j);
        cr_expect_not(ok, "%s should fail", text);
        if (ok) {
            spec_free(&s);
            continue;
        }
        cr_expect_str_eq(err.code, cases[i].code, "%s: %s", text, err.message);
        cr_expect(strstr(err.message, cases[i].pointer) != NULL, "%s: '%s' lacks %s", text,
                  err.message, cases[i].pointer);
        cr_expect(strstr(err.message, "spec.json") != NULL, "%s", err.message);
    }
    /* a missing θ must be said, not defaulted */
    cJSON *j = cJSON_Parse("{\"T_train\": 2048, \"n_attention_heads\": 8, \"n_kv_heads\": 8, "
                           "\"d_head\": 64, \"n_layers\": 6, \"n_params\": 7e7}");
    taf_model_spec s;
    taf_err err = {0};
    cr_expect_not(spec_from_json(j, "spec.json", &s, &err));
    cr_expect_str_eq(err.code, "MISSING_FIELD");
    cr_expect(strstr(err.message, "/theta") != NULL, "%s", err.message);
    cJSON_Delete(j);
}

Test(spec_json, minimal_upstream_style_spec_loads_with_derived_class)
{
    cJSON *j = cJSON_Parse("{\"theta\": 10000, \"T_train\": 8192, \"n_attention_heads\": 32, "
                           "\"n_kv_heads\": 8, \"d_head\": 128, \"n_layers\": 32, "
                           "\"n_params\": 7e9, \"has_SWA\": true}");
    taf_model_spec s;
    taf_err err = {0};
    cr_assert(spec_from_json(j, "min.json", &s, &err), "%s", err.message);
    cr_expect_str_eq(s.attention_class, "SWA");
    cr_expect_str_eq(s.position_encoding, "rope");
    cr_expect_eq(s.n_attention_layers, 32);
    cJSON_Delete(j);
    spec_free(&s);
}

Test(spec_json, recipe_args_omit_theta_without_rope)
{
    taf_model_spec s;
    load_config("gpt2_learned_positions.json", &s);
    cJSON *a = spec_recipe_args(&s);
    cr_expect_null(cJSON_GetObjectItem(a, "theta"), "no θ key for a model without RoPE");
    static const char *const want[] = {"T_train", "n_attention_heads", "n_kv_heads", "d_head",
                                       "n_layers", "n_params", "has_SWA", NULL};
    int i = 0;
    for (cJSON *it = a->child; it; it = it->next, i++)
        cr_expect_str_eq(it->string, want[i]);
    cr_expect_null(want[i]);
    cJSON_Delete(a);
    spec_free(&s);

    load_config("llama3_gqa_full.json", &s);
    a = spec_recipe_args(&s);
    cr_expect_str_eq(a->child->string, "theta");
    char *txt = cJSON_PrintUnformatted(a);
    cr_expect_str_eq(txt, "{\"theta\":500000,\"T_train\":8192,\"n_attention_heads\":32,"
                          "\"n_kv_heads\":8,\"d_head\":128,\"n_layers\":32,"
                          "\"n_params\":7493124096.0,\"has_SWA\":false}");
    free(txt);
    cJSON_Delete(a);
    spec_free(&s);
}

/* ---- presets ------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted preset file names (caller frees each and the array). */
static char **preset_files(int *n, char *dir, size_t dirsz)
{
    snprintf(dir, dirsz, "%s/../presets", test_data_dir());
    DIR *d = opendir(dir);
    cr_assert_not_null(d, "cannot open %s", dir);
    char **names = NULL;
    *n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        names = realloc(names, sizeof *names * (size_t)(*n + 1));
        names[(*n)++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)*n, sizeof *names, cmp_str);
    return names;
}

Test(presets, every_preset_loads_is_canonical_and_named_after_its_id)
{
    char dir[1024];
    int n;
    char **names = preset_files(&n, dir, sizeof dir);
    cr_expect_geq(n, 34, "presets for the 11 upstream models and the panel (found %d)", n);
    for (int i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        taf_err err = {0};
        char *text = cli_read_file(path, NULL, &err);
        cr_assert_not_null(text);
        cJSON *j = cJSON_Parse(text);
        cr_assert_not_null(j, "%s is not JSON", names[i]);
        taf_model_spec s;
        cr_assert(spec_from_json(j, names[i], &s, &err), "%s: %s", names[i], err.message);
        /* file name = id with '/' -> "--" */
        char want[400] = "";
        for (const char *p = s.id; *p; p++) {
            size_t len = strlen(want);
            snprintf(want + len, sizeof want - len, "%s", *p == '/' ? "--" : (char[]){*p, 0});
        }
        strcat(want, ".json");
        cr_expect_str_eq(names[i], want);
        /* canonical bytes: what spec_to_json + cJSON_Print writes */
        cJSON *again = spec_to_json(&s);
        char *canon = cJSON_Print(again);
        size_t cl = strlen(canon);
        cr_expect(strncmp(text, canon, cl) == 0 && strcmp(text + cl, "\n") == 0,
                  "%s is not in canonical spec_to_json form", names[i]);
        cr_expect(strncmp(s.source, "https://huggingface.co/", 23) == 0, "%s: source %s",
                  names[i], s.source);
        cr_expect(s.n_params > 0 && s.T_train > 0 && s.n_layers > 0 && s.d_head > 0,
                  "%s: profile fields present", names[i]);
        static const char *const fields[] = {"theta", "T_train", "n_attention_heads",
                                             "n_kv_heads", "d_head", "n_layers", "n_params",
                                             "has_SWA", NULL};
        for (int k = 0; fields[k]; k++)
            cr_expect_not_null(spec_field_source(&s, fields[k]), "%s: no field_sources.%s",
                               names[i], fields[k]);
        if (!s.has_theta)
            cr_expect(strcmp(s.position_encoding, "learned") == 0 ||
                          strcmp(s.position_encoding, "alibi") == 0,
                      "%s: θ null only for models without RoPE", names[i]);
        free(canon);
        cJSON_Delete(again);
        spec_free(&s);
        cJSON_Delete(j);
        free(text);
        free(names[i]);
    }
    free(names);
}

Test(presets, every_preset_runs_through_the_profile)
{
    char dir[1024];
    int n;
    char **names = preset_files(&n, dir, sizeof dir);
    for (int i = 0; i < n; i++) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        cJSON *j = read_json(path);
        taf_err err = {0};
        cJSON *p = profile_run(j, &err);
        cr_expect_not_null(p, "%s: profile: %s: %s", names[i], err.code, err.message);
        cJSON_Delete(p);
        cJSON_Delete(j);
        free(names[i]);
    }
    free(names);
}

Test(presets, upstream_presets_keep_the_reference_values)
{
    static const struct {
        const char *file;
        double theta;
        long long T, heads, kv, d_head, layers;
        double n_params;
        bool swa;
    } up[] = {
        {"EleutherAI--pythia-2.8b", 10000, 2048, 32, 32, 80, 32, 2.8e9, false},
        {"EleutherAI--pythia-1b", 10000, 2048, 8, 8, 256, 16, 1e9, false},
        {"EleutherAI--pythia-1.4b", 10000, 2048, 16, 16, 128, 24, 1.4e9, false},
        {"meta-llama--Meta-Llama-3-8B", 500000, 8192, 32, 8, 128, 32, 8e9, false},
        {"meta-llama--Llama-3.2-1B", 500000, 131072, 32, 8, 64, 16, 1.2e9, false},
        {"meta-llama--Llama-3.3-70B-Instruct", 500000, 131072, 64, 8, 128, 80, 70e9, false},
        {"mistralai--Mistral-7B-v0.1", 10000, 8192, 32, 8, 128, 32, 7e9, true},
        {"Qwen--Qwen2.5-7B", 1000000, 32768, 28, 4, 128, 28, 7.6e9, false},
        {"Qwen--Qwen2.5-1.5B", 1000000, 32768, 12, 2, 128, 28, 1.5e9, false},
        {"google--gemma-2-9b-it", 10000, 8192, 16, 8, 256, 42, 9e9, true},
        {"microsoft--phi-3-mini-4k-instruct", 10000, 4096, 32, 32, 96, 32, 3.8e9, true},
    };
    for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/../presets/%s.json", test_data_dir(), up[i].file);
        cJSON *j = read_json(path);
        taf_model_spec s;
        taf_err err = {0};
        cr_assert(spec_from_json(j, path, &s, &err), "%s", err.message);
        cr_expect(s.has_theta && s.theta == up[i].theta, "%s theta", up[i].file);
        cr_expect_eq(s.T_train, up[i].T, "%s T_train", up[i].file);
        cr_expect_eq(s.n_attention_heads, up[i].heads, "%s heads", up[i].file);
        cr_expect_eq(s.n_kv_heads, up[i].kv, "%s kv", up[i].file);
        cr_expect_eq(s.d_head, up[i].d_head, "%s d_head", up[i].file);
        cr_expect_eq(s.n_layers, up[i].layers, "%s layers", up[i].file);
        cr_expect_eq(s.n_params, up[i].n_params, "%s n_params", up[i].file);
        cr_expect_eq(s.has_SWA, up[i].swa, "%s has_SWA", up[i].file);
        spec_free(&s);
        cJSON_Delete(j);
    }
}

Test(presets, models_without_rope_have_null_theta)
{
    static const char *const no_rope[] = {"gpt2", "gpt2-medium", "gpt2-large", "gpt2-xl",
                                          "cerebras--Cerebras-GPT-2.7B", "bigscience--bloom-7b1",
                                          NULL};
    for (int i = 0; no_rope[i]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/../presets/%s.json", test_data_dir(), no_rope[i]);
        cJSON *j = read_json(path);
        cr_expect(cJSON_IsNull(cJSON_GetObjectItem(j, "theta")), "%s: theta must be null",
                  no_rope[i]);
        cJSON_Delete(j);
    }
    /* GPT-J looks like GPT-2 but uses RoPE */
    char path[1024];
    snprintf(path, sizeof path, "%s/../presets/EleutherAI--gpt-j-6B.json", test_data_dir());
    cJSON *j = read_json(path);
    cr_expect_eq(cJSON_GetObjectItem(j, "theta")->valuedouble, 10000);
    cJSON_Delete(j);
}
