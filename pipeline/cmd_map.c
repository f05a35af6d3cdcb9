/* Placeholder until the map command lands: reports that it is missing. */
#include "cmds.h"

int cmd_map(int argc, char **argv)
{
	(void)argc;
	say("%s: not built yet", argv[0]);
	return EXIT_FATAL;
}
