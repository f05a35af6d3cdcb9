/*
 * floor FILE...: the least a poppler-based extractor can do, and so the
 * floor for revmine's speed: one process, every PDF opened with
 * poppler-glib and every page's text read with poppler_page_get_text,
 * nothing else (no glyph boxes, no fonts, no reading order, no analysis).
 * Prints files, pages and characters read; files poppler cannot open are
 * counted and skipped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poppler.h>

int main(int argc, char **argv)
{
	size_t files = 0, failed = 0, pages = 0, chars = 0;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: floor FILE.pdf...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		GError *e = NULL;
		gchar *abs = g_canonicalize_filename(argv[i], NULL);
		gchar *uri = g_filename_to_uri(abs, NULL, NULL);
		PopplerDocument *d = uri ? poppler_document_new_from_file(uri, NULL, &e) : NULL;
		int p, n;

		g_free(uri);
		g_free(abs);
		if (!d) {
			g_clear_error(&e);
			failed++;
			continue;
		}
		files++;
		n = poppler_document_get_n_pages(d);
		for (p = 0; p < n; p++) {
			PopplerPage *pg = poppler_document_get_page(d, p);
			char *t;

			if (!pg)
				continue;
			t = poppler_page_get_text(pg);
			chars += t ? strlen(t) : 0;
			g_free(t);
			g_object_unref(pg);
			pages++;
		}
		g_object_unref(d);
	}
	printf("floor: %zu files (%zu unreadable), %zu pages, %zu bytes of text\n",
	       files, failed, pages, chars);
	return 0;
}
