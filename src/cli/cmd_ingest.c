/* tafcard ingest: the panel, presets/ and config.json files into SQLite. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "store/db.h"
#include "store/ingest.h"

static const char USAGE[] =
    "usage: tafcard ingest [--db PATH] [--panel DIR|none] [--presets DIR|none]\n"
    "                      [--config [ORG/NAME=]FILE ...] [--manifest FILE|none]\n"
    "                      [--write-manifest FILE] [--json]\n"
    "\n"
    "Validate and store the measurement panel, the model presets and Hugging Face\n"
    "config.json files in one SQLite transaction (all or nothing). Unchanged files\n"
    "(same SHA-256) are skipped; changed files replace their rows.\n"
    "\n"
    "  --db PATH              database (default " TAF_DB_DEFAULT_PATH "; directory created)\n"
    "  --panel DIR            panel directory (default $PANEL_DIR, else ../shared/panel-source\n"
    "                         when it exists; 'none' skips the panel)\n"
    "  --presets DIR          one JSON model spec per file (default presets/ when it exists)\n"
    "  --config FILE          a Hugging Face config.json (repeatable; more files may follow);\n"
    "                         ORG/NAME=FILE gives the model id when the config has none\n"
    "  --manifest FILE        check panel files against it (default panel/manifest.json when\n"
    "                         it exists); differences are warnings\n"
    "  --write-manifest FILE  write the panel's manifest (paths, sizes, SHA-256) after ingest\n"
    "  --json                 print the summary as JSON\n"
    "\n"
    "Missing values (NaN/Infinity) become NULL and are counted; partial measurement files\n"
    "are kept and flagged. Bad input exits 2 and stores nothing.\n";

static bool is_dir(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int cmd_ingest(int argc, char **argv)
{
    taf_ingest_opts o = {0};
    const char *db = TAF_DB_DEFAULT_PATH, *panel = NULL, *presets = NULL, *manifest = NULL;
    bool json = false;
    const char **configs = calloc((size_t)argc + 1, sizeof *configs);
    if (!configs)
        abort();
    size_t n_configs = 0;
    taf_err err = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(USAGE, stdout);
            free(configs);
            return TAF_EXIT_OK;
        }
        if (strcmp(a, "--json") == 0) {
            json = true;
            continue;
        }
        const char **slot = strcmp(a, "--db") == 0               ? &db
                            : strcmp(a, "--panel") == 0          ? &panel
                            : strcmp(a, "--presets") == 0        ? &presets
                            : strcmp(a, "--manifest") == 0       ? &manifest
                            : strcmp(a, "--write-manifest") == 0 ? &o.write_manifest
                                                                 : NULL;
        bool is_config = strcmp(a, "--config") == 0;
        if (!slot && !is_config) {
            taf_fail(&err, "USAGE", "tafcard ingest --help", "ingest: unknown argument '%s'", a);
            free(configs);
            return cli_report(&err);
        }
        if (i + 1 >= argc || argv[i + 1][0] == '\0') {
            taf_fail(&err, "USAGE", "tafcard ingest --help", "ingest: %s needs a value", a);
            free(configs);
            return cli_report(&err);
        }
        if (slot) {
            *slot = argv[++i];
            continue;
        }
        configs[n_configs++] = argv[++i];
        while (i + 1 < argc && argv[i + 1][0] != '-')
            configs[n_configs++] = argv[++i];
    }
    if (!panel) {
        const char *env = getenv("PANEL_DIR");
        if (env && env[0])
            panel = env;
        else if (is_dir("../shared/panel-source"))
            panel = "../shared/panel-source";
    }
    if (panel && strcmp(panel, "none") == 0)
        panel = NULL;
    if (!presets && is_dir("presets"))
        presets = "presets";
    if (presets && strcmp(presets, "none") == 0)
        presets = NULL;
    if (!manifest && is_file("panel/manifest.json"))
        manifest = "panel/manifest.json";
    if (manifest && strcmp(manifest, "none") == 0)
        manifest = NULL;

    o.db_path = db;
    o.panel_dir = panel;
    o.presets_dir = presets;
    o.configs = configs;
    o.n_configs = n_configs;
    o.manifest_path = manifest;
    cJSON *summary = NULL;
    int code = taf_ingest(&o, &summary, &err);
    free(configs);
    if (code != TAF_EXIT_OK) {
        cli_report(&err);
        return code;
    }
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(summary, "warnings");
    for (const cJSON *it = w ? w->child : NULL; it; it = it->next)
        fprintf(stderr, "tafcard: warning: %s\n", it->valuestring);
    bool ok;
    if (json) {
        ok = cli_print_json(summary, false);
    } else {
        if (!panel)
            fputs("panel: none (no --panel, PANEL_DIR or ../shared/panel-source)\n", stdout);
        char *text = taf_ingest_summary_text(summary);
        ok = fputs(text, stdout) >= 0;
        free(text);
    }
    cJSON_Delete(summary);
    ok = fflush(stdout) == 0 && ok;
    return ok ? TAF_EXIT_OK : TAF_EXIT_INTERNAL;
}
