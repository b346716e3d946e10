/* d_type (DT_DIR, DT_REG) from readdir */
#define _DEFAULT_SOURCE
#include "render/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/jsonstream.h"
#include "util/sha256.h"
#include "version.h"

#define REL_MAX 1400

/* ---- walking a site ------------------------------------------------------------- */

/* A file found under the root: its relative path; with `follow`, only
 * regular files (symbolic links followed) and size -1; without, every
 * entry that is not a directory, with its lstat type and size. */
typedef bool (*walk_fn)(void *ctx, const char *rel, bool regular, long long size, taf_err *err);

static bool walk(const char *root, const char *rel, bool follow, walk_fn fn, void *ctx,
                 taf_err *err)
{
    char dir[REL_MAX + 1100];
    snprintf(dir, sizeof dir, "%s%s%s", root, rel[0] ? "/" : "", rel);
    DIR *d = opendir(dir);
    if (!d)
        return taf_fail(err, "CANNOT_READ", NULL, "cannot list %s: %s", dir, strerror(errno));
    struct dirent *e;
    bool ok = true;
    while (ok && (e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char sub[REL_MAX];
        snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
        bool is_dir = e->d_type == DT_DIR, is_reg = e->d_type == DT_REG;
        long long size = -1;
        if (!follow || (!is_dir && !is_reg)) {
            char full[sizeof dir + REL_MAX];
            struct stat st;
            snprintf(full, sizeof full, "%s/%s", root, sub);
            if ((follow ? stat(full, &st) : lstat(full, &st)) != 0)
                continue; /* vanished while listing */
            is_dir = S_ISDIR(st.st_mode);
            is_reg = S_ISREG(st.st_mode);
            size = follow ? -1 : (long long)st.st_size;
        }
        if (is_dir)
            ok = walk(root, sub, follow, fn, ctx, err);
        else if (is_reg || !follow)
            ok = fn(ctx, sub, is_reg, size, err);
    }
    closedir(d);
    return ok;
}

/* ---- writing ---------------------------------------------------------------------- */

/* A JSON string as cJSON prints it (", \\, control characters escaped;
 * UTF-8 as is). */
/* A JSON string as cJSON prints it (the manifest's layout is cJSON's). */
static bool json_put_string(FILE *f, const char *s, taf_err *err)
{
    cJSON *str = cJSON_CreateString(s);
    char *text = str ? cJSON_PrintUnformatted(str) : NULL;
    if (text)
        fputs(text, f);
    cJSON_free(text);
    cJSON_Delete(str);
    return text || taf_fail(err, "oom", NULL, "out of memory while writing the manifest");
}

static bool walked_put(void *ctx, const char *rel, bool regular, long long size, taf_err *err)
{
    (void)regular;
    (void)size;
    if (strcmp(rel, "manifest.json") == 0)
        return true;
    return spill_walked_put(ctx, rel, err);
}

/* Record every regular file under out in the spill's walked set. */
static bool walk_into_spill(const char *out, spill *sp, taf_err *err)
{
    if (!spill_begin(sp, err))
        return false;
    if (!walk(out, "", true, walked_put, sp, err)) {
        spill_rollback(sp);
        return false;
    }
    return spill_commit(sp, err);
}

typedef struct {
    FILE *f;
    const char *out;
    bool first;
} writer;

static bool put_entry(void *ctx, const char *path, const char *sha256, long long size,
                      taf_err *err)
{
    writer *w = ctx;
    char hex[TAF_SHA256_HEX_SIZE];
    if (!sha256) { /* not written through a recording writer: hash it */
        char full[REL_MAX + 1200];
        snprintf(full, sizeof full, "%s/%s", w->out, path);
        if (!taf_sha256_file(full, hex, &size, err))
            return false;
        sha256 = hex;
    }
    fputs(w->first ? "{\n\t\t\t\"path\":\t" : ", {\n\t\t\t\"path\":\t", w->f);
    if (!json_put_string(w->f, path, err))
        return false;
    fprintf(w->f, ",\n\t\t\t\"sha256\":\t\"%s\",\n\t\t\t\"size\":\t%lld\n\t\t}", sha256, size);
    w->first = false;
    return true;
}

static bool put_card_key(void *ctx, const spill_card *c, taf_err *err)
{
    writer *w = ctx;
    fputs(w->first ? "\t\t\t" : ",\n\t\t\t", w->f);
    if (!json_put_string(w->f, c->slug, err))
        return false;
    fputs(":\t", w->f);
    w->first = false;
    return json_put_string(w->f, c->key, err);
}

static bool put_chart_key(void *ctx, const char *path, const char *key, taf_err *err)
{
    writer *w = ctx;
    fputs(w->first ? "\t\t\t" : ",\n\t\t\t", w->f);
    if (!json_put_string(w->f, path, err))
        return false;
    fputs(":\t", w->f);
    w->first = false;
    return json_put_string(w->f, key, err);
}

/* ,"build_inputs": {...} as cJSON_Print nests it one level down. */
static bool put_inputs(writer *w, spill *sp, const site_build_inputs *in, taf_err *err)
{
    fputs(",\n\t\"build_inputs\":\t{\n\t\t\"templates\":\t", w->f);
    if (!json_put_string(w->f, in->templates, err))
        return false;
    fputs(",\n\t\t\"pages\":\t", w->f);
    if (!json_put_string(w->f, in->pages, err))
        return false;
    fputs(",\n\t\t\"cards\":\t{\n", w->f);
    w->first = true;
    if (!spill_cards_each(sp, put_card_key, w, err))
        return false;
    fputs(w->first ? "\t\t},\n\t\t\"charts\":\t{\n" : "\n\t\t},\n\t\t\"charts\":\t{\n", w->f);
    w->first = true;
    if (!spill_chart_keys_each(sp, put_chart_key, w, err))
        return false;
    fputs(w->first ? "\t\t}\n\t}" : "\n\t\t}\n\t}", w->f);
    return true;
}

bool site_manifest_write(const char *out, spill *sp, const site_build_inputs *in, taf_err *err)
{
    if (!walk_into_spill(out, sp, err))
        return false;
    char mpath[1200];
    snprintf(mpath, sizeof mpath, "%s/manifest.json", out);
    FILE *f = fopen(mpath, "wb");
    if (!f)
        return taf_fail(err, "CANNOT_WRITE", "check the output directory", "cannot create %s: %s",
                        mpath, strerror(errno));
    writer w = {f, out, true};
    fputs("{\n\t\"generator\":\t\"tafcard " TAFCARD_VERSION "\",\n\t\"files\":\t[", f);
    bool ok = spill_manifest_each(sp, put_entry, &w, err);
    fputs("]", f);
    if (ok && in)
        ok = put_inputs(&w, sp, in, err);
    fputs("\n}\n", f);
    bool werr = ferror(f) != 0;
    if (fclose(f) != 0 || werr) {
        if (ok)
            taf_fail(err, "CANNOT_WRITE", "is the disk full?", "error writing %s", mpath);
        ok = false;
    }
    return ok;
}

/* ---- reading the previous manifest ------------------------------------------------ */

typedef enum { RD_OK, RD_BAD, RD_FAIL } rd;

typedef struct {
    jstream *s;
    spill *sp;
    site_old_manifest *m;
    bool cards_object;
    taf_err *err;
} old_reader;

/* Only plain relative paths inside the site are taken over. */
static bool plain_path(const char *p)
{
    size_t n = strlen(p);
    return p[0] && p[0] != '/' && strcmp(p, "..") != 0 && strncmp(p, "../", 3) != 0 &&
           !strstr(p, "/../") && !strstr(p, "//") && !(n >= 3 && strcmp(p + n - 3, "/..") == 0);
}

/* One element of "files". The first "path", "sha256" and "size" count
 * (cJSON's lookup finds the first). */
static rd read_file_entry(old_reader *r)
{
    cJSON *e = js_value(r->s);
    if (!e)
        return RD_BAD;
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(e, "path");
    const cJSON *sha = cJSON_GetObjectItemCaseSensitive(e, "sha256");
    const cJSON *size = cJSON_GetObjectItemCaseSensitive(e, "size");
    rd x = RD_BAD;
    if (cJSON_IsObject(e) && cJSON_IsString(path) && cJSON_IsString(sha) && cJSON_IsNumber(size) &&
        strlen(sha->valuestring) == 64 && strlen(path->valuestring) < REL_MAX && plain_path(path->valuestring))
        x = spill_old_file_put(r->sp, path->valuestring, sha->valuestring, (long long)size->valuedouble, r->err)
                ? RD_OK
                : RD_FAIL;
    cJSON_Delete(e);
    return x;
}

static rd read_files(old_reader *r)
{
    if (!js_begin(r->s, '['))
        return RD_BAD;
    while (js_more(r->s)) {
        rd x = read_file_entry(r);
        if (x != RD_OK)
            return x;
    }
    return js_failed(r->s) ? RD_BAD : RD_OK;
}

/* A 64-character string value into out[65]; false otherwise. */
static bool key_value(old_reader *r, char out[65])
{
    cJSON *v = js_value(r->s);
    bool ok = cJSON_IsString(v) && strlen(v->valuestring) == 64;
    if (ok)
        memcpy(out, v->valuestring, 65);
    cJSON_Delete(v);
    return ok;
}

/* An object of names (slugs, site paths) to 64-digit keys, each given to
 * put. Not an object: skipped, as if absent. */
typedef bool (*key_put_fn)(spill *s, const char *name, const char *key, taf_err *err);

static rd read_key_map(old_reader *r, key_put_fn put)
{
    js_begin(r->s, '{');
    while (js_more(r->s)) {
        char *name = js_key(r->s), key[65];
        bool ok = name && strlen(name) < REL_MAX && key_value(r, key);
        if (ok && !put(r->sp, name, key, r->err)) {
            free(name);
            return RD_FAIL;
        }
        free(name);
        if (!ok)
            return RD_BAD;
    }
    return js_failed(r->s) ? RD_BAD : RD_OK;
}

static rd read_cards(old_reader *r)
{
    if (js_peek(r->s) != '{')
        return js_skip(r->s) ? RD_OK : RD_BAD;
    r->cards_object = true;
    return read_key_map(r, spill_old_card_put);
}

/* Keys of listed files; a key of a file the manifest does not list is
 * ignored (that chart is then drawn again). */
static rd read_chart_keys(old_reader *r)
{
    if (js_peek(r->s) != '{')
        return js_skip(r->s) ? RD_OK : RD_BAD;
    return read_key_map(r, spill_old_chart_key_put);
}

static rd read_inputs(old_reader *r)
{
    if (js_peek(r->s) != '{')
        return js_skip(r->s) ? RD_OK : RD_BAD;
    js_begin(r->s, '{');
    bool seen_cards = false, seen_pages = false, seen_charts = false;
    while (js_more(r->s)) {
        char *name = js_key(r->s);
        if (!name)
            return RD_BAD;
        bool cards = strcmp(name, "cards") == 0 && !seen_cards;
        bool pages = strcmp(name, "pages") == 0 && !seen_pages;
        bool charts = strcmp(name, "charts") == 0 && !seen_charts;
        free(name);
        rd x = RD_OK;
        if (cards) {
            seen_cards = true;
            x = read_cards(r);
        } else if (charts) {
            seen_charts = true;
            x = read_chart_keys(r);
        } else if (pages) {
            seen_pages = true;
            cJSON *v = js_value(r->s);
            x = v ? RD_OK : RD_BAD;
            if (cJSON_IsString(v) && strlen(v->valuestring) == 64)
                memcpy(r->m->pages_key, v->valuestring, 65);
            cJSON_Delete(v);
        } else if (!js_skip(r->s)) {
            x = RD_BAD;
        }
        if (x != RD_OK)
            return x;
    }
    return js_failed(r->s) ? RD_BAD : RD_OK;
}

static rd read_manifest(old_reader *r)
{
    if (!js_begin(r->s, '{'))
        return RD_BAD;
    bool seen_files = false, seen_inputs = false;
    while (js_more(r->s)) {
        char *name = js_key(r->s);
        if (!name)
            return RD_BAD;
        bool files = strcmp(name, "files") == 0 && !seen_files;
        bool inputs = strcmp(name, "build_inputs") == 0 && !seen_inputs;
        free(name);
        rd x = RD_OK;
        if (files) {
            seen_files = true;
            x = read_files(r);
        } else if (inputs) {
            seen_inputs = true;
            x = read_inputs(r);
        } else if (!js_skip(r->s)) {
            x = RD_BAD;
        }
        if (x != RD_OK)
            return x;
    }
    return js_end(r->s) && seen_files ? RD_OK : RD_BAD;
}

bool site_manifest_read_old(const char *out, spill *sp, site_old_manifest *m, taf_err *err)
{
    memset(m, 0, sizeof *m);
    char path[1200];
    snprintf(path, sizeof path, "%s/manifest.json", out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return true; /* no previous site */
    jstream *p = js_new(f, path);
    old_reader r = {p, sp, m, false, err};
    rd x = RD_FAIL;
    if (!p)
        taf_fail(err, "oom", NULL, "out of memory");
    else if (spill_begin(sp, err))
        x = read_manifest(&r);
    js_free(p);
    fclose(f);
    if (x == RD_FAIL) {
        spill_rollback(sp);
        memset(m, 0, sizeof *m);
        return false;
    }
    if (x == RD_BAD) {
        memset(m, 0, sizeof *m);
        if (!spill_old_clear(sp, err)) {
            spill_rollback(sp);
            return false;
        }
    } else {
        m->present = true;
        m->has_inputs = r.cards_object && m->pages_key[0];
    }
    return spill_commit(sp, err);
}

/* ---- is the site as its manifest says? ------------------------------------------- */

typedef struct {
    spill *sp;
    size_t matched;
    bool intact;
} intact_ctx;

/* A stop that is not an error: the walk ends at the first difference. */
#define STOP_CODE "STOP"

static bool intact_one(void *ctx, const char *rel, bool regular, long long size, taf_err *err)
{
    intact_ctx *c = ctx;
    if (strcmp(rel, "manifest.json") == 0)
        return true;
    long long want;
    bool found;
    if (!spill_old_file_size(c->sp, rel, &want, &found, err))
        return false;
    if (!found || !regular || size != want) {
        c->intact = false;
        return taf_fail(err, STOP_CODE, NULL, "%s differs", rel);
    }
    c->matched++;
    return true;
}

bool site_manifest_intact(const char *out, spill *sp, bool *intact, taf_err *err)
{
    intact_ctx c = {sp, 0, true};
    taf_err e = {0};
    *intact = false;
    if (!walk(out, "", false, intact_one, &c, &e)) {
        if (c.intact && strcmp(e.code, "CANNOT_READ") != 0) {
            *err = e; /* the spill failed */
            return false;
        }
        return true;
    }
    size_t n;
    if (!spill_old_file_count(sp, &n, err))
        return false;
    *intact = c.matched == n;
    return true;
}

/* ---- verify ------------------------------------------------------------------------ */

/* Read past an array element by element (never one cJSON tree of it). */
static bool skip_array(jstream *s)
{
    if (!js_begin(s, '['))
        return false;
    while (js_more(s))
        if (!js_skip(s))
            return false;
    return !js_failed(s);
}

/* The whole manifest parses and has a "files" array: checked before any
 * line is printed, so a broken manifest is one error, not half a report. */
static bool verify_shape(FILE *f, const char *path, taf_err *err)
{
    jstream *s = js_new(f, path);
    if (!s)
        return taf_fail(err, "oom", NULL, "out of memory");
    bool files_array = false, seen = false;
    if (js_peek(s) == '{') {
        js_begin(s, '{');
        while (js_more(s)) {
            char *name = js_key(s);
            if (!name)
                break;
            bool files = strcmp(name, "files") == 0 && !seen;
            free(name);
            if (files) {
                seen = true;
                files_array = js_peek(s) == '[';
            }
            if (!(files && files_array ? skip_array(s) : js_skip(s)))
                break;
        }
    } else {
        js_skip(s);
    }
    js_end(s);
    bool ok = true;
    if (js_failed(s))
        ok = taf_fail(err, "BAD_MANIFEST", "rebuild the site", "%s", js_error(s));
    else if (!files_array)
        ok = taf_fail(err, "BAD_MANIFEST", "rebuild the site", "%s: /files: expected an array", path);
    js_free(s);
    return ok;
}

/* The same rule as before streaming: relative, no ".." component. */
static bool verifiable_path(const char *rel)
{
    size_t n = strlen(rel);
    return rel[0] != '/' && strcmp(rel, "..") != 0 && strncmp(rel, "../", 3) != 0 &&
           !strstr(rel, "/../") && !(n >= 3 && strcmp(rel + n - 3, "/..") == 0);
}

/* One element of "files": check it, print what differs, remember its path
 * as listed. */
static bool verify_entry(const cJSON *e, const char *out, spill *sp, int *changes, taf_err *err)
{
    const cJSON *p = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "path") : NULL;
    const cJSON *w = cJSON_IsObject(e) ? cJSON_GetObjectItemCaseSensitive(e, "sha256") : NULL;
    bool has_rel = cJSON_IsString(p) && strlen(p->valuestring) < REL_MAX;
    bool has_want = cJSON_IsString(w) && strlen(w->valuestring) < 80;
    const char *rel = has_rel ? p->valuestring : "", *want = has_want ? w->valuestring : "";
    if (has_rel && !spill_old_file_put(sp, rel, "", 0, err))
        return false;
    if (!has_rel || !has_want || !verifiable_path(rel)) {
        printf("bad entry in manifest\n");
        (*changes)++;
        return true;
    }
    char full[REL_MAX + 1200], hex[TAF_SHA256_HEX_SIZE];
    snprintf(full, sizeof full, "%s/%s", out, rel);
    taf_err e2;
    if (!taf_sha256_file(full, hex, NULL, &e2)) {
        printf("missing  %s\n", rel);
        (*changes)++;
    } else if (strcmp(hex, want) != 0) {
        printf("changed  %s\n", rel);
        (*changes)++;
    }
    return true;
}

static bool verify_entries(FILE *f, const char *path, const char *out, spill *sp, int *changes,
                           taf_err *err)
{
    jstream *s = js_new(f, path);
    if (!s)
        return taf_fail(err, "oom", NULL, "out of memory");
    bool ok = spill_begin(sp, err);
    js_begin(s, '{'); /* the shape is known good: { ... "files": [ ... */
    while (ok && js_more(s)) {
        char *name = js_key(s);
        bool files = name && strcmp(name, "files") == 0;
        free(name);
        if (!files) {
            js_skip(s);
            continue;
        }
        js_begin(s, '[');
        while (ok && js_more(s)) {
            cJSON *e = js_value(s);
            ok = e && verify_entry(e, out, sp, changes, err);
            cJSON_Delete(e);
        }
        break;
    }
    if (ok && js_failed(s))
        ok = taf_fail(err, "BAD_MANIFEST", "rebuild the site", "%s", js_error(s));
    js_free(s);
    if (!ok) {
        spill_rollback(sp);
        return false;
    }
    return spill_commit(sp, err);
}

static bool print_unlisted(void *ctx, const char *path, const char *sha256, long long size,
                           taf_err *err)
{
    (void)sha256;
    (void)size;
    (void)err;
    printf("unlisted %s\n", path);
    (*(int *)ctx)++;
    return true;
}

bool site_verify(const char *out, int *changes, taf_err *err)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/manifest.json", out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return taf_fail(err, "NO_MANIFEST", "build the site first (tafcard build)",
                        "cannot open %s: %s", path, strerror(errno));
    *changes = 0;
    bool ok = verify_shape(f, path, err);
    spill *sp = ok ? spill_create(NULL, err) : NULL;
    ok = sp != NULL;
    if (ok) {
        rewind(f);
        ok = verify_entries(f, path, out, sp, changes, err);
    }
    fclose(f);
    if (ok) {
        /* files on disk that no entry names (a directory that cannot be
         * listed is skipped, as before) */
        taf_err e;
        ok = spill_begin(sp, err);
        if (ok && !walk(out, "", true, walked_put, sp, &e) && strcmp(e.code, "CANNOT_READ") != 0) {
            *err = e;
            ok = false;
        }
        ok = ok && spill_commit(sp, err);
        ok = ok && spill_unlisted_each(sp, print_unlisted, changes, err);
        if (!ok)
            spill_rollback(sp);
    }
    spill_close(sp);
    return ok;
}
