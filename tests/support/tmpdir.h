/* Temporary directories for tests that write files. */
#ifndef TAF_TESTS_TMPDIR_H
#define TAF_TESTS_TMPDIR_H

/* A new directory /tmp/<prefix>.XXXXXX (malloc'd path; fails the test if
 * it cannot be made). */
char *test_tmpdir(const char *prefix);
/* Remove a directory tree (fs_remove_tree). */
void test_rmtree(const char *dir);
/* Entries in a directory, "." and ".." not counted. */
int test_count_entries(const char *dir);

#endif
