/*
 * tap.c - TAP output for the C tests.
 */
#include "tap.h"

#include <stdlib.h>

static int tests, failures;

int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tests++;
	printf("%sok %d - ", cond ? "" : "not ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		failures++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

void
tap_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

void
tap_skip(const char *fmt, ...)
{
	va_list ap;

	tests++;
	printf("ok %d # SKIP ", tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int
tap_failures(void)
{
	return failures;
}

int
tap_done(void)
{
	printf("1..%d\n", tests);
	fflush(stdout);
	return failures ? EXIT_FAILURE : EXIT_SUCCESS;
}
