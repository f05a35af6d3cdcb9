/* Snowball English stems and the memo in front of libstemmer. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "stem.h"

static void stem__porter2_english(void **state)
{
	struct stemmer *s = stemmer_new(NULL);

	(void)state;
	assert_non_null(s);
	assert_string_equal(stemmer_stem(s, "assessments", 11), "assess");
	assert_string_equal(stemmer_stem(s, "planning", 8), "plan");
	assert_string_equal(stemmer_stem(s, "neglected", 9), "neglect");
	assert_string_equal(stemmer_stem(s, "children", 8), "children");
	stemmer_free(s);
}

static void stem__memo_returns_same_pointer(void **state)
{
	struct stemmer *s = stemmer_new("english");
	const char *a, *b;

	(void)state;
	a = stemmer_stem(s, "safeguarding", 12);
	b = stemmer_stem(s, "safeguarding", 12);
	assert_ptr_equal(a, b);
	assert_int_equal(stemmer_cache_size(s), 1);
	stemmer_stem(s, "safeguarded", 11);
	assert_int_equal(stemmer_cache_size(s), 2);
	stemmer_free(s);
}

static void stem__uncached_matches_cached(void **state)
{
	struct stemmer *s = stemmer_new(NULL);
	char buf[64];

	(void)state;
	stemmer_stem_uncached(s, "professionals", 13, buf, sizeof(buf));
	assert_string_equal(buf, stemmer_stem(s, "professionals", 13));
	stemmer_free(s);
}

static void stem__unknown_language_is_null(void **state)
{
	(void)state;
	assert_null(stemmer_new("klingon"));
	stemmer_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stem__porter2_english),
		cmocka_unit_test(stem__memo_returns_same_pointer),
		cmocka_unit_test(stem__uncached_matches_cached),
		cmocka_unit_test(stem__unknown_language_is_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
