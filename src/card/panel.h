/* The panel page's data, computed from the cards (compute stage):
 * prediction vs reality per model and its summary. The refit table of the
 * framework's constants is added by the calibration stage. */
#ifndef TAF_CARD_PANEL_H
#define TAF_CARD_PANEL_H

#include <cjson/cJSON.h>

/* `stored` (may be NULL) is the calibration tafcard calibrate stored; when
 * given, its refits are used instead of recomputing them from the cards. */
cJSON *panel_build(const cJSON *cards, const cJSON *stored);

#endif
