#include "render/svgcanon.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/hash.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlsave.h>

#include "render/surface.h"

#define SVG_NS "http://www.w3.org/2000/svg"

typedef struct {
    xmlHashTablePtr map; /* old id -> new id (xmlChar*) */
    const char *prefix;
    unsigned long next;
    bool oom;
} canon;

static bool valid_prefix(const char *p)
{
    if (!p || !*p || strlen(p) > 64)
        return false;
    if (!((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z') || p[0] == '_'))
        return false;
    for (; *p; p++)
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
              *p == '-' || *p == '.'))
            return false;
    return true;
}

/* Valid UTF-8 without the control characters XML 1.0 forbids. */
static bool valid_text(const char *s)
{
    if (!s)
        return true;
    if (!xmlCheckUTF8((const xmlChar *)s))
        return false;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++)
        if (*c < 0x20 && *c != '\t' && *c != '\n' && *c != '\r')
            return false;
    return true;
}

static void free_entry(void *payload, const xmlChar *name)
{
    (void)name;
    xmlFree(payload);
}

static bool is_svg_elem(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && xmlStrEqual(n->name, (const xmlChar *)name) && n->ns &&
           xmlStrEqual(n->ns->href, (const xmlChar *)SVG_NS);
}

/* Give n (if it has an id) the next id; the first element holding an
 * old id is the one references point to. */
static void new_id(xmlNodePtr n, canon *c)
{
    xmlChar *old = xmlGetNoNsProp(n, (const xmlChar *)"id");
    if (!old)
        return;
    char fresh[96];
    snprintf(fresh, sizeof fresh, "%s%lu", c->prefix, c->next++);
    if (!xmlHashLookup(c->map, old)) {
        xmlChar *v = xmlStrdup((const xmlChar *)fresh);
        if (!v || xmlHashAddEntry(c->map, old, v) != 0) {
            xmlFree(v);
            c->oom = true;
        }
    }
    if (!xmlSetProp(n, (const xmlChar *)"id", (const xmlChar *)fresh))
        c->oom = true;
    xmlFree(old);
}

/* Pass 1: new ids in document order (n and its subtree). */
static void renumber(xmlNodePtr n, canon *c)
{
    if (n->type != XML_ELEMENT_NODE || c->oom)
        return;
    new_id(n, c);
    for (xmlNodePtr k = n->children; k; k = k->next)
        renumber(k, c);
}

/* Rewrite url(#old) occurrences; NULL when nothing changed (or on OOM,
 * flagged in c). */
static xmlChar *rewrite_urls(const xmlChar *v, canon *c)
{
    const char *s = (const char *)v;
    if (!strstr(s, "url(#"))
        return NULL;
    size_t cap = strlen(s) * 2 + 64, len = 0;
    char *out = malloc(cap);
    if (!out) {
        c->oom = true;
        return NULL;
    }
    bool changed = false;
    while (*s) {
        const char *u = strstr(s, "url(#");
        const char *close = u ? strchr(u + 5, ')') : NULL;
        size_t head = (u && close) ? (size_t)(u - s) + 5 : strlen(s);
        const char *repl = NULL;
        size_t idlen = 0;
        if (u && close) {
            idlen = (size_t)(close - (u + 5));
            char *id = malloc(idlen + 1);
            if (!id) {
                c->oom = true;
                free(out);
                return NULL;
            }
            memcpy(id, u + 5, idlen);
            id[idlen] = '\0';
            repl = xmlHashLookup(c->map, (const xmlChar *)id);
            free(id);
        }
        size_t need = len + head + (repl ? strlen(repl) : idlen) + 2;
        if (need > cap) {
            cap = need * 2;
            char *o = realloc(out, cap);
            if (!o) {
                c->oom = true;
                free(out);
                return NULL;
            }
            out = o;
        }
        memcpy(out + len, s, head);
        len += head;
        s += head;
        if (!(u && close))
            break;
        if (repl) {
            memcpy(out + len, repl, strlen(repl));
            len += strlen(repl);
            changed = true;
        } else {
            memcpy(out + len, s, idlen);
            len += idlen;
        }
        s += idlen; /* now at ')' which is copied with the next head */
    }
    out[len] = '\0';
    xmlChar *r = changed ? xmlStrdup((const xmlChar *)out) : NULL;
    if (changed && !r)
        c->oom = true;
    free(out);
    return r;
}

/* Pass 2: rewrite references (n and its subtree). */
static void relink(xmlNodePtr n, canon *c)
{
    if (n->type != XML_ELEMENT_NODE || c->oom)
        return;
    {
        for (xmlAttrPtr a = n->properties; a && !c->oom; a = a->next) {
            if (!a->ns && xmlStrEqual(a->name, (const xmlChar *)"id"))
                continue;
            xmlChar *v = xmlNodeListGetString(n->doc, a->children, 1);
            if (!v)
                continue;
            xmlChar *nv = NULL;
            if (xmlStrEqual(a->name, (const xmlChar *)"href") && v[0] == '#') {
                const xmlChar *to = xmlHashLookup(c->map, v + 1);
                if (to) {
                    nv = xmlStrdup((const xmlChar *)"#");
                    nv = nv ? xmlStrcat(nv, to) : NULL;
                    if (!nv)
                        c->oom = true;
                }
            } else {
                nv = rewrite_urls(v, c);
            }
            if (nv && !xmlSetNsProp(n, a->ns, a->name, nv))
                c->oom = true;
            xmlFree(nv);
            xmlFree(v);
        }
        for (xmlNodePtr k = n->children; k; k = k->next)
            relink(k, c);
    }
}

static bool fail_oom(taf_err *err)
{
    return taf_fail(err, "oom", NULL, "out of memory while canonicalising SVG");
}

static xmlNodePtr new_text_elem(xmlDocPtr doc, xmlNsPtr ns, const char *name, const char *id, const char *text)
{
    xmlNodePtr e = xmlNewDocNode(doc, ns, (const xmlChar *)name, NULL);
    if (!e)
        return NULL;
    if (!xmlSetProp(e, (const xmlChar *)"id", (const xmlChar *)id)) {
        xmlFreeNode(e);
        return NULL;
    }
    xmlNodeAddContent(e, (const xmlChar *)text); /* literal text, escaped on output */
    return e;
}

static bool add_a11y(xmlDocPtr doc, xmlNodePtr root, const svg_canon_opts *o, const char *prefix)
{
    /* drop earlier <title>/<desc> (and the newline after each) */
    for (xmlNodePtr n = root->children, next; n; n = next) {
        next = n->next;
        if (is_svg_elem(n, "title") || is_svg_elem(n, "desc")) {
            if (next && next->type == XML_TEXT_NODE && xmlIsBlankNode(next)) {
                xmlNodePtr nn = next->next;
                xmlUnlinkNode(next);
                xmlFreeNode(next);
                next = nn;
            }
            xmlUnlinkNode(n);
            xmlFreeNode(n);
        }
    }
    char tid[96], did[96], lab[200];
    snprintf(tid, sizeof tid, "%stitle", prefix);
    snprintf(did, sizeof did, "%sdesc", prefix);
    const char *title = o && o->title && *o->title ? o->title : "Chart";
    const char *desc = o && o->desc ? o->desc : NULL;

    xmlNodePtr t = new_text_elem(doc, root->ns, "title", tid, title);
    if (!t)
        return false;
    xmlNodePtr d = NULL;
    if (desc) {
        d = new_text_elem(doc, root->ns, "desc", did, desc);
        if (!d) {
            xmlFreeNode(t);
            return false;
        }
    }
    /* layout: <svg>\n<title/>\n<desc/> + original children */
    xmlNodePtr nl1 = xmlNewDocText(doc, (const xmlChar *)"\n");
    xmlNodePtr nl2 = d ? xmlNewDocText(doc, (const xmlChar *)"\n") : NULL;
    if (!nl1 || (d && !nl2)) {
        xmlFreeNode(t);
        xmlFreeNode(d);
        xmlFreeNode(nl1);
        xmlFreeNode(nl2);
        return false;
    }
    /* elements first, then the newlines next to them: libxml2 merges (and
     * frees) a text node added beside another text node */
    xmlNodePtr first = root->children;
    if (first)
        xmlAddPrevSibling(first, t);
    else
        xmlAddChild(root, t);
    if (d)
        xmlAddNextSibling(t, d);
    xmlAddPrevSibling(t, nl1); /* t has no previous sibling: no merge */
    if (d)
        xmlAddNextSibling(t, nl2); /* between two elements: no merge */
    snprintf(lab, sizeof lab, d ? "%s %s" : "%s", tid, did);
    return xmlSetProp(root, (const xmlChar *)"role", (const xmlChar *)"img") &&
           xmlSetProp(root, (const xmlChar *)"aria-labelledby", (const xmlChar *)lab);
}

bool svg_canonicalize_buffer(const char *in, size_t len, const svg_canon_opts *o, char **out, size_t *out_len,
                             taf_err *err)
{
    *out = NULL;
    if (out_len)
        *out_len = 0;
    const char *prefix = o && o->id_prefix ? o->id_prefix : "s";
    if (!valid_prefix(prefix))
        return taf_fail(err, "svg-bad-prefix", "use letters, digits, '_', '-', '.'",
                        "SVG id prefix '%s' is not a valid XML name start", prefix);
    if (o && (!valid_text(o->title) || !valid_text(o->desc)))
        return taf_fail(err, "svg-bad-text", NULL, "SVG title/description is not valid UTF-8 XML text");
    if (len > (size_t)0x7fffffff)
        return taf_fail(err, "svg-parse", NULL, "SVG too large (%zu bytes)", len);
    xmlDocPtr doc = xmlReadMemory(in, (int)len, "chart.svg", "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError *e = xmlGetLastError();
        return taf_fail(err, "svg-parse", NULL, "SVG does not parse as XML: %s",
                        e && e->message ? e->message : "unknown error");
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || !is_svg_elem(root, "svg")) {
        xmlFreeDoc(doc);
        return taf_fail(err, "svg-not-svg", NULL, "document root is not an SVG <svg> element");
    }
    canon c = {xmlHashCreate(64), prefix, 0, false};
    if (!c.map) {
        xmlFreeDoc(doc);
        return fail_oom(err);
    }
    bool ok = add_a11y(doc, root, o, prefix);
    if (ok) {
        /* the root's own id (if any), then everything below title/desc,
         * which carry fixed ids */
        new_id(root, &c);
        for (xmlNodePtr n = root->children; n; n = n->next)
            if (!is_svg_elem(n, "title") && !is_svg_elem(n, "desc"))
                renumber(n, &c);
        for (xmlNodePtr n = root->children; n; n = n->next)
            relink(n, &c);
        for (xmlAttrPtr a = root->properties; a && !c.oom; a = a->next) {
            /* url() references on the root itself (rare) */
            if (a->ns || !xmlStrEqual(a->name, (const xmlChar *)"id")) {
                xmlChar *v = xmlNodeListGetString(doc, a->children, 1);
                xmlChar *nv = v ? rewrite_urls(v, &c) : NULL;
                if (nv && !xmlSetNsProp(root, a->ns, a->name, nv))
                    c.oom = true;
                xmlFree(nv);
                xmlFree(v);
            }
        }
        ok = !c.oom;
    }
    xmlHashFree(c.map, free_entry);
    if (!ok) {
        xmlFreeDoc(doc);
        return fail_oom(err);
    }
    xmlBufferPtr buf = xmlBufferCreate();
    xmlSaveCtxtPtr save = buf ? xmlSaveToBuffer(buf, "UTF-8", 0) : NULL;
    if (!save) {
        if (buf)
            xmlBufferFree(buf);
        xmlFreeDoc(doc);
        return fail_oom(err);
    }
    long rc = xmlSaveDoc(save, doc);
    int rc2 = xmlSaveClose(save);
    xmlFreeDoc(doc);
    if (rc < 0 || rc2 < 0) {
        xmlBufferFree(buf);
        return taf_fail(err, "svg-serialise", NULL, "libxml2 could not serialise the SVG");
    }
    size_t n = (size_t)xmlBufferLength(buf);
    char *res = malloc(n + 1);
    if (!res) {
        xmlBufferFree(buf);
        return fail_oom(err);
    }
    memcpy(res, xmlBufferContent(buf), n);
    res[n] = '\0';
    xmlBufferFree(buf);
    *out = res;
    if (out_len)
        *out_len = n;
    return true;
}

bool svg_canonicalize_file(const char *path, const char *title, const char *desc, taf_err *err)
{
    char *data = NULL, *canon_buf = NULL;
    size_t len = 0, clen = 0;
    if (!render_read_file(path, &data, &len, err))
        return false;
    svg_canon_opts o = {title, desc, NULL};
    bool ok = svg_canonicalize_buffer(data, len, &o, &canon_buf, &clen, err);
    free(data);
    if (ok)
        ok = render_write_file(path, canon_buf, clen, err);
    free(canon_buf);
    return ok;
}
