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

int
tap_has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

const char *
tap_vis(const char *s)
{
	static char bufs[4][700];
	static unsigned k;
	char *b = bufs[k++ % 4];
	size_t o = 0;

	for (; *s != '\0' && o + 5 < sizeof(bufs[0]); s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			o += (size_t)snprintf(b + o, 5, "\\x%02x",
					      (unsigned char)*s);
		else
			b[o++] = *s;
	}
	b[o] = '\0';
	return b;
}
