/* Typed, validated recipe/formula arguments.
 *
 * A recipe declares its parameters as an arg_spec table in the reference's
 * signature order; args_parse() checks a JSON object against it (types,
 * ranges, unknown names) and fills defaults, so recipe code only ever sees
 * valid values. The table order is also the order `inputs` are echoed in. */
#ifndef TAF_RECIPES_ARGS_H
#define TAF_RECIPES_ARGS_H

#include <stdbool.h>
#include <cjson/cJSON.h>

#include "util/err.h"

typedef enum {
    ARG_INT,   /* integer-valued number, echoed as an integer */
    ARG_NUM,   /* any finite number, echoed as a float */
    ARG_AUTO,  /* any finite number, echoed as an integer when integral (θ) */
    ARG_BOOL,
    ARG_STR,
} arg_kind;

typedef enum {
    RANGE_ANY = 0,   /* finite */
    RANGE_POS,       /* > 0 */
    RANGE_NONNEG,    /* ≥ 0 */
    RANGE_UNIT,      /* (0, 1] */
} arg_range;

typedef struct {
    const char *name;
    arg_kind kind;
    arg_range range;
    bool required;
    /* Default as JSON text ("2.0", "\"H100 SXM\"", "false"); NULL means the
     * argument is optional and absent (echoed as null) unless the recipe
     * fills it in. */
    const char *default_json;
    const char *help;
} arg_spec;

#define TAF_MAX_ARGS 24

typedef struct {
    const arg_spec *spec;
    int n;
    bool present[TAF_MAX_ARGS];
    double num[TAF_MAX_ARGS];
    bool flag[TAF_MAX_ARGS];
    char *str[TAF_MAX_ARGS];
} taf_args;

/* Names accepted silently by every recipe: the shared model-spec keys, so
 * one model spec can be passed to any recipe (as the reference does). */
bool args_is_model_key(const char *name);

/* Parse `obj` against `spec` (n entries). Unknown names that are neither in
 * the spec nor shared model keys are rejected (typos must not be silently
 * ignored). `what` names the recipe/formula in messages. */
bool args_parse(taf_args *a, const arg_spec *spec, int n, const cJSON *obj,
                const char *what, taf_err *err);
void args_free(taf_args *a);

bool args_has(const taf_args *a, const char *name);
double args_num(const taf_args *a, const char *name);
long long args_int(const taf_args *a, const char *name);
bool args_bool(const taf_args *a, const char *name);
const char *args_str(const taf_args *a, const char *name);
/* Fill a value the recipe derives as a default (e.g. D_tokens = 20·N). */
void args_set_num(taf_args *a, const char *name, double v);

/* The `inputs` echo: every parameter in spec order, defaults filled,
 * absent optionals as null. Names in `skip` (NULL-terminated, may be NULL)
 * are left out. */
cJSON *args_echo(const taf_args *a, const char *const *skip);

/* One parameter's value as a JSON node (as echoed). */
cJSON *args_value_json(const taf_args *a, const char *name);

#endif
