/*
 * revmine report OUT/: rebuilds OUT/report.html from the CSVs of an output
 * folder and its manifest.json (for the run's date, codebook and document
 * rule), without the records or the documents.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "util.h"
#include "cmds.h"
#include "html_report.h"
#include "runopts.h"
#include "csvio.h"
#include "banned.h"

const struct cmd_help help_report = {
	"report", "OUT_DIR",
	"Rebuilds report.html from an output folder.\n"
	"Reads the CSVs and manifest.json (after editing a CSV, or to pick up a\n"
	"validity.csv placed there).",
	NULL, 0, NULL,
};

int cmd_report(int argc, char **argv)
{
	struct html_info info;
	struct run_opts o;
	struct doc_error err = { 0 };
	int rc = EXIT_OK;

	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		help_print(stdout, &help_report);
		return EXIT_OK;
	}
	if (argc != 2 || argv[1][0] == '-') {
		if (argc > 1 && argv[1][0] == '-')
			say("report: unknown option '%s'", argv[1]);
		else
			say("report: give one output folder");
		return help_error(&help_report);
	}
	/* like run: the folder is locked while the report reads it, and what a
	 * killed run left half-renamed is finished first */
	memset(&o, 0, sizeof(o));
	o.outdir = argv[1];
	if (access(argv[1], F_OK) == 0) {
		if ((rc = runopts_lock(&o)))
			return rc;
		if (csv_publish_recover(argv[1], &err)) {
			say("%s", err.msg);
			return EXIT_FATAL;
		}
	}
	if (html_info_from_manifest(argv[1], &info))
		say("'%s' has no readable manifest.json: the report lacks the run's date and codebook",
		    argv[1]);
	if (html_report_write(argv[1], &info, &err)) {
		say("%s", err.msg);
		rc = EXIT_USAGE;
	}
	html_info_release(&info);
	return rc;
}
