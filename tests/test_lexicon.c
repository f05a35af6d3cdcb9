/* The classifier's word table (lexicon.c): finding words by their bytes
 * through growth, collisions and clearing; entries that keep their address;
 * start lists from chunks. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "util.h"
#include "lexicon.h"

#define NR_WORDS 5000 /* several doublings from 1024 slots, several slabs */

static char words[NR_WORDS][16];

static struct lex *add(struct lexicon *x, const char *w, uint64_t hash)
{
	struct lex *l = lexicon_new_entry(x);

	l->hash = hash;
	l->word = w;
	l->word_len = strlen(w);
	lexicon_put(x, l);
	return l;
}

static struct lex *find(const struct lexicon *x, const char *w)
{
	return lexicon_find(x, lexicon_hash(w, strlen(w)), w, strlen(w));
}

static void lexicon__hash_is_of_the_bytes_and_length(void **state)
{
	const char long1[] = "safeguardingpartnership", long2[] = "safeguardingpartnershiP";

	(void)state;
	assert_true(lexicon_hash("neglect", 7) == lexicon_hash("neglect", 7));
	assert_true(lexicon_hash("neglect", 7) != lexicon_hash("neglecT", 7));
	/* a prefix, and the same bytes with a NUL more, hash apart */
	assert_true(lexicon_hash("neglect", 7) != lexicon_hash("neglect", 6));
	assert_true(lexicon_hash("a\0", 2) != lexicon_hash("a", 1));
	/* words longer than one 8-byte round: the last bytes count */
	assert_true(lexicon_hash(long1, strlen(long1)) != lexicon_hash(long2, strlen(long2)));
	assert_true(lexicon_hash("", 0) == lexicon_hash("", 0));
}

static void lexicon__finds_every_word_through_growth(void **state)
{
	struct lexicon x;
	struct lex *first[NR_WORDS];
	size_t i;

	(void)state;
	lexicon_init(&x);
	assert_int_equal(x.used, 0);
	assert_null(find(&x, "plan"));
	for (i = 0; i < NR_WORDS; i++) {
		snprintf(words[i], sizeof(words[i]), "w%zu", i * 7919);
		first[i] = add(&x, words[i], lexicon_hash(words[i], strlen(words[i])));
		/* at most half full, a power of two */
		assert_true(2 * x.used <= x.size);
		assert_int_equal(x.size & (x.size - 1), 0);
	}
	assert_int_equal(x.used, NR_WORDS);
	assert_true(x.nr_slabs > 1);
	/* every word found, at the address it was given (growth moves slots,
	 * never entries) */
	for (i = 0; i < NR_WORDS; i++) {
		struct lex *l = find(&x, words[i]);

		assert_ptr_equal(l, first[i]);
		assert_string_equal(l->word, words[i]);
	}
	/* words not added: absent, also a prefix and an extension of one */
	assert_null(find(&x, "plan"));
	assert_null(find(&x, "w7919x"));
	assert_null(find(&x, "w791"));
	lexicon_free(&x);
}

static void lexicon__same_hash_told_apart_by_bytes_and_length(void **state)
{
	struct lexicon x;
	struct lex *a, *b, *c;

	(void)state;
	lexicon_init(&x);
	/* three words forced onto one hash: probing goes past the others */
	a = add(&x, "abuse", 42);
	b = add(&x, "abusE", 42);
	c = add(&x, "abuses", 42);
	assert_ptr_equal(lexicon_find(&x, 42, "abuse", 5), a);
	assert_ptr_equal(lexicon_find(&x, 42, "abusE", 5), b);
	assert_ptr_equal(lexicon_find(&x, 42, "abuses", 6), c);
	assert_null(lexicon_find(&x, 42, "abusa", 5));
	assert_null(lexicon_find(&x, 42, "abus", 4));
	/* the right bytes under another hash are not found */
	assert_null(lexicon_find(&x, 43, "abuse", 5));
	lexicon_free(&x);
}

static void lexicon__new_entries_are_zeroed(void **state)
{
	struct lexicon x;
	struct lex zero, *l;
	size_t i;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	lexicon_init(&x);
	for (i = 0; i < 3000; i++) {
		l = lexicon_new_entry(&x);
		assert_memory_equal(l, &zero, sizeof(zero));
		l->stamp = 1;
	}
	/* not in the table until put */
	assert_int_equal(x.used, 0);
	lexicon_free(&x);
}

static void lexicon__start_lists_from_chunks(void **state)
{
	struct lexicon x;
	struct lex_start *a, *b, *big, *after;
	size_t i;

	(void)state;
	lexicon_init(&x);
	assert_null(lexicon_starts(&x, 0));
	a = lexicon_starts(&x, 3);
	b = lexicon_starts(&x, 5);
	/* small lists sit one after another in one chunk */
	assert_ptr_equal(b, a + 3);
	/* a list larger than a chunk gets a chunk of its own size */
	big = lexicon_starts(&x, 20000);
	assert_non_null(big);
	for (i = 0; i < 20000; i++)
		big[i].pattern = (unsigned)i;
	after = lexicon_starts(&x, 1);
	assert_non_null(after);
	after->rule = 7;
	/* earlier lists are untouched by later ones */
	for (i = 0; i < 3; i++)
		a[i].weight = 1.5;
	for (i = 0; i < 5; i++)
		b[i].weight = 2.5;
	assert_true(a[2].weight == 1.5 && b[0].weight == 2.5);
	assert_int_equal(big[19999].pattern, 19999);
	lexicon_free(&x);
}

static void lexicon__clear_forgets_every_word(void **state)
{
	struct lexicon x;

	(void)state;
	lexicon_init(&x);
	add(&x, "child", lexicon_hash("child", 5));
	add(&x, "protection", lexicon_hash("protection", 10));
	assert_non_null(lexicon_starts(&x, 2));
	assert_non_null(find(&x, "child"));
	lexicon_clear(&x);
	assert_int_equal(x.used, 0);
	assert_int_equal(x.nr_slabs, 0);
	assert_int_equal(x.nr_chunks, 0);
	assert_null(find(&x, "child"));
	assert_null(find(&x, "protection"));
	/* and works again afterwards */
	add(&x, "child", lexicon_hash("child", 5));
	assert_non_null(find(&x, "child"));
	lexicon_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lexicon__hash_is_of_the_bytes_and_length),
		cmocka_unit_test(lexicon__finds_every_word_through_growth),
		cmocka_unit_test(lexicon__same_hash_told_apart_by_bytes_and_length),
		cmocka_unit_test(lexicon__new_entries_are_zeroed),
		cmocka_unit_test(lexicon__start_lists_from_chunks),
		cmocka_unit_test(lexicon__clear_forgets_every_word),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
