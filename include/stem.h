#ifndef STEM_H
#define STEM_H

/*
 * Snowball stemming (libstemmer, English "Porter2" by default) with a
 * memo of word -> stem: review text repeats a small vocabulary, so most
 * words are stemmed once per worker. A stemmer is caller-owned, not shared
 * between threads; the stems it returns stay valid until stemmer_free().
 */

#include <stddef.h>

struct stemmer;

/* NULL language means "english". Returns NULL if libstemmer lacks it. */
struct stemmer *stemmer_new(const char *language);
void stemmer_free(struct stemmer *s);
/* The stem of a NUL-terminated, case-folded word (memoised). */
const char *stemmer_stem(struct stemmer *s, const char *word, size_t len);
/* Stems without the memo into buf (size bytes); returns the length. For
 * benchmarks and tests that measure libstemmer itself. */
size_t stemmer_stem_uncached(struct stemmer *s, const char *word, size_t len,
			     char *buf, size_t size);
/* The canonical copy of str: equal strings interned by one stemmer are the
 * same pointer (its stems are interned too), so they compare with ==.
 * Valid until stemmer_free(). */
const char *stemmer_intern(struct stemmer *s, const char *str);
/* Distinct words memoised so far. */
size_t stemmer_cache_size(const struct stemmer *s);

#endif
