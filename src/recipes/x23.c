/* X-23 IH-Phase Detector: pre- or post-induction-head, from the sign of
 * γ_text − γ_random (§30), checked against the size-based expectation. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>

#include "recipes/chain.h"
#include "recipes/fmt.h"
#include "recipes/recipe.h"
#include "taf/imprint.h"
#include "util/strfmt.h"

const arg_spec X23_SPEC[] = {
    {"n_params", ARG_NUM, RANGE_POS, true, NULL, "parameter count"},
    {"gamma_text", ARG_NUM, RANGE_ANY, false, NULL, "γ measured on the text corpus"},
    {"gamma_random", ARG_NUM, RANGE_ANY, false, NULL, "γ measured on random tokens"},
};
const int X23_NSPEC = (int)(sizeof X23_SPEC / sizeof X23_SPEC[0]);

static void upper(char *dst, size_t n, const char *src)
{
    size_t i = 0;
    for (; src[i] && i + 1 < n; i++)
        dst[i] = (char)toupper((unsigned char)src[i]);
    dst[i] = '\0';
}

cJSON *X23_run(taf_args *a, taf_err *err)
{
    (void)err;
    double n_params = args_num(a, "n_params");
    double n_params_M = n_params / 1e6;
    const char *expected = n_params >= 4e8 ? "post-IH" : "pre-IH";
    cJSON *chain = cJSON_CreateArray(), *in;
    nbuf d;
    char up[32];

    in = jobj();
    jadd_num(in, "n_params_M", n_params_M);
    jadd_int(in, "threshold_M", 400);
    chain_step(chain, 1, "§30", "Size-based phase prediction", "P ≥ 400M ⇒ post-IH", in,
               cJSON_CreateString(expected), NULL, NULL, NULL, NULL);

    const char *rc, *mc, *mit;
    char *verdict, *reason;
    cJSON *rp = jobj(), *mp = jobj();
    if (args_has(a, "gamma_text") && args_has(a, "gamma_random")) {
        double gt = args_num(a, "gamma_text"), gr = args_num(a, "gamma_random");
        taf_ih_check c = taf_ih_phase_check(gt, gr, true, n_params_M);
        in = jobj();
        jadd_num(in, "gamma_text", gt);
        jadd_num(in, "gamma_random", gr);
        const char *obs_ic = c.phase_observed[1] == 'o'   ? "x23.i.obs_post"
                             : c.phase_observed[1] == 'r' ? "x23.i.obs_pre"
                                                          : "x23.i.obs_amb";
        char *txt = xasprintf("observed phase: %s", c.phase_observed);
        chain_step(chain, 2, "§30", "Δγ discriminator", "sign(γ_text − γ_random)", in,
                   jnum(c.delta_gamma), txt, NULL, obs_ic, NULL);
        free(txt);
        f_signed(&d, c.delta_gamma, 3);
        if (c.consistent) {
            upper(up, sizeof up, c.phase_observed);
            verdict = xasprintf("CONFIRMED %s", up);
            reason = xasprintf("Δγ = %s sign matches size-prediction (%s).", d.s, expected);
            mit = "Phase confirmed. Use this checkpoint for downstream tasks accordingly.";
            rc = "x23.r.confirmed";
            jadd_str(rp, "delta", d.s);
            jadd_str(rp, "expected", expected);
            mc = "x23.m.confirmed";
        } else {
            verdict = xasprintf("ANOMALY");
            reason = xasprintf("Δγ = %s suggests %s, but size predicts %s. Investigate.", d.s,
                               c.phase_observed, expected);
            mit = "Possible causes: incomplete training, anomalous fine-tuning, "
                  "format conversion, tokenizer corruption (cf. F5 OLMo Δγ=0.30).";
            rc = "x23.r.anomaly";
            jadd_str(rp, "delta", d.s);
            jadd_str(rp, "obs", c.phase_observed);
            jadd_str(rp, "expected", expected);
            mc = "x23.m.anomaly";
        }
    } else {
        upper(up, sizeof up, expected);
        verdict = xasprintf("PREDICTED %s", up);
        reason = xasprintf("Only size given: P = %sM. Provide gamma_text + gamma_random to "
                           "verify via Δγ probe.", f_fixed(&d, n_params_M, 0));
        mit = "Run E4 protocol with corpus=mongo and corpus=random; compare γ values.";
        rc = "x23.r.pred_only";
        jadd_str(rp, "P", d.s);
        mc = "x23.m.pred_only";
    }
    cJSON *out = recipe_wrap("X-23", "IH-Phase Detector", args_echo(a, NULL), chain, verdict,
                             reason, mit, rc, rp, mc, mp);
    free(verdict);
    free(reason);
    return out;
}
