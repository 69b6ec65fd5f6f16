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

static int
check_times(const kinde_config_t *cfg, const json_t *claims, int64_t now,
	    kinde_verdict_t *v)
{
	double exp, nbf, iat, dnow = (double)now, lw = (double)cfg->leeway;
	char when[40], rel[40];
	int r, rc = 0;

	r = claim_time(claims, "exp", &exp);
	if (r < 0) {
		rc = bad_time(v, "exp");
	} else if (r == 0) {
		verdict_fail(v, "exp", KINDE_R_CLAIMS,
			     "token has no exp; tokens that never expire are refused");
		rc = -1;
	} else {
		kinde_fmt_utc((int64_t)exp, when, sizeof(when));
		kinde_fmt_relative((int64_t)exp, now, rel, sizeof(rel));
		if (dnow >= exp + lw) {
			verdict_fail(v, "exp", KINDE_R_EXPIRED,
				     "token expired %s at %s (leeway %lds)",
				     rel, when, cfg->leeway);
			rc = -1;
		} else {
			verdict_pass(v, "exp", "expires %s at %s", rel, when);
		}
	}
	if (rc != 0 && !v->explain)
		return rc;

	r = claim_time(claims, "nbf", &nbf);
	if (r < 0) {
		rc = bad_time(v, "nbf");
	} else if (r > 0) {
		kinde_fmt_utc((int64_t)nbf, when, sizeof(when));
		kinde_fmt_relative((int64_t)nbf, now, rel, sizeof(rel));
		if (dnow + lw < nbf) {
			verdict_fail(v, "nbf", KINDE_R_NOT_YET_VALID,
				     "token not valid until %s, %s (leeway %lds)",
				     when, rel, cfg->leeway);
			rc = -1;
		} else {
			verdict_pass(v, "nbf", "valid since %s", when);
		}
	} else {
		verdict_skip(v, "nbf", "absent");
	}
	if (rc != 0 && !v->explain)
		return rc;

	r = claim_time(claims, "iat", &iat);
	if (r < 0) {
		rc = bad_time(v, "iat");
	} else if (r > 0) {
		kinde_fmt_utc((int64_t)iat, when, sizeof(when));
		kinde_fmt_relative((int64_t)iat, now, rel, sizeof(rel));
		if (iat > dnow + lw) {
			verdict_fail(v, "iat", KINDE_R_ISSUED_IN_FUTURE,
				     "token issued in the future, %s at %s (leeway %lds): is this host's clock behind?",
				     rel, when, cfg->leeway);
			rc = -1;
		} else {
			verdict_pass(v, "iat", "issued %s at %s", rel, when);
		}
	} else {
		verdict_skip(v, "iat", "absent");
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
	rc |= check_aud(cfg, claims, v);
	if (rc && !v->explain)
		return -1;
	rc |= check_times(cfg, claims, now, v);
	return rc ? -1 : 0;
}
