/* tafcard formula NAME [--args JSON] [--args-file F] [--set k=v ...] [--json]
 * tafcard formula --list [--json]
 * tafcard formula [NAME] --help */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "recipes/formulas.h"

static void help(void)
{
    printf("usage: tafcard formula NAME [--args JSON] [--args-file FILE] [--set name=value ...] [--json]\n"
           "       tafcard formula --list [--json]\n"
           "       tafcard formula NAME --help\n\n"
           "Evaluates one stand-alone TAF formula and prints the reference function's\n"
           "return value as JSON (null where the reference gives None or a non-finite\n"
           "number). --json prints it on one line, otherwise indented.\n"
           "Arguments merge in order: --args, --args-file, then each --set (value parsed as\n"
           "JSON when it is valid JSON, else taken as a string).\n\n"
           "--list shows every formula with its section and parameters (* = required);\n"
           "NAME --help shows one formula's parameters.\n\n"
           "example: tafcard formula d_horizon --set theta=500000 --set gamma=0.8\n");
}

/* "a*, b=0.9, c" from one formula's description. */
static void print_params(const cJSON *desc)
{
    bool first = true;
    for (const cJSON *p = cJSON_GetObjectItem(desc, "params")->child; p; p = p->next) {
        printf("%s%s", first ? "" : ", ", cJSON_GetObjectItem(p, "name")->valuestring);
        if (cJSON_IsTrue(cJSON_GetObjectItem(p, "required")))
            printf("*");
        const cJSON *d = cJSON_GetObjectItem(p, "default");
        if (d) {
            char *s = cJSON_PrintUnformatted(d);
            printf("=%s", s ? s : "?");
            free(s);
        }
        first = false;
    }
    if (first)
        printf("(none)");
}

static int list(bool json)
{
    cJSON *all = formula_list_json();
    bool ok = true;
    if (json) {
        ok = cli_print_json(all, true);
    } else {
        for (const cJSON *f = all->child; f; f = f->next) {
            printf("%-36s %-15s %s\n      params: ", cJSON_GetObjectItem(f, "name")->valuestring,
                   cJSON_GetObjectItem(f, "section")->valuestring,
                   cJSON_GetObjectItem(f, "description")->valuestring);
            print_params(f);
            printf("\n");
        }
        printf("(* = required; `tafcard formula NAME --help` for details)\n");
    }
    cJSON_Delete(all);
    return ok && fflush(stdout) == 0 ? TAF_EXIT_OK : TAF_EXIT_INTERNAL;
}

static int describe(const char *name)
{
    taf_err err;
    const taf_formula *f = formula_find(name);
    if (!f) {
        cJSON *none = formula_run(name, NULL, &err); /* fills UNKNOWN_FORMULA */
        cJSON_Delete(none);
        return cli_report(&err);
    }
    cJSON *d = formula_describe_json(f);
    printf("%s (%s): %s\n\nparameters:\n", f->name, f->section, f->description);
    for (const cJSON *p = cJSON_GetObjectItem(d, "params")->child; p; p = p->next) {
        printf("  %-26s %-8s %s", cJSON_GetObjectItem(p, "name")->valuestring,
               cJSON_GetObjectItem(p, "kind")->valuestring,
               cJSON_IsTrue(cJSON_GetObjectItem(p, "required")) ? "required" : "optional");
        if (cJSON_IsTrue(cJSON_GetObjectItem(p, "nullable")))
            printf(", may be null");
        const cJSON *def = cJSON_GetObjectItem(p, "default");
        if (def) {
            char *s = cJSON_PrintUnformatted(def);
            printf(", default %s", s ? s : "?");
            free(s);
        }
        printf("\n  %-26s %s\n", "", cJSON_GetObjectItem(p, "help")->valuestring);
    }
    cJSON_Delete(d);
    return fflush(stdout) == 0 ? TAF_EXIT_OK : TAF_EXIT_INTERNAL;
}

int cmd_formula(int argc, char **argv)
{
    const char *name = NULL;
    bool json = false, want_list = false, want_help = false;
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
            continue;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            want_help = true;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--list") == 0) {
            want_list = true;
        } else if (argv[i][0] != '-' && !name) {
            name = argv[i];
        } else {
            cli_args_free(&ca);
            fprintf(stderr, "tafcard: USAGE: unexpected argument '%s' (hint: tafcard formula --help)\n",
                    argv[i]);
            return TAF_EXIT_INPUT;
        }
    }
    if (want_help) {
        cli_args_free(&ca);
        if (name)
            return describe(name);
        help();
        return TAF_EXIT_OK;
    }
    if (want_list) {
        cli_args_free(&ca);
        if (name) {
            fprintf(stderr, "tafcard: USAGE: --list takes no formula name (hint: tafcard formula "
                            "%s --help describes one)\n", name);
            return TAF_EXIT_INPUT;
        }
        return list(json);
    }
    if (!name) {
        cli_args_free(&ca);
        fprintf(stderr, "tafcard: USAGE: which formula? (hint: tafcard formula --list shows them)\n");
        return TAF_EXIT_INPUT;
    }
    cJSON *args = cli_args_take(&ca);
    cJSON *out = formula_run(name, args, &err);
    cJSON_Delete(args);
    if (!out)
        return cli_report(&err);
    bool ok = cli_print_json(out, json);
    cJSON_Delete(out);
    return ok && fflush(stdout) == 0 ? TAF_EXIT_OK : TAF_EXIT_INTERNAL;
}
