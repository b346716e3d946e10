/* Renderers for the diff report (diff/sitediff.h): Markdown (a ready
 * pull-request comment), JSON (the report object itself) and plain text.
 *
 * Markdown layout: one summary line; the verdict-change table (they matter
 * most); added and removed models; then per changed model its changed
 * inputs, caveats and confidence, and its number / chart-series / other
 * changes as tables, folded into a <details> block when longer than
 * REPORT_MD_FOLD_LINES lines. Every text that comes from a card (model ids,
 * verdicts, strings, paths) is escaped so that it can neither become HTML
 * nor Markdown markup, nor mention a user, in a GitHub comment. */
#ifndef TAF_DIFF_REPORT_H
#define TAF_DIFF_REPORT_H

#include <stdbool.h>
#include <cjson/cJSON.h>

typedef enum { REPORT_MARKDOWN, REPORT_JSON, REPORT_TEXT } report_format;

/* Table rows of one model beyond which its details are folded. */
#define REPORT_MD_FOLD_LINES 15
/* Rows shown per table per model; the rest are counted (JSON lists all). */
#define REPORT_MD_MAX_ROWS 150
/* Markdown longer than this (GitHub comments hold 65536 characters) is
 * rendered again with 40, 10, then 0 rows per table (counts only). */
#define REPORT_MD_MAX_CHARS 60000

/* "markdown" | "md" | "json" | "text" → *f; false otherwise. */
bool report_parse_format(const char *name, report_format *f);

/* The report rendered in a format, malloc'd, ending in a newline. */
char *report_render(const cJSON *report, report_format f);

/* Markdown-escape text for a table cell, a heading or a list item: & < >
 * become entities, | ` @ become \| &#96; &#64;, Markdown punctuation
 * (\ * _ [ ] ~ #) is backslash-escaped, line breaks become spaces.
 * malloc'd. */
char *report_md_escape(const char *s);

#endif
