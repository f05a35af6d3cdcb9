/* Placeholder until the statistics stage lands. */
#include <gsl/gsl_errno.h>
#include "stats.h"

void stats_init(void)
{
	gsl_set_error_handler_off();
}
