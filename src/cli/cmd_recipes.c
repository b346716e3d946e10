#include <string.h>

#include "cli/cli.h"
#include "recipes/recipe.h"

int cmd_recipes(int argc, char **argv)
{
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--help") == 0) {
            printf("usage: tafcard recipes [--json]\n\n"
                   "Lists the recipes: id, name, category, sections and parameters.\n"
                   "--json prints the registry as JSON (id, name, description, category,\n"
                   "params, uses_sections, arguments with type/required/default/help).\n");
            return TAF_EXIT_OK;
        } else {
            fprintf(stderr, "tafcard: USAGE: unknown option '%s' (hint: tafcard help recipes)\n",
                    argv[i]);
            return TAF_EXIT_INPUT;
        }
    }
    cJSON *reg = recipe_registry_json();
    if (json) {
        bool ok = cli_print_json(reg, false);
        cJSON_Delete(reg);
        return ok ? TAF_EXIT_OK : TAF_EXIT_INTERNAL;
    }
    for (const cJSON *r = reg->child; r; r = r->next) {
        printf("%-5s %-28s [%s]\n      %s\n      params:",
               cJSON_GetObjectItem(r, "id")->valuestring,
               cJSON_GetObjectItem(r, "name")->valuestring,
               cJSON_GetObjectItem(r, "category")->valuestring,
               cJSON_GetObjectItem(r, "description")->valuestring);
        for (const cJSON *a = cJSON_GetObjectItem(r, "arguments")->child; a; a = a->next)
            printf(" %s%s", cJSON_GetObjectItem(a, "name")->valuestring,
                   cJSON_IsTrue(cJSON_GetObjectItem(a, "required")) ? "*" : "");
        printf("\n");
    }
    printf("(* = required)\n");
    cJSON_Delete(reg);
    return TAF_EXIT_OK;
}
