/*
 * pam_rc_name.c - a PAM return code by its name.
 */
#include "kinde-build.h"

#include "pam_rc_name.h"

#include <stddef.h>

#include <security/pam_appl.h>

static const struct {
	int rc;
	const char *name;
} rc_names[] = {
	{ PAM_SUCCESS, "PAM_SUCCESS" },
	{ PAM_AUTH_ERR, "PAM_AUTH_ERR" },
	{ PAM_AUTHINFO_UNAVAIL, "PAM_AUTHINFO_UNAVAIL" },
	{ PAM_USER_UNKNOWN, "PAM_USER_UNKNOWN" },
	{ PAM_SERVICE_ERR, "PAM_SERVICE_ERR" },
	{ PAM_PERM_DENIED, "PAM_PERM_DENIED" },
	{ PAM_IGNORE, "PAM_IGNORE" },
	{ PAM_CONV_ERR, "PAM_CONV_ERR" },
	{ PAM_BUF_ERR, "PAM_BUF_ERR" },
	{ PAM_SYSTEM_ERR, "PAM_SYSTEM_ERR" },
	{ PAM_ACCT_EXPIRED, "PAM_ACCT_EXPIRED" },
	{ PAM_NEW_AUTHTOK_REQD, "PAM_NEW_AUTHTOK_REQD" },
	{ PAM_MAXTRIES, "PAM_MAXTRIES" },
	{ PAM_ABORT, "PAM_ABORT" },
	{ PAM_CRED_INSUFFICIENT, "PAM_CRED_INSUFFICIENT" },
	{ PAM_MODULE_UNKNOWN, "PAM_MODULE_UNKNOWN" },
	{ PAM_OPEN_ERR, "PAM_OPEN_ERR" },
	{ PAM_SYMBOL_ERR, "PAM_SYMBOL_ERR" },
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
