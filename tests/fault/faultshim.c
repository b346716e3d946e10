/* LD_PRELOAD fault injector for tests/test_faults.c.
 *
 * Built by the test itself (cc -shared -fPIC) and preloaded into one
 * tafcard run; every fault is off unless its environment variable is set:
 *
 *   TAF_FAULT_DISK_BYTES=N    "disk full": once N bytes have been appended
 *                             to regular files, every write that would grow
 *                             a file fails with ENOSPC (overwrites inside a
 *                             file's current size still succeed, as on a
 *                             real full disk, so SQLite can roll back).
 *                             Covers write/pwrite/pwrite64/writev and, by
 *                             wrapping every FILE opened for writing with
 *                             fopencookie, stdio (whose own write calls are
 *                             internal to glibc and cannot be interposed).
 *   TAF_FAULT_DENY=PREFIX     "unwritable": creating, opening for writing,
 *                             renaming or removing anything whose path
 *                             starts with PREFIX fails with EACCES (works
 *                             for root, unlike chmod).
 *   TAF_FAULT_VANISH=SUBSTR   "deleted between listing and reading": the
 *                             first fopen for reading of a path containing
 *                             SUBSTR unlinks it first, so the open fails
 *                             with ENOENT.
 *   TAF_FAULT_KILL_BYTES=N    "kill -9 mid-write": SIGKILL the process when
 *                             a write would take the bytes written to
 *                             regular files past N (the write is not done).
 *   TAF_FAULT_COUNT_TO=FILE   write the number of bytes written to regular
 *                             files into FILE when the process exits (to
 *                             place the kill marks above within a run).
 *   TAF_FAULT_KILL_RENAME=PATH  SIGKILL the process right after a
 *                             successful rename() or renameat2() whose
 *                             source or target is exactly PATH (an
 *                             interrupted directory swap).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long long budget = -1; /* bytes that may still extend files; -1 = unlimited */
static long long kill_after = -1; /* SIGKILL past this many bytes written; -1 = never */
static long long written;
static int inited;
static int counting; /* TAF_FAULT_COUNT_TO is set */

static void report_count(void)
{
    const char *to = getenv("TAF_FAULT_COUNT_TO");
    FILE *(*open_real)(const char *, const char *) =
        (FILE * (*)(const char *, const char *)) dlsym(RTLD_NEXT, "fopen");
    FILE *f = to && open_real ? open_real(to, "w") : NULL;
    if (f) {
        fprintf(f, "%lld\n", written);
        fclose(f);
    }
}

static void init(void)
{
    if (inited)
        return;
    inited = 1;
    const char *b = getenv("TAF_FAULT_DISK_BYTES");
    if (b && *b)
        budget = atoll(b);
    const char *k = getenv("TAF_FAULT_KILL_BYTES");
    if (k && *k)
        kill_after = atoll(k);
    const char *c = getenv("TAF_FAULT_COUNT_TO");
    if (c && *c) {
        counting = 1;
        atexit(report_count);
    }
}

/* Count `n` bytes about to be written to a regular file; dies past the
 * TAF_FAULT_KILL_BYTES mark. */
static void count_written(int fd, size_t n)
{
    struct stat st;
    init();
    if ((kill_after < 0 && !counting) || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return;
    written += (long long)n;
    if (kill_after >= 0 && written > kill_after)
        raise(SIGKILL);
}

#define REAL(name) real_##name
#define LOAD(name)                                                    \
    do {                                                              \
        if (!REAL(name))                                              \
            REAL(name) = (__typeof__(REAL(name)))dlsym(RTLD_NEXT, #name); \
    } while (0)

static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static FILE *(*real_fopen)(const char *, const char *);
static FILE *(*real_fopen64)(const char *, const char *);
static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_mkdir)(const char *, mode_t);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned);
static int (*real_unlink)(const char *);
static int (*real_rmdir)(const char *);
static int (*real_mkstemp)(char *);
static int (*real_mkstemp64)(char *);

/* ---- disk full ------------------------------------------------------------ */

/* Bytes of [off, off+len) beyond the current end of regular file fd; 0 for
 * pipes, terminals and anything else (stderr must keep working). */
static long long growth(int fd, off_t off, size_t len)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return 0;
    long long end = (long long)off + (long long)len;
    return end > (long long)st.st_size ? end - (long long)st.st_size : 0;
}

/* May `grow` more bytes be allocated? Charges them when yes. */
static int charge(long long grow)
{
    init();
    if (budget < 0 || grow == 0)
        return 1;
    if (grow > budget) {
        budget = 0;
        errno = ENOSPC;
        return 0;
    }
    budget -= grow;
    return 1;
}

ssize_t write(int fd, const void *buf, size_t n)
{
    LOAD(write);
    off_t cur = lseek(fd, 0, SEEK_CUR);
    if (cur >= 0 && (fcntl(fd, F_GETFL) & O_APPEND)) {
        struct stat st;
        if (fstat(fd, &st) == 0)
            cur = st.st_size;
    }
    if (cur >= 0 && !charge(growth(fd, cur, n)))
        return -1;
    count_written(fd, n);
    return real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    LOAD(pwrite);
    if (!charge(growth(fd, off, n)))
        return -1;
    count_written(fd, n);
    return real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
    LOAD(pwrite64);
    if (!charge(growth(fd, off, n)))
        return -1;
    count_written(fd, n);
    return real_pwrite64(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    LOAD(writev);
    size_t n = 0;
    for (int i = 0; i < cnt; i++)
        n += iov[i].iov_len;
    off_t cur = lseek(fd, 0, SEEK_CUR);
    if (cur >= 0 && !charge(growth(fd, cur, n)))
        return -1;
    count_written(fd, n);
    return real_writev(fd, iov, cnt);
}

/* stdio streams opened for writing: a cookie stream over the real one that
 * charges every byte it passes on (stdio buffers, so a whole buffer is
 * charged when it is flushed). */
/* Returns the bytes written; on error 0 with errno set (glibc 2.36's
 * fwrite mishandles a cookie write that returns -1: it takes it as a huge
 * count and overruns its buffer). */
static ssize_t ck_write(void *c, const char *buf, size_t n)
{
    FILE *f = c;
    long pos = ftell(f);
    if (pos >= 0 && !charge(growth(fileno(f), pos, n)))
        return 0;
    count_written(fileno(f), n);
    return (ssize_t)fwrite(buf, 1, n, f);
}

static ssize_t ck_read(void *c, char *buf, size_t n) { return (ssize_t)fread(buf, 1, n, c); }

static int ck_seek(void *c, off64_t *off, int whence)
{
    FILE *f = c;
    if (fseeko(f, *off, whence) != 0)
        return -1;
    *off = ftello(f);
    return 0;
}

static int ck_close(void *c) { return fclose(c); }

/* ---- paths -------------------------------------------------------------------- */

static int denied(const char *path)
{
    const char *p = getenv("TAF_FAULT_DENY");
    if (!p || !*p || !path)
        return 0;
    char abs[4096];
    if (path[0] != '/') {
        if (!getcwd(abs, sizeof abs))
            return 0;
        size_t n = strlen(abs);
        snprintf(abs + n, sizeof abs - n, "/%s", path);
        path = abs;
    }
    if (strncmp(path, p, strlen(p)) == 0) {
        errno = EACCES;
        return 1;
    }
    return 0;
}

static int writing_mode(const char *mode) { return strpbrk(mode, "wa+") != NULL; }

static int vanish_done;

static void maybe_vanish(const char *path, const char *mode)
{
    const char *v = getenv("TAF_FAULT_VANISH");
    if (v && *v && !vanish_done && !writing_mode(mode) && strstr(path, v)) {
        vanish_done = 1;
        LOAD(unlink);
        real_unlink(path);
    }
}

static FILE *wrap(FILE *real, const char *mode)
{
    init();
    if (!real || (budget < 0 && kill_after < 0) || !writing_mode(mode))
        return real;
    cookie_io_functions_t io = {ck_read, ck_write, ck_seek, ck_close};
    FILE *f = fopencookie(real, mode, io);
    if (!f) {
        fclose(real);
        return NULL;
    }
    /* the cookie stream buffers; the real one below must not, so that the
     * file's size is what has really been written when a chunk is charged */
    setvbuf(real, NULL, _IONBF, 0);
    return f;
}

FILE *fopen(const char *path, const char *mode)
{
    LOAD(fopen);
    if (writing_mode(mode) && denied(path))
        return NULL;
    maybe_vanish(path, mode);
    return wrap(real_fopen(path, mode), mode);
}

FILE *fopen64(const char *path, const char *mode)
{
    LOAD(fopen64);
    if (writing_mode(mode) && denied(path))
        return NULL;
    maybe_vanish(path, mode);
    return wrap(real_fopen64(path, mode), mode);
}

static int open_common(int (*fn)(const char *, int, ...), const char *path, int flags,
                       mode_t mode)
{
    if ((flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) && denied(path))
        return -1;
    return fn(path, flags, mode);
}

int open(const char *path, int flags, ...)
{
    LOAD(open);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    return open_common(real_open, path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    LOAD(open64);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    return open_common(real_open64, path, flags, mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
    LOAD(openat);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    if ((flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) && (dirfd == AT_FDCWD || path[0] == '/') &&
        denied(path))
        return -1;
    return real_openat(dirfd, path, flags, mode);
}

int mkdir(const char *path, mode_t mode)
{
    LOAD(mkdir);
    if (denied(path))
        return -1;
    return real_mkdir(path, mode);
}

int mkstemp(char *tmpl)
{
    LOAD(mkstemp);
    if (denied(tmpl))
        return -1;
    return real_mkstemp(tmpl);
}

int mkstemp64(char *tmpl)
{
    LOAD(mkstemp64);
    if (denied(tmpl))
        return -1;
    return real_mkstemp64(tmpl);
}

int unlink(const char *path)
{
    LOAD(unlink);
    if (denied(path))
        return -1;
    return real_unlink(path);
}

int rmdir(const char *path)
{
    LOAD(rmdir);
    if (denied(path))
        return -1;
    return real_rmdir(path);
}

int rename(const char *from, const char *to)
{
    LOAD(rename);
    if (denied(from) || denied(to))
        return -1;
    int rc = real_rename(from, to);
    const char *k = getenv("TAF_FAULT_KILL_RENAME");
    if (rc == 0 && k && *k && (strcmp(from, k) == 0 || strcmp(to, k) == 0))
        raise(SIGKILL);
    return rc;
}

int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
    LOAD(renameat2);
    if (denied(from) || denied(to))
        return -1;
    int rc = real_renameat2(fd1, from, fd2, to, flags);
    const char *k = getenv("TAF_FAULT_KILL_RENAME");
    if (rc == 0 && k && *k && (strcmp(from, k) == 0 || strcmp(to, k) == 0))
        raise(SIGKILL);
    return rc;
}
