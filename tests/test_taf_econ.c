/* §17, §19, §20, §24 (src/taf/econ.c): budgets, memory, the GPU catalog,
 * training and inference cost, break-even. */
#include <math.h>

#include <criterion/criterion.h>

#include "taf/econ.h"

Test(taf_econ, kv_bytes_are_an_exact_integer_product)
{
    /* 2·L·n_kv·d_h·seq above 2^53: Python multiplies ints exactly and
     * converts once; multiplying doubles left to right would round twice */
    long long L = 99999989, nkv = 99999971, dh = 1, seq = 1;
    long long exact = 2 * L * nkv * dh * seq;
    cr_assert_gt(exact, 9007199254740992LL, "precondition: beyond 2^53");
    taf_kv kv = taf_kv_cache_memory(L, nkv, dh, seq, 1.0);
    cr_expect_eq(kv.bytes, (double)exact);
    long long L2 = 3, nkv2 = 1001, dh2 = 1000003, seq2 = 1000000007;
    long long exact2 = 2 * L2 * nkv2 * dh2 * seq2;
    kv = taf_kv_cache_memory(L2, nkv2, dh2, seq2, 2.0);
    cr_expect_eq(kv.bytes, (double)exact2 * 2.0);
}

Test(taf_econ, kv_cache_of_a_typical_model)
{
    taf_kv kv = taf_kv_cache_memory(32, 8, 128, 32768, 2.0);
    cr_expect_eq(kv.bytes, 4294967296.0);
    cr_expect_eq(kv.MB, 4294967296.0 / 1e6);
    cr_expect_eq(kv.GB, 4294967296.0 / 1e9);
}

Test(taf_econ, gpu_catalog_lookup)
{
    cr_assert_eq(TAF_N_GPUS, 11);
    cr_expect_str_eq(TAF_GPUS[0].name, "H100 SXM");
    const taf_gpu *g = taf_gpu_find("H100 SXM");
    cr_assert_not_null(g);
    cr_expect_eq(g->flops, 989);
    cr_expect_eq(g->bw_GB_s, 3350);
    cr_expect_eq(g->usd_h, 2.5);
    const taf_gpu *local = taf_gpu_find("RTX 5060Ti");
    cr_assert_not_null(local);
    cr_expect_eq(local->usd_h, 0.0, "a local card has no hourly price");
    cr_expect_null(taf_gpu_find("H100"));
    cr_expect_null(taf_gpu_find("h100 sxm"), "names are case-sensitive");
}

Test(taf_econ, break_even_never_when_api_is_cheaper)
{
    taf_breakeven b = {-1, -1, -1};
    cr_expect_not(taf_break_even(1000, 5.0, 2.0, &b));
    cr_expect_not(taf_break_even(1000, 2.0, 2.0, &b), "equal price never pays off");
    cr_expect_eq(b.Mtok_breakeven, -1, "no answer must leave the output untouched");
    cr_assert(taf_break_even(1000, 2.0, 10.0, &b));
    cr_expect_eq(b.savings_per_Mtok, 8.0);
    cr_expect_eq(b.Mtok_breakeven, 125.0);
    cr_expect_eq(b.tokens_breakeven, 125e6);
}

Test(taf_econ, weights_gigabytes)
{
    cr_expect_eq(taf_weights_GB(7e9, 2.0), 14.0);
    cr_expect_eq(taf_weights_GB(7e9, 0.5), 3.5);
    cr_expect_eq(taf_decode_throughput(7e9, 3350, 2.0), 3350 / 14.0);
}

Test(taf_econ, chinchilla_and_flops)
{
    cr_expect_eq(taf_chinchilla_tokens(7e9, 20.0), 1.4e11);
    cr_expect_eq(taf_chinchilla_N(1.4e11, 20.0), 7e9);
    cr_expect_eq(taf_training_flops(7e9, 1.4e11), 6 * 7e9 * 1.4e11);
    taf_mem16 m = taf_training_memory_16N(7e9);
    cr_expect_eq(m.bytes, 1.12e11);
    cr_expect_eq(m.GB, 112.0);
}

Test(taf_econ, emergent_tiers_at_their_boundaries)
{
    cr_expect_str_eq(taf_emergent_tier(1e11), "100b");
    cr_expect_str_eq(taf_emergent_tier(9.99e10), "10b");
    cr_expect_str_eq(taf_emergent_tier(1e9), "1b");
    cr_expect_str_eq(taf_emergent_tier(1e8), "100m");
    cr_expect_str_eq(taf_emergent_tier(9.9e7), "sub100m");
    cr_expect_str_eq(taf_emergent_threshold(1e9),
                     "above 1B — basic instruction-following, not strong reasoning");
}

Test(taf_econ, training_run_cost)
{
    const taf_gpu *g = taf_gpu_find("H100 SXM");
    taf_train_cost c = taf_cost_training_run(7e9, 1.4e11, g, 8, 0.45);
    double hours = 6 * 7e9 * 1.4e11 / (989 * 1e12 * 0.45 * 8) / 3600;
    cr_expect_eq(c.hours, hours);
    cr_expect_eq(c.days, hours / 24);
    cr_expect_eq(c.USD, hours * 2.5 * 8);
    cr_expect_eq(taf_cost_training_run(7e9, 1.4e11, taf_gpu_find("RTX 5060Ti"), 1, 0.45).USD,
                 0.0);
}

Test(taf_econ, inference_token_cost)
{
    const taf_gpu *g = taf_gpu_find("A100 80GB");
    taf_infer_cost c = taf_cost_inference_token(14.0, g, 4);
    cr_expect_eq(c.tok_per_sec, 2000 / 14.0 * 4);
    cr_expect_eq(c.USD_per_Mtok, 1e6 / c.tok_per_sec / 3600 * 1.2);
}

Test(taf_econ, api_price_list)
{
    cr_assert_eq(TAF_N_APIS, 8);
    const taf_api *a = taf_api_find("GPT-4o");
    cr_assert_not_null(a);
    cr_expect_eq(a->input, 2.5);
    cr_expect_eq(a->output, 10.0);
    cr_expect_null(taf_api_find("gpt-4o"));
}
