/* libFuzzer harness: the config.json normaliser and the model-spec reader.
 *
 * The input is one JSON text, read as ingest reads a config/preset file
 * (util/nanjson.h pre-pass, duplicate-key check), then normalised with
 * config_to_spec and read as a preset with spec_from_json. Invariants
 * checked (abort on violation):
 *  - every failure carries an error code and message;
 *  - a spec made from a config serialises (spec_to_json) to an object that
 *    spec_from_json reads back, and serialising that again gives the same
 *    bytes (the stored canonical spec is stable). */
#include "fuzz_util.h"

#include "store/modelspec.h"
#include "store/panel_files.h"
#include "util/nanjson.h"

static void roundtrip(const taf_model_spec *s)
{
    cJSON *j = spec_to_json(s);
    char *a = cJSON_PrintUnformatted(j);
    taf_model_spec back;
    taf_err err = {0};
    if (!spec_from_json(j, "roundtrip", &back, &err)) {
        fprintf(stderr, "spec_to_json output rejected by spec_from_json: %s: %s\n%s\n",
                err.code, err.message, a);
        abort();
    }
    cJSON *j2 = spec_to_json(&back);
    char *b = cJSON_PrintUnformatted(j2);
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "spec JSON not stable:\n%s\n%s\n", a, b);
        abort();
    }
    free(a);
    free(b);
    cJSON_Delete(j);
    cJSON_Delete(j2);
    spec_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    nanjson_counts counts;
    int line = 0, col = 0;
    cJSON *root = nanjson_parse((const char *)data, size, &counts, &line, &col);
    if (!root) {
        if (line < 1 || col < 1)
            abort();
        return 0;
    }
    taf_err err = {0};
    if (!pf_check_duplicate_keys(root, "fuzz.json", &err)) {
        fz_check_err(&err, "pf_check_duplicate_keys");
        memset(&err, 0, sizeof err);
    }
    taf_model_spec spec;
    /* with and without an id given on the command line */
    for (int k = 0; k < 2; k++) {
        memset(&err, 0, sizeof err);
        if (config_to_spec(root, k ? "org/given-id" : NULL, "fuzz.json", &spec, &err)) {
            if (spec.id[0] || k)
                roundtrip(&spec);
            spec_free(&spec);
        } else {
            fz_check_err(&err, "config_to_spec");
        }
    }
    memset(&err, 0, sizeof err);
    if (spec_from_json(root, "fuzz.json", &spec, &err)) {
        roundtrip(&spec);
        cJSON *ra = spec_recipe_args(&spec);
        cJSON_Delete(ra);
        spec_free(&spec);
    } else {
        fz_check_err(&err, "spec_from_json");
    }
    cJSON_Delete(root);
    return 0;
}
