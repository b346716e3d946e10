/* The normalised model spec: what one preset file, one ingested
 * config.json and one `models` row hold. θ is absent (has_theta = false)
 * for models without RoPE — never defaulted to 10000. */
#ifndef TAF_STORE_MODELSPEC_H
#define TAF_STORE_MODELSPEC_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#include "util/err.h"

typedef struct {
    char id[160];                 /* "org/name" (or "name" for hub root models like gpt2) */
    bool has_theta;
    double theta;                 /* RoPE base when has_theta */
    long long T_train;            /* max_position_embeddings / n_positions / n_ctx */
    long long n_attention_heads;
    long long n_kv_heads;
    long long d_head;
    long long n_layers;
    double n_params;
    bool n_params_estimated;      /* 12·h²·L + 2·V·h when the count is not published */
    bool has_SWA;
    bool is_instruct;
    char attention_class[16];     /* FULL SWA SSM RWKV LINEAR TTT HYBRID UNKNOWN */
    char position_encoding[16];   /* rope, learned, alibi, none, unknown */
    long long moe_experts;        /* 0 when not MoE */
    long long moe_active_experts; /* 0 when not MoE */
    long long n_attention_layers; /* layers with softmax attention: HYBRID from its
                                     layer pattern; FULL/SWA = n_layers; SSM, RWKV,
                                     LINEAR, TTT = 0; -1 = unknown (JSON null) */
    char source[512];             /* where the values come from (URL or path) */
    cJSON *field_sources;         /* {"theta": "rope_theta", ...}; owned, may be NULL */
} taf_model_spec;

void spec_init(taf_model_spec *s);
void spec_free(taf_model_spec *s);

/* Canonical JSON of a spec (the preset file format; keys in a fixed
 * order, θ null when absent, n_params as a float). Caller frees. */
cJSON *spec_to_json(const taf_model_spec *s);

/* Read a preset/spec JSON object. Errors name `path` and the JSON pointer
 * of the offending member and say what was expected. */
bool spec_from_json(const cJSON *j, const char *path, taf_model_spec *out, taf_err *err);

/* Normalise a Hugging Face config.json. `model_id` may be NULL (then taken
 * from "_name_or_path" or left empty); `source` names the file for errors
 * and provenance. */
bool config_to_spec(const cJSON *config, const char *model_id, const char *source,
                    taf_model_spec *out, taf_err *err);

/* The profile/recipe arguments of a spec (theta..has_SWA, plus T_eval if
 * given); θ is omitted when absent so callers can tell "no RoPE". */
cJSON *spec_recipe_args(const taf_model_spec *s);

/* ---- helpers (added with the config normaliser) ---- */

/* Record where field `field` came from: field_sources[field] = text. */
void spec_set_source(taf_model_spec *s, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* field_sources[field], or NULL. */
const char *spec_field_source(const taf_model_spec *s, const char *field);

/* The instruct marker in a model id ("instruct", "chat" or "-it"), or NULL
 * for a base model. Only the name after the last '/' is looked at. */
const char *spec_instruct_marker(const char *id);

/* The top-level keys spec_to_json writes, in order, NULL-terminated. */
const char *const *spec_json_keys(void);

/* Check a model id: 1..159 bytes, no control characters (C0, DEL), no
 * leading or trailing space, and '/'-separated segments that are neither
 * empty nor "." or ".." (so no id reads as a path that leaves its
 * directory). Markup such as "<script>" is allowed: every output escapes
 * it and output paths go through the slug. Code BAD_ID; `where` starts the
 * message (a file name and pointer). */
bool spec_check_id(const char *id, const char *where, taf_err *err);

/* "a string", "null", "a number", ... for error messages. */
const char *spec_json_type_word(const cJSON *v);

#endif
