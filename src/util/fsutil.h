/* Small filesystem helpers for the site build. */
#ifndef TAF_UTIL_FSUTIL_H
#define TAF_UTIL_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

/* Whole file, NUL-terminated, malloc'd; NULL if it cannot be read. */
char *fs_read_all(const char *path, size_t *len);
/* mkdir -p. */
bool fs_mkdirs(const char *path, taf_err *err);
/* rm -rf (no error if absent; never follows symlinks out of the tree). */
void fs_remove_tree(const char *path);
/* Copy a directory tree of regular files. */
bool fs_copy_tree(const char *from, const char *to, taf_err *err);
/* Replace `dst` by `src`: one atomic renameat2(RENAME_EXCHANGE) where the
 * file system has it (a crash leaves dst complete, old or new), else
 * dst → dst.old.PID, src → dst; then remove the old tree. A failure
 * leaves the previous dst in place. */
bool fs_swap_dir(const char *src, const char *dst, taf_err *err);

#endif
