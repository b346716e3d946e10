/* One object per thread, made on first use and freed by its destructor
 * when the thread ends (or earlier, by tls_slot_release on that thread).
 * Render caches and scratch buffers live in slots: a worker reuses them
 * from card to card, and nothing outlives its thread. */
#ifndef TAF_UTIL_TLS_H
#define TAF_UTIL_TLS_H

#include <pthread.h>
#include <stdbool.h>

typedef struct {
    void (*destroy)(void *); /* frees one thread's object */
    pthread_key_t key;
    int ready; /* the key exists (set once, under a lock) */
} tls_slot;

#define TLS_SLOT(destroy_fn) {.destroy = (destroy_fn)}

/* This thread's object, or NULL before tls_slot_set. */
void *tls_slot_get(tls_slot *s);

/* Make p this thread's object (the previous one is not freed). False
 * when the thread library refuses (no key or no memory). */
bool tls_slot_set(tls_slot *s, void *p);

/* Free this thread's object now; the next get gives NULL. */
void tls_slot_release(tls_slot *s);

#endif
