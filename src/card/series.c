#include "card/series.h"

#include <math.h>
#include <stdio.h>

#include "taf/econ.h"
#include "taf/gamma.h"
#include "util/jsonnum.h"

/* Context lengths 64 … 4 Mi, four per octave, rounded to whole tokens. */
static int length_grid(double *out, int max)
{
    int n = 0;
    for (int k = 6; k <= 22 && n < max; k++)
        for (int q = 0; q < 4 && n < max; q++) {
            if (k == 22 && q > 0)
                break;
            out[n++] = nearbyint(ldexp(1.0, k) * pow(2.0, q / 4.0));
        }
    return n;
}

static cJSON *num_array(const double *x, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(a, jnum(x[i]));
    return a;
}

cJSON *series_phase(double theta, double T_train)
{
    double T[80], g[80];
    int n = length_grid(T, 80);
    for (int i = 0; i < n; i++)
        g[i] = taf_gamma_pade(theta, T[i]);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "T", num_array(T, n));
    cJSON_AddItemToObject(o, "gamma_pade", num_array(g, n));
    jadd_num(o, "T_train", T_train);
    jadd_num(o, "gamma_at_T_train", taf_gamma_pade(theta, T_train));
    jadd_num(o, "T_critical", 2 * theta / sqrt(2.0)); /* γ_Padé = 0 at T = θ√2 */
    cJSON *band = cJSON_AddObjectToObject(o, "band");
    jadd_num(band, "hagedorn_lo", 0.95);
    jadd_num(band, "hagedorn_hi", 1.0);
    return o;
}

static void horizon_arrays(cJSON *o, const char *suffix, double theta, double gamma,
                           const double *L, int n)
{
    char k1[40], k2[40], k3[40];
    snprintf(k1, sizeof k1, "d_horizon%s", suffix);
    snprintf(k2, sizeof k2, "L_NIAH%s", suffix);
    snprintf(k3, sizeof k3, "P_hallucinate%s", suffix);
    cJSON *dh = cJSON_AddArrayToObject(o, k1);
    cJSON *ln = cJSON_AddArrayToObject(o, k2);
    cJSON *ph = cJSON_AddArrayToObject(o, k3);
    double d, p;
    bool has = taf_d_horizon(theta, gamma, &d);
    for (int i = 0; i < n; i++) {
        cJSON_AddItemToArray(dh, has ? jnum(d) : cJSON_CreateNull());
        cJSON_AddItemToArray(ln, has ? jnum(2 * d) : cJSON_CreateNull());
        cJSON_AddItemToArray(ph, taf_p_hallucinate(L[i], theta, gamma, &p) ? jnum(p)
                                                                          : cJSON_CreateNull());
    }
}

cJSON *series_horizon(double theta, double gamma_op, bool has_measured, double gamma_measured,
                      double T_train)
{
    double L[80];
    int n = length_grid(L, 80);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "L", num_array(L, n));
    jadd_num(o, "gamma", gamma_op);
    horizon_arrays(o, "", theta, gamma_op, L, n);
    if (has_measured) {
        jadd_num(o, "gamma_measured", gamma_measured);
        horizon_arrays(o, "_measured", theta, gamma_measured, L, n);
    }
    jadd_num(o, "T_train", T_train);
    return o;
}

cJSON *series_memory(long long n_layers, long long n_kv_heads, long long d_head,
                     double n_params, double T_train)
{
    double L[80], gb[80];
    int n = length_grid(L, 80);
    for (int i = 0; i < n; i++)
        gb[i] = taf_kv_cache_memory(n_layers, n_kv_heads, d_head, (long long)L[i], 2.0).GB;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "L", num_array(L, n));
    cJSON_AddItemToObject(o, "kv_GB", num_array(gb, n));
    jadd_num(o, "weights_GB", taf_weights_GB(n_params, 2.0));
    jadd_num(o, "T_train", T_train);
    cJSON *gpus = cJSON_AddArrayToObject(o, "gpus");
    for (int i = 0; i < TAF_N_GPUS; i++) {
        cJSON *g = cJSON_CreateObject();
        jadd_str(g, "name", TAF_GPUS[i].name);
        jadd_num(g, "vram_GB", TAF_GPUS[i].vram_GB);
        cJSON_AddItemToArray(gpus, g);
    }
    return o;
}

cJSON *series_fit_curves(double d_min, double d_max, bool has_power, double gamma,
                         double log_A_power, bool has_exp, double lambda, double log_A_exp)
{
    enum { N = 48 };
    double d[N], p[N], e[N];
    double a = log(d_min), b = log(d_max);
    for (int i = 0; i < N; i++) {
        d[i] = exp(a + (b - a) * i / (N - 1));
        p[i] = exp(log_A_power - gamma * log(d[i]));
        e[i] = exp(log_A_exp - lambda * d[i]);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "d", num_array(d, N));
    if (has_power)
        cJSON_AddItemToObject(o, "power_law", num_array(p, N));
    if (has_exp)
        cJSON_AddItemToObject(o, "exponential", num_array(e, N));
    return o;
}
