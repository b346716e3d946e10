#include "util/jsonstream.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define JS_CHUNK 65536
#define JS_MAX_DEPTH 256

struct jstream {
    FILE *f;
    char name[256];
    char *buf;
    size_t start, end, cap; /* unread bytes are buf[start, end) */
    bool eof;
    long line, col; /* of buf[start], 1-based */
    char open[JS_MAX_DEPTH]; /* '{' or '[' per container entered */
    bool first[JS_MAX_DEPTH];
    int depth;
    bool failed;
    char err[800];
};

jstream *js_new(FILE *f, const char *name)
{
    jstream *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->f = f;
    snprintf(s->name, sizeof s->name, "%s", name ? name : "JSON");
    s->line = 1;
    s->col = 1;
    return s;
}

void js_free(jstream *s)
{
    if (!s)
        return;
    free(s->buf);
    free(s);
}

bool js_failed(const jstream *s)
{
    return s->failed;
}

const char *js_error(const jstream *s)
{
    return s->err;
}

/* Line and column of buf[start + off]. */
static void where(const jstream *s, size_t off, long *line, long *col)
{
    *line = s->line;
    *col = s->col;
    for (size_t i = s->start; i < s->start + off && i < s->end; i++) {
        if (s->buf[i] == '\n') {
            ++*line;
            *col = 1;
        } else if (((unsigned char)s->buf[i] & 0xC0) != 0x80) {
            ++*col; /* columns count characters, not UTF-8 continuation bytes */
        }
    }
}

static bool fail_at(jstream *s, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail_at(jstream *s, size_t off, const char *fmt, ...)
{
    if (s->failed)
        return false;
    s->failed = true;
    long line, col;
    where(s, off, &line, &col);
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    snprintf(s->err, sizeof s->err, "%s:%ld:%ld: %s", s->name, line, col, what);
    return false;
}

/* Read more of the stream until at least `want` bytes are buffered (or the
 * end). False when nothing more could be read. */
static bool fill(jstream *s, size_t want)
{
    if (s->eof)
        return false;
    if (s->start > 0) {
        memmove(s->buf, s->buf + s->start, s->end - s->start);
        s->end -= s->start;
        s->start = 0;
    }
    size_t before = s->end;
    while (!s->eof && s->end < want) {
        if (s->end + JS_CHUNK + 1 > s->cap) {
            size_t cap = s->cap ? s->cap : JS_CHUNK + 1;
            while (cap < s->end + JS_CHUNK + 1)
                cap *= 2;
            char *p = realloc(s->buf, cap);
            if (!p)
                return fail_at(s, 0, "out of memory");
            s->buf = p;
            s->cap = cap;
        }
        size_t n = fread(s->buf + s->end, 1, JS_CHUNK, s->f);
        s->end += n;
        if (n < JS_CHUNK)
            s->eof = true;
    }
    s->buf[s->end] = '\0';
    return s->end > before;
}

static void consume(jstream *s, size_t n)
{
    where(s, n, &s->line, &s->col);
    s->start += n;
}

/* The next byte that is not whitespace (not consumed), or -1 at the end. */
static int peek(jstream *s)
{
    for (;;) {
        while (s->start < s->end) {
            char c = s->buf[s->start];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                return (unsigned char)c;
            consume(s, 1);
        }
        if (!fill(s, JS_CHUNK))
            return -1;
    }
}

static const char *shown(int c, char tmp[8])
{
    if (c < 0)
        return "the end of the file";
    snprintf(tmp, 8, (c >= 0x20 && c < 0x7f) ? "'%c'" : "byte 0x%02x", c);
    return tmp;
}

bool js_begin(jstream *s, char open)
{
    if (s->failed)
        return false;
    int c = peek(s);
    char tmp[8];
    if (c != open)
        return fail_at(s, 0, "expected %s, found %s", open == '{' ? "an object '{'" : "an array '['", shown(c, tmp));
    if (s->depth == JS_MAX_DEPTH)
        return fail_at(s, 0, "nested deeper than %d levels", JS_MAX_DEPTH);
    consume(s, 1);
    s->open[s->depth] = open;
    s->first[s->depth] = true;
    s->depth++;
    return true;
}

bool js_more(jstream *s)
{
    if (s->failed || s->depth == 0)
        return false;
    int d = s->depth - 1, c = peek(s);
    char close = s->open[d] == '{' ? '}' : ']', tmp[8];
    if (c == close) {
        consume(s, 1);
        s->depth--;
        return false;
    }
    if (s->first[d]) {
        s->first[d] = false;
        return c >= 0 || fail_at(s, 0, "expected a value or '%c', found the end of the file", close);
    }
    if (c != ',')
        return fail_at(s, 0, "expected ',' or '%c', found %s", close, shown(c, tmp));
    consume(s, 1);
    return true;
}

/* True when [p, end) could be the rest of a number: a number parsed up to
 * p may go on past the buffer ("7e-" then "3": cJSON takes "7"). */
static bool only_number_chars(const char *p, const char *end)
{
    for (; p < end; p++)
        if (!((*p >= '0' && *p <= '9') || *p == '+' || *p == '-' || *p == '.' || *p == 'e' || *p == 'E'))
            return false;
    return true;
}

cJSON *js_value(jstream *s)
{
    if (s->failed)
        return NULL;
    if (peek(s) < 0) {
        fail_at(s, 0, "expected a value, found the end of the file");
        return NULL;
    }
    for (;;) {
        size_t have = s->end - s->start;
        const char *at = s->buf + s->start, *stop = NULL;
        cJSON *v = cJSON_ParseWithLengthOpts(at, have, &stop, false);
        /* A value that reaches the end of what is buffered may go on (a
         * number cut in two parses as its first part), and cJSON cannot
         * tell a value cut short from a wrong one: read on (doubling what
         * is buffered) and retry until the value parses, the file ends or
         * the limit is reached. */
        bool cut = !s->eof && (!v || only_number_chars(stop, at + have));
        if (v && !cut) {
            consume(s, (size_t)(stop - at));
            return v;
        }
        cJSON_Delete(v);
        if (cut && have < JS_MAX_VALUE) {
            size_t want = have * 2 > JS_CHUNK ? have * 2 : JS_CHUNK;
            fill(s, want < JS_MAX_VALUE ? want : JS_MAX_VALUE);
            continue;
        }
        if (cut) {
            fail_at(s, 0, "not valid JSON within %u bytes (a value longer than that is refused)", JS_MAX_VALUE);
            return NULL;
        }
        size_t off = stop && stop >= at && stop <= at + have ? (size_t)(stop - at) : 0;
        fail_at(s, off, "expected a well-formed JSON value; it breaks here");
        return NULL;
    }
}

char *js_key(jstream *s)
{
    if (s->failed)
        return NULL;
    if (s->depth == 0 || s->open[s->depth - 1] != '{') {
        fail_at(s, 0, "a member name outside an object");
        return NULL;
    }
    char tmp[8];
    int c = peek(s);
    if (c != '"') {
        fail_at(s, 0, "expected a member name (a string), found %s", shown(c, tmp));
        return NULL;
    }
    cJSON *k = js_value(s);
    if (!k)
        return NULL;
    char *key = NULL;
    if (cJSON_IsString(k) && (key = malloc(strlen(k->valuestring) + 1)) != NULL)
        strcpy(key, k->valuestring);
    cJSON_Delete(k);
    if (!key) {
        fail_at(s, 0, "out of memory");
        return NULL;
    }
    c = peek(s);
    if (c != ':') {
        free(key);
        fail_at(s, 0, "expected ':' after a member name, found %s", shown(c, tmp));
        return NULL;
    }
    consume(s, 1);
    return key;
}

char js_peek(jstream *s)
{
    if (s->failed)
        return 0;
    int c = peek(s);
    return c < 0 ? 0 : (char)c;
}

bool js_skip(jstream *s)
{
    cJSON *v = js_value(s);
    cJSON_Delete(v);
    return v != NULL;
}

bool js_end(jstream *s)
{
    if (s->failed)
        return false;
    char tmp[8];
    if (s->depth != 0)
        return fail_at(s, 0, "the document ends inside a container");
    int c = peek(s);
    if (c >= 0)
        return fail_at(s, 0, "expected the end of the file, found %s", shown(c, tmp));
    return true;
}
