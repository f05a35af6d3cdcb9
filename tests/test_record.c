/* Document records: a round trip keeps everything; damage is detected. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <zlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "record.h"

static char *ids[] = { "assessment", "neglect", "escalation" };

static void fill(struct passage_list *l)
{
	struct passage *p;

	passage_list_init(l);
	p = passage_list_add(l, 1, PASSAGE_HEADING, "", "Key learning");
	p = passage_list_add(l, 2, PASSAGE_ITEM, "Key learning",
			     "- tabs\tand\nnewlines \\ kept");
	p->type = TYPE_LEARNING;
	p->ocr = 1;
	p->type_score = 0.75;
	p->tokens = 5;
	p->nr_labels = 2;
	p->labels = calloc(2, sizeof(*p->labels));
	p->labels[0].theme = 0;
	p->labels[0].score = 1.5;
	p->labels[0].evidence = g_strdup("assess -> assessments");
	p->labels[1].theme = 2;
	p->labels[1].score = 2.0 / 3.0;
	p->labels[1].evidence = g_strdup("escal -> escalation; x");
	p->nr_terms = 4;
	p->terms = calloc(4, sizeof(*p->terms));
	p->terms[0].term = g_strdup("tab");
	p->terms[0].surface = g_strdup("tabs");
	p->terms[0].count = 3;
	p->terms[1].term = g_strdup("babi");
	p->terms[1].surface = g_strdup("baby");
	p->terms[1].count = 1;
	p->terms[2].term = g_strdup("kept");
	p->terms[2].surface = g_strdup("kept");
	p->terms[2].count = 1;
	p->terms[3].term = g_strdup("new\tl");
	p->terms[3].surface = g_strdup("new\tline\\");
	p->terms[3].count = 2;
}

/* Writes len bytes of text to path in gzip, as records are stored. */
static void put_gzip(const char *path, const char *text, size_t len)
{
	gzFile gz = gzopen(path, "wb");

	assert_non_null(gz);
	assert_int_equal(gzwrite(gz, text, (unsigned)len), (int)len);
	assert_int_equal(gzclose(gz), Z_OK);
}

/* The inflated text of the record at path (g_free). */
static char *get_gzip(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	char *buf = g_malloc(1 << 20);
	int n;

	assert_non_null(gz);
	n = gzread(gz, buf, 1 << 20);
	assert_true(n > 0);
	gzclose(gz);
	buf[n < (1 << 20) ? n : (1 << 20) - 1] = '\0';
	*len = (size_t)n;
	return buf;
}

static void record__round_trip(void **state)
{
	char *dir = g_dir_make_tmp("revmine-rec-XXXXXX", NULL);
	char *path = g_build_filename(dir, "r.rec", NULL);
	struct passage_list in, out;
	struct record_meta m = { 7, "page 4 has no text layer" }, m2;
	struct doc_error err = { 0 };

	(void)state;
	fill(&in);
	assert_int_equal(record_write(path, "cfg", &m, &in, ids, 3, &err), 0);
	passage_list_init(&out);
	if (record_read(path, "cfg", &m2, &out, ids, 3, &err))
		fail_msg("%s", err.msg);
	assert_int_equal(m2.pages, 7);
	assert_string_equal(m2.warnings, "page 4 has no text layer");
	assert_int_equal(out.nr, 2);
	assert_int_equal(out.items[0].kind, PASSAGE_HEADING);
	assert_int_equal(out.items[0].ocr, 0);
	assert_int_equal(out.items[1].ocr, 1);
	assert_string_equal(out.items[1].text, "- tabs\tand\nnewlines \\ kept");
	assert_string_equal(out.items[1].section, "Key learning");
	assert_int_equal(out.items[1].type, TYPE_LEARNING);
	assert_true(out.items[1].type_score == 0.75);
	assert_int_equal(out.items[1].nr_labels, 2);
	assert_int_equal(out.items[1].labels[1].theme, 2);
	assert_true(out.items[1].labels[1].score == 2.0 / 3.0);
	assert_string_equal(out.items[1].labels[1].evidence, "escal -> escalation; x");
	/* surfaces as the term's ending, as themselves, and whole */
	assert_int_equal(out.items[1].nr_terms, 4);
	assert_int_equal(out.items[1].terms[0].count, 3);
	assert_string_equal(out.items[1].terms[0].term, "tab");
	assert_string_equal(out.items[1].terms[0].surface, "tabs");
	assert_string_equal(out.items[1].terms[1].term, "babi");
	assert_string_equal(out.items[1].terms[1].surface, "baby");
	assert_string_equal(out.items[1].terms[2].term, "kept");
	assert_string_equal(out.items[1].terms[2].surface, "kept");
	assert_string_equal(out.items[1].terms[3].term, "new\tl");
	assert_string_equal(out.items[1].terms[3].surface, "new\tline\\");
	assert_int_equal(out.items[1].terms[3].count, 2);
	free(m2.warnings);
	passage_list_release(&out);

	/* another configuration is not read */
	passage_list_init(&out);
	assert_int_equal(record_read(path, "other", &m2, &out, ids, 3, &err), -1);
	passage_list_release(&out);
	/* a theme the reader does not know is an error */
	passage_list_init(&out);
	assert_int_equal(record_read(path, "cfg", &m2, &out, ids, 2, &err), -1);
	free(m2.warnings);
	passage_list_release(&out);
	passage_list_release(&in);
	g_remove(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}

static void record__truncated_is_an_error(void **state)
{
	char *dir = g_dir_make_tmp("revmine-rec-XXXXXX", NULL);
	char *path = g_build_filename(dir, "r.rec", NULL);
	struct passage_list in, out;
	struct record_meta m = { 1, NULL }, m2;
	struct doc_error err = { 0 };
	char *s;
	gsize len;

	(void)state;
	fill(&in);
	assert_int_equal(record_write(path, "cfg", &m, &in, ids, 3, &err), 0);
	/* the file cut short */
	assert_true(g_file_get_contents(path, &s, &len, NULL));
	assert_true(g_file_set_contents(path, s, (gssize)(len - 4), NULL));
	passage_list_init(&out);
	assert_int_equal(record_read(path, "cfg", &m2, &out, ids, 3, &err), -1);
	assert_non_null(strstr(err.msg, "truncated"));
	free(m2.warnings);
	passage_list_release(&out);
	g_free(s);
	/* whole gzip, its text cut inside the end line */
	s = get_gzip(path, &len);
	put_gzip(path, s, len - 10);
	passage_list_init(&out);
	assert_int_equal(record_read(path, "cfg", &m2, &out, ids, 3, &err), -1);
	assert_non_null(strstr(err.msg, "truncated"));
	free(m2.warnings);
	passage_list_release(&out);
	passage_list_release(&in);
	g_free(s);
	g_remove(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}

/* Writes text as a record whose end line carries the right checksum. */
static void put_signed(const char *path, const char *text)
{
	char *all = g_strdup_printf("%send\t%08lx\n", text,
				    crc32(0, (const Bytef *)text, (uInt)strlen(text)));

	put_gzip(path, all, strlen(all));
	g_free(all);
}

/* This build's record version, as written in a record's first line. */
#define V G_STRINGIFY(RECORD_VERSION)

static int reads(const char *path, struct doc_error *err)
{
	struct passage_list out;
	struct record_meta m;
	int rc;

	passage_list_init(&out);
	rc = record_read(path, "cfg", &m, &out, ids, 3, err);
	free(m.warnings);
	passage_list_release(&out);
	return rc;
}

/* Edited records are refused: a flipped byte fails the checksum; numbers
 * out of range and a second meta line are damage even when re-signed. */
static void record__edits_are_refused(void **state)
{
	char *dir = g_dir_make_tmp("revmine-rec-XXXXXX", NULL);
	char *path = g_build_filename(dir, "r.rec", NULL);
	struct passage_list in;
	struct record_meta m = { 1, NULL };
	struct doc_error err = { 0 };
	const char *head = "revmine-record\t" V "\tcfg\nm\t1\t\n";
	const char *bad[] = {
		"p\t-5\tparagraph\tcontext\t0\t3\t0\t\tsome text\n",
		"p\t1\tparagraph\tcontext\tnan\t3\t0\t\tsome text\n",
		"p\t1\tparagraph\tcontext\t0\t3\t0\t\tsome text\nt\tx\tx\t99999999999\n",
		"p\t1\tparagraph\tcontext\t0\t3\t0\t\tsome text\ns\tx\t\t0\n",
		"p\t1\tparagraph\tcontext\t0\t3\t0\t\tsome text\ns\tx\t1\n",
		"p\t1\tparagraph\tcontext\t0\t3x\t0\t\tsome text\n",
		"p\t1\tparagraph\tcontext\t0\t3\t2\t\tsome text\n",
		"m\t2\twarn\n",
	};
	char *s;
	gsize len, i;

	(void)state;
	fill(&in);
	assert_int_equal(record_write(path, "cfg", &m, &in, ids, 3, &err), 0);
	assert_int_equal(reads(path, &err), 0);
	/* a flipped text byte, gzip made again */
	s = get_gzip(path, &len);
	s[strlen("revmine-record\t" V "\tcfg\nm\t1\t\np\t1\theading\tcontext\t0\t0\t0\t\tK")] ^= 0x20;
	put_gzip(path, s, len);
	assert_int_equal(reads(path, &err), -1);
	assert_non_null(strstr(err.msg, "checksum"));
	g_free(s);
	/* a flipped byte of the compressed file */
	assert_int_equal(record_write(path, "cfg", &m, &in, ids, 3, &err), 0);
	assert_true(g_file_get_contents(path, &s, &len, NULL));
	s[len / 2] ^= 0x55;
	assert_true(g_file_set_contents(path, s, (gssize)len, NULL));
	assert_int_equal(reads(path, &err), -1);
	g_free(s);
	/* plain text, even a well-signed record, is not a record */
	assert_true(g_file_set_contents(path, "revmine-record\t" V "\tcfg\n", -1, NULL));
	assert_int_equal(reads(path, &err), -1);
	assert_non_null(strstr(err.msg, "not gzip"));
	for (i = 0; i < G_N_ELEMENTS(bad); i++) {
		char *text = g_strconcat(head, bad[i], NULL);

		put_signed(path, text);
		assert_int_equal(reads(path, &err), -1);
		assert_non_null(strstr(err.msg, "damaged"));
		g_free(text);
	}
	put_signed(path, "revmine-record\t" V "\tcfg\nm\t1\t\np\t1\tparagraph\tcontext\t0\t3\t1\t\tsome text\n");
	assert_int_equal(reads(path, &err), 0);
	/* a record of version 3 (no ocr field), well formed and signed, is
	 * not read as this version: it is rebuilt */
	put_signed(path, "revmine-record\t3\tcfg\nm\t1\t\np\t1\tparagraph\tcontext\t0\t3\t\tsome text\n");
	assert_int_equal(reads(path, &err), -1);
	assert_non_null(strstr(err.msg, "another version"));
	passage_list_release(&in);
	g_remove(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}

/* Records of other versions, well formed and signed, are refused rather
 * than read as this version: the plain-text records of version 4 and
 * before, and gzip ones of any other number. */
static void record__other_versions_are_refused(void **state)
{
	char *dir = g_dir_make_tmp("revmine-rec-XXXXXX", NULL);
	char *path = g_build_filename(dir, "r.rec", NULL);
	const char *body = "m\t1\t\np\t1\tparagraph\tcontext\t0\t3\t0\t\tsome text\n";
	struct doc_error err = { 0 };
	char *text, *sum, *all;
	int v;

	(void)state;
	for (v = 1; v <= RECORD_VERSION + 1; v++) {
		text = g_strdup_printf("revmine-record\t%d\tcfg\n%s", v, body);
		put_signed(path, text);
		if (v == RECORD_VERSION) {
			assert_int_equal(reads(path, &err), 0);
		} else {
			assert_int_equal(reads(path, &err), -1);
			assert_non_null(strstr(err.msg, "another version"));
		}
		g_free(text);
	}
	/* "4x", "" and "-4" are no version */
	put_signed(path, "revmine-record\t" V "x\tcfg\nm\t1\t\n");
	assert_int_equal(reads(path, &err), -1);
	put_signed(path, "revmine-record\t\tcfg\nm\t1\t\n");
	assert_int_equal(reads(path, &err), -1);
	put_signed(path, "revmine-record\t-" V "\tcfg\nm\t1\t\n");
	assert_int_equal(reads(path, &err), -1);
	/* a version 4 record as it was written (with its ocr flag): plain text, signed */
	text = g_strdup_printf("revmine-record\t4\tcfg\n%s", body);
	sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
	all = g_strdup_printf("%send\t%s\n", text, sum);
	assert_true(g_file_set_contents(path, all, -1, NULL));
	assert_int_equal(reads(path, &err), -1);
	assert_non_null(strstr(err.msg, "not gzip"));
	g_free(all);
	g_free(sum);
	g_free(text);
	g_remove(path);
	g_rmdir(dir);
	g_free(path);
	g_free(dir);
}

/* A record handed over in memory (a memfd) and stored by the parent is
 * the same file, byte for byte, as the worker's record_write; its text
 * reads back as the file does, and damage to it is refused the same way;
 * a handed-over record counts against the room until released. */
static void record__handed_over_is_the_same_record(void **state)
{
	char *dir = g_dir_make_tmp("revmine-rec-XXXXXX", NULL);
	char *path = g_build_filename(dir, "r.rec", NULL);
	char *path2 = g_build_filename(dir, "m.rec", NULL);
	struct passage_list in, out;
	struct record_meta m = { 7, "page 4 has no text layer" }, m2;
	struct doc_error err = { 0 };
	char *a, *b, *text, *copy;
	gsize alen, blen;
	struct stat st;
	int fd = -1, i;

	(void)state;
	fill(&in);
	assert_int_equal(record_write(path, "cfg", &m, &in, ids, 3, &err), 0);
	assert_int_equal(record_write_mem(path2, &fd, "cfg", &m, &in, ids, 3, &err), 0);
	assert_false(g_file_test(path2, G_FILE_TEST_EXISTS)); /* handed over, not written */
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	text = record_mem_text(fd, (long long)st.st_size, &err);
	assert_non_null(text);
	assert_int_equal(strlen(text), (size_t)st.st_size);
	/* the text is the file's, inflated */
	a = get_gzip(path, &alen);
	assert_int_equal(alen, (size_t)st.st_size);
	assert_memory_equal(a, text, alen);
	g_free(a);
	assert_int_equal(record_store_text(path2, text, (size_t)st.st_size, &err), 0);
	assert_true(g_file_get_contents(path, &a, &alen, NULL));
	assert_true(g_file_get_contents(path2, &b, &blen, NULL));
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	g_free(a);
	g_free(b);
	/* parsed in place, it reads as the file does */
	copy = g_memdup2(text, (gsize)st.st_size + 1);
	passage_list_init(&out);
	if (record_parse_text("m.rec", copy, (size_t)st.st_size, "cfg", &m2, &out, ids, 3,
			      &err))
		fail_msg("%s", err.msg);
	assert_int_equal(m2.pages, 7);
	assert_string_equal(m2.warnings, "page 4 has no text layer");
	assert_int_equal(out.nr, 2);
	assert_string_equal(out.items[1].text, "- tabs\tand\nnewlines \\ kept");
	assert_string_equal(out.items[1].terms[3].surface, "new\tline\\");
	assert_true(out.items[1].labels[1].score == 2.0 / 3.0);
	free(m2.warnings);
	passage_list_release(&out);
	g_free(copy);
	/* a flipped byte fails the checksum; a cut text is truncated */
	copy = g_memdup2(text, (gsize)st.st_size + 1);
	copy[40] ^= 0x20;
	passage_list_init(&out);
	assert_int_equal(record_parse_text("m.rec", copy, (size_t)st.st_size, "cfg", &m2, &out,
					   ids, 3, &err), -1);
	assert_non_null(strstr(err.msg, "checksum"));
	assert_non_null(strstr(err.msg, "m.rec"));
	passage_list_release(&out);
	g_free(copy);
	copy = g_memdup2(text, (gsize)st.st_size + 1);
	copy[st.st_size - 5] = '\0';
	passage_list_init(&out);
	assert_int_equal(record_parse_text("m.rec", copy, (size_t)st.st_size - 5, "cfg", &m2,
					   &out, ids, 3, &err), -1);
	assert_non_null(strstr(err.msg, "truncated"));
	passage_list_release(&out);
	g_free(copy);
	free(text);
	/* a text too long to hold goes to the file, as record_write writes it */
	{
		struct passage_list big;
		char *huge = g_malloc(RECORD_MEM_MAX_TEXT + 2);
		int bfd = 0;

		memset(huge, 'a', RECORD_MEM_MAX_TEXT + 1);
		huge[RECORD_MEM_MAX_TEXT + 1] = '\0';
		passage_list_init(&big);
		passage_list_add(&big, 1, PASSAGE_PARAGRAPH, "", huge);
		g_remove(path2);
		assert_int_equal(record_write_mem(path2, &bfd, "cfg", &m, &big, ids, 3, &err), 0);
		assert_int_equal(bfd, -1);
		passage_list_init(&out);
		assert_int_equal(record_read(path2, "cfg", &m2, &out, ids, 3, &err), 0);
		assert_int_equal(out.nr, 1);
		assert_int_equal(strlen(out.items[0].text), RECORD_MEM_MAX_TEXT + 1);
		free(m2.warnings);
		passage_list_release(&out);
		passage_list_release(&big);
		g_free(huge);
	}
	/* room: RECORD_MEM_MAX_DOCS held fill it; released, it is back */
	assert_true(record_mem_room());
	for (i = 0; i < RECORD_MEM_MAX_DOCS; i++)
		record_mem_hold(dup(fd), 10);
	assert_false(record_mem_room());
	{
		size_t n, k;
		int *fds = record_mem_fds(&n);

		assert_int_equal(n, RECORD_MEM_MAX_DOCS);
		for (k = 0; k < n; k++)
			record_mem_release(fds[k], 10);
		free(fds);
	}
	assert_true(record_mem_room());
	record_mem_hold(dup(fd), RECORD_MEM_MAX_BYTES);
	assert_false(record_mem_room());
	{
		size_t n;
		int *fds = record_mem_fds(&n);

		assert_int_equal(n, 1);
		record_mem_release(fds[0], RECORD_MEM_MAX_BYTES);
		free(fds);
	}
	assert_true(record_mem_room());
	close(fd);
	passage_list_release(&in);
	g_remove(path);
	g_remove(path2);
	g_rmdir(dir);
	g_free(path);
	g_free(path2);
	g_free(dir);
}

static void record__name_joins_hashes(void **state)
{
	char *n = record_name("ab", "0123456789abcdef0123");

	(void)state;
	assert_string_equal(n, "ab-0123456789abcdef.rec");
	free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(record__round_trip),
		cmocka_unit_test(record__truncated_is_an_error),
		cmocka_unit_test(record__edits_are_refused),
		cmocka_unit_test(record__other_versions_are_refused),
		cmocka_unit_test(record__handed_over_is_the_same_record),
		cmocka_unit_test(record__name_joins_hashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
