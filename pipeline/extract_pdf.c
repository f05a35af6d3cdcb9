/*
 * PDF text extraction through poppler-glib, with our own reading order.
 *
 * Method. For each page poppler gives the page text (its own line order,
 * lines ended by '\n'), one glyph box per character of that text, and font
 * runs (name, size). One pass over the characters cuts the text into
 * segments: a segment ends at a newline, at a horizontal jump wider than
 * about an em (two columns that poppler ran together: a gutter can be as
 * narrow as 1.5 ems of a heading) or at a baseline change; pieces that turn
 * out to share a column are merged back.
 * Each segment keeps its bounding box, dominant font size and whether most
 * of its glyphs are bold (font name). No per-glyph work beyond that pass.
 *
 * Reading order is rebuilt from the boxes, not taken from poppler:
 *  - columns: the page body's segments are projected on the x axis; a run
 *    of empty (or nearly empty) positions in the middle 30-70% of the page
 *    width, with enough text on both sides, is a gutter (when a short
 *    column is as sparse as the allowance for crossing lines, the
 *    emptiest run is the gutter instead). Segments left of
 *    it form the left column, right of it the right column, and segments
 *    crossing it are full-width (titles). Between two full-width lines the
 *    left column is read before the right one. The balance of the two
 *    sides does not matter when each side has lines that fill it: the last
 *    column of a page often ends early.
 *  - segments on the same baseline in the same column are merged.
 * Page furniture is removed for the whole document at once: lines in the
 * top and bottom bands whose text, with digits masked, repeats on at least
 * half of the pages; page-number lines ("12", "Page 3 of 9", "- 4 -",
 * "3 | Title") in a band; on one-page documents, small-type lines alone
 * at the very top or bottom; and a head repeated too seldom to count (from
 * page 2 on in a two-page file), known by its place: a plain first row in
 * the top band, no larger than the body and a gap of over 1.5 lines above
 * the rest of its page, which starts where another page's text starts (on
 * a one-page file: the row is in left and right parts instead).
 * Line flags come from geometry: a break before a line whose gap to the
 * previous one exceeds the usual gap between lines of a paragraph (the
 * first quartile, as short paragraphs make most gaps paragraph gaps), whose
 * indentation changes, or whose first word would have fitted at the end of
 * the previous line (which was therefore ended on purpose); a heading when
 * the type is larger than the body's or bold and the line is short; an item
 * when the line starts with a bullet or a list marker (a dash only when
 * the line before did not wrap onto it). A paragraph carried to the next
 * column or page continues when the new line starts in lower case, or when
 * the last line ran to its column's edge without ending a sentence.
 *
 * Nothing from the file is trusted for sizes: pages and characters per page
 * are capped, and page dimensions are clamped.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib.h>
#include <poppler.h>
#include "util.h"
#include "doc.h"
#include "normalize.h"
#include "extract.h"
#include "banned.h"

#define MAX_PAGES 5000
#define MAX_PAGE_CHARS 400000
#define MAX_PAGE_DIM 14400.0 /* 200 inches, the PDF spec's own limit */
#define BAND 0.11            /* top and bottom bands, share of page height */

enum col { COL_FULL, COL_LEFT, COL_RIGHT };

struct seg {
	char *text; /* normalised */
	size_t len;
	double x0, y0, x1, y1;
	float size;
	int bold;
	int page;
	enum col col;
	int drop;
	unsigned flags;
};

struct pdf {
	struct seg *s;
	size_t nr, alloc;
	int pages;
	/* font size histogram in half points, weighted by characters */
	unsigned long size_hist[200];
};

struct page_info {
	size_t first, n; /* segments of the page in struct pdf */
	double w, h;
};

/* Accumulates one segment while walking a page's characters. */
struct acc {
	GString *text;
	double x0, y0, x1, y1;
	int have_box;
	float sizes[4];
	unsigned size_n[4];
	unsigned glyphs, bold;
};

static void acc_reset(struct acc *a)
{
	g_string_truncate(a->text, 0);
	a->have_box = 0;
	memset(a->sizes, 0, sizeof(a->sizes));
	memset(a->size_n, 0, sizeof(a->size_n));
	a->glyphs = a->bold = 0;
}

static void acc_size(struct acc *a, float size)
{
	size_t i, least = 0;

	for (i = 0; i < ARRAY_SIZE(a->sizes); i++) {
		if (a->size_n[i] && a->sizes[i] == size) {
			a->size_n[i]++;
			return;
		}
		if (a->size_n[i] < a->size_n[least])
			least = i;
	}
	a->sizes[least] = size;
	a->size_n[least] = 1;
}

static float acc_dominant_size(const struct acc *a)
{
	size_t i, best = 0;

	for (i = 1; i < ARRAY_SIZE(a->sizes); i++)
		if (a->size_n[i] > a->size_n[best])
			best = i;
	return a->sizes[best];
}

static void flush_seg(struct pdf *d, struct acc *a, int page)
{
	struct seg *s;
	size_t len;
	char *text;
	unsigned bin;

	if (!a->have_box) {
		acc_reset(a);
		return;
	}
	/* a trailing soft hyphen is a real break hyphen: keep it visible */
	if (a->text->len >= 2 && !memcmp(a->text->str + a->text->len - 2, "\xc2\xad", 2)) {
		g_string_truncate(a->text, a->text->len - 2);
		g_string_append_c(a->text, '-');
	}
	text = normalize_text(a->text->str, a->text->len, &len);
	if (!len) {
		free(text);
		acc_reset(a);
		return;
	}
	ALLOC_GROW(d->s, d->nr, d->alloc);
	s = &d->s[d->nr++];
	memset(s, 0, sizeof(*s));
	s->text = text;
	s->len = len;
	s->x0 = a->x0;
	s->y0 = a->y0;
	s->x1 = a->x1;
	s->y1 = a->y1;
	s->size = acc_dominant_size(a);
	s->bold = a->glyphs && a->bold * 2 > a->glyphs;
	s->page = page;
	bin = (unsigned)(s->size * 2 + 0.5);
	if (bin < ARRAY_SIZE(d->size_hist))
		d->size_hist[bin] += a->glyphs;
	acc_reset(a);
}

static int is_bold_font(const char *name)
{
	return name && (strstr(name, "Bold") || strstr(name, "bold") ||
			strstr(name, "Black") || strstr(name, "Heavy") ||
			strstr(name, "Semibold") || strstr(name, "Demi"));
}

static int bad_rect(const PopplerRectangle *r)
{
	return !isfinite(r->x1) || !isfinite(r->y1) || !isfinite(r->x2) ||
	       !isfinite(r->y2) || fabs(r->x1) > MAX_PAGE_DIM ||
	       fabs(r->y1) > MAX_PAGE_DIM || fabs(r->x2) > MAX_PAGE_DIM ||
	       fabs(r->y2) > MAX_PAGE_DIM;
}

/* Cuts one page's text into segments (see the file header). */
static void read_page_segments(struct pdf *d, PopplerPage *page, int pageno)
{
	char *text = poppler_page_get_text(page);
	PopplerRectangle *rects = NULL;
	guint nrects = 0, i;
	GList *attrs, *at;
	struct acc a;
	const char *p;
	double last_x1 = 0;
	const PopplerTextAttributes *bold_for = NULL;
	int bold = 0;

	if (!text)
		return;
	if (!poppler_page_get_text_layout(page, &rects, &nrects))
		nrects = 0;
	attrs = poppler_page_get_text_attributes(page);
	at = attrs;
	memset(&a, 0, sizeof(a));
	a.text = g_string_new(NULL);
	p = text;
	for (i = 0; i < nrects && i < MAX_PAGE_CHARS && *p; i++) {
		const char *next = g_utf8_next_char(p);
		gunichar c = g_utf8_get_char(p);
		const PopplerRectangle *r = &rects[i];
		PopplerTextAttributes *ta = NULL;
		float size;
		double cy, h;

		while (at && ((PopplerTextAttributes *)at->data)->end_index < (gint)i)
			at = at->next;
		if (at && ((PopplerTextAttributes *)at->data)->start_index <= (gint)i)
			ta = at->data;
		if (c == '\n' || c == '\r') {
			flush_seg(d, &a, pageno);
			p = next;
			continue;
		}
		if (bad_rect(r)) {
			p = next;
			continue;
		}
		size = ta && ta->font_size > 0 && ta->font_size < 1000 ?
			(float)ta->font_size : (float)(r->y2 - r->y1);
		if (c != ' ' && a.have_box) {
			h = a.y1 - a.y0;
			cy = (r->y1 + r->y2) / 2;
			if (r->x1 > last_x1 + fmax(1.2 * size, 6.0) ||
			    r->x1 < last_x1 - 3.0 * size ||
			    cy < a.y0 - 0.2 * h || cy > a.y1 + 0.2 * h)
				flush_seg(d, &a, pageno);
		}
		if (next - p == 1)
			g_string_append_c(a.text, *p); /* inline, most glyphs */
		else
			g_string_append_len(a.text, p, next - p);
		if (c != ' ' && c != 0xA0) {
			if (!a.have_box) {
				a.x0 = r->x1;
				a.y0 = r->y1;
				a.x1 = r->x2;
				a.y1 = r->y2;
				a.have_box = 1;
			} else {
				a.x0 = fmin(a.x0, r->x1);
				a.y0 = fmin(a.y0, r->y1);
				a.x1 = fmax(a.x1, r->x2);
				a.y1 = fmax(a.y1, r->y2);
			}
			last_x1 = r->x2;
			acc_size(&a, size);
			a.glyphs++;
			if (ta != bold_for) {
				/* once per font run, not per glyph */
				bold_for = ta;
				bold = ta && is_bold_font(ta->font_name);
			}
			a.bold += bold;
		}
		p = next;
	}
	flush_seg(d, &a, pageno);
	g_string_free(a.text, TRUE);
	poppler_page_free_text_attributes(attrs);
	g_free(rects);
	g_free(text);
}

static int cmp_y(const void *va, const void *vb)
{
	const struct seg *a = va, *b = vb;

	if (a->y1 != b->y1)
		return a->y1 < b->y1 ? -1 : 1;
	return a->x0 < b->x0 ? -1 : a->x0 > b->x0;
}

/*
 * Body segments within [x0, x1] that span at least 80% of the widest, and
 * a quarter of the page width (a column's lines, not a row of labels).
 */
static size_t column_lines(const struct seg *s, size_t n, double w, double h,
			   double x0, double x1)
{
	size_t i, full = 0;
	double widest = 0.25 * w / 0.8;

	for (i = 0; i < n; i++)
		if (!(s[i].y1 < h * BAND || s[i].y0 > h * (1 - BAND)) &&
		    s[i].x0 >= x0 - 1 && s[i].x1 <= x1 + 1)
			widest = fmax(widest, s[i].x1 - s[i].x0);
	for (i = 0; i < n; i++)
		if (!(s[i].y1 < h * BAND || s[i].y0 > h * (1 - BAND)) &&
		    s[i].x0 >= x0 - 1 && s[i].x1 <= x1 + 1 &&
		    s[i].x1 - s[i].x0 >= 0.8 * widest)
			full++;
	return full;
}

/*
 * The longest run of bins with cover <= limit in the middle 30-70% of the
 * page; returns its length (0: none) and its first bin in *start.
 */
static int gutter_run(const unsigned *cover, int bins, unsigned limit, int *start)
{
	int b, best_start = -1, best_len = 0, run_start = -1;

	for (b = (int)(bins * 0.3); b <= (int)(bins * 0.7) + 1; b++) {
		int empty = b <= (int)(bins * 0.7) && cover[b] <= limit;

		if (empty && run_start < 0)
			run_start = b;
		if (!empty && run_start >= 0) {
			if (b - run_start > best_len) {
				best_len = b - run_start;
				best_start = run_start;
			}
			run_start = -1;
		}
	}
	*start = best_start;
	return best_start < 0 ? 0 : best_len;
}

/* Is [g0, g1] a gutter: enough text on both sides of it (see below)? */
static int is_gutter(const struct seg *s, size_t n, double w, double h,
		     size_t body, double g0, double g1)
{
	size_t i, left = 0, right = 0;

	for (i = 0; i < n; i++) {
		if (s[i].y1 < h * BAND || s[i].y0 > h * (1 - BAND))
			continue;
		if (s[i].x1 <= g0 + 1)
			left++;
		else if (s[i].x0 >= g1 - 1)
			right++;
	}
	if (left < 3 || right < 3)
		return 0;
	if (left * 5 >= body && right * 5 >= body)
		return 1;
	/*
	 * A column that ends early (the last column of a CSS multi-column
	 * page) is short but still a column: several of its lines fill it
	 * from its left edge to its right one, unlike a few labels or
	 * numbers that happen to sit on one side of the page.
	 */
	return column_lines(s, n, w, h, 0, g0) >= 3 &&
	       column_lines(s, n, w, h, g1, w) >= 3;
}

/*
 * Finds a vertical gutter in the page body; returns 1 with [*g0, *g1] set.
 * A full-width title may cross it, so "empty" allows a few lines. A short
 * last column can be as sparse as that allowance (five lines beside a long
 * column of sixty), so the nearly empty run then reaches across it; the
 * emptiest run of the middle (no more lines than the allowance) is tried
 * next, the gutter proper.
 */
static int find_gutter(const struct seg *s, size_t n, double w, double h,
		       double *g0, double *g1)
{
	enum { BINS = 200 };
	unsigned cover[BINS], least = ~0u;
	size_t i, body = 0;
	int b, start, len;
	unsigned limit;

	memset(cover, 0, sizeof(cover));
	for (i = 0; i < n; i++) {
		int b0, b1;

		if (s[i].y1 < h * BAND || s[i].y0 > h * (1 - BAND))
			continue;
		body++;
		b0 = (int)(s[i].x0 / w * BINS);
		b1 = (int)(s[i].x1 / w * BINS);
		if (b0 < 0)
			b0 = 0;
		if (b1 >= BINS)
			b1 = BINS - 1;
		for (b = b0; b <= b1; b++)
			cover[b]++;
	}
	if (body < 8)
		return 0;
	limit = (unsigned)(body / 12);
	/* at least about 1% of the page width (6 pt on A4) */
	len = gutter_run(cover, BINS, limit, &start);
	if (len >= 2) {
		*g0 = (double)start / BINS * w;
		*g1 = (double)(start + len) / BINS * w;
		if (is_gutter(s, n, w, h, body, *g0, *g1))
			return 1;
	}
	for (b = (int)(BINS * 0.3); b <= (int)(BINS * 0.7); b++)
		if (cover[b] < least)
			least = cover[b];
	if (least >= limit)
		return 0;
	len = gutter_run(cover, BINS, least, &start);
	if (len < 2)
		return 0;
	*g0 = (double)start / BINS * w;
	*g1 = (double)(start + len) / BINS * w;
	return is_gutter(s, n, w, h, body, *g0, *g1);
}

static void merge_into(struct seg *a, struct seg *b)
{
	char *t = xstrfmt("%s %s", a->text, b->text);

	free(a->text);
	a->text = t;
	a->len = strlen(t);
	a->x0 = fmin(a->x0, b->x0);
	a->y0 = fmin(a->y0, b->y0);
	a->x1 = fmax(a->x1, b->x1);
	a->y1 = fmax(a->y1, b->y1);
	if (b->len > a->len / 2 && b->size > a->size)
		a->size = b->size;
	free(b->text);
	b->text = NULL;
	b->drop = 1;
}

/*
 * Puts the page's segments (s[0..n)) in reading order: by y, with the
 * columns of each band between full-width lines read one after the other,
 * and merges segments sharing a baseline in one column.
 */
static void order_page(struct seg *s, size_t n, double w, double h)
{
	double g0 = 0, g1 = 0;
	struct seg *tmp;
	size_t i, j, k, out = 0;

	if (find_gutter(s, n, w, h, &g0, &g1)) {
		for (i = 0; i < n; i++) {
			if (s[i].x1 <= g0 + 1)
				s[i].col = COL_LEFT;
			else if (s[i].x0 >= g1 - 1)
				s[i].col = COL_RIGHT;
			else
				s[i].col = COL_FULL;
		}
		tmp = xmalloc(n * sizeof(*tmp));
		for (i = 0; i < n; i = j) {
			/* band [i, j): up to and excluding the next full line */
			if (s[i].col == COL_FULL) {
				tmp[out++] = s[i];
				j = i + 1;
				continue;
			}
			for (j = i; j < n && s[j].col != COL_FULL; j++)
				;
			for (k = i; k < j; k++)
				if (s[k].col == COL_LEFT)
					tmp[out++] = s[k];
			for (k = i; k < j; k++)
				if (s[k].col == COL_RIGHT)
					tmp[out++] = s[k];
		}
		memcpy(s, tmp, n * sizeof(*s));
		free(tmp);
	}
	/* same baseline, same column: one line (poppler may cut at wide gaps) */
	for (i = 0; i + 1 < n; i++) {
		struct seg *a = &s[i], *b = &s[i + 1];
		double tol = 0.3 * fmin(a->y1 - a->y0, b->y1 - b->y0);

		if (a->drop)
			continue;
		if (a->col == b->col && fabs(a->y1 - b->y1) <= tol &&
		    b->x0 >= a->x1 - 1) {
			merge_into(a, b);
			/* keep merging into a: move b's slot past */
			for (k = i + 2; k < n && !s[k].drop && s[k].col == a->col &&
			     fabs(a->y1 - s[k].y1) <= tol && s[k].x0 >= a->x1 - 1; k++)
				merge_into(a, &s[k]);
			i = k - 1;
		}
	}
}

/* Digits masked, case folded, spaces and punctuation dropped. */
static char *furniture_key(const char *t)
{
	GString *k = g_string_new(NULL);
	char *ret;
	int in_digits = 0;

	for (; *t; t++) {
		unsigned char c = (unsigned char)*t;

		if (c >= '0' && c <= '9') {
			if (!in_digits)
				g_string_append_c(k, '#');
			in_digits = 1;
			continue;
		}
		in_digits = 0;
		if (c >= 0x80 || g_ascii_isalpha(c))
			g_string_append_c(k, (char)g_ascii_tolower(c));
	}
	ret = xstrndup(k->str, k->len);
	g_string_free(k, TRUE);
	return ret;
}

static int skip_dashes(const char **p)
{
	int n = 0;

	for (;;) {
		if (**p == ' ' || **p == '-') {
			(*p)++;
		} else if (!strncmp(*p, "\xe2\x80\x93", 3) || !strncmp(*p, "\xe2\x80\x94", 3)) {
			*p += 3;
		} else {
			return n;
		}
		n++;
	}
}

static int skip_number(const char **p)
{
	int n = 0;

	while (**p >= '0' && **p <= '9') {
		(*p)++;
		n++;
	}
	return n;
}

/* "12", "- 4 -", "Page 3", "Page 3 of 9", "3/9", "3 | Title", "Title | 3" */
static int is_page_number(const char *t)
{
	const char *p = t;
	size_t len = strlen(t);

	skip_dashes(&p);
	if (!g_ascii_strncasecmp(p, "page ", 5)) {
		p += 5;
		if (!skip_number(&p))
			return 0;
		if (!g_ascii_strncasecmp(p, " of ", 4)) {
			p += 4;
			if (!skip_number(&p))
				return 0;
		}
		skip_dashes(&p);
		return !*p;
	}
	if (skip_number(&p) > 0) {
		const char *q = p;
		int n = (int)(p - t);

		if (n > 4)
			return 0;
		if (*q == '/' || !strncmp(q, " / ", 3) || !strncmp(q, " of ", 4)) {
			q += *q == '/' ? 1 : (q[1] == '/' ? 3 : 4);
			if (skip_number(&q) && !*q)
				return 1;
		}
		if (!strncmp(p, " | ", 3) || !strncmp(p, " |", 2))
			return 1;
		skip_dashes(&p);
		return !*p;
	}
	/* "Title | 3" */
	if (len > 4) {
		const char *bar = strrchr(t, '|');

		if (bar) {
			p = bar + 1;
			while (*p == ' ')
				p++;
			if (skip_number(&p) && !*p)
				return 1;
		}
	}
	return 0;
}

static float body_size(const struct pdf *d)
{
	size_t i, best = 0;

	for (i = 1; i < ARRAY_SIZE(d->size_hist); i++)
		if (d->size_hist[i] > d->size_hist[best])
			best = i;
	return best ? best / 2.0f : 10.0f;
}

/*
 * A row: the segments of one page sharing a baseline, whatever the column
 * (a running head often has a title on the left and a number on the right).
 * Segments are sorted by y, so a row is a run of neighbours.
 */
static size_t row_end(const struct seg *s, size_t i, size_t end)
{
	size_t j = i + 1;

	while (j < end) {
		double tol = 0.3 * fmin(s[i].y1 - s[i].y0, s[j].y1 - s[j].y0);

		if (fabs(s[j].y1 - s[i].y1) > fmax(tol, 0.5))
			break;
		j++;
	}
	return j;
}

/* Key of a row: its segments' keys in x order. */
static char *row_key(const struct seg *s, size_t i, size_t j, int *has_number,
		     int *all_small, float body)
{
	GString *k = g_string_new(NULL);
	size_t a, done = 0;
	double last_x = -1e9;
	char *ret;

	*has_number = 0;
	*all_small = 1;
	while (done < j - i) {
		size_t pick = j;

		for (a = i; a < j; a++)
			if (s[a].x0 > last_x && (pick == j || s[a].x0 < s[pick].x0))
				pick = a;
		if (pick == j)
			break;
		last_x = s[pick].x0;
		done++;
		ret = furniture_key(s[pick].text);
		g_string_append(k, ret);
		free(ret);
		if (is_page_number(s[pick].text))
			*has_number = 1;
		if (s[pick].size >= body - 0.4f)
			*all_small = 0;
	}
	ret = xstrndup(k->str, k->len);
	g_string_free(k, TRUE);
	return ret;
}

struct row {
	size_t i, j; /* segments [i, j) */
	char *key;
};

/* Candidate furniture rows of one page: the first and last few, in a band. */
static void page_band_rows(const struct pdf *d, const struct page_info *pg,
			   struct row **rows, size_t *nr, size_t *alloc,
			   float body)
{
	size_t end = pg->first + pg->n;
	size_t i, n = 0, r, *starts = xmalloc((pg->n + 1) * sizeof(*starts));

	for (i = pg->first; i < end; i = row_end(d->s, i, end))
		starts[n++] = i;
	for (r = 0; r < n; r++) {
		size_t a = starts[r], b = row_end(d->s, a, end);
		int top = r < 3, bottom = r + 3 >= n, num, small;
		const struct seg *s = &d->s[a];
		struct row *row;

		if (!(top && s->y1 < pg->h * BAND) && !(bottom && s->y0 > pg->h * (1 - BAND)))
			continue;
		ALLOC_GROW(*rows, *nr, *alloc);
		row = &(*rows)[(*nr)++];
		row->i = a;
		row->j = b;
		row->key = row_key(d->s, a, b, &num, &small, body);
		/* page numbers go at once; so do small-type heads of one-page files */
		if (num || !*row->key || (d->pages == 1 && small && (r == 0 || r + 1 == n))) {
			size_t k;

			for (k = a; k < b; k++)
				d->s[k].drop = 1;
		}
	}
	free(starts);
}

/* First segment of a page that is not dropped, or end. */
static size_t first_kept(const struct pdf *d, const struct page_info *pg)
{
	size_t i, end = pg->first + pg->n;

	for (i = pg->first; i < end && d->s[i].drop; i++)
		;
	return i;
}

/*
 * A running head that is not repeated often enough to be counted (printed
 * from page 2 on in a two-page file, or the head of a one-page file) is
 * known by its place. It is the first row of its page, in the top band,
 * in plain type no larger than the body (a title or heading is larger or
 * bold), and cut off from the rest by a gap of more than one and a half
 * lines; and either the rest of its page starts where another page's text
 * starts (the head sits in the margin above the body), or, on a one-page
 * file, the row is split in parts at the left and right (the usual "title
 * ... board" head).
 */
static void remove_lone_heads(struct pdf *d, const struct page_info *pages, float body)
{
	int p, q;

	for (p = 0; p < d->pages; p++) {
		const struct page_info *pg = &pages[p];
		size_t end = pg->first + pg->n, i = first_kept(d, pg), j, k;
		double y1 = 0, size = 0;
		int head = 0, plain = 1;

		if (i >= end || d->s[i].y1 >= pg->h * BAND)
			continue;
		j = row_end(d->s, i, end);
		if (j >= end)
			continue;
		for (k = i; k < j; k++) {
			y1 = fmax(y1, d->s[k].y1);
			size = fmax(size, d->s[k].size);
			plain &= !d->s[k].bold && !d->s[k].drop;
		}
		if (!plain || size > body + 0.4f || d->s[j].y0 - y1 <= 1.5 * size)
			continue;
		if (d->pages == 1)
			head = j - i >= 2;
		for (q = 0; q < d->pages && !head; q++) {
			size_t t = first_kept(d, &pages[q]);

			head = q != p && t < pages[q].first + pages[q].n &&
			       y1 < d->s[t].y0 &&
			       fabs(d->s[j].y0 - d->s[t].y0) <= body;
		}
		if (head)
			for (k = i; k < j; k++)
				d->s[k].drop = 1;
	}
}

/* Marks running headers, footers and page numbers as dropped. */
static void remove_furniture(struct pdf *d, const struct page_info *pages, float body)
{
	GHashTable *count = g_hash_table_new(g_str_hash, g_str_equal);
	struct row *rows = NULL;
	size_t nr = 0, alloc = 0, r, k;
	int p, need = d->pages < 4 ? 2 : (d->pages + 1) / 2;

	for (p = 0; p < d->pages; p++) {
		size_t before = nr;

		page_band_rows(d, &pages[p], &rows, &nr, &alloc, body);
		/* count each key once per page */
		for (r = before; r < nr; r++) {
			size_t q;
			int dup = 0;

			for (q = before; q < r; q++)
				dup |= !strcmp(rows[q].key, rows[r].key);
			if (!dup)
				g_hash_table_insert(count, rows[r].key,
					GINT_TO_POINTER(GPOINTER_TO_INT(g_hash_table_lookup(count, rows[r].key)) + 1));
		}
	}
	for (r = 0; r < nr; r++) {
		if (d->pages >= 2 &&
		    GPOINTER_TO_INT(g_hash_table_lookup(count, rows[r].key)) >= need)
			for (k = rows[r].i; k < rows[r].j; k++)
				d->s[k].drop = 1;
	}
	g_hash_table_destroy(count);
	for (r = 0; r < nr; r++)
		free(rows[r].key);
	free(rows);
	remove_lone_heads(d, pages, body);
}

static int utf8_starts(const char *t, const char *prefix)
{
	return !strncmp(t, prefix, strlen(prefix));
}

/* Bullets, "1.", "2)", "a.", "(iv)" followed by a space. */
static int is_item_start(const char *t)
{
	static const char *const bullets[] = {
		"\xe2\x80\xa2", "\xe2\x97\xa6", "\xe2\x96\xaa", "\xe2\x96\xa0",
		"\xe2\x97\x8f", "\xe2\x97\x8b", "\xe2\x80\xa3", "\xe2\x81\x83",
		"\xc2\xb7", "\xef\x82\xb7", "\xe2\x9e\xa2", "\xe2\x9c\x93",
		"\xe2\x80\x93 ", "- ", "* ", "o ",
	};
	const char *p = t;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bullets); i++)
		if (utf8_starts(t, bullets[i]))
			return 1;
	if (*p == '(') {
		p++;
		for (i = 0; i < 4 && g_ascii_isalnum(*p); i++)
			p++;
		return i > 0 && *p == ')' && p[1] == ' ';
	}
	if (skip_number(&p) > 0) {
		if (p - t > 3)
			return 0;
		return (*p == '.' || *p == ')') && p[1] == ' ';
	}
	if (g_ascii_islower(*p) && (p[1] == '.' || p[1] == ')') && p[2] == ' ')
		return 1;
	return 0;
}

static int ends_sentence(const struct seg *s)
{
	char c = s->len ? s->text[s->len - 1] : '.';

	if (c == '"' || c == '\'' || c == ')')
		c = s->len > 1 ? s->text[s->len - 2] : '.';
	return c == '.' || c == '?' || c == '!' || c == ':';
}

/*
 * The usual gap between consecutive lines of one paragraph: the first
 * quartile of the gaps between lines of one column, not the median, since
 * in a document of short paragraphs most gaps are paragraph breaks.
 */
static double usual_gap(const struct seg *s, size_t n)
{
	double *gaps = xmalloc((n + 1) * sizeof(*gaps));
	size_t i, ng = 0, prev = (size_t)-1;
	double med = 2.0;

	for (i = 0; i < n; i++) {
		if (s[i].drop)
			continue;
		if (prev != (size_t)-1 && s[prev].page == s[i].page &&
		    s[prev].col == s[i].col) {
			double g = s[i].y0 - s[prev].y1;

			if (g > -2 && g < 2 * s[i].size)
				gaps[ng++] = g;
		}
		prev = i;
	}
	if (ng) {
		/* nth element by sorting: ng is one document's lines */
		for (i = 1; i < ng; i++) {
			double v = gaps[i];
			size_t j = i;

			while (j > 0 && gaps[j - 1] > v) {
				gaps[j] = gaps[j - 1];
				j--;
			}
			gaps[j] = v;
		}
		med = gaps[ng / 4];
	}
	free(gaps);
	return med;
}

/* Left and right edges of each page column, for indentation and fill. */
struct edges {
	double left[3], right[3];
};

/*
 * Would the first word of s have fitted at the end of line p, whose column
 * ends at `right`? Then p was ended on purpose (the end of a paragraph or
 * an item), not wrapped. The word's width is estimated from s's average
 * character width.
 */
static int first_word_fits(const struct seg *p, const struct seg *s, double right)
{
	size_t n = 0, chars = 0;
	const char *t;
	double em = p->size > 0 ? p->size : 10;

	for (t = s->text; *t && *t != ' '; t = g_utf8_next_char(t))
		n++;
	for (t = s->text; *t; t = g_utf8_next_char(t))
		chars++;
	if (!chars)
		return 0;
	return right - p->x1 > (s->x1 - s->x0) * n / chars + 0.6 * em;
}

static int is_dash_item(const char *t)
{
	return !strncmp(t, "- ", 2) || !strncmp(t, "\xe2\x80\x93 ", 4);
}

static int starts_lower(const struct seg *s)
{
	return g_unichar_islower(g_utf8_get_char(s->text));
}

/*
 * Does the paragraph of line p go on in line s at the top of the next
 * column or page? A line that starts in lower case continues whatever came
 * before; otherwise the paragraph goes on when p ran to its column's right
 * edge (a short line ends a paragraph) without ending a sentence.
 */
static int continues_after(const struct seg *p, const struct seg *s,
			   const struct edges *pe)
{
	double left = pe->left[p->col], right = pe->right[p->col];
	double slack = fmax(0.15 * (right - left), 2.0 * p->size);

	if (starts_lower(s))
		return 1;
	return !ends_sentence(p) && p->x1 >= right - slack &&
	       !first_word_fits(p, s, right);
}

static void set_flags(struct pdf *d, float body, const double *page_h)
{
	double gap_norm = usual_gap(d->s, d->nr);
	struct edges *e = xcalloc((size_t)d->pages + 1, sizeof(*e));
	size_t i, prev = (size_t)-1;
	int prev_first_indent = 0, in_item = 0;

	(void)page_h;
	for (i = 0; i < (size_t)d->pages + 1; i++) {
		e[i].left[0] = e[i].left[1] = e[i].left[2] = 1e9;
		e[i].right[0] = e[i].right[1] = e[i].right[2] = -1e9;
	}
	for (i = 0; i < d->nr; i++) {
		struct seg *s = &d->s[i];

		if (s->drop)
			continue;
		if (s->x0 < e[s->page].left[s->col])
			e[s->page].left[s->col] = s->x0;
		if (s->x1 > e[s->page].right[s->col])
			e[s->page].right[s->col] = s->x1;
	}
	for (i = 0; i < d->nr; i++) {
		struct seg *s = &d->s[i], *p;
		double em = s->size > 0 ? s->size : body;
		int indent, prev_indent, new_block = 0;

		if (s->drop)
			continue;
		indent = s->x0 > e[s->page].left[s->col] + 0.8 * em;
		if (indent)
			s->flags |= LINE_INDENT;
		p = prev == (size_t)-1 ? NULL : &d->s[prev];
		/* a dash at the start of a line that a full line wrapped onto
		 * is the sentence's own dash, not a bullet */
		if (is_item_start(s->text) &&
		    !(is_dash_item(s->text) && p && p->page == s->page &&
		      p->col == s->col && !(p->flags & LINE_HEADING) &&
		      s->y0 - p->y1 <= gap_norm + fmax(2.0, 0.3 * em) &&
		      !first_word_fits(p, s, e[s->page].right[s->col])))
			s->flags |= LINE_ITEM;
		if ((s->size >= body * 1.12f || s->bold) && s->len <= 150 &&
		    !(s->flags & LINE_ITEM && !s->bold && s->size < body * 1.12f))
			s->flags |= LINE_HEADING;
		if (prev == (size_t)-1 || d->s[prev].page != s->page)
			s->flags |= LINE_PAGE_START;
		if (!p) {
			new_block = 1;
		} else if (p->page != s->page || p->col != s->col) {
			/* a paragraph carried over to the next column or page */
			new_block = (indent && !in_item) ||
				    !continues_after(p, s, &e[p->page]);
		} else {
			double gap = s->y0 - p->y1;

			prev_indent = (p->flags & LINE_INDENT) != 0;
			if (gap > gap_norm + fmax(2.0, 0.3 * em))
				new_block = 1;
			else if (gap < -0.5 * em)
				new_block = 1; /* went back up: a new region */
			else if (indent && !prev_indent && !in_item)
				new_block = 1; /* first-line indent */
			else if (!indent && prev_indent && !prev_first_indent)
				new_block = 1; /* end of an indented block or item */
			else if ((s->flags ^ p->flags) & LINE_HEADING)
				new_block = 1;
			else if (fabs(s->size - p->size) > 0.6f)
				new_block = 1;
			else if (!starts_lower(s) &&
				 first_word_fits(p, s, e[s->page].right[s->col]))
				new_block = 1; /* p ended short on purpose */
		}
		if (new_block)
			s->flags |= LINE_BREAK_BEFORE;
		if (s->flags & LINE_ITEM)
			in_item = 1;
		else if (new_block && !indent)
			in_item = 0;
		prev_first_indent = new_block && indent;
		prev = i;
	}
	free(e);
}

/* NULL with err filled when poppler refuses the file; frees gerr. */
static PopplerDocument *opened(PopplerDocument *doc, GError *gerr,
			       struct doc_error *err)
{
	if (!doc) {
		if (gerr && gerr->domain == POPPLER_ERROR &&
		    gerr->code == POPPLER_ERROR_ENCRYPTED)
			doc_error_set(err, "extract", DOC_ERR_ENCRYPTED,
				      "encrypted: needs a password");
		else
			doc_error_set(err, "extract", DOC_ERR_FORMAT, "%s",
				      gerr && gerr->message ? gerr->message :
				      "not a pdf");
	}
	if (gerr)
		g_error_free(gerr);
	return doc;
}

/* Drops the removed segments and puts each page in reading order. */
static void compact_and_order(struct pdf *d, struct page_info *pages)
{
	size_t k, out = 0;
	int p;

	for (p = 0; p < d->pages; p++) {
		size_t first = out;

		for (k = pages[p].first; k < pages[p].first + pages[p].n; k++) {
			if (d->s[k].drop) {
				free(d->s[k].text);
				continue;
			}
			d->s[out++] = d->s[k];
		}
		pages[p].first = first;
		pages[p].n = out - first;
		if (pages[p].n)
			order_page(d->s + first, pages[p].n, pages[p].w, pages[p].h);
	}
	d->nr = out;
}

static void read_pages(PopplerDocument *doc, struct pdf *d,
		       struct page_info *pages, struct doc_text *out)
{
	int i;

	for (i = 0; i < d->pages; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		struct page_info *pg = &pages[i];

		pg->first = d->nr;
		pg->w = 612;
		pg->h = 792;
		if (!page) {
			doc_text_warn(out, "page %d cannot be read", i + 1);
			continue;
		}
		poppler_page_get_size(page, &pg->w, &pg->h);
		if (!isfinite(pg->w) || pg->w < 1 || pg->w > MAX_PAGE_DIM)
			pg->w = 612;
		if (!isfinite(pg->h) || pg->h < 1 || pg->h > MAX_PAGE_DIM)
			pg->h = 792;
		read_page_segments(d, page, i + 1);
		pg->n = d->nr - pg->first;
		if (!pg->n)
			doc_text_warn(out, "page %d has no text layer", i + 1);
		if (pg->n) /* no segments: d->s may be NULL */
			qsort(d->s + pg->first, pg->n, sizeof(*d->s), cmp_y);
		g_object_unref(page);
	}
}

static int extract_doc(PopplerDocument *doc, struct doc_text *out)
{
	struct pdf d;
	struct page_info *pages;
	float body;
	size_t k;
	int n;

	memset(&d, 0, sizeof(d));
	n = poppler_document_get_n_pages(doc);
	d.pages = n < 0 ? 0 : n > MAX_PAGES ? MAX_PAGES : n;
	out->pages = d.pages;
	pages = xcalloc((size_t)d.pages + 1, sizeof(*pages));
	read_pages(doc, &d, pages, out);
	g_object_unref(doc);
	body = body_size(&d);
	remove_furniture(&d, pages, body);
	compact_and_order(&d, pages);
	set_flags(&d, body, NULL);
	for (k = 0; k < d.nr; k++) {
		struct seg *s = &d.s[k];

		if (!s->drop)
			doc_text_add(out, s->text, s->len, s->page, s->size, s->flags);
		free(s->text);
	}
	free(d.s);
	free(pages);
	return 0;
}

int extract_pdf_fd(int fd, struct doc_text *out, struct doc_error *err)
{
	GError *gerr = NULL;
	int dfd = dup(fd);
	PopplerDocument *doc;

	if (dfd < 0)
		return doc_error_set(err, "extract", DOC_ERR_IO, "cannot read: %s",
				     strerror(errno));
	/* poppler owns (and closes) the duplicate */
	doc = poppler_document_new_from_fd(dfd, NULL, &gerr);
	doc = opened(doc, gerr, err);
	if (!doc)
		return -1;
	return extract_doc(doc, out);
}

int extract_pdf_data(const void *data, size_t len, struct doc_text *out,
		     struct doc_error *err)
{
	GError *gerr = NULL;
	GBytes *b = g_bytes_new_static(data, len);
	PopplerDocument *doc = poppler_document_new_from_bytes(b, NULL, &gerr);
	int rc = -1;

	doc = opened(doc, gerr, err);
	if (doc)
		rc = extract_doc(doc, out);
	g_bytes_unref(b);
	return rc;
}

int extract_pdf(const char *path, struct doc_text *out, struct doc_error *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC), rc;

	if (fd < 0) {
		const char *m = strerror(errno);

		/* messages are lowercase: "no such file or directory" */
		return doc_error_set(err, "extract", DOC_ERR_IO, "%c%s",
				     g_ascii_tolower(*m), m + 1);
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return doc_error_set(err, "extract", DOC_ERR_IO, "not a regular file");
	}
	rc = extract_pdf_fd(fd, out, err);
	close(fd);
	return rc;
}
