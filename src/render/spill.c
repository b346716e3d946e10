#include "render/spill.h"

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* WITHOUT ROWID tables keyed by path or slug: their primary key is the
 * order the build reads them in, so no query sorts in memory. */
static const char SCHEMA[] =
    "CREATE TABLE cards (idx INTEGER PRIMARY KEY, id TEXT NOT NULL, slug TEXT NOT NULL,"
    " card_key TEXT, reused INTEGER NOT NULL DEFAULT 0, summary TEXT);"
    "CREATE TABLE out_files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL,"
    " size INTEGER NOT NULL, chart_key TEXT) WITHOUT ROWID;"
    "CREATE TABLE old_files (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL,"
    " size INTEGER NOT NULL, chart_key TEXT) WITHOUT ROWID;"
    "CREATE TABLE old_cards (slug TEXT PRIMARY KEY, card_key TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE TABLE walked (path TEXT PRIMARY KEY) WITHOUT ROWID;";

enum {
    ST_CARD_ADD,
    ST_CARD_GET,
    ST_CARD_KEY,
    ST_CARD_DONE,
    ST_CARD_SUMMARY,
    ST_CARD_NO_SUMMARY,
    ST_CARD_SET_SUMMARY,
    ST_CARDS_EACH,
    ST_CARDS_REUSED,
    ST_CARDS_MATCH,
    ST_FILE_PUT,
    ST_OLD_FILE_PUT,
    ST_OLD_CARD_PUT,
    ST_OLD_CARD_KEY,
    ST_OLD_FILE_SIZE,
    ST_OLD_FILE_COUNT,
    ST_OLD_IN,
    ST_OLD_OUT,
    ST_OLD_CHART_KEY_PUT,
    ST_OLD_CHART,
    ST_WALKED_PUT,
    ST_MANIFEST,
    ST_CHART_KEYS,
    ST_UNLISTED,
    N_ST
};

static const char *const SQL[N_ST] = {
    [ST_CARD_ADD] = "INSERT INTO cards (idx, id, slug) VALUES (?1, ?2, ?3)",
    [ST_CARD_GET] = "SELECT id, slug, card_key, reused FROM cards WHERE idx = ?1",
    [ST_CARD_KEY] = "UPDATE cards SET card_key = ?2 WHERE idx = ?1",
    [ST_CARD_DONE] = "UPDATE cards SET card_key = ?2, reused = ?3, summary = coalesce(?4, summary)"
                     " WHERE idx = ?1",
    [ST_CARD_SUMMARY] = "SELECT summary FROM cards WHERE idx = ?1",
    [ST_CARD_NO_SUMMARY] =
        "SELECT idx FROM cards WHERE idx >= ?1 AND summary IS NULL ORDER BY idx LIMIT 1",
    [ST_CARD_SET_SUMMARY] = "UPDATE cards SET summary = ?2 WHERE idx = ?1",
    [ST_CARDS_EACH] = "SELECT idx, id, slug, card_key, reused FROM cards ORDER BY idx",
    [ST_CARDS_REUSED] = "SELECT count(*) FROM cards WHERE reused",
    [ST_CARDS_MATCH] =
        "SELECT (SELECT count(*) FROM old_cards) = (SELECT count(*) FROM cards) AND NOT EXISTS"
        " (SELECT 1 FROM cards c LEFT JOIN old_cards o ON o.slug = c.slug"
        "  WHERE c.card_key IS NULL OR o.card_key IS NULL OR o.card_key <> c.card_key)",
    [ST_FILE_PUT] = "INSERT OR REPLACE INTO out_files (path, sha256, size, chart_key)"
                    " VALUES (?1, ?2, ?3, ?4)",
    [ST_OLD_FILE_PUT] =
        "INSERT OR REPLACE INTO old_files (path, sha256, size) VALUES (?1, ?2, ?3)",
    [ST_OLD_CARD_PUT] = "INSERT OR REPLACE INTO old_cards (slug, card_key) VALUES (?1, ?2)",
    [ST_OLD_CARD_KEY] = "SELECT card_key FROM old_cards WHERE slug = ?1",
    [ST_OLD_FILE_SIZE] = "SELECT size FROM old_files WHERE path = ?1",
    [ST_OLD_FILE_COUNT] = "SELECT count(*) FROM old_files",
    [ST_OLD_IN] = "SELECT path, sha256, size FROM old_files WHERE path >= ?1 AND path < ?2"
                  " ORDER BY path",
    [ST_OLD_OUT] = "SELECT path, sha256, size FROM old_files WHERE path < ?1 OR path >= ?2"
                   " ORDER BY path",
    [ST_OLD_CHART_KEY_PUT] = "UPDATE old_files SET chart_key = ?2 WHERE path = ?1",
    [ST_OLD_CHART] = "SELECT chart_key, sha256, size FROM old_files"
                     " WHERE path = ?1 AND chart_key IS NOT NULL",
    [ST_WALKED_PUT] = "INSERT OR IGNORE INTO walked (path) VALUES (?1)",
    [ST_MANIFEST] = "SELECT w.path, f.sha256, f.size FROM walked w"
                    " LEFT JOIN out_files f ON f.path = w.path ORDER BY w.path",
    /* a file taken over unchanged keeps the key it was made with */
    [ST_CHART_KEYS] = "SELECT path, k FROM (SELECT w.path AS path, coalesce(f.chart_key,"
                      " (SELECT o.chart_key FROM old_files o WHERE o.path = w.path"
                      "  AND o.sha256 = f.sha256)) AS k FROM walked w"
                      " JOIN out_files f ON f.path = w.path) WHERE k IS NOT NULL ORDER BY path",
    [ST_UNLISTED] = "SELECT w.path FROM walked w WHERE NOT EXISTS"
                    " (SELECT 1 FROM old_files o WHERE o.path = w.path) ORDER BY w.path",
};

struct spill {
    sqlite3 *db;
    bool writing; /* this connection holds the write turn */
    char path[PATH_MAX];
    sqlite3_stmt *st[N_ST];
};

/* The connections of a build take turns at writing through this lock, not
 * through SQLite's busy handler, which sleeps a millisecond or more each
 * time it finds the database locked (two workers recording their cards
 * met that way about once a card). */
static pthread_mutex_t write_turn = PTHREAD_MUTEX_INITIALIZER;

static void end_turn(spill *s)
{
    if (s->writing) {
        s->writing = false;
        pthread_mutex_unlock(&write_turn);
    }
}


static bool fail(spill *s, const char *what, taf_err *err)
{
    int code = s && s->db ? sqlite3_extended_errcode(s->db) & 0xff : SQLITE_CANTOPEN;
    const char *msg = s && s->db ? sqlite3_errmsg(s->db) : "cannot open";
    const char *name = s && s->path[0] ? s->path : "(temporary database)";
    bool io = code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_CANTOPEN ||
              code == SQLITE_READONLY || code == SQLITE_PERM;
    return taf_fail(err, io ? "CANNOT_WRITE" : "SPILL_ERROR",
                    io ? "is the disk full? the build keeps its per-model data in this file, "
                         "beside the output directory"
                       : "remove it and build again",
                    "%s: %s: %s", name, what, msg);
}

static sqlite3_stmt *stmt(spill *s, int which, taf_err *err)
{
    if (!s->st[which] && sqlite3_prepare_v2(s->db, SQL[which], -1, &s->st[which], NULL) != SQLITE_OK) {
        fail(s, "preparing a query", err);
        return NULL;
    }
    sqlite3_reset(s->st[which]);
    sqlite3_clear_bindings(s->st[which]);
    return s->st[which];
}

static bool exec(spill *s, const char *sql, const char *what, taf_err *err)
{
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK || fail(s, what, err);
}

static spill *open_conn(const char *path, int flags, taf_err *err)
{
    spill *s = calloc(1, sizeof *s);
    if (!s) {
        taf_fail(err, "oom", NULL, "out of memory");
        return NULL;
    }
    snprintf(s->path, sizeof s->path, "%s", path ? path : "");
    if (sqlite3_open_v2(path ? path : "", &s->db, flags, NULL) != SQLITE_OK) {
        fail(s, "cannot open the spill database", err);
        spill_close(s);
        return NULL;
    }
    sqlite3_extended_result_codes(s->db, 1);
    /* a worker waits while another commits its card */
    sqlite3_busy_timeout(s->db, 60000);
    /* scratch data: no fsync; a small page cache per connection, so memory
     * stays flat as the file grows (reads are by key or in key order, and
     * the OS caches the file) */
    if (!exec(s, "PRAGMA synchronous = OFF; PRAGMA cache_size = -256", "setting it up", err)) {
        spill_close(s);
        return NULL;
    }
    return s;
}

spill *spill_create(const char *path, taf_err *err)
{
    if (path)
        spill_unlink(path);
    spill *s = open_conn(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, err);
    if (!s)
        return NULL;
    const char *mode = path ? "PRAGMA journal_mode = WAL" : "PRAGMA journal_mode = OFF";
    if (!exec(s, mode, "setting the journal mode", err) ||
        !exec(s, SCHEMA, "creating its tables", err)) {
        spill_close(s);
        if (path)
            spill_unlink(path);
        return NULL;
    }
    return s;
}

spill *spill_open(const char *path, taf_err *err)
{
    return open_conn(path, SQLITE_OPEN_READWRITE, err);
}

void spill_close(spill *s)
{
    if (!s)
        return;
    spill_rollback(s); /* a transaction left open: its write turn too */
    for (int i = 0; i < N_ST; i++)
        sqlite3_finalize(s->st[i]);
    sqlite3_close(s->db);
    free(s);
}

void spill_unlink(const char *path)
{
    static const char *const SUFFIX[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof SUFFIX / sizeof SUFFIX[0]; i++) {
        char p[PATH_MAX + 16];
        snprintf(p, sizeof p, "%s%s", path, SUFFIX[i]);
        unlink(p);
    }
}

bool spill_begin(spill *s, taf_err *err)
{
    if (!s->writing) {
        pthread_mutex_lock(&write_turn);
        s->writing = true;
    }
    if (exec(s, "BEGIN IMMEDIATE", "starting a transaction", err))
        return true;
    end_turn(s);
    return false;
}

bool spill_commit(spill *s, taf_err *err)
{
    if (exec(s, "COMMIT", "committing", err)) {
        end_turn(s);
        return true;
    }
    spill_rollback(s);
    return false;
}

void spill_rollback(spill *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    end_turn(s);
}

/* ---- statements ------------------------------------------------------------ */

static void bind_text(sqlite3_stmt *st, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(st, i, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* Run a statement without rows (a write outside a transaction takes the
 * write turn for itself). */
static bool run(spill *s, sqlite3_stmt *st, const char *what, taf_err *err)
{
    bool turn = !s->writing && !sqlite3_stmt_readonly(st);
    if (turn)
        pthread_mutex_lock(&write_turn);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (turn)
        pthread_mutex_unlock(&write_turn);
    return rc == SQLITE_DONE || fail(s, what, err);
}

/* One row expected (or none: *found false). The statement is left on the
 * row for the caller to read; the next stmt() resets it. */
static bool one_row(spill *s, sqlite3_stmt *st, bool *found, const char *what, taf_err *err)
{
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    return rc == SQLITE_ROW || rc == SQLITE_DONE || fail(s, what, err);
}

static bool count(spill *s, int which, size_t *n, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, which, err);
    bool found;
    if (!st || !one_row(s, st, &found, "counting", err))
        return false;
    *n = found ? (size_t)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return true;
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, n, "%s", t ? (const char *)t : "");
}

/* ---- cards --------------------------------------------------------------------- */

bool spill_card_add(spill *s, size_t idx, const char *id, const char *slug, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_CARD_ADD, err);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
    bind_text(st, 2, id);
    bind_text(st, 3, slug);
    return run(s, st, "recording a card", err);
}

bool spill_card_get(spill *s, size_t idx, spill_card *c, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_CARD_GET, err);
    bool found;
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
    if (!one_row(s, st, &found, "reading a card", err))
        return false;
    if (!found)
        return taf_fail(err, "SPILL_ERROR", NULL, "%s: no card %zu", s->path, idx);
    c->idx = idx;
    col_text(st, 0, c->id, sizeof c->id);
    col_text(st, 1, c->slug, sizeof c->slug);
    col_text(st, 2, c->key, sizeof c->key);
    c->reused = sqlite3_column_int(st, 3) != 0;
    sqlite3_reset(st);
    return true;
}

bool spill_card_set_key(spill *s, size_t idx, const char *key, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_CARD_KEY, err);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
    bind_text(st, 2, key);
    return run(s, st, "recording a card's key", err);
}

bool spill_card_done(spill *s, size_t idx, const char *key, bool reused, const char *summary,
                     taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_CARD_DONE, err);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
    bind_text(st, 2, key);
    sqlite3_bind_int(st, 3, reused);
    bind_text(st, 4, summary);
    return run(s, st, "recording a card", err);
}

char *spill_card_summary(spill *s, size_t idx, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_CARD_SUMMARY, err);
    if (!st)
        return NULL;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
    bool row;
    if (!one_row(s, st, &row, "reading a summary", err))
        return NULL;
    const unsigned char *t = row ? sqlite3_column_text(st, 0) : NULL;
    char *out = t ? strdup((const char *)t) : NULL;
    sqlite3_reset(st);
    if (!out && t)
        taf_fail(err, "oom", NULL, "out of memory");
    else if (!out)
        taf_fail(err, "SPILL_ERROR", NULL, "%s: card %zu has no summary", s->path, idx);
    return out;
}

bool spill_card_next_without_summary(spill *s, size_t from, size_t *idx, bool *found,
                                     taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_CARD_NO_SUMMARY, err);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)from);
    if (!one_row(s, st, found, "reading the cards", err))
        return false;
    if (*found)
        *idx = (size_t)sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return true;
}

bool spill_card_set_summary(spill *s, size_t idx, const char *summary, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_CARD_SET_SUMMARY, err);
    if (!st)
        return false;
    sqlite3_bind_int64(st, 1, (sqlite3_int64)idx);
    bind_text(st, 2, summary);
    return run(s, st, "recording a summary", err);
}

bool spill_cards_each(spill *s, spill_card_fn fn, void *ctx, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_CARDS_EACH, err);
    if (!st)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        spill_card c;
        c.idx = (size_t)sqlite3_column_int64(st, 0);
        col_text(st, 1, c.id, sizeof c.id);
        col_text(st, 2, c.slug, sizeof c.slug);
        col_text(st, 3, c.key, sizeof c.key);
        c.reused = sqlite3_column_int(st, 4) != 0;
        if (!fn(ctx, &c, err)) {
            sqlite3_reset(st);
            return false;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE || fail(s, "reading the cards", err);
}

bool spill_cards_reused(spill *s, size_t *n, taf_err *err)
{
    return count(s, ST_CARDS_REUSED, n, err);
}

bool spill_cards_match_old(spill *s, bool *same, taf_err *err)
{
    size_t v;
    if (!count(s, ST_CARDS_MATCH, &v, err))
        return false;
    *same = v != 0;
    return true;
}

/* ---- files --------------------------------------------------------------------- */

static bool put_file(spill *s, int which, const char *path, const char *sha256, long long size,
                     const char *chart_key, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, which, err);
    if (!st)
        return false;
    bind_text(st, 1, path);
    bind_text(st, 2, sha256);
    sqlite3_bind_int64(st, 3, size);
    if (which == ST_FILE_PUT)
        bind_text(st, 4, chart_key && chart_key[0] ? chart_key : NULL);
    return run(s, st, "recording a file", err);
}

bool spill_file_put(spill *s, const char *path, const char *sha256, long long size,
                    const char *chart_key, taf_err *err)
{
    return put_file(s, ST_FILE_PUT, path, sha256, size, chart_key, err);
}

/* A write statement of two text parameters. */
static bool put_pair(spill *s, int which, const char *a, const char *b, const char *what,
                     taf_err *err)
{
    sqlite3_stmt *st = stmt(s, which, err);
    if (!st)
        return false;
    bind_text(st, 1, a);
    bind_text(st, 2, b);
    return run(s, st, what, err);
}

bool spill_old_chart_key_put(spill *s, const char *path, const char *chart_key, taf_err *err)
{
    return put_pair(s, ST_OLD_CHART_KEY_PUT, path, chart_key, "recording a chart key", err);
}

bool spill_old_chart(spill *s, const char *path, char chart_key[65], char sha256[65],
                     long long *size, bool *found, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_OLD_CHART, err);
    if (!st)
        return false;
    bind_text(st, 1, path);
    if (!one_row(s, st, found, "reading a chart key", err))
        return false;
    if (*found) {
        col_text(st, 0, chart_key, 65);
        col_text(st, 1, sha256, 65);
        *size = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    return true;
}

bool spill_chart_keys_each(spill *s, spill_key_fn fn, void *ctx, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_CHART_KEYS, err);
    if (!st)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 0);
        const char *key = (const char *)sqlite3_column_text(st, 1);
        if (!fn(ctx, path ? path : "", key ? key : "", err)) {
            sqlite3_reset(st);
            return false;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE || fail(s, "reading the chart keys", err);
}

bool spill_old_file_put(spill *s, const char *path, const char *sha256, long long size,
                        taf_err *err)
{
    return put_file(s, ST_OLD_FILE_PUT, path, sha256, size, NULL, err);
}

bool spill_old_card_put(spill *s, const char *slug, const char *key, taf_err *err)
{
    return put_pair(s, ST_OLD_CARD_PUT, slug, key, "recording a card key", err);
}

bool spill_old_clear(spill *s, taf_err *err)
{
    return exec(s, "DELETE FROM old_files; DELETE FROM old_cards", "clearing", err);
}

bool spill_old_card_key(spill *s, const char *slug, char key[65], bool *found, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_OLD_CARD_KEY, err);
    if (!st)
        return false;
    bind_text(st, 1, slug);
    if (!one_row(s, st, found, "reading a card key", err))
        return false;
    if (*found)
        col_text(st, 0, key, 65);
    sqlite3_reset(st);
    return true;
}

bool spill_old_file_size(spill *s, const char *path, long long *size, bool *found, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_OLD_FILE_SIZE, err);
    if (!st)
        return false;
    bind_text(st, 1, path);
    if (!one_row(s, st, found, "reading a file entry", err))
        return false;
    if (*found)
        *size = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return true;
}

bool spill_old_file_count(spill *s, size_t *n, taf_err *err)
{
    return count(s, ST_OLD_FILE_COUNT, n, err);
}

bool spill_walked_put(spill *s, const char *path, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_WALKED_PUT, err);
    if (!st)
        return false;
    bind_text(st, 1, path);
    return run(s, st, "recording a file", err);
}

/* Rows of (path, sha256 or NULL, size or -1) to fn. */
static bool each_file(spill *s, sqlite3_stmt *st, int cols, spill_file_fn fn, void *ctx,
                      taf_err *err)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *path = (const char *)sqlite3_column_text(st, 0);
        const char *sha = cols > 1 ? (const char *)sqlite3_column_text(st, 1) : NULL;
        long long size = cols > 2 && sqlite3_column_type(st, 2) != SQLITE_NULL
                             ? sqlite3_column_int64(st, 2)
                             : -1;
        if (!fn(ctx, path ? path : "", sha, size, err)) {
            sqlite3_reset(st);
            return false;
        }
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE || fail(s, "reading the file list", err);
}

/* The least string greater than every string starting with prefix (the
 * prefix with its last byte incremented; bytes 0xFF carried). */
static bool prefix_end(const char *prefix, char *out, size_t outsz)
{
    size_t n = strlen(prefix);
    if (n >= outsz)
        return false;
    memcpy(out, prefix, n + 1);
    while (n > 0 && (unsigned char)out[n - 1] == 0xFF)
        out[--n] = '\0';
    if (n == 0)
        return false;
    out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
    return true;
}

bool spill_old_files_each(spill *s, const char *prefix, bool inside, spill_file_fn fn, void *ctx,
                          taf_err *err)
{
    char end[PATH_MAX];
    if (!prefix_end(prefix, end, sizeof end))
        return taf_fail(err, "SPILL_ERROR", NULL, "%s: bad path prefix '%.200s'", s->path,
                        prefix);
    sqlite3_stmt *st = stmt(s, inside ? ST_OLD_IN : ST_OLD_OUT, err);
    if (!st)
        return false;
    bind_text(st, 1, prefix);
    bind_text(st, 2, end);
    return each_file(s, st, 3, fn, ctx, err);
}

bool spill_manifest_each(spill *s, spill_file_fn fn, void *ctx, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_MANIFEST, err);
    return st && each_file(s, st, 3, fn, ctx, err);
}

bool spill_unlisted_each(spill *s, spill_file_fn fn, void *ctx, taf_err *err)
{
    sqlite3_stmt *st = stmt(s, ST_UNLISTED, err);
    return st && each_file(s, st, 1, fn, ctx, err);
}
