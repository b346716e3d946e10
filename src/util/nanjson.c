#include "util/nanjson.h"

#include <stdlib.h>
#include <string.h>

size_t nanjson_total(const nanjson_counts *c) { return c->n_nan + c->n_inf + c->n_neg_inf; }

/* A character that may stand next to a bare JSON token. */
static bool is_delim(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':' ||
           c == '[' || c == ']' || c == '{' || c == '}';
}

/* Length of the token at in[i] if it is one we replace (bounded on both
 * sides), else 0; *which: 0 NaN, 1 Infinity, 2 -Infinity. */
static size_t bare_token(const char *in, size_t len, size_t i, int *which)
{
    static const struct {
        const char *tok;
        size_t n;
    } TOKS[] = {{"NaN", 3}, {"Infinity", 8}, {"-Infinity", 9}};
    if (i > 0 && !is_delim(in[i - 1]))
        return 0;
    for (int k = 0; k < 3; k++) {
        size_t n = TOKS[k].n;
        if (len - i >= n && memcmp(in + i, TOKS[k].tok, n) == 0 &&
            (i + n == len || is_delim(in[i + n]))) {
            *which = k;
            return n;
        }
    }
    return 0;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    return q;
}

void nanjson_clean(const char *in, size_t len, nanjson_doc *doc)
{
    memset(doc, 0, sizeof *doc);
    /* "null" is longer than "NaN" by one byte: len + len/3 + 1 always fits */
    size_t cap = len + len / 3 + 2, n = 0, repl_cap = 0;
    char *out = xrealloc(NULL, cap);
    bool in_string = false;
    size_t depth = 0;
    for (size_t i = 0; i < len;) {
        char c = in[i];
        if (in_string) {
            out[n++] = c;
            if (c == '\\' && i + 1 < len) {
                if (!doc->has_nul_escape && in[i + 1] == 'u' && len - i >= 6 &&
                    memcmp(in + i + 2, "0000", 4) == 0) {
                    doc->has_nul_escape = true;
                    doc->nul_escape_off = i;
                }
                out[n++] = in[i + 1];
                i += 2;
                continue;
            }
            if (c == '"')
                in_string = false;
            i++;
            continue;
        }
        if (c == '"') {
            in_string = true;
            out[n++] = c;
            i++;
            continue;
        }
        if (c == '[' || c == '{') {
            if (++depth > doc->max_depth)
                doc->max_depth = depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
        int which = -1;
        size_t tl = (c == 'N' || c == 'I' || c == '-') ? bare_token(in, len, i, &which) : 0;
        if (tl) {
            if (doc->n_repl == repl_cap) {
                repl_cap = repl_cap ? 2 * repl_cap : 16;
                doc->repl = xrealloc(doc->repl, repl_cap * sizeof *doc->repl);
            }
            doc->repl[doc->n_repl++] = (nanjson_repl){i, tl, n, 4};
            memcpy(out + n, "null", 4);
            n += 4;
            i += tl;
            if (which == 0)
                doc->counts.n_nan++;
            else if (which == 1)
                doc->counts.n_inf++;
            else
                doc->counts.n_neg_inf++;
            continue;
        }
        out[n++] = c;
        i++;
    }
    out[n] = '\0';
    doc->text = out;
    doc->len = n;
}

void nanjson_doc_free(nanjson_doc *doc)
{
    free(doc->text);
    free(doc->repl);
    memset(doc, 0, sizeof *doc);
}

size_t nanjson_input_offset(const nanjson_doc *doc, size_t out_off)
{
    size_t in_off = out_off;
    for (size_t k = 0; k < doc->n_repl; k++) {
        const nanjson_repl *r = &doc->repl[k];
        if (r->out_off > out_off)
            break;
        if (out_off < r->out_off + r->out_len)
            return r->in_off;
        in_off = r->in_off + r->in_len + (out_off - r->out_off - r->out_len);
    }
    return in_off;
}

void nanjson_line_col(const char *text, size_t len, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off && i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            (*line)++;
            *col = 1;
        } else if ((c & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* Parse a cleaned document; on failure *err_off is the input offset. */
static cJSON *parse_doc(const nanjson_doc *doc, size_t *err_off)
{
    const char *end = NULL;
    cJSON *v = NULL;
    /* an embedded NUL byte is not JSON; cJSON would stop reading there */
    const char *nul = memchr(doc->text, '\0', doc->len);
    if (nul)
        end = nul;
    else
        v = cJSON_ParseWithLengthOpts(doc->text, doc->len + 1, &end, true);
    if (!v) {
        size_t off = end ? (size_t)(end - doc->text) : 0;
        if (off > doc->len)
            off = doc->len;
        *err_off = nanjson_input_offset(doc, off);
    }
    return v;
}

cJSON *nanjson_parse(const char *in, size_t len, nanjson_counts *counts, int *line, int *col)
{
    nanjson_doc doc;
    nanjson_clean(in, len, &doc);
    size_t off = 0;
    cJSON *v = parse_doc(&doc, &off);
    if (!v)
        nanjson_line_col(in, len, off, line, col);
    else if (counts)
        *counts = doc.counts;
    nanjson_doc_free(&doc);
    return v;
}

bool nanjson_check_encoding(const char *in, size_t len, size_t *off, const char **what)
{
    const unsigned char *p = (const unsigned char *)in;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        *off = 0;
        *what = "a UTF-8 byte order mark";
        return false;
    }
    for (size_t i = 0; i < len;) {
        unsigned c = p[i];
        size_t n = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                                  : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
        if (c == 0) {
            *off = i;
            *what = "a NUL byte";
            return false;
        }
        bool ok = n > 0 && len - i >= n;
        for (size_t k = 1; ok && k < n; k++)
            ok = (p[i + k] & 0xC0) == 0x80;
        /* overlong 3/4-byte forms, surrogates, beyond U+10FFFF */
        if (ok && n == 3)
            ok = !(c == 0xE0 && p[i + 1] < 0xA0) && !(c == 0xED && p[i + 1] >= 0xA0);
        if (ok && n == 4)
            ok = !(c == 0xF0 && p[i + 1] < 0x90) && !(c == 0xF4 && p[i + 1] >= 0x90);
        if (!ok) {
            *off = i;
            *what = "invalid UTF-8";
            return false;
        }
        i += n;
    }
    return true;
}

cJSON *nanjson_parse_input(const char *in, size_t len, const char *path, bool allow_nan,
                           const char *hint, nanjson_counts *counts, taf_err *err)
{
    size_t off = 0;
    const char *what = NULL;
    int line, col;
    if (!nanjson_check_encoding(in, len, &off, &what)) {
        nanjson_line_col(in, len, off, &line, &col);
        taf_fail(err, "BAD_ENCODING", "save the file as UTF-8 without a byte order mark",
                 "%s: line %d, column %d: expected UTF-8 JSON text, got %s", path, line, col,
                 what);
        return NULL;
    }
    nanjson_doc doc;
    nanjson_clean(in, len, &doc);
    cJSON *v = NULL;
    if (doc.max_depth > CJSON_NESTING_LIMIT) {
        taf_fail(err, "TOO_DEEP", "no tafcard input nests more than a few levels",
                 "%s: expected JSON nested at most %d levels deep, got %zu", path,
                 CJSON_NESTING_LIMIT, doc.max_depth);
    } else if (doc.has_nul_escape) {
        nanjson_line_col(in, len, doc.nul_escape_off, &line, &col);
        taf_fail(err, "BAD_ENCODING", "remove the \\u0000 escape",
                 "%s: line %d, column %d: expected text, got a \\u0000 (NUL) character, which "
                 "cannot be stored",
                 path, line, col);
    } else if (!allow_nan && doc.n_repl > 0) {
        nanjson_line_col(in, len, doc.repl[0].in_off, &line, &col);
        taf_fail(err, "BAD_VALUE",
                 "give a number or null; only panel measurement files may hold NaN/Infinity",
                 "%s: line %d, column %d: expected a JSON value, got %.*s", path, line, col,
                 (int)doc.repl[0].in_len, in + doc.repl[0].in_off);
    } else if (!(v = parse_doc(&doc, &off))) {
        nanjson_line_col(in, len, off, &line, &col);
        taf_fail(err, "NOT_JSON", hint,
                 "%s: line %d, column %d: expected JSON text (the file is not valid JSON)", path,
                 line, col);
    } else if (counts) {
        *counts = doc.counts;
    }
    nanjson_doc_free(&doc);
    return v;
}
