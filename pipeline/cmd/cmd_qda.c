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

static const struct opt_help export_opts[] = {
	{ "--qdpx FILE", "write the run as a REFI-QDA project (documents, codes, codings)", 0, 0 },
	{ "--qdc FILE", "write the codebook alone (REFI-QDA codebook exchange)", 0, 0 },
	{ "--records DIR", "the records folder when it is not OUTDIR/.cache (map/reduce)", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

const struct cmd_help help_export = {
	"export", "[--qdpx FILE] [--qdc FILE] [--records DIR] OUTDIR",
	"Writes a run as a REFI-QDA project or codebook.\n"
	"For NVivo, MAXQDA, ATLAS.ti and QualCoder (QDA-XML 1.0); give --qdpx, --qdc or both.",
	export_opts, 0, NULL,
};

static const struct opt_help import_opts[] = {
	{ "--qdpx FILE", "the REFI-QDA project to read (required)", 0, 0 },
	{ "-o, --output FILE", "where to write the labelled passages (default - : stdout)", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

const struct cmd_help help_import = {
	"import", "--qdpx FILE [-o labels.csv]",
	"Reads a REFI-QDA project's coding back as labelled passages.\n"
	"In the gold format (doc,passage,type,themes,text), for eval, cv and train.",
	import_opts, 0, NULL,
};

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
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': o.qdpx = optarg; break;
		case 'q': o.qdc = optarg; break;
		case 'r': o.records = optarg; break;
		case 'h': help_print(stdout, &help_export); return EXIT_OK;
		default: return help_bad_option(&help_export, ch, argv);
		}
	}
	if (argc - optind != 1) {
		say("export: give one output folder");
		return help_error(&help_export);
	}
	if (!o.qdpx && !o.qdc) {
		say("export: nothing to write: give --qdpx FILE, --qdc FILE or both");
		return help_error(&help_export);
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
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'p': qdpx = optarg; break;
		case 'o': out = optarg; break;
		case 'h': help_print(stdout, &help_import); return EXIT_OK;
		default: return help_bad_option(&help_import, ch, argv);
		}
	}
	if (argc != optind || !qdpx) {
		say(qdpx ? "import: unexpected argument '%s'" : "import: --qdpx FILE is required",
		    argc != optind ? argv[optind] : "");
		return help_error(&help_import);
	}
	if (qda_import(qdpx, out, &rows, warn, &err)) {
		say("import: %s: %s", qdpx, err.msg);
		return !strcmp(err.stage ? err.stage : "", "write") ? EXIT_FATAL : EXIT_USAGE;
	}
	if (strcmp(out, "-"))
		say("import: %zu passages -> %s", rows, out);
	return EXIT_OK;
}
