/* SVG canonicaliser: makes cairo's SVG output byte-stable and accessible.
 *
 * cairo 1.16 names ids from process-global counters (surface1, surface6,
 * glyph0-1, clip3, ...), so two identical charts drawn in one process
 * differ. This pass parses the SVG with libxml2 (XML_PARSE_NONET, entities
 * not substituted, no DTD loading), renumbers every id in document order
 * as PREFIX0, PREFIX1, ... and rewrites every reference to them
 * (xlink:href="#id", href="#id", url(#id) in any attribute, style
 * included), puts <title id="PREFIXtitle"> and <desc id="PREFIXdesc"> first
 * under the root (replacing earlier ones, so the pass is idempotent), sets
 * role="img" and aria-labelledby="PREFIXtitle PREFIXdesc" on the root, and
 * serialises through libxml2 (never by string concatenation). */
#ifndef TAF_RENDER_SVGCANON_H
#define TAF_RENDER_SVGCANON_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

typedef struct {
    const char *title;     /* plain UTF-8 text; NULL or "" -> "Chart" */
    const char *desc;      /* plain UTF-8 text; NULL -> no <desc> */
    const char *id_prefix; /* NULL -> "s"; must match [A-Za-z_][A-Za-z0-9_.-]* */
} svg_canon_opts;

/* Canonicalise the SVG in in[0..len) into a malloc'd, NUL-terminated
 * buffer (*out, *out_len without the NUL). Errors (code "svg-parse",
 * "svg-not-svg", "svg-bad-text", "svg-bad-prefix", "oom") leave *out NULL. */
bool svg_canonicalize_buffer(const char *in, size_t len, const svg_canon_opts *opts, char **out,
                             size_t *out_len, taf_err *err);

/* Canonicalise the file at path in place (prefix "s"); the file is
 * replaced atomically (temp file in the same directory + rename), so an
 * error leaves the original untouched. */
bool svg_canonicalize_file(const char *path, const char *title, const char *desc, taf_err *err);

#endif
