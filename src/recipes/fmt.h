/* Python f-string formatting for recipe messages, into caller-owned
 * buffers (no static storage: recipes run on worker threads). */
#ifndef TAF_RECIPES_FMT_H
#define TAF_RECIPES_FMT_H

#include "util/jsonnum.h"

typedef struct { char s[512]; } nbuf;

/* f"{x:.{p}f}" */
static inline const char *f_fixed(nbuf *b, double x, int p)
{
    py_fmt_fixed(x, p, b->s, sizeof b->s);
    return b->s;
}
/* f"{x:,.0f}" */
static inline const char *f_thousands(nbuf *b, double x)
{
    py_fmt_thousands(x, 0, b->s, sizeof b->s);
    return b->s;
}
/* f"{x:+.{p}f}" */
static inline const char *f_signed(nbuf *b, double x, int p)
{
    py_fmt_signed_fixed(x, p, b->s, sizeof b->s);
    return b->s;
}
/* f"{x:.{p}e}" */
static inline const char *f_exp(nbuf *b, double x, int p)
{
    py_fmt_exp(x, p, b->s, sizeof b->s);
    return b->s;
}
/* f"{x}" of a Python float */
static inline const char *f_repr(nbuf *b, double x)
{
    py_repr_double(x, b->s);
    return b->s;
}

#endif
