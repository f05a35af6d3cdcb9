/*
 * manifest.json. GLib has no JSON writer, and the document is small and
 * flat, so it is printed here with a string escaper that follows RFC 8259
 * (quote, backslash and control characters escaped; UTF-8 passed through).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <time.h>
#include <glib.h>
#include "util.h"
#include "manifest.h"
#include "version.h"
#include "csvio.h"
#include "banned.h"

static void json_str(FILE *f, const char *str)
{
	char *esc = str && !g_utf8_validate(str, -1, NULL) ? escape_name(str) : NULL;
	const char *s = esc ? esc : str;

	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
	free(esc);
}

static void kv_str(FILE *f, const char *k, const char *v, int last)
{
	fprintf(f, "  ");
	json_str(f, k);
	fputs(": ", f);
	if (v)
		json_str(f, v);
	else
		fputs("null", f);
	fputs(last ? "\n" : ",\n", f);
}

static void write_body(FILE *f, const struct manifest *m)
{
	const struct reduce_counts *c = m->counts;
	size_t i, n = 0;
	int k;

	fputs("{\n", f);
	kv_str(f, "revmine_version", REVMINE_VERSION, 0);
	kv_str(f, "command", m->command, 0);
	kv_str(f, "date", m->date, 0);
	fputs("  \"arguments\": [", f);
	for (k = 1; k < m->argc; k++) {
		if (k > 1)
			fputs(", ", f);
		json_str(f, m->argv[k]);
	}
	fputs("],\n", f);
	fprintf(f, "  \"jobs\": %d,\n", m->jobs);
	kv_str(f, "codebook", m->codebook, 0);
	kv_str(f, "codebook_sha256", m->codebook_hash, 0);
	kv_str(f, "stopwords", m->stopwords, 0);
	kv_str(f, "stopwords_sha256", m->stopwords_hash, 0);
	kv_str(f, "model", m->model, 0);
	kv_str(f, "model_sha256", m->model_hash, 0);
	kv_str(f, "configuration", m->config, 0);
	fprintf(f, "  \"document_rule\": {\"min_lr\": %u, \"min_any\": %u},\n",
		m->min_lr, m->min_any);
	fprintf(f, "  \"counts\": {\"documents\": %zu, \"ok\": %zu, \"warning\": %zu, "
		"\"error\": %zu, \"unsupported_skipped\": %zu, \"pages\": %lu, "
		"\"passages\": %lu, \"tokens\": %lu, \"terms\": %lu},\n",
		m->sources->nr, c->ok, c->warning, c->error, m->unsupported,
		c->pages, c->passages, c->tokens, c->terms);
	fprintf(f, "  \"timings_seconds\": {\"map\": %.3f, \"reduce\": %.3f, \"total\": %.3f},\n",
		m->seconds_map, m->seconds_reduce, m->seconds_total);
	/* the parent's own peak (its threads; not the workers'), in MiB */
	fprintf(f, "  \"peak_rss_mib\": %.1f,\n", m->peak_rss_mib);
	/* unchanged documents the reduce took from its state, not their records */
	fprintf(f, "  \"documents_from_reduce_state\": %zu,\n", c->from_state);
	fputs("  \"failed\": [", f);
	for (i = 0; i < m->sources->nr; i++) {
		const struct source *s = &m->sources->items[i];

		if (s->status != SOURCE_ERROR)
			continue;
		fputs(n++ ? ",\n    {" : "\n    {", f);
		fputs("\"doc_id\": ", f);
		json_str(f, s->doc_id);
		fputs(", \"path\": ", f);
		json_str(f, s->path);
		fputs(", \"stage\": ", f);
		json_str(f, s->stage ? s->stage : "");
		fputs(", \"message\": ", f);
		json_str(f, s->message ? s->message : "");
		fputc('}', f);
	}
	fputs(n ? "\n  ],\n" : "],\n", f);
	fputs("  \"outputs\": [\"documents.csv\", \"passages.csv\", \"passage_themes.csv\", "
	      "\"doc_theme_matrix.csv\", \"doc_term_counts.csv\", \"doc_term_matrix.csv\", "
	      "\"vocabulary.csv\", \"theme_cooccurrence.csv\", \"theme_pairs.csv\", "
	      "\"theme_prevalence.csv\", \"theme_terms.csv\", \"term_pairs.csv\", \"quotes.csv\", \"theme_by_group.csv\", "
	      "\"report.html\"", f);
	fputs(m->xlsx ? ", \"revmine.xlsx\"]\n" : "]\n", f);
	fputs("}\n", f);
}

time_t manifest_now(void)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");

	return sde && *sde ? (time_t)strtoll(sde, NULL, 10) : time(NULL);
}

void manifest_date(char *buf, size_t size)
{
	time_t t = manifest_now();
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int manifest_write(const char *outdir, const struct manifest *m,
		   struct doc_error *err)
{
	char *path = g_build_filename(outdir, "manifest.json", NULL);
	char *tmp = xstrfmt("%s.tmp.%ld", path, (long)getpid());
	FILE *f = fopen(tmp, "w");
	int rc = 0;

	if (!f) {
		rc = doc_error_set(err, "write", DOC_ERR_IO, "cannot write '%s': %s",
				   tmp, strerror(errno));
		goto out;
	}
	write_body(f, m);
	if (fflush(f) || ferror(f) || fsync(fileno(f))) {
		rc = doc_error_set(err, "write", DOC_ERR_IO, "cannot write '%s': %s",
				   tmp, strerror(errno));
	}
	fclose(f);
	if (!rc)
		rc = csv_commit_file(tmp, path, err);
	if (rc)
		unlink(tmp);
out:
	g_free(path);
	free(tmp);
	return rc;
}
