/* Error value carried from where bad input is found to the CLI, which
 * prints `tafcard: CODE: message (hint: ...)`. Codes are stable
 * identifiers (tests and batch output key on them). */
#ifndef TAF_UTIL_ERR_H
#define TAF_UTIL_ERR_H

#include <stdbool.h>

typedef struct {
    char code[40];
    char message[400];
    char hint[400];
} taf_err;

/* Fill e (if non-NULL) and return false, so callers can `return taf_fail(...)`. */
bool taf_fail(taf_err *e, const char *code, const char *hint, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Exit codes shared by every subcommand. */
enum { TAF_EXIT_OK = 0, TAF_EXIT_CHANGES = 1, TAF_EXIT_INPUT = 2, TAF_EXIT_INTERNAL = 3 };

#endif
