/*
 * One document's work in a forked child. The child lowers its own limits
 * (RLIMIT_CPU, RLIMIT_AS, no core files) before running the work, so a
 * decompression bomb or an allocation abort inside poppler ends that child
 * only. The parent turns the wait status into a reason a user can read.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <glib.h>
#include "util.h"
#include "sandbox.h"
#include "banned.h"

void sandbox_default_limits(struct sandbox_limits *lim)
{
	lim->cpu_seconds = 120;
	lim->address_space = (size_t)1 << 30;
	lim->wall_seconds = 300;
	lim->max_docs = 1000;
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
		struct rlimit cur;
		rlim_t want = (rlim_t)(lim->address_space + sandbox_vm_size(getpid()));

		/* beyond what the parent's memory, copied at fork, takes; never
		 * above a hard limit the run itself was given */
		if (!getrlimit(RLIMIT_AS, &cur) && cur.rlim_max != RLIM_INFINITY &&
		    want > cur.rlim_max)
			want = cur.rlim_max;
		r.rlim_cur = r.rlim_max = want;
		setrlimit(RLIMIT_AS, &r);
	}
#endif
}

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static unsigned gate_busy; /* threads inside the gate */
static int gate_forking;   /* a fork waits for them to leave */

static __thread unsigned gate_held; /* this thread's enters not left */

void sandbox_gate_enter(void)
{
	if (gate_held++)
		return;
	pthread_mutex_lock(&gate_lock);
	while (gate_forking)
		pthread_cond_wait(&gate_cond, &gate_lock);
	gate_busy++;
	pthread_mutex_unlock(&gate_lock);
}

void sandbox_gate_leave(void)
{
	if (!gate_held)
		BUG("sandbox_gate_leave without enter");
	if (--gate_held)
		return;
	pthread_mutex_lock(&gate_lock);
	if (!--gate_busy)
		pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

struct gate_start {
	GThreadFunc fn;
	gpointer arg;
	int started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

static gpointer gate_thread_main(gpointer data)
{
	struct gate_start *s = data;
	GThreadFunc fn = s->fn;
	gpointer arg = s->arg;

	/* enters without waiting: the starting thread holds the gate for us
	 * until started is set (a fork may already wait at the gate) */
	pthread_mutex_lock(&gate_lock);
	gate_busy++;
	pthread_mutex_unlock(&gate_lock);
	gate_held = 1;
	pthread_mutex_lock(&s->lock);
	s->started = 1;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
	/* past what the start allocated: fn enters when it needs to */
	sandbox_gate_leave();
	return fn(arg);
}

GThread *sandbox_gate_thread_new(const char *name, GThreadFunc fn, gpointer arg)
{
	struct gate_start s;
	GThread *t;

	memset(&s, 0, sizeof(s));
	s.fn = fn;
	s.arg = arg;
	pthread_mutex_init(&s.lock, NULL);
	pthread_cond_init(&s.cond, NULL);
	sandbox_gate_enter();
	t = g_thread_new(name, gate_thread_main, &s);
	pthread_mutex_lock(&s.lock);
	while (!s.started)
		pthread_cond_wait(&s.cond, &s.lock);
	pthread_mutex_unlock(&s.lock);
	sandbox_gate_leave();
	pthread_cond_destroy(&s.cond);
	pthread_mutex_destroy(&s.lock);
	return t;
}

int sandbox_start(int (*fn)(void *arg), void *arg,
		  const struct sandbox_limits *lim, struct doc_error *err)
{
	pid_t pid, parent = getpid();

	pthread_mutex_lock(&gate_lock);
	gate_forking = 1;
	while (gate_busy)
		pthread_cond_wait(&gate_cond, &gate_lock);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid != 0) {
		gate_forking = 0;
		pthread_cond_broadcast(&gate_cond);
		pthread_mutex_unlock(&gate_lock);
	}
	if (pid < 0)
		return doc_error_set(err, "worker", DOC_ERR_IO, "cannot fork: %s",
				     strerror(errno));
	if (pid == 0) {
		int rc;

		/* the gate, locked by the parent's thread, starts afresh */
		pthread_mutex_init(&gate_lock, NULL);
		pthread_cond_init(&gate_cond, NULL);
		gate_busy = 0;
		gate_forking = 0;
		gate_held = 0;

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
		set_oom_exit_status(SANDBOX_EXIT_OOM);
		rc = fn(arg);
		fflush(stdout);
		fflush(stderr);
		_exit(rc & 0xff);
	}
	return (int)pid;
}

int sandbox_status_usage(int st, const struct rusage *ru,
			 const struct sandbox_limits *lim, struct doc_error *err)
{
	double cpu = ru ? (double)ru->ru_utime.tv_sec + (double)ru->ru_stime.tv_sec +
			  1e-6 * (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) : 0;
	double peak_mib = ru ? (double)ru->ru_maxrss / 1024.0 : 0; /* KiB on Linux */
	double lim_mib = lim ? (double)lim->address_space / (1024.0 * 1024.0) : 0;
	int near_limit = lim_mib > 0 && peak_mib >= 0.75 * lim_mib;

	if (WIFEXITED(st)) {
		if (WEXITSTATUS(st) == SANDBOX_EXIT_OOM)
			return lim_mib > 0 ?
				doc_error_set(err, "worker", DOC_ERR_LIMIT,
					      "worker ran out of memory (limit %.0f MiB; see --memory)",
					      lim_mib) :
				doc_error_set(err, "worker", DOC_ERR_LIMIT,
					      "worker ran out of memory");
		return WEXITSTATUS(st);
	}
	if (WIFSIGNALED(st)) {
		int sig = WTERMSIG(st);

		if (sig == SIGXCPU || (sig == SIGKILL && lim && lim->cpu_seconds &&
				       cpu >= (double)lim->cpu_seconds))
			return doc_error_set(err, "worker", DOC_ERR_LIMIT,
					     "worker exceeded its cpu-time limit (%.0f s)", cpu);
		if (sig == SIGPIPE)
			return doc_error_set(err, "worker", DOC_ERR_PIPE,
					     "output closed (broken pipe)");
		if ((sig == SIGABRT || sig == SIGKILL || sig == SIGSEGV) && near_limit)
			return doc_error_set(err, "worker", DOC_ERR_LIMIT,
					     "worker ran out of memory (signal %d at %.0f MiB, limit %.0f MiB; see --memory)",
					     sig, peak_mib, lim_mib);
		if (sig == SIGKILL)
			return doc_error_set(err, "worker", DOC_ERR_CRASH,
					     "worker killed from outside (signal 9, %.0f MiB in use; "
					     "the system's out-of-memory killer or a user)", peak_mib);
		return doc_error_set(err, "worker", DOC_ERR_CRASH,
				     "worker crashed (signal %d, %s)", sig, strsignal(sig));
	}
	return doc_error_set(err, "worker", DOC_ERR_CRASH, "worker ended oddly");
}

int sandbox_status(int st, struct doc_error *err)
{
	return sandbox_status_usage(st, NULL, NULL, err);
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
	struct rusage ru;
	int st;

	if (pid < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t r = wait4((pid_t)pid, &st, lim->wall_seconds ? WNOHANG : 0, &ru);

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
	return sandbox_status_usage(st, &ru, lim, err);
}

double sandbox_cpu_seconds(int pid)
{
	char path[64], buf[1024];
	unsigned long long ut, st;
	const char *p;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* the command name, in parentheses, may hold spaces: skip past it */
	if (!(p = strrchr(buf, ')')))
		return -1;
	p++;
	for (i = 3; i < 14 && p; i++) /* fields 3..13, then utime and stime */
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

int sandbox_cpu_budget(int pid, unsigned seconds, double used)
{
	struct rlimit r;

	if (prlimit((pid_t)pid, RLIMIT_CPU, NULL, &r))
		return -1;
	r.rlim_cur = (rlim_t)used + 1 + seconds;
	if (r.rlim_max != RLIM_INFINITY && r.rlim_cur > r.rlim_max)
		r.rlim_cur = r.rlim_max;
	return prlimit((pid_t)pid, RLIMIT_CPU, &r, NULL);
}

size_t sandbox_vm_size(int pid)
{
	char path[64], buf[256];
	unsigned long long pages;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/statm", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%llu", &pages) != 1)
		return 0;
	return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}

static const char *const msg_kind_name[] = { "ok", "error", "warning" };

/* s escaped into out (at least 2 * strlen(s) + 1 bytes); returns the end. */
static char *msg_escape(char *out, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '\\': *out++ = '\\'; *out++ = '\\'; break;
		case '\t': *out++ = '\\'; *out++ = 't'; break;
		case '\n': *out++ = '\\'; *out++ = 'n'; break;
		case '\r': *out++ = '\\'; *out++ = 'r'; break;
		default: *out++ = *s; break;
		}
	}
	*out = '\0';
	return out;
}

char *sandbox_msg_format(enum sandbox_msg_kind kind, int code, const char *stage,
			 const char *text)
{
	size_t len = 64 + 2 * (stage ? strlen(stage) : 0) + 2 * (text ? strlen(text) : 0);
	char *line = xmalloc(len), *p;

	if ((unsigned)kind > SANDBOX_MSG_WARNING)
		BUG("message kind %d", (int)kind);
	p = line + snprintf(line, len, "%s", msg_kind_name[kind]);
	if (kind == SANDBOX_MSG_ERROR) {
		p += snprintf(p, 32, "\t%d\t", code);
		p = msg_escape(p, stage && *stage ? stage : "worker");
	}
	if (kind != SANDBOX_MSG_OK) {
		*p++ = '\t';
		p = msg_escape(p, text ? text : "");
	}
	*p++ = '\n';
	*p = '\0';
	return line;
}

int sandbox_msg_send(int fd, enum sandbox_msg_kind kind, int code, const char *stage,
		     const char *text)
{
	char *line = sandbox_msg_format(kind, code, stage, text);
	size_t len = strlen(line), done = 0;
	int rc = 0;

	while (done < len) {
		ssize_t n = write(fd, line + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		done += (size_t)n;
	}
	free(line);
	return rc;
}

/* The field starting at s up to a tab or the end, unescaped. */
static char *msg_field(const char *s, const char *end)
{
	char *out = xmalloc((size_t)(end - s) + 1), *w = out;

	for (; s < end; s++) {
		if (*s == '\\' && s + 1 < end) {
			s++;
			*w++ = *s == 't' ? '\t' : *s == 'n' ? '\n' : *s == 'r' ? '\r' : *s;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
	return out;
}

int sandbox_msg_next(const char **cursor, struct sandbox_msg *m)
{
	const char *line = *cursor, *eol, *f[4], *fe[4];
	size_t nf = 0;
	char *endp;
	long code;

	memset(m, 0, sizeof(*m));
	if (!line || !*line)
		return 0;
	eol = line + strcspn(line, "\n");
	*cursor = *eol ? eol + 1 : eol;
	f[0] = line;
	for (;;) {
		const char *tab = memchr(f[nf], '\t', (size_t)(eol - f[nf]));

		fe[nf] = tab ? tab : eol;
		nf++;
		if (!tab || nf == 4)
			break;
		f[nf] = tab + 1;
	}
	if (fe[nf - 1] != eol && nf == 4)
		fe[3] = eol; /* the text may not hold a raw tab, but keep it */
#define IS(i, s) ((size_t)(fe[i] - f[i]) == strlen(s) && !strncmp(f[i], s, strlen(s)))
	if (nf == 1 && IS(0, "ok")) {
		m->kind = SANDBOX_MSG_OK;
		return 1;
	}
	if (nf == 2 && IS(0, "warning")) {
		m->kind = SANDBOX_MSG_WARNING;
		m->text = msg_field(f[1], fe[1]);
		return 1;
	}
	if (nf == 4 && IS(0, "error")) {
		code = strtol(f[1], &endp, 10);
		if (endp != fe[1] || endp == f[1] || code < 0 || code > 1000)
			return -1;
		m->kind = SANDBOX_MSG_ERROR;
		m->code = (int)code;
		m->stage = msg_field(f[2], fe[2]);
		m->text = msg_field(f[3], fe[3]);
		return 1;
	}
#undef IS
	return -1;
}

void sandbox_msg_release(struct sandbox_msg *m)
{
	free(m->stage);
	free(m->text);
	m->stage = m->text = NULL;
}
