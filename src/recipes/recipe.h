/* The recipe registry: the eight TAF recipes, their parameters and their
 * runners. A runner receives validated arguments and returns the result
 * object, or NULL with *err set for input the recipe cannot evaluate (an
 * unknown GPU, a GPU without an hourly price, ...). */
#ifndef TAF_RECIPES_RECIPE_H
#define TAF_RECIPES_RECIPE_H

#include <cjson/cJSON.h>

#include "recipes/args.h"
#include "util/err.h"

typedef cJSON *(*recipe_fn)(taf_args *args, taf_err *err);

typedef struct {
    const char *id;
    const char *name;        /* registry name (list/UI) */
    const char *description;
    const char *category;
    const char *const *params;     /* the reference registry's advertised params */
    const char *const *sections;
    const arg_spec *spec;          /* every accepted parameter, signature order */
    recipe_fn run;
} taf_recipe;

extern const taf_recipe TAF_RECIPES[];
extern const int TAF_N_RECIPES;

const taf_recipe *recipe_find(const char *id);
/* Number of entries in r->spec. */
int recipe_spec_len(const taf_recipe *r);

/* Validate `args_obj` and run recipe `id`. NULL + err on any bad input. */
cJSON *recipe_run(const char *id, const cJSON *args_obj, taf_err *err);

/* `tafcard recipes --json`: [{id, name, description, category, params,
 * uses_sections}] in registry order. */
cJSON *recipe_registry_json(void);

/* Each recipe's parameter table and runner (recipes/x*.c). */
#define DECLARE_RECIPE(sym)                      \
    extern const arg_spec sym##_SPEC[];          \
    extern const int sym##_NSPEC;                \
    cJSON *sym##_run(taf_args *args, taf_err *err)
DECLARE_RECIPE(X1);
DECLARE_RECIPE(X2);
DECLARE_RECIPE(X3);
DECLARE_RECIPE(X5);
DECLARE_RECIPE(X19);
DECLARE_RECIPE(X21);
DECLARE_RECIPE(X22);
DECLARE_RECIPE(X23);

#endif
