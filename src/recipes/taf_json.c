#include "recipes/taf_json.h"

#include "recipes/chain.h"
#include "util/jsonnum.h"

cJSON *taf_decomp_json(const taf_decomp *d)
{
    cJSON *o = jobj();
    jadd_num(o, "pade_centroid", d->pade_centroid);
    jadd_num(o, "delta_GQA", d->delta_GQA);
    jadd_num(o, "delta_SWA", d->delta_SWA);
    jadd_str(o, "delta_SWA_status", d->delta_SWA_status);
    jadd_num(o, "delta_post_IH", d->delta_post_IH);
    jadd_str(o, "delta_post_IH_status", d->delta_post_IH_status);
    jadd_num(o, "gamma_corrected", d->gamma_corrected);
    jadd_str(o, "calibration_warning", TAF_DECOMP_V1_WARNING);
    return o;
}

cJSON *taf_hagedorn_json(const taf_hagedorn *h)
{
    cJSON *o = jobj();
    jadd_str(o, "level", h->level);
    jadd_str(o, "color", h->color);
    if (h->label)
        jadd_str(o, "label", h->label);
    jadd_str(o, "message", h->message);
    if (h->fraction_of_panel)
        jadd_str(o, "fraction_of_panel", h->fraction_of_panel);
    return o;
}

cJSON *taf_invariant_K_json(const taf_invariant_K *k)
{
    cJSON *o = jobj();
    jadd_num(o, "K", k->K);
    jadd_num(o, "panel_mean", k->panel_mean);
    jadd_num(o, "panel_std", k->panel_std);
    jadd_num(o, "z_score", k->z_score);
    jadd_bool(o, "in_distribution", k->in_distribution);
    jadd_str(o, "interpretation", k->interpretation);
    return o;
}

cJSON *taf_const_hits_json(const taf_const_proximity *p, int max)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < p->n_hits && i < max; i++) {
        cJSON *h = jobj();
        jadd_str(h, "constant", p->hits[i].name);
        jadd_num(h, "value", p->hits[i].value);
        jadd_num(h, "error", p->hits[i].error);
        cJSON_AddItemToArray(arr, h);
    }
    return arr;
}
