/* Test support: compare two JSON values with a relative tolerance for
 * numbers, and read JSON-lines vector files. */
#ifndef TAF_TESTS_JSONCMP_H
#define TAF_TESTS_JSONCMP_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* 1 if actual matches expected, else 0 with a description of the first
 * difference in why (JSON-pointer path, e.g. "/chain/2/result/GB", and both
 * values). Rules:
 *   objects  key sets compared order-insensitively; a key missing on either
 *            side is a difference (duplicate keys: the first one counts);
 *   arrays   same length, element-wise;
 *   strings, bools  exact; null equals only null;
 *   numbers  parsed numbers and raw number nodes alike (jget_double): equal
 *            if a == b or |a-b| <= rel_tol * max(|a|,|b|); but when expected
 *            is integral with |expected| < 2^53 and actual is integral too,
 *            they must be exactly equal.
 * why may be NULL. */
int json_close(const cJSON *expected, const cJSON *actual, double rel_tol,
               char *why, size_t whysz);

/* "object", "array", "string", "number", "bool", "null", "raw" or
 * "invalid" (also for NULL). A raw node holding a number says "number". */
const char *json_type_name(const cJSON *node);

/* Parse a JSON-lines file (blank lines skipped) into a cJSON array of the
 * parsed lines; *n (if non-NULL) gets the count. Returns NULL after
 * printing "path:line: ..." on stderr when the file cannot be read or a
 * line does not parse. Free with cJSON_Delete. */
cJSON *jsonl_read_all(const char *path, size_t *n);

#endif
