#ifndef LEXICON_H
#define LEXICON_H

/*
 * The classifier's lexicon: one entry per distinct word seen, found by the
 * word's bytes. It is the one lookup every token pays, so it is an
 * open-addressing table (linear probing on lexicon_hash(), at most half
 * full) that compares stored hashes and lengths before bytes: about twice
 * as fast here as a GHashTable of strings.
 *
 * A struct lexicon owns its table, its entries (allocated from slabs, so
 * the frequent, early words sit together) and their start lists (from
 * chunks of their own, for the same reason). Entries keep their address
 * until lexicon_clear() or lexicon_free(), which free them all at once.
 * An entry's word and stem are borrowed (classify.c points them at the
 * stemmer's interned strings); what an entry says (stem, stopword and
 * negation flags, the patterns that can start at it) is classify.c's to
 * fill and to mean. Never prints, never exits (but on running out of
 * memory, as util.h's allocators do); not for use from several threads.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* A codebook pattern that can start at a word, with what a hit needs, so
 * the common one-word pattern never touches the pattern table. */
struct lex_start {
	unsigned pattern, rule;
	int owner;
	unsigned char kind, single, check_word;
	double weight;
	const char *second; /* the second element's stem when it is a plain stem:
			     * a pointer test rejects most phrases at once */
};

/* One word. lexicon_new_entry() returns it zeroed; the caller sets at
 * least hash, word and word_len before lexicon_put(). */
struct lex {
	uint64_t hash;       /* lexicon_hash(word, word_len) */
	const char *word, *stem;
	size_t word_len, stem_len;
	int stop;
	struct lex_start *starts; /* unanchored first, then anchored ones */
	size_t nr_starts, nr_free;
	uint64_t stem8;      /* the stem's first 8 bytes, big-endian: a quick order */
	unsigned char neg;   /* negation cue or bridge word (classify.c) */
	signed char marker;  /* index in classify.c's marker words, or -1 */
	unsigned long stamp; /* the passage that last counted it */
	unsigned count;      /* its count in that passage */
};

struct lexicon {
	struct lex **slots;
	uint64_t *hashes; /* beside the slots: a probe reads no entry it rejects */
	size_t size, used; /* size is a power of two; used: entries in the table */
	struct lex **slabs;
	size_t nr_slabs, slab_used;
	struct lex_start **chunks;
	size_t nr_chunks, chunk_used, chunk_size;
};

void lexicon_init(struct lexicon *x);
/* Frees the table, every entry and every start list. */
void lexicon_free(struct lexicon *x);
/* Forgets every word: lexicon_free() then lexicon_init(). */
void lexicon_clear(struct lexicon *x);
/* A zeroed entry, not yet in the table (lexicon_put() adds it). */
struct lex *lexicon_new_entry(struct lexicon *x);
/* Room for n start records (NULL when n is 0), freed with the lexicon. */
struct lex_start *lexicon_starts(struct lexicon *x, size_t n);
/* Adds l, whose word is not in the table yet; grows the table to stay at
 * most half full. */
void lexicon_put(struct lexicon *x, struct lex *l);

/* A word hash eight bytes at a time (the multiply-xorshift mix of
 * splitmix64, Steele et al. 2014): words are short, so this is one or two
 * rounds where a byte-wise hash takes a dozen. Inline, as lexicon_find():
 * they are on every token's path. */
static inline uint64_t lexicon_hash(const char *s, size_t len)
{
	uint64_t h = len * 0x9E3779B97F4A7C15ull, w;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ull;
		h ^= h >> 31;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, s + i, len - i);
		h = (h ^ w) * 0x94D049BB133111EBull;
		h ^= h >> 29;
	}
	h = (h ^ (h >> 32)) * 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 29);
}

/* The entry of word[0..len) whose hash is h (lexicon_hash()), or NULL. */
static inline struct lex *lexicon_find(const struct lexicon *x, uint64_t h,
				       const char *word, size_t len)
{
	size_t mask = x->size - 1, i;
	struct lex *l;

	for (i = h & mask; (l = x->slots[i]); i = (i + 1) & mask)
		if (x->hashes[i] == h && l->word_len == len && !memcmp(l->word, word, len))
			return l;
	return NULL;
}

#endif
