/* libFuzzer harness: the panel-file readers through the NaN-literal
 * pre-pass.
 *
 * Byte 0 picks the file name the reader is told (and so the kind
 * pf_classify gives); the rest is the file's text, parsed as ingest does
 * (nanjson_parse, duplicate-key check) and read with pf_read_measurement /
 * pf_read_layerwise / pf_read_master / pf_read_pade. Also checks the
 * pre-pass itself: replacements stay inside the text, offsets map back
 * into the input, line/column are positive. */
#include "fuzz_util.h"

#include "store/panel_files.h"
#include "util/nanjson.h"

static const char *const NAMES[] = {
    "e4_gamma/EleutherAI--pythia-70m_mongo.json", "e4_gamma/gpt2_random.json",
    "e4_gamma/EleutherAI--pythia-70m_layerwise.json", "master_gamma_results.json",
    "pade_validation.json", "e4_gamma/--_mongo.json", "x/_layerwise.json",
    "e4_gamma/a--b--c_random.json"};
#define N_NAMES (sizeof NAMES / sizeof NAMES[0])

static void check_prepass(const char *in, size_t len)
{
    nanjson_doc doc;
    nanjson_clean(in, len, &doc);
    if (doc.text[doc.len] != '\0' || doc.len > len + len / 3 + 1)
        abort();
    for (size_t k = 0; k < doc.n_repl; k++) {
        const nanjson_repl *r = &doc.repl[k];
        if (r->in_off + r->in_len > len || r->out_off + r->out_len > doc.len ||
            memcmp(doc.text + r->out_off, "null", 4) != 0)
            abort();
        if (nanjson_input_offset(&doc, r->out_off) != r->in_off)
            abort();
    }
    if (nanjson_total(&doc.counts) != doc.n_repl)
        abort();
    size_t probe = doc.len / 2;
    if (nanjson_input_offset(&doc, probe) > len)
        abort();
    nanjson_doc_free(&doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *name = NAMES[data[0] % N_NAMES];
    const char *text = (const char *)data + 1;
    size_t len = size - 1;
    check_prepass(text, len);

    char model_id[PF_ID_SIZE], corpus[8];
    pf_kind kind = pf_classify(name, model_id, corpus);
    char id2[PF_ID_SIZE];
    pf_id_from_filename(name, id2);

    nanjson_counts counts;
    int line = 0, col = 0;
    cJSON *root = nanjson_parse(text, len, &counts, &line, &col);
    if (!root) {
        if (line < 1 || col < 1)
            abort();
        return 0;
    }
    taf_err err = {0};
    if (!pf_check_duplicate_keys(root, name, &err))
        fz_check_err(&err, "pf_check_duplicate_keys");
    memset(&err, 0, sizeof err);
    bool ok = true;
    switch (kind) {
    case PF_MEASUREMENT: {
        pf_measurement m;
        if ((ok = pf_read_measurement(root, name, model_id, corpus, &m, &err))) {
            for (size_t i = 1; i < m.n_points; i++)
                if (m.points[i - 1].distance >= m.points[i].distance)
                    abort(); /* sorted, each distance once */
            char *s = pf_ints_json(m.distances, m.n_distances);
            free(s);
            pf_measurement_free(&m);
        }
        break;
    }
    case PF_LAYERWISE: {
        pf_layerwise l;
        if ((ok = pf_read_layerwise(root, name, model_id, &l, &err)))
            pf_layerwise_free(&l);
        break;
    }
    case PF_MASTER: {
        pf_master m;
        if ((ok = pf_read_master(root, name, &m, &err)))
            pf_master_free(&m);
        break;
    }
    case PF_PADE: {
        pf_pade p;
        if ((ok = pf_read_pade(root, name, &p, &err)))
            pf_pade_free(&p);
        break;
    }
    default:
        break;
    }
    if (!ok)
        fz_check_err(&err, "pf_read");
    cJSON_Delete(root);
    return 0;
}
