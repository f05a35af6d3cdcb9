/*
 * Unit tests for extract_pdf.c on PDFs drawn with cairo at test time in a
 * temporary directory: columns, furniture, headings, an empty page and
 * broken files.
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
#include "extract.h"
#include "banned.h"

static char dir[] = "/tmp/revmine-test-XXXXXX";
static char path[512];

static void text_at(cairo_t *cr, double x, double y, double size, int bold,
		    const char *s)
{
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, size);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

static cairo_t *new_pdf(const char *name, cairo_surface_t **surf)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	*surf = cairo_pdf_surface_create(path, 595, 842);
	return cairo_create(*surf);
}

static void finish(cairo_t *cr, cairo_surface_t *surf)
{
	cairo_destroy(cr);
	cairo_surface_finish(surf);
	cairo_surface_destroy(surf);
}

static int run(struct doc_text *t, struct doc_error *err)
{
	memset(err, 0, sizeof(*err));
	doc_text_init(t);
	return extract_pdf(path, t, err);
}

static int find_line(const struct doc_text *t, const char *s)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		if (strstr(t->lines[i].text, s))
			return (int)i;
	return -1;
}

static void extract_pdf__two_columns_read_left_then_right(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr = new_pdf("cols.pdf", &surf);
	struct doc_text t;
	struct doc_error err;
	char buf[64];
	int i;

	(void)state;
	text_at(cr, 60, 80, 18, 1, "A Title Across The Page For The Review");
	for (i = 0; i < 30; i++) {
		snprintf(buf, sizeof(buf), "left column line number %d", i);
		text_at(cr, 60, 120 + 20 * i, 10, 0, buf);
		snprintf(buf, sizeof(buf), "right column line number %d", i);
		text_at(cr, 320, 120 + 20 * i, 10, 0, buf);
	}
	finish(cr, surf);
	assert_int_equal(run(&t, &err), 0);
	assert_int_equal(find_line(&t, "A Title"), 0);
	assert_true(find_line(&t, "left column line number 29") <
		    find_line(&t, "right column line number 0"));
	assert_true(find_line(&t, "left column line number 0") <
		    find_line(&t, "left column line number 1"));
	assert_int_equal(find_line(&t, "left column line number 29 right"), -1);
	doc_text_release(&t);
}

/* The last column of a multi-column page may end after a few lines. */
static void extract_pdf__short_last_column_read_after_left(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr = new_pdf("shortcol.pdf", &surf);
	struct doc_text t;
	struct doc_error err;
	char buf[96];
	int i;

	(void)state;
	for (i = 0; i < 34; i++) {
		snprintf(buf, sizeof(buf), "left words of the column in a long run %02d", i);
		text_at(cr, 60, 80 + 20 * i, 10, 0, buf);
	}
	for (i = 0; i < 5; i++) {
		snprintf(buf, sizeof(buf), "right words of the column, a short run %02d", i);
		text_at(cr, 320, 80 + 20 * i, 10, 0, buf);
	}
	finish(cr, surf);
	assert_int_equal(run(&t, &err), 0);
	assert_true(find_line(&t, "long run 33") >= 0);
	assert_true(find_line(&t, "long run 33") < find_line(&t, "short run 00"));
	assert_true(find_line(&t, "short run 00") < find_line(&t, "short run 04"));
	assert_int_equal(find_line(&t, "long run 00 right"), -1);
	doc_text_release(&t);
}

/*
 * A short last column so sparse (four lines beside fifty) that the gutter's
 * allowance for full-width lines would take it for gutter too.
 */
static void extract_pdf__sparse_short_column_read_after_left(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr = new_pdf("sparsecol.pdf", &surf);
	struct doc_text t;
	struct doc_error err;
	char buf[96];
	int i;

	(void)state;
	for (i = 0; i < 50; i++) {
		snprintf(buf, sizeof(buf), "left words of the column in a long run %02d", i);
		text_at(cr, 60, 100 + 13 * i, 10, 0, buf);
	}
	for (i = 0; i < 4; i++) {
		snprintf(buf, sizeof(buf), "right words of the column, a short run %02d", i);
		text_at(cr, 320, 100 + 13 * i, 10, 0, buf);
	}
	finish(cr, surf);
	assert_int_equal(run(&t, &err), 0);
	assert_true(find_line(&t, "long run 49") >= 0);
	assert_true(find_line(&t, "long run 49") < find_line(&t, "short run 00"));
	assert_true(find_line(&t, "short run 00") < find_line(&t, "short run 03"));
	assert_int_equal(find_line(&t, "long run 00 right"), -1);
	doc_text_release(&t);
}

/*
 * A narrow gutter (14 pt, little more than an em of a 12 pt heading):
 * poppler runs a left-column heading and the right column's line on the
 * same baseline together; they must still go to their own columns.
 */
static void extract_pdf__narrow_gutter_splits_joined_lines(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr = new_pdf("narrow.pdf", &surf);
	cairo_text_extents_t ext;
	struct doc_text t;
	struct doc_error err;
	char buf[96];
	double right;
	int i;

	(void)state;
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 10);
	cairo_text_extents(cr, "left words of the column in a long run 00", &ext);
	right = 60 + ext.x_advance + 14; /* about 276: columns to 490 */
	for (i = 0; i < 30; i++) {
		if (i == 12) {
			text_at(cr, 60, 80 + 16 * i, 10, 1, "A left heading here");
		} else {
			snprintf(buf, sizeof(buf), "left words of the column in a long run %02d", i);
			text_at(cr, 60, 80 + 16 * i, 10, 0, buf);
		}
		snprintf(buf, sizeof(buf), "right words of the column in a long run %02d", i);
		text_at(cr, right, 80 + 16 * i, 10, 0, buf);
	}
	finish(cr, surf);
	assert_int_equal(run(&t, &err), 0);
	assert_true(find_line(&t, "A left heading here") >= 0);
	assert_int_equal(find_line(&t, "heading here right"), -1);
	assert_true(find_line(&t, "A left heading here") < find_line(&t, "left words of the column in a long run 13"));
	assert_true(find_line(&t, "left words of the column in a long run 29") <
		    find_line(&t, "right words of the column in a long run 00"));
	assert_true(find_line(&t, "right words of the column in a long run 11") <
		    find_line(&t, "right words of the column in a long run 12"));
	doc_text_release(&t);
}

static void extract_pdf__running_header_footer_and_page_numbers_removed(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr = new_pdf("furniture.pdf", &surf);
	struct doc_text t;
	struct doc_error err;
	char buf[64];
	int p, i;

	(void)state;
	for (p = 1; p <= 3; p++) {
		text_at(cr, 60, 40, 8, 0, "Safeguarding Partnership Learning Review");
		for (i = 0; i < 10; i++) {
			snprintf(buf, sizeof(buf), "Body text of page %d, line %d.", p, i);
			text_at(cr, 60, 200 + 16 * i, 10, 0, buf);
		}
		snprintf(buf, sizeof(buf), "Page %d of 3", p);
		text_at(cr, 270, 800, 8, 0, buf);
		snprintf(buf, sizeof(buf), "- %d -", p);
		text_at(cr, 290, 815, 8, 0, buf);
		cairo_show_page(cr);
	}
	finish(cr, surf);
	assert_int_equal(run(&t, &err), 0);
	assert_int_equal(t.pages, 3);
	assert_int_equal(t.nr, 30);
	assert_int_equal(find_line(&t, "Partnership"), -1);
	assert_int_equal(find_line(&t, "of 3"), -1);
	assert_int_equal(find_line(&t, "- 2 -"), -1);
	assert_true(t.lines[10].flags & LINE_PAGE_START);
	assert_int_equal(t.lines[10].page, 2);
	doc_text_release(&t);
}

/* A head printed from page 2 on, in a two-page file: once is not a repeat. */
static void extract_pdf__head_on_second_page_only_removed(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr = new_pdf("head2.pdf", &surf);
	struct doc_text t;
	struct doc_error err;
	char buf[64];
	int p, i;

	(void)state;
	for (p = 1; p <= 2; p++) {
		if (p == 1) {
			text_at(cr, 60, 80, 16, 1, "Learning Review Of A Family");
		} else {
			text_at(cr, 60, 40, 8, 0, "Learning Review 9");
			text_at(cr, 400, 40, 8, 0, "Eastbrook Board");
		}
		for (i = 0; i < 20; i++) {
			snprintf(buf, sizeof(buf), "Body text of page %d, line %d.", p, i);
			text_at(cr, 60, (p == 1 ? 110 : 80) + 14 * i, 10, 0, buf);
		}
		cairo_show_page(cr);
	}
	finish(cr, surf);
	assert_int_equal(run(&t, &err), 0);
	assert_int_equal(find_line(&t, "Learning Review 9"), -1);
	assert_int_equal(find_line(&t, "Eastbrook"), -1);
	assert_int_equal(find_line(&t, "Learning Review Of A Family"), 0);
	assert_int_equal(t.nr, 41);
	doc_text_release(&t);
}

/*
 * The head of a one-page file in body-size type, in parts at the left and
 * right, goes; a plain title line at the top, in one piece, stays.
 */
static void extract_pdf__body_size_head_of_one_page_removed(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr = new_pdf("head1.pdf", &surf);
	struct doc_text t;
	struct doc_error err;
	char buf[64];
	int i;

	(void)state;
	text_at(cr, 60, 40, 10, 0, "Learning Review 7");
	text_at(cr, 380, 40, 10, 0, "Eastbrook Board");
	text_at(cr, 60, 80, 16, 1, "Seven Minute Briefing");
	for (i = 0; i < 20; i++) {
		snprintf(buf, sizeof(buf), "Body text line %d.", i);
		text_at(cr, 60, 110 + 14 * i, 10, 0, buf);
	}
	finish(cr, surf);
	assert_int_equal(run(&t, &err), 0);
	assert_int_equal(find_line(&t, "Learning Review 7"), -1);
	assert_int_equal(find_line(&t, "Eastbrook"), -1);
	assert_int_equal(find_line(&t, "Seven Minute Briefing"), 0);
	doc_text_release(&t);

	cr = new_pdf("title1.pdf", &surf);
	text_at(cr, 60, 40, 10, 0, "A plain title for a short note");
	for (i = 0; i < 20; i++) {
		snprintf(buf, sizeof(buf), "Body text line %d.", i);
		text_at(cr, 60, 80 + 14 * i, 10, 0, buf);
	}
	finish(cr, surf);
	assert_int_equal(run(&t, &err), 0);
	assert_int_equal(find_line(&t, "A plain title for a short note"), 0);
	doc_text_release(&t);
}

static void extract_pdf__lone_page_number_on_one_page_removed(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr = new_pdf("one.pdf", &surf);
	struct doc_text t;
	struct doc_error err;

	(void)state;
	text_at(cr, 60, 200, 10, 0, "The only paragraph of this short note.");
	text_at(cr, 290, 810, 9, 0, "1");
	finish(cr, surf);
	assert_int_equal(run(&t, &err), 0);
	assert_int_equal(t.nr, 1);
	doc_text_release(&t);
}

static void extract_pdf__heading_from_size_and_weight(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr = new_pdf("heading.pdf", &surf);
	struct doc_text t;
	struct doc_error err;
	int i, h, b;

	(void)state;
	text_at(cr, 60, 100, 16, 0, "Background");
	for (i = 0; i < 4; i++)
		text_at(cr, 60, 130 + 14 * i, 10, 0, "Ordinary body text set in the usual size here.");
	text_at(cr, 60, 220, 10, 1, "Key learning");
	text_at(cr, 60, 240, 10, 0, "\xe2\x80\xa2 a bullet point item");
	finish(cr, surf);
	assert_int_equal(run(&t, &err), 0);
	h = find_line(&t, "Background");
	b = find_line(&t, "Key learning");
	assert_true(h >= 0 && b >= 0);
	assert_true(t.lines[h].flags & LINE_HEADING);
	assert_true(t.lines[b].flags & LINE_HEADING);
	assert_false(t.lines[h + 1].flags & LINE_HEADING);
	assert_true(t.lines[find_line(&t, "bullet")].flags & LINE_ITEM);
	assert_true(t.lines[find_line(&t, "bullet")].flags & LINE_BREAK_BEFORE);
	doc_text_release(&t);
}

static void extract_pdf__page_without_text_warns(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr = new_pdf("image.pdf", &surf);
	struct doc_text t;
	struct doc_error err;

	(void)state;
	text_at(cr, 60, 100, 10, 0, "Some text on the first page.");
	cairo_show_page(cr);
	cairo_rectangle(cr, 100, 100, 300, 300);
	cairo_fill(cr);
	finish(cr, surf);
	assert_int_equal(run(&t, &err), 0);
	assert_non_null(t.warnings);
	assert_string_equal(t.warnings, "page 2 has no text layer and no text was recognised");
	doc_text_release(&t);
}

static void write_file(const char *name, const char *data, size_t len)
{
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void extract_pdf__not_a_pdf_is_format_error(void **state)
{
	struct doc_text t;
	struct doc_error err;

	(void)state;
	write_file("junk.pdf", "this is not a pdf\n", 18);
	assert_int_not_equal(run(&t, &err), 0);
	assert_int_equal(err.code, DOC_ERR_FORMAT);
	assert_string_equal(err.stage, "extract");
	doc_text_release(&t);
}

static void extract_pdf__truncated_pdf_is_error(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr = new_pdf("whole.pdf", &surf);
	struct doc_text t;
	struct doc_error err;
	char buf[400];
	FILE *f;
	size_t n;

	(void)state;
	text_at(cr, 60, 100, 10, 0, "Text that will be cut off.");
	finish(cr, surf);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	write_file("cut.pdf", buf, n);
	assert_int_not_equal(run(&t, &err), 0);
	assert_true(err.code == DOC_ERR_FORMAT);
	doc_text_release(&t);
}

static void extract_pdf__missing_file_is_io_error(void **state)
{
	struct doc_text t;
	struct doc_error err;

	(void)state;
	snprintf(path, sizeof(path), "%s/none.pdf", dir);
	assert_int_not_equal(run(&t, &err), 0);
	assert_int_equal(err.code, DOC_ERR_IO);
	doc_text_release(&t);
}

static int cleanup(void **state)
{
	static const char *const names[] = {
		"cols.pdf", "furniture.pdf", "one.pdf", "heading.pdf", "image.pdf",
		"junk.pdf", "whole.pdf", "cut.pdf",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
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

/* Documents read one after another share the buffer their bytes are read
 * into: a shorter file after a longer one, and a file after a refused
 * one, read as themselves. */
static void extract_pdf__documents_in_turn_read_their_own_bytes(void **state)
{
	cairo_surface_t *surf;
	cairo_t *cr;
	struct doc_text t;
	struct doc_error err;
	char big[sizeof(path)], small[sizeof(path)];
	int i;

	(void)state;
	cr = new_pdf("turn-big.pdf", &surf);
	for (i = 0; i < 40; i++)
		text_at(cr, 60, 80 + 16 * i, 10, 0, "Longer document line about the family home.");
	cairo_show_page(cr);
	text_at(cr, 60, 100, 10, 0, "Second page of the longer document.");
	finish(cr, surf);
	snprintf(big, sizeof(big), "%s", path);
	cr = new_pdf("turn-small.pdf", &surf);
	text_at(cr, 60, 100, 10, 0, "Short note on the school.");
	finish(cr, surf);
	snprintf(small, sizeof(small), "%s", path);

	snprintf(path, sizeof(path), "%s", big);
	assert_int_equal(run(&t, &err), 0);
	assert_int_equal(t.pages, 2);
	assert_true(find_line(&t, "Second page") >= 0);
	doc_text_release(&t);

	snprintf(path, sizeof(path), "%s", small);
	assert_int_equal(run(&t, &err), 0);
	assert_int_equal(t.pages, 1);
	assert_int_equal(t.nr, 1);
	assert_true(find_line(&t, "Short note") >= 0);
	assert_true(find_line(&t, "family home") < 0);
	doc_text_release(&t);

	write_file("turn-bad.pdf", "%PDF-1.4\nnot really\n", 20);
	assert_int_not_equal(run(&t, &err), 0);
	doc_text_release(&t);

	snprintf(path, sizeof(path), "%s", big);
	assert_int_equal(run(&t, &err), 0);
	assert_int_equal(t.pages, 2);
	assert_true(find_line(&t, "family home") >= 0);
	doc_text_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(extract_pdf__two_columns_read_left_then_right),
		cmocka_unit_test(extract_pdf__short_last_column_read_after_left),
		cmocka_unit_test(extract_pdf__sparse_short_column_read_after_left),
		cmocka_unit_test(extract_pdf__narrow_gutter_splits_joined_lines),
		cmocka_unit_test(extract_pdf__running_header_footer_and_page_numbers_removed),
		cmocka_unit_test(extract_pdf__head_on_second_page_only_removed),
		cmocka_unit_test(extract_pdf__body_size_head_of_one_page_removed),
		cmocka_unit_test(extract_pdf__lone_page_number_on_one_page_removed),
		cmocka_unit_test(extract_pdf__heading_from_size_and_weight),
		cmocka_unit_test(extract_pdf__page_without_text_warns),
		cmocka_unit_test(extract_pdf__not_a_pdf_is_format_error),
		cmocka_unit_test(extract_pdf__truncated_pdf_is_error),
		cmocka_unit_test(extract_pdf__missing_file_is_io_error),
		cmocka_unit_test(extract_pdf__documents_in_turn_read_their_own_bytes),
	};

	return cmocka_run_group_tests(tests, make_dir, cleanup);
}
