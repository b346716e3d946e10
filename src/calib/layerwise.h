/* Layer-wise γ trajectory (seed 002): fit γ(ℓ) across layers with the four
 * functional forms of the seed's script and pick the best by R².
 *
 * Follows seed 002 (sa-schedule-fit-gamma.py) exactly where it is defined:
 *   linear       γ = a + b·ℓ            polyfit(ℓ, γ)
 *   power law    γ = a·(ℓ+1)^b          polyfit(ln(ℓ+1), ln γ) over γ > 0
 *   exponential  γ = a·e^(b·ℓ)          polyfit(ℓ, ln γ) over γ > 0
 *   piecewise    γ = a1·e^(b1·(ℓ+1)) before the split, a2·e^(b2·(ℓ+1))
 *                from it on; log-space fits on each side; splits as the
 *                seed's `for Ls in range(3, n − 3)` with masks ℓ+1 < Ls /
 *                ℓ+1 ≥ Ls, i.e. 2..n−5 points before the split (≥ 5 after);
 *                no split at all if any γ ≤ 0; best split by R².
 * R² is always computed on γ itself (not on ln γ), over every layer used,
 * including layers a log fit had to leave out (γ ≤ 0), with the prediction
 * evaluated there too — as the seed does. Sums in numpy's order.
 *
 * Where the seed assumes contiguous layers 0..n−1, missing layers (γ not
 * finite) are skipped and the split is taken by position among the layers
 * used; for contiguous layers this is the seed's rule.
 *
 * Pure: no I/O, no allocation. */
#ifndef TAF_CALIB_LAYERWISE_H
#define TAF_CALIB_LAYERWISE_H

#include <stddef.h>

#include "calib/stats.h"

typedef enum {
    CALIB_FORM_LINEAR = 0,
    CALIB_FORM_POWER,
    CALIB_FORM_EXP,
    CALIB_FORM_PIECEWISE_EXP,
    CALIB_N_FORMS
} calib_form_id;

typedef struct {
    calib_form_id id;
    const char *name;       /* "linear", "power_law", "exponential",
                               "piecewise_exponential" */
    const char *formula;    /* the seed's label: "a+b*L", "a*L^b", "a*exp(b*L)",
                               "piecewise-exp" */
    calib_status status;    /* CALIB_TOO_FEW: "insufficient points ..." */
    const char *reason;     /* failure, or why R² is undefined; else NULL */
    double a, b;            /* coefficients as above (piecewise: first piece) */
    double a2, b2;          /* piecewise: second piece */
    double split_layer;     /* piecewise: first layer ℓ of the second piece */
    double split;           /* piecewise: split_layer + 1 (the seed's split@L=) */
    double r2;              /* R² on γ (r2_defined) */
    int r2_defined;         /* 0 if γ is constant over the layers (SS_tot = 0)
                               or a prediction overflows: r2 = 0 */
    size_t n_fit;           /* layers in the (log) fit; piecewise: all */
} calib_layer_form;

typedef struct {
    calib_status status;    /* CALIB_TOO_FEW when < 2 layers have a γ */
    const char *reason;
    size_t n_layers;        /* n given */
    size_t n_used;          /* layers with a finite γ */
    size_t n_skipped;       /* layers whose γ is missing (not finite) */
    calib_layer_form form[CALIB_N_FORMS];
    int best;               /* calib_form_id of the highest defined R², -1 if
                               none; within 1e-12 of it the earlier form (in
                               the order above, fewer parameters) wins */
    const char *best_name;  /* form[best].name or NULL */
} calib_layerwise;

/* Fit the four forms to γ[i] at layer index layer[i] (0-based, finite,
 * ≥ 0, strictly increasing over the layers used; else CALIB_BAD_INPUT).
 * Layers whose γ is NaN or infinite are skipped and counted. Returns
 * out->status; each form carries its own status. */
calib_status calib_layerwise_fit(const double *layer, const double *gamma, size_t n,
                                 calib_layerwise *out);

#endif
