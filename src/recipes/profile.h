/* The TAF Card profile (all five default recipes on one model, key
 * numbers, v0.4 diagnostics, falsification status) and the side-by-side
 * comparison of one recipe across models. */
#ifndef TAF_RECIPES_PROFILE_H
#define TAF_RECIPES_PROFILE_H

#include <cjson/cJSON.h>

#include "recipes/args.h"
#include "util/err.h"

extern const arg_spec PROFILE_SPEC[];
extern const int PROFILE_NSPEC;

/* profile_model: NULL + err when the model spec itself is invalid. A
 * recipe that cannot run on this model gets verdict "ERROR" with the
 * reason (code and message), as the reference reports it. */
cJSON *profile_run(const cJSON *args, taf_err *err);

/* The same, also adding each recipe's full result object (audit chain
 * included) to `full` keyed by recipe id (full may be NULL). */
cJSON *profile_run_full(const cJSON *args, cJSON *full, taf_err *err);

/* compare_models: `specs` is an array of model specs, each with an
 * optional "label"; `shared` (may be NULL) is merged into every spec. */
cJSON *compare_run(const cJSON *specs, const char *recipe_id, const cJSON *shared,
                   taf_err *err);

#endif
