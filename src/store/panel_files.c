/* Readers for the panel's file kinds (see panel_files.h and panel/README.md). */
#include "store/panel_files.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonnum.h"

#define PTR_SIZE 256

/* Shortest round-trip text of a double (Python repr), for messages. */
typedef struct {
    char s[PYNUM_BUFSZ];
} numtxt;

static numtxt R(double x)
{
    numtxt t;
    py_repr_double(x, t.s);
    return t;
}
#define MAX_EXACT_INT 9007199254740992.0

static const char HINT_FORMAT[] =
    "panel files are written by the upstream taf-attention-decay scripts; see panel/README.md "
    "for each kind's layout";
static const char HINT_DISTANCE[] =
    "distances are positive integers (tokens between query and key), each listed once";
static const char HINT_NEGATIVE[] =
    "attention weights are >= 0 (zero is allowed; NaN/Infinity are read as missing values)";

const char *const PF_MASTER_NUM_KEYS[PF_MASTER_NUMS] = {"theta", "gamma_obs", "R2", "T_attn", "U",
                                                        "S",     "F",         "Cv", "chi",    "D90"};
const char *const PF_MASTER_STR_KEYS[PF_MASTER_STRS] = {"phase", "source", "notes"};
const char *const PF_PADE_NUM_KEYS[PF_PADE_NUMS] = {
    "theta", "T_eval", "z", "gamma_obs", "r2", "gamma_lin", "err_lin_pct", "gamma_pade",
    "err_pade_pct", "gamma_exp", "err_exp_pct"};

/* ---- names --------------------------------------------------------------- */

const char *pf_kind_name(pf_kind k)
{
    switch (k) {
    case PF_MEASUREMENT: return "measurement";
    case PF_LAYERWISE: return "layerwise";
    case PF_MASTER: return "master";
    case PF_PADE: return "pade";
    default: return "unknown";
    }
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* "org--name" -> "org/name" (first "--" only); false if it does not fit. */
static bool id_from_stem(const char *stem, size_t n, char out[PF_ID_SIZE])
{
    if (n == 0 || n >= PF_ID_SIZE)
        return false;
    memcpy(out, stem, n);
    out[n] = '\0';
    char *dd = strstr(out, "--");
    if (dd) {
        if (dd == out || dd[2] == '\0')
            return false;
        dd[0] = '/';
        memmove(dd + 1, dd + 2, strlen(dd + 2) + 1);
    }
    return true;
}

pf_kind pf_classify(const char *relpath, char model_id[PF_ID_SIZE], char corpus[8])
{
    static const struct {
        const char *suffix;
        pf_kind kind;
        const char *corpus;
    } SUFFIX[] = {{"_mongo.json", PF_MEASUREMENT, "text"},
                  {"_random.json", PF_MEASUREMENT, "random"},
                  {"_layerwise.json", PF_LAYERWISE, ""}};
    const char *b = base_name(relpath);
    model_id[0] = '\0';
    corpus[0] = '\0';
    if (strcmp(b, "master_gamma_results.json") == 0)
        return PF_MASTER;
    if (strcmp(b, "pade_validation.json") == 0)
        return PF_PADE;
    size_t bl = strlen(b);
    for (size_t i = 0; i < sizeof SUFFIX / sizeof SUFFIX[0]; i++) {
        size_t sl = strlen(SUFFIX[i].suffix);
        if (bl > sl && strcmp(b + bl - sl, SUFFIX[i].suffix) == 0) {
            if (!id_from_stem(b, bl - sl, model_id)) {
                model_id[0] = '\0';
                return PF_UNKNOWN;
            }
            snprintf(corpus, 8, "%s", SUFFIX[i].corpus);
            return SUFFIX[i].kind;
        }
    }
    return PF_UNKNOWN;
}

void pf_id_from_filename(const char *relpath, char model_id[PF_ID_SIZE])
{
    const char *b = base_name(relpath);
    size_t n = strlen(b);
    if (n > 5 && strcmp(b + n - 5, ".json") == 0)
        n -= 5;
    if (!id_from_stem(b, n, model_id))
        model_id[0] = '\0';
}

/* ---- reading helpers ------------------------------------------------------ */

typedef struct {
    const char *path;
    taf_err *err;
} rd;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        abort();
    return p;
}

static char *xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

/* RFC 6901 pointer of base + "/" + key. */
static void ptr_key(char out[PTR_SIZE], const char *base, const char *key)
{
    size_t n = (size_t)snprintf(out, PTR_SIZE, "%s/", base);
    for (const char *p = key; *p && n + 3 < PTR_SIZE; p++) {
        if (*p == '~' || *p == '/') {
            out[n++] = '~';
            out[n++] = *p == '~' ? '0' : '1';
        } else {
            out[n++] = *p;
        }
    }
    out[n < PTR_SIZE ? n : PTR_SIZE - 1] = '\0';
}

static void ptr_index(char out[PTR_SIZE], const char *base, size_t i)
{
    int n = snprintf(out, PTR_SIZE, "%s/%zu", base, i);
    if (n < 0 || n >= PTR_SIZE)
        out[PTR_SIZE - 1] = '\0';
}

static bool fail(rd *r, const char *code, const char *hint, const char *ptr, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static bool fail(rd *r, const char *code, const char *hint, const char *ptr, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return taf_fail(r->err, code, hint, "%s: %s: %s", r->path, ptr[0] ? ptr : "(root)", what);
}

/* "a string", "the number 3.5", ... for "got ..." in messages. */
static void got_word(const cJSON *v, char *out, size_t n)
{
    double x;
    if (!v)
        snprintf(out, n, "nothing");
    else if (cJSON_IsNull(v))
        snprintf(out, n, "null");
    else if (cJSON_IsBool(v))
        snprintf(out, n, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (jget_double(v, &x))
        snprintf(out, n, "%s", R(x).s);
    else if (cJSON_IsString(v))
        snprintf(out, n, "a string \"%.40s\"", v->valuestring);
    else if (cJSON_IsArray(v))
        snprintf(out, n, "an array");
    else if (cJSON_IsObject(v))
        snprintf(out, n, "an object");
    else
        snprintf(out, n, "something else");
}

static bool wrong_type(rd *r, const char *ptr, const char *expected, const cJSON *got)
{
    char g[80];
    got_word(got, g, sizeof g);
    return fail(r, "WRONG_TYPE", HINT_FORMAT, ptr, "expected %s, got %s", expected, g);
}

enum { ANY, POSITIVE, NONNEG };

/* A number or null; absent -> NAN unless required. `sign` POSITIVE
 * rejects <= 0 (BAD_VALUE), NONNEG rejects < 0 (NEGATIVE_VALUE). */
static bool get_num_node(rd *r, const cJSON *v, const char *ptr, int sign, double *out)
{
    *out = NAN;
    if (!v || cJSON_IsNull(v))
        return true;
    double x;
    if (!jget_double(v, &x) || !isfinite(x))
        return wrong_type(r, ptr, sign == ANY ? "a number or null" : sign == POSITIVE
                                                    ? "a number > 0 or null"
                                                    : "a number >= 0 or null", v);
    if (sign == POSITIVE && x <= 0)
        return fail(r, "BAD_VALUE", HINT_FORMAT, ptr, "expected a number > 0 or null, got %s",
                    R(x).s);
    if (sign == NONNEG && x < 0)
        return fail(r, "NEGATIVE_VALUE", HINT_NEGATIVE, ptr,
                    "expected a value >= 0 (or null), got %s", R(x).s);
    *out = x;
    return true;
}

static bool get_num(rd *r, const cJSON *obj, const char *base, const char *key, bool required,
                    int sign, double *out)
{
    char ptr[PTR_SIZE];
    ptr_key(ptr, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v && required)
        return fail(r, "MISSING_FIELD", HINT_FORMAT, ptr, "missing (expected a number or null)");
    return get_num_node(r, v, ptr, sign, out);
}

/* An integer >= min, or null/absent (-1). */
static bool get_int(rd *r, const cJSON *obj, const char *base, const char *key, long long min,
                    long long *out)
{
    char ptr[PTR_SIZE];
    ptr_key(ptr, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = -1;
    if (!v || cJSON_IsNull(v))
        return true;
    double x;
    const char *expected = min > 0 ? "a positive integer or null" : "a non-negative integer or null";
    if (!jget_double(v, &x) || !isfinite(x) || x != floor(x) || fabs(x) > MAX_EXACT_INT)
        return wrong_type(r, ptr, expected, v);
    if (x < (double)min)
        return fail(r, "BAD_VALUE", HINT_FORMAT, ptr, "expected %s, got %s", expected, R(x).s);
    *out = (long long)x;
    return true;
}

/* A string or null/absent (NULL); required strings must be non-empty. */
static bool get_str(rd *r, const cJSON *obj, const char *base, const char *key, bool required,
                    char **out)
{
    char ptr[PTR_SIZE];
    ptr_key(ptr, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return fail(r, "MISSING_FIELD", HINT_FORMAT, ptr, "missing (expected a string)");
        return true;
    }
    if (!cJSON_IsString(v) || (required && !v->valuestring[0]))
        return wrong_type(r, ptr, required ? "a non-empty string" : "a string or null", v);
    *out = xstrdup(v->valuestring);
    return true;
}

static bool get_object(rd *r, const cJSON *obj, const char *base, const char *key, bool required,
                       const cJSON **out, char ptr[PTR_SIZE])
{
    ptr_key(ptr, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v || (!required && cJSON_IsNull(v))) {
        if (required)
            return fail(r, "MISSING_FIELD", HINT_FORMAT, ptr, "missing (expected an object)");
        return true;
    }
    if (!cJSON_IsObject(v))
        return wrong_type(r, ptr, required ? "an object" : "an object or null", v);
    *out = v;
    return true;
}

/* A distance given as a JSON number (arrays). */
static bool distance_of_node(rd *r, const cJSON *v, const char *ptr, long long *out)
{
    double x;
    if (!jget_double(v, &x))
        return wrong_type(r, ptr, "a positive integer distance", v);
    if (!isfinite(x) || x != floor(x) || x <= 0 || x > MAX_EXACT_INT)
        return fail(r, "BAD_DISTANCE", HINT_DISTANCE, ptr,
                    "expected a positive integer distance, got %s", R(x).s);
    *out = (long long)x;
    return true;
}

/* A distance or layer given as an object key ("10"). `min` is 1 for
 * distances, 0 for layers. */
static bool int_of_key(rd *r, const char *key, const char *ptr, long long min, long long *out)
{
    const char *what = min > 0 ? "distance" : "layer";
    const char *code = min > 0 ? "BAD_DISTANCE" : "BAD_VALUE";
    const char *hint = min > 0 ? HINT_DISTANCE : HINT_FORMAT;
    const char *p = key;
    bool neg = *p == '-';
    if (neg)
        p++;
    if (!*p || strlen(p) > 15)
        return fail(r, code, hint, ptr, "expected a key that is a %s integer %s, got \"%s\"",
                    min > 0 ? "positive" : "non-negative", what, key);
    for (const char *q = p; *q; q++)
        if (!isdigit((unsigned char)*q))
            return fail(r, code, hint, ptr, "expected a key that is a %s integer %s, got \"%s\"",
                        min > 0 ? "positive" : "non-negative", what, key);
    long long v = strtoll(p, NULL, 10);
    if (neg)
        v = -v;
    if (v < min)
        return fail(r, code, hint, ptr, "expected a %s %s, got %lld",
                    min > 0 ? "positive" : "non-negative", what, v);
    *out = v;
    return true;
}

typedef struct {
    long long v;
    size_t index;
} val_entry;

static int cmp_val_entry(const void *a, const void *b)
{
    const val_entry *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

/* The earliest position `again` whose value occurred before (at `first`,
 * its first occurrence); false when all n values are distinct. Sorting
 * keeps a long list at n log n. */
static bool first_repeated_value(const long long *a, size_t n, size_t *first, size_t *again)
{
    bool found = false;
    if (n <= 32) {
        for (size_t i = 1; i < n && !found; i++)
            for (size_t k = 0; k < i && !found; k++)
                if (a[k] == a[i]) {
                    *first = k;
                    *again = i;
                    found = true;
                }
        return found;
    }
    val_entry *e = xmalloc(n * sizeof *e);
    for (size_t i = 0; i < n; i++)
        e[i] = (val_entry){a[i], i};
    qsort(e, n, sizeof *e, cmp_val_entry);
    for (size_t i = 1; i < n; i++)
        if (e[i - 1].v == e[i].v && (i == 1 || e[i - 2].v != e[i].v) &&
            (!found || e[i].index < *again)) {
            *first = e[i - 1].index;
            *again = e[i].index;
            found = true;
        }
    free(e);
    return found;
}

/* An optional array of positive, distinct integer distances. */
static bool get_distances(rd *r, const cJSON *obj, const char *base, const char *key,
                          bool required, long long **out, size_t *n, bool *present)
{
    char ptr[PTR_SIZE];
    ptr_key(ptr, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    *n = 0;
    if (present)
        *present = false;
    if (!v || cJSON_IsNull(v)) {
        if (required)
            return fail(r, "MISSING_FIELD", HINT_FORMAT, ptr,
                        "missing (expected an array of distances)");
        return true;
    }
    if (!cJSON_IsArray(v))
        return wrong_type(r, ptr, "an array of positive integer distances", v);
    size_t cnt = 0, i = 0;
    for (const cJSON *it = v->child; it; it = it->next)
        cnt++; /* cJSON_GetArraySize is an int */
    long long *a = xmalloc(cnt * sizeof *a);
    for (const cJSON *it = v->child; it; it = it->next, i++) {
        char ip[PTR_SIZE];
        ptr_index(ip, ptr, i);
        if (!distance_of_node(r, it, ip, &a[i])) {
            free(a);
            return false;
        }
    }
    size_t first = 0, again = 0;
    if (first_repeated_value(a, cnt, &first, &again)) {
        char ip[PTR_SIZE];
        ptr_index(ip, ptr, again);
        long long dup = a[again];
        free(a);
        return fail(r, "DUPLICATE_DISTANCE", HINT_DISTANCE, ip,
                    "expected each distance once, got %lld again (first at %s/%zu)", dup, ptr,
                    first);
    }
    *out = a;
    *n = cnt;
    if (present)
        *present = true;
    return true;
}

/* An optional array of integers (seeds). */
static bool get_ints(rd *r, const cJSON *obj, const char *base, const char *key, long long **out,
                     size_t *n, bool *present)
{
    char ptr[PTR_SIZE];
    ptr_key(ptr, base, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    *n = 0;
    *present = false;
    if (!v || cJSON_IsNull(v))
        return true;
    if (!cJSON_IsArray(v))
        return wrong_type(r, ptr, "an array of integers", v);
    size_t cnt = (size_t)cJSON_GetArraySize(v), i = 0;
    long long *a = xmalloc(cnt * sizeof *a);
    for (const cJSON *it = v->child; it; it = it->next, i++) {
        double x;
        if (!jget_double(it, &x) || !isfinite(x) || x != floor(x) || fabs(x) > MAX_EXACT_INT) {
            char ip[PTR_SIZE];
            ptr_index(ip, ptr, i);
            free(a);
            return wrong_type(r, ip, "an integer", it);
        }
        a[i] = (long long)x;
    }
    *out = a;
    *n = cnt;
    *present = true;
    return true;
}

static bool contains(const long long *a, size_t n, long long x)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] == x)
            return true;
    return false;
}

/* The model id inside the file, if any, must be the one from its name. */
static bool check_model(rd *r, const cJSON *root, const char *model_id)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "model");
    if (!m || cJSON_IsNull(m))
        return true;
    if (!cJSON_IsString(m))
        return wrong_type(r, "/model", "a string (the model id)", m);
    if (strcmp(m->valuestring, model_id) != 0)
        return fail(r, "MODEL_MISMATCH",
                    "the file name gives the model id (<org>--<name>_<kind>.json -> org/name); "
                    "rename the file or fix \"model\"",
                    "/model", "expected \"%s\" (the id from the file name), got \"%s\"", model_id,
                    m->valuestring);
    return true;
}

static bool get_theta(rd *r, const cJSON *root, bool *has, double *theta)
{
    double t;
    if (!get_num(r, root, "", "theta", false, POSITIVE, &t))
        return false;
    *has = !isnan(t);
    *theta = *has ? t : 0;
    return true;
}

/* Fit-set membership: every listed fit distance must be a measured one. */
static bool check_fit_subset(rd *r, const long long *fit, size_t n_fit, const long long *dist,
                             size_t n_dist, const char *fit_key, const char *dist_key)
{
    for (size_t i = 0; i < n_fit; i++)
        if (!contains(dist, n_dist, fit[i])) {
            char ptr[PTR_SIZE];
            snprintf(ptr, sizeof ptr, "/%s/%zu", fit_key, i);
            return fail(r, "INCONSISTENT", HINT_FORMAT, ptr,
                        "expected a distance listed in /%s, got %lld", dist_key, fit[i]);
        }
    return true;
}

/* ---- measurement files ---------------------------------------------------- */

static int cmp_point(const void *a, const void *b)
{
    long long x = ((const pf_point *)a)->distance, y = ((const pf_point *)b)->distance;
    return (x > y) - (x < y);
}

static bool read_points(rd *r, const cJSON *root, pf_measurement *m)
{
    char aptr[PTR_SIZE];
    const cJSON *attn;
    if (!get_object(r, root, "", "attn_by_distance", true, &attn, aptr))
        return false;
    size_t cnt = (size_t)cJSON_GetArraySize(attn);
    m->points = xmalloc(cnt * sizeof *m->points);
    memset(m->points, 0, cnt * sizeof *m->points);
    for (const cJSON *it = attn->child; it; it = it->next) {
        char ptr[PTR_SIZE];
        ptr_key(ptr, aptr, it->string);
        pf_point *p = &m->points[m->n_points];
        if (!int_of_key(r, it->string, ptr, 1, &p->distance))
            return false;
        for (size_t k = 0; k < m->n_points; k++)
            if (m->points[k].distance == p->distance)
                return fail(r, "DUPLICATE_DISTANCE", HINT_DISTANCE, ptr,
                            "expected each distance once, got distance %lld again", p->distance);
        m->n_points++;
        if (!cJSON_IsObject(it))
            return wrong_type(r, ptr,
                              "an object {mean_across_seeds, std_across_seeds, per_seed_means}",
                              it);
        if (!get_num(r, it, ptr, "mean_across_seeds", true, NONNEG, &p->mean) ||
            !get_num(r, it, ptr, "std_across_seeds", false, NONNEG, &p->std))
            return false;
        char sptr[PTR_SIZE];
        ptr_key(sptr, ptr, "per_seed_means");
        const cJSON *ps = cJSON_GetObjectItemCaseSensitive(it, "per_seed_means");
        if (ps && !cJSON_IsNull(ps)) {
            if (!cJSON_IsArray(ps))
                return wrong_type(r, sptr, "an array of numbers >= 0 (null for missing)", ps);
            size_t ns = (size_t)cJSON_GetArraySize(ps), i = 0;
            if (m->has_seeds && ns != m->n_seeds)
                return fail(r, "INCONSISTENT", HINT_FORMAT, sptr,
                            "expected %zu per-seed values (one per entry of /seeds), got %zu",
                            m->n_seeds, ns);
            p->per_seed = xmalloc(ns * sizeof *p->per_seed);
            p->n_per_seed = ns;
            for (const cJSON *s = ps->child; s; s = s->next, i++) {
                char ip[PTR_SIZE];
                ptr_index(ip, sptr, i);
                if (!get_num_node(r, s, ip, NONNEG, &p->per_seed[i]))
                    return false;
            }
        }
        p->in_fit = m->has_fit_set ? contains(m->fit, m->n_fit, p->distance) : -1;
    }
    qsort(m->points, m->n_points, sizeof *m->points, cmp_point);
    /* the listed distances and the measured ones are the same set */
    const char *dkey = m->partial && !cJSON_GetObjectItemCaseSensitive(root, "distances")
                           ? "distances_done"
                           : "distances";
    if (m->distances) {
        for (size_t i = 0; i < m->n_distances; i++) {
            bool found = false;
            for (size_t k = 0; k < m->n_points && !found; k++)
                found = m->points[k].distance == m->distances[i];
            if (!found) {
                char ptr[PTR_SIZE];
                snprintf(ptr, sizeof ptr, "/%s/%zu", dkey, i);
                return fail(r, "INCONSISTENT", HINT_FORMAT, ptr,
                            "expected an entry \"%lld\" in /attn_by_distance for this distance",
                            m->distances[i]);
            }
        }
        for (size_t k = 0; k < m->n_points; k++)
            if (!contains(m->distances, m->n_distances, m->points[k].distance)) {
                char ptr[PTR_SIZE], key[32];
                snprintf(key, sizeof key, "%lld", m->points[k].distance);
                ptr_key(ptr, "/attn_by_distance", key);
                return fail(r, "INCONSISTENT", HINT_FORMAT, ptr,
                            "expected a distance listed in /%s, got %lld", dkey,
                            m->points[k].distance);
            }
    }
    return true;
}

static bool read_fit(rd *r, const cJSON *root, pf_fit *f)
{
    char pp[PTR_SIZE], ep[PTR_SIZE], cp[PTR_SIZE];
    const cJSON *pl, *ex, *ci;
    f->pl_n_points = f->exp_n_points = -1;
    f->pl_gamma = f->pl_log_A = f->pl_R2 = f->exp_lambda = f->exp_log_A = f->exp_R2 = NAN;
    f->ci_lo = f->ci_hi = NAN;
    if (!get_object(r, root, "", "fit_power_law", false, &pl, pp) ||
        !get_object(r, root, "", "fit_exponential", false, &ex, ep) ||
        !get_object(r, root, "", "gamma_CI_95", false, &ci, cp) ||
        !get_num(r, root, "", "gamma_pred", false, ANY, &f->gamma_pred) ||
        !get_num(r, root, "", "C_theory", false, ANY, &f->C_theory) ||
        !get_num(r, root, "", "delta_R2_power_minus_exp", false, ANY, &f->delta_R2) ||
        !get_str(r, root, "", "decision", false, &f->decision))
        return false;
    f->present = pl || ex;
    if (pl && (!get_num(r, pl, pp, "gamma", false, ANY, &f->pl_gamma) ||
               !get_num(r, pl, pp, "log_A", false, ANY, &f->pl_log_A) ||
               !get_num(r, pl, pp, "R2", false, ANY, &f->pl_R2) ||
               !get_int(r, pl, pp, "n_points", 0, &f->pl_n_points)))
        return false;
    if (ex && (!get_num(r, ex, ep, "lambda", false, ANY, &f->exp_lambda) ||
               !get_num(r, ex, ep, "log_A", false, ANY, &f->exp_log_A) ||
               !get_num(r, ex, ep, "R2", false, ANY, &f->exp_R2) ||
               !get_int(r, ex, ep, "n_points", 0, &f->exp_n_points)))
        return false;
    if (ci && (!get_num(r, ci, cp, "lo", false, ANY, &f->ci_lo) ||
               !get_num(r, ci, cp, "hi", false, ANY, &f->ci_hi)))
        return false;
    return true;
}

bool pf_read_measurement(const cJSON *root, const char *path, const char *model_id,
                         const char *corpus, pf_measurement *m, taf_err *err)
{
    rd r = {path, err};
    memset(m, 0, sizeof *m);
    snprintf(m->model_id, sizeof m->model_id, "%s", model_id);
    snprintf(m->corpus, sizeof m->corpus, "%s", corpus);
    m->d_min_fit = m->n_prompts = -1;
    m->runtime_so_far = NAN;
    bool ok = true;
    if (!cJSON_IsObject(root))
        ok = wrong_type(&r, "", "a JSON object (a measurement file)", root);
    ok = ok && check_model(&r, root, model_id) && get_theta(&r, root, &m->has_theta, &m->theta);
    const cJSON *st = ok ? cJSON_GetObjectItemCaseSensitive(root, "status") : NULL;
    if (ok && st && !cJSON_IsNull(st)) {
        if (!cJSON_IsString(st) ||
            (strcmp(st->valuestring, "partial") != 0 && strcmp(st->valuestring, "complete") != 0))
            ok = wrong_type(&r, "/status", "\"partial\", \"complete\" or null", st);
        else
            m->partial = strcmp(st->valuestring, "partial") == 0;
    }
    if (ok) {
        const char *dkey = m->partial && !cJSON_GetObjectItemCaseSensitive(root, "distances")
                               ? "distances_done"
                               : "distances";
        ok = get_distances(&r, root, "", dkey, !m->partial, &m->distances, &m->n_distances, NULL);
    }
    ok = ok && get_distances(&r, root, "", "distances_fit", false, &m->fit, &m->n_fit,
                             &m->has_fit_set);
    ok = ok && (!m->distances ||
                check_fit_subset(&r, m->fit, m->n_fit, m->distances, m->n_distances,
                                 "distances_fit", m->partial ? "distances_done" : "distances"));
    ok = ok && get_int(&r, root, "", "d_min_fit", 1, &m->d_min_fit) &&
         get_int(&r, root, "", "n_prompts_per_distance", 1, &m->n_prompts) &&
         get_ints(&r, root, "", "seeds", &m->seeds, &m->n_seeds, &m->has_seeds) &&
         get_num(&r, root, "", "runtime_so_far", false, NONNEG, &m->runtime_so_far) &&
         read_points(&r, root, m) && read_fit(&r, root, &m->fit_up);
    if (!ok)
        pf_measurement_free(m);
    return ok;
}

void pf_measurement_free(pf_measurement *m)
{
    for (size_t i = 0; i < m->n_points; i++)
        free(m->points[i].per_seed);
    free(m->points);
    free(m->distances);
    free(m->fit);
    free(m->seeds);
    free(m->fit_up.decision);
    memset(m, 0, sizeof *m);
}

/* ---- layer-wise files ----------------------------------------------------- */

static int cmp_lgamma(const void *a, const void *b)
{
    long long x = ((const pf_layer_gamma *)a)->layer, y = ((const pf_layer_gamma *)b)->layer;
    return (x > y) - (x < y);
}

static int cmp_lpoint(const void *a, const void *b)
{
    const pf_layer_point *p = a, *q = b;
    if (p->layer != q->layer)
        return (p->layer > q->layer) - (p->layer < q->layer);
    return (p->distance > q->distance) - (p->distance < q->distance);
}

static bool layer_in_range(rd *r, const pf_layerwise *l, long long layer, const char *ptr)
{
    if (l->n_layers > 0 && layer >= l->n_layers)
        return fail(&*r, "BAD_VALUE", HINT_FORMAT, ptr,
                    "expected a layer below n_layers (%lld), got %lld", l->n_layers, layer);
    return true;
}

static bool read_layer_gamma(rd *r, const cJSON *root, pf_layerwise *l)
{
    char gptr[PTR_SIZE];
    const cJSON *lg;
    if (!get_object(r, root, "", "layer_gamma", true, &lg, gptr))
        return false;
    size_t cnt = (size_t)cJSON_GetArraySize(lg);
    l->gammas = xmalloc(cnt * sizeof *l->gammas);
    for (const cJSON *it = lg->child; it; it = it->next) {
        char ptr[PTR_SIZE];
        ptr_key(ptr, gptr, it->string);
        pf_layer_gamma *g = &l->gammas[l->n_gammas];
        memset(g, 0, sizeof *g);
        if (!int_of_key(r, it->string, ptr, 0, &g->layer) || !layer_in_range(r, l, g->layer, ptr))
            return false;
        for (size_t k = 0; k < l->n_gammas; k++)
            if (l->gammas[k].layer == g->layer)
                return fail(r, "DUPLICATE_KEY", HINT_FORMAT, ptr,
                            "expected each layer once, got layer %lld again", g->layer);
        l->n_gammas++;
        if (!cJSON_IsObject(it))
            return wrong_type(r, ptr, "an object {gamma, R2, n_points, type}", it);
        char *type = NULL;
        if (!get_num(r, it, ptr, "gamma", false, ANY, &g->gamma) ||
            !get_num(r, it, ptr, "R2", false, ANY, &g->R2) ||
            !get_int(r, it, ptr, "n_points", 0, &g->n_points) ||
            !get_str(r, it, ptr, "type", false, &type))
            return false;
        if (type && strlen(type) >= sizeof g->type) {
            free(type);
            char tp[PTR_SIZE];
            ptr_key(tp, ptr, "type");
            return fail(r, "BAD_VALUE", HINT_FORMAT, tp, "expected a short layer type (pos, sem)");
        }
        snprintf(g->type, sizeof g->type, "%s", type ? type : "");
        free(type);
    }
    qsort(l->gammas, l->n_gammas, sizeof *l->gammas, cmp_lgamma);
    return true;
}

static bool read_layer_points(rd *r, const cJSON *root, pf_layerwise *l)
{
    char aptr[PTR_SIZE];
    const cJSON *agg;
    if (!get_object(r, root, "", "per_layer_agg", true, &agg, aptr))
        return false;
    size_t cap = 0;
    long long *layers = xmalloc((size_t)cJSON_GetArraySize(agg) * sizeof *layers);
    size_t n_layers = 0;
    bool ok = true;
    for (const cJSON *it = agg->child; it && ok; it = it->next) {
        char ptr[PTR_SIZE];
        ptr_key(ptr, aptr, it->string);
        long long layer;
        ok = int_of_key(r, it->string, ptr, 0, &layer) && layer_in_range(r, l, layer, ptr);
        for (size_t k = 0; ok && k < n_layers; k++)
            if (layers[k] == layer)
                ok = fail(r, "DUPLICATE_KEY", HINT_FORMAT, ptr,
                          "expected each layer once, got layer %lld again", layer);
        if (!ok)
            break;
        layers[n_layers++] = layer;
        if (!cJSON_IsObject(it)) {
            ok = wrong_type(r, ptr, "an object {\"<distance>\": mean attention}", it);
            break;
        }
        size_t first = l->n_points;
        for (const cJSON *d = it->child; d && ok; d = d->next) {
            char dp[PTR_SIZE];
            ptr_key(dp, ptr, d->string);
            if (l->n_points == cap) {
                cap = cap ? 2 * cap : 256;
                pf_layer_point *np = realloc(l->points, cap * sizeof *np);
                if (!np)
                    abort();
                l->points = np;
            }
            pf_layer_point *p = &l->points[l->n_points];
            p->layer = layer;
            ok = int_of_key(r, d->string, dp, 1, &p->distance) &&
                 get_num_node(r, d, dp, NONNEG, &p->value);
            for (size_t k = first; ok && k < l->n_points; k++)
                if (l->points[k].distance == p->distance)
                    ok = fail(r, "DUPLICATE_DISTANCE", HINT_DISTANCE, dp,
                              "expected each distance once, got distance %lld again",
                              p->distance);
            if (ok && l->distances && !contains(l->distances, l->n_distances, p->distance))
                ok = fail(r, "INCONSISTENT", HINT_FORMAT, dp,
                          "expected a distance listed in /distances, got %lld", p->distance);
            p->in_fit = l->has_fit_set ? contains(l->fit, l->n_fit, p->distance) : -1;
            if (ok)
                l->n_points++;
        }
    }
    free(layers);
    if (ok && l->n_points)
        qsort(l->points, l->n_points, sizeof *l->points, cmp_lpoint);
    return ok;
}

bool pf_read_layerwise(const cJSON *root, const char *path, const char *model_id,
                       pf_layerwise *l, taf_err *err)
{
    rd r = {path, err};
    memset(l, 0, sizeof *l);
    snprintf(l->model_id, sizeof l->model_id, "%s", model_id);
    bool ok = true;
    if (!cJSON_IsObject(root))
        ok = wrong_type(&r, "", "a JSON object (a layer-wise file)", root);
    ok = ok && check_model(&r, root, model_id) && get_theta(&r, root, &l->has_theta, &l->theta) &&
         get_int(&r, root, "", "d_head", 1, &l->d_head) &&
         get_int(&r, root, "", "n_layers", 1, &l->n_layers) &&
         get_int(&r, root, "", "L_crit_known", 0, &l->L_crit_known) &&
         get_int(&r, root, "", "n_prompts", 1, &l->n_prompts) &&
         get_num(&r, root, "", "z", false, ANY, &l->z) &&
         get_num(&r, root, "", "gamma_pos_pred", false, ANY, &l->gamma_pos_pred) &&
         get_num(&r, root, "", "gamma_pade", false, ANY, &l->gamma_pade) &&
         get_num(&r, root, "", "beta_gamma", false, ANY, &l->beta_gamma) &&
         get_distances(&r, root, "", "distances", false, &l->distances, &l->n_distances, NULL) &&
         get_distances(&r, root, "", "distances_fit", false, &l->fit, &l->n_fit,
                       &l->has_fit_set) &&
         (!l->distances || check_fit_subset(&r, l->fit, l->n_fit, l->distances, l->n_distances,
                                            "distances_fit", "distances")) &&
         get_ints(&r, root, "", "seeds", &l->seeds, &l->n_seeds, &l->has_seeds) &&
         read_layer_gamma(&r, root, l) && read_layer_points(&r, root, l);
    if (!ok)
        pf_layerwise_free(l);
    return ok;
}

void pf_layerwise_free(pf_layerwise *l)
{
    free(l->distances);
    free(l->fit);
    free(l->seeds);
    free(l->gammas);
    free(l->points);
    memset(l, 0, sizeof *l);
}

/* ---- master and Padé tables ------------------------------------------------ */

bool pf_read_master(const cJSON *root, const char *path, pf_master *out, taf_err *err)
{
    rd r = {path, err};
    memset(out, 0, sizeof *out);
    if (!cJSON_IsArray(root))
        return wrong_type(&r, "", "a JSON array of summary rows", root);
    size_t cnt = (size_t)cJSON_GetArraySize(root), i = 0;
    out->rows = xmalloc(cnt * sizeof *out->rows);
    memset(out->rows, 0, cnt * sizeof *out->rows);
    bool ok = true;
    for (const cJSON *it = root->child; it && ok; it = it->next, i++) {
        char ptr[PTR_SIZE];
        ptr_index(ptr, "", i);
        pf_master_row *row = &out->rows[i];
        out->n = i + 1;
        if (!cJSON_IsObject(it)) {
            ok = wrong_type(&r, ptr, "an object (one summary row)", it);
            break;
        }
        char *corpus = NULL;
        ok = get_str(&r, it, ptr, "model", true, &row->model_id) &&
             get_str(&r, it, ptr, "corpus", true, &corpus);
        if (ok) {
            if (strcmp(corpus, "mongo") == 0 || strcmp(corpus, "text") == 0)
                snprintf(row->corpus, sizeof row->corpus, "text");
            else if (strcmp(corpus, "random") == 0)
                snprintf(row->corpus, sizeof row->corpus, "random");
            else {
                char cp[PTR_SIZE];
                ptr_key(cp, ptr, "corpus");
                ok = fail(&r, "BAD_VALUE", HINT_FORMAT, cp,
                          "expected \"mongo\" (text), \"text\" or \"random\", got \"%s\"", corpus);
            }
        }
        free(corpus);
        for (int k = 0; ok && k < PF_MASTER_NUMS; k++)
            ok = get_num(&r, it, ptr, PF_MASTER_NUM_KEYS[k], false,
                         strcmp(PF_MASTER_NUM_KEYS[k], "theta") == 0 ? POSITIVE : ANY,
                         &row->num[k]);
        for (int k = 0; ok && k < PF_MASTER_STRS; k++)
            ok = get_str(&r, it, ptr, PF_MASTER_STR_KEYS[k], false, &row->str[k]);
    }
    if (!ok)
        pf_master_free(out);
    return ok;
}

void pf_master_free(pf_master *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->rows[i].model_id);
        for (int k = 0; k < PF_MASTER_STRS; k++)
            free(m->rows[i].str[k]);
    }
    free(m->rows);
    memset(m, 0, sizeof *m);
}

bool pf_read_pade(const cJSON *root, const char *path, pf_pade *out, taf_err *err)
{
    rd r = {path, err};
    memset(out, 0, sizeof *out);
    if (!cJSON_IsObject(root))
        return wrong_type(&r, "", "a JSON object {\"formula_comparison\": [...]}", root);
    const cJSON *fc = cJSON_GetObjectItemCaseSensitive(root, "formula_comparison");
    if (!fc)
        return fail(&r, "MISSING_FIELD", HINT_FORMAT, "/formula_comparison",
                    "missing (expected an array of rows)");
    if (!cJSON_IsArray(fc))
        return wrong_type(&r, "/formula_comparison", "an array of rows", fc);
    size_t cnt = (size_t)cJSON_GetArraySize(fc), i = 0;
    out->rows = xmalloc(cnt * sizeof *out->rows);
    memset(out->rows, 0, cnt * sizeof *out->rows);
    bool ok = true;
    for (const cJSON *it = fc->child; it && ok; it = it->next, i++) {
        char ptr[PTR_SIZE];
        ptr_index(ptr, "/formula_comparison", i);
        pf_pade_row *row = &out->rows[i];
        out->n = i + 1;
        if (!cJSON_IsObject(it)) {
            ok = wrong_type(&r, ptr, "an object (one validation row)", it);
            break;
        }
        ok = get_str(&r, it, ptr, "name", true, &row->name);
        for (int k = 0; ok && k < PF_PADE_NUMS; k++)
            ok = get_num(&r, it, ptr, PF_PADE_NUM_KEYS[k], false,
                         strcmp(PF_PADE_NUM_KEYS[k], "theta") == 0 ? POSITIVE : ANY,
                         &row->num[k]);
        ok = ok && get_str(&r, it, ptr, "notes", false, &row->notes);
    }
    if (!ok)
        pf_pade_free(out);
    return ok;
}

void pf_pade_free(pf_pade *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->rows[i].name);
        free(p->rows[i].notes);
    }
    free(p->rows);
    memset(p, 0, sizeof *p);
}

/* ---- whole-tree checks ----------------------------------------------------- */

typedef struct {
    const char *key;
    size_t index;
    const cJSON *item;
} key_entry;

static int cmp_key_entry(const void *a, const void *b)
{
    const key_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

/* The member of `obj` that repeats an earlier member's key and comes first
 * in document order, or NULL. Sorting keeps a 10^5-member object at
 * n log n instead of n^2 string comparisons. */
static const cJSON *first_repeat(const cJSON *obj)
{
    size_t n = 0;
    for (const cJSON *it = obj->child; it; it = it->next)
        n++;
    if (n <= 32) {
        for (const cJSON *it = obj->child; it; it = it->next)
            for (const cJSON *prev = obj->child; prev != it; prev = prev->next)
                if (strcmp(prev->string, it->string) == 0)
                    return it;
        return NULL;
    }
    key_entry *e = xmalloc(n * sizeof *e);
    size_t i = 0;
    for (const cJSON *it = obj->child; it; it = it->next, i++)
        e[i] = (key_entry){it->string, i, it};
    qsort(e, n, sizeof *e, cmp_key_entry);
    const cJSON *best = NULL;
    size_t best_index = (size_t)-1;
    for (i = 1; i < n; i++)
        /* e[i] is the second occurrence of its key */
        if (strcmp(e[i - 1].key, e[i].key) == 0 &&
            (i == 1 || strcmp(e[i - 2].key, e[i].key) != 0) && e[i].index < best_index) {
            best_index = e[i].index;
            best = e[i].item;
        }
    free(e);
    return best;
}

static bool dup_walk(rd *r, const cJSON *v, const char *ptr, const char *key,
                     const char *parent_key)
{
    if (cJSON_IsObject(v)) {
        bool distances = (key && strcmp(key, "attn_by_distance") == 0) ||
                         (parent_key && strcmp(parent_key, "per_layer_agg") == 0);
        const cJSON *repeat = first_repeat(v);
        for (const cJSON *it = v->child; it; it = it->next) {
            char cp[PTR_SIZE];
            ptr_key(cp, ptr, it->string);
            if (it == repeat)
                return distances
                           ? fail(r, "DUPLICATE_DISTANCE", HINT_DISTANCE, cp,
                                  "expected each distance once, got \"%s\" twice", it->string)
                           : fail(r, "DUPLICATE_KEY", HINT_FORMAT, cp,
                                  "expected each key once, got \"%s\" twice", it->string);
            if (!dup_walk(r, it, cp, it->string, key))
                return false;
        }
    } else if (cJSON_IsArray(v)) {
        size_t i = 0;
        for (const cJSON *it = v->child; it; it = it->next, i++) {
            char cp[PTR_SIZE];
            ptr_index(cp, ptr, i);
            if (!dup_walk(r, it, cp, NULL, NULL))
                return false;
        }
    }
    return true;
}

bool pf_check_duplicate_keys(const cJSON *root, const char *path, taf_err *err)
{
    rd r = {path, err};
    return dup_walk(&r, root, "", NULL, NULL);
}

char *pf_ints_json(const long long *v, size_t n)
{
    size_t cap = 3 + n * 22, len = 0;
    char *s = xmalloc(cap);
    s[len++] = '[';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s%lld", i ? "," : "", v[i]);
    s[len++] = ']';
    s[len] = '\0';
    return s;
}
