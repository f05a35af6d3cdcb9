/*
 * The analyzer: a stemmer, a stopword list and a compiled codebook, and the
 * per-document pass that gives each passage its type.
 *
 * Themes depend on a passage's text alone (classify.c), so `classify` on a
 * spreadsheet and `run` on a report agree. Type also depends on where the
 * passage sits, because review reports say what their parts are: a
 * "Recommendations" heading or a "Learning includes:" lead-in frames what
 * follows. The pass keeps the current frame:
 *
 * - a heading (or a short heading-shaped paragraph, or the passage's
 *   section) with a type cue sets the frame; a topical heading ("Neglect")
 *   leaves it; headings are context themselves;
 * - a short lead-in ending in ':' sets the frame for the list items after
 *   it and is context itself;
 * - every other passage scores each type: its own cues (imperative
 *   openings, modal verbs, questions to the reader, case-history and
 *   navigation cues) plus the frame's weight, or a stronger weight for a
 *   lead-in inside the passage; the best score wins, the codebook's default
 *   type when nothing fires. type_score is the winner's share of the
 *   positive scores (1 when only one type had any).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "stem.h"
#include "codebook.h"
#include "classify.h"
#include "analyze.h"
#include "model.h"
#include "banned.h"

#define ANALYZE_FORMAT_VERSION "analyze-2"

/* Cue sums are capped: a long paragraph collects many small learning cues
 * ("professionals", "did not"), and without a cap its length would
 * outvote the heading that frames it. */
#define CUE_CAP 5.0

struct analyzer {
	struct stemmer *stemmer;
	struct codebook *cb;
	struct classifier *cl;
	struct coding_model *model; /* NULL: the rules alone */
	char *model_path;
	char config_hash[65], codebook_hash[65], stopwords_hash[65], model_hash[65];
	/* per-document scratch: what the rules saw of each passage */
	struct passage_view *views;
	double *scores;
	size_t alloc_views;
	unsigned *rules;
	size_t nr_rules, alloc_rules;
};

static void digest(const char *buf, size_t len, char out[65])
{
	gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
						 (const guchar *)buf, len);

	memcpy(out, hex, 64);
	out[64] = '\0';
	g_free(hex);
}

static int read_file(const char *path, const char *what, char **buf, size_t *len,
		     struct doc_error *err)
{
	GError *gerr = NULL;
	gsize n;

	if (!g_file_get_contents(path, buf, &n, &gerr)) {
		doc_error_set(err, what, DOC_ERR_CONFIG, "%s: cannot read: %s", path,
			      gerr->message);
		g_error_free(gerr);
		return -1;
	}
	*len = n;
	return 0;
}

/* A stopword file is UTF-8 text: no NUL byte, no invalid sequence; a
 * byte-order mark is skipped (*skip: its length). */
static int check_stopwords(const char *path, const char *buf, size_t len, size_t *skip,
			   struct doc_error *err)
{
	const char *p, *end = buf + len, *bad;
	size_t line = 1;

	*skip = len >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3) ? 3 : 0;
	if (len >= 2 && (!memcmp(buf, "\xFF\xFE", 2) || !memcmp(buf, "\xFE\xFF", 2)))
		return doc_error_set(err, "stopwords", DOC_ERR_CONFIG,
				     "%s: UTF-16; a stopword file must be UTF-8 (save it as UTF-8)",
				     path);
	for (p = buf + *skip; p < end; line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl)
			nl = end;
		if (memchr(p, '\0', (size_t)(nl - p)))
			return doc_error_set(err, "stopwords", DOC_ERR_CONFIG,
					     "%s:%zu: NUL byte; a stopword file must be UTF-8 text",
					     path, line);
		if (!g_utf8_validate(p, nl - p, &bad))
			return doc_error_set(err, "stopwords", DOC_ERR_CONFIG,
					     "%s:%zu: not valid UTF-8 (byte %zu of the line); "
					     "a stopword file must be UTF-8", path, line,
					     (size_t)(bad - p) + 1);
		p = nl + 1;
	}
	return 0;
}

struct analyzer *analyzer_new(const char *cb_path, const char *sw_path,
			      const char *model_path, struct doc_error *err)
{
	struct analyzer *a = xcalloc(1, sizeof(*a));
	char *cb_buf = NULL, *sw_buf = NULL, *all;
	size_t cb_len = 0, sw_len = 0, bom = 0;
	int ok = 0;

	if (read_file(cb_path, "codebook", &cb_buf, &cb_len, err) < 0 ||
	    read_file(sw_path, "stopwords", &sw_buf, &sw_len, err) < 0)
		goto out;
	a->stemmer = stemmer_new("english");
	if (!a->stemmer) {
		doc_error_set(err, "stem", DOC_ERR_CONFIG, "libstemmer has no english stemmer");
		goto out;
	}
	a->cb = codebook_parse(cb_path, cb_buf, cb_len, a->stemmer, err);
	if (!a->cb)
		goto out;
	if (check_stopwords(sw_path, sw_buf, sw_len, &bom, err) < 0)
		goto out;
	a->cl = classifier_new(a->cb, a->stemmer);
	classifier_add_stopwords(a->cl, sw_buf + bom, sw_len - bom);
	digest(cb_buf, cb_len, a->codebook_hash);
	digest(sw_buf, sw_len, a->stopwords_hash);
	all = xstrfmt("%s\n%s\nenglish\n%s\n", a->codebook_hash, a->stopwords_hash,
		      ANALYZE_FORMAT_VERSION);
	digest(all, strlen(all), a->config_hash);
	free(all);
	ok = !model_path || analyzer_set_model(a, model_path, err) == 0;
out:
	g_free(cb_buf);
	g_free(sw_buf);
	if (!ok) {
		analyzer_free(a);
		return NULL;
	}
	return a;
}

int analyzer_set_model(struct analyzer *a, const char *path, struct doc_error *err)
{
	struct coding_model *m = NULL;
	char *buf = NULL, *all;
	size_t len = 0;

	if (path) {
		if (read_file(path, "model", &buf, &len, err) < 0)
			return -1;
		if (!(m = model_parse(path, buf, len, a->cb, err))) {
			g_free(buf);
			return -1;
		}
	}
	model_free(a->model);
	free(a->model_path);
	a->model = m;
	a->model_path = path ? xstrdup(path) : NULL;
	if (path)
		digest(buf, len, a->model_hash);
	else
		a->model_hash[0] = '\0';
	g_free(buf);
	/* the configuration covers the model: its labels are in the records */
	all = xstrfmt("%s\n%s\nenglish\n%s\n%s%s", a->codebook_hash, a->stopwords_hash,
		      ANALYZE_FORMAT_VERSION, path ? "model " : "",
		      path ? a->model_hash : "");
	digest(all, strlen(all), a->config_hash);
	free(all);
	return 0;
}

struct coding_model *analyzer_swap_model(struct analyzer *a, struct coding_model *m)
{
	struct coding_model *old = a->model;

	a->model = m;
	return old;
}

const char *analyzer_model_path(const struct analyzer *a)
{
	return a->model_path;
}

const char *analyzer_model_hash(const struct analyzer *a)
{
	return a->model_path ? a->model_hash : NULL;
}

void analyzer_free(struct analyzer *a)
{
	if (!a)
		return;
	model_free(a->model);
	free(a->model_path);
	free(a->views);
	free(a->scores);
	free(a->rules);
	classifier_free(a->cl);
	codebook_free(a->cb);
	stemmer_free(a->stemmer);
	free(a);
}

size_t analyzer_nr_themes(const struct analyzer *a)
{
	return a->cb->nr_themes;
}

const char *analyzer_theme_id(const struct analyzer *a, size_t i)
{
	if (i >= a->cb->nr_themes)
		BUG("theme index %zu out of range", i);
	return a->cb->themes[i].id;
}

int analyzer_theme_index(const struct analyzer *a, const char *id)
{
	size_t i;

	for (i = 0; i < a->cb->nr_themes; i++)
		if (!strcmp(a->cb->themes[i].id, id))
			return (int)i;
	return -1;
}

void analyzer_doc_rule(const struct analyzer *a, unsigned *min_lr, unsigned *min_any)
{
	*min_lr = a->cb->min_lr;
	*min_any = a->cb->min_any;
}

const char *analyzer_config_hash(const struct analyzer *a)
{
	return a->config_hash;
}

const struct codebook *analyzer_codebook(const struct analyzer *a)
{
	return a->cb;
}

const char *analyzer_codebook_hash(const struct analyzer *a)
{
	return a->codebook_hash;
}

const char *analyzer_stopwords_hash(const struct analyzer *a)
{
	return a->stopwords_hash;
}

/* What headings and lead-ins have said so far about the passages to come. */
struct frame {
	int type;        /* -1: nothing framed */
	int items_only;  /* set by a lead-in: frames list items only */
	const char *section;
	GHashTable *seen; /* heading texts so far: a repeat is a running header */
};

static void set_type(struct passage *p, int type, const double s[PASSAGE_TYPES])
{
	double pos = 0;
	int t;

	p->type = (enum passage_type)type;
	for (t = 0; t < PASSAGE_TYPES; t++)
		if (s && s[t] > 0)
			pos += s[t];
	p->type_score = s && pos > 0 && s[type] > 0 ? s[type] / pos : 1.0;
}

static int best_type(const double s[PASSAGE_TYPES], int fallback)
{
	int t, top = -1;

	for (t = 0; t < PASSAGE_TYPES; t++)
		if (s[t] > 0 && (top < 0 || s[t] > s[top]))
			top = t;
	return top < 0 ? fallback : top;
}

/* A heading's cues set the frame; a heading without cues ("Neglect")
 * leaves it. A context heading ("Background", a title "Learning from
 * ...") ends it: what follows is judged by its own cues. */
static void frame_from_heading(struct frame *f, const double h[PASSAGE_TYPES])
{
	int t = best_type(h, -1);

	if (t < 0)
		return;
	/* "Learning and recommendations" frames neither */
	if (h[TYPE_LEARNING] > 0 && h[TYPE_RECOMMENDATION] > 0)
		t = TYPE_CONTEXT;
	f->type = t == TYPE_CONTEXT ? -1 : t;
	f->items_only = 0;
}

static void type_passage(struct analyzer *a, struct passage *p,
			 const struct type_cues *tc, struct frame *f)
{
	double s[PASSAGE_TYPES];
	int t, framed;

	if (tc->heading_shape && !(tc->question && tc->cue[TYPE_RECOMMENDATION] > 0 &&
				   best_type(tc->heading, -1) < 0)) {
		/* A heading seen before in this document is a running header
		 * left in the text, not a new part. */
		if (g_hash_table_add(f->seen, p->text))
			frame_from_heading(f, tc->heading);
		set_type(p, TYPE_CONTEXT, NULL);
		return;
	}
	if (tc->lead_in) {
		if (best_type(tc->heading, -1) >= 0) {
			frame_from_heading(f, tc->heading);
			f->items_only = 1;
		}
		set_type(p, TYPE_CONTEXT, NULL);
		return;
	}
	for (t = 0; t < PASSAGE_TYPES; t++)
		s[t] = tc->cue[t] < CUE_CAP ? tc->cue[t] : CUE_CAP;
	if (tc->contact)
		s[TYPE_CONTEXT] += a->cb->frame_weight * 2;
	framed = tc->lead_type >= 0 ? tc->lead_type :
		 f->type >= 0 && (!f->items_only || p->kind == PASSAGE_ITEM) ? f->type : -1;
	if (framed >= 0) {
		/* Framing decides between learning and recommendation ("Key
		 * learning" items are learning even when phrased "should"); only
		 * context can still win on its own cues. */
		for (t = 0; t < PASSAGE_TYPES; t++)
			if (t != framed && t != TYPE_CONTEXT)
				s[t] = 0;
		s[framed] += a->cb->frame_weight * (tc->lead_type >= 0 ? 2 : 1);
	}
	t = best_type(s, a->cb->default_type);
	set_type(p, t, s);
}

/* Keeps what the rules saw of passage i for the learned layer. */
static void keep_view(struct analyzer *a, size_t i, const struct passage *p,
		      const struct type_cues *tc, const struct frame *f, int heading)
{
	struct passage_view *v = &a->views[i];
	size_t nt = a->cb->nr_themes, n;
	const unsigned *rules;

	v->tc = *tc;
	v->rtype = p->type;
	v->frame = tc->lead_type >= 0 ? tc->lead_type :
		   f->type >= 0 && (!f->items_only || p->kind == PASSAGE_ITEM) ? f->type : -1;
	v->heading = heading;
	memcpy(&a->scores[i * nt], classifier_theme_scores(a->cl), nt * sizeof(double));
	n = classifier_counted_rules(a->cl, &rules);
	v->nr_rules = n;
	v->rules = NULL;
	if (a->nr_rules + n > a->alloc_rules) {
		a->alloc_rules = (a->nr_rules + n) * 2;
		a->rules = xrealloc(a->rules, a->alloc_rules * sizeof(*a->rules));
	}
	if (n)
		memcpy(a->rules + a->nr_rules, rules, n * sizeof(*rules));
	a->nr_rules += n;
	model_view_words(v, a->cl);
}

/* Points the views at their slices once the arrays have stopped moving. */
static void link_views(struct analyzer *a, size_t nr)
{
	size_t i, off = 0, nt = a->cb->nr_themes;

	for (i = 0; i < nr; i++) {
		a->views[i].scores = &a->scores[i * nt];
		a->views[i].rules = a->rules + off;
		off += a->views[i].nr_rules;
	}
}

static void rules_pass(struct analyzer *a, struct passage *ps, size_t nr,
		       int keep);

void analyze_document(struct analyzer *a, struct passage *ps, size_t nr)
{
	rules_pass(a, ps, nr, a->model != NULL);
	if (a->model) {
		link_views(a, nr);
		model_apply(a->model, a->cb, ps, a->views, nr, NULL);
	}
}

void analyze_document_doubts(struct analyzer *a, struct passage *ps, size_t nr,
			     struct doubt *d)
{
	size_t i, t, nt = a->cb->nr_themes;

	for (i = 0; i < nr; i++) {
		d[i].margin = 1e9;
		d[i].why[0] = '\0';
	}
	rules_pass(a, ps, nr, 1);
	link_views(a, nr);
	if (a->model) {
		model_apply(a->model, a->cb, ps, a->views, nr, d);
		return;
	}
	/* the rules alone: how far each theme's score is from its threshold
	 * (relative to it), and the winning type's share */
	for (i = 0; i < nr; i++) {
		for (t = 0; t < nt; t++) {
			double sc = a->views[i].scores[t], thr = a->cb->themes[t].threshold;
			double mg = thr > 0 ? fabs(sc - thr) / thr : fabs(sc - thr);

			if (sc > 0 && mg < d[i].margin) {
				d[i].margin = mg;
				snprintf(d[i].why, sizeof(d[i].why), "theme %s: score %.3g, threshold %.3g",
					 a->cb->themes[t].id, sc, thr);
			}
		}
		if (ps[i].type_score - 0.5 < d[i].margin && ps[i].type_score < 1) {
			d[i].margin = ps[i].type_score - 0.5;
			snprintf(d[i].why, sizeof(d[i].why), "type %s: share %.2f of the cues",
				 passage_type_name(ps[i].type), ps[i].type_score);
		}
	}
}

const struct passage_view *analyze_rules(struct analyzer *a, struct passage *ps,
					 size_t nr)
{
	rules_pass(a, ps, nr, 1);
	link_views(a, nr);
	return a->views;
}

static void rules_pass(struct analyzer *a, struct passage *ps, size_t nr, int keep)
{
	struct frame f = { -1, 0, NULL, NULL };
	struct type_cues tc;
	double h[PASSAGE_TYPES];
	size_t i;
	int heading = -1;

	if (keep && nr > a->alloc_views) {
		a->alloc_views = nr;
		a->views = xrealloc(a->views, nr * sizeof(*a->views));
		a->scores = xrealloc(a->scores, nr * (a->cb->nr_themes ? a->cb->nr_themes : 1) *
					     sizeof(*a->scores));
	}
	a->nr_rules = 0;
	f.seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < nr; i++) {
		struct passage *p = &ps[i];

		/* A section the passages so far did not show (e.g. `classify`
		 * with a section column) frames it like a heading would. */
		if (p->kind != PASSAGE_HEADING && p->section && *p->section &&
		    (!f.section || strcmp(f.section, p->section))) {
			if (!(i > 0 && ps[i - 1].kind == PASSAGE_HEADING &&
			      !strcmp(ps[i - 1].text, p->section)))
				frame_from_heading(&f, (classify_heading(a->cl, p->section, h), h));
		}
		if (p->section)
			f.section = p->section;
		classify_passage(a->cl, p, &tc);
		type_passage(a, p, &tc, &f);
		if (keep) {
			keep_view(a, i, p, &tc, &f, heading);
			if (p->kind == PASSAGE_HEADING || tc.heading_shape)
				heading = (int)i;
		}
	}
	g_hash_table_destroy(f.seen);
}
