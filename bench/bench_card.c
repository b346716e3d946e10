/* One card's outputs rendered again and again on one thread, each timed
 * in this thread's CPU time: a steady figure for the cost of each output
 * of a card while the machine does other work (the site build's
 * --timings adds up whatever the run met).
 *
 *   bench_card CARD.json TEMPLATE_DIR [ROUNDS [ONLY]]
 * prints "output ms" lines: the fastest round of each (default 30 rounds);
 * ONLY (svg, png, pdf or page) renders just that output, for a profiler. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "render/charts.h"
#include "render/site.h"
#include "render/surface.h"
#include "util/jsonnum.h"

static double cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Numbers as the build holds them (raw Python-repr text, see jnum), not
 * as cJSON_Parse made them, so printing card.json costs what it costs in
 * a build. */
static void numbers_as_built(cJSON *node)
{
    for (cJSON *c = node ? node->child : NULL; c; c = c->next) {
        if (cJSON_IsNumber(c)) {
            cJSON *raw = jnum(c->valuedouble);
            if (raw)
                cJSON_ReplaceItemViaPointer(node, c, raw), c = raw;
        } else {
            numbers_as_built(c);
        }
    }
}

enum { OUT_SVG, OUT_PNG, OUT_PDF, OUT_PAGE, N_OUT };
static const char *const OUT_NAME[N_OUT] = {"charts.svg", "charts.png", "card.pdf",
                                            "page+card.json+card.md"};

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_card CARD.json TEMPLATE_DIR [ROUNDS [svg|png|pdf|page]]\n");
        return 2;
    }
    int rounds = argc > 3 ? atoi(argv[3]) : 30;
    const char *only = argc > 4 ? argv[4] : NULL;
    static const char *const OUT_KEY[N_OUT] = {"svg", "png", "pdf", "page"};
    char *text = NULL;
    size_t text_len = 0;
    taf_err err = {0};
    cJSON *card = render_read_file(argv[1], &text, &text_len, &err) ? cJSON_ParseWithLength(text, text_len) : NULL;
    free(text);
    if (!card) {
        fprintf(stderr, "bench_card: cannot read %s\n", argv[1]);
        return 1;
    }
    /* the charts read the card as parsed; the page and card.json get the
     * numbers as a build holds them */
    cJSON *page_card = cJSON_Duplicate(card, true);
    numbers_as_built(page_card);
    char dir[] = "/tmp/bench_card.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    site_templates t;
    if (!site_templates_load(&t, argv[2], &err)) {
        fprintf(stderr, "bench_card: %s\n", err.message);
        return 1;
    }
    double best[N_OUT];
    for (int k = 0; k < N_OUT; k++)
        best[k] = 1e300;
    const cJSON *charts = cJSON_GetObjectItem(card, "charts");
    char path[600];
    for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < N_OUT; k++) {
            if (only && strcmp(only, OUT_KEY[k]) != 0)
                continue;
            double t0 = cpu_ms();
            bool ok = true;
            if (k == OUT_SVG || k == OUT_PNG) {
                const cJSON *c;
                cJSON_ArrayForEach(c, charts) {
                    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(c, "kind"));
                    if (!kind || cJSON_GetObjectItem(c, "missing"))
                        continue;
                    snprintf(path, sizeof path, "%s/%s.%s", dir, kind, k == OUT_SVG ? "svg" : "png");
                    ok = ok && charts_render_one(card, kind, path, &err);
                }
            } else if (k == OUT_PDF) {
                snprintf(path, sizeof path, "%s/card.pdf", dir);
                ok = charts_render_card_pdf(card, path, &err);
            } else {
                ok = site_write_card(&t, dir, page_card, &err);
            }
            if (!ok) {
                fprintf(stderr, "bench_card: %s: %s\n", OUT_NAME[k], err.message);
                return 1;
            }
            double dt = cpu_ms() - t0;
            if (dt < best[k])
                best[k] = dt;
        }
    }
    double sum = 0;
    for (int k = 0; k < N_OUT; k++) {
        if (only && strcmp(only, OUT_KEY[k]) != 0)
            continue;
        printf("%s %.3f\n", OUT_NAME[k], best[k]);
        sum += best[k];
    }
    printf("total %.3f\n", sum);
    site_templates_free(&t);
    cJSON_Delete(card);
    cJSON_Delete(page_card);
    render_shutdown();
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
