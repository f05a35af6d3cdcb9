/*
 * Page layout geometry: reading order, page furniture and line flags from
 * the boxes of a document's lines (layout.h). The reader (extract_pdf.c)
 * gives each page's lines with their box, dominant font size and weight;
 * nothing here knows where they came from.
 *
 * Reading order is rebuilt from the boxes:
 *  - columns: the page body's lines are projected on the x axis; a run
 *    of empty (or nearly empty) positions in the middle 30-70% of the page
 *    width, with enough text on both sides, is a gutter (when a short
 *    column is as sparse as the allowance for crossing lines, the
 *    emptiest run is the gutter instead). Lines left of
 *    it form the left column, right of it the right column, and lines
 *    crossing it are full-width (titles). Between two full-width lines the
 *    left column is read before the right one. The balance of the two
 *    sides does not matter when each side has lines that fill it: the last
 *    column of a page often ends early.
 *  - pieces on the same baseline in the same column are merged (the reader
 *    cuts at wide gaps, so two columns run together come apart).
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
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "layout.h"
#include "banned.h"

#define BAND 0.11 /* top and bottom bands, share of page height */

static int cmp_y(const void *va, const void *vb)
{
	const struct layout_line *a = va, *b = vb;

	if (a->y1 != b->y1)
		return a->y1 < b->y1 ? -1 : 1;
	return a->x0 < b->x0 ? -1 : a->x0 > b->x0;
}

/*
 * Body lines within [x0, x1] that span at least 80% of the widest, and
 * a quarter of the page width (a column's lines, not a row of labels).
 */
static size_t column_lines(const struct layout_line *s, size_t n, double w, double h,
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
static int is_gutter(const struct layout_line *s, size_t n, double w, double h,
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
static int find_gutter(const struct layout_line *s, size_t n, double w, double h,
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

static void merge_into(struct layout_line *a, struct layout_line *b)
{
	char *t = xstrfmt("%s %s", a->text, b->text);

	free(a->text);
	a->text = t;
	a->len = strlen(t);
	a->x0 = fmin(a->x0, b->x0);
	a->y0 = fmin(a->y0, b->y0);
	a->x1 = fmax(a->x1, b->x1);
	a->y1 = fmax(a->y1, b->y1);
	a->ocr |= b->ocr;
	if (b->len > a->len / 2 && b->size > a->size)
		a->size = b->size;
	free(b->text);
	b->text = NULL;
	b->drop = 1;
}

/*
 * Puts the page's lines (s[0..n)) in reading order: by y, with the
 * columns of each band between full-width lines read one after the other,
 * and merges lines sharing a baseline in one column.
 */
static void order_page(struct layout_line *s, size_t n, double w, double h)
{
	double g0 = 0, g1 = 0;
	struct layout_line *tmp;
	size_t i, j, k, out = 0;

	if (find_gutter(s, n, w, h, &g0, &g1)) {
		for (i = 0; i < n; i++) {
			if (s[i].x1 <= g0 + 1)
				s[i].col = LAYOUT_LEFT;
			else if (s[i].x0 >= g1 - 1)
				s[i].col = LAYOUT_RIGHT;
			else
				s[i].col = LAYOUT_FULL;
		}
		tmp = xmalloc(n * sizeof(*tmp));
		for (i = 0; i < n; i = j) {
			/* band [i, j): up to and excluding the next full line */
			if (s[i].col == LAYOUT_FULL) {
				tmp[out++] = s[i];
				j = i + 1;
				continue;
			}
			for (j = i; j < n && s[j].col != LAYOUT_FULL; j++)
				;
			for (k = i; k < j; k++)
				if (s[k].col == LAYOUT_LEFT)
					tmp[out++] = s[k];
			for (k = i; k < j; k++)
				if (s[k].col == LAYOUT_RIGHT)
					tmp[out++] = s[k];
		}
		memcpy(s, tmp, n * sizeof(*s));
		free(tmp);
	}
	/* same baseline, same column: one line (the reader cuts at wide gaps) */
	for (i = 0; i + 1 < n; i++) {
		struct layout_line *a = &s[i], *b = &s[i + 1];
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

static float body_size(const struct layout *d)
{
	size_t i, best = 0;

	for (i = 1; i < ARRAY_SIZE(d->size_hist); i++)
		if (d->size_hist[i] > d->size_hist[best])
			best = i;
	return best ? best / 2.0f : 10.0f;
}

/*
 * A row: the lines of one page sharing a baseline, whatever the column
 * (a running head often has a title on the left and a number on the right).
 * Segments are sorted by y, so a row is a run of neighbours.
 */
static size_t row_end(const struct layout_line *s, size_t i, size_t end)
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

/* Key of a row: its lines' keys in x order. */
static char *row_key(const struct layout_line *s, size_t i, size_t j, int *has_number,
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
	size_t i, j; /* lines [i, j) */
	char *key;
};

/* Candidate furniture rows of one page: the first and last few, in a band. */
static void page_band_rows(const struct layout *d, const struct layout_page *pg,
			   struct row **rows, size_t *nr, size_t *alloc,
			   float body)
{
	size_t end = pg->first + pg->n;
	size_t i, n = 0, r, *starts = xmalloc((pg->n + 1) * sizeof(*starts));

	for (i = pg->first; i < end; i = row_end(d->lines, i, end))
		starts[n++] = i;
	for (r = 0; r < n; r++) {
		size_t a = starts[r], b = row_end(d->lines, a, end);
		int top = r < 3, bottom = r + 3 >= n, num, small;
		const struct layout_line *s = &d->lines[a];
		struct row *row;

		if (!(top && s->y1 < pg->h * BAND) && !(bottom && s->y0 > pg->h * (1 - BAND)))
			continue;
		ALLOC_GROW(*rows, *nr, *alloc);
		row = &(*rows)[(*nr)++];
		row->i = a;
		row->j = b;
		row->key = row_key(d->lines, a, b, &num, &small, body);
		/* page numbers go at once; so do small-type heads of one-page files */
		if (num || !*row->key || (d->nr_pages == 1 && small && (r == 0 || r + 1 == n))) {
			size_t k;

			for (k = a; k < b; k++)
				d->lines[k].drop = 1;
		}
	}
	free(starts);
}

/* First line of a page that is not dropped, or end. */
static size_t first_kept(const struct layout *d, const struct layout_page *pg)
{
	size_t i, end = pg->first + pg->n;

	for (i = pg->first; i < end && d->lines[i].drop; i++)
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
static void remove_lone_heads(struct layout *d, const struct layout_page *pages, float body)
{
	int p, q;

	for (p = 0; p < d->nr_pages; p++) {
		const struct layout_page *pg = &pages[p];
		size_t end = pg->first + pg->n, i = first_kept(d, pg), j, k;
		double y1 = 0, size = 0;
		int head = 0, plain = 1;

		if (i >= end || d->lines[i].y1 >= pg->h * BAND)
			continue;
		j = row_end(d->lines, i, end);
		if (j >= end)
			continue;
		for (k = i; k < j; k++) {
			y1 = fmax(y1, d->lines[k].y1);
			size = fmax(size, d->lines[k].size);
			plain &= !d->lines[k].bold && !d->lines[k].drop;
		}
		if (!plain || size > body + 0.4f || d->lines[j].y0 - y1 <= 1.5 * size)
			continue;
		if (d->nr_pages == 1)
			head = j - i >= 2;
		for (q = 0; q < d->nr_pages && !head; q++) {
			size_t t = first_kept(d, &pages[q]);

			head = q != p && t < pages[q].first + pages[q].n &&
			       y1 < d->lines[t].y0 &&
			       fabs(d->lines[j].y0 - d->lines[t].y0) <= body;
		}
		if (head)
			for (k = i; k < j; k++)
				d->lines[k].drop = 1;
	}
}

/* Marks running headers, footers and page numbers as dropped. */
static void remove_furniture(struct layout *d, const struct layout_page *pages, float body)
{
	GHashTable *count = g_hash_table_new(g_str_hash, g_str_equal);
	struct row *rows = NULL;
	size_t nr = 0, alloc = 0, r, k;
	int p, need = d->nr_pages < 4 ? 2 : (d->nr_pages + 1) / 2;

	for (p = 0; p < d->nr_pages; p++) {
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
		if (d->nr_pages >= 2 &&
		    GPOINTER_TO_INT(g_hash_table_lookup(count, rows[r].key)) >= need)
			for (k = rows[r].i; k < rows[r].j; k++)
				d->lines[k].drop = 1;
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

static int ends_sentence(const struct layout_line *s)
{
	char c = s->len ? s->text[s->len - 1] : '.';

	if (c == '"' || c == '\'' || c == ')')
		c = s->len > 1 ? s->text[s->len - 2] : '.';
	return c == '.' || c == '?' || c == '!' || c == ':';
}

static int cmp_double(const void *va, const void *vb)
{
	double a = *(const double *)va, b = *(const double *)vb;

	return a < b ? -1 : a > b;
}

/*
 * The usual gap between consecutive lines of one paragraph: the first
 * quartile of the gaps between lines of one column, not the median, since
 * in a document of short paragraphs most gaps are paragraph breaks.
 */
static double usual_gap(const struct layout_line *s, size_t n)
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
		/* nth element by sorting: ng is one document's lines, and a
		 * long document's gaps come in no order, so not by insertion */
		qsort(gaps, ng, sizeof(*gaps), cmp_double);
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
static int first_word_fits(const struct layout_line *p, const struct layout_line *s, double right)
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

static int starts_lower(const struct layout_line *s)
{
	return g_unichar_islower(g_utf8_get_char(s->text));
}

/*
 * Does the paragraph of line p go on in line s at the top of the next
 * column or page? A line that starts in lower case continues whatever came
 * before; otherwise the paragraph goes on when p ran to its column's right
 * edge (a short line ends a paragraph) without ending a sentence.
 */
static int continues_after(const struct layout_line *p, const struct layout_line *s,
			   const struct edges *pe)
{
	double left = pe->left[p->col], right = pe->right[p->col];
	double slack = fmax(0.15 * (right - left), 2.0 * p->size);

	if (starts_lower(s))
		return 1;
	return !ends_sentence(p) && p->x1 >= right - slack &&
	       !first_word_fits(p, s, right);
}

static void set_flags(struct layout *d, float body)
{
	double gap_norm = usual_gap(d->lines, d->nr);
	struct edges *e = xcalloc((size_t)d->nr_pages + 1, sizeof(*e));
	size_t i, prev = (size_t)-1;
	int prev_first_indent = 0, in_item = 0;

	for (i = 0; i < (size_t)d->nr_pages + 1; i++) {
		e[i].left[0] = e[i].left[1] = e[i].left[2] = 1e9;
		e[i].right[0] = e[i].right[1] = e[i].right[2] = -1e9;
	}
	for (i = 0; i < d->nr; i++) {
		struct layout_line *s = &d->lines[i];

		if (s->drop)
			continue;
		if (s->x0 < e[s->page].left[s->col])
			e[s->page].left[s->col] = s->x0;
		if (s->x1 > e[s->page].right[s->col])
			e[s->page].right[s->col] = s->x1;
	}
	for (i = 0; i < d->nr; i++) {
		struct layout_line *s = &d->lines[i], *p;
		double em = s->size > 0 ? s->size : body;
		int indent, prev_indent, new_block = 0;

		if (s->drop)
			continue;
		indent = s->x0 > e[s->page].left[s->col] + 0.8 * em;
		if (indent)
			s->flags |= LINE_INDENT;
		p = prev == (size_t)-1 ? NULL : &d->lines[prev];
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
		if (prev == (size_t)-1 || d->lines[prev].page != s->page)
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

/* Drops the removed lines and puts each page in reading order. */
static void compact_and_order(struct layout *d, struct layout_page *pages)
{
	size_t k, out = 0;
	int p;

	for (p = 0; p < d->nr_pages; p++) {
		size_t first = out;

		for (k = pages[p].first; k < pages[p].first + pages[p].n; k++) {
			if (d->lines[k].drop) {
				free(d->lines[k].text);
				continue;
			}
			d->lines[out++] = d->lines[k];
		}
		pages[p].first = first;
		pages[p].n = out - first;
		if (pages[p].n)
			order_page(d->lines + first, pages[p].n, pages[p].w, pages[p].h);
	}
	d->nr = out;
}

/* Drops the lines merged into others, keeping each page's range right. */
static void compact(struct layout *d)
{
	size_t k, out = 0;
	int p;

	for (p = 0; p < d->nr_pages; p++) {
		struct layout_page *pg = &d->pages[p];
		size_t first = out;

		for (k = pg->first; k < pg->first + pg->n; k++)
			if (!d->lines[k].drop)
				d->lines[out++] = d->lines[k];
		pg->first = first;
		pg->n = out - first;
	}
	d->nr = out;
}

void layout_init(struct layout *l, int pages)
{
	int p;

	memset(l, 0, sizeof(*l));
	l->nr_pages = pages < 0 ? 0 : pages;
	l->pages = xcalloc((size_t)l->nr_pages + 1, sizeof(*l->pages));
	for (p = 0; p < l->nr_pages; p++) {
		l->pages[p].w = 612;
		l->pages[p].h = 792;
	}
	l->cur = -1;
}

void layout_begin_page(struct layout *l, int page, double w, double h)
{
	struct layout_page *pg;

	if (page < 1 || page > l->nr_pages || page - 1 < l->cur)
		BUG("layout_begin_page: page %d of %d after %d", page,
		    l->nr_pages, l->cur + 1);
	l->cur = page - 1;
	pg = &l->pages[l->cur];
	pg->first = l->nr;
	pg->n = 0;
	pg->w = w;
	pg->h = h;
}

void layout_add(struct layout *l, const struct layout_line *line,
		unsigned glyphs)
{
	struct layout_line *s;
	unsigned bin;

	if (l->cur < 0)
		BUG("layout_add before layout_begin_page");
	ALLOC_GROW(l->lines, l->nr, l->alloc);
	s = &l->lines[l->nr++];
	*s = *line;
	s->page = l->cur + 1;
	s->col = LAYOUT_FULL;
	s->drop = 0;
	s->flags = 0;
	l->pages[l->cur].n++;
	bin = (unsigned)(s->size * 2 + 0.5);
	if (bin < ARRAY_SIZE(l->size_hist))
		l->size_hist[bin] += glyphs;
}

void layout_run(struct layout *l)
{
	int p;

	for (p = 0; p < l->nr_pages; p++)
		if (l->pages[p].n > 1) /* lines is NULL while there are none */
			qsort(l->lines + l->pages[p].first, l->pages[p].n,
			      sizeof(*l->lines), cmp_y);
	l->body = body_size(l);
	remove_furniture(l, l->pages, l->body);
	compact_and_order(l, l->pages);
	set_flags(l, l->body);
	compact(l);
}

void layout_release(struct layout *l)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		free(l->lines[i].text);
	free(l->lines);
	free(l->pages);
	memset(l, 0, sizeof(*l));
	l->cur = -1;
}
