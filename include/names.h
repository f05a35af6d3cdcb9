#ifndef NAMES_H
#define NAMES_H

/*
 * Name-like words: words that are names of people (or places) rather than
 * vocabulary, so theme keyness is not led by the children's names of a few
 * reviews. A word is name-like when, in the passages seen, it is written
 * capitalised (an upper-case letter then a lower-case one: "Noah", not "CAMHS" or "GPs")
 * in at least 90% of its mid-sentence occurrences (not first in the
 * passage, not after . ! ? ; or :, not in a heading), at least once, and its
 * lower-case form is not in the dictionary word list (a stopword never
 * reaches the vocabulary). A caller-owned counter fed passage by passage.
 */

#include <stddef.h>

struct name_counter;

/* dict_path: a word list, one word a line (NULL or unreadable: no
 * dictionary check, capitalisation alone decides). */
struct name_counter *names_new(const char *dict_path);
void names_free(struct name_counter *nc);
/* Counts the words of one passage's text. */
void names_add_passage(struct name_counter *nc, const char *text, int heading);
/* Whether the case-folded word is name-like by the passages counted. */
int names_is_name(const struct name_counter *nc, const char *word);

/*
 * A document's share of the counts, so a later run can add it again
 * without its text. names_doc_begin() starts a document; names_doc_end()
 * gives the words counted since (by names_add_passage or names_add_share),
 * by ascending id, valid until the next call on nc. Ids number the words
 * in order of first sight.
 */
struct names_share {
	unsigned id;
	unsigned long mid, cap;
};

void names_doc_begin(struct name_counter *nc);
size_t names_doc_end(struct name_counter *nc, const struct names_share **share);
/* The id of word (counted from now on, with no occurrences yet). */
unsigned names_word_id(struct name_counter *nc, const char *word);
size_t names_nr_words(const struct name_counter *nc);
const char *names_word(const struct name_counter *nc, unsigned id);
void names_add_share(struct name_counter *nc, unsigned id, unsigned long mid,
		     unsigned long cap);

/* The default word list (/usr/share/dict/british-english). */
#define NAMES_DICT_DEFAULT "/usr/share/dict/british-english"

#endif
