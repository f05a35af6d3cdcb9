/*
 * Classifying one passage against a compiled codebook.
 *
 * Every distinct word gets a lexicon entry the first time it is seen: its
 * stem, whether it is a stopword, and the codebook patterns that can start
 * at it (codebook_starts). After that a token costs one hash lookup, and
 * only the patterns starting at it are extended along the following tokens
 * (never across sentence or clause punctuation). A hyphenated compound
 * offers two paths, its joined form and its parts, and extension tries both.
 *
 * Themes are scored as in a dictionary-based content analysis with weighted
 * rules (Krippendorff, "Content Analysis", ch. 11): each rule (a pattern as
 * written) counts once per passage with its weight, matches overlapping one
 * of the theme's `exclude` patterns do not count, and the theme applies
 * when the sum reaches its threshold. A strong phrase ("child protection
 * plan") reaches a threshold alone; a weak word ("plan") needs company.
 * The evidence of a label lists each rule that counted and the words it
 * matched, so every label can be checked by reading it.
 */
#include <string.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "tokenize.h"
#include "stem.h"
#include "codebook.h"
#include "classify.h"
#include "banned.h"

#define LEXICON_MAX (1u << 20)
#define LEAD_MAX_WORDS 6 /* "Recommendations for the partnership include:" */
#define HEADING_MAX_WORDS 12
#define CONTACT_MAX_WORDS 25

struct lex {
	const char *word, *stem;
	int stop;
	unsigned *starts;
	size_t nr_starts;
};

struct hit {
	unsigned pattern, rule;
	size_t start, end; /* token range */
};

struct classifier {
	const struct codebook *cb;
	struct stemmer *st;
	GHashTable *lexicon; /* word -> struct lex */
	GHashTable *stop;    /* word set */
	GStringChunk *strings;
	struct tokenizer tok;
	struct lex **lx; /* per token of the current passage; NULL for URLs */
	size_t lx_alloc;
	struct hit *hits;
	size_t nr_hits, alloc_hits;
};

static void free_lex(gpointer p)
{
	struct lex *l = p;

	free(l->starts);
	free(l);
}

struct classifier *classifier_new(const struct codebook *cb, struct stemmer *st)
{
	struct classifier *c = xcalloc(1, sizeof(*c));

	c->cb = cb;
	c->st = st;
	c->lexicon = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_lex);
	c->stop = g_hash_table_new(g_str_hash, g_str_equal);
	c->strings = g_string_chunk_new(64 * 1024);
	tokenizer_init(&c->tok);
	return c;
}

void classifier_free(struct classifier *c)
{
	if (!c)
		return;
	g_hash_table_destroy(c->lexicon);
	g_hash_table_destroy(c->stop);
	g_string_chunk_free(c->strings);
	tokenizer_release(&c->tok);
	free(c->lx);
	free(c->hits);
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
	g_hash_table_remove_all(c->lexicon); /* entries cache the stop flag */
}

int classifier_is_stopword(struct classifier *c, const char *word)
{
	return g_hash_table_contains(c->stop, word);
}

static struct lex *lookup(struct classifier *c, const struct token *tk)
{
	struct lex *l = g_hash_table_lookup(c->lexicon, tk->text);
	int number = tk->kind == TOKEN_NUMBER;

	if (l)
		return l;
	l = xcalloc(1, sizeof(*l));
	l->word = g_string_chunk_insert_const(c->strings, tk->text);
	l->stem = number ? l->word : stemmer_stem(c->st, tk->text, tk->len);
	l->stop = g_hash_table_contains(c->stop, tk->text);
	l->nr_starts = codebook_starts(c->cb, l->word, l->stem, number, &l->starts);
	g_hash_table_insert(c->lexicon, (gpointer)l->word, l);
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
		for (g = 0; g < CB_GAP_MAX; g++) {
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
	size_t i, k, end, anchor = first_word(c);
	struct hit *h;

	c->nr_hits = 0;
	for (i = 0; i < c->tok.nr; i++) {
		const struct lex *l = c->lx[i];

		if (!l)
			continue;
		for (k = 0; k < l->nr_starts; k++) {
			const struct cb_pattern *p = &cb->patterns[l->starts[k]];

			if (p->anchored && i != anchor)
				continue;
			/* the index is by stem; a word as written needs a look */
			if (p->elems[0].kind == CB_ELEM_WORD && !elem_at(c, &p->elems[0], i))
				continue;
			end = p->nr_elems == 1 ? next_pos(c->tok.items, i)
					       : extend(c, p, 1, next_pos(c->tok.items, i));
			if (!end)
				continue;
			ALLOC_GROW(c->hits, c->nr_hits, c->alloc_hits);
			h = &c->hits[c->nr_hits++];
			h->pattern = l->starts[k];
			h->rule = p->rule;
			h->start = i;
			h->end = end;
		}
	}
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;

	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->end < y->end ? -1 : x->end > y->end;
}

/* Whether hit h overlaps an exclusion of theme `owner`. */
static int excluded(const struct classifier *c, const struct hit *h, int owner)
{
	size_t i;

	for (i = 0; i < c->nr_hits; i++) {
		const struct hit *x = &c->hits[i];
		const struct cb_pattern *p = &c->cb->patterns[x->pattern];

		if (p->kind == CB_EXCLUDE && p->owner == owner &&
		    x->start < h->end && h->start < x->end)
			return 1;
	}
	return 0;
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
		g_string_append_c(s, g_ascii_tolower(*a));
	}
}

/* Appends "rule -> words, words" (at most three spans) to ev. */
static void append_evidence(struct classifier *c, GString *ev, const char *prefix,
			    unsigned rule, const struct hit *hits, size_t nr)
{
	size_t i;

	if (ev->len)
		g_string_append(ev, "; ");
	g_string_append_printf(ev, "%s%s -> ", prefix, c->cb->rules[rule].text);
	for (i = 0; i < nr && i < 3; i++) {
		if (i)
			g_string_append(ev, ", ");
		append_words(c, &hits[i], ev);
	}
}

struct rule_hits {
	unsigned rule;
	double weight;
	size_t first, n; /* range in the sorted hits */
};

static int cmp_rule_weight(const void *a, const void *b)
{
	const struct rule_hits *x = a, *y = b;

	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int overlaps_any(const struct hit *h, const struct hit *claimed, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (claimed[i].start < h->end && h->start < claimed[i].end)
			return 1;
	return 0;
}

/*
 * Sums the rules of one kind and owner, each rule once, strongest first;
 * a rule counts only for words no stronger rule of the same owner has
 * already used, so "risk assessment" is one piece of evidence, not three
 * (risk assessment, assess*, risk). Negative rules always count. Appends
 * each counted rule's evidence to ev (when not NULL). Returns the sum and
 * sets *positive if a rule with a positive weight counted.
 */
static double score_rules(struct classifier *c, enum cb_kind kind, int owner,
			  GString *ev, const char *prefix, int *positive)
{
	const struct codebook *cb = c->cb;
	struct rule_hits *rh = NULL;
	struct hit *claimed = NULL, *kept = NULL;
	size_t nr_rh = 0, alloc_rh = 0, nr_claimed = 0, i, j, k, nk;
	double sum = 0;

	for (i = 0; i < c->nr_hits; i = j) {
		const struct cb_pattern *p = &cb->patterns[c->hits[i].pattern];

		for (j = i; j < c->nr_hits && c->hits[j].rule == c->hits[i].rule; j++)
			;
		if (p->kind != kind || p->owner != owner)
			continue;
		ALLOC_GROW(rh, nr_rh, alloc_rh);
		rh[nr_rh].rule = p->rule;
		rh[nr_rh].weight = p->weight;
		rh[nr_rh].first = i;
		rh[nr_rh++].n = j - i;
	}
	if (!nr_rh)
		return 0;
	qsort(rh, nr_rh, sizeof(*rh), cmp_rule_weight);
	claimed = xmalloc(c->nr_hits * sizeof(*claimed));
	kept = xmalloc(c->nr_hits * sizeof(*kept));
	for (i = 0; i < nr_rh; i++) {
		nk = 0;
		for (k = rh[i].first; k < rh[i].first + rh[i].n; k++) {
			const struct hit *h = &c->hits[k];

			if (kind == CB_MATCH && excluded(c, h, owner))
				continue;
			if (rh[i].weight > 0 && overlaps_any(h, claimed, nr_claimed))
				continue;
			kept[nk++] = *h;
		}
		if (!nk)
			continue;
		for (k = 0; k < nk && rh[i].weight > 0; k++)
			claimed[nr_claimed++] = kept[k];
		sum += rh[i].weight;
		if (rh[i].weight > 0 && positive)
			*positive = 1;
		if (ev)
			append_evidence(c, ev, prefix, rh[i].rule, kept, nk);
	}
	free(claimed);
	free(kept);
	free(rh);
	return sum;
}

static void label_themes(struct classifier *c, struct passage *p)
{
	const struct codebook *cb = c->cb;
	GString *ev = g_string_new(NULL);
	size_t t, i;
	char *seen = xcalloc(cb->nr_themes, 1);

	for (i = 0; i < c->nr_hits; i++) {
		const struct cb_pattern *pat = &cb->patterns[c->hits[i].pattern];

		if (pat->kind == CB_MATCH)
			seen[pat->owner] = 1;
	}
	for (t = 0; t < cb->nr_themes; t++) {
		int positive = 0;
		double score;
		struct label *l;

		if (!seen[t])
			continue;
		g_string_truncate(ev, 0);
		score = score_rules(c, CB_MATCH, (int)t, ev, "", &positive);
		if (!positive || score < cb->themes[t].threshold)
			continue;
		p->labels = xrealloc(p->labels, (p->nr_labels + 1) * sizeof(*p->labels));
		l = &p->labels[p->nr_labels++];
		l->theme = (int)t;
		l->score = score;
		l->evidence = xstrdup(ev->str);
	}
	free(seen);
	g_string_free(ev, TRUE);
}

struct term_ref {
	const char *stem, *word;
};

static int cmp_term_ref(const void *a, const void *b)
{
	const struct term_ref *x = a, *y = b;
	int r = strcmp(x->stem, y->stem);

	return r ? r : strcmp(x->word, y->word);
}

/* Terms: stems of vocabulary words, stopwords dropped, each with the
 * surface word it came from most often (ties: the first alphabetically). */
static void count_terms(struct classifier *c, struct passage *p)
{
	struct term_ref *refs = xmalloc((c->tok.nr + 1) * sizeof(*refs));
	size_t n = 0, i, j, k;

	p->tokens = 0;
	for (i = 0; i < c->tok.nr; i++) {
		if (!token_is_term(&c->tok.items[i]))
			continue;
		p->tokens++;
		if (c->lx[i]->stop)
			continue;
		refs[n].stem = c->lx[i]->stem;
		refs[n++].word = c->lx[i]->word;
	}
	qsort(refs, n, sizeof(*refs), cmp_term_ref);
	p->terms = n ? xmalloc(n * sizeof(*p->terms)) : NULL;
	for (i = 0; i < n; i = j) {
		const char *best = refs[i].word;
		unsigned best_n = 0;
		struct term_count *tc;

		for (j = i; j < n && !strcmp(refs[j].stem, refs[i].stem); j = k) {
			for (k = j; k < n && !strcmp(refs[k].stem, refs[j].stem) &&
				    refs[k].word == refs[j].word; k++)
				;
			if (k - j > best_n) {
				best_n = (unsigned)(k - j);
				best = refs[j].word;
			}
		}
		tc = &p->terms[p->nr_terms++];
		tc->term = xstrdup(refs[i].stem);
		tc->surface = xstrdup(best);
		tc->count = (unsigned)(j - i);
	}
	free(refs);
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
static int find_lead_type(struct classifier *c)
{
	const struct token *tk = c->tok.items;
	size_t i, h, seg = 0, words = 0, best_cover = 0;
	int best = -1, cur = -1;
	size_t cur_start = 0;
	double score[PASSAGE_TYPES];

	for (i = 0; i <= c->tok.nr; i++) {
		if (i == c->tok.nr || (tk[i].flags & TOKEN_COLON)) {
			if (cur >= 0 && i - cur_start > best_cover) {
				best_cover = i - cur_start;
				best = cur;
			}
			if (i == c->tok.nr)
				break;
			if (words && words <= LEAD_MAX_WORDS) {
				int t, top = -1;

				memset(score, 0, sizeof(score));
				for (h = 0; h < c->nr_hits; h++) {
					const struct cb_pattern *p =
						&c->cb->patterns[c->hits[h].pattern];

					if (p->kind == CB_HEADING && c->hits[h].start >= seg &&
					    c->hits[h].end <= i)
						score[p->owner] += p->weight;
				}
				for (t = 0; t < PASSAGE_TYPES; t++)
					if (score[t] > 0 && (top < 0 || score[t] > score[top]))
						top = t;
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

static void type_cues(struct classifier *c, const struct passage *p,
		      struct type_cues *tc)
{
	GString *ev = g_string_new(NULL);
	char last = last_char(p->text);
	size_t i, numbers = 0;
	int t;

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
	for (t = 0; t < PASSAGE_TYPES; t++) {
		const char *name = passage_type_name(t);
		char *prefix = xstrfmt("%s: ", name);

		tc->cue[t] = score_rules(c, CB_CUE, t, ev, prefix, NULL);
		if (tc->question)
			tc->cue[t] += score_rules(c, CB_QUESTION, t, ev, prefix, NULL);
		tc->heading[t] = score_rules(c, CB_HEADING, t, ev, prefix, NULL);
		free(prefix);
	}
	tc->lead_type = find_lead_type(c);
	tc->evidence = xstrdup(ev->str);
	g_string_free(ev, TRUE);
}

/* Tokens and their lexicon entries for text. */
static void prepare(struct classifier *c, const char *text)
{
	size_t i;

	if (g_hash_table_size(c->lexicon) > LEXICON_MAX)
		g_hash_table_remove_all(c->lexicon);
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
	qsort(c->hits, c->nr_hits, sizeof(*c->hits), cmp_hit);
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
	for (t = 0; t < PASSAGE_TYPES; t++) {
		score[t] = score_rules(c, CB_HEADING, t, NULL, "", NULL);
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
