/*
 * revmine extract [--passages] [--no-ocr] FILE: one document's clean text, or its
 * passages as CSV, on stdout.
 *
 * Extraction and segmentation run in a sandboxed child (poppler may abort
 * on a hostile file). The child writes the result to stdout itself, and
 * its error or warnings to a pipe as messages in sandbox.h's format (the
 * one pool workers answer in); this parent turns those into the user's
 * stderr lines, so a
 * crash costs one message, not the process. poppler's own chatter on
 * stderr is silenced in the child.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <unistd.h>
#include <fcntl.h>
#include "cmds.h"
#include "util.h"
#include "doc.h"
#include <glib.h>
#include "extract.h"
#include "segment.h"
#include "sandbox.h"
#include "csvio.h"
#include "ocr.h"
#include "banned.h"

struct job {
	const char *path;
	int passages;
	int report_fd; /* write end of the pipe to the parent */
};

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static void print_text(const struct passage_list *pl)
{
	size_t i;

	for (i = 0; i < pl->nr; i++)
		printf("%s%s\n", i ? "\n" : "", pl->items[i].text);
}

static void print_passages(const char *doc_id, const struct passage_list *pl)
{
	size_t i;

	fputs("doc_id,passage,page,section,kind,ocr,text\n", stdout);
	for (i = 0; i < pl->nr; i++) {
		const struct passage *p = &pl->items[i];

		csv_fput_text(stdout, doc_id);
		printf(",%zu,%d,", i + 1, p->page);
		csv_fput_text(stdout, p->section);
		printf(",%s,%d,", passage_kind_name(p->kind), p->ocr);
		csv_fput_text(stdout, p->text);
		fputc('\n', stdout);
	}
}

/* Runs in the child. */
static int extract_job(void *arg)
{
	struct job *j = arg;
	struct doc_text t;
	struct passage_list pl;
	struct doc_error err;
	char *line;
	int devnull = open("/dev/null", O_WRONLY);

	if (devnull >= 0) {
		dup2(devnull, 2);
		close(devnull);
	}
	memset(&err, 0, sizeof(err));
	doc_text_init(&t);
	passage_list_init(&pl);
	if (extract_file(j->path, &t, &err)) {
		sandbox_msg_send(j->report_fd, SANDBOX_MSG_ERROR, err.code, "extract", err.msg);
		doc_text_release(&t);
		return 1;
	}
	segment_lines(&t, &pl);
	if (j->passages)
		print_passages(base_name(j->path), &pl);
	else
		print_text(&pl);
	if (t.warnings) {
		/* the pipe holds 64 KiB and is read after the child exits */
		if (strlen(t.warnings) > 4000) {
			line = xstrfmt("%.3996s...", t.warnings);
			sandbox_msg_send(j->report_fd, SANDBOX_MSG_WARNING, 0, NULL, line);
			free(line);
		} else {
			sandbox_msg_send(j->report_fd, SANDBOX_MSG_WARNING, 0, NULL, t.warnings);
		}
	}
	passage_list_release(&pl);
	doc_text_release(&t);
	if (fflush(stdout) || ferror(stdout))
		return 3;
	return 0;
}

/* Reads what the child reported (small: one error or a warning list). */
static char *read_report(int fd)
{
	char *buf = NULL;
	size_t len = 0, alloc = 0;

	for (;;) {
		ssize_t n;

		ALLOC_GROW(buf, len + 4096, alloc);
		n = read(fd, buf + len, alloc - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return buf;
}

static const struct opt_help extract_opts[] = {
	{ "--passages", "CSV doc_id,passage,page,section,kind,ocr,text instead of text", 0, 0 },
	{ "--no-ocr", "no OCR of PDF pages without a text layer (they are warned about)", 0, 0 },
	{ NULL, NULL, 0, 0 },
};

const struct cmd_help help_extract = {
	"extract", "[--passages] [--no-ocr] FILE",
	"Prints one document's clean text.\n"
	"Passages in reading order, a blank line between them, without running headers,\n"
	"footers or page numbers.",
	extract_opts, 0, NULL,
};

int cmd_extract(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "passages", no_argument, NULL, 'p' },
		{ "no-ocr", no_argument, NULL, 'O' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sandbox_limits lim;
	struct doc_error err;
	struct job j;
	struct sandbox_msg m;
	const char *p;
	char *rep;
	int fds[2], c, r, rc, status = EXIT_OK;

	memset(&j, 0, sizeof(j));
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		if (c == 'p')
			j.passages = 1;
		else if (c == 'O')
			ocr_set_enabled(0);
		else if (c == 'h') {
			help_print(stdout, &help_extract);
			return EXIT_OK;
		} else
			return help_bad_option(&help_extract, c, argv);
	}
	if (optind != argc - 1) {
		say("extract: give one file");
		return help_error(&help_extract);
	}
	j.path = argv[optind];
	if (g_file_test(j.path, G_FILE_TEST_IS_DIR)) {
		say("'%s': extract: is a folder: give one file (run reads folders)", j.path);
		return EXIT_PARTIAL;
	}
	if (!extract_format(j.path)) {
		say("'%s': extract: unsupported file type (not " EXTRACT_EXTENSIONS ")", j.path);
		return EXIT_PARTIAL;
	}
	if (pipe(fds)) {
		say("'%s': extract: cannot create a pipe", j.path);
		return EXIT_FATAL;
	}
	j.report_fd = fds[1];
	memset(&err, 0, sizeof(err));
	sandbox_default_limits(&lim);
	fflush(stdout);
	rc = sandbox_run(extract_job, &j, &lim, &err);
	close(fds[1]);
	rep = read_report(fds[0]);
	close(fds[0]);
	if (rc < 0 && err.code == DOC_ERR_PIPE) {
		/* `revmine extract x.pdf | head`: the reader had enough */
		status = EXIT_OK;
		goto out;
	}
	if (rc < 0) {
		say("'%s': extract: %s", j.path, err.msg);
		status = EXIT_PARTIAL;
		goto out;
	}
	for (p = rep; (r = sandbox_msg_next(&p, &m)); ) {
		if (r > 0 && m.kind == SANDBOX_MSG_ERROR) {
			say("'%s': %s: %s", j.path, m.stage, m.text);
			status = EXIT_PARTIAL;
		} else if (r > 0 && m.kind == SANDBOX_MSG_WARNING) {
			say("'%s': warning: %s", j.path, m.text);
		}
		sandbox_msg_release(&m);
	}
	if (rc == 3)
		status = EXIT_FATAL;
	else if (rc && status == EXIT_OK) {
		say("'%s': extract: failed (status %d)", j.path, rc);
		status = EXIT_PARTIAL;
	}
out:
	free(rep);
	return status;
}
