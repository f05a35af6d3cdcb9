/* Unit tests for normalize.c: one test per normalisation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "normalize.h"
#include "banned.h"

static void check(const char *in, size_t len, const char *want)
{
	size_t out_len;
	char *out = normalize_text(in, len, &out_len);

	assert_string_equal(out, want);
	assert_int_equal(out_len, strlen(want));
	free(out);
}

#define CHECK(in, want) check((in), sizeof(in) - 1, (want))

static void normalize__ligatures_expanded(void **state)
{
	(void)state;
	CHECK("\xef\xac\x80 \xef\xac\x81nd \xef\xac\x82ow e\xef\xac\x83" "cient ba\xef\xac\x84" "e \xef\xac\x86op",
	      "ff find flow efficient baffle stop");
}

static void normalize__soft_hyphen_dropped(void **state)
{
	(void)state;
	CHECK("safe\xc2\xadguarding", "safeguarding");
}

static void normalize__odd_spaces_become_space(void **state)
{
	(void)state;
	CHECK("a\xc2\xa0" "b\xe2\x80\x89" "c\xe2\x80\xaf" "d\xe3\x80\x80" "e\te", "a b c d e e");
}

static void normalize__smart_quotes_ascii(void **state)
{
	(void)state;
	CHECK("\xe2\x80\x9c" "child\xe2\x80\x99s\xe2\x80\x9d \xe2\x80\x98x\xe2\x80\x99", "\"child's\" 'x'");
}

static void normalize__unicode_hyphens_ascii_dashes_kept(void **state)
{
	(void)state;
	CHECK("multi\xe2\x80\x90" "agency non\xe2\x80\x91" "accidental a \xe2\x80\x93 b \xe2\x80\x94 c",
	      "multi-agency non-accidental a \xe2\x80\x93 b \xe2\x80\x94" " c");
}

static void normalize__controls_dropped(void **state)
{
	(void)state;
	CHECK("a\x01" "b\x7f" "c\xc2\x85" "d\xe2\x80\x8b" "e", "abcde");
}

static void normalize__spaces_collapsed_and_trimmed(void **state)
{
	(void)state;
	CHECK("   two    words  ", "two words");
	CHECK("", "");
	CHECK(" \xc2\xa0 ", "");
}

static void normalize__nfc(void **state)
{
	(void)state;
	/* e + combining acute -> U+00E9 */
	CHECK("cafe\xcc\x81", "caf\xc3\xa9");
}

static void normalize__invalid_utf8_replaced(void **state)
{
	(void)state;
	CHECK("a\xff" "b\xc3", "a\xef\xbf\xbd" "b\xef\xbf\xbd");
}

static void normalize__embedded_nul_dropped(void **state)
{
	(void)state;
	check("a\0b", 3, "ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalize__ligatures_expanded),
		cmocka_unit_test(normalize__soft_hyphen_dropped),
		cmocka_unit_test(normalize__odd_spaces_become_space),
		cmocka_unit_test(normalize__smart_quotes_ascii),
		cmocka_unit_test(normalize__unicode_hyphens_ascii_dashes_kept),
		cmocka_unit_test(normalize__controls_dropped),
		cmocka_unit_test(normalize__spaces_collapsed_and_trimmed),
		cmocka_unit_test(normalize__nfc),
		cmocka_unit_test(normalize__invalid_utf8_replaced),
		cmocka_unit_test(normalize__embedded_nul_dropped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
