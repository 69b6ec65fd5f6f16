/*
 * pam_limit.h - the module's use of the host-wide limiter (kinde.h):
 * what one login counts, and the lockout's bookkeeping.
 */
#ifndef PAM_LIMIT_H
#define PAM_LIMIT_H

#include "kinde.h"
#include "pam_kinde.h"

#include <stdbool.h>
#include <security/pam_modules.h>

struct pk_limit {
	pam_handle_t *pamh;
	const kinde_config_t *cfg;
	struct limiter *l;	/* opened on first need */
	const char *user;	/* an existing local user: lockout applies */
	bool uid0;		/* that user is uid 0, under any name */
	const char *method;	/* "token", "apikey", "device" */
	const char *rhost;	/* PAM_RHOST, NULL when none */
	char ukey[LIMIT_KEY_MAX + 1];	/* user, hashed when too long */
	char hkey[LIMIT_KEY_MAX + 1];	/* rhost, likewise */
	bool refused;		/* the limiter refused this attempt */
	struct limit_hit hit;
	char detail[320];
};

void pk_limit_init(struct pk_limit *pl, pam_handle_t *pamh,
		   const kinde_config_t *cfg);

/*
 * Before any network call: the lockout of user (NULL when no such local
 * user), then the limits this method counts (ratelimit_apikey on the
 * key's digest, ratelimit_rhost on PAM_RHOST for device logins,
 * ratelimit_user for every method).  PAM_SUCCESS to go on;
 * PAM_AUTH_ERR when limited (d says which limit, until when);
 * PAM_SERVICE_ERR when the state is unusable (fail closed).
 */
int pk_limit_before(struct pk_limit *pl, const char *user, const char *method,
		    const char *secret, struct decision *d);

/*
 * Sets the gate of an API-key verification on client: when one would
 * really go out (not answered from the cache), ratelimit_rhost and
 * ratelimit_verify are counted, all or none.
 */
void pk_limit_gate(struct pk_limit *pl, kinde_client_t *client);

/* After the decision: a failure counts toward the lockout, a success
 * resets it (only for an existing user, once a method was chosen). */
void pk_limit_after(struct pk_limit *pl, int pam_rc,
		    const struct decision *d);
void pk_limit_end(struct pk_limit *pl);

#endif
