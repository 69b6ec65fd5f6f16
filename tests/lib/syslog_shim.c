/*
 * syslog_shim.c - LD_PRELOADed by the tests that run `kinde-auth
 * pam-test`, so that the test suite never writes to the host's system log.
 *
 * pam-test shows the modules' log lines and passes each on to the next
 * vsyslog (tools/pam_app.c), which is libc's: the system log.
 * Preloaded, this one is next instead.  It appends the lines to the file
 * named by $SYSLOG_SHIM_LOG (so a test can see that they came here), or
 * drops them.  openlog and closelog do nothing: no socket is opened.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

void __syslog_chk(int pri, int flag, const char *fmt, ...);
void __vsyslog_chk(int pri, int flag, const char *fmt, va_list ap);

void
vsyslog(int pri, const char *fmt, va_list ap)
{
	const char *path = getenv("SYSLOG_SHIM_LOG");
	FILE *f;

	if (path == NULL || *path == '\0')
		return;
	f = fopen(path, "a");
	if (f == NULL)
		return;
	fprintf(f, "syslog[%d]: ", pri & LOG_PRIMASK);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
	fclose(f);
}

void
__vsyslog_chk(int pri, int flag, const char *fmt, va_list ap)
{
	(void)flag;
	vsyslog(pri, fmt, ap);
}

void
syslog(int pri, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(pri, fmt, ap);
	va_end(ap);
}

void
__syslog_chk(int pri, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	vsyslog(pri, fmt, ap);
	va_end(ap);
}

void
openlog(const char *ident, int option, int facility)
{
	(void)ident;
	(void)option;
	(void)facility;
}

void
closelog(void)
{
}
