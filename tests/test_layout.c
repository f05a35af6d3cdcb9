/*
 * Unit tests for layout.c on made-up boxes: columns, reading order,
 * furniture, headings, items and paragraph breaks, with no PDF and no
 * poppler (the Makefile links this test against layout.o and util.o only).
 * Pages are A4 (595 x 842 points); a body line is 10 points high and its
 * characters 5 points wide unless a test gives its right edge.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "util.h"
#include "layout.h"
#include "banned.h"

#define W 595.0
#define H 842.0

static struct layout L;

static void begin(int pages)
{
	layout_init(&L, pages);
}

static void page(int p)
{
	layout_begin_page(&L, p, W, H);
}

/* A line of `size` points from x0 to x1 (x1 <= 0: 0.5 em a character). */
static void line_box(double x0, double y0, double x1, float size, int bold,
		     const char *text)
{
	struct layout_line s;

	memset(&s, 0, sizeof(s));
	s.text = xstrdup(text);
	s.len = strlen(text);
	s.x0 = x0;
	s.y0 = y0;
	s.x1 = x1 > 0 ? x1 : x0 + 0.5 * size * (double)s.len;
	s.y1 = y0 + size;
	s.size = size;
	s.bold = bold;
	layout_add(&L, &s, (unsigned)s.len);
}

static void line(double x0, double y0, const char *text)
{
	line_box(x0, y0, 0, 10, 0, text);
}

/* Index of the kept line with exactly this text; fails when absent. */
static size_t at(const char *text)
{
	size_t i;

	for (i = 0; i < L.nr; i++)
		if (!strcmp(L.lines[i].text, text))
			return i;
	fail_msg("no line '%s'", text);
	return 0;
}

static int kept(const char *text)
{
	size_t i;

	for (i = 0; i < L.nr; i++)
		if (strstr(L.lines[i].text, text))
			return 1;
	return 0;
}

static unsigned flags(const char *text)
{
	return L.lines[at(text)].flags;
}

static void teardown(void)
{
	layout_release(&L);
}

/*
 * One page of two columns (left 50-280, right 315-545) of `rows` full lines
 * each, given row by row as a reader sees them; the last left line's text
 * and right edge are the caller's.
 */
static void two_columns(int rows, const char *last_left, double last_x1)
{
	char t[64];
	int r;

	for (r = 0; r < rows; r++) {
		double y = 120 + 12 * r;

		if (r + 1 == rows) {
			line_box(50, y, last_x1, 10, 0, last_left);
		} else {
			snprintf(t, sizeof(t), "left line %d goes on", r + 1);
			line_box(50, y, 280, 10, 0, t);
		}
		snprintf(t, sizeof(t), "%s line %d goes on", r ? "right" : "Right",
			 r + 1);
		line_box(315, y, 545, 10, 0, t);
	}
}

static void layout__two_columns_read_left_then_right(void **state)
{
	size_t i, title, l1, l20, r1, r20;

	(void)state;
	begin(1);
	page(1);
	line_box(50, 96, 0, 16, 1, "Learning from the review of Child A");
	two_columns(20, "left line 20 goes on", 280);
	layout_run(&L);
	assert_int_equal(L.nr, 41);
	title = at("Learning from the review of Child A");
	l1 = at("left line 1 goes on");
	l20 = at("left line 20 goes on");
	r1 = at("Right line 1 goes on");
	r20 = at("right line 20 goes on");
	assert_int_equal(title, 0);
	assert_int_equal(l1, 1);
	assert_int_equal(l20, 20);
	assert_int_equal(r1, 21);
	assert_int_equal(r20, 40);
	assert_int_equal(L.lines[title].col, LAYOUT_FULL);
	for (i = l1; i <= l20; i++)
		assert_int_equal(L.lines[i].col, LAYOUT_LEFT);
	for (i = r1; i <= r20; i++)
		assert_int_equal(L.lines[i].col, LAYOUT_RIGHT);
	assert_true(flags("Learning from the review of Child A") & LINE_HEADING);
	assert_int_equal(L.pages[0].first, 0);
	assert_int_equal(L.pages[0].n, 41);
	teardown();
}

static void layout__one_column_page_keeps_top_to_bottom(void **state)
{
	char t[64];
	size_t r;

	(void)state;
	begin(1);
	page(1);
	for (r = 0; r < 12; r++) {
		snprintf(t, sizeof(t), "body line %zu", 12 - r);
		line_box(50, 120 + 12 * (double)(11 - r), 545, 10, 0, t);
	}
	layout_run(&L);
	assert_int_equal(L.nr, 12);
	for (r = 0; r < 12; r++) {
		snprintf(t, sizeof(t), "body line %zu", r + 1);
		assert_string_equal(L.lines[r].text, t);
		assert_int_equal(L.lines[r].col, LAYOUT_FULL);
	}
	teardown();
}

static void layout__pieces_on_one_baseline_merged(void **state)
{
	(void)state;
	begin(1);
	page(1);
	line(130, 120, "partnership");
	line(50, 120, "Safeguarding");
	line(50, 132, "next line");
	layout_run(&L);
	assert_int_equal(L.nr, 2);
	assert_string_equal(L.lines[0].text, "Safeguarding partnership");
	assert_true(L.lines[0].x0 == 50 && L.lines[0].x1 == 130 + 55);
	assert_string_equal(L.lines[1].text, "next line");
	teardown();
}

static void layout__running_head_and_foot_removed(void **state)
{
	char t[64];
	int p, r;

	(void)state;
	begin(3);
	for (p = 1; p <= 3; p++) {
		page(p);
		line(50, 40, "Serious Case Review: Child A (2024)");
		if (p == 1)
			line_box(50, 60, 0, 18, 1, "Findings");
		for (r = 0; r < 10; r++) {
			snprintf(t, sizeof(t), "page %d body %d", p, r);
			line_box(50, 120 + 12 * r, 545, 10, 0, t);
		}
		snprintf(t, sizeof(t), "Page %d of 3", p);
		line(260, 800, t);
	}
	layout_run(&L);
	assert_false(kept("Serious Case Review"));
	assert_false(kept("of 3"));
	assert_int_equal(L.nr, 31);
	assert_int_equal(at("Findings"), 0);
	assert_true(flags("Findings") & LINE_HEADING);
	assert_true(flags("Findings") & LINE_PAGE_START);
	for (p = 0; p < 3; p++) {
		snprintf(t, sizeof(t), "page %d body 0", p + 1);
		assert_int_equal(!!(flags(t) & LINE_PAGE_START), p > 0);
		assert_int_equal(L.pages[p].n, p ? 10 : 11);
	}
	assert_false(flags("page 2 body 1") & LINE_PAGE_START);
	teardown();
}

static void layout__page_numbers_removed(void **state)
{
	static const char *const numbers[] = {
		"12", "- 4 -", "Page 3", "3/9", "3 | Child A review", "Child A review | 3",
	};
	char t[64];
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(numbers); i++) {
		begin(1);
		page(1);
		for (r = 0; r < 10; r++) {
			snprintf(t, sizeof(t), "body %d", r);
			line_box(50, 120 + 12 * r, 545, 10, 0, t);
		}
		line(50, 400, "2024");
		line(280, 805, numbers[i]);
		layout_run(&L);
		assert_int_equal(L.nr, 11);
		assert_false(kept(numbers[i]));
		/* a number in the body is text */
		assert_true(kept("2024"));
		teardown();
	}
}

static void layout__head_on_second_page_only_removed(void **state)
{
	char t[64];
	int p, r;

	(void)state;
	begin(2);
	for (p = 1; p <= 2; p++) {
		page(p);
		if (p == 2)
			line(50, 40, "Child Q: learning review");
		for (r = 0; r < 10; r++) {
			snprintf(t, sizeof(t), "page %d body %d", p, r);
			line_box(50, 120 + 12 * r, 545, 10, 0, t);
		}
	}
	layout_run(&L);
	assert_false(kept("Child Q"));
	assert_int_equal(L.nr, 20);
	teardown();
}

static void layout__headings_from_size_and_weight(void **state)
{
	char t[64];
	int r;

	(void)state;
	begin(1);
	page(1);
	line_box(50, 120, 0, 14, 0, "Findings");
	for (r = 0; r < 6; r++) {
		snprintf(t, sizeof(t), "body %d", r);
		line_box(50, 140 + 12 * r, 545, 10, 0, t);
	}
	line_box(50, 230, 0, 10, 1, "Key learning");
	line_box(50, 250, 545, 10, 0, "1. Share the plan with every agency");
	layout_run(&L);
	assert_true(L.body == 10.0f);
	assert_true(flags("Findings") & LINE_HEADING);
	assert_true(flags("Key learning") & LINE_HEADING);
	assert_false(flags("body 0") & LINE_HEADING);
	assert_true(flags("body 0") & LINE_BREAK_BEFORE);
	assert_false(flags("body 1") & LINE_BREAK_BEFORE);
	assert_true(flags("1. Share the plan with every agency") & LINE_ITEM);
	assert_false(flags("1. Share the plan with every agency") & LINE_HEADING);
	teardown();
}

static void layout__breaks_from_gap_and_indent(void **state)
{
	(void)state;
	begin(1);
	page(1);
	line_box(50, 120, 545, 10, 0, "one");
	line_box(50, 132, 545, 10, 0, "two");
	line_box(50, 144, 200, 10, 0, "three.");
	line_box(50, 170, 545, 10, 0, "after a gap");
	line_box(50, 182, 545, 10, 0, "goes on");
	line_box(50, 194, 545, 10, 0, "goes on again");
	line_box(70, 206, 545, 10, 0, "indented first line");
	line_box(50, 218, 545, 10, 0, "rest of the indented paragraph");
	line_box(50, 230, 120, 10, 0, "short end.");
	line_box(50, 242, 545, 10, 0, "Next starts where its word fitted above");
	layout_run(&L);
	assert_true(flags("one") & LINE_BREAK_BEFORE);
	assert_true(flags("one") & LINE_PAGE_START);
	assert_false(flags("two") & LINE_BREAK_BEFORE);
	assert_false(flags("three.") & LINE_BREAK_BEFORE);
	assert_true(flags("after a gap") & LINE_BREAK_BEFORE);
	assert_false(flags("goes on") & LINE_BREAK_BEFORE);
	assert_true(flags("indented first line") & LINE_BREAK_BEFORE);
	assert_true(flags("indented first line") & LINE_INDENT);
	assert_false(flags("rest of the indented paragraph") & LINE_BREAK_BEFORE);
	assert_true(flags("Next starts where its word fitted above") & LINE_BREAK_BEFORE);
	teardown();
}

static void layout__items_from_markers(void **state)
{
	static const char *const items[] = {
		"\xe2\x80\xa2 bullet", "2) number", "(iv) roman", "a. letter",
	};
	size_t i;

	(void)state;
	begin(1);
	page(1);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		line(50, 120 + 12 * (double)i, items[i]);
	line(50, 200, "2024 was the year");
	layout_run(&L);
	for (i = 0; i < ARRAY_SIZE(items); i++)
		assert_true(flags(items[i]) & LINE_ITEM);
	assert_false(flags("2024 was the year") & LINE_ITEM);
	teardown();
}

/* A dash that a full line wraps onto is the sentence's; after a short
 * line it is a bullet. */
static void layout__dash_after_wrapped_line_is_not_an_item(void **state)
{
	(void)state;
	begin(1);
	page(1);
	line_box(50, 120, 545, 10, 0, "The review found that agencies had shared");
	line_box(50, 132, 545, 10, 0, "- and this matters - what they knew");
	line_box(50, 144, 100, 10, 0, "Actions:");
	line_box(50, 156, 545, 10, 0, "- share the plan");
	layout_run(&L);
	assert_false(flags("- and this matters - what they knew") & LINE_ITEM);
	assert_false(flags("- and this matters - what they knew") & LINE_BREAK_BEFORE);
	assert_true(flags("- share the plan") & LINE_ITEM);
	teardown();
}

/*
 * The paragraph at the foot of the left column goes on at the head of the
 * right one when its last line runs to the column's edge without ending a
 * sentence (a hyphenated word break is the usual case), and stops when it
 * ends a sentence short of the edge.
 */
static void layout__paragraph_carried_to_next_column(void **state)
{
	(void)state;
	begin(1);
	page(1);
	two_columns(20, "the work of the multi-", 280);
	layout_run(&L);
	assert_int_equal(L.lines[at("the work of the multi-")].col, LAYOUT_LEFT);
	assert_int_equal(L.lines[at("Right line 1 goes on")].col, LAYOUT_RIGHT);
	assert_false(flags("Right line 1 goes on") & LINE_BREAK_BEFORE);
	teardown();

	begin(1);
	page(1);
	two_columns(20, "the end.", 100);
	layout_run(&L);
	assert_true(flags("Right line 1 goes on") & LINE_BREAK_BEFORE);
	teardown();
}

static void layout__empty_pages(void **state)
{
	(void)state;
	begin(2);
	page(1);
	page(2);
	layout_run(&L);
	assert_int_equal(L.nr, 0);
	assert_int_equal(L.pages[1].n, 0);
	teardown();

	begin(0);
	layout_run(&L);
	assert_int_equal(L.nr, 0);
	teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(layout__two_columns_read_left_then_right),
		cmocka_unit_test(layout__one_column_page_keeps_top_to_bottom),
		cmocka_unit_test(layout__pieces_on_one_baseline_merged),
		cmocka_unit_test(layout__running_head_and_foot_removed),
		cmocka_unit_test(layout__page_numbers_removed),
		cmocka_unit_test(layout__head_on_second_page_only_removed),
		cmocka_unit_test(layout__headings_from_size_and_weight),
		cmocka_unit_test(layout__breaks_from_gap_and_indent),
		cmocka_unit_test(layout__items_from_markers),
		cmocka_unit_test(layout__dash_after_wrapped_line_is_not_an_item),
		cmocka_unit_test(layout__paragraph_carried_to_next_column),
		cmocka_unit_test(layout__empty_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
