/* Shared helpers for the golden-vector tests. */
#ifndef TAF_TESTS_VECTORS_H
#define TAF_TESTS_VECTORS_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "recipes/recipe.h"

/* Load $TAF_TEST_DATA/vectors/<name> (aborts the test when missing). */
cJSON *vectors_load(const char *name, size_t *n);

/* Compare a recipe result with its vector: everything through json_close,
 * except `inputs`, where the reference also echoes incidental locals
 * (flops, n_params_M, ...) and drops some arguments (gamma_obs): every
 * declared parameter in expect must match ours, and every key we add must
 * be a declared parameter of the recipe. */
bool recipe_matches(const taf_recipe *r, const cJSON *expect, const cJSON *got, char *why,
                    size_t whysz);

#endif
