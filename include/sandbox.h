#ifndef SANDBOX_H
#define SANDBOX_H

/*
 * Running one document's work in a forked child with CPU-time and
 * address-space limits and a wall-clock timeout, so that a hostile file
 * (poppler aborts on allocation failure) costs that document alone. The
 * child runs fn(arg) and exits with its return value; nothing is shared
 * back except what fn writes to files or inherited descriptors.
 */

#include <stddef.h>
#include <glib.h>
#include "util.h"

struct sandbox_limits {
	unsigned cpu_seconds;  /* RLIMIT_CPU; 0: none */
	size_t address_space;  /* RLIMIT_AS in bytes beyond the address space
				* the child inherits at fork; 0: none */
	unsigned wall_seconds; /* killed after this long; 0: none */
	unsigned max_docs;     /* a pool worker is replaced after this many documents */
};

/* The exit status of a worker whose allocation failed (util.h). */
#define SANDBOX_EXIT_OOM 125

/* Defaults: 120 s CPU, 1 GiB address space, 300 s wall clock, 1000
 * documents per pool worker. */
void sandbox_default_limits(struct sandbox_limits *lim);

/*
 * Returns the child's exit status (0..255) when it exited normally, or -1
 * with err filled ("worker crashed (signal 11)", "worker timed out after
 * 300 s", "worker exceeded its cpu-time limit", "cannot fork: ...").
 */
int sandbox_run(int (*fn)(void *arg), void *arg,
		const struct sandbox_limits *lim, struct doc_error *err);

/* Non-blocking variant for worker pools: starts the child and returns its
 * pid (or -1, err filled). sandbox_reap() turns a waitpid status into the
 * same result as sandbox_run(); the caller enforces wall_seconds with
 * sandbox_kill(). */
int sandbox_start(int (*fn)(void *arg), void *arg,
		  const struct sandbox_limits *lim, struct doc_error *err);
int sandbox_status(int wait_status, struct doc_error *err);
/* The same with the child's resource usage (wait4) and limits, so that a
 * death is put down to its real cause: the cpu-time limit (SIGXCPU, or
 * SIGKILL at the hard limit), the memory limit (a failed allocation, or an
 * abort or kill at a peak near the limit), a crash (the signal), or a kill
 * from outside. ru and lim may be NULL. */
struct rusage;
int sandbox_status_usage(int wait_status, const struct rusage *ru,
			 const struct sandbox_limits *lim, struct doc_error *err);
void sandbox_kill(int pid);

/*
 * The fork gate, for threads that run while workers are started (run's
 * reduce runs beside its batch): such a thread holds the gate around each
 * unit of work (sandbox_gate_enter/leave), and sandbox_start forks only
 * while no thread holds it, so the child never inherits a lock (stdio,
 * GLib) taken by a thread it does not have. A thread may enter again while
 * it holds the gate (only its outermost enter and leave count). Without
 * threads it costs two uncontended mutex operations per fork.
 */
void sandbox_gate_enter(void);
void sandbox_gate_leave(void);
/* Starts fn(arg) in a new thread, holding the gate while the thread starts
 * (a thread's start allocates: GLib, the sanitizers' allocators); fn runs
 * outside it and enters when it needs to. The caller may hold the gate. A
 * thread's end gives back thread-local caches: join it while holding the
 * gate, or when no batch runs. */
GThread *sandbox_gate_thread_new(const char *name, GThreadFunc fn, gpointer arg);

/* For long-lived workers, whose limits are per document while the process
 * lives on: the CPU seconds pid has used (/proc/PID/stat; -1 when gone);
 * lets pid use `seconds` more CPU from `used` (its soft RLIMIT_CPU, set
 * with prlimit: SIGXCPU past it); its address space in bytes
 * (/proc/PID/statm; 0 when gone). */
double sandbox_cpu_seconds(int pid);
int sandbox_cpu_budget(int pid, unsigned seconds, double used);
size_t sandbox_vm_size(int pid);

/*
 * The one message format between a worker and its parent, whatever
 * carries it (a pool worker's socket, one packet per message; the pipe of
 * `extract`'s child, one line per message). A message is one line, fields
 * separated by tabs, '\\', tab, LF and CR in text escaped as \\ \t \n \r:
 *
 *   ok                              the document's work is done
 *   error <code> <stage> <text>     it failed (code: enum doc_error_code)
 *   warning <text>                  a note about it (the work goes on)
 */
enum sandbox_msg_kind { SANDBOX_MSG_OK, SANDBOX_MSG_ERROR, SANDBOX_MSG_WARNING };

struct sandbox_msg {
	enum sandbox_msg_kind kind;
	int code;    /* error only */
	char *stage; /* error only */
	char *text;  /* error and warning */
};

/* The line for a message, ending in LF (newly allocated). stage and text
 * may be NULL where the kind has none. */
char *sandbox_msg_format(enum sandbox_msg_kind kind, int code, const char *stage,
			 const char *text);
/* sandbox_msg_format() written to fd in one write (retrying short writes
 * on a pipe): 0, or -1 with errno. */
int sandbox_msg_send(int fd, enum sandbox_msg_kind kind, int code, const char *stage,
		     const char *text);
/* Parses the next message from *cursor (a NUL-terminated buffer of lines)
 * into m and moves *cursor past it: 1 for a message, 0 at the end, -1 for
 * a line that is not a message (skipped). sandbox_msg_release() frees m. */
int sandbox_msg_next(const char **cursor, struct sandbox_msg *m);
void sandbox_msg_release(struct sandbox_msg *m);

#endif
