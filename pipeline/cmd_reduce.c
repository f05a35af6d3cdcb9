/* Placeholder until the reduce command lands: reports that it is missing. */
#include "cmds.h"

int cmd_reduce(int argc, char **argv)
{
	(void)argc;
	say("%s: not built yet", argv[0]);
	return EXIT_FATAL;
}
