/* Input listing: order, regular files only, symlink policy, size limit. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include <glib.h>
#include "sources.h"

static char *dir;

static void put(const char *rel, const char *text)
{
	char *p = g_build_filename(dir, rel, NULL);
	char *d = g_path_get_dirname(p);

	g_mkdir_with_parents(d, 0777);
	assert_true(g_file_set_contents(p, text, -1, NULL));
	g_free(d);
	g_free(p);
}

static int setup(void **state)
{
	char *p, *q;

	(void)state;
	dir = g_dir_make_tmp("revmine-src-XXXXXX", NULL);
	put("b.pdf", "%PDF-1.4");
	put("a.txt", "hello");
	put("sub/c.TXT", "hello again");
	put("notes.odt", "skip me");
	put(".hidden.txt", "hidden");
	put("big.txt", "0123456789012345678901234567890123456789");
	p = g_build_filename(dir, "fifo.pdf", NULL);
	assert_int_equal(mkfifo(p, 0600), 0);
	g_free(p);
	p = g_build_filename(dir, "inside.txt", NULL);
	assert_int_equal(symlink("a.txt", p), 0);
	g_free(p);
	p = g_build_filename(dir, "outside.txt", NULL);
	assert_int_equal(symlink("/etc/passwd", p), 0);
	g_free(p);
	p = g_build_filename(dir, "loop.pdf", NULL);
	assert_int_equal(symlink("loop.pdf", p), 0);
	g_free(p);
	q = g_build_filename(dir, "folder.pdf", NULL);
	mkdir(q, 0777);
	g_free(q);
	return 0;
}

static int teardown(void **state)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", dir);
	int rc = system(cmd);

	(void)state;
	g_free(cmd);
	g_free(dir);
	return rc ? -1 : 0;
}

static struct source *find(struct source_list *l, const char *id)
{
	size_t i;

	for (i = 0; i < l->nr; i++)
		if (!strcmp(l->items[i].doc_id, id))
			return &l->items[i];
	return NULL;
}

static void sources__lists_sorted_with_policy(void **state)
{
	struct source_list l = { 0 };
	char *paths[] = { dir };
	size_t i;

	(void)state;
	sources_collect(paths, 1, 30, &l);
	for (i = 1; i < l.nr; i++)
		assert_true(strcmp(l.items[i - 1].path, l.items[i].path) < 0);
	assert_int_equal(find(&l, "a.txt")->status, SOURCE_PENDING);
	assert_int_equal(find(&l, "b.pdf")->status, SOURCE_PENDING);
	assert_string_equal(find(&l, "b.pdf")->format, "pdf");
	assert_non_null(find(&l, "sub/c.TXT"));
	assert_null(find(&l, ".hidden.txt"));
	assert_null(find(&l, "notes.odt"));
	assert_int_equal(l.unsupported, 1);
	assert_int_equal(find(&l, "fifo.pdf")->status, SOURCE_ERROR);
	assert_string_equal(find(&l, "fifo.pdf")->message, "not a regular file");
	assert_int_equal(find(&l, "inside.txt")->status, SOURCE_PENDING);
	assert_int_equal(find(&l, "outside.txt")->status, SOURCE_ERROR);
	assert_non_null(strstr(find(&l, "outside.txt")->message, "outside"));
	assert_int_equal(find(&l, "loop.pdf")->status, SOURCE_ERROR);
	assert_int_equal(find(&l, "big.txt")->status, SOURCE_ERROR);
	assert_non_null(strstr(find(&l, "big.txt")->message, "too large"));
	source_list_release(&l);
}

static void sources__missing_path_and_explicit_file(void **state)
{
	struct source_list l = { 0 };
	char *missing = g_build_filename(dir, "nope.pdf", NULL);
	char *odt = g_build_filename(dir, "notes.odt", NULL);
	char *a = g_build_filename(dir, "a.txt", NULL);
	char *paths[] = { missing, odt, a, a };

	(void)state;
	sources_collect(paths, 4, 0, &l);
	assert_int_equal(l.nr, 3); /* a.txt once */
	assert_int_equal(find(&l, "nope.pdf")->status, SOURCE_ERROR);
	assert_int_equal(l.missing, 1);
	assert_non_null(strstr(find(&l, "notes.odt")->message, "unsupported"));
	assert_int_equal(source_hash(find(&l, "a.txt")), 0);
	assert_string_equal(find(&l, "a.txt")->sha256,
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
	source_list_release(&l);
	g_free(missing);
	g_free(odt);
	g_free(a);
}

/* A file replaced by a symlink or a FIFO after listing is not followed,
 * and opening never blocks. */
static void sources__swapped_after_listing(void **state)
{
	struct source_list l = { 0 };
	char *sub = g_build_filename(dir, "swap", NULL);
	char *x = g_build_filename(sub, "x.txt", NULL);
	char *y = g_build_filename(sub, "y.txt", NULL);
	char *paths[] = { sub };
	int fd;

	(void)state;
	g_mkdir_with_parents(sub, 0777);
	assert_true(g_file_set_contents(x, "one", -1, NULL));
	assert_true(g_file_set_contents(y, "two", -1, NULL));
	sources_collect(paths, 1, 0, &l);
	assert_int_equal(l.nr, 2);
	unlink(x);
	assert_int_equal(symlink("/etc/passwd", x), 0);
	unlink(y);
	assert_int_equal(mkfifo(y, 0600), 0);
	assert_int_equal(source_open(find(&l, "x.txt")), -1);
	assert_non_null(strstr(find(&l, "x.txt")->message, "symlink"));
	assert_int_equal(source_open(find(&l, "y.txt")), -1);
	assert_string_equal(find(&l, "y.txt")->message, "not a regular file");
	unlink(y);
	assert_true(g_file_set_contents(y, "hello", -1, NULL));
	find(&l, "y.txt")->status = SOURCE_PENDING;
	fd = source_open(find(&l, "y.txt"));
	assert_true(fd >= 0);
	assert_int_equal(source_hash_fd(find(&l, "y.txt"), fd), 0);
	assert_string_equal(find(&l, "y.txt")->sha256,
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
	close(fd);
	source_list_release(&l);
	g_free(x);
	g_free(y);
	g_free(sub);
}

/* The hash memo: a file just written is hashed but not remembered (a
 * second write in the same clock tick would leave its stat as it was);
 * once old enough it is, and its stat is the key; a damaged memo file is
 * empty. */
static void sources__hash_memo(void **state)
{
	char *sub = g_build_filename(dir, "memo", NULL);
	char *f = g_build_filename(sub, "m.txt", NULL);
	char *mp = g_build_filename(dir, "memo.state", NULL);
	char *paths[1] = { sub };
	struct source_list l = { 0 };
	struct hash_memo *m;
	struct stat st;
	gchar *text = NULL;
	int fd;

	(void)state;
	g_mkdir_with_parents(sub, 0777);
	assert_true(g_file_set_contents(f, "hello", -1, NULL));
	sources_collect(paths, 1, 0, &l);
	assert_int_equal(l.nr, 1);
	m = hash_memo_load(mp); /* none yet */
	assert_int_equal(hash_memo_take(m, &l.items[0]), 0);
	fd = source_open(&l.items[0]);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(source_hash_fd(&l.items[0], fd), 0);
	hash_memo_note(m, &l.items[0], &st); /* too fresh: not kept */
	assert_int_equal(hash_memo_write(m, mp), 0);
	hash_memo_free(m);
	m = hash_memo_load(mp);
	assert_int_equal(hash_memo_take(m, &l.items[0]), 0);

	usleep((useconds_t)(HASH_MEMO_MARGIN * 1e6) + 100000);
	hash_memo_note(m, &l.items[0], &st);
	assert_int_equal(hash_memo_write(m, mp), 0);
	hash_memo_free(m);
	close(fd);
	m = hash_memo_load(mp);
	memset(l.items[0].sha256, 0, sizeof(l.items[0].sha256));
	assert_int_equal(hash_memo_take(m, &l.items[0]), 1);
	assert_string_equal(l.items[0].sha256,
		"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
	/* another stat (here: the change time) is another file */
	l.items[0].ctime_ns++;
	assert_int_equal(hash_memo_take(m, &l.items[0]), 0);
	l.items[0].ctime_ns--;
	hash_memo_free(m);

	/* one byte of a hash changed: the checksum fails, nothing is taken */
	assert_true(g_file_get_contents(mp, &text, NULL, NULL));
	text[strlen("revmine-inputs 1\n")] = text[strlen("revmine-inputs 1\n")] == '2' ? '3' : '2';
	assert_true(g_file_set_contents(mp, text, -1, NULL));
	g_free(text);
	m = hash_memo_load(mp);
	assert_int_equal(hash_memo_take(m, &l.items[0]), 0);
	hash_memo_free(m);

	source_list_release(&l);
	g_free(sub);
	g_free(f);
	g_free(mp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sources__lists_sorted_with_policy),
		cmocka_unit_test(sources__missing_path_and_explicit_file),
		cmocka_unit_test(sources__swapped_after_listing),
		cmocka_unit_test(sources__hash_memo),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
