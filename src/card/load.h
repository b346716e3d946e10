/* Reads one model's inputs from the database into a card_input (the
 * compute stage's only I/O). */
#ifndef TAF_CARD_LOAD_H
#define TAF_CARD_LOAD_H

#include "card/card.h"

typedef struct {
    card_input in;
    taf_db_measurement *meas;
    size_t n_meas;
    card_measurement *cm;
    pf_point **points;
    pf_fit *fits;
    bool *has_fit;
    pf_layerwise lw;
    bool has_lw;
    char lw_source[600];
    char lw_sha[TAF_SHA256_HEX_SIZE];
    char spec_sha[TAF_SHA256_HEX_SIZE];
} card_loaded;

/* `files` is the database's source-file list (for hashes). */
bool card_load(sqlite3 *db, const taf_db_model *model, const taf_db_source_file *files,
               size_t n_files, const char *build_date, card_loaded *out, taf_err *err);
void card_loaded_free(card_loaded *l);

/* SHA-256 over everything that determines the card (spec, source hashes,
 * tool and formula versions, build date): equal hashes → equal card. */
void card_input_hash(const card_input *in, char out[TAF_SHA256_HEX_SIZE]);

/* The same hash straight from the database, reading only what it covers
 * (the measurement list, not the points, fits or layer data): a build
 * computes every card's key before deciding what to rebuild. */
bool card_input_hash_of(sqlite3 *db, const taf_db_model *model,
                        const taf_db_source_file *files, size_t n_files,
                        const char *build_date, char out[TAF_SHA256_HEX_SIZE], taf_err *err);

#endif
