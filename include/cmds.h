#ifndef CMDS_H
#define CMDS_H

/*
 * The subcommands. Each is pipeline/cmd_<name>.c with its own option
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

/* "revmine: " + message + "\n" on stderr. */
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define REVMINE_VERSION "0.1.0"

#endif
