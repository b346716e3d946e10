/* d_type (DT_DIR, DT_REG) from readdir */
#define _DEFAULT_SOURCE
#include "render/manifest.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/jsonpull.h"
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
static void json_put_string(FILE *f, const char *s)
{
    putc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 32)
                fprintf(f, "\\u%04x", *p);
            else
                putc(*p, f);
        }
    }
    putc('"', f);
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
    json_put_string(w->f, path);
    fprintf(w->f, ",\n\t\t\t\"sha256\":\t\"%s\",\n\t\t\t\"size\":\t%lld\n\t\t}", sha256, size);
    w->first = false;
    return true;
}

static bool put_card_key(void *ctx, const spill_card *c, taf_err *err)
{
    (void)err;
    writer *w = ctx;
    fputs(w->first ? "\t\t\t" : ",\n\t\t\t", w->f);
    json_put_string(w->f, c->slug);
    fputs(":\t", w->f);
    json_put_string(w->f, c->key);
    w->first = false;
    return true;
}

/* ,"build_inputs": {...} as cJSON_Print nests it one level down. */
static bool put_inputs(writer *w, spill *sp, const site_build_inputs *in, taf_err *err)
{
    fputs(",\n\t\"build_inputs\":\t{\n\t\t\"templates\":\t", w->f);
    json_put_string(w->f, in->templates);
    fputs(",\n\t\t\"pages\":\t", w->f);
    json_put_string(w->f, in->pages);
    fputs(",\n\t\t\"cards\":\t{\n", w->f);
    w->first = true;
    if (!spill_cards_each(sp, put_card_key, w, err))
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
    jpull *p;
    spill *sp;
    site_old_manifest *m;
    bool cards_object;
    taf_err *err;
} old_reader;

/* The value after a key as a string (copied when it fits), else skipped;
 * false on a syntax error. */
static bool string_value(jpull *p, jp_token t, char *out, size_t outsz, bool *got)
{
    *got = false;
    if (t == JP_STRING) {
        size_t len;
        const char *s = jp_text(p, &len);
        if (strlen(s) < outsz) {
            snprintf(out, outsz, "%s", s);
            *got = true;
        }
        return true;
    }
    return t != JP_ERROR && t != JP_EOF && jp_skip(p);
}

/* Only plain relative paths inside the site are taken over. */
static bool plain_path(const char *p)
{
    size_t n = strlen(p);
    return p[0] && p[0] != '/' && strcmp(p, "..") != 0 && strncmp(p, "../", 3) != 0 &&
           !strstr(p, "/../") && !strstr(p, "//") && !(n >= 3 && strcmp(p + n - 3, "/..") == 0);
}

/* One element of "files" (its first token is t). The first "path",
 * "sha256" and "size" count, as cJSON's lookup finds the first. */
static rd read_file_entry(old_reader *r, jp_token t)
{
    if (t != JP_BEGIN_OBJECT)
        return RD_BAD;
    char path[REL_MAX] = "", sha[80] = "";
    bool has_path = false, has_sha = false, has_size = false, seen[3] = {false, false, false};
    double size = 0;
    while ((t = jp_next(r->p)) == JP_KEY) {
        char key[16];
        snprintf(key, sizeof key, "%s", jp_text(r->p, NULL));
        int which = strcmp(key, "path") == 0     ? 0
                    : strcmp(key, "sha256") == 0 ? 1
                    : strcmp(key, "size") == 0   ? 2
                                                 : -1;
        t = jp_next(r->p);
        bool first = which >= 0 && !seen[which];
        if (which >= 0)
            seen[which] = true;
        bool syntax_ok = true;
        if (first && which == 0)
            syntax_ok = string_value(r->p, t, path, sizeof path, &has_path);
        else if (first && which == 1)
            syntax_ok = string_value(r->p, t, sha, sizeof sha, &has_sha);
        else if (first && which == 2 && t == JP_NUMBER) {
            size = strtod(jp_text(r->p, NULL), NULL);
            has_size = true;
        } else
            syntax_ok = t != JP_ERROR && t != JP_EOF && jp_skip(r->p);
        if (!syntax_ok)
            return RD_BAD;
    }
    if (t != JP_END_OBJECT || !has_path || !has_sha || !has_size || strlen(sha) != 64 ||
        !plain_path(path))
        return RD_BAD;
    return spill_old_file_put(r->sp, path, sha, (long long)size, r->err) ? RD_OK : RD_FAIL;
}

static rd read_files(old_reader *r, jp_token t)
{
    if (t != JP_BEGIN_ARRAY)
        return RD_BAD;
    while ((t = jp_next(r->p)) != JP_END_ARRAY) {
        rd x = read_file_entry(r, t);
        if (x != RD_OK)
            return x;
    }
    return RD_OK;
}

static rd read_cards(old_reader *r, jp_token t)
{
    if (t != JP_BEGIN_OBJECT)
        return t != JP_ERROR && t != JP_EOF && jp_skip(r->p) ? RD_OK : RD_BAD;
    r->cards_object = true;
    while ((t = jp_next(r->p)) == JP_KEY) {
        char slug[REL_MAX], key[80];
        snprintf(slug, sizeof slug, "%s", jp_text(r->p, NULL));
        bool got;
        if (!string_value(r->p, jp_next(r->p), key, sizeof key, &got) || !got ||
            strlen(key) != 64)
            return RD_BAD;
        if (!spill_old_card_put(r->sp, slug, key, r->err))
            return RD_FAIL;
    }
    return t == JP_END_OBJECT ? RD_OK : RD_BAD;
}

static rd read_inputs(old_reader *r, jp_token t)
{
    if (t != JP_BEGIN_OBJECT)
        return t != JP_ERROR && t != JP_EOF && jp_skip(r->p) ? RD_OK : RD_BAD;
    bool seen_cards = false, seen_pages = false;
    while ((t = jp_next(r->p)) == JP_KEY) {
        bool cards = strcmp(jp_text(r->p, NULL), "cards") == 0 && !seen_cards;
        bool pages = strcmp(jp_text(r->p, NULL), "pages") == 0 && !seen_pages;
        t = jp_next(r->p);
        rd x = RD_OK;
        if (cards) {
            seen_cards = true;
            x = read_cards(r, t);
        } else if (pages) {
            seen_pages = true;
            char key[80];
            bool got;
            x = string_value(r->p, t, key, sizeof key, &got) ? RD_OK : RD_BAD;
            if (got && strlen(key) == 64)
                memcpy(r->m->pages_key, key, 65);
        } else if (t == JP_ERROR || t == JP_EOF || !jp_skip(r->p)) {
            x = RD_BAD;
        }
        if (x != RD_OK)
            return x;
    }
    return t == JP_END_OBJECT ? RD_OK : RD_BAD;
}

static rd read_manifest(old_reader *r)
{
    jp_token t = jp_next(r->p);
    if (t != JP_BEGIN_OBJECT)
        return RD_BAD;
    bool seen_files = false, seen_inputs = false;
    while ((t = jp_next(r->p)) == JP_KEY) {
        bool files = strcmp(jp_text(r->p, NULL), "files") == 0 && !seen_files;
        bool inputs = strcmp(jp_text(r->p, NULL), "build_inputs") == 0 && !seen_inputs;
        t = jp_next(r->p);
        rd x = RD_OK;
        if (files) {
            seen_files = true;
            x = read_files(r, t);
        } else if (inputs) {
            seen_inputs = true;
            x = read_inputs(r, t);
        } else if (t == JP_ERROR || t == JP_EOF || !jp_skip(r->p)) {
            x = RD_BAD;
        }
        if (x != RD_OK)
            return x;
    }
    if (t != JP_END_OBJECT || jp_next(r->p) != JP_EOF || !seen_files)
        return RD_BAD;
    return RD_OK;
}

bool site_manifest_read_old(const char *out, spill *sp, site_old_manifest *m, taf_err *err)
{
    memset(m, 0, sizeof *m);
    char path[1200];
    snprintf(path, sizeof path, "%s/manifest.json", out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return true; /* no previous site */
    jpull *p = jp_new(f, path);
    old_reader r = {p, sp, m, false, err};
    rd x = RD_FAIL;
    if (!p)
        taf_fail(err, "oom", NULL, "out of memory");
    else if (spill_begin(sp, err))
        x = read_manifest(&r);
    jp_free(p);
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

/* The whole manifest parses and has a "files" array: checked before any
 * line is printed, so a broken manifest is one error, not half a report. */
static bool verify_shape(FILE *f, const char *path, taf_err *err)
{
    jpull *p = jp_new(f, path);
    if (!p)
        return taf_fail(err, "oom", NULL, "out of memory");
    jp_token t = jp_next(p);
    bool files_array = false, seen = false;
    if (t == JP_BEGIN_OBJECT) {
        while ((t = jp_next(p)) == JP_KEY) {
            bool files = strcmp(jp_text(p, NULL), "files") == 0 && !seen;
            t = jp_next(p);
            if (files) {
                seen = true;
                files_array = t == JP_BEGIN_ARRAY;
            }
            if (!jp_skip(p)) {
                t = JP_ERROR;
                break;
            }
        }
        if (t == JP_END_OBJECT)
            t = jp_next(p);
    } else {
        t = jp_skip(p) ? jp_next(p) : JP_ERROR;
    }
    bool ok = true;
    if (t == JP_ERROR)
        ok = taf_fail(err, "BAD_MANIFEST", "rebuild the site", "%s", jp_error(p));
    else if (!files_array)
        ok = taf_fail(err, "BAD_MANIFEST", "rebuild the site", "%s: /files: expected an array",
                      path);
    jp_free(p);
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
static bool verify_entry(jpull *p, jp_token t, const char *out, spill *sp, int *changes,
                         taf_err *err)
{
    char rel[REL_MAX] = "", want[80] = "";
    bool has_rel = false, has_want = false, seen_rel = false, seen_want = false;
    if (t == JP_BEGIN_OBJECT) {
        while ((t = jp_next(p)) == JP_KEY) {
            bool is_rel = strcmp(jp_text(p, NULL), "path") == 0 && !seen_rel;
            bool is_want = strcmp(jp_text(p, NULL), "sha256") == 0 && !seen_want;
            t = jp_next(p);
            if (is_rel) {
                seen_rel = true;
                string_value(p, t, rel, sizeof rel, &has_rel);
            } else if (is_want) {
                seen_want = true;
                string_value(p, t, want, sizeof want, &has_want);
            } else {
                jp_skip(p);
            }
        }
    } else {
        jp_skip(p);
    }
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
    jpull *p = jp_new(f, path);
    if (!p)
        return taf_fail(err, "oom", NULL, "out of memory");
    bool ok = spill_begin(sp, err);
    jp_token t = jp_next(p); /* the shape is known good: { ... "files": [ ... */
    while (ok && (t = jp_next(p)) == JP_KEY) {
        bool files = strcmp(jp_text(p, NULL), "files") == 0;
        t = jp_next(p);
        if (!files) {
            jp_skip(p);
            continue;
        }
        while (ok && (t = jp_next(p)) != JP_END_ARRAY && t != JP_ERROR)
            ok = verify_entry(p, t, out, sp, changes, err);
        break;
    }
    jp_free(p);
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
