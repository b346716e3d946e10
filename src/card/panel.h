/* The panel page's data, computed from the cards (compute stage):
 * prediction vs reality per model and its summary. The refit table of the
 * framework's constants is added by the calibration stage. */
#ifndef TAF_CARD_PANEL_H
#define TAF_CARD_PANEL_H

#include <stdbool.h>

#include <cjson/cJSON.h>

/* `stored` (may be NULL) is the calibration tafcard calibrate stored; when
 * given, its refits are used instead of recomputing them from the cards. */
/* The panel page is the measurement panel's: a card counts there when it
 * has at least one measurement (the others add nothing but would make a
 * config zoo's panel, and the build's memory, grow with it). */
bool panel_has_measurements(const cJSON *card);

cJSON *panel_build(const cJSON *cards, const cJSON *stored);

#endif
