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
