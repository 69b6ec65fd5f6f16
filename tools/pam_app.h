/*
 * pam_app.h - what a program that runs a PAM stack needs here: the log
 * lines the modules write, and a conversation.  One copy, compiled into
 * kinde-auth (pam-test) and the tests' PAM harness (tests/pam/); it uses
 * libc and libpam only, never the core, so the harness stays a plain PAM
 * application.
 */
#ifndef KINDE_PAM_APP_H
#define KINDE_PAM_APP_H

#include <stdbool.h>
#include <stddef.h>

#include <security/pam_appl.h>

/*
 * Every syslog()/vsyslog() line of the process (libpam's pam_syslog ends
 * there) is formatted and given to fn when it is set, then passed on to
 * libc's vsyslog when pass_on is set.  The program must export syslog,
 * vsyslog and __syslog_chk (-rdynamic, or a --dynamic-list) so the
 * modules bind to these definitions.
 */
typedef void (*pam_app_log_fn)(void *ctx, int priority, const char *line);
void pam_app_log_to(pam_app_log_fn fn, void *ctx, bool pass_on);

/*
 * A conversation (struct pam_conv's appdata_ptr points at one): each
 * prompt is answered by answer (echo says whether the prompt is
 * PAM_PROMPT_ECHO_ON), returning a malloc()ed string, or NULL to fail the
 * conversation with PAM_CONV_ERR; error and info messages go to show.  A
 * message of any other style fails it too.
 */
struct pam_app_conv {
	char *(*answer)(void *ctx, const char *prompt, bool echo);
	void (*show)(void *ctx, const char *message);
	void *ctx;
};
int pam_app_converse(int n, const struct pam_message **msg,
		     struct pam_response **resp, void *appdata);

#endif
