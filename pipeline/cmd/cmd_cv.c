/*
 * revmine cv [--folds K] [-c CB] [--stopwords F] [--no-model]
 *            [--bootstrap N] [--show-errors] [training options] GOLD.csv...
 *
 * Cross-validation grouped by document: the documents are dealt into K
 * folds (gold_folds); for each fold a model is trained on the others
 * (learn.c) and codes the fold's documents in context. The pooled coding
 * of every passage, each by a model that never saw its document, is then
 * scored as `eval` scores (gold.h), with bootstrap intervals over
 * documents. --no-model scores the rules alone the same way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
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
#include "csvio.h"
#include "banned.h"

static const struct opt_help cv_opts[] = {
	{ "--folds K", "folds, dealt by a hash of each document's name (default 10; 2 to 1000)", 0, 0 },
	{ "-c, --codebook FILE", "codebook (default codebook/default.cb)", 0, 0 },
	{ "--stopwords FILE", "stopword list replacing stopwords/english.txt", 0, 0 },
	{ "--no-model", "score the codebook's rules alone, in the same folds", 0, 0 },
	{ "--bootstrap N", "resamples of documents for the 95% intervals (default 1000; 0: none)", 0, 0 },
	{ "--show-errors", "list every passage where the coding and the gold disagree", 0, 0 },
	{ "--show-folds", "list the documents of each fold first (CSV fold,doc,passages)", 0, 0 },
	{ "--cost C", "inverse regularisation of the theme models (default 0.5)", 0, 0 },
	{ "--type-cost C", "inverse regularisation of the type models (default 1)", 0, 0 },
	{ "--keep P", "a rule's label stays at model probability P or more (default 0.2)", 0, 0 },
	{ "--add P", "a label the rules did not give is added at probability P or more (default 0.7)", 0, 0 },
	{ "--rules-type B", "log-odds head start of the rules' type (default 2)", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

const struct cmd_help help_cv = {
	"cv", "[options] GOLD.csv...",
	"Cross-validation grouped by document.\n"
	"Each fold is coded by a model trained on the other folds, and the pooled coding\n"
	"is scored as eval scores it: the figure to judge a change to the coding by.",
	cv_opts, 0, NULL,
};

/* Parses a training option's number into *out; 0 or -1 after saying why. */
int parse_train_option(int opt, const char *arg, struct train_params *tp)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (opt == 'R') {
		if (errno || end == arg || *end || !(v >= 0) || v > 100) {
			say("--rules-type: '%s' is not a number from 0 to 100", arg);
			return -1;
		}
		tp->rules_type = v;
		return 0;
	}
	if (errno || end == arg || *end || !(v > 0) || v > 1e6) {
		say("'%s' is not a positive number", arg);
		return -1;
	}
	switch (opt) {
	case 'C': tp->c_theme = v; break;
	case 'T': tp->c_type = v; break;
	case 'K': case 'A':
		if (v >= 1) {
			say("--keep and --add take a probability between 0 and 1");
			return -1;
		}
		*(opt == 'K' ? &tp->keep : &tp->add) = v;
		break;
	}
	return 0;
}

/* Moves the coding of document d's passages (type and labels) to saved. */
static void keep_coding(struct gold *g, size_t d, struct passage *saved)
{
	size_t i;

	for (i = g->doc_start[d]; i < g->doc_start[d + 1]; i++) {
		saved[i].type = g->ps[i].type;
		saved[i].type_score = g->ps[i].type_score;
		saved[i].labels = g->ps[i].labels;
		saved[i].nr_labels = g->ps[i].nr_labels;
		g->ps[i].labels = NULL;
		g->ps[i].nr_labels = 0;
	}
}

int cmd_cv(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "folds", required_argument, NULL, 'k' },
		{ "codebook", required_argument, NULL, 'c' },
		{ "stopwords", required_argument, NULL, 's' },
		{ "no-model", no_argument, NULL, 'n' },
		{ "bootstrap", required_argument, NULL, 'b' },
		{ "show-errors", no_argument, NULL, 'e' },
		{ "show-folds", no_argument, NULL, 'f' },
		{ "cost", required_argument, NULL, 'C' },
		{ "type-cost", required_argument, NULL, 'T' },
		{ "keep", required_argument, NULL, 'K' },
		{ "add", required_argument, NULL, 'A' },
		{ "rules-type", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *codebook = NULL, *stopwords = NULL;
	struct train_params tp;
	struct analyzer *a;
	struct gold g;
	unsigned *fold = NULL;
	struct passage *saved = NULL;
	long k = 10, boot = 1000;
	int c, no_model = 0, errors = 0, show_folds = 0, status = 0;
	struct doc_error err;
	size_t d;

	train_params_default(&tp);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			if (cmd_number("cv: --folds", optarg, 2, 1000, &k))
				return help_error(&help_cv);
			break;
		case 'c': codebook = optarg; break;
		case 's': stopwords = optarg; break;
		case 'n': no_model = 1; break;
		case 'e': errors = 1; break;
		case 'f': show_folds = 1; break;
		case 'b':
			if (cmd_number("cv: --bootstrap", optarg, 0, 100000, &boot))
				return help_error(&help_cv);
			break;
		case 'C': case 'T': case 'K': case 'A': case 'R':
			if (parse_train_option(c, optarg, &tp) < 0)
				return help_error(&help_cv);
			break;
		case 'h':
			help_print(stdout, &help_cv);
			return EXIT_OK;
		default:
			return help_bad_option(&help_cv, c, argv);
		}
	}
	if (argc - optind < 1) {
		say("cv: no gold file given");
		return help_error(&help_cv);
	}
	memset(&err, 0, sizeof(err));
	data_paths_resolve(&codebook, &stopwords, NULL, 1);
	if (gold_load(codebook, stopwords, argv + optind, argc - optind, &a, &g, &err) < 0) {
		say("cv: %s", err.msg);
		status = EXIT_USAGE;
	}
	runopts_codebook_warnings(a, "cv");
	if (!status) {
		if ((size_t)k > g.nr_docs) {
			say("cv: %ld folds need at least %ld documents; the gold has %zu",
			    k, k, g.nr_docs);
			status = EXIT_USAGE;
		}
	}
	if (!status) {
		unsigned f;

		fold = xcalloc(g.nr_docs + 1, sizeof(*fold));
		saved = xcalloc(g.nr + 1, sizeof(*saved));
		gold_folds(&g, (unsigned)k, fold);
		if (show_folds) {
			printf("fold,doc,passages\n");
			for (d = 0; d < g.nr_docs; d++) {
				printf("%u,", fold[d] + 1);
				csv_fput_text(stdout, g.rows[g.doc_start[d]].doc);
				printf(",%zu\n", g.doc_start[d + 1] - g.doc_start[d]);
			}
			printf("\n");
		}
		for (f = 0; f < (unsigned)k; f++) {
			struct coding_model *m = no_model ? NULL :
				learn_from_gold(a, &g, fold, f, &tp);

			analyzer_swap_model(a, m);
			for (d = 0; d < g.nr_docs; d++)
				if (fold[d] == f) {
					gold_analyze_doc(a, &g, d);
					keep_coding(&g, d, saved);
				}
			analyzer_swap_model(a, NULL);
			model_free(m);
		}
		/* training on later folds recoded these passages with the rules */
		for (d = 0; d < g.nr; d++) {
			passage_clear_analysis(&g.ps[d]);
			g.ps[d].type = saved[d].type;
			g.ps[d].type_score = saved[d].type_score;
			g.ps[d].labels = saved[d].labels;
			g.ps[d].nr_labels = saved[d].nr_labels;
		}
		printf("cross-validation: %ld folds grouped by document, %zu documents, "
		       "%zu passages, %s\n\n", k, g.nr_docs, g.nr,
		       no_model ? "rules alone" : "rules and learned layer");
		if (errors)
			gold_show_errors(stdout, a, &g);
		gold_report(stdout, a, &g, (unsigned)boot);
	}
	free(fold);
	free(saved);
	gold_release(&g);
	analyzer_free(a);
	return status;
}
