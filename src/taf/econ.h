/* §17 pre-training viability, §19 inference economics, §20 hardware
 * catalog, §24 cost/ROI. Pure functions over plain numbers; catalogs are
 * constant tables in the reference's order (order reaches outputs). */
#ifndef TAF_ECON_H
#define TAF_ECON_H

#include <stdbool.h>

/* §17.30 D = ratio·N and its inverse. */
double taf_chinchilla_tokens(double N_params, double ratio);
double taf_chinchilla_N(double D_tokens, double ratio);
/* §17.10 C = 6·N·D. */
double taf_training_flops(double N_params, double D_tokens);
/* §17.20 16·N bytes. */
typedef struct { double bytes, GB; } taf_mem16;
taf_mem16 taf_training_memory_16N(double N_params);
/* §17.60 Wei 2022 tiers: text and the tier code ("100b", "10b", "1b",
 * "100m", "sub100m"). */
const char *taf_emergent_threshold(double N_params);
const char *taf_emergent_tier(double N_params);

/* §19.1 KV cache bytes = 2·L·n_kv·d_h·seq·B. The count product is exact
 * integer arithmetic as in the reference. */
typedef struct { double bytes, MB, GB; } taf_kv;
taf_kv taf_kv_cache_memory(long long n_layers, long long n_kv_heads,
                           long long d_head, long long seq_len,
                           double bytes_per_element);
/* weights only: N·B/1e9 GB. */
double taf_weights_GB(double N_params, double bytes_per_element);
/* §19.7 memory-bound decode tokens/s = HBM / model size. */
double taf_decode_throughput(double N_params, double hbm_GB_per_s,
                             double bytes_per_element);

/* §20 GPU catalog. */
typedef struct {
    const char *name;
    double flops;   /* dense bf16 TFLOP/s */
    double vram_GB;
    double bw_GB_s;
    double usd_h;   /* 0 for a local card: no hourly price */
    double tdp_W;
} taf_gpu;

extern const taf_gpu TAF_GPUS[];
extern const int TAF_N_GPUS;
const taf_gpu *taf_gpu_find(const char *name);

/* §20.11 training run cost. */
typedef struct { double total_FLOPs, hours, days, USD; } taf_train_cost;
taf_train_cost taf_cost_training_run(double N_params, double D_tokens,
                                     const taf_gpu *gpu, double n_gpus,
                                     double mfu);
/* §19.9/§20.12 self-inference $/Mtok at batch b. */
typedef struct { double tok_per_sec, USD_per_Mtok; } taf_infer_cost;
taf_infer_cost taf_cost_inference_token(double model_GB, const taf_gpu *gpu,
                                        double batch);

/* §24 API price list (USD per million tokens). */
typedef struct { const char *name; double input, output; } taf_api;
extern const taf_api TAF_APIS[];
extern const int TAF_N_APIS;
const taf_api *taf_api_find(const char *name);

/* §24.3 break-even; false when self-hosting is not cheaper per token. */
typedef struct { double savings_per_Mtok, Mtok_breakeven, tokens_breakeven; } taf_breakeven;
extern const char TAF_BREAKEVEN_NEVER[];
bool taf_break_even(double training_cost, double self_per_Mtok,
                    double api_per_Mtok, taf_breakeven *out);

#endif
