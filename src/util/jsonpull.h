/* A pull parser for JSON read from a stream, one token at a time, in
 * memory bounded by the longest string and the nesting depth — not by the
 * size of the document. Used where a JSON file grows with the number of
 * models (a site's manifest.json) and a cJSON tree of it would be the
 * largest thing a build holds.
 *
 * Strict RFC 8259: a document that cJSON would not accept is an error here
 * too, and a few that cJSON takes are refused (raw control characters in a
 * string, lone UTF-16 surrogates in \u escapes). Errors name the stream,
 * line and column and say what was expected. */
#ifndef TAF_UTIL_JSONPULL_H
#define TAF_UTIL_JSONPULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum {
    JP_ERROR = -1,
    JP_EOF = 0,          /* after the one top-level value (only whitespace followed) */
    JP_BEGIN_OBJECT,
    JP_END_OBJECT,
    JP_BEGIN_ARRAY,
    JP_END_ARRAY,
    JP_KEY,              /* a member name: jp_text */
    JP_STRING,           /* jp_text, unescaped UTF-8 */
    JP_NUMBER,           /* jp_text as written */
    JP_TRUE,
    JP_FALSE,
    JP_NULL
} jp_token;

/* Limits: strings and numbers up to JP_MAX_TEXT bytes, nesting up to
 * JP_MAX_DEPTH; beyond them the document is refused (TOO_LARGE-like
 * errors, never unbounded memory). */
#define JP_MAX_TEXT (1u << 20)
#define JP_MAX_DEPTH 256

typedef struct jpull jpull;

/* Read from `f` (not closed by jp_free); `name` labels errors. NULL when
 * out of memory. */
jpull *jp_new(FILE *f, const char *name);
void jp_free(jpull *p);

/* The next token. After JP_ERROR or JP_EOF every call returns the same. */
jp_token jp_next(jpull *p);

/* Text of the last KEY, STRING or NUMBER token (NUL-terminated; a string
 * holding \u0000 is cut there, *len has the full length). Valid until the
 * next call. */
const char *jp_text(const jpull *p, size_t *len);

/* Containers open after the last token (0 at the top level). */
int jp_depth(const jpull *p);

/* Skip the rest of the value whose first token was just returned: a whole
 * object or array after BEGIN_*, nothing after a scalar. False on error. */
bool jp_skip(jpull *p);

/* "NAME:LINE:COL: message" of the first error ("" if none). */
const char *jp_error(const jpull *p);

#endif
