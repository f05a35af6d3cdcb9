/*
 * mkcorpus: render review-report sources to PDF, with the ground truth that
 * extraction tests score against.
 *
 *   mkcorpus --out DIR [--truth DIR] SOURCE.txt...
 *   mkcorpus --scale N --out DIR [--truth DIR] [--seed S] [SOURCE.txt...]
 *
 * For each SOURCE NAME.txt it writes DIR/NAME.pdf and, with --truth, the
 * files TRUTH/NAME.truth.txt (the text an ideal extractor prints: passages
 * separated by blank lines, no running headers, footers or page numbers,
 * words broken by a layout hyphen rejoined, ligatures expanded, the text of
 * image-only pages included, as OCR reads it) and TRUTH/NAME.furniture.txt (one regex per line for the
 * page furniture, as in ../shared/pdf-samples). With --scale it writes N long
 * documents (10-40 pages) whose sections are drawn from the sources by a
 * seeded PRNG, for benchmarks. Output is byte-for-byte deterministic.
 *
 * Source markup (one construct per line; see docs/corpus.md):
 *
 *   @title TEXT            document title, large bold, first page
 *   @subtitle TEXT         a line under the title (repeatable)
 *   @cover                 title block on a cover page without furniture
 *   @header LEFT | RIGHT   running header (either side may be empty)
 *   @footer LEFT | RIGHT   running footer
 *   @pagenum STYLE [POS]   STYLE plain "3", of "Page 3 of 9", dash "- 4 -",
 *                          none; POS center (default), right, left
 *   @font serif|sans       body typeface (DejaVu)
 *   @size PT               body size in points (default 10.5)
 *   @align justify|left    justified or ragged-right body text
 *   @hyphenate             break long words at line ends with a hyphen
 *   @ligatures             draw fi and fl as U+FB01 and U+FB02 glyphs
 *   @layout one-column|two-column
 *                          before the first block: the starting layout;
 *                          later: switch (two columns may start mid-page,
 *                          one column always starts a new page)
 *   @pagebreak             start a new page
 *   @image-page ... @end-image
 *                          blocks drawn as a raster image on a page of their
 *                          own at 200 dpi: no text layer (the truth has
 *                          their text, which OCR reads)
 *   # Heading, ## Subheading, - bullet item, 1. numbered item, > quotation
 *   %% comment             (a line starting with %)
 *
 * Other lines are text: consecutive lines join into one paragraph, a blank
 * line ends it, and an indented line continues the list item above it.
 *
 * Text is set with cairo's toy font API on DejaVu, which maps one character
 * to one glyph: that is what lets a ligature be a real U+FB01 glyph and keeps
 * the measuring exact (advances are cached per character, no kerning).
 */

#include <fontconfig/fontconfig.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <errno.h>
#include <getopt.h>
#include <glib.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "banned.h"

#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN_X 64.0
#define MARGIN_TOP 78.0
#define MARGIN_BOTTOM 76.0
#define GUTTER 20.0
#define IMAGE_DPI 200.0 /* a common scanning resolution */
#define FIXED_DATE "2024-03-01T09:00:00"

enum face { F_REGULAR, F_BOLD, F_ITALIC, F_NFACES };
enum family { FAM_SERIF, FAM_SANS, FAM_N };

enum bkind { B_TITLE, B_SUBTITLE, B_H1, B_H2, B_PARA, B_BULLET, B_NUMBER,
	B_QUOTE, B_PAGEBREAK, B_LAYOUT, B_IMAGE_BEGIN, B_IMAGE_END };

enum pnstyle { PN_NONE, PN_PLAIN, PN_OF, PN_DASH };
enum pnpos { POS_CENTER, POS_RIGHT, POS_LEFT };

struct block {
	enum bkind kind;
	char *text;	/* owned; NULL for directives */
	char *label;	/* "1." for numbered items, owned */
	int ncols;	/* B_LAYOUT */
};

struct doc {
	char *name;
	char *title;
	char *header[2], *footer[2];
	enum pnstyle pn;
	enum pnpos pnpos;
	enum family family;
	double size;
	bool justify, hyphenate, ligatures, cover;
	int ncols;		/* starting layout */
	GPtrArray *blocks;	/* struct block *, owned */
};

struct run {
	float x, y, size;
	uint8_t face;
	char *text;	/* owned, ligatures already substituted */
};

struct page {
	bool image, cover;
	GArray *runs;	/* struct run */
};

struct fonts {
	cairo_font_face_t *face[FAM_N][F_NFACES];
	cairo_scaled_font_t *sf[FAM_N][F_NFACES];
	float *adv[FAM_N][F_NFACES];	/* advance at size 1, NAN = unknown */
};

struct layout {
	const struct doc *doc;
	struct fonts *fonts;
	GPtrArray *pages;	/* struct page *, owned */
	struct page *pg;
	int ncols, col;
	double region_top, y, colw;
	bool in_image;
};

static struct fonts fonts;

/* ---------- fonts and measuring ---------- */

static void fonts_init(struct fonts *f)
{
	static const char *fam[FAM_N] = { "DejaVu Serif", "DejaVu Sans" };
	cairo_font_options_t *opt = cairo_font_options_create();
	cairo_matrix_t fm, ctm;

	cairo_font_options_set_hint_metrics(opt, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(opt, CAIRO_HINT_STYLE_NONE);
	cairo_matrix_init_scale(&fm, 100, 100);
	cairo_matrix_init_identity(&ctm);
	for (int a = 0; a < FAM_N; a++) {
		for (int b = 0; b < F_NFACES; b++) {
			f->face[a][b] = cairo_toy_font_face_create(fam[a],
				b == F_ITALIC ? CAIRO_FONT_SLANT_ITALIC : CAIRO_FONT_SLANT_NORMAL,
				b == F_BOLD ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
			f->sf[a][b] = cairo_scaled_font_create(f->face[a][b], &fm, &ctm, opt);
			f->adv[a][b] = g_new(float, 0x10000);
			for (int i = 0; i < 0x10000; i++)
				f->adv[a][b][i] = NAN;
		}
	}
	cairo_font_options_destroy(opt);
}

static void fonts_release(struct fonts *f)
{
	for (int a = 0; a < FAM_N; a++) {
		for (int b = 0; b < F_NFACES; b++) {
			cairo_scaled_font_destroy(f->sf[a][b]);
			cairo_font_face_destroy(f->face[a][b]);
			g_free(f->adv[a][b]);
		}
	}
}

static double char_advance(struct fonts *f, int fam, int face, gunichar c)
{
	char buf[8];
	cairo_text_extents_t ext;
	int n;

	if (c < 0x10000 && !isnan(f->adv[fam][face][c]))
		return f->adv[fam][face][c];
	n = g_unichar_to_utf8(c, buf);
	buf[n] = '\0';
	cairo_scaled_font_text_extents(f->sf[fam][face], buf, &ext);
	if (c < 0x10000)
		f->adv[fam][face][c] = (float)(ext.x_advance / 100.0);
	return ext.x_advance / 100.0;
}

static double text_width(int fam, int face, double size, const char *s)
{
	double w = 0;

	for (; *s; s = g_utf8_next_char(s))
		w += char_advance(&fonts, fam, face, g_utf8_get_char(s));
	return w * size;
}

/* The string as drawn: fi and fl become their ligature characters. */
static char *shape(const struct doc *d, const char *s)
{
	GString *o;

	if (!d->ligatures || (!strstr(s, "fi") && !strstr(s, "fl")))
		return g_strdup(s);
	o = g_string_new(NULL);
	for (; *s; s++) {
		if (s[0] == 'f' && s[1] == 'i') {
			g_string_append(o, "\xef\xac\x81");
			s++;
		} else if (s[0] == 'f' && s[1] == 'l') {
			g_string_append(o, "\xef\xac\x82");
			s++;
		} else {
			g_string_append_c(o, *s);
		}
	}
	return g_string_free(o, FALSE);
}

static double word_width(const struct doc *d, int face, double size, const char *s)
{
	char *t = shape(d, s);
	double w = text_width(d->family, face, size, t);

	g_free(t);
	return w;
}

/* ---------- parsing ---------- */

static void doc_free(struct doc *d)
{
	if (!d)
		return;
	for (guint i = 0; i < d->blocks->len; i++) {
		struct block *b = d->blocks->pdata[i];
		g_free(b->text);
		g_free(b->label);
		g_free(b);
	}
	g_ptr_array_free(d->blocks, TRUE);
	g_free(d->name);
	g_free(d->title);
	for (int i = 0; i < 2; i++) {
		g_free(d->header[i]);
		g_free(d->footer[i]);
	}
	g_free(d);
}

static struct doc *doc_new(const char *name)
{
	struct doc *d = g_new0(struct doc, 1);

	d->name = g_strdup(name);
	d->pn = PN_PLAIN;
	d->size = 10.5;
	d->justify = true;
	d->ncols = 1;
	d->blocks = g_ptr_array_new();
	return d;
}

static struct block *add_block(struct doc *d, enum bkind kind, const char *text)
{
	struct block *b = g_new0(struct block, 1);

	b->kind = kind;
	b->text = text ? g_strdup(text) : NULL;
	g_ptr_array_add(d->blocks, b);
	return b;
}

static bool has_text_block(const struct doc *d)
{
	for (guint i = 0; i < d->blocks->len; i++) {
		enum bkind k = ((struct block *)d->blocks->pdata[i])->kind;
		if (k != B_LAYOUT && k != B_TITLE && k != B_SUBTITLE)
			return true;
	}
	return false;
}

/* "LEFT | RIGHT" into two owned strings, empty sides as NULL. */
static void split_sides(const char *v, char **out)
{
	const char *bar = strstr(v, " | ");
	char *l = bar ? g_strndup(v, bar - v) : g_strdup(v);
	char *r = bar ? g_strdup(bar + 3) : NULL;

	g_strstrip(l);
	if (r)
		g_strstrip(r);
	g_free(out[0]);
	g_free(out[1]);
	out[0] = *l ? l : (g_free(l), NULL);
	out[1] = r && *r ? r : (g_free(r), NULL);
}

static int parse_directive(struct doc *d, const char *line, GError **err)
{
	const char *sp = strchr(line, ' ');
	char *key = sp ? g_strndup(line + 1, sp - line - 1) : g_strdup(line + 1);
	const char *v = sp ? sp + 1 : "";
	int rc = 0;

	if (!strcmp(key, "title")) {
		g_free(d->title);
		d->title = g_strdup(v);
		add_block(d, B_TITLE, v);
	} else if (!strcmp(key, "subtitle")) {
		add_block(d, B_SUBTITLE, v);
	} else if (!strcmp(key, "cover")) {
		d->cover = true;
	} else if (!strcmp(key, "header")) {
		split_sides(v, d->header);
	} else if (!strcmp(key, "footer")) {
		split_sides(v, d->footer);
	} else if (!strcmp(key, "pagenum")) {
		d->pn = g_str_has_prefix(v, "of") ? PN_OF : g_str_has_prefix(v, "dash") ? PN_DASH :
			g_str_has_prefix(v, "none") ? PN_NONE : PN_PLAIN;
		d->pnpos = strstr(v, " right") ? POS_RIGHT : strstr(v, " left") ? POS_LEFT : POS_CENTER;
	} else if (!strcmp(key, "font")) {
		d->family = !strcmp(v, "sans") ? FAM_SANS : FAM_SERIF;
	} else if (!strcmp(key, "size")) {
		d->size = g_ascii_strtod(v, NULL);
	} else if (!strcmp(key, "align")) {
		d->justify = !strcmp(v, "justify");
	} else if (!strcmp(key, "hyphenate")) {
		d->hyphenate = true;
	} else if (!strcmp(key, "ligatures")) {
		d->ligatures = true;
	} else if (!strcmp(key, "layout")) {
		int n = !strcmp(v, "two-column") ? 2 : 1;
		if (has_text_block(d))
			add_block(d, B_LAYOUT, NULL)->ncols = n;
		else
			d->ncols = n;
	} else if (!strcmp(key, "pagebreak")) {
		add_block(d, B_PAGEBREAK, NULL);
	} else if (!strcmp(key, "image-page")) {
		add_block(d, B_IMAGE_BEGIN, NULL);
	} else if (!strcmp(key, "end-image")) {
		add_block(d, B_IMAGE_END, NULL);
	} else {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "unknown directive '@%s'", key);
		rc = -1;
	}
	g_free(key);
	return rc;
}

/* A list item's marker: "- " or "12. ". Returns the text after it, or NULL. */
static const char *list_marker(const char *line, enum bkind *kind, char **label)
{
	const char *p = line;

	if (line[0] == '-' && line[1] == ' ') {
		*kind = B_BULLET;
		return line + 2;
	}
	while (g_ascii_isdigit(*p))
		p++;
	if (p > line && p - line <= 3 && p[0] == '.' && p[1] == ' ') {
		*kind = B_NUMBER;
		*label = g_strndup(line, p + 1 - line);
		return p + 2;
	}
	return NULL;
}

static bool is_list_line(const char *line)
{
	const char *p = line;

	while (g_ascii_isdigit(*p))
		p++;
	return (line[0] == '-' && line[1] == ' ') ||
	       (p > line && p - line <= 3 && p[0] == '.' && p[1] == ' ');
}

static void flush_para(struct doc *d, GString *para, enum bkind kind, char **label)
{
	struct block *b;

	if (!para->len)
		return;
	b = add_block(d, kind, para->str);
	b->label = *label;
	*label = NULL;
	g_string_truncate(para, 0);
}

static struct doc *doc_parse(const char *name, const char *src, GError **err)
{
	struct doc *d = doc_new(name);
	char **lines = g_strsplit(src, "\n", -1);
	GString *para = g_string_new(NULL);
	enum bkind kind = B_PARA;
	char *label = NULL;

	for (char **lp = lines; *lp; lp++) {
		char *line = g_strchomp(*lp);
		const char *body;

		if (line[0] == '%')
			continue;
		if (!*line || line[0] == '@' || line[0] == '#' || line[0] == '>' ||
		    is_list_line(line)) {
			flush_para(d, para, kind, &label);
			kind = B_PARA;
		}
		if (!*line)
			continue;
		if (line[0] == '@') {
			if (parse_directive(d, line, err) < 0)
				goto fail;
		} else if (g_str_has_prefix(line, "## ")) {
			add_block(d, B_H2, g_strstrip(line + 3));
		} else if (g_str_has_prefix(line, "# ")) {
			add_block(d, B_H1, g_strstrip(line + 2));
		} else if (line[0] == '>') {
			kind = B_QUOTE;
			g_string_append(para, g_strstrip(line + 1));
		} else if (!g_ascii_isspace(line[0]) && (body = list_marker(line, &kind, &label))) {
			g_string_append(para, body);
		} else {
			if (para->len)
				g_string_append_c(para, ' ');
			g_string_append(para, g_strstrip(line));
		}
	}
	flush_para(d, para, kind, &label);
	g_string_free(para, TRUE);
	g_strfreev(lines);
	return d;
fail:
	g_free(label);
	g_string_free(para, TRUE);
	g_strfreev(lines);
	doc_free(d);
	return NULL;
}

/* ---------- line breaking ---------- */

struct line {
	GPtrArray *words;	/* char *, owned; the last may end in a layout hyphen */
	bool last;		/* last line of its block: never justified */
};

static bool is_vowel(char c)
{
	return strchr("aeiouyAEIOUY", c) != NULL;
}

/*
 * How good a place W[k] is to break a word, 0 = not at all: before a common
 * suffix (assess-ment), then between two consonants that are not a digraph
 * (chil-dren), as a typesetter would rather than by the dictionary.
 */
static int break_quality(const char *w, size_t k)
{
	static const char *const suffix[] = { "tion", "sion", "ment", "ness", "ing", "ity",
		"able", "ible", "ally", "ance", "ence", "ities", "ative", "ised", "ful", "less",
		"ments", "tions", "ings" };
	static const char *const digraph[] = { "th", "ch", "sh", "ph", "gh", "ck", "wh", "qu",
		"ng" };
	char a = (char)g_ascii_tolower(w[k - 1]), b = (char)g_ascii_tolower(w[k]);

	for (size_t i = 0; i < G_N_ELEMENTS(suffix); i++) {
		size_t n = strlen(suffix[i]);
		if (!strncmp(w + k, suffix[i], n) && !g_ascii_isalpha(w[k + n]))
			return 2;
	}
	if (is_vowel(a) || is_vowel(b) || ((b == 'r' || b == 'l') && a != 'r' && a != 'l'))
		return 0;
	for (size_t i = 0; i < G_N_ELEMENTS(digraph); i++)
		if (a == digraph[i][0] && b == digraph[i][1])
			return 0;
	return 1;
}

/*
 * Where to break WORD so that its head fits in AVAIL: after a hard hyphen
 * (multi-|agency) in every document, or with an added hyphen inside a long
 * lowercase word when the document hyphenates. Returns the head length
 * (without an added hyphen) or 0; *added says whether a hyphen is added.
 */
static size_t split_point(const struct doc *d, int face, double size, const char *w,
			  double avail, bool hyph, bool *added)
{
	size_t n = strlen(w), s = 0, e = n, best = 0;

	for (size_t i = n - 1; i > 1; i--) {
		if (w[i - 1] == '-' && g_ascii_isalpha(w[i - 2]) && g_ascii_isalpha(w[i])) {
			char *head = g_strndup(w, i);
			double hw = word_width(d, face, size, head);
			g_free(head);
			if (hw <= avail) {
				*added = false;
				return i;
			}
		}
	}
	if (!hyph)
		return 0;
	while (s < n && !g_ascii_isalpha(w[s]))
		s++;
	while (e > s && !g_ascii_isalpha(w[e - 1]))
		e--;
	if (e - s < 7)
		return 0;
	for (size_t i = s; i < e; i++)
		if (!g_ascii_isalpha(w[i]) || (i > s && g_ascii_isupper(w[i])))
			return 0;
	int q = 0;

	for (size_t k = s + 3; k + 3 <= e; k++) {
		char *head;
		double hw;
		int bq = break_quality(w, k);
		if (!bq || bq < q)
			continue;
		head = g_strdup_printf("%.*s-", (int)k, w);
		hw = word_width(d, face, size, head);
		g_free(head);
		if (hw > avail)
			break;
		best = k;
		q = bq;
	}
	*added = best != 0;
	return best;
}

static void line_free(gpointer p)
{
	struct line *l = p;

	g_ptr_array_free(l->words, TRUE);
	g_free(l);
}

static struct line *line_new(void)
{
	struct line *l = g_new0(struct line, 1);

	l->words = g_ptr_array_new_with_free_func(g_free);
	return l;
}

/* Greedy line breaking of TEXT into lines no wider than WIDTH. */
static GPtrArray *break_lines(const struct doc *d, int face, double size, const char *text,
			      double width, bool hyph)
{
	GPtrArray *lines = g_ptr_array_new_with_free_func(line_free);
	char **words = g_strsplit(text, " ", -1);
	double space = text_width(d->family, face, size, " ");
	struct line *cur = line_new();
	double used = 0;
	char *carry = NULL;

	for (char **wp = words; *wp || carry; ) {
		char *w = carry ? carry : g_strdup(*wp++);
		double ww, gap;
		bool added = false;
		size_t k;

		carry = NULL;
		if (!*w) {
			g_free(w);
			continue;
		}
		ww = word_width(d, face, size, w);
		gap = cur->words->len ? space : 0;
		if (used + gap + ww <= width || (!cur->words->len && ww > width &&
		    !split_point(d, face, size, w, width, hyph, &added))) {
			g_ptr_array_add(cur->words, w);
			used += gap + ww;
			continue;
		}
		k = split_point(d, face, size, w, width - used - gap, hyph, &added);
		if (k) {
			g_ptr_array_add(cur->words, added ? g_strdup_printf("%.*s-", (int)k, w) :
					g_strndup(w, k));
			carry = g_strdup(w + k);
			g_free(w);
		} else {
			carry = w;
		}
		g_ptr_array_add(lines, cur);
		cur = line_new();
		used = 0;
	}
	cur->last = true;
	g_ptr_array_add(lines, cur);
	g_strfreev(words);
	return lines;
}

/* ---------- page layout ---------- */

static double content_w(void)
{
	return PAGE_W - 2 * MARGIN_X;
}

static double column_x(const struct layout *L)
{
	return MARGIN_X + L->col * (L->colw + GUTTER);
}

static void new_page(struct layout *L)
{
	struct page *p = g_new0(struct page, 1);

	p->runs = g_array_new(FALSE, FALSE, sizeof(struct run));
	p->image = L->in_image;
	g_ptr_array_add(L->pages, p);
	L->pg = p;
	L->col = 0;
	L->region_top = L->y = MARGIN_TOP;
}

static void set_columns(struct layout *L, int n)
{
	L->ncols = n;
	L->col = 0;
	L->colw = n == 1 ? content_w() : (content_w() - GUTTER * (n - 1)) / n;
	L->region_top = L->y;
}

static bool page_empty(const struct layout *L)
{
	return !L->pg || (!L->pg->runs->len && !L->pg->cover);
}

static void next_column(struct layout *L)
{
	if (L->col + 1 < L->ncols) {
		L->col++;
		L->y = L->region_top;
	} else {
		new_page(L);
	}
}

/* Make room for H points in the current column, moving on if needed. */
static void ensure_space(struct layout *L, double h)
{
	if (L->y + h > PAGE_H - MARGIN_BOTTOM && L->y > L->region_top)
		next_column(L);
}

static void emit(struct layout *L, double x, double y, int face, double size, const char *s)
{
	struct run r = { (float)x, (float)y, (float)size, (uint8_t)face, shape(L->doc, s) };

	g_array_append_val(L->pg->runs, r);
}

static void emit_line(struct layout *L, const struct line *ln, double x, double width,
		      int face, double size, bool justify)
{
	const struct doc *d = L->doc;
	guint n = ln->words->len;
	double total = 0, gap;

	if (!justify || ln->last || n < 2) {
		GString *s = g_string_new(NULL);
		for (guint i = 0; i < n; i++)
			g_string_append_printf(s, "%s%s", i ? " " : "", (char *)ln->words->pdata[i]);
		emit(L, x, L->y, face, size, s->str);
		g_string_free(s, TRUE);
		return;
	}
	for (guint i = 0; i < n; i++)
		total += word_width(d, face, size, ln->words->pdata[i]);
	gap = (width - total) / (n - 1);
	for (guint i = 0; i < n; i++) {
		const char *w = ln->words->pdata[i];
		emit(L, x, L->y, face, size, w);
		x += word_width(d, face, size, w) + gap;
	}
}

struct style {
	int face;
	double size, lead, before, after, indent, right;
	bool justify;
};

static struct style block_style(const struct doc *d, enum bkind k)
{
	double s = d->size;
	struct style st = { F_REGULAR, s, s * 1.38, 0, s * 0.75, 0, 0, d->justify };

	switch (k) {
	case B_TITLE:
		st = (struct style){ F_BOLD, s * 2.0, s * 2.4, 0, s * 0.6, 0, 0, false };
		break;
	case B_SUBTITLE:
		st = (struct style){ F_REGULAR, s * 1.2, s * 1.6, 0, s * 0.2, 0, 0, false };
		break;
	case B_H1:
		st = (struct style){ F_BOLD, s * 1.45, s * 1.8, s * 0.9, s * 0.5, 0, 0, false };
		break;
	case B_H2:
		st = (struct style){ F_BOLD, s * 1.12, s * 1.45, s * 0.5, s * 0.35, 0, 0, false };
		break;
	case B_BULLET:
	case B_NUMBER:
		st.indent = s * 2.0;
		st.after = s * 0.45;
		break;
	case B_QUOTE:
		st.face = F_ITALIC;
		st.indent = st.right = s * 2.2;
		break;
	default:
		break;
	}
	return st;
}

static void layout_text_block(struct layout *L, const struct block *b)
{
	struct style st = block_style(L->doc, b->kind);
	double x0, width;
	GPtrArray *lines;
	double keep;

	if (L->y > L->region_top)
		L->y += st.before;
	width = L->colw - st.indent - st.right;
	lines = break_lines(L->doc, st.face, st.size, b->text, width,
			    L->doc->hyphenate && b->kind >= B_PARA && b->kind <= B_QUOTE);
	/* headings keep with two lines of what follows; titles stay whole */
	keep = st.lead * lines->len;
	if (b->kind == B_H1 || b->kind == B_H2)
		keep += L->doc->size * 1.38 * 2;
	else
		keep = st.lead * MIN(lines->len, 2u);
	ensure_space(L, keep);
	for (guint i = 0; i < lines->len; i++) {
		ensure_space(L, st.lead);
		x0 = column_x(L);
		L->y += st.lead;
		if (i == 0 && (b->kind == B_BULLET || b->kind == B_NUMBER))
			emit(L, x0 + st.size * 0.4, L->y, st.face, st.size,
			     b->kind == B_BULLET ? "\xe2\x80\xa2" : b->label);
		emit_line(L, lines->pdata[i], x0 + st.indent, width, st.face, st.size,
			  st.justify);
	}
	g_ptr_array_free(lines, TRUE);
	L->y += st.after;
}

/* The title block: full width, on its own page when the document has a cover. */
static guint layout_title(struct layout *L, guint i)
{
	const struct doc *d = L->doc;

	if (d->cover) {
		L->pg->cover = true;
		L->y = PAGE_H * 0.30;
	}
	set_columns(L, 1);
	for (; i < d->blocks->len; i++) {
		struct block *b = d->blocks->pdata[i];
		if (b->kind != B_TITLE && b->kind != B_SUBTITLE)
			break;
		layout_text_block(L, b);
	}
	L->y += d->size * 1.2;
	if (d->cover)
		new_page(L);
	return i;
}

static void switch_layout(struct layout *L, int ncols)
{
	if (ncols == 1 || L->y > PAGE_H * 0.62 || L->col > 0)
		if (!page_empty(L))
			new_page(L);
	set_columns(L, ncols);
}

static void toggle_image(struct layout *L, bool on, int ncols)
{
	if (!page_empty(L))
		new_page(L);
	L->in_image = on;
	L->pg->image = on;
	set_columns(L, on ? 1 : ncols);
}

static GPtrArray *layout_doc(const struct doc *d)
{
	struct layout L = { .doc = d, .fonts = &fonts };
	int ncols = d->ncols;
	guint i = 0;

	L.pages = g_ptr_array_new();
	new_page(&L);
	i = layout_title(&L, 0);
	set_columns(&L, ncols);
	for (; i < d->blocks->len; i++) {
		const struct block *b = d->blocks->pdata[i];
		switch (b->kind) {
		case B_PAGEBREAK:
			if (!page_empty(&L))
				new_page(&L);
			set_columns(&L, ncols);
			break;
		case B_LAYOUT:
			ncols = b->ncols;
			switch_layout(&L, ncols);
			break;
		case B_IMAGE_BEGIN:
		case B_IMAGE_END:
			toggle_image(&L, b->kind == B_IMAGE_BEGIN, ncols);
			break;
		default:
			layout_text_block(&L, b);
		}
	}
	if (page_empty(&L) && L.pages->len > 1) {
		g_array_free(L.pg->runs, TRUE);
		g_free(g_ptr_array_remove_index(L.pages, L.pages->len - 1));
	}
	return L.pages;
}

static void pages_free(GPtrArray *pages)
{
	for (guint i = 0; i < pages->len; i++) {
		struct page *p = pages->pdata[i];
		for (guint j = 0; j < p->runs->len; j++)
			g_free(g_array_index(p->runs, struct run, j).text);
		g_array_free(p->runs, TRUE);
		g_free(p);
	}
	g_ptr_array_free(pages, TRUE);
}

/* ---------- drawing ---------- */

static void draw_runs(cairo_t *cr, const struct doc *d, const struct page *p)
{
	int cur_face = -1;
	double cur_size = -1;

	for (guint j = 0; j < p->runs->len; j++) {
		const struct run *r = &g_array_index(p->runs, struct run, j);
		if (r->face != cur_face || r->size != cur_size) {
			cairo_set_font_face(cr, fonts.face[d->family][r->face]);
			cairo_set_font_size(cr, r->size);
			cur_face = r->face;
			cur_size = r->size;
		}
		cairo_move_to(cr, r->x, r->y);
		cairo_show_text(cr, r->text);
	}
}

static char *page_number(const struct doc *d, int n, int total)
{
	switch (d->pn) {
	case PN_PLAIN:
		return g_strdup_printf("%d", n);
	case PN_OF:
		return g_strdup_printf("Page %d of %d", n, total);
	case PN_DASH:
		return g_strdup_printf("- %d -", n);
	default:
		return NULL;
	}
}

static void draw_side(cairo_t *cr, const struct doc *d, const char *s, double y, int pos)
{
	double w;

	if (!s)
		return;
	w = text_width(d->family, F_REGULAR, 8.5, s);
	cairo_move_to(cr, pos == POS_LEFT ? MARGIN_X : pos == POS_RIGHT ?
		      PAGE_W - MARGIN_X - w : (PAGE_W - w) / 2, y);
	cairo_show_text(cr, s);
}

static void draw_furniture(cairo_t *cr, const struct doc *d, int n, int total)
{
	char *pn = page_number(d, n, total);

	cairo_set_font_face(cr, fonts.face[d->family][F_REGULAR]);
	cairo_set_font_size(cr, 8.5);
	cairo_set_source_rgb(cr, 0.3, 0.3, 0.35);
	draw_side(cr, d, d->header[0], 46, POS_LEFT);
	draw_side(cr, d, d->header[1], 46, POS_RIGHT);
	if (d->header[0] || d->header[1]) {
		cairo_set_line_width(cr, 0.5);
		cairo_move_to(cr, MARGIN_X, 52);
		cairo_line_to(cr, PAGE_W - MARGIN_X, 52);
		cairo_stroke(cr);
	}
	draw_side(cr, d, d->footer[0], PAGE_H - 40, POS_LEFT);
	draw_side(cr, d, d->footer[1], PAGE_H - 40, POS_RIGHT);
	if (pn) {
		bool clash = (d->pnpos == POS_LEFT && d->footer[0]) ||
			     (d->pnpos == POS_RIGHT && d->footer[1]);
		draw_side(cr, d, pn, PAGE_H - (clash ? 28 : 40), d->pnpos);
	}
	cairo_set_source_rgb(cr, 0, 0, 0);
	g_free(pn);
}

/* An image-only page: the page, furniture included, rasterised like a scan. */
static void draw_image_page(cairo_t *cr, const struct doc *d, const struct page *p,
			    int n, int total)
{
	double k = IMAGE_DPI / 72.0;
	int w = (int)(PAGE_W * k), h = (int)(PAGE_H * k);
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *ic = cairo_create(img);

	cairo_set_source_rgb(ic, 0.96, 0.955, 0.93);
	cairo_paint(ic);
	cairo_scale(ic, k, k);
	cairo_translate(ic, PAGE_W / 2, PAGE_H / 2);
	cairo_rotate(ic, 0.004);
	cairo_translate(ic, -PAGE_W / 2, -PAGE_H / 2);
	cairo_set_source_rgb(ic, 0.12, 0.12, 0.14);
	draw_runs(ic, d, p);
	draw_furniture(ic, d, n, total);
	cairo_destroy(ic);
	cairo_surface_flush(img);

	cairo_save(cr);
	cairo_scale(cr, 1 / k, 1 / k);
	cairo_set_source_surface(cr, img, 0, 0);
	cairo_paint(cr);
	cairo_restore(cr);
	cairo_surface_destroy(img);
}

static int render_pdf(const struct doc *d, GPtrArray *pages, const char *path, GError **err)
{
	cairo_surface_t *s = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	cairo_t *cr = cairo_create(s);
	int total = (int)pages->len;
	int rc = 0;

	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d->title ? d->title : d->name);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "revmine mkcorpus");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, FIXED_DATE);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, FIXED_DATE);
	for (int i = 0; i < total; i++) {
		const struct page *p = pages->pdata[i];
		if (p->image) {
			draw_image_page(cr, d, p, i + 1, total);
		} else {
			draw_runs(cr, d, p);
			if (!p->cover)
				draw_furniture(cr, d, i + 1, total);
		}
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(s);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: %s", path,
			    cairo_status_to_string(cairo_surface_status(s)));
		rc = -1;
	}
	cairo_surface_destroy(s);
	return rc;
}

/* ---------- truth and furniture ---------- */

static char *truth_text(const struct doc *d)
{
	GString *o = g_string_new(NULL);

	for (guint i = 0; i < d->blocks->len; i++) {
		const struct block *b = d->blocks->pdata[i];
		if (!b->text)
			continue;
		if (o->len)
			g_string_append(o, "\n\n");
		if (b->kind == B_BULLET)
			g_string_append(o, "\xe2\x80\xa2 ");
		else if (b->kind == B_NUMBER)
			g_string_append_printf(o, "%s ", b->label);
		g_string_append(o, b->text);
	}
	g_string_append_c(o, '\n');
	return g_string_free(o, FALSE);
}

/* A literal as a regex: metacharacters escaped, any run of spaces as \s+. */
static void append_literal_rx(GString *o, const char *s)
{
	for (; *s; s++) {
		if (*s == ' ') {
			g_string_append(o, "\\s+");
			while (s[1] == ' ')
				s++;
		} else {
			if (strchr("\\^$.|?*+()[]{}", *s))
				g_string_append_c(o, '\\');
			g_string_append_c(o, *s);
		}
	}
	g_string_append_c(o, '\n');
}

static char *furniture_text(const struct doc *d)
{
	GString *o = g_string_new(NULL);
	const char *sides[4] = { d->header[0], d->header[1], d->footer[0], d->footer[1] };

	for (int i = 0; i < 4; i++)
		if (sides[i])
			append_literal_rx(o, sides[i]);
	g_string_append(o, "\\bPage\\s+\\d+\\s+of\\s+\\d+\\b\n");
	g_string_append(o, "(?m)^[ \\t\\-\\u2013\\u2014]*\\d{1,4}[ \\t\\-\\u2013\\u2014]*$\n");
	return g_string_free(o, FALSE);
}

static int write_outputs(const struct doc *d, const char *out, const char *truth, int *npages,
			 GError **err)
{
	GPtrArray *pages = layout_doc(d);
	char *pdf = g_strdup_printf("%s/%s.pdf", out, d->name);
	int rc = render_pdf(d, pages, pdf, err);

	*npages = (int)pages->len;
	if (!rc && truth) {
		char *tp = g_strdup_printf("%s/%s.truth.txt", truth, d->name);
		char *fp = g_strdup_printf("%s/%s.furniture.txt", truth, d->name);
		char *tt = truth_text(d), *ft = furniture_text(d);
		if (!g_file_set_contents(tp, tt, -1, err) || !g_file_set_contents(fp, ft, -1, err))
			rc = -1;
		g_free(tt);
		g_free(ft);
		g_free(tp);
		g_free(fp);
	}
	g_free(pdf);
	pages_free(pages);
	return rc;
}

/* ---------- scale mode ---------- */

/* splitmix64: small, seedable, the same on every platform. */
static uint64_t rnd_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rnd(uint64_t *s, unsigned n)
{
	return (unsigned)(rnd_next(s) % n);
}

static struct block *block_copy(const struct block *b)
{
	struct block *c = g_new0(struct block, 1);

	c->kind = b->kind;
	c->text = g_strdup(b->text);
	c->label = g_strdup(b->label);
	c->ncols = b->ncols;
	return c;
}

/* Sections of every source: a level-1 heading and what follows it. */
static GPtrArray *collect_sections(GPtrArray *docs)
{
	GPtrArray *secs = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);

	for (guint i = 0; i < docs->len; i++) {
		const struct doc *d = docs->pdata[i];
		GPtrArray *cur = NULL;
		bool image = false;
		for (guint j = 0; j < d->blocks->len; j++) {
			const struct block *b = d->blocks->pdata[j];
			if (b->kind == B_IMAGE_BEGIN || b->kind == B_IMAGE_END)
				image = b->kind == B_IMAGE_BEGIN;
			if (image || !b->text || b->kind == B_TITLE || b->kind == B_SUBTITLE)
				continue;
			if (b->kind == B_H1 || !cur) {
				cur = g_ptr_array_new();
				g_ptr_array_add(secs, cur);
			}
			g_ptr_array_add(cur, (gpointer)b);
		}
	}
	return secs;
}

static size_t section_words(GPtrArray *sec)
{
	size_t n = 0;

	for (guint i = 0; i < sec->len; i++) {
		const struct block *b = sec->pdata[i];
		for (const char *p = b->text; *p; p++)
			n += *p == ' ';
		n++;
	}
	return n;
}

static const char *const boards[] = {
	"Harrowfield Safeguarding Children Partnership", "Eastmere Safeguarding Adults Board",
	"Castlebrook Community Safety Partnership", "Wyndale and Orme Safeguarding Partnership",
	"Saltmarsh Borough Safeguarding Children Partnership",
};
static const char *const kinds[] = {
	"Child Safeguarding Practice Review", "Serious Case Review", "Thematic Review",
	"Local Child Safeguarding Practice Review", "Safeguarding Adults Review",
};

static struct doc *scale_doc(GPtrArray *secs, unsigned idx, uint64_t seed)
{
	uint64_t s = seed ^ (0x51ed270b2f4a3c1dULL * (idx + 1));
	struct doc *d = doc_new(NULL);
	const char *board = boards[rnd(&s, G_N_ELEMENTS(boards))];
	const char *kind = kinds[rnd(&s, G_N_ELEMENTS(kinds))];
	size_t target = (10 + rnd(&s, 22)) * 400, words = 0;
	char who = (char)('A' + rnd(&s, 26));

	d->name = g_strdup_printf("scale-%04u", idx + 1);
	d->title = g_strdup_printf("%s: Child %c%u", kind, who, 1 + rnd(&s, 40));
	add_block(d, B_TITLE, d->title);
	add_block(d, B_SUBTITLE, board);
	d->header[0] = g_strdup(d->title);
	d->footer[0] = g_strdup(board);
	d->pn = (enum pnstyle)(1 + rnd(&s, 3));
	d->pnpos = d->pn == PN_OF ? POS_RIGHT : POS_CENTER;
	d->family = (enum family)rnd(&s, FAM_N);
	d->justify = rnd(&s, 3) != 0;
	d->hyphenate = rnd(&s, 2);
	d->ligatures = rnd(&s, 4) == 0;
	d->ncols = 1 + (int)rnd(&s, 2);
	while (words < target) {
		GPtrArray *sec = secs->pdata[rnd(&s, secs->len)];
		if (rnd(&s, 3) == 0)
			add_block(d, B_LAYOUT, NULL)->ncols = 1 + (int)rnd(&s, 2);
		for (guint i = 0; i < sec->len; i++)
			g_ptr_array_add(d->blocks, block_copy(sec->pdata[i]));
		words += section_words(sec);
	}
	return d;
}

/* ---------- main ---------- */

static struct doc *load_source(const char *path, GError **err)
{
	char *src = NULL, *base, *name;
	struct doc *d = NULL;

	if (!g_file_get_contents(path, &src, NULL, err))
		return NULL;
	base = g_path_get_basename(path);
	name = g_strndup(base, g_str_has_suffix(base, ".txt") ? strlen(base) - 4 : strlen(base));
	d = doc_parse(name, src, err);
	g_free(name);
	g_free(base);
	g_free(src);
	return d;
}

static int usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: mkcorpus --out DIR [--truth DIR] SOURCE.txt...\n"
		"       mkcorpus --scale N --out DIR [--truth DIR] [--seed S] [SOURCE.txt...]\n");
	return rc;
}

static int cmp_str_ptr(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *default_sources(void)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(g_free);
	GDir *dir = g_dir_open("tools/corpus-src", 0, NULL);
	const char *n;

	while (dir && (n = g_dir_read_name(dir)))
		if (g_str_has_suffix(n, ".txt"))
			g_ptr_array_add(a, g_build_filename("tools/corpus-src", n, NULL));
	if (dir)
		g_dir_close(dir);
	g_ptr_array_sort(a, cmp_str_ptr);
	return a;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "truth", required_argument, NULL, 't' },
		{ "scale", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *truth = NULL;
	long scale = 0;
	uint64_t seed = 20240301;
	GPtrArray *paths, *docs = g_ptr_array_new_with_free_func((GDestroyNotify)doc_free);
	GError *err = NULL;
	int c, rc = 0, npages, total_pages = 0;

	while ((c = getopt_long(argc, argv, "o:t:n:s:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 't': truth = optarg; break;
		case 'n': scale = strtol(optarg, NULL, 10); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'h': return usage(0);
		default: return usage(2);
		}
	}
	if (!out || scale < 0 || (!scale && optind == argc))
		return usage(2);
	if (optind < argc) {
		paths = g_ptr_array_new_with_free_func(g_free);
		for (int i = optind; i < argc; i++)
			g_ptr_array_add(paths, g_strdup(argv[i]));
		g_ptr_array_sort(paths, cmp_str_ptr);
	} else {
		paths = default_sources();
	}
	if (g_mkdir_with_parents(out, 0755) < 0 || (truth && g_mkdir_with_parents(truth, 0755) < 0)) {
		fprintf(stderr, "mkcorpus: cannot create output directory: %s\n", strerror(errno));
		return 1;
	}
	fonts_init(&fonts);
	for (guint i = 0; i < paths->len; i++) {
		struct doc *d = load_source(paths->pdata[i], &err);
		if (!d) {
			fprintf(stderr, "mkcorpus: %s: %s\n", (char *)paths->pdata[i], err->message);
			rc = 1;
			goto out;
		}
		g_ptr_array_add(docs, d);
	}
	if (scale) {
		GPtrArray *secs = collect_sections(docs);
		if (!secs->len) {
			fprintf(stderr, "mkcorpus: --scale: the sources have no text\n");
			rc = 1;
		}
		for (long i = 0; !rc && i < scale; i++) {
			struct doc *d = scale_doc(secs, (unsigned)i, seed);
			if (write_outputs(d, out, truth, &npages, &err) < 0)
				rc = 1;
			total_pages += npages;
			doc_free(d);
		}
		g_ptr_array_free(secs, TRUE);
	} else {
		for (guint i = 0; !rc && i < docs->len; i++) {
			if (write_outputs(docs->pdata[i], out, truth, &npages, &err) < 0)
				rc = 1;
			total_pages += npages;
		}
	}
	if (rc && err)
		fprintf(stderr, "mkcorpus: %s\n", err->message);
	else if (!rc)
		fprintf(stderr, "mkcorpus: wrote %u documents, %d pages to %s\n",
			scale ? (unsigned)scale : docs->len, total_pages, out);
out:
	g_clear_error(&err);
	g_ptr_array_free(docs, TRUE);
	g_ptr_array_free(paths, TRUE);
	fonts_release(&fonts);
	/* drop cairo's font caches so leak checkers see only our own memory */
	cairo_debug_reset_static_data();
	FcFini(); /* fontconfig's caches, so leak checkers see a clean exit */
	return rc;
}
