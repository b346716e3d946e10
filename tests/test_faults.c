/* Fault injection: the output directory unwritable, the disk full, the
 * database locked by another process, corrupted, or from a newer tafcard,
 * a source file deleted between listing and reading, and kill -9 in the
 * middle of a build or an ingest. Each must end in a clear error (exit 2
 * or 3, `tafcard: CODE: ...`) with the previous site and database intact,
 * checked by hash.
 *
 * Faults come from tests/fault/faultshim.c, an LD_PRELOAD library this
 * test compiles with `cc` into its temporary directory (it works as root,
 * where chmod does not stop writes); the disk-full case also runs on a
 * real, small tmpfs when mount(8) works here (root), else it is skipped. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <sqlite3.h>

#include "support/run.h"
#include "util/sha256.h"

static char dir[64], shim[128], db[256], site[256];

static run_result tafcard(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static run_result tafcard(const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return run_tafcard(args);
}

/* Run tafcard with the fault shim preloaded and `var`=`val` set. */
static run_result faulty(const char *var, const char *val, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static run_result faulty(const char *var, const char *val, const char *fmt, ...)
{
    char args[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    /* a sanitizer build wants its runtime first; the shim only forwards */
    const char *asan = getenv("ASAN_OPTIONS");
    char *old_asan = asan ? strdup(asan) : NULL;
    char opts[1024];
    snprintf(opts, sizeof opts, "%s%sverify_asan_link_order=0", asan ? asan : "",
             asan && *asan ? ":" : "");
    setenv("ASAN_OPTIONS", opts, 1);
    setenv("LD_PRELOAD", shim, 1);
    setenv(var, val, 1);
    run_result r = run_tafcard(args);
    unsetenv(var);
    unsetenv("LD_PRELOAD");
    if (old_asan)
        setenv("ASAN_OPTIONS", old_asan, 1);
    else
        unsetenv("ASAN_OPTIONS");
    free(old_asan);
    return r;
}

static void file_sha(const char *path, char out[TAF_SHA256_HEX_SIZE])
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot read %s", path);
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap)
            buf = realloc(buf, cap *= 2);
    fclose(f);
    taf_sha256_hex(buf, n, out);
    free(buf);
}

/* SHA-256 over every file of a tree (names and contents, sorted); "" when
 * the directory does not exist. */
static void tree_sha(const char *root, char out[TAF_SHA256_HEX_SIZE])
{
    struct stat st;
    out[0] = '\0';
    if (stat(root, &st) != 0)
        return;
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && find . -type f | LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum",
             root);
    FILE *p = popen(cmd, "r");
    cr_assert_not_null(p);
    char buf[128] = "";
    cr_assert_not_null(fgets(buf, sizeof buf, p));
    pclose(p);
    snprintf(out, TAF_SHA256_HEX_SIZE, "%.64s", buf);
}

static bool is_failure_exit(int status) { return status == 2 || status == 3; }

/* A stable error code on the first line: "tafcard: UPPER_CASE: ". */
static bool has_error_code(const char *err, const char *code)
{
    if (strncmp(err, "tafcard: ", 9) != 0)
        return false;
    const char *p = err + 9;
    size_t n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");
    if (n == 0 || strncmp(p + n, ": ", 2) != 0)
        return false;
    return !code || (strlen(code) == n && strncmp(p, code, n) == 0);
}

/* ingest the good fixture panel + presets, calibrate, build site/, and
 * compile the shim */
static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/tafcard-fault-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(shim, sizeof shim, "%s/faultshim.so", dir);
    snprintf(db, sizeof db, "%s/t.db", dir);
    snprintf(site, sizeof site, "%s/site", dir);
    const char *d = test_data_dir();
    const char *cc = getenv("FAULT_CC") ? getenv("FAULT_CC") : "cc";
    cr_assert_eq(run_sh("%s -shared -fPIC -O1 -o '%s' '%s/fault/faultshim.c' -ldl", cc, shim, d), 0,
                 "cannot compile the fault shim with %s", cc);
    run_result r = tafcard("ingest --db %s --panel %s/fixtures/panel/good --presets "
                           "%s/fixtures/presets --manifest none",
                           db, d, d);
    cr_assert_eq(r.status, 0, "ingest: %s", r.err);
    run_free(&r);
    r = tafcard("calibrate --db %s", db);
    cr_assert_eq(r.status, 0, "calibrate: %s", r.err);
    run_free(&r);
    r = tafcard("build --db %s --out %s --templates %s/../templates", db, site, d);
    cr_assert_eq(r.status, 0, "build: %s", r.err);
    run_free(&r);
}

static void teardown(void)
{
    run_sh("umount '%s/small' 2>/dev/null", dir);
    run_sh("rm -rf '%s'", dir);
}

/* Change the database so that the next build has work to do. */
static void add_model(void)
{
    run_result r = tafcard("ingest --db %s --panel none --presets none --manifest none "
                           "--config org/added=%s/fixtures/configs/mistral_swa_active.json",
                           db, test_data_dir());
    cr_assert_eq(r.status, 0, "ingest: %s", r.err);
    run_free(&r);
}

static run_result build(void)
{
    return tafcard("build --db %s --out %s --templates %s/../templates", db, site, test_data_dir());
}

static run_result build_faulty(const char *var, const char *val)
{
    return faulty(var, val, "build --db %s --out %s --templates %s/../templates", db, site,
                  test_data_dir());
}

/* No staging/old directories and no journal beside site/ and t.db. */
static void expect_no_leftovers(const char *what)
{
    cr_expect_neq(run_sh("ls -d %s.staging.* %s.old.* 2>/dev/null | grep -q .", site, site), 0,
                  "%s: a staging or old directory was left behind", what);
    char j[300];
    snprintf(j, sizeof j, "%s-journal", db);
    cr_expect_neq(access(j, F_OK), 0, "%s: a journal was left behind", what);
}

/* ---- unwritable output ------------------------------------------------- */

Test(faults, unwritable_output_directory, .init = setup, .fini = teardown)
{
    add_model();
    char db_sha[TAF_SHA256_HEX_SIZE], site_sha[TAF_SHA256_HEX_SIZE], now[TAF_SHA256_HEX_SIZE];
    file_sha(db, db_sha);
    tree_sha(site, site_sha);
    /* the directory that holds site/ (staging is made beside it) */
    run_result r = build_faulty("TAF_FAULT_DENY", dir);
    cr_expect(is_failure_exit(r.status), "exit %d: %s", r.status, r.err);
    cr_expect(has_error_code(r.err, "CANNOT_WRITE"), "%s", r.err);
    run_free(&r);
    tree_sha(site, now);
    cr_expect_str_eq(now, site_sha, "the site changed");
    file_sha(db, now);
    cr_expect_str_eq(now, db_sha, "the database changed");
    /* only site/ itself unwritable: the swap must fail, not half-replace it */
    r = build_faulty("TAF_FAULT_DENY", site);
    cr_expect(is_failure_exit(r.status), "exit %d: %s", r.status, r.err);
    cr_expect(has_error_code(r.err, NULL), "%s", r.err);
    run_free(&r);
    tree_sha(site, now);
    cr_expect_str_eq(now, site_sha, "the site changed");
    /* a database directory that cannot be written */
    char rodb[160];
    snprintf(rodb, sizeof rodb, "%s/ro", dir);
    r = faulty("TAF_FAULT_DENY", rodb,
               "ingest --db %s/t.db --panel none --presets none --manifest none --config "
               "%s/fixtures/configs/llama3_gqa_full.json",
               rodb, test_data_dir());
    cr_expect(is_failure_exit(r.status), "exit %d: %s", r.status, r.err);
    cr_expect(has_error_code(r.err, NULL), "%s", r.err);
    run_free(&r);
    cr_expect_neq(access(rodb, F_OK), 0, "created the unwritable directory");
    /* and the real thing where permissions apply (not as root) */
    if (geteuid() != 0) {
        cr_assert_eq(run_sh("chmod 0555 '%s'", dir), 0);
        r = build();
        run_sh("chmod 0755 '%s'", dir);
        cr_expect(is_failure_exit(r.status), "exit %d: %s", r.status, r.err);
        cr_expect(has_error_code(r.err, "CANNOT_WRITE"), "%s", r.err);
        run_free(&r);
        tree_sha(site, now);
        cr_expect_str_eq(now, site_sha, "the site changed");
    }
    expect_no_leftovers("unwritable");
}

/* ---- disk full ------------------------------------------------------------ */

static long long tree_bytes(const char *root)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "du -sb '%s' | cut -f1", root);
    FILE *p = popen(cmd, "r");
    long long n = 0;
    cr_assert_eq(fscanf(p, "%lld", &n), 1);
    pclose(p);
    return n;
}

/* The bytes the next build writes (charts and cards it can take over are
 * linked, not written), measured by the same build on a copy of the site:
 * the marks below are fractions of it, so each lands inside the build. */
static long long rebuild_bytes(void)
{
    char copy[600], count[600];
    snprintf(copy, sizeof copy, "%s-dry", site);
    snprintf(count, sizeof count, "%s-dry.bytes", site);
    cr_assert_eq(run_sh("rm -rf '%s' && cp -a '%s' '%s'", copy, site, copy), 0);
    run_result r = faulty("TAF_FAULT_COUNT_TO", count, "build --db %s --out %s --templates %s/../templates",
                          db, copy, test_data_dir());
    cr_assert_eq(r.status, 0, "dry run: %s", r.err);
    run_free(&r);
    FILE *f = fopen(count, "r");
    cr_assert_not_null(f, "the shim wrote no count");
    long long n = 0;
    cr_assert_eq(fscanf(f, "%lld", &n), 1);
    fclose(f);
    cr_assert_eq(run_sh("rm -rf '%s' '%s'", copy, count), 0);
    cr_assert_gt(n, 0);
    return n;
}

Test(faults, disk_full_during_build_keeps_the_old_site, .init = setup, .fini = teardown)
{
    add_model();
    char db_sha[TAF_SHA256_HEX_SIZE], site_sha[TAF_SHA256_HEX_SIZE], now[TAF_SHA256_HEX_SIZE];
    file_sha(db, db_sha);
    tree_sha(site, site_sha);
    long long total = rebuild_bytes();
    const double fractions[] = {0, 0.001, 0.01, 0.1, 0.3, 0.5, 0.8};
    for (size_t i = 0; i < sizeof fractions / sizeof fractions[0]; i++) {
        char budget[32];
        snprintf(budget, sizeof budget, "%lld", (long long)(fractions[i] * (double)total));
        run_result r = build_faulty("TAF_FAULT_DISK_BYTES", budget);
        cr_expect(is_failure_exit(r.status), "budget %s: exit %d: %s", budget, r.status, r.err);
        cr_expect(has_error_code(r.err, "CANNOT_WRITE"),
                  "budget %s: no CANNOT_WRITE error: %s", budget, r.err);
        run_free(&r);
        tree_sha(site, now);
        cr_expect_str_eq(now, site_sha, "budget %s: the site changed", budget);
        file_sha(db, now);
        cr_expect_str_eq(now, db_sha, "budget %s: the database changed", budget);
        expect_no_leftovers(budget);
    }
    /* room again: the build goes through */
    run_result r = build();
    cr_expect_eq(r.status, 0, "%s", r.err);
    run_free(&r);
}

Test(faults, disk_full_during_ingest_keeps_the_database, .init = setup, .fini = teardown)
{
    char db_sha[TAF_SHA256_HEX_SIZE], now[TAF_SHA256_HEX_SIZE];
    file_sha(db, db_sha);
    const char *budgets[] = {"0", "512", "4096", "20000", "60000"};
    for (size_t i = 0; i < sizeof budgets / sizeof budgets[0]; i++) {
        run_result r = faulty("TAF_FAULT_DISK_BYTES", budgets[i],
                              "ingest --db %s --panel %s/fixtures/panel/messy --presets none "
                              "--manifest none",
                              db, test_data_dir());
        cr_expect(is_failure_exit(r.status), "budget %s: exit %d: %s", budgets[i], r.status,
                  r.err);
        cr_expect(has_error_code(r.err, NULL), "budget %s: %s", budgets[i], r.err);
        run_free(&r);
        file_sha(db, now);
        cr_expect_str_eq(now, db_sha, "budget %s: the database changed", budgets[i]);
        expect_no_leftovers(budgets[i]);
    }
}

/* A real full file system: a tmpfs just big enough for the old site. */
Test(faults, disk_full_on_a_real_small_tmpfs, .init = setup, .fini = teardown)
{
    char mnt[128];
    snprintf(mnt, sizeof mnt, "%s/small", dir);
    cr_assert_eq(run_sh("mkdir '%s'", mnt), 0);
    long long need = tree_bytes(site) + tree_bytes(db) + 256 * 1024;
    if (geteuid() != 0 ||
        run_sh("mount -t tmpfs -o size=%lld tmpfs '%s' 2>/dev/null", need, mnt) != 0)
        cr_skip_test("mount(8) of a tmpfs is not allowed here; the LD_PRELOAD disk-full "
                     "tests cover this case");
    cr_assert_eq(run_sh("cp -a '%s' '%s' '%s/'", db, site, mnt), 0);
    snprintf(db, sizeof db, "%s/t.db", mnt);
    snprintf(site, sizeof site, "%s/site", mnt);
    add_model(); /* the journal fits: the ingest is small */
    char db_sha[TAF_SHA256_HEX_SIZE], site_sha[TAF_SHA256_HEX_SIZE], now[TAF_SHA256_HEX_SIZE];
    file_sha(db, db_sha);
    tree_sha(site, site_sha);
    run_result r = build();
    cr_expect(is_failure_exit(r.status), "exit %d: %s", r.status, r.err);
    cr_expect(has_error_code(r.err, "CANNOT_WRITE"), "%s", r.err);
    run_free(&r);
    tree_sha(site, now);
    cr_expect_str_eq(now, site_sha, "the site changed");
    file_sha(db, now);
    cr_expect_str_eq(now, db_sha, "the database changed");
    expect_no_leftovers("tmpfs");
    run_sh("umount '%s'", mnt);
}

/* ---- the database ------------------------------------------------------- */

/* Another process holds BEGIN EXCLUSIVE: tafcard waits its busy timeout
 * (5 s), then gives up with DB_BUSY. */
Test(faults, database_locked_by_another_process, .init = setup, .fini = teardown)
{
    char db_sha[TAF_SHA256_HEX_SIZE], site_sha[TAF_SHA256_HEX_SIZE], now[TAF_SHA256_HEX_SIZE];
    file_sha(db, db_sha);
    tree_sha(site, site_sha);
    sqlite3 *h = NULL;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    run_result r = tafcard("ingest --db %s --panel none --presets none --manifest none --config "
                           "org/added=%s/fixtures/configs/mistral_swa_active.json",
                           db, test_data_dir());
    cr_expect(is_failure_exit(r.status), "ingest: exit %d: %s", r.status, r.err);
    cr_expect(has_error_code(r.err, "DB_BUSY"), "ingest: %s", r.err);
    run_free(&r);
    r = build();
    cr_expect(is_failure_exit(r.status), "build: exit %d: %s", r.status, r.err);
    cr_expect(has_error_code(r.err, "DB_BUSY"), "build: %s", r.err);
    run_free(&r);
    cr_assert_eq(sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    file_sha(db, now);
    cr_expect_str_eq(now, db_sha, "the database changed");
    tree_sha(site, now);
    cr_expect_str_eq(now, site_sha, "the site changed");
    expect_no_leftovers("locked");
}

static void corrupt(const char *path, long off, const char *bytes, size_t n)
{
    FILE *f = fopen(path, "r+b");
    cr_assert_not_null(f);
    cr_assert_eq(fseek(f, off, SEEK_SET), 0);
    cr_assert_eq(fwrite(bytes, 1, n, f), n);
    fclose(f);
}

Test(faults, corrupted_database_is_reported_and_left_alone, .init = setup, .fini = teardown)
{
    char garbage[4096];
    for (size_t i = 0; i < sizeof garbage; i++)
        garbage[i] = (char)(i * 131 + 7);
    struct {
        const char *what;
        long off;
        size_t n;
    } cases[] = {{"header", 0, 100}, {"second page", 4096, 4096}, {"schema page", 100, 3996}};
    char pristine[160];
    snprintf(pristine, sizeof pristine, "%s/pristine.db", dir);
    cr_assert_eq(run_sh("cp '%s' '%s'", db, pristine), 0);
    char site_sha[TAF_SHA256_HEX_SIZE], now[TAF_SHA256_HEX_SIZE], bad_sha[TAF_SHA256_HEX_SIZE];
    tree_sha(site, site_sha);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(run_sh("cp '%s' '%s'", pristine, db), 0);
        corrupt(db, cases[i].off, garbage, cases[i].n);
        file_sha(db, bad_sha);
        run_result r = tafcard("ingest --db %s --panel %s/fixtures/panel/messy --presets none "
                               "--manifest none",
                               db, test_data_dir());
        cr_expect(is_failure_exit(r.status), "%s: ingest exit %d: %s", cases[i].what, r.status,
                  r.err);
        cr_expect(has_error_code(r.err, NULL), "%s: ingest: %s", cases[i].what, r.err);
        run_free(&r);
        file_sha(db, now);
        cr_expect_str_eq(now, bad_sha, "%s: ingest modified the corrupted file", cases[i].what);
        r = build();
        cr_expect(is_failure_exit(r.status), "%s: build exit %d: %s", cases[i].what, r.status,
                  r.err);
        cr_expect(has_error_code(r.err, NULL), "%s: build: %s", cases[i].what, r.err);
        run_free(&r);
        tree_sha(site, now);
        cr_expect_str_eq(now, site_sha, "%s: the site changed", cases[i].what);
    }
    /* a truncated file */
    cr_assert_eq(run_sh("head -c 5000 '%s' > '%s'", pristine, db), 0);
    file_sha(db, bad_sha);
    run_result r = build();
    cr_expect(is_failure_exit(r.status), "truncated: build exit %d: %s", r.status, r.err);
    cr_expect(has_error_code(r.err, NULL), "truncated: build: %s", r.err);
    run_free(&r);
    tree_sha(site, now);
    cr_expect_str_eq(now, site_sha, "truncated: the site changed");
}

Test(faults, database_from_a_newer_tafcard, .init = setup, .fini = teardown)
{
    sqlite3 *h = NULL;
    cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    char db_sha[TAF_SHA256_HEX_SIZE], site_sha[TAF_SHA256_HEX_SIZE], now[TAF_SHA256_HEX_SIZE];
    file_sha(db, db_sha);
    tree_sha(site, site_sha);
    run_result r = tafcard("ingest --db %s --panel none --presets none --manifest none --config "
                           "org/added=%s/fixtures/configs/mistral_swa_active.json",
                           db, test_data_dir());
    cr_expect_eq(r.status, 2, "ingest: exit %d: %s", r.status, r.err);
    cr_expect(has_error_code(r.err, "DB_SCHEMA") && strstr(r.err, "v99"), "ingest: %s", r.err);
    run_free(&r);
    r = build();
    cr_expect(is_failure_exit(r.status), "build: exit %d: %s", r.status, r.err);
    cr_expect(has_error_code(r.err, "DB_SCHEMA"), "build: %s", r.err);
    run_free(&r);
    file_sha(db, now);
    cr_expect_str_eq(now, db_sha, "the database changed");
    tree_sha(site, now);
    cr_expect_str_eq(now, site_sha, "the site changed");
}

/* ---- inputs vanishing -------------------------------------------------------- */

Test(faults, source_file_deleted_between_listing_and_reading, .init = setup, .fini = teardown)
{
    char panel[160];
    snprintf(panel, sizeof panel, "%s/panel", dir);
    cr_assert_eq(run_sh("cp -r '%s/fixtures/panel/messy' '%s'", test_data_dir(), panel), 0);
    char db_sha[TAF_SHA256_HEX_SIZE], now[TAF_SHA256_HEX_SIZE];
    file_sha(db, db_sha);
    /* listed by the directory walk, unlinked just before it is opened */
    run_result r = faulty("TAF_FAULT_VANISH", "pythia-70m_mongo.json",
                          "ingest --db %s --panel %s --presets none --manifest none", db, panel);
    cr_expect_eq(r.status, 2, "exit %d: %s", r.status, r.err);
    cr_expect(has_error_code(r.err, "CANNOT_READ") && strstr(r.err, "pythia-70m_mongo.json"),
              "%s", r.err);
    run_free(&r);
    file_sha(db, now);
    cr_expect_str_eq(now, db_sha, "the database changed");
    expect_no_leftovers("vanish");
}

/* ---- kill -9 ------------------------------------------------------------------ */

static bool killed(int status) { return status == -1 || status == 128 + SIGKILL; }

Test(faults, kill_9_mid_build_keeps_the_old_site, .init = setup, .fini = teardown)
{
    add_model();
    char db_sha[TAF_SHA256_HEX_SIZE], site_sha[TAF_SHA256_HEX_SIZE], now[TAF_SHA256_HEX_SIZE];
    file_sha(db, db_sha);
    tree_sha(site, site_sha);
    long long total = rebuild_bytes();
    const double fractions[] = {0, 0.01, 0.2, 0.5, 0.8, 0.99};
    for (size_t i = 0; i < sizeof fractions / sizeof fractions[0]; i++) {
        char mark[32];
        snprintf(mark, sizeof mark, "%lld", (long long)(fractions[i] * (double)total));
        run_result r = build_faulty("TAF_FAULT_KILL_BYTES", mark);
        cr_expect(killed(r.status), "kill at %s bytes: exit %d", mark, r.status);
        run_free(&r);
        tree_sha(site, now);
        cr_expect_str_eq(now, site_sha, "kill at %s bytes: the site changed", mark);
        file_sha(db, now);
        cr_expect_str_eq(now, db_sha, "kill at %s bytes: the database changed", mark);
    }
    /* real asynchronous kills at a few moments */
    for (int delay_ms = 5; delay_ms <= 160; delay_ms *= 2) {
        pid_t pid = fork();
        cr_assert_neq(pid, -1);
        if (pid == 0) {
            char templates[512];
            snprintf(templates, sizeof templates, "%s/../templates", test_data_dir());
            freopen("/dev/null", "w", stdout);
            freopen("/dev/null", "w", stderr);
            execl(getenv("TAFCARD_BIN"), "tafcard", "build", "--db", db, "--out", site,
                  "--templates", templates, (char *)NULL);
            _exit(127);
        }
        struct timespec ts = {0, delay_ms * 1000000L};
        nanosleep(&ts, NULL);
        kill(pid, SIGKILL);
        int st;
        waitpid(pid, &st, 0);
        tree_sha(site, now);
        if (WIFSIGNALED(st) && strcmp(now, site_sha) != 0) {
            /* killed after the swap: the new site must be complete */
            run_result v = tafcard("verify %s", site);
            cr_expect_eq(v.status, 0, "kill after %d ms left a partial site: %s", delay_ms, v.out);
            run_free(&v);
            break;
        } else if (WIFSIGNALED(st)) {
            continue; /* killed before the swap: the old site, untouched */
        } else {
            /* finished before the kill: a complete new site */
            run_result v = tafcard("verify %s", site);
            cr_expect_eq(v.status, 0, "%s", v.out);
            run_free(&v);
            break;
        }
    }
    file_sha(db, now);
    cr_expect_str_eq(now, db_sha, "the database changed");
}

Test(faults, kill_9_at_the_swap_leaves_a_complete_site, .init = setup, .fini = teardown)
{
    add_model();
    char site_sha[TAF_SHA256_HEX_SIZE], now[TAF_SHA256_HEX_SIZE];
    tree_sha(site, site_sha);
    /* killed right after the rename that puts the new site in place (or,
     * without an atomic exchange, right after the old one moved aside) */
    run_result r = build_faulty("TAF_FAULT_KILL_RENAME", site);
    cr_expect(killed(r.status), "exit %d: %s", r.status, r.err);
    run_free(&r);
    tree_sha(site, now);
    cr_assert(now[0] != '\0', "site/ is missing after a kill during the swap");
    r = tafcard("verify %s", site);
    cr_expect_eq(r.status, 0, "the site is not complete: %s", r.out);
    run_free(&r);
}

Test(faults, a_later_build_removes_what_a_killed_build_left, .init = setup, .fini = teardown)
{
    add_model();
    run_result r = build_faulty("TAF_FAULT_KILL_BYTES", "100000");
    cr_expect(killed(r.status), "exit %d", r.status);
    run_free(&r);
    r = build();
    cr_expect_eq(r.status, 0, "%s", r.err);
    run_free(&r);
    /* the staging directory of the killed build (its process is gone) */
    expect_no_leftovers("after a rebuild");
}

Test(faults, kill_9_mid_ingest_loses_nothing, .init = setup, .fini = teardown)
{
    char db_sha[TAF_SHA256_HEX_SIZE], site_sha[TAF_SHA256_HEX_SIZE], now[TAF_SHA256_HEX_SIZE];
    file_sha(db, db_sha);
    tree_sha(site, site_sha);
    char pristine[160];
    snprintf(pristine, sizeof pristine, "%s/pristine.db", dir);
    cr_assert_eq(run_sh("cp '%s' '%s'", db, pristine), 0);
    const char *marks[] = {"0", "4096", "30000", "80000", "120000", "160000"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        cr_assert_eq(run_sh("cp '%s' '%s' && rm -f '%s-journal'", pristine, db, db), 0);
        run_result r = faulty("TAF_FAULT_KILL_BYTES", marks[i],
                              "ingest --db %s --panel %s/fixtures/panel/messy --presets none "
                              "--manifest none",
                              db, test_data_dir());
        bool was_killed = killed(r.status);
        cr_expect(was_killed || r.status == 0, "kill at %s: exit %d: %s", marks[i], r.status,
                  r.err);
        run_free(&r);
        if (!was_killed)
            continue;
        /* the next reader recovers the interrupted transaction */
        r = build();
        cr_expect_eq(r.status, 0, "kill at %s: build after the kill: %s", marks[i], r.err);
        run_free(&r);
        file_sha(db, now);
        cr_expect_str_eq(now, db_sha, "kill at %s: the database is not as before the ingest",
                         marks[i]);
        tree_sha(site, now);
        cr_expect_str_eq(now, site_sha, "kill at %s: the rebuilt site differs", marks[i]);
    }
}
