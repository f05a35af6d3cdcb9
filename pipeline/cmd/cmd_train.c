/*
 * revmine train [-c CB] [--stopwords F] [--cost C] [--type-cost C]
 *               [--keep P] [--add P] [--rules-type B] GOLD.csv... -o MODEL
 *
 * Fits the learned layer on hand-coded passages (gold files, or review
 * files an analyst corrected: same columns) and writes the model file.
 * Training twice on the same files gives the same bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include "cmds.h"
#include "runopts.h"
#include "util.h"
#include "doc.h"
#include "analyze.h"
#include "paths.h"
#include "model.h"
#include "learn.h"
#include "gold.h"
#include "banned.h"

static const struct opt_help train_opts[] = {
	{ "-o, --output MODEL", "the model file to write (required)", 0, 0 },
	{ "-c, --codebook FILE", "codebook (default codebook/default.cb)", 0, 0 },
	{ "--stopwords FILE", "stopword list replacing stopwords/english.txt", 0, 0 },
	{ "--cost C", "inverse regularisation of the theme models (default 0.5)", 0, 0 },
	{ "--type-cost C", "inverse regularisation of the type models (default 1)", 0, 0 },
	{ "--keep P", "a rule's label stays at model probability P or more (default 0.2)", 0, 0 },
	{ "--add P", "a label the rules did not give is added at probability P or more (default 0.7)", 0, 0 },
	{ "--rules-type B", "log-odds head start of the rules' type (default 2)", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

const struct cmd_help help_train = {
	"train", "[options] GOLD.csv... -o MODEL",
	"Fits the learned layer on hand-coded passages.\n"
	"Reads gold files or corrected review.csv files and writes the model file; the\n"
	"same files give the same bytes.",
	train_opts, 0, NULL,
};

int cmd_train(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "codebook", required_argument, NULL, 'c' },
		{ "stopwords", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "cost", required_argument, NULL, 'C' },
		{ "type-cost", required_argument, NULL, 'T' },
		{ "keep", required_argument, NULL, 'K' },
		{ "add", required_argument, NULL, 'A' },
		{ "rules-type", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *codebook = NULL, *stopwords = NULL, *out = NULL;
	struct train_params tp;
	struct doc_error err;
	struct analyzer *a;
	struct gold g;
	int c, status = 0;

	train_params_default(&tp);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': codebook = optarg; break;
		case 's': stopwords = optarg; break;
		case 'o': out = optarg; break;
		case 'C': case 'T': case 'K': case 'A': case 'R':
			if (parse_train_option(c, optarg, &tp) < 0)
				return help_error(&help_train);
			break;
		case 'h':
			help_print(stdout, &help_train);
			return EXIT_OK;
		default:
			return help_bad_option(&help_train, c, argv);
		}
	}
	if (argc - optind < 1 || !out) {
		say(argc - optind < 1 ? "train: no gold file given" : "train: -o MODEL is required");
		return help_error(&help_train);
	}
	memset(&err, 0, sizeof(err));
	data_paths_resolve(&codebook, &stopwords, NULL, 1);
	if (gold_load(codebook, stopwords, argv + optind, argc - optind, &a, &g, &err) < 0) {
		say("train: %s", err.msg);
		status = EXIT_USAGE;
	}
	runopts_codebook_warnings(a, "train");
	if (!status) {
		struct coding_model *m;

		m = learn_from_gold(a, &g, NULL, 0, &tp);
		if (model_write(m, analyzer_codebook(a), out, &err) < 0) {
			say("train: %s", err.msg);
			status = EXIT_FATAL;
		} else {
			fprintf(stderr, "revmine: train: %zu passages from %zu documents -> %s\n",
				g.nr, g.nr_docs, out);
		}
		model_free(m);
	}
	gold_release(&g);
	analyzer_free(a);
	return status;
}
