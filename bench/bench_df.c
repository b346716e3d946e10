/* make bench, measurement 2: D_f exact at N = 10⁶ and 10⁷ — median time
 * per call of taf_D_f_exact (the Euler–Maclaurin shortcut) and of the
 * defining O(N) loop, plus an equality sweep of the two at those N.
 *
 *   bench_df [RUNS]   prints "key value" lines for bench/run.sh */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "taf/gamma.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 7;
    if (runs < 1 || runs > 1000)
        runs = 7;
    const long long Ns[2] = {1000000, 10000000};
    const char *names[2] = {"1e6", "1e7"};
    double *t = malloc(sizeof *t * (size_t)runs);
    for (int k = 0; k < 2; k++) {
        /* the shortcut: each run is one call at a γ of the calibrated zone */
        volatile long long sink = 0;
        for (int r = 0; r < runs; r++) {
            double g = 0.70 + 0.1 * r / runs;
            double t0 = now_ms();
            sink += taf_D_f_exact(g, 0.9, Ns[k]);
            t[r] = now_ms() - t0;
        }
        printf("df_fast_ms_%s %.4f\n", names[k], median(t, runs));
        /* the defining loop, fewer runs (it is slow) */
        int rr = runs < 3 ? runs : 3;
        for (int r = 0; r < rr; r++) {
            double t0 = now_ms();
            sink += taf_D_f_reference(0.75, 0.9, Ns[k]);
            t[r] = now_ms() - t0;
        }
        printf("df_loop_ms_%s %.2f\n", names[k], median(t, rr));
        (void)sink;
    }
    /* equality sweep: seeded γ ∈ (0.02, 3.02), f ∈ (0.05, 0.999) */
    uint64_t s = 0x2545f4914f6cdd1dULL;
    int cases = 0, equal = 0;
    for (int i = 0; i < 24; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double g = 0.02 + 3.0 * (double)(s >> 11) / 9007199254740992.0;
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double f = 0.05 + 0.949 * (double)(s >> 11) / 9007199254740992.0;
        long long n = i < 20 ? 1000000 : 10000000;
        long long a = taf_D_f_exact(g, f, n), b = taf_D_f_reference(g, f, n);
        cases++;
        equal += a == b;
        if (a != b)
            fprintf(stderr, "bench_df: MISMATCH gamma=%.17g f=%.17g N=%lld: %lld vs %lld\n", g, f,
                    n, a, b);
    }
    printf("df_sweep_cases %d\ndf_sweep_equal %d\n", cases, equal);
    free(t);
    return equal == cases ? 0 : 1;
}
