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

/* The default word list (/usr/share/dict/british-english). */
#define NAMES_DICT_DEFAULT "/usr/share/dict/british-english"

#endif
