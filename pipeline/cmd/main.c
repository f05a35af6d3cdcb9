/*
 * revmine: the command table and dispatch. Everything a user sees goes
 * through a cmd_*.c file; this one only picks it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <locale.h>
#include "cmds.h"
#include "paths.h"
#include "util.h"
#include "version.h"
#include "stats.h"
#include "banned.h"

static const struct cmd {
	int (*fn)(int, char **);
	const struct cmd_help *help; /* name, synopsis and options: kept beside the command */
} commands[] = {
	{ cmd_run, &help_run },
	{ cmd_extract, &help_extract },
	{ cmd_classify, &help_classify },
	{ cmd_eval, &help_eval },
	{ cmd_cv, &help_cv },
	{ cmd_train, &help_train },
	{ cmd_review, &help_review },
	{ cmd_map, &help_map },
	{ cmd_reduce, &help_reduce },
	{ cmd_report, &help_report },
	{ cmd_export, &help_export },
	{ cmd_import, &help_import },
	{ cmd_codebook, &help_codebook },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: revmine <command> [options]\n\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const char *s = commands[i].help->summary, *nl = strchr(s, '\n');

		/* the first line of each command's summary */
		fprintf(f, "   %-9s %.*s\n", commands[i].help->name,
			(int)(nl ? (size_t)(nl - s) : strlen(s)), s);
	}
	fprintf(f, "\n'revmine <command> --help' gives a command's options; revmine --version;\n"
		"README.md has every option and output.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	setlocale(LC_ALL, "C");
	set_fatal_handler(term_fatal, NULL);
	paths_set_argv0(argv[0]);
	stats_init();
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("revmine %s\n", REVMINE_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].help->name))
			return commands[i].fn(argc - 1, argv + 1);
	say("unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
