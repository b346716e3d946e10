#include "util/jsonpull.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* What the grammar allows next. ':' and ',' are consumed here, never
 * returned as tokens. */
typedef enum {
    E_VALUE,          /* top level, after ':' or after ',' in an array */
    E_VALUE_OR_END,   /* after '[' */
    E_KEY_OR_END,     /* after '{' */
    E_KEY,            /* after ',' in an object */
    E_COLON,
    E_COMMA_OR_END,
    E_EOF
} expect;

struct jpull {
    FILE *f;
    char name[256];
    int la;                   /* one character of look-ahead, or -2 for none */
    long line, col;           /* of the last character read */
    long tok_line, tok_col;   /* where the current token began */
    char *text;
    size_t len, cap;
    char stack[JP_MAX_DEPTH]; /* 'o' or 'a' per open container */
    int depth;
    expect want;
    jp_token last;
    bool done;                /* JP_EOF or JP_ERROR returned: sticky */
    char err[720];
};

jpull *jp_new(FILE *f, const char *name)
{
    jpull *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->f = f;
    snprintf(p->name, sizeof p->name, "%s", name ? name : "JSON");
    p->la = -2;
    p->line = 1;
    p->want = E_VALUE;
    p->cap = 256;
    p->text = malloc(p->cap);
    if (!p->text) {
        free(p);
        return NULL;
    }
    p->text[0] = '\0';
    return p;
}

void jp_free(jpull *p)
{
    if (p)
        free(p->text);
    free(p);
}

static int get(jpull *p)
{
    int c;
    if (p->la != -2) {
        c = p->la;
        p->la = -2;
    } else {
        c = getc(p->f);
    }
    if (c == '\n') {
        p->line++;
        p->col = 0;
    } else if (c != EOF) {
        p->col++;
    }
    return c;
}

/* Put back the character that ended a number or a literal. A newline put
 * back is read again as whitespace before the next token, which restores
 * the line count; the column is only needed after that. */
static void unget(jpull *p, int c)
{
    if (c == EOF)
        return;
    if (c == '\n') {
        p->line--;
    } else {
        p->col--;
    }
    p->la = c;
}

static jp_token fail(jpull *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static jp_token fail(jpull *p, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!p->err[0])
        snprintf(p->err, sizeof p->err, "%s:%ld:%ld: %s", p->name, p->tok_line, p->tok_col,
                 msg);
    p->done = true;
    p->last = JP_ERROR;
    return JP_ERROR;
}

static bool put(jpull *p, char c)
{
    if (p->len + 2 > p->cap) {
        if (p->cap >= JP_MAX_TEXT) {
            fail(p, "a string or number longer than %u bytes", JP_MAX_TEXT);
            return false;
        }
        size_t cap = p->cap * 2;
        char *t = realloc(p->text, cap);
        if (!t) {
            fail(p, "out of memory");
            return false;
        }
        p->text = t;
        p->cap = cap;
    }
    p->text[p->len++] = c;
    p->text[p->len] = '\0';
    return true;
}

static bool put_utf8(jpull *p, unsigned long u)
{
    if (u < 0x80)
        return put(p, (char)u);
    if (u < 0x800)
        return put(p, (char)(0xC0 | (u >> 6))) && put(p, (char)(0x80 | (u & 0x3F)));
    if (u < 0x10000)
        return put(p, (char)(0xE0 | (u >> 12))) && put(p, (char)(0x80 | ((u >> 6) & 0x3F))) &&
               put(p, (char)(0x80 | (u & 0x3F)));
    return put(p, (char)(0xF0 | (u >> 18))) && put(p, (char)(0x80 | ((u >> 12) & 0x3F))) &&
           put(p, (char)(0x80 | ((u >> 6) & 0x3F))) && put(p, (char)(0x80 | (u & 0x3F)));
}

/* Four hex digits of a \u escape; -1 (and the error) otherwise. */
static long hex4(jpull *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int c = get(p);
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) {
            fail(p, "expected four hex digits after \\u");
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

static bool escape(jpull *p)
{
    int c = get(p);
    static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
    const char *hit = c != EOF && c != 0 ? strchr(from, c) : NULL;
    if (hit)
        return put(p, to[hit - from]);
    if (c != 'u') {
        fail(p, "unknown escape in a string (expected one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u)");
        return false;
    }
    long u = hex4(p);
    if (u < 0)
        return false;
    if (u >= 0xDC00 && u <= 0xDFFF) {
        fail(p, "a lone low surrogate \\u%04lX (expected a high surrogate first)", u);
        return false;
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
        if (get(p) != '\\' || get(p) != 'u') {
            fail(p, "a high surrogate \\u%04lX without its low surrogate", u);
            return false;
        }
        long lo = hex4(p);
        if (lo < 0)
            return false;
        if (lo < 0xDC00 || lo > 0xDFFF) {
            fail(p, "a high surrogate \\u%04lX followed by \\u%04lX (expected DC00..DFFF)", u,
                 lo);
            return false;
        }
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
    }
    return put_utf8(p, (unsigned long)u);
}

/* After the opening quote. */
static bool string(jpull *p)
{
    p->len = 0;
    p->text[0] = '\0';
    for (;;) {
        int c = get(p);
        if (c == EOF) {
            fail(p, "unterminated string (expected a closing '\"')");
            return false;
        }
        if (c == '"')
            return true;
        if (c < 0x20) {
            fail(p, "a raw control character (0x%02X) in a string (expected it escaped)", c);
            return false;
        }
        if (!(c == '\\' ? escape(p) : put(p, (char)c)))
            return false;
    }
}

static int digits(jpull *p)
{
    int n = 0, c;
    while ((c = get(p)) >= '0' && c <= '9') {
        if (!put(p, (char)c))
            return -1;
        n++;
    }
    unget(p, c);
    return n;
}

/* RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; c is the first
 * character. */
static bool number(jpull *p, int c)
{
    p->len = 0;
    p->text[0] = '\0';
    if (c == '-') {
        if (!put(p, '-'))
            return false;
        c = get(p);
    }
    if (c == '0') {
        if (!put(p, '0'))
            return false;
    } else if (c >= '1' && c <= '9') {
        if (!put(p, (char)c) || digits(p) < 0)
            return false;
    } else {
        fail(p, "expected a digit in a number");
        return false;
    }
    c = get(p);
    if (c == '.') {
        int n;
        if (!put(p, '.') || (n = digits(p)) < 0)
            return false;
        if (n == 0) {
            fail(p, "expected a digit after the decimal point");
            return false;
        }
        c = get(p);
    }
    if (c == 'e' || c == 'E') {
        if (!put(p, (char)c))
            return false;
        c = get(p);
        if (c == '+' || c == '-') {
            if (!put(p, (char)c))
                return false;
        } else {
            unget(p, c);
        }
        int n = digits(p);
        if (n < 0)
            return false;
        if (n == 0) {
            fail(p, "expected a digit in the exponent");
            return false;
        }
        c = get(p);
    }
    unget(p, c);
    return true;
}

static bool literal(jpull *p, const char *word)
{
    for (const char *w = word + 1; *w; w++)
        if (get(p) != *w) {
            fail(p, "expected a value (a literal starting with '%c' that is not %s)", word[0],
                 word);
            return false;
        }
    return true;
}

/* A value ended: what may follow it. */
static jp_token done_value(jpull *p, jp_token t)
{
    p->want = p->depth == 0 ? E_EOF : E_COMMA_OR_END;
    p->last = t;
    return t;
}

static jp_token push(jpull *p, char kind)
{
    if (p->depth >= JP_MAX_DEPTH)
        return fail(p, "nested deeper than %d levels", JP_MAX_DEPTH);
    p->stack[p->depth++] = kind;
    p->want = kind == 'o' ? E_KEY_OR_END : E_VALUE_OR_END;
    p->last = kind == 'o' ? JP_BEGIN_OBJECT : JP_BEGIN_ARRAY;
    return p->last;
}

static jp_token pop(jpull *p, char kind)
{
    p->depth--;
    return done_value(p, kind == 'o' ? JP_END_OBJECT : JP_END_ARRAY);
}

static jp_token value(jpull *p, int c)
{
    switch (c) {
    case '{': return push(p, 'o');
    case '[': return push(p, 'a');
    case '"': return string(p) ? done_value(p, JP_STRING) : JP_ERROR;
    case 't': return literal(p, "true") ? done_value(p, JP_TRUE) : JP_ERROR;
    case 'f': return literal(p, "false") ? done_value(p, JP_FALSE) : JP_ERROR;
    case 'n': return literal(p, "null") ? done_value(p, JP_NULL) : JP_ERROR;
    case EOF: return fail(p, "unexpected end of the document (expected a value)");
    default:
        if (c == '-' || (c >= '0' && c <= '9'))
            return number(p, c) ? done_value(p, JP_NUMBER) : JP_ERROR;
        return fail(p, "expected a value (object, array, string, number, true, false or null)");
    }
}

jp_token jp_next(jpull *p)
{
    if (p->done)
        return p->last;
    for (;;) {
        int c;
        do
            c = get(p);
        while (c == ' ' || c == '\t' || c == '\n' || c == '\r');
        p->tok_line = p->line;
        p->tok_col = p->col + (c == EOF);
        char top = p->depth ? p->stack[p->depth - 1] : 0;
        switch (p->want) {
        case E_EOF:
            if (c != EOF)
                return fail(p, "expected the end of the document after the top-level value");
            p->done = true;
            return p->last = JP_EOF;
        case E_COLON:
            if (c != ':')
                return fail(p, "expected ':' after a member name");
            p->want = E_VALUE;
            continue;
        case E_COMMA_OR_END:
            if (c == ',') {
                p->want = top == 'o' ? E_KEY : E_VALUE;
                continue;
            }
            if ((c == '}' && top == 'o') || (c == ']' && top == 'a'))
                return pop(p, top);
            return fail(p, "expected ',' or '%c'", top == 'o' ? '}' : ']');
        case E_KEY_OR_END:
            if (c == '}')
                return pop(p, 'o');
            /* fall through */
        case E_KEY:
            if (c != '"')
                return fail(p, p->want == E_KEY ? "expected a member name (a string)"
                                                : "expected a member name (a string) or '}'");
            if (!string(p))
                return JP_ERROR;
            p->want = E_COLON;
            return p->last = JP_KEY;
        case E_VALUE_OR_END:
            if (c == ']')
                return pop(p, 'a');
            /* fall through */
        case E_VALUE:
            return value(p, c);
        }
    }
}

const char *jp_text(const jpull *p, size_t *len)
{
    if (len)
        *len = p->len;
    return p->text;
}

int jp_depth(const jpull *p)
{
    return p->depth;
}

bool jp_skip(jpull *p)
{
    if (p->last != JP_BEGIN_OBJECT && p->last != JP_BEGIN_ARRAY)
        return p->last != JP_ERROR;
    int outer = p->depth - 1;
    for (;;) {
        jp_token t = jp_next(p);
        if (t == JP_ERROR || t == JP_EOF)
            return false;
        if ((t == JP_END_OBJECT || t == JP_END_ARRAY) && p->depth == outer)
            return true;
    }
}

const char *jp_error(const jpull *p)
{
    return p->err;
}
