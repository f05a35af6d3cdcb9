/* The tokenizer: Unicode words, apostrophes, hyphenated compounds, numbers,
 * URLs and e-mail addresses, punctuation breaks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "tokenize.h"

static struct tokenizer tok;

static int setup(void **state)
{
	(void)state;
	tokenizer_init(&tok);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tokenizer_release(&tok);
	return 0;
}

/* The tokens' texts joined with '|', for compact expectations. */
static const char *joined(const char *text)
{
	static char buf[1024];
	size_t i, n = tokenize(&tok, text, strlen(text)), len = 0;

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		size_t l = strlen(tok.items[i].text);

		assert_true(len + l + 2 < sizeof(buf));
		if (i)
			buf[len++] = '|';
		memcpy(buf + len, tok.items[i].text, l + 1);
		len += l;
	}
	return buf;
}

static void tokenize__lowercases_ascii(void **state)
{
	(void)state;
	assert_string_equal(joined("The Child Protection PLAN"), "the|child|protection|plan");
}

static void tokenize__unicode_letters_fold(void **state)
{
	(void)state;
	assert_string_equal(joined("Zoë ÉCOLE naïve Ærø"), "zoë|école|naïve|ærø");
	assert_int_equal(tok.items[0].kind, TOKEN_WORD);
}

static void tokenize__possessive_s_dropped(void **state)
{
	(void)state;
	assert_string_equal(joined("the child's voice"), "the|child|voice");
	assert_string_equal(joined("the child\xe2\x80\x99s voice"), "the|child|voice");
	assert_string_equal(joined("parents' accounts"), "parents|accounts");
}

static void tokenize__inner_apostrophe_removed(void **state)
{
	(void)state;
	assert_string_equal(joined("don't O'Brien"), "dont|obrien");
	assert_string_equal(joined("'quoted'"), "quoted");
}

static void tokenize__hyphen_gives_joined_and_parts(void **state)
{
	(void)state;
	assert_string_equal(joined("multi-agency work"), "multiagency|multi|agency|work");
	assert_true(tok.items[0].flags & TOKEN_JOINED);
	assert_int_equal(tok.items[0].parts, 2);
	assert_true(tok.items[1].flags & TOKEN_PART);
	assert_true(tok.items[2].flags & TOKEN_PART);
	assert_false(tok.items[3].flags & (TOKEN_PART | TOKEN_JOINED));
	assert_true(token_is_term(&tok.items[0]));
	assert_false(token_is_term(&tok.items[1]));
}

static void tokenize__unicode_hyphen_and_en_dash(void **state)
{
	(void)state;
	/* U+2010 is a hyphen; U+2013 (en dash) separates words */
	assert_string_equal(joined("step\xe2\x80\x90" "down"), "stepdown|step|down");
	assert_string_equal(joined("risk \xe2\x80\x93 without"), "risk|without");
	assert_true(tok.items[1].flags & TOKEN_BREAK);
}

static void tokenize__numbers_are_not_words(void **state)
{
	(void)state;
	assert_string_equal(joined("In 2013 IN14 a 2-year-old"), "in|2013|in14|a|2|year|old");
	assert_int_equal(tok.items[1].kind, TOKEN_NUMBER);
	assert_int_equal(tok.items[2].kind, TOKEN_NUMBER);
	assert_int_equal(tok.items[4].kind, TOKEN_NUMBER);
	/* a compound with a number gives no joined form; its words count */
	assert_true(token_is_term(&tok.items[5]));
}

static void tokenize__urls_and_emails_are_single_tokens(void **state)
{
	(void)state;
	assert_string_equal(joined("see www.rbscp.org. Email LSCB@cumbria.gov.uk now"),
			    "see|www.rbscp.org|email|LSCB@cumbria.gov.uk|now");
	assert_int_equal(tok.items[1].kind, TOKEN_URL);
	assert_int_equal(tok.items[3].kind, TOKEN_EMAIL);
	assert_string_equal(joined("[DSCB Website](http://www.dorsetlscb.co.uk)"),
			    "dscb|website|http://www.dorsetlscb.co.uk");
	assert_int_equal(tok.items[2].kind, TOKEN_URL);
}

static void tokenize__punctuation_sets_breaks(void **state)
{
	(void)state;
	tokenize(&tok, "plan. Core group: child", 23);
	assert_int_equal(tok.nr, 4);
	assert_false(tok.items[0].flags & TOKEN_BREAK);
	assert_true(tok.items[1].flags & TOKEN_STOP);
	assert_false(tok.items[2].flags & TOKEN_BREAK);
	assert_true(tok.items[3].flags & TOKEN_COLON);
}

static void tokenize__markup_skipped(void **state)
{
	(void)state;
	assert_string_equal(joined("### **KEY** <u>Escalation</u>"), "key|escalation");
}

static void tokenize__invalid_utf8_does_not_stop_the_scan(void **state)
{
	(void)state;
	assert_string_equal(joined("ab\xff" "cd ef"), "ab|cd|ef");
}

static void tokenize__source_spans_point_into_text(void **state)
{
	const char *text = "Child's plan";

	(void)state;
	tokenize(&tok, text, strlen(text));
	assert_ptr_equal(tok.items[0].src, text);
	assert_int_equal(tok.items[0].src_len, 7);
	assert_true(tok.items[0].flags & TOKEN_CAPITAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tokenize__lowercases_ascii),
		cmocka_unit_test(tokenize__unicode_letters_fold),
		cmocka_unit_test(tokenize__possessive_s_dropped),
		cmocka_unit_test(tokenize__inner_apostrophe_removed),
		cmocka_unit_test(tokenize__hyphen_gives_joined_and_parts),
		cmocka_unit_test(tokenize__unicode_hyphen_and_en_dash),
		cmocka_unit_test(tokenize__numbers_are_not_words),
		cmocka_unit_test(tokenize__urls_and_emails_are_single_tokens),
		cmocka_unit_test(tokenize__punctuation_sets_breaks),
		cmocka_unit_test(tokenize__markup_skipped),
		cmocka_unit_test(tokenize__invalid_utf8_does_not_stop_the_scan),
		cmocka_unit_test(tokenize__source_spans_point_into_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
