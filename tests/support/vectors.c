#include "support/vectors.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support/jsoncmp.h"

cJSON *vectors_load(const char *name, size_t *n)
{
    const char *dir = getenv("TAF_TEST_DATA");
    char path[1024];
    snprintf(path, sizeof path, "%s/vectors/%s", dir ? dir : "tests", name);
    cJSON *all = jsonl_read_all(path, n);
    cr_assert_not_null(all, "cannot read vectors %s", path);
    return all;
}

static bool declared(const taf_recipe *r, const char *name)
{
    int n = recipe_spec_len(r);
    for (int i = 0; i < n; i++)
        if (strcmp(r->spec[i].name, name) == 0)
            return true;
    return false;
}

bool recipe_matches(const taf_recipe *r, const cJSON *expect, const cJSON *got, char *why,
                    size_t whysz)
{
    cJSON *e = cJSON_Duplicate(expect, true), *g = cJSON_Duplicate(got, true);
    cJSON *ei = cJSON_DetachItemFromObjectCaseSensitive(e, "inputs");
    cJSON *gi = cJSON_DetachItemFromObjectCaseSensitive(g, "inputs");
    bool ok = json_close(e, g, 1e-12, why, whysz);
    for (const cJSON *it = ei ? ei->child : NULL; ok && it; it = it->next) {
        if (!declared(r, it->string))
            continue;
        const cJSON *mine = cJSON_GetObjectItemCaseSensitive(gi, it->string);
        char sub[512];
        if (!mine || !json_close(it, mine, 1e-12, sub, sizeof sub)) {
            snprintf(why, whysz, "/inputs/%s: %s", it->string, mine ? sub : "missing");
            ok = false;
        }
    }
    for (const cJSON *it = gi ? gi->child : NULL; ok && it; it = it->next) {
        if (!declared(r, it->string)) {
            snprintf(why, whysz, "/inputs/%s: not a parameter of %s", it->string, r->id);
            ok = false;
        }
    }
    cJSON_Delete(ei);
    cJSON_Delete(gi);
    cJSON_Delete(e);
    cJSON_Delete(g);
    return ok;
}
