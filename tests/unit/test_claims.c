/*
 * test_claims.c - registered claims (lib/claims.c): claim_time for every
 * JSON type, and claims_check on iss, aud, exp, nbf and iat with leeway 0
 * and 60, in plain and explain mode.
 */
#include "kinde-build.h"

#include "claims.h"
#include "config.h"
#include "verdict.h"
#include "tap.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define ISS "https://acme.kinde.com"
#define NOW ((int64_t)1767225600)	/* 2026-01-01 00:00:00 UTC */

static kinde_config_t *cfg0, *cfg60, *cfg_noaud, *cfg_two;

static kinde_config_t *
mkcfg(const char *leeway, const char *audience)
{
	kinde_config_t *cfg = kinde_config_new();

	if (kinde_config_set(cfg, "issuer", ISS) != KINDE_OK ||
	    kinde_config_set(cfg, "leeway", leeway) != KINDE_OK ||
	    (audience != NULL &&
	     kinde_config_set(cfg, "audience", audience) != KINDE_OK) ||
	    kinde_config_finish(cfg) != KINDE_OK)
		abort();
	return cfg;
}

/* ------------------------------------------------------------------ */
/* claim_time */

static void
time_case(json_t *val, int want_rc, double want_t, const char *what)
{
	json_t *c = json_object();
	double t = -12345.0;
	int rc;

	if (val != NULL)
		json_object_set_new(c, "exp", val);
	rc = claim_time(c, "exp", &t);
	is_int(rc, want_rc, "claim_time: %s", what);
	if (want_rc == 1)
		ok(t == want_t, "  value of %s (%.17g)", what, t);
	else
		ok(t == -12345.0, "  *t untouched for %s", what);
	json_decref(c);
}

static void
claim_time_types(void)
{
	time_case(NULL, 0, 0, "absent");
	time_case(json_integer(100), 1, 100.0, "integer");
	time_case(json_integer(0), 1, 0.0, "integer 0");
	time_case(json_real(100.5), 1, 100.5, "real");
	time_case(json_real(1767225600.25), 1, 1767225600.25, "real epoch");
	time_case(json_real(0.0), 1, 0.0, "real 0.0");
	time_case(json_integer((json_int_t)CLAIM_TIME_MAX), 1, CLAIM_TIME_MAX,
		  "integer CLAIM_TIME_MAX (9999-12-31)");
	time_case(json_integer((json_int_t)CLAIM_TIME_MAX + 1), -1, 0,
		  "integer CLAIM_TIME_MAX + 1");
	time_case(json_real(CLAIM_TIME_MAX + 0.5), -1, 0,
		  "real CLAIM_TIME_MAX + 0.5");
	time_case(json_integer(-1), -1, 0, "negative integer");
	time_case(json_real(-0.5), -1, 0, "negative real");
	time_case(json_real(1e300), -1, 0, "1e300");
	time_case(json_integer(INT64_MAX), -1, 0, "INT64_MAX");
	time_case(json_integer(INT64_MIN), -1, 0, "INT64_MIN");
	time_case(json_string("1767225600"), -1, 0, "numeric string");
	time_case(json_string(""), -1, 0, "empty string");
	time_case(json_true(), -1, 0, "true");
	time_case(json_false(), -1, 0, "false");
	time_case(json_null(), -1, 0, "null");
	time_case(json_object(), -1, 0, "object");
	time_case(json_pack("[i]", 100), -1, 0, "array");
	{
		/* a real parsed from text, the way tokens arrive */
		json_t *c = json_loads("{\"exp\":1.7672256e9}", 0, NULL);
		double t = 0;

		ok(claim_time(c, "exp", &t) == 1 && t == 1767225600.0,
		   "claim_time: 1.7672256e9 from JSON text");
		json_decref(c);
	}
}

/* ------------------------------------------------------------------ */
/* claims_check */

/* Claims from JSON text with printf; NOW is available as %lld. */
static json_t *claims_of(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static json_t *
claims_of(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	json_error_t err;
	json_t *j;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	j = json_loads(s, JSON_REJECT_DUPLICATES, &err);
	if (j == NULL) {
		fprintf(stderr, "bad test JSON %s: %s\n", s, err.text);
		abort();
	}
	free(s);
	return j;
}

/* A claims set: iss, aud "api" and the three times relative to NOW. */
static json_t *
std(long exp, long nbf, long iat)
{
	return claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":%lld,\"nbf\":%lld,\"iat\":%lld}",
			 ISS, (long long)(NOW + exp), (long long)(NOW + nbf),
			 (long long)(NOW + iat));
}

static char last_detail[600];

/* claims_check in plain mode; c is decref'd. */
static int
check(const kinde_config_t *cfg, json_t *c, kinde_reason_t want,
      const char *want_detail, const char *what)
{
	kinde_verdict_t *v = kinde_verdict_new(false);
	int rc = claims_check(cfg, c, NOW, v);
	kinde_reason_t r = kinde_verdict_reason(v);
	int good;

	snprintf(last_detail, sizeof(last_detail), "%s",
		 kinde_verdict_detail(v));
	good = (want == KINDE_R_NONE ? rc == 0 : rc == -1) && r == want;
	if (!ok(good, "%s => %s", what, kinde_reason_name(want)))
		diag("  got rc %d reason %s: %s", rc, kinde_reason_name(r),
		     tap_vis(last_detail));
	if (want_detail != NULL)
		is_str(last_detail, want_detail, "  detail of %s", what);
	is_int(kinde_verdict_check_count(v), 0,
	       "  plain mode records no checks (%s)", what);
	kinde_verdict_free(v);
	json_decref(c);
	return good;
}

static void
iss_rules(void)
{
	check(cfg60, std(100, 0, 0), KINDE_R_NONE, "", "all claims valid");
	check(cfg60, claims_of("{\"iss\":\"%s/\",\"aud\":\"api\",\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_ISSUER,
	      "issuer https://acme.kinde.com/ is not the configured https://acme.kinde.com",
	      "iss with a trailing slash");
	check(cfg60, claims_of("{\"iss\":\"HTTPS://ACME.KINDE.COM\",\"aud\":\"api\",\"exp\":%lld}",
			       (long long)NOW + 100), KINDE_R_ISSUER, NULL,
	      "iss in upper case");
	check(cfg60, claims_of("{\"iss\":\"https://acme.kinde.co\",\"aud\":\"api\",\"exp\":%lld}",
			       (long long)NOW + 100), KINDE_R_ISSUER, NULL,
	      "iss a prefix");
	check(cfg60, claims_of("{\"iss\":\"%s.evil\",\"aud\":\"api\",\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_ISSUER, NULL,
	      "iss with a suffix");
	check(cfg60, claims_of("{\"aud\":\"api\",\"exp\":%lld}",
			       (long long)NOW + 100), KINDE_R_ISSUER,
	      "token has no iss; expected https://acme.kinde.com",
	      "iss missing");
	check(cfg60, claims_of("{\"iss\":1,\"aud\":\"api\",\"exp\":%lld}",
			       (long long)NOW + 100), KINDE_R_CLAIMS,
	      "iss is not a string", "iss a number");
	check(cfg60, claims_of("{\"iss\":null,\"aud\":\"api\",\"exp\":%lld}",
			       (long long)NOW + 100), KINDE_R_CLAIMS,
	      "iss is not a string", "iss null");
	check(cfg60, claims_of("{\"iss\":[\"%s\"],\"aud\":\"api\",\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_CLAIMS,
	      "iss is not a string", "iss an array");
	check(cfg60, claims_of("{\"iss\":\"https:\\/\\/acme.kinde.com\",\"aud\":\"api\",\"exp\":%lld}",
			       (long long)NOW + 100), KINDE_R_NONE, NULL,
	      "iss with JSON-escaped slashes is the same string");
	check(cfg60, claims_of("{\"iss\":\"https://acme.kinde\\u002ecom\",\"aud\":\"api\",\"exp\":%lld}",
			       (long long)NOW + 100), KINDE_R_NONE, NULL,
	      "iss with a \\u escape is the same string");
	check(cfg60, claims_of("{\"iss\":\"%s\\n\",\"aud\":\"api\",\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_ISSUER,
	      "issuer https://acme.kinde.com\\x0a is not the configured https://acme.kinde.com",
	      "iss with a newline: escaped in the detail");

	/* byte-exact the other way too */
	{
		kinde_config_t *slash = kinde_config_new();

		kinde_config_set(slash, "issuer", ISS "/");
		check(slash, std(100, 0, 0), KINDE_R_ISSUER, NULL,
		      "configured issuer with a slash, token without");
		kinde_config_free(slash);
	}
}

static void
aud_rules(void)
{
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":[\"x\",\"api\"],\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_NONE, NULL,
	      "aud array containing the audience");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":[],\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_AUDIENCE,
	      "token audience [] does not include api", "aud []");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"other\",\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_AUDIENCE,
	      "token audience [other] does not include api", "aud another string");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":[\"a\",\"b\"],\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_AUDIENCE,
	      "token audience [a, b] does not include api",
	      "aud array without the audience");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"API\",\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_AUDIENCE,
	      NULL, "aud in another case");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"exp\":%lld}", ISS,
			       (long long)NOW + 100), KINDE_R_AUDIENCE,
	      "token audience [] does not include api", "aud missing");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":5,\"exp\":%lld}", ISS,
			       (long long)NOW + 100), KINDE_R_CLAIMS,
	      "aud is neither a string nor an array", "aud a number");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":null,\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_CLAIMS,
	      "aud is neither a string nor an array", "aud null");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":[\"api\",5],\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_CLAIMS,
	      "aud array holds a non-string",
	      "aud array with a non-string beside the audience");
	check(cfg_two, claims_of("{\"iss\":\"%s\",\"aud\":[\"api2\"],\"exp\":%lld}",
				 ISS, (long long)NOW + 100), KINDE_R_NONE,
	      NULL, "any of two configured audiences");
	check(cfg_two, claims_of("{\"iss\":\"%s\",\"aud\":\"z\",\"exp\":%lld}",
				 ISS, (long long)NOW + 100), KINDE_R_AUDIENCE,
	      "token audience [z] does not include any of api, api2",
	      "neither of two configured audiences");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":[\"a1\",\"a2\",\"a3\",\"a4\",\"a5\",\"a6\",\"a7\",\"a8\",\"a9\",\"a10\",\"a11\",\"a12\",\"a13\",\"a14\",\"a15\",\"a16\",\"a17\",\"a18\",\"a19\",\"a20\"],\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_AUDIENCE,
	      NULL, "20 audiences without the one configured");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":[\"a1\",\"a2\",\"a3\",\"a4\",\"a5\",\"a6\",\"a7\",\"a8\",\"a9\",\"a10\",\"a11\",\"a12\",\"a13\",\"a14\",\"a15\",\"a16\",\"a17\",\"a18\",\"a19\",\"api\"],\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_NONE,
	      NULL, "the audience as the 20th entry");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":[\"evil\\nFAKE LOG LINE\"],\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_AUDIENCE,
	      NULL, "aud with a newline");
	ok(!tap_has_ctl(last_detail),
	   "aud values are escaped in the detail (got \"%s\")",
	   tap_vis(last_detail));

	/* no audience configured: not checked, but still type-checked */
	check(cfg_noaud, claims_of("{\"iss\":\"%s\",\"aud\":\"whatever\",\"exp\":%lld}",
				   ISS, (long long)NOW + 100), KINDE_R_NONE,
	      NULL, "no audience configured: any aud");
	check(cfg_noaud, claims_of("{\"iss\":\"%s\",\"aud\":[],\"exp\":%lld}",
				   ISS, (long long)NOW + 100), KINDE_R_NONE,
	      NULL, "no audience configured: aud []");
	check(cfg_noaud, claims_of("{\"iss\":\"%s\",\"exp\":%lld}", ISS,
				   (long long)NOW + 100), KINDE_R_NONE, NULL,
	      "no audience configured: no aud");
	check(cfg_noaud, claims_of("{\"iss\":\"%s\",\"aud\":5,\"exp\":%lld}",
				   ISS, (long long)NOW + 100), KINDE_R_CLAIMS,
	      NULL, "no audience configured: aud a number is still refused");
}

static void
time_rules(void)
{
	/* leeway 0 */
	check(cfg0, std(0, -10, -10), KINDE_R_EXPIRED, NULL,
	      "leeway 0: exp = now");
	check(cfg0, std(1, -10, -10), KINDE_R_NONE, NULL,
	      "leeway 0: exp = now + 1");
	check(cfg0, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":%lld.5}",
			      ISS, (long long)NOW), KINDE_R_NONE, NULL,
	      "leeway 0: exp = now + 0.5");
	check(cfg0, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":%lld.5}",
			      ISS, (long long)NOW - 1), KINDE_R_EXPIRED, NULL,
	      "leeway 0: exp = now - 0.5");
	check(cfg0, std(100, 0, 0), KINDE_R_NONE, NULL,
	      "leeway 0: nbf = iat = now");
	check(cfg0, std(100, 1, 0), KINDE_R_NOT_YET_VALID, NULL,
	      "leeway 0: nbf = now + 1");
	check(cfg0, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":%lld,\"nbf\":%lld.5}",
			      ISS, (long long)NOW + 100, (long long)NOW),
	      KINDE_R_NOT_YET_VALID, NULL, "leeway 0: nbf = now + 0.5");
	check(cfg0, std(100, 0, 1), KINDE_R_ISSUED_IN_FUTURE, NULL,
	      "leeway 0: iat = now + 1");

	/* leeway 60 */
	check(cfg60, std(-60, -100, -100), KINDE_R_EXPIRED,
	      "token expired 1m0s ago at 2025-12-31 23:59:00 UTC (leeway 60s)",
	      "leeway 60: exp = now - 60");
	check(cfg60, std(-59, -100, -100), KINDE_R_NONE, NULL,
	      "leeway 60: exp = now - 59");
	check(cfg60, std(-3600 * 5, -86400, -86400), KINDE_R_EXPIRED,
	      "token expired 5h0m ago at 2025-12-31 19:00:00 UTC (leeway 60s)",
	      "leeway 60: expired 5 hours ago");
	check(cfg60, std(100, 60, 0), KINDE_R_NONE, NULL,
	      "leeway 60: nbf = now + 60");
	check(cfg60, std(100, 61, 0), KINDE_R_NOT_YET_VALID,
	      "token not valid until 2026-01-01 00:01:01 UTC, in 1m1s (leeway 60s)",
	      "leeway 60: nbf = now + 61");
	check(cfg60, std(100, 0, 60), KINDE_R_NONE, NULL,
	      "leeway 60: iat = now + 60");
	check(cfg60, std(100, 0, 61), KINDE_R_ISSUED_IN_FUTURE,
	      "token issued in the future, in 1m1s at 2026-01-01 00:01:01 UTC (leeway 60s): is this host's clock behind?",
	      "leeway 60: iat = now + 61");
	check(cfg60, std(100, -86400 * 365, -86400 * 365), KINDE_R_NONE, NULL,
	      "leeway 60: nbf and iat a year ago");

	/* presence and types */
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"api\"}", ISS),
	      KINDE_R_CLAIMS,
	      "token has no exp; tokens that never expire are refused",
	      "exp missing");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":\"%lld\"}",
			       ISS, (long long)NOW + 100), KINDE_R_CLAIMS,
	      "exp is not a number of seconds in range", "exp a string");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":true}",
			       ISS), KINDE_R_CLAIMS, NULL, "exp true");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":null}",
			       ISS), KINDE_R_CLAIMS, NULL, "exp null");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":1e300}",
			       ISS), KINDE_R_CLAIMS, NULL, "exp 1e300");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":-5}",
			       ISS), KINDE_R_CLAIMS, NULL, "exp negative");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":%lld,\"nbf\":null}",
			       ISS, (long long)NOW + 100), KINDE_R_CLAIMS,
	      "nbf is not a number of seconds in range", "nbf null");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":%lld,\"iat\":\"now\"}",
			       ISS, (long long)NOW + 100), KINDE_R_CLAIMS,
	      "iat is not a number of seconds in range", "iat a string");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":%lld,\"iat\":[1]}",
			       ISS, (long long)NOW + 100), KINDE_R_CLAIMS,
	      NULL, "iat an array");
	check(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":%lld}",
			       ISS, (long long)NOW + 100), KINDE_R_NONE, NULL,
	      "nbf and iat absent");
}

/* ------------------------------------------------------------------ */
/* explain mode */

struct want_check {
	const char *name;
	int status;
};

static void
trace(const kinde_config_t *cfg, json_t *c, kinde_reason_t want,
      const struct want_check *w, size_t nw, const char *what)
{
	kinde_verdict_t *ve = kinde_verdict_new(true);
	kinde_verdict_t *vp = kinde_verdict_new(false);
	struct kinde_check chk;
	size_t i, n;
	int rce = claims_check(cfg, c, NOW, ve);
	int rcp = claims_check(cfg, c, NOW, vp);
	int same = 1;

	ok(rce == rcp && kinde_verdict_reason(ve) == want &&
	   kinde_verdict_reason(vp) == want,
	   "%s: both modes report %s", what, kinde_reason_name(want));
	is_str(kinde_verdict_detail(ve), kinde_verdict_detail(vp),
	       "  the same first-failure detail in both modes");
	n = kinde_verdict_check_count(ve);
	is_int(n, nw, "  explain records %zu checks", nw);
	for (i = 0; i < n && i < nw; i++) {
		kinde_verdict_check(ve, i, &chk);
		if (strcmp(chk.name, w[i].name) != 0 ||
		    chk.status != w[i].status || chk.detail == NULL) {
			same = 0;
			diag("  check %zu: got %s/%d, want %s/%d", i, chk.name,
			     chk.status, w[i].name, w[i].status);
		}
	}
	ok(same, "  explain trace in order with statuses");
	is_int(kinde_verdict_check_count(vp), 0, "  plain mode records none");
	kinde_verdict_free(ve);
	kinde_verdict_free(vp);
	json_decref(c);
}

static void
explain_mode(void)
{
	static const struct want_check all_pass[] = {
		{ "iss", 1 }, { "aud", 1 }, { "exp", 1 }, { "nbf", 1 },
		{ "iat", 1 },
	};
	static const struct want_check no_aud[] = {
		{ "iss", 1 }, { "aud", -1 }, { "exp", 1 }, { "nbf", -1 },
		{ "iat", -1 },
	};
	static const struct want_check many[] = {
		{ "iss", 1 }, { "aud", 0 }, { "exp", 0 }, { "nbf", 0 },
		{ "iat", 0 },
	};
	static const struct want_check iss_first[] = {
		{ "iss", 0 }, { "aud", 1 }, { "exp", 1 }, { "nbf", 1 },
		{ "iat", 1 },
	};
	static const struct want_check types[] = {
		{ "iss", 1 }, { "aud", 1 }, { "exp", 0 }, { "nbf", 0 },
		{ "iat", 0 },
	};
	kinde_verdict_t *v;
	struct kinde_check chk;
	json_t *c;

	trace(cfg60, std(100, 0, 0), KINDE_R_NONE, all_pass, 5,
	      "all pass");
	trace(cfg_noaud, claims_of("{\"iss\":\"%s\",\"exp\":%lld}", ISS,
				   (long long)NOW + 100), KINDE_R_NONE, no_aud,
	      5, "no audience configured, nbf and iat absent");
	trace(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"zz\",\"exp\":%lld,\"nbf\":%lld,\"iat\":%lld}",
			       ISS, (long long)NOW - 3600,
			       (long long)NOW + 3600, (long long)NOW + 3600),
	      KINDE_R_AUDIENCE, many, 5,
	      "aud, exp, nbf and iat all fail: aud is the reason");
	trace(cfg60, claims_of("{\"iss\":\"https://evil\",\"aud\":\"api\",\"exp\":%lld,\"nbf\":%lld,\"iat\":%lld}",
			       (long long)NOW + 100, (long long)NOW,
			       (long long)NOW), KINDE_R_ISSUER, iss_first, 5,
	      "iss fails first, later checks still recorded");
	trace(cfg60, claims_of("{\"iss\":\"%s\",\"aud\":\"api\",\"exp\":\"x\",\"nbf\":true,\"iat\":%lld}",
			       ISS, (long long)NOW + 7200), KINDE_R_CLAIMS,
	      types, 5, "exp wrong type, nbf wrong type, iat in the future");

	/* the explain detail of each failed check */
	v = kinde_verdict_new(true);
	c = std(-60, 61, 61);
	claims_check(cfg60, c, NOW, v);
	if (kinde_verdict_check_count(v) == 5) {
		kinde_verdict_check(v, 2, &chk);
		is_str(chk.detail,
		       "token expired 1m0s ago at 2025-12-31 23:59:00 UTC (leeway 60s)",
		       "explain: exp detail");
		kinde_verdict_check(v, 3, &chk);
		is_str(chk.detail,
		       "token not valid until 2026-01-01 00:01:01 UTC, in 1m1s (leeway 60s)",
		       "explain: nbf detail");
		kinde_verdict_check(v, 0, &chk);
		is_str(chk.detail, ISS, "explain: iss detail names the issuer");
	} else {
		ok(0, "explain: 5 checks (%zu)", kinde_verdict_check_count(v));
	}
	is_int(kinde_verdict_reason(v), KINDE_R_EXPIRED,
	       "explain: the first failure (exp) is the reason");
	json_decref(c);
	kinde_verdict_free(v);
}

int
main(void)
{
	cfg0 = mkcfg("0", "api");
	cfg60 = mkcfg("60", "api");
	cfg_noaud = mkcfg("60", NULL);
	cfg_two = mkcfg("60", "api api2");

	claim_time_types();
	iss_rules();
	aud_rules();
	time_rules();
	explain_mode();

	kinde_config_free(cfg0);
	kinde_config_free(cfg60);
	kinde_config_free(cfg_noaud);
	kinde_config_free(cfg_two);
	return done_testing();
}
