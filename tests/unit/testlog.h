/*
 * testlog.h - the library's log lines captured for the C tests: pass
 * testlog_capture to kinde_config_set_log, then look at logs.
 */
#ifndef KINDE_TESTLOG_H
#define KINDE_TESTLOG_H

#include <stddef.h>

#define TESTLOG_MAX 256

extern struct testlog {
	int prio[TESTLOG_MAX];
	char *msg[TESTLOG_MAX];
	size_t n;
} logs;

/* A log sink keeping the first TESTLOG_MAX lines. */
void testlog_capture(void *ctx, int priority, const char *message);
void logs_clear(void);
/* How many captured lines contain needle. */
size_t logs_matching(const char *needle);

#endif
