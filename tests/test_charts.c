/* The chart catalog (src/render/charts.c): every chart a card lists
 * renders (and only those), bytes are stable across runs, SVGs are valid
 * XML with a <title>, PNGs are 2× the nominal size, the one-page PDF card
 * is stable under SOURCE_DATE_EPOCH, and the panel charts register
 * themselves (or their reason for being missing) in panel["charts"].
 *
 * Cards are built without a database: a hand-filled card_input for a
 * Llama-3-8B-like model with two synthetic measurements and layer-wise
 * data, and a GPT-2-like model without measurements and without RoPE.
 *
 * To look at the charts:
 *   CHARTS_DEMO_DIR=/tmp/charts build/tests/test_charts --filter 'charts/demo'
 * writes every chart (SVG + PNG), card.pdf/card.png and the panel charts
 * for a few synthetic models there. */
#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cairo.h>
#include <criterion/criterion.h>

#include "support/tmpdir.h"
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "card/card.h"
#include "card/panel.h"
#include "render/charts.h"
#include "render/plot.h"
#include "render/surface.h"
#include "util/jsonnum.h"

static void release(void)
{
    render_shutdown();
    xmlCleanupParser();
}

TestSuite(charts, .fini = release);

/* ---- synthetic inputs ------------------------------------------------------- */

enum { NP = 9, NL = 8, NLD = 5 };

typedef struct {
    taf_db_model model;
    taf_db_measurement meas[2];
    pf_point pts[2][NP];
    long long dist[NP];
    card_measurement cm[2];
    pf_layerwise lw;
    pf_layer_gamma lg[NL];
    pf_layer_point lp[NL * NLD];
    long long ldist[NLD];
    card_input in;
} fixture;

typedef struct {
    const char *id;
    bool rope;
    double theta;
    long long T_train, heads, kv, d_head, layers;
    double n_params;
    const char *pos;
    bool measured, layerwise;
    double g_text, g_rand; /* synthetic decay exponents */
} model_def;

static const model_def LLAMA = {"meta-llama/Meta-Llama-3-8B", true, 500000, 8192, 32, 8, 128, 32, 8e9,
                                "rope", true, true, 0.75, 0.38};
static const model_def GPT2 = {"gpt2", false, 0, 1024, 12, 12, 64, 12, 1.24e8, "learned", false, false, 0, 0};
static const model_def PYTHIA = {"EleutherAI/pythia-160m", true, 10000, 2048, 12, 12, 64, 12, 1.6e8, "rope",
                                 true, false, 0.62, 0.71};
static const model_def QWEN = {"Qwen/Qwen2.5-7B", true, 1000000, 32768, 28, 4, 128, 28, 7.6e9, "rope", true,
                               false, 0.81, 0.44};

static void fill_fixture(fixture *fx, const model_def *md)
{
    memset(fx, 0, sizeof *fx);
    taf_model_spec *s = &fx->model.spec;
    spec_init(s);
    snprintf(s->id, sizeof s->id, "%s", md->id);
    s->has_theta = md->rope;
    s->theta = md->rope ? md->theta : 0;
    s->T_train = md->T_train;
    s->n_attention_heads = md->heads;
    s->n_kv_heads = md->kv;
    s->d_head = md->d_head;
    s->n_layers = md->layers;
    s->n_params = md->n_params;
    s->n_attention_layers = md->layers;
    snprintf(s->attention_class, sizeof s->attention_class, "FULL");
    snprintf(s->position_encoding, sizeof s->position_encoding, "%s", md->pos);
    snprintf(s->source, sizeof s->source, "tests/test_charts.c (synthetic)");
    snprintf(fx->model.origin, sizeof fx->model.origin, "preset");
    snprintf(fx->model.source_file, sizeof fx->model.source_file, "presets:%s.json", md->id);

    static const long long D[NP] = {1, 2, 5, 10, 30, 100, 300, 1000, 3000};
    memcpy(fx->dist, D, sizeof D);
    size_t nm = 0;
    if (md->measured) {
        const char *corpus[2] = {"text", "random"};
        for (int c = 0; c < 2; c++) {
            taf_db_measurement *m = &fx->meas[c];
            m->id = c + 1;
            snprintf(m->model_id, sizeof m->model_id, "%s", md->id);
            snprintf(m->corpus, sizeof m->corpus, "%s", corpus[c]);
            m->has_theta = md->rope;
            m->theta = md->theta;
            m->distances = fx->dist;
            m->n_distances = NP;
            m->d_min_fit = 30;
            m->n_prompts = 64;
            snprintf(m->source_file, sizeof m->source_file, "panel:e4_gamma/%s_%s.json", md->id, corpus[c]);
            snprintf(m->sha256, sizeof m->sha256, "%064d", c + 1);
            double g = c == 0 ? md->g_text : md->g_rand, A = c == 0 ? 0.35 : 0.12;
            for (int i = 0; i < NP; i++) {
                pf_point *p = &fx->pts[c][i];
                double d = (double)D[i];
                /* a power law with some structure: a bump and a sagging tail */
                double wob = c == 0 ? 1 + 0.12 * sin(1.3 * i) : 1 + 0.08 * cos(0.9 * i);
                p->distance = D[i];
                p->mean = A * pow(d, -g) * wob;
                /* every third point's spread reaches 0 or below (bar runs to the bottom) */
                p->std = p->mean * (i % 3 == 0 ? (c == 0 ? 1.0 : 1.2) : 0.35);
                p->in_fit = D[i] >= 30;
            }
            fx->cm[c].m = m;
            fx->cm[c].points = fx->pts[c];
            fx->cm[c].n_points = NP;
        }
        nm = 2;
    }
    if (md->layerwise) {
        static const long long LD[NLD] = {30, 100, 300, 1000, 3000};
        memcpy(fx->ldist, LD, sizeof LD);
        pf_layerwise *lw = &fx->lw;
        snprintf(lw->model_id, sizeof lw->model_id, "%s", md->id);
        lw->has_theta = md->rope;
        lw->theta = md->theta;
        lw->d_head = md->d_head;
        lw->n_layers = NL;
        lw->L_crit_known = -1;
        lw->n_prompts = 16;
        lw->z = lw->gamma_pos_pred = lw->gamma_pade = lw->beta_gamma = NAN;
        lw->distances = fx->ldist;
        lw->n_distances = NLD;
        for (int l = 0; l < NL; l++) {
            double g = 0.25 * exp(0.16 * l) * (1 + 0.05 * sin(2.1 * l));
            fx->lg[l].layer = l;
            fx->lg[l].gamma = g * (1 + 0.04 * cos(l)); /* stored: close, not equal */
            fx->lg[l].R2 = 0.95;
            fx->lg[l].n_points = NLD;
            snprintf(fx->lg[l].type, sizeof fx->lg[l].type, "%s", l < 3 ? "pos" : "sem");
            for (int k = 0; k < NLD; k++) {
                pf_layer_point *p = &fx->lp[l * NLD + k];
                p->layer = l;
                p->distance = LD[k];
                p->value = 0.3 * pow((double)LD[k], -g) * (1 + 0.02 * sin(k + l));
                p->in_fit = 1;
            }
        }
        lw->gammas = fx->lg;
        lw->n_gammas = NL;
        lw->points = fx->lp;
        lw->n_points = NL * NLD;
    }
    fx->in.model = &fx->model;
    fx->in.meas = fx->cm;
    fx->in.n_meas = nm;
    fx->in.layerwise = md->layerwise ? &fx->lw : NULL;
    fx->in.layerwise_source = md->layerwise ? "panel:e4_gamma/layerwise/synthetic_layerwise.json" : NULL;
    fx->in.layerwise_sha256 = md->layerwise ? "00000000000000000000000000000000000000000000000000000000000000aa"
                                            : NULL;
    fx->in.spec_source_sha256 = "1f3a5c7e9b2d4f6a8c0e1f3a5c7e9b2d4f6a8c0e1f3a5c7e9b2d4f6a8c0e1f3a";
    fx->in.build_date = NULL;
}

static cJSON *make_card(const model_def *md)
{
    fixture *fx = calloc(1, sizeof *fx);
    fill_fixture(fx, md);
    taf_err err = {0};
    cJSON *card = card_build(&fx->in, &err);
    cr_assert(card, "card_build %s: %s: %s", md->id, err.code, err.message);
    spec_free(&fx->model.spec);
    free(fx);
    return card;
}

/* ---- helpers ------------------------------------------------------------------ */


static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

static char *slurp(const char *path, size_t *len)
{
    char *buf = NULL;
    taf_err err;
    cr_assert(render_read_file(path, &buf, len, &err), "read %s: %s", path, err.message);
    return buf;
}

static bool same_file(const char *a, const char *b)
{
    size_t la, lb;
    char *x = slurp(a, &la), *y = slurp(b, &lb);
    bool same = la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

static const char *entry_str(const cJSON *e, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const cJSON *find_chart(const cJSON *list, const char *kind)
{
    for (const cJSON *e = list ? list->child : NULL; e; e = e->next)
        if (entry_str(e, "kind") && strcmp(entry_str(e, "kind"), kind) == 0)
            return e;
    return NULL;
}

/* Every entry without "missing" has both files; entries with it have none. */
static int check_listed_files(const cJSON *list, const char *dir)
{
    int present = 0;
    for (const cJSON *e = list->child; e; e = e->next) {
        const char *kind = entry_str(e, "kind");
        char svg[1024], png[1024];
        snprintf(svg, sizeof svg, "%s/%s.svg", dir, kind);
        snprintf(png, sizeof png, "%s/%s.png", dir, kind);
        if (entry_str(e, "missing")) {
            cr_expect_not(exists(svg), "%s is marked missing but %s exists", kind, svg);
            cr_expect_not(exists(png), "%s is marked missing but %s exists", kind, png);
        } else {
            cr_expect(exists(svg), "%s.svg was not written", kind);
            cr_expect(exists(png), "%s.png was not written", kind);
            present++;
        }
    }
    return present;
}

/* ---- per-model charts ------------------------------------------------------------ */

Test(charts, every_listed_chart_renders_for_a_panel_model)
{
    cJSON *card = make_card(&LLAMA);
    const cJSON *list = cJSON_GetObjectItem(card, "charts");
    const char *all[] = {"attention_decay", "phase", "horizon", "memory", "serving", "layerwise"};
    for (size_t i = 0; i < 6; i++) {
        const cJSON *e = find_chart(list, all[i]);
        cr_assert(e, "card lists %s", all[i]);
        cr_expect_null(entry_str(e, "missing"), "%s: %s", all[i], entry_str(e, "missing"));
    }
    char *dir = test_tmpdir("tafcharts");
    taf_err err = {0};
    cr_assert(charts_render_card(card, dir, &err), "%s: %s", err.code, err.message);
    cr_expect_eq(check_listed_files(list, dir), 6);
    cr_expect_eq(test_count_entries(dir), 12, "exactly one SVG and one PNG per chart");
    test_rmtree(dir);
    free(dir);
    cJSON_Delete(card);
}

Test(charts, model_without_measurements_or_rope_renders_only_what_it_has)
{
    cJSON *card = make_card(&GPT2);
    const cJSON *list = cJSON_GetObjectItem(card, "charts");
    cr_expect_not_null(entry_str(find_chart(list, "attention_decay"), "missing"));
    cr_expect_not_null(entry_str(find_chart(list, "phase"), "missing"));
    cr_expect_not_null(entry_str(find_chart(list, "horizon"), "missing"));
    cr_expect_not_null(entry_str(find_chart(list, "layerwise"), "missing"));
    cr_expect_null(entry_str(find_chart(list, "memory"), "missing"));
    char *dir = test_tmpdir("tafcharts");
    taf_err err = {0};
    cr_assert(charts_render_card(card, dir, &err), "%s: %s", err.code, err.message);
    int present = check_listed_files(list, dir);
    cr_expect(present >= 1, "at least the memory chart");
    cr_expect_eq(test_count_entries(dir), 2 * present);
    test_rmtree(dir);
    free(dir);
    cJSON_Delete(card);
}

Test(charts, missing_chart_is_an_error_not_an_empty_axis)
{
    cJSON *card = make_card(&GPT2);
    char *dir = test_tmpdir("tafcharts");
    char path[1024];
    snprintf(path, sizeof path, "%s/phase.svg", dir);
    taf_err err = {0};
    cr_expect_not(charts_render_one(card, "phase", path, &err));
    cr_expect_str_eq(err.code, "chart-missing");
    cr_expect(strstr(err.message, "no RoPE") != NULL, "%s", err.message);
    cr_expect_not(exists(path));
    cr_expect_not(charts_render_one(card, "pie", path, &err));
    cr_expect_str_eq(err.code, "chart-kind");
    cr_expect_eq(test_count_entries(dir), 0);
    test_rmtree(dir);
    free(dir);
    cJSON_Delete(card);
}

Test(charts, render_one_picks_the_format_from_the_extension)
{
    cJSON *card = make_card(&LLAMA);
    char *dir = test_tmpdir("tafcharts");
    const char *ext[] = {"svg", "png", "pdf"};
    const char *magic[] = {"<?xml", "\x89PNG", "%PDF"};
    for (int i = 0; i < 3; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/phase.%s", dir, ext[i]);
        taf_err err = {0};
        cr_assert(charts_render_one(card, "phase", path, &err), "%s: %s", err.code, err.message);
        size_t n;
        char *b = slurp(path, &n);
        cr_expect(n > 4 && memcmp(b, magic[i], strlen(magic[i])) == 0, "%s magic", ext[i]);
        free(b);
    }
    char bad[1024];
    snprintf(bad, sizeof bad, "%s/phase.jpg", dir);
    taf_err err = {0};
    cr_expect_not(charts_render_one(card, "phase", bad, &err));
    cr_expect_str_eq(err.code, "render-format");
    test_rmtree(dir);
    free(dir);
    cJSON_Delete(card);
}

Test(charts, rendering_twice_gives_identical_svg_png_and_pdf)
{
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    const model_def *models[2] = {&LLAMA, &GPT2};
    for (int m = 0; m < 2; m++) {
        cJSON *card = make_card(models[m]);
        char *a = test_tmpdir("tafcharts"), *b = test_tmpdir("tafcharts");
        taf_err err = {0};
        cr_assert(charts_render_card(card, a, &err), "%s", err.message);
        cr_assert(charts_render_card(card, b, &err), "%s", err.message);
        char pa[1024], pb[1024];
        snprintf(pa, sizeof pa, "%s/card.pdf", a);
        snprintf(pb, sizeof pb, "%s/card.pdf", b);
        cr_assert(charts_render_card_pdf(card, pa, &err), "%s", err.message);
        cr_assert(charts_render_card_pdf(card, pb, &err), "%s", err.message);
        DIR *dir = opendir(a);
        struct dirent *e;
        int n = 0;
        while ((e = readdir(dir))) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(pa, sizeof pa, "%s/%s", a, e->d_name);
            snprintf(pb, sizeof pb, "%s/%s", b, e->d_name);
            cr_expect(same_file(pa, pb), "%s differs between two renders", e->d_name);
            n++;
        }
        closedir(dir);
        cr_expect(n >= 3);
        test_rmtree(a);
        test_rmtree(b);
        free(a);
        free(b);
        cJSON_Delete(card);
    }
}

Test(charts, every_svg_parses_and_has_a_title_and_a_description)
{
    cJSON *card = make_card(&LLAMA);
    char *dir = test_tmpdir("tafcharts");
    taf_err err = {0};
    cr_assert(charts_render_card(card, dir, &err), "%s", err.message);
    for (const cJSON *e = cJSON_GetObjectItem(card, "charts")->child; e; e = e->next) {
        if (entry_str(e, "missing"))
            continue;
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.svg", dir, entry_str(e, "kind"));
        xmlDocPtr doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
        cr_assert(doc, "%s does not parse", path);
        xmlNodePtr root = xmlDocGetRootElement(doc);
        cr_expect_str_eq((const char *)root->name, "svg");
        bool title = false, desc = false;
        for (xmlNodePtr c = root->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            xmlChar *t = xmlNodeGetContent(c);
            if (strcmp((const char *)c->name, "title") == 0)
                title = t && t[0];
            if (strcmp((const char *)c->name, "desc") == 0)
                desc = t && strlen((const char *)t) > 40;
            xmlFree(t);
        }
        cr_expect(title, "%s has a <title>", path);
        cr_expect(desc, "%s has a one-sentence <desc>", path);
        xmlFreeDoc(doc);
    }
    test_rmtree(dir);
    free(dir);
    cJSON_Delete(card);
}

Test(charts, png_is_twice_the_nominal_size)
{
    cJSON *card = make_card(&LLAMA);
    char *dir = test_tmpdir("tafcharts");
    taf_err err = {0};
    cr_assert(charts_render_card(card, dir, &err), "%s", err.message);
    for (const cJSON *e = cJSON_GetObjectItem(card, "charts")->child; e; e = e->next) {
        const char *kind = entry_str(e, "kind");
        if (entry_str(e, "missing"))
            continue;
        double w, h;
        cr_assert(charts_nominal_size(kind, &w, &h), "%s has a nominal size", kind);
        char path[1024];
        snprintf(path, sizeof path, "%s/%s.png", dir, kind);
        cairo_surface_t *s = cairo_image_surface_create_from_png(path);
        cr_assert_eq(cairo_surface_status(s), CAIRO_STATUS_SUCCESS, "%s loads", path);
        cr_expect_eq(cairo_image_surface_get_width(s), (int)ceil(2 * w), "%s width", kind);
        cr_expect_eq(cairo_image_surface_get_height(s), (int)ceil(2 * h), "%s height", kind);
        cr_expect(w >= 600, "%s is at least 600 px wide", kind);
        cairo_surface_destroy(s);
    }
    test_rmtree(dir);
    free(dir);
    cJSON_Delete(card);
}

static bool mem_contains(const char *h, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(h + i, needle, k) == 0)
            return true;
    return false;
}

Test(charts, pdf_card_is_one_page_and_identical_with_source_date_epoch)
{
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    const model_def *models[2] = {&LLAMA, &GPT2};
    for (int m = 0; m < 2; m++) {
        cJSON *card = make_card(models[m]);
        char *dir = test_tmpdir("tafcharts");
        char a[1024], b[1024];
        snprintf(a, sizeof a, "%s/a.pdf", dir);
        snprintf(b, sizeof b, "%s/b.pdf", dir);
        taf_err err = {0};
        cr_assert(charts_render_card_pdf(card, a, &err), "%s: %s", err.code, err.message);
        cr_assert(charts_render_card_pdf(card, b, &err), "%s: %s", err.code, err.message);
        cr_expect(same_file(a, b), "%s: two PDF renders differ", models[m]->id);
        size_t n;
        char *pdf = slurp(a, &n);
        cr_expect(n > 4 && memcmp(pdf, "%PDF", 4) == 0);
        cr_expect(mem_contains(pdf, n, "20231114221320"), "dates from SOURCE_DATE_EPOCH");
        cr_expect(mem_contains(pdf, n, "/Count 1"), "one page");
        free(pdf);
        /* a different epoch changes only the dates: still a valid page */
        setenv("SOURCE_DATE_EPOCH", "1700000001", 1);
        cr_assert(charts_render_card_pdf(card, b, &err), "%s", err.message);
        cr_expect_not(same_file(a, b), "the epoch reaches the PDF");
        setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
        test_rmtree(dir);
        free(dir);
        cJSON_Delete(card);
    }
}

Test(charts, rejects_what_is_not_a_card)
{
    cJSON *j = cJSON_Parse("{\"schema\":\"something/else\"}");
    taf_err err = {0};
    cr_expect_not(charts_render_card(j, "/tmp", &err));
    cr_expect_str_eq(err.code, "chart-card");
    cr_expect_not(charts_render_card_pdf(j, "/tmp/x.pdf", &err));
    cr_expect_not(charts_render_one(NULL, "phase", "/tmp/x.svg", &err));
    cJSON_Delete(j);
}

/* A card that lists a chart but lacks its series is an internal error,
 * never an empty axis. */
Test(charts, listed_chart_without_data_fails_loudly)
{
    cJSON *card = make_card(&LLAMA);
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(card, "series"), "memory");
    char *dir = test_tmpdir("tafcharts");
    char path[1024];
    snprintf(path, sizeof path, "%s/memory.svg", dir);
    taf_err err = {0};
    cr_expect_not(charts_render_one(card, "memory", path, &err));
    cr_expect_str_eq(err.code, "chart-data");
    cr_expect_eq(test_count_entries(dir), 0);
    test_rmtree(dir);
    free(dir);
    cJSON_Delete(card);
}

/* ---- panel charts ------------------------------------------------------------------ */

static cJSON *panel_cards(const model_def *const *defs, int n)
{
    cJSON *cards = cJSON_CreateArray();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(cards, make_card(defs[i]));
    return cards;
}

Test(charts, panel_charts_render_and_register_themselves)
{
    const model_def *defs[] = {&PYTHIA, &QWEN, &LLAMA, &GPT2};
    cJSON *cards = panel_cards(defs, 4);
    cJSON *panel = panel_build(cards, NULL);
    char *dir = test_tmpdir("tafcharts");
    taf_err err = {0};
    cr_assert(charts_render_panel(panel, cards, dir, &err), "%s: %s", err.code, err.message);
    const cJSON *list = cJSON_GetObjectItem(panel, "charts");
    cr_assert(cJSON_IsArray(list));
    /* the imprint regression now comes with the refit's points */
    const char *present[] = {"gamma_vs_pade", "residuals", "K_distribution", "ih_phase",
                             "imprint_regression"};
    for (int i = 0; i < 5; i++) {
        const cJSON *e = find_chart(list, present[i]);
        cr_assert(e, "panel lists %s", present[i]);
        cr_expect_null(entry_str(e, "missing"), "%s: %s", present[i], entry_str(e, "missing"));
        cr_expect_not_null(entry_str(e, "title"));
    }
    cr_expect_eq(check_listed_files(list, dir), 5);
    cr_expect_eq(test_count_entries(dir), 10, "an SVG and a PNG per panel chart");
    test_rmtree(dir);
    free(dir);
    cJSON_Delete(panel);
    cJSON_Delete(cards);
}

Test(charts, panel_without_measurements_lists_reasons_and_writes_nothing_for_them)
{
    const model_def *defs[] = {&GPT2};
    cJSON *cards = panel_cards(defs, 1);
    cJSON *panel = panel_build(cards, NULL);
    char *dir = test_tmpdir("tafcharts");
    taf_err err = {0};
    cr_assert(charts_render_panel(panel, cards, dir, &err), "%s: %s", err.code, err.message);
    const cJSON *list = cJSON_GetObjectItem(panel, "charts");
    const char *gone[] = {"gamma_vs_pade", "residuals", "ih_phase", "imprint_regression"};
    for (int i = 0; i < 4; i++)
        cr_expect_not_null(entry_str(find_chart(list, gone[i]), "missing"), "%s should be missing", gone[i]);
    int present = check_listed_files(list, dir);
    cr_expect_eq(test_count_entries(dir), 2 * present);
    test_rmtree(dir);
    free(dir);
    cJSON_Delete(panel);
    cJSON_Delete(cards);
}

Test(charts, panel_charts_are_byte_identical_across_runs)
{
    const model_def *defs[] = {&PYTHIA, &QWEN, &LLAMA};
    cJSON *cards = panel_cards(defs, 3);
    cJSON *p1 = panel_build(cards, NULL), *p2 = panel_build(cards, NULL);
    char *a = test_tmpdir("tafcharts"), *b = test_tmpdir("tafcharts");
    taf_err err = {0};
    cr_assert(charts_render_panel(p1, cards, a, &err), "%s", err.message);
    cr_assert(charts_render_panel(p2, cards, b, &err), "%s", err.message);
    for (const cJSON *e = cJSON_GetObjectItem(p1, "charts")->child; e; e = e->next) {
        if (entry_str(e, "missing"))
            continue;
        for (int k = 0; k < 2; k++) {
            char pa[1024], pb[1024];
            const char *f = entry_str(e, k ? "png" : "svg");
            snprintf(pa, sizeof pa, "%s/%s", a, f);
            snprintf(pb, sizeof pb, "%s/%s", b, f);
            cr_expect(same_file(pa, pb), "%s differs", f);
        }
    }
    test_rmtree(a);
    test_rmtree(b);
    free(a);
    free(b);
    cJSON_Delete(p1);
    cJSON_Delete(p2);
    cJSON_Delete(cards);
}

/* The calibration stage can hand the imprint regression its points: the
 * chart then renders instead of being listed as missing. */
Test(charts, imprint_regression_renders_when_the_refit_carries_its_points)
{
    const model_def *defs[] = {&PYTHIA, &QWEN, &LLAMA};
    cJSON *cards = panel_cards(defs, 3);
    cJSON *panel = panel_build(cards, NULL);
    cJSON *refits = cJSON_GetObjectItem(panel, "refits");
    if (!cJSON_IsArray(refits)) {
        cJSON_DeleteItemFromObject(panel, "refits");
        refits = cJSON_AddArrayToObject(panel, "refits");
    }
    cJSON *row = NULL;
    for (cJSON *r = refits->child; r; r = r->next)
        if (entry_str(r, "name") && strncmp(entry_str(r, "name"), "imprint slope", 13) == 0)
            row = r;
    if (!row) {
        row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "name", "imprint slope ν");
        cJSON_AddItemToArray(refits, row);
    }
    cJSON_DeleteItemFromObject(row, "series");
    cJSON *s = cJSON_Parse("{\"x\": [0.5, 1.0, 1.8, 2.7], \"y\": [0.05, -0.1, -0.2, -0.41],"
                           " \"fit_x\": [0.5, 2.7], \"fit_y\": [0.04, -0.38]}");
    cJSON_AddItemToObject(row, "series", s);
    char *dir = test_tmpdir("tafcharts");
    taf_err err = {0};
    cr_assert(charts_render_panel(panel, cards, dir, &err), "%s: %s", err.code, err.message);
    const cJSON *e = find_chart(cJSON_GetObjectItem(panel, "charts"), "imprint_regression");
    cr_assert(e);
    cr_expect_null(entry_str(e, "missing"));
    cr_expect_eq(check_listed_files(cJSON_GetObjectItem(panel, "charts"), dir), 5);
    test_rmtree(dir);
    free(dir);
    cJSON_Delete(panel);
    cJSON_Delete(cards);
}

/* Under a locale with a decimal comma the bytes do not change (skipped
 * when no such locale is installed). */
Test(charts, locale_does_not_reach_the_output)
{
    /* find a decimal-comma locale first: a skipped test renders nothing */
    const char *de[] = {"de_DE.UTF-8", "de_DE.utf8", "de_DE", NULL};
    const char *got = NULL;
    for (int i = 0; de[i] && !got; i++)
        got = setlocale(LC_ALL, de[i]);
    setlocale(LC_ALL, "C");
    if (!got)
        cr_skip_test("no German locale installed");
    char name[64];
    snprintf(name, sizeof name, "%s", got);
    cJSON *card = make_card(&LLAMA);
    char *dir = test_tmpdir("tafcharts");
    char a[1024], b[1024];
    snprintf(a, sizeof a, "%s/c.pdf", dir);
    snprintf(b, sizeof b, "%s/de.pdf", dir);
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    taf_err err = {0};
    cr_assert(charts_render_card_pdf(card, a, &err), "%s", err.message);
    setlocale(LC_ALL, name);
    cr_assert(charts_render_card_pdf(card, b, &err), "%s", err.message);
    setlocale(LC_ALL, "C");
    cr_expect(same_file(a, b), "the PDF card differs under %s", name);
    test_rmtree(dir);
    free(dir);
    cJSON_Delete(card);
}

/* ---- demo: everything into CHARTS_DEMO_DIR, for looking at ------------------------ */

Test(charts, demo)
{
    const char *out = getenv("CHARTS_DEMO_DIR");
    if (!out || !*out)
        cr_skip_test("set CHARTS_DEMO_DIR to write the demo charts");
    mkdir(out, 0755);
    const model_def *defs[] = {&LLAMA, &GPT2, &PYTHIA, &QWEN};
    cJSON *cards = panel_cards(defs, 4);
    taf_err err = {0};
    struct timespec t0, t1;
    int k = 0;
    for (const cJSON *c = cards->child; c; c = c->next, k++) {
        char dir[1024], path[1200];
        snprintf(dir, sizeof dir, "%s/%s", out, entry_str(cJSON_GetObjectItem(c, "model"), "slug"));
        mkdir(dir, 0755);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        cr_assert(charts_render_card(c, dir, &err), "%s", err.message);
        snprintf(path, sizeof path, "%s/card.pdf", dir);
        cr_assert(charts_render_card_pdf(c, path, &err), "%s", err.message);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        fprintf(stderr, "%s: charts + PDF card in %.3f s\n", defs[k]->id,
                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
        snprintf(path, sizeof path, "%s/card.png", dir);
        cr_assert(charts_render_one(c, "card", path, &err), "%s", err.message);
        char *text = card_to_text(c);
        snprintf(path, sizeof path, "%s/card.json", dir);
        cr_assert(render_write_file(path, text, strlen(text), &err));
        free(text);
    }
    cJSON *panel = panel_build(cards, NULL);
    char pdir[1024];
    snprintf(pdir, sizeof pdir, "%s/panel", out);
    mkdir(pdir, 0755);
    cr_assert(charts_render_panel(panel, cards, pdir, &err), "%s", err.message);
    /* the imprint regression as it will look once the refit exports its points */
    cJSON *refits = cJSON_GetObjectItem(panel, "refits");
    for (cJSON *r = cJSON_IsArray(refits) ? refits->child : NULL; r; r = r->next)
        if (entry_str(r, "name") && strncmp(entry_str(r, "name"), "imprint slope", 13) == 0)
            cJSON_AddItemToObject(r, "series",
                                  cJSON_Parse("{\"x\": [0.5, 1.0, 1.8, 2.7], \"y\": [0.05, -0.1, -0.2, -0.41],"
                                              " \"fit_x\": [0.5, 2.7], \"fit_y\": [0.04, -0.38]}"));
    cJSON_DeleteItemFromObject(panel, "charts");
    cr_assert(charts_render_panel(panel, cards, pdir, &err), "%s", err.message);
    cJSON_Delete(panel);
    cJSON_Delete(cards);
}
