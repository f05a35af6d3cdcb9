/*
 * Reading and compiling a codebook (format: README.md, "Codebook").
 *
 * The file is read line by line; '#' at the start of a line begins a
 * comment. Each pattern is run through the same tokenizer and stemmer as
 * passage text, so a pattern and the text it should match are normalised
 * identically: "Child's voice" in a codebook and "child's voice" in a report
 * both become [child voic]. A word written with a hyphen compiles to two
 * variants, joined ("multiagency") and split ("multi agency"); since the
 * tokenizer gives hyphenated text both forms, the three spellings meet.
 *
 * The index maps each first stem (and each first prefix, and "any number")
 * to the patterns starting with it; the classifier asks codebook_starts()
 * once per distinct word and caches the answer, so a passage costs one hash
 * lookup per token plus extension of the few patterns that start there.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "util.h"
#include "doc.h"
#include "tokenize.h"
#include "stem.h"
#include "codebook.h"
#include "banned.h"

#define MAX_VARIANTS 16

struct cb_index {
	GHashTable *first;  /* stem -> GArray of unsigned */
	GHashTable *prefix; /* prefix -> GArray of unsigned */
	GArray *number;     /* patterns starting with '#' */
	size_t min_prefix, max_prefix;
};

struct parser {
	struct codebook *cb;
	const char *name;
	int line;
	int in_types;
	int theme; /* current theme block, or -1 */
	struct stemmer *stemmer;
	struct tokenizer tok;
	struct doc_error *err;
};

static int fail(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *ps, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ps->line)
		doc_error_set(ps->err, "codebook", DOC_ERR_CONFIG, "%s:%d: %s",
			      ps->name, ps->line, msg);
	else
		doc_error_set(ps->err, "codebook", DOC_ERR_CONFIG, "%s: %s",
			      ps->name, msg);
	return -1;
}

/* What makes a pattern look like a regular expression, which codebook
 * patterns are not (README.md, "Patterns"), or NULL. */
static const char *regex_sign(const char *text)
{
	const char *p, *start = text + (*text == '!');

	if (strstr(text, ".*") || strstr(text, ".+") || strstr(text, ".?"))
		return "'.*'";
	for (p = text; *p; p++) {
		switch (*p) {
		case '\\': return "'\\'";
		case '[': case ']': return "'[...]'";
		case '(': case ')': return "'(...)'";
		case '{': case '}': return "'{...}'";
		case '+': return "'+'";
		case '?': return "'?'";
		case '$': return "'$'";
		case '^':
			if (p != start)
				return "'^' after the start";
			break;
		case '*':
			if (p[1] && !g_ascii_isspace(p[1]))
				return "'*' inside a word";
			break;
		default:
			break;
		}
	}
	return NULL;
}

#define CB_MAX_WARNINGS 50

static void warn(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void warn(struct parser *ps, const char *fmt, ...)
{
	struct codebook *cb = ps->cb;
	char msg[400];
	va_list ap;

	if (cb->nr_warnings > CB_MAX_WARNINGS)
		return;
	if (cb->nr_warnings == CB_MAX_WARNINGS) {
		snprintf(msg, sizeof(msg), "more warnings not shown");
	} else {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	ALLOC_GROW(cb->warnings, cb->nr_warnings, cb->alloc_warnings);
	cb->warnings[cb->nr_warnings++] = xstrfmt("%s:%d: %s", ps->name, ps->line, msg);
}

static GArray *index_list(GHashTable *h, const char *key)
{
	GArray *a = g_hash_table_lookup(h, key);

	if (!a) {
		a = g_array_new(FALSE, FALSE, sizeof(unsigned));
		g_hash_table_insert(h, g_strdup(key), a);
	}
	return a;
}

static void free_array(gpointer a)
{
	g_array_free(a, TRUE);
}

static void index_pattern(struct codebook *cb, unsigned id)
{
	struct cb_index *ix = cb->index;
	const struct cb_elem *e = &cb->patterns[id].elems[0];
	size_t n;

	switch (e->kind) {
	case CB_ELEM_STEM:
		g_array_append_val(index_list(ix->first, e->s), id);
		break;
	case CB_ELEM_WORD:
		g_array_append_val(index_list(ix->first, e->key), id);
		break;
	case CB_ELEM_PREFIX:
		g_array_append_val(index_list(ix->prefix, e->s), id);
		n = strlen(e->s);
		if (!ix->min_prefix || n < ix->min_prefix)
			ix->min_prefix = n;
		if (n > ix->max_prefix)
			ix->max_prefix = n;
		break;
	case CB_ELEM_NUMBER:
		g_array_append_val(ix->number, id);
		break;
	case CB_ELEM_GAP:
		BUG("pattern starts with a gap");
	}
}

/* One word of a pattern, compiled: a run of alternatives (the joined and
 * the split form of a compound), each a list of elements. */
struct slot {
	struct cb_elem alt[2][16];
	size_t nr_alt[2];
	int alts;
	int near; /* "near/N": the words on either side may come in either order */
};

static int compile_word(struct parser *ps, const char *w, int exact,
			struct slot *sl)
{
	size_t len = strlen(w), i, n;
	struct tokenizer *t = &ps->tok;
	int prefix = 0;

	memset(sl, 0, sizeof(*sl));
	sl->alts = 1;
	if (!strcmp(w, "..")) {
		sl->alt[0][0].kind = CB_ELEM_GAP;
		sl->alt[0][0].gap = CB_GAP_MAX;
		sl->nr_alt[0] = 1;
		return 0;
	}
	if (!strncmp(w, "near/", 5)) {
		char *end;
		long g = strtol(w + 5, &end, 10);

		if (*end || end == w + 5 || g < 1 || g > CB_NEAR_MAX)
			return fail(ps, "'%s': near/N takes N from 1 to %d", w, CB_NEAR_MAX);
		sl->alt[0][0].kind = CB_ELEM_GAP;
		sl->alt[0][0].gap = (unsigned)g;
		sl->nr_alt[0] = 1;
		sl->near = 1;
		return 0;
	}
	if (!strcmp(w, "#")) {
		sl->alt[0][0].kind = CB_ELEM_NUMBER;
		sl->nr_alt[0] = 1;
		return 0;
	}
	if (len > 1 && w[len - 1] == '*') {
		prefix = 1;
		len--;
	}
	n = tokenize(t, w, len);
	if (!n)
		return fail(ps, "pattern word '%s' has no letters or digits", w);
	if (prefix) {
		/* "co-sleep*" is a prefix of the joined form, which the tokenizer
		 * gives every hyphenated spelling ("co-sleeping", "cosleeping"). */
		if (n > 1 && !(t->items[0].flags & TOKEN_JOINED))
			return fail(ps, "prefix '%s' must be a single word", w);
		sl->alt[0][0].kind = CB_ELEM_PREFIX;
		sl->alt[0][0].s = xstrdup(t->items[0].text);
		sl->nr_alt[0] = 1;
		return 0;
	}
	if (n > 16)
		return fail(ps, "pattern word '%s' is too long", w);
	for (i = 0; i < n; i++) {
		const struct token *tk = &t->items[i];
		int a = (tk->flags & TOKEN_PART) ? 1 : 0;
		struct cb_elem *e = &sl->alt[a][sl->nr_alt[a]++];

		if (tk->flags & TOKEN_PART)
			sl->alts = 2;
		if (tk->kind != TOKEN_WORD) {
			e->kind = CB_ELEM_STEM; /* numbers are their own stem */
			e->s = stemmer_intern(ps->stemmer, tk->text);
		} else if (exact) {
			e->kind = CB_ELEM_WORD;
			e->s = stemmer_intern(ps->stemmer, tk->text);
			e->key = stemmer_stem(ps->stemmer, tk->text, tk->len);
		} else {
			e->kind = CB_ELEM_STEM;
			e->s = stemmer_stem(ps->stemmer, tk->text, tk->len);
		}
	}
	return 0;
}

static void add_variant(struct codebook *cb, const struct cb_pattern *tmpl,
			struct cb_elem *elems, size_t nr)
{
	struct cb_pattern *p;
	size_t i;

	ALLOC_GROW(cb->patterns, cb->nr_patterns, cb->alloc_patterns);
	p = &cb->patterns[cb->nr_patterns];
	*p = *tmpl;
	p->elems = xcalloc(nr, sizeof(*elems));
	for (i = 0; i < nr; i++) {
		p->elems[i].kind = elems[i].kind;
		p->elems[i].s = elems[i].kind == CB_ELEM_PREFIX ? xstrdup(elems[i].s)
							       : elems[i].s;
		p->elems[i].key = elems[i].key;
		p->elems[i].gap = elems[i].gap;
	}
	p->nr_elems = nr;
	index_pattern(cb, (unsigned)cb->nr_patterns++);
}

static void free_slots(struct slot *slots, size_t nr)
{
	size_t i, a, k;

	for (i = 0; i < nr; i++)
		for (a = 0; a < 2; a++)
			for (k = 0; k < slots[i].nr_alt[a]; k++)
				if (slots[i].alt[a][k].kind == CB_ELEM_PREFIX)
					free((char *)slots[i].alt[a][k].s);
}

/* Compiles one '|'-separated alternative: words, '!' (outside negation),
 * '^' anchor, 'x*', '#', '..', near/N. */
static int compile_pattern(struct parser *ps, enum cb_kind kind, int owner,
			   double weight, char *text)
{
	struct codebook *cb = ps->cb;
	struct slot slots[12];
	struct cb_pattern tmpl = { 0 };
	struct cb_elem elems[64];
	char **words;
	size_t nr = 0, i, o, v, nv = 1, ne;
	int ret = -1, near = -1, order;

	g_strstrip(text);
	{
		const char *sign = regex_sign(text);

		if (sign)
			warn(ps, "pattern '%s' looks like a regular expression (%s); "
			     "patterns are words matched by stem, '*' only ends a word",
			     text, sign);
	}
	if (*text == '!') {
		tmpl.affirmed = 1;
		cb->has_affirmed = 1;
		text++;
	}
	if (*text == '^') {
		tmpl.anchored = 1;
		text++;
	}
	words = g_strsplit_set(text, " \t", -1);
	for (i = 0; words[i]; i++) {
		if (!*words[i])
			continue;
		if (nr == ARRAY_SIZE(slots)) {
			fail(ps, "pattern '%s' has more than %zu words", text, ARRAY_SIZE(slots));
			goto out;
		}
		/* An anchored pattern is an opening such as an imperative, whose
		 * form matters: "^review" is "Review ...", not "Reviews of". */
		if (compile_word(ps, words[i], tmpl.anchored, &slots[nr]) < 0)
			goto out;
		nv *= slots[nr++].alts;
	}
	if (!nr) {
		fail(ps, "empty pattern");
		goto out;
	}
	if (slots[0].alt[0][0].kind == CB_ELEM_GAP ||
	    slots[nr - 1].alt[0][0].kind == CB_ELEM_GAP) {
		fail(ps, "'..' and near/N must stand between two words");
		goto out;
	}
	for (i = 0, near = -1; i < nr; i++) {
		if (!slots[i].near)
			continue;
		if (near >= 0) {
			fail(ps, "pattern '%s' has more than one near/N", text);
			goto out;
		}
		near = (int)i;
	}
	if (near >= 0 && tmpl.anchored) {
		fail(ps, "pattern '%s': near/N cannot be anchored with '^'", text);
		goto out;
	}
	if (nv > MAX_VARIANTS) {
		fail(ps, "pattern '%s' has too many hyphenated words", text);
		goto out;
	}
	ALLOC_GROW(cb->rules, cb->nr_rules, cb->alloc_rules);
	cb->rules[cb->nr_rules].text = xstrfmt("%s%s%s", tmpl.affirmed ? "!" : "",
					       tmpl.anchored ? "^" : "", text);
	cb->rules[cb->nr_rules].line = ps->line;
	tmpl.kind = kind;
	tmpl.owner = owner;
	tmpl.weight = weight;
	tmpl.rule = (unsigned)cb->nr_rules++;
	/* Variant v picks, for each hyphenated word, the joined or split form
	 * by one bit of v; with near/N, the words after it also come first. */
	for (order = 0; order < (near >= 0 ? 2 : 1); order++) {
		for (v = 0; v < nv; v++) {
			size_t bits = v;

			ne = 0;
			for (o = 0; o < nr; o++) {
				int a = 0;
				size_t k;

				/* order 1: the slots after near/N, near/N, the slots before */
				i = !order ? o : o < nr - (size_t)near - 1 ? (size_t)near + 1 + o :
					   o == nr - (size_t)near - 1 ? (size_t)near :
					   o - (nr - (size_t)near);
				if (slots[i].alts == 2) {
					a = (int)(bits & 1);
					bits >>= 1;
				}
				for (k = 0; k < slots[i].nr_alt[a] && ne < ARRAY_SIZE(elems); k++)
					elems[ne++] = slots[i].alt[a][k];
			}
			add_variant(cb, &tmpl, elems, ne);
		}
	}
	ret = 0;
out:
	free_slots(slots, nr);
	g_strfreev(words);
	return ret;
}

static int compile_patterns(struct parser *ps, enum cb_kind kind, int owner,
			    double weight, char *list)
{
	char **alts = g_strsplit(list, "|", -1);
	size_t i;
	int ret = 0;

	for (i = 0; alts[i] && !ret; i++)
		ret = compile_pattern(ps, kind, owner, weight, alts[i]);
	g_strfreev(alts);
	return ret;
}

/*
 * A weight or threshold: a plain decimal number ("2", "-0.5", "1e-2") in
 * [min, max], and nothing after it. nan, inf and hex ("0x10", "0x1p3"),
 * which strtod would take, are refused, as are numbers out of range.
 */
#define CB_NUMBER_MAX 1000.0

static int parse_number(struct parser *ps, const char *what, const char *s,
			double min, double max, int above_min, double *out)
{
	const char *p = s + (*s == '+' || *s == '-');
	char *end;
	double v;

	errno = 0;
	v = g_ascii_strtod(s, &end);
	if (end == s || (!g_ascii_isdigit(*p) && *p != '.') ||
	    strspn(s, "0123456789.eE+-") < (size_t)(end - s))
		return fail(ps, "%s: expected a number, got '%s'", what, s);
	while (g_ascii_isspace(*end))
		end++;
	if (*end)
		return fail(ps, "%s: unexpected '%s' after the number", what, end);
	if (errno || !isfinite(v) || v < min || v > max || (above_min && v <= min))
		return fail(ps, "%s: %s is out of range (%s%g to %g)", what, s,
			    above_min ? "above " : "", min, max);
	*out = v;
	return 0;
}

/* Splits "WORD REST" at the first run of blanks; rest may be "". */
static char *split_word(char *s)
{
	while (*s && !g_ascii_isspace(*s))
		s++;
	if (!*s)
		return s;
	*s++ = '\0';
	while (g_ascii_isspace(*s))
		s++;
	return s;
}

static int valid_id(const char *s)
{
	if (!g_ascii_islower(*s))
		return 0;
	for (; *s; s++)
		if (!g_ascii_islower(*s) && !g_ascii_isdigit(*s) && *s != '_')
			return 0;
	return 1;
}

static int theme_directive(struct parser *ps, const char *key, char *rest)
{
	struct cb_theme *th = &ps->cb->themes[ps->theme];
	double w;
	char *pat;

	if (!strcmp(key, "label") || !strcmp(key, "group")) {
		if (!*rest)
			return fail(ps, "%s: missing text", key);
		free(!strcmp(key, "label") ? th->label : th->group);
		if (!strcmp(key, "label"))
			th->label = xstrdup(rest);
		else
			th->group = xstrdup(rest);
		return 0;
	}
	if (!strcmp(key, "threshold"))
		return parse_number(ps, "threshold", rest, 0, CB_NUMBER_MAX, 1, &th->threshold);
	if (!strcmp(key, "exclude")) {
		if (!*rest)
			return fail(ps, "exclude: missing pattern");
		return compile_patterns(ps, CB_EXCLUDE, ps->theme, 0, rest);
	}
	if (!strcmp(key, "match")) {
		pat = split_word(rest);
		if (!*rest || !*pat)
			return fail(ps, "match: expected a weight and patterns");
		if (parse_number(ps, "match weight", rest, -CB_NUMBER_MAX, CB_NUMBER_MAX, 0, &w) < 0)
			return -1;
		return compile_patterns(ps, CB_MATCH, ps->theme, w, pat);
	}
	return fail(ps, "unknown theme directive '%s'", key);
}

static int type_directive(struct parser *ps, const char *key, char *rest)
{
	struct codebook *cb = ps->cb;
	enum cb_kind kind;
	char *w, *pat;
	int type;
	double weight;

	if (!strcmp(key, "frame"))
		return parse_number(ps, "frame", rest, -CB_NUMBER_MAX, CB_NUMBER_MAX, 0,
				    &cb->frame_weight);
	if (!strcmp(key, "default")) {
		if ((cb->default_type = passage_type_parse(rest)) < 0)
			return fail(ps, "unknown passage type '%s'", rest);
		return 0;
	}
	if (!strcmp(key, "heading"))
		kind = CB_HEADING;
	else if (!strcmp(key, "cue"))
		kind = CB_CUE;
	else if (!strcmp(key, "question"))
		kind = CB_QUESTION;
	else
		return fail(ps, "unknown types directive '%s'", key);
	w = split_word(rest);
	pat = split_word(w);
	if (!*rest || !*w || !*pat)
		return fail(ps, "%s: expected a passage type, a weight and patterns", key);
	if ((type = passage_type_parse(rest)) < 0)
		return fail(ps, "unknown passage type '%s'", rest);
	if (parse_number(ps, key, w, -CB_NUMBER_MAX, CB_NUMBER_MAX, 0, &weight) < 0)
		return -1;
	return compile_patterns(ps, kind, type, weight, pat);
}

static int start_theme(struct parser *ps, const char *id)
{
	struct codebook *cb = ps->cb;
	struct cb_theme *th;
	size_t i;

	if (!valid_id(id))
		return fail(ps, "theme id '%s' is not a lower-case identifier", id);
	for (i = 0; i < cb->nr_themes; i++)
		if (!strcmp(cb->themes[i].id, id))
			return fail(ps, "duplicate theme '%s' (first on line %d)", id,
				    cb->themes[i].line);
	ALLOC_GROW(cb->themes, cb->nr_themes, cb->alloc_themes);
	th = &cb->themes[cb->nr_themes];
	memset(th, 0, sizeof(*th));
	th->id = xstrdup(id);
	th->label = xstrdup(id);
	th->group = xstrdup("");
	th->threshold = 1;
	th->line = ps->line;
	ps->theme = (int)cb->nr_themes++;
	ps->in_types = 0;
	return 0;
}

/* A count for the document rule: digits only, at most CB_COUNT_MAX. */
#define CB_COUNT_MAX 100000

static int parse_count(const char *s, unsigned *out)
{
	unsigned long v;
	char *end;

	if (!g_ascii_isdigit(*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > CB_COUNT_MAX)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int parse_rule(struct parser *ps, char *rest)
{
	char **w = g_strsplit_set(rest, " \t", -1), *v[5];
	unsigned lr, any;
	size_t i, n = 0;
	int ok;

	for (i = 0; w[i]; i++)
		if (*w[i] && n < 5)
			v[n++] = w[i];
		else if (*w[i])
			n++;
	ok = n == 4 && !strcmp(v[0], "min_lr") && !strcmp(v[2], "min_any") &&
	     !parse_count(v[1], &lr) && !parse_count(v[3], &any);
	g_strfreev(w);
	if (!ok)
		return fail(ps, "rule: expected 'min_lr N min_any N' (N from 0 to %d)",
			    CB_COUNT_MAX);
	ps->cb->min_lr = lr;
	ps->cb->min_any = any;
	return 0;
}

static int parse_line(struct parser *ps, char *s)
{
	char *rest;

	g_strstrip(s);
	if (!*s || *s == '#')
		return 0;
	rest = split_word(s);
	if (!strcmp(s, "theme")) {
		if (!*rest)
			return fail(ps, "theme: missing id");
		return start_theme(ps, rest);
	}
	if (!strcmp(s, "types")) {
		ps->in_types = 1;
		ps->theme = -1;
		return 0;
	}
	if (!strcmp(s, "rule"))
		return parse_rule(ps, rest);
	if (ps->in_types)
		return type_directive(ps, s, rest);
	if (ps->theme >= 0)
		return theme_directive(ps, s, rest);
	if (!strcmp(s, "label") || !strcmp(s, "group") || !strcmp(s, "threshold") ||
	    !strcmp(s, "match") || !strcmp(s, "exclude"))
		return fail(ps, "'%s' outside a theme block", s);
	if (!strcmp(s, "cue") || !strcmp(s, "heading") || !strcmp(s, "question") ||
	    !strcmp(s, "frame") || !strcmp(s, "default"))
		return fail(ps, "'%s' outside the types block", s);
	return fail(ps, "unknown directive '%s'", s);
}

/* Every theme needs something that can raise its score to the threshold. */
static int check_themes(struct parser *ps)
{
	struct codebook *cb = ps->cb;
	size_t i, k;

	if (!cb->nr_themes) {
		ps->line = 0;
		return fail(ps, "no themes");
	}
	for (i = 0; i < cb->nr_themes; i++) {
		int any = 0;

		for (k = 0; k < cb->nr_patterns; k++)
			if (cb->patterns[k].kind == CB_MATCH &&
			    cb->patterns[k].owner == (int)i && cb->patterns[k].weight > 0)
				any = 1;
		if (!any) {
			ps->line = cb->themes[i].line;
			return fail(ps, "theme '%s' has no positive match patterns",
				    cb->themes[i].id);
		}
	}
	return 0;
}

static struct codebook *codebook_alloc(const char *name)
{
	struct codebook *cb = xcalloc(1, sizeof(*cb));

	cb->path = xstrdup(name);
	cb->min_lr = 1;
	cb->min_any = 2;
	cb->frame_weight = 2;
	cb->default_type = TYPE_CONTEXT;
	cb->index = xcalloc(1, sizeof(*cb->index));
	cb->index->first = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_array);
	cb->index->prefix = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, free_array);
	cb->index->number = g_array_new(FALSE, FALSE, sizeof(unsigned));
	return cb;
}

struct codebook *codebook_parse(const char *name, const char *buf, size_t len,
				struct stemmer *stemmer, struct doc_error *err)
{
	struct parser ps = { 0 };
	const char *p = buf, *end = buf + len, *nl;
	char *line;
	int ret = 0;

	ps.cb = codebook_alloc(name);
	ps.name = name;
	ps.theme = -1;
	ps.stemmer = stemmer;
	ps.err = err;
	tokenizer_init(&ps.tok);
	if (len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
		p += 3; /* a UTF-8 byte-order mark */
	else if (len >= 2 && (!memcmp(p, "\xFF\xFE", 2) || !memcmp(p, "\xFE\xFF", 2)))
		ret = fail(&ps, "UTF-16; a codebook must be UTF-8 (save it as UTF-8)");
	while (p < end && !ret) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		ps.line++;
		line = xstrndup(p, nl - p);
		if (memchr(p, '\0', nl - p))
			ret = fail(&ps, "NUL byte (a codebook is UTF-8 text)");
		else if (!g_utf8_validate(line, -1, NULL))
			ret = fail(&ps, "not valid UTF-8");
		else
			ret = parse_line(&ps, line);
		free(line);
		p = nl + 1;
	}
	if (!ret)
		ret = check_themes(&ps);
	tokenizer_release(&ps.tok);
	if (ret) {
		codebook_free(ps.cb);
		return NULL;
	}
	return ps.cb;
}

struct codebook *codebook_load(const char *path, struct stemmer *stemmer,
			       struct doc_error *err)
{
	gchar *buf;
	gsize len;
	GError *gerr = NULL;
	struct codebook *cb;

	if (!g_file_get_contents(path, &buf, &len, &gerr)) {
		doc_error_set(err, "codebook", DOC_ERR_CONFIG, "%s: cannot read: %s",
			      path, gerr->message);
		g_error_free(gerr);
		return NULL;
	}
	cb = codebook_parse(path, buf, len, stemmer, err);
	g_free(buf);
	return cb;
}

void codebook_free(struct codebook *cb)
{
	size_t i, k;

	if (!cb)
		return;
	for (i = 0; i < cb->nr_themes; i++) {
		free(cb->themes[i].id);
		free(cb->themes[i].label);
		free(cb->themes[i].group);
	}
	for (i = 0; i < cb->nr_patterns; i++) {
		for (k = 0; k < cb->patterns[i].nr_elems; k++)
			if (cb->patterns[i].elems[k].kind == CB_ELEM_PREFIX)
				free((char *)cb->patterns[i].elems[k].s);
		free(cb->patterns[i].elems);
	}
	for (i = 0; i < cb->nr_rules; i++)
		free(cb->rules[i].text);
	for (i = 0; i < cb->nr_warnings; i++)
		free(cb->warnings[i]);
	free(cb->warnings);
	g_hash_table_destroy(cb->index->first);
	g_hash_table_destroy(cb->index->prefix);
	g_array_free(cb->index->number, TRUE);
	free(cb->index);
	free(cb->themes);
	free(cb->patterns);
	free(cb->rules);
	free(cb->path);
	free(cb);
}

static void add_ids(GArray *out, const GArray *a)
{
	if (a)
		g_array_append_vals(out, a->data, a->len);
}

/* Prefixes of s that head a pattern, looked up by length. */
static void add_prefixes(const struct cb_index *ix, GArray *out, const char *s)
{
	char buf[64];
	size_t n = strlen(s), k;

	if (!ix->max_prefix)
		return;
	for (k = ix->min_prefix; k <= n && k <= ix->max_prefix && k < sizeof(buf); k++) {
		memcpy(buf, s, k);
		buf[k] = '\0';
		add_ids(out, g_hash_table_lookup(ix->prefix, buf));
	}
}

static gint cmp_unsigned(gconstpointer a, gconstpointer b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

size_t codebook_starts(const struct codebook *cb, const char *word,
		       const char *stem, int number, unsigned **ids)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(unsigned));
	size_t n, i, k = 0;
	unsigned *a;

	add_ids(out, g_hash_table_lookup(cb->index->first, stem));
	if (number)
		add_ids(out, cb->index->number);
	add_prefixes(cb->index, out, word);
	if (strcmp(word, stem))
		add_prefixes(cb->index, out, stem);
	g_array_sort(out, cmp_unsigned);
	a = (unsigned *)out->data;
	for (i = 0; i < out->len; i++)
		if (!k || a[k - 1] != a[i])
			a[k++] = a[i];
	n = k;
	*ids = n ? xmalloc(n * sizeof(unsigned)) : NULL;
	if (n)
		memcpy(*ids, a, n * sizeof(unsigned));
	g_array_free(out, TRUE);
	return n;
}

int cb_elem_matches(const struct cb_elem *e, const char *word, const char *stem,
		    int number)
{
	switch (e->kind) {
	case CB_ELEM_STEM:
		return e->s == stem;
	case CB_ELEM_WORD:
		return e->s == word;
	case CB_ELEM_PREFIX:
		return !strncmp(word, e->s, strlen(e->s)) ||
		       !strncmp(stem, e->s, strlen(e->s));
	case CB_ELEM_NUMBER:
		return number;
	case CB_ELEM_GAP:
		return 1;
	}
	return 0;
}
