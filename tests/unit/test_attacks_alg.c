/*
 * test_attacks_alg.c - known attacks on JWT validation: the accept controls (one valid token of each
 * algorithm and key), and the algorithm: alg none, HS*, an algorithm off
 * the allowlist, not the key's alg or type, unknown ones, a signature
 * made with one algorithm under a header naming another.
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

/* ------------------------------------------------------------------ */
/* The cases */

static void
controls_accept(void)
{
	json_t *c;
	char *tok;

	accept_tok(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "rsa1"),
				payload()), "valid RS256 token");
	accept_tok(cfg_all, sign(rsa2, "RS384", hdr("RS384", "rsa2"),
				 payload()), "valid RS384 token");
	accept_tok(cfg_all, sign(rsa2, "RS512", hdr("RS512", "rsa2"),
				 payload()), "valid RS512 token");
	accept_tok(cfg_all, sign(rsa2, "PS256", hdr("PS256", "rsa2"),
				 payload()), "valid PS256 token");
	accept_tok(cfg_all, sign(rsa2, "PS384", hdr("PS384", "rsa2"),
				 payload()), "valid PS384 token");
	accept_tok(cfg_all, sign(rsa2, "PS512", hdr("PS512", "rsa2"),
				 payload()), "valid PS512 token");
	accept_tok(cfg_all, sign(ec256, "ES256", hdr("ES256", "ec1"),
				 payload()), "valid ES256 token");
	accept_tok(cfg_all, sign(ec384, "ES384", hdr("ES384", "ec2"),
				 payload()), "valid ES384 token");
	accept_tok(cfg_all, sign(ed, "EdDSA", hdr("EdDSA", "ed1"),
				 payload()), "valid EdDSA token");
	accept_tok(mkcfg("algorithms", "PS256", NULL),
		   sign(rsa2, "PS256", hdr("PS256", "rsa2"), payload()),
		   "PS256 token when only PS256 is allowed");
	accept_tok(cfg_all, sign(ed, "EdDSA", hdr("EdDSA", NULL), payload()),
		   "no kid, the set's only Ed25519 key");
	accept_tok(cfg_all, sign(ec384, "ES384", hdr("ES384", NULL),
				 payload()),
		   "no kid, the set's only P-384 key");
	accept_full(cfg_rs, ks_single, sign(rsa1, "RS256",
					    hdr("RS256", NULL), payload()),
		    "no kid, a set of one RSA key");
	accept_tok(cfg_rs, sign(rsa1, "RS256",
				"{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
				payload()), "typ absent");
	accept_tok(cfg_rs, sign(rsa1, "RS256",
				"{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"at+jwt\"}",
				payload()), "typ at+jwt");
	accept_tok(cfg_rs, tok_claim("exp", json_real((double)NOW + 100.5)),
		   "exp as a real number");
	accept_tok(cfg_rs, tok_claim("exp", json_integer(NOW - LEEWAY + 1)),
		   "exp = now - leeway + 1 (inside the leeway)");
	accept_tok(cfg_rs, tok_claim("nbf", json_integer(NOW + LEEWAY)),
		   "nbf = now + leeway");
	accept_tok(cfg_rs, tok_claim("iat", json_integer(NOW + LEEWAY)),
		   "iat = now + leeway");
	accept_tok(cfg_rs, tok_claim("iat", json_real((double)NOW - 0.25)),
		   "iat as a real number");
	accept_tok(cfg_rs, tok_claim("aud", json_string(AUD)),
		   "aud string match");
	accept_tok(cfg_rs, tok_claim("aud", json_pack("[s,s,s]", "x", AUD,
						     "y")),
		   "aud array with the audience among others");
	accept_tok(mkcfg("audience", "other", NULL),
		   tok_claim("aud", json_pack("[s]", "other")),
		   "audience any-of (second configured value)");
	accept_tok(mkcfg("require_scopes", "openid profile", NULL),
		   tok_claim("scp", json_pack("[s,s]", "profile", "openid")),
		   "scp holds every required scope");
	c = claims();
	json_object_set_new(c, "gty", json_pack("[s]", "client_credentials"));
	json_object_set_new(c, "scope", json_string("openid ssh:login"));
	json_object_set_new(c, "scp", json_array());
	tok = sign(rsa1, "RS256", hdr("RS256", "rsa1"), dump(c));
	accept_tok(mkcfg("require_scopes", "ssh:login", "token_types", "m2m",
			 NULL), tok,
		   "M2M token, granted scope string holds the scope");
	accept_tok(mkcfg("require_permissions", "ssh:login", NULL),
		   tok_claim("permissions", json_pack("[s,s]", "read",
						      "ssh:login")),
		   "permissions hold the required one");
	accept_tok(mkcfg("allowed_orgs", "org_x org_e5f28e1676d", NULL),
		   sign(rsa1, "RS256", hdr("RS256", "rsa1"), payload()),
		   "org_code allowed");
	accept_tok(mkcfg("allowed_client_ids", "6f1e3f0c9a4b4c8d", NULL),
		   sign(rsa1, "RS256", hdr("RS256", "rsa1"), payload()),
		   "azp allowed");
	accept_tok(mkcfg("token_types", "user", NULL),
		   sign(rsa1, "RS256", hdr("RS256", "rsa1"), payload()),
		   "user token when token_types=user");
	tok = sized_token(16384);
	if (tok != NULL)
		accept_tok(cfg_rs, tok, "a token of exactly 16 KiB");
	else
		ok(0, "could not build a 16384-byte token");
}

static void
attacks_alg(void)
{
	char *si, *pl = payload(), *tok, *pem;
	unsigned char *sig, *der;
	size_t n, pemlen, derlen;
	json_t *jwk;

	/* alg none, every case, with and without a signature */
	attack(cfg_rs, kfmt("%s.", signing_input(hdr("none", "rsa1"), pl)),
	       "alg", "alg none, empty signature");
	attack(cfg_rs, kfmt("%s.", signing_input(hdr("None", "rsa1"), pl)),
	       "alg", "alg None, empty signature");
	attack(cfg_rs, kfmt("%s.", signing_input(hdr("NONE", NULL), pl)),
	       "alg", "alg NONE without kid, empty signature");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("nOnE", "rsa1"), pl),
	       "alg", "alg nOnE with a valid RS256 signature");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("none", "rsa1"), pl),
	       "alg", "alg none with a valid RS256 signature");
	attack(cfg_all, kfmt("%s.", signing_input(hdr("none", NULL), pl)),
	       "alg", "alg none, every algorithm allowed");

	/* HS* keyed with the RSA public key: the key-confusion attack */
	pem = pem_of(rsa1, &pemlen);
	der = der_of(rsa1, &derlen);
	attack(cfg_rs, hmac_token("HS256", "rsa1", pem, pemlen), "alg",
	       "HS256 keyed with the RSA public key PEM");
	attack(cfg_rs, hmac_token("HS384", "rsa1", pem, pemlen), "alg",
	       "HS384 keyed with the RSA public key PEM");
	attack(cfg_rs, hmac_token("HS512", "rsa1", pem, pemlen), "alg",
	       "HS512 keyed with the RSA public key PEM");
	attack(cfg_all, hmac_token("HS256", NULL, der, derlen), "alg",
	       "HS256 keyed with the public key DER, no kid, all algs");
	jwk = tk_jwk(rsa1, "rsa1", "RS256");
	tok = dump(jwk);
	attack(cfg_rs, hmac_token("HS256", "rsa1", tok, strlen(tok)), "alg",
	       "HS256 keyed with the JWK text");
	attack(cfg_rs, hmac_token("hs256", "rsa1", pem, pemlen), "alg",
	       "hs256 (lower case) keyed with the PEM");
	attack(cfg_rs, hmac_token("HS256", "hmac", "secret-secret-secret-secret",
				  27), "alg",
	       "HS256 with the secret of an oct key in the set");

	/* not on the allowlist */
	attack(cfg_rs, sign(rsa2, "PS256", hdr("PS256", "rsa2"), pl), "alg",
	       "valid PS256 token, only RS256 allowed");
	attack(cfg_rs, sign(rsa2, "RS512", hdr("RS512", "rsa2"), pl), "alg",
	       "valid RS512 token, only RS256 allowed");
	attack(cfg_rs, sign(ec256, "ES256", hdr("ES256", "ec1"), pl), "alg",
	       "valid ES256 token, only RS256 allowed");
	attack(cfg_rs, sign(ed, "EdDSA", hdr("EdDSA", "ed1"), pl), "alg",
	       "valid EdDSA token, only RS256 allowed");
	attack(mkcfg("algorithms", "PS256", NULL),
	       sign(rsa1, "RS256", hdr("RS256", "rsa1"), pl), "alg",
	       "valid RS256 token, only PS256 allowed");
	attack(mkcfg("algorithms", "ES256", NULL),
	       sign(rsa1, "RS256", hdr("RS256", "rsa1"), pl), "alg",
	       "valid RS256 token, only ES256 allowed");

	/* header alg is not the key's alg, or not the key's type */
	attack(cfg_all, sign(rsa1, "RS384", hdr("RS384", "rsa1"), pl), "alg",
	       "RS384 header and signature with an RS256 key");
	attack(cfg_all, sign(rsa1, "PS256", hdr("PS256", "rsa1"), pl), "alg",
	       "PS256 header and signature with an RS256 key");
	attack(cfg_all, sign(ec256, "ES256", hdr("ES256", "rsa2"), pl), "alg",
	       "ES256 header naming an RSA key");
	attack(cfg_all, sign(rsa1, "RS256", hdr("RS256", "ec1na"), pl), "alg",
	       "RS256 header naming an EC key");
	attack(cfg_all, sign(ec384, "ES384", hdr("ES384", "ec1na"), pl), "alg",
	       "ES384 header naming a P-256 key");
	attack(cfg_all, sign(ec256, "ES256", hdr("ES256", "ec2"), pl), "alg",
	       "ES256 header naming a P-384 key (ES384)");
	attack(cfg_all, sign(ec256, "ES256", hdr("ES256", "ed1"), pl), "alg",
	       "ES256 header naming an Ed25519 key");
	attack(cfg_all, sign(ed, "EdDSA", hdr("EdDSA", "rsa2"), pl), "alg",
	       "EdDSA header naming an RSA key");
	tok = sign(rsa1, "RS384", hdr("RS384", NULL), pl);
	attack_full(cfg_all, ks_single, tok, strlen(tok), "alg",
		    "no kid, RS384 against the only key (an RS256 key)");

	/* unknown algorithms and alg of the wrong type */
	attack(cfg_all, sign(rsa1, "RS256", hdr("RS1024", "rsa1"), pl), "alg",
	       "unknown alg RS1024");
	attack(cfg_all, sign(ec256, "ES256", hdr("ES256K", "ec1na"), pl),
	       "alg", "unsupported alg ES256K");
	attack(cfg_all, sign(rsa1, "RS256", hdr("rs256", "rsa1"), pl), "alg",
	       "alg rs256 in lower case (names are case-sensitive)");
	attack(cfg_all, sign(rsa1, "RS256", hdr("RSA-OAEP", "rsa1"), pl),
	       "alg", "key-management alg RSA-OAEP");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("", "rsa1"), pl), "alg",
	       "empty alg");
	attack(cfg_rs, sign(rsa1, "RS256", "{\"alg\":256,\"kid\":\"rsa1\"}",
			    pl), "alg", "alg a number");
	attack(cfg_rs, sign(rsa1, "RS256", "{\"alg\":null,\"kid\":\"rsa1\"}",
			    pl), "alg", "alg null");
	attack(cfg_rs, sign(rsa1, "RS256",
			    "{\"alg\":[\"RS256\"],\"kid\":\"rsa1\"}", pl), "alg",
	       "alg an array");
	attack(cfg_rs, sign(rsa1, "RS256", "{\"kid\":\"rsa1\"}", pl), "alg",
	       "no alg");
	attack(cfg_rs, sign(rsa1, "RS256", "{}", pl), "alg",
	       "empty header object");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256\\u0020", "rsa1"), pl),
	       "alg", "alg RS256 with a trailing space");

	/* signature made with one alg, header claims another */
	si = signing_input(hdr("PS256", "rsa2"), pl);
	sig = raw_sig(rsa2, "RS256", si, &n);
	attack(cfg_all, with_sig(si, sig, n), "signature",
	       "PS256 header, PKCS#1 v1.5 signature");
	si = signing_input(hdr("RS256", "rsa2"), pl);
	sig = raw_sig(rsa2, "PS256", si, &n);
	attack(cfg_all, with_sig(si, sig, n), "signature",
	       "RS256 header, PSS signature");
	si = signing_input(hdr("RS512", "rsa2"), pl);
	sig = raw_sig(rsa2, "RS256", si, &n);
	attack(cfg_all, with_sig(si, sig, n), "signature",
	       "RS512 header, RS256 signature");
}

/*
 * alg Ed25519 (RFC 9864), the fully specified name of EdDSA over
 * Ed25519: independent verifiers accept it where EdDSA is (issue 14).
 */
static void
alg_ed25519(void)
{
	kinde_config_t *ed_only = mkcfg("algorithms", "Ed25519", NULL);
	kinde_keyset_t *ks_ed;

	/* wherever EdDSA is allowed */
	accept_tok(cfg_all, sign(ed, "Ed25519", hdr("Ed25519", "ed1"),
				 payload()),
		   "alg Ed25519, a key of alg EdDSA, EdDSA allowed");
	accept_tok(cfg_all, sign(ed, "Ed25519", hdr("Ed25519", NULL),
				 payload()),
		   "alg Ed25519, no kid");
	accept_tok(ed_only, sign(ed, "Ed25519", hdr("Ed25519", "ed1"),
				 payload()),
		   "alg Ed25519 when only Ed25519 is allowed");
	attack(ed_only, sign(ed, "EdDSA", hdr("EdDSA", "ed1"), payload()),
	       "alg", "alg EdDSA when only Ed25519 is allowed");
	attack(cfg_rs, sign(ed, "Ed25519", hdr("Ed25519", "ed1"), payload()),
	       "alg", "alg Ed25519, only RS256 allowed");
	attack(cfg_all, sign(ed, "Ed25519", hdr("Ed25519", "rsa2"), payload()),
	       "alg", "alg Ed25519 naming an RSA key");
	attack(cfg_all, sign(ed, "Ed25519", hdr("Ed25519", "ec1"), payload()),
	       "alg", "alg Ed25519 naming a P-256 key");
	attack(cfg_all, sign(ed, "Ed25519", hdr("ed25519", "ed1"), payload()),
	       "alg", "alg ed25519 (names are case-sensitive)");
	ks_ed = parse_set(tk_jwks(jwk_with(ed, "ed9", "Ed25519", NULL, NULL),
				  NULL));
	accept_full(cfg_all, ks_ed, sign(ed, "Ed25519", hdr("Ed25519", "ed9"),
					 payload()),
		    "a key of alg Ed25519, alg Ed25519");
	accept_full(cfg_all, ks_ed, sign(ed, "EdDSA", hdr("EdDSA", "ed9"),
					 payload()),
		    "a key of alg Ed25519, alg EdDSA");
	kinde_keyset_free(ks_ed);
}

int
main(void)
{
	attacks_setup();
	controls_accept();
	attacks_alg();
	alg_ed25519();
	return attacks_done(47, 35);
}
