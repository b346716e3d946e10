#include "card/series.h"

#include <math.h>

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

cJSON *series_horizon(double theta, bool has_GQA, bool has_SWA, double n_params,
                      double T_train)
{
    double L[80];
    int n = length_grid(L, 80);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "L", num_array(L, n));
    cJSON *dh = cJSON_AddArrayToObject(o, "d_horizon");
    cJSON *ln = cJSON_AddArrayToObject(o, "L_NIAH");
    cJSON *ph = cJSON_AddArrayToObject(o, "P_hallucinate");
    for (int i = 0; i < n; i++) {
        double g = taf_gamma_decompose(taf_gamma_pade(theta, L[i]), has_GQA, has_SWA, n_params)
                       .gamma_corrected;
        double d, p;
        bool has = taf_d_horizon(theta, g, &d);
        cJSON_AddItemToArray(dh, has ? jnum(d) : cJSON_CreateNull());
        cJSON_AddItemToArray(ln, has ? jnum(2 * d) : cJSON_CreateNull());
        cJSON_AddItemToArray(ph, taf_p_hallucinate(L[i], theta, g, &p) ? jnum(p)
                                                                      : cJSON_CreateNull());
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
