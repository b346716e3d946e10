/* The panel page's data, computed from the cards (compute stage):
 * prediction vs reality per model and its summary. The refit table of the
 * framework's constants is added by the calibration stage. */
#ifndef TAF_CARD_PANEL_H
#define TAF_CARD_PANEL_H

#include <cjson/cJSON.h>

cJSON *panel_build(const cJSON *cards);

#endif
