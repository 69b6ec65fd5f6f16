/*
 * pam_limit.c - what one login counts in the host-wide limiter, and the
 * lockout.  Every check here comes before the network: a limited attempt
 * costs the issuer nothing.  The user sees what a refusal shows (no
 * message saying "limited": it would tell an attacker when to come back).
 */
#include "kinde-build.h"

#include "pam_limit.h"

#include <string.h>
#include <syslog.h>
#include <time.h>

#include <security/pam_ext.h>

static const char *const option_names[LIMIT__COUNT] = {
	[LIMIT_APIKEY] = "ratelimit_apikey", [LIMIT_RHOST] = "ratelimit_rhost",
	[LIMIT_USER] = "ratelimit_user", [LIMIT_VERIFY] = "ratelimit_verify",
	[LIMIT_FAIL] = "lockout_deny",
};

void
pk_limit_init(struct pk_limit *pl, pam_handle_t *pamh,
	      const kinde_config_t *cfg)
{
	memset(pl, 0, sizeof(*pl));
	pl->pamh = pamh;
	pl->cfg = cfg;
}

static kinde_err_t
ensure_open(struct pk_limit *pl)
{
	if (pl->l != NULL)
		return KINDE_OK;
	return limiter_open(pl->cfg, &pl->l);
}

/* "ratelimit_rhost (10/60) for 203.0.113.9; a slot frees at ..." */
static void
describe(struct pk_limit *pl, const char *what)
{
	char when[40];
	const struct limit_hit *h = &pl->hit;

	kinde_fmt_utc(h->retry_at, when, sizeof(when));
	if (h->table == LIMIT_FAIL)
		kinde_fmt(pl->detail, sizeof(pl->detail),
			  "locked out: %ld failures within %lds (lockout_deny); unlocks at %s",
			  h->rule.n, h->rule.seconds, when);
	else
		kinde_fmt(pl->detail, sizeof(pl->detail),
			  "limit %s (%ld/%lds) reached%s%s; its window frees at %s",
			  option_names[h->table], h->rule.n, h->rule.seconds,
			  what ? " for " : "", what ? what : "", when);
}

/* A limiter key: the name itself, or "sha256:<hex>" when longer than a
 * key may be (a user name of 256 bytes, a long host name). */
static const char *
key_of(const char *name, char *buf)
{
	char digest[65];

	if (strlen(name) <= LIMIT_KEY_MAX)
		return name;
	limiter_digest(name, digest);
	kinde_fmt(buf, LIMIT_KEY_MAX + 1, "sha256:%s", digest);
	return buf;
}

/* The lockout applies to an existing user; uid 0 under any name is
 * exempt unless lockout_even_deny_root (pam_faillock's rule). */
static bool
lockout_on(const struct pk_limit *pl)
{
	return pl->user != NULL &&
	       kinde_config_limit(pl->cfg, LIMIT_FAIL).n > 0 &&
	       (!pl->uid0 || kinde_config_lockout_even_deny_root(pl->cfg));
}

int
pk_limit_before(struct pk_limit *pl, const char *user, const char *method,
		const char *secret, struct decision *d)
{
	const kinde_config_t *cfg = pl->cfg;
	bool apikey = strcmp(method, "apikey") == 0,
	     device = strcmp(method, "device") == 0;
	const void *item = NULL;
	const char *rhost = NULL, *shown[3];
	char digest[65], label[32], esc[160];
	struct limit_key keys[3];
	size_t n = 0, i;
	kinde_err_t rc;
	int64_t now = (int64_t)time(NULL);

	pl->user = user != NULL ? key_of(user, pl->ukey) : NULL;
	user = pl->user;
	pl->method = method;
	if (pam_get_item(pl->pamh, PAM_RHOST, &item) == PAM_SUCCESS &&
	    item != NULL && ((const char *)item)[0] != '\0')
		rhost = item;
	if (apikey && kinde_config_limit(cfg, LIMIT_APIKEY).n > 0) {
		limiter_digest(secret, digest);
		kinde_redact(secret, label, sizeof(label));
		keys[n] = (struct limit_key){ LIMIT_APIKEY, digest, label };
		shown[n++] = label;
	}
	/* No PAM_RHOST (su, sudo, a console): a user already on the host,
	 * bounded by ratelimit_verify, ratelimit_user and the lockout.  An
	 * API key's host is counted by the verify gate: only when the
	 * issuer would be asked, so a cached key still logs in. */
	if (rhost != NULL)
		pl->rhost = key_of(rhost, pl->hkey);
	if (device && pl->rhost != NULL &&
	    kinde_config_limit(cfg, LIMIT_RHOST).n > 0) {
		keys[n] = (struct limit_key){ LIMIT_RHOST, pl->rhost, NULL };
		shown[n++] = pl->rhost;
	}
	if (user != NULL && kinde_config_limit(cfg, LIMIT_USER).n > 0) {
		keys[n] = (struct limit_key){ LIMIT_USER, user, NULL };
		shown[n++] = user;
	}
	if (n == 0 && !lockout_on(pl))
		return PAM_SUCCESS;	/* nothing to count: no disk */
	rc = ensure_open(pl);
	if (rc == KINDE_OK && lockout_on(pl)) {
		rc = limiter_locked(pl->l, user, now, &pl->hit);
		if (rc == KINDE_E_RATELIMITED) {
			describe(pl, NULL);
			goto limited;
		}
	}
	if (rc == KINDE_OK && n > 0) {
		rc = limiter_take(pl->l, keys, n, now, &pl->hit);
		if (rc == KINDE_E_RATELIMITED) {
			for (i = 0; i < n; i++)
				if (keys[i].table == pl->hit.table)
					break;
			kinde_escape(i < n ? shown[i] : "", esc, sizeof(esc));
			describe(pl, esc);
			goto limited;
		}
	}
	if (rc != KINDE_OK) {
		kinde_fmt(pl->detail, sizeof(pl->detail),
			  "the limiter's state_dir is unusable (%s); refused",
			  kinde_strerror(rc));
		d->reason = KINDE_R_CONFIG;
		d->detail = pl->detail;
		return PAM_SERVICE_ERR;
	}
	return PAM_SUCCESS;
limited:
	pl->refused = true;
	d->reason = KINDE_R_RATE_LIMITED;
	d->detail = pl->detail;
	return PAM_AUTH_ERR;
}

static kinde_err_t
verify_gate(void *ctx)
{
	struct pk_limit *pl = ctx;
	struct limit_key k[2];
	char esc[160];
	size_t n = 0;
	kinde_err_t rc;

	if (pl->rhost != NULL &&
	    kinde_config_limit(pl->cfg, LIMIT_RHOST).n > 0)
		k[n++] = (struct limit_key){ LIMIT_RHOST, pl->rhost, NULL };
	if (kinde_config_limit(pl->cfg, LIMIT_VERIFY).n > 0)
		k[n++] = (struct limit_key){ LIMIT_VERIFY, "", NULL };
	if (n == 0)
		return KINDE_OK;
	rc = ensure_open(pl);
	if (rc == KINDE_OK)
		rc = limiter_take(pl->l, k, n, (int64_t)time(NULL), &pl->hit);
	if (rc == KINDE_E_RATELIMITED) {
		pl->refused = true;
		kinde_escape(pl->hit.table == LIMIT_RHOST ? pl->rhost :
			     "this host", esc, sizeof(esc));
		describe(pl, esc);
	} else if (rc != KINDE_OK) {
		kinde_fmt(pl->detail, sizeof(pl->detail),
			  "the limiter's state_dir is unusable (%s); refused",
			  kinde_strerror(rc));
	}
	return rc;
}

void
pk_limit_gate(struct pk_limit *pl, kinde_client_t *client)
{
	const void *item = NULL;

	/* The account stage counts PAM_RHOST without pk_limit_before. */
	if (pl->rhost == NULL &&
	    pam_get_item(pl->pamh, PAM_RHOST, &item) == PAM_SUCCESS &&
	    item != NULL && ((const char *)item)[0] != '\0')
		pl->rhost = key_of(item, pl->hkey);
	kinde_client_set_verify_gate(client, verify_gate, pl);
}

void
pk_limit_after(struct pk_limit *pl, int pam_rc, const struct decision *d)
{
	kinde_err_t rc = KINDE_OK;

	if (!lockout_on(pl))
		return;
	/* Only a verdict on the credential counts: neither a refusal by
	 * the limiter (the lock would extend itself) nor an issuer that
	 * is down (that locks nobody out). */
	if (pam_rc == PAM_SUCCESS) {
		if (ensure_open(pl) == KINDE_OK)
			rc = limiter_success(pl->l, pl->user);
	} else if (pam_rc == PAM_AUTH_ERR && !pl->refused &&
		   d->reason != KINDE_R_RATE_LIMITED) {
		if ((rc = ensure_open(pl)) == KINDE_OK)
			rc = limiter_fail(pl->l, pl->user, (int64_t)time(NULL));
	}
	if (rc != KINDE_OK)
		pam_syslog(pl->pamh, LOG_ERR,
			   "lockout: cannot record the attempt: %s",
			   kinde_strerror(rc));
}

void
pk_limit_end(struct pk_limit *pl)
{
	limiter_free(pl->l);
	pl->l = NULL;
}
