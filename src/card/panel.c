#include "card/panel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib/refit.h"
#include "render/binder.h"
#include "taf/gamma.h"
#include "util/jsonnum.h"

static bool num_at(const cJSON *root, const char *path, double *out)
{
    return jget_double(tpl_lookup(root, root, path), out);
}

bool panel_has_measurements(const cJSON *card)
{
    const cJSON *rows = cJSON_GetObjectItem(card, "measured_rows");
    return cJSON_IsArray(rows) && rows->child != NULL;
}

cJSON *panel_build(const cJSON *cards, const cJSON *stored)
{
    cJSON *p = cJSON_CreateObject(), *res = cJSON_CreateArray();
    int n_models = 0, n_meas = 0, n_pade = 0, n_dec = 0, in_pade = 0, in_dec = 0;
    double mae_pade = 0, mae_dec = 0;
    for (const cJSON *c = cards->child; c; c = c->next) {
        if (!panel_has_measurements(c))
            continue;
        n_models++;
        double g_text = NAN;
        for (const cJSON *r = cJSON_GetObjectItem(c, "measured_rows")->child; r; r = r->next) {
            n_meas++;
            const cJSON *corpus = cJSON_GetObjectItem(r, "corpus");
            double g;
            if (cJSON_IsString(corpus) && strcmp(corpus->valuestring, "text") == 0 &&
                jget_double(cJSON_GetObjectItem(r, "gamma"), &g))
                g_text = g;
        }
        /* predictions at the panel protocol's evaluation length (largest
         * measured distance), where the measured γ lives */
        double theta;
        if (!isfinite(g_text) || !num_at(c, "model.theta", &theta))
            continue;
        const cJSON *model = cJSON_GetObjectItem(c, "model");
        double np = 0, nkv = 0, nh = 0;
        num_at(c, "model.n_params", &np);
        num_at(c, "model.n_kv_heads", &nkv);
        num_at(c, "model.n_attention_heads", &nh);
        double gp = taf_gamma_pade(theta, REFIT_T_EVAL);
        double gd = taf_gamma_decompose(gp, nkv < nh, cJSON_IsTrue(cJSON_GetObjectItem(model, "has_SWA")),
                                        np).gamma_corrected;
        bool has_d = true;
        cJSON *row = cJSON_CreateObject();
        jadd_str(row, "id", cJSON_GetObjectItem(cJSON_GetObjectItem(c, "model"), "id")->valuestring);
        jadd_str(row, "slug", cJSON_GetObjectItem(cJSON_GetObjectItem(c, "model"), "slug")->valuestring);
        jadd_num(row, "gamma_text", g_text);
        jadd_num(row, "gamma_pade", gp);
        jadd_num(row, "res_pade", g_text - gp);
        n_pade++;
        mae_pade += fabs(g_text - gp);
        in_pade += fabs(g_text - gp) <= 0.18;
        if (has_d) {
            jadd_num(row, "gamma_decomposed", gd);
            jadd_num(row, "res_decomposed", g_text - gd);
            n_dec++;
            mae_dec += fabs(g_text - gd);
            in_dec += fabs(g_text - gd) <= 0.18;
        }
        cJSON_AddItemToArray(res, row);
    }
    /* the refit of the published constants over the same models */
    size_t nm = (size_t)cJSON_GetArraySize(cards), k = 0;
    refit_model *rm = calloc(nm ? nm : 1, sizeof *rm);
    for (const cJSON *c = cards->child; c; c = c->next) {
        if (!panel_has_measurements(c))
            continue;
        const cJSON *model = cJSON_GetObjectItem(c, "model");
        rm[k].id = cJSON_GetObjectItem(model, "id")->valuestring;
        rm[k].has_theta = num_at(c, "model.theta", &rm[k].theta);
        if (!num_at(c, "model.n_params", &rm[k].n_params))
            rm[k].n_params = 0;
        rm[k].has_GQA = cJSON_IsTrue(tpl_lookup(c, c, "summary.has_GQA"));
        rm[k].is_instruct = cJSON_IsTrue(cJSON_GetObjectItem(model, "is_instruct"));
        if (!num_at(c, "fits.text.power_law.gamma", &rm[k].gamma_text))
            rm[k].gamma_text = NAN;
        if (!num_at(c, "fits.random.power_law.gamma", &rm[k].gamma_random))
            rm[k].gamma_random = NAN;
        k++;
    }
    cJSON *refit = stored ? cJSON_Duplicate(stored, true) : refit_panel(rm, k);
    free(rm);
    jadd_str(p, "refit_source", stored ? "stored by tafcard calibrate" : "computed from the cards");
    cJSON_AddItemToObject(p, "refits", cJSON_DetachItemFromObject(refit, "refits"));
    cJSON_AddItemToObject(p, "pade", cJSON_DetachItemFromObject(refit, "pade"));
    cJSON_Delete(refit);
    jadd_int(p, "n_models", n_models);
    jadd_int(p, "n_measurements", n_meas);
    cJSON_AddItemToObject(p, "residuals", res);
    cJSON *s = cJSON_AddObjectToObject(p, "residual_summary");
    jadd_int(s, "n", n_pade);
    if (n_pade) {
        jadd_num(s, "mae_pade", mae_pade / n_pade);
        jadd_num(s, "share_within_018_pade", (double)in_pade / n_pade);
    }
    if (n_dec) {
        jadd_num(s, "mae_decomposed", mae_dec / n_dec);
        jadd_num(s, "share_within_018_decomposed", (double)in_dec / n_dec);
    }
    return p;
}
