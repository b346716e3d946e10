/* tafcard: subcommand dispatch only. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "version.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} subcommand;

static const subcommand COMMANDS[] = {
    {"recipe", cmd_recipe, "run one TAF recipe (or a JSON-lines batch) with its audit chain"},
    {"recipes", cmd_recipes, "list the recipes and their parameters"},
    {"formula", cmd_formula, "evaluate one stand-alone TAF formula"},
    {"profile", cmd_profile, "the TAF Card profile of one model (X-2, X-19, X-1, X-3, X-5)"},
    {"compare", cmd_compare, "one recipe across several models, side by side"},
    {"ingest", cmd_ingest, "load the panel, presets and config.json files into SQLite"},
    {"inspect-config", cmd_inspect_config, "normalise and classify a Hugging Face config.json"},
    {"fit", cmd_fit, "power-law/exponential fits of one measurement, with CI and thermo profile"},
    {"calibrate", cmd_calibrate, "refit the framework's constants on the ingested panel"},
    {"chart", cmd_chart, "render one chart of a card (SVG, PNG or PDF)"},
    {"build", cmd_build, "build the static TAF Card site from the database"},
    {"site", cmd_site, "ingest, calibrate and build in one process (what make site runs)"},
    {"verify", cmd_verify, "re-hash a built site against its manifest.json"},
    {"diff", cmd_diff, "readable differences between two built sites (or two card.json files)"},
};
#define N_COMMANDS ((int)(sizeof COMMANDS / sizeof COMMANDS[0]))

static void usage(FILE *out)
{
    fprintf(out, "usage: tafcard [--help] [--version] <command> [<args>]\n\ncommands:\n");
    for (int i = 0; i < N_COMMANDS; i++)
        fprintf(out, "  %-9s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
    fprintf(out, "  %-9s %s\n", "help", "help CMD shows one command's options");
    fprintf(out, "\nexit codes: 0 ok, 1 changes found (diff/verify), 2 bad usage or input, "
                 "3 internal failure\n");
}

static const subcommand *find(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (strcmp(COMMANDS[i].name, name) == 0)
            return &COMMANDS[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return TAF_EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return TAF_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("tafcard %s (TAF formula contract %s)\n", TAFCARD_VERSION, TAF_FORMULA_VERSION);
        return TAF_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0) {
        if (argc < 3) {
            usage(stdout);
            return TAF_EXIT_OK;
        }
        const subcommand *c = find(argv[2]);
        if (!c) {
            fprintf(stderr, "tafcard: USAGE: unknown command '%s' (hint: tafcard --help)\n",
                    argv[2]);
            return TAF_EXIT_INPUT;
        }
        char *hargv[] = {argv[2], "--help", NULL};
        return c->run(2, hargv);
    }
    const subcommand *c = find(cmd);
    if (!c) {
        fprintf(stderr, "tafcard: USAGE: unknown command '%s' (hint: tafcard --help)\n", cmd);
        return TAF_EXIT_INPUT;
    }
    return c->run(argc - 1, argv + 1);
}
