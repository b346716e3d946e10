/* tafcard compare: one recipe across several models. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "recipes/profile.h"

static void help(void)
{
    printf("usage: tafcard compare --models FILE [--recipe ID] [--args JSON] [--set name=value ...] [--json]\n\n"
           "FILE is a JSON array of model specs, each with a \"label\". The recipe (default X-2)\n"
           "runs on every model with the shared --args/--set parameters merged in; prints\n"
           "each model's verdict and key numbers side by side.\n");
}

int cmd_compare(int argc, char **argv)
{
    const char *models = NULL, *rid = "X-2";
    bool json = false;
    cli_args ca;
    cli_args_init(&ca);
    taf_err err;
    for (int i = 1; i < argc; i++) {
        int used = cli_args_option(&ca, argc, argv, i, &err);
        if (used < 0) {
            cli_args_free(&ca);
            return cli_report(&err);
        }
        if (used > 0) {
            i += used - 1;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--models") == 0 && i + 1 < argc) {
            models = argv[++i];
        } else if (strcmp(argv[i], "--recipe") == 0 && i + 1 < argc) {
            rid = argv[++i];
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_args_free(&ca);
            help();
            return TAF_EXIT_OK;
        } else {
            cli_args_free(&ca);
            fprintf(stderr, "tafcard: USAGE: unexpected argument '%s' (hint: tafcard help compare)\n",
                    argv[i]);
            return TAF_EXIT_INPUT;
        }
    }
    if (!models) {
        cli_args_free(&ca);
        fprintf(stderr, "tafcard: USAGE: --models FILE is required (hint: tafcard help compare)\n");
        return TAF_EXIT_INPUT;
    }
    char *text = cli_read_file(models, NULL, &err);
    cJSON *specs = text ? cli_parse_json(text, models, &err) : NULL;
    free(text);
    cJSON *shared = cli_args_take(&ca);
    cJSON *out = specs ? compare_run(specs, rid, shared, &err) : NULL;
    cJSON_Delete(specs);
    cJSON_Delete(shared);
    if (!out)
        return cli_report(&err);
    if (json) {
        cli_print_json(out, false);
    } else {
        printf("%s — %s\n", cJSON_GetObjectItem(out, "recipe_id")->valuestring,
               cJSON_GetObjectItem(out, "recipe_name")->valuestring);
        for (const cJSON *r = cJSON_GetObjectItem(out, "rows")->child; r; r = r->next) {
            char *kn = cJSON_PrintUnformatted(cJSON_GetObjectItem(r, "key_numbers"));
            printf("  %-28s %-22s %s\n", cJSON_GetObjectItem(r, "label")->valuestring,
                   cJSON_GetObjectItem(r, "verdict")->valuestring, kn ? kn : "");
            cJSON_free(kn);
        }
    }
    cJSON_Delete(out);
    return fflush(stdout) == 0 ? TAF_EXIT_OK : TAF_EXIT_INTERNAL;
}
