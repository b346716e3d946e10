/* Reading a JSON document that is too large to hold, one value at a time.
 *
 * A site's manifest.json grows with the number of models; a cJSON tree of
 * it would be the largest thing a build holds. This reader walks the
 * document's containers as the caller directs and hands each member or
 * element to cJSON (cJSON_ParseWithLengthOpts on the bytes read so far):
 * every string, number and nested value is parsed by cJSON, never here.
 * Only the punctuation between values ({ } [ ] , :) and whitespace is
 * scanned by this module. Memory: one buffer as large as the largest
 * single value read (at most JS_MAX_VALUE bytes), whatever the document's
 * size.
 *
 * Usage, for {"files": [{...}, ...], "other": ...}:
 *     js_begin(s, '{');
 *     while (js_more(s)) {
 *         char *key = js_key(s);
 *         if (strcmp(key, "files") == 0) {
 *             js_begin(s, '[');
 *             while (js_more(s)) { cJSON *v = js_value(s); ...; cJSON_Delete(v); }
 *         } else js_skip(s);
 *         free(key);
 *     }
 *     js_end(s);                          // only whitespace may follow
 * Errors are sticky: after the first, every call fails and js_error says
 * "NAME:LINE:COL: what was expected". */
#ifndef TAF_UTIL_JSONSTREAM_H
#define TAF_UTIL_JSONSTREAM_H

#include <stdbool.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#define JS_MAX_VALUE (4u << 20)

typedef struct jstream jstream;

/* Read from f (not closed by js_free); name labels errors. NULL when out
 * of memory. */
jstream *js_new(FILE *f, const char *name);
void js_free(jstream *s);

/* Enter the container that must come next: open is '{' or '['. */
bool js_begin(jstream *s, char open);
/* Inside the innermost container: true when another member or element
 * follows (its separating ',' consumed); false at the container's end
 * (consumed: the enclosing container continues) or on error. */
bool js_more(jstream *s);
/* The next member's name (malloc'd), its ':' consumed; NULL on error. */
char *js_key(jstream *s);
/* The next value, whole, parsed by cJSON; NULL on error. */
cJSON *js_value(jstream *s);
/* The next byte that is not whitespace ('{', '[', '"', ...), not consumed;
 * 0 at the end or after an error. */
char js_peek(jstream *s);
/* Read past the next value. */
bool js_skip(jstream *s);
/* After the top-level value: only whitespace may remain. */
bool js_end(jstream *s);

bool js_failed(const jstream *s);
const char *js_error(const jstream *s);

#endif
