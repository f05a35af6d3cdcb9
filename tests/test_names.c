/*
 * names.c: which words are names of people (capitalised mid-sentence, not
 * in the dictionary), so theme keyness can leave them out.
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
#include "util.h"
#include "names.h"
#include "banned.h"

static char dict_path[64];

static int setup(void **state)
{
	int fd;
	FILE *f;

	(void)state;
	snprintf(dict_path, sizeof(dict_path), "/tmp/test_names.XXXXXX");
	fd = mkstemp(dict_path);
	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	/* "Noah" is in the list capitalised only, as in the system list */
	fputs("Noah\nschool\nsaid\nsocial\ncare\nwas\nseen\nby\nmother\nwork\nteam\n", f);
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(dict_path);
	return 0;
}

static void names__capitalised_mid_sentence_and_not_a_word(void **state)
{
	struct name_counter *nc = names_new(dict_path);

	(void)state;
	names_add_passage(nc, "The school said Noah was seen by Children's Social Care.", 0);
	names_add_passage(nc, "Noah's mother told the CAMHS team. Later Noah was seen.", 0);
	names_add_passage(nc, "Two GPs saw Noah at the surgery.", 0);
	assert_true(names_is_name(nc, "noah"));
	/* in the dictionary in lower case: a word, however it is written */
	assert_false(names_is_name(nc, "social"));
	assert_false(names_is_name(nc, "care"));
	/* upper case is an acronym, not a name */
	assert_false(names_is_name(nc, "camhs"));
	assert_false(names_is_name(nc, "gps"));
	/* first word of a sentence says nothing */
	assert_false(names_is_name(nc, "later"));
	assert_false(names_is_name(nc, "two"));
	names_free(nc);
}

static void names__lower_case_uses_count_against(void **state)
{
	struct name_counter *nc = names_new(dict_path);

	(void)state;
	/* "Hope" as a name once, "hope" as a word four times */
	names_add_passage(nc, "We met Hope at home and saw hope, hope, hope and hope.", 0);
	assert_false(names_is_name(nc, "hope"));
	/* headings are in title case: they do not count */
	names_add_passage(nc, "Working With Fathers", 1);
	assert_false(names_is_name(nc, "fathers"));
	names_free(nc);
}

static void names__without_a_dictionary(void **state)
{
	struct name_counter *nc = names_new("/nonexistent/words");

	(void)state;
	names_add_passage(nc, "The visit to Isabel was cancelled.", 0);
	assert_true(names_is_name(nc, "isabel"));
	assert_false(names_is_name(nc, "visit"));
	names_free(nc);
}

/* A document's share, added again to another counter, counts the same. */
static void names__document_share_adds_up(void **state)
{
	struct name_counter *a = names_new(dict_path), *b = names_new(dict_path);
	const struct names_share *sh;
	size_t n, i;

	(void)state;
	names_doc_begin(a);
	names_add_passage(a, "The school said Noah was seen.", 0);
	names_add_passage(a, "Later Noah met Isabel and Noah.", 0);
	n = names_doc_end(a, &sh);
	assert_true(n > 0);
	for (i = 0; i < n; i++) {
		if (i)
			assert_true(sh[i - 1].id < sh[i].id);
		if (!strcmp(names_word(a, sh[i].id), "noah")) {
			assert_int_equal(sh[i].mid, 3);
			assert_int_equal(sh[i].cap, 3);
		}
		names_add_share(b, names_word_id(b, names_word(a, sh[i].id)), sh[i].mid,
				sh[i].cap);
	}
	/* a second document's share holds its own counts alone */
	names_doc_begin(a);
	names_add_passage(a, "We saw noah at home.", 0);
	n = names_doc_end(a, &sh);
	for (i = 0; i < n; i++)
		if (!strcmp(names_word(a, sh[i].id), "noah")) {
			assert_int_equal(sh[i].mid, 1);
			assert_int_equal(sh[i].cap, 0);
		}
	assert_true(names_is_name(b, "noah"));
	assert_true(names_is_name(b, "isabel"));
	assert_false(names_is_name(b, "school"));
	names_free(a);
	names_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names__capitalised_mid_sentence_and_not_a_word),
		cmocka_unit_test(names__lower_case_uses_count_against),
		cmocka_unit_test(names__without_a_dictionary),
		cmocka_unit_test(names__document_share_adds_up),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
