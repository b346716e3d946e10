/* X-5 Hardware selection for serving: which single GPU serves an N-param
 * model at context L for the given number of concurrent users, cheapest
 * per token? Weights (§19.X) + KV cache per request (§19.1) give the VRAM
 * needed; every catalog GPU (§20) that holds it is ranked by memory-bound
 * decode cost in USD per million tokens. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "recipes/chain.h"
#include "recipes/fmt.h"
#include "recipes/recipe.h"
#include "taf/econ.h"
#include "util/strfmt.h"

const arg_spec X5_SPEC[] = {
    {"N_params", ARG_NUM, RANGE_POS, true, NULL, "parameter count of the model to serve"},
    {"T_eval", ARG_INT, RANGE_POS, false, "4096", "context length per request in tokens"},
    {"n_layers", ARG_INT, RANGE_POS, false, "32", "number of layers"},
    {"n_kv_heads", ARG_INT, RANGE_POS, false, "8", "number of key/value heads"},
    {"d_head", ARG_INT, RANGE_POS, false, "128", "head dimension"},
    {"bytes_per_weight", ARG_NUM, RANGE_POS, false, "2.0",
     "bytes per weight and per KV element (BF16 = 2, INT8 = 1, INT4 = 0.5)"},
    {"target_tokens_per_day", ARG_NUM, RANGE_POS, false, "10000000.0",
     "tokens per day the deployment must generate"},
    {"concurrent_users", ARG_INT, RANGE_POS, false, "1", "requests served at once"},
};
const int X5_NSPEC = (int)(sizeof X5_SPEC / sizeof X5_SPEC[0]);

typedef struct {
    const taf_gpu *gpu;
    double tok_per_sec, tok_per_day, usd_per_day, usd_per_Mtok, users;
} candidate;

static bool fail_nonfinite(taf_err *err, const char *what)
{
    return taf_fail(err, "OUT_OF_RANGE",
                    "use N_params, bytes_per_weight, the KV shape and "
                    "target_tokens_per_day in a realistic range",
                    "X-5: %s is not a finite number for these inputs (overflow or underflow)",
                    what);
}

cJSON *X5_run(taf_args *a, taf_err *err)
{
    double N = args_num(a, "N_params");
    long long T_eval = args_int(a, "T_eval");
    long long n_layers = args_int(a, "n_layers");
    long long n_kv = args_int(a, "n_kv_heads");
    long long d_head = args_int(a, "d_head");
    double bpw = args_num(a, "bytes_per_weight");
    double target = args_num(a, "target_tokens_per_day");
    long long users = args_int(a, "concurrent_users");

    double w_GB = taf_weights_GB(N, bpw);
    taf_kv kv = taf_kv_cache_memory(n_layers, n_kv, d_head, T_eval, bpw);
    double total_GB = w_GB + kv.GB * (double)users;
    if (!isfinite(w_GB) || !(w_GB > 0)) {
        fail_nonfinite(err, "the weights' size or the decode rate (bandwidth / weights)");
        return NULL;
    }
    if (!isfinite(kv.bytes) || !isfinite(total_GB)) {
        fail_nonfinite(err, "the memory needed");
        return NULL;
    }

    /* catalog order, then a stable sort by $/Mtok (Python's sort is stable) */
    candidate cand[64];
    int nc = 0;
    for (int i = 0; i < TAF_N_GPUS && nc < 64; i++) {
        const taf_gpu *g = &TAF_GPUS[i];
        if (g->vram_GB < total_GB)
            continue;
        candidate c;
        c.gpu = g;
        c.tok_per_sec = g->bw_GB_s / w_GB;
        c.tok_per_day = c.tok_per_sec * 86400;
        c.users = c.tok_per_day / target;
        c.usd_per_day = g->usd_h * 24;
        /* tok_per_day > 0: bandwidth > 0 and finite weights */
        c.usd_per_Mtok = c.usd_per_day / (c.tok_per_day / 1e6);
        if (!isfinite(c.tok_per_sec) || !isfinite(c.tok_per_day) || !isfinite(c.users) ||
            !isfinite(c.usd_per_Mtok)) {
            fail_nonfinite(err, "a GPU's decode rate, cost or capacity");
            return NULL;
        }
        int j = nc++;
        while (j > 0 && cand[j - 1].usd_per_Mtok > c.usd_per_Mtok) {
            cand[j] = cand[j - 1];
            j--;
        }
        cand[j] = c;
    }

    nbuf b1, b2;
    cJSON *chain = cJSON_CreateArray(), *in, *res, *ip;
    char *txt;

    in = jobj();
    jadd_num(in, "N", N);
    jadd_num(in, "bytes", bpw);
    res = jobj();
    jadd_num(res, "GB", w_GB);
    txt = xasprintf("%s GB for weights", f_fixed(&b1, w_GB, 1));
    ip = jobj();
    jadd_str(ip, "gb", b1.s);
    chain_step(chain, 1, "§19.X", "Model weights memory", "N · bytes_per_weight", in, res, txt,
               NULL, "x5.i.weights", ip);
    free(txt);

    in = jobj();
    jadd_int(in, "n_layers", n_layers);
    jadd_int(in, "n_kv", n_kv);
    jadd_int(in, "d_head", d_head);
    jadd_int(in, "seq", T_eval);
    res = jobj();
    jadd_num(res, "bytes", kv.bytes);
    jadd_num(res, "MB", kv.MB);
    jadd_num(res, "GB", kv.GB);
    txt = xasprintf("%s GB per concurrent request", f_fixed(&b1, kv.GB, 2));
    ip = jobj();
    jadd_str(ip, "gb", b1.s);
    chain_step(chain, 2, "§19.1", "KV cache (per request)", "2·L·n_kv·d_h·seq·B", in, res, txt,
               NULL, "x5.i.kv", ip);
    free(txt);

    res = jobj();
    jadd_num(res, "GB", total_GB);
    txt = xasprintf("%s GB for %lld concurrent users", f_fixed(&b1, total_GB, 1), users);
    ip = jobj();
    jadd_str(ip, "gb", b1.s);
    jadd_int(ip, "n", users);
    chain_step(chain, 3, "§20.3", "Total GPU memory", "weights + KV·n_concurrent", jobj(), res,
               txt, NULL, "x5.i.total", ip);
    free(txt);

    in = jobj();
    jadd_num(in, "min_VRAM", total_GB);
    res = cJSON_CreateArray();
    for (int i = 0; i < nc && i < 5; i++) {
        cJSON *o = jobj();
        jadd_str(o, "gpu", cand[i].gpu->name);
        jadd_int(o, "vram_GB", (long long)cand[i].gpu->vram_GB);
        jadd_int(o, "bw_GB_s", (long long)cand[i].gpu->bw_GB_s);
        jadd_num(o, "tok_per_sec", cand[i].tok_per_sec);
        jadd_num(o, "tok_per_day", cand[i].tok_per_day);
        jadd_num(o, "USD_per_day", cand[i].usd_per_day);
        jadd_num(o, "USD_per_Mtok", cand[i].usd_per_Mtok);
        jadd_num(o, "users_supported", cand[i].users);
        cJSON_AddItemToArray(res, o);
    }
    char *name = xasprintf("Eligible GPUs (≥%sGB)", f_fixed(&b1, total_GB, 0));
    txt = xasprintf("%d GPUs fit; cheapest: %s", nc, nc ? cand[0].gpu->name : "NONE");
    ip = jobj();
    if (nc) {
        jadd_int(ip, "n", nc);
        jadd_str(ip, "gpu", cand[0].gpu->name);
    }
    chain_step(chain, 4, "§20", name, "filter + rank by $/Mtok", in, res, txt, NULL,
               nc ? "x5.i.fit" : "x5.i.fit_none", ip);
    free(name);
    free(txt);

    const char *verdict, *rc, *mc;
    char *reason, *mit;
    cJSON *rp = jobj(), *mp = jobj();
    if (nc == 0) {
        verdict = "NO";
        reason = xasprintf("No single GPU has ≥%s GB VRAM.", f_fixed(&b1, total_GB, 0));
        mit = xasprintf("Use tensor parallelism across multiple GPUs "
                        "(e.g. 2× H100 = 160GB), or quantize to INT8 (halves memory).");
        rc = "x5.r.no";
        jadd_str(rp, "gb", b1.s);
        mc = "x5.m.tp_or_quant";
    } else {
        const candidate *best = &cand[0];
        nbuf b3;
        verdict = "YES";
        reason = xasprintf("Best GPU: %s at $%s/Mtok. Supports %s× your daily target.",
                           best->gpu->name, f_fixed(&b1, best->usd_per_Mtok, 2),
                           f_fixed(&b2, best->users, 1));
        mit = xasprintf("Provision %s, expected %s tok/s decode.", best->gpu->name,
                        f_fixed(&b3, best->tok_per_sec, 0));
        rc = "x5.r.yes";
        jadd_str(rp, "gpu", best->gpu->name);
        jadd_str(rp, "usd", b1.s);
        jadd_str(rp, "x", b2.s);
        mc = "x5.m.provision";
        jadd_str(mp, "gpu", best->gpu->name);
        jadd_str(mp, "toks", b3.s);
    }

    cJSON *out = recipe_wrap("X-5", "Hardware selection for serving", args_echo(a, NULL), chain,
                             verdict, reason, mit, rc, rp, mc, mp);
    free(reason);
    free(mit);
    return out;
}
