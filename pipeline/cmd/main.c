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
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
} commands[] = {
	{ "run", cmd_run, "[PATH...] [-o DIR] [-j N] [-c CODEBOOK] [--stopwords FILE] [--no-cache] [--strict] [--top-terms K] [--excel] [--quiet] [--max-size MB] [--timeout SECONDS] [--memory MB]" },
	{ "extract", cmd_extract, "[--passages] FILE" },
	{ "classify", cmd_classify, "[-c CODEBOOK] [--stopwords FILE] [--text-column NAME] [--id-column NAME] [--lines] [FILE.csv|-]" },
	{ "eval", cmd_eval, "[-c CODEBOOK] [--stopwords FILE] [-m MODEL | --no-model] [--show-errors] [--bootstrap N] GOLD.csv..." },
	{ "cv", cmd_cv, "[--folds K] [-c CODEBOOK] [--no-model] [--bootstrap N] [--show-errors] [--show-folds] [--cost C] [--type-cost C] [--keep P] [--add P] [--rules-type B] GOLD.csv..." },
	{ "train", cmd_train, "[-c CODEBOOK] [--cost C] [--type-cost C] [--keep P] [--add P] [--rules-type B] GOLD.csv... -o MODEL" },
	{ "review", cmd_review, "[-n N] [-o FILE] [-c CODEBOOK] [--stopwords FILE] [-m MODEL | --no-model] OUT/" },
	{ "map", cmd_map, "--shard K/N --records DIR [-j N] [-c CODEBOOK] [--stopwords FILE] [PATH...]" },
	{ "reduce", cmd_reduce, "--records DIR [-o DIR] [--top-terms K] [--excel]" },
	{ "report", cmd_report, "OUT_DIR" },
	{ "export", cmd_export, "[--qdpx FILE] [--qdc FILE] [--records DIR] OUTDIR" },
	{ "import", cmd_import, "--qdpx FILE [-o labels.csv]" },
	{ "codebook", cmd_codebook, "convert [--format liwc|quanteda|wordstat] [-o FILE.cb] FILE" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: revmine <command> [options]\n\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  revmine %-8s %s\n", commands[i].name, commands[i].usage);
	fprintf(f, "\nrevmine --version; see README.md for every option and output.\n");
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
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	say("unknown command '%s'", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
