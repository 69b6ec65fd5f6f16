/*
 * claims.c - iss, aud, exp, nbf, iat.
 */
#include "kinde-build.h"

#include "claims.h"
#include "config.h"
#include "timefmt.h"
#include "verdict.h"

#include <math.h>
#include <string.h>

int
claim_time(const json_t *claims, const char *name, double *t)
{
	const json_t *j = json_object_get(claims, name);
	double d;

	if (j == NULL)
		return 0;
	/* json_integer_value() of a real is 0: read each type as itself. */
	if (json_is_integer(j))
		d = (double)json_integer_value(j);
	else if (json_is_real(j))
		d = json_real_value(j);
	else
		return -1;
	if (!isfinite(d) || d < 0 || d > CLAIM_TIME_MAX)
		return -1;
	*t = d;
	return 1;
}

static int
check_iss(const kinde_config_t *cfg, const json_t *claims, kinde_verdict_t *v)
{
	const json_t *iss = json_object_get(claims, "iss");
	char esc[256], want[256];

	if (json_is_string(iss) && !v->explain &&
	    json_string_length(iss) == strlen(cfg->issuer) &&
	    memcmp(json_string_value(iss), cfg->issuer,
		   strlen(cfg->issuer)) == 0)
		return 0;	/* the common case, without formatting */
	kinde_escape(cfg->issuer, want, sizeof(want));
	if (!json_is_string(iss)) {
		verdict_fail(v, "iss", iss ? KINDE_R_CLAIMS : KINDE_R_ISSUER,
			     iss ? "iss is not a string" :
			     "token has no iss; expected %s", want);
		return -1;
	}
	kinde_escape(json_string_value(iss), esc, sizeof(esc));
	if (json_string_length(iss) != strlen(cfg->issuer) ||
	    memcmp(json_string_value(iss), cfg->issuer,
		   strlen(cfg->issuer)) != 0) {
		verdict_fail(v, "iss", KINDE_R_ISSUER,
			     "issuer %s is not the configured %s", esc, want);
		return -1;
	}
	verdict_pass(v, "iss", "%s", esc);
	return 0;
}

/*
 * RFC 7519 §4.1.2 and §4.1.7: sub and jti are strings; typ, when a
 * payload carries it, is one too (jwcrypto refuses it otherwise).
 * Recorded only when one fails: nothing to explain otherwise.
 */
static int
check_string_claims(const json_t *claims, kinde_verdict_t *v)
{
	static const char *const names[] = { "sub", "jti", "typ" };
	const json_t *j;
	size_t i;

	for (i = 0; i < KINDE_ARRAY_SIZE(names); i++) {
		j = json_object_get(claims, names[i]);
		if (j != NULL && !json_is_string(j)) {
			verdict_fail(v, names[i], KINDE_R_CLAIMS,
				     "%s is not a string", names[i]);
			return -1;
		}
	}
	return 0;
}

static int
check_aud(const kinde_config_t *cfg, const json_t *claims, kinde_verdict_t *v)
{
	const json_t *aud = json_object_get(claims, "aud"), *a;
	char have[256] = "", want[256];
	const char *names[16];
	size_t i, n = 0;

	if (aud != NULL && !json_is_string(aud) && !json_is_array(aud)) {
		verdict_fail(v, "aud", KINDE_R_CLAIMS,
			     "aud is neither a string nor an array");
		return -1;
	}
	json_array_foreach(aud, i, a) {
		if (!json_is_string(a)) {
			verdict_fail(v, "aud", KINDE_R_CLAIMS,
				     "aud array holds a non-string");
			return -1;
		}
	}
	if (cfg->audience.n == 0) {
		verdict_skip(v, "aud", "not checked: no audience configured");
		return 0;
	}
	if (json_is_string(aud) &&
	    strlist_has(&cfg->audience, json_string_value(aud))) {
		kinde_escape(json_string_value(aud), have, sizeof(have));
		verdict_pass(v, "aud", "%s", have);
		return 0;
	}
	json_array_foreach(aud, i, a) {
		if (strlist_has(&cfg->audience, json_string_value(a))) {
			kinde_escape(json_string_value(a), have, sizeof(have));
			verdict_pass(v, "aud", "%s", have);
			return 0;
		}
		if (n < KINDE_ARRAY_SIZE(names))
			names[n++] = json_string_value(a);
	}
	if (json_is_string(aud))
		names[n++] = json_string_value(aud);
	strlist_join_escaped(names, n, ", ", have, sizeof(have));
	strlist_join_escaped((const char *const *)cfg->audience.v,
			     cfg->audience.n, ", ", want, sizeof(want));
	verdict_fail(v, "aud", KINDE_R_AUDIENCE,
		     "token audience [%s] does not include %s%s", have,
		     cfg->audience.n > 1 ? "any of " : "", want);
	return -1;
}

static int
bad_time(kinde_verdict_t *v, const char *name)
{
	verdict_fail(v, name, KINDE_R_CLAIMS,
		     "%s is not a number of seconds in range", name);
	return -1;
}

enum time_claim { T_EXP, T_NBF, T_IAT };

static const char *const time_names[] = { "exp", "nbf", "iat" };

/*
 * One time claim against now and the leeway.  The human texts are made
 * only when they will be read (a failure, or explain): formatting dates
 * would otherwise cost more than the comparisons on every login.
 */
static int
check_time(const kinde_config_t *cfg, const json_t *claims, int64_t now,
	   enum time_claim which, kinde_verdict_t *v)
{
	const char *name = time_names[which];
	double t, dnow = (double)now, lw = (double)cfg->leeway;
	char when[40], rel[40];
	bool bad;
	int r;

	r = claim_time(claims, name, &t);
	if (r < 0)
		return bad_time(v, name);
	if (r == 0 && which == T_EXP) {
		verdict_fail(v, name, KINDE_R_CLAIMS,
			     "token has no exp; tokens that never expire are refused");
		return -1;
	}
	if (r == 0) {
		verdict_skip(v, name, "absent");
		return 0;
	}
	bad = which == T_EXP ? dnow >= t + lw :
	      which == T_NBF ? dnow + lw < t : t > dnow + lw;
	if (!bad && !v->explain)
		return 0;
	kinde_fmt_utc((int64_t)t, when, sizeof(when));
	kinde_fmt_relative((int64_t)t, now, rel, sizeof(rel));
	if (!bad) {
		if (which == T_EXP)
			verdict_pass(v, name, "expires %s at %s", rel, when);
		else if (which == T_NBF)
			verdict_pass(v, name, "valid since %s", when);
		else
			verdict_pass(v, name, "issued %s at %s", rel, when);
		return 0;
	}
	if (which == T_EXP)
		verdict_fail(v, name, KINDE_R_EXPIRED,
			     "token expired %s at %s (leeway %lds)", rel, when,
			     cfg->leeway);
	else if (which == T_NBF)
		verdict_fail(v, name, KINDE_R_NOT_YET_VALID,
			     "token not valid until %s, %s (leeway %lds)", when,
			     rel, cfg->leeway);
	else
		verdict_fail(v, name, KINDE_R_ISSUED_IN_FUTURE,
			     "token issued in the future, %s at %s (leeway %lds): is this host's clock behind?",
			     rel, when, cfg->leeway);
	return -1;
}

static int
check_times(const kinde_config_t *cfg, const json_t *claims, int64_t now,
	    kinde_verdict_t *v)
{
	int rc = 0, which;

	for (which = T_EXP; which <= T_IAT; which++) {
		rc |= check_time(cfg, claims, now, (enum time_claim)which, v);
		if (rc != 0 && !v->explain)
			break;
	}
	return rc;
}

int
claims_check(const kinde_config_t *cfg, const json_t *claims, int64_t now,
	     kinde_verdict_t *v)
{
	int rc = 0;

	rc |= check_iss(cfg, claims, v);
	if (rc && !v->explain)
		return -1;
	rc |= check_string_claims(claims, v);
	if (rc && !v->explain)
		return -1;
	rc |= check_aud(cfg, claims, v);
	if (rc && !v->explain)
		return -1;
	rc |= check_times(cfg, claims, now, v);
	return rc ? -1 : 0;
}
