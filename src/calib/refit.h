/* Panel-level refit of the framework's constants (issue 5): how well the
 * published numbers hold on the panel we ingested. Pure: callers pass one
 * row per measured model; every refit row names the models that fed it.
 *
 * Verdicts: "replicates" when the published value lies inside the refit's
 * 95% CI, "does not" when outside, "insufficient data" when n is too small
 * for a CI (n < 3 for a mean, n < 4 for a slope). */
#ifndef TAF_CALIB_REFIT_H
#define TAF_CALIB_REFIT_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

typedef struct {
    const char *id;
    bool has_theta;
    double theta;
    double n_params;
    bool has_GQA, is_instruct;
    double gamma_text;    /* NAN when not measured */
    double gamma_random;  /* NAN when not measured */
} refit_model;

/* Evaluation length of the panel protocol (largest measured distance). */
#define REFIT_T_EVAL 2000.0

/* The refit table: an array of {name, published, refit, n, ci_lo, ci_hi,
 * verdict, verdict_class, method, models[]} plus the Padé validation rows
 * {"pade": {rows[], mae_pct{pade, linear, exp}, median_abs_pct{...}}}.
 * Returns an object {refits: [...], pade: {...}}. */
cJSON *refit_panel(const refit_model *m, size_t n);

#endif
