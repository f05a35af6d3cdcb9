/*
 * The learned layer: features of a passage, the model file, and applying
 * the model to a document's passages (see model.h).
 *
 * Probabilities are those of logistic regression: p = 1 / (1 + exp(-z)),
 * z = bias + sum of weight x value over the passage's features. A passage's
 * type is the type whose one-vs-rest probability is highest.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "codebook.h"
#include "classify.h"
#include "model.h"
#include "lexicon.h"
#include "banned.h"

#define MODEL_MAX_BYTES (64u << 20)
#define SCORE_CAP 6.0
#define EVIDENCE_FEATURES 3
/* The rules' label enters at a larger scale than other features, so the
 * L2 penalty weighs less on trusting it: the model starts from the rules
 * and learns where to depart from them. */
#define LABEL_VALUE 3.0

/* Words that say what a passage does, whatever it is about (tense, modal
 * verbs, who is addressed): the classifier's marker words. */
static const char *const *fwords;
static size_t nr_fwords_cache;
#define NR_FWORDS (nr_fwords_cache ? nr_fwords_cache : \
		   (nr_fwords_cache = classifier_marker_words(&fwords)))


/* Structural features: fixed names, fixed order. */
enum yfeat {
	Y_KIND_HEADING, Y_KIND_ITEM, Y_KIND_PARAGRAPH,
	Y_RTYPE_CONTEXT, Y_RTYPE_LEARNING, Y_RTYPE_RECOMMENDATION,
	Y_FRAME_NONE, Y_FRAME_LEARNING, Y_FRAME_RECOMMENDATION,
	Y_LEAD_CONTEXT, Y_LEAD_LEARNING, Y_LEAD_RECOMMENDATION,
	Y_HEADING_SHAPE, Y_LEAD_IN, Y_QUESTION, Y_CONTACT,
	Y_CUE_CONTEXT, Y_CUE_LEARNING, Y_CUE_RECOMMENDATION,
	Y_HCUE_CONTEXT, Y_HCUE_LEARNING, Y_HCUE_RECOMMENDATION,
	Y_PREV_NONE, Y_PREV_HEADING, Y_PREV_LEAD_IN, Y_PREV_CONTEXT,
	Y_PREV_LEARNING, Y_PREV_RECOMMENDATION,
	Y_LEN5, Y_LEN12, Y_LEN30, Y_LEN60, Y_LONGER,
	Y_POS_START, Y_POS_FIRST_HALF, Y_POS_SECOND_HALF, Y_POS_LAST,
	Y_NEXT_ITEM, Y_NO_RULE_THEME, Y_MANY_RULE_THEMES,
	NR_Y
};
static const char *const ynames[NR_Y] = {
	"kind=heading", "kind=item", "kind=paragraph",
	"rules=context", "rules=learning", "rules=recommendation",
	"frame=none", "frame=learning", "frame=recommendation",
	"lead=context", "lead=learning", "lead=recommendation",
	"heading-shape", "lead-in", "question", "contact",
	"cue=context", "cue=learning", "cue=recommendation",
	"heading-cue=context", "heading-cue=learning", "heading-cue=recommendation",
	"previous=none", "previous=heading", "previous=lead-in",
	"previous=context", "previous=learning", "previous=recommendation",
	"words<=5", "words<=12", "words<=30", "words<=60", "words>60",
	"position=start", "position=first-half", "position=second-half",
	"position=last", "next=item", "rule-themes=0", "rule-themes>=3",
};

/* Theme-indexed feature families. */
enum tfam { T_SCORE, T_LABEL, T_HEADING, T_PREVIOUS, NR_TFAM };
static const char tfam_prefix[NR_TFAM] = { 'T', 'L', 'H', 'P' };

struct fspace {
	size_t nr_themes, nr_rules;
	size_t fixed;       /* features before the words */
	GPtrArray *names;   /* strings in strs, by index */
	GStringChunk *strs; /* every name: freed at once, pages left untouched */
	GHashTable *byname; /* name -> index + 1 (keys in names) */
	/* the word features, "S:" (words), "F:" (opening words) and "h:"
	 * (words of the heading above), by kind and stem: open addressing,
	 * linear probing, at most half full; a slot's name is NULL when empty */
	struct wslot {
		uint64_t hash; /* word_hash() */
		const char *name; /* "K:stem", in strs */
		size_t len;    /* the stem's */
		size_t idx;
	} *words;
	size_t words_size, words_used;
	GHashTable *df;     /* name -> count (fspace_count) */
	int *owner;         /* fixed features: the theme they belong to, or -1 */
};

struct coding_model {
	struct fspace *sp;
	size_t nr_themes, nout; /* outputs: the codebook's themes, then types */
	unsigned char *active;  /* per output: the model codes it */
	double *bias;
	float *w; /* [feature][output] */
	double keep, add; /* probabilities that keep a rules' label, add one */
	double rules_bonus; /* log-odds added to the rules' type */
};

static size_t y_index(enum yfeat y)
{
	return (size_t)y;
}

static size_t w_index(size_t k)
{
	return NR_Y + k;
}

static size_t t_index(const struct fspace *sp, enum tfam f, size_t theme)
{
	return NR_Y + NR_FWORDS + (size_t)f * sp->nr_themes + theme;
}

static size_t r_index(const struct fspace *sp, size_t rule)
{
	return NR_Y + NR_FWORDS + NR_TFAM * sp->nr_themes + rule;
}

/* Adds name (allocated; freed here) and returns its copy in sp. */
static char *add_name(struct fspace *sp, char *name)
{
	char *kept = g_string_chunk_insert(sp->strs, name);

	free(name);
	g_ptr_array_add(sp->names, kept);
	g_hash_table_insert(sp->byname, kept, GSIZE_TO_POINTER(sp->names->len));
	return kept;
}

struct fspace *fspace_new(const struct codebook *cb)
{
	struct fspace *sp = xcalloc(1, sizeof(*sp));
	const struct cb_pattern **first;
	size_t i, f;

	sp->nr_themes = cb->nr_themes;
	sp->nr_rules = cb->nr_rules;
	sp->names = g_ptr_array_new();
	sp->strs = g_string_chunk_new(16 * 1024);
	sp->byname = g_hash_table_new(g_str_hash, g_str_equal);
	sp->words_size = 1024;
	sp->words = xcalloc(sp->words_size, sizeof(*sp->words));
	for (i = 0; i < NR_Y; i++)
		add_name(sp, xstrfmt("Y:%s", ynames[i]));
	for (i = 0; i < NR_FWORDS; i++)
		add_name(sp, xstrfmt("W:%s", fwords[i]));
	for (f = 0; f < NR_TFAM; f++)
		for (i = 0; i < cb->nr_themes; i++)
			add_name(sp, xstrfmt("%c:%s", tfam_prefix[f], cb->themes[i].id));
	/* the theme a rule belongs to: the owner of its patterns (the first) */
	first = xmalloc((cb->nr_rules + 1) * sizeof(*first));
	for (i = 0; i < cb->nr_rules; i++)
		first[i] = NULL;
	for (i = cb->nr_patterns; i-- > 0;)
		if (cb->patterns[i].rule < cb->nr_rules)
			first[cb->patterns[i].rule] = &cb->patterns[i];
	for (i = 0; i < cb->nr_rules; i++) {
		const struct cb_pattern *p = first[i];
		char *name;
		size_t k;

		name = p && (p->kind == CB_MATCH || p->kind == CB_EXCLUDE) ?
			xstrfmt("R:%s:%s%s", cb->themes[p->owner].id,
				p->kind == CB_EXCLUDE ? "exclude " : "", cb->rules[i].text) :
			xstrfmt("R:%s:%s", p ? passage_type_name(p->owner) : "?",
				cb->rules[i].text);
		/* a rule written twice keeps a name of its own */
		for (k = 2; g_hash_table_contains(sp->byname, name); k++) {
			char *again = xstrfmt("%s #%zu", (char *)name, k);

			if (k > 2)
				*strrchr(again, ' ') = '\0', free(again),
				again = xstrfmt("%.*s #%zu", (int)(strrchr(name, ' ') - name), name, k);
			free(name);
			name = again;
		}
		add_name(sp, name);
	}
	free(first);
	sp->fixed = sp->names->len;
	sp->owner = xmalloc(sp->fixed * sizeof(*sp->owner));
	for (i = 0; i < sp->fixed; i++)
		sp->owner[i] = -1;
	for (f = 0; f < NR_TFAM; f++)
		for (i = 0; i < cb->nr_themes; i++)
			sp->owner[t_index(sp, f, i)] = (int)i;
	for (i = 0; i < cb->nr_patterns; i++) {
		const struct cb_pattern *p = &cb->patterns[i];

		if (p->kind == CB_MATCH || p->kind == CB_EXCLUDE)
			sp->owner[r_index(sp, p->rule)] = p->owner;
	}
	return sp;
}

void fspace_free(struct fspace *sp)
{
	if (!sp)
		return;
	/* unref, not destroy: destroy clears the table before freeing it,
	 * which in a forked worker copies every page of it */
	g_hash_table_unref(sp->byname);
	free(sp->words);
	if (sp->df)
		g_hash_table_unref(sp->df);
	g_ptr_array_free(sp->names, TRUE);
	g_string_chunk_free(sp->strs);
	free(sp->owner);
	free(sp);
}

size_t fspace_size(const struct fspace *sp)
{
	return sp->names->len;
}

int fspace_owner(const struct fspace *sp, size_t f)
{
	return f < sp->fixed ? sp->owner[f] : -1;
}

int fspace_is_word(const struct fspace *sp, size_t f)
{
	return f >= sp->fixed || (f >= w_index(0) && f < w_index(NR_FWORDS));
}

static uint64_t word_hash(char kind, const char *stem, size_t len)
{
	return lexicon_hash(stem, len) ^ (uint64_t)(unsigned char)kind * 0x9E3779B97F4A7C15ull;
}

static void words_put(struct fspace *sp, const struct wslot *w)
{
	size_t mask = sp->words_size - 1, i;

	for (i = w->hash & mask; sp->words[i].name; i = (i + 1) & mask)
		;
	sp->words[i] = *w;
	sp->words_used++;
}

/* Room for n more words without growing the table again. */
static void words_reserve(struct fspace *sp, size_t n)
{
	struct wslot *old = sp->words;
	size_t size = sp->words_size, k;

	while (2 * (sp->words_used + n) > sp->words_size)
		sp->words_size *= 2;
	if (sp->words_size == size)
		return;
	sp->words = xcalloc(sp->words_size, sizeof(*sp->words));
	sp->words_used = 0;
	for (k = 0; k < size; k++)
		if (old[k].name)
			words_put(sp, &old[k]);
	free(old);
}

/* Index of the word feature "S:stem", "F:stem" or "h:stem", adding it
 * when grow. */
static long word_feature(struct fspace *sp, char kind, const char *stem, int grow)
{
	size_t len = strlen(stem), mask = sp->words_size - 1, i;
	uint64_t h = word_hash(kind, stem, len);
	struct wslot w;

	for (i = h & mask; sp->words[i].name; i = (i + 1) & mask) {
		const struct wslot *x = &sp->words[i];

		if (x->hash == h && x->len == len && x->name[0] == kind &&
		    !memcmp(x->name + 2, stem, len))
			return (long)x->idx;
	}
	if (!grow)
		return -1;
	words_reserve(sp, 1);
	w.hash = h;
	w.name = add_name(sp, xstrfmt("%c:%s", kind, stem));
	w.len = len;
	w.idx = sp->names->len - 1;
	words_put(sp, &w);
	return (long)w.idx;
}

void fspace_count(struct fspace *sp, const struct fvec *x)
{
	size_t i;

	if (!sp->df)
		sp->df = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < x->nr; i++) {
		const char *name = g_ptr_array_index(sp->names, x->idx[i]);
		gpointer v = g_hash_table_lookup(sp->df, name);

		g_hash_table_insert(sp->df, (gpointer)name,
				    GSIZE_TO_POINTER(GPOINTER_TO_SIZE(v) + 1));
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct fspace *fspace_prune(const struct fspace *sp, const struct codebook *cb,
			    unsigned min_df)
{
	struct fspace *out = fspace_new(cb);
	char **words = xmalloc((sp->names->len + 1) * sizeof(*words));
	size_t i, n = 0;

	for (i = sp->fixed; i < sp->names->len; i++) {
		char *name = g_ptr_array_index(sp->names, i);
		size_t df = sp->df ? GPOINTER_TO_SIZE(g_hash_table_lookup(sp->df, name)) : 0;

		if (df >= min_df)
			words[n++] = name;
	}
	qsort(words, n, sizeof(*words), cmp_str);
	for (i = 0; i < n; i++)
		word_feature(out, words[i][0], words[i] + 2, 1);
	free(words);
	return out;
}

void model_view_words(struct passage_view *v, const struct classifier *c)
{
	size_t i, n = classifier_nr_tokens(c);

	v->fwords = 0;
	v->first = NULL;
	for (i = 0; i < n; i++) {
		const char *stem, *w = classifier_token_word(c, i, &stem);
		int k;

		if (!w)
			continue;
		if (!v->first && w[0] && w[1])
			v->first = stem;
		if ((k = classifier_token_marker(c, i)) >= 0)
			v->fwords |= 1ull << k;
	}
}

static void fvec_add(struct fvec *x, size_t idx, double val)
{
	if (val == 0)
		return;
	if (x->nr >= x->alloc) {
		ALLOC_GROW(x->idx, x->nr, x->alloc);
		x->val = xrealloc(x->val, x->alloc * sizeof(*x->val));
	}
	x->idx[x->nr] = (unsigned)idx;
	x->val[x->nr++] = (float)val;
}

static double capped(double s)
{
	return s <= 0 ? 0 : (s < SCORE_CAP ? s : SCORE_CAP) / 3.0;
}

static int cmp_fidx(const void *a, const void *b)
{
	const unsigned *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Sorts x by index (values follow). */
static void fvec_sort(struct fvec *x)
{
	size_t i, j;

	for (i = 1; i < x->nr; i++) { /* insertion sort, pairs */
		unsigned ki = x->idx[i];
		float vi = x->val[i];

		for (j = i; j > 0 && x->idx[j - 1] > ki; j--) {
			x->idx[j] = x->idx[j - 1];
			x->val[j] = x->val[j - 1];
		}
		x->idx[j] = ki;
		x->val[j] = vi;
	}
	(void)cmp_fidx;
}

/* The features of passage i; `sorted`: in index order, once each (as
 * liblinear needs them; a dot product does not). */
static void build_features(struct fspace *sp, const struct codebook *cb,
			   const struct passage *ps, const struct passage_view *v,
			   size_t i, size_t nr, int grow, int sorted, struct fvec *x)
{
	const struct passage *p = &ps[i];
	const struct passage_view *pv = &v[i];
	const struct type_cues *tc = &pv->tc;
	size_t t, k, nlab = 0;
	unsigned w = tc->words;
	long f;

	x->nr = 0;
	fvec_add(x, y_index(p->kind == PASSAGE_HEADING ? Y_KIND_HEADING :
			    p->kind == PASSAGE_ITEM ? Y_KIND_ITEM : Y_KIND_PARAGRAPH), 1);
	fvec_add(x, y_index(Y_RTYPE_CONTEXT + pv->rtype), 1);
	fvec_add(x, y_index(pv->frame < 0 ? Y_FRAME_NONE :
			    pv->frame == TYPE_LEARNING ? Y_FRAME_LEARNING :
			    pv->frame == TYPE_RECOMMENDATION ? Y_FRAME_RECOMMENDATION :
			    Y_FRAME_NONE), 1);
	if (tc->lead_type >= 0)
		fvec_add(x, y_index(Y_LEAD_CONTEXT + tc->lead_type), 1);
	fvec_add(x, y_index(Y_HEADING_SHAPE), tc->heading_shape);
	fvec_add(x, y_index(Y_LEAD_IN), tc->lead_in);
	fvec_add(x, y_index(Y_QUESTION), tc->question);
	fvec_add(x, y_index(Y_CONTACT), tc->contact);
	for (t = 0; t < PASSAGE_TYPES; t++) {
		fvec_add(x, y_index(Y_CUE_CONTEXT + t), capped(tc->cue[t]));
		fvec_add(x, y_index(Y_HCUE_CONTEXT + t), capped(tc->heading[t]));
	}
	if (!i) {
		fvec_add(x, y_index(Y_PREV_NONE), 1);
	} else {
		const struct passage_view *q = &v[i - 1];

		if (ps[i - 1].kind == PASSAGE_HEADING || q->tc.heading_shape)
			fvec_add(x, y_index(Y_PREV_HEADING), 1);
		if (q->tc.lead_in)
			fvec_add(x, y_index(Y_PREV_LEAD_IN), 1);
		fvec_add(x, y_index(Y_PREV_CONTEXT + q->rtype), 1);
	}
	fvec_add(x, y_index(w <= 5 ? Y_LEN5 : w <= 12 ? Y_LEN12 : w <= 30 ? Y_LEN30 :
			    w <= 60 ? Y_LEN60 : Y_LONGER), 1);
	fvec_add(x, y_index(i + 1 == nr ? Y_POS_LAST : i * 10 < nr ? Y_POS_START :
			    i * 2 < nr ? Y_POS_FIRST_HALF : Y_POS_SECOND_HALF), 1);
	if (i + 1 < nr && ps[i + 1].kind == PASSAGE_ITEM)
		fvec_add(x, y_index(Y_NEXT_ITEM), 1);
	for (k = 0; k < NR_FWORDS; k++)
		if (pv->fwords & (1ull << k))
			fvec_add(x, w_index(k), 1);
	for (t = 0; t < sp->nr_themes; t++) {
		fvec_add(x, t_index(sp, T_SCORE, t), capped(pv->scores[t]));
		if (pv->scores[t] >= cb->themes[t].threshold) {
			fvec_add(x, t_index(sp, T_LABEL, t), LABEL_VALUE);
			nlab++;
		}
		if (pv->heading >= 0)
			fvec_add(x, t_index(sp, T_HEADING, t),
				 capped(v[pv->heading].scores[t]));
		if (i > 0 && ps[i - 1].kind != PASSAGE_HEADING &&
		    v[i - 1].scores[t] >= cb->themes[t].threshold)
			fvec_add(x, t_index(sp, T_PREVIOUS, t), 1);
	}
	fvec_add(x, y_index(Y_NO_RULE_THEME), nlab == 0);
	fvec_add(x, y_index(Y_MANY_RULE_THEMES), nlab >= 3);
	for (k = 0; k < pv->nr_rules; k++)
		if (pv->rules[k] < sp->nr_rules)
			fvec_add(x, r_index(sp, pv->rules[k]), 1);
	for (k = 0; k < p->nr_terms; k++)
		if ((f = word_feature(sp, 'S', p->terms[k].term, grow)) >= 0)
			fvec_add(x, (size_t)f, 1);
	if (pv->first && (f = word_feature(sp, 'F', pv->first, grow)) >= 0)
		fvec_add(x, (size_t)f, 1);
	if (pv->heading >= 0) { /* what the heading above says it is */
		const struct passage *hp = &ps[pv->heading];

		for (k = 0; k < hp->nr_terms; k++)
			if ((f = word_feature(sp, 'h', hp->terms[k].term, grow)) >= 0)
				fvec_add(x, (size_t)f, 1);
	}
	if (!sorted)
		return;
	fvec_sort(x);
	/* each feature once */
	for (k = 1, t = 1; k < x->nr; k++) {
		if (x->idx[k] == x->idx[t - 1])
			continue;
		x->idx[t] = x->idx[k];
		x->val[t++] = x->val[k];
	}
	if (x->nr)
		x->nr = t;
}

void model_features(struct fspace *sp, const struct codebook *cb,
		    const struct passage *ps, const struct passage_view *v,
		    size_t i, size_t nr, int grow, struct fvec *x)
{
	build_features(sp, cb, ps, v, i, nr, grow, 1, x);
}

/* ---- the model ---- */

struct coding_model *model_new(struct fspace *sp, const struct codebook *cb,
			       double keep, double add)
{
	struct coding_model *m = xcalloc(1, sizeof(*m));

	m->sp = sp;
	m->nr_themes = cb->nr_themes;
	m->nout = cb->nr_themes + PASSAGE_TYPES;
	m->active = xcalloc(m->nout, 1);
	m->bias = xcalloc(m->nout, sizeof(*m->bias));
	m->w = xcalloc(fspace_size(sp) * m->nout, sizeof(*m->w));
	m->keep = keep;
	m->add = add;
	m->rules_bonus = 0;
	return m;
}

size_t model_nr_outputs(const struct coding_model *m)
{
	return m->nout;
}

void model_set_rules_bonus(struct coding_model *m, double bonus)
{
	m->rules_bonus = bonus;
}

void model_set_output(struct coding_model *m, size_t out, int active,
		      double bias, const double *w)
{
	size_t f, n = fspace_size(m->sp);

	m->active[out] = (unsigned char)active;
	m->bias[out] = bias;
	for (f = 0; f < n; f++)
		m->w[f * m->nout + out] = w ? (float)w[f] : 0;
}

void model_free(struct coding_model *m)
{
	if (!m)
		return;
	fspace_free(m->sp);
	free(m->active);
	free(m->bias);
	free(m->w);
	free(m);
}

static double sigmoid(double z)
{
	return 1.0 / (1.0 + exp(-z));
}

/*
 * Appends v as printf's "%.2f" (plus: "%+.2f") would, without printf: the
 * evidence of every label the model gives carries such numbers. Exact: v is
 * m * 2^e with m a 53-bit integer, so v * 100 is m * 100 (under 2^60)
 * shifted right, and the bits shifted out decide the rounding (to nearest,
 * a tie to even, as printf rounds the exact binary value). Values too
 * large for that, infinities and NaNs go to printf.
 */
static void append_fixed2(GString *s, double v, int plus)
{
	char buf[32], digits[16], *o = buf;
	double a = fabs(v), f;
	uint64_t m, n, q, rem, half;
	size_t nd = 0;
	int e, sh;

	if (!(a < 1e9)) {
		g_string_append_printf(s, plus ? "%+.2f" : "%.2f", v);
		return;
	}
	f = frexp(a, &e);           /* a = f * 2^e, f in [0.5, 1) or 0 */
	m = (uint64_t)ldexp(f, 53); /* exact */
	e -= 53;                    /* a = m * 2^e, e < 0 below 1e9 */
	m *= 100;
	sh = -e;
	if (sh >= 64) {
		n = 0; /* a * 100 < 2^-4 */
	} else {
		q = m >> sh;
		rem = m & ((UINT64_C(1) << sh) - 1);
		half = UINT64_C(1) << (sh - 1);
		n = q + (rem > half || (rem == half && (q & 1)));
	}
	if (signbit(v))
		*o++ = '-';
	else if (plus)
		*o++ = '+';
	q = n / 100;
	do {
		digits[nd++] = (char)('0' + q % 10);
		q /= 10;
	} while (q);
	while (nd)
		*o++ = digits[--nd];
	*o++ = '.';
	*o++ = (char)('0' + n % 100 / 10);
	*o++ = (char)('0' + n % 10);
	g_string_append_len(s, buf, o - buf);
}

/* A readable name for a feature in evidence; first: no ", " before it. */
static void append_feature(GString *s, const char *name, double contrib, int first)
{
	const char *rest = name + 2, *r;

	if (!first)
		g_string_append(s, ", ");
	switch (name[0]) {
	case 'R': /* "R:theme:rule" -> the rule */
		r = strchr(rest, ':');
		g_string_append(s, r ? r + 1 : rest);
		break;
	case 'L': g_string_append(s, "the rules' label"); break;
	case 'T': g_string_append(s, "the rules' score"); break;
	case 'H': g_string_append(s, "the heading above"); break;
	case 'P': g_string_append(s, "the previous passage"); break;
	case 'F': g_string_append(s, "opens with "); g_string_append(s, rest); break;
	case 'h': g_string_append(s, "heading has "); g_string_append(s, rest); break;
	default: g_string_append(s, rest); break; /* S, W, Y */
	}
	g_string_append_c(s, ' ');
	append_fixed2(s, contrib, 1);
}

/* Appends the model's strongest positive features of output o on x to s. */
static void strongest(const struct coding_model *m, const struct fvec *x, size_t o,
		      GString *s)
{
	size_t best[EVIDENCE_FEATURES], nb = 0, i, k;
	double bv[EVIDENCE_FEATURES];

	for (i = 0; i < x->nr; i++) {
		double c = m->w[(size_t)x->idx[i] * m->nout + o] * x->val[i];

		if (c <= 0.05)
			continue;
		for (k = nb; k > 0 && bv[k - 1] < c; k--) {
			if (k < EVIDENCE_FEATURES) {
				bv[k] = bv[k - 1];
				best[k] = best[k - 1];
			}
		}
		if (k < EVIDENCE_FEATURES) {
			bv[k] = c;
			best[k] = i;
			if (nb < EVIDENCE_FEATURES)
				nb++;
		}
	}
	for (k = 0; k < nb; k++)
		append_feature(s, g_ptr_array_index(m->sp->names, x->idx[best[k]]), bv[k], !k);
}

/* ev: scratch for the evidence text; nl: for the new labels, a label per
 * theme. */
static void relabel(const struct coding_model *m, struct passage *p,
		    const struct fvec *x, const double *z, GString *ev,
		    struct label *nl)
{
	struct label *old = p->labels;
	size_t nold = p->nr_labels, t, k, n = 0;

	for (t = 0; t < m->nr_themes; t++) {
		struct label *rl = NULL;
		double pr = sigmoid(z[t]);

		for (k = 0; k < nold; k++)
			if (old[k].theme == (int)t)
				rl = &old[k];
		if (!m->active[t]) { /* rules alone */
			if (rl) {
				nl[n] = *rl;
				nl[n].confidence = -1;
				rl->evidence = NULL;
				n++;
			}
			continue;
		}
		/* the rules' label stands unless the model finds it unlikely; a
		 * label the rules did not give needs the model to be sure */
		if (pr < (rl ? m->keep : m->add))
			continue;
		/* "RULES' EVIDENCE; model p=P: FEATURES" */
		g_string_truncate(ev, 0);
		if (rl && rl->evidence) {
			g_string_append(ev, rl->evidence);
			g_string_append(ev, "; ");
		}
		g_string_append(ev, "model p=");
		append_fixed2(ev, pr, 0);
		g_string_append(ev, ": ");
		strongest(m, x, t, ev);
		nl[n].theme = (int)t;
		nl[n].score = rl ? rl->score : 0;
		nl[n].confidence = pr;
		nl[n].evidence = xstrndup(ev->str, ev->len);
		n++;
	}
	for (k = 0; k < nold; k++)
		free(old[k].evidence);
	if (!n || n > nold) { /* else the rules' array has the room */
		free(old);
		old = n ? xmalloc(n * sizeof(*nl)) : NULL;
	}
	if (n)
		memcpy(old, nl, n * sizeof(*nl));
	p->labels = old;
	p->nr_labels = n;
}

/* Notes in d the decision nearest its boundary, when nearer than before. */
static void doubt_note(struct doubt *d, double margin, const char *what,
		       const char *id, double p, const char *verb, double cut)
{
	if (margin >= d->margin)
		return;
	d->margin = margin;
	snprintf(d->why, sizeof(d->why), "%s %s: p=%.2f, %s at %.2f", what, id, p, verb, cut);
}

/* How near the theme decisions of passage p came to going the other way. */
static void theme_doubts(const struct coding_model *m, const struct codebook *cb,
			 const struct passage_view *v, const double *z, struct doubt *d)
{
	size_t t;

	for (t = 0; t < m->nr_themes; t++) {
		double p = sigmoid(z[t]), cut;
		int rules = v->scores[t] >= cb->themes[t].threshold;

		if (!m->active[t])
			continue;
		cut = rules ? m->keep : m->add;
		doubt_note(d, fabs(p - cut), "theme", cb->themes[t].id, p,
			   rules ? "kept" : "added", cut);
	}
}

void model_apply(const struct coding_model *m, const struct codebook *cb,
		 struct passage *ps, const struct passage_view *v, size_t nr,
		 struct doubt *doubts)
{
	struct fvec x = { 0 };
	double *z = xmalloc(m->nout * sizeof(*z));
	GString *ev = g_string_sized_new(256);
	struct label *nl = xmalloc((cb->nr_themes ? cb->nr_themes : 1) * sizeof(*nl));
	size_t i, k, o;

	for (i = 0; i < nr; i++) {
		double best = -1, second = -1, sum = 0;
		int type = ps[i].type;

		/* features never grow here: the space is the model's */
		build_features(m->sp, cb, ps, v, i, nr, 0, 0, &x);
		for (o = 0; o < m->nout; o++)
			z[o] = m->bias[o];
		for (k = 0; k < x.nr; k++) {
			const float *row = &m->w[(size_t)x.idx[k] * m->nout];

			for (o = 0; o < m->nout; o++)
				z[o] += row[o] * x.val[k];
		}
		relabel(m, &ps[i], &x, z, ev, nl);
		if (doubts)
			theme_doubts(m, cb, &v[i], z, &doubts[i]);
		if (!m->active[m->nr_themes])
			continue;
		for (o = 0; o < PASSAGE_TYPES; o++) {
			/* the rules' type gets a head start: the model departs
			 * from it only when its evidence is strong */
			double pr = sigmoid(z[m->nr_themes + o] +
					    ((int)o == v[i].rtype ? m->rules_bonus : 0));

			sum += pr;
			if (pr > best) {
				second = best;
				best = pr;
				type = (int)o;
			} else if (pr > second) {
				second = pr;
			}
		}
		/* a lead-in inside the passage ("Recommendations include: ...")
		 * says what it is; the rules read it */
		if (v[i].tc.lead_type == TYPE_LEARNING || v[i].tc.lead_type == TYPE_RECOMMENDATION)
			continue;
		ps[i].type = (enum passage_type)type;
		ps[i].type_score = sum > 0 ? best / sum : 1;
		/* the margin between the two likeliest types */
		if (doubts && sum > 0 && (best - second) / sum < doubts[i].margin) {
			doubts[i].margin = (best - second) / sum;
			snprintf(doubts[i].why, sizeof(doubts[i].why),
				 "type %s: share %.2f, %.2f ahead of the next",
				 passage_type_name(type), best / sum, (best - second) / sum);
		}
	}
	free(x.idx);
	free(x.val);
	free(z);
	free(nl);
	g_string_free(ev, TRUE);
}

/* ---- the model file ---- */

static int line_error(struct doc_error *err, const char *name, size_t line,
		      const char *what)
{
	doc_error_set(err, "model", DOC_ERR_CONFIG, "%s:%zu: %s", name, line, what);
	return -1;
}

/*
 * The number at s as g_ascii_strtod reads it, for the plain decimals a
 * model file holds ("-0.01234", "1.5e-05"), without strtod: a mantissa of
 * at most 15 digits and a power of ten of at most 22 are both exact
 * doubles, so one multiplication or division rounds once, correctly, to
 * the double strtod gives (Clinger 1990, "How to read floating point
 * numbers accurately"). Anything else goes to g_ascii_strtod.
 */
static double read_double(const char *s, char **end)
{
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
	};
	const char *p = s;
	uint64_t mant = 0;
	int neg = 0, digits = 0, scale = 0, ex = 0, eneg = 0, edigits = 0;
	double v;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++) {
		if (mant || *p != '0')
			digits++;
		mant = mant * 10 + (uint64_t)(*p - '0');
		if (digits > 15)
			return g_ascii_strtod(s, end);
	}
	if (*p == '.') {
		const char *q = ++p;

		for (; *p >= '0' && *p <= '9'; p++) {
			if (mant || *p != '0')
				digits++;
			mant = mant * 10 + (uint64_t)(*p - '0');
			scale--;
			if (digits > 15)
				return g_ascii_strtod(s, end);
		}
		if (p == q && p - 1 == (neg || *s == '+' ? s + 1 : s))
			return g_ascii_strtod(s, end); /* "." alone */
	} else if (p == (neg || *s == '+' ? s + 1 : s)) {
		return g_ascii_strtod(s, end); /* no digits: inf, nan, junk */
	}
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;

		if (*q == '-' || *q == '+')
			eneg = *q++ == '-';
		for (; *q >= '0' && *q <= '9' && edigits < 4; q++, edigits++)
			ex = ex * 10 + (*q - '0');
		if (!edigits || (*q >= '0' && *q <= '9'))
			return g_ascii_strtod(s, end);
		p = q;
	}
	/* what may follow a number in the file: a space or the line's end */
	if (*p != ' ' && *p != '\0')
		return g_ascii_strtod(s, end);
	scale += eneg ? -ex : ex;
	if (scale < -22 || scale > 22)
		return g_ascii_strtod(s, end);
	v = (double)mant; /* exact: at most 15 digits */
	if (scale < 0)
		v /= pow10[-scale];
	else if (scale > 0)
		v *= pow10[scale];
	*end = (char *)p;
	return neg ? -v : v;
}

/* Parses "v1 v2 ... vn" (n doubles) from s; 0 or -1. */
static int parse_doubles(const char *s, double *out, size_t n)
{
	size_t i;
	char *end;

	for (i = 0; i < n; i++) {
		while (*s == ' ')
			s++;
		out[i] = read_double(s, &end);
		if (end == s || !isfinite(out[i]) || fabs(out[i]) > 1e6)
			return -1;
		s = end;
	}
	while (*s == ' ')
		s++;
	return *s ? -1 : 0;
}

struct model_reader {
	const char *name;
	size_t line;
	struct doc_error *err;
	long *omap;  /* file output -> model output, or -1 */
	size_t nfile; /* outputs in the file */
	size_t type_line; /* the first "type" line */
	double *vals;
};

/* "theme ID BIAS" / "type NAME BIAS" / "rules ID": the outputs, in order. */
static int read_output(struct model_reader *r, struct coding_model *m,
		       const struct codebook *cb, char **f, size_t nf)
{
	long o = -1;
	size_t t;
	double b = 0;

	if (nf < 2 || (strcmp(f[0], "rules") && nf != 3))
		return line_error(r->err, r->name, r->line, "expected 'theme ID BIAS', "
				  "'type NAME BIAS' or 'rules ID'");
	if (!strcmp(f[0], "type")) {
		int ty = passage_type_parse(f[1]);

		if (ty < 0)
			return line_error(r->err, r->name, r->line, "unknown passage type");
		if (!r->type_line)
			r->type_line = r->line;
		o = (long)m->nr_themes + ty;
	} else {
		for (t = 0; t < cb->nr_themes; t++)
			if (!strcmp(cb->themes[t].id, f[1]))
				o = (long)t;
	}
	if (nf == 3 && parse_doubles(f[2], &b, 1) < 0)
		return line_error(r->err, r->name, r->line, "bias is not a finite number");
	r->omap = xrealloc(r->omap, (r->nfile + 1) * sizeof(*r->omap));
	r->omap[r->nfile++] = strcmp(f[0], "rules") ? o : -1;
	if (o >= 0 && strcmp(f[0], "rules")) {
		m->active[o] = 1;
		m->bias[o] = b;
	}
	return 0;
}

/* s split at its first two tabs, in place, as g_strsplit(s, "\t", 3)
 * would split it: fv[0..*nf) and a NULL after them. */
static char **split_fields(char *s, char *fv[4], size_t *nf)
{
	size_t n = 0;
	char *t;

	fv[n++] = s;
	while (n < 3 && (t = strchr(s, '\t'))) {
		*t = '\0';
		s = t + 1;
		fv[n++] = s;
	}
	fv[n] = NULL;
	*nf = n;
	return fv;
}

struct coding_model *model_parse(const char *name, const char *buf, size_t len,
				 const struct codebook *cb, struct doc_error *err)
{
	struct coding_model *m;
	struct model_reader r = { name, 0, err, NULL, 0, 0, NULL };
	char **lines, *text, *p, *fv[4];
	size_t i, nwords = 0, nlines = 1;
	int ok = 0, header = 0;
	double thr = 0.5;

	if (len > MODEL_MAX_BYTES) {
		doc_error_set(err, "model", DOC_ERR_CONFIG, "%s: larger than %u MB", name,
			      MODEL_MAX_BYTES >> 20);
		return NULL;
	}
	if (memchr(buf, '\0', len) || !g_utf8_validate(buf, (gssize)len, NULL)) {
		doc_error_set(err, "model", DOC_ERR_CONFIG, "%s: not UTF-8 text", name);
		return NULL;
	}
	/* the lines, split in place in one copy of the text */
	text = xstrndup(buf, len);
	for (p = text; (p = strchr(p, '\n')); p++)
		nlines++;
	lines = xmalloc((nlines + 1) * sizeof(*lines));
	for (i = 0, p = *text ? text : NULL; p; i++) { /* "": no line at all */
		lines[i] = p;
		if ((p = strchr(p, '\n')))
			*p++ = '\0';
	}
	lines[i] = NULL;
	/* first pass: the words, so the space is complete before the weights */
	m = model_new(fspace_new(cb), cb, thr, thr);
	for (i = 0; lines[i]; i++)
		nwords += lines[i][0] == 'w';
	words_reserve(m->sp, nwords);
	nwords = 0;
	for (i = 0; lines[i]; i++)
		if (!strncmp(lines[i], "w\t", 2) &&
		    (lines[i][2] == 'S' || lines[i][2] == 'F' || lines[i][2] == 'h') &&
		    lines[i][3] == ':') {
			char *tab = strchr(lines[i] + 2, '\t');

			if (tab) {
				*tab = '\0';
				word_feature(m->sp, lines[i][2], lines[i] + 4, 1);
				*tab = '\t';
				nwords++;
			}
		}
	free(m->w);
	m->w = xcalloc(fspace_size(m->sp) * m->nout, sizeof(*m->w));
	for (i = 0; lines[i]; i++) {
		char *s = lines[i], **f;
		size_t nf;

		r.line = i + 1;
		if (*s && s[strlen(s) - 1] == '\r')
			s[strlen(s) - 1] = '\0';
		if (!header) {
			if (strcmp(s, MODEL_FORMAT)) {
				line_error(err, name, r.line, "not a revmine model (expected '"
					   MODEL_FORMAT "')");
				goto out;
			}
			header = 1;
			continue;
		}
		if (!*s || *s == '#')
			continue;
		f = split_fields(s, fv, &nf);
		if (!strcmp(f[0], "theme") || !strcmp(f[0], "type") || !strcmp(f[0], "rules")) {
			if (read_output(&r, m, cb, f, nf) < 0)
				goto out;
		} else if (!strcmp(f[0], "rules-type") && nf == 2) {
			if (parse_doubles(f[1], &m->rules_bonus, 1) < 0 || fabs(m->rules_bonus) > 100) {
				line_error(err, name, r.line, "rules-type must be a number from -100 to 100");
				goto out;
			}
		} else if ((!strcmp(f[0], "keep") || !strcmp(f[0], "add")) && nf == 2) {
			if (parse_doubles(f[1], &thr, 1) < 0 || thr <= 0 || thr >= 1) {
				line_error(err, name, r.line, "a probability must be between 0 and 1");
				goto out;
			}
			*(f[0][0] == 'k' ? &m->keep : &m->add) = thr;
		} else if (!strcmp(f[0], "w") && nf == 3) {
			gpointer v = g_hash_table_lookup(m->sp->byname, f[1]);
			size_t k;

			r.vals = xrealloc(r.vals, (r.nfile + 1) * sizeof(*r.vals));
			if (parse_doubles(f[2], r.vals, r.nfile) < 0) {
				line_error(err, name, r.line, "expected one finite weight per output");
				goto out;
			}
			for (k = 0; v && k < r.nfile; k++)
				if (r.omap[k] >= 0)
					m->w[(GPOINTER_TO_SIZE(v) - 1) * m->nout +
					     (size_t)r.omap[k]] = (float)r.vals[k];
		} else if (strcmp(f[0], "codebook") && strcmp(f[0], "trained")) {
			line_error(err, name, r.line, "unknown line");
			goto out;
		}
	}
	if (!header) {
		line_error(err, name, 1, "empty file");
		goto out;
	}
	/* a type model needs all three types */
	for (i = 0; i < PASSAGE_TYPES; i++)
		if (m->active[m->nr_themes + i] != m->active[m->nr_themes]) {
			line_error(err, name, r.type_line, "the model must give all three types or none");
			goto out;
		}
	ok = 1;
out:
	(void)nwords;
	free(lines);
	free(text);
	free(r.omap);
	free(r.vals);
	if (!ok) {
		model_free(m);
		return NULL;
	}
	return m;
}

struct coding_model *model_load(const char *path, const struct codebook *cb,
				struct doc_error *err)
{
	GError *gerr = NULL;
	gchar *buf;
	gsize len;
	struct coding_model *m;

	if (!g_file_get_contents(path, &buf, &len, &gerr)) {
		doc_error_set(err, "model", DOC_ERR_CONFIG, "%s: cannot read: %s", path,
			      gerr->message);
		g_error_free(gerr);
		return NULL;
	}
	m = model_parse(path, buf, len, cb, err);
	g_free(buf);
	return m;
}

static void put_weight(GString *s, double w)
{
	char num[G_ASCII_DTOSTR_BUF_SIZE];

	if (fabs(w) < 5e-5)
		w = 0;
	g_ascii_formatd(num, sizeof(num), "%.4g", w);
	g_string_append_c(s, ' ');
	g_string_append(s, num);
}

int model_write(const struct coding_model *m, const struct codebook *cb,
		const char *path, struct doc_error *err)
{
	GString *s = g_string_new(MODEL_FORMAT "\n");
	GError *gerr = NULL;
	size_t f, o, n = fspace_size(m->sp);
	char num[G_ASCII_DTOSTR_BUF_SIZE];
	int ret = 0;

	g_string_append(s, "# Learned weights for revmine's coding (README.md, \"The model file\").\n"
			"# Outputs: one line each, in the order of the weights below.\n"
			"# Then: w <TAB> feature <TAB> one weight per output.\n");
	g_ascii_formatd(num, sizeof(num), "%.3f", m->keep);
	g_string_append_printf(s, "keep\t%s\n", num);
	g_ascii_formatd(num, sizeof(num), "%.3f", m->add);
	g_string_append_printf(s, "add\t%s\n", num);
	g_ascii_formatd(num, sizeof(num), "%.3f", m->rules_bonus);
	g_string_append_printf(s, "rules-type\t%s\n", num);
	for (o = 0; o < m->nout; o++) {
		int type = o >= m->nr_themes;
		const char *id = type ? passage_type_name((int)(o - m->nr_themes))
				      : cb->themes[o].id;

		if (!m->active[o]) {
			g_string_append_printf(s, "rules\t%s\n", id);
			continue;
		}
		g_ascii_formatd(num, sizeof(num), "%.6g", m->bias[o]);
		g_string_append_printf(s, "%s\t%s\t%s\n", type ? "type" : "theme", id, num);
	}
	for (f = 0; f < n; f++) {
		const float *row = &m->w[f * m->nout];
		int any = 0;

		for (o = 0; o < m->nout; o++)
			any |= fabs(row[o]) >= 5e-5;
		if (!any)
			continue;
		g_string_append_printf(s, "w\t%s\t", (char *)g_ptr_array_index(m->sp->names, f));
		for (o = 0; o < m->nout; o++)
			put_weight(s, row[o]);
		g_string_append_c(s, '\n');
	}
	{
		char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());

		if (!g_file_set_contents(tmp, s->str, (gssize)s->len, &gerr) ||
		    rename(tmp, path) != 0) {
			doc_error_set(err, "model", DOC_ERR_IO, "%s: cannot write: %s", path,
				      gerr ? gerr->message : g_strerror(errno));
			if (gerr)
				g_error_free(gerr);
			unlink(tmp);
			ret = -1;
		}
		free(tmp);
	}
	g_string_free(s, TRUE);
	return ret;
}
