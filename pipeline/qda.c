/*
 * REFI-QDA project and codebook exchange (QDA-XML 1.0, "Project-mrt2019").
 *
 * Export. The run's output folder names what to read: manifest.json gives
 * the configuration hash and where the records are (DIR/.cache for `run`,
 * the --records folder for `reduce`); theme_prevalence.csv the themes in
 * codebook order with label and group; documents.csv the documents (error
 * rows skipped) and, in any column beyond its standard ones, document
 * variables (`--metadata`). Each document's record gives its passages.
 *
 *   project.qde  Users (revmine), CodeBook, Variables, Sources
 *   Sources/<guid>.txt  a document's text: its passages joined by a blank
 *                line, ending in a newline (what `revmine extract` prints)
 *
 * CodeBook: a "Passage types" code (not codable) over learning,
 * recommendation and context; one code per group (not codable) over its
 * themes, each named by its label. A code's Description says what it
 * stands for ("revmine theme ID", "revmine type TYPE"), which import reads
 * back. Every passage is a PlainTextSelection, positions in characters
 * (Unicode code points) from the start of the text, end exclusive, with a
 * Coding for its type and one per theme label; the label evidence is the
 * selection's Description.
 *
 * GUIDs are UUID version 5 (SHA-1, RFC 4122 section 4.3) of names such as
 * "revmine:source:SHA256" and "revmine:selection:SHA256:N", so an export of
 * the same outputs gives the same GUIDs, and the zip members get a fixed
 * timestamp (2020-01-01 00:00) and order: the same bytes.
 *
 * Import walks project.qde with libxml2 (no entities, no DTD, no network;
 * members size-checked through zipread.c), maps each code to a theme or
 * type by its Description, else by its name (lowercase, runs of other
 * characters made '_'; type names as such), cuts each source's text into
 * passages at blank lines, and gives each passage the codes of the
 * selections that start inside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <glib.h>
#include <zip.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include "util.h"
#include "doc.h"
#include "csvio.h"
#include "record.h"
#include "zipread.h"
#include "qda.h"
#include "version.h"
#include "banned.h"

#define QDA_XML_MAX ((size_t)256 << 20)
#define QDA_TEXT_MAX ((size_t)256 << 20)
/* 2020-01-01 00:00:00 as an MS-DOS date and time */
#define QDA_DOS_DATE ((2020 - 1980) << 9 | 1 << 5 | 1)
#define QDA_DOS_TIME 0

/* RFC 4122 name-based UUID, version 5, in the URL namespace. */
void qda_uuid5(const char *name, char out[37])
{
	static const guint8 ns[16] = { 0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
				       0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8 };
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA1);
	guint8 d[20];
	gsize len = sizeof(d);

	g_checksum_update(c, ns, sizeof(ns));
	g_checksum_update(c, (const guchar *)name, (gssize)strlen(name));
	g_checksum_get_digest(c, d, &len);
	g_checksum_free(c);
	d[6] = (guint8)((d[6] & 0x0f) | 0x50);
	d[8] = (guint8)((d[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10],
		 d[11], d[12], d[13], d[14], d[15]);
}

static void guid_of(char out[37], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void guid_of(char out[37], const char *fmt, ...)
{
	va_list ap;
	char *name;

	va_start(ap, fmt);
	name = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	qda_uuid5(name, out);
	g_free(name);
}

/* XML text or attribute value: markup escaped, characters XML 1.0 cannot
 * hold dropped; in attributes, tab and line ends as references. */
static void xml_escape(GString *o, const char *s, int attr)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': g_string_append(o, "&amp;"); break;
		case '<': g_string_append(o, "&lt;"); break;
		case '>': g_string_append(o, "&gt;"); break;
		case '"': g_string_append(o, attr ? "&quot;" : "\""); break;
		case '\t': g_string_append(o, attr ? "&#9;" : "\t"); break;
		case '\n': g_string_append(o, attr ? "&#10;" : "\n"); break;
		case '\r': g_string_append(o, "&#13;"); break;
		default:
			if (c >= 0x20)
				g_string_append_c(o, (char)c);
		}
	}
}

static void attr(GString *o, const char *name, const char *value)
{
	g_string_append_printf(o, " %s=\"", name);
	xml_escape(o, value, 1);
	g_string_append_c(o, '"');
}

/* A CSV cell as written, without the formula guard's apostrophe. */
static const char *unguard(const char *s)
{
	if (s[0] == '\'' && s[1] && strchr("=+-@\t\r", s[1]))
		return s + 1;
	return s;
}

/* ---- reading the output folder ---------------------------------------- */

/* The JSON string value after "key": in text (newly allocated), or NULL. */
static char *json_string(const char *text, const char *key, const char **after)
{
	char *pat = xstrfmt("\"%s\":", key);
	const char *p = strstr(text, pat);
	GString *v;

	free(pat);
	if (!p)
		return NULL;
	p = strchr(p + strlen(key) + 3, '"');
	if (!p)
		return NULL;
	v = g_string_new(NULL);
	for (p++; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n': g_string_append_c(v, '\n'); break;
			case 't': g_string_append_c(v, '\t'); break;
			case 'r': g_string_append_c(v, '\r'); break;
			case 'u': {
				char hex[5] = { 0 };
				size_t k;

				for (k = 0; k < 4 && p[k + 1]; k++)
					hex[k] = p[k + 1];
				g_string_append_unichar(v, (gunichar)strtoul(hex, NULL, 16));
				p += k;
				break;
			}
			default: g_string_append_c(v, *p);
			}
		} else {
			g_string_append_c(v, *p);
		}
	}
	if (after)
		*after = *p ? p + 1 : p;
	return g_string_free(v, FALSE);
}

/* The records folder a manifest names: --records of a reduce, else
 * OUTDIR/.cache. */
static char *manifest_records(const char *text, const char *outdir)
{
	char *cmd = json_string(text, "command", NULL);
	const char *p = strstr(text, "\"arguments\":");
	char *records = NULL;

	if (cmd && strcmp(cmd, "run") && p) {
		const char *end = strchr(p, ']');
		int next = 0;

		p = strchr(p, '[');
		while (p && end && p < end) {
			const char *q = strchr(p, '"');
			char *arg;

			if (!q || q > end)
				break;
			{
				GString *v = g_string_new(NULL);

				for (q++; *q && *q != '"'; q++) {
					if (*q == '\\' && q[1])
						q++;
					g_string_append_c(v, *q);
				}
				arg = g_string_free(v, FALSE);
			}
			p = *q ? q + 1 : q;
			if (next) {
				records = arg;
				break;
			}
			if (!strcmp(arg, "--records"))
				next = 1;
			else if (!strncmp(arg, "--records=", 10))
				records = xstrdup(arg + 10);
			free(arg);
			if (records)
				break;
		}
	}
	free(cmd);
	return records ? records : g_build_filename(outdir, ".cache", NULL);
}

struct theme {
	char *id, *label, *group;
	char guid[37];
};

struct qdoc {
	char *doc_id, *sha, *format, *pages;
	char **vars; /* values of the variable columns */
	char guid[37];
};

struct export {
	const struct qda_export_options *o;
	char *config, *records;
	struct theme *themes;
	size_t nr_themes;
	char **theme_ids; /* NULL-terminated, for record_read */
	char **var_names; /* extra documents.csv columns */
	int *var_integer; /* every value a whole number (or empty) */
	size_t nr_vars;
	struct qdoc *docs;
	size_t nr_docs, alloc_docs;
	char user[37];
	char type_guid[PASSAGE_TYPES][37];
};

static int read_themes(struct export *x, struct doc_error *err)
{
	char *path = g_build_filename(x->o->outdir, "theme_prevalence.csv", NULL);
	struct csv_in *c = csv_in_open(path, err);
	char **f;
	size_t n, alloc = 0;
	int rc, ci = -1, li = -1, gi = -1;

	g_free(path);
	if (!c)
		return -1;
	rc = csv_in_next(c, &f, &n, err);
	if (rc > 0) {
		size_t i;

		for (i = 0; i < n; i++) {
			if (!strcmp(f[i], "theme"))
				ci = (int)i;
			else if (!strcmp(f[i], "label"))
				li = (int)i;
			else if (!strcmp(f[i], "group"))
				gi = (int)i;
		}
	}
	if (rc <= 0 || ci < 0) {
		csv_in_close(c);
		return rc < 0 ? -1 : doc_error_set(err, "export", DOC_ERR_FORMAT,
						   "theme_prevalence.csv has no theme column");
	}
	while ((rc = csv_in_next(c, &f, &n, err)) > 0) {
		struct theme *t;

		if ((size_t)ci >= n)
			continue;
		ALLOC_GROW(x->themes, x->nr_themes, alloc);
		t = &x->themes[x->nr_themes++];
		t->id = xstrdup(unguard(f[ci]));
		t->label = xstrdup(li >= 0 && (size_t)li < n && *f[li] ? unguard(f[li]) : t->id);
		t->group = xstrdup(gi >= 0 && (size_t)gi < n ? unguard(f[gi]) : "");
		guid_of(t->guid, "revmine:theme:%s", t->id);
	}
	csv_in_close(c);
	if (rc < 0)
		return -1;
	x->theme_ids = xcalloc(x->nr_themes + 1, sizeof(char *));
	for (n = 0; n < x->nr_themes; n++)
		x->theme_ids[n] = x->themes[n].id;
	return 0;
}

static int is_integer(const char *s);

static const char *const doc_columns[] = {
	"doc_id", "path", "format", "sha256", "pages", "passages", "tokens",
	"status", "message", NULL,
};

static int known_column(const char *name)
{
	const char *const *k;

	for (k = doc_columns; *k; k++)
		if (!strcmp(*k, name))
			return 1;
	return 0;
}

static int read_documents(struct export *x, struct doc_error *err)
{
	char *path = g_build_filename(x->o->outdir, "documents.csv", NULL);
	struct csv_in *c = csv_in_open(path, err);
	char **f;
	size_t n, i, *var_col = NULL;
	int rc, col[9];

	g_free(path);
	if (!c)
		return -1;
	for (i = 0; i < 9; i++)
		col[i] = -1;
	if ((rc = csv_in_next(c, &f, &n, err)) <= 0) {
		csv_in_close(c);
		return rc < 0 ? -1 : doc_error_set(err, "export", DOC_ERR_FORMAT,
						   "documents.csv is empty");
	}
	var_col = xcalloc(n + 1, sizeof(*var_col));
	x->var_names = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		size_t k;

		for (k = 0; doc_columns[k]; k++)
			if (!strcmp(f[i], doc_columns[k]))
				col[k] = (int)i;
		if (!known_column(f[i])) {
			var_col[x->nr_vars] = i;
			x->var_names[x->nr_vars++] = xstrdup(unguard(f[i]));
		}
	}
	if (col[0] < 0 || col[3] < 0 || col[7] < 0) {
		free(var_col);
		csv_in_close(c);
		return doc_error_set(err, "export", DOC_ERR_FORMAT,
				     "documents.csv lacks doc_id, sha256 or status");
	}
	while ((rc = csv_in_next(c, &f, &n, err)) > 0) {
		struct qdoc *d;

		if ((size_t)col[7] >= n || !strcmp(f[col[7]], "error"))
			continue;
		ALLOC_GROW(x->docs, x->nr_docs, x->alloc_docs);
		d = &x->docs[x->nr_docs++];
		memset(d, 0, sizeof(*d));
		d->doc_id = xstrdup(unguard(f[col[0]]));
		d->sha = xstrdup(f[col[3]]);
		d->format = xstrdup(col[2] >= 0 && (size_t)col[2] < n ? f[col[2]] : "");
		d->pages = xstrdup(col[4] >= 0 && (size_t)col[4] < n ? f[col[4]] : "");
		d->vars = xcalloc(x->nr_vars + 1, sizeof(char *));
		for (i = 0; i < x->nr_vars; i++)
			d->vars[i] = xstrdup(var_col[i] < n ? unguard(f[var_col[i]]) : "");
		guid_of(d->guid, "revmine:source:%s", d->sha);
	}
	free(var_col);
	csv_in_close(c);
	x->var_integer = xcalloc(x->nr_vars + 1, sizeof(int));
	for (i = 0; i < x->nr_vars; i++) {
		size_t d, filled = 0;

		x->var_integer[i] = 1;
		for (d = 0; d < x->nr_docs; d++) {
			const char *v = x->docs[d].vars[i];

			if (*v && !is_integer(v))
				x->var_integer[i] = 0;
			filled += *v != 0;
		}
		if (!filled)
			x->var_integer[i] = 0;
	}
	return rc < 0 ? -1 : 0;
}

static int read_manifest(struct export *x, struct doc_error *err)
{
	char *path = g_build_filename(x->o->outdir, "manifest.json", NULL);
	gchar *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		doc_error_set(err, "export", DOC_ERR_IO,
			      "cannot read '%s': not the output folder of a run", path);
		g_free(path);
		return -1;
	}
	g_free(path);
	x->config = json_string(text, "configuration", NULL);
	if (!x->config) {
		g_free(text);
		return doc_error_set(err, "export", DOC_ERR_FORMAT,
				     "manifest.json has no configuration");
	}
	x->records = x->o->records ? xstrdup(x->o->records)
				   : manifest_records(text, x->o->outdir);
	g_free(text);
	return 0;
}

/* ---- writing ----------------------------------------------------------- */

static const char *const palette[] = {
	"#1F77B4", "#FF7F0E", "#2CA02C", "#D62728", "#9467BD", "#8C564B", "#E377C2",
	"#7F7F7F", "#BCBD22", "#17BECF", "#AEC7E8", "#FFBB78", "#98DF8A", "#FF9896",
	"#C5B0D5", "#C49C94", "#F7B6D2", "#C7C7C7", "#DBDB8D", "#9EDAE5",
};
static const char *const type_colour[PASSAGE_TYPES] = { "#A0A0A0", "#3366CC", "#109618" };

static void code_open(GString *o, const char *guid, const char *name, int codable,
		      const char *colour, const char *desc)
{
	g_string_append(o, "<Code");
	attr(o, "guid", guid);
	attr(o, "name", name);
	attr(o, "isCodable", codable ? "true" : "false");
	attr(o, "color", colour);
	g_string_append(o, ">\n<Description>");
	xml_escape(o, desc, 0);
	g_string_append(o, "</Description>\n");
}

static void write_codes(struct export *x, GString *o, size_t *nr_codes)
{
	char guid[37], *desc;
	size_t i, j;
	int t;
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

	g_string_append(o, "<Codes>\n");
	guid_of(guid, "revmine:types");
	code_open(o, guid, "Passage types", 0, "#808080", "revmine passage types");
	(*nr_codes)++;
	/* learning, recommendation, context */
	for (t = 1; t <= PASSAGE_TYPES; t++) {
		int ty = t % PASSAGE_TYPES;

		desc = xstrfmt("revmine type %s", passage_type_name((enum passage_type)ty));
		code_open(o, x->type_guid[ty], passage_type_name((enum passage_type)ty), 1,
			  type_colour[ty], desc);
		g_string_append(o, "</Code>\n");
		free(desc);
		(*nr_codes)++;
	}
	g_string_append(o, "</Code>\n");
	/* groups in order of first appearance, their themes in codebook order */
	for (i = 0; i < x->nr_themes; i++) {
		const char *g = x->themes[i].group;

		if (*g && g_hash_table_contains(seen, g))
			continue;
		if (*g) {
			g_hash_table_add(seen, (gpointer)g);
			guid_of(guid, "revmine:group:%s", g);
			desc = xstrfmt("revmine group %s", g);
			code_open(o, guid, g, 0, "#BBBBBB", desc);
			free(desc);
			(*nr_codes)++;
		}
		for (j = i; j < x->nr_themes; j++) {
			const struct theme *th = &x->themes[j];

			if (strcmp(th->group, g) || (!*g && j != i))
				continue;
			desc = xstrfmt("revmine theme %s", th->id);
			code_open(o, th->guid, th->label, 1,
				  palette[j % G_N_ELEMENTS(palette)], desc);
			g_string_append(o, "</Code>\n");
			free(desc);
			(*nr_codes)++;
		}
		if (*g)
			g_string_append(o, "</Code>\n");
	}
	g_string_append(o, "</Codes>\n");
	g_hash_table_destroy(seen);
}

static void coding(GString *o, const char *user, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void coding(GString *o, const char *user, const char *code, const char *fmt, ...)
{
	char guid[37], *name;
	va_list ap;

	va_start(ap, fmt);
	name = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	qda_uuid5(name, guid);
	g_free(name);
	g_string_append(o, "<Coding");
	attr(o, "guid", guid);
	attr(o, "creatingUser", user);
	g_string_append(o, "><CodeRef");
	attr(o, "targetGUID", code);
	g_string_append(o, "/></Coding>\n");
}

static int is_integer(const char *s)
{
	if (*s == '-')
		s++;
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!g_ascii_isdigit(*s))
			return 0;
	return 1;
}

/* Appends one TextSource to o and its text to *text. */
static int write_source(struct export *x, struct qdoc *d, GString *o, GString *text,
			struct qda_export_counts *c, struct doc_error *err)
{
	char *name = record_name(d->sha, x->config);
	char *path = g_build_filename(x->records, name, NULL);
	struct record_meta m;
	struct passage_list ps;
	size_t i, j, pos = 0;
	char guid[37];

	free(name);
	passage_list_init(&ps);
	if (record_read(path, x->config, &m, &ps, x->theme_ids, x->nr_themes, err)) {
		char *msg = xstrfmt("%s: %s", d->doc_id, err->msg);

		doc_error_set(err, "export", DOC_ERR_FORMAT, "%s", msg);
		free(msg);
		g_free(path);
		passage_list_release(&ps);
		return -1;
	}
	g_free(path);
	free(m.warnings);
	g_string_append(o, "<TextSource");
	attr(o, "guid", d->guid);
	attr(o, "name", d->doc_id);
	name = xstrfmt("internal://%s.txt", d->guid);
	attr(o, "plainTextPath", name);
	free(name);
	attr(o, "creatingUser", x->user);
	g_string_append(o, ">\n");
	for (i = 0; i < ps.nr; i++) {
		const struct passage *p = &ps.items[i];
		size_t len = (size_t)g_utf8_strlen(p->text, -1);
		char sp[24], ep[24];

		if (i) {
			g_string_append(text, "\n\n");
			pos += 2;
		}
		g_string_append(text, p->text);
		guid_of(guid, "revmine:selection:%s:%zu", d->sha, i + 1);
		snprintf(sp, sizeof(sp), "%zu", pos);
		snprintf(ep, sizeof(ep), "%zu", pos + len);
		g_string_append(o, "<PlainTextSelection");
		attr(o, "guid", guid);
		name = xstrfmt("passage %zu", i + 1);
		attr(o, "name", name);
		free(name);
		attr(o, "startPosition", sp);
		attr(o, "endPosition", ep);
		attr(o, "creatingUser", x->user);
		g_string_append(o, ">\n");
		if (p->nr_labels) {
			g_string_append(o, "<Description>");
			for (j = 0; j < p->nr_labels; j++) {
				const struct label *l = &p->labels[j];

				if (j)
					g_string_append_c(o, '\n');
				xml_escape(o, x->themes[l->theme].id, 0);
				g_string_append(o, ": ");
				xml_escape(o, l->evidence ? l->evidence : "", 0);
			}
			g_string_append(o, "</Description>\n");
		}
		coding(o, x->user, x->type_guid[p->type], "revmine:coding:%s:%zu:type",
		       d->sha, i + 1);
		c->codings++;
		for (j = 0; j < p->nr_labels; j++) {
			const struct theme *th = &x->themes[p->labels[j].theme];

			coding(o, x->user, th->guid, "revmine:coding:%s:%zu:%s", d->sha,
			       i + 1, th->id);
			c->codings++;
		}
		g_string_append(o, "</PlainTextSelection>\n");
		c->selections++;
		pos += len;
	}
	g_string_append_c(text, '\n');
	/* variables: format, pages, then documents.csv's own */
	for (j = 0; j < x->nr_vars + 2; j++) {
		const char *vname = j == 0 ? "format" : j == 1 ? "pages" : x->var_names[j - 2];
		const char *val = j == 0 ? d->format : j == 1 ? d->pages : d->vars[j - 2];
		int integer = j == 1 ? is_integer(val) : j >= 2 && x->var_integer[j - 2];

		if (!*val)
			continue;
		guid_of(guid, "revmine:variable:%s", vname);
		g_string_append(o, "<VariableValue><VariableRef");
		attr(o, "targetGUID", guid);
		g_string_append_printf(o, "/><%s>", integer ? "IntegerValue" : "TextValue");
		xml_escape(o, val, 0);
		g_string_append_printf(o, "</%s></VariableValue>\n",
				       integer ? "IntegerValue" : "TextValue");
	}
	g_string_append(o, "</TextSource>\n");
	passage_list_release(&ps);
	return 0;
}

struct zmember {
	char *name;
	GString *data;
};

/* Writes the members to path through path.tmp.PID and rename, with fixed
 * timestamps, in the given order. */
static int write_zip(const char *path, struct zmember *mem, size_t n,
		     struct doc_error *err)
{
	char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
	int zerr = 0;
	zip_t *z;
	size_t i;

	unlink(tmp);
	z = zip_open(tmp, ZIP_CREATE | ZIP_EXCL, &zerr);
	if (!z) {
		doc_error_set(err, "export", DOC_ERR_IO, "cannot write '%s'", tmp);
		free(tmp);
		return -1;
	}
	for (i = 0; i < n; i++) {
		zip_source_t *s = zip_source_buffer(z, mem[i].data->str, mem[i].data->len, 0);
		zip_int64_t idx;

		if (!s || (idx = zip_file_add(z, mem[i].name, s, ZIP_FL_ENC_UTF_8)) < 0) {
			if (s)
				zip_source_free(s);
			doc_error_set(err, "export", DOC_ERR_IO, "cannot add '%s': %s",
				      mem[i].name, zip_strerror(z));
			zip_discard(z);
			unlink(tmp);
			free(tmp);
			return -1;
		}
		zip_file_set_dostime(z, (zip_uint64_t)idx, QDA_DOS_TIME, QDA_DOS_DATE, 0);
		zip_set_file_compression(z, (zip_uint64_t)idx, ZIP_CM_DEFLATE, 9);
	}
	if (zip_close(z)) {
		doc_error_set(err, "export", DOC_ERR_IO, "cannot write '%s': %s", tmp,
			      zip_strerror(z));
		zip_discard(z);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		doc_error_set(err, "export", DOC_ERR_IO, "cannot rename '%s': %s", tmp,
			      strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int write_file(const char *path, const GString *data, struct doc_error *err)
{
	char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
	GError *ge = NULL;
	int rc = 0;

	if (!g_file_set_contents(tmp, data->str, (gssize)data->len, &ge)) {
		rc = doc_error_set(err, "export", DOC_ERR_IO, "cannot write '%s': %s",
				   tmp, ge->message);
		g_error_free(ge);
	} else if (rename(tmp, path)) {
		rc = doc_error_set(err, "export", DOC_ERR_IO, "cannot rename '%s': %s",
				   tmp, strerror(errno));
		unlink(tmp);
	}
	free(tmp);
	return rc;
}

static void export_release(struct export *x)
{
	size_t i, j;

	for (i = 0; i < x->nr_themes; i++) {
		free(x->themes[i].id);
		free(x->themes[i].label);
		free(x->themes[i].group);
	}
	free(x->themes);
	free(x->theme_ids);
	for (i = 0; i < x->nr_docs; i++) {
		struct qdoc *d = &x->docs[i];

		free(d->doc_id);
		free(d->sha);
		free(d->format);
		free(d->pages);
		for (j = 0; j < x->nr_vars; j++)
			free(d->vars[j]);
		free(d->vars);
	}
	free(x->docs);
	for (i = 0; i < x->nr_vars; i++)
		free(x->var_names[i]);
	free(x->var_names);
	free(x->var_integer);
	free(x->config);
	g_free(x->records);
}

int qda_export(const struct qda_export_options *o, struct qda_export_counts *c,
	       struct doc_error *err)
{
	struct export x;
	GString *xml = NULL;
	struct zmember *mem = NULL;
	size_t nr_mem = 0, i;
	int t, rc = -1;

	memset(&x, 0, sizeof(x));
	memset(c, 0, sizeof(*c));
	x.o = o;
	guid_of(x.user, "revmine:user:revmine");
	for (t = 0; t < PASSAGE_TYPES; t++)
		guid_of(x.type_guid[t], "revmine:type:%s", passage_type_name((enum passage_type)t));
	if (read_manifest(&x, err) || read_themes(&x, err))
		goto out;
	if (o->qdc) {
		GString *q = g_string_new("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
					  "<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\"");
		attr(q, "origin", "revmine " REVMINE_VERSION);
		g_string_append(q, ">\n");
		write_codes(&x, q, &c->codes);
		g_string_append(q, "</CodeBook>\n");
		rc = write_file(o->qdc, q, err);
		g_string_free(q, TRUE);
		if (rc)
			goto out;
		rc = -1;
	}
	if (!o->qdpx) {
		rc = 0;
		goto out;
	}
	if (read_documents(&x, err))
		goto out;
	c->codes = 0;
	xml = g_string_new("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
			   "<Project xmlns=\"urn:QDA-XML:project:1.0\"");
	attr(xml, "name", "revmine export");
	attr(xml, "origin", "revmine " REVMINE_VERSION);
	attr(xml, "creatingUserGUID", x.user);
	g_string_append(xml, ">\n<Users><User");
	attr(xml, "guid", x.user);
	attr(xml, "name", "revmine");
	g_string_append(xml, "/></Users>\n<CodeBook>\n");
	write_codes(&x, xml, &c->codes);
	g_string_append(xml, "</CodeBook>\n<Variables>\n");
	for (i = 0; i < x.nr_vars + 2; i++) {
		const char *vname = i == 0 ? "format" : i == 1 ? "pages" : x.var_names[i - 2];
		char guid[37];

		guid_of(guid, "revmine:variable:%s", vname);
		g_string_append(xml, "<Variable");
		attr(xml, "guid", guid);
		attr(xml, "name", vname);
		attr(xml, "typeOfVariable",
		     i == 1 || (i >= 2 && x.var_integer[i - 2]) ? "Integer" : "Text");
		g_string_append(xml, "/>\n");
		c->variables++;
	}
	g_string_append(xml, "</Variables>\n");
	if (x.nr_docs)
		g_string_append(xml, "<Sources>\n");
	mem = xcalloc(x.nr_docs + 1, sizeof(*mem));
	nr_mem = 1;
	for (i = 0; i < x.nr_docs; i++) {
		struct zmember *z = &mem[nr_mem];

		z->data = g_string_new(NULL);
		z->name = xstrfmt("Sources/%s.txt", x.docs[i].guid);
		nr_mem++;
		if (write_source(&x, &x.docs[i], xml, z->data, c, err))
			goto out;
		c->documents++;
	}
	if (x.nr_docs)
		g_string_append(xml, "</Sources>\n");
	g_string_append(xml, "</Project>\n");
	mem[0].name = xstrdup("project.qde");
	mem[0].data = xml;
	xml = NULL;
	rc = write_zip(o->qdpx, mem, nr_mem, err);
out:
	for (i = 0; i < nr_mem; i++) {
		free(mem[i].name);
		if (mem[i].data)
			g_string_free(mem[i].data, TRUE);
	}
	free(mem);
	if (xml)
		g_string_free(xml, TRUE);
	export_release(&x);
	return rc;
}

/* ---- import ------------------------------------------------------------ */

struct icode {
	char *id;  /* theme id, or NULL for a type code or a container */
	int type;  /* passage type, or -1 */
	size_t order;
};

struct ipassage {
	size_t start, end; /* characters */
	char *text;
	int type;
	GArray *themes; /* struct icode * */
};

static int is_el(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, name);
}

static char *prop(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? xstrdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static char *child_text(const xmlNode *n, const char *name)
{
	const xmlNode *c;

	for (c = n->children; c; c = c->next)
		if (is_el(c, name)) {
			xmlChar *v = xmlNodeGetContent(c);
			char *s = xstrdup(v ? (const char *)v : "");

			xmlFree(v);
			return s;
		}
	return NULL;
}

static char *slug(const char *name)
{
	GString *o = g_string_new(NULL);
	const char *p;

	for (p = name; *p; p++) {
		if (g_ascii_isalnum(*p))
			g_string_append_c(o, g_ascii_tolower(*p));
		else if ((unsigned char)*p >= 0x80)
			g_string_append_c(o, *p);
		else if (o->len && o->str[o->len - 1] != '_')
			g_string_append_c(o, '_');
	}
	while (o->len && o->str[o->len - 1] == '_')
		g_string_truncate(o, o->len - 1);
	return g_string_free(o, FALSE);
}

static void free_icode(gpointer p)
{
	struct icode *c = p;

	free(c->id);
	free(c);
}

static void read_codes(const xmlNode *n, GHashTable *codes, size_t *order, int depth)
{
	const xmlNode *c;

	if (depth > 64)
		return;
	for (c = n->children; c; c = c->next) {
		char *guid, *name, *desc, *codable;
		struct icode *ic;

		if (!is_el(c, "Code"))
			continue;
		guid = prop(c, "guid");
		name = prop(c, "name");
		codable = prop(c, "isCodable");
		desc = child_text(c, "Description");
		if (guid) {
			ic = xcalloc(1, sizeof(*ic));
			ic->type = -1;
			ic->order = (*order)++;
			if (desc && !strncmp(desc, "revmine type ", 13)) {
				ic->type = passage_type_parse(desc + 13);
			} else if (desc && !strncmp(desc, "revmine theme ", 14)) {
				ic->id = xstrdup(desc + 14);
				g_strchomp(ic->id);
			} else if (desc && (!strncmp(desc, "revmine group ", 14) ||
					    !strcmp(desc, "revmine passage types"))) {
				/* a container */
			} else if (name && passage_type_parse(name) >= 0) {
				ic->type = passage_type_parse(name);
			} else if (name && (!codable || strcmp(codable, "false"))) {
				ic->id = slug(name);
				if (!*ic->id) {
					free(ic->id);
					ic->id = NULL;
				}
			}
			g_hash_table_replace(codes, guid, ic);
		}
		free(name);
		free(desc);
		free(codable);
		read_codes(c, codes, order, depth + 1);
	}
}

static int cmp_code_order(const void *a, const void *b)
{
	const struct icode *x = *(struct icode *const *)a, *y = *(struct icode *const *)b;

	return x->order < y->order ? -1 : x->order > y->order;
}

/* Cuts text into passages at blank lines, with character offsets. */
static struct ipassage *cut_passages(const char *text, size_t *nr)
{
	struct ipassage *ps = NULL;
	size_t n = 0, alloc = 0, pos = 0;
	const char *p = text;

	while (*p) {
		const char *e = strstr(p, "\n\n");
		size_t blen, clen;
		struct ipassage *ip;

		if (!e)
			e = p + strlen(p);
		blen = (size_t)(e - p);
		clen = (size_t)g_utf8_strlen(p, (gssize)blen);
		while (blen && (p[blen - 1] == '\n' || p[blen - 1] == '\r'))
			blen--; /* the final newline */
		if (blen) {
			ALLOC_GROW(ps, n, alloc);
			ip = &ps[n++];
			ip->start = pos;
			ip->end = pos + clen;
			ip->text = xstrndup(p, blen);
			ip->type = -1;
			ip->themes = g_array_new(FALSE, FALSE, sizeof(struct icode *));
		}
		pos += clen;
		p = e;
		while (*p == '\n') {
			p++;
			pos++;
		}
	}
	*nr = n;
	return ps;
}

static void add_codings(const xmlNode *sel, GHashTable *codes, struct ipassage *ip,
			void (*warn)(const char *), const char *doc, size_t pno)
{
	const xmlNode *c, *r;

	for (c = sel->children; c; c = c->next) {
		if (!is_el(c, "Coding"))
			continue;
		for (r = c->children; r; r = r->next) {
			char *target;
			struct icode *ic;
			guint k;

			if (!is_el(r, "CodeRef"))
				continue;
			target = prop(r, "targetGUID");
			ic = target ? g_hash_table_lookup(codes, target) : NULL;
			free(target);
			if (!ic)
				continue;
			if (ic->type >= 0) {
				if (ip->type >= 0 && ip->type != ic->type && warn) {
					char *m = xstrfmt("%s passage %zu has types %s and %s: %s kept",
							  doc, pno, passage_type_name(ip->type),
							  passage_type_name(ic->type),
							  passage_type_name(ic->type));
					warn(m);
					free(m);
				}
				ip->type = ic->type;
			} else if (ic->id) {
				for (k = 0; k < ip->themes->len; k++)
					if (!strcmp(g_array_index(ip->themes, struct icode *, k)->id, ic->id))
						break;
				if (k == ip->themes->len)
					g_array_append_val(ip->themes, ic);
			}
		}
	}
}

static int import_source(zip_t *z, const xmlNode *src, GHashTable *codes,
			 struct csv_out *out, size_t *rows,
			 void (*warn)(const char *), struct doc_error *err)
{
	char *name = prop(src, "name"), *tpath = prop(src, "plainTextPath");
	char *text = NULL;
	size_t len, nr = 0, i;
	struct ipassage *ps;
	const xmlNode *c;
	int rc = 0;

	if (tpath && !strncmp(tpath, "internal://", 11)) {
		char *member = xstrfmt("Sources/%s", tpath + 11);
		int r = zipread_member(z, member, QDA_TEXT_MAX, "import", &text, &len, err);

		if (r > 0)
			doc_error_set(err, "import", DOC_ERR_FORMAT,
				      "source '%s': %s is missing", name ? name : "?", member);
		free(member);
		if (r) {
			rc = -1;
			goto out;
		}
	} else if (!(text = child_text(src, "PlainTextContent"))) {
		if (warn) {
			char *m = xstrfmt("source '%s' has no text inside the project: skipped",
					  name ? name : "?");
			warn(m);
			free(m);
		}
		goto out;
	}
	if (!g_utf8_validate(text, -1, NULL)) {
		rc = doc_error_set(err, "import", DOC_ERR_FORMAT,
				   "source '%s': text is not UTF-8", name ? name : "?");
		goto out;
	}
	ps = cut_passages(text, &nr);
	for (c = src->children; c; c = c->next) {
		char *sp;
		long start;

		if (!is_el(c, "PlainTextSelection"))
			continue;
		sp = prop(c, "startPosition");
		start = sp ? strtol(sp, NULL, 10) : -1;
		free(sp);
		for (i = 0; i < nr; i++)
			if (start >= 0 && (size_t)start < ps[i].end + 2 &&
			    (size_t)start >= ps[i].start)
				break;
		if (i == nr) {
			if (warn) {
				char *m = xstrfmt("%s: a selection at %ld is outside the text: skipped",
						  name ? name : "?", start);
				warn(m);
				free(m);
			}
			continue;
		}
		add_codings(c, codes, &ps[i], warn, name ? name : "?", i + 1);
	}
	for (i = 0; i < nr; i++) {
		guint k;
		GString *th = g_string_new(NULL);

		g_array_sort(ps[i].themes, cmp_code_order);
		for (k = 0; k < ps[i].themes->len; k++) {
			if (k)
				g_string_append_c(th, ';');
			g_string_append(th, g_array_index(ps[i].themes, struct icode *, k)->id);
		}
		csv_out_text(out, name ? name : "");
		csv_out_int(out, (long long)(i + 1));
		csv_out_raw(out, passage_type_name(ps[i].type >= 0 ? ps[i].type : TYPE_CONTEXT));
		csv_out_text(out, th->str);
		csv_out_text(out, ps[i].text);
		csv_out_end_row(out);
		(*rows)++;
		g_string_free(th, TRUE);
		g_array_free(ps[i].themes, TRUE);
		free(ps[i].text);
	}
	free(ps);
out:
	free(text);
	free(name);
	free(tpath);
	return rc;
}

int qda_import(const char *qdpx, const char *out_csv, size_t *rows,
	       void (*warn)(const char *msg), struct doc_error *err)
{
	zip_t *z = zipread_open(qdpx, "import", err);
	char *buf = NULL;
	size_t len, order = 0;
	xmlDocPtr doc = NULL;
	const xmlNode *root, *n, *s;
	GHashTable *codes = NULL;
	struct csv_out *out = NULL;
	int rc = -1, r;

	*rows = 0;
	if (!z)
		return -1;
	r = zipread_member(z, "project.qde", QDA_XML_MAX, "import", &buf, &len, err);
	if (r) {
		if (r > 0)
			doc_error_set(err, "import", DOC_ERR_FORMAT,
				      "no project.qde: not a REFI-QDA project");
		goto out;
	}
	if (!(doc = zipread_xml(buf, len, "project.qde", "import", err)))
		goto out;
	root = xmlDocGetRootElement(doc);
	if (!root || !is_el(root, "Project")) {
		doc_error_set(err, "import", DOC_ERR_FORMAT,
			      "project.qde has no Project element");
		goto out;
	}
	codes = g_hash_table_new_full(g_str_hash, g_str_equal, free, free_icode);
	for (n = root->children; n; n = n->next)
		if (is_el(n, "CodeBook"))
			for (s = n->children; s; s = s->next)
				if (is_el(s, "Codes"))
					read_codes(s, codes, &order, 0);
	if (!(out = csv_out_open(out_csv, 0, err)))
		goto out;
	csv_out_line(out, "doc,passage,type,themes,text");
	for (n = root->children; n; n = n->next)
		if (is_el(n, "Sources"))
			for (s = n->children; s; s = s->next)
				if (is_el(s, "TextSource") &&
				    import_source(z, s, codes, out, rows, warn, err))
					goto out;
	rc = csv_out_commit(out, err);
	out = NULL;
out:
	csv_out_abort(out);
	if (codes)
		g_hash_table_destroy(codes);
	xmlFreeDoc(doc);
	free(buf);
	zip_discard(z);
	return rc;
}
