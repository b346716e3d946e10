#include "render/binder.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlsave.h>

#include "util/jsonnum.h"
#include "util/xmltext.h"

/* libxml2 messages end in a newline; an error is one line. */
static void chomp(taf_err *err)
{
    if (!err)
        return;
    size_t n = strlen(err->message);
    while (n > 0 && (err->message[n - 1] == '\n' || err->message[n - 1] == ' '))
        err->message[--n] = '\0';
}

xmlDocPtr tpl_load(const char *path, taf_err *err)
{
    xmlDocPtr doc = xmlReadFile(path, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        taf_fail(err, "BAD_TEMPLATE", "templates must be well-formed XHTML",
                 "%s:%d: %s", path, e ? e->line : 0,
                 e && e->message ? e->message : "not well-formed XML");
        chomp(err);
        xmlResetLastError();
    }
    return doc;
}

xmlDocPtr tpl_load_memory(const char *xml, size_t len, const char *name, taf_err *err)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)len, name, "UTF-8", XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        taf_fail(err, "BAD_TEMPLATE", "templates must be well-formed XHTML", "%s:%d: %s", name,
                 e ? e->line : 0, e && e->message ? e->message : "not well-formed XML");
        chomp(err);
        xmlResetLastError();
    }
    return doc;
}

static const cJSON *step(const cJSON *v, const char *key, size_t len)
{
    char buf[256];
    if (!v || len == 0 || len >= sizeof buf)
        return NULL;
    memcpy(buf, key, len);
    buf[len] = '\0';
    if (cJSON_IsArray(v)) {
        char *end;
        long i = strtol(buf, &end, 10);
        return *end == '\0' && i >= 0 ? cJSON_GetArrayItem(v, (int)i) : NULL;
    }
    return cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, buf) : NULL;
}

const cJSON *tpl_lookup(const cJSON *root, const cJSON *item, const char *path)
{
    const cJSON *v = item;
    if (strncmp(path, "$.", 2) == 0) {
        v = root;
        path += 2;
    } else if (strcmp(path, "$") == 0) {
        return root;
    }
    if (strcmp(path, ".") == 0)
        return item;
    while (v && *path) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        v = step(v, path, len);
        path += len + (dot ? 1 : 0);
    }
    return v;
}

bool tpl_format_number(double x, const char *fmt, char *out, size_t outsz)
{
    int p;
    if (!isfinite(x)) {
        snprintf(out, outsz, "—");
        return true;
    }
    if (fmt[0] == 'f' && fmt[1] >= '0' && fmt[1] <= '6' && !fmt[2]) {
        py_fmt_fixed(x, fmt[1] - '0', out, outsz);
    } else if (fmt[0] == 'g' && fmt[1] >= '1' && fmt[1] <= '9' && !fmt[2]) {
        snprintf(out, outsz, "%.*g", fmt[1] - '0', x);
    } else if (strncmp(fmt, "pct", 3) == 0 && sscanf(fmt, "pct%d", &p) == 1 && p >= 0 &&
               p <= 3) {
        char num[64];
        py_fmt_fixed(x * 100, p, num, sizeof num);
        snprintf(out, outsz, "%s%%", num);
    } else if (strcmp(fmt, "thousands") == 0) {
        py_fmt_thousands(x, 0, out, outsz);
    } else if (strncmp(fmt, "sci", 3) == 0 && sscanf(fmt, "sci%d", &p) == 1 && p >= 0 &&
               p <= 6) {
        py_fmt_exp(x, p, out, outsz);
    } else if (strcmp(fmt, "int") == 0) {
        py_fmt_fixed(x, 0, out, outsz);
    } else {
        return false;
    }
    /* "-0" reads as a sign error to people */
    if (out[0] == '-') {
        bool zero = true;
        for (const char *c = out + 1; *c; c++)
            if (*c >= '1' && *c <= '9')
                zero = false;
        if (zero)
            memmove(out, out + 1, strlen(out));
    }
    return true;
}

/* Data text as the page may hold it (util/xmltext.h): anything XML
 * forbids becomes U+FFFD, so data from an input can neither break the
 * page's well-formedness nor reach it raw. malloc'd. */
static char *page_text(const char *s)
{
    char *t = xml_safe_text(s);
    if (!t)
        abort(); /* as every other allocation failure of the binder */
    return t;
}

static bool truthy(const cJSON *v)
{
    if (!v || cJSON_IsNull(v) || cJSON_IsFalse(v))
        return false;
    if (cJSON_IsString(v))
        return v->valuestring[0] != '\0';
    if (cJSON_IsArray(v) || cJSON_IsObject(v))
        return v->child != NULL;
    double x;
    if (jget_double(v, &x))
        return x != 0;
    return true;
}

/* "%.0f" of an integral |x| < 1e15 (exact in a long long), without
 * printf's arbitrary-precision path: "-0" for negative zero. */
static void integer_text(double x, char out[32])
{
    long long v = (long long)x;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (signbit(x))
        *out++ = '-';
    while (n)
        *out++ = digits[--n];
    *out = '\0';
}

/* Text of a value for people; NULL for null/absent. malloc'd. */
static char *value_text(const cJSON *v, const char *fmt, bool *bad_fmt)
{
    double x;
    char buf[512];
    *bad_fmt = false;
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (cJSON_IsString(v))
        return page_text(v->valuestring);
    if (cJSON_IsBool(v))
        return strdup(cJSON_IsTrue(v) ? "yes" : "no");
    if (jget_double(v, &x)) {
        if (fmt) {
            if (!tpl_format_number(x, fmt, buf, sizeof buf)) {
                *bad_fmt = true;
                return NULL;
            }
            return strdup(buf);
        }
        /* people read 2, not 2.0; other values keep their exact digits */
        if (x == floor(x) && fabs(x) < 1e15)
            integer_text(x, buf);
        else
            py_repr_double(x, buf);
        return strdup(buf);
    }
    /* arrays and objects: their JSON text, made safe like any string */
    char *json = cJSON_PrintUnformatted(v);
    if (!json)
        return NULL;
    char *s = page_text(json);
    free(json);
    return s;
}

/* A bound page never needs more nodes than this; nested data-repeat over
 * large arrays grows multiplicatively, and a hostile template or data set
 * must fail with an error instead of exhausting memory. */
#define TPL_MAX_CLONED_NODES 2000000

typedef struct {
    const cJSON *root;
    const char *tpl_name;
    taf_err *err;
    bool failed;
    size_t cloned;          /* nodes created by data-repeat so far */
} bctx;

/* Nodes in the subtree under n (n included). */
static size_t subtree_size(xmlNodePtr n)
{
    size_t k = 1;
    for (xmlNodePtr c = n->children; c; c = c->next)
        k += subtree_size(c);
    return k;
}

static xmlChar *take_attr(xmlNodePtr n, const char *name)
{
    xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
    if (v)
        xmlUnsetProp(n, (const xmlChar *)name);
    return v;
}

/* The binding attributes, in the order bind_node takes them. */
enum { BA_REPEAT, BA_IF, BA_IF_NOT, BA_ATTR, BA_TEXT, BA_FORMAT, BA_FORMAT_FROM, BA_MISSING, BA_N };
static const char *const BA_NAME[BA_N] = {"data-repeat", "data-if",     "data-if-not",
                                          "data-attr",   "data-text",   "data-format",
                                          "data-format-from", "data-missing"};

/* An element's binding attributes, found in one pass over its attribute
 * list: a page has thousands of elements and most carry none, and asking
 * libxml2 for each of the eight names (xmlGetProp: a list scan and a DTD
 * lookup; xmlUnsetProp: another scan) cost a quarter of the binder's
 * instructions. xmlGetProp also reports attributes a DTD declares with a
 * default value: when the document's DTD declares any attribute, `dtd` is
 * set and every lookup goes through take_attr as before. */
typedef struct {
    bool dtd;
    xmlAttrPtr at[BA_N]; /* first attribute of each name, any namespace */
} binding_attrs;

static void find_binding_attrs(xmlNodePtr n, binding_attrs *b)
{
    memset(b, 0, sizeof *b);
    xmlDocPtr doc = n->doc;
    if (doc && ((doc->intSubset && doc->intSubset->attributes) ||
                (doc->extSubset && doc->extSubset->attributes))) {
        b->dtd = true;
        return;
    }
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (strncmp((const char *)a->name, "data-", 5) != 0)
            continue;
        for (int i = 0; i < BA_N; i++)
            if (!b->at[i] && strcmp((const char *)a->name, BA_NAME[i]) == 0)
                b->at[i] = a;
    }
}

/* take_attr(n, BA_NAME[i]) with the attribute already found: its value as
 * xmlGetProp gives it, and the attribute removed as xmlUnsetProp removes
 * it (the first one without a namespace: the found one, unless that has a
 * namespace, which take_attr handles). */
static xmlChar *take_binding(xmlNodePtr n, binding_attrs *b, int i)
{
    xmlAttrPtr a = b->at[i];
    if (b->dtd || (a && a->ns))
        return take_attr(n, BA_NAME[i]);
    if (!a)
        return NULL;
    b->at[i] = NULL;
    xmlNodePtr c = a->children;
    xmlChar *v;
    if (c && !c->next && (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)) {
        v = xmlStrdup(c->content);
    } else {
        v = c ? xmlNodeListGetString(a->doc, c, 1) : NULL;
        if (!v)
            v = xmlStrdup((const xmlChar *)"");
    }
    xmlUnlinkNode((xmlNodePtr)a);
    xmlFreeProp(a);
    return v;
}

/* Replace {PATH} in `text` with values from the item; malloc'd result. */
static char *interpolate(bctx *c, const cJSON *item, const char *key, long index,
                         const char *text)
{
    size_t cap = strlen(text) + 64, n = 0;
    char *out = malloc(cap);
    for (const char *p = text; *p;) {
        const char *val = NULL;
        char *owned = NULL, num[32];
        size_t vlen = 1;
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close) {
                taf_fail(c->err, "BAD_TEMPLATE", "close every {PATH} in data-attr",
                         "%s: unclosed '{' in data-attr \"%s\"", c->tpl_name, text);
                c->failed = true;
                free(out);
                return NULL;
            }
            char path[256];
            snprintf(path, sizeof path, "%.*s", (int)(close - p - 1), p + 1);
            if (strcmp(path, "@key") == 0) {
                owned = page_text(key ? key : "");
                val = owned;
            } else if (strcmp(path, "@index") == 0) {
                snprintf(num, sizeof num, "%ld", index);
                val = num;
            } else {
                bool bad;
                owned = value_text(tpl_lookup(c->root, item, path), NULL, &bad);
                val = owned ? owned : "";
            }
            vlen = strlen(val);
            p = close + 1;
        } else {
            val = p;
            p++;
        }
        if (n + vlen + 1 > cap) {
            cap = (n + vlen + 1) * 2;
            out = realloc(out, cap);
        }
        memcpy(out + n, val, vlen);
        n += vlen;
        free(owned);
    }
    out[n] = '\0';
    return out;
}

static void bind_node(bctx *c, xmlNodePtr n, const cJSON *item, const char *key, long index);

static void bind_children(bctx *c, xmlNodePtr parent, const cJSON *item, const char *key,
                          long index)
{
    xmlNodePtr child = parent->children;
    while (child && !c->failed) {
        xmlNodePtr next = child->next;
        if (child->type == XML_ELEMENT_NODE)
            bind_node(c, child, item, key, index);
        child = next;
    }
}

static void bind_node(bctx *c, xmlNodePtr n, const cJSON *item, const char *key, long index)
{
    binding_attrs ba;
    find_binding_attrs(n, &ba);
    xmlChar *rep = take_binding(n, &ba, BA_REPEAT);
    if (rep) {
        const cJSON *list = tpl_lookup(c->root, item, (const char *)rep);
        long i = 0;
        size_t size = subtree_size(n);
        for (const cJSON *it = (cJSON_IsArray(list) || cJSON_IsObject(list)) ? list->child : NULL;
             it && !c->failed; it = it->next) {
            c->cloned += size;
            if (c->cloned > TPL_MAX_CLONED_NODES) {
                taf_fail(c->err, "TOO_LARGE", "the data has too many items for this template",
                         "%s: data-repeat=\"%.100s\" makes more than %d nodes", c->tpl_name,
                         (const char *)rep, TPL_MAX_CLONED_NODES);
                c->failed = true;
                break;
            }
            xmlNodePtr copy = xmlCopyNode(n, 1);
            xmlAddPrevSibling(n, copy);
            bind_node(c, copy, it, cJSON_IsObject(list) ? it->string : NULL, ++i);
        }
        xmlFree(rep);
        xmlUnlinkNode(n);
        xmlFreeNode(n);
        return;
    }
    xmlChar *cond = take_binding(n, &ba, BA_IF);
    xmlChar *ncond = take_binding(n, &ba, BA_IF_NOT);
    bool keep = true;
    if (cond)
        keep = keep && truthy(tpl_lookup(c->root, item, (const char *)cond));
    if (ncond)
        keep = keep && !truthy(tpl_lookup(c->root, item, (const char *)ncond));
    xmlFree(cond);
    xmlFree(ncond);
    if (!keep) {
        xmlUnlinkNode(n);
        xmlFreeNode(n);
        return;
    }
    xmlChar *attrs = take_binding(n, &ba, BA_ATTR);
    if (attrs) {
        char *spec = strdup((const char *)attrs), *save = NULL;
        for (char *tok = strtok_r(spec, ";", &save); tok && !c->failed;
             tok = strtok_r(NULL, ";", &save)) {
            while (*tok == ' ')
                tok++;
            char *eq = strchr(tok, '=');
            if (!eq || eq == tok) {
                taf_fail(c->err, "BAD_TEMPLATE", "write data-attr=\"name=text;...\"",
                         "%s: bad data-attr entry \"%s\"", c->tpl_name, tok);
                c->failed = true;
                break;
            }
            *eq = '\0';
            if (xmlValidateName((const xmlChar *)tok, 0) != 0) {
                taf_fail(c->err, "BAD_TEMPLATE", "write data-attr=\"name=text;...\"",
                         "%s: data-attr names an invalid attribute \"%.100s\"", c->tpl_name,
                         tok);
                c->failed = true;
                break;
            }
            char *val = interpolate(c, item, key, index, eq + 1);
            if (val)
                xmlSetProp(n, (const xmlChar *)tok, (const xmlChar *)val);
            free(val);
        }
        free(spec);
        xmlFree(attrs);
        /* data-attr may have set a binding attribute taken below */
        find_binding_attrs(n, &ba);
    }
    xmlChar *text = take_binding(n, &ba, BA_TEXT);
    xmlChar *fmt = take_binding(n, &ba, BA_FORMAT);
    xmlChar *fmt_from = take_binding(n, &ba, BA_FORMAT_FROM);
    if (fmt_from) {
        const cJSON *f = tpl_lookup(c->root, item, (const char *)fmt_from);
        if (cJSON_IsString(f)) {
            xmlFree(fmt);
            fmt = xmlStrdup((const xmlChar *)f->valuestring);
        }
        xmlFree(fmt_from);
    }
    xmlChar *missing = take_binding(n, &ba, BA_MISSING);
    if (text && !c->failed) {
        const char *path = (const char *)text;
        bool bad = false;
        char *s = NULL;
        if (strcmp(path, "@key") == 0)
            s = page_text(key ? key : "");
        else if (strcmp(path, "@index") == 0) {
            char num[32];
            snprintf(num, sizeof num, "%ld", index);
            s = strdup(num);
        } else
            s = value_text(tpl_lookup(c->root, item, path), (const char *)fmt, &bad);
        if (bad) {
            taf_fail(c->err, "BAD_TEMPLATE", "see src/render/binder.h for formats",
                     "%s: unknown data-format \"%s\"", c->tpl_name, (const char *)fmt);
            c->failed = true;
        } else {
            /* xmlNodeSetContent would parse entities; add a text node instead */
            while (n->children) {
                xmlNodePtr ch = n->children;
                xmlUnlinkNode(ch);
                xmlFreeNode(ch);
            }
            const char *t = s ? s : (missing ? (const char *)missing : "—");
            xmlAddChild(n, xmlNewText((const xmlChar *)t));
        }
        free(s);
    }
    xmlFree(text);
    xmlFree(fmt);
    xmlFree(missing);
    if (!c->failed)
        bind_children(c, n, item, key, index);
}

xmlDocPtr tpl_bind(xmlDocPtr tpl, const char *tpl_name, const cJSON *data, taf_err *err)
{
    xmlDocPtr doc = xmlCopyDoc(tpl, 1);
    bctx c = {data, tpl_name, err, false, 0};
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (root)
        bind_node(&c, root, data, NULL, 0);
    if (c.failed) {
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}

/* HTML parsers read <script/> or <div/> as an open tag: give every empty
 * element that is not a void element an explicit end tag. */
static void close_empty_elements(xmlNodePtr n)
{
    static const char *const VOID[] = {"area", "base", "br", "col", "embed", "hr", "img",
                                       "input", "link", "meta", "source", "track", "wbr",
                                       NULL};
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (!n->children) {
            bool is_void = false;
            for (int i = 0; VOID[i]; i++)
                is_void = is_void || xmlStrcmp(n->name, (const xmlChar *)VOID[i]) == 0;
            if (!is_void)
                xmlAddChild(n, xmlNewText((const xmlChar *)""));
        } else {
            close_empty_elements(n->children);
        }
    }
}

char *tpl_serialize(xmlDocPtr doc, size_t *len)
{
    close_empty_elements(xmlDocGetRootElement(doc));
    xmlBufferPtr buf = xmlBufferCreate();
    xmlSaveCtxtPtr s = xmlSaveToBuffer(buf, "UTF-8", XML_SAVE_NO_DECL);
    xmlSaveDoc(s, doc);
    xmlSaveClose(s);
    size_t n = (size_t)xmlBufferLength(buf);
    char *out = malloc(n + 1);
    memcpy(out, xmlBufferContent(buf), n);
    out[n] = '\0';
    xmlBufferFree(buf);
    if (len)
        *len = n;
    return out;
}
