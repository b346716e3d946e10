/* Text allowed in XML character data: what passes, what is replaced. */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "util/xmltext.h"

Test(xmltext, accepts_xml_characters_in_shortest_utf8)
{
    cr_expect(xml_text_ok(""));
    cr_expect(xml_text_ok("plain ASCII, tab\t, LF\n, CR\r"));
    cr_expect(xml_text_ok("γ_{Padé} ≈ 0.98 · θ√2 \xF0\x9F\x98\x80")); /* 2-, 3- and 4-byte forms */
    cr_expect(xml_text_ok("\xEF\xBF\xBD")); /* U+FFFD itself */
}

Test(xmltext, refuses_what_an_xml_parser_would_refuse)
{
    cr_expect_not(xml_text_ok("overlong \xC1\x96"), "2-byte overlong (xmlCheckUTF8 accepts it)");
    cr_expect_not(xml_text_ok("overlong \xE0\x80\xAF"), "3-byte overlong");
    cr_expect_not(xml_text_ok("overlong \xF0\x80\x80\xAF"), "4-byte overlong");
    cr_expect_not(xml_text_ok("surrogate \xED\xA0\x80"));
    cr_expect_not(xml_text_ok("beyond U+10FFFF \xF4\x90\x80\x80"));
    cr_expect_not(xml_text_ok("U+FFFE \xEF\xBF\xBE"));
    cr_expect_not(xml_text_ok("bell \a"));
    cr_expect_not(xml_text_ok("truncated \xCE"));
    cr_expect_not(xml_text_ok("stray continuation \x80"));
}

Test(xmltext, safe_text_replaces_each_bad_byte_and_keeps_the_rest)
{
    char *s = xml_safe_text("a\xC1\x96z\x01 γ");
    cr_assert_not_null(s);
    cr_expect_str_eq(s, "a\xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBD γ");
    cr_expect(xml_text_ok(s));
    free(s);
}
