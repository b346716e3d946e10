/* The JSON of one measurement's fits (tafcard fit, the card's `fits`,
 * the calibration store): names follow the panel files. */
#ifndef TAF_CARD_FITJSON_H
#define TAF_CARD_FITJSON_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "calib/fits.h"
#include "store/panel_files.h"

/* {power_law{gamma, log_A, R2, R2_rounded6, se, ci_lo, ci_hi, ci_method,
 * n_points} | {reason}, exponential{lambda, log_A, R2, R2_rounded6,
 * n_points} | {reason}, delta_R2, prefers, excluded{nonpositive,
 * nonfinite}, two_regime{...}, kl_anomaly{...}, thermo[{N, gamma, T_attn,
 * Z, U, S, F, Cv, chi, D90}], upstream{..., reproduced}}. in_fit may be
 * NULL (then d ≥ 30). T_train ≤ 0 skips the N = T_train profile. The
 * computed fit is also returned through *f when f is non-NULL. */
cJSON *fit_json(const double *d, const double *m, const unsigned char *in_fit, size_t n,
                long long T_train, const pf_fit *upstream, calib_measure_fit *f);

#endif
