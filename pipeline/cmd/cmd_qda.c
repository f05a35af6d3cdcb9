/*
 * revmine export and revmine import: the REFI-QDA exchange (qda.c) from
 * the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include "util.h"
#include "cmds.h"
#include "qda.h"
#include "banned.h"

#define EXPORT_USAGE "usage: revmine export [--qdpx FILE] [--qdc FILE] [--records DIR] OUTDIR"
#define IMPORT_USAGE "usage: revmine import --qdpx FILE [-o labels.csv]"

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "qdpx", required_argument, NULL, 'p' },
		{ "qdc", required_argument, NULL, 'q' },
		{ "records", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct qda_export_options o = { 0 };
	struct qda_export_counts c;
	struct doc_error err = { 0 };
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': o.qdpx = optarg; break;
		case 'q': o.qdc = optarg; break;
		case 'r': o.records = optarg; break;
		case 'h': printf("%s\n", EXPORT_USAGE); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (argc - optind != 1 || (!o.qdpx && !o.qdc)) {
		say("%s", EXPORT_USAGE);
		return EXIT_USAGE;
	}
	o.outdir = argv[optind];
	if (qda_export(&o, &c, &err)) {
		say("export: %s", err.msg);
		return err.code == DOC_ERR_IO && strstr(err.msg, "cannot write") ?
		       EXIT_FATAL : EXIT_USAGE;
	}
	if (o.qdpx)
		say("export: %zu documents, %zu passages, %zu codings, %zu codes -> %s",
		    c.documents, c.selections, c.codings, c.codes, o.qdpx);
	if (o.qdc && !o.qdpx)
		say("export: %zu codes -> %s", c.codes, o.qdc);
	return EXIT_OK;
}

static void warn(const char *msg)
{
	say("import: %s", msg);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "qdpx", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *qdpx = NULL, *out = "-";
	struct doc_error err = { 0 };
	size_t rows;
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': qdpx = optarg; break;
		case 'o': out = optarg; break;
		case 'h': printf("%s\n", IMPORT_USAGE); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (argc != optind || !qdpx) {
		say("%s", IMPORT_USAGE);
		return EXIT_USAGE;
	}
	if (qda_import(qdpx, out, &rows, warn, &err)) {
		say("import: %s: %s", qdpx, err.msg);
		return !strcmp(err.stage ? err.stage : "", "write") ? EXIT_FATAL : EXIT_USAGE;
	}
	if (strcmp(out, "-"))
		say("import: %zu passages -> %s", rows, out);
	return EXIT_OK;
}
