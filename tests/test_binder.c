/* The XHTML template binder. */
#include <string.h>

#include <criterion/criterion.h>

#include "render/binder.h"

static char *render(const char *tpl, const char *json, taf_err *err)
{
    xmlDocPtr t = tpl_load_memory(tpl, strlen(tpl), "t.xhtml", err);
    cr_assert_not_null(t, "%s", err->message);
    cJSON *data = cJSON_Parse(json);
    cr_assert_not_null(data);
    xmlDocPtr d = tpl_bind(t, "t.xhtml", data, err);
    char *out = d ? tpl_serialize(d, NULL) : NULL;
    if (d)
        xmlFreeDoc(d);
    xmlFreeDoc(t);
    cJSON_Delete(data);
    return out;
}

Test(binder, text_is_escaped_by_the_serializer)
{
    taf_err err;
    char *out = render("<p data-text=\"id\">x</p>", "{\"id\": \"evil/<script>alert(1)</script>&\"}",
                       &err);
    cr_assert_not_null(out);
    cr_expect(strstr(out, "<script>") == NULL, "%s", out);
    cr_expect(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;&amp;") != NULL, "%s", out);
    free(out);
}

Test(binder, repeat_over_array_and_object_with_key_and_index)
{
    taf_err err;
    char *out = render("<ul><li data-repeat=\"xs\"><b data-text=\"@index\"/><i data-text=\"name\"/></li>"
                       "<li data-repeat=\"o\"><b data-text=\"@key\"/>=<i data-text=\".\"/></li></ul>",
                       "{\"xs\": [{\"name\": \"a\"}, {\"name\": \"b\"}], \"o\": {\"k1\": 1, \"k2\": \"v\"}}",
                       &err);
    cr_assert_not_null(out);
    cr_expect(strstr(out, "<li><b>1</b><i>a</i></li><li><b>2</b><i>b</i></li>") != NULL, "%s", out);
    cr_expect(strstr(out, "<li><b>k1</b>=<i>1</i></li><li><b>k2</b>=<i>v</i></li>") != NULL, "%s", out);
    cr_expect(strstr(out, "data-") == NULL, "binding attributes are removed: %s", out);
    free(out);
}

Test(binder, empty_repeat_and_false_condition_remove_the_element)
{
    taf_err err;
    char *out = render("<div><p data-repeat=\"xs\">r</p><p data-if=\"flag\">yes</p>"
                       "<p data-if-not=\"flag\">no</p><p data-if=\"missing\">m</p></div>",
                       "{\"xs\": [], \"flag\": false}", &err);
    cr_assert_not_null(out);
    cr_expect(strstr(out, "<div><p>no</p></div>") != NULL, "%s", out);
    free(out);
}

Test(binder, attributes_interpolate_paths)
{
    taf_err err;
    char *out = render("<a data-attr=\"href=models/{slug}/index.html;class=chip v-{v}\">x</a>",
                       "{\"slug\": \"org--m\", \"v\": \"yes\"}", &err);
    cr_assert_not_null(out);
    cr_expect(strstr(out, "href=\"models/org--m/index.html\"") != NULL, "%s", out);
    cr_expect(strstr(out, "class=\"chip v-yes\"") != NULL, "%s", out);
    free(out);
}

Test(binder, numbers_use_the_requested_format_and_null_shows_missing)
{
    taf_err err;
    char *out = render("<p><a data-text=\"x\" data-format=\"f3\"/><b data-text=\"y\" data-format=\"thousands\"/>"
                       "<c data-text=\"z\"/><d data-text=\"n\" data-missing=\"n/a\"/><e data-text=\"p\" data-format=\"pct1\"/></p>",
                       "{\"x\": 0.74760178, \"y\": 1143076.77, \"z\": 2, \"n\": null, \"p\": 0.1234}", &err);
    cr_assert_not_null(out);
    cr_expect(strstr(out, "<a>0.748</a><b>1,143,077</b><c>2</c><d>n/a</d><e>12.3%</e>") != NULL, "%s", out);
    free(out);
}

Test(binder, unknown_format_is_an_error_naming_the_template)
{
    taf_err err;
    char *out = render("<p data-text=\"x\" data-format=\"bogus\"/>", "{\"x\": 1}", &err);
    cr_expect_null(out);
    cr_expect_str_eq(err.code, "BAD_TEMPLATE");
    cr_expect(strstr(err.message, "t.xhtml") && strstr(err.message, "bogus"));
}

Test(binder, malformed_template_is_rejected_with_its_line)
{
    taf_err err;
    xmlDocPtr t = tpl_load_memory("<p>\n<b></p>", 11, "bad.xhtml", &err);
    cr_expect_null(t);
    cr_expect(strstr(err.message, "bad.xhtml:2") != NULL, "%s", err.message);
}

Test(binder, doctype_is_kept_and_no_xml_declaration_is_written)
{
    taf_err err;
    char *out = render("<!DOCTYPE html>\n<html><head><title data-text=\"t\"/></head><body/></html>",
                       "{\"t\": \"γ ≥ 1\"}", &err);
    cr_assert_not_null(out);
    cr_expect(strncmp(out, "<!DOCTYPE html>", 15) == 0, "%s", out);
    cr_expect(strstr(out, "<?xml") == NULL);
    cr_expect(strstr(out, "<title>γ ≥ 1</title>") != NULL, "%s", out);
    free(out);
}

Test(binder, empty_non_void_elements_get_an_end_tag_for_html_parsers)
{
    taf_err err;
    char *out = render("<html><head><script src=\"s.js\"/><link rel=\"x\"/></head><body><div/><br/></body></html>",
                       "{}", &err);
    cr_assert_not_null(out);
    cr_expect(strstr(out, "<script src=\"s.js\"></script>") != NULL, "%s", out);
    cr_expect(strstr(out, "<div></div>") != NULL, "%s", out);
    cr_expect(strstr(out, "<br/>") != NULL, "void elements stay self-closed: %s", out);
    free(out);
}

Test(binder, binding_attributes_given_as_dtd_defaults_still_bind)
{
    /* xmlGetProp reports an attribute a DTD declares with a default value;
     * the binder's one-pass attribute scan must not lose that case */
    taf_err err;
    char *out = render("<!DOCTYPE div [<!ATTLIST p data-text CDATA \"v\">]>"
                       "<div><p>old</p><b data-text=\"v\"/></div>",
                       "{\"v\": \"new\"}", &err);
    cr_assert_not_null(out, "%s", err.message);
    cr_expect(strstr(out, "<p>new</p><b>new</b>") != NULL, "%s", out);
    free(out);
}

Test(binder, elements_without_bindings_are_copied_unchanged_around_bound_ones)
{
    taf_err err;
    char *out = render("<div id=\"a\" data-x=\"keep\" class=\"c\"><span title=\"t\">s</span>"
                       "<i data-text=\"v\" lang=\"en\">old</i></div>",
                       "{\"v\": 1.5}", &err);
    cr_assert_not_null(out, "%s", err.message);
    cr_expect(strstr(out, "<div id=\"a\" data-x=\"keep\" class=\"c\"><span title=\"t\">s</span>"
                          "<i lang=\"en\">1.5</i></div>") != NULL, "%s", out);
    free(out);
}

Test(binder, a_binding_attribute_set_by_data_attr_is_bound_like_a_written_one)
{
    /* data-attr runs before data-text is read, so it can supply it */
    taf_err err;
    char *out = render("<div><p data-attr=\"data-text=v\">old</p></div>", "{\"v\": \"new\"}", &err);
    cr_assert_not_null(out, "%s", err.message);
    cr_expect(strstr(out, "<div><p>new</p></div>") != NULL, "%s", out);
    free(out);
}

Test(binder, namespaced_and_repeated_binding_attributes_follow_libxml2)
{
    /* xmlGetProp reads the first attribute of a name in any namespace and
     * xmlUnsetProp removes the first one without a namespace; an
     * attribute with a namespace stays in the output */
    taf_err err;
    char *out = render("<div xmlns:q=\"urn:q\"><p q:data-text=\"a\" data-text=\"b\">old</p></div>",
                       "{\"a\": \"A\", \"b\": \"B\"}", &err);
    cr_assert_not_null(out, "%s", err.message);
    cr_expect(strstr(out, "<p q:data-text=\"a\">A</p>") != NULL, "%s", out);
    free(out);
}

Test(binder, default_number_text_drops_the_point_of_integers_below_1e15)
{
    taf_err err;
    char *out = render("<p><a data-text=\"a\"/><b data-text=\"b\"/><c data-text=\"c\"/>"
                       "<d data-text=\"d\"/><e data-text=\"e\"/><f data-text=\"f\"/>"
                       "<g data-text=\"g\"/></p>",
                       "{\"a\": 2.0, \"b\": -7, \"c\": -0.0, \"d\": 999999999999999, "
                       "\"e\": 1e15, \"f\": 0.5, \"g\": -123456789012345}",
                       &err);
    cr_assert_not_null(out, "%s", err.message);
    cr_expect(strstr(out, "<a>2</a><b>-7</b><c>-0</c><d>999999999999999</d>"
                          "<e>1000000000000000.0</e><f>0.5</f><g>-123456789012345</g>") != NULL,
              "%s", out);
    free(out);
}

Test(binder, text_with_control_and_invalid_bytes_becomes_replacement_characters)
{
    taf_err err;
    char *out = render("<p data-text=\"s\"/>", "{\"s\": \"a\\tb\\u0001c\\u00e9\\ud83d\\ude00\"}", &err);
    cr_assert_not_null(out, "%s", err.message);
    cr_expect(strstr(out, "<p>a\tb\xEF\xBF\xBD" "c\xC3\xA9\xF0\x9F\x98\x80</p>") != NULL, "%s", out);
    free(out);
}
