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

#endif
