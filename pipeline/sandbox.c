/*
 * One document's work in a forked child. The child lowers its own limits
 * (RLIMIT_CPU, RLIMIT_AS, no core files) before running the work, so a
 * decompression bomb or an allocation abort inside poppler ends that child
 * only. The parent turns the wait status into a reason a user can read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "util.h"
#include "sandbox.h"
#include "banned.h"

void sandbox_default_limits(struct sandbox_limits *lim)
{
	lim->cpu_seconds = 120;
	lim->address_space = (size_t)2 << 30;
	lim->wall_seconds = 300;
}

static void apply_limits(const struct sandbox_limits *lim)
{
	struct rlimit r;

	r.rlim_cur = r.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &r);
	if (lim->cpu_seconds) {
		r.rlim_cur = lim->cpu_seconds;
		r.rlim_max = lim->cpu_seconds + 5;
		setrlimit(RLIMIT_CPU, &r);
	}
	/* AddressSanitizer reserves terabytes of shadow address space, so an
	 * address-space limit would fail every allocation in sanitizer builds;
	 * there the CPU and wall-clock limits remain. */
#if !defined(__SANITIZE_ADDRESS__)
	if (lim->address_space) {
		r.rlim_cur = r.rlim_max = lim->address_space;
		setrlimit(RLIMIT_AS, &r);
	}
#endif
}

int sandbox_start(int (*fn)(void *arg), void *arg,
		  const struct sandbox_limits *lim, struct doc_error *err)
{
	pid_t pid, parent = getpid();

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return doc_error_set(err, "worker", DOC_ERR_IO, "cannot fork: %s",
				     strerror(errno));
	if (pid == 0) {
		int rc;

		/* Handlers inherited from the parent (a test harness, a
		 * runtime) must not catch the worker's crash: it is reported
		 * from the wait status. */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGFPE, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		/* A worker must not outlive a killed run. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		apply_limits(lim);
		rc = fn(arg);
		fflush(stdout);
		fflush(stderr);
		_exit(rc & 0xff);
	}
	return (int)pid;
}

int sandbox_status(int st, struct doc_error *err)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st)) {
		int sig = WTERMSIG(st);

		if (sig == SIGXCPU)
			return doc_error_set(err, "worker", DOC_ERR_LIMIT,
					     "worker exceeded its cpu-time limit");
		if (sig == SIGPIPE)
			return doc_error_set(err, "worker", DOC_ERR_PIPE,
					     "output closed (broken pipe)");
		if (sig == SIGKILL)
			return doc_error_set(err, "worker", DOC_ERR_LIMIT,
					     "worker killed (time or memory limit)");
		return doc_error_set(err, "worker", DOC_ERR_CRASH,
				     "worker crashed (signal %d, %s)", sig, strsignal(sig));
	}
	return doc_error_set(err, "worker", DOC_ERR_CRASH, "worker ended oddly");
}

void sandbox_kill(int pid)
{
	if (pid > 0)
		kill((pid_t)pid, SIGKILL);
}

int sandbox_run(int (*fn)(void *arg), void *arg,
		const struct sandbox_limits *lim, struct doc_error *err)
{
	int pid = sandbox_start(fn, arg, lim, err);
	struct timespec start, now;
	int st;

	if (pid < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t r = waitpid((pid_t)pid, &st, lim->wall_seconds ? WNOHANG : 0);

		if (r == (pid_t)pid)
			break;
		if (r < 0 && errno != EINTR)
			return doc_error_set(err, "worker", DOC_ERR_CRASH, "waitpid: %s",
					     strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (lim->wall_seconds &&
		    now.tv_sec - start.tv_sec >= (time_t)lim->wall_seconds) {
			sandbox_kill(pid);
			waitpid((pid_t)pid, &st, 0);
			return doc_error_set(err, "worker", DOC_ERR_LIMIT,
					     "worker timed out after %u s", lim->wall_seconds);
		}
		usleep(2000);
	}
	return sandbox_status(st, err);
}
