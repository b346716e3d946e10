#include "taf/econ.h"

#include <string.h>

double taf_chinchilla_tokens(double N_params, double ratio) { return ratio * N_params; }
double taf_chinchilla_N(double D_tokens, double ratio) { return D_tokens / ratio; }
double taf_training_flops(double N_params, double D_tokens) { return 6 * N_params * D_tokens; }

taf_mem16 taf_training_memory_16N(double N_params)
{
    taf_mem16 m;
    m.bytes = 16 * N_params;
    m.GB = m.bytes / 1e9;
    return m;
}

const char *taf_emergent_threshold(double N)
{
    if (N >= 1e11) return "above 100B — strong reasoning capabilities expected";
    if (N >= 1e10) return "above 10B — most emergent capabilities present";
    if (N >= 1e9) return "above 1B — basic instruction-following, not strong reasoning";
    if (N >= 1e8) return "above 100M — useful for narrow tasks, no emergence";
    return "below 100M — domain-specific tasks only";
}

const char *taf_emergent_tier(double N)
{
    if (N >= 1e11) return "100b";
    if (N >= 1e10) return "10b";
    if (N >= 1e9) return "1b";
    if (N >= 1e8) return "100m";
    return "sub100m";
}

taf_kv taf_kv_cache_memory(long long n_layers, long long n_kv_heads,
                           long long d_head, long long seq_len,
                           double bytes_per_element)
{
    /* The reference multiplies Python ints exactly, then converts once. */
    long long p;
    double counts;
    if (__builtin_mul_overflow(2LL, n_layers, &p) ||
        __builtin_mul_overflow(p, n_kv_heads, &p) ||
        __builtin_mul_overflow(p, d_head, &p) ||
        __builtin_mul_overflow(p, seq_len, &p))
        counts = 2.0 * (double)n_layers * (double)n_kv_heads * (double)d_head *
                 (double)seq_len;
    else
        counts = (double)p;
    taf_kv kv;
    kv.bytes = counts * bytes_per_element;
    kv.MB = kv.bytes / 1e6;
    kv.GB = kv.bytes / 1e9;
    return kv;
}

double taf_weights_GB(double N_params, double bytes_per_element)
{
    return N_params * bytes_per_element / 1e9;
}

double taf_decode_throughput(double N_params, double hbm_GB_per_s,
                             double bytes_per_element)
{
    return hbm_GB_per_s / (N_params * bytes_per_element / 1e9);
}

const taf_gpu TAF_GPUS[] = {
    {"H100 SXM", 989, 80, 3350, 2.5, 700},
    {"H100 PCIe", 756, 80, 2000, 2.0, 350},
    {"H200", 989, 141, 4800, 3.5, 700},
    {"B200", 2250, 192, 8000, 5.0, 1000},
    {"A100 80GB", 312, 80, 2000, 1.2, 400},
    {"A100 40GB", 312, 40, 1555, 1.0, 400},
    {"L40S", 362, 48, 864, 0.7, 350},
    {"MI300X", 1307, 192, 5300, 2.1, 750},
    {"RTX 4090", 165, 24, 1008, 0.4, 450},
    {"RTX 5090", 419, 32, 1792, 0.7, 575},
    {"RTX 5060Ti", 36, 16, 448, 0.0, 180},
};
const int TAF_N_GPUS = (int)(sizeof TAF_GPUS / sizeof TAF_GPUS[0]);

const taf_gpu *taf_gpu_find(const char *name)
{
    for (int i = 0; i < TAF_N_GPUS; i++)
        if (strcmp(TAF_GPUS[i].name, name) == 0)
            return &TAF_GPUS[i];
    return NULL;
}

taf_train_cost taf_cost_training_run(double N_params, double D_tokens,
                                     const taf_gpu *gpu, double n_gpus, double mfu)
{
    taf_train_cost c;
    c.total_FLOPs = taf_training_flops(N_params, D_tokens);
    double effective = gpu->flops * 1e12 * mfu * n_gpus;
    double seconds = c.total_FLOPs / effective;
    c.hours = seconds / 3600;
    c.USD = c.hours * gpu->usd_h * n_gpus;
    c.days = c.hours / 24;
    return c;
}

taf_infer_cost taf_cost_inference_token(double model_GB, const taf_gpu *gpu,
                                        double batch)
{
    taf_infer_cost c;
    c.tok_per_sec = gpu->bw_GB_s / model_GB * batch;
    double sec_per_Mtok = 1e6 / c.tok_per_sec;
    double h_per_Mtok = sec_per_Mtok / 3600;
    c.USD_per_Mtok = h_per_Mtok * gpu->usd_h;
    return c;
}

const taf_api TAF_APIS[] = {
    {"GPT-4o", 2.5, 10.0},
    {"GPT-4o-mini", 0.15, 0.60},
    {"Claude-Opus-4", 15.0, 75.0},
    {"Claude-Sonnet-4", 3.0, 15.0},
    {"Claude-Haiku-4", 0.80, 4.0},
    {"Gemini-1.5-Pro", 1.25, 5.0},
    {"DeepSeek-V3", 0.27, 1.10},
    {"Llama-3.3-70B (Together)", 0.88, 0.88},
};
const int TAF_N_APIS = (int)(sizeof TAF_APIS / sizeof TAF_APIS[0]);

const taf_api *taf_api_find(const char *name)
{
    for (int i = 0; i < TAF_N_APIS; i++)
        if (strcmp(TAF_APIS[i].name, name) == 0)
            return &TAF_APIS[i];
    return NULL;
}

const char TAF_BREAKEVEN_NEVER[] =
    "self-host more expensive than API per token; never breaks even";

bool taf_break_even(double training_cost, double self_per_Mtok,
                    double api_per_Mtok, taf_breakeven *out)
{
    double savings = api_per_Mtok - self_per_Mtok;
    if (savings <= 0)
        return false;
    out->savings_per_Mtok = savings;
    out->Mtok_breakeven = training_cost / savings;
    out->tokens_breakeven = out->Mtok_breakeven * 1e6;
    return true;
}
