#ifndef PATHS_H
#define PATHS_H

/*
 * Where revmine's data files (stopwords/, codebook/) are: $REVMINE_DATA if
 * set, else next to the binary's source tree (bin/../ or build/../), else the
 * installed share directory. paths_set_argv0() is called once from main.
 */

void paths_set_argv0(const char *argv0);
/* Returns a newly allocated path of rel (e.g. "codebook/default.cb") in the
 * data directory; the caller frees it. */
char *data_path(const char *rel);

/*
 * The files an analyzer is built from (analyze.h), as a command chose them:
 * *codebook and *stopwords stay as given, or become the installed default
 * (codebook/default.cb, stopwords/english.txt) when NULL; *model (when
 * model is not NULL) stays as given, or becomes NULL with no_model, or else
 * the installed codebook/default.model when it exists. The defaults are
 * looked up once per process and live as long as it does.
 */
void data_paths_resolve(const char **codebook, const char **stopwords,
			const char **model, int no_model);

#endif
