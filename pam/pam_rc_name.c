/*
 * pam_rc_name.c - a PAM return code by its name.
 */
#include "kinde-build.h"

#include "pam_rc_name.h"

#include <stddef.h>

#include <security/pam_appl.h>

#define RC(name) { name, #name }

/* Every code of Linux-PAM 1.5's _pam_types.h. */
static const struct {
	int rc;
	const char *name;
} rc_names[] = {
	RC(PAM_SUCCESS), RC(PAM_OPEN_ERR), RC(PAM_SYMBOL_ERR),
	RC(PAM_SERVICE_ERR), RC(PAM_SYSTEM_ERR), RC(PAM_BUF_ERR),
	RC(PAM_PERM_DENIED), RC(PAM_AUTH_ERR), RC(PAM_CRED_INSUFFICIENT),
	RC(PAM_AUTHINFO_UNAVAIL), RC(PAM_USER_UNKNOWN), RC(PAM_MAXTRIES),
	RC(PAM_NEW_AUTHTOK_REQD), RC(PAM_ACCT_EXPIRED), RC(PAM_SESSION_ERR),
	RC(PAM_CRED_UNAVAIL), RC(PAM_CRED_EXPIRED), RC(PAM_CRED_ERR),
	RC(PAM_NO_MODULE_DATA), RC(PAM_CONV_ERR), RC(PAM_AUTHTOK_ERR),
	RC(PAM_AUTHTOK_RECOVERY_ERR), RC(PAM_AUTHTOK_LOCK_BUSY),
	RC(PAM_AUTHTOK_DISABLE_AGING), RC(PAM_TRY_AGAIN), RC(PAM_IGNORE),
	RC(PAM_ABORT), RC(PAM_AUTHTOK_EXPIRED), RC(PAM_MODULE_UNKNOWN),
	RC(PAM_BAD_ITEM), RC(PAM_CONV_AGAIN), RC(PAM_INCOMPLETE),
};

const char *
pam_rc_name(int rc)
{
	size_t i;

	for (i = 0; i < sizeof(rc_names) / sizeof(rc_names[0]); i++)
		if (rc_names[i].rc == rc)
			return rc_names[i].name;
	return "PAM_(unknown)";
}
