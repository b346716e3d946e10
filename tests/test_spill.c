/* The build's spill database (src/render/spill.c): cards come back in
 * build order with what was recorded, the last record of a file wins,
 * file lists come back in byte order (strcmp's), prefix ranges hold exactly
 * the paths under the prefix, the old/new card comparison, two threads
 * writing at once, and errors that name the file. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "render/spill.h"
#include "support/tmpdir.h"

static char *dir;
static char path[512];

static void setup(void)
{
    dir = test_tmpdir("tafcard-spill");
    snprintf(path, sizeof path, "%s/build.db", dir);
}

static void teardown(void)
{
    test_rmtree(dir);
    free(dir);
}

static spill *fresh(void)
{
    taf_err err = {0};
    spill *s = spill_create(path, &err);
    cr_assert_not_null(s, "%s", err.message);
    return s;
}

typedef struct {
    char text[4096];
    size_t n;
} collected;

static bool collect_card(void *ctx, const spill_card *c, taf_err *err)
{
    (void)err;
    collected *k = ctx;
    int w = snprintf(k->text + k->n, sizeof k->text - k->n, "%zu:%s:%s:%s:%d ", c->idx, c->id,
                     c->slug, c->key, c->reused);
    cr_assert_lt((size_t)w, sizeof k->text - k->n, "collected text too long");
    k->n += (size_t)w;
    return true;
}

static bool collect_file(void *ctx, const char *p, const char *sha, long long size, taf_err *err)
{
    (void)err;
    collected *k = ctx;
    int w = snprintf(k->text + k->n, sizeof k->text - k->n, "%s=%s/%lld ", p, sha ? sha : "NULL",
                     size);
    cr_assert_lt((size_t)w, sizeof k->text - k->n, "collected text too long");
    k->n += (size_t)w;
    return true;
}

Test(spill, cards_come_back_in_build_order_with_what_was_recorded, .init = setup,
     .fini = teardown)
{
    spill *s = fresh();
    taf_err err = {0};
    cr_assert(spill_card_add(s, 2, "org/c", "org--c", &err), "%s", err.message);
    cr_assert(spill_card_add(s, 0, "org/a", "org--a", &err));
    cr_assert(spill_card_add(s, 1, "org/b", "org--b", &err));
    cr_assert(spill_card_set_key(s, 1, "k1", &err));
    cr_assert(spill_card_done(s, 2, "k2", true, "{\"s\":2}", &err));
    collected k = {"", 0};
    cr_assert(spill_cards_each(s, collect_card, &k, &err), "%s", err.message);
    cr_expect_str_eq(k.text, "0:org/a:org--a::0 1:org/b:org--b:k1:0 2:org/c:org--c:k2:1 ");
    spill_card c;
    cr_assert(spill_card_get(s, 1, &c, &err));
    cr_expect_str_eq(c.slug, "org--b");
    cr_expect_str_eq(c.key, "k1");
    cr_expect_not(spill_card_get(s, 7, &c, &err), "a card that was never added");
    cr_expect(strstr(err.message, "no card 7") != NULL, "%s", err.message);
    char *sum = spill_card_summary(s, 2, &err);
    cr_expect_str_eq(sum, "{\"s\":2}");
    free(sum);
    cr_expect_null(spill_card_summary(s, 0, &err));
    cr_expect(strstr(err.message, "card 0 has no summary") != NULL, "%s", err.message);
    size_t idx, n;
    bool found;
    cr_assert(spill_card_next_without_summary(s, 0, &idx, &found, &err));
    cr_expect(found && idx == 0);
    cr_assert(spill_card_set_summary(s, 0, "{}", &err));
    cr_assert(spill_card_next_without_summary(s, 0, &idx, &found, &err));
    cr_expect(found && idx == 1);
    cr_assert(spill_card_next_without_summary(s, 2, &idx, &found, &err));
    cr_expect_not(found);
    cr_assert(spill_cards_reused(s, &n, &err));
    cr_expect_eq(n, 1);
    spill_close(s);
}

Test(spill, the_last_record_of_a_file_wins_and_lists_are_in_byte_order, .init = setup,
     .fini = teardown)
{
    spill *s = fresh();
    taf_err err = {0};
    cr_assert(spill_file_put(s, "b.html", "old", 1, NULL, &err));
    cr_assert(spill_file_put(s, "b.html", "new", 2, NULL, &err));
    cr_assert(spill_file_put(s, "a/b", "ab", 3, NULL, &err));
    /* walked in another order; "é" (0xC3 0xA9) sorts after ASCII, as strcmp */
    const char *walked[] = {"\xc3\xa9.txt", "b.html", "a/b", "a-b", "A", "a.b", "unrecorded"};
    for (size_t i = 0; i < sizeof walked / sizeof walked[0]; i++)
        cr_assert(spill_walked_put(s, walked[i], &err), "%s", err.message);
    cr_assert(spill_walked_put(s, "b.html", &err), "a path walked twice is one row");
    collected k = {"", 0};
    cr_assert(spill_manifest_each(s, collect_file, &k, &err), "%s", err.message);
    cr_expect_str_eq(k.text, "A=NULL/-1 a-b=NULL/-1 a.b=NULL/-1 a/b=ab/3 b.html=new/2 "
                             "unrecorded=NULL/-1 \xc3\xa9.txt=NULL/-1 ");
    spill_close(s);
}

Test(spill, a_prefix_range_holds_exactly_the_paths_under_the_prefix, .init = setup,
     .fini = teardown)
{
    spill *s = fresh();
    taf_err err = {0};
    const char *paths[] = {"index.html", "models/x/a", "models/x/b/c", "models/x-1/a",
                           "models/x0", "models/xy/a", "models/x", "panel.html"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        cr_assert(spill_old_file_put(s, paths[i], "h", (long long)i, &err));
    collected in = {"", 0}, out = {"", 0};
    cr_assert(spill_old_files_each(s, "models/x/", true, collect_file, &in, &err));
    cr_expect_str_eq(in.text, "models/x/a=h/1 models/x/b/c=h/2 ");
    cr_assert(spill_old_files_each(s, "models/", false, collect_file, &out, &err));
    cr_expect_str_eq(out.text, "index.html=h/0 panel.html=h/7 ");
    size_t n;
    cr_assert(spill_old_file_count(s, &n, &err));
    cr_expect_eq(n, 8);
    long long size;
    bool found;
    cr_assert(spill_old_file_size(s, "models/x0", &size, &found, &err));
    cr_expect(found && size == 4);
    cr_assert(spill_old_file_size(s, "nope", &size, &found, &err));
    cr_expect_not(found);
    cr_assert(spill_old_clear(s, &err));
    cr_assert(spill_old_file_count(s, &n, &err));
    cr_expect_eq(n, 0);
    spill_close(s);
}

Test(spill, cards_match_the_old_manifest_only_with_the_same_slugs_and_keys, .init = setup,
     .fini = teardown)
{
    spill *s = fresh();
    taf_err err = {0};
    bool same;
    cr_assert(spill_card_add(s, 0, "a", "a", &err) && spill_card_add(s, 1, "b", "b", &err));
    cr_assert(spill_old_card_put(s, "a", "ka", &err) && spill_old_card_put(s, "b", "kb", &err));
    cr_assert(spill_cards_match_old(s, &same, &err));
    cr_expect_not(same, "keys not known yet");
    cr_assert(spill_card_set_key(s, 0, "ka", &err) && spill_card_set_key(s, 1, "kb", &err));
    cr_assert(spill_cards_match_old(s, &same, &err));
    cr_expect(same);
    cr_assert(spill_card_set_key(s, 1, "kB", &err));
    cr_assert(spill_cards_match_old(s, &same, &err));
    cr_expect_not(same, "a changed key");
    cr_assert(spill_card_set_key(s, 1, "kb", &err) && spill_old_card_put(s, "c", "kc", &err));
    cr_assert(spill_cards_match_old(s, &same, &err));
    cr_expect_not(same, "a card that is gone");
    char key[65];
    bool found;
    cr_assert(spill_old_card_key(s, "c", key, &found, &err));
    cr_expect(found);
    cr_expect_str_eq(key, "kc");
    spill_close(s);
}

static bool count_recorded(void *ctx, const char *p, const char *sha, long long size,
                           taf_err *err)
{
    (void)p;
    (void)size;
    (void)err;
    *(size_t *)ctx += sha != NULL;
    return true;
}

typedef struct {
    size_t first;
    bool ok;
    taf_err err;
} writer_arg;

static void *write_cards(void *arg)
{
    writer_arg *w = arg;
    spill *s = spill_open(path, &w->err);
    w->ok = s != NULL;
    for (size_t i = w->first; w->ok && i < 400; i += 2) {
        char file[64];
        snprintf(file, sizeof file, "models/m%zu/card.json", i);
        w->ok = spill_begin(s, &w->err) &&
                spill_file_put(s, file, "h", (long long)i, NULL, &w->err) &&
                spill_card_done(s, i, "k", false, "{}", &w->err) && spill_commit(s, &w->err);
    }
    spill_close(s);
    return NULL;
}

Test(spill, two_threads_record_cards_at_once_and_nothing_is_lost, .init = setup,
     .fini = teardown)
{
    spill *s = fresh();
    taf_err err = {0};
    cr_assert(spill_begin(s, &err));
    for (size_t i = 0; i < 400; i++) {
        char id[32];
        snprintf(id, sizeof id, "m%zu", i);
        cr_assert(spill_card_add(s, i, id, id, &err));
    }
    cr_assert(spill_commit(s, &err));
    writer_arg a = {.first = 0}, b = {.first = 1};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, write_cards, &a);
    pthread_create(&tb, NULL, write_cards, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    cr_assert(a.ok, "%s", a.err.message);
    cr_assert(b.ok, "%s", b.err.message);
    size_t idx;
    bool found;
    cr_assert(spill_card_next_without_summary(s, 0, &idx, &found, &err));
    cr_expect_not(found, "card %zu lost its record", idx);
    for (size_t i = 0; i < 400; i++) {
        char file[64];
        snprintf(file, sizeof file, "models/m%zu/card.json", i);
        cr_assert(spill_walked_put(s, file, &err));
    }
    size_t recorded = 0;
    cr_assert(spill_manifest_each(s, count_recorded, &recorded, &err));
    cr_expect_eq(recorded, 400, "file records were lost");
    spill_close(s);
}

Test(spill, a_private_temporary_database_needs_no_path)
{
    taf_err err = {0};
    spill *s = spill_create(NULL, &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_assert(spill_old_file_put(s, "x", "", 0, &err) && spill_walked_put(s, "y", &err));
    collected k = {"", 0};
    cr_assert(spill_unlisted_each(s, collect_file, &k, &err), "%s", err.message);
    cr_expect_str_eq(k.text, "y=NULL/-1 ");
    spill_close(s);
}

Test(spill, a_database_that_cannot_be_created_is_named_in_the_error, .init = setup,
     .fini = teardown)
{
    char bad[600];
    snprintf(bad, sizeof bad, "%s/no/such/dir/build.db", dir);
    taf_err err = {0};
    cr_expect_null(spill_create(bad, &err));
    cr_expect_str_eq(err.code, "CANNOT_WRITE");
    cr_expect(strstr(err.message, bad) != NULL, "%s", err.message);
    cr_expect(strstr(err.hint, "disk") != NULL, "%s", err.hint);
}
