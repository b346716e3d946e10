#include "util/xmltext.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Length of the allowed character at p, or 0. */
static size_t allowed_char(const unsigned char *p)
{
    unsigned c = p[0], cp = 0;
    size_t len = 0;
    if (c < 0x80) {
        cp = c;
        len = 1;
    } else if (c >= 0xC2 && c <= 0xDF && (p[1] & 0xC0) == 0x80) {
        cp = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        cp = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        len = cp >= 0x800 ? 3 : 0;
    } else if (c >= 0xF0 && c <= 0xF4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
               (p[3] & 0xC0) == 0x80) {
        cp = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
        len = cp >= 0x10000 && cp <= 0x10FFFF ? 4 : 0;
    }
    bool ok = len > 0 && (cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                          (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000);
    return ok ? len : 0;
}

bool xml_text_ok(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        size_t len = allowed_char(p);
        if (!len)
            return false;
        p += len;
    }
    return true;
}

char *xml_safe_text(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1), *o = out;
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p >= 0x20 && *p < 0x80) {
            /* printable ASCII, most of the text: allowed as it is */
            *o++ = (char)*p++;
            continue;
        }
        size_t len = allowed_char(p);
        if (len) {
            memcpy(o, p, len);
            o += len;
            p += len;
        } else {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3;
            p += 1;
        }
    }
    *o = '\0';
    return out;
}
