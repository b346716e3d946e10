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
    for (size_t i = 0; i < len;) {
        char c = in[i];
        if (in_string) {
            out[n++] = c;
            if (c == '\\' && i + 1 < len) {
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

cJSON *nanjson_parse(const char *in, size_t len, nanjson_counts *counts, int *line, int *col)
{
    nanjson_doc doc;
    nanjson_clean(in, len, &doc);
    const char *end = NULL;
    cJSON *v = NULL;
    /* an embedded NUL byte is not JSON; cJSON would stop reading there */
    const char *nul = memchr(doc.text, '\0', doc.len);
    if (nul)
        end = nul;
    else
        v = cJSON_ParseWithLengthOpts(doc.text, doc.len + 1, &end, true);
    if (!v) {
        size_t off = end ? (size_t)(end - doc.text) : 0;
        if (off > doc.len)
            off = doc.len;
        nanjson_line_col(in, len, nanjson_input_offset(&doc, off), line, col);
    } else if (counts) {
        *counts = doc.counts;
    }
    nanjson_doc_free(&doc);
    return v;
}
