/*
 * Option parsing for the batch commands (run, map, reduce) and their
 * help; what they do with the options is in batchflow.c. Numbers are
 * checked strictly (cmd_number), so "-j 4x" is a usage error rather than
 * four jobs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <getopt.h>
#include <unistd.h>
#include <glib.h>
#include "util.h"
#include "runopts.h"
#include "cmds.h"
#include "ocr.h"
#include "banned.h"

enum {
	OPT_STOPWORDS = 256, OPT_NO_CACHE, OPT_STRICT, OPT_TOP_TERMS, OPT_EXCEL,
	OPT_MAX_SIZE, OPT_TIMEOUT, OPT_MEMORY, OPT_SHARD, OPT_RECORDS, OPT_KEEP_NAMES,
	OPT_ALLOW_EMPTY, OPT_REPLACE, OPT_NO_WAIT, OPT_METADATA, OPT_GROUP_BY, OPT_XLSX, OPT_NO_MODEL,
	OPT_WORKER_DOCS, OPT_NO_OCR,
};

enum { R = 1 << RUNOPT_RUN, M = 1 << RUNOPT_MAP, D = 1 << RUNOPT_REDUCE };

/* The options of run, map and reduce, and which of them each takes. */
static const struct opt_help batch_opts[] = {
	{ "--shard K/N", "process documents K, K+N, K+2N... (1-based, in path order)", M, OPT_SHARD },
	{ "--records DIR", "the records folder map writes and reduce reads (required)", M | D, OPT_RECORDS },
	{ "-o, --output DIR", "output folder (default out); run keeps records in DIR/.cache/", R | D, 'o' },
	{ "-j, --jobs N", "worker processes (default: the number of cores; 1 to 256)", R | M, 'j' },
	{ "-c, --codebook FILE", "codebook (default codebook/default.cb)", R | M, 'c' },
	{ "--stopwords FILE", "stopword list replacing stopwords/english.txt", R | M, OPT_STOPWORDS },
	{ "-m, --model FILE", "learned model (default codebook/default.model)", R | M, 'm' },
	{ "--no-model", "code with the codebook's rules alone", R | M, OPT_NO_MODEL },
	{ "--no-cache", "analyse every document again instead of reusing records", R | M, OPT_NO_CACHE },
	{ "--strict", "stop at the first document that fails (exit 3)", R | M, OPT_STRICT },
	{ "--max-size MB", "skip larger files with an error (default 512)", R | M, OPT_MAX_SIZE },
	{ "--timeout SECONDS", "wall-clock and CPU limit per document (default 300 s wall, 120 s CPU)", R | M, OPT_TIMEOUT },
	{ "--memory MB", "address-space limit per worker, beyond what it inherits (default 1024)", R | M, OPT_MEMORY },
	{ "--worker-docs N", "a worker is replaced by a fresh one after N documents (default 1000)", R | M, OPT_WORKER_DOCS },
	{ "--no-ocr", "no OCR of PDF pages without a text layer (they are warned about)", R | M, OPT_NO_OCR },
	{ "--top-terms K", "columns of doc_term_matrix.csv (default 1000)", R | D, OPT_TOP_TERMS },
	{ "--excel", "start every CSV with a UTF-8 byte-order mark, for Excel", R | D, OPT_EXCEL },
	{ "--keep-names", "keep name-like words in theme_terms.csv (left out by default)", R | D, OPT_KEEP_NAMES },
	{ "--metadata FILE.csv", "document variables, joined to documents by path", R | D, OPT_METADATA },
	{ "--group-by COLUMN", "what theme_by_group.csv compares: a --metadata column, or folder (default)", R | D, OPT_GROUP_BY },
	{ "--xlsx", "also write revmine.xlsx, every table as a sheet", R | D, OPT_XLSX },
	{ "--allow-empty", "publish even when no document was found or every one failed", R | D, OPT_ALLOW_EMPTY },
	{ "--replace", "publish even when more than half of the documents published before would go", R | D, OPT_REPLACE },
	{ "--no-wait", "fail at once (exit 3) when another run holds the output folder", R | D, OPT_NO_WAIT },
	{ "-q, --quiet", "no progress line and no summary line (errors are still said)", 0, 'q' },
	{ NULL, NULL, 0, 0 },
};

const struct cmd_help help_run = {
	"run", "[options] [PATH...]",
	"Analyses documents into CSVs and a report.\n"
	"Reads every .pdf, .docx, .html, .htm, .txt, .text and .md file under each PATH\n"
	"(default corpus/) and writes CSVs, report.html and manifest.json to the output folder.",
	batch_opts, R, "Exit status: 0 all done, 1 some documents skipped, 2 usage or configuration\n"
	"error, 3 fatal (outputs kept as they were). README.md has every output and column.",
};
const struct cmd_help help_map = {
	"map", "--shard K/N --records DIR [options] [PATH...]",
	"The first half of run, for a cluster: one shard's documents into records.\n"
	"Writes this shard's records and index file to the records folder (shared storage).",
	batch_opts, M, NULL,
};
const struct cmd_help help_reduce = {
	"reduce", "--records DIR [options]",
	"The second half of run: every shard's records into the outputs.",
	batch_opts, D, NULL,
};

static const struct opt_help *batch_opt(int code)
{
	const struct opt_help *h;

	for (h = batch_opts; h->flags; h++)
		if (h->code == code)
			return h;
	return NULL;
}

static int parse_shard(const char *s, size_t *k, size_t *n)
{
	unsigned long a, b;
	char extra;

	if (sscanf(s, "%lu/%lu%c", &a, &b, &extra) != 2 || !b || !a || a > b) {
		say("--shard: '%s' is not K/N with 1 <= K <= N", s);
		return -1;
	}
	*k = a - 1;
	*n = b;
	return 0;
}

static void defaults(struct run_opts *o)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	o->outdir = "out";
	o->jobs = cores > 0 ? (int)cores : 1;
	o->use_cache = 1;
	o->top_terms = 1000;
	o->max_size = SOURCE_MAX_SIZE_DEFAULT;
	o->shards = 1;
	sandbox_default_limits(&o->limits);
}

int runopts_parse(struct run_opts *o, enum runopt_cmd which, int argc,
		  char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "codebook", required_argument, NULL, 'c' },
		{ "stopwords", required_argument, NULL, OPT_STOPWORDS },
		{ "model", required_argument, NULL, 'm' },
		{ "no-model", no_argument, NULL, OPT_NO_MODEL },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "strict", no_argument, NULL, OPT_STRICT },
		{ "top-terms", required_argument, NULL, OPT_TOP_TERMS },
		{ "excel", no_argument, NULL, OPT_EXCEL },
		{ "quiet", no_argument, NULL, 'q' },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "worker-docs", required_argument, NULL, OPT_WORKER_DOCS },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "records", required_argument, NULL, OPT_RECORDS },
		{ "keep-names", no_argument, NULL, OPT_KEEP_NAMES },
		{ "allow-empty", no_argument, NULL, OPT_ALLOW_EMPTY },
		{ "replace", no_argument, NULL, OPT_REPLACE },
		{ "no-wait", no_argument, NULL, OPT_NO_WAIT },
		{ "metadata", required_argument, NULL, OPT_METADATA },
		{ "group-by", required_argument, NULL, OPT_GROUP_BY },
		{ "xlsx", no_argument, NULL, OPT_XLSX },
		{ "no-ocr", no_argument, NULL, OPT_NO_OCR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cmd_help *help = which == RUNOPT_RUN ? &help_run :
				      which == RUNOPT_MAP ? &help_map : &help_reduce;
	const struct opt_help *known;
	int c;
	long v;

	defaults(o);
	o->cmd = argv[0];
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:j:c:m:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->outdir = optarg; break;
		case 'j':
			if (cmd_number("-j", optarg, 1, 256, &v))
				return EXIT_USAGE;
			o->jobs = (int)v;
			break;
		case 'c': o->codebook = optarg; break;
		case OPT_STOPWORDS: o->stopwords = optarg; break;
		case 'm': o->model = optarg; break;
		case OPT_NO_MODEL: o->no_model = 1; break;
		case OPT_NO_CACHE: o->use_cache = 0; break;
		case OPT_STRICT: o->strict = 1; break;
		case OPT_TOP_TERMS:
			if (cmd_number("--top-terms", optarg, 0, 1000000, &v))
				return EXIT_USAGE;
			o->top_terms = (size_t)v;
			break;
		case OPT_EXCEL: o->excel = 1; break;
		case OPT_KEEP_NAMES: o->keep_names = 1; break;
		case OPT_ALLOW_EMPTY: o->allow_empty = 1; break;
		case OPT_REPLACE: o->replace = 1; break;
		case OPT_NO_WAIT: o->no_wait = 1; break;
		case OPT_METADATA: o->metadata = optarg; break;
		case OPT_GROUP_BY: o->group_by = optarg; break;
		case OPT_XLSX: o->xlsx = 1; break;
		case 'q': o->quiet = 1; break;
		case OPT_NO_OCR:
			/* process-wide: the workers started later inherit it */
			ocr_set_enabled(0);
			break;
		case OPT_MAX_SIZE:
			if (cmd_number("--max-size", optarg, 1, 1L << 20, &v))
				return EXIT_USAGE;
			o->max_size = (long long)v << 20;
			break;
		case OPT_TIMEOUT:
			if (cmd_number("--timeout", optarg, 1, 86400, &v))
				return EXIT_USAGE;
			o->limits.wall_seconds = (unsigned)v;
			o->limits.cpu_seconds = (unsigned)v;
			break;
		case OPT_MEMORY:
			if (cmd_number("--memory", optarg, 64, 1L << 20, &v))
				return EXIT_USAGE;
			o->limits.address_space = (size_t)v << 20;
			break;
		case OPT_WORKER_DOCS:
			if (cmd_number("--worker-docs", optarg, 1, 1000000, &v))
				return EXIT_USAGE;
			o->limits.max_docs = (unsigned)v;
			break;
		case OPT_SHARD:
			if (parse_shard(optarg, &o->shard, &o->shards))
				return EXIT_USAGE;
			break;
		case OPT_RECORDS: o->records = optarg; break;
		case 'h':
			help_print(stdout, help);
			return -1;
		default:
			return help_bad_option(help, c, argv);
		}
		if ((known = batch_opt(c)) && known->cmds && !(known->cmds & (1u << which))) {
			say("option '%s' does not apply to '%s'", argv[optind - 1], argv[0]);
			return help_error(help);
		}
	}
	if (o->model && o->no_model) {
		say("-m MODEL and --no-model exclude each other");
		return help_error(help);
	}
	o->paths = argv + optind;
	o->nr_paths = (size_t)(argc - optind);
	if (which == RUNOPT_REDUCE && o->nr_paths) {
		say("reduce takes no paths: it reads the records folder");
		return help_error(help);
	}
	if (which != RUNOPT_RUN && !o->records) {
		say("--records DIR is required");
		return help_error(help);
	}
	return 0;
}
