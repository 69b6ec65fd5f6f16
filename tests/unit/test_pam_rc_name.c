/*
 * test_pam_rc_name.c - the one table of PAM return-code names
 * (pam/pam_rc_name.c) that the module's decision log, kinde-auth pam-test
 * and the tests' harness share.
 */
#include "kinde-build.h"

#include "pam_rc_name.h"
#include "tap.h"

#include <security/pam_appl.h>

int
main(void)
{
	static const struct {
		int rc;
		const char *name;
	} known[] = {
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
		{ PAM_MAXTRIES, "PAM_MAXTRIES" },
		{ PAM_ABORT, "PAM_ABORT" },
		{ PAM_MODULE_UNKNOWN, "PAM_MODULE_UNKNOWN" },
		{ PAM_OPEN_ERR, "PAM_OPEN_ERR" },
		{ PAM_SYMBOL_ERR, "PAM_SYMBOL_ERR" },
		/* What the module's log called PAM_SYSTEM_ERR before the
		 * table was one (pam_putenv's and pam_set_data's codes). */
		{ PAM_BAD_ITEM, "PAM_BAD_ITEM" },
		{ PAM_NO_MODULE_DATA, "PAM_NO_MODULE_DATA" },
		{ PAM_CRED_INSUFFICIENT, "PAM_CRED_INSUFFICIENT" },
		{ PAM_NEW_AUTHTOK_REQD, "PAM_NEW_AUTHTOK_REQD" },
		{ PAM_INCOMPLETE, "PAM_INCOMPLETE" },
	};
	const char *seen[64] = { NULL };
	size_t i;
	int rc, dup = 0;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		is_str(pam_rc_name(known[i].rc), known[i].name, "%s by its name",
		       known[i].name);

	/* Every code of Linux-PAM (0 .. PAM_INCOMPLETE) has its own name:
	 * never "unknown", never another code's. */
	for (rc = 0; rc <= PAM_INCOMPLETE && rc < 64; rc++) {
		seen[rc] = pam_rc_name(rc);
		if (strcmp(seen[rc], "PAM_(unknown)") == 0)
			diag("  code %d has no name", rc);
	}
	for (rc = 0; rc <= PAM_INCOMPLETE; rc++)
		for (i = 0; i < (size_t)rc; i++)
			dup += strcmp(seen[rc], seen[i]) == 0;
	ok(dup == 0, "every Linux-PAM code has a name of its own");
	for (rc = 0; rc <= PAM_INCOMPLETE; rc++)
		if (strcmp(seen[rc], "PAM_(unknown)") == 0)
			break;
	ok(rc > PAM_INCOMPLETE, "no Linux-PAM code is unknown");

	/* A number that is no code is said to be unknown - not
	 * PAM_SYSTEM_ERR, which the module's log used to say. */
	is_str(pam_rc_name(PAM_INCOMPLETE + 1), "PAM_(unknown)",
	       "the code after the last is unknown");
	is_str(pam_rc_name(-1), "PAM_(unknown)", "-1 is unknown");
	is_str(pam_rc_name(4242), "PAM_(unknown)", "4242 is unknown");
	return done_testing();
}
