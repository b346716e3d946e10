/* tafcard fit (one measurement) and tafcard calibrate (the panel refit). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calib/refit.h"
#include "card/fitjson.h"
#include "cli/cli.h"
#include "store/db.h"
#include "store/panel_files.h"
#include "util/jsonnum.h"
#include "util/nanjson.h"

static void fit_help(void)
{
    printf("usage: tafcard fit FILE [--T-train N] [--json]\n"
           "       tafcard fit --db DB --model ID --corpus text|random [--json]\n\n"
           "Fits one measurement of attention by distance: power law (γ, log A, R², standard\n"
           "error, 95%% CI from Student's t with n−2 degrees of freedom), exponential (λ, log A,\n"
           "R²), ΔR² and the preferred form, a two-regime power law, the grammar anomaly\n"
           "(KL against the fitted power law) and the thermodynamic profile at the fitted γ\n"
           "(N = 2000 and N = T_train). Fits use the file's distances_fit (else d ≥ 30);\n"
           "zero attention values are excluded and counted. With a stored upstream fit the\n"
           "output says whether it is reproduced.\n");
}

static void print_fit_text(const cJSON *f)
{
    const cJSON *pl = cJSON_GetObjectItem(f, "power_law"), *ex = cJSON_GetObjectItem(f, "exponential");
    char *a = cJSON_PrintUnformatted(pl), *b = cJSON_PrintUnformatted(ex);
    printf("power law:   %s\nexponential: %s\n", a, b);
    cJSON_free(a);
    cJSON_free(b);
    const char *keys[] = {"prefers", "two_regime", "kl_anomaly", "thermo", "upstream", "excluded"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const cJSON *v = cJSON_GetObjectItem(f, keys[i]);
        if (!v)
            continue;
        char *s = cJSON_PrintUnformatted(v);
        printf("%-12s %s\n", keys[i], s);
        cJSON_free(s);
    }
}

static cJSON *fit_points(const pf_point *p, size_t n, long long T_train, const pf_fit *up)
{
    double *d = calloc(n ? n : 1, sizeof *d), *m = calloc(n ? n : 1, sizeof *m);
    unsigned char *in = calloc(n ? n : 1, 1);
    bool has_set = false;
    for (size_t i = 0; i < n; i++) {
        d[i] = (double)p[i].distance;
        m[i] = p[i].mean;
        in[i] = p[i].in_fit == 1;
        has_set = has_set || p[i].in_fit >= 0;
    }
    cJSON *f = fit_json(d, m, has_set ? in : NULL, n, T_train, up, NULL);
    free(d);
    free(m);
    free(in);
    return f;
}

int cmd_fit(int argc, char **argv)
{
    const char *file = NULL, *db_path = NULL, *model = NULL, *corpus = NULL;
    long long T_train = 0;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fit_help();
            return TAF_EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            db_path = argv[++i];
        } else if (!strcmp(argv[i], "--model") && i + 1 < argc) {
            model = argv[++i];
        } else if (!strcmp(argv[i], "--corpus") && i + 1 < argc) {
            corpus = argv[++i];
        } else if (!strcmp(argv[i], "--T-train") && i + 1 < argc) {
            T_train = atoll(argv[++i]);
        } else if (argv[i][0] != '-' && !file) {
            file = argv[i];
        } else {
            fprintf(stderr, "tafcard: USAGE: unexpected argument '%s' (hint: tafcard help fit)\n",
                    argv[i]);
            return TAF_EXIT_INPUT;
        }
    }
    taf_err err = {0};
    cJSON *out = NULL;
    if (file) {
        size_t len;
        char *text = cli_read_file(file, &len, &err);
        if (!text)
            return cli_report(&err);
        int line = 0, col = 0;
        cJSON *root = nanjson_parse(text, len, NULL, &line, &col);
        free(text);
        if (!root) {
            taf_fail(&err, "BAD_JSON", "measurement files are JSON objects",
                     "%s: invalid JSON at line %d, column %d", file, line, col);
            return cli_report(&err);
        }
        char id[PF_ID_SIZE], corp[8];
        pf_measurement m;
        if (pf_classify(file, id, corp) != PF_MEASUREMENT) {
            const cJSON *mid = cJSON_GetObjectItem(root, "model");
            snprintf(id, sizeof id, "%s", cJSON_IsString(mid) ? mid->valuestring : "unknown");
            snprintf(corp, sizeof corp, "text");
        }
        bool ok = pf_read_measurement(root, file, id, corp, &m, &err);
        cJSON_Delete(root);
        if (!ok)
            return cli_report(&err);
        out = fit_points(m.points, m.n_points, T_train, m.fit_up.present ? &m.fit_up : NULL);
        if (m.partial)
            cJSON_AddTrueToObject(out, "partial");
        pf_measurement_free(&m);
    } else if (db_path && model && corpus) {
        sqlite3 *db = db_open_read(db_path, &err);
        if (!db)
            return cli_report(&err);
        taf_db_measurement *ms = NULL;
        size_t n = 0;
        taf_db_model dm;
        bool found = false;
        if (!db_list_measurements(db, model, &ms, &n, &err) ||
            !db_get_model(db, model, &dm, &found, &err)) {
            db_close(db);
            return cli_report(&err);
        }
        for (size_t i = 0; i < n && !out; i++) {
            if (strcmp(ms[i].corpus, corpus) != 0)
                continue;
            pf_point *p;
            size_t np;
            pf_fit up;
            bool has_up = false;
            if (db_measurement_points(db, ms[i].id, &p, &np, &err) &&
                db_upstream_fit(db, ms[i].id, &up, &has_up, &err)) {
                out = fit_points(p, np, found ? dm.spec.T_train : 0, has_up ? &up : NULL);
                if (ms[i].partial)
                    cJSON_AddTrueToObject(out, "partial");
                cJSON_AddStringToObject(out, "source", ms[i].source_file);
                db_points_free(p, np);
                if (has_up)
                    db_fit_free(&up);
            }
        }
        if (found)
            spec_free(&dm.spec);
        db_measurements_free(ms, n);
        db_close(db);
        if (!out) {
            if (!err.code[0])
                taf_fail(&err, "NOT_FOUND", "tafcard ingest lists what is stored",
                         "no %s measurement of '%s' in %s", corpus, model, db_path);
            return cli_report(&err);
        }
    } else {
        fprintf(stderr, "tafcard: USAGE: give a FILE or --db DB --model ID --corpus C "
                        "(hint: tafcard help fit)\n");
        return TAF_EXIT_INPUT;
    }
    if (json)
        cli_print_json(out, false);
    else
        print_fit_text(out);
    cJSON_Delete(out);
    return TAF_EXIT_OK;
}

/* ---- calibrate ------------------------------------------------------------- */

/* Fits computed along the way, stored by calibrate: [{measurement, fit}]. */
static bool load_refit_models(sqlite3 *db, refit_model **out, size_t *n_out, taf_db_model **models,
                              size_t *n_models, cJSON *fits, taf_err *err)
{
    if (!db_list_models(db, models, n_models, err))
        return false;
    refit_model *rm = calloc(*n_models ? *n_models : 1, sizeof *rm);
    for (size_t i = 0; i < *n_models; i++) {
        const taf_model_spec *s = &(*models)[i].spec;
        rm[i].id = s->id;
        rm[i].has_theta = s->has_theta;
        rm[i].theta = s->theta;
        rm[i].n_params = s->n_params;
        rm[i].has_GQA = s->n_kv_heads > 0 && s->n_kv_heads < s->n_attention_heads;
        rm[i].is_instruct = s->is_instruct;
        rm[i].gamma_text = rm[i].gamma_random = NAN;
        taf_db_measurement *ms;
        size_t nm;
        if (!db_list_measurements(db, s->id, &ms, &nm, err)) {
            free(rm);
            return false;
        }
        for (size_t k = 0; k < nm; k++) {
            pf_point *p;
            size_t np;
            if (!db_measurement_points(db, ms[k].id, &p, &np, err)) {
                db_measurements_free(ms, nm);
                free(rm);
                return false;
            }
            cJSON *f = fit_points(p, np, s->T_train, NULL);
            double g;
            if (jget_double(cJSON_GetObjectItem(cJSON_GetObjectItem(f, "power_law"), "gamma"), &g)) {
                if (strcmp(ms[k].corpus, "text") == 0)
                    rm[i].gamma_text = g;
                else
                    rm[i].gamma_random = g;
            }
            cJSON *e = cJSON_CreateObject();
            cJSON_AddItemToObject(e, "measurement", jint(ms[k].id));
            cJSON_AddStringToObject(e, "source", ms[k].source_file);
            cJSON_AddItemToObject(e, "fit", f);
            cJSON_AddItemToArray(fits, e);
            db_points_free(p, np);
        }
        db_measurements_free(ms, nm);
    }
    *out = rm;
    *n_out = *n_models;
    return true;
}

/* Compare our Padé rows with pade_validation.json's (matched by the short
 * model name the file uses). */
static cJSON *pade_agreement(sqlite3 *db, const cJSON *rows)
{
    cJSON *out = cJSON_CreateArray();
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, gamma_obs, gamma_pade, err_pade_pct, gamma_lin, "
                           "err_lin_pct, gamma_exp, err_exp_pct FROM pade_validation "
                           "ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        return out;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const cJSON *mine = NULL;
        for (const cJSON *r = rows->child; r && !mine; r = r->next) {
            const char *id = cJSON_GetObjectItem(r, "id")->valuestring;
            const char *slash = strrchr(id, '/');
            if (strcmp(slash ? slash + 1 : id, name) == 0)
                mine = r;
        }
        cJSON *e = cJSON_CreateObject();
        jadd_str(e, "name", name);
        if (!mine) {
            jadd_str(e, "status", "not in this panel's measured RoPE models");
        } else {
            static const char *const keys[] = {"gamma_obs", "gamma_pade", "err_pade_pct",
                                               "gamma_lin", "err_lin_pct", "gamma_exp",
                                               "err_exp_pct"};
            double worst = 0;
            for (int k = 0; k < 7; k++) {
                double ref = sqlite3_column_double(st, k + 1), x = NAN;
                jget_double(cJSON_GetObjectItem(mine, keys[k]), &x);
                double rel = fabs(x - ref) / fmax(fabs(ref), 1e-300);
                worst = fmax(worst, rel);
            }
            jadd_num(e, "max_rel_diff", worst);
            jadd_str(e, "status", worst <= 1e-9 ? "agrees" : "differs");
        }
        cJSON_AddItemToArray(out, e);
    }
    sqlite3_finalize(st);
    return out;
}

/* Print s left-aligned in `width` columns (UTF-8 aware: printf pads bytes). */
static void put_col(const char *s, int width)
{
    int cols = 0;
    for (const char *p = s; *p; p++)
        cols += ((unsigned char)*p & 0xC0) != 0x80;
    fputs(s, stdout);
    for (; cols < width; cols++)
        putchar(' ');
}

static bool bind_exec(sqlite3 *db, sqlite3_stmt *st, taf_err *err)
{
    bool ok = sqlite3_step(st) == SQLITE_DONE;
    if (!ok)
        db_fail(db, "storing the calibration", err);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return ok;
}

/* Replace the stored calibration in one transaction (prepared statements
 * only); the inputs digest marks which ingest it belongs to. */
static bool store_calibration(const char *path, const cJSON *out, const cJSON *fits,
                              taf_err *err)
{
    sqlite3 *db = db_open_write(path, err);
    if (!db)
        return false;
    sqlite3_stmt *fit = NULL, *row = NULL, *meta = NULL;
    char digest[TAF_SHA256_HEX_SIZE];
    bool ok = db_exec(db, "BEGIN IMMEDIATE", err) && db_migrate(db, err) &&
              db_exec(db, "DELETE FROM calib_fits; DELETE FROM calib_refits; "
                          "DELETE FROM calib_meta;", err) &&
              db_inputs_digest(db, digest, err);
    if (ok && (sqlite3_prepare_v2(db, "INSERT INTO calib_fits(measurement, fit_json) VALUES (?, ?)",
                                  -1, &fit, NULL) != SQLITE_OK ||
               sqlite3_prepare_v2(db, "INSERT INTO calib_refits(position, name, row_json, "
                                      "models_json) VALUES (?, ?, ?, ?)", -1, &row, NULL) != SQLITE_OK ||
               sqlite3_prepare_v2(db, "INSERT INTO calib_meta(key, value) VALUES (?, ?)", -1,
                                  &meta, NULL) != SQLITE_OK))
        ok = db_fail(db, "preparing the calibration store", err);
    for (const cJSON *e = ok ? fits->child : NULL; e && ok; e = e->next) {
        double id = 0;
        jget_double(cJSON_GetObjectItem(e, "measurement"), &id);
        char *text = cJSON_PrintUnformatted(cJSON_GetObjectItem(e, "fit"));
        sqlite3_bind_int64(fit, 1, (sqlite3_int64)id);
        sqlite3_bind_text(fit, 2, text, -1, SQLITE_TRANSIENT);
        ok = bind_exec(db, fit, err);
        cJSON_free(text);
    }
    int pos = 0;
    for (const cJSON *r = ok ? cJSON_GetObjectItem(out, "refits")->child : NULL; r && ok;
         r = r->next) {
        char *text = cJSON_PrintUnformatted(r);
        char *models = cJSON_PrintUnformatted(cJSON_GetObjectItem(r, "models"));
        sqlite3_bind_int(row, 1, pos++);
        sqlite3_bind_text(row, 2, cJSON_GetObjectItem(r, "name")->valuestring, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(row, 3, text, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(row, 4, models, -1, SQLITE_TRANSIENT);
        ok = bind_exec(db, row, err);
        cJSON_free(text);
        cJSON_free(models);
    }
    if (ok) {
        char *pade = cJSON_PrintUnformatted(cJSON_GetObjectItem(out, "pade"));
        sqlite3_bind_text(meta, 1, "pade", -1, SQLITE_STATIC);
        sqlite3_bind_text(meta, 2, pade, -1, SQLITE_TRANSIENT);
        ok = bind_exec(db, meta, err);
        cJSON_free(pade);
        sqlite3_bind_text(meta, 1, "inputs", -1, SQLITE_STATIC);
        sqlite3_bind_text(meta, 2, digest, -1, SQLITE_TRANSIENT);
        ok = ok && bind_exec(db, meta, err);
    }
    sqlite3_finalize(fit);
    sqlite3_finalize(row);
    sqlite3_finalize(meta);
    ok = ok && db_exec(db, "COMMIT", err);
    if (!ok) {
        taf_err ignore;
        db_exec(db, "ROLLBACK", &ignore);
    }
    db_close(db);
    return ok;
}

int cmd_calibrate(int argc, char **argv)
{
    const char *db_path = "site-data/taf.db";
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: tafcard calibrate [--db PATH] [--json]\n\n"
                   "Refits the framework's constants on the ingested panel: Padé validation\n"
                   "(γ_Padé, 1 − z, e^−z against measured γ), imprint slope ν, δ_GQA, δ_post-IH,\n"
                   "δ_instruct, invariant K, Δγ by IH phase. Each row: published constant, refit,\n"
                   "n, 95%% CI, verdict (replicates / does not / insufficient data), and the\n"
                   "models that fed it.\n");
            return TAF_EXIT_OK;
        } else if (!strcmp(argv[i], "--json")) {
            json = true;
        } else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            db_path = argv[++i];
        } else {
            fprintf(stderr, "tafcard: USAGE: unexpected argument '%s' (hint: tafcard help calibrate)\n",
                    argv[i]);
            return TAF_EXIT_INPUT;
        }
    }
    taf_err err = {0};
    sqlite3 *db = db_open_read(db_path, &err);
    if (!db)
        return cli_report(&err);
    refit_model *rm = NULL;
    size_t n = 0, n_models = 0;
    taf_db_model *models = NULL;
    cJSON *fits = cJSON_CreateArray();
    if (!load_refit_models(db, &rm, &n, &models, &n_models, fits, &err)) {
        cJSON_Delete(fits);
        db_close(db);
        return cli_report(&err);
    }
    cJSON *out = refit_panel(rm, n);
    cJSON_AddItemToObject(cJSON_GetObjectItem(out, "pade"), "agreement_with_pade_validation_json",
                          pade_agreement(db, cJSON_GetObjectItem(cJSON_GetObjectItem(out, "pade"), "rows")));
    free(rm);
    db_models_free(models, n_models);
    db_close(db);
    bool stored = store_calibration(db_path, out, fits, &err);
    cJSON_Delete(fits);
    if (!stored) {
        cJSON_Delete(out);
        return cli_report(&err);
    }
    if (json) {
        cli_print_json(out, false);
    } else {
        put_col("constant", 26);
        put_col("published", 28);
        printf("%12s %4s  %-26s %s\n", "refit", "n", "95% CI", "verdict");
        for (const cJSON *r = cJSON_GetObjectItem(out, "refits")->child; r; r = r->next) {
            double v, lo, hi;
            char refit[32] = "—", ci[64] = "—";
            if (jget_double(cJSON_GetObjectItem(r, "refit"), &v))
                snprintf(refit, sizeof refit, "%.4g", v);
            if (jget_double(cJSON_GetObjectItem(r, "ci_lo"), &lo) &&
                jget_double(cJSON_GetObjectItem(r, "ci_hi"), &hi))
                snprintf(ci, sizeof ci, "[%.4g, %.4g]", lo, hi);
            double nn = 0;
            jget_double(cJSON_GetObjectItem(r, "n"), &nn);
            put_col(cJSON_GetObjectItem(r, "name")->valuestring, 26);
            put_col(cJSON_GetObjectItem(r, "published")->valuestring, 28);
            printf("%12s %4.0f  ", refit, nn);
            put_col(ci, 26);
            printf(" %s\n", cJSON_GetObjectItem(r, "verdict")->valuestring);
        }
        const cJSON *pade = cJSON_GetObjectItem(out, "pade");
        const cJSON *mae = cJSON_GetObjectItem(pade, "mae_pct");
        double a, b, c;
        if (jget_double(cJSON_GetObjectItem(mae, "pade"), &a) &&
            jget_double(cJSON_GetObjectItem(mae, "linear"), &b) &&
            jget_double(cJSON_GetObjectItem(mae, "exp"), &c))
            printf("\nPadé validation (T = 2000): MAE |err| %%: Padé %.3f, linear 1−z %.3f, "
                   "exponential e^−z %.3f (n = %d)\n",
                   a, b, c, cJSON_GetArraySize(cJSON_GetObjectItem(pade, "rows")));
        for (const cJSON *e = cJSON_GetObjectItem(pade, "agreement_with_pade_validation_json")->child; e; e = e->next)
            printf("pade_validation.json %-18s %s\n", cJSON_GetObjectItem(e, "name")->valuestring,
                   cJSON_GetObjectItem(e, "status")->valuestring);
    }
    cJSON_Delete(out);
    return TAF_EXIT_OK;
}
