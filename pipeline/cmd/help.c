/*
 * Usage and --help, printed from each command's table (struct cmd_help),
 * in git's style: the synopsis, then a line of meaning per option.
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <getopt.h>
#include "cmds.h"
#include "banned.h"

#define FLAG_WIDTH 26

static int applies(const struct opt_help *o, unsigned mask)
{
	return !mask || !o->cmds || (o->cmds & mask);
}

void help_usage(FILE *f, const struct cmd_help *h)
{
	fprintf(f, "usage: revmine %s %s\n", h->name, h->args);
}

void help_print(FILE *f, const struct cmd_help *h)
{
	const struct opt_help *o;

	help_usage(f, h);
	fprintf(f, "\n%s\n", h->summary);
	if (h->opts && h->opts->flags)
		fputc('\n', f);
	for (o = h->opts; o && o->flags; o++) {
		if (!applies(o, h->mask))
			continue;
		if (strlen(o->flags) + 4 < FLAG_WIDTH)
			fprintf(f, "    %-*s%s\n", FLAG_WIDTH - 4, o->flags, o->text);
		else
			fprintf(f, "    %s\n    %-*s%s\n", o->flags, FLAG_WIDTH - 4, "", o->text);
	}
	fprintf(f, "    %-*s%s\n", FLAG_WIDTH - 4, "-h, --help", "this help");
	if (h->more)
		fprintf(f, "\n%s\n", h->more);
}

int help_error(const struct cmd_help *h)
{
	help_usage(stderr, h);
	fprintf(stderr, "'revmine %s --help' says what each option does.\n", h->name);
	return EXIT_USAGE;
}

int help_bad_option(const struct cmd_help *h, int c, char **argv)
{
	if (c == ':')
		say("%s: option '%s' needs a value", h->name, argv[optind - 1]);
	else if (optopt && optopt < 256)
		say("%s: unknown option '-%c'", h->name, optopt);
	else
		say("%s: unknown option '%s'", h->name, argv[optind - 1]);
	return help_error(h);
}

int cmd_number(const char *opt, const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		say("%s: '%s' is not a number from %ld to %ld", opt, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}
