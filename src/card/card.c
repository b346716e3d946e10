#include "card/card.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib/fits.h"
#include "calib/layerwise.h"
#include "card/fitjson.h"
#include "card/series.h"
#include "recipes/chain.h"
#include "recipes/formulas.h"
#include "recipes/profile.h"
#include "recipes/recipe.h"
#include "taf/diag.h"
#include "taf/gamma.h"
#include "util/jsonnum.h"
#include "util/sha256.h"
#include "version.h"

void card_slug(const char *id, char *out, size_t outsz)
{
    size_t n = 0;
    bool altered = strstr(id, "--") != NULL || id[0] == '.' || id[0] == '\0';
    for (const char *p = id; *p && n + 12 < outsz; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || (c == '.' && n > 0 && out[n - 1] != '.')) {
            out[n++] = (char)c;
        } else if (c == '/') {
            out[n++] = '-';
            out[n++] = '-';
        } else {
            out[n++] = '_';
            altered = true;
        }
        if (n > 100) {
            altered = true;
            break;
        }
    }
    out[n] = '\0';
    if (altered) {
        /* a short digest of the original id keeps altered slugs distinct */
        char hex[TAF_SHA256_HEX_SIZE];
        taf_sha256_hex(id, strlen(id), hex);
        snprintf(out + n, outsz - n, "%s%.8s", n ? "_" : "m_", hex);
    }
}

char *card_to_text(const cJSON *card)
{
    char *s = cJSON_Print(card);
    size_t n = strlen(s);
    char *t = malloc(n + 2);
    memcpy(t, s, n);
    t[n] = '\n';
    t[n + 1] = '\0';
    cJSON_free(s);
    return t;
}

static const char *family_of(const char *id)
{
    static const struct { const char *needle, *family; } F[] = {
        {"pythia", "Pythia"}, {"gpt2", "GPT-2"}, {"gpt-j", "GPT-J"}, {"SmolLM", "SmolLM"},
        {"Qwen", "Qwen"}, {"OLMo", "OLMo"}, {"bloom", "BLOOM"}, {"Cerebras", "Cerebras-GPT"},
        {"deepseek", "DeepSeek"}, {"gemma", "Gemma"}, {"Llama", "Llama"}, {"phi", "Phi"},
        {"Mistral", "Mistral"}, {"falcon", "Falcon"},
    };
    for (size_t i = 0; i < sizeof F / sizeof F[0]; i++)
        if (strstr(id, F[i].needle))
            return F[i].family;
    return "other";
}

static const char *verdict_class(const char *v)
{
    if (!v) return "na";
    if (strncmp(v, "YES", 3) == 0 || strcmp(v, "GO") == 0 || strcmp(v, "CLEAN") == 0 ||
        strcmp(v, "IN-BAND") == 0 || strncmp(v, "CONFIRMED", 9) == 0 ||
        strncmp(v, "USE SOFT DECAY", 14) == 0)
        return "yes";
    if (strncmp(v, "NO", 2) == 0 && strncmp(v, "NOT", 3) != 0)
        return "no";
    if (strcmp(v, "ERROR") == 0 || strcmp(v, "ANOMALY") == 0 || strcmp(v, "OUTLIER") == 0 ||
        strcmp(v, "OVER-IMPRINTED") == 0 || strcmp(v, "UNDER-IMPRINTED") == 0)
        return "no";
    if (strcmp(v, "DEGRADED") == 0 || strcmp(v, "MEMORY-LIMITED") == 0 ||
        strcmp(v, "TINY-MODEL") == 0 || strncmp(v, "USE ", 4) == 0)
        return "degraded";
    if (strcmp(v, "NOT APPLICABLE") == 0)
        return "na";
    return "info";
}

static cJSON *tile(const char *id, const char *variant, const cJSON *src)
{
    cJSON *t = jobj();
    jadd_str(t, "id", id);
    if (variant)
        jadd_str(t, "variant_label", variant);
    const char *keys[] = {"name", "verdict", "reason", "mitigation", "reason_code",
                          "mit_code"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(src, keys[i]);
        if (!v && strcmp(keys[i], "name") == 0)
            v = cJSON_GetObjectItemCaseSensitive(src, "recipe_name");
        cJSON_AddItemToObject(t, keys[i], v ? cJSON_Duplicate(v, true) : cJSON_CreateNull());
    }
    const cJSON *verdict = cJSON_GetObjectItemCaseSensitive(src, "verdict");
    jadd_str(t, "verdict_class", verdict_class(cJSON_IsString(verdict) ? verdict->valuestring : NULL));
    return t;
}

static cJSON *model_json(const taf_db_model *dm, const char *slug)
{
    const taf_model_spec *s = &dm->spec;
    cJSON *o = jobj();
    jadd_str(o, "id", s->id);
    jadd_str(o, "slug", slug);
    jadd_str(o, "family", family_of(s->id));
    if (s->has_theta)
        jadd_num(o, "theta", s->theta);
    else
        jadd_null(o, "theta");
    jadd_bool(o, "has_rope", s->has_theta);
    jadd_int(o, "T_train", s->T_train);
    jadd_int(o, "n_attention_heads", s->n_attention_heads);
    jadd_int(o, "n_kv_heads", s->n_kv_heads);
    jadd_int(o, "d_head", s->d_head);
    jadd_int(o, "n_layers", s->n_layers);
    jadd_num(o, "n_params", s->n_params);
    jadd_bool(o, "n_params_estimated", s->n_params_estimated);
    jadd_bool(o, "has_SWA", s->has_SWA);
    jadd_bool(o, "is_instruct", s->is_instruct);
    jadd_str(o, "attention_class", s->attention_class[0] ? s->attention_class : "UNKNOWN");
    jadd_str(o, "position_encoding", s->position_encoding[0] ? s->position_encoding : "unknown");
    if (s->moe_experts > 0) {
        jadd_int(o, "moe_experts", s->moe_experts);
        jadd_int(o, "moe_active_experts", s->moe_active_experts);
    }
    jadd_str(o, "origin", dm->origin);
    jadd_str(o, "source", s->source);
    return o;
}

static bool architecture_known(const taf_model_spec *s)
{
    return s->T_train > 0 && s->n_attention_heads > 0 && s->n_kv_heads > 0 && s->d_head > 0 &&
           s->n_layers > 0 && s->n_params > 0;
}

/* Fit one measurement; adds its row, notes, fits and thermo rows. Returns
 * the fitted power-law γ through *gamma (NAN when there is none). */
static void fit_measurement(const card_measurement *cm, const taf_model_spec *spec,
                            cJSON *rows, cJSON *notes, cJSON *fits, cJSON *thermo,
                            cJSON *decay_series, double *gamma, double *r2)
{
    size_t n = cm->n_points;
    double *d = calloc(n ? n : 1, sizeof *d), *m = calloc(n ? n : 1, sizeof *m);
    unsigned char *fit = calloc(n ? n : 1, 1);
    bool has_set = false;
    for (size_t i = 0; i < n; i++) {
        d[i] = (double)cm->points[i].distance;
        m[i] = cm->points[i].mean;
        fit[i] = cm->points[i].in_fit == 1;
        has_set = has_set || cm->points[i].in_fit >= 0;
    }
    calib_measure_fit f;
    const char *corpus = cm->m->corpus;
    cJSON_AddItemToObject(fits, corpus,
                          fit_json(d, m, has_set ? fit : NULL, n, spec->T_train, cm->upstream, &f));
    *gamma = f.power.status == CALIB_OK ? f.power.gamma : NAN;
    *r2 = f.power.status == CALIB_OK ? f.power.r2 : NAN;

    cJSON *row = jobj();
    jadd_str(row, "corpus", corpus);
    jadd_str(row, "status", cm->m->partial ? "partial" : "complete");
    if (f.power.status == CALIB_OK) {
        jadd_num(row, "gamma", f.power.gamma);
        jadd_num(row, "R2", f.power.r2);
        if (f.power.has_ci) {
            jadd_num(row, "ci_lo", f.power.ci_lo);
            jadd_num(row, "ci_hi", f.power.ci_hi);
        } else {
            jadd_null(row, "ci_lo");
            jadd_null(row, "ci_hi");
        }
    } else {
        jadd_null(row, "gamma");
        jadd_null(row, "R2");
        jadd_null(row, "ci_lo");
        jadd_null(row, "ci_hi");
    }
    if (f.exp.status == CALIB_OK) {
        jadd_num(row, "lambda", f.exp.lambda);
        jadd_num(row, "R2_exp", f.exp.r2);
    } else {
        jadd_null(row, "lambda");
        jadd_null(row, "R2_exp");
    }
    jadd_str(row, "prefers", f.prefers ? f.prefers : "—");
    jadd_int(row, "n_points", (long long)f.power.n_points);
    jadd_str(row, "source", cm->m->source_file);
    cJSON_AddItemToArray(rows, row);

    char note[512];
    if (cm->m->partial) {
        snprintf(note, sizeof note, "%s corpus: partial measurement (%zu distances), fitted on "
                 "the distances it has.", corpus, n);
        cJSON_AddItemToArray(notes, cJSON_CreateString(note));
    }
    if (f.n_excluded_nonpositive) {
        snprintf(note, sizeof note, "%s corpus: %zu zero or negative attention value(s) "
                 "excluded from the log fits.", corpus, f.n_excluded_nonpositive);
        cJSON_AddItemToArray(notes, cJSON_CreateString(note));
    }
    if (f.power.status != CALIB_OK) {
        snprintf(note, sizeof note, "%s corpus: no power-law fit (%s).", corpus,
                 f.power.reason ? f.power.reason : "insufficient data");
        cJSON_AddItemToArray(notes, cJSON_CreateString(note));
    }

    /* chart data: the points and the fitted curves */
    cJSON *sd = cJSON_AddObjectToObject(decay_series, corpus);
    cJSON *pd = cJSON_AddArrayToObject(sd, "d"), *pm = cJSON_AddArrayToObject(sd, "mean");
    cJSON *ps = cJSON_AddArrayToObject(sd, "std");
    double dmin = INFINITY, dmax = 0;
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(pd, jnum(d[i]));
        cJSON_AddItemToArray(pm, jnum(m[i]));
        cJSON_AddItemToArray(ps, jnum(cm->points[i].std));
        if (d[i] > 0) {
            dmin = fmin(dmin, d[i]);
            dmax = fmax(dmax, d[i]);
        }
    }
    if (f.power.status == CALIB_OK && dmax > dmin) {
        cJSON_AddItemToObject(sd, "fit", series_fit_curves(dmin, dmax, true, f.power.gamma,
                                                           f.power.log_A,
                                                           f.exp.status == CALIB_OK,
                                                           f.exp.lambda, f.exp.log_A));
        jadd_num(sd, "gamma", f.power.gamma);
        jadd_num(sd, "R2", f.power.r2);
        if (f.exp.status == CALIB_OK) {
            jadd_num(sd, "lambda", f.exp.lambda);
            jadd_num(sd, "R2_exp", f.exp.r2);
        }
    }

    const cJSON *th = cJSON_GetObjectItem(cJSON_GetObjectItem(fits, corpus), "thermo");
    for (const cJSON *r = th ? th->child : NULL; r; r = r->next) {
        cJSON *row = cJSON_Duplicate(r, true);
        cJSON_AddItemToObjectCS(row, "corpus", cJSON_CreateString(corpus));
        cJSON_AddItemToArray(thermo, row);
    }
    free(d);
    free(m);
    free(fit);
}

static cJSON *algebra_entry(const char *label, double gamma)
{
    cJSON *e = jobj();
    jadd_str(e, "label", label);
    jadd_num(e, "gamma", gamma);
    cJSON *args = jobj();
    jadd_num(args, "gamma", gamma);
    taf_err err;
    cJSON *r = formula_run("verify_algebraic_consistency", args, &err);
    cJSON_Delete(args);
    const cJSON *interp = r ? cJSON_GetObjectItem(r, "interpretation") : NULL;
    const cJSON *msg = r ? cJSON_GetObjectItem(r, "message") : NULL;
    jadd_str(e, "summary", cJSON_IsString(interp) ? interp->valuestring
                           : cJSON_IsString(msg) ? msg->valuestring : "not evaluated");
    cJSON *checks = cJSON_AddArrayToObject(e, "checks");
    const cJSON *cs = r ? cJSON_GetObjectItem(r, "checks") : NULL;
    for (const cJSON *c = cs ? cs->child : NULL; c; c = c->next) {
        cJSON *row = jobj();
        jadd_str(row, "id", c->string);
        cJSON_AddItemToObject(row, "claim", cJSON_Duplicate(cJSON_GetObjectItem(c, "claim"), true));
        cJSON_AddItemToObject(row, "value", cJSON_Duplicate(cJSON_GetObjectItem(c, "value"), true));
        const cJSON *ex = cJSON_GetObjectItem(c, "expected");
        if (!ex)
            ex = cJSON_GetObjectItem(c, "expected_formula");
        cJSON_AddItemToObject(row, "expected", cJSON_Duplicate(ex, true));
        cJSON_AddItemToObject(row, "passes", cJSON_Duplicate(cJSON_GetObjectItem(c, "passes"), true));
        cJSON_AddItemToArray(checks, row);
    }
    cJSON_AddItemToObject(e, "result", r ? r : cJSON_CreateNull());
    return e;
}

static void key_row(cJSON *rows, const char *label, const cJSON *value, const char *format,
                    const char *formula)
{
    cJSON *r = jobj();
    jadd_str(r, "label", label);
    cJSON_AddItemToObject(r, "value", value ? cJSON_Duplicate(value, true) : cJSON_CreateNull());
    jadd_str(r, "format", format);
    if (formula)
        jadd_str(r, "formula", formula);
    cJSON_AddItemToArray(rows, r);
}

static void chart_entry(cJSON *charts, const char *kind, const char *title, const char *missing)
{
    cJSON *c = jobj();
    jadd_str(c, "kind", kind);
    jadd_str(c, "title", title);
    if (missing) {
        jadd_str(c, "missing", missing);
    } else {
        char f[96];
        snprintf(f, sizeof f, "%s.svg", kind);
        jadd_str(c, "svg", f);
        snprintf(f, sizeof f, "%s.png", kind);
        jadd_str(c, "png", f);
    }
    cJSON_AddItemToArray(charts, c);
}

static cJSON *run_recipe_entry(cJSON *recipes, const char *rid, const char *variant,
                               const char *title, cJSON *args, cJSON *tiles)
{
    taf_err err = {0};
    cJSON *r = recipe_run(rid, args, &err);
    cJSON_Delete(args);
    cJSON *e = jobj();
    jadd_str(e, "id", rid);
    jadd_str(e, "variant", variant);
    jadd_str(e, "title", title);
    if (!r) {
        r = jobj();
        jadd_str(r, "verdict", "ERROR");
        jadd_str(r, "reason", err.message);
        jadd_str(r, "mitigation", err.hint);
        cJSON_AddItemToObject(r, "chain", cJSON_CreateArray());
    }
    cJSON_AddItemToObject(e, "result", r);
    cJSON_AddItemToArray(recipes, e);
    if (tiles)
        cJSON_AddItemToArray(tiles, tile(rid, variant, r));
    return r;
}

cJSON *card_build(const card_input *in, taf_err *err)
{
    const taf_model_spec *spec = &in->model->spec;
    char slug[160];
    card_slug(spec->id, slug, sizeof slug);
    cJSON *card = jobj();
    jadd_str(card, "schema", "tafcard.card/1");
    cJSON_AddItemToObject(card, "model", model_json(in->model, slug));

    bool arch = architecture_known(spec);
    cJSON *tiles = cJSON_CreateArray(), *recipes = cJSON_CreateArray();
    cJSON *profile = NULL, *full = jobj();
    if (arch) {
        cJSON *pargs = spec_recipe_args(spec);
        if (!spec->has_theta)
            jadd_null(pargs, "theta");
        profile = profile_run_full(pargs, full, err);
        cJSON_Delete(pargs);
        if (!profile) {
            cJSON_Delete(full);
            cJSON_Delete(card);
            cJSON_Delete(tiles);
            cJSON_Delete(recipes);
            return NULL;
        }
    }
    cJSON_AddItemToObject(card, "summary",
                          profile ? cJSON_DetachItemFromObject(profile, "model_summary") : jobj());
    cJSON *kn = profile ? cJSON_DetachItemFromObject(profile, "key_numbers") : jobj();
    cJSON_AddItemToObject(card, "key_numbers", kn);
    cJSON_AddItemToObject(card, "diagnostics",
                          profile ? cJSON_DetachItemFromObject(profile, "v04_diagnostics") : jobj());
    if (!arch)
        jadd_str(kn, "not_applicable",
                 "architecture unknown (no preset or config.json for this model): "
                 "recipes not evaluated");

    /* the profile's five recipes, then the measured ones */
    static const struct { const char *id, *title; } DEFAULTS[] = {
        {"X-2", "Long context (closed form)"}, {"X-19", "KV compression"},
        {"X-1", "Custom training vs API"}, {"X-3", "Budget pre-flight"},
        {"X-5", "Hardware selection"}};
    const cJSON *ptiles = profile ? cJSON_GetObjectItem(profile, "recipes") : NULL;
    for (size_t i = 0; ptiles && i < sizeof DEFAULTS / sizeof DEFAULTS[0]; i++) {
        const cJSON *t = cJSON_GetObjectItem(ptiles, DEFAULTS[i].id);
        cJSON_AddItemToArray(tiles, tile(DEFAULTS[i].id, NULL, t));
        cJSON *r = cJSON_DetachItemFromObject(full, DEFAULTS[i].id);
        if (r) {
            cJSON *e = jobj();
            jadd_str(e, "id", DEFAULTS[i].id);
            jadd_str(e, "variant", "profile");
            jadd_str(e, "title", DEFAULTS[i].title);
            cJSON_AddItemToObject(e, "result", r);
            cJSON_AddItemToArray(recipes, e);
        }
    }
    cJSON_Delete(full);

    /* measurements */
    cJSON *rows = cJSON_CreateArray(), *notes = cJSON_CreateArray(), *fits = jobj();
    cJSON *thermo = cJSON_CreateArray(), *series = jobj();
    cJSON *decay = jobj();
    double g_text = NAN, g_rand = NAN, r2_text = NAN, r2;
    for (size_t i = 0; i < in->n_meas; i++) {
        double g;
        fit_measurement(&in->meas[i], spec, rows, notes, fits, thermo, decay, &g, &r2);
        if (strcmp(in->meas[i].m->corpus, "text") == 0) {
            g_text = g;
            r2_text = r2;
        } else {
            g_rand = g;
        }
    }
    if (in->n_meas == 0)
        cJSON_AddItemToArray(notes, cJSON_CreateString(
                                        "No panel measurement for this model: every number "
                                        "on this card comes from the closed-form formulas."));

    if (arch && spec->has_theta) {
        cJSON *base = spec_recipe_args(spec);
        if (isfinite(g_text)) {
            cJSON *a = cJSON_Duplicate(base, true);
            /* evaluated at the training length, like the profile's closed form */
            if (!cJSON_GetObjectItem(a, "T_eval"))
                jadd_int(a, "T_eval", spec->T_train);
            jadd_num(a, "gamma_obs", g_text);
            run_recipe_entry(recipes, "X-2", "measured", "Long context (measured γ, PDI)", a,
                             tiles);
            a = jobj();
            jadd_num(a, "theta", spec->theta);
            jadd_int(a, "T_train", spec->T_train);
            jadd_num(a, "n_params", spec->n_params);
            jadd_num(a, "gamma_obs", g_text);
            run_recipe_entry(recipes, "X-22", "measured", "Compute-context invariant", a, tiles);
        }
        if (isfinite(g_rand)) {
            cJSON *a = cJSON_Duplicate(base, true);
            cJSON_DeleteItemFromObject(a, "has_SWA");
            jadd_num(a, "gamma_random_obs", g_rand);
            run_recipe_entry(recipes, "X-21", "measured", "Imprint purity", a, tiles);
        }
        cJSON_Delete(base);
    }
    if (arch && isfinite(g_text) && isfinite(g_rand)) {
        cJSON *a = jobj();
        jadd_num(a, "n_params", spec->n_params);
        jadd_num(a, "gamma_text", g_text);
        jadd_num(a, "gamma_random", g_rand);
        run_recipe_entry(recipes, "X-23", "measured", "IH-phase detector", a, tiles);
    }
    cJSON_AddItemToObject(card, "tiles", tiles);
    cJSON_AddItemToObject(card, "recipes", recipes);
    cJSON_AddItemToObject(card, "measured_rows", rows);
    cJSON_AddItemToObject(card, "measured_notes", notes);
    cJSON_AddItemToObject(card, "fits", fits);
    cJSON_AddItemToObject(card, "thermo_rows", thermo);

    /* §34 at γ_decomposed and at the measured γ */
    cJSON *algebra = cJSON_CreateArray();
    const cJSON *gd = cJSON_GetObjectItem(kn, "gamma_decomposed");
    double x;
    if (gd && jget_double(gd, &x))
        cJSON_AddItemToArray(algebra, algebra_entry("γ_decomposed", x));
    if (isfinite(g_text))
        cJSON_AddItemToArray(algebra, algebra_entry("measured (text)", g_text));
    cJSON_AddItemToObject(card, "algebra", algebra);

    /* layer-wise */
    if (in->layerwise && in->layerwise->n_gammas > 0) {
        const pf_layerwise *lw = in->layerwise;
        size_t n = lw->n_gammas;
        double *layer = calloc(n, sizeof *layer), *g = calloc(n, sizeof *g);
        cJSON *lj = jobj(), *arr = cJSON_AddArrayToObject(lj, "layers");
        for (size_t i = 0; i < n; i++) {
            layer[i] = (double)lw->gammas[i].layer;
            /* refit γ per layer from its attention by distance */
            size_t np = 0;
            double dd[64], vv[64];
            unsigned char ff[64];
            bool set = false;
            for (size_t k = 0; k < lw->n_points && np < 64; k++)
                if (lw->points[k].layer == lw->gammas[i].layer) {
                    dd[np] = (double)lw->points[k].distance;
                    vv[np] = lw->points[k].value;
                    ff[np] = lw->points[k].in_fit == 1;
                    set = set || lw->points[k].in_fit >= 0;
                    np++;
                }
            calib_powerlaw pl;
            bool ok = np >= 2 && calib_fit_power_law(dd, vv, set ? ff : NULL, np, &pl) == CALIB_OK;
            g[i] = ok ? pl.gamma : NAN;
            cJSON *e = jobj();
            jadd_int(e, "layer", lw->gammas[i].layer);
            jadd_num(e, "gamma_refit", g[i]);
            jadd_num(e, "gamma_stored", lw->gammas[i].gamma);
            jadd_str(e, "type", lw->gammas[i].type);
            cJSON_AddItemToArray(arr, e);
        }
        calib_layerwise fitres;
        calib_layerwise_fit(layer, g, n, &fitres);
        cJSON *forms = cJSON_AddArrayToObject(lj, "forms");
        for (int k = 0; k < CALIB_N_FORMS; k++) {
            const calib_layer_form *fm = &fitres.form[k];
            cJSON *e = jobj();
            jadd_str(e, "name", fm->name);
            jadd_str(e, "formula", fm->formula);
            if (fm->status == CALIB_OK && fm->r2_defined) {
                jadd_num(e, "R2", fm->r2);
                jadd_num(e, "a", fm->a);
                jadd_num(e, "b", fm->b);
                if (k == CALIB_FORM_PIECEWISE_EXP) {
                    jadd_num(e, "a2", fm->a2);
                    jadd_num(e, "b2", fm->b2);
                    jadd_num(e, "split_layer", fm->split_layer);
                }
            } else {
                jadd_str(e, "reason", fm->reason ? fm->reason : "not fitted");
            }
            cJSON_AddItemToArray(forms, e);
        }
        if (fitres.best_name)
            jadd_str(lj, "best_form", fitres.best_name);
        /* chart data: per-layer γ and the best form evaluated at each layer */
        cJSON *ls = cJSON_AddObjectToObject(lj, "series");
        cJSON *sl = cJSON_AddArrayToObject(ls, "layer"), *sg = cJSON_AddArrayToObject(ls, "gamma_refit");
        cJSON *ss = cJSON_AddArrayToObject(ls, "gamma_stored"), *sc = cJSON_AddArrayToObject(ls, "best_curve");
        for (size_t i = 0; i < n; i++) {
            cJSON_AddItemToArray(sl, jnum(layer[i]));
            cJSON_AddItemToArray(sg, jnum(g[i]));
            cJSON_AddItemToArray(ss, jnum(lw->gammas[i].gamma));
            double y = NAN;
            if (fitres.best >= 0) {
                const calib_layer_form *fm = &fitres.form[fitres.best];
                double l = layer[i];
                switch (fm->id) {
                case CALIB_FORM_LINEAR: y = fm->a + fm->b * l; break;
                case CALIB_FORM_POWER: y = fm->a * pow(l + 1, fm->b); break;
                case CALIB_FORM_EXP: y = fm->a * exp(fm->b * l); break;
                case CALIB_FORM_PIECEWISE_EXP:
                    y = l < fm->split_layer ? fm->a * exp(fm->b * (l + 1))
                                            : fm->a2 * exp(fm->b2 * (l + 1));
                    break;
                default: break;
                }
            }
            cJSON_AddItemToArray(sc, jnum(y));
        }
        jadd_int(lj, "layers_skipped", (long long)fitres.n_skipped);
        jadd_str(lj, "source", in->layerwise_source ? in->layerwise_source : "");
        cJSON_AddItemToObject(card, "layerwise", lj);
        free(layer);
        free(g);
    } else {
        jadd_null(card, "layerwise");
    }

    cJSON_AddItemToObject(card, "falsification",
                          profile ? cJSON_DetachItemFromObject(profile, "falsification_status")
                                  : cJSON_CreateArray());

    /* key rows for people (value + the formula it came from) */
    cJSON *krows = cJSON_CreateArray();
    key_row(krows, "γ_Padé (T_eval)", cJSON_GetObjectItem(kn, "gamma_pade"), "f4",
            "γ = (2θ − T√2)/(2θ + T√2)");
    key_row(krows, "γ decomposed", cJSON_GetObjectItem(kn, "gamma_decomposed"), "f4",
            "γ + δ_GQA + δ_SWA + δ_post-IH");
    if (isfinite(g_text)) {
        cJSON *v = jnum(g_text);
        key_row(krows, "γ measured (text corpus)", v, "f4", "least squares ln a = ln A − γ ln d");
        cJSON_Delete(v);
        v = jnum(r2_text);
        key_row(krows, "R² of that fit", v, "f4", NULL);
        cJSON_Delete(v);
    }
    if (isfinite(g_rand)) {
        cJSON *v = jnum(g_rand);
        key_row(krows, "γ measured (random tokens)", v, "f4", NULL);
        cJSON_Delete(v);
    }
    key_row(krows, "d_horizon", cJSON_GetObjectItem(kn, "d_horizon"), "thousands",
            "d_h = θ(1−γ)√2/(1+γ)");
    key_row(krows, "L_NIAH ceiling", cJSON_GetObjectItem(kn, "L_NIAH_ceiling"), "thousands",
            "2·d_horizon");
    key_row(krows, "χ susceptibility", cJSON_GetObjectItem(kn, "chi_susceptibility"), "g4",
            "χ = 1/|γ−1|");
    key_row(krows, "KV cache per request (GB)", cJSON_GetObjectItem(kn, "kv_memory_per_request_GB"),
            "f3", "2·L·n_kv·d_h·seq·2 bytes");
    key_row(krows, "γ random predicted", cJSON_GetObjectItem(kn, "gamma_random_predicted"), "f4",
            "γ_Padé + ν·log₁₀(P/14M)");
    key_row(krows, "compute invariant K", cJSON_GetObjectItem(kn, "compute_invariant_K"), "f2",
            "K = γ·ln(N²·20N)");
    cJSON_AddItemToObject(card, "key_rows", krows);

    /* chart series and the chart list */
    cJSON *charts = cJSON_CreateArray();
    if (decay->child) {
        cJSON_AddItemToObject(series, "attention_decay", decay);
        chart_entry(charts, "attention_decay", "Attention decay by distance", NULL);
    } else {
        cJSON_Delete(decay);
        chart_entry(charts, "attention_decay", "Attention decay by distance",
                    "no panel measurement for this model");
    }
    if (arch && spec->has_theta) {
        cJSON *ph = series_phase(spec->theta, (double)spec->T_train);
        if (isfinite(g_text)) {
            jadd_num(ph, "gamma_measured", g_text);
            jadd_num(ph, "T_measured", 2000);
        }
        cJSON_AddItemToObject(series, "phase", ph);
        chart_entry(charts, "phase", "Phase diagram: γ_Padé against context length", NULL);
        double g_op = NAN;
        jget_double(cJSON_GetObjectItem(kn, "gamma_decomposed"), &g_op);
        cJSON_AddItemToObject(series, "horizon",
                              series_horizon(spec->theta, g_op, isfinite(g_text), g_text,
                                             (double)spec->T_train));
        chart_entry(charts, "horizon", "Horizon, NIAH ceiling and hallucination risk", NULL);
    } else {
        const char *why = arch ? "not applicable (no RoPE)" : "architecture unknown";
        chart_entry(charts, "phase", "Phase diagram: γ_Padé against context length", why);
        chart_entry(charts, "horizon", "Horizon, NIAH ceiling and hallucination risk", why);
    }
    if (arch) {
        cJSON_AddItemToObject(series, "memory",
                              series_memory(spec->n_layers, spec->n_kv_heads, spec->d_head,
                                            spec->n_params, (double)spec->T_train));
        chart_entry(charts, "memory", "KV cache memory against context length", NULL);
        const cJSON *x5 = NULL;
        for (const cJSON *e = recipes->child; e; e = e->next)
            if (strcmp(cJSON_GetObjectItem(e, "id")->valuestring, "X-5") == 0)
                x5 = cJSON_GetObjectItem(e, "result");
        const cJSON *step4 = x5 ? cJSON_GetArrayItem(cJSON_GetObjectItem(x5, "chain"), 3) : NULL;
        const cJSON *cands = step4 ? cJSON_GetObjectItem(step4, "result") : NULL;
        chart_entry(charts, "serving", "Serving cost by GPU (X-5)",
                    cJSON_GetArraySize(cands) > 0 ? NULL
                                                  : "no single catalog GPU has enough memory");
    } else {
        chart_entry(charts, "memory", "KV cache memory against context length",
                    "architecture unknown");
        chart_entry(charts, "serving", "Serving cost by GPU (X-5)", "architecture unknown");
    }
    if (in->layerwise && in->layerwise->n_gammas > 0)
        chart_entry(charts, "layerwise", "Layer-wise γ with the best fitted form", NULL);
    else
        chart_entry(charts, "layerwise", "Layer-wise γ with the best fitted form",
                    "no layer-wise measurement for this model");
    cJSON_AddItemToObject(card, "series", series);
    cJSON_AddItemToObject(card, "charts", charts);

    /* provenance */
    cJSON *prov = jobj();
    jadd_str(prov, "tool_version", TAFCARD_VERSION);
    jadd_str(prov, "formula_version", TAF_FORMULA_VERSION);
    cJSON *specj = spec_to_json(spec);
    char *spec_text = cJSON_PrintUnformatted(specj);
    char hex[TAF_SHA256_HEX_SIZE];
    taf_sha256_hex(spec_text, strlen(spec_text), hex);
    jadd_str(prov, "spec_sha256", hex);
    cJSON_free(spec_text);
    cJSON_Delete(specj);
    cJSON *srcs = cJSON_AddArrayToObject(prov, "sources");
    if (in->model->source_file[0]) {
        cJSON *s = jobj();
        jadd_str(s, "path", in->model->source_file);
        jadd_str(s, "sha256", in->spec_source_sha256 ? in->spec_source_sha256 : "");
        cJSON_AddItemToArray(srcs, s);
    }
    for (size_t i = 0; i < in->n_meas; i++) {
        cJSON *s = jobj();
        jadd_str(s, "path", in->meas[i].m->source_file);
        jadd_str(s, "sha256", in->meas[i].m->sha256);
        cJSON_AddItemToArray(srcs, s);
    }
    if (in->layerwise_source) {
        cJSON *s = jobj();
        jadd_str(s, "path", in->layerwise_source);
        jadd_str(s, "sha256", in->layerwise_sha256 ? in->layerwise_sha256 : "");
        cJSON_AddItemToArray(srcs, s);
    }
    cJSON *b = cJSON_AddObjectToObject(prov, "build");
    if (in->build_date)
        jadd_str(b, "date", in->build_date);
    else
        jadd_null(b, "date");
    jadd_str(b, "profile_defaults", "upstream: H100 SXM, mfu 0.45, GPT-4o, $5000, 10M tok/day");
    cJSON_AddItemToObject(card, "provenance", prov);
    cJSON_Delete(profile);
    return card;
}
