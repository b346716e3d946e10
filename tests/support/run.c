#include "support/run.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s", path);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    fclose(f);
    return buf;
}

run_result run_tafcard(const char *args)
{
    const char *bin = getenv("TAFCARD_BIN");
    cr_assert_not_null(bin, "TAFCARD_BIN is not set (run through make test)");
    char dir[] = "/tmp/tafcard-run-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    size_t len = strlen(bin) + strlen(args) + 3 * sizeof dir + 64;
    char *cmd = malloc(len);
    snprintf(cmd, len, "%s %s >%s/out 2>%s/err", bin, args, dir, dir);
    int st = system(cmd);
    free(cmd);
    run_result r;
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    char path[sizeof dir + 8];
    snprintf(path, sizeof path, "%s/out", dir);
    r.out = slurp(path);
    unlink(path);
    snprintf(path, sizeof path, "%s/err", dir);
    r.err = slurp(path);
    unlink(path);
    rmdir(dir);
    return r;
}

void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

int run_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *test_data_dir(void)
{
    const char *d = getenv("TAF_TEST_DATA");
    cr_assert_not_null(d, "TAF_TEST_DATA is not set (run through make test)");
    return d;
}
