/* The template binder: fills a well-formed XHTML template from a JSON
 * value through binding attributes, on a libxml2 DOM, so every value is
 * escaped by the serialiser — no markup is ever built from strings.
 *
 * Binding attributes (removed from the output):
 *   data-text="PATH"          element text = value at PATH (numbers through
 *                             data-format, default: shortest exact repr)
 *   data-format="FMT"         f0..f6 fixed, g3..g6 significant, pct0..pct2
 *                             (×100 and %), thousands, sci0..sci3, int
 *   data-format-from="PATH"   take the format name from the data instead
 *   data-repeat="PATH"        clone the element once per array item / object
 *                             member; inside, PATHs are relative to the item
 *   data-if="PATH"            keep the element only when the value is truthy
 *   data-if-not="PATH"        keep it only when falsy
 *   data-attr="a=TEXT;b=TEXT" set attributes; {PATH} in TEXT is replaced by
 *                             the value (e.g. href=models/{slug}/index.html)
 *   data-missing="TEXT"       text used by data-text when the value is null
 *                             or absent (default "—")
 * PATH: dot-separated keys/indices from the current item ("model.id",
 * "chain.0.result"); "$." starts from the root; "." is the item itself;
 * "@key" is the member name in an object repeat, "@index" the 1-based
 * position. Falsy: absent, null, false, "", 0, empty array/object.
 *
 * Hostile data: text from the data is made valid XML before it is
 * inserted (invalid UTF-8, control characters and other characters XML
 * cannot hold become U+FFFD), attribute names in data-attr must be XML
 * names (BAD_TEMPLATE), and a page whose data-repeat expansion would pass
 * two million nodes fails with TOO_LARGE instead of exhausting memory. */
#ifndef TAF_RENDER_BINDER_H
#define TAF_RENDER_BINDER_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>
#include <libxml/tree.h>

#include "util/err.h"

/* Parse a template file (XML, no network, no entity expansion). */
xmlDocPtr tpl_load(const char *path, taf_err *err);

/* Same from memory; `name` labels errors. */
xmlDocPtr tpl_load_memory(const char *xml, size_t len, const char *name, taf_err *err);

/* Bind a copy of `tpl` to `data`; NULL + err on a malformed binding
 * (the message names the template and the attribute). */
xmlDocPtr tpl_bind(xmlDocPtr tpl, const char *tpl_name, const cJSON *data, taf_err *err);

/* Serialise as an HTML5-compatible XHTML page ("<!DOCTYPE html>" + the
 * root element, UTF-8, no XML declaration) into a malloc'd buffer. */
char *tpl_serialize(xmlDocPtr doc, size_t *len);

/* Value at PATH relative to `item` (or the root for "$." paths). */
const cJSON *tpl_lookup(const cJSON *root, const cJSON *item, const char *path);

/* Format a JSON number for people with one of the data-format names;
 * false for an unknown format. */
bool tpl_format_number(double x, const char *fmt, char *out, size_t outsz);

#endif
