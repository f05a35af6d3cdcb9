/*
 * Word documents (.docx, Office Open XML). The zip is opened with libzip
 * and its members read through zipread.c (sizes and compression ratios
 * checked before inflating; XML parsed without DTDs or entities), then:
 *
 *   word/styles.xml     style id -> name, based-on, outline level, numbering
 *   word/numbering.xml  list id -> abstract list -> per level format, text, start
 *   word/document.xml   the body, walked in order
 *
 * A paragraph is a heading when its style (or a style it is based on) is
 * "Title" or "heading N", or has an outline level; a list item when it has
 * list numbering (directly or through its style) or a "List ..." style.
 * Numbered items get their number as Word would show it ("1.", "a)"),
 * bullets get none. Runs give their text; tabs and line breaks become
 * spaces; deleted text, field codes, Fallback copies of drawings and
 * tables-of-contents paragraphs are skipped; table cells are paragraphs in
 * reading order. Pages follow Word's last rendering (lastRenderedPageBreak)
 * when it left one, else explicit page breaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "util.h"
#include "doc.h"
#include "extract.h"
#include "normalize.h"
#include "zipread.h"
#include "banned.h"

#define DOCX_PART_MAX ((size_t)64 << 20)
#define DOCX_AUX_MAX ((size_t)16 << 20)
#define DOCX_LEVELS 9
#define DOCX_STYLE_DEPTH 12

struct docx_style {
	char *name;
	char *based_on;
	int outline;   /* 0-8, or -1 */
	int num_id;    /* list through the style, or 0 */
	int num_level;
};

struct docx_level {
	char *fmt;  /* "decimal", "bullet", ... */
	char *text; /* "%1." */
	int start;
};

struct docx {
	GHashTable *styles;   /* id -> struct docx_style */
	GHashTable *abstract; /* abstractNumId -> struct docx_level[DOCX_LEVELS] */
	GHashTable *nums;     /* numId -> abstractNumId */
	GHashTable *counters; /* numId -> int[DOCX_LEVELS] */
	GHashTable *overrides; /* "numId/ilvl" -> start (lvlOverride/startOverride) */
	int page, page_start, rendered_breaks;
	struct doc_text *out;
};

static int is_w(const xmlNode *n, const char *local)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, local);
}

/* An attribute by local name, whatever its namespace (transitional and
 * strict OOXML use different ones). */
static const char *attr(const xmlNode *n, const char *local)
{
	const xmlAttr *a;

	for (a = n->properties; a; a = a->next)
		if (!strcmp((const char *)a->name, local) && a->children &&
		    a->children->type == XML_TEXT_NODE)
			return (const char *)a->children->content;
	return NULL;
}

static const xmlNode *child(const xmlNode *n, const char *local)
{
	const xmlNode *c;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (is_w(c, local))
			return c;
	return NULL;
}

static const char *child_val(const xmlNode *n, const char *local)
{
	const xmlNode *c = child(n, local);

	return c ? attr(c, "val") : NULL;
}

static void free_style(gpointer p)
{
	struct docx_style *s = p;

	free(s->name);
	free(s->based_on);
	free(s);
}

static void free_levels(gpointer p)
{
	struct docx_level *l = p;
	int i;

	for (i = 0; i < DOCX_LEVELS; i++) {
		free(l[i].fmt);
		free(l[i].text);
	}
	free(l);
}

static void read_num_pr(const xmlNode *ppr, int *num_id, int *level)
{
	const xmlNode *np = child(ppr, "numPr");
	const char *v;

	if (!np)
		return;
	if ((v = child_val(np, "numId")))
		*num_id = atoi(v);
	if ((v = child_val(np, "ilvl")))
		*level = atoi(v);
}

static void load_styles(struct docx *d, xmlDocPtr doc)
{
	const xmlNode *root = xmlDocGetRootElement(doc), *s;

	for (s = root ? root->children : NULL; s; s = s->next) {
		struct docx_style *st;
		const char *id, *v;
		const xmlNode *ppr;

		if (!is_w(s, "style") || !(id = attr(s, "styleId")))
			continue;
		st = xcalloc(1, sizeof(*st));
		st->outline = -1;
		v = child_val(s, "name");
		st->name = xstrdup(v ? v : id);
		if ((v = child_val(s, "basedOn")))
			st->based_on = xstrdup(v);
		ppr = child(s, "pPr");
		if ((v = child_val(ppr, "outlineLvl")))
			st->outline = atoi(v);
		read_num_pr(ppr, &st->num_id, &st->num_level);
		g_hash_table_replace(d->styles, g_strdup(id), st);
	}
}

static void load_numbering(struct docx *d, xmlDocPtr doc)
{
	const xmlNode *root = xmlDocGetRootElement(doc), *n, *l;

	for (n = root ? root->children : NULL; n; n = n->next) {
		const char *id = attr(n, "abstractNumId");

		if (is_w(n, "abstractNum") && id) {
			struct docx_level *lv = xcalloc(DOCX_LEVELS, sizeof(*lv));

			for (l = n->children; l; l = l->next) {
				const char *il = attr(l, "ilvl"), *v;
				int i;

				if (!is_w(l, "lvl") || !il)
					continue;
				i = atoi(il);
				if (i < 0 || i >= DOCX_LEVELS)
					continue;
				free(lv[i].fmt);
				free(lv[i].text);
				v = child_val(l, "numFmt");
				lv[i].fmt = xstrdup(v ? v : "decimal");
				v = child_val(l, "lvlText");
				lv[i].text = xstrdup(v ? v : "");
				v = child_val(l, "start");
				lv[i].start = v ? atoi(v) : 1;
			}
			g_hash_table_replace(d->abstract, g_strdup(id), lv);
		} else if (is_w(n, "num") && attr(n, "numId")) {
			const char *a = child_val(n, "abstractNumId");

			if (a)
				g_hash_table_replace(d->nums, g_strdup(attr(n, "numId")),
						     g_strdup(a));
			for (l = n->children; l; l = l->next) {
				const char *il = attr(l, "ilvl"), *v;

				if (is_w(l, "lvlOverride") && il &&
				    (v = child_val(l, "startOverride")))
					g_hash_table_replace(d->overrides,
							     g_strdup_printf("%s/%d", attr(n, "numId"), atoi(il)),
							     GINT_TO_POINTER(atoi(v)));
			}
		}
	}
}

static const struct docx_style *style(const struct docx *d, const char *id)
{
	return id ? g_hash_table_lookup(d->styles, id) : NULL;
}

/* Heading level (1-based, 0 for Title) or -1, from the style chain. */
static int style_heading(const struct docx *d, const char *id)
{
	int depth;

	for (depth = 0; depth < DOCX_STYLE_DEPTH; depth++) {
		const struct docx_style *s = style(d, id);

		if (!s)
			return -1;
		if (!g_ascii_strcasecmp(s->name, "title"))
			return 0;
		if (!g_ascii_strncasecmp(s->name, "heading ", 8) &&
		    g_ascii_isdigit(s->name[8]))
			return atoi(s->name + 8);
		if (s->outline >= 0 && s->outline < 9)
			return s->outline + 1;
		id = s->based_on;
	}
	return -1;
}

static int style_name_prefix(const struct docx *d, const char *id,
			     const char *prefix)
{
	int depth;
	size_t n = strlen(prefix);

	for (depth = 0; depth < DOCX_STYLE_DEPTH; depth++) {
		const struct docx_style *s = style(d, id);

		if (!s)
			return 0;
		if (!g_ascii_strncasecmp(s->name, prefix, n))
			return 1;
		id = s->based_on;
	}
	return 0;
}

static void style_numbering(const struct docx *d, const char *id, int *num_id,
			    int *level)
{
	int depth;

	for (depth = 0; depth < DOCX_STYLE_DEPTH; depth++) {
		const struct docx_style *s = style(d, id);

		if (!s)
			return;
		if (s->num_id) {
			*num_id = s->num_id;
			*level = s->num_level;
			return;
		}
		id = s->based_on;
	}
}

static void format_number(GString *o, const char *fmt, int v)
{
	static const char *const rn[] = { "m", "cm", "d", "cd", "c", "xc", "l",
					  "xl", "x", "ix", "v", "iv", "i" };
	static const int rv[] = { 1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1 };
	int upper = fmt[0] == 'u';

	if (!strcmp(fmt, "lowerLetter") || !strcmp(fmt, "upperLetter")) {
		int k = v < 1 ? 1 : v, reps = (k - 1) / 26 + 1, i;

		for (i = 0; i < reps && i < 8; i++)
			g_string_append_c(o, (char)((upper ? 'A' : 'a') + (k - 1) % 26));
	} else if ((!strcmp(fmt, "lowerRoman") || !strcmp(fmt, "upperRoman")) &&
		   v > 0 && v < 4000) {
		size_t i;

		for (i = 0; i < G_N_ELEMENTS(rv); i++)
			while (v >= rv[i]) {
				const char *p;

				for (p = rn[i]; *p; p++)
					g_string_append_c(o, upper ? g_ascii_toupper(*p) : *p);
				v -= rv[i];
			}
	} else {
		g_string_append_printf(o, "%d", v);
	}
}

/* The number Word shows for the next item of list num_id at level, or ""
 * for bullets; counters advance. */
static void list_label(struct docx *d, int num_id, int level, GString *o)
{
	char key[16];
	const char *abs;
	struct docx_level *lv;
	int *cnt, i;
	const char *p;

	if (level < 0 || level >= DOCX_LEVELS)
		level = 0;
	snprintf(key, sizeof(key), "%d", num_id);
	abs = g_hash_table_lookup(d->nums, key);
	lv = abs ? g_hash_table_lookup(d->abstract, abs) : NULL;
	if (!lv || !lv[level].fmt || !strcmp(lv[level].fmt, "bullet") ||
	    !strcmp(lv[level].fmt, "none"))
		return;
	/* counters of this list, then each level's start (its override or
	 * the abstract list's) */
	cnt = g_hash_table_lookup(d->counters, key);
	if (!cnt) {
		cnt = xcalloc(2 * DOCX_LEVELS, sizeof(*cnt));
		for (i = 0; i < DOCX_LEVELS; i++) {
			char *ok = g_strdup_printf("%d/%d", num_id, i);
			gpointer st;

			cnt[DOCX_LEVELS + i] = lv[i].start;
			if (g_hash_table_lookup_extended(d->overrides, ok, NULL, &st))
				cnt[DOCX_LEVELS + i] = GPOINTER_TO_INT(st);
			g_free(ok);
			cnt[i] = cnt[DOCX_LEVELS + i] - 1;
		}
		g_hash_table_replace(d->counters, g_strdup(key), cnt);
	}
	cnt[level]++;
	for (i = level + 1; i < DOCX_LEVELS; i++)
		cnt[i] = cnt[DOCX_LEVELS + i] - 1;
	for (p = lv[level].text; p && *p; p++) {
		if (*p == '%' && p[1] >= '1' && p[1] <= '9') {
			int k = p[1] - '1';

			format_number(o, lv[k].fmt ? lv[k].fmt : "decimal",
				      cnt[k] < cnt[DOCX_LEVELS + k] ? cnt[DOCX_LEVELS + k] : cnt[k]);
			p++;
		} else {
			g_string_append_c(o, *p);
		}
	}
	if (o->len)
		g_string_append_c(o, ' ');
}

static void collect_text(struct docx *d, const xmlNode *n, GString *o)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_w(c, "t")) {
			xmlChar *s = xmlNodeGetContent(c);

			if (s)
				g_string_append(o, (const char *)s);
			xmlFree(s);
		} else if (is_w(c, "tab") || is_w(c, "cr")) {
			g_string_append_c(o, ' ');
		} else if (is_w(c, "br")) {
			const char *t = attr(c, "type");

			if (t && !strcmp(t, "page") && !d->rendered_breaks) {
				d->page++;
				d->page_start = 1;
			}
			g_string_append_c(o, ' ');
		} else if (is_w(c, "lastRenderedPageBreak")) {
			if (d->rendered_breaks && d->out->nr) {
				d->page++;
				d->page_start = 1;
			}
		} else if (is_w(c, "noBreakHyphen")) {
			g_string_append_c(o, '-');
		} else if (is_w(c, "del") || is_w(c, "delText") || is_w(c, "instrText") ||
			   is_w(c, "rPr") || is_w(c, "pPr") || is_w(c, "Fallback") ||
			   is_w(c, "txbxContent") || is_w(c, "moveFrom")) {
			continue;
		} else {
			collect_text(d, c, o);
		}
	}
}

static void paragraph(struct docx *d, const xmlNode *p)
{
	const xmlNode *ppr = child(p, "pPr");
	const char *sid = child_val(ppr, "pStyle"), *v;
	GString *o = g_string_new(NULL);
	int heading = style_heading(d, sid), num_id = 0, level = 0, item;
	unsigned flags = LINE_BREAK_BEFORE;

	if (style_name_prefix(d, sid, "toc ") || style_name_prefix(d, sid, "toc heading")) {
		g_string_free(o, TRUE);
		return;
	}
	if ((v = child_val(ppr, "outlineLvl")) && atoi(v) >= 0 && atoi(v) < 9)
		heading = atoi(v) + 1;
	style_numbering(d, sid, &num_id, &level);
	read_num_pr(ppr, &num_id, &level);
	item = num_id > 0 || style_name_prefix(d, sid, "list");
	if (heading < 0 && num_id > 0)
		list_label(d, num_id, level, o);
	collect_text(d, p, o);
	if (heading >= 0)
		flags |= LINE_HEADING;
	else if (item)
		flags |= LINE_ITEM;
	if (d->page_start)
		flags |= LINE_PAGE_START;
	if (extract_add_block(d->out, o->str, o->len, d->page,
			      heading >= 0 ? (float)(30 - heading) : 0, flags))
		d->page_start = 0;
	g_string_free(o, TRUE);
}

static void walk(struct docx *d, const xmlNode *n, int depth)
{
	const xmlNode *c;

	if (depth > 64)
		return;
	for (c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_w(c, "p"))
			paragraph(d, c);
		else if (!is_w(c, "sectPr") && !is_w(c, "Fallback") && !is_w(c, "tblPr") &&
			 !is_w(c, "trPr") && !is_w(c, "tcPr") && !is_w(c, "del"))
			walk(d, c, depth + 1);
	}
}

static xmlDocPtr read_part(zip_t *z, const char *name, size_t max, int required,
			   struct doc_error *err, int *failed)
{
	char *buf;
	size_t len;
	int rc = zipread_member(z, name, max, "extract", &buf, &len, err);
	xmlDocPtr doc;

	if (rc > 0) {
		if (required) {
			doc_error_set(err, "extract", DOC_ERR_FORMAT,
				      "no %s: not a Word document", name);
			*failed = 1;
		}
		return NULL;
	}
	if (rc < 0) {
		*failed = 1;
		return NULL;
	}
	doc = zipread_xml(buf, len, name, "extract", err);
	if (!doc)
		*failed = 1;
	else if (required && memmem(buf, len, "lastRenderedPageBreak", 21))
		*failed = -1; /* tells the caller to trust rendered breaks */
	free(buf);
	return doc;
}

static int extract_zip(zip_t *z, struct doc_text *out, struct doc_error *err)
{
	xmlDocPtr styles = NULL, numbering = NULL, body = NULL;
	const xmlNode *root, *b;
	struct docx d;
	int failed = 0, rc = -1;

	if (!z)
		return -1;
	memset(&d, 0, sizeof(d));
	d.styles = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_style);
	d.abstract = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_levels);
	d.nums = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	d.counters = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free);
	d.overrides = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	d.out = out;
	d.page = 1;
	d.page_start = 1;
	styles = read_part(z, "word/styles.xml", DOCX_AUX_MAX, 0, err, &failed);
	if (failed > 0)
		goto out;
	numbering = read_part(z, "word/numbering.xml", DOCX_AUX_MAX, 0, err, &failed);
	if (failed > 0)
		goto out;
	body = read_part(z, "word/document.xml", DOCX_PART_MAX, 1, err, &failed);
	if (failed > 0)
		goto out;
	d.rendered_breaks = failed < 0;
	if (styles)
		load_styles(&d, styles);
	if (numbering)
		load_numbering(&d, numbering);
	root = xmlDocGetRootElement(body);
	b = root ? child(root, "body") : NULL;
	if (!b) {
		doc_error_set(err, "extract", DOC_ERR_FORMAT,
			      "word/document.xml has no body: not a Word document");
		goto out;
	}
	walk(&d, b, 0);
	out->pages = d.page;
	if (!out->nr)
		doc_error_set(err, "extract", DOC_ERR_EMPTY, "no text");
	else
		rc = 0;
out:
	xmlFreeDoc(styles);
	xmlFreeDoc(numbering);
	xmlFreeDoc(body);
	g_hash_table_destroy(d.styles);
	g_hash_table_destroy(d.abstract);
	g_hash_table_destroy(d.nums);
	g_hash_table_destroy(d.counters);
	g_hash_table_destroy(d.overrides);
	zip_discard(z);
	return rc;
}

int extract_docx(const char *path, struct doc_text *out, struct doc_error *err)
{
	zip_t *z = zipread_open(path, "extract", err);

	return z ? extract_zip(z, out, err) : -1;
}

int extract_docx_fd(int fd, struct doc_text *out, struct doc_error *err)
{
	zip_t *z = zipread_open_fd(fd, "extract", err);

	return z ? extract_zip(z, out, err) : -1;
}
