/*
 * revmine classify [-c CB] [--stopwords F] [-m MODEL | --no-model]
 *                  [--text-column NAME] [--id-column NAME]
 *                  [--doc-column NAME] [--lines] [FILE.csv|-]
 *
 * Codes a spreadsheet of passages and writes
 * `id,type,themes,type_score,evidence,confidence` to stdout in input order.
 * Each row's text is classified as one passage on its own (a `section`
 * column, when present, frames its type as a heading would); with
 * --doc-column, consecutive rows with the same value are one document in
 * order, so headings and lead-ins frame the passages under them as in
 * `revmine run` (a text starting with '#' is a heading, one starting with
 * a bullet or list number an item).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <glib.h>
#include "cmds.h"
#include "runopts.h"
#include "util.h"
#include "doc.h"
#include "analyze.h"
#include "paths.h"
#include "csvio.h"
#include "gold.h"
#include "banned.h"

struct classify_opts {
	const char *codebook, *stopwords, *model;
	const char *text_column, *id_column, *doc_column;
	int lines, no_model;
};

#define CLASSIFY_HEADER "id,type,themes,type_score,evidence,confidence\n"

static const struct opt_help classify_opts_help[] = {
	{ "-c, --codebook FILE", "codebook (default codebook/default.cb)", 0, 0 },
	{ "--stopwords FILE", "stopword list replacing stopwords/english.txt", 0, 0 },
	{ "-m, --model FILE", "learned model (default codebook/default.model)", 0, 0 },
	{ "--no-model", "code with the codebook's rules alone", 0, 0 },
	{ "--text-column NAME", "the column holding the passage text (default text)", 0, 0 },
	{ "--id-column NAME", "the column copied to id (default id; else the row number)", 0, 0 },
	{ "--doc-column NAME", "rows with the same value, one after another, are one document, coded as run codes it", 0, 0 },
	{ "--lines", "read one passage per line instead of CSV", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

const struct cmd_help help_classify = {
	"classify", "[options] [FILE.csv|-]",
	"Codes a CSV of passages.\n"
	"Reads a CSV with a header row (FILE, or - for stdin) and writes\n"
	"id,type,themes,type_score,evidence,confidence to stdout, in input order.",
	classify_opts_help, 0, NULL,
};

/* The rows of one document, coded together (--doc-column). */
struct pending {
	char *doc;
	char **ids;
	struct passage *ps;
	size_t nr, alloc;
};

/* Numbers as run writes them (csv_format_double: the shortest form that
 * reads back exactly); each theme's evidence as passage_themes.csv has it,
 * hits joined by "; ", and the themes' evidence joined by " | " in the
 * order of `themes`. */
static void print_row(struct analyzer *a, const char *id, struct passage *p)
{
	char num[64];
	size_t i;
	GString *themes = g_string_new(NULL), *evidence = g_string_new(NULL),
		*conf = g_string_new(NULL);

	for (i = 0; i < p->nr_labels; i++) {
		const char *th = analyzer_theme_id(a, p->labels[i].theme);

		if (i) {
			g_string_append_c(themes, ';');
			g_string_append(evidence, " | ");
			g_string_append_c(conf, ';');
		}
		g_string_append(themes, th);
		g_string_append_printf(evidence, "%s: %s", th, p->labels[i].evidence);
		if (p->labels[i].confidence >= 0)
			g_string_append(conf, csv_format_double(num, sizeof(num),
								p->labels[i].confidence));
	}
	csv_fput_text(stdout, id);
	printf(",%s,", passage_type_name(p->type));
	csv_fput_text(stdout, themes->str);
	printf(",%s,", csv_format_double(num, sizeof(num), p->type_score));
	csv_fput_text(stdout, evidence->str);
	fputc(',', stdout);
	csv_fput_text(stdout, conf->str);
	fputc('\n', stdout);
	g_string_free(themes, TRUE);
	g_string_free(evidence, TRUE);
	g_string_free(conf, TRUE);
}

/* The kind a `kind` cell names, or the one the text shows. */
static enum passage_kind kind_for(const char *cell, const char *text, int from_text)
{
	int k = cell ? passage_kind_parse(cell) : -1;

	if (k >= 0)
		return (enum passage_kind)k;
	return from_text ? gold_kind_of(text) : PASSAGE_PARAGRAPH;
}

static void classify_one(struct analyzer *a, const char *id, const char *section,
			 const char *kind, const char *text)
{
	struct passage p;

	memset(&p, 0, sizeof(p));
	p.page = 1;
	p.kind = kind_for(kind, text, 0);
	p.section = (char *)(section ? section : "");
	p.text = (char *)text;
	analyze_document(a, &p, 1);
	print_row(a, id, &p);
	passage_clear_analysis(&p);
}

/* Codes and prints the pending document's rows, then empties it. */
static void flush_doc(struct analyzer *a, struct pending *d)
{
	size_t i;

	if (d->nr)
		analyze_document(a, d->ps, d->nr);
	for (i = 0; i < d->nr; i++) {
		print_row(a, d->ids[i], &d->ps[i]);
		passage_clear_analysis(&d->ps[i]);
		free(d->ps[i].section);
		free(d->ps[i].text);
		free(d->ids[i]);
	}
	d->nr = 0;
	free(d->doc);
	d->doc = NULL;
}

static void add_row(struct analyzer *a, struct pending *d, const char *doc,
		    const char *id, const char *section, const char *kind,
		    const char *text)
{
	struct passage *p;

	if (d->doc && strcmp(d->doc, doc))
		flush_doc(a, d);
	if (!d->doc)
		d->doc = xstrdup(doc);
	ALLOC_GROW(d->ps, d->nr, d->alloc);
	d->ids = xrealloc(d->ids, d->alloc * sizeof(*d->ids));
	p = &d->ps[d->nr];
	memset(p, 0, sizeof(*p));
	p->page = 1;
	p->text = xstrdup(text);
	p->kind = kind_for(kind, text, 1);
	p->section = xstrdup(section ? section : "");
	d->ids[d->nr++] = xstrdup(id);
}

static int column(char **fields, size_t nr, const char *name)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(fields[i], name))
			return (int)i;
	return -1;
}

/* Names the missing column, lists those found, and guesses why: a file
 * separated by ';' (spreadsheets in many locales) or by tabs. */
static void missing_column(const char *path, const char *name, char **fields, size_t nr)
{
	GString *found = g_string_new(NULL);
	size_t i;

	for (i = 0; i < nr && i < 12; i++)
		g_string_append_printf(found, "%s'%s'", i ? ", " : "", fields[i]);
	if (nr > 12)
		g_string_append_printf(found, " and %zu more", nr - 12);
	say("classify: '%s': no column named '%s'; the header has %s", path, name,
	    nr ? found->str : "no columns");
	if (nr == 1 && (strchr(fields[0], ';') || strchr(fields[0], '\t')))
		say("classify: '%s' looks separated by %s: classify reads comma-separated CSV",
		    path, strchr(fields[0], ';') ? "';'" : "tabs");
	g_string_free(found, TRUE);
}

/* --lines: a line is at most this long; lines are UTF-8 without NUL. */
#define LINES_MAX ((size_t)16 << 20)

/* The next line of f into buf, without its end: 1, 0 at the end, -1 when
 * it is longer than LINES_MAX (the rest of it is not read). */
static int read_line(FILE *f, GString *buf)
{
	int c;

	g_string_truncate(buf, 0);
	while ((c = getc_unlocked(f)) != EOF && c != '\n') {
		if (buf->len == LINES_MAX)
			return -1;
		g_string_append_c(buf, (char)c);
	}
	if (c == EOF && !buf->len)
		return 0;
	while (buf->len && buf->str[buf->len - 1] == '\r')
		g_string_truncate(buf, buf->len - 1);
	return 1;
}

static int classify_lines(struct analyzer *a, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	const char *name = strcmp(path, "-") ? path : "standard input", *bad;
	GString *line = g_string_new(NULL);
	char id[32];
	size_t n = 0;
	int r, status = EXIT_OK;

	if (!f) {
		say("classify: cannot open '%s'", path);
		g_string_free(line, TRUE);
		return EXIT_USAGE;
	}
	fputs(CLASSIFY_HEADER, stdout);
	while ((r = read_line(f, line)) != 0) {
		const char *s = line->str;

		n++;
		if (n == 1 && line->len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
			s += 3; /* a UTF-8 byte-order mark */
		if (r < 0) {
			say("classify: %s:%zu: line longer than %zu bytes", name, n, LINES_MAX);
		} else if (n == 1 && line->len >= 2 &&
			   (!memcmp(s, "\xFF\xFE", 2) || !memcmp(s, "\xFE\xFF", 2))) {
			say("classify: %s: UTF-16; --lines reads UTF-8 (a CSV may be UTF-16)", name);
		} else if (memchr(line->str, '\0', line->len)) {
			say("classify: %s:%zu: NUL byte", name, n);
		} else if (!g_utf8_validate(s, -1, &bad)) {
			say("classify: %s:%zu: not valid UTF-8 (byte %zu of the line)", name, n,
			    (size_t)(bad - line->str) + 1);
		} else {
			snprintf(id, sizeof(id), "%zu", n);
			classify_one(a, id, NULL, NULL, s);
			continue;
		}
		status = EXIT_USAGE;
		break;
	}
	g_string_free(line, TRUE);
	if (f != stdin)
		fclose(f);
	return status;
}

static int classify_csv(struct analyzer *a, const char *path,
			const struct classify_opts *o)
{
	struct doc_error err;
	struct csv_in *in;
	char **fields, id[32];
	size_t nr, row = 0;
	int rc, text_col, id_col, sec_col, kind_col, doc_col = -1, status = EXIT_OK;
	struct pending doc;

	memset(&doc, 0, sizeof(doc));
	memset(&err, 0, sizeof(err));
	if (!(in = csv_in_open(path, &err))) {
		say("classify: %s", err.msg);
		return EXIT_USAGE;
	}
	csv_in_check_width(in);
	if ((rc = csv_in_next(in, &fields, &nr, &err)) <= 0) {
		if (rc < 0)
			say("classify: %s", err.msg);
		else
			say("classify: '%s': empty input", path);
		csv_in_close(in);
		return EXIT_USAGE;
	}
	text_col = column(fields, nr, o->text_column);
	id_col = column(fields, nr, o->id_column);
	sec_col = column(fields, nr, "section");
	kind_col = column(fields, nr, "kind");
	if (text_col < 0 || (id_col < 0 && strcmp(o->id_column, "id")) ||
	    (o->doc_column && (doc_col = column(fields, nr, o->doc_column)) < 0)) {
		missing_column(path, text_col < 0 ? o->text_column :
				     id_col < 0 && strcmp(o->id_column, "id") ? o->id_column :
				     o->doc_column, fields, nr);
		csv_in_close(in);
		return EXIT_USAGE;
	}
	/* the header only once the input is known good: `> out.csv` of a
	 * failed run leaves no half file that looks like a result */
	fputs(CLASSIFY_HEADER, stdout);
	while ((rc = csv_in_next(in, &fields, &nr, &err)) > 0) {
		row++;
		if ((size_t)text_col >= nr) {
			say("classify: %s:%zu: no '%s' field", csv_in_name(in),
			    csv_in_line(in), o->text_column);
			status = EXIT_PARTIAL;
			continue;
		}
		snprintf(id, sizeof(id), "%zu", row);
		if (doc_col >= 0)
			add_row(a, &doc, (size_t)doc_col < nr ? fields[doc_col] : "",
				id_col >= 0 && (size_t)id_col < nr ? fields[id_col] : id,
				sec_col >= 0 && (size_t)sec_col < nr ? fields[sec_col] : NULL,
				kind_col >= 0 && (size_t)kind_col < nr ? fields[kind_col] : NULL,
				fields[text_col]);
		else
			classify_one(a, id_col >= 0 && (size_t)id_col < nr ? fields[id_col] : id,
				     sec_col >= 0 && (size_t)sec_col < nr ? fields[sec_col] : NULL,
				     kind_col >= 0 && (size_t)kind_col < nr ? fields[kind_col] : NULL,
				     fields[text_col]);
	}
	flush_doc(a, &doc);
	free(doc.ps);
	free(doc.ids);
	if (rc < 0) {
		say("classify: %s", err.msg);
		status = EXIT_USAGE;
	}
	csv_in_close(in);
	return status;
}

int cmd_classify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "codebook", required_argument, NULL, 'c' },
		{ "stopwords", required_argument, NULL, 's' },
		{ "text-column", required_argument, NULL, 't' },
		{ "id-column", required_argument, NULL, 'i' },
		{ "doc-column", required_argument, NULL, 'd' },
		{ "model", required_argument, NULL, 'm' },
		{ "no-model", no_argument, NULL, 'n' },
		{ "lines", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct classify_opts o = { NULL, NULL, NULL, "text", "id", NULL, 0, 0 };
	struct doc_error err;
	struct analyzer *a;
	const char *path;
	int c, status;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o.codebook = optarg; break;
		case 's': o.stopwords = optarg; break;
		case 't': o.text_column = optarg; break;
		case 'i': o.id_column = optarg; break;
		case 'd': o.doc_column = optarg; break;
		case 'm': o.model = optarg; break;
		case 'n': o.no_model = 1; break;
		case 'l': o.lines = 1; break;
		case 'h':
			help_print(stdout, &help_classify);
			return EXIT_OK;
		default:
			return help_bad_option(&help_classify, c, argv);
		}
	}
	if (argc - optind > 1) {
		say("classify: one input at most, got %d", argc - optind);
		return help_error(&help_classify);
	}
	if (o.model && o.no_model) {
		say("classify: -m MODEL and --no-model exclude each other");
		return help_error(&help_classify);
	}
	if (o.lines && o.doc_column) {
		say("classify: --lines and --doc-column exclude each other");
		return help_error(&help_classify);
	}
	path = optind < argc ? argv[optind] : "-";
	memset(&err, 0, sizeof(err));
	data_paths_resolve(&o.codebook, &o.stopwords, &o.model, o.no_model);
	if (!(a = analyzer_new(o.codebook, o.stopwords, o.model, &err))) {
		say("classify: %s", err.msg);
		return EXIT_USAGE;
	}
	runopts_codebook_warnings(a, "classify");
	status = o.lines ? classify_lines(a, path) : classify_csv(a, path, &o);
	analyzer_free(a);
	if (fflush(stdout) || ferror(stdout)) {
		say("classify: cannot write to stdout");
		return EXIT_FATAL;
	}
	return status;
}
