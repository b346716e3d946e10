/* renameat2 (RENAME_EXCHANGE) is a GNU/Linux extension */
#define _GNU_SOURCE
#include "util/fsutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *fs_read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 8192, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

bool fs_mkdirs(const char *path, taf_err *err)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
            return taf_fail(err, "CANNOT_WRITE", "check the output path",
                            "cannot create %s: %s", tmp, strerror(errno));
        *p = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
        return taf_fail(err, "CANNOT_WRITE", "check the output path", "cannot create %s: %s",
                        tmp, strerror(errno));
    return true;
}

/* Everything inside the directory open at fd (which this takes over).
 * Entries are removed relative to their directory, by the type readdir
 * gives: one system call a file, no path walks (a site is ~17 files a
 * card, and a rebuild removes the whole previous tree). */
static void remove_contents(int fd)
{
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        bool dir = e->d_type == DT_DIR;
        if (e->d_type == DT_UNKNOWN) {
            struct stat st;
            dir = fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                  S_ISDIR(st.st_mode);
        }
        if (dir) {
            int sub = openat(dirfd(d), e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                remove_contents(sub);
            unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
        } else {
            unlinkat(dirfd(d), e->d_name, 0);
        }
    }
    closedir(d);
}

void fs_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (!S_ISDIR(st.st_mode)) {
        unlink(path);
        return;
    }
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
        remove_contents(fd);
    rmdir(path);
}

bool fs_copy_tree(const char *from, const char *to, taf_err *err)
{
    if (!fs_mkdirs(to, err))
        return false;
    DIR *d = opendir(from);
    if (!d)
        return taf_fail(err, "CANNOT_READ", NULL, "cannot list %s: %s", from, strerror(errno));
    struct dirent *e;
    bool ok = true;
    while (ok && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char a[PATH_MAX], b[PATH_MAX];
        snprintf(a, sizeof a, "%s/%s", from, e->d_name);
        snprintf(b, sizeof b, "%s/%s", to, e->d_name);
        struct stat st;
        if (lstat(a, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            ok = fs_copy_tree(a, b, err);
        } else if (S_ISREG(st.st_mode)) {
            size_t len;
            char *data = fs_read_all(a, &len);
            FILE *f = data ? fopen(b, "wb") : NULL;
            ok = f && fwrite(data, 1, len, f) == len;
            if (f)
                ok = fclose(f) == 0 && ok;
            free(data);
            if (!ok)
                taf_fail(err, "CANNOT_WRITE", NULL, "cannot copy %s to %s", a, b);
        }
    }
    closedir(d);
    return ok;
}

bool fs_swap_dir(const char *src, const char *dst, taf_err *err)
{
    /* Atomic where the kernel can: exchange the two directories in one
     * step, so a crash or kill -9 at any moment leaves dst as either the
     * complete old or the complete new tree (never missing); src then
     * holds the old tree and is removed. */
#ifdef RENAME_EXCHANGE
    struct stat st0;
    if (stat(dst, &st0) == 0) {
        if (renameat2(AT_FDCWD, src, AT_FDCWD, dst, RENAME_EXCHANGE) == 0) {
            fs_remove_tree(src);
            return true;
        }
        if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
            return taf_fail(err, "CANNOT_WRITE", NULL, "cannot swap %s and %s: %s", src, dst,
                            strerror(errno));
        /* file system without RENAME_EXCHANGE: two renames below */
    }
#endif
    char old[PATH_MAX];
    snprintf(old, sizeof old, "%s.old.%ld", dst, (long)getpid());
    struct stat st;
    bool had = stat(dst, &st) == 0;
    if (had && rename(dst, old) != 0)
        return taf_fail(err, "CANNOT_WRITE", NULL, "cannot move %s aside: %s", dst,
                        strerror(errno));
    if (rename(src, dst) != 0) {
        int e = errno;
        if (had)
            rename(old, dst);
        return taf_fail(err, "CANNOT_WRITE", NULL, "cannot move %s to %s: %s", src, dst,
                        strerror(e));
    }
    if (had)
        fs_remove_tree(old);
    return true;
}
