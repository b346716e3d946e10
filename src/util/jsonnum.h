/* Number and JSON-value formatting that matches the reference (Python) byte
 * for byte and never depends on the process locale.
 *
 * Why: cJSON prints doubles with %1.15g and accepts an approximate round-trip,
 * which changes values (0.1+0.2 -> 0.3); card JSON, vectors and diffs need
 * exact, shortest round-trip text. Python's repr() is that text. */
#ifndef TAF_UTIL_JSONNUM_H
#define TAF_UTIL_JSONNUM_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* Buffer size that holds any formatted double produced here. */
#define PYNUM_BUFSZ 64

/* Python repr(float): shortest digits that read back bit-identical;
 * fixed notation when the decimal exponent is in [-4, 16), else
 * scientific "1e+16" / "1.5e-05"; integral fixed values end in ".0".
 * Non-finite values give "inf", "-inf", "nan" (as Python prints them). */
void py_repr_double(double x, char out[PYNUM_BUFSZ]);

/* Python f"{x:.{prec}f}" (half-to-even on the exact binary value, as C's
 * printf in the C locale). out must hold at least 512 bytes for huge x. */
void py_fmt_fixed(double x, int prec, char *out, size_t outsz);

/* Python f"{x:,.{prec}f}": fixed with ',' thousands separators inserted by
 * us, not by the locale. */
void py_fmt_thousands(double x, int prec, char *out, size_t outsz);

/* Python f"{x:.{prec}e}" -> "1.60e+11" (at least two exponent digits). */
void py_fmt_exp(double x, int prec, char *out, size_t outsz);

/* Python f"{x:+.{prec}f}" -> "+0.1234" / "-0.5000". */
void py_fmt_signed_fixed(double x, int prec, char *out, size_t outsz);

/* JSON number node holding Python's repr of a float (e.g. 2.0, 1e+16);
 * non-finite -> JSON null. Always returns a node (NULL only on OOM). */
cJSON *jnum(double x);

/* JSON integer node, printed without a fractional part. */
cJSON *jint(long long v);

/* Add helpers: same as cJSON_AddItemToObject with the nodes above.
 * Return the added node. */
cJSON *jadd_num(cJSON *obj, const char *key, double x);
cJSON *jadd_int(cJSON *obj, const char *key, long long v);
cJSON *jadd_str(cJSON *obj, const char *key, const char *s);
cJSON *jadd_bool(cJSON *obj, const char *key, int b);
cJSON *jadd_null(cJSON *obj, const char *key);

/* Read a JSON number node as double whether it is a parsed number or one
 * of our raw number nodes; returns 0 and leaves *out untouched if the node
 * is not numeric. */
int jget_double(const cJSON *node, double *out);

#endif
