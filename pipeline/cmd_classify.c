/*
 * revmine classify [-c CB] [--stopwords F] [--text-column NAME]
 *                  [--id-column NAME] [--lines] [FILE.csv|-]
 *
 * Codes a spreadsheet of passages: each row's text is classified as one
 * passage on its own (a `section` column, when present, frames its type as
 * a heading would), and `id,type,themes,type_score,evidence` is written to
 * stdout in input order. Themes depend on the text alone, so a passage gets
 * the same themes here as in `revmine run`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include "cmds.h"
#include "util.h"
#include "doc.h"
#include "analyze.h"
#include "csvio.h"
#include "banned.h"

struct classify_opts {
	const char *codebook, *stopwords;
	const char *text_column, *id_column;
	int lines;
};

static void print_row(struct analyzer *a, const char *id, struct passage *p)
{
	size_t i;
	char *themes = xstrdup(""), *evidence = xstrdup(""), *t;

	for (i = 0; i < p->nr_labels; i++) {
		const char *th = analyzer_theme_id(a, p->labels[i].theme);

		t = xstrfmt("%s%s%s", themes, i ? ";" : "", th);
		free(themes);
		themes = t;
		t = xstrfmt("%s%s%s: %s", evidence, i ? " | " : "", th,
			    p->labels[i].evidence);
		free(evidence);
		evidence = t;
	}
	csv_fput_text(stdout, id);
	printf(",%s,", passage_type_name(p->type));
	csv_fput_text(stdout, themes);
	printf(",%.3f,", p->type_score);
	csv_fput_text(stdout, evidence);
	fputc('\n', stdout);
	free(themes);
	free(evidence);
}

static void classify_one(struct analyzer *a, const char *id, const char *section,
			 const char *text)
{
	struct passage p;

	memset(&p, 0, sizeof(p));
	p.page = 1;
	p.kind = PASSAGE_PARAGRAPH;
	p.section = (char *)(section ? section : "");
	p.text = (char *)text;
	analyze_document(a, &p, 1);
	print_row(a, id, &p);
	passage_clear_analysis(&p);
}

static int column(char **fields, size_t nr, const char *name)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(fields[i], name))
			return (int)i;
	return -1;
}

static int classify_lines(struct analyzer *a, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL, id[32];
	size_t alloc = 0, n = 0;
	ssize_t len;

	if (!f) {
		say("classify: cannot open '%s'", path);
		return EXIT_USAGE;
	}
	while ((len = getline(&line, &alloc, f)) >= 0) {
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		snprintf(id, sizeof(id), "%zu", ++n);
		classify_one(a, id, NULL, line);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return EXIT_OK;
}

static int classify_csv(struct analyzer *a, const char *path,
			const struct classify_opts *o)
{
	struct doc_error err;
	struct csv_in *in;
	char **fields, id[32];
	size_t nr, row = 0;
	int rc, text_col, id_col, sec_col, status = EXIT_OK;

	memset(&err, 0, sizeof(err));
	if (!(in = csv_in_open(path, &err))) {
		say("classify: %s", err.msg);
		return EXIT_USAGE;
	}
	if ((rc = csv_in_next(in, &fields, &nr, &err)) <= 0) {
		say("classify: '%s': %s", path, rc < 0 ? err.msg : "empty input");
		csv_in_close(in);
		return EXIT_USAGE;
	}
	text_col = column(fields, nr, o->text_column);
	id_col = column(fields, nr, o->id_column);
	sec_col = column(fields, nr, "section");
	if (text_col < 0) {
		say("classify: '%s': no column named '%s'", path, o->text_column);
		csv_in_close(in);
		return EXIT_USAGE;
	}
	if (id_col < 0 && strcmp(o->id_column, "id")) {
		say("classify: '%s': no column named '%s'", path, o->id_column);
		csv_in_close(in);
		return EXIT_USAGE;
	}
	while ((rc = csv_in_next(in, &fields, &nr, &err)) > 0) {
		row++;
		if ((size_t)text_col >= nr) {
			say("classify: '%s': row %zu has no '%s' field", path, row,
			    o->text_column);
			status = EXIT_PARTIAL;
			continue;
		}
		snprintf(id, sizeof(id), "%zu", row);
		classify_one(a, id_col >= 0 && (size_t)id_col < nr ? fields[id_col] : id,
			     sec_col >= 0 && (size_t)sec_col < nr ? fields[sec_col] : NULL,
			     fields[text_col]);
	}
	if (rc < 0) {
		say("classify: '%s': %s", path, err.msg);
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
		{ "lines", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct classify_opts o = { NULL, NULL, "text", "id", 0 };
	struct doc_error err;
	struct analyzer *a;
	const char *path;
	int c, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o.codebook = optarg; break;
		case 's': o.stopwords = optarg; break;
		case 't': o.text_column = optarg; break;
		case 'i': o.id_column = optarg; break;
		case 'l': o.lines = 1; break;
		case 'h':
			printf("usage: revmine classify [-c CODEBOOK] [--stopwords FILE] "
			       "[--text-column NAME] [--id-column NAME] [--lines] [FILE.csv|-]\n");
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1) {
		say("usage: revmine classify [-c CODEBOOK] [--text-column NAME] "
		    "[--id-column NAME] [--lines] [FILE.csv|-]");
		return EXIT_USAGE;
	}
	path = optind < argc ? argv[optind] : "-";
	memset(&err, 0, sizeof(err));
	if (!(a = analyzer_new(o.codebook, o.stopwords, &err))) {
		say("classify: %s", err.msg);
		return EXIT_USAGE;
	}
	fputs("id,type,themes,type_score,evidence\n", stdout);
	status = o.lines ? classify_lines(a, path) : classify_csv(a, path, &o);
	analyzer_free(a);
	if (fflush(stdout) || ferror(stdout)) {
		say("classify: cannot write to stdout");
		return EXIT_FATAL;
	}
	return status;
}
