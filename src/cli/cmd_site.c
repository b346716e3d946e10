/* tafcard site: ingest, calibrate and build in one process — what
 * `make site` runs. The three commands are the same code with the same
 * options; running them in one process saves two start-ups (a third of
 * a one-preset rebuild goes to loading the shared libraries of three
 * processes). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static void help(void)
{
    printf("usage: tafcard site [--db PATH] [--panel DIR|none] [--presets DIR|none]\n"
           "                    [--manifest FILE|none] [--config [ORG/NAME=]FILE ...]\n"
           "                    [--calibration FILE] [--out DIR] [-j N] [--templates DIR]\n"
           "                    [--per-page N] [--timings]\n\n"
           "Runs `tafcard ingest`, `tafcard calibrate` and `tafcard build` one after\n"
           "the other in one process, each with the options it takes (see their help),\n"
           "stopping at the first that fails with its exit code. --calibration FILE\n"
           "writes calibrate's table to FILE (replaced only when calibrate succeeds)\n"
           "instead of standard output. This is what `make site` runs.\n");
}

typedef struct {
    char **v;
    int n;
} argvec;

static void push(argvec *a, char *s)
{
    a->v[a->n++] = s;
    a->v[a->n] = NULL;
}

/* calibrate with its standard output in `path` (written beside it and
 * renamed over it on success). */
static int calibrate_into(argvec *cal, const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        taf_err err = {0};
        taf_fail(&err, "CANNOT_WRITE", "check that the directory exists and is writable",
                 "cannot create %s: %s", tmp, strerror(errno));
        return cli_report(&err);
    }
    fflush(stdout);
    int saved = dup(STDOUT_FILENO);
    if (saved < 0 || dup2(fd, STDOUT_FILENO) < 0) {
        close(fd);
        unlink(tmp);
        if (saved >= 0)
            close(saved);
        taf_err err = {0};
        taf_fail(&err, "CANNOT_WRITE", NULL, "cannot redirect the calibration table to %s", tmp);
        return cli_report(&err);
    }
    close(fd);
    int rc = cmd_calibrate(cal->n, cal->v);
    bool flushed = fflush(stdout) == 0;
    dup2(saved, STDOUT_FILENO);
    close(saved);
    if (rc == TAF_EXIT_OK && (!flushed || rename(tmp, path) != 0)) {
        taf_err err = {0};
        taf_fail(&err, "CANNOT_WRITE", "is the disk full?", "cannot write %s", path);
        rc = cli_report(&err);
    }
    if (rc != TAF_EXIT_OK)
        unlink(tmp);
    return rc;
}

int cmd_site(int argc, char **argv)
{
    /* each command's argv: its name, options, NULL */
    size_t cap = (size_t)argc + 2;
    argvec ing = {calloc(cap, sizeof(char *)), 0};
    argvec cal = {calloc(cap, sizeof(char *)), 0};
    argvec bld = {calloc(cap, sizeof(char *)), 0};
    if (!ing.v || !cal.v || !bld.v)
        abort();
    push(&ing, "ingest");
    push(&cal, "calibrate");
    push(&bld, "build");
    const char *calibration = NULL;
    int rc = TAF_EXIT_OK;
    for (int i = 1; i < argc && rc == TAF_EXIT_OK; i++) {
        const char *a = argv[i];
        bool value = i + 1 < argc;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help();
            goto done;
        } else if (strcmp(a, "--db") == 0 && value) {
            push(&ing, argv[i]), push(&ing, argv[i + 1]);
            push(&cal, argv[i]), push(&cal, argv[i + 1]);
            push(&bld, argv[i]), push(&bld, argv[i + 1]);
            i++;
        } else if ((strcmp(a, "--panel") == 0 || strcmp(a, "--presets") == 0 ||
                    strcmp(a, "--manifest") == 0) &&
                   value) {
            push(&ing, argv[i]), push(&ing, argv[i + 1]);
            i++;
        } else if (strcmp(a, "--config") == 0 && value) {
            push(&ing, argv[i]);
            while (i + 1 < argc && argv[i + 1][0] != '-')
                push(&ing, argv[++i]);
        } else if (strcmp(a, "--calibration") == 0 && value && argv[i + 1][0]) {
            calibration = argv[++i];
        } else if ((strcmp(a, "--out") == 0 || strcmp(a, "-j") == 0 ||
                    strcmp(a, "--templates") == 0 || strcmp(a, "--per-page") == 0) &&
                   value) {
            push(&bld, argv[i]), push(&bld, argv[i + 1]);
            i++;
        } else if (strcmp(a, "--timings") == 0) {
            push(&bld, argv[i]);
        } else {
            taf_err err = {0};
            taf_fail(&err, "USAGE", "tafcard site --help",
                     value || a[0] != '-' ? "site: unknown argument '%s'"
                                          : "site: %s needs a value (or is unknown)",
                     a);
            rc = cli_report(&err);
        }
    }
    if (rc == TAF_EXIT_OK)
        rc = cmd_ingest(ing.n, ing.v);
    if (rc == TAF_EXIT_OK)
        rc = calibration ? calibrate_into(&cal, calibration) : cmd_calibrate(cal.n, cal.v);
    if (rc == TAF_EXIT_OK)
        rc = cmd_build(bld.n, bld.v);
done:
    free(ing.v);
    free(cal.v);
    free(bld.v);
    return rc;
}
