#include "recipes/args.h"
#include "util/jsonnum.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const MODEL_KEYS[] = {
    "theta", "T_train", "T_eval", "n_attention_heads", "n_kv_heads", "d_head",
    "n_layers", "n_params", "has_SWA", "model_id", "label",
    /* the preset/model-spec metadata (src/store/modelspec.h) */
    "id", "n_params_estimated", "is_instruct", "attention_class", "position_encoding",
    "moe_experts", "moe_active_experts", "n_attention_layers", "source", "field_sources",
    NULL};

bool args_is_model_key(const char *name)
{
    for (int i = 0; MODEL_KEYS[i]; i++)
        if (strcmp(MODEL_KEYS[i], name) == 0)
            return true;
    return false;
}

static int find(const taf_args *a, const char *name)
{
    for (int i = 0; i < a->n; i++)
        if (strcmp(a->spec[i].name, name) == 0)
            return i;
    return -1;
}

static int must_find(const taf_args *a, const char *name)
{
    int i = find(a, name);
    if (i < 0)
        abort(); /* a recipe asked for a parameter it never declared */
    return i;
}

static const char *kind_word(arg_kind k)
{
    switch (k) {
    case ARG_INT: return "an integer";
    case ARG_NUM: case ARG_AUTO: return "a number";
    case ARG_BOOL: return "true or false";
    case ARG_STR: return "a string";
    }
    return "a value";
}

static const char *range_word(arg_range r)
{
    switch (r) {
    case RANGE_POS: return "> 0";
    case RANGE_NONNEG: return ">= 0";
    case RANGE_UNIT: return "in (0, 1]";
    case RANGE_ANY: break;
    }
    return "finite";
}

static bool set_value(taf_args *a, int i, const cJSON *v, const char *what,
                      taf_err *err)
{
    const arg_spec *s = &a->spec[i];
    if (s->kind == ARG_STR) {
        if (!cJSON_IsString(v))
            return taf_fail(err, "WRONG_TYPE", s->help,
                            "%s: argument '%s' must be %s", what, s->name,
                            kind_word(s->kind));
        free(a->str[i]);
        a->str[i] = strdup(v->valuestring);
        if (!a->str[i])
            abort();
    } else if (s->kind == ARG_BOOL) {
        if (!cJSON_IsBool(v))
            return taf_fail(err, "WRONG_TYPE", s->help,
                            "%s: argument '%s' must be %s", what, s->name,
                            kind_word(s->kind));
        a->flag[i] = cJSON_IsTrue(v);
    } else {
        double x;
        if (!cJSON_IsNumber(v) && !cJSON_IsRaw(v))
            return taf_fail(err, "WRONG_TYPE", s->help,
                            "%s: argument '%s' must be %s, got %s", what, s->name,
                            kind_word(s->kind),
                            cJSON_IsString(v) ? "a string"
                            : cJSON_IsBool(v) ? "a boolean"
                            : cJSON_IsNull(v) ? "null" : "a non-number");
        if (!jget_double(v, &x) || !isfinite(x))
            return taf_fail(err, "OUT_OF_RANGE", s->help,
                            "%s: argument '%s' must be a finite number", what,
                            s->name);
        if (s->kind == ARG_INT && (x != floor(x) || fabs(x) > 9007199254740992.0))
            return taf_fail(err, "WRONG_TYPE", s->help,
                            "%s: argument '%s' must be an integer, got %.17g", what,
                            s->name, x);
        bool ok = true;
        switch (s->range) {
        case RANGE_POS: ok = x > 0; break;
        case RANGE_NONNEG: ok = x >= 0; break;
        case RANGE_UNIT: ok = x > 0 && x <= 1; break;
        case RANGE_ANY: break;
        }
        if (!ok)
            return taf_fail(err, "OUT_OF_RANGE", s->help,
                            "%s: argument '%s' must be %s, got %.17g", what, s->name,
                            range_word(s->range), x);
        a->num[i] = x;
    }
    a->present[i] = true;
    return true;
}

bool args_parse(taf_args *a, const arg_spec *spec, int n, const cJSON *obj,
                const char *what, taf_err *err)
{
    memset(a, 0, sizeof *a);
    a->spec = spec;
    a->n = n;
    if (n > TAF_MAX_ARGS)
        abort();
    if (obj && !cJSON_IsObject(obj))
        return taf_fail(err, "WRONG_TYPE", "pass the arguments as a JSON object",
                        "%s: arguments must be a JSON object", what);
    /* unknown names first: a typo is the likeliest cause of a missing one */
    for (const cJSON *it = obj ? obj->child : NULL; it; it = it->next) {
        if (find(a, it->string) < 0 && !args_is_model_key(it->string)) {
            char hint[300] = "known arguments:";
            for (int i = 0; i < n; i++) {
                size_t len = strlen(hint);
                snprintf(hint + len, sizeof hint - len, " %s", spec[i].name);
            }
            return taf_fail(err, "UNKNOWN_ARGUMENT", hint,
                            "%s: unknown argument '%s'", what, it->string);
        }
    }
    for (int i = 0; i < n; i++) {
        const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, spec[i].name) : NULL;
        bool parsed_default = false;
        cJSON *def = NULL;
        if (v && cJSON_IsNull(v) && !spec[i].required)
            v = NULL; /* explicit null = "not given", as in the reference */
        if (!v) {
            if (spec[i].required)
                return taf_fail(err, "MISSING_ARGUMENT", spec[i].help,
                                "%s: missing required argument '%s'", what,
                                spec[i].name);
            if (!spec[i].default_json)
                continue;
            def = cJSON_Parse(spec[i].default_json);
            if (!def)
                abort();
            v = def;
            parsed_default = true;
        }
        bool ok = set_value(a, i, v, what, err);
        if (parsed_default)
            cJSON_Delete(def);
        if (!ok) {
            args_free(a);
            return false;
        }
    }
    return true;
}

void args_free(taf_args *a)
{
    for (int i = 0; i < a->n; i++) {
        free(a->str[i]);
        a->str[i] = NULL;
    }
}

bool args_has(const taf_args *a, const char *name) { return a->present[must_find(a, name)]; }
double args_num(const taf_args *a, const char *name) { return a->num[must_find(a, name)]; }
long long args_int(const taf_args *a, const char *name) { return (long long)a->num[must_find(a, name)]; }
bool args_bool(const taf_args *a, const char *name) { return a->flag[must_find(a, name)]; }
const char *args_str(const taf_args *a, const char *name) { return a->str[must_find(a, name)]; }

void args_set_num(taf_args *a, const char *name, double v)
{
    int i = must_find(a, name);
    a->num[i] = v;
    a->present[i] = true;
}

static cJSON *value_json(const taf_args *a, int i)
{
    const arg_spec *s = &a->spec[i];
    if (!a->present[i])
        return cJSON_CreateNull();
    switch (s->kind) {
    case ARG_STR: return cJSON_CreateString(a->str[i]);
    case ARG_BOOL: return cJSON_CreateBool(a->flag[i]);
    case ARG_INT: return jint((long long)a->num[i]);
    case ARG_AUTO:
        if (a->num[i] == floor(a->num[i]) && fabs(a->num[i]) < 9007199254740992.0)
            return jint((long long)a->num[i]);
        return jnum(a->num[i]);
    case ARG_NUM: return jnum(a->num[i]);
    }
    return cJSON_CreateNull();
}

cJSON *args_value_json(const taf_args *a, const char *name)
{
    return value_json(a, must_find(a, name));
}

cJSON *args_echo(const taf_args *a, const char *const *skip)
{
    cJSON *o = cJSON_CreateObject();
    for (int i = 0; i < a->n; i++) {
        bool skipped = false;
        for (int k = 0; skip && skip[k]; k++)
            if (strcmp(skip[k], a->spec[i].name) == 0)
                skipped = true;
        if (!skipped)
            cJSON_AddItemToObject(o, a->spec[i].name, value_json(a, i));
    }
    return o;
}
