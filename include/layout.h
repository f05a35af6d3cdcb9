#ifndef LAYOUT_H
#define LAYOUT_H

/*
 * Page layout: a document's text lines as boxes in, the same lines in
 * reading order out, with page furniture (running heads and feet, page
 * numbers) dropped and each line flagged (enum line_flag in doc.h). Pure
 * geometry on plain structs: whatever reads a page (extract_pdf.c through
 * poppler, a test with made-up boxes) fills a struct layout page by page
 * and calls layout_run(). The struct layout owns its lines and their text;
 * layout_release() frees them. Never prints, never exits.
 */

#include <stddef.h>
#include "doc.h"

enum layout_col { LAYOUT_FULL, LAYOUT_LEFT, LAYOUT_RIGHT };

/* One piece of a page's text: a line, or part of one cut at a wide gap. */
struct layout_line {
	char *text;             /* normalised UTF-8 (normalize.h), owned */
	size_t len;
	double x0, y0, x1, y1;  /* box in points, y growing down the page */
	float size;             /* dominant font size in points */
	int bold;               /* most glyphs in a bold face */
	int ocr;                /* recognised from the page's image (ocr.h) */
	int page;               /* 1-based; set by layout_add() */
	/* set by layout_run() */
	enum layout_col col;
	int drop;               /* furniture, or merged into another line */
	unsigned flags;         /* enum line_flag */
};

struct layout_page {
	size_t first, n; /* its lines: lines[first .. first + n) */
	double w, h;     /* size in points */
};

struct layout {
	struct layout_line *lines;
	size_t nr, alloc;
	struct layout_page *pages;
	int nr_pages;
	int cur;     /* the page layout_add() appends to (0-based), -1 before any */
	float body;  /* the body text's font size, set by layout_run() */
	/* font sizes in half points, weighted by glyphs (layout_add) */
	unsigned long size_hist[200];
};

/* An empty layout of `pages` pages (each 612 x 792 points, no lines). */
void layout_init(struct layout *l, int pages);
/* Lines added from now on belong to page `page` (1-based, at most the
 * count given to layout_init), of w x h points. Pages are begun in order. */
void layout_begin_page(struct layout *l, int page, double w, double h);
/* Appends a copy of *line to the current page, taking ownership of its
 * text; `glyphs` weighs its size in the search for the body size. */
void layout_add(struct layout *l, const struct layout_line *line,
		unsigned glyphs);
/*
 * Puts each page in reading order, drops furniture and sets the flags.
 * Afterwards lines[0..nr) are the kept lines in reading order and each
 * page's first and n count kept lines only.
 */
void layout_run(struct layout *l);
void layout_release(struct layout *l);

#endif
