#ifndef OCR_H
#define OCR_H

/*
 * OCR of PDF pages that have no text layer (ocr.c): the page is rendered
 * with poppler-glib onto a cairo image at OCR_DPI (fewer dots on a page so
 * large that the image would exceed OCR_MAX_PIXELS) and recognised with
 * Tesseract (English), single-threaded, with a deadline of
 * OCR_PAGE_SECONDS. Tesseract is started on the first page that needs it
 * and kept for the life of the process (one start per worker). Nothing
 * here prints or exits: outcomes come back as a status and a reason.
 */

#include <stddef.h>
#include <poppler.h>

#define OCR_DPI 300
#define OCR_MAX_PIXELS (24L * 1000 * 1000) /* A4 at 300 dpi is 8.7 million */
#define OCR_MAX_SIDE 12000                 /* pixels, either side */
#define OCR_PAGE_SECONDS 30

/* One recognised line; box in page points, origin top left. */
struct ocr_line {
	char *text; /* UTF-8, no line end */
	double x0, y0, x1, y1;
	float size; /* estimated type size in points */
};

struct ocr_page {
	struct ocr_line *lines;
	size_t nr, alloc;
};

enum ocr_status {
	OCR_TEXT,    /* lines recognised */
	OCR_BLANK,   /* the rendered page has (next to) no ink: not recognised */
	OCR_NOTHING, /* ink, but no words recognised */
	OCR_FAILED,  /* render or recogniser failed, or the deadline passed: why says */
};

/* Process-wide switch (on by default), set before workers start. */
void ocr_set_enabled(int on);
int ocr_enabled(void);

/* What the OCR settings contribute to the configuration hash ("off", or
 * the recogniser's version, language and resolution). */
const char *ocr_fingerprint(void);

/* Renders page (w x h points) and recognises it into out (caller-initialised
 * with memset 0, released with ocr_page_release). why (may be NULL) gets
 * the reason on OCR_FAILED. */
enum ocr_status ocr_page_read(PopplerPage *page, double w, double h,
			      struct ocr_page *out, char *why, size_t whylen);
void ocr_page_release(struct ocr_page *p);

/* Recognises an 8-bit grey image (0 black, 255 white) of `dpi` dots per
 * inch; the box of every line is given in points. Used by ocr_page_read,
 * and by tests on images drawn directly. */
enum ocr_status ocr_gray(const unsigned char *px, int w, int h, int stride,
			 double dpi, struct ocr_page *out, char *why, size_t whylen);

/* Ends the recogniser (it starts again when needed). */
void ocr_shutdown(void);

#endif
