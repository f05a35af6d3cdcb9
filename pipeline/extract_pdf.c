/*
 * PDF text extraction through poppler-glib; the geometry (reading order,
 * furniture, line flags) is layout.c's.
 *
 * For each page poppler gives the page text (its own line order, lines
 * ended by '\n'), one glyph box per character of that text, and font runs
 * (name, size). One pass over the characters cuts the text into pieces
 * for layout.h: a piece ends at a newline, at a horizontal jump wider than
 * about an em (two columns that poppler ran together: a gutter can be as
 * narrow as 1.5 ems of a heading) or at a baseline change; layout merges
 * back the pieces that turn out to share a column. Each piece keeps its
 * bounding box, dominant font size and whether most of its glyphs are bold
 * (font name). No per-glyph work beyond that pass.
 *
 * A page without any text is read by OCR (ocr.h) unless it is turned off:
 * each recognised line becomes a layout line flagged ocr (LINE_OCR on the
 * document's lines, `ocr` on their passages).
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
#include "layout.h"
#include "ocr.h"
#include "pdflimits.h"
#include <sys/mman.h>
#include "banned.h"

#define MAX_PAGES 5000
#define MAX_PAGE_CHARS 400000
#define MAX_PAGE_DIM 14400.0 /* 200 inches, the PDF spec's own limit */
#define MAX_MAPPED ((off_t)64 << 20) /* read from memory (open_in_memory) */

/* Accumulates one segment while walking a page's characters. */
struct acc {
	GString *text;
	double x0, y0, x1, y1;
	int have_box;
	float sizes[4];
	unsigned size_n[4];
	unsigned last; /* the slot acc_size() counted last */
	unsigned glyphs, bold;
};

static void acc_reset(struct acc *a)
{
	g_string_truncate(a->text, 0);
	a->have_box = 0;
	memset(a->sizes, 0, sizeof(a->sizes));
	memset(a->size_n, 0, sizeof(a->size_n));
	a->last = 0;
	a->glyphs = a->bold = 0;
}

static void acc_size(struct acc *a, float size)
{
	size_t i, least = 0;

	/* a slot's size is unique among the counted ones, so the slot of the
	 * previous glyph, whose size most glyphs repeat, is the one to try */
	if (a->size_n[a->last] && a->sizes[a->last] == size) {
		a->size_n[a->last]++;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(a->sizes); i++) {
		if (a->size_n[i] && a->sizes[i] == size) {
			a->size_n[i]++;
			a->last = (unsigned)i;
			return;
		}
		if (a->size_n[i] < a->size_n[least])
			least = i;
	}
	a->sizes[least] = size;
	a->size_n[least] = 1;
	a->last = (unsigned)least;
}

static float acc_dominant_size(const struct acc *a)
{
	size_t i, best = 0;

	for (i = 1; i < ARRAY_SIZE(a->sizes); i++)
		if (a->size_n[i] > a->size_n[best])
			best = i;
	return a->sizes[best];
}

static void flush_seg(struct layout *d, struct acc *a)
{
	struct layout_line s;

	if (!a->have_box) {
		acc_reset(a);
		return;
	}
	/* a trailing soft hyphen is a real break hyphen: keep it visible */
	if (a->text->len >= 2 && !memcmp(a->text->str + a->text->len - 2, "\xc2\xad", 2)) {
		g_string_truncate(a->text, a->text->len - 2);
		g_string_append_c(a->text, '-');
	}
	memset(&s, 0, sizeof(s));
	s.text = normalize_text(a->text->str, a->text->len, &s.len);
	if (!s.len) {
		free(s.text);
		acc_reset(a);
		return;
	}
	s.x0 = a->x0;
	s.y0 = a->y0;
	s.x1 = a->x1;
	s.y1 = a->y1;
	s.size = acc_dominant_size(a);
	s.bold = a->glyphs && a->bold * 2 > a->glyphs;
	layout_add(d, &s, a->glyphs);
	acc_reset(a);
}

static int is_bold_font(const char *name)
{
	return name && (strstr(name, "Bold") || strstr(name, "bold") ||
			strstr(name, "Black") || strstr(name, "Heavy") ||
			strstr(name, "Semibold") || strstr(name, "Demi"));
}

/* A coordinate poppler should not have given: NaN and infinities fail
 * the comparison too. */
static int bad_rect(const PopplerRectangle *r)
{
	return !(fabs(r->x1) <= MAX_PAGE_DIM && fabs(r->y1) <= MAX_PAGE_DIM &&
		 fabs(r->x2) <= MAX_PAGE_DIM && fabs(r->y2) <= MAX_PAGE_DIM);
}

/*
 * The box accumulation of every glyph, with plain comparisons: the
 * coordinates are finite (bad_rect), where fmin and fmax are library
 * calls that also handle NaN.
 */
static inline double min_d(double a, double b)
{
	return b < a ? b : a;
}

static inline double max_d(double a, double b)
{
	return b > a ? b : a;
}

/* Cuts one page's text into segments (see the file header). */
static void read_page_segments(struct layout *d, PopplerPage *page)
{
	char *text = poppler_page_get_text(page);
	PopplerRectangle *rects = NULL;
	guint nrects = 0, i;
	GList *attrs, *at;
	struct acc a;
	const char *p;
	double last_x1 = 0;
	const PopplerTextAttributes *ta = NULL, *bold_for = NULL;
	gint ta_end = -1;
	int bold = 0;

	if (!text)
		return;
	if (!poppler_page_get_text_layout(page, &rects, &nrects))
		nrects = 0;
	attrs = poppler_page_get_text_attributes(page);
	at = attrs;
	memset(&a, 0, sizeof(a));
	a.text = g_string_sized_new(256);
	p = text;
	for (i = 0; i < nrects && i < MAX_PAGE_CHARS && *p; i++) {
		const char *next;
		gunichar c;
		const PopplerRectangle *r = &rects[i];
		float size;

		if ((unsigned char)*p < 0x80) {
			c = (unsigned char)*p;
			next = p + 1;
		} else {
			c = g_utf8_get_char(p);
			next = g_utf8_next_char(p);
		}
		/* the font run of glyph i: runs are in order, so the walk
		 * moves on only when i passes the end of the current one */
		if ((gint)i > ta_end) {
			while (at && ((PopplerTextAttributes *)at->data)->end_index < (gint)i)
				at = at->next;
			if (at && ((PopplerTextAttributes *)at->data)->start_index <= (gint)i) {
				ta = at->data;
				ta_end = ta->end_index;
			} else {
				/* none here: look again at the next glyph */
				ta = NULL;
				ta_end = -1;
			}
		}
		if (c == '\n' || c == '\r') {
			flush_seg(d, &a);
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
			double h = a.y1 - a.y0, cy = (r->y1 + r->y2) / 2;

			if (r->x1 > last_x1 + max_d(1.2 * size, 6.0) ||
			    r->x1 < last_x1 - 3.0 * size ||
			    cy < a.y0 - 0.2 * h || cy > a.y1 + 0.2 * h)
				flush_seg(d, &a);
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
				a.x0 = min_d(a.x0, r->x1);
				a.y0 = min_d(a.y0, r->y1);
				a.x1 = max_d(a.x1, r->x2);
				a.y1 = max_d(a.y1, r->y2);
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
	flush_seg(d, &a);
	g_string_free(a.text, TRUE);
	poppler_page_free_text_attributes(attrs);
	g_free(rects);
	g_free(text);
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

/* A page without a text layer, through OCR (ocr.h): each recognised line
 * becomes a layout line like a line of glyphs, flagged ocr. Returns 1 when
 * text was read. */
static int read_page_ocr(struct layout *d, PopplerPage *page, double w,
			 double h, int pageno, struct doc_text *out)
{
	struct ocr_page op;
	char why[160] = "";
	size_t k;
	enum ocr_status st;

	memset(&op, 0, sizeof(op));
	st = ocr_page_read(page, w, h, &op, why, sizeof(why));
	if (st == OCR_BLANK) {
		doc_text_warn(out, "page %d is blank", pageno);
		out->blank_pages++;
	} else if (st == OCR_NOTHING) {
		doc_text_warn(out, "page %d has no text layer and no text was recognised", pageno);
	} else if (st == OCR_FAILED) {
		doc_text_warn(out, "page %d has no text layer and OCR failed: %s", pageno, why);
	}
	for (k = 0; k < op.nr; k++) {
		const struct ocr_line *l = &op.lines[k];
		struct layout_line s;

		memset(&s, 0, sizeof(s));
		s.text = normalize_text(l->text, strlen(l->text), &s.len);
		if (!s.len) {
			free(s.text);
			continue;
		}
		s.x0 = l->x0;
		s.y0 = l->y0;
		s.x1 = l->x1;
		s.y1 = l->y1;
		s.size = l->size;
		s.ocr = 1;
		/* the line's size, weighted by its characters */
		layout_add(d, &s, (unsigned)g_utf8_strlen(s.text, -1));
	}
	ocr_page_release(&op);
	return st == OCR_TEXT;
}

static void read_pages(PopplerDocument *doc, struct layout *d,
		       struct doc_text *out)
{
	int i, ocr_pages = 0;

	for (i = 0; i < d->nr_pages; i++) {
		PopplerPage *page = poppler_document_get_page(doc, i);
		double w = 612, h = 792;

		if (!page) {
			layout_begin_page(d, i + 1, w, h);
			doc_text_warn(out, "page %d cannot be read", i + 1);
			continue;
		}
		poppler_page_get_size(page, &w, &h);
		if (!isfinite(w) || w < 1 || w > MAX_PAGE_DIM)
			w = 612;
		if (!isfinite(h) || h < 1 || h > MAX_PAGE_DIM)
			h = 792;
		layout_begin_page(d, i + 1, w, h);
		read_page_segments(d, page);
		if (!d->pages[i].n && ocr_enabled())
			ocr_pages += read_page_ocr(d, page, w, h, i + 1, out);
		else if (!d->pages[i].n)
			doc_text_warn(out, "page %d has no text layer", i + 1);
		g_object_unref(page);
	}
	if (ocr_pages)
		doc_text_warn(out, "%d page%s read by OCR", ocr_pages, ocr_pages == 1 ? "" : "s");
}

static int extract_doc(PopplerDocument *doc, struct doc_text *out)
{
	struct layout d;
	size_t k;
	int n;

	n = poppler_document_get_n_pages(doc);
	layout_init(&d, n < 0 ? 0 : n > MAX_PAGES ? MAX_PAGES : n);
	out->pages = d.nr_pages;
	read_pages(doc, &d, out);
	g_object_unref(doc);
	layout_run(&d);
	for (k = 0; k < d.nr; k++) {
		const struct layout_line *s = &d.lines[k];

		doc_text_add(out, s->text, s->len, s->page, s->size,
			     s->flags | (s->ocr ? LINE_OCR : 0));
	}
	layout_release(&d);
	return 0;
}

/*
 * poppler builds its global parameters (font tables, encodings, the font
 * lookup) when a first document opens and drops them when the last one
 * closes, so a process that reads documents one after another builds them
 * again for each. A worker that serves many documents holds one empty
 * page open for its life: they are built once.
 */
static PopplerDocument *warm_doc;

void extract_pdf_keep_warm(int on)
{
	static const char *const obj[] = {
		"<</Type/Catalog/Pages 2 0 R>>",
		"<</Type/Pages/Kids[3 0 R]/Count 1>>",
		"<</Type/Page/Parent 2 0 R/MediaBox[0 0 1 1]>>",
	};
	size_t off[G_N_ELEMENTS(obj)], i, xref;
	GString *pdf;
	GBytes *b;

	if (!on) {
		if (warm_doc)
			g_object_unref(warm_doc);
		warm_doc = NULL;
		return;
	}
	if (warm_doc)
		return;
	pdf = g_string_new("%PDF-1.4\n");
	for (i = 0; i < G_N_ELEMENTS(obj); i++) {
		off[i] = pdf->len;
		g_string_append_printf(pdf, "%zu 0 obj%s\nendobj\n", i + 1, obj[i]);
	}
	xref = pdf->len;
	g_string_append_printf(pdf, "xref\n0 %zu\n0000000000 65535 f \n",
			       G_N_ELEMENTS(obj) + 1);
	for (i = 0; i < G_N_ELEMENTS(obj); i++)
		g_string_append_printf(pdf, "%010zu 00000 n \n", off[i]);
	g_string_append_printf(pdf, "trailer<</Size %zu/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n",
			       G_N_ELEMENTS(obj) + 1, xref);
	b = g_string_free_to_bytes(pdf);
	/* the document keeps its own reference to the bytes */
	warm_doc = poppler_document_new_from_bytes(b, NULL, NULL);
	g_bytes_unref(b);
}

/* The decompression-bomb check (pdflimits.h): 0, or -1 with err set. */
static int within_limits(const void *data, size_t len, struct doc_error *err)
{
	char why[200];

	if (pdf_check_limits(data, len, why, sizeof(why)))
		return doc_error_set(err, "extract", DOC_ERR_LIMIT, "%s", why);
	return 0;
}

/*
 * The bytes of a file poppler reads from memory: one buffer a worker keeps
 * from one document to the next (a worker reads one document at a time),
 * so a document costs a read into memory already faulted in, where a
 * mapping of its own cost page faults and, when it went, an munmap with
 * its TLB flush. A buffer that grew past KEEP_BYTES for a large file is
 * freed with its document.
 */
#define KEEP_BYTES ((size_t)4 << 20)

static struct {
	char *buf;
	size_t alloc;
	int busy; /* a document holds buf */
} file_buf;

static void release_buf(gpointer data)
{
	(void)data;
	if (file_buf.alloc > KEEP_BYTES) {
		free(file_buf.buf);
		file_buf.buf = NULL;
		file_buf.alloc = 0;
	}
	file_buf.busy = 0;
}

/* The len bytes of fd from its start into memory; NULL with errno set. */
static char *read_whole(int fd, size_t len, int *own)
{
	char *b;
	size_t done = 0;

	*own = !file_buf.busy;
	if (*own) {
		if (len > file_buf.alloc) {
			free(file_buf.buf);
			file_buf.alloc = len;
			file_buf.buf = xmalloc(len);
		}
		b = file_buf.buf;
	} else {
		b = xmalloc(len);
	}
	while (done < len) {
		ssize_t n = pread(fd, b + done, len - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!*own)
				free(b);
			if (!n)
				errno = EIO; /* the file shrank */
			return NULL;
		}
		done += (size_t)n;
	}
	if (*own)
		file_buf.busy = 1;
	return b;
}

/* Hands the bytes of a file read whole to poppler, which then reads the
 * file from memory: through a descriptor it reads a few hundred bytes per
 * system call, about 5% of the CPU of a text-heavy document. The bytes
 * go back (own: to the kept buffer) when the document goes. */
static PopplerDocument *open_in_memory(char *b, size_t len, int own, GError **gerr)
{
	GBytes *bytes = own ? g_bytes_new_with_free_func(b, len, release_buf, NULL) :
			      g_bytes_new_with_free_func(b, len, free, b);
	PopplerDocument *doc;

	/* the document keeps its own reference to the bytes */
	doc = poppler_document_new_from_bytes(bytes, NULL, gerr);
	g_bytes_unref(bytes);
	return doc;
}

int extract_pdf_fd(int fd, struct doc_text *out, struct doc_error *err)
{
	GError *gerr = NULL;
	struct stat st;
	PopplerDocument *doc;
	int dfd;

	/* a file of up to MAX_MAPPED bytes is read whole into memory, checked
	 * there and read by poppler from there; a larger one (whose bytes
	 * would all count against the worker's address space while it is
	 * read) is mapped for the check and read through the descriptor */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    st.st_size <= MAX_MAPPED) {
		int own;
		char *b = read_whole(fd, (size_t)st.st_size, &own);

		if (!b)
			return doc_error_set(err, "extract", DOC_ERR_IO, "cannot read: %s",
					     strerror(errno));
		if (within_limits(b, (size_t)st.st_size, err)) {
			if (own)
				release_buf(NULL);
			else
				free(b);
			return -1;
		}
		doc = open_in_memory(b, (size_t)st.st_size, own, &gerr);
		doc = opened(doc, gerr, err);
		return doc ? extract_doc(doc, out) : -1;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);

		if (m != MAP_FAILED) {
			int bad = within_limits(m, (size_t)st.st_size, err);

			munmap(m, (size_t)st.st_size);
			if (bad)
				return -1;
		}
	}
	dfd = dup(fd);
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
	GBytes *b;
	PopplerDocument *doc;
	int rc = -1;

	if (within_limits(data, len, err))
		return -1;
	b = g_bytes_new_static(data, len);
	doc = poppler_document_new_from_bytes(b, NULL, &gerr);

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
