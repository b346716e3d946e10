#include "util/tls.h"

#include <stdlib.h>

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;

static bool ensure_key(tls_slot *s)
{
    if (__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE))
        return true;
    pthread_mutex_lock(&key_lock);
    bool ok = s->ready || pthread_key_create(&s->key, s->destroy) == 0;
    if (ok)
        __atomic_store_n(&s->ready, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&key_lock);
    return ok;
}

void *tls_slot_get(tls_slot *s)
{
    return ensure_key(s) ? pthread_getspecific(s->key) : NULL;
}

bool tls_slot_set(tls_slot *s, void *p)
{
    return ensure_key(s) && pthread_setspecific(s->key, p) == 0;
}

void tls_slot_release(tls_slot *s)
{
    void *p = tls_slot_get(s);
    if (!p)
        return;
    pthread_setspecific(s->key, NULL);
    s->destroy(p);
}
