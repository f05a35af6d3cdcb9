/*
 * Web pages (.html, .htm) through libxml2's HTML parser (recovering, no
 * network). When the page has a <main> element (or role="main"), only it
 * is read; otherwise the whole <body>. Skipped: script, style, noscript,
 * template, nav, aside, form, button, select, iframe, svg, elements that
 * are hidden (hidden, aria-hidden="true") or have the roles navigation,
 * banner, contentinfo, search or complementary, and header and footer
 * unless inside article, main or section (there they hold the article's
 * own title). Kept: h1-h6 as headings, li as list items (numbered "1."
 * in an <ol>, honouring start), and every other block (p, div, td, dd,
 * blockquote, pre, figcaption...) as a paragraph; inline text is joined
 * and whitespace collapsed. The bytes are decoded as UTF-8 when they are
 * valid UTF-8, otherwise as the page declares (libxml2's default: its
 * meta charset, else Windows-1252). Entity declarations are refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include "util.h"
#include "doc.h"
#include "extract.h"
#include "banned.h"

#define HTML_MAX_BYTES ((size_t)64 << 20)

struct html {
	struct doc_text *out;
	GString *buf;
	unsigned kind; /* LINE_HEADING, LINE_ITEM or 0 */
	int level;
	int first;
};

static int name_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !g_ascii_strcasecmp((const char *)n->name, name);
}

static int in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (!g_ascii_strcasecmp(name, *list))
			return 1;
	return 0;
}

static const char *const skipped[] = {
	"script", "style", "noscript", "template", "nav", "aside", "form", "button",
	"select", "textarea", "iframe", "svg", "math", "head", "title", "object",
	"canvas", "audio", "video", "map", NULL,
};

static const char *const blocks[] = {
	"p", "div", "section", "article", "main", "body", "blockquote", "pre",
	"table", "thead", "tbody", "tfoot", "tr", "td", "th", "caption", "dl", "dt",
	"dd", "figure", "figcaption", "address", "hr", "br", "center", "details",
	"summary", "fieldset", "legend", "header", "footer", "ul", "ol", "li",
	"h1", "h2", "h3", "h4", "h5", "h6", NULL,
};

static int hidden(const xmlNode *n)
{
	xmlChar *v;
	int h = 0;

	if (xmlHasProp((xmlNode *)n, (const xmlChar *)"hidden"))
		return 1;
	if ((v = xmlGetProp(n, (const xmlChar *)"aria-hidden"))) {
		h = !g_ascii_strcasecmp((const char *)v, "true");
		xmlFree(v);
	}
	if (!h && (v = xmlGetProp(n, (const xmlChar *)"role"))) {
		static const char *const roles[] = { "navigation", "banner", "contentinfo",
						     "search", "complementary", NULL };
		h = in_list((const char *)v, roles);
		xmlFree(v);
	}
	return h;
}

static void flush(struct html *h)
{
	unsigned flags = LINE_BREAK_BEFORE | h->kind;

	if (h->first)
		flags |= LINE_PAGE_START;
	if (h->buf->len &&
	    extract_add_block(h->out, h->buf->str, h->buf->len, 1,
			      h->kind == LINE_HEADING ? (float)(30 - h->level) : 0, flags))
		h->first = 0;
	g_string_truncate(h->buf, 0);
	h->kind = 0;
}

static void append_text(struct html *h, const char *s)
{
	for (; *s; s++) {
		char c = *s;

		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
			if (h->buf->len && h->buf->str[h->buf->len - 1] != ' ')
				g_string_append_c(h->buf, ' ');
		} else {
			g_string_append_c(h->buf, c);
		}
	}
}

static void walk(struct html *h, const xmlNode *n, int in_article, int depth);

static void element(struct html *h, const xmlNode *c, int in_article, int depth)
{
	const char *name = (const char *)c->name;
	xmlChar *v;

	if (in_list(name, skipped) || hidden(c))
		return;
	if ((name_is(c, "header") || name_is(c, "footer")) && !in_article)
		return;
	if (!in_list(name, blocks)) { /* inline: part of the current block */
		walk(h, c, in_article, depth + 1);
		return;
	}
	flush(h);
	if (name[0] && (name[0] == 'h' || name[0] == 'H') && name[1] >= '1' &&
	    name[1] <= '6' && !name[2]) {
		h->kind = LINE_HEADING;
		h->level = name[1] - '0';
	} else if (name_is(c, "li")) {
		h->kind = LINE_ITEM;
		if (c->parent && name_is(c->parent, "ol")) {
			const xmlNode *s;
			long k = 1;

			if ((v = xmlGetProp(c->parent, (const xmlChar *)"start"))) {
				k = strtol((const char *)v, NULL, 10);
				xmlFree(v);
			}
			for (s = c->parent->children; s && s != c; s = s->next)
				if (name_is(s, "li"))
					k++;
			g_string_append_printf(h->buf, "%ld. ", k);
		}
	}
	walk(h, c, in_article || name_is(c, "article") || name_is(c, "main") ||
		   name_is(c, "section"), depth + 1);
	flush(h);
}

static void walk(struct html *h, const xmlNode *n, int in_article, int depth)
{
	const xmlNode *c;

	if (depth > 200)
		return;
	for (c = n->children; c; c = c->next) {
		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (c->content)
				append_text(h, (const char *)c->content);
		} else if (c->type == XML_ELEMENT_NODE) {
			unsigned kind = h->kind;
			int level = h->level;
			int nested = (kind == LINE_ITEM || kind == LINE_HEADING) &&
				     in_list((const char *)c->name, blocks) &&
				     !name_is(c, "ul") && !name_is(c, "ol") &&
				     !name_is(c, "li") && !name_is(c, "br");

			/* a <p> inside an <li> or <h2> stays part of it */
			if (nested && !in_list((const char *)c->name, skipped) && !hidden(c)) {
				if (h->buf->len && h->buf->str[h->buf->len - 1] != ' ')
					g_string_append_c(h->buf, ' ');
				walk(h, c, in_article, depth + 1);
				continue;
			}
			if (name_is(c, "br")) {
				append_text(h, " ");
				continue;
			}
			element(h, c, in_article, depth);
			/* text after a nested list in an item continues it */
			if (kind == LINE_ITEM && (name_is(c, "ul") || name_is(c, "ol"))) {
				h->kind = kind;
				h->level = level;
			}
		}
	}
}

static const xmlNode *find_main(const xmlNode *n, int depth)
{
	const xmlNode *c, *m;

	if (depth > 200)
		return NULL;
	for (c = n->children; c; c = c->next) {
		xmlChar *role;
		int is_main;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		role = xmlGetProp(c, (const xmlChar *)"role");
		is_main = name_is(c, "main") ||
			  (role && !g_ascii_strcasecmp((const char *)role, "main"));
		xmlFree(role);
		if (is_main && !hidden(c))
			return c;
		if ((m = find_main(c, depth + 1)))
			return m;
	}
	return NULL;
}

int extract_html_buf(const char *buf, size_t len, struct doc_text *out,
		     struct doc_error *err)
{
	htmlDocPtr doc;
	const xmlNode *root, *start;
	struct html h;
	const char *enc = NULL;

	if (memmem(buf, len, "<!ENTITY", 8))
		return doc_error_set(err, "extract", DOC_ERR_FORMAT,
				     "entity declarations are not allowed (entity expansion)");
	if (len > INT_MAX)
		return doc_error_set(err, "extract", DOC_ERR_LIMIT, "page too large");
	if (len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3))
		enc = "UTF-8";
	else if (!(len >= 2 && (!memcmp(buf, "\xFF\xFE", 2) || !memcmp(buf, "\xFE\xFF", 2))) &&
		 g_utf8_validate(buf, (gssize)len, NULL))
		enc = "UTF-8";
	doc = htmlReadMemory(buf, (int)len, NULL, enc,
			     HTML_PARSE_RECOVER | HTML_PARSE_NONET | HTML_PARSE_NOERROR |
			     HTML_PARSE_NOWARNING | HTML_PARSE_COMPACT);
	if (!doc)
		return doc_error_set(err, "extract", DOC_ERR_FORMAT, "not an HTML page");
	root = xmlDocGetRootElement(doc);
	if (!root) {
		xmlFreeDoc(doc);
		return doc_error_set(err, "extract", DOC_ERR_EMPTY, "no text");
	}
	start = find_main(root, 0);
	memset(&h, 0, sizeof(h));
	h.out = out;
	h.buf = g_string_new(NULL);
	h.first = 1;
	if (start)
		walk(&h, start, 1, 0);
	else
		walk(&h, root, 0, 0);
	flush(&h);
	g_string_free(h.buf, TRUE);
	xmlFreeDoc(doc);
	out->pages = 1;
	if (!out->nr)
		return doc_error_set(err, "extract", DOC_ERR_EMPTY, "no text");
	return 0;
}

int extract_html_fd(int fd, struct doc_text *out, struct doc_error *err)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	off_t off = 0;
	int rc;

	if (fstat(fd, &st))
		return doc_error_set(err, "extract", DOC_ERR_IO, "cannot read: %s",
				     strerror(errno));
	if (st.st_size < 0 || (size_t)st.st_size > HTML_MAX_BYTES)
		return doc_error_set(err, "extract", DOC_ERR_LIMIT,
				     "web page larger than %zu MiB", HTML_MAX_BYTES >> 20);
	buf = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t n = pread(fd, buf + len, (size_t)st.st_size - len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			return doc_error_set(err, "extract", DOC_ERR_IO, "read error: %s",
					     strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		off += n;
	}
	rc = extract_html_buf(buf, len, out, err);
	free(buf);
	return rc;
}

int extract_html(const char *path, struct doc_text *out, struct doc_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc;

	if (fd < 0)
		return doc_error_set(err, "extract", DOC_ERR_IO, "cannot open: %s",
				     strerror(errno));
	rc = extract_html_fd(fd, out, err);
	close(fd);
	return rc;
}
