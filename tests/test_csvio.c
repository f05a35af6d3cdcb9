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
#include <fcntl.h>
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

/* Rows copied from another file land between the rows written. */
static void csvio__copy_appends_rows_of_a_file(void **state)
{
	struct doc_error err = { 0 };
	char *src = g_build_filename(tmpdir, "src.csv", NULL);
	char *path = g_build_filename(tmpdir, "copy.csv", NULL);
	struct csv_out *c;
	gchar *got = NULL;
	int fd;

	(void)state;
	assert_true(g_file_set_contents(src, "h\nb,1\nc,2\nd,3\n", -1, NULL));
	fd = open(src, O_RDONLY);
	assert_true(fd >= 0);
	c = csv_out_open(path, 0, &err);
	assert_non_null(c);
	csv_out_line(c, "h");
	csv_out_raw(c, "a");
	csv_out_end_row(c);
	assert_int_equal(csv_out_tell(c), 4);
	assert_int_equal(csv_out_copy(c, fd, 2, 8), 0);
	assert_int_equal(csv_out_tell(c), 12);
	csv_out_raw(c, "e");
	csv_out_end_row(c);
	/* past the end of the file: an error */
	assert_int_equal(csv_out_copy(c, fd, 10, 100), -1);
	csv_out_abort(c);
	c = csv_out_open(path, 0, &err);
	csv_out_line(c, "h");
	assert_int_equal(csv_out_copy(c, fd, 2, 8), 0);
	csv_out_line(c, "e");
	assert_int_equal(csv_out_commit(c, &err), 0);
	assert_true(g_file_get_contents(path, &got, NULL, NULL));
	assert_string_equal(got, "h\nb,1\nc,2\ne\n");
	close(fd);
	g_free(got);
	g_free(src);
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

/* The definition csv_format_double() computes in integers: the first
 * "%.*g" of 15, 16, 17 digits that strtod() reads back as v. */
static void format_by_definition(char *buf, size_t size, double v)
{
	int prec;

	buf[0] = '\0';
	for (prec = 15; prec <= 17 && !isnan(v) && !isinf(v); prec++) {
		snprintf(buf, size, "%.*g", prec, v == 0 ? 0.0 : v);
		if (strtod(buf, NULL) == v)
			break;
	}
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void check_format(double v)
{
	char a[64], b[64];

	format_by_definition(a, sizeof(a), v);
	csv_format_double(b, sizeof(b), v);
	if (strcmp(a, b))
		fail_msg("%a: \"%s\", by definition \"%s\"", v, b, a);
}

static void csvio__double_matches_its_definition(void **state)
{
	uint64_t s = 88172645463325252ULL;
	double edge[] = { 1e-5, 9.999999999999999e-6, 1e15, 999999999999999.9, 0x1p52,
			  0x1p-16, 123456789012345.5, 123456789012346.5, 0.1, 1.0 / 3 };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		check_format(edge[i]);
		check_format(-edge[i]);
		check_format(nextafter(edge[i], 0));
		check_format(nextafter(edge[i], 1e300));
	}
	for (i = 0; i < 100000; i++) {
		uint64_t r = xorshift(&s);
		double w, base = (double)(xorshift(&s) % 900000000000000ULL + 100000000000000ULL);

		/* probabilities, statistics, short decimals, ties at digit 15 or 16 */
		check_format(1 - pow(2, -(double)(r % 100000) / 1000.0));
		check_format(log((double)(r % 100000 + 1)) / (double)(xorshift(&s) % 1000 + 1));
		check_format((double)(r % 100000000) / pow(10, (double)(xorshift(&s) % 25)));
		check_format(ldexp((double)(xorshift(&s) >> 11), (int)(r % 120) - 100));
		check_format(base + 0.5);
		check_format(base / 100 + 0.125);
		check_format(ldexp(1.0, (int)(r % 80) - 40) * (1 + (double)(xorshift(&s) % 4) * 0x1p-52));
		memcpy(&w, &r, sizeof(w));
		check_format(w);
	}
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
	assert_int_equal(csv_in_line(c), 4); /* the file line: row 2 took two */
	assert_int_equal(csv_in_row(c), 3);
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
	assert_non_null(strstr(err.msg, "bad.csv:2: malformed CSV"));
	csv_in_close(c);
	g_free(path);
}


/* Writes len bytes to NAME, reads every row; returns the last csv_in_next
 * result, with err and the number of rows read; width: check it. */
static int read_all(const char *name, const char *bytes, size_t len, int width,
		    size_t limit, struct doc_error *err, size_t *rows, GString *out)
{
	char *path = g_build_filename(tmpdir, name, NULL);
	struct csv_in *c;
	char **f;
	size_t n, i;
	int r;

	memset(err, 0, sizeof(*err));
	assert_true(g_file_set_contents(path, bytes, (gssize)len, NULL));
	c = csv_in_open(path, err);
	assert_non_null(c);
	if (width)
		csv_in_check_width(c);
	if (limit)
		csv_in_set_limits(c, limit, limit, 2 * limit, 4);
	*rows = 0;
	while ((r = csv_in_next(c, &f, &n, err)) > 0) {
		(*rows)++;
		for (i = 0; out && i < n; i++)
			g_string_append_printf(out, "%s%s", i ? "|" : "", f[i]);
		if (out)
			g_string_append_printf(out, "@%zu\n", csv_in_line(c));
	}
	assert_int_equal(csv_in_next(c, &f, &n, err), r); /* it stays */
	csv_in_close(c);
	g_free(path);
	return r;
}

#define READ(name, lit, width, limit, err, rows, out) \
	read_all(name, lit, sizeof(lit) - 1, width, limit, err, rows, out)

static void csvio__more_fields_than_header_names_the_line(void **state)
{
	struct doc_error err;
	size_t rows;
	GString *out = g_string_new(NULL);

	(void)state;
	/* row 3 starts on line 4: the quoted field of row 2 spans two lines */
	assert_int_equal(READ("wide.csv", "id,text\n1,\"two\nlines\"\n2,fine\n3,x,extra\n",
			      1, 0, &err, &rows, out), -1);
	assert_int_equal(rows, 3);
	assert_non_null(strstr(err.msg, "wide.csv:5: 3 fields, but the header has 2"));
	assert_string_equal(out->str, "id|text@1\n1|two\nlines@2\n2|fine@4\n");
	/* fewer fields are the caller's business; without the check, more too */
	assert_int_equal(READ("narrow.csv", "a,b,c\n1\n1,2,3,4\n", 0, 0, &err, &rows, NULL), 0);
	assert_int_equal(rows, 3);
	g_string_free(out, TRUE);
}

static void csvio__nul_and_invalid_utf8_name_the_line(void **state)
{
	struct doc_error err;
	size_t rows;

	(void)state;
	assert_int_equal(READ("nul.csv", "id,text\n1,ok\n2,a\0b\n", 1, 0, &err, &rows, NULL), -1);
	assert_int_equal(rows, 2);
	assert_non_null(strstr(err.msg, "nul.csv:3: NUL byte"));
	/* inside a quoted field that spans lines: the line of the byte */
	assert_int_equal(READ("utf8.csv", "id,text\n1,\"caf\xc3\xa9\nand \xff\"\n",
			      1, 0, &err, &rows, NULL), -1);
	assert_int_equal(rows, 1);
	assert_non_null(strstr(err.msg, "utf8.csv:3: not valid UTF-8 (byte 5 of the line)"));
	/* an overlong encoding and a lone continuation byte are refused too */
	assert_int_equal(READ("over.csv", "a\n\xc0\xaf\n", 0, 0, &err, &rows, NULL), -1);
	assert_non_null(strstr(err.msg, "over.csv:2: not valid UTF-8"));
	/* UTF-16 without its mark shows up as NUL bytes, and says so */
	assert_int_equal(READ("nobom.csv", "i\0d\0\n\0", 0, 0, &err, &rows, NULL), -1);
	assert_non_null(strstr(err.msg, "nobom.csv:1: NUL byte (UTF-16 without"));
}

static void csvio__utf16_is_decoded(void **state)
{
	/* "id,text\r\n1,caf\u00e9 \U0001F600\r\n2,\"x\r\ny\"\r\n" in UTF-16 */
	static const char le[] =
		"\xFF\xFE" "i\0d\0,\0t\0e\0x\0t\0\r\0\n\0" "1\0,\0c\0a\0f\0\xe9\0 \0"
		"\x3d\xd8\x00\xde" "\r\0\n\0" "2\0,\0\"\0x\0\r\0\n\0y\0\"\0\r\0\n\0";
	char be[sizeof(le)];
	struct doc_error err;
	size_t rows, i;
	GString *out = g_string_new(NULL);
	const char *want = "id|text@1\n1|caf\xc3\xa9 \xf0\x9f\x98\x80@2\n2|x\r\ny@3\n";

	(void)state;
	assert_int_equal(read_all("le.csv", le, sizeof(le) - 1, 1, 0, &err, &rows, out), 0);
	assert_string_equal(out->str, want);
	for (i = 0; i + 1 < sizeof(le) - 1; i += 2) {
		be[i] = le[i + 1];
		be[i + 1] = le[i];
	}
	g_string_truncate(out, 0);
	assert_int_equal(read_all("be.csv", be, sizeof(le) - 1, 1, 0, &err, &rows, out), 0);
	assert_string_equal(out->str, want);
	/* a lone surrogate on line 2, and a file cut inside a character */
	assert_int_equal(READ("bad16.csv", "\xFF\xFE" "a\0\n\0" "\x3d\xd8" "b\0\n\0",
			      0, 0, &err, &rows, NULL), -1);
	assert_non_null(strstr(err.msg, "bad16.csv:2: not valid UTF-16"));
	assert_int_equal(READ("cut16.csv", "\xFF\xFE" "a\0\n\0b", 0, 0, &err, &rows, NULL), -1);
	assert_non_null(strstr(err.msg, "not valid UTF-16"));
	g_string_free(out, TRUE);
}

static void csvio__limits_bound_lines_fields_and_rows(void **state)
{
	struct doc_error err;
	size_t rows;
	GString *big = g_string_new("id,text\n1,");

	(void)state;
	/* limits of 16 bytes a line and a field, 32 a row, 4 fields */
	assert_int_equal(READ("line.csv", "id,text\n1,0123456789abcdefg\n", 0, 16,
			      &err, &rows, NULL), -1);
	assert_non_null(strstr(err.msg, "line.csv:2: line longer than 16 bytes"));
	assert_int_equal(READ("field.csv", "id,text\n1,\"0123456\n89abcdef\nxyz\"\n", 0, 16,
			      &err, &rows, NULL), -1);
	assert_non_null(strstr(err.msg, "field.csv:3: a field is longer than 16 bytes"));
	assert_int_equal(READ("fields.csv", "a,b\n1,2,3,4,5\n", 0, 16, &err, &rows, NULL), -1);
	assert_non_null(strstr(err.msg, "fields.csv:2: a row has more than 4 fields"));
	assert_int_equal(READ("row.csv", "a,b\n\"0123456789a\n\",\"0123456789a\n\",\"0123456789a\n\"\n",
			      0, 16, &err, &rows, NULL), -1);
	assert_non_null(strstr(err.msg, "row.csv:4: a row is longer than 32 bytes"));
	/* the default: a 17 MiB line is refused without reading it whole */
	while (big->len < (17u << 20))
		g_string_append(big, "word word word word word word word word ");
	g_string_append(big, "\n");
	assert_int_equal(read_all("big.csv", big->str, big->len, 1, 0, &err, &rows, NULL), -1);
	assert_non_null(strstr(err.msg, "big.csv:2: line longer than 16777216 bytes"));
	g_string_free(big, TRUE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csvio__quotes_and_guards_text),
		cmocka_unit_test(csvio__abort_leaves_no_file),
		cmocka_unit_test(csvio__copy_appends_rows_of_a_file),
		cmocka_unit_test(csvio__double_round_trips),
		cmocka_unit_test(csvio__double_matches_its_definition),
		cmocka_unit_test(csvio__reads_rows_with_bom_and_quotes),
		cmocka_unit_test(csvio__malformed_input_is_an_error),
		cmocka_unit_test(csvio__more_fields_than_header_names_the_line),
		cmocka_unit_test(csvio__nul_and_invalid_utf8_name_the_line),
		cmocka_unit_test(csvio__utf16_is_decoded),
		cmocka_unit_test(csvio__limits_bound_lines_fields_and_rows),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
