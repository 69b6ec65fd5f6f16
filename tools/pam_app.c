/*
 * pam_app.c - the modules' log lines and the conversation of a program
 * that runs a PAM stack (pam_app.h).
 *
 * libpam's pam_syslog() ends in libc's syslog; defining syslog,
 * __syslog_chk and vsyslog here (exported by the program) makes the
 * program's definitions the ones every loaded module binds to.
 */
#include "kinde-build.h"

#include "pam_app.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static pam_app_log_fn log_fn;
static void *log_ctx;
static bool log_pass_on = true;

void
pam_app_log_to(pam_app_log_fn fn, void *ctx, bool pass_on)
{
	log_fn = fn;
	log_ctx = ctx;
	log_pass_on = pass_on;
}

static void
record(int pri, const char *fmt, va_list ap)
{
	void (*real)(int, const char *, va_list);
	va_list copy;
	char *line;
	int len;

	if (log_fn != NULL) {
		va_copy(copy, ap);
		len = vsnprintf(NULL, 0, fmt, copy);
		va_end(copy);
		line = len >= 0 ? malloc((size_t)len + 1) : NULL;
		if (line != NULL) {
			va_copy(copy, ap);
			vsnprintf(line, (size_t)len + 1, fmt, copy);
			va_end(copy);
			log_fn(log_ctx, pri, line);
			free(line);
		}
	}
	if (!log_pass_on)
		return;
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

int
pam_app_converse(int n, const struct pam_message **msg,
		 struct pam_response **resp, void *appdata)
{
	const struct pam_app_conv *c = appdata;
	struct pam_response *r;
	int i;

	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			r[i].resp = c->answer(c->ctx, msg[i]->msg,
					      msg[i]->msg_style ==
					      PAM_PROMPT_ECHO_ON);
			if (r[i].resp == NULL)
				goto fail;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			c->show(c->ctx, msg[i]->msg);
			break;
		default:
			goto fail;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	/* The answers given so far are secrets. */
	for (i = 0; i < n; i++) {
		if (r[i].resp != NULL) {
			explicit_bzero(r[i].resp, strlen(r[i].resp));
			free(r[i].resp);
		}
	}
	free(r);
	return PAM_CONV_ERR;
}
