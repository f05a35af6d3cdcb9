/* CSV writing (quoting, formula guard, numbers, atomic rename) and reading. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <cmocka.h>
#include <glib.h>
#include "csvio.h"

static char *tmpdir;

static int setup(void **state)
{
	(void)state;
	tmpdir = g_dir_make_tmp("revmine-csv-XXXXXX", NULL);
	return tmpdir ? 0 : -1;
}

static int teardown(void **state)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);

	(void)state;
	if (system(cmd) != 0)
		return -1;
	g_free(cmd);
	g_free(tmpdir);
	return 0;
}

static char *slurp(const char *path)
{
	char *s = NULL;

	assert_true(g_file_get_contents(path, &s, NULL, NULL));
	return s;
}

static void csvio__quotes_and_guards_text(void **state)
{
	struct doc_error err = { 0 };
	char *path = g_build_filename(tmpdir, "a.csv", NULL);
	struct csv_out *c = csv_out_open(path, 0, &err);
	char *s, *tmp;

	(void)state;
	assert_non_null(c);
	csv_out_line(c, "a,b,c,d,e");
	csv_out_text(c, "plain");
	csv_out_text(c, "with, comma");
	csv_out_text(c, "say \"hi\"\nnext");
	csv_out_text(c, "=SUM(A1)");
	csv_out_text(c, "-4 items");
	csv_out_end_row(c);
	csv_out_int(c, -3);
	csv_out_double(c, 0.1);
	csv_out_double(c, NAN);
	csv_out_p(c, 1.234567e-12);
	csv_out_double(c, 1.0 / 3.0);
	csv_out_end_row(c);
	/* nothing visible under the final name until commit */
	assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
	tmp = g_strdup_printf("%s.tmp.%ld", path, (long)getpid());
	assert_true(g_file_test(tmp, G_FILE_TEST_EXISTS));
	assert_int_equal(csv_out_commit(c, &err), 0);
	assert_false(g_file_test(tmp, G_FILE_TEST_EXISTS));
	s = slurp(path);
	assert_string_equal(s,
		"a,b,c,d,e\n"
		"plain,\"with, comma\",\"say \"\"hi\"\"\nnext\",\"'=SUM(A1)\",\"'-4 items\"\n"
		"-3,0.1,,1.23457e-12,0.3333333333333333\n");
	g_free(s);
	g_free(tmp);
	g_free(path);
}

static void csvio__abort_leaves_no_file(void **state)
{
	struct doc_error err = { 0 };
	char *path = g_build_filename(tmpdir, "b.csv", NULL);
	struct csv_out *c = csv_out_open(path, 1, &err);

	(void)state;
	csv_out_text(c, "x");
	csv_out_abort(c);
	assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
	g_free(path);
}

static void csvio__double_round_trips(void **state)
{
	char buf[64];
	double v[] = { 0.1, 1e-300, 123456789.123, -2.5, 3.0, 0.0 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		assert_true(strtod(csv_format_double(buf, sizeof(buf), v[i]), NULL) == v[i]);
	assert_string_equal(csv_format_double(buf, sizeof(buf), -0.0), "0");
	assert_string_equal(csv_format_double(buf, sizeof(buf), 3.0), "3");
	assert_string_equal(csv_format_double(buf, sizeof(buf), 10.0), "10");
	assert_string_equal(csv_format_double(buf, sizeof(buf), 0.000125), "0.000125");
	assert_string_equal(csv_format_double(buf, sizeof(buf), 2.5e-9), "2.5e-09");
	assert_string_equal(csv_format_double(buf, sizeof(buf), 1e20), "1e+20");
}

static void csvio__reads_rows_with_bom_and_quotes(void **state)
{
	char *path = g_build_filename(tmpdir, "in.csv", NULL);
	struct doc_error err = { 0 };
	struct csv_in *c;
	char **f;
	size_t n;

	(void)state;
	assert_true(g_file_set_contents(path,
		"\xEF\xBB\xBFid,text\r\n1,\"multi\r\nline, quoted\"\r\n2, spaced \r\n", -1, NULL));
	c = csv_in_open(path, &err);
	assert_non_null(c);
	assert_int_equal(csv_in_next(c, &f, &n, &err), 1);
	assert_int_equal(n, 2);
	assert_string_equal(f[0], "id");
	assert_int_equal(csv_in_next(c, &f, &n, &err), 1);
	assert_string_equal(f[1], "multi\r\nline, quoted");
	assert_int_equal(csv_in_next(c, &f, &n, &err), 1);
	assert_string_equal(f[1], " spaced ");
	assert_int_equal(csv_in_line(c), 3);
	assert_int_equal(csv_in_next(c, &f, &n, &err), 0);
	csv_in_close(c);
	g_free(path);
}

static void csvio__malformed_input_is_an_error(void **state)
{
	char *path = g_build_filename(tmpdir, "bad.csv", NULL);
	struct doc_error err = { 0 };
	struct csv_in *c;
	char **f;
	size_t n;

	(void)state;
	assert_true(g_file_set_contents(path, "a,b\n1,\"never closed\n", -1, NULL));
	c = csv_in_open(path, &err);
	assert_int_equal(csv_in_next(c, &f, &n, &err), 1);
	assert_int_equal(csv_in_next(c, &f, &n, &err), -1);
	assert_non_null(strstr(err.msg, "row 2"));
	csv_in_close(c);
	g_free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csvio__quotes_and_guards_text),
		cmocka_unit_test(csvio__abort_leaves_no_file),
		cmocka_unit_test(csvio__double_round_trips),
		cmocka_unit_test(csvio__reads_rows_with_bom_and_quotes),
		cmocka_unit_test(csvio__malformed_input_is_an_error),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
