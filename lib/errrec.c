/*
 * errrec.c - the first-message error recorder (errrec.h).
 */
#include "kinde-build.h"

#include "errrec.h"

#include <string.h>

void
errrec_vwrite(struct errrec *e, const char *fmt, va_list ap)
{
	if (e->msg[0] == '\0')
		kinde_vfmt(e->msg, sizeof(e->msg), fmt, ap);
}

void
errrec_write(struct errrec *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errrec_vwrite(e, fmt, ap);
	va_end(ap);
}

kinde_err_t
errrec_fail(struct errrec *e, kinde_err_t err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errrec_vwrite(e, fmt, ap);
	va_end(ap);
	return err;
}

void
errrec_prefix(struct errrec *e, const char *fmt, ...)
{
	char prefix[ERRREC_MAX], msg[ERRREC_MAX];
	va_list ap;

	if (e->msg[0] == '\0')
		return;
	va_start(ap, fmt);
	kinde_vfmt(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	kinde_fmt(msg, sizeof(msg), "%s%s", prefix, e->msg);
	kinde_fmt(e->msg, sizeof(e->msg), "%s", msg);
}

void
errrec_append(struct errrec *e, const char *fmt, ...)
{
	size_t used = strlen(e->msg);
	va_list ap;

	va_start(ap, fmt);
	kinde_vfmt(e->msg + used, sizeof(e->msg) - used, fmt, ap);
	va_end(ap);
}

void
errrec_clear(struct errrec *e)
{
	e->msg[0] = '\0';
}

bool
errrec_isset(const struct errrec *e)
{
	return e->msg[0] != '\0';
}

const char *
errrec_msg(const struct errrec *e)
{
	return e->msg;
}

void
errrec_copy(const struct errrec *e, char *buf, size_t len)
{
	if (buf != NULL && len > 0)
		kinde_fmt(buf, len, "%s", e->msg);
}
