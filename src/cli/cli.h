/* Subcommands (one file each) and the argument plumbing they share.
 * Every subcommand returns a process exit code (util/err.h). */
#ifndef TAF_CLI_CLI_H
#define TAF_CLI_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <cjson/cJSON.h>

#include "util/err.h"

int cmd_recipe(int argc, char **argv);
int cmd_recipes(int argc, char **argv);
int cmd_formula(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_build(int argc, char **argv);
/* ingest + calibrate + build in one process (src/cli/cmd_site.c) */
int cmd_site(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_chart(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_fit(int argc, char **argv);
/* tafcard diff OLD NEW [--format markdown|json|text] [--rtol R] [--atol A]
 * (src/cli/cmd_diff.c) */
int cmd_diff(int argc, char **argv);
/* tafcard inspect-config FILE [--id ORG/NAME] [--json] (src/cli/cmd_inspect.c) */
int cmd_inspect_config(int argc, char **argv);

/* Print `tafcard: CODE: message (hint: ...)` on stderr; returns the exit
 * code for input errors (2). */
int cli_report(const taf_err *e);

/* Collects --args JSON, --args-file FILE and repeatable --set key=value
 * into one JSON object. Call cli_args_option() for each argv position; it
 * returns the number of argv entries consumed (0 if not an args option,
 * -1 on error with *err set). */
typedef struct {
    cJSON *obj;
} cli_args;

void cli_args_init(cli_args *a);
int cli_args_option(cli_args *a, int argc, char **argv, int i, taf_err *err);
/* Take ownership of the collected object (an empty object if none). */
cJSON *cli_args_take(cli_args *a);
void cli_args_free(cli_args *a);

/* Print a JSON result on stdout followed by a newline: compact with
 * `compact`, else indented. Returns false on write error. */
bool cli_print_json(const cJSON *v, bool compact);

/* Parse JSON text; on failure *err names `source` and the line/column. */
cJSON *cli_parse_json(const char *text, const char *source, taf_err *err);

/* Read a whole file ("-" = stdin) into a NUL-terminated buffer; NULL and
 * *err on failure. */
char *cli_read_file(const char *path, size_t *len, taf_err *err);

#endif
