/* Text extraction: encodings, line ends, NUL bytes, markdown structure. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include "extract.h"

static struct doc_text run(const char *buf, size_t len)
{
	struct doc_text t;
	struct doc_error err = { 0 };

	doc_text_init(&t);
	assert_int_equal(extract_txt_buf(buf, len, &t, &err), 0);
	return t;
}

static void extract_txt__utf8_bom_and_crlf(void **state)
{
	static const char in[] = "\xEF\xBB\xBFOne line\r\nTwo line\r\n";
	struct doc_text t = run(in, sizeof(in) - 1);

	(void)state;
	assert_int_equal(t.nr, 2);
	assert_string_equal(t.lines[0].text, "One line");
	assert_string_equal(t.lines[1].text, "Two line");
	doc_text_release(&t);
}

static void extract_txt__lone_cr_and_nul(void **state)
{
	static const char in[] = "Fi\0rst\rSecond";
	struct doc_text t = run(in, sizeof(in) - 1);

	(void)state;
	assert_int_equal(t.nr, 2);
	assert_string_equal(t.lines[0].text, "First");
	assert_string_equal(t.lines[1].text, "Second");
	doc_text_release(&t);
}

static void extract_txt__utf16le_with_bom(void **state)
{
	static const char in[] = "\xFF\xFE" "C\0a\0f\0\xE9" "\0\n\0";
	struct doc_text t = run(in, sizeof(in) - 1);

	(void)state;
	assert_int_equal(t.nr, 1);
	assert_string_equal(t.lines[0].text, "Caf\xC3\xA9");
	doc_text_release(&t);
}

static void extract_txt__utf16be_with_bom(void **state)
{
	static const char in[] = "\xFE\xFF" "\0H\0i\0\n";
	struct doc_text t = run(in, sizeof(in) - 1);

	(void)state;
	assert_string_equal(t.lines[0].text, "Hi");
	doc_text_release(&t);
}

static void extract_txt__windows_1252_when_not_utf8(void **state)
{
	/* 0x93/0x94 are curly quotes in cp1252, 0xE9 is e-acute. */
	static const char in[] = "\x93" "Caf\xE9\x94 \x96 it\x92s\n";
	struct doc_text t = run(in, sizeof(in) - 1);

	(void)state;
	assert_int_equal(t.nr, 1);
	/* quotes normalised to ASCII, en dash kept */
	assert_string_equal(t.lines[0].text, "\"Caf\xC3\xA9\" \xE2\x80\x93 it's");
	doc_text_release(&t);
}

static void extract_txt__markdown_headings_and_items(void **state)
{
	static const char in[] =
		"# Key learning\n"
		"\n"
		"Paragraph line one\n"
		"line two\n"
		"\n"
		"- first bullet\n"
		"2. numbered\n"
		"a) lettered\n"
		"**Recommendations**\n";
	struct doc_text t = run(in, sizeof(in) - 1);

	(void)state;
	assert_int_equal(t.nr, 7);
	assert_string_equal(t.lines[0].text, "Key learning");
	assert_true(t.lines[0].flags & LINE_HEADING);
	assert_true(t.lines[1].flags & LINE_BREAK_BEFORE);
	assert_false(t.lines[2].flags & LINE_BREAK_BEFORE);
	assert_true(t.lines[3].flags & LINE_ITEM);
	assert_string_equal(t.lines[3].text, "- first bullet");
	assert_true(t.lines[4].flags & LINE_ITEM);
	assert_true(t.lines[5].flags & LINE_ITEM);
	assert_true(t.lines[6].flags & LINE_HEADING);
	assert_string_equal(t.lines[6].text, "Recommendations");
	doc_text_release(&t);
}

static void extract_txt__form_feed_starts_a_page(void **state)
{
	static const char in[] = "page one\n\fpage two\n";
	struct doc_text t = run(in, sizeof(in) - 1);

	(void)state;
	assert_int_equal(t.pages, 2);
	assert_int_equal(t.lines[1].page, 2);
	assert_true(t.lines[1].flags & LINE_PAGE_START);
	doc_text_release(&t);
}

static void extract_txt__long_line_is_cut(void **state)
{
	size_t n = 200000, i, total = 0;
	char *buf = malloc(n);
	struct doc_text t;

	(void)state;
	for (i = 0; i < n; i++)
		buf[i] = i % 7 == 6 ? ' ' : 'a';
	t = run(buf, n);
	assert_true(t.nr > 1);
	for (i = 0; i < t.nr; i++) {
		assert_true(strlen(t.lines[i].text) <= 16384);
		total += strlen(t.lines[i].text);
	}
	assert_true(total > n - t.nr * 2 - 10);
	doc_text_release(&t);
	free(buf);
}

static void extract_txt__empty_is_an_error(void **state)
{
	struct doc_text t;
	struct doc_error err = { 0 };

	(void)state;
	doc_text_init(&t);
	assert_int_equal(extract_txt_buf("  \n\n", 4, &t, &err), -1);
	assert_int_equal(err.code, DOC_ERR_EMPTY);
	doc_text_release(&t);
}

static void extract_txt__format_by_extension(void **state)
{
	(void)state;
	assert_string_equal(extract_format("a/b.PDF"), "pdf");
	assert_string_equal(extract_format("x.txt"), "txt");
	assert_string_equal(extract_format("x.md"), "txt");
	assert_string_equal(extract_format("x.docx"), "docx");
	assert_string_equal(extract_format("page.HTM"), "html");
	assert_null(extract_format("x.odt"));
	assert_null(extract_format("dir.pdf/file"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(extract_txt__utf8_bom_and_crlf),
		cmocka_unit_test(extract_txt__lone_cr_and_nul),
		cmocka_unit_test(extract_txt__utf16le_with_bom),
		cmocka_unit_test(extract_txt__utf16be_with_bom),
		cmocka_unit_test(extract_txt__windows_1252_when_not_utf8),
		cmocka_unit_test(extract_txt__markdown_headings_and_items),
		cmocka_unit_test(extract_txt__form_feed_starts_a_page),
		cmocka_unit_test(extract_txt__long_line_is_cut),
		cmocka_unit_test(extract_txt__empty_is_an_error),
		cmocka_unit_test(extract_txt__format_by_extension),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
