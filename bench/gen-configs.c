/* gen-configs: N varied but realistic Hugging Face config.json files for the
 * scale benchmark (make bench, measurement 4).
 *
 *   gen-configs N DIR [SEED]
 *
 * Writes DIR/cfg-000001.json … DIR/cfg-NNNNNN.json. Deterministic: the same
 * N, SEED (default 1) and program give the same bytes (a 64-bit LCG, no
 * clock, no locale). The mix follows the model zoos the tool meets: Llama-,
 * Mistral-, Qwen2-, Gemma-2-, Mixtral-style RoPE models with and without GQA
 * and sliding windows, GPT-NeoX/Pythia partial rotary, GPT-J, Phi, GPT-2
 * learned positions, BLOOM/Falcon ALiBi and multi-query, and a few
 * attention-free Mamba models. Each file names its model through
 * "_name_or_path" ("bench-zoo/<family>-<size>-<n>"), so ids are unique.
 * Sizes are consistent (hidden = heads × head_dim, kv heads divide heads). */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t rng;

static uint32_t next_u32(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(rng >> 32);
}

static int pick(int n)
{
    return (int)(next_u32() % (uint32_t)n);
}

#define PICK(arr) (arr)[pick((int)(sizeof(arr) / sizeof((arr)[0])))]

static const char *size_label(double params)
{
    static char buf[32];
    if (params >= 1e9)
        snprintf(buf, sizeof buf, "%.1fB", params / 1e9);
    else
        snprintf(buf, sizeof buf, "%.0fM", params / 1e6);
    return buf;
}

/* Rough parameter count, only for the model's name. */
static double approx_params(int hidden, int layers, int vocab)
{
    return 12.0 * hidden * (double)hidden * layers + (double)vocab * hidden;
}

static void write_one(FILE *f, long idx)
{
    static const int head_dims[] = {64, 64, 128, 128, 128, 80, 96};
    static const int heads_opt[] = {8, 12, 16, 24, 32, 32, 40, 48, 64};
    static const int layers_opt[] = {6, 12, 16, 22, 24, 28, 32, 32, 40, 48, 60, 80};
    static const int ctx_opt[] = {2048, 4096, 8192, 8192, 16384, 32768, 65536, 131072};
    static const double theta_opt[] = {10000, 10000, 50000, 100000, 500000, 1000000, 5000000};
    static const int vocab_opt[] = {32000, 50257, 50304, 65024, 128256, 151936, 256000};
    int kind = pick(100);
    int hd = PICK(head_dims), heads = PICK(heads_opt), layers = PICK(layers_opt);
    int hidden = hd * heads, ctx = PICK(ctx_opt), vocab = PICK(vocab_opt);
    double theta = PICK(theta_opt);
    bool instruct = pick(4) == 0;
    const char *family;
    fprintf(f, "{\n");
    if (kind < 30) { /* Llama-style, GQA most of the time */
        static const int kv_div[] = {1, 4, 8, 8};
        int kv = heads / PICK(kv_div);
        family = "llama";
        fprintf(f, "  \"architectures\": [\"LlamaForCausalLM\"],\n  \"model_type\": \"llama\",\n");
        fprintf(f, "  \"num_key_value_heads\": %d,\n  \"rope_theta\": %.1f,\n", kv > 0 ? kv : 1, theta);
        fprintf(f, "  \"max_position_embeddings\": %d,\n", ctx);
    } else if (kind < 40) { /* Mistral: sliding window active or null */
        family = "mistral";
        fprintf(f, "  \"architectures\": [\"MistralForCausalLM\"],\n  \"model_type\": \"mistral\",\n");
        fprintf(f, "  \"num_key_value_heads\": %d,\n  \"rope_theta\": %.1f,\n", heads / 4 > 0 ? heads / 4 : 1,
                theta);
        fprintf(f, "  \"max_position_embeddings\": %d,\n", ctx);
        if (pick(2))
            fprintf(f, "  \"sliding_window\": %d,\n", ctx / 2 >= 1024 ? ctx / 2 : 1024);
        else
            fprintf(f, "  \"sliding_window\": null,\n");
    } else if (kind < 50) { /* Qwen2: window configured but disabled */
        family = "qwen2";
        fprintf(f, "  \"architectures\": [\"Qwen2ForCausalLM\"],\n  \"model_type\": \"qwen2\",\n");
        fprintf(f, "  \"num_key_value_heads\": %d,\n  \"rope_theta\": 1000000.0,\n", heads / 8 > 0 ? heads / 8 : 1);
        fprintf(f, "  \"max_position_embeddings\": %d,\n  \"sliding_window\": %d,\n", ctx, ctx);
        fprintf(f, "  \"use_sliding_window\": false,\n  \"max_window_layers\": %d,\n", layers);
    } else if (kind < 55) { /* Gemma 2 */
        family = "gemma2";
        fprintf(f, "  \"architectures\": [\"Gemma2ForCausalLM\"],\n  \"model_type\": \"gemma2\",\n");
        fprintf(f, "  \"head_dim\": %d,\n  \"num_key_value_heads\": %d,\n  \"rope_theta\": 10000.0,\n", hd,
                heads / 2 > 0 ? heads / 2 : 1);
        fprintf(f, "  \"max_position_embeddings\": 8192,\n  \"sliding_window\": 4096,\n");
    } else if (kind < 60) { /* Mixtral MoE */
        family = "mixtral";
        fprintf(f, "  \"architectures\": [\"MixtralForCausalLM\"],\n  \"model_type\": \"mixtral\",\n");
        fprintf(f, "  \"num_key_value_heads\": %d,\n  \"rope_theta\": 1000000.0,\n", heads / 4 > 0 ? heads / 4 : 1);
        fprintf(f, "  \"max_position_embeddings\": %d,\n  \"sliding_window\": null,\n", ctx);
        fprintf(f, "  \"num_local_experts\": 8,\n  \"num_experts_per_tok\": 2,\n");
    } else if (kind < 70) { /* GPT-NeoX / Pythia, partial rotary */
        family = "neox";
        fprintf(f, "  \"architectures\": [\"GPTNeoXForCausalLM\"],\n  \"model_type\": \"gpt_neox\",\n");
        fprintf(f, "  \"rotary_emb_base\": 10000,\n  \"rotary_pct\": 0.25,\n");
        fprintf(f, "  \"max_position_embeddings\": %d,\n", ctx <= 4096 ? ctx : 2048);
        instruct = false;
    } else if (kind < 74) { /* GPT-J: rotary with the default base */
        family = "gptj";
        fprintf(f, "  \"architectures\": [\"GPTJForCausalLM\"],\n  \"model_type\": \"gptj\",\n");
        fprintf(f, "  \"n_embd\": %d,\n  \"n_head\": %d,\n  \"n_layer\": %d,\n  \"n_positions\": 2048,\n", hidden,
                heads, layers);
        fprintf(f, "  \"rotary_dim\": 64,\n");
    } else if (kind < 78) { /* Phi: partial rotary factor */
        family = "phi";
        fprintf(f, "  \"architectures\": [\"PhiForCausalLM\"],\n  \"model_type\": \"phi\",\n");
        fprintf(f, "  \"partial_rotary_factor\": 0.4,\n  \"rope_theta\": 10000.0,\n");
        fprintf(f, "  \"max_position_embeddings\": %d,\n", ctx <= 4096 ? ctx : 2048);
    } else if (kind < 88) { /* GPT-2: learned positions, no RoPE */
        family = "gpt2";
        fprintf(f, "  \"architectures\": [\"GPT2LMHeadModel\"],\n  \"model_type\": \"gpt2\",\n");
        fprintf(f, "  \"n_ctx\": 1024,\n  \"n_embd\": %d,\n  \"n_head\": %d,\n  \"n_layer\": %d,\n", hidden, heads,
                layers);
        fprintf(f, "  \"n_positions\": 1024,\n");
        instruct = false;
    } else if (kind < 93) { /* BLOOM: ALiBi */
        family = "bloom";
        fprintf(f, "  \"architectures\": [\"BloomForCausalLM\"],\n  \"model_type\": \"bloom\",\n");
        fprintf(f, "  \"n_head\": %d,\n  \"n_layer\": %d,\n  \"seq_length\": 2048,\n", heads, layers);
    } else if (kind < 97) { /* Falcon: multi-query */
        family = "falcon";
        fprintf(f, "  \"architectures\": [\"FalconForCausalLM\"],\n  \"model_type\": \"falcon\",\n");
        fprintf(f, "  \"alibi\": false,\n  \"multi_query\": true,\n  \"new_decoder_architecture\": false,\n");
        fprintf(f, "  \"parallel_attn\": true,\n");
    } else { /* Mamba: no attention at all */
        family = "mamba";
        fprintf(f, "  \"architectures\": [\"MambaForCausalLM\"],\n  \"model_type\": \"mamba\",\n");
        fprintf(f, "  \"state_size\": 16,\n  \"expand\": 2,\n  \"conv_kernel\": 4,\n");
        instruct = false;
    }
    bool hf_names = strcmp(family, "gptj") != 0 && strcmp(family, "gpt2") != 0 &&
                    strcmp(family, "bloom") != 0;
    if (hf_names) {
        fprintf(f, "  \"hidden_size\": %d,\n  \"num_hidden_layers\": %d,\n", hidden, layers);
        if (strcmp(family, "mamba") != 0)
            fprintf(f, "  \"num_attention_heads\": %d,\n", heads);
    } else if (strcmp(family, "bloom") == 0) {
        fprintf(f, "  \"hidden_size\": %d,\n", hidden);
    }
    fprintf(f, "  \"vocab_size\": %d,\n", vocab);
    char name[160];
    snprintf(name, sizeof name, "bench-zoo/%s-%s-%06ld%s", family,
             size_label(approx_params(hidden, layers, vocab)), idx, instruct ? "-Instruct" : "");
    fprintf(f, "  \"_name_or_path\": \"%s\"\n}\n", name);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: gen-configs N DIR [SEED]\n");
        return 2;
    }
    char *end;
    long n = strtol(argv[1], &end, 10);
    if (*end || n < 1 || n > 1000000) {
        fprintf(stderr, "gen-configs: N must be 1..1000000\n");
        return 2;
    }
    unsigned long long seed = argc == 4 ? strtoull(argv[3], NULL, 10) : 1;
    rng = seed * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
    if (mkdir(argv[2], 0755) != 0 && errno != EEXIST) {
        fprintf(stderr, "gen-configs: cannot create %s: %s\n", argv[2], strerror(errno));
        return 1;
    }
    for (long i = 1; i <= n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/cfg-%06ld.json", argv[2], i);
        FILE *f = fopen(path, "w");
        if (!f) {
            fprintf(stderr, "gen-configs: cannot write %s: %s\n", path, strerror(errno));
            return 1;
        }
        write_one(f, i);
        if (fclose(f) != 0) {
            fprintf(stderr, "gen-configs: error writing %s\n", path);
            return 1;
        }
    }
    return 0;
}
