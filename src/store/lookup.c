#include "store/lookup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_COLS "id, root, path, kind, sha256, size, missing_values FROM source_files "

static sqlite3_stmt *prep(sqlite3 *db, const char *sql, taf_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        db_fail(db, "preparing a query", err);
        return NULL;
    }
    return st;
}

static bool finish(sqlite3 *db, sqlite3_stmt *st, int rc, taf_err *err)
{
    sqlite3_finalize(st);
    return rc == SQLITE_DONE || db_fail(db, "reading the database", err);
}

static void col_text(sqlite3_stmt *st, int i, char *out, size_t n)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(out, n, "%s", t ? (const char *)t : "");
}

static void read_file_row(sqlite3_stmt *st, taf_db_source_file *f)
{
    memset(f, 0, sizeof *f);
    f->id = sqlite3_column_int64(st, 0);
    col_text(st, 1, f->root, sizeof f->root);
    col_text(st, 2, f->path, sizeof f->path);
    col_text(st, 3, f->kind, sizeof f->kind);
    col_text(st, 4, f->sha256, sizeof f->sha256);
    f->size = sqlite3_column_int64(st, 5);
    f->missing_values = sqlite3_column_int64(st, 6);
}

bool db_each_model_id(sqlite3 *db, db_model_id_fn fn, void *ctx, taf_err *err)
{
    sqlite3_stmt *st = prep(db, "SELECT id FROM models ORDER BY id", err);
    if (!st)
        return false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *id = sqlite3_column_text(st, 0);
        if (!fn(ctx, id ? (const char *)id : "", err)) {
            sqlite3_finalize(st);
            return false;
        }
    }
    return finish(db, st, rc, err);
}

bool db_has_panel_files(sqlite3 *db, bool *has, taf_err *err)
{
    *has = false;
    sqlite3_stmt *st =
        prep(db, "SELECT EXISTS (SELECT 1 FROM source_files WHERE root = 'panel')", err);
    if (!st)
        return false;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *has = sqlite3_column_int(st, 0) != 0;
        rc = SQLITE_DONE;
    }
    return finish(db, st, rc, err);
}

bool db_list_source_files_of_kind(sqlite3 *db, const char *kind, taf_db_source_file **out,
                                  size_t *n, taf_err *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = prep(db, "SELECT " FILE_COLS "WHERE kind = ?1 ORDER BY root, path", err);
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t c = cap ? 2 * cap : 8;
            taf_db_source_file *f = realloc(*out, c * sizeof *f);
            if (!f) {
                sqlite3_finalize(st);
                free(*out);
                *out = NULL;
                *n = 0;
                return taf_fail(err, "oom", NULL, "out of memory listing %s files", kind);
            }
            *out = f;
            cap = c;
        }
        read_file_row(st, &(*out)[(*n)++]);
    }
    if (!finish(db, st, rc, err)) {
        free(*out);
        *out = NULL;
        *n = 0;
        return false;
    }
    return true;
}

bool db_get_source_file(sqlite3 *db, const char *root_path, taf_db_source_file *out,
                        bool *found, taf_err *err)
{
    *found = false;
    const char *colon = strchr(root_path, ':');
    if (!colon)
        return true;
    sqlite3_stmt *st = prep(db, "SELECT " FILE_COLS "WHERE root = ?1 AND path = ?2", err);
    if (!st)
        return false;
    sqlite3_bind_text(st, 1, root_path, (int)(colon - root_path), SQLITE_STATIC);
    sqlite3_bind_text(st, 2, colon + 1, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        read_file_row(st, out);
        *found = true;
        rc = SQLITE_DONE;
    }
    return finish(db, st, rc, err);
}
