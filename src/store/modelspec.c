/* The normalised model spec: init/free, canonical JSON (the preset file
 * format), strict reading of a spec/preset object, and the recipe
 * arguments of a spec. config.json normalisation is in config_classify.c.
 *
 * Canonical JSON keys, in this order (MODEL_KEYS in recipes/args.c must
 * accept every one of them):
 *   id theta T_train n_attention_heads n_kv_heads d_head n_layers n_params
 *   n_params_estimated has_SWA is_instruct attention_class position_encoding
 *   moe_experts moe_active_experts n_attention_layers source field_sources
 * Unknown counts (0 in the struct; -1 for n_attention_layers) are written
 * as null. */
#include "store/modelspec.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonnum.h"

/* The spec's keys in canonical order; field_sources entries follow it. */
static const char *const SPEC_KEYS[] = {
    "id", "theta", "T_train", "n_attention_heads", "n_kv_heads", "d_head", "n_layers",
    "n_params", "n_params_estimated", "has_SWA", "is_instruct", "attention_class",
    "position_encoding", "moe_experts", "moe_active_experts", "n_attention_layers",
    "source", "field_sources", NULL};

static const char *const CLASSES[] = {"FULL", "SWA", "SSM", "RWKV", "LINEAR",
                                      "TTT", "HYBRID", "UNKNOWN", NULL};
static const char *const ENCODINGS[] = {"rope", "learned", "alibi", "none", "unknown", NULL};

/* Largest integer a double holds exactly. */
#define MAX_EXACT_INT 9007199254740992.0

const char *const *spec_json_keys(void) { return SPEC_KEYS; }

void spec_init(taf_model_spec *s)
{
    memset(s, 0, sizeof *s);
    s->n_attention_layers = -1;
    snprintf(s->attention_class, sizeof s->attention_class, "UNKNOWN");
    snprintf(s->position_encoding, sizeof s->position_encoding, "unknown");
}

void spec_free(taf_model_spec *s)
{
    if (!s)
        return;
    cJSON_Delete(s->field_sources);
    s->field_sources = NULL;
}

void spec_set_source(taf_model_spec *s, const char *field, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!s->field_sources)
        s->field_sources = cJSON_CreateObject();
    if (!s->field_sources)
        abort();
    cJSON *v = cJSON_CreateString(buf);
    if (!v)
        abort();
    if (cJSON_GetObjectItemCaseSensitive(s->field_sources, field))
        cJSON_ReplaceItemInObjectCaseSensitive(s->field_sources, field, v);
    else
        cJSON_AddItemToObject(s->field_sources, field, v);
}

const char *spec_field_source(const taf_model_spec *s, const char *field)
{
    const cJSON *v = s->field_sources
                         ? cJSON_GetObjectItemCaseSensitive(s->field_sources, field)
                         : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Case-insensitive substring search. */
static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

const char *spec_instruct_marker(const char *id)
{
    if (!id)
        return NULL;
    const char *name = strrchr(id, '/');
    name = name ? name + 1 : id;
    if (contains_ci(name, "instruct"))
        return "instruct";
    if (contains_ci(name, "chat"))
        return "chat";
    size_t n = strlen(name);
    if (n >= 3 && tolower((unsigned char)name[n - 3]) == '-' &&
        tolower((unsigned char)name[n - 2]) == 'i' && tolower((unsigned char)name[n - 1]) == 't')
        return "-it";
    if (contains_ci(name, "-it-"))
        return "-it";
    return NULL;
}

bool spec_check_id(const char *id, const char *where, taf_err *err)
{
    static const char HINT[] = "model ids are \"org/name\" or \"name\" as on the Hugging Face "
                               "hub, e.g. EleutherAI/pythia-70m";
    size_t n = strlen(id);
    if (n == 0)
        return taf_fail(err, "BAD_ID", HINT, "%s: expected a model id, got an empty one", where);
    if (n >= sizeof ((taf_model_spec *)0)->id)
        return taf_fail(err, "BAD_ID", HINT, "%s: model id '%.40s...' is longer than %zu bytes",
                        where, id, sizeof ((taf_model_spec *)0)->id - 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)id[i];
        if (c < 0x20 || c == 0x7F)
            return taf_fail(err, "BAD_ID", HINT,
                            "%s: model id has a control character (byte 0x%02X at %zu)", where, c,
                            i);
    }
    if (id[0] == ' ' || id[n - 1] == ' ')
        return taf_fail(err, "BAD_ID", HINT, "%s: model id '%s' starts or ends with a space",
                        where, id);
    for (const char *seg = id;;) {
        const char *slash = strchr(seg, '/');
        size_t len = slash ? (size_t)(slash - seg) : strlen(seg);
        if (len == 0 || (len == 1 && seg[0] == '.') || (len == 2 && seg[0] == '.' && seg[1] == '.'))
            return taf_fail(err, "BAD_ID", HINT,
                            "%s: model id '%s' has an empty, '.' or '..' part between slashes",
                            where, id);
        if (!slash)
            break;
        seg = slash + 1;
    }
    return true;
}

/* θ as an integer when integral (as the upstream presets write it), else
 * the shortest round-trip float. */
static cJSON *theta_json(double theta)
{
    if (theta == floor(theta) && fabs(theta) < MAX_EXACT_INT)
        return jint((long long)theta);
    return jnum(theta);
}

static cJSON *count_json(long long v, long long unknown_below)
{
    return v < unknown_below ? cJSON_CreateNull() : jint(v);
}

static void add(cJSON *o, const char *key, cJSON *item)
{
    if (!item || !cJSON_AddItemToObject(o, key, item))
        abort();
}

cJSON *spec_to_json(const taf_model_spec *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        abort();
    add(o, "id", cJSON_CreateString(s->id));
    add(o, "theta", s->has_theta ? theta_json(s->theta) : cJSON_CreateNull());
    add(o, "T_train", count_json(s->T_train, 1));
    add(o, "n_attention_heads", count_json(s->n_attention_heads, 1));
    add(o, "n_kv_heads", count_json(s->n_kv_heads, 1));
    add(o, "d_head", count_json(s->d_head, 1));
    add(o, "n_layers", count_json(s->n_layers, 1));
    add(o, "n_params", s->n_params > 0 ? jnum(s->n_params) : cJSON_CreateNull());
    add(o, "n_params_estimated", cJSON_CreateBool(s->n_params_estimated));
    add(o, "has_SWA", cJSON_CreateBool(s->has_SWA));
    add(o, "is_instruct", cJSON_CreateBool(s->is_instruct));
    add(o, "attention_class", cJSON_CreateString(s->attention_class));
    add(o, "position_encoding", cJSON_CreateString(s->position_encoding));
    add(o, "moe_experts", jint(s->moe_experts));
    add(o, "moe_active_experts", jint(s->moe_active_experts));
    add(o, "n_attention_layers", count_json(s->n_attention_layers, 0));
    add(o, "source", cJSON_CreateString(s->source));
    cJSON *fs = cJSON_CreateObject();
    if (!fs)
        abort();
    /* canonical order: the spec's own key order, then any other key sorted */
    for (int i = 0; SPEC_KEYS[i]; i++) {
        const char *v = spec_field_source(s, SPEC_KEYS[i]);
        if (v)
            add(fs, SPEC_KEYS[i], cJSON_CreateString(v));
    }
    for (;;) {
        const cJSON *next = NULL;
        for (const cJSON *it = s->field_sources ? s->field_sources->child : NULL; it;
             it = it->next) {
            if (!cJSON_IsString(it) || cJSON_GetObjectItemCaseSensitive(fs, it->string))
                continue;
            bool known = false;
            for (int i = 0; SPEC_KEYS[i]; i++)
                known = known || strcmp(SPEC_KEYS[i], it->string) == 0;
            if (!known && (!next || strcmp(it->string, next->string) < 0))
                next = it;
        }
        if (!next)
            break;
        add(fs, next->string, cJSON_CreateString(next->valuestring));
    }
    add(o, "field_sources", fs);
    return o;
}

/* ---- reading a spec ------------------------------------------------------ */

/* JSON pointer of a member key (RFC 6901 escapes: ~ -> ~0, / -> ~1). */
static void pointer_of(const char *key, char *out, size_t outsz)
{
    size_t n = 0;
    if (outsz == 0)
        return;
    out[n++] = '/';
    for (const char *p = key; *p && n + 3 < outsz; p++) {
        if (*p == '~' || *p == '/') {
            out[n++] = '~';
            out[n++] = *p == '~' ? '0' : '1';
        } else {
            out[n++] = *p;
        }
    }
    out[n < outsz ? n : outsz - 1] = '\0';
}

const char *spec_json_type_word(const cJSON *v)
{
    if (!v)
        return "nothing";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsArray(v))
        return "an array";
    if (cJSON_IsObject(v))
        return "an object";
    if (cJSON_IsNumber(v) || cJSON_IsRaw(v))
        return "a number";
    return "an unknown value";
}

#define SPEC_HINT "a model spec is the object spec_to_json writes (see presets/*.json)"

static bool bad(taf_err *err, const char *code, const char *path, const char *key,
                const char *expected, const cJSON *got)
{
    char ptr[200];
    pointer_of(key, ptr, sizeof ptr);
    char gotbuf[96] = "";
    double x;
    if (got && jget_double(got, &x))
        snprintf(gotbuf, sizeof gotbuf, "%.17g", x);
    else
        snprintf(gotbuf, sizeof gotbuf, "%s", spec_json_type_word(got));
    return taf_fail(err, code, SPEC_HINT, "%s: %s: expected %s, got %s", path, ptr, expected,
                    gotbuf);
}

/* A count: a positive (or, with allow_zero, non-negative) integer; null
 * leaves *out at `unknown` when nullable. */
static bool read_count(const cJSON *j, const char *path, const char *key, bool nullable,
                       bool allow_zero, long long unknown, long long *out, taf_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    const char *expected = allow_zero ? (nullable ? "a non-negative integer or null"
                                                  : "a non-negative integer")
                                      : (nullable ? "a positive integer or null"
                                                  : "a positive integer");
    if (!v)
        return true;
    if (cJSON_IsNull(v)) {
        if (!nullable)
            return bad(err, "WRONG_TYPE", path, key, expected, v);
        *out = unknown;
        return true;
    }
    double x;
    if (!jget_double(v, &x))
        return bad(err, "WRONG_TYPE", path, key, expected, v);
    if (!isfinite(x) || x != floor(x) || fabs(x) > MAX_EXACT_INT)
        return bad(err, "WRONG_TYPE", path, key, expected, v);
    if (x < 0 || (x == 0 && !allow_zero))
        return bad(err, "OUT_OF_RANGE", path, key, expected, v);
    *out = (long long)x;
    return true;
}

static bool read_bool(const cJSON *j, const char *path, const char *key, bool *out,
                      taf_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!v)
        return true;
    if (!cJSON_IsBool(v))
        return bad(err, "WRONG_TYPE", path, key, "true or false", v);
    *out = cJSON_IsTrue(v);
    return true;
}

static bool read_str(const cJSON *j, const char *path, const char *key, char *out,
                     size_t outsz, const char *const *allowed, taf_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    if (!v)
        return true;
    if (!cJSON_IsString(v))
        return bad(err, "WRONG_TYPE", path, key, "a string", v);
    if (allowed) {
        bool ok = false;
        char list[200] = "one of";
        for (int i = 0; allowed[i]; i++) {
            ok = ok || strcmp(allowed[i], v->valuestring) == 0;
            size_t n = strlen(list);
            snprintf(list + n, sizeof list - n, " %s", allowed[i]);
        }
        if (!ok) {
            char ptr[200];
            pointer_of(key, ptr, sizeof ptr);
            return taf_fail(err, "OUT_OF_RANGE", SPEC_HINT, "%s: %s: expected %s, got \"%s\"",
                            path, ptr, list, v->valuestring);
        }
    }
    if (strlen(v->valuestring) >= outsz) {
        char ptr[200];
        pointer_of(key, ptr, sizeof ptr);
        return taf_fail(err, "OUT_OF_RANGE", SPEC_HINT,
                        "%s: %s: expected a string shorter than %zu bytes", path, ptr, outsz);
    }
    snprintf(out, outsz, "%s", v->valuestring);
    return true;
}

bool spec_from_json(const cJSON *j, const char *path, taf_model_spec *out, taf_err *err)
{
    if (!path)
        path = "model spec";
    spec_init(out);
    if (!cJSON_IsObject(j))
        return taf_fail(err, "WRONG_TYPE", SPEC_HINT, "%s: (root): expected a JSON object, got %s",
                        path, spec_json_type_word(j));
    /* unknown keys first: a typo is the likeliest cause of anything else */
    for (const cJSON *it = j->child; it; it = it->next) {
        bool known = false;
        for (int i = 0; SPEC_KEYS[i]; i++)
            known = known || strcmp(SPEC_KEYS[i], it->string) == 0;
        if (!known) {
            char ptr[200];
            pointer_of(it->string, ptr, sizeof ptr);
            return taf_fail(err, "UNKNOWN_KEY",
                            "known keys: id theta T_train n_attention_heads n_kv_heads d_head "
                            "n_layers n_params n_params_estimated has_SWA is_instruct "
                            "attention_class position_encoding moe_experts moe_active_experts "
                            "n_attention_layers source field_sources",
                            "%s: %s: unknown key in a model spec", path, ptr);
        }
    }
    static const char *const required[] = {"theta",  "T_train",  "n_attention_heads",
                                           "n_kv_heads", "d_head", "n_layers",
                                           "n_params", NULL};
    for (int i = 0; required[i]; i++) {
        if (!cJSON_GetObjectItemCaseSensitive(j, required[i])) {
            char ptr[64];
            pointer_of(required[i], ptr, sizeof ptr);
            return taf_fail(err, "MISSING_FIELD",
                            strcmp(required[i], "theta") == 0
                                ? "give the RoPE base, or \"theta\": null for a model without RoPE"
                                : SPEC_HINT,
                            "%s: %s: missing (a model spec needs theta, T_train, "
                            "n_attention_heads, n_kv_heads, d_head, n_layers, n_params)",
                            path, ptr);
        }
    }
    bool ok = read_str(j, path, "id", out->id, sizeof out->id, NULL, err);
    /* "" means no id (the preset's file name gives it) */
    if (ok && out->id[0]) {
        char where[600];
        snprintf(where, sizeof where, "%s: /id", path);
        ok = spec_check_id(out->id, where, err);
    }
    const cJSON *th = cJSON_GetObjectItemCaseSensitive(j, "theta");
    if (ok && !cJSON_IsNull(th)) {
        double x;
        if (!jget_double(th, &x))
            ok = bad(err, "WRONG_TYPE", path, "theta", "a number > 0 or null (no RoPE)", th);
        else if (!isfinite(x) || x <= 0)
            ok = bad(err, "OUT_OF_RANGE", path, "theta", "a number > 0 or null (no RoPE)", th);
        else {
            out->has_theta = true;
            out->theta = x;
        }
    }
    ok = ok && read_count(j, path, "T_train", true, false, 0, &out->T_train, err);
    ok = ok && read_count(j, path, "n_attention_heads", true, false, 0, &out->n_attention_heads, err);
    ok = ok && read_count(j, path, "n_kv_heads", true, false, 0, &out->n_kv_heads, err);
    ok = ok && read_count(j, path, "d_head", true, false, 0, &out->d_head, err);
    ok = ok && read_count(j, path, "n_layers", true, false, 0, &out->n_layers, err);
    const cJSON *np = cJSON_GetObjectItemCaseSensitive(j, "n_params");
    if (ok && !cJSON_IsNull(np)) {
        double x;
        if (!jget_double(np, &x))
            ok = bad(err, "WRONG_TYPE", path, "n_params", "a number > 0 or null", np);
        else if (!isfinite(x) || x <= 0)
            ok = bad(err, "OUT_OF_RANGE", path, "n_params", "a number > 0 or null", np);
        else
            out->n_params = x;
    }
    ok = ok && read_bool(j, path, "n_params_estimated", &out->n_params_estimated, err);
    ok = ok && read_bool(j, path, "has_SWA", &out->has_SWA, err);
    ok = ok && read_bool(j, path, "is_instruct", &out->is_instruct, err);
    /* a minimal spec (the upstream PRESETS form) gets its class from has_SWA
     * and its encoding from θ */
    if (ok) {
        snprintf(out->attention_class, sizeof out->attention_class, "%s",
                 out->has_SWA ? "SWA" : "FULL");
        snprintf(out->position_encoding, sizeof out->position_encoding, "%s",
                 out->has_theta ? "rope" : "unknown");
    }
    ok = ok && read_str(j, path, "attention_class", out->attention_class,
                        sizeof out->attention_class, CLASSES, err);
    ok = ok && read_str(j, path, "position_encoding", out->position_encoding,
                        sizeof out->position_encoding, ENCODINGS, err);
    ok = ok && read_count(j, path, "moe_experts", false, true, 0, &out->moe_experts, err);
    ok = ok && read_count(j, path, "moe_active_experts", false, true, 0,
                          &out->moe_active_experts, err);
    out->n_attention_layers = out->n_layers > 0 ? out->n_layers : -1;
    ok = ok && read_count(j, path, "n_attention_layers", true, true, -1,
                          &out->n_attention_layers, err);
    ok = ok && read_str(j, path, "source", out->source, sizeof out->source, NULL, err);
    const cJSON *fs = cJSON_GetObjectItemCaseSensitive(j, "field_sources");
    if (ok && fs && !cJSON_IsNull(fs)) {
        if (!cJSON_IsObject(fs))
            ok = bad(err, "WRONG_TYPE", path, "field_sources",
                     "an object of strings, e.g. {\"theta\": \"rope_theta\"}", fs);
        for (const cJSON *it = ok ? fs->child : NULL; it; it = it->next) {
            if (!cJSON_IsString(it)) {
                char ptr[200];
                pointer_of(it->string, ptr, sizeof ptr);
                ok = taf_fail(err, "WRONG_TYPE", SPEC_HINT,
                              "%s: /field_sources%s: expected a string, got %s", path, ptr,
                              spec_json_type_word(it));
                break;
            }
            spec_set_source(out, it->string, "%s", it->valuestring);
        }
    }
    /* consistency between fields */
    if (ok && out->n_kv_heads > 0 && out->n_attention_heads > 0 &&
        out->n_kv_heads > out->n_attention_heads)
        ok = taf_fail(err, "OUT_OF_RANGE", SPEC_HINT,
                      "%s: /n_kv_heads: expected at most n_attention_heads (%lld), got %lld",
                      path, out->n_attention_heads, out->n_kv_heads);
    if (ok && out->n_layers > 0 && out->n_attention_layers > out->n_layers)
        ok = taf_fail(err, "OUT_OF_RANGE", SPEC_HINT,
                      "%s: /n_attention_layers: expected at most n_layers (%lld), got %lld",
                      path, out->n_layers, out->n_attention_layers);
    if (ok && out->moe_active_experts > out->moe_experts)
        ok = taf_fail(err, "OUT_OF_RANGE", SPEC_HINT,
                      "%s: /moe_active_experts: expected at most moe_experts (%lld), got %lld",
                      path, out->moe_experts, out->moe_active_experts);
    if (ok && out->has_theta && strcmp(out->position_encoding, "rope") != 0)
        ok = taf_fail(err, "OUT_OF_RANGE",
                      "a RoPE base belongs to position_encoding \"rope\"; models without RoPE "
                      "have \"theta\": null",
                      "%s: /theta: %.17g given but position_encoding is \"%s\"", path,
                      out->theta, out->position_encoding);
    if (!ok)
        spec_free(out);
    return ok;
}

cJSON *spec_recipe_args(const taf_model_spec *s)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        abort();
    if (s->has_theta)
        add(o, "theta", theta_json(s->theta));
    /* unknown counts are left out: the recipe then names what is missing */
    if (s->T_train > 0)
        add(o, "T_train", jint(s->T_train));
    if (s->n_attention_heads > 0)
        add(o, "n_attention_heads", jint(s->n_attention_heads));
    if (s->n_kv_heads > 0)
        add(o, "n_kv_heads", jint(s->n_kv_heads));
    if (s->d_head > 0)
        add(o, "d_head", jint(s->d_head));
    if (s->n_layers > 0)
        add(o, "n_layers", jint(s->n_layers));
    if (s->n_params > 0)
        add(o, "n_params", jnum(s->n_params));
    add(o, "has_SWA", cJSON_CreateBool(s->has_SWA));
    return o;
}
