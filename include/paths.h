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

#endif
