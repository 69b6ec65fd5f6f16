/*
 * test_attacks_header.c - known attacks on JWT validation: the header (keys named or embedded outside the key set,
 * typ, kid) and the keys (RSA e = 1, whose PKCS#1 encoding is its own
 * signature).
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
attacks_header(void)
{
	char *pl = payload(), *jwk;
	const char *h;
	EVP_PKEY *attacker = rsa_weak;	/* any key outside the set */
	json_t *j;

	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"crit\":[\"exp\"],\"exp\":1}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header", "crit");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"crit\":[]}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header", "empty crit");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"b64\":false,\"crit\":[\"b64\"]}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header",
	       "b64:false with crit");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"b64\":false}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header", "b64:false");

	/* An embedded attacker key that WOULD verify this token. */
	j = tk_jwk(attacker, "rsa1", "RS256");
	jwk = dump(j);
	h = kfmt("{\"alg\":\"RS256\",\"kid\":\"evil\",\"jwk\":%s}", jwk);
	attack(cfg_rs, sign(attacker, "RS256", h, pl), "header",
	       "embedded jwk that verifies, unknown kid");
	h = kfmt("{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"jwk\":%s}", jwk);
	attack(cfg_rs, sign(attacker, "RS256", h, pl), "header",
	       "embedded jwk that verifies, kid of a real key");
	h = kfmt("{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"jwk\":%s}", jwk);
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header",
	       "jwk header even on a correctly signed token");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"jku\":\"https://evil.example/jwks\"}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header", "jku");
	h = "{\"alg\":\"RS256\",\"jku\":\"https://acme.kinde.com/.well-known/jwks\"}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header",
	       "jku naming the real issuer, no kid");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"x5u\":\"https://evil.example/c.pem\"}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header", "x5u");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"x5c\":[\"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\"]}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header", "x5c");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"jwk\":null}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header", "jwk null");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"enc\":\"A256GCM\"}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header",
	       "enc (a JWE header parameter)");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"zip\":\"DEF\"}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header", "zip");

	/* typ */
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"JWE\"}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header", "typ JWE");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"dpop+jwt\"}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header", "typ dpop+jwt");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"logout+jwt\"}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header",
	       "typ logout+jwt");
	h = "{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":1}";
	attack(cfg_rs, sign(rsa1, "RS256", h, pl), "header",
	       "typ not a string");

	/* kid */
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "rsa9"), pl), "kid",
	       "kid not in the set");
	attack(cfg_rs, sign(rsa1, "RS256", "{\"alg\":\"RS256\",\"kid\":1}",
			    pl), "header", "kid a number");
	attack(cfg_rs, sign(rsa1, "RS256",
			    "{\"alg\":\"RS256\",\"kid\":[\"rsa1\"]}", pl),
	       "header", "kid an array");
	attack(cfg_rs, sign(rsa1, "RS256", "{\"alg\":\"RS256\",\"kid\":null}",
			    pl), "header", "kid null");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", NULL), pl), "kid",
	       "no kid, two RSA keys in the set");
	attack(cfg_all, sign(ec256, "ES256", hdr("ES256", NULL), pl), "kid",
	       "no kid, two P-256 keys in the set");
	attack(cfg_rs, sign(rsa1, "RS256",
			    hdr("RS256", "../../../../etc/passwd"), pl), "kid",
	       "kid path traversal");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "rsa1' OR '1'='1"),
			    pl), "kid", "kid SQL injection");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "rsa1%00"), pl),
	       "kid", "kid with %00");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "rsa1\\\\0"), pl),
	       "kid", "kid with a literal backslash-zero");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "rsa1\\u0000"), pl),
	       "malformed", "kid with an escaped NUL (\\u0000)");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "RSA1"), pl), "kid",
	       "kid in another case");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "rsa1 "), pl), "kid",
	       "kid with a trailing space");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", ""), pl), "kid",
	       "empty kid");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "rsa1\\nrsa1"), pl),
	       "kid", "kid with a newline");
	ok(!tap_has_ctl(last_detail), "the kid is escaped in the detail");
}

static void
attacks_keys(void)
{
	char *pl = payload(), *si;
	unsigned char *em;
	size_t k = 256;

	/* e = 1: the PKCS#1 encoding is its own signature. */
	si = signing_input(hdr("RS256", "e1"), pl);
	em = pkcs1_em(si, k);
	diag("OpenSSL alone %s the e=1 forgery (why the loader refuses e=1)",
	     openssl_verifies_with_e(rsa1, 1, si, em, k) ? "ACCEPTS" :
	     "refuses");
	attack(cfg_rs, with_sig(si, em, k), "kid",
	       "e=1 key (skipped) with a forged signature");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "e3"), pl), "kid",
	       "e=3 key (skipped), kid naming it");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "even"), pl), "kid",
	       "even exponent (skipped)");
	attack(cfg_rs, sign(rsa_weak, "RS256", hdr("RS256", "weak"), pl),
	       "kid", "1024-bit key (skipped), validly signed");
	attack(cfg_rs, sign(rsa2, "RS256", hdr("RS256", "dup"), pl), "kid",
	       "duplicate kid (both dropped), signed by one of them");
	attack(cfg_rs, sign(rsa2, "RS256", hdr("RS256", "enc1"), pl), "kid",
	       "key with use enc (skipped)");
	attack(cfg_rs, sign(rsa2, "RS256", hdr("RS256", "ops1"), pl), "kid",
	       "key with key_ops [encrypt] (skipped)");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "priv"), pl), "kid",
	       "key with private members (skipped)");
	attack(cfg_rs, sign(rsa1, "RS256", hdr("RS256", "hmac"), pl), "kid",
	       "RS256 naming a symmetric key (skipped)");
	attack(cfg_all, sign(ec256, "ES256", hdr("ES256", "offcurve"), pl),
	       "kid", "off-curve EC key (skipped)");
	attack(cfg_all, sign(rsa2, "RS256", hdr("RS256", "mism"), pl), "kid",
	       "RSA key with alg ES256 (skipped)");
	si = sign(rsa1, "RS256", hdr("RS256", "rsa1"), pl);
	attack_full(cfg_rs, NULL, si, strlen(si), "kid",
		    "validator without a key set");
}

int
main(void)
{
	attacks_setup();
	attacks_header();
	attacks_keys();
	return attacks_done(45, 0);
}
