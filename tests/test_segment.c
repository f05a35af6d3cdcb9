/* Unit tests for segment.c: joining, dehyphenation, kinds and sections. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "doc.h"
#include "segment.h"
#include "wordlist.h"
#include "banned.h"

static struct doc_text t;
static struct passage_list pl;

static int setup(void **state)
{
	(void)state;
	doc_text_init(&t);
	passage_list_init(&pl);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	doc_text_release(&t);
	passage_list_release(&pl);
	return 0;
}

static void add(const char *s, int page, unsigned flags)
{
	doc_text_add(&t, s, strlen(s), page, 10, flags);
}

static void segment__lines_joined_into_paragraphs(void **state)
{
	(void)state;
	add("The review found that", 1, LINE_BREAK_BEFORE | LINE_PAGE_START);
	add("agencies did not share information.", 1, 0);
	add("A second paragraph.", 1, LINE_BREAK_BEFORE);
	segment_lines(&t, &pl);
	assert_int_equal(pl.nr, 2);
	assert_string_equal(pl.items[0].text,
			    "The review found that agencies did not share information.");
	assert_int_equal(pl.items[0].kind, PASSAGE_PARAGRAPH);
	assert_string_equal(pl.items[1].text, "A second paragraph.");
}

static void segment__broken_word_rejoined(void **state)
{
	(void)state;
	add("The children were at risk of ex-", 1, LINE_BREAK_BEFORE);
	add("ploitation and the example of exploitation was clear.", 1, 0);
	segment_lines(&t, &pl);
	assert_int_equal(pl.nr, 1);
	assert_string_equal(pl.items[0].text, "The children were at risk of exploitation "
			    "and the example of exploitation was clear.");
}

static void segment__compound_hyphen_kept_with_evidence(void **state)
{
	(void)state;
	add("Multi-agency work matters. The step-", 1, LINE_BREAK_BEFORE);
	add("down and the multi-", 1, 0);
	add("agency meeting were late.", 1, 0);
	segment_lines(&t, &pl);
	assert_int_equal(pl.nr, 1);
	assert_string_equal(pl.items[0].text, "Multi-agency work matters. The step-down "
			    "and the multi-agency meeting were late.");
}

static void segment__typesetter_hyphenation_detected(void **state)
{
	(void)state;
	/* "chal-lenging" proves the typesetter splits words; "non-" stays */
	add("a very chal-", 1, LINE_BREAK_BEFORE);
	add("lenging and challenging non-", 1, 0);
	add("accidental injury, a 2-", 1, 0);
	add("year-old child and a re-", 1, 0);
	add("sponse.", 1, 0);
	segment_lines(&t, &pl);
	assert_string_equal(pl.items[0].text, "a very challenging and challenging "
			    "non-accidental injury, a 2-year-old child and a response.");
}

static void segment__number_and_risk_compounds_kept(void **state)
{
	(void)state;
	/* the typesetter splits words ("chal-lenging"), yet a spelled-out
	 * number before a word and "risk-" stay compounds; "ten-dency" joins */
	add("a very chal-", 1, LINE_BREAK_BEFORE);
	add("lenging week and challenging six-", 1, 0);
	add("week review of calls risk-", 1, 0);
	add("assessed with a ten-", 1, 0);
	add("dency to wait.", 1, 0);
	segment_lines(&t, &pl);
	assert_string_equal(pl.items[0].text, "a very challenging week and challenging "
			    "six-week review of calls risk-assessed with a tendency to wait.");
}

static void segment__no_typesetter_hyphenation_keeps_hyphens(void **state)
{
	(void)state;
	/* nothing shows word splitting: a line-end hyphen is a real one */
	add("the protocol for re-", 1, LINE_BREAK_BEFORE);
	add("housing families", 1, 0);
	segment_lines(&t, &pl);
	assert_string_equal(pl.items[0].text, "the protocol for re-housing families");
}

/* No evidence in the document: the word list joins what it lists and keeps
 * compounds it lists hyphenated or does not list joined. */
static void segment__word_list_decides_without_evidence(void **state)
{
	(void)state;
	if (wordlist_load(NULL))
		skip(); /* no /usr/share/dict/british-english */
	add("the pri-", 1, LINE_BREAK_BEFORE);
	add("mary school noted poor atten-", 1, 0);
	add("dance and the well-", 1, 0);
	add("being of the child; the protocol for re-", 1, 0);
	add("housing families", 1, 0);
	segment_lines(&t, &pl);
	assert_string_equal(pl.items[0].text, "the primary school noted poor attendance "
			    "and the well-being of the child; the protocol for "
			    "re-housing families");
}

static void segment__headings_items_and_sections(void **state)
{
	(void)state;
	add("Key learning", 1, LINE_BREAK_BEFORE | LINE_HEADING | LINE_PAGE_START);
	add("for practitioners", 1, LINE_HEADING);
	add("Practitioners should ask.", 1, LINE_BREAK_BEFORE);
	add("\xe2\x80\xa2 Share information", 1, LINE_BREAK_BEFORE | LINE_ITEM);
	add("early and often.", 1, LINE_INDENT);
	add("\xe2\x80\xa2 Escalate concerns.", 1, LINE_ITEM);
	add("Recommendations", 1, LINE_BREAK_BEFORE | LINE_HEADING);
	add("The board should act.", 1, LINE_BREAK_BEFORE);
	segment_lines(&t, &pl);
	assert_int_equal(pl.nr, 6);
	assert_int_equal(pl.items[0].kind, PASSAGE_HEADING);
	assert_string_equal(pl.items[0].text, "Key learning for practitioners");
	assert_string_equal(pl.items[1].section, "Key learning for practitioners");
	assert_int_equal(pl.items[2].kind, PASSAGE_ITEM);
	/* the bullet glyph goes (the kind says it is an item) */
	assert_string_equal(pl.items[2].text, "Share information early and often.");
	assert_int_equal(pl.items[3].kind, PASSAGE_ITEM);
	assert_string_equal(pl.items[3].text, "Escalate concerns.");
	assert_string_equal(pl.items[4].text, "Recommendations");
	assert_string_equal(pl.items[5].section, "Recommendations");
	assert_string_equal(pl.items[5].text, "The board should act.");
}

static void segment__paragraph_continues_across_pages(void **state)
{
	(void)state;
	add("The health visitor did not", 1, LINE_BREAK_BEFORE | LINE_PAGE_START);
	add("know about the", 1, 0);
	add("previous referral.", 2, LINE_PAGE_START);
	add("A new paragraph starts here.", 2, 0);
	add("It ends.", 3, LINE_PAGE_START);
	add("Heading", 4, LINE_PAGE_START | LINE_HEADING | LINE_BREAK_BEFORE);
	segment_lines(&t, &pl);
	assert_int_equal(pl.nr, 3);
	assert_string_equal(pl.items[0].text, "The health visitor did not know about "
			    "the previous referral. A new paragraph starts here.");
	assert_int_equal(pl.items[0].page, 1);
	assert_string_equal(pl.items[1].text, "It ends.");
	assert_int_equal(pl.items[1].page, 3);
	assert_int_equal(pl.items[2].kind, PASSAGE_HEADING);
}

static void segment__page_break_after_sentence_starts_new_passage(void **state)
{
	(void)state;
	add("The first page ends a sentence.", 1, LINE_BREAK_BEFORE | LINE_PAGE_START);
	add("The second page starts anew", 2, LINE_PAGE_START);
	add("\xe2\x80\xa2 an item", 2, LINE_ITEM);
	segment_lines(&t, &pl);
	assert_int_equal(pl.nr, 3);
	assert_int_equal(pl.items[1].page, 2);
	assert_int_equal(pl.items[2].kind, PASSAGE_ITEM);
}

/* "e.g." ends a line like a sentence; a lower-case start says it goes on. */
static void segment__lower_case_page_start_continues_after_period(void **state)
{
	(void)state;
	add("Agencies shared records, e.g.", 1, LINE_BREAK_BEFORE | LINE_PAGE_START);
	add("health visits and school reports.", 2, LINE_PAGE_START);
	segment_lines(&t, &pl);
	assert_int_equal(pl.nr, 1);
	assert_string_equal(pl.items[0].text,
			    "Agencies shared records, e.g. health visits and school reports.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(segment__lines_joined_into_paragraphs, setup, teardown),
		cmocka_unit_test_setup_teardown(segment__broken_word_rejoined, setup, teardown),
		cmocka_unit_test_setup_teardown(segment__compound_hyphen_kept_with_evidence, setup, teardown),
		cmocka_unit_test_setup_teardown(segment__typesetter_hyphenation_detected, setup, teardown),
		cmocka_unit_test_setup_teardown(segment__number_and_risk_compounds_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(segment__no_typesetter_hyphenation_keeps_hyphens, setup, teardown),
		cmocka_unit_test_setup_teardown(segment__word_list_decides_without_evidence, setup, teardown),
		cmocka_unit_test_setup_teardown(segment__headings_items_and_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(segment__paragraph_continues_across_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(segment__page_break_after_sentence_starts_new_passage, setup, teardown),
		cmocka_unit_test_setup_teardown(segment__lower_case_page_start_continues_after_period, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
