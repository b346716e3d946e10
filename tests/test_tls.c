/* Per-thread objects (util/tls): one per thread, freed when the thread
 * ends or when released, never shared between threads. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include <criterion/criterion.h>

#include "util/tls.h"

static atomic_int freed;

static void count_free(void *p)
{
    free(p);
    atomic_fetch_add(&freed, 1);
}

static tls_slot slot = TLS_SLOT(count_free);

Test(tls, get_is_null_until_set_and_then_gives_the_object)
{
    cr_expect_null(tls_slot_get(&slot));
    int *p = malloc(sizeof *p);
    cr_assert(tls_slot_set(&slot, p));
    cr_expect_eq(tls_slot_get(&slot), p);
    tls_slot_release(&slot);
}

Test(tls, release_frees_this_threads_object_once)
{
    atomic_store(&freed, 0);
    cr_assert(tls_slot_set(&slot, malloc(1)));
    tls_slot_release(&slot);
    cr_expect_eq(atomic_load(&freed), 1);
    cr_expect_null(tls_slot_get(&slot));
    tls_slot_release(&slot); /* nothing left: no second free */
    cr_expect_eq(atomic_load(&freed), 1);
}

static void *thread_body(void *arg)
{
    void *mine = malloc(1);
    bool ok = tls_slot_get(&slot) == NULL && tls_slot_set(&slot, mine) && tls_slot_get(&slot) == mine;
    *(bool *)arg = ok;
    return NULL; /* the slot's destructor frees `mine` as the thread ends */
}

Test(tls, each_thread_has_its_own_object_freed_when_the_thread_ends)
{
    atomic_store(&freed, 0);
    int *main_obj = malloc(sizeof *main_obj);
    cr_assert(tls_slot_set(&slot, main_obj));
    enum { N = 4 };
    pthread_t th[N];
    bool ok[N];
    for (int i = 0; i < N; i++)
        cr_assert_eq(pthread_create(&th[i], NULL, thread_body, &ok[i]), 0);
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        cr_expect(ok[i], "thread %d saw another thread's object", i);
    }
    cr_expect_eq(atomic_load(&freed), N);
    cr_expect_eq(tls_slot_get(&slot), main_obj, "the threads left this thread's object alone");
    tls_slot_release(&slot);
    cr_expect_eq(atomic_load(&freed), N + 1);
}
