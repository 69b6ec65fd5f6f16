/*
 * pam_account.c - the account stage's question to Kinde
 * (account_check = kinde): is this person allowed to log in now?
 *
 *   account required pam_kinde.so account_check=kinde
 *
 * After a token or API-key login in the same transaction it confirms the
 * identity the auth stage accepted (a suspended user, or one removed from
 * the organization, is refused although the token is still valid).  With
 * no Kinde login before it (an SSH public key) the local user is mapped
 * back to a Kinde user id by user_map_file, and the check alone decides.
 *
 * Allowed: PAM_SUCCESS.  Not allowed: PAM_PERM_DENIED (reason suspended,
 * not_member, role, permission, user).  No mapping: PAM_USER_UNKNOWN.
 * Kinde unreachable with no cached decision young enough:
 * PAM_AUTHINFO_UNAVAIL.  One decision line each.
 */
#include "kinde-build.h"

#include "pam_kinde.h"
#include "pam_limit.h"

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

/* Asks the core; fills d (its detail in detail, the verdict in v). */
static int
ask(pam_handle_t *pamh, const kinde_config_t *cfg, const char *id,
    const char *org, kinde_verdict_t *v, struct decision *d, char *detail,
    size_t len)
{
	struct kinde_account_info info;
	kinde_client_t *client = NULL;
	struct pk_limit pl;
	kinde_err_t err;
	int rc;

	pk_limit_init(&pl, pamh, cfg);
	err = kinde_client_new(cfg, &client);
	if (err != KINDE_OK) {
		d->reason = KINDE_R_CONFIG;
		d->detail = "cannot make a client for the issuer";
		return pk_pam_code(err, PAM_PERM_DENIED);
	}
	/* Counted like an API-key verification, when it goes out. */
	pk_limit_gate(&pl, client);
	err = kinde_client_account_check(client, id, org, 0, v, &info);
	rc = pk_pam_code(err, PAM_PERM_DENIED);
	d->verdict = v;
	d->reason = kinde_verdict_reason(v);
	if (err == KINDE_OK) {
		snprintf(detail, len, "allowed by Kinde now (%s%s%s%s)",
			 info.source, info.org[0] ? ", organization " : "",
			 info.org, strcmp(info.source, "stale cache") == 0 ?
			 "; Kinde is unreachable, account_max_stale" : "");
	} else if (pl.refused) {
		/* The host's limiter, not the issuer. */
		d->reason = KINDE_R_RATE_LIMITED;
		snprintf(detail, len, "%s", pl.detail);
	} else if (strcmp(info.source, "stale cache") == 0) {
		snprintf(detail, len, "%s (a cached decision: Kinde is unreachable, account_max_stale)",
			 kinde_verdict_detail(v));
	} else {
		snprintf(detail, len, "%s", kinde_verdict_detail(v));
	}
	d->detail = detail;
	if (rc == PAM_AUTHINFO_UNAVAIL && !pl.refused)
		d->hint = "account_max_stale lets a recent cached decision decide while Kinde cannot be asked (default 0: fail closed)";
	pk_limit_end(&pl);
	kinde_client_free(client);
	return rc;
}

int
pk_account_kinde(pam_handle_t *pamh, const kinde_config_t *cfg,
		 const char *user, const char *sub, const char *org,
		 struct decision *d)
{
	kinde_verdict_t *v = kinde_verdict_new(false);
	char id[160], why[600], detail[700];
	int rc;

	if (v == NULL)
		return PAM_BUF_ERR;
	if (user == NULL) {
		rc = PAM_USER_UNKNOWN;
		d->reason = KINDE_R_USER;
		d->detail = "no PAM_USER";
		goto log;
	}
	if (sub == NULL) {
		/* No Kinde login before this one: the map decides who. */
		switch (kinde_account_lookup(cfg, user, id, sizeof(id), why,
					     sizeof(why))) {
		case 0:
			sub = id;
			break;
		case -3:
			rc = PAM_SERVICE_ERR;
			d->reason = KINDE_R_CONFIG;
			d->detail = why;
			goto log;
		default:
			rc = PAM_USER_UNKNOWN;
			d->reason = KINDE_R_USER;
			d->detail = why;
			goto log;
		}
	} else if (sub[0] == '\0') {
		rc = PAM_PERM_DENIED;
		d->reason = KINDE_R_USER;
		d->detail = "account_check=kinde: the login names no Kinde user (an organization's API key?)";
		goto log;
	}
	rc = ask(pamh, cfg, sub, org && org[0] ? org : NULL, v, d, detail,
		 sizeof(detail));
log:
	d->pam_rc = rc;
	pk_log_decision(pamh, cfg, d);
	/* d pointed into this function's buffers. */
	d->verdict = NULL;
	d->detail = NULL;
	d->hint = NULL;
	kinde_verdict_free(v);
	return rc;
}
