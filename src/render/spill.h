/* The site build's spill database: what a build learns per model — each
 * card's id, slug, reuse key and page summary, every output file's SHA-256
 * and size, the previous site's manifest — goes to a temporary SQLite
 * database instead of memory, and is read back in order (ORDER BY on disk)
 * for the listing pages, the pages' key and the manifest. So a build's
 * memory does not grow with the number of models.
 *
 * One connection per thread: workers write their cards (WAL: readers and
 * one writer at a time, with a busy timeout for the rest). Paths are
 * compared bytewise (SQLite's BINARY collation), the order strcmp gives
 * and manifest.json has always used. Errors: CANNOT_WRITE when the file
 * system refuses (disk full, no permission, I/O error), SPILL_ERROR
 * otherwise; each names the database file. */
#ifndef TAF_RENDER_SPILL_H
#define TAF_RENDER_SPILL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

typedef struct spill spill;

/* A new spill database at `path` (any file there is replaced), with its
 * tables; NULL `path`: a private temporary database (one connection,
 * deleted when closed). */
spill *spill_create(const char *path, taf_err *err);
/* Another connection to the database at `path` (one per thread). */
spill *spill_open(const char *path, taf_err *err);
void spill_close(spill *s);
/* Remove the database file at `path` and SQLite's files beside it. */
void spill_unlink(const char *path);

/* A write transaction (BEGIN IMMEDIATE: waits for other writers). */
bool spill_begin(spill *s, taf_err *err);
bool spill_commit(spill *s, taf_err *err);
void spill_rollback(spill *s);

/* ---- cards, by their position in the build (ORDER BY model id) ---------- */

typedef struct {
    size_t idx;
    char id[160];
    char slug[160];
    char key[65];            /* "" until known */
    bool reused;
} spill_card;

bool spill_card_add(spill *s, size_t idx, const char *id, const char *slug, taf_err *err);
/* Card idx (an error if there is none). */
bool spill_card_get(spill *s, size_t idx, spill_card *c, taf_err *err);
bool spill_card_set_key(spill *s, size_t idx, const char *key, taf_err *err);
/* A card made or taken over: its key, whether it was reused, and its page
 * summary (NULL keeps the one stored before, if any). */
bool spill_card_done(spill *s, size_t idx, const char *key, bool reused, const char *summary,
                     taf_err *err);
/* The summary of card idx (malloc'd); NULL with *err when none was stored
 * or it cannot be read. */
char *spill_card_summary(spill *s, size_t idx, taf_err *err);
/* The first card at or after `from` without a summary; *found false when
 * every card has one. */
bool spill_card_next_without_summary(spill *s, size_t from, size_t *idx, bool *found,
                                     taf_err *err);
bool spill_card_set_summary(spill *s, size_t idx, const char *summary, taf_err *err);

typedef bool (*spill_card_fn)(void *ctx, const spill_card *c, taf_err *err);
/* Every card in order; fn returns false (with *err) to stop. */
bool spill_cards_each(spill *s, spill_card_fn fn, void *ctx, taf_err *err);
/* Cards marked reused. */
bool spill_cards_reused(spill *s, size_t *n, taf_err *err);
/* True when the previous manifest recorded exactly these cards (same slugs)
 * with these keys. */
bool spill_cards_match_old(spill *s, bool *same, taf_err *err);

/* ---- files --------------------------------------------------------------------
 * Three sets of site files: "out", the files this build wrote (the last
 * record of a path wins); "old", the previous site's manifest entries;
 * "walked", the paths found on disk when the manifest is written. */

/* A file this build wrote; chart_key is what a chart file was made from
 * ("" or NULL for other files; see the chart keys below). */
bool spill_file_put(spill *s, const char *path, const char *sha256, long long size,
                    const char *chart_key, taf_err *err);
bool spill_old_file_put(spill *s, const char *path, const char *sha256, long long size,
                        taf_err *err);
bool spill_old_card_put(spill *s, const char *slug, const char *key, taf_err *err);
/* Forget the previous manifest (one that turned out unreadable). */
bool spill_old_clear(spill *s, taf_err *err);
bool spill_old_card_key(spill *s, const char *slug, char key[65], bool *found, taf_err *err);
bool spill_old_file_size(spill *s, const char *path, long long *size, bool *found,
                         taf_err *err);
bool spill_old_file_count(spill *s, size_t *n, taf_err *err);
bool spill_walked_put(spill *s, const char *path, taf_err *err);

/* ---- chart keys ---------------------------------------------------------------
 * A chart file's key digests everything its bytes come from (render/
 * surface.h): a build takes the previous site's file over when the key is
 * unchanged instead of drawing it again. */

/* The key the previous manifest recorded for an old file it lists. */
bool spill_old_chart_key_put(spill *s, const char *path, const char *chart_key, taf_err *err);
/* The previous site's file at path, when it was recorded with a key. */
bool spill_old_chart(spill *s, const char *path, char chart_key[65], char sha256[65],
                     long long *size, bool *found, taf_err *err);
typedef bool (*spill_key_fn)(void *ctx, const char *path, const char *chart_key, taf_err *err);
/* Every walked file with a key, ORDER BY path: the key this build made it
 * under, or, for a file taken over with the same bytes, the previous
 * manifest's. */
bool spill_chart_keys_each(spill *s, spill_key_fn fn, void *ctx, taf_err *err);

/* sha256 is NULL in spill_manifest_each for a walked file this build did
 * not record. */
typedef bool (*spill_file_fn)(void *ctx, const char *path, const char *sha256, long long size,
                              taf_err *err);
/* The old entries whose path starts with `prefix` (inside) or does not
 * (!inside), ORDER BY path. */
bool spill_old_files_each(spill *s, const char *prefix, bool inside, spill_file_fn fn, void *ctx,
                          taf_err *err);
/* Every walked path with this build's record of it, ORDER BY path. */
bool spill_manifest_each(spill *s, spill_file_fn fn, void *ctx, taf_err *err);
/* Walked paths that the old set does not list, ORDER BY path (size -1,
 * sha256 NULL). */
bool spill_unlisted_each(spill *s, spill_file_fn fn, void *ctx, taf_err *err);

#endif
