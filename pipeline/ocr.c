/*
 * OCR of pages without a text layer: poppler renders the page onto a cairo
 * image (white background, grey taken from the RGB), Tesseract's C API
 * recognises it, and each recognised text line comes back with its box in
 * page points and a type size estimated by Tesseract from the line's
 * x-height, ascenders and descenders, so the PDF extractor can treat the
 * lines as it treats lines of glyphs (columns, furniture, headings).
 *
 * Determinism: only the LSTM engine is used (no adaptive classifier whose
 * state would carry from one page, or document, to the next), and
 * Tesseract's OpenMP regions are limited to one thread, so a page reads the
 * same whichever worker reads it and whatever it read before. The limit is
 * set through the OpenMP runtime when the recogniser starts (the
 * OMP_THREAD_LIMIT variable is read only when the process starts).
 *
 * Bounds: the rendered image is at most OCR_MAX_PIXELS and OCR_MAX_SIDE on
 * either side (the resolution is lowered to fit), and recognition stops at
 * a deadline of OCR_PAGE_SECONDS per page.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>
#include <cairo.h>
#include <glib.h>
#include <poppler.h>
#include <leptonica/allheaders.h>
#include <tesseract/capi.h>
#include "util.h"
#include "ocr.h"
#include "banned.h"

/* Fewer dark pixels than this on a page rendered at OCR_DPI: blank (dust,
 * a stray dot of a scan), not worth starting the recogniser. */
#define BLANK_INK 40
#define DARK 160 /* grey level below which a pixel is ink */

static int enabled = 1;
static TessBaseAPI *api;
static int api_failed;
static char fingerprint[96];

void ocr_set_enabled(int on)
{
	enabled = on != 0;
}

int ocr_enabled(void)
{
	return enabled;
}

const char *ocr_fingerprint(void)
{
	if (!enabled)
		return "ocr off";
	if (!*fingerprint)
		snprintf(fingerprint, sizeof(fingerprint), "ocr tesseract %s eng lstm %d dpi",
			 TessVersion(), OCR_DPI);
	return fingerprint;
}

static void set_why(char *why, size_t whylen, const char *msg)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", msg);
}

/* One thread for Tesseract's OpenMP regions: no active parallel level. */
static void one_thread(void)
{
	void (*set_levels)(int);
	void (*set_threads)(int);

	*(void **)&set_levels = dlsym(RTLD_DEFAULT, "omp_set_max_active_levels");
	*(void **)&set_threads = dlsym(RTLD_DEFAULT, "omp_set_num_threads");
	if (set_levels)
		set_levels(0);
	if (set_threads)
		set_threads(1);
}

static int start(char *why, size_t whylen)
{
	if (api)
		return 0;
	if (api_failed) {
		set_why(why, whylen, "the recogniser could not start (English data missing?)");
		return -1;
	}
	one_thread();
	setMsgSeverity(L_SEVERITY_NONE); /* Leptonica: no messages on stderr */
	api = TessBaseAPICreate();
	/* Tesseract's own messages go nowhere: engine code does not print */
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	if (TessBaseAPIInit2(api, NULL, "eng", OEM_LSTM_ONLY)) {
		TessBaseAPIDelete(api);
		api = NULL;
		api_failed = 1;
		set_why(why, whylen, "the recogniser could not start (English data missing?)");
		return -1;
	}
	TessBaseAPISetPageSegMode(api, PSM_AUTO);
	TessBaseAPISetVariable(api, "debug_file", "/dev/null");
	return 0;
}

void ocr_shutdown(void)
{
	if (api) {
		TessBaseAPIEnd(api);
		TessBaseAPIDelete(api);
		api = NULL;
	}
}

void ocr_page_release(struct ocr_page *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		free(p->lines[i].text);
	free(p->lines);
	memset(p, 0, sizeof(*p));
}

/* The line being assembled from words: its text, the textline's top and
 * bottom, and the left and right of its words. */
struct pending {
	GString *text;
	int l, t, r, b;
	int sizes[8], counts[8], n;
};

static void pending_size(struct pending *pl, int size)
{
	int i;

	if (size <= 0)
		return;
	for (i = 0; i < pl->n; i++)
		if (pl->sizes[i] == size) {
			pl->counts[i]++;
			return;
		}
	if (pl->n < (int)G_N_ELEMENTS(pl->sizes)) {
		pl->sizes[pl->n] = size;
		pl->counts[pl->n++] = 1;
	}
}

static void flush_line(struct pending *pl, double scale, struct ocr_page *out)
{
	struct ocr_line *ln;
	int i, best = 0;

	if (pl->text->len) {
		for (i = 1; i < pl->n; i++)
			if (pl->counts[i] > pl->counts[best] ||
			    (pl->counts[i] == pl->counts[best] && pl->sizes[i] > pl->sizes[best]))
				best = i;
		ALLOC_GROW(out->lines, out->nr, out->alloc);
		ln = &out->lines[out->nr++];
		ln->text = xstrdup(pl->text->str);
		ln->x0 = pl->l / scale;
		ln->y0 = pl->t / scale;
		ln->x1 = pl->r / scale;
		ln->y1 = pl->b / scale;
		/* no size from the recogniser: the line's height stands in */
		ln->size = pl->n ? (float)pl->sizes[best] : (float)((pl->b - pl->t) / scale);
	}
	g_string_truncate(pl->text, 0);
	pl->n = 0;
}

/* Words the recogniser has next to no confidence in, and low-confidence
 * words without a letter or digit, are specks, rules and picture edges
 * read as text. */
static int is_noise(const char *w, float conf)
{
	const char *p;

	if (conf < 20)
		return 1;
	if (conf >= 50)
		return 0;
	for (p = w; *p; p = g_utf8_next_char(p))
		if (g_unichar_isalnum(g_utf8_get_char(p)))
			return 0;
	return 1;
}

/*
 * The recogniser's size of a line varies by a point or so with the letters
 * in it (a line without descenders looks smaller). Sizes within 15% of the
 * page's commonest size (by characters) are taken to be it, so that a
 * paragraph keeps one size and only real changes (headings) remain.
 */
static void snap_sizes(struct ocr_line *l, size_t n)
{
	float sizes[16];
	size_t chars[16], k, m = 0, best = 0, j;

	for (k = 0; k < n; k++) {
		for (j = 0; j < m && sizes[j] != l[k].size; j++)
			;
		if (j == m) {
			if (m == G_N_ELEMENTS(sizes))
				continue;
			sizes[m] = l[k].size;
			chars[m++] = 0;
		}
		chars[j] += strlen(l[k].text);
	}
	for (j = 1; j < m; j++)
		if (chars[j] > chars[best] || (chars[j] == chars[best] && sizes[j] > sizes[best]))
			best = j;
	for (k = 0; m && k < n; k++)
		if (fabsf(l[k].size - sizes[best]) <= fmaxf(1.0f, 0.15f * sizes[best]))
			l[k].size = sizes[best];
}

/*
 * Recognised words into lines. A text line of the recogniser is cut where
 * two words are more than about an em apart (the line's height), as the
 * PDF reader cuts a line of glyphs: a running footer and a page number on
 * one baseline stay two lines, so furniture removal can know them.
 */
static void collect(TessResultIterator *it, double scale, struct ocr_page *out)
{
	TessPageIterator *pi = TessResultIteratorGetPageIterator(it);
	struct pending pl;
	int top = 0, bottom = 0;

	memset(&pl, 0, sizeof(pl));
	pl.text = g_string_new(NULL);
	do {
		char *word = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		BOOL bold, italic, under, mono, serif, caps;
		int pts = 0, font_id, l, t, r, b;

		if (TessPageIteratorIsAtBeginningOf(pi, RIL_TEXTLINE)) {
			flush_line(&pl, scale, out);
			if (!TessPageIteratorBoundingBox(pi, RIL_TEXTLINE, &l, &top, &r, &bottom))
				top = bottom = 0;
		}
		if (word && *word && TessPageIteratorBoundingBox(pi, RIL_WORD, &l, &t, &r, &b) &&
		    !is_noise(word, TessResultIteratorConfidence(it, RIL_WORD))) {
			if (pl.text->len && l - pl.r > 1.2 * (bottom - top))
				flush_line(&pl, scale, out);
			if (!pl.text->len) {
				pl.l = l;
				pl.t = top < bottom ? top : t;
				pl.b = top < bottom ? bottom : b;
			} else {
				g_string_append_c(pl.text, ' ');
			}
			pl.r = r;
			TessResultIteratorWordFontAttributes(it, &bold, &italic, &under,
							     &mono, &serif, &caps, &pts,
							     &font_id);
			pending_size(&pl, pts);
			g_string_append(pl.text, word);
		}
		TessDeleteText(word);
	} while (TessResultIteratorNext(it, RIL_WORD));
	flush_line(&pl, scale, out);
	g_string_free(pl.text, TRUE);
	snap_sizes(out->lines, out->nr);
}

enum ocr_status ocr_gray(const unsigned char *px, int w, int h, int stride,
			 double dpi, struct ocr_page *out, char *why, size_t whylen)
{
	ETEXT_DESC *monitor;
	TessResultIterator *it;
	enum ocr_status st = OCR_NOTHING;
	size_t before = out->nr;
	long ink = 0;
	int x, y;

	for (y = 0; y < h && ink < BLANK_INK; y++)
		for (x = 0; x < w; x++)
			ink += px[(size_t)y * (size_t)stride + (size_t)x] < DARK;
	if (ink < BLANK_INK)
		return OCR_BLANK;
	if (start(why, whylen))
		return OCR_FAILED;
	TessBaseAPISetImage(api, px, w, h, 1, stride);
	TessBaseAPISetSourceResolution(api, (int)(dpi + 0.5));
	monitor = TessMonitorCreate();
	TessMonitorSetDeadlineMSecs(monitor, OCR_PAGE_SECONDS * 1000);
	if (TessBaseAPIRecognize(api, monitor)) {
		char msg[80];

		snprintf(msg, sizeof(msg), "recognition stopped after %d s", OCR_PAGE_SECONDS);
		set_why(why, whylen, msg);
		st = OCR_FAILED;
	} else if ((it = TessBaseAPIGetIterator(api))) {
		collect(it, dpi / 72.0, out);
		TessResultIteratorDelete(it);
		if (out->nr > before)
			st = OCR_TEXT;
	}
	TessMonitorDelete(monitor);
	TessBaseAPIClear(api);
	return st;
}

enum ocr_status ocr_page_read(PopplerPage *page, double w, double h,
			      struct ocr_page *out, char *why, size_t whylen)
{
	double scale = OCR_DPI / 72.0, t0 = now_seconds();
	cairo_surface_t *surf;
	cairo_t *cr;
	unsigned char *gray, *data;
	int pw, ph, stride, x, y;
	enum ocr_status st;

	if (!isfinite(w) || !isfinite(h) || w < 1 || h < 1) {
		set_why(why, whylen, "page has no size");
		return OCR_FAILED;
	}
	/* lower the resolution rather than render an enormous image */
	if (w * scale * h * scale > (double)OCR_MAX_PIXELS)
		scale = sqrt((double)OCR_MAX_PIXELS / (w * h));
	if (fmax(w, h) * scale > OCR_MAX_SIDE)
		scale = OCR_MAX_SIDE / fmax(w, h);
	pw = (int)ceil(w * scale);
	ph = (int)ceil(h * scale);
	if (pw < 16 || ph < 16) {
		set_why(why, whylen, "page too narrow to read");
		return OCR_FAILED;
	}
	surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, pw, ph);
	if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(surf);
		set_why(why, whylen, "no memory for the page image");
		return OCR_FAILED;
	}
	cr = cairo_create(surf);
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, scale, scale);
	poppler_page_render(page, cr);
	cairo_destroy(cr);
	cairo_surface_flush(surf);
	if (now_seconds() - t0 > OCR_PAGE_SECONDS) {
		char msg[80];

		cairo_surface_destroy(surf);
		snprintf(msg, sizeof(msg), "rendering took over %d s", OCR_PAGE_SECONDS);
		set_why(why, whylen, msg);
		return OCR_FAILED;
	}
	data = cairo_image_surface_get_data(surf);
	stride = cairo_image_surface_get_stride(surf);
	gray = malloc((size_t)pw * (size_t)ph);
	if (!data || !gray) {
		free(gray);
		cairo_surface_destroy(surf);
		set_why(why, whylen, "no memory for the page image");
		return OCR_FAILED;
	}
	for (y = 0; y < ph; y++) {
		const guint32 *row = (const guint32 *)(data + (size_t)y * (size_t)stride);
		unsigned char *o = gray + (size_t)y * (size_t)pw;

		for (x = 0; x < pw; x++) {
			guint32 p = row[x];

			o[x] = (unsigned char)((((p >> 16) & 0xff) * 77 +
						((p >> 8) & 0xff) * 150 +
						(p & 0xff) * 29) >> 8);
		}
	}
	cairo_surface_destroy(surf);
	st = ocr_gray(gray, pw, ph, pw, scale * 72.0, out, why, whylen);
	free(gray);
	return st;
}
