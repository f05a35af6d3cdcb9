/*
 * Classifying one passage against a compiled codebook.
 *
 * Every distinct word gets a lexicon entry the first time it is seen: its
 * stem, whether it is a stopword, and the codebook patterns that can start
 * at it (codebook_starts). After that a token costs one lookup in the
 * lexicon (lexicon.h: a word table tuned for this), and
 * only the patterns starting at it are extended along the following tokens
 * (never across sentence or clause punctuation). A hyphenated compound
 * offers two paths, its joined form and its parts, and extension tries both.
 *
 * Themes are scored as in a dictionary-based content analysis with weighted
 * rules (Krippendorff, "Content Analysis", ch. 11): each rule (a pattern as
 * written) counts once per passage with its weight, each word is evidence
 * for one rule of a theme (the strongest that matched it), matches
 * overlapping one of the theme's `exclude` patterns do not count, and the
 * theme applies when the sum reaches its threshold. A strong phrase ("child protection
 * plan") reaches a threshold alone; a weak word ("plan") needs company.
 * The evidence of a label lists each rule that counted and the words it
 * matched, so every label can be checked by reading it.
 */
#include <stdint.h>
#include <string.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "tokenize.h"
#include "stem.h"
#include "codebook.h"
#include "classify.h"
#include "lexicon.h"
#include "banned.h"

#define LEXICON_MAX (1u << 20)
#define LEAD_MAX_WORDS 6 /* "Recommendations for the partnership include:" */
#define HEADING_MAX_WORDS 12
#define CONTACT_MAX_WORDS 25

struct hit {
	uint64_t key; /* kind, owner and rule packed: the sort order */
	enum cb_kind kind;
	int owner;
	unsigned pattern, rule;
	double weight;
	size_t start, end; /* token range */
};

struct rule_hits {
	unsigned rule;
	double weight;
	size_t first, n; /* range in the sorted hits */
};

/* A word of a passage with its sort key beside it, so sorting compares
 * integers in one array instead of chasing lexicon entries. */
struct keyed {
	uint64_t key; /* the stem's first 8 bytes, big-endian */
	struct lex *l;
};

struct classifier {
	const struct codebook *cb;
	struct stemmer *st;
	struct lexicon lexicon; /* word -> struct lex */
	GHashTable *stop;    /* word set */
	GStringChunk *strings;
	struct tokenizer tok;
	struct lex **lx; /* per token of the current passage; NULL for URLs */
	size_t lx_alloc;
	struct hit *hits; /* sorted by kind, owner, rule, position */
	size_t nr_hits, alloc_hits;
	/* scratch for scoring, kept between passages */
	struct rule_hits *rh;
	size_t alloc_rh;
	struct hit *kept;
	size_t alloc_scratch;
	/* claim[t] == claim_stamp: token t is already evidence for a stronger
	 * rule of the owner being scored (a stamp per scoring, so no clearing) */
	unsigned *claim, *excl; /* excl: the same, for the owner's exclusions */
	size_t alloc_claim;
	unsigned claim_stamp;
	double *lead;   /* heading cue sums per clause start and type */
	size_t *seg_of; /* clause start of each token */
	size_t alloc_lead;
	struct keyed *distinct; /* words of the current passage, once each */
	size_t alloc_distinct;
	unsigned long passage; /* stamp of the current passage */
	/* every theme's rule score for the current passage, and the rules of
	 * positive weight that counted (for the learned layer) */
	double *scores;
	unsigned *counted;
	size_t nr_counted, alloc_counted;
	GString *ev; /* scratch: a label's evidence */
};

struct classifier *classifier_new(const struct codebook *cb, struct stemmer *st)
{
	struct classifier *c = xcalloc(1, sizeof(*c));

	c->cb = cb;
	c->st = st;
	lexicon_init(&c->lexicon);
	c->stop = g_hash_table_new(g_str_hash, g_str_equal);
	c->strings = g_string_chunk_new(64 * 1024);
	tokenizer_init(&c->tok);
	c->scores = xcalloc(cb->nr_themes ? cb->nr_themes : 1, sizeof(*c->scores));
	c->ev = g_string_sized_new(128);
	return c;
}

void classifier_free(struct classifier *c)
{
	if (!c)
		return;
	lexicon_free(&c->lexicon);
	g_hash_table_unref(c->stop); /* not destroy: it clears the table first */
	g_string_chunk_free(c->strings);
	tokenizer_release(&c->tok);
	free(c->lx);
	free(c->hits);
	free(c->rh);
	free(c->distinct);
	free(c->claim);
	free(c->excl);
	free(c->lead);
	free(c->seg_of);
	free(c->kept);
	free(c->scores);
	free(c->counted);
	g_string_free(c->ev, TRUE);
	free(c);
}

void classifier_add_stopwords(struct classifier *c, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;
	size_t i, n;

	/* Each line is tokenized like text, so "children's" in the list drops
	 * the same token as in a passage. */
	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		while (p < nl && g_ascii_isspace(*p))
			p++;
		if (p < nl && *p != '#') {
			const char *hash = memchr(p, '#', nl - p);

			n = tokenize(&c->tok, p, (hash ? hash : nl) - p);
			for (i = 0; i < n; i++)
				g_hash_table_add(c->stop, g_string_chunk_insert_const(
							   c->strings, c->tok.items[i].text));
		}
		p = nl + 1;
	}
	lexicon_clear(&c->lexicon); /* entries cache the stop flag */
}

int classifier_is_stopword(struct classifier *c, const char *word)
{
	return g_hash_table_contains(c->stop, word);
}

static uint64_t prefix_key(const char *s)
{
	uint64_t k = 0;
	int i;

	for (i = 0; i < 8; i++) {
		k = (k << 8) | (unsigned char)*s;
		if (*s)
			s++;
	}
	return k;
}

static void make_starts(struct classifier *c, struct lex *l, int number)
{
	unsigned *ids;
	size_t n = codebook_starts(c->cb, l->word, l->stem, number, &ids), k, pass;

	l->starts = lexicon_starts(&c->lexicon, n);
	l->nr_starts = 0;
	for (pass = 0; pass < 2; pass++) {
		for (k = 0; k < n; k++) {
			const struct cb_pattern *p = &c->cb->patterns[ids[k]];
			struct lex_start *st;

			if (p->anchored != (int)pass)
				continue;
			st = &l->starts[l->nr_starts++];
			st->pattern = ids[k];
			st->rule = p->rule;
			st->owner = p->owner;
			st->kind = (unsigned char)p->kind;
			st->single = p->nr_elems == 1;
			st->check_word = p->elems[0].kind == CB_ELEM_WORD;
			st->weight = p->weight;
			st->second = p->nr_elems > 1 && p->elems[1].kind == CB_ELEM_STEM ?
					     p->elems[1].s : NULL;
		}
		if (!pass)
			l->nr_free = l->nr_starts;
	}
	free(ids);
}

/*
 * Negation, after NegEx (Chapman et al., "A simple algorithm for
 * identifying negated findings and diseases in discharge summaries", J
 * Biomed Inform 34, 2001), narrowed for review prose: a match is negated
 * when a negation cue stands before it in the same clause with nothing
 * between them but a few "bridge" words. "No evidence of neglect", "was
 * not neglected", "no known history of domestic abuse" are negated; "did
 * not recognise neglect" is not (a verb between), because a review that
 * says so is about neglect. Only '!' patterns consult this.
 */
enum { NEG_CUE = 1, NEG_BRIDGE = 2 };
#define NEG_REACH 4 /* bridge words between cue and match, at most */

static const char *const neg_cues[] = {
	"no", "not", "never", "without", "nor", "neither", "none", "denied",
	"denies", "deny", "denying", "absence", "ruled", "unlikely",
	/* contractions, as the tokenizer folds them ("wasn't" -> "wasnt") */
	"wasnt", "werent", "isnt", "arent", "didnt", "dont", "doesnt", "hasnt",
	"havent", "hadnt", "cant", "couldnt", "wouldnt", "wont",
};
static const char *const neg_bridges[] = {
	"evidence", "indication", "indications", "sign", "signs", "suggestion",
	"history", "concern", "concerns", "known", "reported", "apparent",
	"obvious", "recorded", "of", "about", "any", "a", "an", "the", "been",
	"was", "were", "be", "is", "are", "further", "previous", "prior",
	"current", "out", "that", "there", "significant", "clear", "actual",
	"direct", "suspected", "specific", "physical", "such",
};

/* Marker words (the learned layer's function words: tense, modality,
 * address), at most 64, found once per distinct word. */
static const char *const markers[] = {
	"was", "were", "had", "has", "have", "is", "are", "should", "must",
	"will", "would", "could", "can", "may", "might", "need", "needs", "we",
	"our", "you", "your", "i", "they", "he", "she", "his", "her", "their",
	"it", "this", "these", "there", "not", "no", "did", "does", "been",
	"what", "how", "why", "when", "who", "ensure", "consider", "all", "also",
	"please", "any", "more",
};

size_t classifier_marker_words(const char *const **list)
{
	*list = markers;
	return ARRAY_SIZE(markers);
}

static signed char marker_of(const char *w)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(markers); i++)
		if (!strcmp(w, markers[i]))
			return (signed char)i;
	return -1;
}

static unsigned char neg_class(const char *w)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(neg_cues); i++)
		if (!strcmp(w, neg_cues[i]))
			return NEG_CUE;
	for (i = 0; i < ARRAY_SIZE(neg_bridges); i++)
		if (!strcmp(w, neg_bridges[i]))
			return NEG_BRIDGE;
	return 0;
}

/* Whether the match starting at token s stands in a negation's scope. */
static int negated(const struct classifier *c, size_t s)
{
	const struct token *tk = c->tok.items;
	size_t j = s, steps;

	for (steps = 0; steps <= NEG_REACH && j > 0; steps++) {
		if (tk[j].flags & TOKEN_BREAK)
			return 0;
		j--;
		if (!c->lx[j])
			return 0;
		if (c->lx[j]->neg == NEG_CUE)
			return 1;
		if (c->lx[j]->neg != NEG_BRIDGE && !(tk[j].flags & TOKEN_PART))
			return 0;
	}
	return 0;
}

static struct lex *lookup(struct classifier *c, const struct token *tk)
{
	uint64_t h = lexicon_hash(tk->text, tk->len);
	int number = tk->kind == TOKEN_NUMBER;
	struct lex *l = lexicon_find(&c->lexicon, h, tk->text, tk->len);

	if (l)
		return l;
	l = lexicon_new_entry(&c->lexicon);
	l->hash = h;
	l->word = stemmer_intern(c->st, tk->text);
	l->stem = number ? l->word : stemmer_stem(c->st, tk->text, tk->len);
	l->stop = g_hash_table_contains(c->stop, tk->text);
	l->neg = number ? 0 : neg_class(tk->text);
	l->marker = number ? -1 : marker_of(tk->text);
	make_starts(c, l, number);
	l->stem8 = prefix_key(l->stem);
	l->word_len = tk->len;
	l->stem_len = strlen(l->stem);
	lexicon_put(&c->lexicon, l);
	return l;
}

static int elem_at(struct classifier *c, const struct cb_elem *e, size_t j)
{
	const struct lex *l = c->lx[j];

	return l && cb_elem_matches(e, l->word, l->stem,
				    c->tok.items[j].kind == TOKEN_NUMBER);
}

static size_t next_pos(const struct token *tk, size_t j)
{
	return (tk[j].flags & TOKEN_JOINED) ? j + 1 + tk[j].parts : j + 1;
}

/* Matches elements k.. of p from token j on; returns the end token or 0. */
static size_t extend(struct classifier *c, const struct cb_pattern *p, size_t k,
		     size_t j)
{
	const struct token *tk = c->tok.items;
	size_t r;

	if (k == p->nr_elems)
		return j;
	if (j >= c->tok.nr || (tk[j].flags & TOKEN_BREAK))
		return 0;
	if (p->elems[k].kind == CB_ELEM_GAP) {
		unsigned g;

		if ((r = extend(c, p, k + 1, j)))
			return r;
		for (g = 0; g < p->elems[k].gap; g++) {
			j = next_pos(tk, j);
			if (j >= c->tok.nr || (tk[j].flags & TOKEN_BREAK))
				return 0;
			if ((r = extend(c, p, k + 1, j)))
				return r;
		}
		return 0;
	}
	if (tk[j].flags & TOKEN_JOINED) {
		if (elem_at(c, &p->elems[k], j) &&
		    (r = extend(c, p, k + 1, next_pos(tk, j))))
			return r;
		return extend(c, p, k, j + 1); /* try the parts */
	}
	return elem_at(c, &p->elems[k], j) ? extend(c, p, k + 1, j + 1) : 0;
}

/* First token that is not a list number or marker: where '^' anchors. */
static size_t first_word(const struct classifier *c)
{
	size_t i;

	for (i = 0; i < c->tok.nr; i++)
		if (c->tok.items[i].kind == TOKEN_WORD &&
		    !(c->tok.items[i].len == 1 && c->tok.items[i].flags & TOKEN_BREAK &&
		      i + 1 < c->tok.nr))
			return i;
	return 0;
}

static void find_hits(struct classifier *c)
{
	const struct codebook *cb = c->cb;
	size_t i, j, k, n, end, anchor = first_word(c);
	struct hit *h;

	c->nr_hits = 0;
	for (i = 0; i < c->tok.nr; i++) {
		const struct lex *l = c->lx[i];

		if (!l)
			continue;
		n = i == anchor ? l->nr_starts : l->nr_free;
		for (k = 0; k < n; k++) {
			const struct lex_start *st = &l->starts[k];

			/* the index is by stem; a word as written needs a look */
			if (st->check_word &&
			    !elem_at(c, &cb->patterns[st->pattern].elems[0], i))
				continue;
			j = next_pos(c->tok.items, i);
			if (st->second && j < c->tok.nr && c->lx[j] &&
			    !(c->tok.items[j].flags & TOKEN_JOINED) &&
			    c->lx[j]->stem != st->second)
				continue;
			end = st->single ? j : extend(c, &cb->patterns[st->pattern], 1, j);
			if (!end)
				continue;
			if (cb->has_affirmed && cb->patterns[st->pattern].affirmed &&
			    negated(c, i))
				continue;
			ALLOC_GROW(c->hits, c->nr_hits, c->alloc_hits);
			h = &c->hits[c->nr_hits++];
			h->key = (uint64_t)st->kind << 56 | (uint64_t)(unsigned)st->owner << 32 |
				 st->rule;
			h->kind = st->kind;
			h->owner = st->owner;
			h->weight = st->weight;
			h->pattern = st->pattern;
			h->rule = st->rule;
			h->start = i;
			h->end = end;
		}
	}
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* The hits of one kind and owner: a range of the sorted hits. */
static const struct hit *hit_range(const struct classifier *c, enum cb_kind kind,
				   int owner, size_t *nr)
{
	size_t i, j;

	for (i = 0; i < c->nr_hits; i++)
		if (c->hits[i].kind == kind && c->hits[i].owner == owner)
			break;
	for (j = i; j < c->nr_hits && c->hits[j].kind == kind &&
		    c->hits[j].owner == owner; j++)
		;
	*nr = j - i;
	return c->hits ? c->hits + i : NULL; /* no hits yet: NULL + 0 is UB */
}

/* The source words of a hit, with inner whitespace collapsed. */
static void append_words(const struct classifier *c, const struct hit *h, GString *s)
{
	const struct token *tk = c->tok.items;
	const char *a = tk[h->start].src;
	const char *b = tk[h->end - 1].src + tk[h->end - 1].src_len;
	int space = 0;

	for (; a < b; a++) {
		if (g_ascii_isspace(*a)) {
			space = 1;
			continue;
		}
		if (space)
			g_string_append_c(s, ' ');
		space = 0;
		g_string_append_c(s, *a >= 'A' && *a <= 'Z' ? *a + ('a' - 'A') : *a);
	}
}

/* Appends "rule -> words, words" (at most three spans) to ev. */
static void append_evidence(struct classifier *c, GString *ev, unsigned rule,
			    const struct hit *hits, size_t nr)
{
	size_t i;

	if (ev->len)
		g_string_append(ev, "; ");
	g_string_append(ev, c->cb->rules[rule].text);
	g_string_append(ev, " -> ");
	for (i = 0; i < nr && i < 3; i++) {
		if (i)
			g_string_append(ev, ", ");
		append_words(c, &hits[i], ev);
	}
}

static int cmp_rule_weight(const void *a, const void *b)
{
	const struct rule_hits *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Whether a token of h carries this stamp in marks. */
static int marked(const unsigned *marks, unsigned stamp, const struct hit *h)
{
	size_t t;

	for (t = h->start; t < h->end; t++)
		if (marks[t] == stamp)
			return 1;
	return 0;
}

/*
 * Sums the rules of the hits h[0..nr) (one kind and owner), each rule
 * once, strongest first; a rule counts only for words no stronger rule of
 * the same owner has already used, so "risk assessment" is one piece of
 * evidence, not three (risk assessment, assess*, risk). Hits overlapping
 * ex[0..nex) do not count. Negative rules always count. Appends each
 * counted rule's evidence to ev when ev is not NULL. Returns the sum and
 * sets *positive if a rule with a positive weight counted.
 */
static double score_rules(struct classifier *c, const struct hit *h, size_t nr,
			  const struct hit *ex, size_t nex, GString *ev,
			  int *positive)
{
	struct rule_hits *rh;
	size_t nr_rh = 0, i, j, k, nk;
	double sum = 0;

	if (!nr)
		return 0;
	if (nr > c->alloc_scratch) {
		c->alloc_scratch = nr * 2;
		c->kept = xrealloc(c->kept, c->alloc_scratch * sizeof(*c->kept));
		c->rh = xrealloc(c->rh, c->alloc_scratch * sizeof(*c->rh));
	}
	if (c->tok.nr > c->alloc_claim) {
		c->alloc_claim = c->tok.nr * 2;
		c->claim = xrealloc(c->claim, c->alloc_claim * sizeof(*c->claim));
		c->excl = xrealloc(c->excl, c->alloc_claim * sizeof(*c->excl));
		memset(c->claim, 0, c->alloc_claim * sizeof(*c->claim));
		memset(c->excl, 0, c->alloc_claim * sizeof(*c->excl));
		c->claim_stamp = 0;
	}
	if (++c->claim_stamp == 0) { /* wrapped: start afresh */
		memset(c->claim, 0, c->alloc_claim * sizeof(*c->claim));
		memset(c->excl, 0, c->alloc_claim * sizeof(*c->excl));
		c->claim_stamp = 1;
	}
	for (i = 0; i < nex; i++)
		for (k = ex[i].start; k < ex[i].end; k++)
			c->excl[k] = c->claim_stamp;
	rh = c->rh;
	for (i = 0; i < nr; i = j) {
		for (j = i; j < nr && h[j].rule == h[i].rule; j++)
			;
		rh[nr_rh].rule = h[i].rule;
		rh[nr_rh].weight = h[i].weight;
		rh[nr_rh].first = i;
		rh[nr_rh++].n = j - i;
	}
	for (i = 1; i < nr_rh; i++) { /* insertion sort: a handful of rules */
		struct rule_hits x = rh[i];

		for (j = i; j > 0 && cmp_rule_weight(&rh[j - 1], &x) > 0; j--)
			rh[j] = rh[j - 1];
		rh[j] = x;
	}
	for (i = 0; i < nr_rh; i++) {
		nk = 0;
		for (k = rh[i].first; k < rh[i].first + rh[i].n; k++) {
			if (nex && marked(c->excl, c->claim_stamp, &h[k]))
				continue;
			if (rh[i].weight > 0 && marked(c->claim, c->claim_stamp, &h[k]))
				continue;
			c->kept[nk++] = h[k];
		}
		if (!nk)
			continue;
		for (k = 0; k < nk && rh[i].weight > 0; k++) {
			size_t t;

			for (t = c->kept[k].start; t < c->kept[k].end; t++)
				c->claim[t] = c->claim_stamp;
		}
		sum += rh[i].weight;
		if (rh[i].weight > 0 && positive) {
			*positive = 1;
			ALLOC_GROW(c->counted, c->nr_counted, c->alloc_counted);
			c->counted[c->nr_counted++] = rh[i].rule;
		}
		if (ev)
			append_evidence(c, ev, rh[i].rule, c->kept, nk);
	}
	return sum;
}

static void label_themes(struct classifier *c, struct passage *p)
{
	const struct codebook *cb = c->cb;
	GString *ev = c->ev;
	size_t i, j, nex;

	memset(c->scores, 0, cb->nr_themes * sizeof(*c->scores));
	c->nr_counted = 0;
	for (i = 0; i < c->nr_hits && c->hits[i].kind == CB_MATCH; i = j) {
		int t = c->hits[i].owner, positive = 0;
		const struct hit *ex = hit_range(c, CB_EXCLUDE, t, &nex);
		double score;
		struct label *l;

		for (j = i; j < c->nr_hits && c->hits[j].kind == CB_MATCH &&
			    c->hits[j].owner == t; j++)
			;
		score = score_rules(c, c->hits + i, j - i, ex, nex, NULL, &positive);
		c->scores[t] = score;
		if (!positive || score < cb->themes[t].threshold)
			continue;
		/* evidence only for labels: most themes with a hit do not reach
		 * their threshold */
		g_string_truncate(ev, 0);
		score_rules(c, c->hits + i, j - i, ex, nex, ev, NULL);
		if (!p->labels) /* one allocation: at most a label per theme */
			p->labels = xmalloc(cb->nr_themes * sizeof(*p->labels));
		l = &p->labels[p->nr_labels++];
		l->theme = t;
		l->score = score;
		l->confidence = -1;
		l->evidence = xstrndup(ev->str, ev->len);
	}
}

static int cmp_lex_stem(const void *a, const void *b)
{
	const struct lex *x = *(struct lex *const *)a, *y = *(struct lex *const *)b;
	int r;

	if (x->stem == y->stem) /* stems are interned */
		return strcmp(x->word, y->word);
	if (x->stem8 != y->stem8)
		return x->stem8 < y->stem8 ? -1 : 1;
	r = strcmp(x->stem, y->stem);
	return r ? r : strcmp(x->word, y->word);
}

/*
 * Shell sort with Ciura's gaps (Ciura 2001, "Best increments for the
 * average case of Shellsort"): the arrays here usually hold tens to a few
 * hundred items, where an inlined comparison beats qsort's merge sort
 * through a function pointer; a huge passage goes to qsort.
 */
static const size_t gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
#define SHELL_MAX 2000 /* beyond the gaps' range: qsort */

static int cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return cmp_lex_stem(&x->l, &y->l);
}

static void sort_keyed(struct keyed *d, size_t n)
{
	size_t g, i, j;

	if (n > SHELL_MAX) {
		qsort(d, n, sizeof(*d), cmp_keyed);
		return;
	}
	for (g = 0; g < ARRAY_SIZE(gaps); g++) {
		size_t h = gaps[g];

		for (i = h; i < n; i++) {
			struct keyed x = d[i];

			for (j = i; j >= h && (d[j - h].key > x.key ||
					       (d[j - h].key == x.key &&
						cmp_lex_stem(&d[j - h].l, &x.l) > 0)); j -= h)
				d[j] = d[j - h];
			d[j] = x;
		}
	}
}

static void sort_hits(struct hit *a, size_t n)
{
	size_t g, i, j;

	if (n > SHELL_MAX) {
		qsort(a, n, sizeof(*a), cmp_hit);
		return;
	}
	for (g = 0; g < ARRAY_SIZE(gaps); g++) {
		size_t h = gaps[g];

		for (i = h; i < n; i++) {
			struct hit x = a[i];

			for (j = i; j >= h && cmp_hit(&a[j - h], &x) > 0; j -= h)
				a[j] = a[j - h];
			a[j] = x;
		}
	}
}

/*
 * Terms: stems of vocabulary words, stopwords dropped, each with the
 * surface word it came from most often (ties: the first alphabetically).
 * Words are counted on their lexicon entries (stamped per passage), so
 * only the distinct words are sorted, not every token.
 */
static void count_terms(struct classifier *c, struct passage *p)
{
	size_t n = 0, i, j, bytes;
	char *buf;
	struct keyed *d;

	c->passage++;
	if (c->tok.nr > c->alloc_distinct) {
		c->alloc_distinct = c->tok.nr * 2;
		c->distinct = xrealloc(c->distinct, c->alloc_distinct * sizeof(*c->distinct));
	}
	d = c->distinct;
	p->tokens = 0;
	for (i = 0; i < c->tok.nr; i++) {
		struct lex *l = c->lx[i];

		if (!token_is_term(&c->tok.items[i]))
			continue;
		p->tokens++;
		if (l->stop)
			continue;
		if (l->stamp != c->passage) {
			l->stamp = c->passage;
			l->count = 0;
			d[n].key = l->stem8;
			d[n++].l = l;
		}
		l->count++;
	}
	if (!n)
		return;
	sort_keyed(d, n);
	p->terms = xmalloc(n * sizeof(*p->terms));
	/* All term and surface strings of the passage share one block: two
	 * allocations per passage instead of two per term. */
	for (i = 0, bytes = 0; i < n; i++)
		bytes += d[i].l->stem_len + d[i].l->word_len + 2;
	buf = p->term_buf = xmalloc(bytes);
	for (i = 0; i < n; i = j) {
		const struct lex *best = d[i].l;
		unsigned total = 0;
		struct term_count *tc;

		for (j = i; j < n && d[j].l->stem == d[i].l->stem; j++) {
			total += d[j].l->count;
			if (d[j].l->count > best->count)
				best = d[j].l;
		}
		tc = &p->terms[p->nr_terms++];
		tc->term = buf;
		memcpy(buf, best->stem, best->stem_len);
		buf += best->stem_len;
		*buf++ = '\0';
		tc->surface = buf;
		memcpy(buf, best->word, best->word_len);
		buf += best->word_len;
		*buf++ = '\0';
		tc->count = total;
	}
}

/* The last character that is not space or markdown emphasis. */
static char last_char(const char *s)
{
	size_t n = strlen(s);

	while (n && (g_ascii_isspace(s[n - 1]) || strchr("*_#>-", s[n - 1])))
		n--;
	if (n && s[n - 1] == ':') /* "practice:-" */
		return ':';
	return n ? s[n - 1] : '\0';
}

/*
 * A lead-in inside the passage ("Learning includes: ...", "Recommendations
 * for the partnership include: ..."): a short clause ending in ':' whose
 * words carry a heading cue. The type of the lead-in that introduces the
 * most tokens wins.
 */
/* The type with the highest positive score, or -1. */
static int best_of(const double *score)
{
	int t, top = -1;

	for (t = 0; t < PASSAGE_TYPES; t++)
		if (score[t] > 0 && (top < 0 || score[t] > score[top]))
			top = t;
	return top;
}

static int find_lead_type(struct classifier *c)
{
	const struct token *tk = c->tok.items;
	size_t i, h, hs, seg = 0, words = 0, best_cover = 0, cur_start = 0;
	int best = -1, cur = -1;
	double *lead;

	/* heading hits are one run of the sorted hits */
	for (hs = 0; hs < c->nr_hits && c->hits[hs].kind != CB_HEADING; hs++)
		;
	if (hs == c->nr_hits || c->hits[hs].kind != CB_HEADING)
		return -1;
	/* Heading cues summed per clause (a hit never crosses punctuation),
	 * in one pass, so long passages stay linear. */
	if (c->tok.nr > c->alloc_lead) {
		c->alloc_lead = c->tok.nr * 2;
		c->lead = xrealloc(c->lead, c->alloc_lead * PASSAGE_TYPES * sizeof(*c->lead));
		c->seg_of = xrealloc(c->seg_of, c->alloc_lead * sizeof(*c->seg_of));
	}
	lead = c->lead;
	memset(lead, 0, c->tok.nr * PASSAGE_TYPES * sizeof(*lead));
	for (i = 0; i < c->tok.nr; i++) {
		if (tk[i].flags & (TOKEN_COLON | TOKEN_STOP))
			seg = i;
		c->seg_of[i] = seg;
	}
	for (h = hs; h < c->nr_hits && c->hits[h].kind == CB_HEADING; h++)
		lead[c->seg_of[c->hits[h].start] * PASSAGE_TYPES + c->hits[h].owner] +=
			c->hits[h].weight;
	seg = 0;
	for (i = 0; i <= c->tok.nr; i++) {
		if (i == c->tok.nr || (tk[i].flags & TOKEN_COLON)) {
			if (cur >= 0 && i - cur_start > best_cover) {
				best_cover = i - cur_start;
				best = cur;
			}
			if (i == c->tok.nr)
				break;
			if (words && words <= LEAD_MAX_WORDS) {
				int top = best_of(&lead[seg * PASSAGE_TYPES]);

				if (top >= 0) {
					cur = top;
					cur_start = i;
				}
			}
		}
		if (tk[i].flags & (TOKEN_COLON | TOKEN_STOP)) {
			seg = i;
			words = 0;
		}
		if (token_is_term(&tk[i]))
			words++;
	}
	return best;
}

/* Sums the hits of one kind per passage type. */
static void sum_kind(struct classifier *c, enum cb_kind kind, double out[PASSAGE_TYPES])
{
	int t;
	size_t n;
	const struct hit *h;

	for (t = 0; t < PASSAGE_TYPES; t++) {
		h = hit_range(c, kind, t, &n);
		out[t] += score_rules(c, h, n, NULL, 0, NULL, NULL);
	}
}

static void type_cues(struct classifier *c, const struct passage *p,
		      struct type_cues *tc)
{
	char last = last_char(p->text);
	size_t i, numbers = 0;

	memset(tc, 0, sizeof(*tc));
	tc->words = p->tokens;
	tc->question = last == '?';
	for (i = 0; i < c->tok.nr; i++) {
		enum token_kind k = c->tok.items[i].kind;

		if (k == TOKEN_URL || k == TOKEN_EMAIL)
			tc->contact = 1;
		if (k == TOKEN_NUMBER)
			numbers++;
	}
	if (tc->words > CONTACT_MAX_WORDS)
		tc->contact = 0; /* a link inside a real paragraph */
	if (tc->words == 0 && numbers)
		tc->contact = 1; /* "0330 240 1727", a page number */
	tc->heading_shape = p->kind == PASSAGE_HEADING ||
			    (p->kind == PASSAGE_PARAGRAPH && tc->words <= HEADING_MAX_WORDS &&
			     !strchr(".;,", last) && tc->words > 0);
	tc->lead_in = last == ':' && tc->words <= HEADING_MAX_WORDS + 4;
	sum_kind(c, CB_CUE, tc->cue);
	if (tc->question)
		sum_kind(c, CB_QUESTION, tc->cue);
	sum_kind(c, CB_HEADING, tc->heading);
	tc->lead_type = find_lead_type(c);
}

/* Tokens and their lexicon entries for text. */
static void prepare(struct classifier *c, const char *text)
{
	size_t i;

	if (c->lexicon.used > LEXICON_MAX)
		lexicon_clear(&c->lexicon);
	tokenize(&c->tok, text, strlen(text));
	if (c->tok.nr > c->lx_alloc) {
		c->lx_alloc = c->tok.nr * 2;
		c->lx = xrealloc(c->lx, c->lx_alloc * sizeof(*c->lx));
	}
	for (i = 0; i < c->tok.nr; i++) {
		const struct token *tk = &c->tok.items[i];

		c->lx[i] = (tk->kind == TOKEN_WORD || tk->kind == TOKEN_NUMBER) ?
				   lookup(c, tk) : NULL;
	}
	find_hits(c);
	sort_hits(c->hits, c->nr_hits);
}

void classify_passage(struct classifier *c, struct passage *p, struct type_cues *tc)
{
	passage_clear_analysis(p);
	prepare(c, p->text);
	count_terms(c, p);
	label_themes(c, p);
	type_cues(c, p, tc);
}

int classify_heading(struct classifier *c, const char *text,
		     double score[PASSAGE_TYPES])
{
	int t, top = -1, tie = 0;

	prepare(c, text);
	memset(score, 0, PASSAGE_TYPES * sizeof(*score));
	sum_kind(c, CB_HEADING, score);
	for (t = 0; t < PASSAGE_TYPES; t++) {
		if (score[t] <= 0)
			continue;
		if (top < 0 || score[t] > score[top]) {
			top = t;
			tie = 0;
		} else if (score[t] == score[top]) {
			tie = 1;
		}
	}
	return tie ? -1 : top;
}

const double *classifier_theme_scores(const struct classifier *c)
{
	return c->scores;
}

size_t classifier_counted_rules(const struct classifier *c, const unsigned **rules)
{
	*rules = c->counted;
	return c->nr_counted;
}

size_t classifier_nr_tokens(const struct classifier *c)
{
	return c->tok.nr;
}

const char *classifier_token_word(const struct classifier *c, size_t i,
				  const char **stem)
{
	const struct lex *l = i < c->tok.nr ? c->lx[i] : NULL;

	if (!l || c->tok.items[i].kind != TOKEN_WORD) {
		if (stem)
			*stem = NULL;
		return NULL;
	}
	if (stem)
		*stem = l->stem;
	return l->word;
}

int classifier_token_marker(const struct classifier *c, size_t i)
{
	const struct lex *l = i < c->tok.nr ? c->lx[i] : NULL;

	return l && c->tok.items[i].kind == TOKEN_WORD ? l->marker : -1;
}
