/*
 * Dictionaries into codebooks: LIWC (.dic), quanteda YAML (.yml, .yaml)
 * and WordStat (.cat) dictionaries read into categories of entries, then
 * written in the codebook format (README.md, "Codebook"), one theme per
 * category.
 *
 * The dictionaries match words as written: "sad" matches "sad" only,
 * "happ*" every word beginning with "happ", "income tax" the two words in
 * sequence. A codebook word matches by stem, so "sad" alone would also
 * take "sadness". To keep the dictionary's reading, each theme gets
 * `exclude` prefixes that cut off the other words sharing a plain entry's
 * stem: for a plain word w and each of w and its stem s, the prefixes
 * x + letter ("sada*" ... "sadz*", "happin*" for "happy") that the entry
 * itself does not begin with and that no other entry word of the category
 * begins with (those are wanted). An excluded word then takes no match of
 * its theme, while the entry's own spelling still matches. A glob "abc*"
 * is the prefix "abc*". What has no codebook form is reported (file, line,
 * reason) and left out: LIWC's conditional entries, wildcards other than a
 * final '*' ('?', a leading or inner '*'), characters a pattern cannot hold,
 * entries that name an unknown category.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "util.h"
#include "stem.h"
#include "cbconvert.h"
#include "banned.h"

struct category {
	char *name, *id, *group;
	GPtrArray *entries; /* lowercased, words separated by one space */
	GHashTable *seen;
};

struct conv {
	const char *file;
	GPtrArray *cats;
	cbconvert_report_fn report;
	void *arg;
	size_t skipped;
};

static void note(struct conv *c, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void note(struct conv *c, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	c->skipped++;
	if (c->report)
		c->report(c->arg, c->file, line, msg);
	g_free(msg);
}

static void free_cat(gpointer p)
{
	struct category *k = p;

	g_free(k->name);
	g_free(k->id);
	g_free(k->group);
	g_ptr_array_free(k->entries, TRUE);
	g_hash_table_destroy(k->seen);
	g_free(k);
}

static struct category *new_cat(struct conv *c, const char *name, const char *group)
{
	struct category *k = g_new0(struct category, 1);

	k->name = g_strdup(name);
	k->group = g_strdup(group ? group : "");
	k->entries = g_ptr_array_new_with_free_func(g_free);
	k->seen = g_hash_table_new(g_str_hash, g_str_equal);
	g_ptr_array_add(c->cats, k);
	return k;
}

/* Normalises an entry (lowercase, spaces collapsed, '_' as a space) and
 * adds it, or reports why it cannot be a pattern. */
static void add_entry(struct conv *c, struct category *k, const char *raw, int line)
{
	char *low = g_utf8_strdown(raw, -1);
	GString *e = g_string_new(NULL);
	const char *p;
	char **words;
	size_t i;

	for (p = low; *p; p++) {
		char ch = *p == '_' || *p == '\t' ? ' ' : *p;

		if (ch == ' ' && (!e->len || e->str[e->len - 1] == ' '))
			continue;
		g_string_append_c(e, ch);
	}
	while (e->len && e->str[e->len - 1] == ' ')
		g_string_truncate(e, e->len - 1);
	g_free(low);
	if (!e->len)
		goto out;
	words = g_strsplit(e->str, " ", -1);
	for (i = 0; words[i]; i++) {
		const char *w = words[i];
		size_t n = strlen(w);
		const char *star = strchr(w, '*');

		if (strchr(w, '?')) {
			note(c, line, "'%s': the single-character wildcard '?' has no codebook form; skipped", raw);
			break;
		}
		if (star && (star != w + n - 1 || n == 1)) {
			note(c, line, "'%s': a wildcard that is not at the end of a word has no codebook form; skipped", raw);
			break;
		}
		if (star && words[i + 1]) {
			note(c, line, "'%s': a wildcard inside a phrase has no codebook form; skipped", raw);
			break;
		}
		for (p = w; *p; p++)
			if (strchr("|#^()[]<>{}=\\/\"", *p))
				break;
		if (*p || !strcmp(w, "..") || !strncmp(w, "near/", 5)) {
			note(c, line, "'%s': the character '%c' cannot be in a codebook pattern; skipped",
			     raw, *p ? *p : '.');
			break;
		}
		for (p = w; *p; p++)
			if (g_ascii_isalnum(*p) || (unsigned char)*p >= 0x80)
				break;
		if (!*p) {
			note(c, line, "'%s': a word without letters or digits; skipped", raw);
			break;
		}
	}
	if (!words[i] && !g_hash_table_contains(k->seen, e->str)) {
		char *s = g_strdup(e->str);

		g_ptr_array_add(k->entries, s);
		g_hash_table_add(k->seen, s);
	}
	g_strfreev(words);
out:
	g_string_free(e, TRUE);
}

/* ---- LIWC ---------------------------------------------------------------- */

static int is_number(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!g_ascii_isdigit(*s))
			return 0;
	return 1;
}

static int parse_liwc(struct conv *c, char **lines)
{
	GHashTable *num = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	int section = 0, i;

	for (i = 0; lines[i]; i++) {
		char *l = g_strstrip(lines[i]);
		char **f;
		int n, k;

		if (!*l)
			continue;
		if (!strcmp(l, "%")) {
			section++;
			continue;
		}
		if (section == 0) {
			note(c, i + 1, "text before the first '%%' line; skipped");
			continue;
		}
		f = g_regex_split_simple("[ \t]+", l, 0, 0);
		n = (int)g_strv_length(f);
		if (section == 1) {
			if (n < 2 || !is_number(f[0])) {
				note(c, i + 1, "'%s': not a category line (number, name); skipped", l);
			} else {
				char *name = g_strjoinv(" ", f + 1);

				g_hash_table_replace(num, g_strdup(f[0]), new_cat(c, name, "liwc"));
				g_free(name);
			}
		} else if (strchr(l, '(') || strchr(l, '<')) {
			note(c, i + 1, "'%s': a conditional entry (LIWC's '(...)' or '<...>') has no codebook form; skipped", l);
		} else {
			/* the entry: the words before the trailing category numbers */
			int first = n;
			GString *entry = g_string_new(NULL);

			while (first > 1 && is_number(f[first - 1]))
				first--;
			if (first == n) {
				note(c, i + 1, "'%s': an entry without categories; skipped", l);
				g_string_free(entry, TRUE);
				g_strfreev(f);
				continue;
			}
			for (k = 0; k < first; k++)
				g_string_append_printf(entry, "%s%s", k ? " " : "", f[k]);
			for (k = first; k < n; k++) {
				struct category *cat = g_hash_table_lookup(num, f[k]);

				if (cat)
					add_entry(c, cat, entry->str, i + 1);
				else
					note(c, i + 1, "'%s': unknown category %s; skipped there",
					     entry->str, f[k]);
			}
			g_string_free(entry, TRUE);
		}
		g_strfreev(f);
	}
	g_hash_table_destroy(num);
	return section >= 2 ? 0 : -1;
}

/* ---- quanteda YAML ------------------------------------------------------- */

static char *unquote(const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && ((s[0] == '"' && s[n - 1] == '"') || (s[0] == '\'' && s[n - 1] == '\'')))
		return g_strndup(s + 1, n - 2);
	return g_strdup(s);
}

/* Strips a comment (a '#' after a space, outside quotes). */
static void strip_comment(char *l)
{
	char q = 0;
	char *p;

	for (p = l; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '#' && (p == l || p[-1] == ' ' || p[-1] == '\t')) {
			*p = '\0';
			return;
		}
	}
}

static void add_inline_list(struct conv *c, struct category *k, const char *v, int line)
{
	char *in = g_strndup(v + 1, strlen(v) - 2);
	char **items = g_strsplit(in, ",", -1);
	size_t i;

	for (i = 0; items[i]; i++) {
		char *t = unquote(g_strstrip(items[i]));

		if (*t)
			add_entry(c, k, t, line);
		g_free(t);
	}
	g_strfreev(items);
	g_free(in);
}

static int parse_yaml(struct conv *c, char **lines)
{
	/* the keys above the current line, by indentation */
	GPtrArray *keys = g_ptr_array_new_with_free_func(g_free);
	GArray *indents = g_array_new(FALSE, FALSE, sizeof(int));
	struct category *cur = NULL;
	int i, any = 0;

	for (i = 0; lines[i]; i++) {
		char *l = lines[i], *colon;
		int ind = 0;

		strip_comment(l);
		while (l[ind] == ' ')
			ind++;
		g_strchomp(l);
		if (!l[ind] || !strcmp(l, "---") || !strcmp(l, "..."))
			continue;
		if (l[ind] == '\t') {
			note(c, i + 1, "a tab in the indentation; skipped");
			continue;
		}
		if (l[ind] == '-' && (l[ind + 1] == ' ' || !l[ind + 1])) {
			char *v = unquote(g_strstrip(l + ind + 1));

			if (!cur)
				note(c, i + 1, "'%s': a list item outside a category; skipped", v);
			else if (*v)
				add_entry(c, cur, v, i + 1);
			g_free(v);
			continue;
		}
		colon = strstr(l + ind, ":");
		while (colon && colon[1] && colon[1] != ' ')
			colon = strstr(colon + 1, ":");
		if (!colon) {
			note(c, i + 1, "'%s': neither a key nor a list item; skipped", l + ind);
			continue;
		}
		*colon = '\0';
		while (indents->len && g_array_index(indents, int, indents->len - 1) >= ind) {
			g_array_set_size(indents, indents->len - 1);
			g_ptr_array_remove_index(keys, keys->len - 1);
		}
		g_array_append_val(indents, ind);
		g_ptr_array_add(keys, unquote(g_strstrip(l + ind)));
		{
			char *v = g_strstrip(colon + 1);
			char *name, **parts;
			size_t k;

			parts = g_new0(char *, keys->len + 1);
			for (k = 0; k < keys->len; k++)
				parts[k] = keys->pdata[k];
			name = g_strjoinv(".", parts);
			g_free(parts);
			if (*v) {
				cur = new_cat(c, name, keys->len > 1 ? keys->pdata[0] : "");
				any = 1;
				if (v[0] == '[' && v[strlen(v) - 1] == ']') {
					add_inline_list(c, cur, v, i + 1);
				} else {
					char *t = unquote(v);

					add_entry(c, cur, t, i + 1);
					g_free(t);
				}
				cur = NULL;
			} else {
				/* a category with a list below, or a parent of categories */
				cur = new_cat(c, name, keys->len > 1 ? keys->pdata[0] : "");
				any = 1;
			}
			g_free(name);
		}
	}
	g_ptr_array_free(keys, TRUE);
	g_array_free(indents, TRUE);
	return any ? 0 : -1;
}

/* ---- WordStat ------------------------------------------------------------ */

static int parse_wordstat(struct conv *c, char **lines)
{
	GPtrArray *path = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *cats = g_ptr_array_new();
	GArray *indents = g_array_new(FALSE, FALSE, sizeof(int));
	int i, any = 0;

	for (i = 0; lines[i]; i++) {
		char *l = lines[i], *open;
		int ind = 0, entry;
		size_t n;

		while (l[ind] == ' ' || l[ind] == '\t')
			ind++;
		/* a tab is one level, as WordStat writes them; spaces count singly */
		g_strstrip(l);
		if (!*l)
			continue;
		n = strlen(l);
		open = strrchr(l, '(');
		entry = open && l[n - 1] == ')';
		/* the categories this line sits under: those less indented */
		while (indents->len && g_array_index(indents, int, indents->len - 1) >= ind) {
			g_array_set_size(indents, indents->len - 1);
			g_ptr_array_remove_index(path, path->len - 1);
			g_ptr_array_remove_index(cats, cats->len - 1);
		}
		if (entry) {
			/* "WORD (1)": an entry of the enclosing category */
			*open = '\0';
			g_strchomp(l);
			if (!cats->len)
				note(c, i + 1, "'%s': an entry before any category; skipped", l);
			else
				add_entry(c, cats->pdata[cats->len - 1], l, i + 1);
			continue;
		}
		g_array_append_val(indents, ind);
		g_ptr_array_add(path, g_strdup(l));
		{
			char **parts = g_new0(char *, path->len + 1);
			char *name;
			size_t k;

			for (k = 0; k < path->len; k++)
				parts[k] = path->pdata[k];
			name = g_strjoinv(".", parts);
			g_free(parts);
			g_ptr_array_add(cats, new_cat(c, name, path->len > 1 ? path->pdata[0] : ""));
			g_free(name);
			any = 1;
		}
	}
	g_ptr_array_free(path, TRUE);
	g_ptr_array_free(cats, TRUE);
	g_array_free(indents, TRUE);
	return any ? 0 : -1;
}

/* ---- writing ------------------------------------------------------------- */

static char *theme_id(const char *name, GHashTable *used)
{
	GString *o = g_string_new(NULL);
	const char *p;
	char *id;
	int k = 2;

	for (p = name; *p; p++) {
		if (g_ascii_isalnum(*p))
			g_string_append_c(o, g_ascii_tolower(*p));
		else if (o->len && o->str[o->len - 1] != '_')
			g_string_append_c(o, '_');
	}
	while (o->len && o->str[o->len - 1] == '_')
		g_string_truncate(o, o->len - 1);
	if (!o->len || g_ascii_isdigit(o->str[0]))
		g_string_prepend(o, "c_");
	id = g_strdup(o->str);
	while (g_hash_table_contains(used, id)) {
		g_free(id);
		id = g_strdup_printf("%s_%d", o->str, k++);
	}
	g_hash_table_add(used, id);
	g_string_free(o, TRUE);
	return id;
}

/* One-line text for a label or group (no newline; '#' is fine after the
 * directive). */
static void put_text(GString *o, const char *s)
{
	for (; *s; s++)
		g_string_append_c(o, *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void put_patterns(GString *o, const char *directive, GPtrArray *pats)
{
	guint i;

	for (i = 0; i < pats->len; i++) {
		if (i % 12 == 0)
			g_string_append_printf(o, "%s%s ", i ? "\n" : "", directive);
		else
			g_string_append(o, " | ");
		g_string_append(o, pats->pdata[i]);
	}
	if (pats->len)
		g_string_append_c(o, '\n');
}

/* Does any entry word of k other than the plain word w begin with p, or
 * any glob of k overlap p? Those words are wanted, so p is not excluded. */
static int wanted(const struct category *k, const char *p)
{
	guint i;
	size_t pn = strlen(p);

	for (i = 0; i < k->entries->len; i++) {
		char **w = g_strsplit(k->entries->pdata[i], " ", -1);
		size_t j;
		int hit = 0;

		for (j = 0; w[j] && !hit; j++) {
			size_t n = strlen(w[j]);

			if (n && w[j][n - 1] == '*')
				hit = !strncmp(w[j], p, MIN(n - 1, pn));
			else
				hit = !strncmp(w[j], p, pn);
		}
		g_strfreev(w);
		if (hit)
			return 1;
	}
	return 0;
}

static void exclusions(const struct category *k, struct stemmer *st, GPtrArray *out)
{
	GHashTable *done = g_hash_table_new(g_str_hash, g_str_equal);
	guint i;

	for (i = 0; i < k->entries->len; i++) {
		char **w = g_strsplit(k->entries->pdata[i], " ", -1);
		size_t j;

		for (j = 0; w[j]; j++) {
			size_t n = strlen(w[j]);
			const char *stem, *x[2];
			int v;
			char c;

			if (!n || w[j][n - 1] == '*')
				continue;
			for (v = 0; w[j][v]; v++)
				if (!g_ascii_isalpha(w[j][v]))
					break;
			if (w[j][v])
				continue; /* digits, apostrophes, hyphens: left as they are */
			stem = stemmer_stem(st, w[j], n);
			x[0] = w[j];
			x[1] = stem;
			for (v = 0; v < 2; v++) {
				for (c = 'a'; c <= 'z'; c++) {
					char *p = g_strdup_printf("%s%c", x[v], c);

					if (!strncmp(w[j], p, strlen(p)) || !strncmp(stem, p, strlen(p)) ||
					    g_hash_table_contains(done, p) || wanted(k, p)) {
						g_free(p);
						continue;
					}
					g_hash_table_add(done, p);
					g_ptr_array_add(out, g_strdup_printf("%s*", p));
				}
			}
		}
		g_strfreev(w);
	}
	g_hash_table_destroy(done);
}

static void write_codebook(struct conv *c, const char *format, GString *o)
{
	struct stemmer *st = stemmer_new(NULL);
	GHashTable *used = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, NULL);
	guint i;

	g_string_append_printf(o, "# Converted by revmine codebook convert from %s (%s).\n"
			       "# One theme per category; a passage is coded to a theme when\n"
			       "# any entry of the category occurs in it.\n\n", c->file, format);
	for (i = 0; i < c->cats->len; i++) {
		struct category *k = c->cats->pdata[i];
		GPtrArray *ex;

		if (!k->entries->len)
			continue; /* a parent of nested categories, or all skipped */
		k->id = theme_id(k->name, used);
		g_string_append_printf(o, "theme %s\nlabel ", k->id);
		put_text(o, k->name);
		g_string_append_c(o, '\n');
		if (*k->group) {
			g_string_append(o, "group ");
			put_text(o, k->group);
			g_string_append_c(o, '\n');
		}
		g_string_append(o, "threshold 1\n");
		put_patterns(o, "match 1", k->entries);
		ex = g_ptr_array_new_with_free_func(g_free);
		exclusions(k, st, ex);
		put_patterns(o, "exclude", ex);
		g_ptr_array_free(ex, TRUE);
		g_string_append_c(o, '\n');
	}
	g_string_append(o, "types\ndefault context\n");
	g_hash_table_destroy(used);
	stemmer_free(st);
}

const char *cbconvert_format(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (!dot || strchr(dot, '/'))
		return NULL;
	if (!g_ascii_strcasecmp(dot, ".dic"))
		return "liwc";
	if (!g_ascii_strcasecmp(dot, ".yml") || !g_ascii_strcasecmp(dot, ".yaml"))
		return "quanteda";
	if (!g_ascii_strcasecmp(dot, ".cat"))
		return "wordstat";
	return NULL;
}

int cbconvert(const char *path, const char *format, char **out, size_t *themes,
	      size_t *skipped, cbconvert_report_fn report, void *arg,
	      struct doc_error *err)
{
	gchar *buf = NULL;
	gsize len;
	GError *ge = NULL;
	char **lines;
	struct conv c;
	GString *o;
	guint i;
	int rc;

	*out = NULL;
	if (!format && !(format = cbconvert_format(path)))
		return doc_error_set(err, "convert", DOC_ERR_CONFIG,
				     "%s: unknown dictionary type (use .dic, .yml/.yaml or .cat, or --format)",
				     path);
	if (!g_file_get_contents(path, &buf, &len, &ge)) {
		doc_error_set(err, "convert", DOC_ERR_IO, "%s", ge->message);
		g_error_free(ge);
		return -1;
	}
	if (len > ((gsize)64 << 20) || !g_utf8_validate(buf, (gssize)len, NULL)) {
		/* WordStat and older LIWC files may be Windows-1252 */
		gchar *u = len <= ((gsize)64 << 20) ?
			   g_convert(buf, (gssize)len, "UTF-8", "WINDOWS-1252", NULL, NULL, NULL) : NULL;

		g_free(buf);
		if (!u)
			return doc_error_set(err, "convert", DOC_ERR_FORMAT,
					     "%s: not a text file (or over 64 MiB)", path);
		buf = u;
	}
	memset(&c, 0, sizeof(c));
	c.file = path;
	c.cats = g_ptr_array_new_with_free_func(free_cat);
	c.report = report;
	c.arg = arg;
	if (g_str_has_prefix(buf, "\xEF\xBB\xBF"))
		memmove(buf, buf + 3, strlen(buf + 3) + 1);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '\r')
			buf[i] = buf[i + 1] == '\n' ? ' ' : '\n';
	lines = g_strsplit(buf, "\n", -1);
	g_free(buf);
	if (!strcmp(format, "liwc"))
		rc = parse_liwc(&c, lines);
	else if (!strcmp(format, "quanteda"))
		rc = parse_yaml(&c, lines);
	else if (!strcmp(format, "wordstat"))
		rc = parse_wordstat(&c, lines);
	else
		rc = doc_error_set(err, "convert", DOC_ERR_CONFIG,
				   "unknown format '%s' (liwc, quanteda, wordstat)", format);
	g_strfreev(lines);
	*themes = 0;
	for (i = 0; i < c.cats->len; i++)
		*themes += ((struct category *)c.cats->pdata[i])->entries->len > 0;
	if (!rc && !*themes)
		rc = -1;
	if (rc) {
		if (!err->msg[0])
			doc_error_set(err, "convert", DOC_ERR_FORMAT,
				      "%s: no categories with entries found (is it a %s dictionary?)",
				      path, format);
	} else {
		o = g_string_new(NULL);
		write_codebook(&c, format, o);
		*out = g_string_free(o, FALSE);
	}
	*skipped = c.skipped;
	g_ptr_array_free(c.cats, TRUE);
	return rc ? -1 : 0;
}
