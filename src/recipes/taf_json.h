/* JSON views of the pure formula results, with the reference's key order.
 * Shared by recipes, the profile and the formula registry so each shape is
 * written once. */
#ifndef TAF_RECIPES_TAF_JSON_H
#define TAF_RECIPES_TAF_JSON_H

#include <cjson/cJSON.h>

#include "taf/diag.h"
#include "taf/gamma.h"
#include "taf/imprint.h"

cJSON *taf_decomp_json(const taf_decomp *d);
cJSON *taf_hagedorn_json(const taf_hagedorn *h);
cJSON *taf_invariant_K_json(const taf_invariant_K *k);
/* The first `max` hits as [{constant, value, error}]. */
cJSON *taf_const_hits_json(const taf_const_proximity *p, int max);

#endif
