/*
 * Stemming through libstemmer (Snowball; the English algorithm is Porter2,
 * Porter 2001, "Snowball: A language for stemming algorithms"). This is the
 * only file that sees libstemmer.
 *
 * A GHashTable memoises word -> stem. A Snowball stem costs a few hundred
 * nanoseconds; a hash hit costs tens, and review text draws most of its
 * tokens from a few thousand words, so the memo makes stemming several times
 * faster. The memo is bounded so a pathological input cannot grow it without
 * limit: past the bound new words are stemmed each time, still correctly.
 */
#include <string.h>
#include <glib.h>
#include <libstemmer.h>
#include "util.h"
#include "stem.h"
#include "banned.h"

#define STEM_CACHE_MAX (1u << 20)

struct stemmer {
	struct sb_stemmer *sb;
	GHashTable *memo; /* word -> stem, both owned */
	GStringChunk *strings;
	char scratch[256];
};

struct stemmer *stemmer_new(const char *language)
{
	struct stemmer *s;
	struct sb_stemmer *sb = sb_stemmer_new(language ? language : "english", "UTF_8");

	if (!sb)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->sb = sb;
	s->memo = g_hash_table_new(g_str_hash, g_str_equal);
	s->strings = g_string_chunk_new(64 * 1024);
	return s;
}

void stemmer_free(struct stemmer *s)
{
	if (!s)
		return;
	sb_stemmer_delete(s->sb);
	g_hash_table_unref(s->memo); /* not destroy: it clears the table first */
	g_string_chunk_free(s->strings);
	free(s);
}

size_t stemmer_stem_uncached(struct stemmer *s, const char *word, size_t len,
			     char *buf, size_t size)
{
	const sb_symbol *r = sb_stemmer_stem(s->sb, (const sb_symbol *)word, (int)len);
	size_t n;

	if (!r) /* libstemmer's own allocation failed */
		BUG("libstemmer: out of memory");
	n = (size_t)sb_stemmer_length(s->sb);
	if (n >= size)
		n = size - 1;
	memcpy(buf, r, n);
	buf[n] = '\0';
	return n;
}

const char *stemmer_stem(struct stemmer *s, const char *word, size_t len)
{
	const char *stem = g_hash_table_lookup(s->memo, word);
	char *key;

	if (stem)
		return stem;
	/* Very long "words" (runs of letters from broken extraction) are
	 * their own stem: Snowball would not shorten them usefully. */
	if (len >= sizeof(s->scratch) - 1)
		return g_string_chunk_insert_const(s->strings, word);
	stemmer_stem_uncached(s, word, len, s->scratch, sizeof(s->scratch));
	stem = g_string_chunk_insert_const(s->strings, s->scratch);
	if (g_hash_table_size(s->memo) < STEM_CACHE_MAX) {
		key = g_string_chunk_insert_len(s->strings, word, len);
		g_hash_table_insert(s->memo, key, (gpointer)stem);
	}
	return stem;
}

const char *stemmer_intern(struct stemmer *s, const char *str)
{
	return g_string_chunk_insert_const(s->strings, str);
}

size_t stemmer_cache_size(const struct stemmer *s)
{
	return g_hash_table_size(s->memo);
}
