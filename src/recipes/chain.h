/* Audit-chain and result-object builders shared by every recipe. They fix
 * the key order and the optional-field rules of the reference's result
 * object (see ARCHITECTURE.md, "Recipe result object"). All cJSON arguments
 * are taken over (freed with the result). */
#ifndef TAF_RECIPES_CHAIN_H
#define TAF_RECIPES_CHAIN_H

#include <cjson/cJSON.h>

/* Append one step. interpretation: omitted when NULL or "" (as the
 * reference does for falsy text); breakdown: omitted when NULL or empty;
 * interp_code: when non-NULL, interp_params is written too ({} if NULL).
 * When interp_code is NULL, interp_params must be NULL. */
void chain_step(cJSON *chain, int n, const char *section, const char *name,
                const char *formula, cJSON *inputs, cJSON *result,
                const char *interpretation, cJSON *breakdown,
                const char *interp_code, cJSON *interp_params);

/* The result object: recipe_id, recipe_name, inputs, chain, verdict, reason,
 * mitigation, then reason_code/reason_params and mit_code/mit_params when
 * the codes are non-NULL (params default to {}). */
cJSON *recipe_wrap(const char *rid, const char *rname, cJSON *inputs, cJSON *chain,
                   const char *verdict, const char *reason, const char *mitigation,
                   const char *reason_code, cJSON *reason_params,
                   const char *mit_code, cJSON *mit_params);

/* Small object builders for inputs/params: jobj() then jadd_* from
 * util/jsonnum.h. */
cJSON *jobj(void);

#endif
