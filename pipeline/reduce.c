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
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <unistd.h>
#include <sys/stat.h>
#include <glib.h>
#include <zlib.h>
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
#include "html_report.h"
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
 * A (stem, surface) pair and its occurrences. Pairs are numbered in order
 * of first sight (sid) and found through an open-addressing table keyed by
 * the surface: a word almost always stems one way, so one lookup finds both
 * the stem's counters and the surface's count.
 */
struct sinfo {
	const char *surface; /* the table entry's */
	struct tinfo *t;
	unsigned long count;
};

struct surf {
	char *surface;
	unsigned sid;
	unsigned hash;
	unsigned len; /* of surface */
};

/* A key quote of a theme: a passage coded to it (quotes.csv). */
struct quote {
	double confidence;
	size_t doc, passage; /* document index, passage number (1-based) */
	int page;
	enum passage_type type;
	char *section, *text; /* NULL: still in the reduce state before */
	long from;            /* then its document there */
};

/* Quotes kept per theme, at most one per document. */
#define QUOTES_PER_THEME 20

struct quote_list {
	struct quote q[QUOTES_PER_THEME];
	size_t nr;
};

/*
 * The reduce state (reduce.h: reduce_options.state): what each document
 * added, kept after a published reduce so that the next reduce takes an
 * unchanged document from it instead of from its record, and copies the
 * document's rows of passages.csv, passage_themes.csv and
 * doc_term_counts.csv from the published files instead of writing them
 * again. The file:
 *
 *   "RMREDST2", the SHA-256 of the options that shape a document's share
 *   documents: each document's share, in order, as it is (shares are
 *           read one by one where they lie; compressing them cost a
 *           nightly rerun more than reading them whole)
 *   tables: one deflate stream of the (stem, surface) pairs, the words of
 *           the name counts, the documents' index (doc_id, record name,
 *           pages, warnings, passages, tokens, its rows' offset and length
 *           in the three files, its share's length, its record file's
 *           size and inode) and the texts of the published quotes
 *   trailer: where the streams are, the identity (size, mtime, inode) of
 *           the three files, the CRC-32 of everything before it, "RMREDEND"
 *
 * A document's share: its name counts (word ids ascending, as deltas; the
 * occurrences times 3 plus 0: none capitalised, 1: all, 2: the number
 * follows), per
 * passage its type, tokens, themes and terms (pair id x 2, + 1 and the
 * count when it is not 1), and its best
 * quote per theme without the text. Numbers are LEB128 varints, the
 * trailer's 8 bytes little-endian. Any mismatch (options,
 * files, checksum) leaves the whole state unused; a document is taken from
 * it only under the same doc_id and record name (content and configuration)
 * and when its share reads back whole.
 */
#define NR_STREAMS 3 /* passages, passage themes, term counts */
#define STATE_MAGIC "RMREDST2"
#define STATE_END "RMREDEND"
#define STATE_KEY 32
#define STATE_HEAD (8 + STATE_KEY)
#define STATE_TRAILER (5 * 8 + NR_STREAMS * 3 * 8 + 4 + 8)
#define STATE_MAX_TABLES ((unsigned long long)1 << 32)
#define STATE_CHUNK ((size_t)1 << 16)

static const char *const stream_name[NR_STREAMS] = {
	"passages.csv", "passage_themes.csv", "doc_term_counts.csv"
};

static void put_uv(GByteArray *b, unsigned long long v)
{
	unsigned char c[10];
	guint n = 0;

	while (v >= 0x80) {
		c[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	c[n++] = (unsigned char)v;
	g_byte_array_append(b, c, n);
}

static void put_sv(GByteArray *b, long long v)
{
	put_uv(b, v < 0 ? ((unsigned long long)(-(v + 1)) << 1) | 1 : (unsigned long long)v << 1);
}

/* A term of a passage: pair id x 2, + 1 and the count when it is not 1. */
static void put_term(GByteArray *b, unsigned sid, unsigned long count)
{
	put_uv(b, 2ULL * sid + (count != 1));
	if (count != 1)
		put_uv(b, count);
}

static void put_str(GByteArray *b, const char *s)
{
	g_byte_array_append(b, (const guint8 *)s, (guint)strlen(s) + 1);
}

static void put_u64(unsigned char *p, unsigned long long v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static unsigned long long get_u64(const unsigned char *p)
{
	unsigned long long v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put_dbl(GByteArray *b, double v)
{
	unsigned long long u;
	unsigned char c[8];

	memcpy(&u, &v, sizeof(u));
	put_u64(c, u);
	g_byte_array_append(b, c, 8);
}

/* A reading position; `bad` once anything did not fit. */
struct rd {
	const unsigned char *p, *end;
	int bad;
};

static unsigned long long get_uv(struct rd *d)
{
	unsigned long long v = 0;
	unsigned sh = 0;

	while (d->p < d->end && sh < 64) {
		unsigned char c = *d->p++;

		v |= (unsigned long long)(c & 0x7f) << sh;
		if (!(c & 0x80))
			return v;
		sh += 7;
	}
	d->bad = 1;
	return 0;
}

static long long get_sv(struct rd *d)
{
	unsigned long long u = get_uv(d);

	return u & 1 ? -(long long)(u >> 1) - 1 : (long long)(u >> 1);
}

/* A number below max. */
static unsigned long long get_below(struct rd *d, unsigned long long max)
{
	unsigned long long v = get_uv(d);

	if (v >= max)
		d->bad = 1;
	return d->bad ? 0 : v;
}

/* A count of items of at least one byte each. */
static size_t get_nr(struct rd *d)
{
	return (size_t)get_below(d, (unsigned long long)(d->end - d->p) + 1);
}

static const char *get_str(struct rd *d)
{
	const unsigned char *z = d->p < d->end ? memchr(d->p, 0, (size_t)(d->end - d->p)) : NULL;
	const char *s = (const char *)d->p;

	if (!z) {
		d->bad = 1;
		return "";
	}
	d->p = z + 1;
	return s;
}

static double get_dbl(struct rd *d)
{
	unsigned long long u;
	double v;

	if (d->end - d->p < 8) {
		d->bad = 1;
		return 0;
	}
	u = get_u64(d->p);
	d->p += 8;
	memcpy(&v, &u, sizeof(v));
	return v;
}

/* A record file as it was: its size and inode (its times change as runs
 * use it, store.h). */
struct ident {
	unsigned long long size, ino;
};

static void ident_of(struct ident *id, const struct stat *st)
{
	id->size = (unsigned long long)st->st_size;
	id->ino = (unsigned long long)st->st_ino;
}

/* A document of the state read. */
struct odoc {
	const char *doc_id, *record, *warnings; /* warnings NULL: none */
	int pages;
	unsigned long nr_passages, tokens;
	long long off[NR_STREAMS], len[NR_STREAMS];
	size_t share_len;
	long long share_off; /* in the state file */
	struct ident rec; /* its record file then */
};

/* The text of a quote published from it. */
struct oquote {
	size_t doc;
	unsigned long no;
	const char *section, *text;
};

/* The state of the reduce before: read in reduce_write, then the reader
 * thread reads the shares and maps words, the main thread maps pairs and
 * copies rows. */
struct ostate {
	int sfd;               /* the state file */
	unsigned char *tab;
	const char **pair_term, **pair_surf;
	size_t nr_pairs;
	unsigned *pair_sid;  /* main thread: sid + 1, 0 not yet */
	const char **words;
	size_t nr_words;
	unsigned *word_id;   /* reader: names word id + 1, 0 not yet */
	struct odoc *docs;
	size_t nr_docs;
	struct oquote *quotes;
	size_t nr_quotes;
	GHashTable *by_doc_id; /* doc_id -> index + 1 */
	int fd[NR_STREAMS];
};

/* A document of the state being written. */
struct ndoc {
	size_t d; /* its source */
	long long off[NR_STREAMS], len[NR_STREAMS];
	size_t share_len;
	struct ident rec;
};

struct nstate {
	FILE *f;
	char *tmp, *path;
	unsigned long crc;
	long long written;
	z_stream zs;
	int zs_open, failed;
	struct ndoc *docs;
	size_t nr_docs, alloc_docs;
	size_t *of_doc; /* per source: index in docs + 1 */
	long long docs_off, docs_len, tab_off, tab_len, tab_ulen;
};

struct reducer {
	const struct reduce_options *o;
	struct corpus c;
	GHashTable *terms;   /* term -> struct tinfo */
	GPtrArray *by_id;    /* provisional id -> struct tinfo */
	struct surf *surf;   /* nr_sinfo used of alloc_surf (a power of 2) */
	size_t alloc_surf;
	struct sinfo *sinfo; /* by sid */
	size_t nr_sinfo, alloc_sinfo;
	GString *theme_cell; /* a passage's themes cell */
	struct csv_out *passages, *themes, *counts;
	struct name_counter *names;
	struct quote_list *quotes; /* per theme */
	const struct passage **best; /* per theme: this document's best quote */
	size_t *best_no;
	char **folder;  /* per document: the built-in group */
	long *metarow;  /* per document: its --metadata row, or -1 */
	struct ostate *os;   /* the reduce state before, or NULL */
	struct nstate *ns;   /* the one being written, or NULL */
	GByteArray *share;   /* with ns: the document's share being made */
	long long pos[NR_STREAMS]; /* with ns: the streams' lengths */
	long long pend_off[NR_STREAMS], pend_len[NR_STREAMS]; /* rows to copy */
	int copy_errno;
	int *theme_buf; /* a passage's themes read from a share */
	size_t from_state;
	struct html_passages *hp; /* what report.html takes from passages.csv */
	GArray *wanted;      /* a shared document's passages report.html shows */
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

/* A candidate quote of theme t: passage p, or with p NULL passage `no` of
 * document `from` of the reduce state before. */
static void quote_add(struct reducer *r, size_t t, size_t d, double conf,
		      enum passage_type type, int page, size_t no,
		      const struct passage *p, long from)
{
	struct quote_list *ql = &r->quotes[t];
	size_t i = ql->nr;

	while (i > 0 && quote_before(conf, type, d, no, ql->q[i - 1].confidence,
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
	ql->q[i].page = page;
	ql->q[i].type = type;
	ql->q[i].section = p ? xstrdup(p->section ? p->section : "") : NULL;
	ql->q[i].text = p ? xstrdup(p->text) : NULL;
	ql->q[i].from = from;
	ql->nr++;
}

static void quote_insert(struct reducer *r, size_t t, size_t d,
			 const struct passage *p, size_t no)
{
	quote_add(r, t, d, passage_confidence(r, p, (int)t), p->type, p->page, no, p, -1);
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

/* The sid of stem `term` seen as `surface`, made at first sight. */
static unsigned surf_get(struct reducer *r, const char *term, const char *surface)
{
	size_t len, j;
	unsigned h = str_hash_len(surface, &len);
	struct surf *e;
	struct sinfo *si;

	if (2 * (r->nr_sinfo + 1) > r->alloc_surf)
		surf_grow(r);
	for (j = h & (r->alloc_surf - 1); r->surf[j].surface; j = (j + 1) & (r->alloc_surf - 1)) {
		e = &r->surf[j];
		if (e->hash == h && e->len == len && !memcmp(e->surface, surface, len) &&
		    !strcmp(r->sinfo[e->sid].t->term, term))
			return e->sid;
	}
	e = &r->surf[j];
	e->surface = xstrdup(surface);
	e->hash = h;
	e->len = (unsigned)len;
	e->sid = (unsigned)r->nr_sinfo;
	ALLOC_GROW(r->sinfo, r->nr_sinfo + 1, r->alloc_sinfo);
	si = &r->sinfo[r->nr_sinfo++];
	si->surface = e->surface;
	si->t = term_get(r, term);
	si->count = 0;
	return e->sid;
}

/* The cells report.html shows of passage p, number no of document d, as
 * passages.csv has them. */
static void passage_cells(struct reducer *r, size_t d, const struct passage *p, size_t no)
{
	const char *sec = p->section ? p->section : "", *text = p->text ? p->text : "";
	char *gs = csv_text_guarded(sec) ? xstrfmt("'%s", sec) : NULL;
	char *gt = csv_text_guarded(text) ? xstrfmt("'%s", text) : NULL;
	char nb[24], pb[24];

	snprintf(nb, sizeof(nb), "%zu", no);
	snprintf(pb, sizeof(pb), "%d", p->page);
	html_passages_text(r->hp, d, no, nb, pb, gs ? gs : sec, gt ? gt : text);
	free(gs);
	free(gt);
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

/* The key of the options a document's share and rows depend on. */
static void state_key(const struct reduce_options *o, unsigned char *key)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	gsize n = STATE_KEY;
	size_t i;
	char buf[64];

	g_checksum_update(ck, (const guchar *)"revmine reduce state 1\n", -1);
	g_checksum_update(ck, (const guchar *)o->config, -1);
	snprintf(buf, sizeof(buf), "\n%d\n%zu\n", o->excel, o->nr_themes);
	g_checksum_update(ck, (const guchar *)buf, -1);
	for (i = 0; i < o->nr_themes; i++) {
		/* the thresholds make the confidence of a label of the rules */
		snprintf(buf, sizeof(buf), "\n%a\n",
			 o->tab && o->tab->thresholds ? o->tab->thresholds[i] : -1.0);
		g_checksum_update(ck, (const guchar *)o->theme_ids[i], -1);
		g_checksum_update(ck, (const guchar *)buf, -1);
	}
	g_checksum_get_digest(ck, key, &n);
	g_checksum_free(ck);
}

static void ostate_free(struct ostate *os)
{
	int k;

	if (!os)
		return;
	for (k = 0; k < NR_STREAMS; k++)
		if (os->fd[k] >= 0)
			close(os->fd[k]);
	if (os->by_doc_id)
		g_hash_table_destroy(os->by_doc_id);
	if (os->sfd >= 0)
		close(os->sfd);
	free(os->tab);
	free(os->pair_term);
	free(os->pair_surf);
	free(os->pair_sid);
	free(os->words);
	free(os->word_id);
	free(os->docs);
	free(os->quotes);
	free(os);
}

static long long mtime_ns(const struct stat *st)
{
	return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

/* The tables of a state: 0, or -1 when they do not read back whole. */
static int ostate_tables(struct ostate *os, struct rd *d, const long long *size)
{
	size_t i;
	int k;

	os->nr_pairs = get_nr(d);
	os->pair_term = xcalloc(os->nr_pairs + 1, sizeof(char *));
	os->pair_surf = xcalloc(os->nr_pairs + 1, sizeof(char *));
	for (i = 0; i < os->nr_pairs && !d->bad; i++) {
		os->pair_term[i] = get_str(d);
		os->pair_surf[i] = get_str(d);
	}
	os->nr_words = get_nr(d);
	os->words = xcalloc(os->nr_words + 1, sizeof(char *));
	for (i = 0; i < os->nr_words && !d->bad; i++)
		os->words[i] = get_str(d);
	os->nr_docs = get_nr(d);
	os->docs = xcalloc(os->nr_docs + 1, sizeof(*os->docs));
	os->by_doc_id = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < os->nr_docs && !d->bad; i++) {
		struct odoc *od = &os->docs[i];

		od->doc_id = get_str(d);
		od->record = get_str(d);
		od->pages = (int)get_sv(d);
		od->warnings = get_below(d, 2) ? get_str(d) : NULL;
		od->nr_passages = (unsigned long)get_uv(d);
		od->tokens = (unsigned long)get_uv(d);
		for (k = 0; k < NR_STREAMS; k++) {
			od->off[k] = (long long)get_below(d, (unsigned long long)size[k] + 1);
			od->len[k] = (long long)get_below(d, (unsigned long long)(size[k] - od->off[k]) + 1);
		}
		od->share_len = (size_t)get_below(d, STATE_MAX_TABLES);
		od->rec.size = get_uv(d);
		od->rec.ino = get_uv(d);
		g_hash_table_insert(os->by_doc_id, (gpointer)od->doc_id, GSIZE_TO_POINTER(i + 1));
	}
	os->nr_quotes = get_nr(d);
	os->quotes = xcalloc(os->nr_quotes + 1, sizeof(*os->quotes));
	for (i = 0; i < os->nr_quotes && !d->bad; i++) {
		os->quotes[i].doc = (size_t)get_below(d, os->nr_docs);
		os->quotes[i].no = (unsigned long)get_uv(d);
		os->quotes[i].section = get_str(d);
		os->quotes[i].text = get_str(d);
	}
	return d->bad || d->p != d->end ? -1 : 0;
}

/* Reads exactly n bytes at off of fd: 0, or -1. */
static int read_at(int fd, void *buf, size_t n, long long off)
{
	char *p = buf;

	while (n) {
		ssize_t r = pread(fd, p, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

/* The CRC-32 of the first n bytes of fd; -1 on a read error. */
static long long crc_of(int fd, long long n)
{
	unsigned char *buf = xmalloc(STATE_CHUNK);
	unsigned long crc = crc32(0, NULL, 0);
	long long off = 0;

	while (off < n) {
		size_t m = n - off < (long long)STATE_CHUNK ? (size_t)(n - off) : STATE_CHUNK;

		if (read_at(fd, buf, m, off)) {
			free(buf);
			return -1;
		}
		crc = crc32_z(crc, buf, m);
		off += (long long)m;
	}
	free(buf);
	return (long long)crc;
}

/* The state of the reduce before, when it is whole and made under the same
 * options for the files now in outdir; else NULL. The shares are read as
 * they are taken, not held whole. */
static struct ostate *ostate_load(const struct reduce_options *o, const unsigned char *key)
{
	struct ostate *os = xcalloc(1, sizeof(*os));
	unsigned char head[STATE_HEAD], t[STATE_TRAILER];
	unsigned long long docs_off, docs_len, tab_off, tab_len, tab_ulen;
	long long size[NR_STREAMS], len, at;
	unsigned char *ztab = NULL;
	size_t i;
	uLongf ulen;
	struct stat st;
	struct rd d;
	int k;

	for (k = 0; k < NR_STREAMS; k++)
		os->fd[k] = -1;
	os->sfd = open(o->state, O_RDONLY | O_CLOEXEC);
	if (os->sfd < 0 || fstat(os->sfd, &st))
		goto fail;
	len = (long long)st.st_size;
	if (len < STATE_HEAD + STATE_TRAILER || read_at(os->sfd, head, STATE_HEAD, 0) ||
	    read_at(os->sfd, t, STATE_TRAILER, len - STATE_TRAILER) ||
	    memcmp(head, STATE_MAGIC, 8) || memcmp(head + 8, key, STATE_KEY) ||
	    memcmp(t + STATE_TRAILER - 8, STATE_END, 8) ||
	    crc_of(os->sfd, len - 12) != (long long)(get_u64(t + STATE_TRAILER - 12) & 0xffffffffu))
		goto fail;
	docs_off = get_u64(t);
	docs_len = get_u64(t + 8);
	tab_off = get_u64(t + 16);
	tab_len = get_u64(t + 24);
	tab_ulen = get_u64(t + 32);
	if (docs_off != STATE_HEAD || docs_len > (unsigned long long)len ||
	    tab_off != docs_off + docs_len || tab_len > (unsigned long long)len ||
	    tab_off + tab_len != (unsigned long long)(len - STATE_TRAILER) ||
	    tab_ulen >= STATE_MAX_TABLES)
		goto fail;
	/* the rows are copied from the files the state was made with */
	for (k = 0; k < NR_STREAMS; k++) {
		const unsigned char *id = t + 40 + 24 * k;
		char *p = g_build_filename(o->outdir, stream_name[k], NULL);

		os->fd[k] = open(p, O_RDONLY | O_CLOEXEC);
		g_free(p);
		if (os->fd[k] < 0 || fstat(os->fd[k], &st) ||
		    (unsigned long long)st.st_size != get_u64(id) ||
		    (unsigned long long)mtime_ns(&st) != get_u64(id + 8) ||
		    (unsigned long long)st.st_ino != get_u64(id + 16))
			goto fail;
		size[k] = (long long)st.st_size;
	}
	ztab = xmalloc(tab_len + 1);
	os->tab = xmalloc(tab_ulen + 1);
	ulen = (uLongf)tab_ulen;
	if (read_at(os->sfd, ztab, tab_len, (long long)tab_off) ||
	    uncompress(os->tab, &ulen, ztab, (uLong)tab_len) != Z_OK || ulen != tab_ulen)
		goto fail;
	free(ztab);
	ztab = NULL;
	d.p = os->tab;
	d.end = os->tab + tab_ulen;
	d.bad = 0;
	if (ostate_tables(os, &d, size))
		goto fail;
	/* the shares lie one after the other and fill the stream */
	for (i = 0, at = (long long)docs_off; i < os->nr_docs; i++) {
		os->docs[i].share_off = at;
		at += (long long)os->docs[i].share_len;
		if (at > (long long)(docs_off + docs_len))
			goto fail;
	}
	if (at != (long long)(docs_off + docs_len))
		goto fail;
	os->pair_sid = xcalloc(os->nr_pairs + 1, sizeof(unsigned));
	os->word_id = xcalloc(os->nr_words + 1, sizeof(unsigned));
	return os;
fail:
	free(ztab);
	ostate_free(os);
	return NULL;
}

static struct csv_out *stream_out(struct reducer *r, int k)
{
	return k == 0 ? r->passages : k == 1 ? r->themes : r->counts;
}

/* Copies the rows waiting to be copied to stream k. */
static void rows_flush(struct reducer *r, int k)
{
	if (r->pend_len[k] && csv_out_copy(stream_out(r, k), r->os->fd[k], r->pend_off[k],
					   r->pend_len[k]) && !r->copy_errno)
		r->copy_errno = errno ? errno : EIO;
	r->pend_len[k] = 0;
}

/* Rows [off, off + len) of the published stream k, to be copied after those
 * before (runs of them in one copy); returns their offset in the new one. */
static long long rows_copy(struct reducer *r, int k, long long off, long long len)
{
	long long at = r->pos[k];

	if (r->pend_len[k] && r->pend_off[k] + r->pend_len[k] == off) {
		r->pend_len[k] += len;
	} else if (len) {
		rows_flush(r, k);
		r->pend_off[k] = off;
		r->pend_len[k] = len;
	}
	r->pos[k] += len;
	return at;
}

static void ns_write(struct nstate *ns, const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, ns->f) != n)
		ns->failed = 1;
	ns->crc = crc32_z(ns->crc, p, n);
	ns->written += (long long)n;
}

static void ns_deflate(struct nstate *ns, const void *p, size_t n, int flush)
{
	unsigned char out[65536];

	ns->zs.next_in = (Bytef *)p;
	ns->zs.avail_in = (uInt)n;
	for (;;) {
		int z;

		ns->zs.next_out = out;
		ns->zs.avail_out = sizeof(out);
		z = deflate(&ns->zs, flush);
		if (z == Z_STREAM_ERROR) {
			ns->failed = 1;
			return;
		}
		ns_write(ns, out, sizeof(out) - ns->zs.avail_out);
		if (flush == Z_FINISH ? z == Z_STREAM_END : ns->zs.avail_out != 0)
			return;
	}
}

static void nstate_free(struct nstate *ns, int keep_tmp)
{
	if (!ns)
		return;
	if (ns->f)
		fclose(ns->f);
	if (!keep_tmp)
		unlink(ns->tmp);
	if (ns->zs_open)
		deflateEnd(&ns->zs);
	free(ns->tmp);
	free(ns->path);
	free(ns->docs);
	free(ns->of_doc);
	free(ns);
}

/* The state a published reduce leaves for the next (reduce_state_commit). */
static struct nstate *pending_state;

void reduce_state_drop(void)
{
	nstate_free(pending_state, 0);
	pending_state = NULL;
}

int reduce_state_commit(const char *outdir)
{
	struct nstate *ns = pending_state;
	unsigned char t[STATE_TRAILER];
	int k, rc = -1;

	pending_state = NULL;
	if (!ns)
		return 0;
	put_u64(t, (unsigned long long)ns->docs_off);
	put_u64(t + 8, (unsigned long long)ns->docs_len);
	put_u64(t + 16, (unsigned long long)ns->tab_off);
	put_u64(t + 24, (unsigned long long)ns->tab_len);
	put_u64(t + 32, (unsigned long long)ns->tab_ulen);
	for (k = 0; k < NR_STREAMS; k++) {
		char *p = g_build_filename(outdir, stream_name[k], NULL);
		struct stat st;
		int bad = stat(p, &st);

		g_free(p);
		if (bad)
			goto out;
		put_u64(t + 40 + 24 * k, (unsigned long long)st.st_size);
		put_u64(t + 40 + 24 * k + 8, (unsigned long long)mtime_ns(&st));
		put_u64(t + 40 + 24 * k + 16, (unsigned long long)st.st_ino);
	}
	ns_write(ns, t, STATE_TRAILER - 12);
	t[0] = (unsigned char)ns->crc;
	t[1] = (unsigned char)(ns->crc >> 8);
	t[2] = (unsigned char)(ns->crc >> 16);
	t[3] = (unsigned char)(ns->crc >> 24);
	memcpy(t + 4, STATE_END, 8);
	ns_write(ns, t, 12);
	if (fclose(ns->f) || ns->failed) {
		ns->f = NULL;
		goto out;
	}
	ns->f = NULL;
	rc = rename(ns->tmp, ns->path);
out:
	nstate_free(ns, !rc);
	return rc;
}

/* The state this reduce writes, begun; NULL when it cannot be written. */
static struct nstate *nstate_open(const struct reduce_options *o, const unsigned char *key,
				  size_t nr_sources)
{
	struct nstate *ns = xcalloc(1, sizeof(*ns));
	char *dir = g_path_get_dirname(o->state), *base = g_path_get_basename(o->state);
	char *prefix = xstrfmt("%s.tmp.", base);
	GDir *gd;
	const char *nm;

	ns->path = xstrdup(o->state);
	ns->tmp = xstrfmt("%s.tmp.%ld", o->state, (long)getpid());
	/* beside the batch, which makes the folder too */
	g_mkdir_with_parents(dir, 0777);
	/* what a killed run left (the caller holds the folder's lock) */
	gd = g_dir_open(dir, 0, NULL);
	while (gd && (nm = g_dir_read_name(gd)))
		if (g_str_has_prefix(nm, prefix)) {
			char *p = g_build_filename(dir, nm, NULL);

			unlink(p);
			g_free(p);
		}
	if (gd)
		g_dir_close(gd);
	free(prefix);
	g_free(base);
	g_free(dir);
	ns->f = fopen(ns->tmp, "w");
	if (!ns->f || deflateInit(&ns->zs, Z_BEST_SPEED) != Z_OK) {
		nstate_free(ns, !ns->f);
		return NULL;
	}
	ns->zs_open = 1;
	ns_write(ns, STATE_MAGIC, 8);
	ns_write(ns, key, STATE_KEY);
	ns->docs_off = ns->written;
	ns->of_doc = xcalloc(nr_sources + 1, sizeof(*ns->of_doc));
	return ns;
}

/* Adds r->share, document d's, whose rows are at off, len. */
static void ns_doc(struct reducer *r, size_t d, const long long *off, const long long *len)
{
	struct nstate *ns = r->ns;
	struct ndoc *nd;

	ns_write(ns, r->share->data, r->share->len);
	ALLOC_GROW(ns->docs, ns->nr_docs, ns->alloc_docs);
	nd = &ns->docs[ns->nr_docs++];
	nd->d = d;
	memcpy(nd->off, off, sizeof(nd->off));
	memcpy(nd->len, len, sizeof(nd->len));
	nd->share_len = r->share->len;
	ns->of_doc[d] = ns->nr_docs;
}

/* Ends the documents' stream and writes the tables. */
static void nstate_tables(struct reducer *r, const struct source_list *l)
{
	struct nstate *ns = r->ns;
	GByteArray *b = g_byte_array_new();
	size_t i, t, n;
	int k;

	ns->docs_len = ns->written - ns->docs_off;
	put_uv(b, r->nr_sinfo);
	for (i = 0; i < r->nr_sinfo; i++) {
		put_str(b, r->sinfo[i].t->term);
		put_str(b, r->sinfo[i].surface);
	}
	n = names_nr_words(r->names);
	put_uv(b, n);
	for (i = 0; i < n; i++)
		put_str(b, names_word(r->names, (unsigned)i));
	put_uv(b, ns->nr_docs);
	for (i = 0; i < ns->nr_docs; i++) {
		struct ndoc *nd = &ns->docs[i];
		const struct source *s = &l->items[nd->d];
		int warn = s->status == SOURCE_WARNING && s->message;
		char *path = g_build_filename(r->o->records_dir, s->record, NULL);
		struct stat st;

		/* now that the batch is over: two documents of the same
		 * content may have made their record twice */
		memset(&nd->rec, 0, sizeof(nd->rec));
		if (!stat(path, &st))
			ident_of(&nd->rec, &st);
		g_free(path);

		put_str(b, s->doc_id);
		put_str(b, s->record);
		put_sv(b, s->pages);
		put_uv(b, (unsigned long long)warn);
		if (warn)
			put_str(b, s->message);
		put_uv(b, s->passages);
		put_uv(b, s->tokens);
		for (k = 0; k < NR_STREAMS; k++) {
			put_uv(b, (unsigned long long)nd->off[k]);
			put_uv(b, (unsigned long long)nd->len[k]);
		}
		put_uv(b, nd->share_len);
		put_uv(b, nd->rec.size);
		put_uv(b, nd->rec.ino);
	}
	for (t = 0, n = 0; t < r->o->nr_themes; t++)
		n += r->quotes[t].nr;
	put_uv(b, n);
	for (t = 0; t < r->o->nr_themes; t++)
		for (i = 0; i < r->quotes[t].nr; i++) {
			const struct quote *q = &r->quotes[t].q[i];

			put_uv(b, ns->of_doc[q->doc] - 1);
			put_uv(b, q->passage);
			put_str(b, q->section);
			put_str(b, q->text);
		}
	ns->tab_off = ns->written;
	ns->tab_ulen = b->len;
	ns_deflate(ns, b->data, b->len, Z_FINISH);
	ns->tab_len = ns->written - ns->tab_off;
	g_byte_array_free(b, TRUE);
}

/* The document of source s in the state before, or -1: the same doc_id
 * and record, whose file is as it was (one rewritten or cut since is read,
 * found damaged and made again; damage in place goes unseen, and does not
 * matter, until the document changes). */
static long state_match(const struct ostate *os, const struct source *s,
			const struct ident *rec)
{
	gpointer v = g_hash_table_lookup(os->by_doc_id, s->doc_id);
	size_t j = GPOINTER_TO_SIZE(v);

	if (!j-- || strcmp(os->docs[j].record, s->record) ||
	    memcmp(&os->docs[j].rec, rec, sizeof(*rec)))
		return -1;
	return (long)j;
}

/* Document j's share, read; NULL when it cannot be. */
static unsigned char *ostate_share(const struct ostate *os, size_t j)
{
	size_t n = os->docs[j].share_len;
	unsigned char *b = xmalloc(n + 1);

	if (read_at(os->sfd, b, n, os->docs[j].share_off)) {
		free(b);
		return NULL;
	}
	return b;
}

/* Whether share b of document od reads back whole. */
static int share_ok(const struct ostate *os, const struct odoc *od, const unsigned char *b,
		    size_t nr_themes)
{
	struct rd d = { b, b + od->share_len, 0 };
	unsigned long long id = 0;
	size_t i, j, n;

	n = get_nr(&d);
	for (i = 0; i < n && !d.bad; i++) {
		id += get_uv(&d);
		if (id >= os->nr_words)
			d.bad = 1;
		if (get_uv(&d) % 3 == 2)
			get_uv(&d);
	}
	for (i = 0; i < od->nr_passages && !d.bad; i++) {
		get_below(&d, PASSAGE_TYPES);
		get_uv(&d);
		n = get_nr(&d);
		if (n > nr_themes)
			d.bad = 1;
		for (j = 0; j < n && !d.bad; j++)
			get_below(&d, nr_themes);
		n = get_nr(&d);
		for (j = 0; j < n && !d.bad; j++) {
			unsigned long long v = get_uv(&d);

			if (v >> 1 >= os->nr_pairs)
				d.bad = 1;
			if (v & 1)
				get_uv(&d);
		}
	}
	n = get_nr(&d);
	for (i = 0; i < n && !d.bad; i++) {
		get_below(&d, nr_themes);
		if (!get_below(&d, (unsigned long long)od->nr_passages + 1))
			d.bad = 1;
		get_sv(&d);
		get_below(&d, PASSAGE_TYPES);
		get_dbl(&d);
	}
	return !d.bad && d.p == d.end;
}

/* The name counts of a share (the reader's). */
static void share_names(struct reducer *r, struct ostate *os, struct rd *d)
{
	size_t n = get_nr(d), i;
	unsigned long long id = 0;

	for (i = 0; i < n; i++) {
		unsigned long long v;
		unsigned long mid, cap;

		id += get_uv(d);
		v = get_uv(d);
		mid = (unsigned long)(v / 3);
		cap = v % 3 == 0 ? 0 : v % 3 == 1 ? mid : (unsigned long)get_uv(d);
		if (!os->word_id[id])
			os->word_id[id] = names_word_id(r->names, os->words[id]) + 1;
		names_add_share(r->names, os->word_id[id] - 1, mid, cap);
	}
}

/* The name counts of the document just counted, into b. */
static void encode_names(struct reducer *r, GByteArray *b)
{
	const struct names_share *sh;
	size_t n = names_doc_end(r->names, &sh), i;
	unsigned prev = 0;

	put_uv(b, n);
	for (i = 0; i < n; i++) {
		put_uv(b, sh[i].id - prev);
		prev = sh[i].id;
		/* capitalised never or always, mostly */
		put_uv(b, 3ULL * sh[i].mid + (sh[i].cap == 0 ? 0 : sh[i].cap == sh[i].mid ? 1 : 2));
		if (sh[i].cap && sh[i].cap != sh[i].mid)
			put_uv(b, sh[i].cap);
	}
}

static int cmp_tinfo_term(const void *a, const void *b)
{
	const struct tinfo *x = *(struct tinfo *const *)a, *y = *(struct tinfo *const *)b;

	return strcmp(x->term, y->term);
}

static struct corpus_passage *new_passage(struct reducer *r, size_t d)
{
	struct corpus_passage *cp;

	ALLOC_GROW(r->c.passages, r->c.nr_passages, r->c.alloc_passages);
	cp = &r->c.passages[r->c.nr_passages++];
	memset(cp, 0, sizeof(*cp));
	cp->doc = (unsigned)d;
	return cp;
}

/* Adds count occurrences of pair sid to passage cp of document d; a stem
 * new to the document goes to order when given. */
static void add_term(struct reducer *r, size_t d, struct corpus_passage *cp,
		     unsigned sid, unsigned long count, GPtrArray *order)
{
	struct sinfo *si = &r->sinfo[sid];
	struct tinfo *t = si->t;
	size_t m;

	/* Terms come sorted, so a stem listed twice (once per surface) is
	 * the entry just before. */
	m = cp->nr_terms;
	if (m && cp->term_ids[m - 1] == t->id)
		m--;
	if (m == cp->nr_terms) {
		cp->term_ids[m] = t->id;
		cp->term_counts[m] = 0;
		cp->nr_terms++;
	}
	cp->term_counts[m] += (unsigned)count;
	t->cf += count;
	if (t->last_doc != d + 1) {
		t->last_doc = d + 1;
		t->df++;
		t->in_doc = 0;
		if (order)
			g_ptr_array_add(order, t);
	}
	t->in_doc += count;
	si->count += count;
}

/* Adds one document's passages to the corpus and writes its text rows;
 * with a state to write, its share (names: its name counts) too. */
static void add_document(struct reducer *r, size_t d, const struct source *s,
			 const struct passage_list *ps, const GByteArray *names)
{
	GPtrArray *order = g_ptr_array_new(); /* the document's terms */
	GByteArray *b = r->ns ? r->share : NULL;
	long long off[NR_STREAMS], len[NR_STREAMS];
	size_t i, j;
	int k;

	for (k = 0; k < NR_STREAMS; k++) {
		if (r->os)
			rows_flush(r, k);
		off[k] = r->pos[k];
	}
	if (b) {
		g_byte_array_set_size(b, 0);
		g_byte_array_append(b, names->data, names->len);
	}
	for (i = 0; i < ps->nr; i++) {
		const struct passage *p = &ps->items[i];
		struct corpus_passage *cp;

		write_passage_rows(r, s, p, i + 1);
		cp = new_passage(r, d);
		cp->type = (unsigned char)p->type;
		cp->tokens = (unsigned)p->tokens;
		cp->nr_themes = (unsigned short)p->nr_labels;
		corpus_passage_alloc(cp, p->nr_terms, p->nr_labels);
		for (j = 0; j < p->nr_labels; j++)
			cp->themes[j] = p->labels[j].theme;
		if (html_passages_add(r->hp, d, i + 1, p->type, cp->themes, p->nr_labels))
			passage_cells(r, d, p, i + 1);
		if (b) {
			put_uv(b, p->type);
			put_uv(b, p->tokens);
			put_uv(b, p->nr_labels);
			for (j = 0; j < p->nr_labels; j++)
				put_uv(b, (unsigned long long)p->labels[j].theme);
			put_uv(b, p->nr_terms);
		}
		for (j = 0; j < p->nr_terms; j++) {
			const struct term_count *tc = &p->terms[j];
			unsigned sid = surf_get(r, tc->term, tc->surface);

			add_term(r, d, cp, sid, tc->count, order);
			if (b) {
				put_term(b, sid, tc->count);
			}
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
	if (!b)
		return;
	for (i = 0, j = 0; i < r->o->nr_themes; i++)
		j += r->best[i] != NULL;
	put_uv(b, j);
	for (i = 0; i < r->o->nr_themes; i++) {
		const struct passage *p = r->best[i];

		if (!p)
			continue;
		put_uv(b, i);
		put_uv(b, r->best_no[i]);
		put_sv(b, p->page);
		put_uv(b, p->type);
		put_dbl(b, passage_confidence(r, p, (int)i));
	}
	for (k = 0; k < NR_STREAMS; k++) {
		r->pos[k] = csv_out_tell(stream_out(r, k));
		len[k] = r->pos[k] - off[k];
	}
	ns_doc(r, d, off, len);
}

/* The cells report.html shows of shared document od's passages r->wanted,
 * from its rows in the published passages.csv (left untold when they cannot
 * be read: report.html then reads passages.csv). */
static void shared_cells(struct reducer *r, size_t d, const struct odoc *od)
{
	size_t n = (size_t)od->len[0], nf, i;
	char *buf = xmalloc(n + 1), **f;
	struct doc_error e = { 0 };
	struct csv_in *c = NULL;

	if (!read_at(r->os->fd[0], buf, n, od->off[0]) &&
	    (c = csv_in_open_mem(buf, n, "passages.csv", &e)))
		while (csv_in_next(c, &f, &nf, &e) > 0) {
			unsigned long no;

			if (nf < 9)
				continue;
			no = strtoul(f[1], NULL, 10);
			for (i = 0; i < r->wanted->len; i++)
				if (g_array_index(r->wanted, unsigned long, i) == no)
					html_passages_text(r->hp, d, no, f[1], f[2], f[3], f[8]);
		}
	if (c)
		csv_in_close(c);
	free(buf);
}

/* Adds document d from its share in the state before: the rows are copied
 * from the published files. */
static void add_shared(struct reducer *r, size_t d, struct source *s,
		       const unsigned char *share, size_t rest, long from,
		       const GByteArray *names)
{
	struct ostate *os = r->os;
	const struct odoc *od = &os->docs[from];
	struct rd rd = { share + rest, share + od->share_len, 0 };
	GByteArray *b = r->ns ? r->share : NULL;
	long long off[NR_STREAMS];
	size_t i, j, n;
	int k;

	s->pages = od->pages;
	s->passages = od->nr_passages;
	s->tokens = od->tokens;
	free(s->message);
	s->message = od->warnings ? xstrdup(od->warnings) : NULL;
	s->status = od->warnings ? SOURCE_WARNING : SOURCE_OK;
	for (k = 0; k < NR_STREAMS; k++)
		off[k] = rows_copy(r, k, od->off[k], od->len[k]);
	if (b) {
		g_byte_array_set_size(b, 0);
		g_byte_array_append(b, names->data, names->len);
	}
	for (i = 0; i < od->nr_passages; i++) {
		struct corpus_passage *cp = new_passage(r, d);
		size_t nth;

		cp->type = (unsigned char)get_uv(&rd);
		cp->tokens = (unsigned)get_uv(&rd);
		/* the themes come before the number of terms the block needs */
		nth = get_nr(&rd);
		for (j = 0; j < nth; j++)
			r->theme_buf[j] = (int)get_uv(&rd);
		n = get_nr(&rd);
		cp->nr_themes = (unsigned short)nth;
		corpus_passage_alloc(cp, n, nth);
		for (j = 0; j < nth; j++)
			cp->themes[j] = r->theme_buf[j];
		if (html_passages_add(r->hp, d, i + 1, cp->type, cp->themes, nth)) {
			unsigned long no = i + 1;

			g_array_append_val(r->wanted, no);
		}
		if (b) {
			put_uv(b, cp->type);
			put_uv(b, cp->tokens);
			put_uv(b, cp->nr_themes);
			for (j = 0; j < cp->nr_themes; j++)
				put_uv(b, (unsigned long long)cp->themes[j]);
			put_uv(b, n);
		}
		for (j = 0; j < n; j++) {
			unsigned long long v = get_uv(&rd);
			size_t pair = (size_t)(v >> 1);
			unsigned long count = v & 1 ? (unsigned long)get_uv(&rd) : 1;

			if (!os->pair_sid[pair])
				os->pair_sid[pair] = surf_get(r, os->pair_term[pair],
							      os->pair_surf[pair]) + 1;
			add_term(r, d, cp, os->pair_sid[pair] - 1, count, NULL);
			if (b) {
				put_term(b, os->pair_sid[pair] - 1, count);
			}
		}
	}
	if (r->wanted->len) {
		shared_cells(r, d, od);
		g_array_set_size(r->wanted, 0);
	}
	n = get_nr(&rd);
	if (b)
		put_uv(b, n);
	for (i = 0; i < n; i++) {
		size_t t = (size_t)get_uv(&rd), no = (size_t)get_uv(&rd);
		int page = (int)get_sv(&rd);
		enum passage_type type = (enum passage_type)get_uv(&rd);
		double conf = get_dbl(&rd);

		quote_add(r, t, d, conf, type, page, no, NULL, from);
		if (b) {
			put_uv(b, t);
			put_uv(b, no);
			put_sv(b, page);
			put_uv(b, type);
			put_dbl(b, conf);
		}
	}
	if (b)
		ns_doc(r, d, off, od->len);
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
	long from;            /* its document in the state before, or -1 */
	unsigned char *share; /* then its share there */
	size_t rest;          /* the share's passages, after the name counts */
	GByteArray *names;    /* with a state to write: its name counts */
};

struct reader {
	struct reducer *r;
	struct source_list *l;
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

/* A record the worker handed over (record.h): written to its file, the
 * same bytes a worker writes, and read from memory. */
static int take_handed(struct reducer *r, struct source *s, const char *path,
		       struct ahead *a)
{
	char *text = record_mem_text(s->record_fd, s->record_bytes, &a->err);
	int rc;

	record_mem_release(s->record_fd, s->record_bytes);
	s->in_memory = 0;
	if (!text)
		return -1;
	rc = record_store_text(path, text, (size_t)s->record_bytes, &a->err);
	if (!rc)
		rc = record_parse_text(path, text, (size_t)s->record_bytes, r->o->config, &a->m,
				       &a->ps, r->o->theme_ids, r->o->nr_themes, &a->err);
	free(text);
	return rc;
}

static gpointer reader_main(gpointer data)
{
	struct reader *rd = data;
	struct reducer *r = rd->r;
	size_t d, i;

	sandbox_gate_enter();
	for (d = 0; d < rd->l->nr; d++) {
		struct source *s = &rd->l->items[d];
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
			struct ostate *os = r->os;
			char *path = g_build_filename(r->o->records_dir, s->record, NULL);
			struct stat st;
			struct ident rec = { 0, 0 };
			long j;
			unsigned char *b;

			a = xcalloc(1, sizeof(*a));
			if (os && !s->in_memory && !stat(path, &st))
				ident_of(&rec, &st);
			/* a record handed over is new: never the state's */
			j = os && !s->in_memory ? state_match(os, s, &rec) : -1;
			b = j >= 0 ? ostate_share(os, (size_t)j) : NULL;
			a->from = -1;
			passage_list_init(&a->ps);
			names_doc_begin(r->names);
			if (b && share_ok(os, &os->docs[j], b, r->o->nr_themes)) {
				struct rd sd = { b, b + os->docs[j].share_len, 0 };

				share_names(r, os, &sd);
				a->from = j;
				a->share = b;
				a->rest = (size_t)(sd.p - b);
			} else {
				free(b);
				a->rc = s->in_memory ? take_handed(r, s, path, a) :
					record_read(path, r->o->config, &a->m, &a->ps,
						    r->o->theme_ids, r->o->nr_themes, &a->err);
				for (i = 0; !a->rc && i < a->ps.nr; i++)
					names_add_passage(r->names, a->ps.items[i].text,
							  a->ps.items[i].kind == PASSAGE_HEADING);
			}
			if (r->ns) {
				a->names = g_byte_array_new();
				encode_names(r, a->names);
			}
			g_free(path);
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

static void reader_start(struct reader *rd, struct reducer *r, struct source_list *l)
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
	if (a->from >= 0) {
		add_shared(r, d, s, a->share, a->rest, a->from, a->names);
		r->from_state++;
	} else if (a->rc) {
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
		add_document(r, d, s, &a->ps, a->names);
	}
	free(a->share);
	if (a->names)
		g_byte_array_free(a->names, TRUE);
	free(a->m.warnings);
	passage_list_release(&a->ps);
	free(a);
}

/* Sorts n (id, count) pairs by id: most passages have a few dozen terms,
 * where insertion sort beats qsort's calls through a pointer. */
static void sort_pairs(unsigned *pairs, size_t n)
{
	size_t i, j;

	if (n > 48) {
		qsort(pairs, n, 2 * sizeof(*pairs), cmp_uint);
		return;
	}
	for (i = 1; i < n; i++) {
		unsigned id = pairs[2 * i], count = pairs[2 * i + 1];

		for (j = i; j > 0 && pairs[2 * (j - 1)] > id; j--) {
			pairs[2 * j] = pairs[2 * (j - 1)];
			pairs[2 * j + 1] = pairs[2 * (j - 1) + 1];
		}
		pairs[2 * j] = id;
		pairs[2 * j + 1] = count;
	}
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
	for (i = 0; i < r->nr_sinfo; i++) {
		const struct sinfo *e = &r->sinfo[i];
		struct tinfo *t = e->t;

		if ((e->count > t->best_n ||
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
		sort_pairs(pairs, p->nr_terms);
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

/* The texts of the quotes taken from the state before: from its published
 * quotes, else from the document's record. */
static int resolve_quotes(struct reducer *r, struct doc_error *err)
{
	const struct ostate *os = r->os;
	size_t t, i, j;

	for (t = 0; t < r->o->nr_themes; t++)
		for (i = 0; i < r->quotes[t].nr; i++) {
			struct quote *q = &r->quotes[t].q[i];
			struct passage_list ps;
			struct record_meta m = { 0 };
			char *path;
			int rc;

			if (q->text)
				continue;
			for (j = 0; j < os->nr_quotes; j++)
				if (os->quotes[j].doc == (size_t)q->from &&
				    os->quotes[j].no == q->passage)
					break;
			if (j < os->nr_quotes) {
				q->section = xstrdup(os->quotes[j].section);
				q->text = xstrdup(os->quotes[j].text);
				continue;
			}
			path = g_build_filename(r->o->records_dir, os->docs[q->from].record, NULL);
			passage_list_init(&ps);
			rc = record_read(path, r->o->config, &m, &ps, r->o->theme_ids,
					 r->o->nr_themes, err);
			g_free(path);
			if (!rc && q->passage <= ps.nr) {
				const struct passage *p = &ps.items[q->passage - 1];

				q->section = xstrdup(p->section ? p->section : "");
				q->text = xstrdup(p->text);
			} else if (!rc) {
				rc = doc_error_set(err, "record", DOC_ERR_FORMAT, "no passage %zu",
						   q->passage);
			}
			free(m.warnings);
			passage_list_release(&ps);
			if (rc)
				return -1;
		}
	return 0;
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

/* The corpus statistics (report.c), from the finished corpus, which
 * nothing changes any more: written in a thread of their own beside the
 * reduce thread's row files (the term collocations alone are a fifth of a
 * nightly rerun). */
struct report_job {
	const struct corpus *c;
	const char *outdir;
	int excel, rc;
	struct doc_error err;
};

static gpointer report_main(gpointer data)
{
	struct report_job *j = data;

	sandbox_gate_enter();
	j->rc = report_write(j->c, j->outdir, j->excel, &j->err);
	sandbox_gate_leave();
	return NULL;
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
	struct report_job job;
	GThread *report_thread;
	unsigned char key[STATE_KEY];
	size_t i;
	int k, wrc, rc = -1;

	/* This thread holds the fork gate but while it waits: beside a batch,
	 * GLib's allocator and stdio take locks a forked worker must not
	 * inherit taken. */
	sandbox_gate_enter();
	memset(&r, 0, sizeof(r));
	memset(counts, 0, sizeof(*counts));
	reduce_state_drop();
	html_report_take_passages(NULL, NULL);
	r.o = o;
	r.hp = html_passages_new(l->nr, o->nr_themes);
	r.wanted = g_array_new(FALSE, FALSE, sizeof(unsigned long));
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
	r.theme_buf = xcalloc(o->nr_themes + 1, sizeof(*r.theme_buf));
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
	if (o->state) {
		state_key(o, key);
		r.os = o->use_state ? ostate_load(o, key) : NULL;
		r.ns = nstate_open(o, key, l->nr);
		r.share = g_byte_array_new();
		for (k = 0; k < NR_STREAMS; k++)
			r.pos[k] = csv_out_tell(stream_out(&r, k));
	}
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
	for (k = 0; r.os && k < NR_STREAMS; k++)
		rows_flush(&r, k);
	if (r.copy_errno) {
		doc_error_set(err, "write", DOC_ERR_IO, "cannot copy the rows of '%s': %s",
			      o->state, strerror(r.copy_errno));
		/* the next run starts afresh */
		unlink(o->state);
		goto out;
	}
	if (r.os && resolve_quotes(&r, err)) {
		unlink(o->state);
		goto out;
	}
	ostate_free(r.os);
	r.os = NULL;
	if (r.ns)
		nstate_tables(&r, l);
	renumber_terms(&r);
	r.folder = xcalloc(l->nr + 1, sizeof(char *));
	r.metarow = xcalloc(l->nr + 1, sizeof(long));
	for (i = 0; i < l->nr; i++) {
		r.folder[i] = docvars_folder(l->items[i].doc_id, l->items[i].path);
		r.metarow[i] = o->vars ? docvars_match(o->vars, l->items[i].doc_id,
						       l->items[i].path) : -1;
	}
	memset(&job, 0, sizeof(job));
	job.c = &r.c;
	job.outdir = o->outdir;
	job.excel = o->excel;
	report_thread = sandbox_gate_thread_new("report", report_main, &job);
	wrc = csv_out_commit(r.passages, err);
	r.passages = NULL;
	if (!wrc) {
		wrc = csv_out_commit(r.themes, err);
		r.themes = NULL;
	}
	if (!wrc) {
		wrc = csv_out_commit(r.counts, err);
		r.counts = NULL;
	}
	if (!wrc)
		wrc = write_documents(&r, l, err) || write_vocabulary(&r, err) ||
		      write_term_matrix(&r, err) || write_quotes(&r, err) ||
		      write_groups(&r, err);
	/* the thread's files are committed: a failure leaves them to the
	 * caller's abort of the publish, as any other */
	sandbox_gate_leave();
	g_thread_join(report_thread);
	sandbox_gate_enter();
	if (!wrc && job.rc) {
		*err = job.err;
		wrc = -1;
	}
	if (wrc)
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
	counts->from_state = r.from_state;
	rc = 0;
	html_report_take_passages(o->outdir, r.hp);
	r.hp = NULL;
	if (r.ns && !r.ns->failed) {
		/* completed once the outputs are published */
		pending_state = r.ns;
		r.ns = NULL;
	}
out:
	ostate_free(r.os);
	nstate_free(r.ns, 0);
	if (r.share)
		g_byte_array_free(r.share, TRUE);
	csv_out_abort(r.passages);
	csv_out_abort(r.themes);
	csv_out_abort(r.counts);
	g_hash_table_destroy(r.terms);
	g_ptr_array_free(r.by_id, TRUE);
	for (i = 0; i < r.alloc_surf; i++)
		free(r.surf[i].surface);
	free(r.surf);
	free(r.sinfo);
	free(r.theme_buf);
	html_passages_free(r.hp);
	g_array_free(r.wanted, TRUE);
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
