/*
 * The classifier's word table (lexicon.h): open addressing with linear
 * probing, entries from slabs, start lists from chunks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "lexicon.h"
#include "banned.h"

#define LEXICON_INITIAL 1024
#define LEX_SLAB 1024
#define START_CHUNK 8192

void lexicon_init(struct lexicon *x)
{
	memset(x, 0, sizeof(*x));
	x->size = LEXICON_INITIAL;
	x->slots = xcalloc(x->size, sizeof(*x->slots));
	x->hashes = xcalloc(x->size, sizeof(*x->hashes));
}

struct lex *lexicon_new_entry(struct lexicon *x)
{
	if (!x->nr_slabs || x->slab_used == LEX_SLAB) {
		x->slabs = xrealloc(x->slabs, (x->nr_slabs + 1) * sizeof(*x->slabs));
		x->slabs[x->nr_slabs++] = xcalloc(LEX_SLAB, sizeof(struct lex));
		x->slab_used = 0;
	}
	return &x->slabs[x->nr_slabs - 1][x->slab_used++];
}

struct lex_start *lexicon_starts(struct lexicon *x, size_t n)
{
	struct lex_start *r;

	if (!n)
		return NULL;
	if (!x->nr_chunks || x->chunk_used + n > x->chunk_size) {
		x->chunk_size = n > START_CHUNK ? n : START_CHUNK;
		x->chunks = xrealloc(x->chunks, (x->nr_chunks + 1) * sizeof(*x->chunks));
		x->chunks[x->nr_chunks++] = xmalloc(x->chunk_size * sizeof(struct lex_start));
		x->chunk_used = 0;
	}
	r = x->chunks[x->nr_chunks - 1] + x->chunk_used;
	x->chunk_used += n;
	return r;
}

void lexicon_free(struct lexicon *x)
{
	size_t i;

	for (i = 0; i < x->nr_slabs; i++)
		free(x->slabs[i]);
	for (i = 0; i < x->nr_chunks; i++)
		free(x->chunks[i]);
	free(x->chunks);
	free(x->slabs);
	free(x->slots);
	free(x->hashes);
}

void lexicon_clear(struct lexicon *x)
{
	lexicon_free(x);
	lexicon_init(x);
}

void lexicon_put(struct lexicon *x, struct lex *l)
{
	size_t i, mask;

	if (2 * (x->used + 1) > x->size) {
		struct lex **old = x->slots;
		uint64_t *old_h = x->hashes;
		size_t n = x->size, k;

		x->size *= 2;
		x->slots = xcalloc(x->size, sizeof(*x->slots));
		x->hashes = xcalloc(x->size, sizeof(*x->hashes));
		x->used = 0;
		for (k = 0; k < n; k++)
			if (old[k])
				lexicon_put(x, old[k]);
		free(old);
		free(old_h);
	}
	mask = x->size - 1;
	for (i = l->hash & mask; x->slots[i]; i = (i + 1) & mask)
		;
	x->slots[i] = l;
	x->hashes[i] = l->hash;
	x->used++;
}
