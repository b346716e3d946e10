/* config_to_spec: normalise a Hugging Face config.json into a model spec
 * and classify its attention (FULL SWA SSM RWKV LINEAR TTT HYBRID UNKNOWN).
 *
 * Rules, in the order they are applied:
 *  - field aliases: heads num_attention_heads|n_head|num_heads|n_heads,
 *    hidden hidden_size|n_embd|d_model, layers num_hidden_layers|n_layer|
 *    num_layers|n_layers, T_train max_position_embeddings|n_positions|n_ctx|
 *    seq_length|max_sequence_length|max_seq_len|context_length; d_head =
 *    head_dim (or head_size), else hidden/heads; KV heads
 *    num_key_value_heads|num_kv_heads|n_head_kv|n_kv_heads, else
 *    `multi_query: true` -> 1, else = heads; MoE experts num_local_experts|
 *    num_experts|n_routed_experts, active num_experts_per_tok.
 *  - class: an RWKV model_type wins over everything (even a declared
 *    num_attention_heads); then hybrid layer patterns (Nemotron-H
 *    hybrid_override_pattern, Zamba layers_block_type, Jamba
 *    attn_layer_period/offset, layer_types mixing attention with other
 *    layers, flash-linear-attention `attn.layers`); then Mamba (model_type or
 *    ssm_cfg); then delta-rule models (TTT) before other flash-linear-
 *    attention models (LINEAR), since gated DeltaNet configs also carry
 *    attn_mode "chunk"; then transformers (FULL, or SWA when a sliding
 *    window is really active); else UNKNOWN.
 *  - θ: rope_theta / rotary_emb_base / rope_parameters.rope_theta when
 *    given; else the documented default of the model_type's config class
 *    (recorded as "default for model_type X"); learned or ALiBi positions
 *    and non-attention models get θ = null — never a silent 10000.
 *  - SWA: a sliding_window that is null, 0, >= T_train, or comes with
 *    use_sliding_window: false is not SWA.
 *  - n_params: configs rarely carry a published count, so it is always the
 *    estimate 12·h²·L + 2·V·h here (marked estimated); presets carry the
 *    published numbers.
 * Every field's origin is recorded in field_sources. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/modelspec.h"
#include "util/jsonnum.h"

#define CFG_HINT "fix the config.json value, or check that the file is a Hugging Face config.json"

typedef struct {
    const cJSON *cfg;
    const char *src;
    taf_err *err;
} cfg_ctx;

/* ---- model_type tables --------------------------------------------------- */

typedef struct {
    const char *model_type;
    double theta;
} theta_default;

/* Documented rope_theta / rotary_emb_base defaults of the transformers (or,
 * for hf_olmo, OLMo's own) config classes. */
static const theta_default THETA_DEFAULTS[] = {
    {"llama", 10000},     {"mistral", 10000},   {"mixtral", 1000000}, {"qwen2", 10000},
    {"qwen2_moe", 10000}, {"qwen3", 10000},     {"gemma", 10000},     {"gemma2", 10000},
    {"phi", 10000},       {"phi3", 10000},      {"olmo", 10000},      {"olmo2", 10000},
    {"hf_olmo", 10000},   {"falcon", 10000},    {"gpt_neox", 10000},  {"gptj", 10000},
    {"codegen", 10000},   {"stablelm", 10000},  {"starcoder2", 10000},
    /* Falcon's original remote-code model types: their RotaryEmbedding's
     * documented base is 10000, as FalconConfig's */
    {"RefinedWebModel", 10000}, {"RefinedWeb", 10000},
    {NULL, 0}};

/* Learned absolute position embeddings (no RoPE). */
static const char *const LEARNED_TYPES[] = {"gpt2",   "gpt_bigcode", "opt",     "gpt_neo",
                                            "biogpt", "openai-gpt",  "bert",    "roberta",
                                            NULL};
/* ALiBi (no RoPE). */
static const char *const ALIBI_TYPES[] = {"bloom", NULL};
static const char *const SSM_TYPES[] = {"mamba", "mamba2", "falcon_mamba", NULL};
static const char *const TTT_TYPES[] = {"deltanet",       "gated_deltanet", "delta_net",
                                        "gated_delta_net", "gated_deltaproduct", "ttt", NULL};
static const char *const LINEAR_TYPES[] = {"gla", "retnet", "hgrn", "hgrn2", "gsa",
                                           "linear_attn", "based", NULL};
static const char *const LINEAR_MODES[] = {"chunk", "fused_recurrent", "fused_chunk", NULL};
/* Layer kinds (layer_types) that are softmax attention. */
static const char *const ATTN_LAYER_KINDS[] = {"full_attention", "attention",
                                               "sliding_attention", "chunked_attention",
                                               NULL};
/* Transformers recognised by model_type even without a head count. */
static const char *const TRANSFORMER_TYPES[] = {"mpt", "deepseek", "deepseek_v2", "deepseek_v3",
                                                "cohere", "granite", "internlm2", "persimmon",
                                                "gemma3_text", "smollm3", NULL};

static bool in_list(const char *s, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return true;
    return false;
}

static const theta_default *theta_default_for(const char *mt)
{
    for (int i = 0; THETA_DEFAULTS[i].model_type; i++)
        if (strcmp(mt, THETA_DEFAULTS[i].model_type) == 0)
            return &THETA_DEFAULTS[i];
    return NULL;
}

/* ---- typed reads with JSON-pointer errors -------------------------------- */

static bool cfg_bad(cfg_ctx *c, const char *code, const char *ptr, const char *expected,
                    const cJSON *got)
{
    char gotbuf[128];
    double x;
    if (cJSON_IsString(got))
        snprintf(gotbuf, sizeof gotbuf, "a string (\"%.60s\")", got->valuestring);
    else if (jget_double(got, &x))
        snprintf(gotbuf, sizeof gotbuf, "%.17g", x);
    else
        snprintf(gotbuf, sizeof gotbuf, "%s", spec_json_type_word(got));
    return taf_fail(c->err, code, CFG_HINT, "%s: %s: expected %s, got %s", c->src, ptr, expected,
                    gotbuf);
}

/* The first alias present with a non-null value; *key names it. */
static const cJSON *alias(const cJSON *cfg, const char *const *keys, const char **key)
{
    for (int i = 0; keys[i]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(cfg, keys[i]);
        if (v && !cJSON_IsNull(v)) {
            if (key)
                *key = keys[i];
            return v;
        }
    }
    if (key)
        *key = NULL;
    return NULL;
}

/* A count under one of `keys`: a positive integer (or >= 0 with
 * allow_zero). Absent or null leaves *out at 0 and *key NULL. */
static bool get_count(cfg_ctx *c, const char *const *keys, bool allow_zero, long long *out,
                      const char **key)
{
    const char *k;
    const cJSON *v = alias(c->cfg, keys, &k);
    *out = 0;
    if (key)
        *key = k;
    if (!v)
        return true;
    char ptr[80];
    snprintf(ptr, sizeof ptr, "/%s", k);
    const char *expected = allow_zero ? "a non-negative integer" : "a positive integer";
    double x;
    if (!cJSON_IsNumber(v) || !jget_double(v, &x) || !isfinite(x) || x != floor(x) ||
        fabs(x) > 9007199254740992.0)
        return cfg_bad(c, "WRONG_TYPE", ptr, expected, v);
    if (x < 0 || (x == 0 && !allow_zero))
        return cfg_bad(c, "OUT_OF_RANGE", ptr, expected, v);
    *out = (long long)x;
    return true;
}

/* An optional boolean; absent/null gives *present = false. */
static bool get_bool(cfg_ctx *c, const char *key, bool *present, bool *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->cfg, key);
    *present = false;
    *out = false;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsBool(v)) {
        char ptr[80];
        snprintf(ptr, sizeof ptr, "/%s", key);
        return cfg_bad(c, "WRONG_TYPE", ptr, "true or false", v);
    }
    *present = true;
    *out = cJSON_IsTrue(v);
    return true;
}

/* An optional string; absent/null gives NULL. */
static bool get_str(cfg_ctx *c, const char *key, const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(c->cfg, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsString(v)) {
        char ptr[80];
        snprintf(ptr, sizeof ptr, "/%s", key);
        return cfg_bad(c, "WRONG_TYPE", ptr, "a string", v);
    }
    *out = v->valuestring;
    return true;
}

/* An explicit RoPE base: rope_theta, rotary_emb_base or
 * rope_parameters.rope_theta (a number > 0). *found = false if none. */
static bool get_theta(cfg_ctx *c, bool *found, double *theta, char *srcbuf, size_t srcsz)
{
    static const char *const keys[] = {"rope_theta", "rotary_emb_base", NULL};
    const char *k;
    const cJSON *v = alias(c->cfg, keys, &k);
    char ptr[80];
    *found = false;
    if (v) {
        snprintf(ptr, sizeof ptr, "/%s", k);
        snprintf(srcbuf, srcsz, "%s", k);
    } else {
        const cJSON *rp = cJSON_GetObjectItemCaseSensitive(c->cfg, "rope_parameters");
        v = cJSON_IsObject(rp) ? cJSON_GetObjectItemCaseSensitive(rp, "rope_theta") : NULL;
        if (!v || cJSON_IsNull(v))
            return true;
        snprintf(ptr, sizeof ptr, "/rope_parameters/rope_theta");
        snprintf(srcbuf, srcsz, "rope_parameters.rope_theta");
    }
    double x;
    if (!cJSON_IsNumber(v) || !jget_double(v, &x))
        return cfg_bad(c, "WRONG_TYPE", ptr, "a number > 0 (the RoPE base)", v);
    if (!isfinite(x) || x <= 0)
        return cfg_bad(c, "OUT_OF_RANGE", ptr, "a number > 0 (the RoPE base)", v);
    *found = true;
    *theta = x;
    return true;
}

/* ---- the normaliser ------------------------------------------------------ */

static void set_class(taf_model_spec *s, const char *cls) {
    snprintf(s->attention_class, sizeof s->attention_class, "%s", cls);
}

static void set_pos(taf_model_spec *s, const char *pos) {
    snprintf(s->position_encoding, sizeof s->position_encoding, "%s", pos);
}

/* Hybrid layer patterns. Sets *hybrid and fills n_layers /
 * n_attention_layers with their sources. */
static bool classify_hybrid(cfg_ctx *c, taf_model_spec *s, const char *mt, const char *layers_key,
                            bool *hybrid)
{
    const cJSON *cfg = c->cfg;
    *hybrid = false;

    /* Nemotron-H: one character per layer, '*' = attention */
    const cJSON *pat = cJSON_GetObjectItemCaseSensitive(cfg, "hybrid_override_pattern");
    if (pat && !cJSON_IsNull(pat)) {
        if (!cJSON_IsString(pat))
            return cfg_bad(c, "WRONG_TYPE", "/hybrid_override_pattern",
                           "a layer pattern string such as \"M-M*-\"", pat);
        long long n = (long long)strlen(pat->valuestring), att = 0;
        for (const char *p = pat->valuestring; *p; p++)
            att += *p == '*';
        if (n == 0)
            return cfg_bad(c, "OUT_OF_RANGE", "/hybrid_override_pattern",
                           "a non-empty layer pattern", pat);
        if (s->n_layers > 0 && s->n_layers != n)
            return taf_fail(c->err, "OUT_OF_RANGE", CFG_HINT,
                            "%s: /hybrid_override_pattern: expected one character per layer "
                            "(%lld from /%s), got %lld",
                            c->src, s->n_layers, layers_key, n);
        if (s->n_layers == 0) {
            s->n_layers = n;
            spec_set_source(s, "n_layers", "hybrid_override_pattern (length)");
        }
        s->n_attention_layers = att;
        spec_set_source(s, "n_attention_layers", "hybrid_override_pattern ('*' = attention)");
        spec_set_source(s, "attention_class",
                        "hybrid_override_pattern: %lld attention of %lld layers", att, n);
        *hybrid = true;
        return true;
    }

    /* Zamba / Zamba2: one entry per layer, "mamba" or an attention-bearing
     * kind ("hybrid", "attention") */
    const cJSON *lbt = cJSON_GetObjectItemCaseSensitive(cfg, "layers_block_type");
    if (lbt && !cJSON_IsNull(lbt)) {
        if (!cJSON_IsArray(lbt))
            return cfg_bad(c, "WRONG_TYPE", "/layers_block_type",
                           "an array of layer kinds (\"mamba\", \"hybrid\")", lbt);
        long long n = 0, att = 0;
        for (const cJSON *it = lbt->child; it; it = it->next, n++) {
            if (!cJSON_IsString(it)) {
                char ptr[64];
                snprintf(ptr, sizeof ptr, "/layers_block_type/%lld", n);
                return cfg_bad(c, "WRONG_TYPE", ptr, "a layer kind string", it);
            }
            att += strcmp(it->valuestring, "mamba") != 0;
        }
        if (s->n_layers > 0 && s->n_layers != n)
            return taf_fail(c->err, "OUT_OF_RANGE", CFG_HINT,
                            "%s: /layers_block_type: expected one entry per layer "
                            "(%lld from /%s), got %lld",
                            c->src, s->n_layers, layers_key, n);
        if (s->n_layers == 0) {
            s->n_layers = n;
            spec_set_source(s, "n_layers", "layers_block_type (length)");
        }
        s->n_attention_layers = att;
        spec_set_source(s, "n_attention_layers",
                        "layers_block_type (entries other than \"mamba\")");
        spec_set_source(s, "attention_class", "layers_block_type: %lld attention of %lld layers",
                        att, n);
        *hybrid = true;
        return true;
    }

    /* Jamba: attention every `period` layers starting at `offset` */
    const cJSON *per = cJSON_GetObjectItemCaseSensitive(cfg, "attn_layer_period");
    const cJSON *off = cJSON_GetObjectItemCaseSensitive(cfg, "attn_layer_offset");
    bool has_per = per && !cJSON_IsNull(per), has_off = off && !cJSON_IsNull(off);
    if (has_per || has_off || strcmp(mt, "jamba") == 0) {
        long long period = 8, offset = 4; /* JambaConfig defaults */
        static const char *const kp[] = {"attn_layer_period", NULL};
        static const char *const ko[] = {"attn_layer_offset", NULL};
        long long v;
        if (!get_count(c, kp, false, &v, NULL))
            return false;
        if (has_per)
            period = v;
        if (!get_count(c, ko, true, &v, NULL))
            return false;
        if (has_off)
            offset = v;
        if (offset >= period)
            return taf_fail(c->err, "OUT_OF_RANGE", CFG_HINT,
                            "%s: /attn_layer_offset: expected less than attn_layer_period (%lld), "
                            "got %lld",
                            c->src, period, offset);
        char how[160];
        snprintf(how, sizeof how, "%s, %s",
                 has_per ? "attn_layer_period" : "attn_layer_period default 8 for model_type jamba",
                 has_off ? "attn_layer_offset" : "attn_layer_offset default 4 for model_type jamba");
        if (s->n_layers > 0) {
            /* layers i in [0, n_layers) with i % period == offset (offset < period);
             * counted, not looped: n_layers may be up to 2^53 */
            long long att = s->n_layers > offset ? (s->n_layers - offset - 1) / period + 1 : 0;
            s->n_attention_layers = att;
            spec_set_source(s, "n_attention_layers", "%s (layers i with i %% %lld == %lld)", how,
                            period, offset);
        } else {
            spec_set_source(s, "n_attention_layers", "unknown: %s but no layer count", how);
        }
        spec_set_source(s, "attention_class", "Jamba layer period: attention every %lld layers",
                        period);
        *hybrid = true;
        return true;
    }

    /* layer_types mixing attention with other layer kinds (linear attention,
     * mamba, convolutions) */
    const cJSON *lt = cJSON_GetObjectItemCaseSensitive(cfg, "layer_types");
    if (cJSON_IsArray(lt)) {
        long long n = 0, att = 0;
        for (const cJSON *it = lt->child; it; it = it->next, n++) {
            if (!cJSON_IsString(it)) {
                char ptr[64];
                snprintf(ptr, sizeof ptr, "/layer_types/%lld", n);
                return cfg_bad(c, "WRONG_TYPE", ptr, "a layer kind string", it);
            }
            att += in_list(it->valuestring, ATTN_LAYER_KINDS);
        }
        if (n > 0 && att < n) {
            if (s->n_layers == 0) {
                s->n_layers = n;
                spec_set_source(s, "n_layers", "layer_types (length)");
            }
            s->n_attention_layers = att;
            spec_set_source(s, "n_attention_layers", "layer_types (attention entries)");
            spec_set_source(s, "attention_class", "layer_types: %lld attention of %lld layers",
                            att, n);
            *hybrid = true;
            return true;
        }
    }

    /* model types that are hybrid by construction but carry no pattern */
    if (strcmp(mt, "falcon_h1") == 0) {
        s->n_attention_layers = s->n_layers > 0 ? s->n_layers : -1;
        spec_set_source(s, "n_attention_layers",
                        "model_type falcon_h1: attention and SSM in parallel in every layer");
        spec_set_source(s, "attention_class", "model_type falcon_h1");
        *hybrid = true;
    } else if (strcmp(mt, "zamba") == 0 || strcmp(mt, "zamba2") == 0 ||
               strcmp(mt, "nemotron_h") == 0) {
        s->n_attention_layers = -1;
        spec_set_source(s, "n_attention_layers", "unknown: model_type %s without a layer pattern",
                        mt);
        spec_set_source(s, "attention_class", "model_type %s", mt);
        *hybrid = true;
    }
    return true;
}

bool config_to_spec(const cJSON *config, const char *model_id, const char *source,
                    taf_model_spec *out, taf_err *err)
{
    spec_init(out);
    cfg_ctx cc = {config, source ? source : "config.json", err};
    cfg_ctx *c = &cc;
    taf_model_spec *s = out;
    if (!cJSON_IsObject(config)) {
        taf_fail(err, "WRONG_TYPE", "a config.json is one JSON object",
                 "%s: (root): expected a JSON object, got %s", c->src,
                 spec_json_type_word(config));
        return false;
    }
    snprintf(s->source, sizeof s->source, "%s", c->src);

    /* identity */
    const char *name_or_path = NULL;
    if (!get_str(c, "_name_or_path", &name_or_path))
        goto fail;
    if (name_or_path && !name_or_path[0])
        name_or_path = NULL; /* "" is what save_pretrained writes for no id */
    const char *id = model_id ? model_id : name_or_path;
    if (id) {
        char where[600];
        snprintf(where, sizeof where, "%s: %s", c->src,
                 model_id ? "the given model id" : "/_name_or_path");
        if (!spec_check_id(id, where, err)) {
            if (!model_id && err)
                snprintf(err->hint, sizeof err->hint,
                         "_name_or_path is not a hub id here (a local path?); give the id with "
                         "--config ORG/NAME=FILE");
            goto fail;
        }
        snprintf(s->id, sizeof s->id, "%s", id);
        spec_set_source(s, "id", "%s", model_id ? "given model id" : "_name_or_path");
    } else {
        spec_set_source(s, "id", "unknown: no model id given and no _name_or_path");
    }
    const char *marker = spec_instruct_marker(s->id);
    s->is_instruct = marker != NULL;
    if (marker)
        spec_set_source(s, "is_instruct", "model id (\"%s\" in the name)", marker);
    else
        spec_set_source(s, "is_instruct", "model id (no instruct/chat/-it marker)");

    const char *mt = NULL;
    if (!get_str(c, "model_type", &mt))
        goto fail;
    if (!mt)
        mt = "";

    /* sizes */
    static const char *const K_HEADS[] = {"num_attention_heads", "n_head", "num_heads", "n_heads",
                                          NULL};
    static const char *const K_HIDDEN[] = {"hidden_size", "n_embd", "d_model", NULL};
    static const char *const K_LAYERS[] = {"num_hidden_layers", "n_layer", "num_layers",
                                           "n_layers", NULL};
    static const char *const K_T[] = {"max_position_embeddings", "n_positions", "n_ctx",
                                      "seq_length", "max_sequence_length", "max_seq_len",
                                      "context_length",
                                      NULL};
    static const char *const K_HEAD_DIM[] = {"head_dim", "head_size", NULL};
    static const char *const K_KV[] = {"num_key_value_heads", "num_kv_heads", "n_head_kv",
                                       "n_kv_heads", NULL};
    static const char *const K_VOCAB[] = {"vocab_size", "padded_vocab_size", NULL};
    static const char *const K_EXPERTS[] = {"num_local_experts", "num_experts", "n_routed_experts",
                                            NULL};
    static const char *const K_ACTIVE[] = {"num_experts_per_tok", NULL};
    const char *k_heads, *k_hidden, *k_layers, *k_T, *k_hd, *k_kv, *k_vocab, *k_exp, *k_act;
    long long hidden = 0, head_dim = 0, vocab = 0, kv = 0;
    if (!get_count(c, K_HEADS, false, &s->n_attention_heads, &k_heads) ||
        !get_count(c, K_HIDDEN, false, &hidden, &k_hidden) ||
        !get_count(c, K_LAYERS, false, &s->n_layers, &k_layers) ||
        !get_count(c, K_T, false, &s->T_train, &k_T) ||
        !get_count(c, K_HEAD_DIM, false, &head_dim, &k_hd) ||
        !get_count(c, K_KV, false, &kv, &k_kv) ||
        !get_count(c, K_VOCAB, false, &vocab, &k_vocab) ||
        !get_count(c, K_EXPERTS, true, &s->moe_experts, &k_exp) ||
        !get_count(c, K_ACTIVE, true, &s->moe_active_experts, &k_act))
        goto fail;

    if (k_heads)
        spec_set_source(s, "n_attention_heads", "%s", k_heads);
    else
        spec_set_source(s, "n_attention_heads", "unknown: no num_attention_heads/n_head/num_heads");
    if (k_layers)
        spec_set_source(s, "n_layers", "%s", k_layers);
    else
        spec_set_source(s, "n_layers", "unknown: no num_hidden_layers/n_layer/num_layers");

    if (k_T) {
        spec_set_source(s, "T_train", "%s", k_T);
    } else if (strcmp(mt, "falcon") == 0) {
        s->T_train = 2048;
        spec_set_source(s, "T_train", "default for model_type falcon (max_position_embeddings 2048)");
    } else {
        spec_set_source(s, "T_train", "unknown: no max_position_embeddings/n_positions/n_ctx/seq_length");
    }

    /* head dimension */
    if (k_hd) {
        s->d_head = head_dim;
        spec_set_source(s, "d_head", "%s", k_hd);
    } else if (hidden > 0 && s->n_attention_heads > 0) {
        if (hidden % s->n_attention_heads != 0) {
            taf_fail(err, "OUT_OF_RANGE", CFG_HINT,
                     "%s: /%s: expected a multiple of %s (%lld) to derive the head dimension, "
                     "got %lld (give head_dim)",
                     c->src, k_hidden, k_heads, s->n_attention_heads, hidden);
            goto fail;
        }
        s->d_head = hidden / s->n_attention_heads;
        spec_set_source(s, "d_head", "%s / %s", k_hidden, k_heads);
    } else {
        spec_set_source(s, "d_head", "unknown: no head_dim and no hidden size with a head count");
    }

    /* KV heads */
    bool mq_present, mq;
    if (!get_bool(c, "multi_query", &mq_present, &mq))
        goto fail;
    if (k_kv) {
        s->n_kv_heads = kv;
        spec_set_source(s, "n_kv_heads", "%s", k_kv);
        if (s->n_attention_heads > 0 &&
            (kv > s->n_attention_heads || s->n_attention_heads % kv != 0)) {
            taf_fail(err, "OUT_OF_RANGE", CFG_HINT,
                     "%s: /%s: expected a divisor of %s (%lld), got %lld", c->src, k_kv, k_heads,
                     s->n_attention_heads, kv);
            goto fail;
        }
    } else if (mq_present && mq) {
        s->n_kv_heads = 1;
        spec_set_source(s, "n_kv_heads", "multi_query (one shared KV head)");
    } else if (s->n_attention_heads > 0) {
        s->n_kv_heads = s->n_attention_heads;
        spec_set_source(s, "n_kv_heads", "%s (no num_key_value_heads: one KV head per query head)",
                        k_heads);
    } else {
        spec_set_source(s, "n_kv_heads", "unknown: no KV or query head count");
    }

    /* mixture of experts */
    if (s->moe_experts > 0) {
        spec_set_source(s, "moe_experts", "%s", k_exp);
        if (k_act)
            spec_set_source(s, "moe_active_experts", "%s", k_act);
        else
            spec_set_source(s, "moe_active_experts", "unknown: no num_experts_per_tok");
        if (s->moe_active_experts > s->moe_experts) {
            taf_fail(err, "OUT_OF_RANGE", CFG_HINT,
                     "%s: /num_experts_per_tok: expected at most %s (%lld), got %lld", c->src,
                     k_exp, s->moe_experts, s->moe_active_experts);
            goto fail;
        }
    } else {
        s->moe_experts = 0;
        s->moe_active_experts = 0;
        spec_set_source(s, "moe_experts", "not MoE (no num_local_experts/num_experts/n_routed_experts)");
        spec_set_source(s, "moe_active_experts", "not MoE");
    }

    /* parameter count: the estimate */
    if (hidden > 0 && s->n_layers > 0 && vocab > 0) {
        double h = (double)hidden, L = (double)s->n_layers, V = (double)vocab;
        s->n_params = 12.0 * h * h * L + 2.0 * V * h;
        s->n_params_estimated = true;
        spec_set_source(s, "n_params", "estimated 12*h^2*L + 2*V*h (h = %s, L = %s, V = %s)",
                        k_hidden, k_layers, k_vocab);
        spec_set_source(s, "n_params_estimated", "no published count in config.json");
    } else {
        spec_set_source(s, "n_params", "unknown: the estimate needs hidden size, layers and vocab_size");
    }

    /* RoPE base, if the config names one */
    bool theta_found;
    double theta = 0;
    char theta_key[64] = "";
    if (!get_theta(c, &theta_found, &theta, theta_key, sizeof theta_key))
        goto fail;

    /* attention class */
    const char *attn_mode = NULL;
    bool dr_present, delta_rule;
    if (!get_str(c, "attn_mode", &attn_mode) ||
        !get_bool(c, "use_delta_rule", &dr_present, &delta_rule))
        goto fail;
    const cJSON *ssm_cfg = cJSON_GetObjectItemCaseSensitive(config, "ssm_cfg");
    bool hybrid = false;
    if (strncmp(mt, "rwkv", 4) == 0) {
        set_class(s, "RWKV");
        spec_set_source(s, "attention_class", "model_type %s%s", mt,
                        k_heads ? " (wins over the declared head count)" : "");
    } else {
        if (!classify_hybrid(c, s, mt, k_layers ? k_layers : "num_hidden_layers", &hybrid))
            goto fail;
        if (hybrid) {
            set_class(s, "HYBRID");
        } else if (in_list(mt, SSM_TYPES) || (ssm_cfg && !cJSON_IsNull(ssm_cfg))) {
            set_class(s, "SSM");
            spec_set_source(s, "attention_class", "%s",
                            in_list(mt, SSM_TYPES) ? "model_type (Mamba family)" : "ssm_cfg");
        } else if (in_list(mt, TTT_TYPES) || (attn_mode && strstr(attn_mode, "delta")) ||
                   (dr_present && delta_rule)) {
            set_class(s, "TTT");
            spec_set_source(s, "attention_class", "%s",
                            in_list(mt, TTT_TYPES) ? "model_type (delta rule)"
                            : (dr_present && delta_rule) ? "use_delta_rule"
                                                         : "attn_mode (delta rule)");
        } else if (in_list(mt, LINEAR_TYPES) || (attn_mode && in_list(attn_mode, LINEAR_MODES))) {
            set_class(s, "LINEAR");
            spec_set_source(s, "attention_class", "%s",
                            in_list(mt, LINEAR_TYPES) ? "model_type (linear attention)"
                                                      : "attn_mode (flash-linear-attention)");
        }
        /* flash-linear-attention hybrids: a few standard attention layers */
        const cJSON *fla_attn = cJSON_GetObjectItemCaseSensitive(config, "attn");
        const cJSON *fla_layers =
            cJSON_IsObject(fla_attn) ? cJSON_GetObjectItemCaseSensitive(fla_attn, "layers") : NULL;
        if ((strcmp(s->attention_class, "LINEAR") == 0 || strcmp(s->attention_class, "TTT") == 0) &&
            cJSON_IsArray(fla_layers) && cJSON_GetArraySize(fla_layers) > 0) {
            set_class(s, "HYBRID");
            hybrid = true;
            s->n_attention_layers = cJSON_GetArraySize(fla_layers);
            spec_set_source(s, "n_attention_layers", "attn.layers (standard attention layers)");
            spec_set_source(s, "attention_class",
                            "flash-linear-attention with attn.layers: %lld attention layers",
                            s->n_attention_layers);
        }
    }

    const char *cls = s->attention_class;
    bool recurrent = strcmp(cls, "RWKV") == 0 || strcmp(cls, "SSM") == 0 ||
                     strcmp(cls, "LINEAR") == 0 || strcmp(cls, "TTT") == 0;
    if (recurrent) {
        s->n_attention_layers = 0;
        spec_set_source(s, "n_attention_layers", "0: %s layers have no softmax attention", cls);
        if (theta_found) {
            s->has_theta = true;
            s->theta = theta;
            set_pos(s, "rope");
            spec_set_source(s, "theta", "%s", theta_key);
            spec_set_source(s, "position_encoding", "%s", theta_key);
        } else {
            set_pos(s, "none");
            spec_set_source(s, "theta", "not applicable (no RoPE: %s model)", cls);
            spec_set_source(s, "position_encoding", "%s: no position encoding", cls);
        }
        spec_set_source(s, "has_SWA", "not applicable (%s)", cls);
        return true;
    }
    if (hybrid) {
        if (theta_found) {
            s->has_theta = true;
            s->theta = theta;
            set_pos(s, "rope");
            spec_set_source(s, "theta", "%s", theta_key);
            spec_set_source(s, "position_encoding", "%s", theta_key);
        } else if (strcmp(mt, "jamba") == 0 || strcmp(mt, "nemotron_h") == 0 ||
                   cJSON_GetObjectItemCaseSensitive(config, "attn_layer_period") ||
                   cJSON_GetObjectItemCaseSensitive(config, "hybrid_override_pattern")) {
            set_pos(s, "none");
            spec_set_source(s, "theta", "not applicable (no RoPE: hybrid %s attention layers carry "
                                        "no position encoding)",
                            mt[0] ? mt : "Jamba/Nemotron-H-style");
            spec_set_source(s, "position_encoding", "hybrid: the SSM layers carry position");
        } else {
            set_pos(s, "unknown");
            spec_set_source(s, "theta", "unknown: hybrid model without rope_theta");
            spec_set_source(s, "position_encoding", "unknown: hybrid model without rope_theta");
        }
    } else {
        /* a transformer, if anything identifies it */
        bool known_mt = theta_default_for(mt) || in_list(mt, LEARNED_TYPES) ||
                        in_list(mt, ALIBI_TYPES) || in_list(mt, TRANSFORMER_TYPES);
        if (s->n_attention_heads == 0 && !known_mt) {
            set_class(s, "UNKNOWN");
            s->n_attention_layers = -1;
            spec_set_source(s, "attention_class",
                            "nothing identifies the architecture (model_type \"%s\", no head count)",
                            mt);
            spec_set_source(s, "n_attention_layers", "unknown");
            if (theta_found) {
                s->has_theta = true;
                s->theta = theta;
                set_pos(s, "rope");
                spec_set_source(s, "theta", "%s", theta_key);
                spec_set_source(s, "position_encoding", "%s", theta_key);
            } else {
                set_pos(s, "unknown");
                spec_set_source(s, "theta", "unknown: no rope_theta and an unknown architecture");
                spec_set_source(s, "position_encoding", "unknown");
            }
            spec_set_source(s, "has_SWA", "unknown architecture: no sliding_window key read");
            return true;
        }
    }

    /* position encoding of a transformer (or the attention of a hybrid) */
    if (!hybrid) {
        bool alibi_present, alibi = false;
        if (!get_bool(c, "alibi", &alibi_present, &alibi))
            goto fail;
        const cJSON *attn_config = cJSON_GetObjectItemCaseSensitive(config, "attn_config");
        bool mpt_alibi = strcmp(mt, "mpt") == 0 && cJSON_IsObject(attn_config) &&
                         cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(attn_config, "alibi"));
        const char *pet = NULL;
        if (!get_str(c, "position_embedding_type", &pet))
            goto fail;
        const theta_default *td = theta_default_for(mt);
        if (in_list(mt, ALIBI_TYPES) || alibi || mpt_alibi || (pet && strcmp(pet, "alibi") == 0)) {
            set_pos(s, "alibi");
            spec_set_source(s, "theta", "not applicable (no RoPE: ALiBi)");
            spec_set_source(s, "position_encoding", "%s",
                            alibi ? "alibi" : mpt_alibi ? "attn_config.alibi"
                            : in_list(mt, ALIBI_TYPES) ? "model_type (ALiBi)"
                                                       : "position_embedding_type");
        } else if (in_list(mt, LEARNED_TYPES) || strcmp(mt, "mpt") == 0 ||
                   (pet && strcmp(pet, "absolute") == 0)) {
            set_pos(s, "learned");
            spec_set_source(s, "theta", "not applicable (no RoPE: learned absolute positions)");
            spec_set_source(s, "position_encoding", "%s",
                            pet && strcmp(pet, "absolute") == 0
                                ? "position_embedding_type"
                                : "model_type (learned absolute positions)");
        } else if (theta_found) {
            s->has_theta = true;
            s->theta = theta;
            set_pos(s, "rope");
            spec_set_source(s, "theta", "%s", theta_key);
            spec_set_source(s, "position_encoding", "%s", theta_key);
        } else if (td) {
            s->has_theta = true;
            s->theta = td->theta;
            set_pos(s, "rope");
            spec_set_source(s, "theta", "default for model_type %s", mt);
            spec_set_source(s, "position_encoding", "model_type %s (RoPE)", mt);
        } else {
            static const char *const rotary_keys[] = {"rotary_dim", "rotary_pct",
                                                      "partial_rotary_factor", "rope_scaling",
                                                      NULL};
            const char *rk = NULL;
            (void)alias(config, rotary_keys, &rk);
            bool rope_flag = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(config, "rope")) ||
                             cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(config, "use_rope")) ||
                             (pet && strcmp(pet, "rotary") == 0);
            if (rk || rope_flag) {
                set_pos(s, "rope");
                spec_set_source(s, "theta",
                                "unknown: RoPE (%s) without rope_theta and no documented default "
                                "for model_type \"%s\"",
                                rk ? rk : "rope flag", mt);
                spec_set_source(s, "position_encoding", "%s", rk ? rk : "rope flag");
            } else {
                set_pos(s, "unknown");
                spec_set_source(s, "theta",
                                "unknown: no rope_theta and model_type \"%s\" has no documented "
                                "position encoding",
                                mt);
                spec_set_source(s, "position_encoding", "unknown");
            }
        }
    }

    /* sliding window: only an active window shorter than the context */
    const cJSON *sw = cJSON_GetObjectItemCaseSensitive(config, "sliding_window");
    bool usw_present, usw;
    if (!get_bool(c, "use_sliding_window", &usw_present, &usw))
        goto fail;
    bool sliding_layers = false;
    const cJSON *lt = cJSON_GetObjectItemCaseSensitive(config, "layer_types");
    for (const cJSON *it = cJSON_IsArray(lt) ? lt->child : NULL; it; it = it->next)
        sliding_layers = sliding_layers ||
                         (cJSON_IsString(it) && strcmp(it->valuestring, "sliding_attention") == 0);
    if (!sw) {
        spec_set_source(s, "has_SWA", "no sliding_window key");
    } else if (cJSON_IsNull(sw)) {
        spec_set_source(s, "has_SWA", "sliding_window is null");
    } else {
        long long w;
        static const char *const ksw[] = {"sliding_window", NULL};
        if (!get_count(c, ksw, true, &w, NULL))
            goto fail;
        if (w == 0) {
            spec_set_source(s, "has_SWA", "sliding_window is 0");
        } else if (usw_present && !usw) {
            spec_set_source(s, "has_SWA", "sliding_window %lld inactive: use_sliding_window is false",
                            w);
        } else if (s->T_train > 0 && w >= s->T_train) {
            spec_set_source(s, "has_SWA",
                            "sliding_window %lld >= %s %lld: the window covers the context", w,
                            k_T ? k_T : "T_train", s->T_train);
        } else {
            s->has_SWA = true;
            if (s->T_train > 0)
                spec_set_source(s, "has_SWA", "sliding_window %lld < %s %lld", w,
                                k_T ? k_T : "T_train", s->T_train);
            else
                spec_set_source(s, "has_SWA", "sliding_window %lld (T_train unknown)", w);
        }
    }
    if (!s->has_SWA && sliding_layers && !(usw_present && !usw)) {
        s->has_SWA = true;
        spec_set_source(s, "has_SWA", "layer_types (sliding_attention layers)");
    }
    if (!hybrid) {
        set_class(s, s->has_SWA ? "SWA" : "FULL");
        spec_set_source(s, "attention_class", "%s",
                        s->has_SWA ? "transformer with an active sliding window"
                                   : "transformer with full attention");
        s->n_attention_layers = s->n_layers > 0 ? s->n_layers : -1;
        spec_set_source(s, "n_attention_layers", "%s",
                        s->n_layers > 0 ? "every layer (= n_layers)" : "unknown");
    }
    return true;

fail:
    spec_free(out);
    return false;
}
