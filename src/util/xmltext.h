/* Text that may go into an XML document as character data. */
#ifndef TAF_UTIL_XMLTEXT_H
#define TAF_UTIL_XMLTEXT_H

#include <stdbool.h>

/* True when s is valid, shortest-form UTF-8 holding only characters XML
 * 1.0 allows (tab, LF, CR, U+0020..U+D7FF, U+E000..U+FFFD,
 * U+10000..U+10FFFF). libxml2's xmlCheckUTF8 accepts overlong forms,
 * which its own parser then refuses: a page or chart would not load. */
bool xml_text_ok(const char *s);

/* A malloc'd copy of s with every byte sequence xml_text_ok refuses
 * replaced by U+FFFD, so data from an input can neither break a
 * document's well-formedness nor reach it raw. NULL when out of memory. */
char *xml_safe_text(const char *s);

#endif
