#include "render/ticks.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* ---- small string builder ------------------------------------------------ */

typedef struct {
    char *p;
    size_t n, len;
} sbuf;

static void sb_put(sbuf *b, const char *s)
{
    size_t k = strlen(s);
    if (b->n == 0)
        return;
    if (b->len + k >= b->n)
        k = b->n - 1 - b->len;
    memcpy(b->p + b->len, s, k);
    b->len += k;
    b->p[b->len] = '\0';
}

/* Integers through %lld only: no locale-dependent conversion anywhere. */
static void sb_int(sbuf *b, long long v)
{
    char t[32];
    snprintf(t, sizeof t, "%lld", v);
    sb_put(b, t);
}

static void sb_init(sbuf *b, char *out, size_t n)
{
    b->p = out;
    b->n = n;
    b->len = 0;
    if (n)
        out[0] = '\0';
}

static double pow10i(int k)
{
    return pow(10.0, (double)k);
}

/* Exponent as Unicode superscripts: "⁻¹²". */
static void sb_superscript(sbuf *b, int e)
{
    static const char *const sup[10] = {"⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    char d[16];
    snprintf(d, sizeof d, "%d", e < 0 ? -e : e);
    if (e < 0)
        sb_put(b, "⁻");
    for (const char *c = d; *c; c++)
        sb_put(b, sup[*c - '0']);
}

/* v with `dec` decimals (0..15), trailing fractional zeros dropped, "0" for
 * anything that rounds to zero (never "-0"). Returns false when v·10^dec
 * does not fit exactly in an integer. */
static bool sb_fixed(sbuf *b, double v, int dec)
{
    if (dec < 0)
        dec = 0;
    if (dec > 15)
        dec = 15;
    double q = nearbyint(fabs(v) * pow10i(dec));
    if (!(q < 9.0e15))
        return false;
    long long iq = (long long)q;
    if (iq == 0) {
        sb_put(b, "0");
        return true;
    }
    long long P = 1;
    for (int i = 0; i < dec; i++)
        P *= 10;
    if (v < 0)
        sb_put(b, "-");
    sb_int(b, iq / P);
    long long f = iq % P;
    if (dec > 0 && f != 0) {
        char digits[20];
        for (int i = dec - 1; i >= 0; i--) {
            digits[i] = (char)('0' + f % 10);
            f /= 10;
        }
        int k = dec;
        while (k > 0 && digits[k - 1] == '0')
            k--;
        digits[k] = '\0';
        sb_put(b, ".");
        sb_put(b, digits);
    }
    return true;
}

/* Fewest decimals (≤ 15) that write x exactly enough (relative 1e-9). */
static int decimals_for(double x)
{
    x = fabs(x);
    if (x == 0 || !isfinite(x))
        return 0;
    for (int d = 0; d < 15; d++) {
        double s = x * pow10i(d);
        if (fabs(s - nearbyint(s)) <= 1e-9 * fmax(s, 1.0))
            return d;
    }
    return 15;
}

/* "m×10ᴱ" with m = v / 10^E at `dec` decimals; "10ᴱ" when m is 1 and
 * `bare` (log axis decades). */
static void sb_sci(sbuf *b, double v, int E, int dec, bool bare)
{
    double m = v / pow10i(E);
    char t[TICK_LABEL_MAX];
    sbuf mb;
    sb_init(&mb, t, sizeof t);
    sb_fixed(&mb, m, dec);
    if (strcmp(t, "0") == 0) {
        sb_put(b, "0");
        return;
    }
    if (bare && strcmp(t, "1") == 0) {
        sb_put(b, "10");
    } else {
        sb_put(b, t);
        sb_put(b, "×10");
    }
    sb_superscript(b, E);
}

/* k/M/G/T unit for a magnitude in [1e4, 1e15). */
static double unit_for(double a, const char **suffix)
{
    if (a < 1e6) {
        *suffix = "k";
        return 1e3;
    }
    if (a < 1e9) {
        *suffix = "M";
        return 1e6;
    }
    if (a < 1e12) {
        *suffix = "G";
        return 1e9;
    }
    *suffix = "T";
    return 1e12;
}

/* ---- formatting ---------------------------------------------------------- */

void ticks_format_linear(double v, double step, double amax, char *out, size_t outsz)
{
    sbuf b;
    sb_init(&b, out, outsz);
    if (!isfinite(v)) {
        sb_put(&b, "n/a");
        return;
    }
    step = fabs(step);
    amax = fabs(amax);
    if (!(step > 0) || !isfinite(step))
        step = fabs(v) > 0 ? fabs(v) : 1;
    if (fabs(v) < step * 1e-9) {
        sb_put(&b, "0");
        return;
    }
    if (amax >= 1e15 || (amax > 0 && amax < 1e-3)) {
        int E = (int)floor(log10(amax) + 1e-9);
        sb_sci(&b, v, E, decimals_for(step / pow10i(E)), false);
        return;
    }
    if (amax >= 1e4) {
        const char *suf;
        double u = unit_for(amax, &suf);
        if (!sb_fixed(&b, v / u, decimals_for(step / u)))
            return;
        sb_put(&b, suf);
        return;
    }
    if (!sb_fixed(&b, v, decimals_for(step)))
        sb_sci(&b, v, (int)floor(log10(fabs(v))), 2, false);
}

static void format_log(double v, bool suffix, bool powers_below_1, char *out, size_t outsz)
{
    sbuf b;
    sb_init(&b, out, outsz);
    if (!isfinite(v) || v <= 0) {
        sb_put(&b, isfinite(v) && v == 0 ? "0" : "n/a");
        return;
    }
    int E = (int)floor(log10(v) + 1e-9);
    if (v >= 1e15 * (1 - 1e-9) || v < 1e-4 * (1 - 1e-9) || (powers_below_1 && v < 1 - 1e-9)) {
        sb_sci(&b, v, E, decimals_for(v / pow10i(E)), true);
        return;
    }
    if (suffix && v >= 1e3 * (1 - 1e-9)) {
        const char *suf;
        double u = unit_for(v * (1 + 1e-12), &suf);
        sb_fixed(&b, v / u, decimals_for(v / u));
        sb_put(&b, suf);
        return;
    }
    sb_fixed(&b, v, decimals_for(v));
}

void ticks_format_log(double v, bool suffix, char *out, size_t outsz)
{
    format_log(v, suffix, false, out, outsz);
}

void ticks_format_value(double v, int sig, char *out, size_t outsz)
{
    sbuf b;
    sb_init(&b, out, outsz);
    if (!isfinite(v)) {
        sb_put(&b, "n/a");
        return;
    }
    if (sig < 1)
        sig = 1;
    if (sig > 15)
        sig = 15;
    double a = fabs(v);
    if (a == 0) {
        sb_put(&b, "0");
        return;
    }
    int E = (int)floor(log10(a));
    /* round to sig digits first: the carry can reach the next power of ten
     * (999999 -> 1.00M) and must choose the unit */
    double r = nearbyint(a / pow10i(E - sig + 1));
    if (r >= pow10i(sig)) {
        E++;
        r = nearbyint(a / pow10i(E - sig + 1));
    }
    double ar = r * pow10i(E - sig + 1), vr = v < 0 ? -ar : ar;
    if (ar >= 1e15 || ar < 1e-4 * (1 - 1e-12)) {
        sb_sci(&b, vr, E, sig - 1, false);
        return;
    }
    if (ar >= 1e4) {
        const char *suf;
        double u = unit_for(ar * (1 + 1e-12), &suf);
        int Es = (int)floor(log10(ar / u) + 1e-12);
        sb_fixed(&b, vr / u, sig - 1 - Es);
        sb_put(&b, suf);
        return;
    }
    sb_fixed(&b, v, sig - 1 - E);
}

/* ---- tick generation ----------------------------------------------------- */

double ticks_nice_step(double range, int target)
{
    if (!(range > 0) || !isfinite(range) || target < 1)
        return 0;
    double raw = range / target;
    double e = floor(log10(raw));
    double f = raw / pow(10.0, e);
    double m;
    if (f < 1.5)
        m = 1;
    else if (f < 3.0)
        m = 2;
    else if (f < 7.0)
        m = 5;
    else
        m = 10;
    return m * pow(10.0, e);
}

static void add_tick(plot_ticks *t, double v, bool major)
{
    if (t->n >= TICKS_MAX)
        return;
    plot_tick *k = &t->t[t->n++];
    k->value = v;
    k->major = major;
    k->label[0] = '\0';
}

bool ticks_linear(double lo, double hi, int target, plot_ticks *out)
{
    out->n = 0;
    if (!isfinite(lo) || !isfinite(hi) || lo > hi)
        return false;
    if (hi - lo <= fmax(fabs(lo), fabs(hi)) * 1e-12) {
        double w = lo != 0 ? fabs(lo) * 0.1 : 1.0;
        lo -= w;
        hi += w;
    }
    if (target < 2)
        target = 2;
    if (target > 20)
        target = 20;
    double step = ticks_nice_step(hi - lo, target);
    if (!(step > 0))
        return false;
    double k0 = ceil(lo / step - 1e-9), k1 = floor(hi / step + 1e-9);
    if (k1 - k0 > TICKS_MAX - 1)
        return false;
    for (double k = k0; k <= k1; k++) {
        double v = k * step;
        if (fabs(v) < step * 1e-9)
            v = 0;
        add_tick(out, v, true);
    }
    double amax = 0;
    for (int i = 0; i < out->n; i++)
        amax = fmax(amax, fabs(out->t[i].value));
    for (int i = 0; i < out->n; i++)
        ticks_format_linear(out->t[i].value, step, amax, out->t[i].label, TICK_LABEL_MAX);
    return true;
}

static bool in_range(double v, double lo, double hi)
{
    return v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
}

/* How many multiples m·10^k (m in the set) lie in [lo, hi]. */
static int count_multiples(double lo, double hi, const int *ms, int nm)
{
    int kmin = (int)floor(log10(lo)) - 1, kmax = (int)ceil(log10(hi)) + 1;
    int c = 0;
    for (int k = kmin; k <= kmax; k++)
        for (int i = 0; i < nm; i++)
            if (in_range(ms[i] * pow10i(k), lo, hi))
                c++;
    return c;
}

bool ticks_log(double lo, double hi, int max_labels, plot_ticks *out)
{
    out->n = 0;
    if (!isfinite(lo) || !isfinite(hi) || !(lo > 0) || !(hi > lo))
        return false;
    if (max_labels < 2)
        max_labels = 2;
    bool suffix = hi >= 1e4 * (1 - 1e-9);
    /* an axis reaching below 1e-3 writes every value under 1 as a power of
     * ten (0.1, 0.01, 10⁻⁴ side by side reads badly) */
    bool powers = lo < 1e-3 * (1 - 1e-9);
    double l0 = log10(lo), l1 = log10(hi), ndec = l1 - l0;
    static const int dec[] = {1}, one25[] = {1, 2, 5}, all[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    int n_dec = count_multiples(lo, hi, dec, 1);
    int n_125 = count_multiples(lo, hi, one25, 3);
    int n_all = count_multiples(lo, hi, all, 9);

    enum { DECADES, ONE25, ALL, LINEAR } mode;
    if (n_dec >= 3)
        mode = DECADES;
    else if (n_125 >= 3 && n_125 <= max_labels)
        mode = ONE25;
    else if (n_all >= 3 && n_all <= max_labels)
        mode = ALL;
    else if (n_dec >= 2)
        mode = DECADES;
    else
        mode = LINEAR;

    if (mode == LINEAR) {
        plot_ticks lin;
        if (!ticks_linear(lo, hi, max_labels < 5 ? max_labels : 5, &lin))
            return false;
        for (int i = 0; i < lin.n; i++)
            if (lin.t[i].value > 0)
                out->t[out->n++] = lin.t[i];
        return out->n > 0;
    }

    int stride = 1;
    if (mode == DECADES && n_dec > max_labels)
        stride = (n_dec + max_labels - 1) / max_labels;
    bool minors = ndec <= 6;
    int kmin = (int)floor(l0) - 1, kmax = (int)ceil(l1) + 1;
    for (int k = kmin; k <= kmax; k++) {
        for (int m = 1; m <= 9; m++) {
            double v = m * pow10i(k);
            if (!in_range(v, lo, hi))
                continue;
            bool major;
            if (m == 1)
                major = mode != DECADES || ((k % stride) + stride) % stride == 0;
            else if (mode == ONE25)
                major = m == 2 || m == 5;
            else
                major = mode == ALL;
            if (!major && m != 1 && !minors)
                continue;
            if (!major && m == 1 && ndec > 60)
                continue;
            add_tick(out, v, major);
            if (major)
                format_log(v, suffix, powers, out->t[out->n - 1].label, TICK_LABEL_MAX);
        }
    }
    return out->n > 0;
}
