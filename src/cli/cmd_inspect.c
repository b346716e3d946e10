/* tafcard inspect-config: normalise one Hugging Face config.json into a
 * model spec, classify its attention and show where every value came from. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "store/modelspec.h"
#include "store/panel_files.h"
#include "util/nanjson.h"

static void help(void)
{
    printf("usage: tafcard inspect-config FILE [--id ORG/NAME] [--json]\n\n"
           "Reads a Hugging Face config.json (FILE, or - for stdin), normalises it into a\n"
           "model spec and classifies its attention: FULL, SWA, SSM, RWKV, LINEAR, TTT,\n"
           "HYBRID or UNKNOWN. Without --json prints each field, its value and the config\n"
           "key it came from; with --json prints {\"spec\": ..., \"attention_class\": ...}\n"
           "(the spec in preset-file format). --id sets the model id (default: the\n"
           "config's _name_or_path); instruct models are recognised from it.\n"
           "Models without RoPE get theta null, never a default of 10000.\n");
}

static void print_text(const char *path, const taf_model_spec *s, const cJSON *spec)
{
    printf("config:           %s\n", path);
    printf("model id:         %s\n", s->id[0] ? s->id : "(unknown)");
    const char *why = spec_field_source(s, "attention_class");
    printf("attention class:  %s%s%s%s\n\n", s->attention_class, why ? " (" : "", why ? why : "",
           why ? ")" : "");
    printf("%-20s %-14s %s\n", "field", "value", "from");
    const char *const *keys = spec_json_keys();
    for (int i = 0; keys[i]; i++) {
        if (strcmp(keys[i], "field_sources") == 0 || strcmp(keys[i], "source") == 0 ||
            strcmp(keys[i], "id") == 0)
            continue;
        char *v = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(spec, keys[i]));
        const char *from = spec_field_source(s, keys[i]);
        printf("%-20s %-14s %s\n", keys[i], v ? v : "?", from ? from : "");
        cJSON_free(v);
    }
}

int cmd_inspect_config(int argc, char **argv)
{
    bool json = false;
    const char *path = NULL, *id = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            help();
            return TAF_EXIT_OK;
        } else if (strcmp(argv[i], "--id") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "tafcard: USAGE: --id needs a value (hint: --id org/name)\n");
                return TAF_EXIT_INPUT;
            }
            id = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "tafcard: USAGE: unexpected option '%s' (hint: tafcard help "
                            "inspect-config)\n",
                    argv[i]);
            return TAF_EXIT_INPUT;
        } else if (path) {
            fprintf(stderr, "tafcard: USAGE: one config file at a time, got '%s' and '%s' "
                            "(hint: tafcard help inspect-config)\n",
                    path, argv[i]);
            return TAF_EXIT_INPUT;
        } else {
            path = argv[i];
        }
    }
    if (!path) {
        fprintf(stderr, "tafcard: USAGE: inspect-config needs a config.json file (hint: "
                        "tafcard inspect-config path/to/config.json [--json])\n");
        return TAF_EXIT_INPUT;
    }

    taf_err err = {0};
    size_t len = 0;
    char *text = cli_read_file(path, &len, &err);
    if (!text)
        return cli_report(&err);
    /* the same checks as tafcard ingest --config: UTF-8 without BOM, no
     * NaN/Infinity, bounded nesting, each key once */
    cJSON *cfg = nanjson_parse_input(text, len, path, false,
                                     "a config.json is one JSON object; fix the syntax at that "
                                     "position",
                                     NULL, &err);
    free(text);
    if (!cfg) {
        if (strcmp(err.code, "NOT_JSON") == 0)
            snprintf(err.code, sizeof err.code, "BAD_JSON");
        return cli_report(&err);
    }
    if (!pf_check_duplicate_keys(cfg, path, &err)) {
        snprintf(err.hint, sizeof err.hint,
                 "each key once: JSON readers disagree about which of two values wins");
        cJSON_Delete(cfg);
        return cli_report(&err);
    }
    taf_model_spec spec;
    bool ok = config_to_spec(cfg, id, path, &spec, &err);
    cJSON_Delete(cfg);
    if (!ok)
        return cli_report(&err);

    cJSON *sj = spec_to_json(&spec);
    if (json) {
        cJSON *out = cJSON_CreateObject();
        cJSON_AddItemToObject(out, "spec", sj);
        cJSON_AddStringToObject(out, "attention_class", spec.attention_class);
        cli_print_json(out, false);
        cJSON_Delete(out);
    } else {
        print_text(path, &spec, sj);
        cJSON_Delete(sj);
    }
    spec_free(&spec);
    return fflush(stdout) == 0 ? TAF_EXIT_OK : TAF_EXIT_INTERNAL;
}
