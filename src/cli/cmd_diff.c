/* tafcard diff: readable differences between two generated sites (or two
 * card.json files), for pull requests. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "diff/carddiff.h"
#include "diff/report.h"
#include "diff/sitediff.h"

static void help(void)
{
    printf("usage: tafcard diff OLD NEW [--format markdown|json|text] [--json]\n"
           "                    [--rtol R] [--atol A]\n\n"
           "Compares two sites written by tafcard build (or two card.json files) card by\n"
           "card: models added and removed; for each changed model every verdict that\n"
           "changed (per recipe), every number that differs beyond the tolerance (JSON\n"
           "path, old, new, absolute and relative change), chart series as a count of\n"
           "changed points, caveat and confidence changes, and which inputs changed\n"
           "(model spec, panel files, tool or formula version, from the provenance).\n"
           "Unchanged models are counted, not listed.\n\n"
           "  --format F   markdown (default: a ready pull-request comment), json, text\n"
           "  --json       same as --format json\n"
           "  --rtol R     relative tolerance (default 1e-9)\n"
           "  --atol A     absolute tolerance (default 1e-12)\n\n"
           "Numbers are compared by value: |old - new| <= atol + rtol * max(|old|, |new|)\n"
           "is no difference, nor is a pure formatting change such as 2 vs 2.0.\n"
           "Exit: 0 no difference, 1 differences found, 2 bad usage or input.\n"
           "`make diff BASE=<git rev>` builds the site at BASE and at the working tree\n"
           "and prints this report for them.\n");
}

static bool parse_tol(const char *opt, const char *s, double *out, taf_err *err)
{
    char *end = NULL;
    errno = 0;
    double x = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(x) || x < 0)
        return taf_fail(err, "USAGE", "a tolerance is a non-negative number, e.g. --rtol 1e-6",
                        "%s '%s': not a non-negative number", opt, s);
    *out = x;
    return true;
}

int cmd_diff(int argc, char **argv)
{
    carddiff_opts o = carddiff_defaults();
    report_format fmt = REPORT_MARKDOWN;
    const char *paths[2] = {NULL, NULL};
    int n_paths = 0;
    taf_err err = {0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            return TAF_EXIT_OK;
        } else if (strcmp(a, "--json") == 0) {
            fmt = REPORT_JSON;
        } else if (strcmp(a, "--format") == 0 || strcmp(a, "--rtol") == 0 ||
                   strcmp(a, "--atol") == 0) {
            if (i + 1 >= argc) {
                taf_fail(&err, "USAGE", "see tafcard help diff", "%s needs a value", a);
                return cli_report(&err);
            }
            const char *v = argv[++i];
            if (strcmp(a, "--format") == 0) {
                if (!report_parse_format(v, &fmt)) {
                    taf_fail(&err, "USAGE", "use markdown, json or text",
                             "--format '%s': unknown format", v);
                    return cli_report(&err);
                }
            } else if (!parse_tol(a, v, strcmp(a, "--rtol") == 0 ? &o.rtol : &o.atol, &err)) {
                return cli_report(&err);
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            taf_fail(&err, "USAGE", "see tafcard help diff", "unknown option '%s'", a);
            return cli_report(&err);
        } else if (n_paths < 2) {
            paths[n_paths++] = a;
        } else {
            taf_fail(&err, "USAGE", "tafcard diff OLD NEW", "unexpected argument '%s'", a);
            return cli_report(&err);
        }
    }
    if (n_paths != 2) {
        taf_fail(&err, "USAGE", "tafcard diff OLD NEW (two site directories or two card.json "
                 "files)", "diff needs OLD and NEW");
        return cli_report(&err);
    }
    cJSON *report = sitediff_run(paths[0], paths[1], &o, &err);
    if (!report)
        return cli_report(&err);
    char *text = report_render(report, fmt);
    int rc = sitediff_has_changes(report) ? TAF_EXIT_CHANGES : TAF_EXIT_OK;
    cJSON_Delete(report);
    if (fputs(text, stdout) < 0 || fflush(stdout) != 0) {
        fprintf(stderr, "tafcard: CANNOT_WRITE: writing the report failed: %s\n",
                strerror(errno));
        rc = TAF_EXIT_INTERNAL;
    }
    free(text);
    return rc;
}
