/*
 * pam_secret.c - getting the token or API key from the user.
 */
#include "kinde-build.h"

#include "pam_kinde.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

int
pk_get_secret(pam_handle_t *pamh, const kinde_config_t *cfg, char **secret)
{
	const void *item = NULL;
	char *resp = NULL;
	int rc;

	*secret = NULL;
	if (kinde_config_use_first_pass(cfg) ||
	    kinde_config_try_first_pass(cfg)) {
		rc = pam_get_item(pamh, PAM_AUTHTOK, &item);
		if (rc == PAM_SUCCESS && item != NULL) {
			*secret = strdup(item);
			return *secret ? PAM_SUCCESS : PAM_BUF_ERR;
		}
		if (kinde_config_use_first_pass(cfg)) {
			pam_syslog(pamh, LOG_ERR,
				   "use_first_pass: no secret from an earlier module");
			return PAM_AUTH_ERR;
		}
	}
	rc = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &resp, "%s",
			kinde_config_prompt(cfg));
	if (rc != PAM_SUCCESS) {
		kinde_free_secret(resp);
		pam_syslog(pamh, LOG_ERR, "conversation failed: %s",
			   pam_strerror(pamh, rc));
		return rc == PAM_BUF_ERR ? PAM_BUF_ERR : PAM_CONV_ERR;
	}
	if (resp == NULL) {
		/* An empty answer: refused later as an empty secret. */
		resp = strdup("");
		if (resp == NULL)
			return PAM_BUF_ERR;
	}
	*secret = resp;
	return PAM_SUCCESS;
}
