/* X-3 Budget pre-flight: given a USD budget, what model can I train?
 * Affordable GPU-hours (§20.11) → effective FLOPs (§17.10) → the
 * Chinchilla-optimal N at D = 20N (§17.30) → its capability tier (§17.60)
 * and whether 16N bytes fit one GPU (§17.20).
 *
 * Beyond the reference: an unknown GPU is an input error, and so is a GPU
 * without an hourly price (a local card): the reference divides by zero. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipes/chain.h"
#include "recipes/fmt.h"
#include "recipes/recipe.h"
#include "taf/econ.h"
#include "util/strfmt.h"

const arg_spec X3_SPEC[] = {
    {"USD_budget", ARG_NUM, RANGE_NONNEG, false, "5000.0", "training budget in USD (>= 0)"},
    {"gpu", ARG_STR, RANGE_ANY, false, "\"H100 SXM\"",
     "GPU model from the §20 catalog (with an hourly price)"},
    {"mfu", ARG_NUM, RANGE_UNIT, false, "0.45", "model FLOPs utilisation in (0, 1]"},
    {"n_gpus", ARG_INT, RANGE_POS, false, "1", "number of GPUs rented (> 0)"},
};
const int X3_NSPEC = (int)(sizeof X3_SPEC / sizeof X3_SPEC[0]);

/* "A, B, C" of the catalog names (only priced ones when priced_only). */
static void gpu_names(char *buf, size_t sz, bool priced_only)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < TAF_N_GPUS && len < sz; i++) {
        if (priced_only && !(TAF_GPUS[i].usd_h > 0))
            continue;
        snprintf(buf + len, sz - len, "%s%s", len ? ", " : "", TAF_GPUS[i].name);
        len = strlen(buf);
    }
}

/* A Python int computed as math.ceil(x) of a finite x ≥ 0: exact digits
 * even beyond 64 bits (the double's value is an integer there). */
static cJSON *ceil_int_json(double c, char digits[512])
{
    py_fmt_fixed(c, 0, digits, 512);
    if (c < 9.2e18)
        return jint((long long)c);
    cJSON *n = cJSON_CreateRaw(digits);
    if (!n)
        abort();
    return n;
}

/* "above 100M — useful ..." → "above 100M" (Python: s.split('—')[0].strip()). */
static char *tier_label(const char *emerg)
{
    const char *dash = strstr(emerg, "—");
    size_t n = dash ? (size_t)(dash - emerg) : strlen(emerg);
    const char *s = emerg;
    while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n'))
        n--;
    return xasprintf("%.*s", (int)n, s);
}

cJSON *X3_run(taf_args *a, taf_err *err)
{
    double budget = args_num(a, "USD_budget");
    const char *gpu_name = args_str(a, "gpu");
    double mfu = args_num(a, "mfu");
    long long n_gpus = args_int(a, "n_gpus");
    char names[256], hint[400];

    const taf_gpu *gpu = taf_gpu_find(gpu_name);
    if (!gpu) {
        gpu_names(names, sizeof names, false);
        snprintf(hint, sizeof hint, "known GPUs: %s", names);
        taf_fail(err, "UNKNOWN_GPU", hint,
                 "X-3: argument 'gpu' is '%s', which is not in the GPU catalog", gpu_name);
        return NULL;
    }
    if (!(gpu->usd_h > 0)) {
        gpu_names(names, sizeof names, true);
        snprintf(hint, sizeof hint, "choose a GPU with an hourly price: %s", names);
        taf_fail(err, "NO_HOURLY_PRICE", hint,
                 "X-3: argument 'gpu' is '%s', a local card with no hourly price, so a USD "
                 "budget buys no defined number of GPU-hours",
                 gpu_name);
        return NULL;
    }

    double hours = budget / (gpu->usd_h * (double)n_gpus);
    double max_flops = gpu->flops * 1e12 * mfu * (double)n_gpus * hours * 3600;
    double N = sqrt(max_flops / 120);
    double D = 20 * N;
    taf_mem16 mem = taf_training_memory_16N(N);
    if (!isfinite(hours) || !isfinite(max_flops) || !isfinite(D) || !isfinite(mem.bytes)) {
        taf_fail(err, "OUT_OF_RANGE", "use a USD_budget in a realistic range",
                 "X-3: USD_budget=%.17g gives a compute budget that is not a finite number",
                 budget);
        return NULL;
    }
    const char *emerg = taf_emergent_threshold(N);
    const char *tier = taf_emergent_tier(N);
    bool fits = mem.GB <= gpu->vram_GB;
    long long vram = (long long)gpu->vram_GB; /* integral in the catalog */

    nbuf b1, b2;
    cJSON *chain = cJSON_CreateArray(), *in, *res, *ip;
    char *txt;

    in = jobj();
    jadd_num(in, "USD", budget);
    jadd_str(in, "gpu", gpu_name);
    jadd_int(in, "n_gpus", n_gpus);
    txt = xasprintf("%s GPU-hours total (%s days at full use)", f_fixed(&b1, hours, 0),
                    f_fixed(&b2, hours / 24, 1));
    ip = jobj();
    jadd_str(ip, "hours", b1.s);
    jadd_str(ip, "days", b2.s);
    chain_step(chain, 1, "§20.11", "Affordable GPU-hours", "USD / ($/h·n_gpus)", in,
               jnum(hours), txt, NULL, "x3.i.hours", ip);
    free(txt);

    in = jobj();
    jadd_int(in, "peak_TFLOPs", (long long)gpu->flops);
    jadd_num(in, "MFU", mfu);
    txt = xasprintf("%s effective FLOPs", f_exp(&b1, max_flops, 2));
    ip = jobj();
    jadd_str(ip, "flops", b1.s);
    chain_step(chain, 2, "§17.10", "Max training FLOPs", "peak·MFU·n_gpus·seconds", in,
               jnum(max_flops), txt, NULL, "x3.i.flops", ip);
    free(txt);

    in = jobj();
    jadd_num(in, "max_FLOPs", max_flops);
    txt = xasprintf("N ≈ %s params with D = %s tokens", f_exp(&b1, N, 2), f_exp(&b2, D, 2));
    ip = jobj();
    jadd_str(ip, "N", b1.s);
    jadd_str(ip, "D", b2.s);
    chain_step(chain, 3, "§17.30", "Chinchilla-optimal N", "N = √(C/120) at D=20N", in,
               jnum(N), txt, NULL, "x3.i.chinchilla", ip);
    free(txt);

    in = jobj();
    jadd_num(in, "N", N);
    char *code = xasprintf("x3.i.emerg_%s", tier);
    chain_step(chain, 4, "§17.60", "Emergence threshold", "Wei 2022 capability", in,
               cJSON_CreateString(emerg), emerg, NULL, code, NULL);
    free(code);

    in = jobj();
    jadd_num(in, "N", N);
    res = jobj();
    jadd_num(res, "bytes", mem.bytes);
    jadd_num(res, "GB", mem.GB);
    txt = xasprintf("%s GB needed; %s%lld GB VRAM", f_fixed(&b1, mem.GB, 1),
                    fits ? "fits in " : "EXCEEDS ", vram);
    ip = jobj();
    jadd_str(ip, "gb", b1.s);
    jadd_int(ip, "vram", vram);
    chain_step(chain, 5, "§17.20", "16N training memory", "model + grads + AdamW", in, res, txt,
               NULL, fits ? "x3.i.mem_fits" : "x3.i.mem_exceeds", ip);
    free(txt);

    const char *verdict, *mc;
    char *reason, *mit, *rc;
    cJSON *rp = jobj(), *mp = jobj();
    if (N < 1e8) {
        verdict = "TINY-MODEL";
        reason = xasprintf("Budget supports only ~%s params", f_exp(&b1, N, 0));
        mit = xasprintf("Use LoRA fine-tuning of larger pretrained model instead.");
        rc = xasprintf("x3.r.tiny");
        jadd_str(rp, "N", b1.s);
        mc = "x3.m.lora";
    } else if (!fits) {
        char digits[512];
        cJSON *n_json = ceil_int_json(ceil(mem.GB / gpu->vram_GB), digits);
        verdict = "MEMORY-LIMITED";
        reason = xasprintf("Chinchilla N (%s) doesn't fit one %s", f_exp(&b1, N, 1), gpu_name);
        mit = xasprintf("Use ZeRO-3 across multiple GPUs (need ≥%s× %s) OR train smaller N "
                        "undertrained.",
                        digits, gpu_name);
        rc = xasprintf("x3.r.memlimit");
        jadd_str(rp, "N", b1.s);
        jadd_str(rp, "gpu", gpu_name);
        mc = "x3.m.zero3";
        cJSON_AddItemToObject(mp, "n", n_json);
        jadd_str(mp, "gpu", gpu_name);
    } else {
        nbuf b3, b4;
        char *label = tier_label(emerg);
        verdict = "GO";
        reason = xasprintf("At $%s, train %s-param model on %s tokens in ~%s days. "
                           "Capability tier: %s.",
                           f_repr(&b1, budget), f_exp(&b2, N, 1), f_exp(&b3, D, 1),
                           f_fixed(&b4, hours / 24, 1), label);
        free(label);
        mit = xasprintf("None — proceed with Chinchilla-optimal recipe.");
        rc = xasprintf("x3.r.go_%s", tier);
        jadd_num(rp, "budget", budget);
        jadd_str(rp, "N", b2.s);
        jadd_str(rp, "D", b3.s);
        jadd_str(rp, "days", b4.s);
        mc = "x3.m.none";
    }

    cJSON *out = recipe_wrap("X-3", "Budget pre-flight", args_echo(a, NULL), chain, verdict,
                             reason, mit, rc, rp, mc, mp);
    free(reason);
    free(mit);
    free(rc);
    return out;
}
