#ifndef CMDS_H
#define CMDS_H

/*
 * The subcommands. Each is pipeline/cmd/cmd_<name>.c with its own option
 * parsing; argv[0] is the subcommand name. They return the process exit
 * status: 0 all done, 1 finished with some documents skipped, 2 usage or
 * configuration error, 3 fatal.
 */

enum exit_status { EXIT_OK = 0, EXIT_PARTIAL = 1, EXIT_USAGE = 2, EXIT_FATAL = 3 };

int cmd_run(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_classify(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_reduce(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_codebook(int argc, char **argv);
int cmd_cv(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_review(int argc, char **argv);

/*
 * help.c: each command's usage, kept beside its options in one table and
 * printed from there: help_usage the synopsis line, help_print the whole
 * --help (synopsis, summary, a line per option, git style), help_error the
 * synopsis and a pointer to --help on stderr, returning EXIT_USAGE.
 * A shared table (run, map, reduce) marks each option with the commands it
 * applies to (cmds, a bit mask; 0: all) and each command's help gives its
 * bit (mask).
 */
#include <stdio.h>
struct opt_help {
	const char *flags, *text;
	unsigned cmds;
	int code;                    /* getopt's value, where a parser looks it up */
};
struct cmd_help {
	const char *name, *args, *summary;
	const struct opt_help *opts; /* ends with a NULL flags */
	unsigned mask;
	const char *more;            /* a closing paragraph, or NULL */
};
void help_usage(FILE *f, const struct cmd_help *h);
void help_print(FILE *f, const struct cmd_help *h);
int help_error(const struct cmd_help *h);
/* For getopt_long's ':' (a value missing; the option string must start
 * with ':') and '?' (unknown option; set opterr = 0): says which, then
 * help_error. */
int help_bad_option(const struct cmd_help *h, int c, char **argv);
/* A whole decimal number from min to max into *out: 0, or -1 after saying
 * "OPT: 'S' is not a number from MIN to MAX". */
int cmd_number(const char *opt, const char *s, long min, long max, long *out);

/* cmd_cv.c, for cv and train: the training option of getopt code opt
 * (--cost, --type-cost, --keep, --add, --rules-type) into tp; 0, or -1
 * after saying why. */
struct train_params;
int parse_train_option(int opt, const char *arg, struct train_params *tp);

extern const struct cmd_help help_run, help_map, help_reduce, help_extract,
	help_classify, help_eval, help_cv, help_train, help_review, help_report,
	help_export, help_import, help_codebook;

/* term.c: the terminal. say: "revmine: " + message + "\n" on stderr. The
 * rest are the handlers the engine is heard through: term_message for
 * batch_options.on_message, term_fatal for set_fatal_handler,
 * term_progress (the progress line) for batch_options.on_progress. */
#include <stddef.h>
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void term_message(void *ctx, const char *msg);
void term_fatal(void *ctx, const char *msg);
void term_progress(void *ctx, size_t done, size_t total, double rate, int final);


#endif
