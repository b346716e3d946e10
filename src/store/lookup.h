/* Streams and point look-ups over the store, for a site build that keeps
 * nothing per model in memory: the model ids one at a time (each model's
 * row is then read with db_get_model when its card is made), one source
 * file by name, and the few source files every card may need. */
#ifndef TAF_STORE_LOOKUP_H
#define TAF_STORE_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sqlite3.h>

#include "store/db.h"
#include "util/err.h"

/* Called once per model id, in db_list_models' order (ORDER BY id); return
 * false (with *err set) to stop. */
typedef bool (*db_model_id_fn)(void *ctx, const char *id, taf_err *err);
bool db_each_model_id(sqlite3 *db, db_model_id_fn fn, void *ctx, taf_err *err);

/* True in *has when any ingested file comes from the panel. */
bool db_has_panel_files(sqlite3 *db, bool *has, taf_err *err);

/* The source files of one kind ("layerwise", ...), ORDER BY root, path as
 * db_list_source_files; free the array with free(). */
bool db_list_source_files_of_kind(sqlite3 *db, const char *kind, taf_db_source_file **out,
                                  size_t *n, taf_err *err);

/* The source file named "root:path" (a taf_db_model's source_file);
 * *found false when there is none. */
bool db_get_source_file(sqlite3 *db, const char *root_path, taf_db_source_file *out,
                        bool *found, taf_err *err);

#endif
