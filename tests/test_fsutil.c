/* File-system helpers (src/util/fsutil.c): removing a tree takes every
 * file and directory under it and nothing a symbolic link points at. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "support/run.h"
#include "util/fsutil.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/tafcard-fsutil-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
    cr_assert_eq(run_sh("rm -rf %s", dir), 0);
}

static bool exists(const char *rel)
{
    char p[256];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    return lstat(p, &st) == 0;
}

Test(fsutil, removing_a_tree_takes_nested_files_links_and_empty_directories, .init = setup,
     .fini = teardown)
{
    cr_assert_eq(run_sh("cd %s && mkdir -p t/models/a/charts t/models/b t/empty && "
                        "echo 1 > t/index.html && echo 2 > t/models/a/card.json && "
                        "echo 3 > t/models/a/charts/x.png && ln t/models/a/card.json t/models/b/hard && "
                        "mkfifo t/fifo",
                        dir),
                 0);
    char p[256];
    snprintf(p, sizeof p, "%s/t", dir);
    fs_remove_tree(p);
    cr_expect_not(exists("t"), "the tree is still there");
}

Test(fsutil, removing_a_tree_leaves_what_its_symbolic_links_point_at, .init = setup,
     .fini = teardown)
{
    cr_assert_eq(run_sh("cd %s && mkdir -p outside/keep t && echo k > outside/keep/file && "
                        "echo f > outside/alone && ln -s ../outside t/dirlink && "
                        "ln -s ../outside/alone t/filelink",
                        dir),
                 0);
    char p[256];
    snprintf(p, sizeof p, "%s/t", dir);
    fs_remove_tree(p);
    cr_expect_not(exists("t"));
    cr_expect(exists("outside/keep/file"), "a file behind a directory link was removed");
    cr_expect(exists("outside/alone"), "a file behind a file link was removed");
}

Test(fsutil, removing_a_plain_file_removes_it, .init = setup, .fini = teardown)
{
    cr_assert_eq(run_sh("echo x > %s/f", dir), 0);
    char p[256];
    snprintf(p, sizeof p, "%s/f", dir);
    fs_remove_tree(p);
    cr_expect_not(exists("f"));
}
