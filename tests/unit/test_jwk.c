/*
 * test_jwk.c - JWK import rules (lib/jwk.c) and key sets (lib/jwks.c):
 * parsing, skip-and-continue, duplicate kids, limits, warnings through the
 * config's log sink, and key selection.
 */
#include "kinde-build.h"

#include "jwk.h"
#include "jwks.h"
#include "config.h"
#include "verdict.h"
#include "tap.h"
#include "testerr.h"
#include "testlog.h"
#include "testkeys.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

static EVP_PKEY *rsa, *p256, *p384, *ed;

/* ------------------------------------------------------------------ */
/* Helpers */

static char *
b64_fill(size_t n, unsigned char first, unsigned char fill,
	 unsigned char last)
{
	unsigned char *buf = malloc(n);
	char *s;

	memset(buf, fill, n);
	buf[0] = first;
	buf[n - 1] = last;
	s = tk_b64(buf, n);
	free(buf);
	return s;
}

/* obj with member name set to a string (stolen) */
static json_t *
set_str(json_t *obj, const char *name, char *val_owned)
{
	json_object_set_new(obj, name, json_string(val_owned));
	free(val_owned);
	return obj;
}

static json_t *
with(json_t *obj, const char *name, json_t *val)
{
	if (val == NULL)
		json_object_del(obj, name);
	else
		json_object_set_new(obj, name, val);
	return obj;
}

/* Expects obj (decref'd here) to be refused with why == want exactly, or
 * containing want when prefix is 0. */
static void
refused(json_t *obj, const char *want, int exact, const char *what)
{
	static struct jwk sentinel;
	struct jwk *k = &sentinel;	/* must be reset to NULL */
	char why[256] = "";
	int rc = t_jwk_parse(obj, &k, why, sizeof(why));

	ok(rc == -1 && k == NULL, "refused: %s", what);
	if (exact) {
		is_str(why, want, "  message for %s", what);
	} else if (!ok(strstr(why, want) != NULL, "  message for %s", what)) {
		diag("  got \"%s\", want it to contain \"%s\"", why, want);
	}
	if (rc == 0)
		jwk_free(k);
	json_decref(obj);
}

static struct jwk *
accepted(json_t *obj, const char *what)
{
	struct jwk *k = NULL;
	char why[256] = "";

	if (!ok(t_jwk_parse(obj, &k, why, sizeof(why)) == 0 && k != NULL,
		"accepted: %s", what))
		diag("  refused: %s", why);
	json_decref(obj);
	return k;
}

static void
accepted_free(json_t *obj, const char *what)
{
	jwk_free(accepted(obj, what));
}

/* A JWK object of the public key of pk */
static json_t *
J(EVP_PKEY *pk, const char *kid, const char *alg)
{
	return tk_jwk(pk, kid, alg);
}

/* ------------------------------------------------------------------ */

static void
rsa_rules(void)
{
	struct jwk *k;
	json_t *o;
	char *e_str;
	size_t i;

	k = accepted(J(rsa, "r1", NULL), "RSA 2048 key without alg");
	if (k != NULL) {
		is_int(k->kty, KTY_RSA, "  kty RSA");
		is_int(k->bits, 2048, "  2048 bits");
		is_str(k->kid, "r1", "  kid");
		is_int(k->alg, -1, "  no alg");
		ok(k->alg_name == NULL, "  no alg name");
		ok(k->pkey != NULL, "  has a key");
		ok(k->curve == NULL, "  no curve");
	}
	jwk_free(k);
	k = accepted(J(rsa, NULL, "RS256"), "RSA key with alg RS256, no kid");
	if (k != NULL) {
		is_int(k->alg, ALG_RS256, "  alg RS256");
		is_str(k->alg_name, "RS256", "  alg name kept");
		ok(k->kid == NULL, "  kid NULL");
	}
	jwk_free(k);
	{
		static const char *const ok_algs[] = { "RS256", "RS384",
			"RS512", "PS256", "PS384", "PS512" };

		for (i = 0; i < 6; i++)
			accepted_free(J(rsa, "r", ok_algs[i]),
				      ok_algs[i]);
	}

	/* modulus size */
	refused(set_str(J(rsa, "r", NULL), "n", b64_fill(256, 0x7f, 0xff, 0xff)),
		"RSA modulus of 2047 bits (minimum 2048)", 1, "2047-bit modulus");
	k = accepted(set_str(J(rsa, "r", NULL), "n",
			     b64_fill(256, 0x80, 0x5a, 0x01)),
		     "exactly 2048-bit modulus");
	if (k != NULL)
		is_int(k->bits, 2048, "  2048 bits");
	jwk_free(k);
	refused(set_str(J(rsa, "r", NULL), "n", b64_fill(128, 0xc3, 0x5a, 0x01)),
		"RSA modulus of 1024 bits (minimum 2048)", 1, "1024-bit modulus");
	refused(set_str(J(rsa, "r", NULL), "n", b64_fill(256, 0x00, 0xc3, 0x01)),
		"RSA modulus of 2040 bits (minimum 2048)", 1,
		"256 bytes with a leading zero: 2040 bits");
	refused(set_str(J(rsa, "r", NULL), "n", b64_fill(2049, 0xff, 0x5a, 0x01)),
		"RSA modulus of 16392 bits (maximum 16384)", 1,
		"16392-bit modulus");
	refused(set_str(J(rsa, "r", NULL), "n", b64_fill(256, 0xc3, 0x5a, 0x02)),
		"RSA modulus is even", 1, "even modulus");
	refused(set_str(J(rsa, "r", NULL), "n", b64_fill(3073, 0xc3, 0x5a, 0x01)),
		"member \"n\" has a bad length", 1, "modulus over 4096 characters");
	refused(with(J(rsa, "r", NULL), "n", json_string("")),
		"member \"n\" has a bad length", 1, "empty modulus");
	refused(with(J(rsa, "r", NULL), "n", NULL),
		"member \"n\" missing or not a string", 1, "no modulus");
	refused(with(J(rsa, "r", NULL), "n", json_integer(7)),
		"member \"n\" missing or not a string", 1, "modulus a number");
	o = J(rsa, "r", NULL);
	e_str = malloc(strlen(json_string_value(json_object_get(o, "n"))) + 3);
	sprintf(e_str, "%s==", json_string_value(json_object_get(o, "n")));
	refused(set_str(o, "n", e_str), "member \"n\" is not strict base64url",
		1, "modulus with padding");

	/* exponent */
	refused(with(J(rsa, "r", NULL), "e", json_string("AQ")),
		"RSA exponent must be odd, >= 65537 and < n", 1, "e = 1");
	refused(with(J(rsa, "r", NULL), "e", json_string("Aw")),
		"RSA exponent must be odd, >= 65537 and < n", 1, "e = 3");
	refused(with(J(rsa, "r", NULL), "e", json_string("AQAA")),
		"RSA exponent must be odd, >= 65537 and < n", 1, "e = 65536");
	refused(with(J(rsa, "r", NULL), "e", json_string("AQAC")),
		"RSA exponent must be odd, >= 65537 and < n", 1,
		"e = 65538 (even)");
	refused(with(J(rsa, "r", NULL), "e", json_string("__8")),
		"RSA exponent must be odd, >= 65537 and < n", 1, "e = 65535");
	refused(with(J(rsa, "r", NULL), "e", json_string("AAAAAQ")),
		"RSA exponent must be odd, >= 65537 and < n", 1,
		"e = 1 with leading zero bytes");
	accepted_free(with(J(rsa, "r", NULL), "e", json_string("AQAD")),
		      "e = 65539");
	accepted_free(with(J(rsa, "r", NULL), "e", json_string("Af__")),
		      "e = 131071");
	o = J(rsa, "r", NULL);
	refused(with(o, "e", json_incref(json_object_get(o, "n"))),
		"RSA exponent must be odd, >= 65537 and < n", 1, "e = n");
	refused(set_str(J(rsa, "r", NULL), "e", b64_fill(300, 0xff, 0x11, 0x01)),
		"RSA exponent must be odd, >= 65537 and < n", 1, "e > n");
	refused(with(J(rsa, "r", NULL), "e", NULL),
		"member \"e\" missing or not a string", 1, "no exponent");
	refused(with(J(rsa, "r", NULL), "e", json_string("AQAB=")),
		"member \"e\" is not strict base64url", 1, "e with padding");
}

static void
ec_rules(void)
{
	struct jwk *k;
	json_t *o;
	char *y;
	size_t len;

	k = accepted(J(p256, "e1", "ES256"), "P-256 key");
	if (k != NULL) {
		is_int(k->kty, KTY_EC, "  kty EC");
		is_str(k->curve, "P-256", "  curve");
		is_int(k->bits, 256, "  256 bits");
		is_int(k->alg, ALG_ES256, "  alg ES256");
	}
	jwk_free(k);
	k = accepted(J(p384, "e2", NULL), "P-384 key");
	if (k != NULL) {
		is_str(k->curve, "P-384", "  curve");
		is_int(k->bits, 384, "  384 bits");
	}
	jwk_free(k);
	refused(with(J(p256, "e", NULL), "crv", json_string("P-521")),
		"unsupported EC curve \"P-521\"", 1, "P-521");
	refused(with(J(p256, "e", NULL), "crv", json_string("secp256k1")),
		"unsupported EC curve \"secp256k1\"", 1, "secp256k1");
	refused(with(J(p256, "e", NULL), "crv", json_string("p-256")),
		"unsupported EC curve \"p-256\"", 1, "curve names are exact");
	refused(with(J(p256, "e", NULL), "crv", NULL),
		"EC key without \"crv\"", 1, "EC key without crv");
	refused(set_str(J(p256, "e", NULL), "x", b64_fill(31, 1, 2, 3)),
		"EC coordinates must be 32 bytes for P-256", 1, "x of 31 bytes");
	refused(set_str(J(p256, "e", NULL), "y", b64_fill(33, 0, 2, 3)),
		"EC coordinates must be 32 bytes for P-256", 1,
		"y of 33 bytes (leading zero)");
	refused(with(J(p384, "e", NULL), "crv", json_string("P-256")),
		"EC coordinates must be 32 bytes for P-256", 1,
		"P-384 point labelled P-256");
	refused(with(J(p256, "e", NULL), "crv", json_string("P-384")),
		"EC coordinates must be 48 bytes for P-384", 1,
		"P-256 point labelled P-384");
	refused(with(J(p256, "e", NULL), "x", NULL),
		"member \"x\" missing or not a string", 1, "no x");
	refused(with(J(p256, "e", NULL), "y", json_null()),
		"member \"y\" missing or not a string", 1, "y null");

	/* off the curve: a valid point with y changed */
	o = J(p256, "e", NULL);
	y = strdup(json_string_value(json_object_get(o, "y")));
	len = strlen(y);
	y[len / 2] = y[len / 2] == 'A' ? 'B' : 'A';
	refused(set_str(o, "y", y), "EC point is not on curve P-256", 1,
		"P-256 point with y changed");
	o = J(p384, "e", NULL);
	y = strdup(json_string_value(json_object_get(o, "y")));
	y[3] = y[3] == 'A' ? 'B' : 'A';
	refused(set_str(o, "y", y), "EC point is not on curve P-384", 1,
		"P-384 point with y changed");
	o = J(p256, "e", NULL);
	refused(set_str(set_str(o, "x", b64_fill(32, 0, 0, 0)), "y",
			b64_fill(32, 0, 0, 0)),
		"EC point is not on curve P-256", 1, "P-256 point (0, 0)");
	o = J(p256, "e", NULL);
	y = strdup(json_string_value(json_object_get(o, "x")));
	refused(set_str(o, "y", y), "EC point is not on curve P-256", 1,
		"P-256 point with y = x");
}

static void
okp_rules(void)
{
	struct jwk *k;

	k = accepted(J(ed, "d1", "EdDSA"), "Ed25519 key");
	if (k != NULL) {
		is_int(k->kty, KTY_OKP, "  kty OKP");
		is_str(k->curve, "Ed25519", "  curve");
		is_int(k->bits, 256, "  256 bits");
		is_int(k->alg, ALG_EDDSA, "  alg EdDSA");
	}
	jwk_free(k);
	refused(set_str(J(ed, "d", NULL), "x", b64_fill(31, 1, 2, 3)),
		"Ed25519 key must be 32 bytes", 1, "Ed25519 x of 31 bytes");
	refused(set_str(J(ed, "d", NULL), "x", b64_fill(33, 1, 2, 3)),
		"Ed25519 key must be 32 bytes", 1, "Ed25519 x of 33 bytes");
	refused(with(J(ed, "d", NULL), "crv", json_string("X25519")),
		"unsupported OKP curve \"X25519\"", 1, "X25519");
	refused(with(J(ed, "d", NULL), "crv", json_string("Ed448")),
		"unsupported OKP curve \"Ed448\"", 1, "Ed448");
	refused(with(J(ed, "d", NULL), "crv", NULL), "OKP key without \"crv\"",
		1, "OKP without crv");
	refused(with(J(ed, "d", NULL), "x", NULL),
		"member \"x\" missing or not a string", 1, "OKP without x");
}

static void
usage_rules(void)
{
	accepted_free(with(J(rsa, "r", NULL), "use", json_string("sig")),
		      "use sig");
	refused(with(J(rsa, "r", NULL), "use", json_string("enc")),
		"\"use\" is enc, not \"sig\"", 1, "use enc");
	refused(with(J(rsa, "r", NULL), "use", json_string("SIG")),
		"\"use\" is SIG, not \"sig\"", 1, "use SIG (case)");
	refused(with(J(rsa, "r", NULL), "use", json_integer(1)),
		"\"use\" is not a string, not \"sig\"", 1, "use a number");
	refused(with(J(rsa, "r", NULL), "use", json_null()),
		"\"use\" is not a string, not \"sig\"", 1, "use null");
	accepted_free(with(J(rsa, "r", NULL), "key_ops",
			   json_pack("[s]", "verify")), "key_ops [verify]");
	accepted_free(with(J(rsa, "r", NULL), "key_ops",
			   json_pack("[s,s]", "sign", "verify")),
		      "key_ops [sign, verify]");
	refused(with(J(rsa, "r", NULL), "key_ops", json_pack("[s]", "encrypt")),
		"\"key_ops\" does not allow \"verify\"", 1, "key_ops [encrypt]");
	refused(with(J(rsa, "r", NULL), "key_ops", json_array()),
		"\"key_ops\" does not allow \"verify\"", 1, "key_ops []");
	refused(with(J(rsa, "r", NULL), "key_ops", json_pack("[i]", 1)),
		"\"key_ops\" does not allow \"verify\"", 1, "key_ops [1]");
	refused(with(J(rsa, "r", NULL), "key_ops", json_string("verify")),
		"\"key_ops\" is not an array", 1, "key_ops a string");
	refused(with(with(J(rsa, "r", NULL), "key_ops",
			  json_pack("[s]", "verify")), "use",
		     json_string("enc")),
		"\"use\" is enc, not \"sig\"", 1, "key_ops verify but use enc");
}

static void
member_rules(void)
{
	static const char *const priv[] = { "d", "p", "q", "dp", "dq", "qi",
					    "oth", "k" };
	char want[128];
	size_t i;

	for (i = 0; i < sizeof(priv) / sizeof(priv[0]); i++) {
		snprintf(want, sizeof(want),
			 "private key material (\"%s\") in a public key set",
			 priv[i]);
		refused(with(J(rsa, "r", NULL), priv[i], json_string("AQAB")),
			want, 1, want);
	}
	refused(with(J(p256, "e", NULL), "d", json_string("AQAB")),
		"private key material (\"d\") in a public key set", 1,
		"EC key with d");
	refused(with(J(ed, "e", NULL), "d", json_string("AQAB")),
		"private key material (\"d\") in a public key set", 1,
		"Ed25519 key with d");
	refused(with(J(rsa, "r", NULL), "d", json_null()),
		"private key material (\"d\") in a public key set", 1,
		"d present even as null");
	refused(json_pack("{s:s, s:s, s:s}", "kty", "oct", "kid", "h", "k",
			  "c2VjcmV0"),
		"symmetric key (kty \"oct\") in a public key set", 1,
		"symmetric key");
	refused(json_pack("{s:s, s:s, s:s, s:s}", "kty", "oct", "kid", "h",
			  "k", "c2VjcmV0", "alg", "HS256"),
		"symmetric key (kty \"oct\") in a public key set", 1,
		"symmetric key with alg HS256");
	refused(json_pack("{s:s, s:s}", "kty", "oct", "kid", "h"),
		"unsupported key type \"oct\"", 1, "oct without k");
	refused(with(J(rsa, "r", NULL), "kty", json_string("rsa")),
		"unsupported key type \"rsa\"", 1, "kty in lower case");
	refused(with(J(rsa, "r", NULL), "kty", NULL), "no \"kty\"", 1,
		"no kty");
	refused(with(J(rsa, "r", NULL), "kty", json_integer(1)),
		"kty, kid, alg or crv is not a string", 1, "kty a number");
	refused(with(J(rsa, "r", NULL), "kid", json_integer(1)),
		"kty, kid, alg or crv is not a string", 1, "kid a number");
	refused(with(J(rsa, "r", NULL), "kid", json_null()),
		"kty, kid, alg or crv is not a string", 1, "kid null");
	refused(with(J(rsa, "r", NULL), "alg", json_true()),
		"kty, kid, alg or crv is not a string", 1, "alg true");
	refused(with(J(p256, "e", NULL), "crv", json_pack("[s]", "P-256")),
		"kty, kid, alg or crv is not a string", 1, "crv an array");
	refused(json_pack("[s]", "RSA"), "not a JSON object", 1,
		"a JSON array");
	refused(json_string("RSA"), "not a JSON object", 1, "a JSON string");
}

static void
alg_rules(void)
{
	struct jwk *k;

	refused(J(rsa, "r", "ES256"), "key alg ES256 does not fit a RSA key",
		1, "RSA key with alg ES256");
	refused(J(rsa, "r", "EdDSA"), "key alg EdDSA does not fit a RSA key",
		1, "RSA key with alg EdDSA");
	refused(J(p256, "e", "ES384"), "key alg ES384 does not fit a EC key",
		1, "P-256 key with alg ES384");
	refused(J(p384, "e", "ES256"), "key alg ES256 does not fit a EC key",
		1, "P-384 key with alg ES256");
	refused(J(p256, "e", "RS256"), "key alg RS256 does not fit a EC key",
		1, "EC key with alg RS256");
	refused(J(ed, "e", "RS256"), "key alg RS256 does not fit a OKP key",
		1, "Ed25519 key with alg RS256");
	refused(J(ed, "e", "ES256"), "key alg ES256 does not fit a OKP key",
		1, "Ed25519 key with alg ES256");
	refused(J(rsa, "r", "HS256"), "unsupported key alg \"HS256\"", 1,
		"RSA key with alg HS256");
	refused(J(rsa, "r", "none"), "unsupported key alg \"none\"", 1,
		"RSA key with alg none");
	refused(J(rsa, "r", "rs256"), "unsupported key alg \"rs256\"", 1,
		"alg names are exact");
	refused(J(rsa, "r", "RSA-OAEP"), "unsupported key alg \"RSA-OAEP\"", 1,
		"RSA key with an encryption alg");
	k = accepted(J(ed, "d2", "Ed25519"), "Ed25519 key of alg Ed25519");
	if (k != NULL)
		is_int(k->alg, ALG_ED25519, "  alg Ed25519 (RFC 9864)");
	jwk_free(k);
	refused(J(rsa, "r", "Ed25519"), "key alg Ed25519 does not fit a RSA key",
		1, "RSA key with alg Ed25519");
}

static void
fits_matrix(void)
{
	/* rows: RSA, P-256, P-384, Ed25519; columns: enum jws_alg */
	static const int want[4][ALG__COUNT] = {
		{ 1, 1, 1, 1, 1, 1, 0, 0, 0, 0 },
		{ 0, 0, 0, 0, 0, 0, 1, 0, 0, 0 },
		{ 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 },
		{ 0, 0, 0, 0, 0, 0, 0, 0, 1, 1 },
	};
	EVP_PKEY *pks[4];
	struct jwk *k;
	int r, a, bad = 0;

	pks[0] = rsa;
	pks[1] = p256;
	pks[2] = p384;
	pks[3] = ed;
	for (r = 0; r < 4; r++) {
		k = accepted(J(pks[r], "k", NULL), "key for the fits matrix");
		if (k == NULL)
			continue;
		for (a = 0; a < ALG__COUNT; a++) {
			if ((jwk_fits_alg(k, (enum jws_alg)a) != 0) !=
			    want[r][a]) {
				bad++;
				diag("key %d alg %s: got %d", r,
				     alg_desc((enum jws_alg)a)->name,
				     jwk_fits_alg(k, (enum jws_alg)a));
			}
		}
		jwk_free(k);
	}
	is_int(bad, 0, "jwk_fits_alg: 4 key types x 10 algorithms");
	jwk_free(NULL);
	ok(1, "jwk_free(NULL) is a no-op");
}

/* ------------------------------------------------------------------ */
/* Key sets */

static kinde_err_t
parse_set(kinde_config_t *cfg, const char *json, size_t len,
	  kinde_keyset_t **ks, char *err, size_t errlen)
{
	err[0] = '\0';
	return kinde_keyset_parse(cfg, json, len, ks, err, errlen);
}

static kinde_keyset_t *
set_of(kinde_config_t *cfg, char *json, const char *what)
{
	static kinde_keyset_t sentinel;
	kinde_keyset_t *ks = &sentinel;
	char err[256];

	if (!ok(parse_set(cfg, json, strlen(json), &ks, err, sizeof(err)) ==
		KINDE_OK && ks != NULL, "key set parsed: %s", what)) {
		diag("  %s", err);
		ks = NULL;
	}
	free(json);
	return ks;
}

static void
set_refused(kinde_config_t *cfg, const char *json, size_t len,
	    const char *want, const char *what)
{
	static kinde_keyset_t sentinel;
	kinde_keyset_t *ks = &sentinel;
	char err[256];
	kinde_err_t rc = parse_set(cfg, json, len, &ks, err, sizeof(err));

	ok(rc == KINDE_E_UNAVAILABLE && ks == NULL, "key set refused: %s",
	   what);
	if (!ok(strstr(err, want) != NULL, "  error for %s", what))
		diag("  got \"%s\", want \"%s\"", err, want);
	kinde_keyset_free(rc == KINDE_OK ? ks : NULL);
}

static void
keysets(kinde_config_t *cfg)
{
	kinde_keyset_t *ks;
	struct kinde_key_info info;
	json_t *keys;
	char *json, *big, err[256];
	size_t i;

	/* skip and continue */
	logs_clear();
	ks = set_of(cfg, tk_jwks(J(rsa, "a", "RS256"),
				 with(J(rsa, "b", NULL), "e", json_string("Aw")),
				 J(p256, "c", NULL),
				 with(J(p256, "d", NULL), "x",
				      json_string("AAAA")),
				 J(ed, "e", "EdDSA"),
				 json_pack("{s:s,s:s,s:s}", "kty", "oct",
					   "kid", "f", "k", "c2VjcmV0"),
				 NULL), "3 good, 3 bad keys");
	if (ks != NULL) {
		is_int(kinde_keyset_count(ks), 3, "  3 usable keys");
		kinde_keyset_key_info(ks, 0, &info);
		ok(strcmp(info.kid, "a") == 0 && strcmp(info.kty, "RSA") == 0 &&
		   strcmp(info.alg, "RS256") == 0 && info.bits == 2048,
		   "  key 0: a, RSA, RS256, 2048");
		kinde_keyset_key_info(ks, 1, &info);
		ok(strcmp(info.kid, "c") == 0 && strcmp(info.kty, "EC") == 0 &&
		   info.alg == NULL && info.bits == 256,
		   "  key 1: c, EC, no alg, 256");
		kinde_keyset_key_info(ks, 2, &info);
		ok(strcmp(info.kid, "e") == 0 && strcmp(info.kty, "OKP") == 0 &&
		   strcmp(info.alg, "EdDSA") == 0, "  key 2: e, OKP, EdDSA");
		is_int(ks->skipped, 3, "  3 skipped");
	}
	kinde_keyset_free(ks);
	is_int(logs.n, 3, "  3 warnings logged");
	for (i = 0; i < logs.n; i++)
		is_int(logs.prio[i], LOG_WARNING, "  warning %zu at LOG_WARNING",
		       i);
	if (logs.n >= 3) {
		is_str(logs.msg[0],
		       "key set: key 1 (kid \"b\") skipped: RSA exponent must be odd, >= 65537 and < n",
		       "  warning names the index, kid and reason");
		is_str(logs.msg[1],
		       "key set: key 3 (kid \"d\") skipped: EC coordinates must be 32 bytes for P-256",
		       "  second warning");
		is_str(logs.msg[2],
		       "key set: key 5 (kid \"f\") skipped: symmetric key (kty \"oct\") in a public key set",
		       "  third warning");
	}

	/* duplicate kids: all holders dropped */
	logs_clear();
	ks = set_of(cfg, tk_jwks(J(rsa, "x", NULL), J(p256, "x", NULL),
				 J(ed, "y", NULL), NULL), "two keys share kid x");
	if (ks != NULL) {
		is_int(kinde_keyset_count(ks), 1, "  both x keys dropped");
		kinde_keyset_key_info(ks, 0, &info);
		is_str(info.kid, "y", "  y kept");
	}
	kinde_keyset_free(ks);
	is_int(logs_matching("key set: key \"x\" skipped: duplicate kid"), 2,
	       "  one warning per dropped key");
	logs_clear();
	ks = set_of(cfg, tk_jwks(J(rsa, "z", NULL), J(p256, "z", NULL),
				 J(ed, "z", NULL), NULL), "three keys share a kid");
	if (ks != NULL)
		is_int(kinde_keyset_count(ks), 0, "  all three dropped");
	kinde_keyset_free(ks);
	is_int(logs.n, 3, "  three warnings");
	ks = set_of(cfg, tk_jwks(J(rsa, NULL, NULL), J(p256, NULL, NULL),
				 NULL), "two keys without kid");
	if (ks != NULL)
		is_int(kinde_keyset_count(ks), 2,
		       "  keys without kid are not duplicates");
	kinde_keyset_free(ks);
	ks = set_of(cfg, tk_jwks(J(rsa, "Kid", NULL), J(p256, "kid", NULL),
				 NULL), "kids differing in case");
	if (ks != NULL)
		is_int(kinde_keyset_count(ks), 2, "  kids compare exactly");
	kinde_keyset_free(ks);

	/* documents that are not key sets */
	set_refused(cfg, "[]", 2, "not a JWKS", "a JSON array");
	set_refused(cfg, "{}", 2, "not a JWKS", "no keys member");
	set_refused(cfg, "{\"keys\":{}}", 11, "not a JWKS",
		    "keys an object");
	set_refused(cfg, "{\"keys\":\"a\"}", 12, "not a JWKS",
		    "keys a string");
	set_refused(cfg, "{\"keys\":null}", 13, "not a JWKS", "keys null");
	set_refused(cfg, "not json", 8, "key set is not valid JSON",
		    "not JSON");
	set_refused(cfg, "", 0, "key set is not valid JSON", "empty document");
	set_refused(cfg, "{\"keys\":[]}x", 12, "key set is not valid JSON",
		    "trailing garbage");
	set_refused(cfg, "{\"keys\":[],\"keys\":[]}", 21, "duplicate",
		    "duplicate keys member");
	json = tk_jwks(J(rsa, "a", NULL), NULL);
	big = malloc(strlen(json) + 16);
	/* {"keys":[{"kty":"RSA",... -> a second kty inside the key */
	sprintf(big, "{\"keys\":[{\"kty\":\"EC\",%s", json + 10);
	set_refused(cfg, big, strlen(big), "duplicate",
		    "duplicate kty inside a key");
	free(big);
	free(json);

	/* number of keys */
	keys = json_array();
	for (i = 0; i < 64; i++) {
		char kid[16];

		snprintf(kid, sizeof(kid), "k%zu", i);
		json_array_append_new(keys, J(p256, kid, NULL));
	}
	{
		json_t *tmp = json_pack("{s:O}", "keys", keys);

		json = json_dumps(tmp, JSON_COMPACT);
		json_decref(tmp);
	}
	ks = set_of(cfg, json, "64 keys");
	if (ks != NULL)
		is_int(kinde_keyset_count(ks), 64, "  all 64 usable");
	kinde_keyset_free(ks);
	json_array_append_new(keys, J(p256, "k64", NULL));
	{
		json_t *tmp = json_pack("{s:O}", "keys", keys);

		json = json_dumps(tmp, JSON_COMPACT);
		json_decref(tmp);
	}
	set_refused(cfg, json, strlen(json), "more than 64 keys", "65 keys");
	free(json);
	json_decref(keys);

	/* size */
	big = malloc(512 * 1024 + 2);
	memset(big, ' ', 512 * 1024 + 1);
	memcpy(big, "{\"keys\":[]}", 11);
	big[512 * 1024 + 1] = '\0';
	ks = NULL;
	ok(parse_set(cfg, big, 512 * 1024, &ks, err, sizeof(err)) == KINDE_OK &&
	   ks != NULL && kinde_keyset_count(ks) == 0,
	   "key set of exactly 512 KiB parsed");
	kinde_keyset_free(ks);
	set_refused(cfg, big, 512 * 1024 + 1, "larger than 524288 bytes",
		    "key set of 512 KiB + 1");
	free(big);

	/* empty set, no sink, NULL cfg */
	logs_clear();
	ks = set_of(cfg, strdup("{\"keys\":[]}"), "empty keys array");
	if (ks != NULL)
		is_int(kinde_keyset_count(ks), 0, "  no keys");
	kinde_keyset_free(ks);
	is_int(logs.n, 0, "  nothing logged");
	ks = set_of(NULL, tk_jwks(J(p256, "a", NULL),
				  with(J(rsa, "b", NULL), "e",
				       json_string("AQ")), NULL),
		    "a NULL config (no sink) still skips bad keys");
	if (ks != NULL)
		is_int(kinde_keyset_count(ks), 1, "  one usable key");
	kinde_keyset_free(ks);
	kinde_keyset_free(NULL);
	ok(1, "kinde_keyset_free(NULL) is a no-op");
}

static void
keyset_warnings_escaped(kinde_config_t *cfg)
{
	kinde_keyset_t *ks;
	size_t i;
	int bad = 0;

	logs_clear();
	ks = set_of(cfg, tk_jwks(
		with(J(rsa, "a\nkid", NULL), "e", json_string("AQ")),
		with(J(rsa, "u", NULL), "use", json_string("enc\nFAKE LINE")),
		J(rsa, "v", "RS\n256"),
		with(J(p256, "w", NULL), "crv", json_string("P-256\r\n")),
		with(J(ed, "x", NULL), "kty", json_string("OKP\x1b[31m")),
		NULL), "bad keys with control characters");
	kinde_keyset_free(ks);
	is_int(logs.n, 5, "  five warnings");
	for (i = 0; i < logs.n; i++) {
		if (tap_has_ctl(logs.msg[i])) {
			bad++;
			diag("  raw control character in: %s",
			     tap_vis(logs.msg[i]));
		}
	}
	is_int(bad, 0,
	       "warnings escape control characters from the key set (log forging)");
}

static void
load_file(kinde_config_t *cfg)
{
	char path[] = "/tmp/test_jwk_XXXXXX";
	char *json = tk_jwks(J(p256, "a", NULL), NULL);
	kinde_keyset_t *ks = NULL;
	char err[256];
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, json, strlen(json)) != (ssize_t)strlen(json))
		abort();
	close(fd);
	chmod(path, 0644);
	ok(kinde_keyset_load_file(cfg, path, &ks, err, sizeof(err)) ==
	   KINDE_OK && ks != NULL && kinde_keyset_count(ks) == 1,
	   "load_file: a 0644 key set");
	kinde_keyset_free(ks);
	ks = NULL;
	chmod(path, 0666);
	is_int(kinde_keyset_load_file(cfg, path, &ks, err, sizeof(err)),
	       KINDE_E_UNSAFE, "load_file: a world-writable key set refused");
	ok(ks == NULL, "  no key set");
	unlink(path);
	is_int(kinde_keyset_load_file(cfg, path, &ks, err, sizeof(err)),
	       KINDE_E_IO, "load_file: a missing file");
	free(json);
}

static void
select_rules(kinde_config_t *cfg)
{
	kinde_keyset_t *ks;
	kinde_verdict_t *v = kinde_verdict_new(true);
	const struct jwk *k;
	struct kinde_check chk;

	ks = set_of(cfg, tk_jwks(J(rsa, "r", "RS256"), J(rsa, "r2", NULL),
				 J(p256, "e", NULL), NULL), "selection set");
	if (ks == NULL)
		return;

	k = keyset_select(ks, "r", ALG_RS256, v);
	ok(k != NULL && strcmp(k->kid, "r") == 0 &&
	   kinde_verdict_reason(v) == KINDE_R_NONE, "select by kid");
	if (kinde_verdict_check_count(v) == 1) {
		kinde_verdict_check(v, 0, &chk);
		ok(strcmp(chk.name, "kid") == 0 && chk.status == 1,
		   "  explain records a passed kid check");
		is_str(chk.detail, "key \"r\" (RSA 2048 bits)", "  detail");
	} else {
		ok(0, "  one check recorded (%zu)", kinde_verdict_check_count(v));
	}

	kinde_verdict_reset(v);
	k = keyset_select(ks, "nope", ALG_RS256, v);
	ok(k == NULL && kinde_verdict_reason(v) == KINDE_R_KID,
	   "unknown kid: reason kid");
	is_str(kinde_verdict_detail(v),
	       "no key with kid \"nope\" in the key set (3 usable keys)",
	       "  detail");

	kinde_verdict_reset(v);
	k = keyset_select(ks, NULL, ALG_RS256, v);
	ok(k == NULL && kinde_verdict_reason(v) == KINDE_R_KID,
	   "no kid, two RSA keys: reason kid");
	is_str(kinde_verdict_detail(v),
	       "token has no kid and the key set has 2 RSA keys for RS256; a kid is needed",
	       "  detail");

	kinde_verdict_reset(v);
	k = keyset_select(ks, NULL, ALG_ES256, v);
	ok(k != NULL && strcmp(k->kid, "e") == 0 &&
	   kinde_verdict_reason(v) == KINDE_R_NONE,
	   "no kid, the only P-256 key is chosen");

	kinde_verdict_reset(v);
	k = keyset_select(ks, NULL, ALG_ES384, v);
	ok(k == NULL && kinde_verdict_reason(v) == KINDE_R_KID,
	   "no kid, no P-384 key: reason kid");
	is_str(kinde_verdict_detail(v),
	       "token has no kid and the key set has 0 EC keys for ES384; a kid is needed",
	       "  detail");

	kinde_verdict_reset(v);
	k = keyset_select(ks, "e", ALG_RS256, v);
	ok(k == NULL && kinde_verdict_reason(v) == KINDE_R_ALG,
	   "RS256 with an EC key: reason alg");
	is_str(kinde_verdict_detail(v),
	       "token alg RS256 needs a RSA key; key \"e\" is EC P-256",
	       "  detail");

	kinde_verdict_reset(v);
	k = keyset_select(ks, "e", ALG_ES384, v);
	ok(k == NULL && kinde_verdict_reason(v) == KINDE_R_ALG,
	   "ES384 with a P-256 key: reason alg");

	kinde_verdict_reset(v);
	k = keyset_select(ks, "r", ALG_PS256, v);
	ok(k == NULL && kinde_verdict_reason(v) == KINDE_R_ALG,
	   "PS256 with a key for RS256: reason alg");
	is_str(kinde_verdict_detail(v),
	       "token alg PS256 but key \"r\" is for RS256", "  detail");

	kinde_verdict_reset(v);
	k = keyset_select(ks, "r2", ALG_PS256, v);
	ok(k != NULL && kinde_verdict_reason(v) == KINDE_R_NONE,
	   "PS256 with an RSA key naming no alg");

	kinde_verdict_reset(v);
	k = keyset_select(ks, "r\n", ALG_RS256, v);
	ok(k == NULL && !tap_has_ctl(kinde_verdict_detail(v)),
	   "an unknown kid is escaped in the detail");

	kinde_keyset_free(ks);
	kinde_verdict_free(v);
}

int
main(void)
{
	kinde_config_t *cfg = kinde_config_new();

	rsa = tk_rsa(2048);
	p256 = tk_ec("P-256");
	p384 = tk_ec("P-384");
	ed = tk_ed25519();
	kinde_config_set_log(cfg, testlog_capture, NULL);

	rsa_rules();
	ec_rules();
	okp_rules();
	usage_rules();
	member_rules();
	alg_rules();
	fits_matrix();
	keysets(cfg);
	keyset_warnings_escaped(cfg);
	load_file(cfg);
	select_rules(cfg);

	logs_clear();
	kinde_config_free(cfg);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(ed);
	return done_testing();
}
