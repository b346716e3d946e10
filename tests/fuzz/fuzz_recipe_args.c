/* libFuzzer harness: recipe and formula argument parsing and evaluation
 * (what `tafcard recipe ID --args JSON` and `tafcard formula` do).
 *
 * Byte 0 picks the target: a recipe (recipe_run), the profile
 * (profile_run) or a stand-alone formula (formula_run); the rest is the
 * --args JSON text (invalid JSON is passed as "no arguments"). Every
 * failure must carry an error code; every result must print. */
#include "fuzz_util.h"

#include "recipes/formulas.h"
#include "recipes/profile.h"
#include "recipes/recipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned sel = data[0];
    cJSON *args = cJSON_ParseWithLength((const char *)data + 1, size - 1);
    taf_err err = {0};
    cJSON *out;
    const char *what;
    if (sel < 0x80) {
        int k = (int)(sel % (unsigned)(TAF_N_RECIPES + 1));
        if (k == TAF_N_RECIPES) {
            what = "profile_run";
            out = profile_run(args, &err);
        } else {
            what = TAF_RECIPES[k].id;
            out = recipe_run(TAF_RECIPES[k].id, args, &err);
        }
    } else {
        const taf_formula *f = &TAF_FORMULAS[(sel - 0x80) % (unsigned)TAF_N_FORMULAS];
        what = f->name;
        out = formula_run(f->name, args, &err);
    }
    if (out) {
        char *s = cJSON_PrintUnformatted(out);
        if (!s)
            abort();
        free(s);
        cJSON_Delete(out);
    } else {
        fz_check_err(&err, what);
    }
    cJSON_Delete(args);
    return 0;
}
