/*
 * test_attacks_claims.c - known attacks on JWT validation: the claims (iss, aud, exp, nbf, iat, which failure
 * names the reason) and the policy (token type, client id, scopes,
 * permissions, orgs, ID tokens; the claims are judged first).
 *
 * The harness (keys, token builders, attack/accept_tok) is attacks.h.
 */
#include "kinde-build.h"

#include "attacks.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

static void
attacks_claims(void)
{
	char *tok;
	json_t *c;

	/* iss */
	attack(cfg_rs, tok_claim("iss", json_string(ISS "/")), "issuer",
	       "iss with a trailing slash");
	attack(cfg_rs, tok_claim("iss", json_string("https://ACME.kinde.com")),
	       "issuer", "iss in another case");
	attack(cfg_rs, tok_claim("iss", json_string("https://acme.kinde.com.evil.example")),
	       "issuer", "iss with a suffix");
	attack(cfg_rs, tok_claim("iss", json_string("https://acme.kinde.co")),
	       "issuer", "iss a prefix of the issuer");
	attack(cfg_rs, tok_claim("iss", json_string("http://acme.kinde.com")),
	       "issuer", "iss over http");
	attack(cfg_rs, tok_claim("iss", json_string("https://evil.kinde.com")),
	       "issuer", "iss of another Kinde tenant");
	attack(cfg_rs, tok_claim("iss", json_string(ISS " ")), "issuer",
	       "iss with a trailing space");
	attack(cfg_rs, tok_claim("iss", NULL), "issuer", "iss missing");
	attack(cfg_rs, tok_claim("iss", json_integer(1)), "claims",
	       "iss a number");
	attack(cfg_rs, tok_claim("iss", json_pack("[s]", ISS)), "claims",
	       "iss an array holding the issuer");
	attack(cfg_rs, tok_claim("iss", json_null()), "claims", "iss null");

	/* aud */
	attack(cfg_rs, tok_claim("aud", json_array()), "audience",
	       "aud an empty array");
	attack(cfg_rs, tok_claim("aud", json_string("https://api.other.test")),
	       "audience", "aud another string");
	attack(cfg_rs, tok_claim("aud", json_pack("[s,s]", "a", "b")),
	       "audience", "aud an array without the audience");
	attack(cfg_rs, tok_claim("aud", json_string(AUD "/")), "audience",
	       "aud with a trailing slash");
	attack(cfg_rs, tok_claim("aud", json_string("")), "audience",
	       "aud empty string");
	attack(cfg_rs, tok_claim("aud", NULL), "audience", "aud missing");
	attack(cfg_rs, tok_claim("aud", json_integer(1)), "claims",
	       "aud a number");
	attack(cfg_rs, tok_claim("aud", json_pack("[i,s]", 1, AUD)), "claims",
	       "aud array with a number beside the audience");
	attack(cfg_rs, tok_claim("aud", json_pack("{s:s}", "aud", AUD)),
	       "claims", "aud an object");
	attack(cfg_rs, tok_claim("aud", json_pack("[s]", "evil\nFAKE: accepted")),
	       "audience", "aud with a newline");
	ok(!tap_has_ctl(last_detail),
	   "claim values are escaped in the detail (aud): \"%s\"",
	   tap_vis(last_detail));

	/* exp */
	attack(cfg_rs, tok_claim("exp", NULL), "claims", "exp missing");
	attack(cfg_rs, tok_claim("exp", json_string("9999999999")), "claims",
	       "exp a string");
	attack(cfg_rs, tok_claim("exp", json_true()), "claims", "exp true");
	attack(cfg_rs, tok_claim("exp", json_false()), "claims", "exp false");
	attack(cfg_rs, tok_claim("exp", json_null()), "claims", "exp null");
	attack(cfg_rs, tok_claim("exp", json_real(1e300)), "claims",
	       "exp 1e300");
	attack(cfg_rs, tok_claim("exp", json_integer(-1)), "claims",
	       "exp negative");
	attack(cfg_rs, tok_claim("exp", json_integer(INT64_MAX)),
	       "claims", "exp INT64_MAX");
	attack(cfg_rs, tok_claim("exp", json_pack("[I]", (json_int_t)NOW + 99)),
	       "claims", "exp an array");
	attack(cfg_rs, tok_claim("exp", json_object()), "claims",
	       "exp an object");
	attack(cfg_rs, tok_claim("exp", json_integer(NOW - LEEWAY - 1)),
	       "expired", "exp past by leeway + 1");
	attack(cfg_rs, tok_claim("exp", json_integer(NOW - LEEWAY)),
	       "expired", "exp = now - leeway (boundary: now >= exp + leeway)");
	attack(cfg_rs, tok_claim("exp", json_real((double)NOW - LEEWAY - 0.5)),
	       "expired", "exp real, half a second past the leeway");
	attack(cfg_rs, tok_claim("exp", json_integer(0)), "expired", "exp 0");
	attack(mkcfg("leeway", "0", NULL), tok_claim("exp", json_integer(NOW)),
	       "expired", "leeway 0, exp = now");

	/* nbf, iat */
	attack(cfg_rs, tok_claim("nbf", json_integer(NOW + LEEWAY + 1)),
	       "not-yet-valid", "nbf beyond the leeway");
	attack(cfg_rs, tok_claim("nbf", json_string("0")), "claims",
	       "nbf a string");
	attack(cfg_rs, tok_claim("nbf", json_null()), "claims", "nbf null");
	attack(cfg_rs, tok_claim("iat", json_integer(NOW + LEEWAY + 1)),
	       "issued-in-future", "iat beyond the leeway");
	attack(cfg_rs, tok_claim("iat", json_string("now")), "claims",
	       "iat a string");
	attack(cfg_rs, tok_claim("iat", json_real(1e20)), "claims",
	       "iat 1e20");
	attack(cfg_rs, tok_claim("iat", json_true()), "claims", "iat true");

	/* order: the first failing claim names the reason */
	c = claims();
	json_object_set_new(c, "iss", json_string("https://evil.example"));
	json_object_set_new(c, "exp", json_integer(NOW - 86400));
	tok = sign(rsa1, "RS256", hdr("RS256", "rsa1"), dump(c));
	attack(cfg_rs, tok, "issuer", "wrong issuer and expired: issuer");
}

static json_t *
m2m_claims(const char *scope)
{
	json_t *c = claims();

	json_object_set_new(c, "gty", json_pack("[s]", "client_credentials"));
	if (scope != NULL)
		json_object_set_new(c, "scope", json_string(scope));
	return c;
}

static void
attacks_policy(void)
{
	kinde_config_t *scope = mkcfg("require_scopes", "openid ssh:login",
				      NULL);
	kinde_config_t *perm = mkcfg("require_permissions", "ssh:login", NULL);
	kinde_config_t *org = mkcfg("allowed_orgs", "org_e5f28e1676d", NULL);
	kinde_config_t *cli = mkcfg("allowed_client_ids", "cli_allowed",
				    NULL);
	const char *h = hdr("RS256", "rsa1");
	json_t *c;

	attack(scope, sign(rsa1, "RS256", h, payload()), "scope",
	       "one of two required scopes missing");
	attack(scope, tok_claim("scp", json_pack("[s]", "ssh:login")),
	       "scope", "the other required scope missing");
	attack(scope, tok_claim("scp", NULL), "scope", "no scp at all");
	attack(scope, tok_claim("scp", json_null()), "scope", "scp null");
	attack(scope, tok_claim("scp", json_string("openid")),
	       "scope", "scp a string without ssh:login");
	attack(scope, tok_claim("scp", json_integer(1)),
	       "claims", "scp a number");
	attack(scope, tok_claim("scp", json_pack("[s,s]", "openid",
						 "ssh:login x")), "scope",
	       "scp element \"ssh:login x\" is one scope, not two");
	attack(scope, tok_claim("scp", json_pack("[s,s]", "openid",
						 "SSH:LOGIN")), "scope",
	       "scope in another case");
	c = m2m_claims("openid");
	json_object_set_new(c, "scp", json_pack("[s,s]", "openid",
						"ssh:login"));
	attack(scope, sign(rsa1, "RS256", h, dump(c)), "scope",
	       "M2M: requested scp has it, granted scope string does not");
	c = m2m_claims("");
	json_object_set_new(c, "scp", json_pack("[s,s]", "openid",
						"ssh:login"));
	attack(scope, sign(rsa1, "RS256", h, dump(c)), "scope",
	       "M2M: empty granted scope string, scp has both");
	c = claims();
	json_object_set_new(c, "scope", json_pack("[s,s]", "openid",
						  "ssh:login"));
	attack(scope, sign(rsa1, "RS256", h, dump(c)), "claims",
	       "scope an array instead of a string");
	c = m2m_claims("openid ssh:loginx");
	attack(scope, sign(rsa1, "RS256", h, dump(c)), "scope",
	       "scope string holds only a longer word");

	attack(perm, tok_claim("permissions", json_null()), "permission",
	       "permissions null, one required");
	attack(perm, tok_claim("permissions", NULL), "permission",
	       "permissions missing, one required");
	attack(perm, tok_claim("permissions", json_pack("[s]", "ssh:admin")),
	       "permission", "permissions without the required one");
	attack(perm, tok_claim("permissions", json_string("ssh:login")),
	       "claims", "permissions a string");
	attack(perm, tok_claim("permissions", json_pack("[i]", 1)), "claims",
	       "permissions holding a number");
	attack(perm, tok_claim("permissions", json_pack("[s]", "a\nb")),
	       "permission", "permission with a newline");
	ok(!tap_has_ctl(last_detail),
	   "claim values are escaped in the detail (permissions): \"%s\"",
	   tap_vis(last_detail));

	attack(org, tok_claim("org_code", NULL), "org", "org_code missing");
	attack(org, tok_claim("org_code", json_null()), "org",
	       "org_code null");
	attack(org, tok_claim("org_code", json_string("org_other")), "org",
	       "org_code not allowed");
	attack(org, tok_claim("org_code", json_string("ORG_E5F28E1676D")),
	       "org", "org_code in another case");
	attack(org, tok_claim("org_code", json_string("")), "org",
	       "org_code empty");
	attack(org, tok_claim("org_code", json_pack("[s]", "org_e5f28e1676d")),
	       "claims", "org_code an array holding the allowed org");

	attack(cli, sign(rsa1, "RS256", h, payload()), "client",
	       "azp not allowed");
	attack(cli, tok_claim("azp", NULL), "client", "azp missing");
	attack(cli, tok_claim("azp", json_integer(7)), "claims",
	       "azp a number");

	attack(mkcfg("token_types", "user", NULL),
	       sign(rsa1, "RS256", h, dump(m2m_claims("openid"))),
	       "token-type", "M2M token when token_types=user");
	c = claims();
	json_object_set_new(c, "gty", json_string("client_credentials"));
	attack(mkcfg("token_types", "user", NULL),
	       sign(rsa1, "RS256", h, dump(c)), "token-type",
	       "gty a string client_credentials when token_types=user");
	attack(mkcfg("token_types", "m2m", NULL),
	       sign(rsa1, "RS256", h, payload()), "token-type",
	       "user token when token_types=m2m");
	c = claims();
	json_object_set_new(c, "gty", json_pack("[s]", "authorization_code"));
	attack(mkcfg("token_types", "m2m", NULL),
	       sign(rsa1, "RS256", h, dump(c)), "token-type",
	       "gty authorization_code when token_types=m2m");

	/*
	 * OIDC ID tokens signed by the same issuer: aud is the client id,
	 * so a host whose audience is that client id, or that has no
	 * policy at all (allow_any_token), would take them as logins.
	 */
	{
		kinde_config_t *clientaud = mkcfg("audience", "cli_app",
						  NULL);
		kinde_config_t *any = mkcfg("allow_any_token", "yes", NULL);
		static const char *const idc[] = { "nonce", "at_hash",
						    "c_hash" };
		size_t i;

		for (i = 0; i < sizeof(idc) / sizeof(idc[0]); i++) {
			c = claims();
			json_object_set_new(c, "aud", json_pack("[s]",
								"cli_app"));
			json_object_set_new(c, idc[i], json_string("x"));
			attack(clientaud, sign(rsa1, "RS256", h, dump(c)),
			       "token-type",
			       kfmt("ID token (%s), aud = the configured client id",
				    idc[i]));
			c = claims();
			json_object_set_new(c, idc[i], json_string("x"));
			attack(any, sign(rsa1, "RS256", h, dump(c)),
			       "token-type",
			       kfmt("ID token (%s) under allow_any_token",
				    idc[i]));
		}
		c = claims();
		json_object_set_new(c, "aud", json_pack("[s]", "cli_app"));
		accept_tok(clientaud, sign(rsa1, "RS256", h, dump(c)),
			   "the same claims without nonce/at_hash/c_hash");
	}

	/* policy comes after the claims: an expired token with the wrong
	 * scope is expired */
	c = claims();
	json_object_set_new(c, "exp", json_integer(NOW - 3600));
	attack(scope, sign(rsa1, "RS256", h, dump(c)), "expired",
	       "expired and missing a scope: expired");
}

/*
 * What comparisons with independent verifiers found (issue 14): tokens
 * they accept that pam_kinde refused, with no reason of its own to.
 */
static void
references_found(void)
{
	kinde_config_t *scope = mkcfg("require_scopes", "Files.Read", NULL);
	kinde_config_t *user_only = mkcfg("token_types", "user", NULL);
	const char *h = hdr("RS256", "rsa1");
	json_t *c;
	char *pl;

	/* scp as one space-delimited string (Entra ID) */
	accept_tok(cfg_rs, tok_claim("scp", json_string("User.Read Files.Read")),
		   "scp a string, no scope required");
	accept_tok(scope, tok_claim("scp", json_string("User.Read Files.Read")),
		   "scp a string holding the required scope");
	attack(scope, tok_claim("scp", json_string("User.Read Files.ReadWrite")),
	       "scope", "scp a string without the required scope");

	/* integers beyond int64 in claims the policy does not read */
	c = claims();
	pl = dump(c);
	accept_tok(cfg_rs, sign(rsa1, "RS256", h,
				kfmt("{\"oid\":123456789012345678901234567890,%s",
				     pl + 1)),
		   "a custom claim of 30 digits");
	accept_tok(cfg_rs, sign(rsa1, "RS256", h,
				kfmt("{\"n\":[-18446744073709551617,{\"m\":18446744073709551616}],%s",
				     pl + 1)),
		   "integers beyond 2^64, negative and nested");
	accept_tok(cfg_rs, sign(rsa1, "RS256",
				"{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"x-serial\":99999999999999999999}",
				pl),
		   "an integer beyond int64 in the header");
	accept_tok(cfg_rs, sign(rsa1, "RS256", h,
				kfmt("{\"big\":9223372036854775808,%s",
				     pl + 1)),
		   "2^63 exactly in a custom claim");
	/* ... and still refused clearly where the policy reads them */
	c = claims();
	json_object_del(c, "exp");
	pl = dump(c);
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"exp\":18446744073709551616,%s", pl + 1)),
	       "claims", "exp 2^64");
	ok(strstr(last_detail, "exp is not a number of seconds in range") !=
	   NULL, "  the detail names exp: %s", tap_vis(last_detail));
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"exp\":-18446744073709551616,%s",
				 pl + 1)),
	       "claims", "exp -2^64");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"nbf\":99999999999999999999,%s",
				 payload() + 1)),
	       "claims", "nbf beyond int64");
	c = claims();
	json_object_del(c, "iat");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"iat\":99999999999999999999,%s",
				 dump(c) + 1)),
	       "claims", "iat beyond int64");

	/* ... and the other way: RFC 7519 says sub and jti are strings (and
	 * jwcrypto refuses a typ claim that is not one) */
	attack(cfg_rs, tok_claim("sub", json_integer(5)), "claims",
	       "sub a number");
	ok(strstr(last_detail, "sub is not a string") != NULL, "  detail: %s",
	   tap_vis(last_detail));
	attack(cfg_rs, tok_claim("sub", json_pack("[s]", "kp_1")), "claims",
	       "sub an array");
	attack(cfg_rs, tok_claim("jti", json_integer(5)), "claims",
	       "jti a number");
	attack(cfg_rs, tok_claim("typ", json_integer(5)), "claims",
	       "a typ claim, a number");
	accept_tok(cfg_rs, tok_claim("typ", json_string("Bearer")),
		   "a typ claim, a string");
	accept_tok(cfg_rs, tok_claim("jti", NULL), "no jti");

	/* M2M by RFC 9068's client-credentials shape, and gty spelt '-' */
	c = claims();
	json_object_set_new(c, "client_id", json_string("cli_m2m"));
	json_object_set_new(c, "sub", json_string("cli_m2m"));
	attack(user_only, sign(rsa1, "RS256", h, dump(c)), "token-type",
	       "sub == client_id when token_types=user");
	c = claims();
	json_object_set_new(c, "gty", json_string("client-credentials"));
	attack(user_only, sign(rsa1, "RS256", h, dump(c)), "token-type",
	       "gty client-credentials when token_types=user");
	c = claims();
	json_object_set_new(c, "gty", json_pack("[s]", "client-credentials"));
	attack(user_only, sign(rsa1, "RS256", h, dump(c)), "token-type",
	       "gty [client-credentials] when token_types=user");
	c = claims();
	json_object_set_new(c, "client_id", json_string("cli_m2m"));
	accept_tok(user_only, sign(rsa1, "RS256", h, dump(c)),
		   "a user token carrying client_id");
}

int
main(void)
{
	attacks_setup();
	attacks_claims();
	attacks_policy();
	references_found();
	return attacks_done(94, 10);
}
