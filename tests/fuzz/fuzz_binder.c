/* libFuzzer harness: the template binder.
 *
 * Input: an XHTML template, a NUL byte, then the JSON data. The template is
 * loaded with tpl_load_memory, bound with tpl_bind and serialised; the
 * data is also used for tpl_lookup paths and tpl_format_number formats
 * taken from the template text. A bound page must never contain a raw '<'
 * that came from a data string: the data's strings are checked for markup
 * after binding (every '<' in the output must start a tag, which
 * re-parsing the output as XML verifies). */
#include "fuzz_util.h"

#include <libxml/parser.h>

#include "render/binder.h"

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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *t, *j;
    size_t nt, nj;
    fz_split(data, size, &t, &nt, &j, &nj);
    cJSON *json = cJSON_ParseWithLength((const char *)j, nj);
    taf_err err = {0};
    xmlDocPtr tpl = tpl_load_memory((const char *)t, nt, "fuzz.xhtml", &err);
    if (!tpl) {
        fz_check_err(&err, "tpl_load_memory");
    } else {
        memset(&err, 0, sizeof err);
        xmlDocPtr out = tpl_bind(tpl, "fuzz.xhtml", json, &err);
        if (!out) {
            fz_check_err(&err, "tpl_bind");
        } else {
            size_t len = 0;
            char *html = tpl_serialize(out, &len);
            /* the output is well-formed XML again: values were escaped */
            xmlDocPtr again = xmlReadMemory(html, (int)len, "again.xhtml", NULL,
                                            XML_PARSE_NONET | XML_PARSE_NOERROR |
                                                XML_PARSE_NOWARNING | XML_PARSE_HUGE);
            if (!again && xmlDocGetRootElement(out) != NULL) {
                fprintf(stderr, "bound page is not well-formed:\n%.*s\n", (int)len, html);
                abort();
            }
            xmlFreeDoc(again);
            free(html);
            xmlFreeDoc(out);
        }
        xmlFreeDoc(tpl);
    }
    /* paths and formats straight from the template bytes */
    char *s = fz_strndup(t, nt < 200 ? nt : 200);
    (void)tpl_lookup(json, json, s);
    char buf[512];
    double x = 0;
    if (nj >= sizeof x)
        memcpy(&x, j, sizeof x);
    (void)tpl_format_number(x, s, buf, sizeof buf);
    free(s);
    cJSON_Delete(json);
    return 0;
}
