#include "recipes/chain.h"

#include <stdlib.h>

#include "util/jsonnum.h"

cJSON *jobj(void)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        abort();
    return o;
}

void chain_step(cJSON *chain, int n, const char *section, const char *name,
                const char *formula, cJSON *inputs, cJSON *result,
                const char *interpretation, cJSON *breakdown,
                const char *interp_code, cJSON *interp_params)
{
    cJSON *s = jobj();
    jadd_int(s, "step", n);
    jadd_str(s, "section", section);
    jadd_str(s, "name", name);
    jadd_str(s, "formula", formula);
    cJSON_AddItemToObject(s, "inputs", inputs ? inputs : jobj());
    cJSON_AddItemToObject(s, "result", result ? result : cJSON_CreateNull());
    if (interpretation && interpretation[0])
        jadd_str(s, "interpretation", interpretation);
    if (breakdown && breakdown->child)
        cJSON_AddItemToObject(s, "breakdown", breakdown);
    else
        cJSON_Delete(breakdown);
    if (interp_code) {
        jadd_str(s, "interp_code", interp_code);
        cJSON_AddItemToObject(s, "interp_params", interp_params ? interp_params : jobj());
    } else {
        cJSON_Delete(interp_params);
    }
    cJSON_AddItemToArray(chain, s);
}

cJSON *recipe_wrap(const char *rid, const char *rname, cJSON *inputs, cJSON *chain,
                   const char *verdict, const char *reason, const char *mitigation,
                   const char *reason_code, cJSON *reason_params,
                   const char *mit_code, cJSON *mit_params)
{
    cJSON *o = jobj();
    jadd_str(o, "recipe_id", rid);
    jadd_str(o, "recipe_name", rname);
    cJSON_AddItemToObject(o, "inputs", inputs);
    cJSON_AddItemToObject(o, "chain", chain);
    jadd_str(o, "verdict", verdict);
    jadd_str(o, "reason", reason);
    jadd_str(o, "mitigation", mitigation);
    if (reason_code) {
        jadd_str(o, "reason_code", reason_code);
        cJSON_AddItemToObject(o, "reason_params", reason_params ? reason_params : jobj());
    } else {
        cJSON_Delete(reason_params);
    }
    if (mit_code) {
        jadd_str(o, "mit_code", mit_code);
        cJSON_AddItemToObject(o, "mit_params", mit_params ? mit_params : jobj());
    } else {
        cJSON_Delete(mit_params);
    }
    return o;
}
