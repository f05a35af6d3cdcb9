/*
 * report.html from the CSVs of an output folder (html_report.h).
 *
 * Every figure on the page is read from a CSV the run wrote, never
 * recomputed, so the page and the files cannot disagree: prevalence and
 * its Wilson intervals from theme_prevalence.csv, pairs from
 * theme_pairs.csv (document level), quotes from quotes.csv, key terms from
 * theme_terms.csv, per-document counts, the documents featuring each theme
 * (with the document rule of the manifest) and the recommendations from
 * passages.csv, which is streamed, not held, or counted by the reduce that
 * wrote it as it wrote it (html_report_take_passages: the same counts, the
 * same cells, without reading 14 MB back at 2,000 documents). Subgroups
 * come from theme_by_group.csv when the run had --group-by.
 *
 * The page is plain HTML5 with inline CSS and inline SVG charts (each with
 * a <title> and a table holding the same numbers, for screen readers and
 * for copying); no script, no external resource. Colours are the
 * Okabe-Ito palette, which stays distinct under the common colour-vision
 * deficiencies; nothing is told by colour alone (the heat map's
 * significant cells carry a mark, every chart has its table).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <errno.h>
#include <unistd.h>
#include <glib.h>
#include "util.h"
#include "csvio.h"
#include "html_report.h"
#include "banned.h"

#define QUOTES_SHOWN 5
#define RECS_SHOWN 8
#define TERMS_SHOWN 12
#define PAIRS_SHOWN 15
#define QUOTE_CHARS 700

static const char *const palette[] = {
	"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
};

/* A CSV loaded whole: header and rows of cells (formula guards removed). */
struct table {
	char **head;
	size_t ncol;
	GPtrArray *rows; /* char ** of ncol cells */
};

static const char *unguard(const char *s)
{
	return s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]) ? s + 1 : s;
}

static void table_free(struct table *t)
{
	if (!t)
		return;
	g_strfreev(t->head);
	g_ptr_array_free(t->rows, TRUE);
	free(t);
}

static struct table *table_load(const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL);
	struct doc_error err = { 0 };
	struct csv_in *c = csv_in_open(path, &err);
	struct table *t = NULL;
	char **f;
	size_t n, i;
	int r;

	g_free(path);
	if (!c)
		return NULL;
	t = xcalloc(1, sizeof(*t));
	t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
	while ((r = csv_in_next(c, &f, &n, &err)) > 0) {
		char **row;

		if (!t->head) {
			t->head = g_new0(char *, n + 1);
			for (i = 0; i < n; i++)
				t->head[i] = g_strdup(f[i]);
			t->ncol = n;
			continue;
		}
		row = g_new0(char *, t->ncol + 1);
		for (i = 0; i < t->ncol; i++)
			row[i] = g_strdup(i < n ? unguard(f[i]) : "");
		g_ptr_array_add(t->rows, row);
	}
	csv_in_close(c);
	if (r < 0 || !t->head) {
		table_free(t);
		return NULL;
	}
	return t;
}

static int col(const struct table *t, const char *name)
{
	size_t i;

	for (i = 0; t && i < t->ncol; i++)
		if (!strcmp(t->head[i], name))
			return (int)i;
	return -1;
}

static const char *cell(const struct table *t, size_t r, int c)
{
	if (!t || c < 0 || r >= t->rows->len)
		return "";
	return ((char **)t->rows->pdata[r])[c];
}

static double num(const char *s)
{
	return *s ? g_ascii_strtod(s, NULL) : NAN;
}

/* HTML text and attribute escaping. */
static void esc(GString *h, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': g_string_append(h, "&amp;"); break;
		case '<': g_string_append(h, "&lt;"); break;
		case '>': g_string_append(h, "&gt;"); break;
		case '"': g_string_append(h, "&quot;"); break;
		case '\'': g_string_append(h, "&#39;"); break;
		default: g_string_append_c(h, *s);
		}
	}
}

/* At most max bytes of s, cut at a space and never inside a UTF-8
 * character, with an ellipsis when cut. */
static void esc_cut(GString *h, const char *s, size_t max)
{
	size_t n = strlen(s), cut;
	char *part;

	if (n <= max) {
		esc(h, s);
		return;
	}
	cut = max;
	while (cut > max / 2 && s[cut] != ' ')
		cut--;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	part = g_strndup(s, cut);
	esc(h, part);
	g_free(part);
	g_string_append(h, " …");
}

static void pct(GString *h, double v)
{
	if (isnan(v))
		g_string_append(h, "–");
	else
		g_string_append_printf(h, "%.0f%%", 100 * v);
}

/* ---- the model read from the CSVs -------------------------------------- */

struct theme {
	const char *id, *label, *group;
	long k, n, passages, by_type[3];
	double share, lo, hi;
	int group_no;
};

/* A recommendation shown: passage `no` of document doc, its cells. */
struct rec {
	size_t doc;
	unsigned long no;
	char *passage, *page, *section, *text; /* text NULL: not given yet */
};

/* What the page takes from passages.csv (html_report.h). */
struct html_passages {
	char *outdir;           /* with html_report_take_passages */
	size_t nd, nt;
	long *pass_type;        /* nd x 3 passages by type */
	long *pas_any, *pas_lr; /* nd x nt passages coded, learning+recommendation */
	long total_pass[3];
	GPtrArray *recs;        /* struct rec */
	GPtrArray **th_recs;    /* per theme: its recommendations shown */
	size_t *recs_more;      /* per theme: recommendations not shown */
	unsigned char *rec_doc; /* nd x nt: a recommendation of the doc shown */
	size_t untold;          /* recommendations without their text */
};

struct model {
	const char *dir;
	const struct html_info *info;
	struct table *docs, *prev, *pairs, *quotes, *terms, *bygroup;
	size_t nt, nd, ngroups;
	struct theme *th;
	char **groups;          /* group names in order of first theme */
	GHashTable *theme_ix;   /* id -> index + 1 */
	GHashTable *doc_ix;     /* doc_id -> index + 1 */
	struct html_passages *ps;
};

static int type_no(const char *t)
{
	return !strcmp(t, "learning") ? 1 : !strcmp(t, "recommendation") ? 2 : 0;
}

static void free_rec(gpointer p)
{
	struct rec *r = p;

	g_free(r->passage);
	g_free(r->page);
	g_free(r->section);
	g_free(r->text);
	g_free(r);
}

struct html_passages *html_passages_new(size_t nd, size_t nt)
{
	struct html_passages *hp = xcalloc(1, sizeof(*hp));
	size_t t;

	hp->nd = nd;
	hp->nt = nt;
	hp->pass_type = xcalloc(nd * 3 + 1, sizeof(long));
	hp->pas_any = xcalloc(nd * nt + 1, sizeof(long));
	hp->pas_lr = xcalloc(nd * nt + 1, sizeof(long));
	hp->rec_doc = xcalloc(nd * nt + 1, 1);
	hp->recs = g_ptr_array_new_with_free_func(free_rec);
	hp->th_recs = xcalloc(nt + 1, sizeof(*hp->th_recs));
	for (t = 0; t < nt; t++)
		hp->th_recs[t] = g_ptr_array_new();
	hp->recs_more = xcalloc(nt + 1, sizeof(size_t));
	return hp;
}

void html_passages_free(struct html_passages *hp)
{
	size_t t;

	if (!hp)
		return;
	for (t = 0; t < hp->nt; t++)
		g_ptr_array_free(hp->th_recs[t], TRUE);
	free(hp->th_recs);
	g_ptr_array_free(hp->recs, TRUE);
	free(hp->recs_more);
	free(hp->pass_type);
	free(hp->pas_any);
	free(hp->pas_lr);
	free(hp->rec_doc);
	free(hp->outdir);
	free(hp);
}

int html_passages_add(struct html_passages *hp, size_t d, unsigned long no, int type,
		      const int *themes, size_t n)
{
	int ty = type == 1 || type == 2 ? type : 0, wanted = 0;
	size_t i;

	if (d >= hp->nd)
		return 0;
	hp->pass_type[d * 3 + (size_t)ty]++;
	hp->total_pass[ty]++;
	for (i = 0; i < n; i++) {
		size_t k;

		if (themes[i] < 0 || (size_t)themes[i] >= hp->nt)
			continue;
		k = d * hp->nt + (size_t)themes[i];
		hp->pas_any[k]++;
		if (ty)
			hp->pas_lr[k]++;
		if (ty == 2) {
			if (hp->rec_doc[k] || hp->th_recs[themes[i]]->len >= RECS_SHOWN) {
				hp->recs_more[themes[i]]++;
			} else {
				struct rec *rc = g_new0(struct rec, 1);

				rc->doc = d;
				rc->no = no;
				g_ptr_array_add(hp->recs, rc);
				g_ptr_array_add(hp->th_recs[themes[i]], rc);
				hp->rec_doc[k] = 1;
				hp->untold++;
				wanted = 1;
			}
		}
	}
	return wanted;
}

void html_passages_text(struct html_passages *hp, size_t d, unsigned long no,
			const char *passage, const char *page, const char *section,
			const char *text)
{
	size_t i;

	for (i = hp->recs->len; i-- > 0;) {
		struct rec *rc = hp->recs->pdata[i];

		if (rc->doc != d || rc->no != no || rc->text)
			continue;
		rc->passage = g_strdup(passage);
		rc->page = g_strdup(page);
		rc->section = g_strdup(unguard(section));
		rc->text = g_strdup(unguard(text));
		hp->untold--;
	}
}

/* The counts of a reduce into outdir, waiting for its report.html. */
static struct html_passages *handed;

void html_report_take_passages(const char *outdir, struct html_passages *hp)
{
	html_passages_free(handed);
	handed = hp;
	if (hp)
		hp->outdir = xstrdup(outdir);
}

static void load_themes(struct model *m)
{
	struct table *p = m->prev;
	int ci = col(p, "theme"), cl = col(p, "label"), cg = col(p, "group"),
	    ck = col(p, "documents"), cn = col(p, "n"), cs = col(p, "share"),
	    clo = col(p, "ci_low"), chi = col(p, "ci_high"), cp = col(p, "passages"),
	    cty[3] = { col(p, "context"), col(p, "learning"), col(p, "recommendation") };
	size_t t, g;

	m->nt = p->rows->len;
	m->th = xcalloc(m->nt + 1, sizeof(*m->th));
	m->groups = xcalloc(m->nt + 1, sizeof(char *));
	m->theme_ix = g_hash_table_new(g_str_hash, g_str_equal);
	for (t = 0; t < m->nt; t++) {
		struct theme *x = &m->th[t];
		int i;

		x->id = cell(p, t, ci);
		x->label = *cell(p, t, cl) ? cell(p, t, cl) : x->id;
		x->group = cell(p, t, cg);
		x->k = atol(cell(p, t, ck));
		x->n = atol(cell(p, t, cn));
		x->share = num(cell(p, t, cs));
		x->lo = num(cell(p, t, clo));
		x->hi = num(cell(p, t, chi));
		x->passages = atol(cell(p, t, cp));
		for (i = 0; i < 3; i++)
			x->by_type[i] = atol(cell(p, t, cty[i]));
		for (g = 0; g < m->ngroups; g++)
			if (!strcmp(m->groups[g], x->group))
				break;
		if (g == m->ngroups)
			m->groups[m->ngroups++] = (char *)x->group;
		x->group_no = (int)g;
		g_hash_table_insert(m->theme_ix, (char *)x->id, GSIZE_TO_POINTER(t + 1));
	}
}

static int theme_of(const struct model *m, const char *id)
{
	return (int)GPOINTER_TO_SIZE(g_hash_table_lookup(m->theme_ix, id)) - 1;
}

static int doc_of(const struct model *m, const char *id)
{
	return (int)GPOINTER_TO_SIZE(g_hash_table_lookup(m->doc_ix, id)) - 1;
}

/* One pass over passages.csv: counts per document and theme, and the
 * recommendations of each theme (one per document, RECS_SHOWN at most). */
static int scan_passages(struct model *m)
{
	GArray *th = g_array_new(FALSE, FALSE, sizeof(int));
	char *path = g_build_filename(m->dir, "passages.csv", NULL);
	struct doc_error err = { 0 };
	struct csv_in *c = csv_in_open(path, &err);
	char **f;
	size_t n;
	/* columns by name: passages.csv gains columns over time */
	static const char *const want[] = { "doc_id", "passage", "page", "section",
					    "type", "themes", "text" };
	size_t col[G_N_ELEMENTS(want)], need = 0, i;
	int r, first = 1;
	enum { cd, cpa, cpg, cse, cty, cth, ctx };

	g_free(path);
	if (!c)
		return -1;
	while ((r = csv_in_next(c, &f, &n, &err)) > 0) {
		int d, ty;
		gchar **ts, **tp;

		if (first) {
			first = 0;
			for (i = 0; i < G_N_ELEMENTS(want); i++) {
				size_t j;

				for (j = 0; j < n && strcmp(f[j], want[i]); j++)
					;
				if (j == n) {
					csv_in_close(c);
					g_array_free(th, TRUE);
					return -1;
				}
				col[i] = j;
				if (j + 1 > need)
					need = j + 1;
			}
			continue;
		}
		if (n < need || (d = doc_of(m, f[col[cd]])) < 0)
			continue;
		ty = type_no(f[col[cty]]);
		g_array_set_size(th, 0);
		ts = g_strsplit(f[col[cth]], ";", -1);
		for (tp = ts; *tp; tp++) {
			int t = **tp ? theme_of(m, *tp) : -1;

			if (t >= 0)
				g_array_append_val(th, t);
		}
		g_strfreev(ts);
		if (html_passages_add(m->ps, (size_t)d, strtoul(f[col[cpa]], NULL, 10), ty,
				      (const int *)(void *)th->data, th->len))
			html_passages_text(m->ps, (size_t)d, strtoul(f[col[cpa]], NULL, 10),
					   f[col[cpa]], f[col[cpg]], f[col[cse]], f[col[ctx]]);
	}
	csv_in_close(c);
	g_array_free(th, TRUE);
	return r < 0 ? -1 : 0;
}

static int features(const struct model *m, size_t d, size_t t)
{
	size_t k = d * m->nt + t;
	unsigned lr = m->info->min_lr, any = m->info->min_any;

	if (!strcmp(cell(m->docs, d, col(m->docs, "status")), "error"))
		return 0;
	return (lr && m->ps->pas_lr[k] >= lr) || (any && m->ps->pas_any[k] >= any);
}

/* ---- page parts --------------------------------------------------------- */

static const char *css =
	"body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;color:#111;"
	"max-width:60rem;margin:0 auto;padding:1rem 1.5rem;line-height:1.45;font-size:15px}"
	"h1{font-size:1.7rem;margin:.2rem 0}h2{font-size:1.35rem;border-bottom:2px solid #0072B2;"
	"padding-bottom:.2rem;margin-top:2.2rem}h3{font-size:1.12rem;margin:1.6rem 0 .3rem}"
	"h4{font-size:.98rem;margin:.9rem 0 .3rem}"
	"table{border-collapse:collapse;margin:.6rem 0;font-size:.88rem}"
	"th,td{border:1px solid #bbb;padding:.2rem .45rem;text-align:left;vertical-align:top}"
	"th{background:#eef3f8}td.n{text-align:right;font-variant-numeric:tabular-nums}"
	"caption{text-align:left;font-weight:bold;padding:.2rem 0}"
	"blockquote{margin:.5rem 0 .8rem;padding:.3rem .8rem;border-left:4px solid #009E73;"
	"background:#f5faf8}blockquote p{margin:.2rem 0}blockquote footer{font-size:.82rem;color:#444}"
	".meta,.note{color:#444;font-size:.88rem}.kn{font-weight:bold}"
	".group{color:#fff;padding:0 .35rem;border-radius:3px;font-size:.8rem}"
	"figure{margin:.8rem 0}figcaption{font-size:.85rem;color:#333}"
	"svg text{font-family:'DejaVu Sans',Arial,sans-serif}svg{max-width:100%;height:auto}"
	".hash{word-break:break-all}table{max-width:100%}"
	"nav ol{columns:2}.terms span{display:inline-block;margin:0 .5rem .2rem 0}"
	"@page{size:A4;margin:16mm 14mm}"
	"@media print{body{max-width:none;font-size:10.5pt;padding:0}"
	"h2{break-before:page}h2,h3,h4{break-after:avoid}"
	"figure,blockquote,tr{break-inside:avoid}nav{display:none}table{font-size:8.5pt}"
	"a{color:inherit;text-decoration:none}}";

static void head(GString *h, const struct model *m)
{
	size_t ok = 0;
	int cs = col(m->docs, "status");
	size_t d;

	for (d = 0; d < m->nd; d++)
		ok += strcmp(cell(m->docs, d, cs), "error") != 0;
	g_string_append(h, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>Thematic review report</title>\n<style>");
	g_string_append(h, css);
	g_string_append(h, "</style>\n</head>\n<body>\n<header>\n");
	g_string_append_printf(h, "<h1>Thematic review of %zu document%s</h1>\n", ok,
			       ok == 1 ? "" : "s");
	g_string_append(h, "<p class=\"meta\">Made by revmine ");
	esc(h, m->info->version ? m->info->version : "");
	if (m->info->date) {
		g_string_append(h, " on ");
		esc(h, m->info->date);
	}
	g_string_append(h, " from the files beside this page. Every figure here is in a CSV file "
			   "of the same folder.</p>\n</header>\n");
	g_string_append(h, "<nav aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n"
		"<li><a href=\"#corpus\">The corpus</a></li>\n"
		"<li><a href=\"#prevalence\">How often each theme occurs</a></li>\n"
		"<li><a href=\"#cooccurrence\">Themes that occur together</a></li>\n"
		"<li><a href=\"#themes\">Each theme: quotes, recommendations, documents, terms</a></li>\n"
		"<li><a href=\"#documents\">Each document</a></li>\n");
	if (m->bygroup)
		g_string_append(h, "<li><a href=\"#subgroups\">Subgroups</a></li>\n");
	g_string_append(h, "<li><a href=\"#method\">Method and caveats</a></li>\n</ol>\n</nav>\n<main>\n");
}

static void count_row(GString *h, const char *what, long v)
{
	g_string_append(h, "<tr><th scope=\"row\">");
	esc(h, what);
	g_string_append_printf(h, "</th><td class=\"n\">%ld</td></tr>\n", v);
}

static void corpus_section(GString *h, const struct model *m)
{
	int cs = col(m->docs, "status"), cf = col(m->docs, "format"),
	    cp = col(m->docs, "pages"), ck = col(m->docs, "kind");
	GHashTable *kinds = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *korder = g_ptr_array_new();
	long st[3] = { 0 }, pages = 0;
	size_t d, i;
	struct table *val = table_load(m->dir, "validity.csv");

	for (d = 0; d < m->nd; d++) {
		const char *s = cell(m->docs, d, cs);
		char *kind = g_strdup_printf("%s%s%s", cell(m->docs, d, cf),
					     ck >= 0 && *cell(m->docs, d, ck) ? ", " : "",
					     ck >= 0 ? cell(m->docs, d, ck) : "");
		gpointer old;

		st[!strcmp(s, "ok") ? 0 : !strcmp(s, "warning") ? 1 : 2]++;
		pages += atol(cell(m->docs, d, cp));
		if (!g_hash_table_lookup_extended(kinds, kind, NULL, &old)) {
			g_hash_table_insert(kinds, kind, GSIZE_TO_POINTER(1));
			g_ptr_array_add(korder, kind);
		} else {
			g_hash_table_insert(kinds, g_strdup(kind), GSIZE_TO_POINTER(GPOINTER_TO_SIZE(old) + 1));
			g_free(kind);
		}
	}
	g_string_append(h, "<section id=\"corpus\">\n<h2>1. The corpus</h2>\n");
	g_string_append(h, "<table>\n<caption>Documents by status</caption>\n"
		"<thead><tr><th scope=\"col\">Status</th><th scope=\"col\">Documents</th></tr></thead>\n<tbody>\n");
	count_row(h, "ok", st[0]);
	count_row(h, "warning (processed, with a note)", st[1]);
	count_row(h, "error (skipped; see documents.csv)", st[2]);
	count_row(h, "all", (long)m->nd);
	g_string_append(h, "</tbody>\n</table>\n");
	g_string_append(h, "<table>\n<caption>Documents by kind</caption>\n"
		"<thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Documents</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < korder->len; i++)
		count_row(h, korder->pdata[i],
			  (long)GPOINTER_TO_SIZE(g_hash_table_lookup(kinds, korder->pdata[i])));
	g_string_append(h, "</tbody>\n</table>\n");
	g_string_append(h, "<table>\n<caption>Size and configuration</caption>\n<tbody>\n");
	count_row(h, "pages", pages);
	count_row(h, "passages", m->ps->total_pass[0] + m->ps->total_pass[1] + m->ps->total_pass[2]);
	count_row(h, "learning passages", m->ps->total_pass[1]);
	count_row(h, "recommendation passages", m->ps->total_pass[2]);
	count_row(h, "context passages", m->ps->total_pass[0]);
	g_string_append(h, "<tr><th scope=\"row\">date of the run</th><td>");
	esc(h, m->info->date ? m->info->date : "unknown");
	g_string_append(h, "</td></tr>\n<tr><th scope=\"row\">codebook</th><td>");
	esc(h, m->info->codebook ? m->info->codebook : "(as mapped)");
	if (m->info->codebook_hash) {
		g_string_append(h, " (SHA-256 <span class=\"hash\">");
		esc(h, m->info->codebook_hash);
		g_string_append(h, "</span>)");
	}
	g_string_append(h, "</td></tr>\n<tr><th scope=\"row\">configuration hash</th><td class=\"hash\">");
	esc(h, m->info->config ? m->info->config : "");
	g_string_append(h, "</td></tr>\n<tr><th scope=\"row\">revmine version</th><td>");
	esc(h, m->info->version ? m->info->version : "");
	g_string_append_printf(h, "</td></tr>\n<tr><th scope=\"row\">document rule</th><td>a document "
			       "features a theme with at least %u learning or recommendation passage%s "
			       "or %u passages of any type coded to it</td></tr>\n",
			       m->info->min_lr, m->info->min_lr == 1 ? "" : "s", m->info->min_any);
	g_string_append(h, "</tbody>\n</table>\n");
	g_string_append(h, "<h3>Validity of the coding</h3>\n");
	if (val && col(val, "measure") >= 0) {
		int cm = col(val, "measure"), cv = col(val, "value"), cl = col(val, "ci_low"),
		    chh = col(val, "ci_high"), cn = col(val, "n");

		g_string_append(h, "<table>\n<caption>Agreement with hand-coded passages (validity.csv)</caption>\n"
			"<thead><tr><th scope=\"col\">Measure</th><th scope=\"col\">Value</th>"
			"<th scope=\"col\">95% interval</th><th scope=\"col\">Passages</th></tr></thead>\n<tbody>\n");
		for (i = 0; i < val->rows->len; i++) {
			g_string_append(h, "<tr><th scope=\"row\">");
			esc(h, cell(val, i, cm));
			g_string_append(h, "</th><td class=\"n\">");
			esc(h, cell(val, i, cv));
			g_string_append(h, "</td><td class=\"n\">");
			esc(h, cell(val, i, cl));
			g_string_append(h, "–");
			esc(h, cell(val, i, chh));
			g_string_append(h, "</td><td class=\"n\">");
			esc(h, cell(val, i, cn));
			g_string_append(h, "</td></tr>\n");
		}
		g_string_append(h, "</tbody>\n</table>\n");
	} else {
		g_string_append(h, "<p>Not measured for this run. <code>revmine eval -c CODEBOOK GOLD.csv</code> "
			"gives the agreement of this codebook with hand-coded passages (precision, recall, "
			"F1 and kappa per theme); a <code>validity.csv</code> (columns <code>measure,value,"
			"ci_low,ci_high,n</code>) placed in this folder is shown here when the report is "
			"rebuilt with <code>revmine report</code>. Until then, read the figures below as what "
			"the codebook finds, and check the quotes.</p>\n");
	}
	g_string_append(h, "</section>\n");
	table_free(val);
	g_ptr_array_free(korder, TRUE);
	g_hash_table_destroy(kinds);
}

/* Themes in display order: by group (order of first appearance), then by
 * share descending, then codebook order. */
static const struct model *sort_m;

static int cmp_display(const void *a, const void *b)
{
	const struct theme *x = &sort_m->th[*(const size_t *)a];
	const struct theme *y = &sort_m->th[*(const size_t *)b];
	double sx = isnan(x->share) ? -1 : x->share, sy = isnan(y->share) ? -1 : y->share;

	if (x->group_no != y->group_no)
		return x->group_no < y->group_no ? -1 : 1;
	if (sx != sy)
		return sx > sy ? -1 : 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static size_t *display_order(const struct model *m)
{
	size_t *o = xcalloc(m->nt + 1, sizeof(*o)), t;

	for (t = 0; t < m->nt; t++)
		o[t] = t;
	sort_m = m;
	qsort(o, m->nt, sizeof(*o), cmp_display);
	return o;
}

static const char *group_name(const struct model *m, int g)
{
	return *m->groups[g] ? m->groups[g] : "other";
}

static void group_badge(GString *h, const struct model *m, int g)
{
	g_string_append_printf(h, "<span class=\"group\" style=\"background:%s\">",
			       palette[(size_t)g % ARRAY_SIZE(palette)]);
	esc(h, group_name(m, g));
	g_string_append(h, "</span>");
}

static void prevalence_section(GString *h, const struct model *m, const size_t *order)
{
	const double x0 = 330, x1 = 640, row = 19;
	size_t i, rows = 0, present = 0;
	double y;
	int g = -1;

	for (i = 0; i < m->nt; i++) {
		present += m->th[i].k > 0;
		rows++;
	}
	rows += m->ngroups;
	g_string_append(h, "<section id=\"prevalence\">\n<h2>2. How often each theme occurs</h2>\n");
	g_string_append_printf(h, "<p>%zu of the %zu themes of the codebook feature in at least one "
			       "document. A document <em>features</em> a theme by the document rule "
			       "(section 1). Each dot is the share of documents, the whisker its "
			       "Wilson 95%% interval.</p>\n", present, m->nt);
	g_string_append(h, "<figure>\n");
	g_string_append_printf(h, "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
			       "aria-labelledby=\"prev-title\" width=\"720\" height=\"%.0f\" "
			       "viewBox=\"0 0 720 %.0f\">\n<title id=\"prev-title\">Share of documents "
			       "featuring each theme with 95%% intervals, grouped by codebook group</title>\n",
			       30 + rows * row, 30 + rows * row);
	for (i = 0; i <= 4; i++) {
		double x = x0 + (x1 - x0) * (double)i / 4;

		g_string_append_printf(h, "<line x1=\"%.1f\" y1=\"18\" x2=\"%.1f\" y2=\"%.0f\" "
				       "stroke=\"#ddd\"/><text x=\"%.1f\" y=\"13\" font-size=\"10\" "
				       "text-anchor=\"middle\">%zu%%</text>\n",
				       x, x, 22 + rows * row, x, i * 25);
	}
	y = 22;
	for (i = 0; i < m->nt; i++) {
		const struct theme *x = &m->th[order[i]];
		const char *colour = palette[(size_t)x->group_no % ARRAY_SIZE(palette)];

		if (x->group_no != g) {
			g = x->group_no;
			y += row;
			g_string_append_printf(h, "<text x=\"4\" y=\"%.1f\" font-size=\"12\" "
					       "font-weight=\"bold\" fill=\"%s\">", y - 5, colour);
			esc(h, group_name(m, g));
			g_string_append(h, "</text>\n");
		}
		y += row;
		g_string_append_printf(h, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" "
				       "text-anchor=\"end\">", x0 - 8, y - 5);
		esc_cut(h, x->label, 48);
		g_string_append(h, "</text>\n");
		if (!isnan(x->share)) {
			g_string_append_printf(h, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
					       "stroke=\"%s\" stroke-width=\"2\"/>"
					       "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\"/>\n",
					       x0 + (x1 - x0) * x->lo, y - 9, x0 + (x1 - x0) * x->hi, y - 9,
					       colour, x0 + (x1 - x0) * x->share, y - 9, colour);
		}
		g_string_append_printf(h, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\">%ld of %ld</text>\n",
				       x1 + 10, y - 5, x->k, x->n);
	}
	g_string_append(h, "</svg>\n<figcaption>Themes grouped as in the codebook, most frequent first "
			   "within each group. The numbers are in the table below and in "
			   "theme_prevalence.csv.</figcaption>\n</figure>\n");
	g_string_append(h, "<table id=\"prevalence-table\">\n<caption>Documents featuring each theme "
		"(k of n) and passages coded to it</caption>\n<thead><tr><th scope=\"col\">Theme</th>"
		"<th scope=\"col\">Group</th><th scope=\"col\">Documents</th><th scope=\"col\">Share</th>"
		"<th scope=\"col\">95% interval</th><th scope=\"col\">Passages</th>"
		"<th scope=\"col\">Learning</th><th scope=\"col\">Recommendation</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < m->nt; i++) {
		const struct theme *x = &m->th[order[i]];

		g_string_append(h, "<tr data-theme=\"");
		esc(h, x->id);
		g_string_append_printf(h, "\" data-k=\"%ld\" data-n=\"%ld\"><th scope=\"row\">", x->k, x->n);
		if (x->k > 0) {
			g_string_append(h, "<a href=\"#theme-");
			esc(h, x->id);
			g_string_append(h, "\">");
			esc(h, x->label);
			g_string_append(h, "</a>");
		} else {
			esc(h, x->label);
		}
		g_string_append(h, "</th><td>");
		esc(h, x->group);
		g_string_append_printf(h, "</td><td class=\"n\"><span class=\"k\">%ld</span> of "
				       "<span class=\"nn\">%ld</span></td><td class=\"n\">", x->k, x->n);
		pct(h, x->share);
		g_string_append(h, "</td><td class=\"n\">");
		pct(h, x->lo);
		g_string_append(h, "–");
		pct(h, x->hi);
		g_string_append_printf(h, "</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
				       "<td class=\"n\">%ld</td></tr>\n", x->passages, x->by_type[1],
				       x->by_type[2]);
	}
	g_string_append(h, "</tbody>\n</table>\n</section>\n");
}

/* The document-level row of theme_pairs.csv for themes a < b. */
struct pair {
	int a, b;
	long n_ab;
	double phi, or_, or_lo, or_hi, q;
};

static struct pair *load_pairs(const struct model *m, size_t *np)
{
	struct table *p = m->pairs;
	struct pair *v;
	size_t i, n = 0;
	int ca = col(p, "theme_a"), cb = col(p, "theme_b"), cl = col(p, "level"),
	    cn = col(p, "n_ab"), cphi = col(p, "phi"), co = col(p, "odds_ratio"),
	    clo = col(p, "or_low"), chi = col(p, "or_high"), cq = col(p, "q_fisher");

	*np = 0;
	if (!p)
		return NULL;
	v = xcalloc(p->rows->len + 1, sizeof(*v));
	for (i = 0; i < p->rows->len; i++) {
		struct pair *x = &v[n];

		if (strcmp(cell(p, i, cl), "document"))
			continue;
		x->a = theme_of(m, cell(p, i, ca));
		x->b = theme_of(m, cell(p, i, cb));
		if (x->a < 0 || x->b < 0)
			continue;
		x->n_ab = atol(cell(p, i, cn));
		x->phi = num(cell(p, i, cphi));
		x->or_ = num(cell(p, i, co));
		x->or_lo = num(cell(p, i, clo));
		x->or_hi = num(cell(p, i, chi));
		x->q = num(cell(p, i, cq));
		n++;
	}
	*np = n;
	return v;
}

/* White to orange (positive) or to blue (negative). */
static void heat_colour(char *buf, size_t size, double v)
{
	static const int pos[3] = { 0xE6, 0x9F, 0x00 }, neg[3] = { 0x00, 0x72, 0xB2 };
	const int *c = v >= 0 ? pos : neg;
	double a = fabs(v) > 1 ? 1 : fabs(v);
	int rgb[3], i;

	for (i = 0; i < 3; i++)
		rgb[i] = (int)lround(255 + (c[i] - 255) * a);
	snprintf(buf, size, "#%02X%02X%02X", rgb[0], rgb[1], rgb[2]);
}

static int cmp_pair_phi(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	double px = isnan(x->phi) ? -2 : x->phi, py = isnan(y->phi) ? -2 : y->phi;

	if (px != py)
		return px > py ? -1 : 1;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return x->b < y->b ? -1 : x->b > y->b;
}

static void num_cell(GString *h, double v, const char *fmt)
{
	g_string_append(h, "<td class=\"n\">");
	if (isnan(v))
		g_string_append(h, "–");
	else
		g_string_append_printf(h, fmt, v);
	g_string_append(h, "</td>");
}

static void cooccurrence_section(GString *h, const struct model *m, const size_t *order)
{
	size_t np, i, j, nv = 0, *vis = xcalloc(m->nt + 1, sizeof(*vis));
	struct pair *p = load_pairs(m, &np), **grid;
	const double cellw = 15, left = 270, top = 190;
	char colour[16];
	size_t shown = 0;

	for (i = 0; i < m->nt; i++)
		if (m->th[order[i]].k > 0)
			vis[nv++] = order[i];
	grid = xcalloc(m->nt * m->nt + 1, sizeof(*grid));
	for (i = 0; i < np; i++) {
		grid[(size_t)p[i].a * m->nt + (size_t)p[i].b] = &p[i];
		grid[(size_t)p[i].b * m->nt + (size_t)p[i].a] = &p[i];
	}
	g_string_append(h, "<section id=\"cooccurrence\">\n<h2>3. Themes that occur together</h2>\n");
	g_string_append(h, "<p>Each cell is the phi coefficient of two themes over documents: "
			   "orange when documents featuring one tend to feature the other, blue when "
			   "they tend not to. A black dot marks pairs whose association survives the "
			   "Benjamini-Hochberg correction over all pairs (q &lt; 0.05, Fisher's exact "
			   "test).</p>\n");
	if (nv >= 2) {
		double w = left + nv * cellw + 140, ht = top + nv * cellw + 50;
		double ly = top + nv * cellw + 18;
		int s;

		g_string_append_printf(h, "<figure>\n<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
				       "aria-labelledby=\"heat-title\" width=\"%.0f\" height=\"%.0f\" "
				       "viewBox=\"0 0 %.0f %.0f\">\n<title id=\"heat-title\">Heat map of "
				       "phi between the themes present, significant pairs marked</title>\n",
				       w, ht, w, ht);
		for (i = 0; i < nv; i++) {
			g_string_append_printf(h, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"10\" "
					       "text-anchor=\"end\">", left - 6, top + i * cellw + 11);
			esc_cut(h, m->th[vis[i]].label, 44);
			g_string_append(h, "</text>\n");
			g_string_append_printf(h, "<text transform=\"translate(%.1f %.0f) rotate(-60)\" "
					       "font-size=\"10\">", left + i * cellw + 11, top - 5);
			esc_cut(h, m->th[vis[i]].label, 36);
			g_string_append(h, "</text>\n");
		}
		for (i = 0; i < nv; i++)
			for (j = 0; j < nv; j++) {
				const struct pair *x = grid[vis[i] * m->nt + vis[j]];
				double cx = left + j * cellw, cy = top + i * cellw;

				if (i == j || !x || isnan(x->phi))
					snprintf(colour, sizeof(colour), "%s", i == j ? "#999999" : "#eeeeee");
				else
					heat_colour(colour, sizeof(colour), x->phi);
				g_string_append_printf(h, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" "
						       "height=\"%.0f\" fill=\"%s\" stroke=\"#fff\">",
						       cx, cy, cellw, cellw, colour);
				if (i != j && x) {
					g_string_append(h, "<title>");
					esc(h, m->th[vis[i]].label);
					g_string_append(h, " × ");
					esc(h, m->th[vis[j]].label);
					if (isnan(x->phi))
						g_string_append_printf(h, ": %ld documents", x->n_ab);
					else
						g_string_append_printf(h, ": phi %.2f, %ld documents, q %.3g",
								       x->phi, x->n_ab, x->q);
					g_string_append(h, "</title>");
				}
				g_string_append(h, "</rect>\n");
				if (i != j && x && x->q < 0.05)
					g_string_append_printf(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" "
							       "fill=\"#000\"/>\n", cx + cellw / 2, cy + cellw / 2);
			}
		/* legend: the colour scale and the mark */
		for (s = -4; s <= 4; s++) {
			heat_colour(colour, sizeof(colour), s / 4.0);
			g_string_append_printf(h, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"12\" "
					       "fill=\"%s\" stroke=\"#999\" stroke-width=\"0.5\"/>\n",
					       left + (s + 4) * 22.0, ly, 22.0, colour);
		}
		g_string_append_printf(h, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\">phi −1</text>"
				       "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"middle\">0</text>"
				       "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"end\">+1</text>"
				       "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"2.6\" fill=\"#000\"/>"
				       "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\">q &lt; 0.05</text>\n",
				       left, ly + 24, left + 99, ly + 24, left + 198, ly + 24,
				       left + 220, ly + 6, left + 228, ly + 10);
		g_string_append(h, "</svg>\n<figcaption>Themes featuring in at least one document, in the "
				   "order of section 2. All pairs are in theme_pairs.csv.</figcaption>\n</figure>\n");
	} else {
		g_string_append(h, "<p>Fewer than two themes are present: nothing to compare.</p>\n");
	}
	qsort(p, np, sizeof(*p), cmp_pair_phi);
	g_string_append(h, "<table id=\"pairs-table\">\n<caption>The most strongly associated pairs "
		"(documents)</caption>\n<thead><tr><th scope=\"col\">Theme</th><th scope=\"col\">Theme</th>"
		"<th scope=\"col\">Documents with both</th><th scope=\"col\">phi</th>"
		"<th scope=\"col\">Odds ratio</th><th scope=\"col\">95% interval</th>"
		"<th scope=\"col\">q (BH)</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < np && shown < PAIRS_SHOWN; i++) {
		const struct pair *x = &p[i];

		if (isnan(x->phi) || x->phi <= 0 || x->n_ab < 1)
			continue;
		shown++;
		g_string_append(h, "<tr><td>");
		esc(h, m->th[x->a].label);
		g_string_append(h, "</td><td>");
		esc(h, m->th[x->b].label);
		g_string_append_printf(h, "</td><td class=\"n\">%ld</td>", x->n_ab);
		num_cell(h, x->phi, "%.2f");
		num_cell(h, x->or_, "%.2f");
		g_string_append(h, "<td class=\"n\">");
		if (!isnan(x->or_lo))
			g_string_append_printf(h, "%.2f–%.2f", x->or_lo, x->or_hi);
		g_string_append(h, "</td>");
		g_string_append(h, "<td class=\"n\">");
		if (!isnan(x->q))
			g_string_append_printf(h, "%.3g%s", x->q, x->q < 0.05 ? " ●" : "");
		g_string_append(h, "</td></tr>\n");
	}
	if (!shown)
		g_string_append(h, "<tr><td colspan=\"7\">No pair of themes is positively associated.</td></tr>\n");
	g_string_append(h, "</tbody>\n</table>\n</section>\n");
	free(grid);
	free(vis);
	free(p);
}

static void doc_link(GString *h, const struct model *m, size_t d)
{
	g_string_append_printf(h, "<a href=\"#doc-%zu\">", d + 1);
	esc(h, cell(m->docs, d, col(m->docs, "doc_id")));
	g_string_append(h, "</a>");
}

static void quote_footer(GString *h, const struct model *m, size_t d, const char *page,
			 const char *section)
{
	g_string_append(h, "<footer>");
	doc_link(h, m, d);
	g_string_append(h, ", page ");
	esc(h, page);
	if (*section) {
		g_string_append(h, ", under “");
		esc_cut(h, section, 120);
		g_string_append(h, "”");
	}
}

static void theme_article(GString *h, const struct model *m, size_t t)
{
	const struct theme *x = &m->th[t];
	struct table *q = m->quotes, *tt = m->terms;
	int qt = col(q, "theme"), qd = col(q, "doc_id"), qp = col(q, "page"), qs = col(q, "section"),
	    qy = col(q, "type"), qc = col(q, "confidence"), qx = col(q, "text"),
	    tth = col(tt, "theme"), tte = col(tt, "term"), tsu = col(tt, "surface");
	size_t i, shown = 0, d, nd = 0;

	g_string_append(h, "<article id=\"theme-");
	esc(h, x->id);
	g_string_append(h, "\">\n<h3>");
	esc(h, x->label);
	g_string_append(h, " ");
	group_badge(h, m, x->group_no);
	g_string_append_printf(h, "</h3>\n<p class=\"kn\">%ld of %ld documents (", x->k, x->n);
	pct(h, x->share);
	g_string_append(h, ", 95% interval ");
	pct(h, x->lo);
	g_string_append(h, "–");
	pct(h, x->hi);
	g_string_append_printf(h, "); %ld passages: %ld learning, %ld recommendation, %ld context.</p>\n",
			       x->passages, x->by_type[1], x->by_type[2], x->by_type[0]);
	g_string_append(h, "<h4>Key quotes</h4>\n");
	for (i = 0; q && i < q->rows->len && shown < QUOTES_SHOWN; i++) {
		int dd;

		if (strcmp(cell(q, i, qt), x->id) || (dd = doc_of(m, cell(q, i, qd))) < 0)
			continue;
		shown++;
		g_string_append(h, "<blockquote id=\"q-");
		esc(h, x->id);
		g_string_append_printf(h, "-%d\"><p>", dd + 1);
		esc_cut(h, cell(q, i, qx), QUOTE_CHARS);
		g_string_append(h, "</p>");
		quote_footer(h, m, (size_t)dd, cell(q, i, qp), cell(q, i, qs));
		g_string_append(h, "; ");
		esc(h, cell(q, i, qy));
		g_string_append(h, ", confidence ");
		esc(h, cell(q, i, qc));
		g_string_append(h, "</footer></blockquote>\n");
	}
	if (!shown)
		g_string_append(h, "<p class=\"note\">No quote (the theme's passages are headings only).</p>\n");
	g_string_append(h, "<h4>Recommendations coded with it</h4>\n");
	if (m->ps->th_recs[t]->len) {
		g_string_append(h, "<ul>\n");
		for (i = 0; i < m->ps->th_recs[t]->len; i++) {
			const struct rec *r = m->ps->th_recs[t]->pdata[i];

			g_string_append(h, "<li>");
			esc_cut(h, r->text, QUOTE_CHARS);
			g_string_append(h, " <span class=\"note\">(");
			doc_link(h, m, r->doc);
			g_string_append(h, ", page ");
			esc(h, r->page);
			g_string_append(h, ")</span></li>\n");
		}
		g_string_append(h, "</ul>\n");
		if (m->ps->recs_more[t])
			g_string_append_printf(h, "<p class=\"note\">%zu more recommendation passage%s in "
					       "passages.csv.</p>\n", m->ps->recs_more[t],
					       m->ps->recs_more[t] == 1 ? "" : "s");
	} else {
		g_string_append(h, "<p class=\"note\">None.</p>\n");
	}
	g_string_append(h, "<h4>Documents featuring it</h4>\n<p>");
	for (d = 0; d < m->nd; d++) {
		if (!features(m, d, t))
			continue;
		if (nd++)
			g_string_append(h, ", ");
		doc_link(h, m, d);
		g_string_append_printf(h, " (%ld)", m->ps->pas_any[d * m->nt + t]);
	}
	g_string_append(h, nd ? "</p>\n<p class=\"note\">In brackets: passages coded to the theme.</p>\n"
			      : "none</p>\n");
	g_string_append(h, "<h4>Key terms</h4>\n<p class=\"terms\">");
	for (i = 0, shown = 0; tt && i < tt->rows->len && shown < TERMS_SHOWN; i++) {
		if (strcmp(cell(tt, i, tth), x->id))
			continue;
		g_string_append(h, shown++ ? " <span title=\"stem: " : "<span title=\"stem: ");
		esc(h, cell(tt, i, tte));
		g_string_append(h, "\">");
		esc(h, *cell(tt, i, tsu) ? cell(tt, i, tsu) : cell(tt, i, tte));
		g_string_append(h, "</span>");
	}
	if (!shown)
		g_string_append(h, "none");
	g_string_append(h, "</p>\n</article>\n");
}

static void themes_section(GString *h, const struct model *m, const size_t *order)
{
	size_t i;

	g_string_append(h, "<section id=\"themes\">\n<h2>4. Each theme</h2>\n"
		"<p>For every theme featuring in at least one document: the passages with the "
		"strongest evidence for it (at most one per document), the recommendations coded "
		"with it (one per document), the documents featuring it, and the words most "
		"characteristic of its passages (keyness; names of people left out).</p>\n");
	for (i = 0; i < m->nt; i++)
		if (m->th[order[i]].k > 0)
			theme_article(h, m, order[i]);
	g_string_append(h, "</section>\n");
}

static void documents_section(GString *h, const struct model *m)
{
	int ci = col(m->docs, "doc_id"), cs = col(m->docs, "status"), cp = col(m->docs, "pages");
	struct table *q = m->quotes;
	int qt = col(q, "theme"), qd = col(q, "doc_id");
	size_t d, t, i, *top = xcalloc(m->nt + 1, sizeof(*top));
	size_t nq_all = q ? q->rows->len : 0, *rank = xcalloc(nq_all + 1, sizeof(*rank));

	/* each quote's rank within its theme (rows are grouped by theme) */
	for (i = 1; i < nq_all; i++)
		rank[i] = strcmp(cell(q, i, qt), cell(q, i - 1, qt)) ? 0 : rank[i - 1] + 1;

	g_string_append(h, "<section id=\"documents\">\n<h2>5. Each document</h2>\n");
	g_string_append(h, "<table id=\"documents-table\">\n<caption>Documents in path order</caption>\n"
		"<thead><tr><th scope=\"col\">Document</th><th scope=\"col\">Status</th>"
		"<th scope=\"col\">Pages</th><th scope=\"col\">Learning</th>"
		"<th scope=\"col\">Recommendation</th><th scope=\"col\">Context</th>"
		"<th scope=\"col\">Top themes (passages)</th><th scope=\"col\">Its quotes</th></tr></thead>\n<tbody>\n");
	for (d = 0; d < m->nd; d++) {
		size_t ntop = 0, nq = 0;

		g_string_append_printf(h, "<tr id=\"doc-%zu\"><th scope=\"row\">", d + 1);
		esc(h, cell(m->docs, d, ci));
		g_string_append(h, "</th><td>");
		esc(h, cell(m->docs, d, cs));
		g_string_append(h, "</td><td class=\"n\">");
		esc(h, cell(m->docs, d, cp));
		g_string_append_printf(h, "</td><td class=\"n\">%ld</td><td class=\"n\">%ld</td>"
				       "<td class=\"n\">%ld</td><td>", m->ps->pass_type[d * 3 + 1],
				       m->ps->pass_type[d * 3 + 2], m->ps->pass_type[d * 3]);
		/* the three themes with most passages (ties: codebook order) */
		for (i = 0; i < 3; i++) {
			size_t best = m->nt;

			for (t = 0; t < m->nt; t++) {
				size_t j;
				int taken = 0;

				for (j = 0; j < ntop; j++)
					taken |= top[j] == t;
				if (!taken && m->ps->pas_any[d * m->nt + t] > 0 &&
				    (best == m->nt || m->ps->pas_any[d * m->nt + t] > m->ps->pas_any[d * m->nt + best]))
					best = t;
			}
			if (best == m->nt)
				break;
			top[ntop++] = best;
			if (i)
				g_string_append(h, "; ");
			esc(h, m->th[best].label);
			g_string_append_printf(h, " (%ld)", m->ps->pas_any[d * m->nt + best]);
		}
		g_string_append(h, "</td><td>");
		for (i = 0; q && i < q->rows->len; i++) {
			int t2;

			if (strcmp(cell(q, i, qd), cell(m->docs, d, ci)) ||
			    (t2 = theme_of(m, cell(q, i, qt))) < 0 || m->th[t2].k <= 0)
				continue;
			/* only quotes that section 4 shows */
			if (rank[i] >= QUOTES_SHOWN)
				continue;
			if (nq++)
				g_string_append(h, ", ");
			g_string_append(h, "<a href=\"#q-");
			esc(h, m->th[t2].id);
			g_string_append_printf(h, "-%zu\">", d + 1);
			esc(h, m->th[t2].label);
			g_string_append(h, "</a>");
		}
		g_string_append(h, "</td></tr>\n");
	}
	g_string_append(h, "</tbody>\n</table>\n</section>\n");
	free(top);
	free(rank);
}

static void method_section(GString *h, const struct model *m)
{
	g_string_append(h, "<section id=\"method\">\n<h2>Method and caveats</h2>\n");
	g_string_append(h,
		"<h3>Passages</h3>\n<p>Each document is read in reading order (PDF columns rebuilt, "
		"running headers, footers and page numbers removed) and cut into passages: paragraphs "
		"(joined across column and page breaks when a sentence continues), list items and "
		"headings, each with its page and the heading it sits under.</p>\n"
		"<h3>Coding</h3>\n<p>Every passage is coded with the codebook: a theme is given when "
		"the weights of its matching patterns reach the theme's threshold; the evidence (the "
		"rules that fired and the words they matched) is in passage_themes.csv. The passage "
		"type (learning, recommendation, context) comes from cues in the passage and the "
		"headings and lead-ins that frame it. ");
	g_string_append_printf(h, "A document features a theme when at least %u of its learning or "
			       "recommendation passages, or %u of its passages of any type, are coded "
			       "to it.</p>\n", m->info->min_lr, m->info->min_any);
	g_string_append(h,
		"<h3>Formulas</h3>\n<ul>\n"
		"<li>Prevalence: k documents featuring the theme of n documents analysed; the "
		"Wilson score 95% interval (p̂ + z²/2n ± z√(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), "
		"z = 1.96.</li>\n"
		"<li>Co-occurrence: for two themes over documents, phi = (n11 n00 − n10 n01) / "
		"√(n1· n0· n·1 n·0); the odds ratio (n11 n00) / (n10 n01) with 0.5 added to every "
		"cell when one is 0, and Woolf's 95% interval; Fisher's exact test, two-sided, and "
		"Benjamini-Hochberg q-values over all pairs.</li>\n"
		"<li>Key terms: log-likelihood G² of a word's frequency in the theme's passages "
		"against all other passages (Rayson and Garside 2000); stems shown as their most "
		"frequent word.</li>\n"
		"<li>Quote confidence: the learned layer's probability for the label "
		"(passage_themes.csv); for a label the rules alone coded, derived from the evidence "
		"score relative to the theme's threshold, 1 − 2^(−score/threshold) (0.5 at the "
		"threshold).</li>\n</ul>\n"
		"<h3>Caveats</h3>\n<ul>\n"
		"<li>The coding is automatic: a theme is found where its words are, so a theme "
		"discussed in unusual words is missed, and one named but not discussed can be "
		"counted. Read the quotes before relying on a figure.</li>\n"
		"<li>Documents are not a random sample of practice: reviews are commissioned when "
		"something went wrong, and their authors follow frameworks that shape what they "
		"write about.</li>\n"
		"<li>With few documents the intervals are wide; associations between themes are "
		"associations between what reports write about, not causes.</li>\n"
		"<li>Words that look like names of people (capitalised mid-sentence and not in the "
		"dictionary) are left out of the key terms.</li>\n</ul>\n</section>\n");
}

static void subgroups_section(GString *h, const struct model *m);

int html_report_write(const char *outdir, const struct html_info *info,
		      struct doc_error *err)
{
	struct model m;
	GString *h = NULL;
	char *path = g_build_filename(outdir, "report.html", NULL);
	char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
	size_t *order = NULL, d;
	int rc = -1, ci;

	memset(&m, 0, sizeof(m));
	m.dir = outdir;
	m.info = info;
	m.docs = table_load(outdir, "documents.csv");
	m.prev = table_load(outdir, "theme_prevalence.csv");
	if (!m.docs || !m.prev || col(m.docs, "doc_id") < 0 || col(m.prev, "theme") < 0) {
		doc_error_set(err, "report", DOC_ERR_FORMAT,
			      "'%s' lacks a readable documents.csv or theme_prevalence.csv", outdir);
		goto out;
	}
	m.pairs = table_load(outdir, "theme_pairs.csv");
	m.quotes = table_load(outdir, "quotes.csv");
	m.terms = table_load(outdir, "theme_terms.csv");
	m.bygroup = table_load(outdir, "theme_by_group.csv");
	load_themes(&m);
	m.nd = m.docs->rows->len;
	m.doc_ix = g_hash_table_new(g_str_hash, g_str_equal);
	ci = col(m.docs, "doc_id");
	for (d = 0; d < m.nd; d++)
		g_hash_table_insert(m.doc_ix, (char *)cell(m.docs, d, ci), GSIZE_TO_POINTER(d + 1));
	/* the counts of the reduce that wrote the folder, when whole */
	if (handed && !strcmp(handed->outdir, outdir) && handed->nd == m.nd && handed->nt == m.nt &&
	    !handed->untold) {
		m.ps = handed;
		handed = NULL;
	} else {
		m.ps = html_passages_new(m.nd, m.nt);
		if (scan_passages(&m)) {
			doc_error_set(err, "report", DOC_ERR_FORMAT, "'%s': cannot read passages.csv",
				      outdir);
			goto out;
		}
	}
	order = display_order(&m);
	h = g_string_sized_new(1 << 16);
	head(h, &m);
	corpus_section(h, &m);
	prevalence_section(h, &m, order);
	cooccurrence_section(h, &m, order);
	themes_section(h, &m, order);
	documents_section(h, &m);
	if (m.bygroup)
		subgroups_section(h, &m);
	method_section(h, &m);
	g_string_append(h, "</main>\n</body>\n</html>\n");
	{
		FILE *f = fopen(tmp, "w");

		if (!f || fwrite(h->str, 1, h->len, f) != h->len || fflush(f) || ferror(f) ||
		    fsync(fileno(f))) {
			doc_error_set(err, "write", DOC_ERR_IO, "cannot write '%s': %s", tmp,
				      strerror(errno));
			if (f)
				fclose(f);
			unlink(tmp);
			goto out;
		}
		fclose(f);
		/* renamed now, or with the other outputs (csvio.h publish) */
		if (csv_commit_file(tmp, path, err)) {
			unlink(tmp);
			goto out;
		}
	}
	rc = 0;
out:
	if (h)
		g_string_free(h, TRUE);
	free(order);
	html_report_take_passages(NULL, NULL);
	html_passages_free(m.ps);
	free(m.th);
	free(m.groups);
	if (m.theme_ix)
		g_hash_table_destroy(m.theme_ix);
	if (m.doc_ix)
		g_hash_table_destroy(m.doc_ix);
	table_free(m.docs);
	table_free(m.prev);
	table_free(m.pairs);
	table_free(m.quotes);
	table_free(m.terms);
	table_free(m.bygroup);
	free(tmp);
	g_free(path);
	return rc;
}

/* ---- subgroups (theme_by_group.csv) -------------------------------------- */

static void subgroups_section(GString *h, const struct model *m)
{
	struct table *g = m->bygroup;
	int ct = col(g, "theme"), cv = col(g, "variable"), cg = col(g, "group"), ck = col(g, "k"),
	    cn = col(g, "n"), cs = col(g, "share"), cp = col(g, "p"), cq = col(g, "q"),
	    cte = col(g, "test");
	size_t i = 0, nrows = g->rows->len;

	g_string_append(h, "<section id=\"subgroups\">\n<h2>6. Subgroups</h2>\n<p>Documents split "
			   "by a document variable (theme_by_group.csv): k of n documents of each group "
			   "feature the theme, and a test of whether the share differs across the "
			   "groups: Fisher's exact test for two groups, Pearson's chi-square for more "
			   "(with many small groups, read it as a rough guide), with Benjamini-Hochberg "
			   "q-values over the themes; ● marks q &lt; 0.05. Documents without a value "
			   "are left out. The 95% intervals of each share are in the file.</p>\n");
	while (i < nrows) {
		const char *var = cell(g, i, cv);
		size_t start = i, end, ng = 0, j;
		int numeric = 1;

		for (end = i; end < nrows && !strcmp(cell(g, end, cv), var); end++)
			;
		/* groups: those of the first theme, in file order */
		for (j = start; j < end && !strcmp(cell(g, j, ct), cell(g, start, ct)); j++) {
			const char *v = cell(g, j, cg);

			ng++;
			numeric &= *v && strspn(v, "0123456789") == strlen(v);
		}
		g_string_append(h, "<h3>By ");
		esc(h, var);
		g_string_append(h, "</h3>\n");
		if (ng < 2) {
			g_string_append(h, "<p class=\"note\">One group only: nothing to compare.</p>\n");
			i = end;
			continue;
		}
		g_string_append(h, "<table class=\"bygroup\" data-variable=\"");
		esc(h, var);
		g_string_append(h, "\">\n<thead><tr><th scope=\"col\">Theme</th>");
		for (j = 0; j < ng; j++) {
			g_string_append(h, "<th scope=\"col\">");
			esc(h, cell(g, start + j, cg));
			g_string_append(h, "</th>");
		}
		if (numeric)
			g_string_append(h, "<th scope=\"col\">Trend</th>");
		g_string_append(h, "<th scope=\"col\">Test</th><th scope=\"col\">p</th>"
				   "<th scope=\"col\">q</th></tr></thead>\n<tbody>\n");
		for (j = start; j + ng <= end; j += ng) {
			int t = theme_of(m, cell(g, j, ct));
			double q = num(cell(g, j, cq));
			size_t x;

			if (t < 0 || m->th[t].k <= 0)
				continue;
			g_string_append(h, "<tr><th scope=\"row\">");
			esc(h, m->th[t].label);
			g_string_append(h, "</th>");
			for (x = 0; x < ng; x++) {
				g_string_append(h, "<td class=\"n\">");
				esc(h, cell(g, j + x, ck));
				g_string_append(h, " of ");
				esc(h, cell(g, j + x, cn));
				g_string_append(h, " (");
				pct(h, num(cell(g, j + x, cs)));
				g_string_append(h, ")</td>");
			}
			if (numeric) {
				/* share by group, 0 to 100%, as a line */
				double w = 110, ht = 26, step = (w - 8) / (double)(ng - 1);

				g_string_append_printf(h, "<td><svg xmlns=\"http://www.w3.org/2000/svg\" "
						       "width=\"%.0f\" height=\"%.0f\" role=\"img\" "
						       "aria-label=\"share by %s\"><polyline fill=\"none\" "
						       "stroke=\"#0072B2\" stroke-width=\"1.5\" points=\"",
						       w, ht, "group");
				for (x = 0; x < ng; x++) {
					double sh = num(cell(g, j + x, cs));

					if (!isnan(sh))
						g_string_append_printf(h, "%.1f,%.1f ", 4 + step * x,
								       ht - 3 - (ht - 6) * sh);
				}
				g_string_append(h, "\"/>");
				for (x = 0; x < ng; x++) {
					double sh = num(cell(g, j + x, cs));

					if (!isnan(sh))
						g_string_append_printf(h, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" "
								       "fill=\"#0072B2\"/>", 4 + step * x,
								       ht - 3 - (ht - 6) * sh);
				}
				g_string_append(h, "</svg></td>");
			}
			g_string_append(h, "<td>");
			esc(h, cell(g, j, cte));
			g_string_append(h, "</td>");
			num_cell(h, num(cell(g, j, cp)), "%.3g");
			g_string_append(h, "<td class=\"n\">");
			if (!isnan(q))
				g_string_append_printf(h, "%.3g%s", q, q < 0.05 ? " ●" : "");
			g_string_append(h, "</td></tr>\n");
		}
		g_string_append(h, "</tbody>\n</table>\n");
		i = end;
	}
	g_string_append(h, "</section>\n");
}

/* ---- manifest.json ------------------------------------------------------- */

/* The string value of "key" in a flat JSON text (escapes \" \\ \n \t
 * \uXXXX for ASCII), newly allocated; NULL when absent or null. */
static char *json_string(const char *js, const char *key)
{
	char *pat = g_strdup_printf("\"%s\": \"", key);
	const char *p = strstr(js, pat);
	GString *v;

	if (!p) {
		g_free(pat);
		return NULL;
	}
	p += strlen(pat);
	g_free(pat);
	v = g_string_new(NULL);
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			if (*p == 'n')
				g_string_append_c(v, '\n');
			else if (*p == 't')
				g_string_append_c(v, '\t');
			else if (*p == 'u' && g_ascii_isxdigit(p[1]) && g_ascii_isxdigit(p[2]) &&
				 g_ascii_isxdigit(p[3]) && g_ascii_isxdigit(p[4])) {
				g_string_append_unichar(v, (gunichar)strtoul((char[5]){ p[1], p[2], p[3], p[4], 0 },
									    NULL, 16));
				p += 4;
			} else
				g_string_append_c(v, *p);
		} else {
			g_string_append_c(v, *p);
		}
	}
	return g_string_free(v, FALSE);
}

static unsigned json_uint(const char *js, const char *key, unsigned dflt)
{
	char *pat = g_strdup_printf("\"%s\": ", key);
	const char *p = strstr(js, pat);
	unsigned v = dflt;

	if (p && g_ascii_isdigit(p[strlen(pat)]))
		v = (unsigned)strtoul(p + strlen(pat), NULL, 10);
	g_free(pat);
	return v;
}

int html_info_from_manifest(const char *outdir, struct html_info *info)
{
	char *path = g_build_filename(outdir, "manifest.json", NULL);
	gchar *js = NULL;

	memset(info, 0, sizeof(*info));
	info->min_lr = 1;
	info->min_any = 2;
	if (!g_file_get_contents(path, &js, NULL, NULL)) {
		g_free(path);
		return -1;
	}
	g_free(path);
	info->date = json_string(js, "date");
	info->command = json_string(js, "command");
	info->version = json_string(js, "revmine_version");
	info->codebook = json_string(js, "codebook");
	info->codebook_hash = json_string(js, "codebook_sha256");
	info->config = json_string(js, "configuration");
	info->min_lr = json_uint(js, "min_lr", 1);
	info->min_any = json_uint(js, "min_any", 2);
	g_free(js);
	return 0;
}

void html_info_release(struct html_info *info)
{
	g_free((char *)info->date);
	g_free((char *)info->command);
	g_free((char *)info->version);
	g_free((char *)info->codebook);
	g_free((char *)info->codebook_hash);
	g_free((char *)info->config);
	memset(info, 0, sizeof(*info));
}
