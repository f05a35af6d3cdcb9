/*
 * revmine eval [-c CB] [--stopwords F] [-m MODEL | --no-model]
 *              [--show-errors] [--bootstrap N] GOLD.csv...
 *
 * Agreement between revmine's coding and hand-coded passages (gold.h):
 * the coding as it is, model included, on passages it may have learned
 * from. For an honest figure on unseen documents use `revmine cv`.
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
#include "gold.h"
#include "banned.h"

static const struct opt_help eval_opts[] = {
	{ "-c, --codebook FILE", "codebook (default codebook/default.cb)", 0, 0 },
	{ "--stopwords FILE", "stopword list replacing stopwords/english.txt", 0, 0 },
	{ "-m, --model FILE", "learned model (default codebook/default.model)", 0, 0 },
	{ "--no-model", "score the codebook's rules alone", 0, 0 },
	{ "--show-errors", "list every passage where the coding and the gold disagree, with evidence", 0, 0 },
	{ "--bootstrap N", "95% intervals from N resamples of documents (default 0: none)", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

const struct cmd_help help_eval = {
	"eval", "[options] GOLD.csv...",
	"Agreement of the coding with hand-coded passages.\n"
	"Reads gold files (doc,passage,type,themes,text) and prints per theme precision,\n"
	"recall, F1 and kappa; micro and macro F1; prevalence error; type accuracy, F1 and\n"
	"confusion. Passages a model was trained on flatter it: use cv to judge a change.",
	eval_opts, 0, NULL,
};

int cmd_eval(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "codebook", required_argument, NULL, 'c' },
		{ "stopwords", required_argument, NULL, 's' },
		{ "model", required_argument, NULL, 'm' },
		{ "no-model", no_argument, NULL, 'n' },
		{ "show-errors", no_argument, NULL, 'e' },
		{ "bootstrap", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *codebook = NULL, *stopwords = NULL, *model = NULL;
	struct doc_error err;
	struct analyzer *a;
	struct gold g;
	int c, errors = 0, no_model = 0, status = 0, i;
	long boot = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': codebook = optarg; break;
		case 's': stopwords = optarg; break;
		case 'm': model = optarg; break;
		case 'n': no_model = 1; break;
		case 'e': errors = 1; break;
		case 'b':
			if (cmd_number("eval: --bootstrap", optarg, 0, 100000, &boot))
				return help_error(&help_eval);
			break;
		case 'h':
			help_print(stdout, &help_eval);
			return EXIT_OK;
		default:
			return help_bad_option(&help_eval, c, argv);
		}
	}
	if (argc - optind < 1) {
		say("eval: no gold file given");
		return help_error(&help_eval);
	}
	if (model && no_model) {
		say("eval: -m MODEL and --no-model exclude each other");
		return help_error(&help_eval);
	}
	memset(&err, 0, sizeof(err));
	data_paths_resolve(&codebook, &stopwords, &model, no_model);
	if (!(a = analyzer_new(codebook, stopwords, model, &err))) {
		say("eval: %s", err.msg);
		return EXIT_USAGE;
	}
	runopts_codebook_warnings(a, "eval");
	memset(&g, 0, sizeof(g));
	for (i = optind; i < argc && !status; i++)
		if (gold_read(a, argv[i], &g, &err) < 0) {
			say("eval: %s", err.msg);
			status = EXIT_USAGE;
		}
	if (!status) {
		size_t d;

		gold_index(&g);
		for (d = 0; d < g.nr_docs; d++)
			gold_analyze_doc(a, &g, d);
		if (errors)
			gold_show_errors(stdout, a, &g);
		gold_report(stdout, a, &g, (unsigned)boot);
	}
	gold_release(&g);
	analyzer_free(a);
	return status;
}
