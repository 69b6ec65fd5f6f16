/*
 * syslog_capture.c - lets `kinde-auth pam-test` show the log lines the
 * PAM modules write during its transaction.
 *
 * libpam's pam_syslog() ends in libc's syslog; defining syslog,
 * __syslog_chk and vsyslog here (exported through kinde-auth.dynlist)
 * makes the executable's definitions the ones every loaded module binds
 * to.  Each line is kept while capturing is on and always passed on to
 * libc's vsyslog, so the system log still gets it.
 */
#include "kinde-build.h"

#include "syslog_capture.h"
#include "util.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#define CAPTURE_MAX 64

static char *lines[CAPTURE_MAX];
static size_t nlines;
static bool capturing;

void
syslog_capture_start(void)
{
	syslog_capture_clear();
	capturing = true;
}

void
syslog_capture_stop(void)
{
	capturing = false;
}

size_t
syslog_capture_count(void)
{
	return nlines;
}

const char *
syslog_capture_line(size_t i)
{
	return i < nlines ? lines[i] : NULL;
}

void
syslog_capture_clear(void)
{
	size_t i;

	for (i = 0; i < nlines; i++)
		free(lines[i]);
	nlines = 0;
}

static void
record(int pri, const char *fmt, va_list ap)
{
	void (*real)(int, const char *, va_list);
	char buf[2048];
	va_list copy;

	va_copy(copy, ap);
	if (capturing && nlines < CAPTURE_MAX) {
		kinde_vfmt(buf, sizeof(buf), fmt, copy);
		lines[nlines] = strdup(buf);
		if (lines[nlines] != NULL)
			nlines++;
	}
	va_end(copy);
	real = (void (*)(int, const char *, va_list))dlsym(RTLD_NEXT,
							   "vsyslog");
	if (real != NULL)
		real(pri, fmt, ap);
}

void
vsyslog(int pri, const char *fmt, va_list ap)
{
	record(pri, fmt, ap);
}

void
syslog(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	record(pri, fmt, ap);
	va_end(ap);
}

/* glibc's fortified syslog(), replaced on purpose: the reserved name is
 * the one -D_FORTIFY_SOURCE builds call. */
void __syslog_chk(int pri, int flag, const char *fmt, ...); /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
void
__syslog_chk(int pri, int flag, const char *fmt, ...) /* NOLINT(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	record(pri, fmt, ap);
	va_end(ap);
}
