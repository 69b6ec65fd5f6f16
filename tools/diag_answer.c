/*
 * diag_answer.c - diagnose's note on how long an answer the service's
 * application lets through its conversation.  sudo 1.9.13p3 (Debian 12)
 * refuses an answer of 512 bytes or more (measured: 511 pass), on a tty
 * and with -S; a Kinde access token is ~850 bytes, so token logins
 * through sudo fail there with reason=conv, and only API keys or the
 * device login fit.  (sshd's 1023-byte cut is the token-length check.)
 */
#include "kinde-build.h"

#include "diag.h"

#include <string.h>

#define SUDO_ANSWER_LIMIT 512	/* refused from this length on */

/* sudo's own services: Debian's sudo and sudo -i. */
static bool
is_sudo(const char *service)
{
	return service != NULL && (strcmp(service, "sudo") == 0 ||
				   strcmp(service, "sudo-i") == 0);
}

void
diag_answer_limit(struct diag *d, size_t token_len)
{
	const kinde_config_t *cfg = d->cfg;
	const char *fits;

	if (!is_sudo(d->service))
		return;
	if (token_len >= SUDO_ANSWER_LIMIT) {
		diag_add(d, DC_PAM, "answer-length", DIAG_FAIL,
			 "sudo fails with this token before pam_kinde sees it (logged reason=conv)",
			 "sudo 1.9.13p3 refuses a conversation answer of 512 bytes or more",
			 "use an API key or the device login for sudo (answer with nothing when device_client_id is set)",
			 "%s: this token is %zu bytes; sudo takes at most 511",
			 d->service, token_len);
		return;
	}
	if (cfg != NULL && cfg->mode == KINDE_MODE_APIKEY)
		fits = "mode=apikey: API keys fit";
	else if (cfg != NULL && cfg->mode == KINDE_MODE_DEVICE)
		fits = "mode=device: no answer is typed";
	else if (cfg != NULL && cfg->device_client_id != NULL)
		fits = "API keys fit, and an empty answer starts the device login";
	else
		fits = "API keys fit; set device_client_id for device logins";
	diag_add(d, DC_PAM, "answer-length", DIAG_SKIP, NULL,
		 "a Kinde access token (~850 bytes) does not fit through sudo: the login fails with reason=conv",
		 NULL, "%s: sudo 1.9.13p3 refuses answers of 512 bytes or more; %s",
		 d->service, fits);
}
