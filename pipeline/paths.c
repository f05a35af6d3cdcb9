/*
 * Finding data files: $REVMINE_DATA, then the tree the binary was built in
 * (the binary sits in build/ or build/asan/), then ../share/revmine beside
 * an installed binary, then PREFIX/share/revmine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>
#include "util.h"
#include "paths.h"
#include "banned.h"

static char *bin_dir;

void paths_set_argv0(const char *argv0)
{
	char *exe = g_file_read_link("/proc/self/exe", NULL);

	g_free(bin_dir);
	bin_dir = g_path_get_dirname(exe ? exe : argv0);
	g_free(exe);
}

static char *try_dir(const char *dir, const char *rel)
{
	char *p = g_build_filename(dir, rel, NULL);
	char *r = NULL;

	if (g_file_test(p, G_FILE_TEST_EXISTS)) {
		/* "build/../codebook" read as "codebook" in the manifest */
		char *c = g_canonicalize_filename(p, NULL);

		r = xstrdup(c);
		g_free(c);
	}
	g_free(p);
	return r;
}

char *data_path(const char *rel)
{
	const char *env = getenv("REVMINE_DATA");
	const char *ups[] = { "..", "../..", "../../.." };
	char *r;
	size_t i;

	if (env && *env)
		return xstrfmt("%s/%s", env, rel);
	for (i = 0; bin_dir && i < ARRAY_SIZE(ups); i++) {
		char *d = g_build_filename(bin_dir, ups[i], NULL);
		char *probe = g_build_filename(d, "codebook", "default.cb", NULL);
		int ok = g_file_test(probe, G_FILE_TEST_EXISTS);

		g_free(probe);
		r = ok ? try_dir(d, rel) : NULL;
		g_free(d);
		if (ok && r)
			return r;
	}
	if (bin_dir) { /* an installed tree moved elsewhere: bin/../share */
		char *d = g_build_filename(bin_dir, "..", "share", "revmine", NULL);

		r = try_dir(d, rel);
		g_free(d);
		if (r)
			return r;
	}
	return xstrfmt("%s/share/revmine/%s", REVMINE_PREFIX, rel);
}

/* data_path(rel) once per process; kept to the end. */
static const char *data_default(const char *rel, char **slot)
{
	if (!*slot)
		*slot = data_path(rel);
	return *slot;
}

void data_paths_resolve(const char **codebook, const char **stopwords,
			const char **model, int no_model)
{
	static char *cb, *sw, *mp;
	static int model_checked, model_found;

	if (!*codebook)
		*codebook = data_default("codebook/default.cb", &cb);
	if (!*stopwords)
		*stopwords = data_default("stopwords/english.txt", &sw);
	if (!model || *model)
		return;
	if (!no_model && !model_checked) {
		model_found = g_file_test(data_default("codebook/default.model", &mp),
					  G_FILE_TEST_IS_REGULAR);
		model_checked = 1;
	}
	*model = !no_model && model_found ? mp : NULL;
}
