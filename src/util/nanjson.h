/* Python-style JSON: a pre-pass that turns the bare tokens NaN, Infinity
 * and -Infinity (which Python's json module writes and cJSON rejects) into
 * null, counting each, and a parser built on it.
 *
 * The pass is a small tokenizer, not a regex: text inside JSON strings is
 * never touched ("NaN" as a string value stays a string), and a token is
 * replaced only when it stands alone (delimited by whitespace, , : [ ] { }
 * or the ends of the text). Parse errors are reported at the line and
 * column of the original text, not of the rewritten one. */
#ifndef TAF_UTIL_NANJSON_H
#define TAF_UTIL_NANJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "util/err.h"

typedef struct {
    size_t n_nan;       /* NaN */
    size_t n_inf;       /* Infinity */
    size_t n_neg_inf;   /* -Infinity */
} nanjson_counts;

/* Total of the three counts: the number of values that became null. */
size_t nanjson_total(const nanjson_counts *c);

/* One replacement, for mapping offsets back to the input. */
typedef struct {
    size_t in_off, in_len;    /* the token in the input */
    size_t out_off, out_len;  /* "null" in the output */
} nanjson_repl;

typedef struct {
    char *text;               /* rewritten text, NUL-terminated (malloc'd) */
    size_t len;
    nanjson_counts counts;
    nanjson_repl *repl;       /* in input order (malloc'd, may be NULL) */
    size_t n_repl;
    size_t max_depth;         /* deepest [ / { nesting outside strings */
    bool has_nul_escape;      /* a "\u0000" escape inside a string */
    size_t nul_escape_off;    /* its input offset (when has_nul_escape) */
} nanjson_doc;

/* Rewrite `len` bytes of `in` into *doc. Never fails on malformed JSON
 * (that is the parser's job); aborts only on out-of-memory. */
void nanjson_clean(const char *in, size_t len, nanjson_doc *doc);
void nanjson_doc_free(nanjson_doc *doc);

/* The input offset that an offset in doc->text came from. */
size_t nanjson_input_offset(const nanjson_doc *doc, size_t out_off);

/* 1-based line and column (in characters, UTF-8 aware) of byte offset
 * `off` in `text`. */
void nanjson_line_col(const char *text, size_t len, size_t off, int *line, int *col);

/* Clean and parse a whole document. On success returns the tree (caller
 * frees with cJSON_Delete) and fills *counts (if non-NULL). On failure
 * returns NULL and sets *line / *col to the error position in `in`. */
cJSON *nanjson_parse(const char *in, size_t len, nanjson_counts *counts, int *line, int *col);

/* Check that `len` bytes are UTF-8 text a JSON input may be: no byte order
 * mark, no NUL byte, no invalid or overlong UTF-8 sequence, no surrogate.
 * On failure returns false with *off the offending byte's offset and *what
 * a phrase for messages ("a UTF-8 byte order mark", ...). */
bool nanjson_check_encoding(const char *in, size_t len, size_t *off, const char **what);

/* Parse an input file strictly, for ingest and inspect-config: the text
 * must pass nanjson_check_encoding (code BAD_ENCODING), hold no "\u0000"
 * escape (BAD_ENCODING: cJSON would cut the string there), nest at most
 * CJSON_NESTING_LIMIT levels (TOO_DEEP), and be JSON (NOT_JSON, with
 * `hint`). NaN/Infinity tokens become null and are counted in *counts
 * when allow_nan; otherwise they are an error (BAD_VALUE): only panel
 * files have missing values. Messages name `path` and the line and column
 * in the input. Returns the tree or NULL with *err set. */
cJSON *nanjson_parse_input(const char *in, size_t len, const char *path, bool allow_nan,
                           const char *hint, nanjson_counts *counts, taf_err *err);

#endif
