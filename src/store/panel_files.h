/* The measurement panel's file kinds, read into plain structs.
 *
 * Every reader validates strictly and reports the first problem as
 * `<path>: <JSON pointer>: expected ..., got ...` with a stable code
 * (WRONG_TYPE, MISSING_FIELD, BAD_DISTANCE, NEGATIVE_VALUE,
 * DUPLICATE_DISTANCE, DUPLICATE_KEY, BAD_VALUE, INCONSISTENT,
 * MODEL_MISMATCH). Missing values (JSON null, including the NaN/Infinity
 * tokens the pre-pass turned into null) are NAN in doubles and -1 in
 * counts. No I/O here: callers parse the text (util/nanjson.h) and pass
 * the tree. */
#ifndef TAF_STORE_PANEL_FILES_H
#define TAF_STORE_PANEL_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "util/err.h"

typedef enum {
    PF_UNKNOWN = 0,
    PF_MEASUREMENT, /* <org>--<name>_mongo.json (corpus text), _random.json (corpus random) */
    PF_LAYERWISE,   /* <org>--<name>_layerwise.json */
    PF_MASTER,      /* master_gamma_results.json */
    PF_PADE,        /* pade_validation.json */
} pf_kind;

#define PF_ID_SIZE 160

/* "measurement", "layerwise", "master", "pade" or "unknown". */
const char *pf_kind_name(pf_kind k);

/* Kind of a panel file from its base name (directories do not matter).
 * For measurement and layer-wise files *model_id gets the id from the
 * name ("EleutherAI--pythia-70m_mongo.json" -> "EleutherAI/pythia-70m",
 * "gpt2_mongo.json" -> "gpt2") and corpus ("text" for _mongo, "random"),
 * corpus "" for layer-wise. Returns PF_UNKNOWN for any other name,
 * including an empty model name. */
pf_kind pf_classify(const char *relpath, char model_id[PF_ID_SIZE], char corpus[8]);

/* Model id from a preset/config file name: base name without ".json",
 * the first "--" read as "/". */
void pf_id_from_filename(const char *relpath, char model_id[PF_ID_SIZE]);

typedef struct {
    long long distance;
    double mean, std;       /* NAN when missing */
    double *per_seed;       /* n_per_seed values, NAN when missing */
    size_t n_per_seed;
    int in_fit;             /* 1 / 0; -1 when the file has no fit set */
} pf_point;

/* The upstream fit stored in a complete measurement file. */
typedef struct {
    bool present;
    double gamma_pred, C_theory;
    double pl_gamma, pl_log_A, pl_R2;
    long long pl_n_points;
    double exp_lambda, exp_log_A, exp_R2;
    long long exp_n_points;
    double delta_R2, ci_lo, ci_hi;
    char *decision;         /* NULL when missing */
} pf_fit;

typedef struct {
    char model_id[PF_ID_SIZE];
    char corpus[8];         /* text | random */
    bool has_theta;
    double theta;
    bool partial;           /* "status": "partial" */
    long long *distances;   /* as listed (distances, or distances_done) */
    size_t n_distances;
    bool has_fit_set;
    long long *fit;         /* distances_fit */
    size_t n_fit;
    long long d_min_fit, n_prompts;   /* -1 when missing */
    long long *seeds;
    size_t n_seeds;
    bool has_seeds;
    double runtime_so_far;  /* partial files; NAN when missing */
    pf_point *points;       /* sorted by distance */
    size_t n_points;
    pf_fit fit_up;
} pf_measurement;

typedef struct {
    long long layer;
    double gamma, R2;       /* NAN when missing */
    long long n_points;     /* -1 when missing */
    char type[16];          /* "pos", "sem", ... ("" when missing) */
} pf_layer_gamma;

typedef struct {
    long long layer, distance;
    double value;           /* NAN when missing */
    int in_fit;             /* 1 / 0; -1 when no fit set */
} pf_layer_point;

typedef struct {
    char model_id[PF_ID_SIZE];
    bool has_theta;
    double theta;
    long long d_head, n_layers, L_crit_known, n_prompts; /* -1 when missing */
    double z, gamma_pos_pred, gamma_pade, beta_gamma;     /* NAN when missing */
    long long *distances;
    size_t n_distances;
    bool has_fit_set;
    long long *fit;
    size_t n_fit;
    long long *seeds;
    size_t n_seeds;
    bool has_seeds;
    pf_layer_gamma *gammas; /* sorted by layer */
    size_t n_gammas;
    pf_layer_point *points; /* sorted by layer, distance */
    size_t n_points;
} pf_layerwise;

/* master_gamma_results.json: one row per (model, corpus) summary. */
enum { PF_MASTER_NUMS = 10, PF_MASTER_STRS = 3 };
extern const char *const PF_MASTER_NUM_KEYS[PF_MASTER_NUMS]; /* theta gamma_obs R2 T_attn U S F Cv chi D90 */
extern const char *const PF_MASTER_STR_KEYS[PF_MASTER_STRS]; /* phase source notes */
typedef struct {
    char *model_id;
    char corpus[8];
    double num[PF_MASTER_NUMS];   /* NAN when missing */
    char *str[PF_MASTER_STRS];    /* NULL when missing */
} pf_master_row;

/* pade_validation.json: {"formula_comparison": [rows]}. */
enum { PF_PADE_NUMS = 11 };
extern const char *const PF_PADE_NUM_KEYS[PF_PADE_NUMS]; /* theta T_eval z gamma_obs r2 gamma_lin
                                                            err_lin_pct gamma_pade err_pade_pct
                                                            gamma_exp err_exp_pct */
typedef struct {
    char *name;
    double num[PF_PADE_NUMS];
    char *notes;
} pf_pade_row;

typedef struct {
    pf_master_row *rows;
    size_t n;
} pf_master;

typedef struct {
    pf_pade_row *rows;
    size_t n;
} pf_pade;

/* Readers. `path` names the file in messages; model_id/corpus come from
 * pf_classify. On failure the output is freed and *err is set. */
bool pf_read_measurement(const cJSON *root, const char *path, const char *model_id,
                         const char *corpus, pf_measurement *out, taf_err *err);
bool pf_read_layerwise(const cJSON *root, const char *path, const char *model_id,
                       pf_layerwise *out, taf_err *err);
bool pf_read_master(const cJSON *root, const char *path, pf_master *out, taf_err *err);
bool pf_read_pade(const cJSON *root, const char *path, pf_pade *out, taf_err *err);

void pf_measurement_free(pf_measurement *m);
void pf_layerwise_free(pf_layerwise *l);
void pf_master_free(pf_master *m);
void pf_pade_free(pf_pade *p);

/* Reject any object in the tree that has the same key twice (code
 * DUPLICATE_KEY; DUPLICATE_DISTANCE under attn_by_distance and
 * per_layer_agg). */
bool pf_check_duplicate_keys(const cJSON *root, const char *path, taf_err *err);

/* "[10,20,30]" for an integer list (malloc'd). */
char *pf_ints_json(const long long *v, size_t n);

#endif
