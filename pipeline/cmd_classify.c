/* Placeholder until the classify command lands: reports that it is missing. */
#include "cmds.h"

int cmd_classify(int argc, char **argv)
{
	(void)argc;
	say("%s: not built yet", argv[0]);
	return EXIT_FATAL;
}
