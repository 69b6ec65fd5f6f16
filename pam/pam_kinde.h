/*
 * pam_kinde.h - the pieces of the PAM module: configuration from the file
 * and the module arguments, reading the secret, mapping the identity to the
 * local user, and the decision log.
 */
#ifndef PAM_KINDE_H
#define PAM_KINDE_H

#include "kinde.h"

#include <security/pam_modules.h>

/* What a decision is logged with (one line per decision). */
struct decision {
	const char *stage;	/* "auth" or "account" */
	const char *user;
	const char *method;	/* "token", "apikey" or NULL */
	int pam_rc;
	kinde_reason_t reason;
	const char *detail;
	const kinde_verdict_t *verdict;	/* claims for sub/org/kid/jti, or NULL */
	const char *hint;	/* extra advice for the administrator, or NULL */
};

/*
 * Builds the config: the file (config=PATH, default KINDE_CONF_FILE; a
 * missing default file is fine), then the module arguments, which win.
 * PAM_SUCCESS, or PAM_SERVICE_ERR after logging which key is wrong.
 */
int pk_config(pam_handle_t *pamh, int argc, const char **argv,
	      kinde_config_t **out);

/*
 * The secret for this login: PAM_AUTHTOK from an earlier module when
 * use_first_pass / try_first_pass say so, else asked through the
 * conversation with echo off.  *secret is a copy the caller frees with
 * kinde_free_secret().
 */
int pk_get_secret(pam_handle_t *pamh, const kinde_config_t *cfg,
		  char **secret);

/*
 * The device login (pam_device.c): shows where to approve, prompts for
 * the Enter that says it is done, polls for the access token meanwhile
 * and after.  *token (not yet validated) is the caller's to free with
 * kinde_free_secret; KINDE_E_REJECTED (v says why) when it was denied,
 * expired, timed out or the conversation failed.
 */
kinde_err_t pk_device_login(pam_handle_t *pamh, const kinde_config_t *cfg,
			    kinde_client_t *client, kinde_verdict_t *v,
			    char **token);

/* Logs one decision line (text or JSON as the audit option says). */
void pk_log_decision(pam_handle_t *pamh, const kinde_config_t *cfg,
		     const struct decision *d);

/*
 * The account check against Kinde (account_check = kinde, pam_account.c)
 * for PAM_USER user: of sub, the Kinde user the auth stage accepted
 * ("" when its login named none), in org (the login's org_code, or NULL);
 * sub NULL when no Kinde login came before (user_map_file maps the user
 * back).  Logs the decision line; returns the PAM code.
 */
int pk_account_kinde(pam_handle_t *pamh, const kinde_config_t *cfg,
		     const char *user, const char *sub, const char *org,
		     struct decision *d);

/* The PAM code of a core result; a refusal (KINDE_E_REJECTED) is
 * rejected: PAM_AUTH_ERR at the auth stage, PAM_PERM_DENIED at account. */
int pk_pam_code(kinde_err_t err, int rejected);

/* The pam_syslog sink for the core's log lines. */
void pk_log_sink(void *pamh, int priority, const char *message);

#endif
