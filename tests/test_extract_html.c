/* Web pages and the REFI-QDA GUIDs: what is kept and skipped in HTML,
 * list numbering, hidden and navigation parts, refused entity
 * declarations; name-based UUIDs equal to RFC 4122 version 5. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include "extract.h"
#include "qda.h"

static struct doc_text run(const char *html)
{
	struct doc_text t;
	struct doc_error err = { 0 };

	doc_text_init(&t);
	assert_int_equal(extract_html_buf(html, strlen(html), &t, &err), 0);
	return t;
}

static void extract_html__blocks_and_furniture(void **state)
{
	struct doc_text t = run(
		"<html><head><title>T</title><style>p{}</style></head><body>"
		"<nav><a>Home</a></nav><header>Site banner</header>"
		"<h2>Key  learning</h2><p>First <b>bold</b>\n words.<br>After break.</p>"
		"<div hidden>secret</div><p aria-hidden=\"true\">gone</p>"
		"<div role=\"navigation\">crumbs</div><script>x()</script>"
		"<aside>related</aside><footer>copyright</footer></body></html>");

	(void)state;
	assert_int_equal(t.nr, 2);
	assert_string_equal(t.lines[0].text, "Key learning");
	assert_true(t.lines[0].flags & LINE_HEADING);
	assert_string_equal(t.lines[1].text, "First bold words. After break.");
	assert_false(t.lines[1].flags & (LINE_HEADING | LINE_ITEM));
	assert_true(t.lines[1].flags & LINE_BREAK_BEFORE);
	doc_text_release(&t);
}

static void extract_html__lists(void **state)
{
	struct doc_text t = run(
		"<body><ol start=\"3\"><li>Third <p>with a paragraph</p></li>"
		"<li>Fourth<ul><li>nested</li></ul>tail</li></ol></body>");

	(void)state;
	assert_int_equal(t.nr, 4);
	assert_string_equal(t.lines[0].text, "3. Third with a paragraph");
	assert_true(t.lines[0].flags & LINE_ITEM);
	assert_string_equal(t.lines[1].text, "4. Fourth");
	assert_string_equal(t.lines[2].text, "nested");
	assert_true(t.lines[2].flags & LINE_ITEM);
	assert_string_equal(t.lines[3].text, "tail");
	doc_text_release(&t);
}

static void extract_html__main_only(void **state)
{
	struct doc_text t = run(
		"<body><div class=\"menu\">Menu text</div><main><article><header>"
		"<h1>Review title</h1></header><p>Body.</p></article></main>"
		"<div>After main</div></body>");

	(void)state;
	assert_int_equal(t.nr, 2);
	assert_string_equal(t.lines[0].text, "Review title");
	assert_string_equal(t.lines[1].text, "Body.");
	doc_text_release(&t);
}

static void extract_html__refused_and_empty(void **state)
{
	static const char laughs[] =
		"<!DOCTYPE html [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;\">]><p>&b;</p>";
	struct doc_text t;
	struct doc_error err = { 0 };

	(void)state;
	doc_text_init(&t);
	assert_int_equal(extract_html_buf(laughs, strlen(laughs), &t, &err), -1);
	assert_non_null(strstr(err.msg, "entity declarations are not allowed"));
	assert_int_equal(extract_html_buf("<nav>only</nav>", 15, &t, &err), -1);
	assert_int_equal(err.code, DOC_ERR_EMPTY);
	doc_text_release(&t);
}

static void extract_html__latin1_page(void **state)
{
	/* not UTF-8: read by the declared charset */
	struct doc_text t = run("<meta charset=\"iso-8859-1\"><p>caf\xe9</p>");

	(void)state;
	assert_int_equal(t.nr, 1);
	assert_string_equal(t.lines[0].text, "caf\xc3\xa9");
	doc_text_release(&t);
}

static void qda__uuid5_is_rfc4122(void **state)
{
	char u[37];

	(void)state;
	/* python3: uuid.uuid5(uuid.NAMESPACE_URL, 'revmine:user:revmine') */
	qda_uuid5("revmine:user:revmine", u);
	assert_string_equal(u, "d43aff08-af8d-54d3-b31d-384a8e6d89b7");
	qda_uuid5("revmine:user:revmine", u);
	assert_string_equal(u, "d43aff08-af8d-54d3-b31d-384a8e6d89b7");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(extract_html__blocks_and_furniture),
		cmocka_unit_test(extract_html__lists),
		cmocka_unit_test(extract_html__main_only),
		cmocka_unit_test(extract_html__refused_and_empty),
		cmocka_unit_test(extract_html__latin1_page),
		cmocka_unit_test(qda__uuid5_is_rfc4122),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
