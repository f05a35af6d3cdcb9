/*
 * The word list: one word a line, read once into an open-addressing table
 * (linear probing on lexicon_hash(), at most half full) of keys that are
 * NUL-terminated strings of one buffer. A key carries two flags, for the two readings
 * of the list:
 *
 * - WL_WORD, the dehyphenation reading (wordlist_has): every entry
 *   lower-cased; possessives ("aardvark's") are skipped, they are never the
 *   joined half of a break;
 * - WL_LOWER, the names reading (wordlist_has_lower, names.h): only entries
 *   written without an ASCII capital ("Noah" is in the list as a name,
 *   "noah" is not), each up to its first apostrophe ("child's" is
 *   tokenized as "child").
 *
 * One read of the file serves both, so the names counter of a run does not
 * read the list a second time.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <glib.h>
#include "util.h"
#include "lexicon.h"
#include "wordlist.h"
#include "sources.h"
#include "banned.h"

#define WORDLIST_MAX ((size_t)64 << 20)
#define HUGE_PAGE ((size_t)2 << 20)

enum { WL_WORD = 1, WL_LOWER = 2 };
#define REF_FLAGS 27 /* a slot's ref: (offset + 1) | flags << REF_FLAGS */

struct wl_slot {
	uint32_t hash; /* low bits of lexicon_hash() */
	uint32_t ref;  /* 0: empty; else the key, text + offset, NUL-terminated */
};

static struct wl_slot *slots;
static size_t nr_slots; /* a power of two */
static char *text;
static char *loaded_path; /* the file the list came from */
static int tried;
static char fingerprint[65] = "none";
/* Loading is once per process, from whichever thread first needs it
 * (run's reduce beside the batch); the batch loads it before it forks a
 * worker, so no worker is forked in the middle of it. */
static GMutex load_lock;
static gint done; /* set (atomically) once the load is over */
static struct stat list_st; /* the file's, before it was read */
static int have_list_st;

static const char *default_path(void)
{
	const char *path = g_getenv("REVMINE_WORDLIST");

	return path ? path : WORDLIST_DEFAULT;
}

/*
 * n zeroed bytes that live as long as the process, asked for in huge pages
 * where the kernel gives them on request (transparent huge pages in
 * "madvise" mode): the list and its table are some 3 MB written once, and
 * one fault per 2 MB instead of one per 4 kB is most of the cost of
 * loading them. Elsewhere (or when mmap fails) ordinary zeroed memory.
 */
static void *lasting_zalloc(size_t n)
{
	size_t len = (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	char *m = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *a;
	size_t head;

	if (m == MAP_FAILED)
		return xcalloc(1, n);
	a = (char *)(((uintptr_t)m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	head = (size_t)(a - m);
	if (head)
		munmap(m, head);
	munmap(a + len, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
	madvise(a, len, MADV_HUGEPAGE);
#endif
	return a;
}

/* The file at path into lasting memory (NUL-terminated); 0 or -1. */
static int read_list(const char *path, char **out, size_t *out_len)
{
	struct stat st;
	size_t len = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		gchar *g = NULL;
		gsize glen = 0;

		close(fd);
		/* a pipe or a device: read as GLib reads it */
		if (!g_file_get_contents(path, &g, &glen, NULL))
			return -1;
		*out = g;
		*out_len = glen;
		return 0;
	}
	if ((size_t)st.st_size > WORDLIST_MAX) {
		close(fd);
		return -1;
	}
	list_st = st;
	have_list_st = 1;
	buf = lasting_zalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + len, (size_t)st.st_size - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			close(fd);
			return -1; /* the buffer stays: a failed load is not retried */
		}
		if (!r)
			break;
		len += (size_t)r;
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	*out_len = len;
	return 0;
}

static int key_is(const struct wl_slot *s, uint32_t h, const char *w, size_t len)
{
	const char *k = text + (s->ref & ((1u << REF_FLAGS) - 1)) - 1;

	return s->hash == h && !memcmp(k, w, len) && !k[len];
}

static const struct wl_slot *find(const char *w, size_t len)
{
	uint64_t h = lexicon_hash(w, len);
	size_t mask = nr_slots - 1, i;

	for (i = h & mask; slots[i].ref; i = (i + 1) & mask)
		if (key_is(&slots[i], (uint32_t)h, w, len))
			return &slots[i];
	return NULL;
}

/* Adds the key w[0..len), NUL-terminated in text, with flag. */
static void add(const char *w, size_t len, unsigned flag)
{
	uint64_t h = lexicon_hash(w, len);
	size_t mask = nr_slots - 1, i;

	for (i = h & mask; slots[i].ref; i = (i + 1) & mask)
		if (key_is(&slots[i], (uint32_t)h, w, len)) {
			slots[i].ref |= flag << REF_FLAGS;
			return;
		}
	slots[i].hash = (uint32_t)h;
	slots[i].ref = (uint32_t)(w - text + 1) | flag << REF_FLAGS;
}

static int load_locked(const char *path)
{
	size_t len = 0, lines = 1;
	char *p, *line;

	if (tried)
		return slots ? 0 : -1;
	tried = 1;
	if (!path)
		path = default_path();
	if (!*path || read_list(path, &text, &len))
		return -1;
	if (len > WORDLIST_MAX || !g_utf8_validate(text, (gssize)len, NULL)) {
		text = NULL; /* lasting memory, or GLib's: not worth freeing */
		return -1;
	}
	{
		gchar *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
							 (const guchar *)text, len);

		g_strlcpy(fingerprint, sum, sizeof(fingerprint));
		g_free(sum);
	}
	for (p = text; (p = memchr(p, '\n', len - (size_t)(p - text))); p++)
		lines++;
	for (nr_slots = 1024; nr_slots < 2 * lines; nr_slots *= 2)
		;
	slots = lasting_zalloc(nr_slots * sizeof(*slots));
	loaded_path = xstrdup(path);
	/* valid UTF-8 of len bytes has no NUL: the text ends at text[len] */
	for (line = p = text; *p; line = p) {
		char *nl = strchr(line, '\n'), *apos, *c;
		size_t n;
		int upper = 0;

		p = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		if (!*line)
			continue;
		n = (size_t)((nl ? nl : p) - line);
		for (c = line; *c; c++)
			if (*c >= 'A' && *c <= 'Z')
				upper = 1;
		apos = memchr(line, '\'', n);
		if (apos) {
			if (!upper) {
				*apos = '\0'; /* the key ends there */
				add(line, (size_t)(apos - line), WL_LOWER);
			}
			continue;
		}
		for (c = line; *c; c++)
			if (!((unsigned char)*c & 0x80))
				*c = g_ascii_tolower(*c);
		add(line, n, upper ? WL_WORD : WL_WORD | WL_LOWER);
	}
	return 0;
}

int wordlist_load(const char *path)
{
	if (!g_atomic_int_get(&done)) {
		g_mutex_lock(&load_lock);
		load_locked(path);
		g_mutex_unlock(&load_lock);
		g_atomic_int_set(&done, 1);
	}
	return slots ? 0 : -1;
}

int wordlist_has(const char *w, size_t len)
{
	char buf[128];
	const struct wl_slot *s;
	size_t i;

	if (!g_atomic_int_get(&done))
		wordlist_load(NULL);
	if (!slots || !len || len >= sizeof(buf))
		return 0;
	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)w[i] & 0x80 ? w[i] : g_ascii_tolower(w[i]);
	buf[len] = '\0';
	s = find(buf, len);
	return s && (s->ref >> REF_FLAGS & WL_WORD);
}

int wordlist_serves(const char *path)
{
	if (!path)
		return 0;
	if (!g_atomic_int_get(&done) && !strcmp(path, default_path()))
		wordlist_load(NULL);
	return slots && !strcmp(path, loaded_path);
}

int wordlist_has_lower(const char *w)
{
	const struct wl_slot *s = slots ? find(w, strlen(w)) : NULL;

	return s && (s->ref >> REF_FLAGS & WL_LOWER);
}

const char *wordlist_fingerprint(void)
{
	if (!g_atomic_int_get(&done))
		wordlist_load(NULL);
	return fingerprint;
}

const char *wordlist_fingerprint_memo(struct hash_memo *m)
{
	static char remembered[65];
	const char *path = default_path();
	struct source s;
	struct stat st;

	if (!m || !*path || g_atomic_int_get(&done))
		return wordlist_fingerprint();
	memset(&s, 0, sizeof(s));
	s.path = g_strconcat("\\wordlist:", path, NULL);
	s.status = SOURCE_PENDING;
	if (!stat(path, &st) && S_ISREG(st.st_mode)) {
		source_set_stat(&s, &st);
		if (hash_memo_take(m, &s)) {
			memcpy(remembered, s.sha256, sizeof(remembered));
			g_free(s.path);
			return remembered;
		}
	}
	/* read now; remembered only when it loaded (so it is valid UTF-8) */
	if (!wordlist_load(NULL) && have_list_st && strlen(fingerprint) == 64) {
		memcpy(s.sha256, fingerprint, sizeof(s.sha256));
		hash_memo_note(m, &s, &list_st);
	}
	g_free(s.path);
	return fingerprint;
}
