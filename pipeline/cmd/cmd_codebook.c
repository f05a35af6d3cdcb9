/*
 * revmine codebook convert: dictionaries (LIWC, quanteda, WordStat) into
 * the codebook format (cbconvert.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <getopt.h>
#include <glib.h>
#include "util.h"
#include "cmds.h"
#include "cbconvert.h"
#include "banned.h"

static const struct opt_help convert_opts[] = {
	{ "--format NAME", "liwc, quanteda or wordstat (default: guessed from the file)", 0, 0 },
	{ "-o, --output FILE.cb", "where to write the codebook (default: stdout)", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

const struct cmd_help help_codebook = {
	"codebook", "convert [--format liwc|quanteda|wordstat] [-o FILE.cb] DICTIONARY",
	"Turns a dictionary into a codebook.\n"
	"LIWC .dic, quanteda YAML or WordStat .cat; one theme per category.",
	convert_opts, 0, NULL,
};

static void report(void *arg, const char *file, int line, const char *msg)
{
	(void)arg;
	say("codebook convert: %s:%d: %s", file, line, msg);
}

static int convert(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = NULL, *out = NULL;
	struct doc_error err = { 0 };
	size_t themes, skipped;
	char *cb;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f': format = optarg; break;
		case 'o': out = optarg; break;
		case 'h': help_print(stdout, &help_codebook); return EXIT_OK;
		default: return help_bad_option(&help_codebook, ch, argv);
		}
	}
	if (argc - optind != 1) {
		say("codebook convert: give one dictionary file");
		return help_error(&help_codebook);
	}
	if (cbconvert(argv[optind], format, &cb, &themes, &skipped, report, NULL, &err)) {
		say("codebook convert: %s", err.msg);
		return EXIT_USAGE;
	}
	if (out) {
		char *tmp = xstrfmt("%s.tmp.%ld", out, (long)getpid());
		GError *ge = NULL;

		if (!g_file_set_contents(tmp, cb, -1, &ge) || rename(tmp, out)) {
			say("codebook convert: cannot write '%s': %s", out,
			    ge ? ge->message : strerror(errno));
			if (ge)
				g_error_free(ge);
			unlink(tmp);
			free(tmp);
			g_free(cb);
			return EXIT_FATAL;
		}
		free(tmp);
	} else if (fputs(cb, stdout) == EOF || fflush(stdout)) {
		g_free(cb);
		return EXIT_FATAL;
	}
	g_free(cb);
	say("codebook convert: %zu themes%s%s, %zu entries not converted", themes,
	    out ? " -> " : "", out ? out : "", skipped);
	return skipped ? EXIT_PARTIAL : EXIT_OK;
}

int cmd_codebook(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "convert"))
		return convert(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		help_print(stdout, &help_codebook);
		return EXIT_OK;
	}
	if (argc >= 2)
		say("codebook: unknown subcommand '%s' (the one there is: convert)", argv[1]);
	return help_error(&help_codebook);
}
