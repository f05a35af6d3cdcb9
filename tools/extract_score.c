/*
 * extract-score TRUTH.txt OUT.txt [--furniture F.txt]: how faithful an
 * extraction is, the single-document mode of score_extract.py in C (GLib).
 *
 * Both texts are NFC-normalised with curly quotes and U+2010/2011 hyphens
 * mapped to ASCII (typesetting choices, not extraction errors). Then:
 *   F1    bag-of-words precision/recall over lowercased word tokens
 *         (letters and digits, internal apostrophes kept);
 *   seq   1 - word-level Levenshtein distance / max(len): reading order.
 *         Wagner-Fischer over interned token ids, one row at a time:
 *         O(n*m) time, O(m) memory;
 *   para  share of truth blocks (blank-line separated, >= 5 words) whose
 *         word sequence occurs contiguously in the output;
 *   furn  matches of the furniture regexes in the output minus those in
 *         the truth (floor 0 per regex); the file's Python "\uXXXX"
 *         escapes are rewritten to PCRE "\x{XXXX}";
 *   hyph  "a-b" (or "a- b") in the output where "ab" is a truth word and
 *         "a-b" is not in the truth: a broken hyphenation;
 *   join  output tokens "ab" where the truth has only "a-b";
 *   lig   ligature code points U+FB00-FB06 left in the output.
 * The furniture file defaults to TRUTH with .truth.txt replaced by
 * .furniture.txt. Exit status 0, or 2 on a usage or read error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "banned.h"

#define PARA_MIN 5

static char *normalise(const char *raw)
{
	char *valid = g_utf8_make_valid(raw, -1);
	char *nfc = g_utf8_normalize(valid, -1, G_NORMALIZE_NFC);
	GString *out = g_string_sized_new(strlen(valid));
	const char *p;

	for (p = nfc ? nfc : valid; *p; p = g_utf8_next_char(p)) {
		gunichar c = g_utf8_get_char(p);

		switch (c) {
		case 0x2018: case 0x2019: case 0x02BC:
			g_string_append_c(out, '\'');
			break;
		case 0x201C: case 0x201D:
			g_string_append_c(out, '"');
			break;
		case 0x2010: case 0x2011:
			g_string_append_c(out, '-');
			break;
		case 0x00A0: case 0x202F:
			g_string_append_c(out, ' ');
			break;
		default:
			g_string_append_unichar(out, c);
		}
	}
	g_free(nfc);
	g_free(valid);
	return g_string_free(out, FALSE);
}

/* Python's [^\W_]: a Unicode letter or digit (or mark, as \w has them). */
static int is_wordch(gunichar c)
{
	return c != '_' && (g_unichar_isalnum(c) || g_unichar_ismark(c));
}

/* Tokens of the lowercased text: [^\W_]+('[^\W_]+)* */
static GPtrArray *tokens(const char *text)
{
	char *low = g_utf8_strdown(text, -1);
	GPtrArray *toks = g_ptr_array_new_with_free_func(g_free);
	const char *p = low;

	while (*p) {
		const char *start, *end;

		if (!is_wordch(g_utf8_get_char(p))) {
			p = g_utf8_next_char(p);
			continue;
		}
		start = p;
		for (;;) {
			while (*p && is_wordch(g_utf8_get_char(p)))
				p = g_utf8_next_char(p);
			end = p;
			if (*p == '\'' && p[1] && is_wordch(g_utf8_get_char(p + 1))) {
				p++;
				continue;
			}
			break;
		}
		g_ptr_array_add(toks, g_strndup(start, (gsize)(end - start)));
	}
	g_free(low);
	return toks;
}

static GHashTable *counter(GPtrArray *t)
{
	GHashTable *h = g_hash_table_new(g_str_hash, g_str_equal);
	guint i;

	for (i = 0; i < t->len; i++) {
		gpointer v = g_hash_table_lookup(h, t->pdata[i]);

		g_hash_table_insert(h, t->pdata[i], GINT_TO_POINTER(GPOINTER_TO_INT(v) + 1));
	}
	return h;
}

static long count_of(GHashTable *h, const char *k)
{
	return GPOINTER_TO_INT(g_hash_table_lookup(h, k));
}

static long multiset_inter(GHashTable *a, GHashTable *b)
{
	GHashTableIter it;
	gpointer k, v;
	long n = 0;

	g_hash_table_iter_init(&it, a);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		long x = GPOINTER_TO_INT(v), y = count_of(b, k);

		n += x < y ? x : y;
	}
	return n;
}

static guint *intern(GPtrArray *t, GHashTable *ids)
{
	guint *out = g_new(guint, t->len + 1), i;

	for (i = 0; i < t->len; i++) {
		gpointer v;

		if (!g_hash_table_lookup_extended(ids, t->pdata[i], NULL, &v)) {
			v = GUINT_TO_POINTER(g_hash_table_size(ids));
			g_hash_table_insert(ids, t->pdata[i], v);
		}
		out[i] = GPOINTER_TO_UINT(v);
	}
	return out;
}

/* Word-level edit distance: one row of length m+1 (m the shorter). */
static size_t levenshtein(GPtrArray *ta, GPtrArray *tb)
{
	GHashTable *ids = g_hash_table_new(g_str_hash, g_str_equal);
	GPtrArray *tmp;
	guint *a, *b;
	size_t *row, n, m, i, j, d;

	if (ta->len < tb->len) {
		tmp = ta;
		ta = tb;
		tb = tmp;
	}
	n = ta->len;
	m = tb->len;
	if (!m) {
		g_hash_table_destroy(ids);
		return n;
	}
	a = intern(ta, ids);
	b = intern(tb, ids);
	row = g_new(size_t, m + 1);
	for (j = 0; j <= m; j++)
		row[j] = j;
	for (i = 1; i <= n; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (j = 1; j <= m; j++) {
			size_t up = row[j];

			d = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < d)
				d = up + 1;
			if (row[j - 1] + 1 < d)
				d = row[j - 1] + 1;
			row[j] = d;
			diag = up;
		}
	}
	d = row[m];
	g_free(row);
	g_free(a);
	g_free(b);
	g_hash_table_destroy(ids);
	return d;
}

/* Python "\uXXXX" escapes to PCRE "\x{XXXX}". */
static char *py_to_pcre(const char *rx)
{
	GString *s = g_string_new(NULL);
	const char *p;

	for (p = rx; *p; p++) {
		if (p[0] == '\\' && p[1] == 'u' && g_ascii_isxdigit(p[2]) &&
		    g_ascii_isxdigit(p[3]) && g_ascii_isxdigit(p[4]) &&
		    g_ascii_isxdigit(p[5])) {
			g_string_append(s, "\\x{");
			g_string_append_len(s, p + 2, 4);
			g_string_append_c(s, '}');
			p += 5;
		} else if (p[0] == '\\' && p[1]) {
			g_string_append_len(s, p, 2);
			p++;
		} else {
			g_string_append_c(s, *p);
		}
	}
	return g_string_free(s, FALSE);
}

static long count_matches(GRegex *rx, const char *text)
{
	GMatchInfo *mi = NULL;
	long n = 0;

	g_regex_match(rx, text, 0, &mi);
	while (g_match_info_matches(mi)) {
		n++;
		if (!g_match_info_next(mi, NULL))
			break;
	}
	g_match_info_free(mi);
	return n;
}

static long furniture(const char *path, const char *truth, const char *out)
{
	char *content = NULL, **lines, **l;
	long n = 0;

	if (!path || !g_file_get_contents(path, &content, NULL, NULL))
		return 0;
	lines = g_strsplit(content, "\n", -1);
	for (l = lines; *l; l++) {
		char *pat;
		GRegex *rx;
		GError *e = NULL;
		long a;

		if (!*l[0] || strspn(*l, " \t\r") == strlen(*l))
			continue;
		pat = py_to_pcre(*l);
		rx = g_regex_new(pat, G_REGEX_OPTIMIZE, 0, &e);
		g_free(pat);
		if (!rx) {
			fprintf(stderr, "extract-score: %s: bad pattern: %s\n", path, e->message);
			g_error_free(e);
			continue;
		}
		a = count_matches(rx, out) - count_matches(rx, truth);
		if (a > 0)
			n += a;
		g_regex_unref(rx);
	}
	g_strfreev(lines);
	g_free(content);
	return n;
}

/*
 * Every (a, b) of "a-b", "a- b", "a<soft hyphen>b" with a starting at a
 * word start (overlapping pairs: "2-year-old" gives (2,year), (year,old)).
 */
static GPtrArray *hyph_pairs(const char *lower)
{
	GPtrArray *pairs = g_ptr_array_new_with_free_func(g_free);
	const char *p = lower, *prev = NULL;

	while (*p) {
		gunichar c = g_utf8_get_char(p);
		const char *a_end, *q, *b_start;

		if (!is_wordch(c) || (prev && is_wordch(g_utf8_get_char(prev)))) {
			prev = p;
			p = g_utf8_next_char(p);
			continue;
		}
		for (a_end = p; *a_end && is_wordch(g_utf8_get_char(a_end));)
			a_end = g_utf8_next_char(a_end);
		q = a_end;
		c = *q ? g_utf8_get_char(q) : 0;
		if (c == '-' || c == 0xAD || c == 0x2010) {
			q = g_utf8_next_char(q);
			while (*q && g_unichar_isspace(g_utf8_get_char(q)))
				q = g_utf8_next_char(q);
			b_start = q;
			while (*q && is_wordch(g_utf8_get_char(q)))
				q = g_utf8_next_char(q);
			if (q > b_start) {
				g_ptr_array_add(pairs, g_strndup(p, (gsize)(a_end - p)));
				g_ptr_array_add(pairs, g_strndup(b_start, (gsize)(q - b_start)));
			}
		}
		prev = p;
		p = g_utf8_next_char(p);
	}
	return pairs;
}

static char *cat2(const char *a, const char *sep, const char *b)
{
	return g_strconcat(a, sep, b, NULL);
}

static void hyph_join(const char *truth, const char *out, GPtrArray *tt,
		      GHashTable *oc, long *hyph, long *join)
{
	char *tl = g_utf8_strdown(truth, -1), *ol = g_utf8_strdown(out, -1);
	GPtrArray *tp = hyph_pairs(tl), *op = hyph_pairs(ol);
	GHashTable *vocab = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *comp = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTable *joined = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GHashTableIter it;
	gpointer k;
	guint i;

	for (i = 0; i < tt->len; i++)
		g_hash_table_add(vocab, tt->pdata[i]);
	for (i = 0; i + 1 < tp->len; i += 2)
		g_hash_table_add(comp, cat2(tp->pdata[i], "-", tp->pdata[i + 1]));
	*hyph = 0;
	for (i = 0; i + 1 < op->len; i += 2) {
		char *ab = cat2(op->pdata[i], "", op->pdata[i + 1]);
		char *a_b = cat2(op->pdata[i], "-", op->pdata[i + 1]);

		if (g_hash_table_contains(vocab, ab) && !g_hash_table_contains(comp, a_b))
			(*hyph)++;
		g_free(ab);
		g_free(a_b);
	}
	for (i = 0; i + 1 < tp->len; i += 2) {
		char *ab = cat2(tp->pdata[i], "", tp->pdata[i + 1]);

		if (!g_hash_table_contains(vocab, ab))
			g_hash_table_add(joined, ab);
		else
			g_free(ab);
	}
	*join = 0;
	g_hash_table_iter_init(&it, joined);
	while (g_hash_table_iter_next(&it, &k, NULL))
		*join += count_of(oc, k);
	g_hash_table_destroy(joined);
	g_hash_table_destroy(comp);
	g_hash_table_destroy(vocab);
	g_ptr_array_unref(tp);
	g_ptr_array_unref(op);
	g_free(tl);
	g_free(ol);
}

static char *join_tokens(GPtrArray *t, guint from, guint to)
{
	GString *s = g_string_new(" ");
	guint i;

	for (i = from; i < to; i++) {
		g_string_append(s, t->pdata[i]);
		g_string_append_c(s, ' ');
	}
	return g_string_free(s, FALSE);
}

static double para_score(const char *truth, GPtrArray *ot)
{
	GRegex *blank = g_regex_new("\\n\\s*\\n", 0, 0, NULL);
	char **blocks = g_regex_split(blank, truth, 0), **b;
	char *ostr = join_tokens(ot, 0, ot->len);
	long total = 0, found = 0;

	for (b = blocks; *b; b++) {
		GPtrArray *pt = tokens(*b);

		if (pt->len >= PARA_MIN) {
			char *ps = join_tokens(pt, 0, pt->len);

			total++;
			found += strstr(ostr, ps) != NULL;
			g_free(ps);
		}
		g_ptr_array_unref(pt);
	}
	g_strfreev(blocks);
	g_regex_unref(blank);
	g_free(ostr);
	return total ? (double)found / total : 1.0;
}

static long ligatures(const char *s)
{
	long n = 0;

	for (; *s; s = g_utf8_next_char(s)) {
		gunichar c = g_utf8_get_char(s);

		n += c >= 0xFB00 && c <= 0xFB06;
	}
	return n;
}

static char *read_text(const char *path)
{
	char *c = NULL;
	GError *e = NULL;

	if (!g_file_get_contents(path, &c, NULL, &e)) {
		fprintf(stderr, "extract-score: %s\n", e->message);
		g_error_free(e);
		return NULL;
	}
	return c;
}

int main(int argc, char **argv)
{
	const char *truth_path = NULL, *out_path = NULL;
	char *furn_path = NULL, *truth_raw, *out_raw, *truth, *out;
	GPtrArray *tt, *ot;
	GHashTable *tc, *oc;
	double P, R, F1, seq;
	long inter, furn, hyph, join;
	size_t dist, longest;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--furniture") && i + 1 < argc)
			furn_path = g_strdup(argv[++i]);
		else if (!truth_path)
			truth_path = argv[i];
		else if (!out_path)
			out_path = argv[i];
		else
			truth_path = NULL, i = argc;
	}
	if (!truth_path || !out_path) {
		fprintf(stderr, "usage: extract-score TRUTH.txt OUT.txt [--furniture F.txt]\n");
		return 2;
	}
	if (!furn_path && g_str_has_suffix(truth_path, ".truth.txt")) {
		size_t n = strlen(truth_path) - strlen(".truth.txt");

		furn_path = g_strdup_printf("%.*s.furniture.txt", (int)n, truth_path);
	}
	truth_raw = read_text(truth_path);
	/* a missing output scores 0, as a failed extraction */
	out_raw = g_file_test(out_path, G_FILE_TEST_EXISTS) ? read_text(out_path) : g_strdup("");
	if (!truth_raw || !out_raw)
		return 2;
	truth = normalise(truth_raw);
	out = normalise(out_raw);
	tt = tokens(truth);
	ot = tokens(out);
	tc = counter(tt);
	oc = counter(ot);
	inter = multiset_inter(tc, oc);
	P = ot->len ? (double)inter / ot->len : 0;
	R = tt->len ? (double)inter / tt->len : 0;
	F1 = P + R > 0 ? 2 * P * R / (P + R) : 0;
	dist = levenshtein(tt, ot);
	longest = tt->len > ot->len ? tt->len : ot->len;
	seq = 1 - (double)dist / (double)(longest ? longest : 1);
	furn = furniture(furn_path, truth, out);
	hyph_join(truth, out, tt, oc, &hyph, &join);
	printf("F1=%.4f seq=%.4f para=%.4f furn=%ld hyph=%ld join=%ld lig=%ld\n",
	       F1, seq, para_score(truth, ot), furn, hyph, join, ligatures(out));
	g_hash_table_destroy(tc);
	g_hash_table_destroy(oc);
	g_ptr_array_unref(tt);
	g_ptr_array_unref(ot);
	g_free(truth);
	g_free(out);
	g_free(truth_raw);
	g_free(out_raw);
	g_free(furn_path);
	return 0;
}
