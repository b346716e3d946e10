/* tafcard profile: the TAF Card profile of one model. */
#include <string.h>

#include "cli/cli.h"
#include "recipes/profile.h"

static void help(void)
{
    printf("usage: tafcard profile [--args JSON] [--args-file FILE] [--set name=value ...] [--json]\n\n"
           "Runs X-2, X-19, X-1, X-3 and X-5 on one model with the upstream defaults and\n"
           "prints the TAF Card profile: model summary, key numbers, v0.4 diagnostics,\n"
           "recipe verdicts and falsification status. A model spec has theta, T_train,\n"
           "n_attention_heads, n_kv_heads, d_head, n_layers, n_params [, has_SWA, T_eval,\n"
           "USD_budget, target_tokens_per_day, api_model, monthly_tokens_M].\n");
}

static void print_text(const cJSON *p)
{
    const cJSON *ms = cJSON_GetObjectItem(p, "model_summary");
    const cJSON *kn = cJSON_GetObjectItem(p, "key_numbers");
    printf("architecture: %s\n", cJSON_GetObjectItem(ms, "architecture_class")->valuestring);
    static const char *const keys[] = {"gamma_pade", "gamma_decomposed", "d_horizon",
                                       "L_NIAH_ceiling", "chi_susceptibility",
                                       "kv_memory_per_request_GB", "gamma_random_predicted",
                                       "compute_invariant_K", NULL};
    for (int i = 0; keys[i]; i++) {
        char *v = cJSON_PrintUnformatted(cJSON_GetObjectItem(kn, keys[i]));
        printf("  %-26s %s\n", keys[i], v ? v : "?");
        cJSON_free(v);
    }
    printf("\nrecipes:\n");
    for (const cJSON *r = cJSON_GetObjectItem(p, "recipes")->child; r; r = r->next)
        printf("  %-5s %-24s %s\n", r->string, cJSON_GetObjectItem(r, "verdict")->valuestring,
               cJSON_GetObjectItem(r, "reason")->valuestring);
    printf("\nfalsification:\n");
    for (const cJSON *f = cJSON_GetObjectItem(p, "falsification_status")->child; f; f = f->next)
        printf("  %-4s %-34s %s\n", cJSON_GetObjectItem(f, "id")->valuestring,
               cJSON_GetObjectItem(f, "claim")->valuestring,
               cJSON_GetObjectItem(f, "status")->valuestring);
}

int cmd_profile(int argc, char **argv)
{
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
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            cli_args_free(&ca);
            help();
            return TAF_EXIT_OK;
        } else {
            cli_args_free(&ca);
            fprintf(stderr, "tafcard: USAGE: unexpected argument '%s' (hint: tafcard help profile)\n",
                    argv[i]);
            return TAF_EXIT_INPUT;
        }
    }
    cJSON *args = cli_args_take(&ca);
    cJSON *out = profile_run(args, &err);
    cJSON_Delete(args);
    if (!out)
        return cli_report(&err);
    if (json)
        cli_print_json(out, false);
    else
        print_text(out);
    cJSON_Delete(out);
    return fflush(stdout) == 0 ? TAF_EXIT_OK : TAF_EXIT_INTERNAL;
}
