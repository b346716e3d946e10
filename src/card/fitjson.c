#include "card/fitjson.h"

#include <math.h>

#include "util/jsonnum.h"

static void thermo_rows(cJSON *arr, double gamma, long long T_train)
{
    long long Ns[2] = {2000, T_train};
    for (int i = 0; i < 2; i++) {
        if (Ns[i] <= 0 || (i == 1 && Ns[1] == Ns[0]))
            continue;
        calib_thermo_profile t = calib_thermo(gamma, Ns[i]);
        if (t.status != CALIB_OK)
            continue;
        cJSON *r = cJSON_CreateObject();
        jadd_int(r, "N", Ns[i]);
        jadd_num(r, "gamma", t.gamma);
        jadd_num(r, "T_attn", t.T_attn);
        jadd_num(r, "Z", t.Z);
        jadd_num(r, "U", t.U);
        jadd_num(r, "S", t.S);
        jadd_num(r, "F", t.F);
        if (t.cv_defined) jadd_num(r, "Cv", t.Cv); else jadd_null(r, "Cv");
        if (t.chi_finite) jadd_num(r, "chi", t.chi); else jadd_null(r, "chi");
        jadd_int(r, "D90", t.D90);
        if (t.note)
            jadd_str(r, "note", t.note);
        cJSON_AddItemToArray(arr, r);
    }
}

cJSON *fit_json(const double *d, const double *m, const unsigned char *in_fit, size_t n,
                long long T_train, const pf_fit *up, calib_measure_fit *out)
{
    calib_measure_fit f;
    calib_fit_measurement(d, m, in_fit, n, &f);
    if (out)
        *out = f;
    cJSON *fj = cJSON_CreateObject();
    cJSON *pl = cJSON_AddObjectToObject(fj, "power_law");
    if (f.power.status == CALIB_OK) {
        jadd_num(pl, "gamma", f.power.gamma);
        jadd_num(pl, "log_A", f.power.log_A);
        jadd_num(pl, "R2", f.power.r2);
        jadd_num(pl, "R2_rounded6", f.power.r2_rounded6);
        if (f.power.has_ci) {
            jadd_num(pl, "se", f.power.se);
            jadd_num(pl, "ci_lo", f.power.ci_lo);
            jadd_num(pl, "ci_hi", f.power.ci_hi);
            jadd_str(pl, "ci_method", CALIB_CI_METHOD);
        } else {
            jadd_str(pl, "ci_method", f.power.ci_reason ? f.power.ci_reason : "no CI");
        }
        jadd_int(pl, "n_points", (long long)f.power.n_points);
    } else {
        jadd_str(pl, "reason", f.power.reason);
    }
    cJSON *ex = cJSON_AddObjectToObject(fj, "exponential");
    if (f.exp.status == CALIB_OK) {
        jadd_num(ex, "lambda", f.exp.lambda);
        jadd_num(ex, "log_A", f.exp.log_A);
        jadd_num(ex, "R2", f.exp.r2);
        jadd_num(ex, "R2_rounded6", f.exp.r2_rounded6);
        jadd_int(ex, "n_points", (long long)f.exp.n_points);
    } else {
        jadd_str(ex, "reason", f.exp.reason);
    }
    if (f.has_delta) {
        jadd_num(fj, "delta_R2", f.delta_r2);
        jadd_str(fj, "prefers", f.prefers);
    }
    cJSON *exc = cJSON_AddObjectToObject(fj, "excluded");
    jadd_int(exc, "nonpositive", (long long)f.n_excluded_nonpositive);
    jadd_int(exc, "nonfinite", (long long)f.n_excluded_nonfinite);

    calib_two_regime tr;
    cJSON *trj = cJSON_AddObjectToObject(fj, "two_regime");
    if (calib_fit_two_regime(d, m, NULL, n, &tr) == CALIB_OK) {
        jadd_num(trj, "gamma_short", tr.gamma_short);
        jadd_num(trj, "gamma_long", tr.gamma_long);
        jadd_num(trj, "split_d", tr.split_d);
        jadd_num(trj, "R2", tr.r2);
        jadd_int(trj, "n_points", (long long)tr.n_points);
    } else {
        jadd_str(trj, "reason", tr.reason);
    }
    cJSON *kl = cJSON_AddObjectToObject(fj, "kl_anomaly");
    calib_kl k;
    if (f.power.status == CALIB_OK &&
        calib_grammar_kl(d, m, n, f.power.gamma, f.power.log_A, &k) == CALIB_OK) {
        jadd_num(kl, "kl", k.kl);
        jadd_str(kl, "label", k.label);
    } else {
        jadd_str(kl, "reason", f.power.status == CALIB_OK ? k.reason : "no power-law fit");
    }
    cJSON *th = cJSON_AddArrayToObject(fj, "thermo");
    if (f.power.status == CALIB_OK)
        thermo_rows(th, f.power.gamma, T_train);
    if (up) {
        cJSON *u = cJSON_AddObjectToObject(fj, "upstream");
        jadd_num(u, "gamma", up->pl_gamma);
        jadd_num(u, "log_A", up->pl_log_A);
        jadd_num(u, "R2", up->pl_R2);
        jadd_num(u, "lambda", up->exp_lambda);
        jadd_num(u, "R2_exp", up->exp_R2);
        bool rep = f.power.status == CALIB_OK && f.exp.status == CALIB_OK &&
                   fabs(f.power.gamma - up->pl_gamma) <= 1e-9 * fabs(up->pl_gamma) &&
                   fabs(f.power.log_A - up->pl_log_A) <= 1e-9 * fabs(up->pl_log_A) &&
                   f.power.r2_rounded6 == up->pl_R2 &&
                   fabs(f.exp.lambda - up->exp_lambda) <= 1e-9 * fabs(up->exp_lambda) &&
                   f.exp.r2_rounded6 == up->exp_R2;
        jadd_bool(u, "reproduced", rep);
    }
    return fj;
}
