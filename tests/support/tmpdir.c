#include "support/tmpdir.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "util/fsutil.h"

char *test_tmpdir(const char *prefix)
{
    size_t n = strlen(prefix) + 16;
    char *d = malloc(n);
    snprintf(d, n, "/tmp/%s.XXXXXX", prefix);
    cr_assert_not_null(mkdtemp(d), "cannot create %s", d);
    return d;
}

void test_rmtree(const char *dir)
{
    fs_remove_tree(dir);
}

int test_count_entries(const char *dir)
{
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            n++;
    if (d)
        closedir(d);
    return n;
}
