/* X-1 Custom training vs API: train a Chinchilla-optimal model and serve it
 * ourselves, or keep paying an API? Training cost (§20.11), self-hosted
 * decode cost (§19.9/§20.12), the API's blended price (§24) and the
 * break-even volume (§24.3) decide it.
 *
 * Beyond the reference: an unknown GPU or an API model with no known price
 * is an input error (the reference crashes on the first and silently
 * prices the second at 2.0/8.0 USD per Mtok); explicit prices
 * (api_input_usd_per_Mtok + api_output_usd_per_Mtok) price any model. */
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

const arg_spec X1_SPEC[] = {
    {"N_params", ARG_NUM, RANGE_POS, true, NULL, "parameter count of the model to train (e.g. 7e9)"},
    {"D_tokens", ARG_NUM, RANGE_POS, false, NULL,
     "training tokens (default: Chinchilla-optimal 20·N_params)"},
    {"gpu", ARG_STR, RANGE_ANY, false, "\"H100 SXM\"", "GPU model from the §20 catalog"},
    {"n_gpus", ARG_INT, RANGE_POS, false, "8", "number of GPUs used for training (> 0)"},
    {"mfu", ARG_NUM, RANGE_UNIT, false, "0.45", "model FLOPs utilisation in (0, 1]"},
    {"api_model", ARG_STR, RANGE_ANY, false, "\"GPT-4o\"", "API model from the §24 price list"},
    {"monthly_tokens_M", ARG_NUM, RANGE_POS, false, "10.0",
     "expected volume in millions of tokens per month (> 0)"},
    {"api_input_usd_per_Mtok", ARG_NUM, RANGE_POS, false, NULL,
     "API input price in USD per million tokens (with api_output_usd_per_Mtok: "
     "prices a model that is not in the catalog)"},
    {"api_output_usd_per_Mtok", ARG_NUM, RANGE_POS, false, NULL,
     "API output price in USD per million tokens (with api_input_usd_per_Mtok: "
     "prices a model that is not in the catalog)"},
};
const int X1_NSPEC = (int)(sizeof X1_SPEC / sizeof X1_SPEC[0]);

/* "A, B, C" of the catalog names into buf. */
static void gpu_names(char *buf, size_t sz)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < TAF_N_GPUS && len < sz; i++) {
        snprintf(buf + len, sz - len, "%s%s", i ? ", " : "", TAF_GPUS[i].name);
        len = strlen(buf);
    }
}

static void api_names(char *buf, size_t sz)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < TAF_N_APIS && len < sz; i++) {
        snprintf(buf + len, sz - len, "%s%s", i ? ", " : "", TAF_APIS[i].name);
        len = strlen(buf);
    }
}

typedef struct { const char *name; double v; } named_value;

/* false + OUT_OF_RANGE naming the first non-finite value. */
static bool all_finite(const named_value *v, int n, taf_err *err)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(v[i].v))
            return taf_fail(err, "OUT_OF_RANGE",
                            "use N_params, D_tokens, mfu and monthly_tokens_M in a "
                            "realistic range",
                            "X-1: %s is not a finite number for these inputs "
                            "(overflow or underflow)", v[i].name);
    return true;
}

cJSON *X1_run(taf_args *a, taf_err *err)
{
    double N = args_num(a, "N_params");
    if (!args_has(a, "D_tokens"))
        args_set_num(a, "D_tokens", taf_chinchilla_tokens(N, 20.0));
    double D = args_num(a, "D_tokens");
    const char *gpu_name = args_str(a, "gpu");
    long long n_gpus = args_int(a, "n_gpus");
    double mfu = args_num(a, "mfu");
    const char *api_model = args_str(a, "api_model");
    double monthly = args_num(a, "monthly_tokens_M");
    bool has_in = args_has(a, "api_input_usd_per_Mtok");
    bool has_out = args_has(a, "api_output_usd_per_Mtok");
    char names[256];

    const taf_gpu *gpu = taf_gpu_find(gpu_name);
    if (!gpu) {
        gpu_names(names, sizeof names);
        char hint[400];
        snprintf(hint, sizeof hint, "known GPUs: %s", names);
        taf_fail(err, "UNKNOWN_GPU", hint,
                 "X-1: argument 'gpu' is '%s', which is not in the GPU catalog", gpu_name);
        return NULL;
    }
    if (has_in != has_out) {
        taf_fail(err, "MISSING_ARGUMENT",
                 "give both api_input_usd_per_Mtok and api_output_usd_per_Mtok, "
                 "or neither (catalog prices)",
                 "X-1: argument '%s' given without '%s'",
                 has_in ? "api_input_usd_per_Mtok" : "api_output_usd_per_Mtok",
                 has_in ? "api_output_usd_per_Mtok" : "api_input_usd_per_Mtok");
        return NULL;
    }
    double price_in, price_out;
    if (has_in) {
        price_in = args_num(a, "api_input_usd_per_Mtok");
        price_out = args_num(a, "api_output_usd_per_Mtok");
    } else {
        const taf_api *api = taf_api_find(api_model);
        if (!api) {
            api_names(names, sizeof names);
            char hint[400];
            snprintf(hint, sizeof hint,
                     "known API models: %s; api_input_usd_per_Mtok and "
                     "api_output_usd_per_Mtok price a model not in the catalog",
                     names);
            taf_fail(err, "UNKNOWN_API_MODEL", hint,
                     "X-1: argument 'api_model' is '%s', which has no known price", api_model);
            return NULL;
        }
        price_in = api->input;
        price_out = api->output;
    }

    /* every number first, so bad input fails before anything is built */
    double flops = taf_training_flops(N, D);
    taf_train_cost cost = taf_cost_training_run(N, D, gpu, (double)n_gpus, mfu);
    double model_GB = taf_weights_GB(N, 2.0); /* BF16 */
    taf_infer_cost inf = taf_cost_inference_token(model_GB, gpu, 1.0);
    double api_blend = (price_in + price_out) / 2;
    taf_breakeven be = {0, 0, 0};
    bool breaks_even = taf_break_even(cost.USD, inf.USD_per_Mtok, api_blend, &be);
    /* the reference floors the volume at 0.001 M/mo in step 6 only */
    double be_months = breaks_even ? be.Mtok_breakeven / fmax(monthly, 0.001) : 0;
    double months = breaks_even ? be.Mtok_breakeven / monthly : 0;
    const named_value checks[] = {
        {"D_tokens", D},
        {"training FLOPs", flops},
        {"training hours", cost.hours},
        {"training cost", cost.USD},
        {"model size (GB)", model_GB},
        {"self-inference tokens/s", inf.tok_per_sec},
        {"self-inference USD/Mtok", inf.USD_per_Mtok},
        {"blended API price", api_blend},
        {"break-even volume", be.Mtok_breakeven},
        {"break-even tokens", be.tokens_breakeven},
        {"months to break even", be_months},
        {"months to pay off", months},
    };
    if (!all_finite(checks, (int)(sizeof checks / sizeof checks[0]), err))
        return NULL;

    nbuf b1, b2;
    cJSON *chain = cJSON_CreateArray(), *in, *res, *ip;
    char *txt;

    in = jobj();
    jadd_num(in, "N_params", N);
    txt = xasprintf("recommended D = %s tokens", f_exp(&b1, D, 2));
    ip = jobj();
    jadd_str(ip, "D", b1.s);
    chain_step(chain, 1, "§17.30", "Chinchilla optimal D", "D = 20·N", in, jnum(D), txt, NULL,
               "x1.i.chinchilla", ip);
    free(txt);

    in = jobj();
    jadd_num(in, "N", N);
    jadd_num(in, "D", D);
    txt = xasprintf("%s FLOPs total", f_exp(&b1, flops, 2));
    ip = jobj();
    jadd_str(ip, "flops", b1.s);
    chain_step(chain, 2, "§17.10", "Training FLOPs", "C = 6·N·D", in, jnum(flops), txt, NULL,
               "x1.i.flops", ip);
    free(txt);

    in = jobj();
    jadd_str(in, "gpu", gpu_name);
    jadd_int(in, "n_gpus", n_gpus);
    jadd_num(in, "mfu", mfu);
    res = jobj();
    jadd_num(res, "total_FLOPs", cost.total_FLOPs);
    jadd_num(res, "hours", cost.hours);
    jadd_num(res, "days", cost.days);
    jadd_num(res, "USD", cost.USD);
    jadd_str(res, "gpu", gpu_name);
    jadd_int(res, "n_gpus", n_gpus);
    jadd_num(res, "mfu", mfu);
    txt = xasprintf("$%s over %s days", f_thousands(&b1, cost.USD), f_fixed(&b2, cost.days, 1));
    ip = jobj();
    jadd_str(ip, "usd", b1.s);
    jadd_str(ip, "days", b2.s);
    chain_step(chain, 3, "§20.11", "Training cost", "hours·USD/h·n_gpus = total $", in, res,
               txt, NULL, "x1.i.cost", ip);
    free(txt);

    in = jobj();
    jadd_num(in, "model_GB", model_GB);
    jadd_str(in, "gpu", gpu_name);
    res = jobj();
    jadd_num(res, "tok_per_sec", inf.tok_per_sec);
    jadd_num(res, "USD_per_Mtok", inf.USD_per_Mtok);
    jadd_str(res, "gpu", gpu_name);
    jadd_int(res, "batch", 1);
    txt = xasprintf("$%s per million tokens (single user)", f_fixed(&b1, inf.USD_per_Mtok, 2));
    ip = jobj();
    jadd_str(ip, "usd", b1.s);
    chain_step(chain, 4, "§19.9 / §20.12", "Self-inference $/Mtok",
               "BW / model_GB → tok/s → $/Mtok", in, res, txt, NULL, "x1.i.selfinf", ip);
    free(txt);

    in = jobj();
    jadd_str(in, "api_model", api_model);
    char *name = xasprintf("%s blended price", api_model);
    txt = xasprintf("$%s/Mtok blended", f_fixed(&b1, api_blend, 2));
    ip = jobj();
    jadd_str(ip, "usd", b1.s);
    chain_step(chain, 5, "§24.X", name, "(input + output) / 2 USD/Mtok", in, jnum(api_blend),
               txt, NULL, "x1.i.apiblend", ip);
    free(name);
    free(txt);

    in = jobj();
    jadd_num(in, "training_cost", cost.USD);
    res = jobj();
    if (breaks_even) {
        jadd_num(res, "savings_per_Mtok", be.savings_per_Mtok);
        jadd_num(res, "Mtok_breakeven", be.Mtok_breakeven);
        jadd_num(res, "tokens_breakeven", be.tokens_breakeven);
        nbuf b3;
        txt = xasprintf("break-even at %s Mtok (%s months at %s M/mo)",
                        f_fixed(&b1, be.Mtok_breakeven, 0), f_fixed(&b2, be_months, 1),
                        f_repr(&b3, monthly));
        ip = jobj();
        jadd_str(ip, "mtok", b1.s);
        jadd_str(ip, "months", b2.s);
        jadd_num(ip, "monthly", monthly);
        chain_step(chain, 6, "§24.3", "Break-even tokens", "training$ / (api - self) = Mtok",
                   in, res, txt, NULL, "x1.i.be", ip);
        free(txt);
    } else {
        jadd_str(res, "error", TAF_BREAKEVEN_NEVER);
        chain_step(chain, 6, "§24.3", "Break-even tokens", "training$ / (api - self) = Mtok",
                   in, res, TAF_BREAKEVEN_NEVER, NULL, "x1.i.be_never", NULL);
    }

    const char *verdict, *rc, *mc;
    char *reason, *mit;
    cJSON *rp = jobj(), *mp = jobj();
    if (!breaks_even) {
        verdict = "NO";
        reason = xasprintf("%s", TAF_BREAKEVEN_NEVER);
        mit = xasprintf("Stick with %s API.", api_model);
        rc = "x1.r.never";
        mc = "x1.m.stick_api";
        jadd_str(mp, "api_model", api_model);
    } else if (monthly >= be.Mtok_breakeven) {
        verdict = "YES (custom)";
        reason = xasprintf("At %s M tokens/month, break-even in %s months. "
                           "Long-term custom is cheaper.",
                           f_repr(&b1, monthly), f_fixed(&b2, months, 1));
        mit = xasprintf("Train at %s×%lld; serve self-hosted.", gpu_name, n_gpus);
        rc = "x1.r.yes";
        jadd_num(rp, "monthly", monthly);
        jadd_str(rp, "months", b2.s);
        mc = "x1.m.train_self";
        jadd_str(mp, "gpu", gpu_name);
        jadd_int(mp, "n_gpus", n_gpus);
    } else {
        verdict = "NO (API)";
        reason = xasprintf("At %s M tokens/month, break-even in %s months — too slow.",
                           f_repr(&b1, monthly), f_fixed(&b2, months, 1));
        mit = xasprintf("Use %s API (cheaper for your volume).", api_model);
        rc = "x1.r.no";
        jadd_num(rp, "monthly", monthly);
        jadd_str(rp, "months", b2.s);
        mc = "x1.m.use_api";
        jadd_str(mp, "api_model", api_model);
    }

    static const char *const no_prices[] = {"api_input_usd_per_Mtok",
                                            "api_output_usd_per_Mtok", NULL};
    cJSON *out = recipe_wrap("X-1", "Custom training vs API",
                             args_echo(a, has_in ? NULL : no_prices), chain, verdict, reason,
                             mit, rc, rp, mc, mp);
    free(reason);
    free(mit);
    return out;
}
