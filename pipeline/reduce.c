/*
 * Reduce: records in, corpus CSVs out. Texts stream straight from each
 * record to passages.csv and passage_themes.csv; what stays in memory is
 * the counting skeleton of struct corpus (types, theme indices and term ids
 * per passage) that report.c needs. Terms get provisional ids as they are
 * met and are renumbered in byte order of the stem at the end, so every
 * output is ordered independently of the order documents finished in.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <glib.h>
#include "util.h"
#include "reduce.h"
#include "record.h"
#include "corpus.h"
#include "csvio.h"
#include "report.h"
#include "names.h"
#include "themetab.h"
#include "docvars.h"
#include "groups.h"
#include "sandbox.h"
#include "banned.h"

struct tinfo {
	char *term;
	unsigned id;       /* provisional id */
	unsigned long df, cf;
	size_t last_doc;   /* for df: the last document counted, + 1 */
	unsigned long in_doc; /* count in the document being added */
	const char *best;  /* its most frequent surface (renumber_terms) */
	unsigned long best_n;
};

/*
 * The occurrences of a (stem, surface) pair, in an open-addressing table
 * keyed by the surface: a word almost always stems one way, so one lookup
 * finds both the stem's counters and the surface's count.
 */
struct surf {
	char *surface;
	struct tinfo *t;
	unsigned long count;
	unsigned hash;
	unsigned len; /* of surface */
};

/* A key quote of a theme: a passage coded to it (quotes.csv). */
struct quote {
	double confidence;
	size_t doc, passage; /* document index, passage number (1-based) */
	int page;
	enum passage_type type;
	char *section, *text;
};

/* Quotes kept per theme, at most one per document. */
#define QUOTES_PER_THEME 20

struct quote_list {
	struct quote q[QUOTES_PER_THEME];
	size_t nr;
};

struct reducer {
	const struct reduce_options *o;
	struct corpus c;
	GHashTable *terms;   /* term -> struct tinfo */
	GPtrArray *by_id;    /* provisional id -> struct tinfo */
	struct surf *surf;   /* nr_surf used of alloc_surf (a power of 2) */
	size_t nr_surf, alloc_surf;
	GString *theme_cell; /* a passage's themes cell */
	struct csv_out *passages, *themes, *counts;
	struct name_counter *names;
	struct quote_list *quotes; /* per theme */
	const struct passage **best; /* per theme: this document's best quote */
	size_t *best_no;
	char **folder;  /* per document: the built-in group */
	long *metarow;  /* per document: its --metadata row, or -1 */
};

/*
 * The confidence of a label: the learned layer's probability when it coded
 * the label (passage_themes.csv `confidence`); for a label of the rules
 * alone (confidence -1), derived from the evidence score relative to the
 * theme's threshold: 1 - 2^(-score / threshold), 0.5 at the threshold,
 * 0.75 at twice it. The one place that decides the confidence of quotes.
 */
static double label_confidence(const struct reducer *r, const struct label *l)
{
	double th = r->o->tab && r->o->tab->thresholds[l->theme] > 0 ?
		    r->o->tab->thresholds[l->theme] : 1;

	if (l->confidence >= 0)
		return l->confidence;
	if (!(l->score > 0))
		return 0;
	return 1 - pow(2, -l->score / th);
}

static double passage_confidence(const struct reducer *r, const struct passage *p,
				 int theme)
{
	size_t i;

	for (i = 0; i < p->nr_labels; i++)
		if (p->labels[i].theme == theme)
			return label_confidence(r, &p->labels[i]);
	return 0;
}

/* Learning and recommendation passages make better quotes than context. */
static int type_rank(enum passage_type t)
{
	return t == TYPE_CONTEXT;
}

/* Order of quotes: confidence descending, learning and recommendation
 * before context, then document and passage order. */
static int quote_before(double ca, enum passage_type ta, size_t da, size_t pa,
			double cb, enum passage_type tb, size_t db, size_t pb)
{
	if (ca != cb)
		return ca > cb;
	if (type_rank(ta) != type_rank(tb))
		return type_rank(ta) < type_rank(tb);
	if (da != db)
		return da < db;
	return pa < pb;
}

static void quote_insert(struct reducer *r, size_t t, size_t d,
			 const struct passage *p, size_t no)
{
	struct quote_list *ql = &r->quotes[t];
	double conf = passage_confidence(r, p, (int)t);
	size_t i = ql->nr;

	while (i > 0 && quote_before(conf, p->type, d, no, ql->q[i - 1].confidence,
				     ql->q[i - 1].type, ql->q[i - 1].doc,
				     ql->q[i - 1].passage))
		i--;
	if (i >= QUOTES_PER_THEME)
		return;
	if (ql->nr == QUOTES_PER_THEME) {
		free(ql->q[QUOTES_PER_THEME - 1].section);
		free(ql->q[QUOTES_PER_THEME - 1].text);
		ql->nr--;
	}
	memmove(&ql->q[i + 1], &ql->q[i], (ql->nr - i) * sizeof(ql->q[0]));
	ql->q[i].confidence = conf;
	ql->q[i].doc = d;
	ql->q[i].passage = no;
	ql->q[i].page = p->page;
	ql->q[i].type = p->type;
	ql->q[i].section = xstrdup(p->section ? p->section : "");
	ql->q[i].text = xstrdup(p->text);
	ql->nr++;
}

/* The best quote of each theme in one document, into the theme's list. */
static void collect_quotes(struct reducer *r, size_t d, const struct passage_list *ps)
{
	size_t i, j, t;

	memset(r->best, 0, r->o->nr_themes * sizeof(*r->best));
	for (i = 0; i < ps->nr; i++) {
		const struct passage *p = &ps->items[i];

		if (p->kind == PASSAGE_HEADING)
			continue;
		for (j = 0; j < p->nr_labels; j++) {
			int th = p->labels[j].theme;
			const struct passage *b = r->best[th];

			if (!b || quote_before(label_confidence(r, &p->labels[j]), p->type, d, i + 1,
					       passage_confidence(r, b, th), b->type, d,
					       r->best_no[th])) {
				r->best[th] = p;
				r->best_no[th] = i + 1;
			}
		}
	}
	for (t = 0; t < r->o->nr_themes; t++)
		if (r->best[t])
			quote_insert(r, t, d, r->best[t], r->best_no[t]);
}

static struct tinfo *term_get(struct reducer *r, const char *term)
{
	struct tinfo *t = g_hash_table_lookup(r->terms, term);

	if (t)
		return t;
	t = g_new0(struct tinfo, 1);
	t->term = g_strdup(term);
	t->id = r->by_id->len;
	g_hash_table_insert(r->terms, t->term, t);
	g_ptr_array_add(r->by_id, t);
	return t;
}

static void free_tinfo(gpointer p)
{
	struct tinfo *t = p;

	g_free(t->term);
	g_free(t);
}

/* FNV-1a of s, and its length into *len. */
static unsigned surf_hash(const char *s, size_t *len)
{
	unsigned h = 2166136261u;
	const char *p;

	for (p = s; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	*len = (size_t)(p - s);
	return h;
}

static void surf_grow(struct reducer *r)
{
	size_t n = r->alloc_surf ? 2 * r->alloc_surf : 4096, i;
	struct surf *old = r->surf, *tab = xcalloc(n, sizeof(*tab));

	for (i = 0; i < r->alloc_surf; i++) {
		size_t j = old[i].hash & (n - 1);

		if (!old[i].surface)
			continue;
		while (tab[j].surface)
			j = (j + 1) & (n - 1);
		tab[j] = old[i];
	}
	free(old);
	r->surf = tab;
	r->alloc_surf = n;
}

/* The counters of stem `term` seen as `surface`, made at first sight. */
static struct surf *surf_get(struct reducer *r, const char *term, const char *surface)
{
	size_t len, j;
	unsigned h = surf_hash(surface, &len);
	struct surf *e;

	if (2 * (r->nr_surf + 1) > r->alloc_surf)
		surf_grow(r);
	for (j = h & (r->alloc_surf - 1); r->surf[j].surface; j = (j + 1) & (r->alloc_surf - 1)) {
		e = &r->surf[j];
		if (e->hash == h && e->len == len && !memcmp(e->surface, surface, len) &&
		    !strcmp(e->t->term, term))
			return e;
	}
	e = &r->surf[j];
	e->surface = xstrdup(surface);
	e->t = term_get(r, term);
	e->count = 0;
	e->hash = h;
	e->len = (unsigned)len;
	r->nr_surf++;
	return e;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static void write_passage_rows(struct reducer *r, const struct source *s,
			       const struct passage *p, size_t no)
{
	GString *themes = r->theme_cell;
	size_t i;

	g_string_truncate(themes, 0);
	for (i = 0; i < p->nr_labels; i++) {
		if (i)
			g_string_append_c(themes, ';');
		g_string_append(themes, r->o->theme_ids[p->labels[i].theme]);
	}
	csv_out_raw(r->passages, s->doc_id);
	csv_out_int(r->passages, (long long)no);
	csv_out_int(r->passages, p->page);
	csv_out_text(r->passages, p->section);
	csv_out_raw(r->passages, passage_kind_name(p->kind));
	csv_out_raw(r->passages, passage_type_name(p->type));
	csv_out_raw(r->passages, themes->str);
	csv_out_int(r->passages, p->ocr);
	csv_out_text(r->passages, p->text);
	csv_out_end_row(r->passages);
	for (i = 0; i < p->nr_labels; i++) {
		csv_out_raw(r->themes, s->doc_id);
		csv_out_int(r->themes, (long long)no);
		csv_out_raw(r->themes, r->o->theme_ids[p->labels[i].theme]);
		csv_out_double(r->themes, p->labels[i].score);
		if (p->labels[i].confidence >= 0) /* empty: coded by the rules alone */
			csv_out_double(r->themes, p->labels[i].confidence);
		else
			csv_out_raw(r->themes, "");
		csv_out_text(r->themes, p->labels[i].evidence);
		csv_out_end_row(r->themes);
	}
}

static int cmp_tinfo_term(const void *a, const void *b)
{
	const struct tinfo *x = *(struct tinfo *const *)a, *y = *(struct tinfo *const *)b;

	return strcmp(x->term, y->term);
}

/* Adds one document's passages to the corpus and writes its text rows. */
static void add_document(struct reducer *r, size_t d, const struct source *s,
			 const struct passage_list *ps)
{
	GPtrArray *order = g_ptr_array_new(); /* the document's terms */
	size_t i, j;

	for (i = 0; i < ps->nr; i++) {
		const struct passage *p = &ps->items[i];
		struct corpus_passage *cp;

		write_passage_rows(r, s, p, i + 1);
		ALLOC_GROW(r->c.passages, r->c.nr_passages, r->c.alloc_passages);
		cp = &r->c.passages[r->c.nr_passages++];
		memset(cp, 0, sizeof(*cp));
		cp->doc = (unsigned)d;
		cp->type = (unsigned char)p->type;
		cp->tokens = (unsigned)p->tokens;
		cp->nr_themes = (unsigned short)p->nr_labels;
		corpus_passage_alloc(cp, p->nr_terms, p->nr_labels);
		for (j = 0; j < p->nr_labels; j++)
			cp->themes[j] = p->labels[j].theme;
		for (j = 0; j < p->nr_terms; j++) {
			const struct term_count *tc = &p->terms[j];
			struct surf *sf = surf_get(r, tc->term, tc->surface);
			struct tinfo *t = sf->t;
			size_t m;

			/* Terms come sorted, so a stem listed twice (once per
			 * surface) is the entry just before. */
			m = cp->nr_terms;
			if (m && cp->term_ids[m - 1] == t->id)
				m--;
			if (m == cp->nr_terms) {
				cp->term_ids[m] = t->id;
				cp->term_counts[m] = 0;
				cp->nr_terms++;
			}
			cp->term_counts[m] += tc->count;
			t->cf += tc->count;
			if (t->last_doc != d + 1) {
				t->last_doc = d + 1;
				t->df++;
				t->in_doc = 0;
				g_ptr_array_add(order, t);
			}
			t->in_doc += tc->count;
			sf->count += tc->count;
		}
	}
	g_ptr_array_sort(order, cmp_tinfo_term);
	for (i = 0; i < order->len; i++) {
		struct tinfo *t = order->pdata[i];

		csv_out_raw(r->counts, s->doc_id);
		csv_out_text(r->counts, t->term);
		csv_out_int(r->counts, (long long)t->in_doc);
		csv_out_end_row(r->counts);
	}
	g_ptr_array_free(order, TRUE);
	collect_quotes(r, d, ps);
}

static void add_source(struct reducer *r, struct source *s)
{
	struct corpus_doc *cd;

	ALLOC_GROW(r->c.docs, r->c.nr_docs, r->c.alloc_docs);
	cd = &r->c.docs[r->c.nr_docs++];
	memset(cd, 0, sizeof(*cd));
	cd->doc_id = xstrdup(s->doc_id);
	cd->path = xstrdup(s->path);
	cd->format = xstrdup(s->format ? s->format : "");
	cd->sha256 = xstrdup(s->sha256);
	cd->first_passage = r->c.nr_passages;
}

static void finish_source(struct reducer *r, struct source *s)
{
	struct corpus_doc *cd = &r->c.docs[r->c.nr_docs - 1];
	char *msg = NULL;

	if (s->status == SOURCE_ERROR)
		msg = xstrfmt("%s: %s", s->stage ? s->stage : "error",
			      s->message ? s->message : "");
	cd->status = xstrdup(source_status_name(s->status));
	cd->message = msg ? msg : xstrdup(s->message ? s->message : "");
	cd->pages = s->pages;
	cd->nr_passages = r->c.nr_passages - cd->first_passage;
	cd->tokens = s->tokens;
}

/*
 * Records are read ahead, in document order, by a second thread: inflating,
 * checking and parsing a record, and counting the words of its passages for
 * names_is_name, overlap with the corpus being built from the documents
 * before it. At most READ_AHEAD documents wait, parsed, for the main thread.
 * The reader touches only its slots, the name counter (the main thread uses
 * it after the reader is joined) and the read-only options and records.
 */
#define READ_AHEAD 16

struct ahead {
	int rc; /* record_read's */
	struct passage_list ps;
	struct record_meta m;
	struct doc_error err;
};

struct reader {
	struct reducer *r;
	const struct source_list *l;
	struct ahead **slots; /* per document; NULL: not read (no record) */
	size_t ready;         /* slots[0, ready) are final */
	size_t consumed;      /* documents the main thread is done with */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	GThread *thread;
};

static int needs_read(const struct source *s)
{
	return s->status != SOURCE_ERROR && s->status != SOURCE_PENDING && s->record;
}

/* Waits until *v > x; outside the fork gate, so that workers fork
 * meanwhile (the reduce's threads hold it but while they wait). */
static void reader_wait_past(struct reader *rd, const size_t *v, size_t x)
{
	sandbox_gate_leave();
	pthread_mutex_lock(&rd->lock);
	while (*v <= x)
		pthread_cond_wait(&rd->cond, &rd->lock);
	pthread_mutex_unlock(&rd->lock);
	sandbox_gate_enter();
}

static gpointer reader_main(gpointer data)
{
	struct reader *rd = data;
	struct reducer *r = rd->r;
	size_t d, i;

	sandbox_gate_enter();
	for (d = 0; d < rd->l->nr; d++) {
		const struct source *s = &rd->l->items[d];
		struct ahead *a = NULL;

		/* at most READ_AHEAD documents ahead of the main thread, and
		 * only those the batch is done with */
		if (d >= READ_AHEAD)
			reader_wait_past(rd, &rd->consumed, d - READ_AHEAD);
		if (r->o->wait_doc) {
			sandbox_gate_leave();
			r->o->wait_doc(r->o->wait_ctx, d);
			sandbox_gate_enter();
		}
		if (needs_read(s)) {
			char *path = g_build_filename(r->o->records_dir, s->record, NULL);

			a = xcalloc(1, sizeof(*a));
			passage_list_init(&a->ps);
			a->rc = record_read(path, r->o->config, &a->m, &a->ps, r->o->theme_ids,
					    r->o->nr_themes, &a->err);
			g_free(path);
			for (i = 0; !a->rc && i < a->ps.nr; i++)
				names_add_passage(r->names, a->ps.items[i].text,
						  a->ps.items[i].kind == PASSAGE_HEADING);
		}
		pthread_mutex_lock(&rd->lock);
		rd->slots[d] = a;
		rd->ready = d + 1;
		pthread_cond_broadcast(&rd->cond);
		pthread_mutex_unlock(&rd->lock);
	}
	sandbox_gate_leave();
	return NULL;
}

static void reader_start(struct reader *rd, struct reducer *r, const struct source_list *l)
{
	memset(rd, 0, sizeof(*rd));
	rd->r = r;
	rd->l = l;
	rd->slots = xcalloc(l->nr + 1, sizeof(*rd->slots));
	pthread_mutex_init(&rd->lock, NULL);
	pthread_cond_init(&rd->cond, NULL);
	rd->thread = sandbox_gate_thread_new("records", reader_main, rd);
}

/* Document d's record, read; NULL when it had none to read. */
static struct ahead *reader_take(struct reader *rd, size_t d)
{
	struct ahead *a;

	reader_wait_past(rd, &rd->ready, d);
	pthread_mutex_lock(&rd->lock);
	a = rd->slots[d];
	rd->slots[d] = NULL;
	pthread_mutex_unlock(&rd->lock);
	return a;
}

static void reader_done_with(struct reader *rd, size_t d)
{
	pthread_mutex_lock(&rd->lock);
	rd->consumed = d + 1;
	pthread_cond_broadcast(&rd->cond);
	pthread_mutex_unlock(&rd->lock);
}

static void reader_join(struct reader *rd)
{
	g_thread_join(rd->thread);
	pthread_mutex_destroy(&rd->lock);
	pthread_cond_destroy(&rd->cond);
	free(rd->slots);
}

static void read_source(struct reducer *r, struct source *s, size_t d,
			struct ahead *a)
{
	size_t i;

	if (!a) {
		if (s->status != SOURCE_ERROR) {
			source_set_error(s, "worker", "not processed");
			if (r->o->on_error)
				r->o->on_error(r->o->ctx, s);
		}
		return;
	}
	if (a->rc) {
		source_set_error(s, a->err.stage, a->err.msg);
		if (r->o->on_error)
			r->o->on_error(r->o->ctx, s);
	} else {
		s->pages = a->m.pages;
		s->passages = a->ps.nr;
		s->tokens = 0;
		for (i = 0; i < a->ps.nr; i++)
			s->tokens += a->ps.items[i].tokens;
		free(s->message);
		s->message = a->m.warnings ? xstrdup(a->m.warnings) : NULL;
		s->status = a->m.warnings ? SOURCE_WARNING : SOURCE_OK;
		add_document(r, d, s, &a->ps);
	}
	free(a->m.warnings);
	passage_list_release(&a->ps);
	free(a);
}

/* Sorts terms by stem and rewrites every passage's term ids to match. */
static void renumber_terms(struct reducer *r)
{
	size_t n = r->by_id->len, i, j;
	struct tinfo **sorted = xmalloc((n + 1) * sizeof(*sorted));
	unsigned *new_id = xmalloc((n + 1) * sizeof(*new_id));
	unsigned *pairs = NULL;
	size_t alloc_pairs = 0;

	/* each stem's most frequent surface (ties: the first in byte order) */
	for (i = 0; i < r->alloc_surf; i++) {
		const struct surf *e = &r->surf[i];
		struct tinfo *t = e->t;

		if (e->surface && (e->count > t->best_n ||
				   (e->count == t->best_n && (!t->best || strcmp(e->surface, t->best) < 0)))) {
			t->best = e->surface;
			t->best_n = e->count;
		}
	}
	if (n)
		memcpy(sorted, r->by_id->pdata, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_tinfo_term);
	r->c.terms = xcalloc(n + 1, sizeof(*r->c.terms));
	r->c.nr_terms = n;
	for (i = 0; i < n; i++) {
		struct tinfo *t = sorted[i];

		new_id[t->id] = (unsigned)i;
		r->c.terms[i].term = xstrdup(t->term);
		r->c.terms[i].surface = xstrdup(t->best ? t->best : t->term);
		r->c.terms[i].name = names_is_name(r->names, r->c.terms[i].surface);
		r->c.terms[i].df = t->df;
		r->c.terms[i].cf = t->cf;
	}
	for (i = 0; i < r->c.nr_passages; i++) {
		struct corpus_passage *p = &r->c.passages[i];

		if (2 * p->nr_terms + 1 > alloc_pairs) {
			alloc_pairs = 4 * p->nr_terms + 64;
			pairs = xrealloc(pairs, alloc_pairs * sizeof(*pairs));
		}

		for (j = 0; j < p->nr_terms; j++) {
			pairs[2 * j] = new_id[p->term_ids[j]];
			pairs[2 * j + 1] = p->term_counts[j];
		}
		qsort(pairs, p->nr_terms, 2 * sizeof(*pairs), cmp_uint);
		for (j = 0; j < p->nr_terms; j++) {
			p->term_ids[j] = pairs[2 * j];
			p->term_counts[j] = pairs[2 * j + 1];
		}
	}
	free(pairs);
	free(sorted);
	free(new_id);
}

static int write_documents(struct reducer *r, struct source_list *l,
			   struct doc_error *err)
{
	static const char *const head[] = { "doc_id", "path", "format", "sha256", "pages",
					    "passages", "tokens", "status", "message", "folder" };
	struct csv_out *c = csv_out_open_in(r->o->outdir, "documents.csv", r->o->excel, err);
	size_t i;

	if (!c)
		return -1;
	for (i = 0; i < ARRAY_SIZE(head); i++)
		csv_out_raw(c, head[i]);
	for (i = 0; r->o->vars && i < r->o->vars->ncol; i++)
		csv_out_text(c, r->o->vars->cols[i]);
	csv_out_end_row(c);
	for (i = 0; i < l->nr; i++) {
		const struct source *s = &l->items[i];
		const struct corpus_doc *cd = &r->c.docs[i];
		size_t j;

		csv_out_raw(c, s->doc_id);
		csv_out_text(c, s->path);
		csv_out_raw(c, s->format ? s->format : "");
		csv_out_raw(c, s->sha256);
		csv_out_int(c, s->pages);
		csv_out_int(c, (long long)s->passages);
		csv_out_int(c, (long long)s->tokens);
		csv_out_raw(c, source_status_name(s->status));
		csv_out_text(c, cd->message);
		csv_out_text(c, r->folder[i]);
		for (j = 0; r->o->vars && j < r->o->vars->ncol; j++)
			csv_out_text(c, r->metarow[i] < 0 ? "" :
				     ((char **)r->o->vars->rows->pdata[r->metarow[i]])[j]);
		csv_out_end_row(c);
	}
	return csv_out_commit(c, err);
}

static int write_vocabulary(struct reducer *r, struct doc_error *err)
{
	struct csv_out *c = csv_out_open_in(r->o->outdir, "vocabulary.csv", r->o->excel, err);
	size_t i;

	if (!c)
		return -1;
	csv_out_line(c, "term,df,cf,surface,name");
	for (i = 0; i < r->c.nr_terms; i++) {
		csv_out_text(c, r->c.terms[i].term);
		csv_out_int(c, (long long)r->c.terms[i].df);
		csv_out_int(c, (long long)r->c.terms[i].cf);
		csv_out_text(c, r->c.terms[i].surface);
		csv_out_int(c, r->c.terms[i].name);
		csv_out_end_row(c);
	}
	return csv_out_commit(c, err);
}

static const struct corpus *cmp_corpus;

static int cmp_by_df(const void *a, const void *b)
{
	const struct corpus_term *x = &cmp_corpus->terms[*(const unsigned *)a];
	const struct corpus_term *y = &cmp_corpus->terms[*(const unsigned *)b];

	if (x->df != y->df)
		return x->df > y->df ? -1 : 1;
	return strcmp(x->term, y->term);
}

/* doc_term_matrix.csv: the top-K terms by document frequency (ties by
 * stem) as columns, one row per analysed document. */
static int write_term_matrix(struct reducer *r, struct doc_error *err)
{
	struct csv_out *c = csv_out_open_in(r->o->outdir, "doc_term_matrix.csv", r->o->excel, err);
	size_t n = r->c.nr_terms, k = r->o->top_terms < n ? r->o->top_terms : n;
	unsigned *ids = xmalloc((n + 1) * sizeof(*ids));
	int *col = xmalloc((n + 1) * sizeof(*col));
	unsigned long *row = xcalloc(k + 1, sizeof(*row));
	size_t i, j, d;

	if (!c)
		goto fail;
	for (i = 0; i < n; i++) {
		ids[i] = (unsigned)i;
		col[i] = -1;
	}
	cmp_corpus = &r->c;
	qsort(ids, n, sizeof(*ids), cmp_by_df);
	for (i = 0; i < k; i++)
		col[ids[i]] = (int)i;
	csv_out_raw(c, "doc_id");
	for (i = 0; i < k; i++)
		csv_out_text(c, r->c.terms[ids[i]].term);
	csv_out_end_row(c);
	for (d = 0; d < r->c.nr_docs; d++) {
		const struct corpus_doc *cd = &r->c.docs[d];

		if (!strcmp(cd->status, "error"))
			continue;
		memset(row, 0, (k + 1) * sizeof(*row));
		for (i = cd->first_passage; i < cd->first_passage + cd->nr_passages; i++) {
			const struct corpus_passage *p = &r->c.passages[i];

			for (j = 0; j < p->nr_terms; j++)
				if (col[p->term_ids[j]] >= 0)
					row[col[p->term_ids[j]]] += p->term_counts[j];
		}
		csv_out_raw(c, cd->doc_id);
		for (i = 0; i < k; i++)
			csv_out_int(c, (long long)row[i]);
		csv_out_end_row(c);
	}
	free(ids);
	free(col);
	free(row);
	return csv_out_commit(c, err);
fail:
	free(ids);
	free(col);
	free(row);
	return -1;
}

/* Each document's value of variable `name` (folder or a metadata column). */
static char **var_values(struct reducer *r, const char *name)
{
	size_t d, nd = r->c.nr_docs;
	char **v = xcalloc(nd + 1, sizeof(char *));
	int col = r->o->vars ? docvars_col(r->o->vars, name) : -1;

	for (d = 0; d < nd; d++)
		v[d] = !strcmp(name, "folder") ? r->folder[d] :
		       col >= 0 && r->metarow[d] >= 0 ?
		       ((char **)r->o->vars->rows->pdata[r->metarow[d]])[col] : NULL;
	return v;
}

/* theme_by_group.csv: by --group-by (default folder), and by year too when
 * the metadata has a year column. */
static int write_groups(struct reducer *r, struct doc_error *err)
{
	struct group_var v[2];
	size_t nv = 0, i;
	const char *by = r->o->group_by ? r->o->group_by : "folder";
	int rc;

	v[nv].name = by;
	v[nv++].value = var_values(r, by);
	if (strcmp(by, "year") && r->o->vars && docvars_col(r->o->vars, "year") >= 0) {
		v[nv].name = "year";
		v[nv++].value = var_values(r, "year");
	}
	rc = groups_write(&r->c, v, nv, r->o->outdir, r->o->excel, err);
	for (i = 0; i < nv; i++)
		free(v[i].value);
	return rc;
}

/* quotes.csv: per theme (codebook order), its quotes in rank order. */
static int write_quotes(struct reducer *r, struct doc_error *err)
{
	struct csv_out *c = csv_out_open_in(r->o->outdir, "quotes.csv", r->o->excel, err);
	size_t t, i;

	if (!c)
		return -1;
	csv_out_line(c, "theme,doc_id,passage,page,section,type,confidence,text");
	for (t = 0; t < r->o->nr_themes; t++)
		for (i = 0; i < r->quotes[t].nr; i++) {
			const struct quote *q = &r->quotes[t].q[i];

			csv_out_raw(c, r->o->theme_ids[t]);
			csv_out_raw(c, r->c.docs[q->doc].doc_id);
			csv_out_int(c, (long long)q->passage);
			csv_out_int(c, q->page);
			csv_out_text(c, q->section);
			csv_out_raw(c, passage_type_name(q->type));
			csv_out_fixed(c, q->confidence, 3);
			csv_out_text(c, q->text);
			csv_out_end_row(c);
		}
	return csv_out_commit(c, err);
}

static void free_quotes(struct reducer *r)
{
	size_t t, i;

	for (t = 0; r->quotes && t < r->o->nr_themes; t++)
		for (i = 0; i < r->quotes[t].nr; i++) {
			free(r->quotes[t].q[i].section);
			free(r->quotes[t].q[i].text);
		}
	free(r->quotes);
	free(r->best);
	free(r->best_no);
}

static struct csv_out *open_stream(struct reducer *r, const char *name,
				   const char *header, struct doc_error *err)
{
	struct csv_out *c = csv_out_open_in(r->o->outdir, name, r->o->excel, err);

	if (c)
		csv_out_line(c, header);
	return c;
}

int reduce_write(struct source_list *l, const struct reduce_options *o,
		 struct reduce_counts *counts, struct doc_error *err)
{
	struct reducer r;
	struct reader rd;
	size_t i;
	int rc = -1;

	/* This thread holds the fork gate but while it waits: beside a batch,
	 * GLib's allocator and stdio take locks a forked worker must not
	 * inherit taken. */
	sandbox_gate_enter();
	memset(&r, 0, sizeof(r));
	memset(counts, 0, sizeof(*counts));
	r.o = o;
	r.terms = g_hash_table_new(g_str_hash, g_str_equal);
	r.by_id = g_ptr_array_new_with_free_func(free_tinfo);
	r.theme_cell = g_string_new(NULL);
	r.c.nr_themes = o->nr_themes;
	r.c.theme_ids = xcalloc(o->nr_themes + 1, sizeof(char *));
	r.c.theme_labels = xcalloc(o->nr_themes + 1, sizeof(char *));
	r.c.theme_groups = xcalloc(o->nr_themes + 1, sizeof(char *));
	for (i = 0; i < o->nr_themes; i++) {
		r.c.theme_ids[i] = xstrdup(o->theme_ids[i]);
		r.c.theme_labels[i] = xstrdup(o->tab ? o->tab->labels[i] : o->theme_ids[i]);
		r.c.theme_groups[i] = xstrdup(o->tab ? o->tab->groups[i] : "");
	}
	r.c.keep_names = o->keep_names;
	r.names = names_new(NAMES_DICT_DEFAULT);
	r.quotes = xcalloc(o->nr_themes + 1, sizeof(*r.quotes));
	r.best = xcalloc(o->nr_themes + 1, sizeof(*r.best));
	r.best_no = xcalloc(o->nr_themes + 1, sizeof(*r.best_no));
	r.c.min_lr = o->min_lr;
	r.c.min_any = o->min_any;
	if (g_mkdir_with_parents(o->outdir, 0777)) {
		doc_error_set(err, "write", DOC_ERR_IO, "cannot create '%s'", o->outdir);
		goto out;
	}
	r.passages = open_stream(&r, "passages.csv",
				 "doc_id,passage,page,section,kind,type,themes,ocr,text", err);
	r.themes = r.passages ? open_stream(&r, "passage_themes.csv",
					    "doc_id,passage,theme,score,confidence,evidence", err) : NULL;
	r.counts = r.themes ? open_stream(&r, "doc_term_counts.csv",
					  "doc_id,term,count", err) : NULL;
	if (!r.counts)
		goto out;
	reader_start(&rd, &r, l);
	for (i = 0; i < l->nr; i++) {
		/* the reader has it only once the batch is done with it */
		struct ahead *a = reader_take(&rd, i);

		add_source(&r, &l->items[i]);
		read_source(&r, &l->items[i], i, a);
		finish_source(&r, &l->items[i]);
		reader_done_with(&rd, i);
	}
	reader_join(&rd);
	renumber_terms(&r);
	r.folder = xcalloc(l->nr + 1, sizeof(char *));
	r.metarow = xcalloc(l->nr + 1, sizeof(long));
	for (i = 0; i < l->nr; i++) {
		r.folder[i] = docvars_folder(l->items[i].doc_id, l->items[i].path);
		r.metarow[i] = o->vars ? docvars_match(o->vars, l->items[i].doc_id,
						       l->items[i].path) : -1;
	}
	if (csv_out_commit(r.passages, err)) {
		r.passages = NULL;
		goto out;
	}
	r.passages = NULL;
	if (csv_out_commit(r.themes, err)) {
		r.themes = NULL;
		goto out;
	}
	r.themes = NULL;
	if (csv_out_commit(r.counts, err)) {
		r.counts = NULL;
		goto out;
	}
	r.counts = NULL;
	if (write_documents(&r, l, err) || write_vocabulary(&r, err) ||
	    write_term_matrix(&r, err) || write_quotes(&r, err) || report_write(&r.c, o->outdir, o->excel, err) ||
	    write_groups(&r, err))
		goto out;
	for (i = 0; i < l->nr; i++) {
		const struct source *s = &l->items[i];

		counts->ok += s->status == SOURCE_OK;
		counts->warning += s->status == SOURCE_WARNING;
		counts->error += s->status == SOURCE_ERROR;
		counts->pages += (unsigned long)(s->pages > 0 ? s->pages : 0);
		counts->tokens += s->tokens;
	}
	counts->passages = r.c.nr_passages;
	counts->terms = r.c.nr_terms;
	rc = 0;
out:
	csv_out_abort(r.passages);
	csv_out_abort(r.themes);
	csv_out_abort(r.counts);
	g_hash_table_destroy(r.terms);
	g_ptr_array_free(r.by_id, TRUE);
	for (i = 0; i < r.alloc_surf; i++)
		free(r.surf[i].surface);
	free(r.surf);
	g_string_free(r.theme_cell, TRUE);
	corpus_release(&r.c);
	names_free(r.names);
	free_quotes(&r);
	for (i = 0; r.folder && i < l->nr; i++)
		g_free(r.folder[i]);
	free(r.folder);
	free(r.metarow);
	sandbox_gate_leave();
	return rc;
}
