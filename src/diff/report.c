#include "diff/report.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonnum.h"

/* Characters (code points) of a value shown in a table cell or text line. */
#define CLIP_CHARS 100

/* ---- string builder ------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
} sb;

static void sb_putn(sb *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap)
            b->cap = b->cap ? b->cap * 2 : 4096;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_puts(sb *b, const char *s) { sb_putn(b, s, strlen(s)); }

static void sb_printf(sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sb *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        sb_putn(b, small, (size_t)n);
        return;
    }
    char *big = malloc((size_t)n + 1);
    if (!big)
        abort();
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_putn(b, big, (size_t)n);
    free(big);
}

static char *sb_take(sb *b)
{
    if (!b->s)
        sb_putn(b, "", 0);
    char *s = b->s;
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

/* ---- escaping ------------------------------------------------------------- */

static void sb_md(sb *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        switch (c) {
        case '&': sb_puts(b, "&amp;"); break;
        case '<': sb_puts(b, "&lt;"); break;
        case '>': sb_puts(b, "&gt;"); break;
        case '|': sb_puts(b, "\\|"); break;
        case '`': sb_puts(b, "&#96;"); break;
        case '@': sb_puts(b, "&#64;"); break;
        case '\\': case '*': case '_': case '[': case ']': case '~': case '#': {
            char e[2] = {'\\', (char)c};
            sb_putn(b, e, 2);
            break;
        }
        default:
            if (c < 0x20 || c == 0x7f)
                sb_putn(b, " ", 1);
            else
                sb_putn(b, (const char *)p, 1);
        }
    }
}

char *report_md_escape(const char *s)
{
    sb b = {0};
    sb_md(&b, s);
    return sb_take(&b);
}

/* In a code span when that is safe (no backtick, pipe or control
 * character: GitHub splits table cells on | even inside code), else as
 * escaped text. A code span shows < and @ literally, never as markup. */
static void sb_md_code(sb *b, const char *s)
{
    bool safe = *s != '\0';
    for (const unsigned char *p = (const unsigned char *)s; *p && safe; p++)
        safe = *p != '`' && *p != '|' && *p >= 0x20 && *p != 0x7f;
    if (!safe) {
        sb_md(b, s);
        return;
    }
    sb_puts(b, "`");
    sb_puts(b, s);
    sb_puts(b, "`");
}

/* Plain text for a terminal: control characters become '?'. */
static void sb_text(sb *b, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char c = (*p < 0x20 || *p == 0x7f) ? '?' : (char)*p;
        sb_putn(b, &c, 1);
    }
}

/* At most `max` code points of s (UTF-8 kept whole), "…" when cut. */
static char *clip(const char *s, size_t max)
{
    size_t i = 0, cps = 0;
    while (s[i] && cps < max) {
        i++;
        while (((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        cps++;
    }
    bool cut = s[i] != '\0';
    char *out = malloc(i + 4);
    if (!out)
        abort();
    memcpy(out, s, i);
    if (cut)
        memcpy(out + i, "\xE2\x80\xA6", 3), i += 3;
    out[i] = '\0';
    return out;
}

/* ---- reading the report ----------------------------------------------------- */

static const cJSON *get(const cJSON *o, const char *k)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, k) : NULL;
}

static const char *gets_(const cJSON *o, const char *k)
{
    const cJSON *v = get(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool getd(const cJSON *o, const char *k, double *x)
{
    const cJSON *v = get(o, k);
    return v && (cJSON_IsNumber(v) || cJSON_IsRaw(v)) && jget_double(v, x);
}

static long geti(const cJSON *o, const char *k)
{
    double x = 0;
    return getd(o, k, &x) ? (long)x : 0;
}

static int count(const cJSON *o, const char *k) { return cJSON_GetArraySize(get(o, k)); }

/* A value for display: strings as they are, other values as compact JSON;
 * clipped; malloc'd. */
static char *value_text(const cJSON *v, bool quote_strings)
{
    if (!v)
        return strdup("(absent)");
    char *full;
    if (cJSON_IsString(v) && !quote_strings) {
        full = strdup(v->valuestring);
    } else {
        char *p = cJSON_PrintUnformatted(v);
        full = strdup(p ? p : "?");
        cJSON_free(p);
    }
    char *c = clip(full, CLIP_CHARS);
    free(full);
    return c;
}

static void fmt_num(const cJSON *o, const char *k, char out[PYNUM_BUFSZ])
{
    double x;
    if (getd(o, k, &x))
        py_repr_double(x, out);
    else
        snprintf(out, PYNUM_BUFSZ, "null");
}

static void fmt_abs(const cJSON *o, char out[PYNUM_BUFSZ])
{
    double x;
    if (getd(o, "abs", &x))
        snprintf(out, PYNUM_BUFSZ, "%+.6g", x);
    else
        snprintf(out, PYNUM_BUFSZ, "—");
}

static void fmt_rel(const cJSON *o, char out[PYNUM_BUFSZ])
{
    double x;
    /* percent: 3 significant digits, whole percent from 1000 % on */
    if (getd(o, "rel", &x))
        snprintf(out, PYNUM_BUFSZ, fabs(100 * x) >= 1000 ? "%+.0f%%" : "%+.3g%%", 100 * x);
    else
        snprintf(out, PYNUM_BUFSZ, "—");
}

static void fmt_max_abs(const cJSON *o, char out[PYNUM_BUFSZ])
{
    double x;
    if (getd(o, "max_abs", &x))
        snprintf(out, PYNUM_BUFSZ, "%.6g", x);
    else
        snprintf(out, PYNUM_BUFSZ, "—");
}

static void recipe_label(const cJSON *e, char *out, size_t n)
{
    const char *r = gets_(e, "recipe"), *v = gets_(e, "variant");
    snprintf(out, n, "%s (%s)", r ? r : "?", v ? v : "profile");
}

/* "88% high" from a confidence object, else compact JSON; malloc'd. */
static char *confidence_text(const cJSON *c)
{
    double pct;
    const char *band = gets_(c, "band");
    if (getd(c, "pct", &pct) && band) {
        char buf[160];
        snprintf(buf, sizeof buf, "%g%% %s", pct, band);
        return strdup(buf);
    }
    if (!c || cJSON_IsNull(c))
        return strdup("none");
    return value_text(c, true);
}

/* Factors ("key status") in a and not in b, appended with a prefix. */
static void factor_delta(sb *b, const cJSON *a, const cJSON *bb, const char *prefix, bool *first,
                         bool md)
{
    const cJSON *fa = get(a, "factors"), *fb = get(bb, "factors");
    for (const cJSON *f = cJSON_IsArray(fa) ? fa->child : NULL; f; f = f->next) {
        const char *k = gets_(f, "key"), *s = gets_(f, "status");
        if (!k || !s)
            continue;
        bool found = false;
        for (const cJSON *g = cJSON_IsArray(fb) ? fb->child : NULL; g && !found; g = g->next) {
            const char *k2 = gets_(g, "key"), *s2 = gets_(g, "status");
            found = k2 && s2 && strcmp(k, k2) == 0 && strcmp(s, s2) == 0;
        }
        if (found)
            continue;
        sb_puts(b, *first ? "" : ", ");
        *first = false;
        sb_puts(b, prefix);
        char kv[300];
        snprintf(kv, sizeof kv, "%s %s", k, s);
        if (md)
            sb_md_code(b, kv);
        else
            sb_text(b, kv);
    }
}

static void confidence_line(sb *b, const cJSON *e, bool md)
{
    const cJSON *o = get(e, "old"), *n = get(e, "new");
    char *to = confidence_text(o), *tn = confidence_text(n);
    if (md) {
        sb_md(b, to);
        sb_puts(b, " → ");
        sb_md(b, tn);
    } else {
        sb_text(b, to);
        sb_puts(b, " -> ");
        sb_text(b, tn);
    }
    free(to);
    free(tn);
    sb b2 = {0};
    bool first = true;
    factor_delta(&b2, o, n, "−", &first, md);
    factor_delta(&b2, n, o, "+", &first, md);
    if (!first) {
        sb_puts(b, " (factors: ");
        sb_puts(b, b2.s);
        sb_puts(b, ")");
    }
    free(b2.s);
}

static void caveat_list(sb *b, const cJSON *arr, bool md)
{
    bool first = true;
    for (const cJSON *c = cJSON_IsArray(arr) ? arr->child : NULL; c; c = c->next) {
        char *t = value_text(c, false);
        sb_puts(b, first ? "" : ", ");
        first = false;
        if (md)
            sb_md_code(b, t);
        else
            sb_text(b, t);
        free(t);
    }
}

static void input_text(sb *b, const cJSON *in, bool md)
{
    const char *what = gets_(in, "input"), *change = gets_(in, "change");
    const char *o = gets_(in, "old"), *n = gets_(in, "new");
    bool has_values = get(in, "old") != NULL;
    what = what ? what : "?";
    bool is_file = strcmp(what, "model spec") != 0 && strcmp(what, "tool version") != 0 &&
                   strcmp(what, "formula version") != 0 && strcmp(what, "build settings") != 0;
    if (md && is_file)
        sb_md_code(b, what);
    else if (md)
        sb_md(b, what);
    else
        sb_text(b, what);
    if (has_values) {
        sb_puts(b, " ");
        char *co = clip(o ? o : "none", 60), *cn = clip(n ? n : "none", 60);
        if (md) {
            sb_md(b, co);
            sb_puts(b, " → ");
            sb_md(b, cn);
        } else {
            sb_text(b, co);
            sb_puts(b, " -> ");
            sb_text(b, cn);
        }
        free(co);
        free(cn);
    } else if (change && strcmp(change, "changed") != 0) {
        sb_printf(b, " (%s)", change);
    }
}

static void verdict_summary(sb *b, const cJSON *model, bool md)
{
    bool first = true;
    const cJSON *vs = get(model, "verdicts");
    for (const cJSON *v = cJSON_IsArray(vs) ? vs->child : NULL; v; v = v->next) {
        char label[200];
        recipe_label(v, label, sizeof label);
        const char *verdict = gets_(v, "verdict");
        char line[400];
        snprintf(line, sizeof line, "%s: %s", label, verdict ? verdict : "none");
        sb_puts(b, first ? "" : md ? " · " : ", ");
        first = false;
        if (md)
            sb_md(b, line);
        else
            sb_text(b, line);
    }
    if (first)
        sb_puts(b, md ? "—" : "no recipes");
}

/* ---- Markdown --------------------------------------------------------------- */

static void md_more(sb *b, int shown, int total)
{
    if (total > shown)
        sb_printf(b, "\n_%s%d %s; `tafcard diff --format json` lists them all._\n",
                  shown ? "… and " : "", total - shown, shown ? "more" : "not shown here");
}

static void md_numbers(sb *b, const cJSON *nums, int max_rows)
{
    int total = cJSON_GetArraySize(nums), shown = 0;
    if (!total)
        return;
    if (!max_rows) {
        md_more(b, 0, total);
        return;
    }
    sb_puts(b, "\n| Where | Path | Old | New | Δ | Rel. Δ |\n|---|---|---|---|---:|---:|\n");
    const char *prev = NULL;
    for (const cJSON *e = nums->child; e && shown < max_rows; e = e->next, shown++) {
        const char *area = gets_(e, "area");
        sb_puts(b, "| ");
        if (area && (!prev || strcmp(prev, area) != 0))
            sb_md(b, area);
        prev = area;
        sb_puts(b, " | ");
        sb_md_code(b, gets_(e, "path") ? gets_(e, "path") : "");
        char o[PYNUM_BUFSZ], n[PYNUM_BUFSZ], a[PYNUM_BUFSZ], r[PYNUM_BUFSZ];
        fmt_num(e, "old", o);
        fmt_num(e, "new", n);
        fmt_abs(e, a);
        fmt_rel(e, r);
        sb_printf(b, " | %s | %s | %s | %s |\n", o, n, a, r);
    }
    md_more(b, shown, total);
}

static void md_series(sb *b, const cJSON *series, int max_rows)
{
    int total = cJSON_GetArraySize(series), shown = 0;
    if (!total)
        return;
    if (!max_rows) {
        md_more(b, 0, total);
        return;
    }
    sb_puts(b, "\n| Chart series | Points changed | Max abs. Δ |\n|---|---:|---:|\n");
    for (const cJSON *e = series->child; e && shown < max_rows; e = e->next, shown++) {
        sb_puts(b, "| ");
        sb_md_code(b, gets_(e, "path") ? gets_(e, "path") : "");
        long no = geti(e, "n_old"), nn = geti(e, "n_new"), ch = geti(e, "changed");
        char m[PYNUM_BUFSZ];
        fmt_max_abs(e, m);
        if (no == nn)
            sb_printf(b, " | %ld of %ld | %s |\n", ch, nn, m);
        else
            sb_printf(b, " | %ld (%ld → %ld points) | %s |\n", ch, no, nn, m);
    }
    md_more(b, shown, total);
}

static void md_other(sb *b, const cJSON *other, int max_rows)
{
    int total = cJSON_GetArraySize(other), shown = 0;
    if (!total)
        return;
    if (!max_rows) {
        md_more(b, 0, total);
        return;
    }
    sb_puts(b, "\n| Where | Path | Old | New |\n|---|---|---|---|\n");
    const char *prev = NULL;
    for (const cJSON *e = other->child; e && shown < max_rows; e = e->next, shown++) {
        const char *area = gets_(e, "area"), *change = gets_(e, "change");
        sb_puts(b, "| ");
        if (area && (!prev || strcmp(prev, area) != 0))
            sb_md(b, area);
        prev = area;
        sb_puts(b, " | ");
        sb_md_code(b, gets_(e, "path") ? gets_(e, "path") : "");
        bool added = change && strcmp(change, "added") == 0;
        bool removed = change && strcmp(change, "removed") == 0;
        char *o = added ? strdup("(absent)") : value_text(get(e, "old"), false);
        char *n = removed ? strdup("(absent)") : value_text(get(e, "new"), false);
        sb_puts(b, " | ");
        sb_md(b, o);
        sb_puts(b, " | ");
        sb_md(b, n);
        sb_puts(b, " |\n");
        free(o);
        free(n);
    }
    md_more(b, shown, total);
}

static void md_model(sb *b, const cJSON *m, int max_rows)
{
    sb_puts(b, "\n##### ");
    sb_md(b, gets_(m, "id") ? gets_(m, "id") : "?");
    sb_puts(b, "\n\n");
    const cJSON *inputs = get(m, "inputs");
    if (cJSON_GetArraySize(inputs)) {
        sb_puts(b, "- Inputs changed: ");
        bool first = true;
        for (const cJSON *in = inputs->child; in; in = in->next) {
            sb_puts(b, first ? "" : "; ");
            first = false;
            input_text(b, in, true);
        }
        sb_puts(b, "\n");
    } else {
        sb_puts(b, "- Inputs changed: none (the difference comes from the code or the build)\n");
    }
    const cJSON *cav = get(m, "caveats");
    for (const cJSON *e = cJSON_IsArray(cav) ? cav->child : NULL; e; e = e->next) {
        char label[200];
        recipe_label(e, label, sizeof label);
        sb_puts(b, "- Caveats, ");
        sb_md(b, label);
        sb_puts(b, ":");
        if (count(e, "added")) {
            sb_puts(b, " added ");
            caveat_list(b, get(e, "added"), true);
        }
        if (count(e, "removed")) {
            sb_puts(b, count(e, "added") ? "; removed " : " removed ");
            caveat_list(b, get(e, "removed"), true);
        }
        sb_puts(b, "\n");
    }
    const cJSON *conf = get(m, "confidence");
    for (const cJSON *e = cJSON_IsArray(conf) ? conf->child : NULL; e; e = e->next) {
        char label[200];
        recipe_label(e, label, sizeof label);
        sb_puts(b, "- Confidence, ");
        sb_md(b, label);
        sb_puts(b, ": ");
        confidence_line(b, e, true);
        sb_puts(b, "\n");
    }

    int nn = count(m, "numbers"), ns = count(m, "series"), no = count(m, "other");
    if (nn + ns + no == 0)
        return;
    int lines = 0;
    const int ncount[3] = {nn, ns, no};
    for (int k = 0; k < 3; k++)
        if (ncount[k])
            lines += max_rows ? 3 + (ncount[k] < max_rows ? ncount[k] : max_rows) : 2;
    bool fold = lines > REPORT_MD_FOLD_LINES;
    if (fold) {
        sb_printf(b, "\n<details><summary>%d number change%s, %d chart series, %d other "
                     "change%s</summary>\n",
                  nn, nn == 1 ? "" : "s", ns, no, no == 1 ? "" : "s");
    }
    md_numbers(b, get(m, "numbers"), max_rows);
    md_series(b, get(m, "series"), max_rows);
    md_other(b, get(m, "other"), max_rows);
    if (fold)
        sb_puts(b, "\n</details>\n");
}

static void md_models_table(sb *b, const char *title, const cJSON *arr)
{
    if (!cJSON_GetArraySize(arr))
        return;
    sb_printf(b, "\n#### %s\n\n| Model | Verdicts |\n|---|---|\n", title);
    for (const cJSON *m = arr->child; m; m = m->next) {
        sb_puts(b, "| ");
        sb_md(b, gets_(m, "id") ? gets_(m, "id") : "?");
        sb_puts(b, " | ");
        verdict_summary(b, m, true);
        sb_puts(b, " |\n");
    }
}

static void md_inputs_only(sb *b, const cJSON *arr)
{
    if (!cJSON_GetArraySize(arr))
        return;
    sb_puts(b, "\nInputs changed but the cards are identical within tolerance:\n\n");
    for (const cJSON *m = arr->child; m; m = m->next) {
        sb_puts(b, "- ");
        sb_md(b, gets_(m, "id") ? gets_(m, "id") : "?");
        sb_puts(b, ": ");
        bool first = true;
        const cJSON *inputs = get(m, "inputs");
        for (const cJSON *in = cJSON_IsArray(inputs) ? inputs->child : NULL; in; in = in->next) {
            sb_puts(b, first ? "" : "; ");
            first = false;
            input_text(b, in, true);
        }
        sb_puts(b, "\n");
    }
}

static void render_markdown(sb *b, const cJSON *r, int max_rows)
{
    const cJSON *sum = get(r, "summary"), *tol = get(r, "tolerance");
    double rtol = 0, atol = 0;
    getd(tol, "rtol", &rtol);
    getd(tol, "atol", &atol);
    long changed = geti(sum, "changed"), added = geti(sum, "added"),
         removed = geti(sum, "removed"), unchanged = geti(sum, "unchanged");
    const cJSON *models = get(r, "changed");
    int n_verdicts = 0;
    for (const cJSON *m = cJSON_IsArray(models) ? models->child : NULL; m; m = m->next)
        n_verdicts += count(m, "verdicts");
    if (changed + added + removed == 0) {
        sb_printf(b, "**tafcard diff:** no model card changed (%ld unchanged; numbers compared "
                     "with rtol %g, atol %g).\n",
                  unchanged, rtol, atol);
        md_inputs_only(b, get(r, "inputs_only"));
        return;
    }
    sb_printf(b, "**tafcard diff:** %ld changed, %ld added, %ld removed, %ld unchanged; "
                 "%d verdict change%s (numbers compared with rtol %g, atol %g).\n",
              changed, added, removed, unchanged, n_verdicts, n_verdicts == 1 ? "" : "s", rtol,
              atol);
    if (n_verdicts) {
        sb_puts(b, "\n#### Verdict changes\n\n| Model | Recipe | Old | New | Reason (new) |\n"
                   "|---|---|---|---|---|\n");
        for (const cJSON *m = models->child; m; m = m->next) {
            const cJSON *vs = get(m, "verdicts");
            for (const cJSON *v = cJSON_IsArray(vs) ? vs->child : NULL; v; v = v->next) {
                char label[200];
                recipe_label(v, label, sizeof label);
                const char *o = gets_(v, "old"), *n = gets_(v, "new");
                const char *reason = gets_(v, "new_reason");
                sb_puts(b, "| ");
                sb_md(b, gets_(m, "id") ? gets_(m, "id") : "?");
                sb_puts(b, " | ");
                sb_md(b, label);
                sb_puts(b, " | ");
                sb_md(b, o ? o : "(absent)");
                sb_puts(b, " | **");
                sb_md(b, n ? n : "(absent)");
                sb_puts(b, "** | ");
                char *c = clip(reason ? reason : "", CLIP_CHARS);
                sb_md(b, c);
                free(c);
                sb_puts(b, " |\n");
            }
        }
    }
    md_models_table(b, "Added models", get(r, "added"));
    md_models_table(b, "Removed models", get(r, "removed"));
    if (cJSON_GetArraySize(models)) {
        sb_puts(b, "\n#### Changed models\n");
        for (const cJSON *m = models->child; m; m = m->next)
            md_model(b, m, max_rows);
    }
    md_inputs_only(b, get(r, "inputs_only"));
}

/* ---- text ------------------------------------------------------------------- */

static void render_text(sb *b, const cJSON *r)
{
    const cJSON *sum = get(r, "summary"), *tol = get(r, "tolerance");
    double rtol = 0, atol = 0;
    getd(tol, "rtol", &rtol);
    getd(tol, "atol", &atol);
    long changed = geti(sum, "changed"), added = geti(sum, "added"),
         removed = geti(sum, "removed"), unchanged = geti(sum, "unchanged");
    if (changed + added + removed == 0)
        sb_printf(b, "tafcard diff: no model card changed (%ld unchanged; rtol %g, atol %g)\n",
                  unchanged, rtol, atol);
    else
        sb_printf(b, "tafcard diff: %ld changed, %ld added, %ld removed, %ld unchanged "
                     "(rtol %g, atol %g)\n",
                  changed, added, removed, unchanged, rtol, atol);
    static const char *const KINDS[] = {"added", "removed"};
    for (int k = 0; k < 2; k++) {
        const cJSON *arr = get(r, KINDS[k]);
        for (const cJSON *m = cJSON_IsArray(arr) ? arr->child : NULL; m; m = m->next) {
            sb_printf(b, "%-8s ", KINDS[k]);
            sb_text(b, gets_(m, "id") ? gets_(m, "id") : "?");
            sb_puts(b, " (");
            verdict_summary(b, m, false);
            sb_puts(b, ")\n");
        }
    }
    const cJSON *models = get(r, "changed");
    for (const cJSON *m = cJSON_IsArray(models) ? models->child : NULL; m; m = m->next) {
        sb_puts(b, "changed  ");
        sb_text(b, gets_(m, "id") ? gets_(m, "id") : "?");
        sb_puts(b, "\n");
        const cJSON *arr = get(m, "inputs");
        for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next) {
            sb_puts(b, "  input      ");
            input_text(b, e, false);
            sb_puts(b, "\n");
        }
        char label[200];
        arr = get(m, "verdicts");
        for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next) {
            recipe_label(e, label, sizeof label);
            const char *o = gets_(e, "old"), *n = gets_(e, "new");
            sb_puts(b, "  verdict    ");
            sb_text(b, label);
            sb_puts(b, ": ");
            sb_text(b, o ? o : "(absent)");
            sb_puts(b, " -> ");
            sb_text(b, n ? n : "(absent)");
            sb_puts(b, "\n");
        }
        arr = get(m, "caveats");
        for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next) {
            recipe_label(e, label, sizeof label);
            sb_puts(b, "  caveats    ");
            sb_text(b, label);
            sb_puts(b, ":");
            if (count(e, "added")) {
                sb_puts(b, " added ");
                caveat_list(b, get(e, "added"), false);
            }
            if (count(e, "removed")) {
                sb_puts(b, count(e, "added") ? "; removed " : " removed ");
                caveat_list(b, get(e, "removed"), false);
            }
            sb_puts(b, "\n");
        }
        arr = get(m, "confidence");
        for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next) {
            recipe_label(e, label, sizeof label);
            sb_puts(b, "  confidence ");
            sb_text(b, label);
            sb_puts(b, ": ");
            confidence_line(b, e, false);
            sb_puts(b, "\n");
        }
        arr = get(m, "numbers");
        for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next) {
            char o[PYNUM_BUFSZ], n[PYNUM_BUFSZ], a[PYNUM_BUFSZ], rl[PYNUM_BUFSZ];
            fmt_num(e, "old", o);
            fmt_num(e, "new", n);
            fmt_abs(e, a);
            fmt_rel(e, rl);
            sb_puts(b, "  number     ");
            sb_text(b, gets_(e, "path") ? gets_(e, "path") : "");
            sb_printf(b, ": %s -> %s (abs %s, rel %s)\n", o, n, a, rl);
        }
        arr = get(m, "series");
        for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next) {
            char mx[PYNUM_BUFSZ];
            fmt_max_abs(e, mx);
            sb_puts(b, "  series     ");
            sb_text(b, gets_(e, "path") ? gets_(e, "path") : "");
            sb_printf(b, ": %ld of %ld points changed (%ld before), max abs change %s\n",
                      geti(e, "changed"), geti(e, "n_new"), geti(e, "n_old"), mx);
        }
        arr = get(m, "other");
        for (const cJSON *e = cJSON_IsArray(arr) ? arr->child : NULL; e; e = e->next) {
            const char *change = gets_(e, "change");
            sb_puts(b, "  other      ");
            sb_text(b, gets_(e, "path") ? gets_(e, "path") : "");
            sb_puts(b, ": ");
            bool is_added = change && strcmp(change, "added") == 0;
            bool is_removed = change && strcmp(change, "removed") == 0;
            char *o = is_added ? strdup("(absent)") : value_text(get(e, "old"), true);
            char *n = is_removed ? strdup("(absent)") : value_text(get(e, "new"), true);
            sb_text(b, o);
            sb_puts(b, " -> ");
            sb_text(b, n);
            sb_puts(b, "\n");
            free(o);
            free(n);
        }
    }
    const cJSON *io = get(r, "inputs_only");
    for (const cJSON *m = cJSON_IsArray(io) ? io->child : NULL; m; m = m->next) {
        sb_puts(b, "inputs changed, card identical: ");
        sb_text(b, gets_(m, "id") ? gets_(m, "id") : "?");
        sb_puts(b, " (");
        bool first = true;
        const cJSON *inputs = get(m, "inputs");
        for (const cJSON *in = cJSON_IsArray(inputs) ? inputs->child : NULL; in; in = in->next) {
            sb_puts(b, first ? "" : "; ");
            first = false;
            input_text(b, in, false);
        }
        sb_puts(b, ")\n");
    }
}

/* ---- JSON ------------------------------------------------------------------- */

/* Numbers copied from the cards are parsed cJSON numbers, which cJSON
 * prints with %1.15g (not round-trip exact): turn them into raw nodes
 * holding the shortest exact text (integers without a fraction). */
static void exact_numbers(cJSON *v)
{
    for (cJSON *c = v ? v->child : NULL; c; c = c->next) {
        if (cJSON_IsNumber(c)) {
            double x = c->valuedouble;
            char buf[PYNUM_BUFSZ];
            if (!isfinite(x)) {
                c->type = cJSON_NULL | (c->type & cJSON_StringIsConst);
                continue;
            }
            if (x == floor(x) && fabs(x) < 1e15)
                snprintf(buf, sizeof buf, "%.0f", x);
            else
                py_repr_double(x, buf);
            char *s = strdup(buf);
            if (!s)
                abort();
            c->type = cJSON_Raw | (c->type & cJSON_StringIsConst);
            c->valuestring = s;
        } else {
            exact_numbers(c);
        }
    }
}

static void render_json(sb *b, const cJSON *r)
{
    cJSON *copy = cJSON_Duplicate(r, true);
    exact_numbers(copy);
    char *s = cJSON_Print(copy);
    sb_puts(b, s ? s : "null");
    sb_puts(b, "\n");
    cJSON_free(s);
    cJSON_Delete(copy);
}

bool report_parse_format(const char *name, report_format *f)
{
    if (strcmp(name, "markdown") == 0 || strcmp(name, "md") == 0)
        *f = REPORT_MARKDOWN;
    else if (strcmp(name, "json") == 0)
        *f = REPORT_JSON;
    else if (strcmp(name, "text") == 0)
        *f = REPORT_TEXT;
    else
        return false;
    return true;
}

char *report_render(const cJSON *report, report_format f)
{
    sb b = {0};
    switch (f) {
    case REPORT_MARKDOWN: {
        /* fewer rows per table until the comment fits GitHub's limit */
        static const int ROWS[] = {REPORT_MD_MAX_ROWS, 40, 10, 0};
        for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {
            free(b.s);
            b.s = NULL;
            b.len = b.cap = 0;
            render_markdown(&b, report, ROWS[i]);
            if (b.len <= REPORT_MD_MAX_CHARS)
                break;
        }
        break;
    }
    case REPORT_JSON: render_json(&b, report); break;
    case REPORT_TEXT: render_text(&b, report); break;
    }
    return sb_take(&b);
}
