/* Run the built tafcard binary ($TAFCARD_BIN) in a shell and capture its
 * exit status, stdout and stderr — for end-to-end CLI tests. */
#ifndef TAF_TESTS_RUN_H
#define TAF_TESTS_RUN_H

typedef struct {
    int status;   /* exit code, or -1 if it did not exit normally */
    char *out;    /* malloc'd, NUL-terminated */
    char *err;
} run_result;

/* `args` is appended to the binary path verbatim (shell syntax). */
run_result run_tafcard(const char *args);
void run_free(run_result *r);

/* Run a printf-formatted shell command: its exit code, or -1 when it did
 * not exit normally. */
int run_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* $TAF_TEST_DATA, the tests/ folder (make test sets it); fails the test
 * when it is unset. */
const char *test_data_dir(void);

#endif
