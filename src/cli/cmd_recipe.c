/* tafcard recipe ID ... | tafcard recipe --batch FILE */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "recipes/recipe.h"
#include "util/jsonnum.h"

static void help(void)
{
    printf("usage: tafcard recipe ID [--args JSON] [--args-file FILE] [--set name=value ...] [--json]\n"
           "       tafcard recipe --batch FILE|-\n\n"
           "Runs one TAF recipe (X-1, X-2, X-3, X-5, X-19, X-21, X-22, X-23) and prints its\n"
           "audit chain: every step's section, formula, inputs, result and interpretation,\n"
           "then the verdict, reason and mitigation. --json prints the result object.\n"
           "Arguments merge in order: --args, --args-file, then each --set (value parsed as\n"
           "JSON when it is valid JSON, else taken as a string).\n\n"
           "--batch reads JSON lines {\"recipe\": ID, \"args\": {...}} and writes one JSON\n"
           "result per line, in order; a bad line yields {\"error\": {\"code\", \"message\"}}\n"
           "on its line and the batch goes on (exit 2 at the end if any line failed).\n\n"
           "See `tafcard recipes` for each recipe's parameters.\n");
}

static void print_value_inline(const cJSON *v)
{
    char *s = cJSON_PrintUnformatted(v);
    fputs(s ? s : "?", stdout);
    free(s);
}

static void print_kv_object(const cJSON *o)
{
    bool first = true;
    for (const cJSON *it = o ? o->child : NULL; it; it = it->next) {
        printf("%s%s=", first ? "" : ", ", it->string);
        if (cJSON_IsString(it))
            fputs(it->valuestring, stdout);
        else
            print_value_inline(it);
        first = false;
    }
}

static const char *str_of(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Numbers we build are raw nodes (exact text); read them through jsonnum. */
static double num_of(const cJSON *o, const char *key)
{
    double x = 0;
    jget_double(cJSON_GetObjectItemCaseSensitive(o, key), &x);
    return x;
}

/* The human audit chain: one block per step, then the verdict. */
static void print_audit(const cJSON *r)
{
    printf("%s — %s\n", str_of(r, "recipe_id"), str_of(r, "recipe_name"));
    printf("inputs: ");
    print_kv_object(cJSON_GetObjectItem(r, "inputs"));
    printf("\n");
    const cJSON *chain = cJSON_GetObjectItem(r, "chain");
    for (const cJSON *s = chain ? chain->child : NULL; s; s = s->next) {
        printf("\nstep %d  %s  %s\n", (int)num_of(s, "step"), str_of(s, "section"),
               str_of(s, "name"));
        printf("  formula: %s\n  inputs:  ", str_of(s, "formula"));
        print_kv_object(cJSON_GetObjectItem(s, "inputs"));
        printf("\n  result:  ");
        const cJSON *res = cJSON_GetObjectItem(s, "result");
        if (cJSON_IsObject(res))
            print_kv_object(res);
        else if (cJSON_IsString(res))
            fputs(res->valuestring, stdout);
        else
            print_value_inline(res);
        printf("\n");
        const char *interp = str_of(s, "interpretation");
        if (interp)
            printf("  → %s\n", interp);
    }
    printf("\nverdict:    %s\nreason:     %s\nmitigation: %s\n", str_of(r, "verdict"),
           str_of(r, "reason"), str_of(r, "mitigation"));
    const cJSON *cav = cJSON_GetObjectItem(r, "caveats");
    if (cav) {
        printf("caveats:    ");
        print_value_inline(cav);
        printf("\n");
    }
    const cJSON *conf = cJSON_GetObjectItem(r, "confidence");
    if (conf)
        printf("confidence: %d%% (%s)\n", (int)num_of(conf, "pct"),
               str_of(conf, "band"));
}

static cJSON *error_line(const taf_err *e)
{
    cJSON *o = cJSON_CreateObject(), *in = cJSON_CreateObject();
    jadd_str(in, "code", e->code);
    jadd_str(in, "message", e->message);
    if (e->hint[0])
        jadd_str(in, "hint", e->hint);
    cJSON_AddItemToObject(o, "error", in);
    return o;
}

static cJSON *batch_one(const char *line, int lineno, const char *path, taf_err *err)
{
    char where[256];
    snprintf(where, sizeof where, "%s line %d", path, lineno);
    cJSON *req = cli_parse_json(line, where, err);
    if (!req)
        return NULL;
    cJSON *out = NULL;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(req, "recipe");
    const cJSON *args = cJSON_GetObjectItemCaseSensitive(req, "args");
    if (!cJSON_IsObject(req) || !cJSON_IsString(id))
        taf_fail(err, "WRONG_TYPE", "each line is {\"recipe\": \"X-2\", \"args\": {...}}",
                 "%s: expected an object with a string \"recipe\"", where);
    else if (args && !cJSON_IsObject(args))
        taf_fail(err, "WRONG_TYPE", "\"args\" is a JSON object of arguments",
                 "%s: \"args\" must be an object", where);
    else {
        out = recipe_run(id->valuestring, args, err);
        if (!out) {
            char msg[sizeof err->message];
            snprintf(msg, sizeof msg, "%.120s: %.270s", where, err->message);
            memcpy(err->message, msg, sizeof msg);
        }
    }
    cJSON_Delete(req);
    return out;
}

static int run_batch(const char *path)
{
    taf_err err;
    char *text = cli_read_file(path, NULL, &err);
    if (!text)
        return cli_report(&err);
    int failures = 0, lineno = 0;
    char *p = text;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        memset(&err, 0, sizeof err);
        cJSON *out = batch_one(p, lineno, strcmp(path, "-") == 0 ? "<stdin>" : path, &err);
        if (!out) {
            failures++;
            out = error_line(&err);
        }
        cli_print_json(out, true);
        cJSON_Delete(out);
        if (!nl)
            break;
        p = nl + 1;
    }
    free(text);
    if (fflush(stdout) != 0)
        return TAF_EXIT_INTERNAL;
    return failures ? TAF_EXIT_INPUT : TAF_EXIT_OK;
}

int cmd_recipe(int argc, char **argv)
{
    const char *id = NULL, *batch = NULL;
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
            continue;
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_args_free(&ca);
            help();
            return TAF_EXIT_OK;
        } else if (strcmp(argv[i], "--json") == 0) {
            json = true;
        } else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
            batch = argv[++i];
        } else if (argv[i][0] != '-' && !id) {
            id = argv[i];
        } else {
            cli_args_free(&ca);
            fprintf(stderr, "tafcard: USAGE: unexpected argument '%s' (hint: tafcard help recipe)\n",
                    argv[i]);
            return TAF_EXIT_INPUT;
        }
    }
    if (batch) {
        cli_args_free(&ca);
        if (id) {
            fprintf(stderr, "tafcard: USAGE: --batch takes the recipe from each line, not '%s'"
                            " (hint: tafcard help recipe)\n", id);
            return TAF_EXIT_INPUT;
        }
        return run_batch(batch);
    }
    if (!id) {
        cli_args_free(&ca);
        fprintf(stderr, "tafcard: USAGE: which recipe? (hint: tafcard recipes lists them)\n");
        return TAF_EXIT_INPUT;
    }
    cJSON *args = cli_args_take(&ca);
    cJSON *out = recipe_run(id, args, &err);
    cJSON_Delete(args);
    if (!out)
        return cli_report(&err);
    if (json)
        cli_print_json(out, false);
    else
        print_audit(out);
    cJSON_Delete(out);
    return fflush(stdout) == 0 ? TAF_EXIT_OK : TAF_EXIT_INTERNAL;
}
