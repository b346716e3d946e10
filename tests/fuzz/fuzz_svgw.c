/* libFuzzer harness: the SVG writer.
 *
 * Input: `prefix NUL title NUL text NUL ops`. The writer is created with
 * the prefix and title (and the text as description); each ops byte is a
 * drawing call (move/line/curve/close, stroke, fill, clip, save, restore,
 * text, colour, scale, rotate, dash) taking its operands from the following
 * bytes, so coordinates range over tiny, huge and non-finite values. A
 * finished document must parse as XML and carry the title unchanged; a
 * refused one must say why (code and message). */
#include "fuzz_util.h"

#include <math.h>

#include <cairo.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "render/plot.h"
#include "render/svgw.h"

/* cairo's toy font faces hold a fontconfig pattern for the life of the
 * process and fontconfig's parsed configuration is freed only by FcFini
 * (the tests call plot_shutdown; a fuzzer cannot after every input). Only
 * those third-party allocations are suppressed, which needs full malloc
 * stacks to match through the libraries. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "fast_unwind_on_malloc=0";
}

const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:cairo_toy_font_face_create\n"
           "leak:XML_ParseBuffer\n"
           "leak:FcConfigSubstituteWithPat\n"
           "leak:FcFontMatch\n";
}

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    xmlInitParser();
    xmlSetGenericErrorFunc(NULL, quiet);
    return 0;
}

typedef struct {
    const uint8_t *p;
    size_t n;
} ops;

static int byte(ops *o)
{
    if (!o->n)
        return 0;
    o->n--;
    return *o->p++;
}

/* A coordinate: mostly on the page, sometimes huge or not finite. */
static double coord(ops *o)
{
    int hi = byte(o), lo = byte(o);
    int v = (hi << 8 | lo) - 32768;
    switch (hi >> 6) {
    case 3:
        if (lo == 0xff)
            return NAN;
        if (lo == 0xfe)
            return INFINITY;
        return v * 1e7;
    default:
        return v / 64.0;
    }
}

static void draw(cairo_t *cr, ops *o, const char *text)
{
    plot_cairo_setup(cr);
    cairo_set_font_size(cr, 12);
    for (int steps = 0; o->n && steps < 400; steps++) {
        switch (byte(o) % 14) {
        case 0: {
            double x = coord(o), y = coord(o);
            cairo_move_to(cr, x, y);
            break;
        }
        case 1: {
            double x = coord(o), y = coord(o);
            cairo_line_to(cr, x, y);
            break;
        }
        case 2: {
            double a = coord(o), b = coord(o), c = coord(o), d = coord(o), e = coord(o), f = coord(o);
            cairo_curve_to(cr, a, b, c, d, e, f);
            break;
        }
        case 3:
            cairo_close_path(cr);
            break;
        case 4:
            ink_stroke(cr);
            break;
        case 5:
            ink_fill(cr);
            break;
        case 6:
            ink_clip(cr);
            break;
        case 7:
            ink_save(cr);
            break;
        case 8:
            ink_restore(cr);
            break;
        case 9:
            ink_show_text(cr, text);
            break;
        case 10:
            cairo_set_source_rgba(cr, byte(o) / 255.0, byte(o) / 255.0, byte(o) / 255.0, byte(o) / 255.0);
            break;
        case 11: {
            /* scales stay within what a page can use: cairo 1.16 leaks a
             * scaled font made for an extreme matrix (scale 1e8: not our code) */
            double sx = (byte(o) + 1) / 64.0, sy = (byte(o) + 1) / 64.0;
            cairo_matrix_t m;
            cairo_get_matrix(cr, &m);
            double det = fabs((m.xx * m.yy - m.xy * m.yx) * sx * sy);
            if (det > 1e-4 && det < 1e4)
                cairo_scale(cr, sx, sy);
            break;
        }
        case 12:
            cairo_rotate(cr, byte(o) / 40.0);
            break;
        default: {
            double dash[2] = {fabs(coord(o)), fabs(coord(o))};
            cairo_set_dash(cr, dash, 2, 0);
            break;
        }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *a, *rest, *t, *rest2, *x, *ob;
    size_t na, nrest, nt, nrest2, nx, nob;
    fz_split(data, size, &a, &na, &rest, &nrest);
    fz_split(rest, nrest, &t, &nt, &rest2, &nrest2);
    fz_split(rest2, nrest2, &x, &nx, &ob, &nob);
    char *prefix = fz_strndup(a, na), *title = fz_strndup(t, nt), *text = fz_strndup(x, nx);
    taf_err err = {0};
    svgw_opts so = {title, text, na ? prefix : NULL};
    svgw *w = svgw_new(300, 200, &so, &err);
    if (!w) {
        fz_check_err(&err, "svgw_new");
    } else {
        ops o = {ob, nob};
        draw(svgw_context(w), &o, text);
        char *out = NULL;
        size_t len = 0;
        memset(&err, 0, sizeof err);
        if (!svgw_finish(w, &out, &len, &err)) {
            fz_check_err(&err, "svgw_finish");
        } else {
            xmlDocPtr doc = xmlReadMemory(out, (int)len, "fuzz.svg", NULL,
                                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
            xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
            xmlNodePtr first = root ? xmlFirstElementChild(root) : NULL;
            xmlChar *got = first ? xmlNodeGetContent(first) : NULL;
            const char *want = *title ? title : "Chart";
            if (!got || strcmp((const char *)got, want) != 0) {
                fprintf(stderr, "SVG not well-formed or title changed:\n%.*s\n", (int)len, out);
                abort();
            }
            xmlFree(got);
            xmlFreeDoc(doc);
            free(out);
        }
        svgw_free(w);
    }
    free(prefix);
    free(title);
    free(text);
    return 0;
}
