/*
 * The batch loop, over a pool of up to `jobs` long-lived workers. A worker
 * is a fork (sandbox.c) made once and fed documents one after another over
 * a SOCK_SEQPACKET socket: each job is the document's descriptor (opened
 * and hashed by the parent, passed with SCM_RIGHTS) and where to write its
 * record; the worker runs extract -> segment -> analyze, writes the record
 * and answers with a message (sandbox.h): "ok", or "error" with a reason.
 * Its warm state (poppler once it has read a PDF, fontconfig, the stem
 * cache) lives on, and the pages copied after fork are copied once per
 * worker, not once per document.
 *
 * Isolation per document stays with the parent: before each job it gives
 * the worker a CPU budget (soft RLIMIT_CPU = used so far + the limit, so
 * SIGXCPU past it) and watches the wall clock and, as a backstop, the CPU
 * time itself; the address-space limit is the worker's. A worker that
 * crashes or is killed for a limit costs its current document an error row
 * (the reason from its wait status) and is replaced by a fresh one for the
 * next; a worker is also retired after limits.max_docs documents or once
 * half its address space is in use. The parent waits with poll() on the
 * busy workers' sockets (a dead worker's socket reads as closed) with a
 * timeout that enforces the limits. Records are named by content and
 * configuration, so a document already analysed under the same
 * configuration is taken from the records folder without a worker.
 */
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <glib.h>
#include "util.h"
#include "batch.h"
#include "analyze.h"
#include "extract.h"
#include "segment.h"
#include "record.h"
#include "store.h"
#include "wordlist.h"
#include "version.h"
#include "ocr.h"
#include "csvio.h"
#include "banned.h"

#define MSG_MAX 4096

/* What a pool worker needs; fork gives it its own copy. */
struct pool {
	struct analyzer *a;
	const char *config;
	char **ids;
	size_t nth;
	int sock;        /* the worker's end of its socket */
	int *close_fds;  /* descriptors of the parent the worker must not keep */
	size_t nr_close;
	const char *fault; /* REVMINE_TEST_FAULT, or NULL */
};

struct slot {
	int pid;         /* the worker, or -1 */
	int fd;          /* the parent's end of its socket */
	unsigned served; /* documents handed to it */
	int busy;        /* working on l->items[idx] */
	size_t idx;
	double start;    /* when the document was handed over */
	double cpu0;     /* the worker's CPU seconds then */
	size_t vm0;      /* its address space when it started (inherited) */
	int in_memory;   /* its record is to be handed over (record.h) */
};

/* The SHA-256 of the file at path (hex, into out[65]), from m when the
 * file's stat is the one remembered there under key: 0, or -1. */
static int file_sha256(const char *path, const char *key, struct hash_memo *m,
		       char out[65])
{
	struct source s;
	struct stat st;
	int fd, rc;

	memset(&s, 0, sizeof(s));
	s.path = (char *)key;
	s.status = SOURCE_PENDING;
	if (m && !stat(path, &st) && S_ISREG(st.st_mode)) {
		source_set_stat(&s, &st);
		if (hash_memo_take(m, &s)) {
			memcpy(out, s.sha256, 65);
			return 0;
		}
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	rc = fstat(fd, &st) || source_hash_fd(&s, fd) ? -1 : 0;
	close(fd);
	free(s.stage);
	free(s.message);
	if (rc)
		return -1;
	hash_memo_note(m, &s, &st);
	memcpy(out, s.sha256, 65);
	return 0;
}

char *batch_config_hash(const struct analyzer *a, struct hash_memo *m)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);
	char exe[65], *r;

	g_checksum_update(ck, (const guchar *)analyzer_config_hash(a), -1);
	g_checksum_update(ck, (const guchar *)REVMINE_VERSION, -1);
	g_checksum_update(ck, (const guchar *)wordlist_fingerprint_memo(m), -1);
	g_checksum_update(ck, (const guchar *)ocr_fingerprint(), -1);
	/* The binary itself (its SHA-256): a rebuilt extractor must not
	 * reuse old records. */
	if (!file_sha256("/proc/self/exe", "\\program", m, exe))
		g_checksum_update(ck, (const guchar *)exe, -1);
	r = xstrdup(g_checksum_get_string(ck));
	g_checksum_free(ck);
	return r;
}

/* One document: extract, segment, analyse, write its record; or, when
 * mem_fd is given, hand the record over in a memfd put there (record.h),
 * -1 when it went to record_path after all. */
static int process(const struct pool *p, int doc_fd, const char *format,
		   const char *record_path, int *mem_fd, struct doc_error *err)
{
	struct doc_text t;
	struct passage_list ps;
	struct record_meta m;
	int rc = -1;

	doc_text_init(&t);
	passage_list_init(&ps);
	/* poppler set up at the first PDF, not for a batch of text */
	if (!strcmp(format, "pdf"))
		extract_pdf_keep_warm(1);
	if (extract_fd(doc_fd, *format ? format : NULL, &t, err))
		goto out;
	segment_lines(&t, &ps);
	/* a document of blank pages is a warning, not an error */
	if (!ps.nr && !(t.pages > 0 && t.blank_pages == t.pages)) {
		doc_error_set(err, "extract", DOC_ERR_EMPTY, "no text%s%s",
			      t.warnings ? ": " : "", t.warnings ? t.warnings : "");
		goto out;
	}
	analyze_document(p->a, ps.items, ps.nr);
	m.pages = t.pages;
	m.warnings = t.warnings;
	if (record_write_mem(record_path, mem_fd, p->config, &m, &ps, p->ids, p->nth, err))
		goto out;
	rc = 0;
out:
	passage_list_release(&ps);
	doc_text_release(&t);
	return rc;
}

/* REVMINE_TEST_FAULT="KIND:NAME[,KIND:NAME...]": the worker given the
 * document whose file name is NAME crashes (crash), burns CPU (spin) or
 * hangs (hang). For the tests of worker deaths and limits only. */
static void test_fault(const char *fault, const char *path)
{
	const char *base = strrchr(path, '/');
	char **v = g_strsplit(fault, ",", -1);
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; v[i]; i++) {
		char *colon = strchr(v[i], ':');
		volatile unsigned long spin = 0;

		if (!colon || strcmp(colon + 1, base))
			continue;
		*colon = '\0';
		if (!strcmp(v[i], "crash"))
			raise(SIGSEGV);
		else if (!strcmp(v[i], "spin"))
			for (;;)
				spin++;
		else if (!strcmp(v[i], "hang"))
			for (;;)
				pause();
	}
	g_strfreev(v);
}

/* A job is one packet: "FORMAT\0RECORD-PATH\0PATH\0HOW\0" with the
 * document's descriptor attached (SCM_RIGHTS); HOW is "file" (write the
 * record) or "memory" (hand it over, record.h). The answer is one packet, a
 * message in sandbox.h's format: ok (record written, or its memfd
 * attached) or error. */
#define JOB_MAX (3 * 4096 + 64)

/* One packet of len bytes with descriptor fd attached (SCM_RIGHTS). */
static int send_with_fd(int sock, const char *msg, size_t len, int fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { (void *)msg, len };
	struct msghdr mh = { 0 };
	struct cmsghdr *c;
	ssize_t n;

	memset(&cm, 0, sizeof(cm));
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof(cm.b);
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)iov.iov_len ? 0 : -1;
}

/* recvmsg() of one packet into buf and the descriptor it may carry (*fd,
 * else -1; close-on-exec). */
static ssize_t recv_with_fd(int sock, char *buf, size_t size, int flags, int *fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} cm;
	struct iovec iov = { buf, size };
	struct msghdr mh = { 0 };
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = cm.b;
	mh.msg_controllen = sizeof(cm.b);
	n = recvmsg(sock, &mh, flags | MSG_CMSG_CLOEXEC);
	for (c = n >= 0 ? CMSG_FIRSTHDR(&mh) : NULL; c; c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	return n;
}

static int pool_worker(void *arg)
{
	const struct pool *p = arg;
	char *buf = xmalloc(JOB_MAX + 1);
	size_t i;

	for (i = 0; i < p->nr_close; i++)
		close(p->close_fds[i]);
	for (;;) {
		struct doc_error err = { 0 };
		const char *format, *record_path, *path, *how;
		ssize_t n;
		int doc_fd, mem_fd = -1, rc;

		n = recv_with_fd(p->sock, buf, JOB_MAX, 0, &doc_fd);
		if (n <= 0 && doc_fd >= 0)
			close(doc_fd);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* the parent closed its end: no more documents */
		buf[n] = '\0';
		format = buf;
		record_path = format + strlen(format) + 1;
		path = record_path < buf + n ? record_path + strlen(record_path) + 1 : buf + n;
		how = path < buf + n ? path + strlen(path) + 1 : buf + n;
		if (doc_fd < 0 || how >= buf + n) {
			doc_error_set(&err, "worker", DOC_ERR_IO, "damaged job");
			rc = -1;
		} else {
			if (p->fault)
				test_fault(p->fault, path);
			rc = process(p, doc_fd, format, record_path,
				     !strcmp(how, "memory") ? &mem_fd : NULL, &err);
		}
		if (doc_fd >= 0)
			close(doc_fd);
		/* one packet: the answer in sandbox.h's message format */
		if (!rc && mem_fd >= 0) {
			char *msg = sandbox_msg_format(SANDBOX_MSG_OK, 0, NULL, NULL);

			rc = send_with_fd(p->sock, msg, strlen(msg), mem_fd);
			free(msg);
			close(mem_fd);
			mem_fd = -1;
			if (rc)
				break;
		} else if (rc ? sandbox_msg_send(p->sock, SANDBOX_MSG_ERROR, err.code, err.stage,
						 err.msg) :
				sandbox_msg_send(p->sock, SANDBOX_MSG_OK, 0, NULL, NULL)) {
			break;
		}
	}
	free(buf);
	extract_pdf_keep_warm(0);
	/* The analyzer is not freed: it is the parent's, still reachable
	 * from here for a leak checker, and freeing it would only copy the
	 * pages it touches. */
	ocr_shutdown();
	return 0;
}

/* Opens s and hashes it, noting the hash in m (may be NULL) under the
 * descriptor's stat from before the read: the descriptor, or -1 with s
 * set to error. */
static int open_hashed(struct source *s, struct hash_memo *m)
{
	struct stat st;
	int fd = source_open(s), have;

	if (fd < 0)
		return -1;
	have = !fstat(fd, &st);
	if (source_hash_fd(s, fd)) {
		close(fd);
		return -1;
	}
	if (have)
		hash_memo_note(m, s, &st);
	return fd;
}

static void progress(const struct batch_options *o, size_t done, size_t total,
		     double start, int final)
{
	double el = now_seconds() - start;

	if (o->on_progress)
		o->on_progress(o->ctx, done, total, el > 0 ? (double)done / el : 0, final);
}

static void tell(const struct batch_options *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void tell(const struct batch_options *o, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!o->on_message)
		return;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	o->on_message(o->ctx, msg);
	g_free(msg);
}

/* Document idx is done with: the batch touches it no more. */
static void final(const struct batch_options *o, size_t idx)
{
	if (o->on_final)
		o->on_final(o->final_ctx, idx);
}

static void report_failure(const struct batch_options *o, struct source *s,
			   const char *stage, const char *msg)
{
	source_set_error(s, stage, msg);
	tell(o, "skipping '%s': %s: %s", s->path, stage, msg);
}

/* Starts a worker in slot k; extra_fd (or -1) is a descriptor of the
 * parent's the worker must not keep. */
static int spawn(struct slot *slots, size_t jobs, size_t k, struct pool *p,
		 const struct batch_options *o, int extra_fd, struct doc_error *err)
{
	struct sandbox_limits wl = o->limits;
	size_t i, n = 0, nh;
	int *held, *fds;
	int sv[2], pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return doc_error_set(err, "worker", DOC_ERR_IO, "socketpair: %s", strerror(errno));
	/* after the socket is made, so no number listed can be the worker's
	 * end (one released meanwhile only names a copy the worker does not
	 * need) */
	held = record_mem_fds(&nh);
	fds = xcalloc(jobs + 2 + nh, sizeof(*fds));
	for (i = 0; i < jobs; i++)
		if (i != k && slots[i].pid >= 0)
			fds[n++] = slots[i].fd;
	fds[n++] = sv[0];
	if (extra_fd >= 0)
		fds[n++] = extra_fd;
	/* records held for reduce are not the worker's */
	memcpy(fds + n, held, nh * sizeof(*fds));
	n += nh;
	free(held);
	p->sock = sv[1];
	p->close_fds = fds;
	p->nr_close = n;
	/* CPU and wall-clock limits are per document, set by the parent;
	 * the address-space limit is the worker's. */
	wl.cpu_seconds = 0;
	wl.wall_seconds = 0;
	/* loaded once, before the first worker, and shared by every one; a
	 * batch of cached records loads none */
	wordlist_load(NULL);
	pid = sandbox_start(pool_worker, p, &wl, err);
	close(sv[1]);
	free(fds);
	p->close_fds = NULL;
	if (pid < 0) {
		close(sv[0]);
		return -1;
	}
	slots[k].pid = pid;
	slots[k].fd = sv[0];
	slots[k].served = 0;
	slots[k].busy = 0;
	slots[k].vm0 = sandbox_vm_size(pid);
	return 0;
}

/* Lets the worker end (it exits when its socket closes) and reaps it. */
static void retire(struct slot *sl)
{
	int st;

	close(sl->fd);
	while (waitpid((pid_t)sl->pid, &st, 0) < 0 && errno == EINTR)
		;
	sl->pid = -1;
	sl->fd = -1;
	sl->busy = 0;
}

static int send_job(int sock, int doc_fd, const struct source *s, const char *record_path,
		    int in_memory)
{
	GString *job = g_string_new(NULL);
	int rc;

	g_string_append(job, s->format ? s->format : "");
	g_string_append_c(job, '\0');
	g_string_append(job, record_path);
	g_string_append_c(job, '\0');
	g_string_append(job, s->path);
	g_string_append_c(job, '\0');
	g_string_append(job, in_memory ? "memory" : "file");
	g_string_append_c(job, '\0');
	if (job->len > JOB_MAX) {
		g_string_free(job, TRUE);
		errno = ENAMETOOLONG;
		return -1;
	}
	rc = send_with_fd(sock, job->str, job->len, doc_fd);
	g_string_free(job, TRUE);
	return rc;
}

/* The worker in sl died on its document: the reason from its wait status,
 * with the CPU time of this document alone. */
static void worker_died(struct slot *sl, struct source *s, const struct batch_options *o)
{
	struct doc_error err = { 0 };
	struct rusage ru;
	double cpu;
	int st, rc;

	while (wait4((pid_t)sl->pid, &st, 0, &ru) < 0 && errno == EINTR)
		;
	close(sl->fd);
	cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_stime.tv_sec +
	      1e-6 * (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) - sl->cpu0;
	if (cpu < 0)
		cpu = 0;
	ru.ru_utime.tv_sec = (time_t)cpu;
	ru.ru_utime.tv_usec = (suseconds_t)((cpu - (double)(time_t)cpu) * 1e6);
	ru.ru_stime.tv_sec = 0;
	ru.ru_stime.tv_usec = 0;
	rc = sandbox_status_usage(st, &ru, &o->limits, &err);
	if (rc < 0) {
		report_failure(o, s, err.stage, err.msg);
	} else {
		char *m = xstrfmt("worker ended without a result (exit status %d)", rc);
		report_failure(o, s, "worker", m);
		free(m);
	}
	sl->pid = -1;
	sl->fd = -1;
	sl->busy = 0;
}

/* Kills the worker in sl for a limit its document went past. */
static void worker_killed(struct slot *sl, struct source *s, const char *why,
			  const struct batch_options *o)
{
	int st;

	sandbox_kill(sl->pid);
	while (waitpid((pid_t)sl->pid, &st, 0) < 0 && errno == EINTR)
		;
	close(sl->fd);
	report_failure(o, s, "worker", why);
	sl->pid = -1;
	sl->fd = -1;
	sl->busy = 0;
}

/* The worker's answer about its document (a message, sandbox.h): 0 when
 * the record is written, or handed over in mem_fd (taken here). */
static int answer(struct slot *sl, struct source *s, const char *msg, int mem_fd,
		  const struct batch_options *o)
{
	struct sandbox_msg m;
	int r = sandbox_msg_next(&msg, &m), rc = -1;
	struct stat st;

	sl->busy = 0;
	if (r > 0 && m.kind == SANDBOX_MSG_OK)
		rc = 0;
	else if (r > 0 && m.kind == SANDBOX_MSG_ERROR)
		report_failure(o, s, m.stage, m.text);
	else
		report_failure(o, s, "worker", "worker failed without a reason");
	sandbox_msg_release(&m);
	if (!rc)
		s->status = SOURCE_OK;
	if (mem_fd >= 0) {
		if (!rc && sl->in_memory && !fstat(mem_fd, &st)) {
			record_mem_hold(mem_fd, (long long)st.st_size);
			s->record_fd = mem_fd;
			s->record_bytes = (long long)st.st_size;
			s->in_memory = 1;
		} else {
			/* not asked for, or not readable: the record is
			 * missing, and reduce has the document analysed again */
			close(mem_fd);
		}
	}
	return rc;
}

int batch_run(struct source_list *l, struct analyzer *a, const char *config,
	      const struct batch_options *o, size_t shard, size_t shards)
{
	size_t nth = analyzer_nr_themes(a), i, next = 0, done = 0, total = 0;
	size_t running = 0, jobs = o->jobs > 0 ? (size_t)o->jobs : 1;
	unsigned max_docs = o->limits.max_docs ? o->limits.max_docs : 1;
	char **ids = xcalloc(nth + 1, sizeof(*ids));
	struct slot *slots = xcalloc(jobs, sizeof(*slots));
	struct pollfd *pfd = xcalloc(jobs, sizeof(*pfd));
	size_t *pslot = xcalloc(jobs, sizeof(*pslot));
	double start = now_seconds(), last_draw = 0;
	struct pool pool = { a, config, ids, nth, -1, NULL, 0, getenv("REVMINE_TEST_FAULT") };
	int stop = 0;

	if (pool.fault && !*pool.fault)
		pool.fault = NULL;
	for (i = 0; i < nth; i++)
		ids[i] = (char *)analyzer_theme_id(a, i);
	for (i = 0; i < jobs; i++) {
		slots[i].pid = -1;
		slots[i].fd = -1;
	}
	for (i = 0; i < l->nr; i++)
		if (i % shards == shard && l->items[i].status == SOURCE_PENDING)
			total++;
	g_mkdir_with_parents(o->records_dir, 0777);

	while (!stop || running) {
		size_t k, nfd = 0;

		/* Hand documents to idle workers; cached ones need none. */
		while (!stop && running < jobs && next < l->nr) {
			struct source *s = &l->items[next];
			struct doc_error err = { 0 };
			size_t idx = next++;
			char *name, *path;
			struct doc_error rerr = { 0 };
			int fd, tries, hit;

			if (idx % shards != shard || s->status != SOURCE_PENDING)
				continue;
			/* the hash remembered for the file's stat, or the file's */
			fd = -1;
			if (!hash_memo_take(o->hashes, s) && (fd = open_hashed(s, o->hashes)) < 0) {
				tell(o, "skipping '%s': %s: %s", s->path, s->stage, s->message);
				done++;
				final(o, idx);
				stop = o->strict;
				continue;
			}
			name = record_name(s->sha256, config);
			path = g_build_filename(o->records_dir, name, NULL);
			hit = o->use_cache ? store_lookup(path, config, ids, nth, !o->trust_cache,
							  &rerr) : STORE_MISS;
			if (hit == STORE_DAMAGED) /* made again from the document */
				tell(o, "rebuilding the record of '%s': %s", s->path, rerr.msg);
			if (hit == STORE_HIT) {
				if (fd >= 0)
					close(fd);
				s->record = name;
				s->status = SOURCE_OK;
				g_free(path);
				done++;
				final(o, idx);
				continue;
			}
			if (fd < 0) {
				/* to be analysed: the worker reads what is hashed */
				char was[sizeof(s->sha256)];

				memcpy(was, s->sha256, sizeof(was));
				if ((fd = open_hashed(s, o->hashes)) < 0) {
					tell(o, "skipping '%s': %s: %s", s->path, s->stage, s->message);
					free(name);
					g_free(path);
					done++;
					final(o, idx);
					stop = o->strict;
					continue;
				}
				if (strcmp(was, s->sha256)) { /* changed since it was listed */
					free(name);
					g_free(path);
					name = record_name(s->sha256, config);
					path = g_build_filename(o->records_dir, name, NULL);
				}
			}
			/* the record is this batch's (--no-cache: unless it was there) */
			s->fresh = o->use_cache || access(path, F_OK) != 0;
			for (k = 0; slots[k].busy; k++)
				;
			/* A worker that died while idle (killed from outside) is
			 * replaced once. */
			for (tries = 0; tries < 2; tries++) {
				if (slots[k].pid < 0 && spawn(slots, jobs, k, &pool, o, fd, &err))
					break;
				slots[k].in_memory = o->records_in_memory && record_mem_room();
				if (!send_job(slots[k].fd, fd, s, path, slots[k].in_memory))
					break;
				doc_error_set(&err, "worker", DOC_ERR_IO,
					      "cannot hand the document to a worker: %s", strerror(errno));
				if (slots[k].pid >= 0) {
					sandbox_kill(slots[k].pid);
					retire(&slots[k]);
				}
			}
			close(fd);
			if (slots[k].pid < 0 || tries == 2) {
				report_failure(o, s, err.stage ? err.stage : "worker", err.msg);
				free(name);
				done++;
				final(o, idx);
				stop = o->strict;
			} else {
				struct slot *sl = &slots[k];

				sl->busy = 1;
				sl->idx = idx;
				sl->served++;
				sl->start = now_seconds();
				sl->cpu0 = sandbox_cpu_seconds(sl->pid);
				if (o->limits.cpu_seconds && sl->cpu0 >= 0)
					sandbox_cpu_budget(sl->pid, o->limits.cpu_seconds, sl->cpu0);
				running++;
				s->record = name;
			}
			g_free(path);
		}
		if (next >= l->nr)
			stop = 1;
		if (!running)
			break;

		for (k = 0; k < jobs; k++) {
			if (!slots[k].busy)
				continue;
			pfd[nfd].fd = slots[k].fd;
			pfd[nfd].events = POLLIN;
			pslot[nfd++] = k;
		}
		if (poll(pfd, nfd, 200) < 0 && errno != EINTR)
			BUG("poll: %s", strerror(errno));
		for (i = 0; i < nfd; i++) {
			struct slot *sl = &slots[pslot[i]];
			struct source *s = &l->items[sl->idx];
			char msg[MSG_MAX + 1];
			ssize_t n;
			int failed = 0, mem_fd;

			n = recv_with_fd(sl->fd, msg, MSG_MAX, MSG_DONTWAIT, &mem_fd);
			if (n <= 0 && mem_fd >= 0) {
				int e = errno;

				close(mem_fd);
				errno = e;
			}
			if (n > 0) {
				msg[n] = '\0';
				failed = answer(sl, s, msg, mem_fd, o) < 0;
				if (sl->served >= max_docs ||
				    (o->limits.address_space &&
				     sandbox_vm_size(sl->pid) > sl->vm0 + o->limits.address_space / 2))
					retire(sl); /* a fresh one takes the next document */
			} else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
				worker_died(sl, s, o);
				failed = 1;
			} else {
				double cpu;

				if (o->limits.wall_seconds &&
				    now_seconds() - sl->start > (double)o->limits.wall_seconds) {
					char *m = xstrfmt("worker timed out after %u s",
							  o->limits.wall_seconds);

					worker_killed(sl, s, m, o);
					free(m);
					failed = 1;
				} else if (o->limits.cpu_seconds &&
					   (cpu = sandbox_cpu_seconds(sl->pid)) >= 0 &&
					   cpu - sl->cpu0 > (double)o->limits.cpu_seconds + 5) {
					char *m = xstrfmt("worker exceeded its cpu-time limit (%.0f s)",
							  cpu - sl->cpu0);

					worker_killed(sl, s, m, o);
					free(m);
					failed = 1;
				} else {
					continue;
				}
			}
			if (failed) {
				free(s->record);
				s->record = NULL;
				if (o->strict)
					stop = 1;
			}
			running--;
			done++;
			final(o, sl->idx);
		}
		if (now_seconds() - last_draw > 0.2) {
			progress(o, done, total, start, 0);
			last_draw = now_seconds();
		}
	}
	for (i = 0; i < jobs; i++)
		if (slots[i].pid >= 0)
			retire(&slots[i]);
	progress(o, done, total, start, 1);
	free(ids);
	free(slots);
	free(pfd);
	free(pslot);
	if (o->strict) {
		for (i = 0; i < l->nr; i++)
			if (i % shards == shard && l->items[i].status == SOURCE_ERROR)
				return -1;
	}
	return 0;
}
