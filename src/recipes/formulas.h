/* The stand-alone formula registry: every TAF formula of the reference
 * (§17, §19, §20, §24, §26, §28–§34 and the diagnose CLI's thermodynamics)
 * callable by name with a JSON object of arguments, returning the
 * reference function's return value as JSON (same keys in the same order,
 * None and non-finite floats as null, Python ints as JSON integers).
 *
 * Each formula declares its parameters as an arg_spec table (recipes/args.h),
 * so validation, defaults and `--list` come from one place. */
#ifndef TAF_RECIPES_FORMULAS_H
#define TAF_RECIPES_FORMULAS_H

#include <cjson/cJSON.h>

#include "recipes/args.h"
#include "util/err.h"

/* A formula's runner receives validated arguments; NULL + *err for input the
 * reference rejects (raises) or could only answer with nonsense. */
typedef cJSON *(*formula_fn)(const taf_args *a, taf_err *err);

typedef struct {
    const char *name;        /* the reference's function name */
    const char *section;     /* "§26.1", ... */
    const char *description; /* one line */
    const arg_spec *spec;    /* parameters in the reference's signature order */
    int nspec;
    /* Parameters that must be given but may be JSON null (the reference
     * accepts None there, e.g. gamma for hagedorn_safety_alert); in spec they
     * are optional without default. NULL-terminated, may be NULL. */
    const char *const *nullable;
    formula_fn run;
} taf_formula;

extern const taf_formula TAF_FORMULAS[];
extern const int TAF_N_FORMULAS;

/* The registry entry for `name`, or NULL. */
const taf_formula *formula_find(const char *name);

/* Validate `args` (a JSON object; NULL = no arguments) and evaluate formula
 * `name`. Returns a new JSON value (object, array, number, string, bool or
 * null), or NULL with *err set: UNKNOWN_FORMULA (hint names close matches),
 * the args_parse codes (UNKNOWN_ARGUMENT, MISSING_ARGUMENT, WRONG_TYPE,
 * OUT_OF_RANGE), OUT_OF_RANGE for values the formula cannot evaluate, and
 * UNKNOWN_GPU for a GPU outside the §20 catalog. */
cJSON *formula_run(const char *name, const cJSON *args, taf_err *err);

/* `tafcard formula --list --json`: [{name, section, description,
 * params: [{name, kind, required, nullable?, default?, help}]}] in registry
 * order. kind is "integer", "number", "boolean" or "string". */
cJSON *formula_list_json(void);

/* One entry of formula_list_json() (for `tafcard formula NAME --help`). */
cJSON *formula_describe_json(const taf_formula *f);

#endif
