#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

bool taf_fail(taf_err *e, const char *code, const char *hint, const char *fmt, ...)
{
    if (!e)
        return false;
    snprintf(e->code, sizeof e->code, "%s", code);
    snprintf(e->hint, sizeof e->hint, "%s", hint ? hint : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return false;
}
