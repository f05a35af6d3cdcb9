/* Sandboxed workers: exit codes pass through; crashes, CPU-time, memory
 * and wall-clock limits become reasons, and the parent lives on. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "sandbox.h"

static int exit_with(void *arg)
{
	return *(int *)arg;
}

static int crash(void *arg)
{
	(void)arg;
	raise(SIGSEGV);
	return 0;
}

static int spin(void *arg)
{
	volatile unsigned long x = 0;

	(void)arg;
	for (;;)
		x++;
	return 0;
}

static int sleep_long(void *arg)
{
	(void)arg;
	sleep(30);
	return 0;
}

static int allocate_too_much(void *arg)
{
	size_t i;

	(void)arg;
	for (i = 0; i < 64; i++) {
		char *p = malloc((size_t)64 << 20);

		if (!p)
			return 42; /* the limit said no */
		memset(p, 1, (size_t)64 << 20);
	}
	return 0;
}

static int killed_from_outside(void *arg)
{
	(void)arg;
	kill(getpid(), SIGKILL);
	return 0;
}

#if !defined(__SANITIZE_ADDRESS__)
static int xmalloc_too_much(void *arg)
{
	(void)arg;
	free(xmalloc((size_t)1 << 40));
	return 0;
}
#endif

/* Each death is put down to its cause, not "time or memory". */
static void sandbox__death_causes(void **state)
{
	struct sandbox_limits lim;
	struct doc_error err = { 0 };

	(void)state;
	sandbox_default_limits(&lim);
	assert_int_equal(lim.address_space, (size_t)1 << 30);
	assert_int_equal(sandbox_run(killed_from_outside, NULL, &lim, &err), -1);
	assert_non_null(strstr(err.msg, "killed from outside"));
#if !defined(__SANITIZE_ADDRESS__)
	assert_int_equal(sandbox_run(xmalloc_too_much, NULL, &lim, &err), -1);
	assert_int_equal(err.code, DOC_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "ran out of memory (limit 1024 MiB"));
#endif
}

static void sandbox__exit_status_passes_through(void **state)
{
	struct sandbox_limits lim;
	struct doc_error err = { 0 };
	int v = 7;

	(void)state;
	sandbox_default_limits(&lim);
	assert_int_equal(sandbox_run(exit_with, &v, &lim, &err), 7);
	v = 0;
	assert_int_equal(sandbox_run(exit_with, &v, &lim, &err), 0);
}

static void sandbox__crash_is_a_reason(void **state)
{
	struct sandbox_limits lim;
	struct doc_error err = { 0 };

	(void)state;
	sandbox_default_limits(&lim);
	assert_int_equal(sandbox_run(crash, NULL, &lim, &err), -1);
	assert_int_equal(err.code, DOC_ERR_CRASH);
	assert_non_null(strstr(err.msg, "worker crashed (signal 11"));
}

static void sandbox__cpu_limit(void **state)
{
	struct sandbox_limits lim = { 1, 0, 0, 0 };
	struct doc_error err = { 0 };

	(void)state;
	assert_int_equal(sandbox_run(spin, NULL, &lim, &err), -1);
	assert_int_equal(err.code, DOC_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "cpu-time"));
}

static void sandbox__wall_clock_limit(void **state)
{
	struct sandbox_limits lim = { 0, 0, 1, 0 };
	struct doc_error err = { 0 };

	(void)state;
	assert_int_equal(sandbox_run(sleep_long, NULL, &lim, &err), -1);
	assert_int_equal(err.code, DOC_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "timed out after 1 s"));
}

static void sandbox__memory_limit(void **state)
{
	struct sandbox_limits lim = { 10, (size_t)512 << 20, 20, 0 };
	struct doc_error err = { 0 };
	int rc;

	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	skip(); /* no address-space limit under AddressSanitizer */
#endif
	rc = sandbox_run(allocate_too_much, NULL, &lim, &err);
	/* malloc fails (42) or the kernel kills the worker: never 0 */
	assert_true(rc == 42 || (rc == -1 && err.code == DOC_ERR_LIMIT));
}

/* A child that takes the gate itself: it starts afresh in the child. */
static int gate_in_child(void *arg)
{
	(void)arg;
	sandbox_gate_enter();
	sandbox_gate_leave();
	return 7;
}

static volatile int gate_held, gate_released;

static void *hold_gate(void *arg)
{
	(void)arg;
	sandbox_gate_enter();
	gate_held = 1;
	usleep(300 * 1000);
	gate_released = 1;
	sandbox_gate_leave();
	return NULL;
}

/* A fork waits until no thread holds the gate. */
static void sandbox__fork_waits_for_the_gate(void **state)
{
	struct sandbox_limits lim;
	struct doc_error err = { 0 };
	pthread_t t;

	(void)state;
	sandbox_default_limits(&lim);
	assert_int_equal(pthread_create(&t, NULL, hold_gate, NULL), 0);
	while (!gate_held)
		usleep(1000);
	assert_int_equal(sandbox_run(gate_in_child, NULL, &lim, &err), 7);
	assert_true(gate_released); /* the fork came after the leave */
	pthread_join(t, NULL);
	/* without a holder the gate is open */
	assert_int_equal(sandbox_run(gate_in_child, NULL, &lim, &err), 7);
}

static volatile int nested_entered, nested_released;

/* Enters the gate, and again while a fork waits. */
static gpointer hold_gate_nested(gpointer arg)
{
	(void)arg;
	sandbox_gate_enter();
	nested_entered = 1;
	usleep(200 * 1000);
	sandbox_gate_enter(); /* a fork waits by now: must not block */
	usleep(100 * 1000);
	sandbox_gate_leave();
	nested_released = 1;
	sandbox_gate_leave();
	return NULL;
}

/* A thread started with sandbox_gate_thread_new while this one holds the
 * gate; its nested enter neither blocks nor lets the fork in before its
 * outermost leave. */
static void sandbox__gate_thread_and_nested_enter(void **state)
{
	struct sandbox_limits lim;
	struct doc_error err = { 0 };
	GThread *t;

	(void)state;
	sandbox_default_limits(&lim);
	sandbox_gate_enter();
	t = sandbox_gate_thread_new("holder", hold_gate_nested, NULL);
	sandbox_gate_leave();
	while (!nested_entered)
		usleep(1000);
	assert_int_equal(sandbox_run(gate_in_child, NULL, &lim, &err), 7);
	assert_true(nested_released);
	g_thread_join(t);
}

static int allocate_100_mib(void *arg)
{
	char *p = malloc((size_t)100 << 20);

	(void)arg;
	if (!p)
		return 42;
	memset(p, 1, (size_t)100 << 20);
	free(p);
	return 0;
}

/* The address-space limit counts beyond what the worker inherits: a parent
 * holding 600 MiB still gets a worker that may take 100 MiB of its 512. */
static void sandbox__memory_limit_counts_from_inherited(void **state)
{
	struct sandbox_limits lim = { 10, (size_t)512 << 20, 20, 0 };
	struct doc_error err = { 0 };
	char *held;

	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	skip(); /* no address-space limit under AddressSanitizer */
#endif
	held = malloc((size_t)600 << 20);
	assert_non_null(held);
	held[0] = 1;
	assert_int_equal(sandbox_run(allocate_100_mib, NULL, &lim, &err), 0);
	assert_int_not_equal(sandbox_run(allocate_too_much, NULL, &lim, &err), 0);
	free(held);
}

/* A long-lived worker's CPU budget: the parent reads what it has used and
 * lets it use one second more; past that it gets SIGXCPU. */
static void sandbox__cpu_budget_of_a_running_worker(void **state)
{
	struct sandbox_limits lim = { 0, 0, 0, 0 };
	struct doc_error err = { 0 };
	double used;
	int pid, st, i;

	(void)state;
	pid = sandbox_start(spin, NULL, &lim, &err);
	assert_true(pid > 0);
	usleep(300000);
	used = sandbox_cpu_seconds(pid);
	assert_true(used >= 0);
	assert_true(sandbox_vm_size(pid) > 0);
	assert_int_equal(sandbox_cpu_budget(pid, 1, used), 0);
	for (i = 0; i < 600 && waitpid(pid, &st, WNOHANG) == 0; i++)
		usleep(50000);
	if (i == 600) {
		sandbox_kill(pid);
		waitpid(pid, &st, 0);
		fail_msg("the worker outlived its CPU budget");
	}
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGXCPU);
	assert_true(sandbox_cpu_seconds(pid) < 0); /* gone */
}

/* One message format for every worker: what is sent is read back whole,
 * tabs, line ends and backslashes in the text included, over a pipe. */
static void sandbox__messages_round_trip(void **state)
{
	struct sandbox_msg m;
	const char *cur;
	char buf[1024];
	ssize_t n;
	int fds[2], lines;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(sandbox_msg_send(fds[1], SANDBOX_MSG_ERROR, 4, "extract",
					  "page 3:\tbad\nstream \\x"), 0);
	assert_int_equal(sandbox_msg_send(fds[1], SANDBOX_MSG_WARNING, 0, NULL,
					  "page 4 has no text layer; a\tb"), 0);
	assert_int_equal(sandbox_msg_send(fds[1], SANDBOX_MSG_OK, 0, NULL, NULL), 0);
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	close(fds[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	/* one line per message */
	for (cur = buf, lines = 0; (cur = strchr(cur, '\n')); cur++)
		lines++;
	assert_int_equal(lines, 3);
	cur = buf;
	assert_int_equal(sandbox_msg_next(&cur, &m), 1);
	assert_int_equal(m.kind, SANDBOX_MSG_ERROR);
	assert_int_equal(m.code, 4);
	assert_string_equal(m.stage, "extract");
	assert_string_equal(m.text, "page 3:\tbad\nstream \\x");
	sandbox_msg_release(&m);
	assert_int_equal(sandbox_msg_next(&cur, &m), 1);
	assert_int_equal(m.kind, SANDBOX_MSG_WARNING);
	assert_string_equal(m.text, "page 4 has no text layer; a\tb");
	sandbox_msg_release(&m);
	assert_int_equal(sandbox_msg_next(&cur, &m), 1);
	assert_int_equal(m.kind, SANDBOX_MSG_OK);
	assert_null(m.text);
	assert_int_equal(sandbox_msg_next(&cur, &m), 0);
	/* the old tagged lines and junk are not messages */
	cur = "E4 page 3\n1extract\tbad\nerror\tx\tstage\ttext\n";
	assert_int_equal(sandbox_msg_next(&cur, &m), -1);
	assert_int_equal(sandbox_msg_next(&cur, &m), -1);
	assert_int_equal(sandbox_msg_next(&cur, &m), -1);
	assert_int_equal(sandbox_msg_next(&cur, &m), 0);
	/* a message without a final line end */
	cur = "ok";
	assert_int_equal(sandbox_msg_next(&cur, &m), 1);
	assert_int_equal(m.kind, SANDBOX_MSG_OK);
	assert_int_equal(sandbox_msg_next(&cur, &m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sandbox__exit_status_passes_through),
		cmocka_unit_test(sandbox__crash_is_a_reason),
		cmocka_unit_test(sandbox__cpu_limit),
		cmocka_unit_test(sandbox__wall_clock_limit),
		cmocka_unit_test(sandbox__memory_limit),
		cmocka_unit_test(sandbox__memory_limit_counts_from_inherited),
		cmocka_unit_test(sandbox__fork_waits_for_the_gate),
		cmocka_unit_test(sandbox__gate_thread_and_nested_enter),
		cmocka_unit_test(sandbox__death_causes),
		cmocka_unit_test(sandbox__cpu_budget_of_a_running_worker),
		cmocka_unit_test(sandbox__messages_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
