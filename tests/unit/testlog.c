/*
 * testlog.c - the library's log lines captured for the C tests.
 */
#include "testlog.h"

#include <stdlib.h>
#include <string.h>

struct testlog logs;

void
testlog_capture(void *ctx, int priority, const char *message)
{
	(void)ctx;
	if (logs.n < TESTLOG_MAX) {
		logs.prio[logs.n] = priority;
		logs.msg[logs.n] = strdup(message);
		logs.n++;
	}
}

void
logs_clear(void)
{
	size_t i;

	for (i = 0; i < logs.n; i++)
		free(logs.msg[i]);
	logs.n = 0;
}

size_t
logs_matching(const char *needle)
{
	size_t i, n = 0;

	for (i = 0; i < logs.n; i++)
		if (strstr(logs.msg[i], needle) != NULL)
			n++;
	return n;
}
