/*
 * The reduced corpus: its release, and the document-level rule that turns
 * passage labels into "document d features theme t" (analyze.h).
 */

#include <stdlib.h>
#include <string.h>
#include "util.h"
#include "corpus.h"
#include "banned.h"

void corpus_passage_alloc(struct corpus_passage *p, size_t max_terms, size_t nr_themes)
{
	unsigned *b;

	if (!max_terms && !nr_themes) {
		p->term_ids = p->term_counts = NULL;
		p->themes = NULL;
		return;
	}
	b = xcalloc(2 * max_terms + nr_themes, sizeof(unsigned));
	p->term_ids = b;
	p->term_counts = max_terms ? b + max_terms : NULL;
	p->themes = nr_themes ? (int *)(b + 2 * max_terms) : NULL;
}

void corpus_release(struct corpus *c)
{
	size_t i;

	for (i = 0; i < c->nr_themes; i++) {
		free(c->theme_ids[i]);
		if (c->theme_labels)
			free(c->theme_labels[i]);
		if (c->theme_groups)
			free(c->theme_groups[i]);
	}
	free(c->theme_ids);
	free(c->theme_labels);
	free(c->theme_groups);
	for (i = 0; i < c->nr_docs; i++) {
		struct corpus_doc *d = &c->docs[i];

		free(d->doc_id);
		free(d->path);
		free(d->format);
		free(d->sha256);
		free(d->status);
		free(d->message);
	}
	free(c->docs);
	for (i = 0; i < c->nr_passages; i++) {
		struct corpus_passage *p = &c->passages[i];

		free(p->term_ids); /* the block of counts and themes too */
	}
	free(c->passages);
	for (i = 0; i < c->nr_terms; i++) {
		free(c->terms[i].term);
		free(c->terms[i].surface);
	}
	free(c->terms);
	memset(c, 0, sizeof(*c));
}

/* 1 when passage p is coded to theme t (themes are ascending). */
static int passage_has(const struct corpus_passage *p, size_t t)
{
	size_t lo = 0, hi = p->nr_themes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if ((size_t)p->themes[mid] == t)
			return 1;
		if ((size_t)p->themes[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int corpus_doc_features(const struct corpus *c, size_t d, size_t t)
{
	const struct corpus_doc *doc = &c->docs[d];
	unsigned lr = 0, any = 0;
	size_t i;

	if (doc->status && !strcmp(doc->status, "error"))
		return 0;
	for (i = doc->first_passage; i < doc->first_passage + doc->nr_passages; i++) {
		const struct corpus_passage *p = &c->passages[i];

		if (!passage_has(p, t))
			continue;
		any++;
		if (p->type == TYPE_LEARNING || p->type == TYPE_RECOMMENDATION)
			lr++;
		if ((c->min_lr && lr >= c->min_lr) || (c->min_any && any >= c->min_any))
			return 1;
	}
	return 0;
}
