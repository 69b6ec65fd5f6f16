/*
 * test_validator.c - end to end through kinde_validator_check on
 * Kinde-shaped tokens: accepted user and M2M tokens, the explain trace,
 * what a verdict exposes, verdict reuse, and validators without keys.
 */
#include "kinde-build.h"

#include "kinde.h"
#include "tap.h"
#include "testkeys.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DOMAIN "acme.kinde.com"
#define ISS "https://acme.kinde.com"
#define KID "6d:12:a3:5e:9b:0c:44:71:8f:2e:61:d0:c9:33:b7:15"
#define NOW ((int64_t)1767225600)

static EVP_PKEY *rsa, *rsa_new;
static kinde_keyset_t *ks, *ks_rotated, *ks_empty;

static kinde_config_t *
mkcfg(const char *key, const char *value)
{
	kinde_config_t *cfg = kinde_config_new();

	if (kinde_config_set(cfg, "domain", DOMAIN) != KINDE_OK ||
	    (key != NULL && kinde_config_set(cfg, key, value) !=
	     KINDE_OK) ||
	    kinde_config_finish(cfg) != KINDE_OK)
		abort();
	return cfg;
}

static kinde_keyset_t *
keyset(char *json)
{
	kinde_config_t *cfg = kinde_config_new();
	kinde_keyset_t *set = NULL;
	char err[256];

	if (kinde_keyset_parse(cfg, json, strlen(json), &set, err,
			       sizeof(err)) != KINDE_OK)
		abort();
	free(json);
	kinde_config_free(cfg);
	return set;
}

/* The public JWK as Kinde serves it: e, n, alg, kid, kty, use. */
static json_t *
kinde_jwk(EVP_PKEY *pk, const char *kid)
{
	json_t *j = tk_jwk(pk, kid, "RS256");

	json_object_set_new(j, "use", json_string("sig"));
	return j;
}

static char *
token(EVP_PKEY *pk, const char *kid, json_t *claims)
{
	char header[256], *payload, *t;

	if (kid != NULL)
		snprintf(header, sizeof(header),
			 "{\"alg\":\"RS256\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
			 kid);
	else
		snprintf(header, sizeof(header),
			 "{\"alg\":\"RS256\",\"typ\":\"JWT\"}");
	payload = tk_dump(claims);
	t = tk_sign(pk, "RS256", header, payload);
	free(payload);
	json_decref(claims);
	return t;
}

static json_t *
user_claims(int64_t now)
{
	return tk_claims(ISS, now);
}

static json_t *
m2m_claims(int64_t now)
{
	json_t *c = tk_claims(ISS, now);

	json_object_set_new(c, "gty", json_pack("[s]", "client_credentials"));
	json_object_set_new(c, "scope", json_string("read:users ssh:login"));
	json_object_set_new(c, "scp", json_pack("[s]", "read:users"));
	json_object_set_new(c, "aud", json_pack("[s]", ISS "/api"));
	json_object_del(c, "org_code");
	json_object_set_new(c, "sub", json_string("6f1e3f0c9a4b4c8d@clients"));
	return c;
}

static kinde_validator_t *
validator(const kinde_config_t *cfg, const kinde_keyset_t *set)
{
	kinde_validator_t *val = NULL;

	if (kinde_validator_new(cfg, set, &val) != KINDE_OK || val == NULL)
		abort();
	kinde_validator_set_now(val, NOW);
	return val;
}

static kinde_err_t
check(const kinde_validator_t *val, const char *tok, kinde_verdict_t *v)
{
	return kinde_validator_check(val, tok, strlen(tok), v);
}

/* ------------------------------------------------------------------ */

static void
accepted_user(void)
{
	kinde_config_t *cfg = mkcfg(NULL, NULL);
	kinde_validator_t *val = validator(cfg, ks);
	kinde_verdict_t *v = kinde_verdict_new(false);
	char *tok = token(rsa, KID, user_claims(NOW));
	const json_t *claims;

	is_int(check(val, tok, v), KINDE_OK, "a Kinde user token is accepted");
	is_int(kinde_verdict_reason(v), KINDE_R_NONE, "  reason none");
	is_str(kinde_reason_name(kinde_verdict_reason(v)), "ok",
	       "  reason name ok");
	is_str(kinde_verdict_detail(v), "", "  empty detail");
	is_str(kinde_verdict_kid(v), KID, "  kid");
	is_str(kinde_verdict_claim_string(v, "sub"),
	       "kp_57c2b9a1d3e84f6b9e0c1d2a3b4c5d6e", "  sub");
	is_str(kinde_verdict_claim_string(v, "org_code"), "org_e5f28e1676d",
	       "  org_code");
	ok(kinde_verdict_claim_string(v, "exp") == NULL,
	   "  claim_string of a number is NULL");
	ok(kinde_verdict_claim_string(v, "nope") == NULL,
	   "  claim_string of a missing claim is NULL");
	claims = kinde_verdict_claims(v);
	ok(json_is_object(claims) &&
	   json_array_size(json_object_get(claims, "scp")) == 4,
	   "  claims object with scp");
	is_int(kinde_verdict_check_count(v), 0, "  plain mode: no trace");

	/* policy met */
	{
		kinde_config_t *pol = kinde_config_new();
		kinde_validator_t *pv;

		kinde_config_set(pol, "domain", DOMAIN);
		kinde_config_set(pol, "require_scopes", "openid email");
		kinde_config_set(pol, "allowed_orgs", "org_e5f28e1676d");
		kinde_config_set(pol, "allowed_client_ids", "6f1e3f0c9a4b4c8d");
		kinde_config_set(pol, "token_types", "user");
		kinde_config_finish(pol);
		pv = validator(pol, ks);
		is_int(check(pv, tok, v), KINDE_OK,
		       "accepted under scope, org, client and type policy");
		kinde_config_set(pol, "require_permissions", "ssh:login");
		is_int(check(pv, tok, v), KINDE_E_REJECTED,
		       "permissions [] and one required: rejected");
		is_str(kinde_reason_name(kinde_verdict_reason(v)),
		       "permission", "  reason permission");
		is_str(kinde_verdict_detail(v),
		       "missing permission ssh:login; token has none",
		       "  detail");
		kinde_validator_free(pv);
		kinde_config_free(pol);
	}

	/* the audience: Kinde user tokens often carry aud [] */
	{
		kinde_config_t *aud = mkcfg("audience", ISS "/api");
		kinde_validator_t *av = validator(aud, ks);

		is_int(check(av, tok, v), KINDE_E_REJECTED,
		       "aud [] when an audience is configured: rejected");
		is_int(kinde_verdict_reason(v), KINDE_R_AUDIENCE,
		       "  reason audience");
		kinde_validator_free(av);
		kinde_config_free(aud);
	}

	free(tok);
	kinde_verdict_free(v);
	kinde_validator_free(val);
	kinde_config_free(cfg);
}

static void
accepted_m2m(void)
{
	kinde_config_t *cfg = kinde_config_new();
	kinde_validator_t *val;
	kinde_verdict_t *v = kinde_verdict_new(false);
	char *tok = token(rsa, KID, m2m_claims(NOW));

	kinde_config_set(cfg, "domain", DOMAIN);
	kinde_config_set(cfg, "audience", ISS "/api");
	kinde_config_set(cfg, "require_scopes", "ssh:login");
	kinde_config_set(cfg, "token_types", "m2m");
	kinde_config_finish(cfg);
	val = validator(cfg, ks);
	is_int(check(val, tok, v), KINDE_OK,
	       "an M2M token (gty client_credentials, scope string) is accepted");
	is_str(kinde_verdict_claim_string(v, "scope"), "read:users ssh:login",
	       "  scope claim available");
	kinde_validator_free(val);
	kinde_config_free(cfg);

	cfg = mkcfg("require_scopes", "read:users admin");
	val = validator(cfg, ks);
	is_int(check(val, tok, v), KINDE_E_REJECTED,
	       "M2M token without a required scope");
	is_str(kinde_verdict_detail(v),
	       "missing scope admin; token has read:users, ssh:login",
	       "  detail lists the granted scope string");
	kinde_validator_free(val);
	kinde_config_free(cfg);

	cfg = mkcfg("token_types", "user");
	val = validator(cfg, ks);
	is_int(check(val, tok, v), KINDE_E_REJECTED,
	       "M2M token, users only");
	is_str(kinde_reason_name(kinde_verdict_reason(v)), "token-type",
	       "  reason token-type");
	kinde_validator_free(val);
	kinde_config_free(cfg);

	free(tok);
	kinde_verdict_free(v);
}

struct want {
	const char *name;
	int status;
};

static int
trace_is(const kinde_verdict_t *v, const struct want *w, size_t n)
{
	struct kinde_check c;
	size_t i, got = kinde_verdict_check_count(v);
	int same = got == n;

	for (i = 0; i < got; i++) {
		kinde_verdict_check(v, i, &c);
		if (i >= n || strcmp(c.name, w[i].name) != 0 ||
		    c.status != w[i].status || c.detail == NULL) {
			same = 0;
			diag("  check %zu: got %s/%d (%s), want %s/%d", i,
			     c.name, c.status, c.detail ? c.detail : "",
			     i < n ? w[i].name : "-", i < n ? w[i].status : 9);
		}
	}
	if (got != n)
		diag("  %zu checks, want %zu", got, n);
	return same;
}

static void
explain(void)
{
	static const struct want pass[] = {
		{ "format", 1 }, { "alg", 1 }, { "header", 1 }, { "kid", 1 },
		{ "signature", 1 }, { "iss", 1 }, { "aud", -1 }, { "exp", 1 },
		{ "nbf", -1 }, { "iat", 1 }, { "token-type", 1 },
		{ "client", -1 }, { "scope", -1 }, { "permission", -1 },
		{ "org", -1 },
	};
	static const struct want badsig[] = {
		{ "format", 1 }, { "alg", 1 }, { "header", 1 }, { "kid", 1 },
		{ "signature", 0 }, { "payload", -1 }, { "iss", 1 },
		{ "aud", -1 }, { "exp", 0 }, { "nbf", -1 }, { "iat", 1 },
		{ "token-type", 1 }, { "client", -1 }, { "scope", 0 },
		{ "permission", -1 }, { "org", -1 },
	};
	static const struct want nokey[] = {
		{ "format", 1 }, { "alg", 1 }, { "header", 1 }, { "kid", 0 },
		{ "signature", -1 }, { "payload", -1 }, { "iss", 1 },
		{ "aud", -1 }, { "exp", 1 }, { "nbf", -1 }, { "iat", 1 },
		{ "token-type", 1 }, { "client", -1 }, { "scope", -1 },
		{ "permission", -1 }, { "org", -1 },
	};
	static const struct want badalg[] = {
		{ "format", 1 }, { "alg", 0 },
	};
	kinde_config_t *cfg = mkcfg(NULL, NULL);
	kinde_config_t *scope = mkcfg("require_scopes", "admin");
	kinde_validator_t *val = validator(cfg, ks);
	kinde_validator_t *sval = validator(scope, ks);
	kinde_verdict_t *v = kinde_verdict_new(true);
	kinde_verdict_t *plain = kinde_verdict_new(false);
	char *tok = token(rsa, KID, user_claims(NOW)), *forged;
	struct kinde_check c;
	json_t *cl;
	size_t n;

	is_int(check(val, tok, v), KINDE_OK, "explain: accepted");
	ok(trace_is(v, pass, sizeof(pass) / sizeof(pass[0])),
	   "  trace: format, alg, header, kid, signature, iss, aud, exp, nbf, iat, token-type, client, scope, permission, org");
	n = kinde_verdict_check_count(v);
	if (n == sizeof(pass) / sizeof(pass[0])) {
		kinde_verdict_check(v, 3, &c);
		is_str(c.detail, "key \"" KID "\" (RSA 2048 bits)",
		       "  kid detail");
		kinde_verdict_check(v, 4, &c);
		is_str(c.detail, "RS256 signature valid", "  signature detail");
	}

	/* forged (signature changed) and expired, scope missing */
	cl = user_claims(NOW - 86400);
	forged = token(rsa, KID, cl);
	n = strlen(forged) - 20;
	forged[n] = forged[n] == 'A' ? 'B' : 'A';
	is_int(check(sval, forged, v), KINDE_E_REJECTED,
	       "explain: a forged, expired token is rejected");
	is_str(kinde_reason_name(kinde_verdict_reason(v)), "signature",
	       "  the reason is the first failure: signature");
	ok(trace_is(v, badsig, sizeof(badsig) / sizeof(badsig[0])),
	   "  trace continues past the signature, marking the payload unverified");
	ok(kinde_verdict_claims(v) != NULL,
	   "  explain: the unverified claims are shown");
	is_int(check(sval, forged, plain), KINDE_E_REJECTED,
	       "plain: the forged token is rejected");
	is_str(kinde_reason_name(kinde_verdict_reason(plain)), "signature",
	       "  reason signature");
	ok(kinde_verdict_claims(plain) == NULL,
	   "  plain: an unverified payload is never decoded");
	is_str(kinde_verdict_detail(v), kinde_verdict_detail(plain),
	       "  same detail in both modes");
	free(forged);

	/* no key set */
	{
		kinde_validator_t *nk = validator(cfg, NULL);

		is_int(check(nk, tok, v), KINDE_E_REJECTED,
		       "explain: no key set");
		ok(trace_is(v, nokey, sizeof(nokey) / sizeof(nokey[0])),
		   "  trace: kid failed, signature skipped, claims shown");
		kinde_validator_free(nk);
	}

	/* a header failure stops the trace: nothing to verify with */
	{
		char *hs = tk_sign(rsa, "RS256",
				   "{\"alg\":\"PS256\",\"kid\":\"" KID "\"}",
				   "{}");

		is_int(check(val, hs, v), KINDE_E_REJECTED,
		       "explain: alg not allowed");
		ok(trace_is(v, badalg, 2), "  trace: format, alg (failed)");
		free(hs);
	}

	free(tok);
	kinde_verdict_free(v);
	kinde_verdict_free(plain);
	kinde_validator_free(val);
	kinde_validator_free(sval);
	kinde_config_free(cfg);
	kinde_config_free(scope);
}

static void
claims_when_rejected(void)
{
	kinde_config_t *cfg = mkcfg(NULL, NULL);
	kinde_validator_t *val = validator(cfg, ks);
	kinde_verdict_t *v = kinde_verdict_new(false);
	char *tok = token(rsa, KID, user_claims(NOW - 7200));
	json_t *c;

	is_int(check(val, tok, v), KINDE_E_REJECTED, "an expired token");
	is_str(kinde_reason_name(kinde_verdict_reason(v)), "expired",
	       "  reason expired");
	ok(kinde_verdict_claims(v) != NULL,
	   "  claims available although rejected for a claim");
	is_str(kinde_verdict_claim_string(v, "sub"),
	       "kp_57c2b9a1d3e84f6b9e0c1d2a3b4c5d6e", "  sub readable");
	is_str(kinde_verdict_kid(v), KID, "  kid readable");
	free(tok);

	c = user_claims(NOW);
	json_object_set_new(c, "iss", json_string("https://evil.kinde.com"));
	tok = token(rsa, KID, c);
	is_int(check(val, tok, v), KINDE_E_REJECTED, "a wrong issuer");
	is_str(kinde_verdict_claim_string(v, "iss"), "https://evil.kinde.com",
	       "  its iss is readable");
	free(tok);

	/* header failure: no kid recorded, no claims */
	tok = tk_sign(rsa, "RS256",
		      "{\"alg\":\"RS256\",\"kid\":\"" KID "\",\"crit\":[\"x\"]}",
		      "{\"sub\":\"x\"}");
	is_int(check(val, tok, v), KINDE_E_REJECTED, "a crit header");
	ok(kinde_verdict_claims(v) == NULL && kinde_verdict_kid(v) == NULL,
	   "  neither claims nor kid from a refused header");
	free(tok);

	/* unknown kid: recorded for the log */
	tok = token(rsa, "rotated-away", user_claims(NOW));
	is_int(check(val, tok, v), KINDE_E_REJECTED, "an unknown kid");
	is_str(kinde_reason_name(kinde_verdict_reason(v)), "kid",
	       "  reason kid");
	is_str(kinde_verdict_kid(v), "rotated-away", "  the unknown kid");
	ok(kinde_verdict_claims(v) == NULL, "  no claims (not verified)");
	free(tok);

	kinde_verdict_free(v);
	kinde_validator_free(val);
	kinde_config_free(cfg);
}

static void
reuse(void)
{
	kinde_config_t *cfg = mkcfg(NULL, NULL);
	kinde_validator_t *val = validator(cfg, ks);
	kinde_verdict_t *v = kinde_verdict_new(true);
	kinde_verdict_t *fresh = kinde_verdict_new(true);
	json_t *c = user_claims(NOW);
	char *good, *expired, *nokid;
	size_t n_fresh;

	json_object_set_new(c, "sub", json_string("kp_second"));
	good = token(rsa, KID, c);
	expired = token(rsa, KID, user_claims(NOW - 7200));
	nokid = token(rsa, NULL, user_claims(NOW));

	check(val, good, fresh);
	n_fresh = kinde_verdict_check_count(fresh);

	is_int(check(val, expired, v), KINDE_E_REJECTED,
	       "reuse: first a rejection");
	is_int(check(val, good, v), KINDE_OK, "reuse: then an acceptance");
	is_int(kinde_verdict_reason(v), KINDE_R_NONE, "  reason cleared");
	is_str(kinde_verdict_detail(v), "", "  detail cleared");
	is_int(kinde_verdict_check_count(v), n_fresh,
	       "  trace not accumulated (%zu checks)", n_fresh);
	is_str(kinde_verdict_claim_string(v, "sub"), "kp_second",
	       "  claims of the second token");
	is_int(check(val, nokid, v), KINDE_OK,
	       "reuse: a token without kid (one key in the set)");
	ok(kinde_verdict_kid(v) == NULL, "  kid of the previous token cleared");
	is_int(check(val, "garbage", v), KINDE_E_REJECTED,
	       "reuse: a malformed token");
	ok(kinde_verdict_claims(v) == NULL && kinde_verdict_kid(v) == NULL,
	   "  claims and kid cleared");
	is_str(kinde_reason_name(kinde_verdict_reason(v)), "malformed",
	       "  reason malformed");
	kinde_verdict_reset(v);
	ok(kinde_verdict_reason(v) == KINDE_R_NONE &&
	   kinde_verdict_check_count(v) == 0 &&
	   kinde_verdict_detail(v)[0] == '\0' &&
	   kinde_verdict_claims(v) == NULL &&
	   kinde_verdict_claim_string(v, "sub") == NULL,
	   "kinde_verdict_reset clears everything");

	free(good);
	free(expired);
	free(nokid);
	kinde_verdict_free(v);
	kinde_verdict_free(fresh);
	kinde_verdict_free(NULL);
	ok(1, "kinde_verdict_free(NULL) is a no-op");
	kinde_validator_free(val);
	kinde_config_free(cfg);
}

static void
keysets(void)
{
	kinde_config_t *cfg = mkcfg(NULL, NULL);
	kinde_config_t *noiss = kinde_config_new();
	kinde_validator_t *val = NULL;
	kinde_verdict_t *v = kinde_verdict_new(false);
	char *old_tok = token(rsa, KID, user_claims(NOW));
	char *new_tok = token(rsa_new, "new-key", user_claims(NOW));

	val = (kinde_validator_t *)v;	/* must be reset */
	is_int(kinde_validator_new(noiss, ks, &val), KINDE_E_CONFIG,
	       "a validator needs an issuer");
	ok(val == NULL, "  *out NULL");

	is_int(kinde_validator_new(cfg, NULL, &val), KINDE_OK,
	       "a validator without a key set");
	kinde_validator_set_now(val, NOW);
	is_int(check(val, old_tok, v), KINDE_E_REJECTED,
	       "  rejects every token");
	is_str(kinde_reason_name(kinde_verdict_reason(v)), "kid",
	       "  reason kid");
	is_str(kinde_verdict_detail(v), "no key set loaded", "  detail");

	kinde_validator_set_keyset(val, ks);
	is_int(check(val, old_tok, v), KINDE_OK,
	       "after set_keyset: accepted");
	kinde_validator_set_keyset(val, ks_rotated);
	is_int(check(val, old_tok, v), KINDE_E_REJECTED,
	       "rotated key set: the old key's token is refused");
	is_str(kinde_reason_name(kinde_verdict_reason(v)), "kid",
	       "  reason kid");
	is_int(check(val, new_tok, v), KINDE_OK,
	       "rotated key set: the new key's token is accepted");
	kinde_validator_set_keyset(val, ks_empty);
	is_int(check(val, new_tok, v), KINDE_E_REJECTED,
	       "a key set whose keys were all skipped");
	is_str(kinde_verdict_detail(v),
	       "no key with kid \"new-key\" in the key set (0 usable keys)",
	       "  detail says no usable keys");
	kinde_validator_set_keyset(val, NULL);
	is_int(check(val, new_tok, v), KINDE_E_REJECTED,
	       "set_keyset(NULL): rejected again");

	kinde_validator_free(val);
	kinde_validator_free(NULL);
	ok(1, "kinde_validator_free(NULL) is a no-op");
	free(old_tok);
	free(new_tok);
	kinde_verdict_free(v);
	kinde_config_free(cfg);
	kinde_config_free(noiss);
}

static void
clock_and_buffers(void)
{
	kinde_config_t *cfg = mkcfg(NULL, NULL);
	kinde_config_t *zero = mkcfg("leeway", "0");
	kinde_validator_t *val = validator(cfg, ks);
	kinde_validator_t *zval = validator(zero, ks);
	kinde_verdict_t *v = kinde_verdict_new(false);
	int64_t real_now = (int64_t)time(NULL);
	char *tok, *buf;
	json_t *c;
	size_t len;

	/* set_now(0): back to the system clock */
	tok = token(rsa, KID, user_claims(real_now));
	is_int(check(val, tok, v), KINDE_E_REJECTED,
	       "fixed clock: a token for the real time is refused");
	kinde_validator_set_now(val, 0);
	is_int(check(val, tok, v), KINDE_OK,
	       "set_now(0): the system clock accepts it");
	free(tok);
	tok = token(rsa, KID, user_claims(NOW - 86400 * 30));
	is_int(check(val, tok, v), KINDE_E_REJECTED,
	       "set_now(0): an old token is expired");
	kinde_validator_set_now(val, NOW);
	free(tok);

	/* leeway from the config */
	c = user_claims(NOW - 3600);
	tok = token(rsa, KID, c);	/* exp = NOW */
	is_int(check(val, tok, v), KINDE_OK, "exp = now, leeway 60: accepted");
	is_int(check(zval, tok, v), KINDE_E_REJECTED,
	       "exp = now, leeway 0: rejected");
	is_str(kinde_reason_name(kinde_verdict_reason(v)), "expired",
	       "  reason expired");
	free(tok);

	/* a token inside a larger buffer, not NUL-terminated */
	tok = token(rsa, KID, user_claims(NOW));
	len = strlen(tok);
	buf = malloc(len + 16);
	memcpy(buf, tok, len);
	memcpy(buf + len, "garbage.x.y.zzz!", 16);
	is_int(kinde_validator_check(val, buf, len, v), KINDE_OK,
	       "the token need not be NUL-terminated");
	is_int(kinde_validator_check(val, buf, len - 1, v), KINDE_E_REJECTED,
	       "  one byte short is refused");
	free(buf);
	free(tok);

	kinde_verdict_free(v);
	kinde_validator_free(val);
	kinde_validator_free(zval);
	kinde_config_free(cfg);
	kinde_config_free(zero);
}

/* A refused `algorithms` value must not leave the validator without its
 * header rules (fail closed). */
static void
refused_algorithms(void)
{
	kinde_config_t *cfg = mkcfg(NULL, NULL);
	kinde_validator_t *val = NULL;
	kinde_verdict_t *v = kinde_verdict_new(false);
	char *tok;
	kinde_err_t rc;

	ok(kinde_config_set(cfg, "algorithms", "none") ==
	   KINDE_E_CONFIG, "algorithms=none is refused");
	tok = tk_sign(rsa, "RS256",
		      "{\"alg\":\"RS256\",\"kid\":\"" KID "\",\"jku\":\"https://evil.example/jwks\",\"crit\":[\"x\"]}",
		      "{\"iss\":\"" ISS "\",\"exp\":1767229200}");
	rc = kinde_validator_new(cfg, ks, &val);
	if (rc == KINDE_OK) {
		kinde_validator_set_now(val, NOW);
		rc = check(val, tok, v);
		ok(rc == KINDE_E_REJECTED,
		   "after a refused algorithms=, jku and crit are still refused (got %s)",
		   kinde_reason_name(kinde_verdict_reason(v)));
	} else {
		ok(1, "after a refused algorithms=, no validator is made");
	}
	kinde_validator_free(val);
	free(tok);
	kinde_verdict_free(v);
	kinde_config_free(cfg);
}

static void
names(void)
{
	/* The stable names scripts and logs rely on. */
	static const struct {
		kinde_reason_t r;
		const char *name;
	} want[] = {
		{ KINDE_R_NONE, "ok" },
		{ KINDE_R_MALFORMED, "malformed" },
		{ KINDE_R_HEADER, "header" },
		{ KINDE_R_ALG, "alg" },
		{ KINDE_R_KID, "kid" },
		{ KINDE_R_SIGNATURE, "signature" },
		{ KINDE_R_CLAIMS, "claims" },
		{ KINDE_R_ISSUER, "issuer" },
		{ KINDE_R_AUDIENCE, "audience" },
		{ KINDE_R_EXPIRED, "expired" },
		{ KINDE_R_NOT_YET_VALID, "not-yet-valid" },
		{ KINDE_R_ISSUED_IN_FUTURE, "issued-in-future" },
		{ KINDE_R_TOKEN_TYPE, "token-type" },
		{ KINDE_R_CLIENT, "client" },
		{ KINDE_R_SCOPE, "scope" },
		{ KINDE_R_PERMISSION, "permission" },
		{ KINDE_R_ORG, "org" },
		{ KINDE_R_KEY_INVALID, "key-invalid" },
		{ KINDE_R_KEY_INACTIVE, "key-inactive" },
		{ KINDE_R_USER, "user" },
		{ KINDE_R_UNAVAILABLE, "unavailable" },
		{ KINDE_R_RATE_LIMITED, "rate-limited" },
	};
	size_t i;
	int j, k, bad = 0, dup = 0;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		if (strcmp(kinde_reason_name(want[i].r), want[i].name) != 0) {
			bad++;
			diag("  reason %d: %s, want %s", (int)want[i].r,
			     kinde_reason_name(want[i].r), want[i].name);
		}
	}
	is_int(bad, 0, "the stable reason names");
	/* every reason has its own name, none "unknown" */
	for (j = 0; j < KINDE_R__COUNT; j++) {
		const char *a = kinde_reason_name((kinde_reason_t)j);

		if (a == NULL || strcmp(a, "unknown") == 0)
			bad++;
		for (k = 0; k < j && a != NULL; k++)
			if (strcmp(a, kinde_reason_name((kinde_reason_t)k)) ==
			    0)
				dup++;
	}
	is_int(bad, 0, "every reason has a name");
	is_int(dup, 0, "no two reasons share a name");
	is_str(kinde_reason_name(KINDE_R__COUNT), "unknown",
	       "an out-of-range reason is \"unknown\"");
	is_str(kinde_strerror(KINDE_OK), "success", "kinde_strerror(OK)");
	is_str(kinde_strerror(KINDE_E_REJECTED), "rejected",
	       "kinde_strerror(REJECTED)");
	is_str(kinde_strerror((kinde_err_t)99), "unknown error",
	       "kinde_strerror of an unknown code");
}

int
main(void)
{
	rsa = tk_rsa(2048);
	rsa_new = rsa;	/* the same key under a new kid: a rotation */
	ks = keyset(tk_jwks(kinde_jwk(rsa, KID), NULL));
	ks_rotated = keyset(tk_jwks(kinde_jwk(rsa_new, "new-key"), NULL));
	{
		json_t *bad = kinde_jwk(rsa_new, "new-key");

		json_object_set_new(bad, "e", json_string("Aw"));
		ks_empty = keyset(tk_jwks(bad, NULL));
	}

	accepted_user();
	accepted_m2m();
	explain();
	claims_when_rejected();
	reuse();
	keysets();
	clock_and_buffers();
	refused_algorithms();
	names();

	kinde_keyset_free(ks);
	kinde_keyset_free(ks_rotated);
	kinde_keyset_free(ks_empty);
	EVP_PKEY_free(rsa);
	return done_testing();
}
