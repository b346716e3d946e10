/* Heap-allocated printf (vasprintf is not in C17/POSIX). */
#ifndef TAF_UTIL_STRFMT_H
#define TAF_UTIL_STRFMT_H

/* Returns a malloc'd string; aborts the process on out-of-memory. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
