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
#include "gold.h"
#include "banned.h"

#define EVAL_USAGE "usage: revmine eval [-c CODEBOOK] [--stopwords FILE] " \
	"[-m MODEL | --no-model] [--show-errors] [--bootstrap N] GOLD.csv..."

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
	while ((c = getopt_long(argc, argv, "c:m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': codebook = optarg; break;
		case 's': stopwords = optarg; break;
		case 'm': model = optarg; break;
		case 'n': no_model = 1; break;
		case 'e': errors = 1; break;
		case 'b':
			boot = strtol(optarg, NULL, 10);
			if (boot < 0 || boot > 100000) {
				say("eval: --bootstrap takes 0 to 100000 resamples");
				return EXIT_USAGE;
			}
			break;
		case 'h':
			printf("%s\n", EVAL_USAGE);
			return EXIT_OK;
		default:
			return EXIT_USAGE;
		}
	}
	if (argc - optind < 1 || (model && no_model)) {
		say("%s", EVAL_USAGE);
		return EXIT_USAGE;
	}
	memset(&err, 0, sizeof(err));
	if (!(a = analyzer_new(codebook, stopwords, &err)) ||
	    ((model || no_model) && analyzer_set_model(a, model, &err) < 0)) {
		say("eval: %s", err.msg);
		analyzer_free(a);
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
