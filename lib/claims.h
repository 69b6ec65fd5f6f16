/*
 * claims.h - registered claims: iss, aud and the time claims.
 */
#ifndef KINDE_CLAIMS_H
#define KINDE_CLAIMS_H

#include "kinde.h"

#include <jansson.h>

/* Latest representable time we accept in a claim (9999-12-31). */
#define CLAIM_TIME_MAX 253402300799.0

/*
 * Reads a time claim.  Returns 1 and sets *t when present and a number in
 * [0, CLAIM_TIME_MAX]; 0 when absent; -1 when present but not such a
 * number (strings, booleans, null, out of range).  Reals are allowed.
 */
int claim_time(const json_t *claims, const char *name, double *t);

/*
 * Checks iss (byte-exact), that sub, jti and typ are strings when
 * present, aud (when audiences are configured), exp
 * (required), nbf and iat against now with cfg's leeway.  In explain mode
 * every check runs; otherwise it stops at the first failure.  0 when all
 * pass.
 */
int claims_check(const kinde_config_t *cfg, const json_t *claims,
		 int64_t now, kinde_verdict_t *v);

#endif
