/*
 * OCR of pages without a text layer (ocr.c through extract_pdf.c): text is
 * drawn with cairo onto an image at 300 dpi, the image alone is put in a
 * PDF (no text layer), and the words must come back (word F1 >= 0.95),
 * segmented like a PDF's text: a paragraph stays one passage, a word
 * broken at a line end is rejoined. A blank page is a warning; with OCR
 * off the old "no text layer" warning stays.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <cairo.h>
#include <cairo-pdf.h>
#include <glib.h>
#include "extract.h"
#include "segment.h"
#include "ocr.h"
#include "banned.h"

static char dir[] = "/tmp/revmine-ocr-XXXXXX";
static char path[512];

#define DPI 300.0

static const char *const heading = "What the review found";
/* Lines as set on the page; the fourth ends in a hyphen that breaks a word. */
static const char *const body[] = {
	"The health visitor recorded that the baby was feeding well, but",
	"the notes from the hospital were never sent to the practice, and",
	"nobody at the children's centre knew the mother had asked for",
	"help with housing twice in the autumn. The school nurse saw pri-",
	"mary concerns about the older brother and wrote to the family",
	"doctor, who did not reply. Each agency held part of the picture.",
};
static const char *const second[] = {
	"Managers should make sure that referrals are followed up within",
	"five working days and that the outcome is shared with the person",
	"who made the referral.",
};

static void lines_at(cairo_t *cr, double y, double size, const char *const *l, size_t n)
{
	size_t i;

	cairo_set_font_size(cr, size);
	for (i = 0; i < n; i++) {
		cairo_move_to(cr, 72, y + i * size * 1.45);
		cairo_show_text(cr, l[i]);
	}
}

/* Page 1 of the PDF: the text above as an image only. */
static void scan_page(cairo_t *pdf)
{
	double k = DPI / 72.0;
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_RGB24,
							  (int)(595 * k), (int)(842 * k));
	cairo_t *cr = cairo_create(img);

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_scale(cr, k, k);
	cairo_set_source_rgb(cr, 0, 0, 0);
	cairo_select_font_face(cr, "serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
	cairo_set_font_size(cr, 16);
	cairo_move_to(cr, 72, 100);
	cairo_show_text(cr, heading);
	cairo_select_font_face(cr, "serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	lines_at(cr, 140, 11, body, G_N_ELEMENTS(body));
	lines_at(cr, 260, 11, second, G_N_ELEMENTS(second));
	cairo_destroy(cr);
	cairo_save(pdf);
	cairo_scale(pdf, 1 / k, 1 / k);
	cairo_set_source_surface(pdf, img, 0, 0);
	cairo_paint(pdf);
	cairo_restore(pdf);
	cairo_surface_destroy(img);
	cairo_show_page(pdf);
}

/* Writes NAME: pages in order, 's' scan, 't' text layer, 'b' blank. */
static void make_pdf(const char *name, const char *pages)
{
	cairo_surface_t *surf;
	cairo_t *cr;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	surf = cairo_pdf_surface_create(path, 595, 842);
	cr = cairo_create(surf);
	for (; *pages; pages++) {
		if (*pages == 's') {
			scan_page(cr);
			continue;
		}
		if (*pages == 't') {
			cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
					       CAIRO_FONT_WEIGHT_NORMAL);
			cairo_set_font_size(cr, 10);
			cairo_move_to(cr, 72, 100);
			cairo_show_text(cr, "A page with a text layer of its own.");
		}
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	cairo_surface_destroy(surf);
}

/* Lower-case words (letters, digits, apostrophes) of s into a table of counts. */
static void count_words(GHashTable *h, const char *s)
{
	GString *w = g_string_new(NULL);
	const char *p = s;

	for (;; p++) {
		if (*p && (g_ascii_isalnum(*p) || *p == '\'')) {
			g_string_append_c(w, g_ascii_tolower(*p));
			continue;
		}
		if (w->len) {
			gpointer old = g_hash_table_lookup(h, w->str);

			g_hash_table_replace(h, g_strdup(w->str),
					     GINT_TO_POINTER(GPOINTER_TO_INT(old) + 1));
			g_string_truncate(w, 0);
		}
		if (!*p)
			break;
	}
	g_string_free(w, TRUE);
}

static double word_f1(const char *truth, const char *got)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *g = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter it;
	gpointer k, v;
	long nt = 0, ng = 0, both = 0;

	count_words(t, truth);
	count_words(g, got);
	g_hash_table_iter_init(&it, t);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		long a = GPOINTER_TO_INT(v), b = GPOINTER_TO_INT(g_hash_table_lookup(g, k));

		nt += a;
		both += a < b ? a : b;
	}
	g_hash_table_iter_init(&it, g);
	while (g_hash_table_iter_next(&it, &k, &v))
		ng += GPOINTER_TO_INT(v);
	g_hash_table_destroy(t);
	g_hash_table_destroy(g);
	if (!nt || !ng || !both)
		return 0;
	return 2.0 * both / (double)(nt + ng);
}

static char *truth_text(void)
{
	GString *s = g_string_new(heading);
	size_t i;

	for (i = 0; i < G_N_ELEMENTS(body); i++)
		g_string_append_printf(s, " %s", body[i]);
	for (i = 0; i < G_N_ELEMENTS(second); i++)
		g_string_append_printf(s, " %s", second[i]);
	/* the break hyphen is not part of the text */
	return g_string_free(s, FALSE);
}

static int extract(struct doc_text *t, struct passage_list *ps)
{
	struct doc_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	doc_text_init(t);
	passage_list_init(ps);
	rc = extract_pdf(path, t, &err);
	if (!rc)
		segment_lines(t, ps);
	return rc;
}

static void ocr__scanned_page_is_read(void **state)
{
	struct doc_text t;
	struct passage_list ps;
	GString *all = g_string_new(NULL);
	char *truth = truth_text(), *want;
	size_t i;
	double f1;

	(void)state;
	ocr_set_enabled(1);
	make_pdf("scan.pdf", "s");
	assert_int_equal(extract(&t, &ps), 0);
	assert_string_equal(t.warnings, "1 page read by OCR");
	for (i = 0; i < t.nr; i++)
		assert_true(t.lines[i].flags & LINE_OCR);
	for (i = 0; i < ps.nr; i++) {
		assert_int_equal(ps.items[i].ocr, 1);
		assert_int_equal(ps.items[i].page, 1);
		g_string_append_printf(all, "%s\n", ps.items[i].text);
	}
	/* "pri-" + "mary" rejoined, which needs the hyphen gone */
	g_string_replace(all, "primary", "pri mary", 0);
	want = truth;
	f1 = word_f1(want, all->str);
	print_message("word F1 %.4f\n", f1);
	assert_true(f1 >= 0.95);
	/* heading, then each paragraph whole */
	assert_int_equal(ps.nr, 3);
	assert_int_equal(ps.items[0].kind, PASSAGE_HEADING);
	assert_string_equal(ps.items[0].text, heading);
	assert_non_null(strstr(ps.items[1].text, "The school nurse saw primary concerns"));
	assert_non_null(strstr(ps.items[2].text, "shared with the person who made the referral."));
	g_string_free(all, TRUE);
	g_free(truth);
	passage_list_release(&ps);
	doc_text_release(&t);
}

static void ocr__same_page_reads_the_same(void **state)
{
	struct doc_text a, b;
	struct passage_list pa, pb;
	size_t i;

	(void)state;
	make_pdf("scan.pdf", "s");
	assert_int_equal(extract(&a, &pa), 0);
	assert_int_equal(extract(&b, &pb), 0);
	assert_int_equal(a.nr, b.nr);
	for (i = 0; i < a.nr; i++) {
		assert_string_equal(a.lines[i].text, b.lines[i].text);
		assert_true(a.lines[i].size == b.lines[i].size);
		assert_int_equal(a.lines[i].flags, b.lines[i].flags);
	}
	passage_list_release(&pa);
	passage_list_release(&pb);
	doc_text_release(&a);
	doc_text_release(&b);
}

static void ocr__mixed_pages_and_blank_page(void **state)
{
	struct doc_text t;
	struct passage_list ps;
	size_t i;

	(void)state;
	make_pdf("mixed.pdf", "tsb");
	assert_int_equal(extract(&t, &ps), 0);
	assert_int_equal(t.pages, 3);
	assert_int_equal(t.blank_pages, 1);
	assert_string_equal(t.warnings, "page 3 is blank; 1 page read by OCR");
	assert_true(ps.nr >= 2);
	for (i = 0; i < ps.nr; i++)
		assert_int_equal(ps.items[i].ocr, ps.items[i].page == 2);
	assert_int_equal(ps.items[0].page, 1);
	passage_list_release(&ps);
	doc_text_release(&t);
}

static void ocr__blank_document_has_no_lines(void **state)
{
	struct doc_text t;
	struct passage_list ps;

	(void)state;
	make_pdf("blank.pdf", "bb");
	assert_int_equal(extract(&t, &ps), 0);
	assert_int_equal(t.nr, 0);
	assert_int_equal(t.blank_pages, 2);
	assert_string_equal(t.warnings, "page 1 is blank; page 2 is blank");
	passage_list_release(&ps);
	doc_text_release(&t);
}

static void ocr__off_keeps_no_text_layer(void **state)
{
	struct doc_text t;
	struct passage_list ps;

	(void)state;
	make_pdf("mixed.pdf", "ts");
	ocr_set_enabled(0);
	assert_int_equal(extract(&t, &ps), 0);
	ocr_set_enabled(1);
	assert_string_equal(t.warnings, "page 2 has no text layer");
	assert_int_equal(t.blank_pages, 0);
	assert_int_equal(ps.nr, 1);
	assert_int_equal(ps.items[0].ocr, 0);
	passage_list_release(&ps);
	doc_text_release(&t);
}

/* A page of 200 by 200 inches is rendered at a lower resolution, within
 * OCR_MAX_PIXELS, not at 300 dpi (3.6 billion pixels). */
static void ocr__huge_page_rendered_small(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr;
	struct doc_text t;
	struct passage_list ps;

	(void)state;
	snprintf(path, sizeof(path), "%s/huge.pdf", dir);
	surf = cairo_pdf_surface_create(path, 14400, 14400);
	cr = cairo_create(surf);
	cairo_rectangle(cr, 7000, 7000, 4, 4);
	cairo_fill(cr);
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	cairo_surface_destroy(surf);
	assert_int_equal(extract(&t, &ps), 0);
	assert_string_equal(t.warnings, "page 1 is blank");
	passage_list_release(&ps);
	doc_text_release(&t);
}

static int cleanup(void **state)
{
	static const char *const names[] = { "scan.pdf", "mixed.pdf", "blank.pdf", "huge.pdf" };
	size_t i;

	(void)state;
	ocr_shutdown();
	for (i = 0; i < G_N_ELEMENTS(names); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
	return 0;
}

static int make_dir(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ocr__scanned_page_is_read),
		cmocka_unit_test(ocr__same_page_reads_the_same),
		cmocka_unit_test(ocr__mixed_pages_and_blank_page),
		cmocka_unit_test(ocr__blank_document_has_no_lines),
		cmocka_unit_test(ocr__off_keeps_no_text_layer),
		cmocka_unit_test(ocr__huge_page_rendered_small),
	};

	return cmocka_run_group_tests(tests, make_dir, cleanup);
}
