/*
 * test_attacks.c - known attacks on JWT validation, through the public API
 * only (kinde_config_*, kinde_keyset_parse, kinde_validator_*,
 * kinde_verdict_*).  Every attack asserts that the token is REJECTED and
 * names the exact reason; accept controls make sure the suite cannot pass
 * by rejecting everything.  Every case runs twice, with and without explain
 * mode: reading an unverified payload for explain must never change the
 * outcome or the reason.
 *
 * Keys, key sets and tokens are made at run time (testkeys.c).
 */
#include "kinde-build.h"

#include "kinde.h"
#include "tap.h"
#include "testkeys.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#define ISS "https://acme.kinde.com"
#define AUD "https://api.acme.test"
#define NOW ((int64_t)1767225600)	/* 2026-01-01 00:00:00 UTC */
#define LEEWAY 60
#define MIN_ATTACKS 60

static EVP_PKEY *rsa1, *rsa2, *rsa_weak, *ec256, *ec384, *ed;
static kinde_keyset_t *ks;		/* the main key set */
static kinde_keyset_t *ks_single;	/* only rsa1, with alg RS256 */
static kinde_config_t *cfg_rs;		/* defaults: RS256 only */
static kinde_config_t *cfg_all;		/* every supported algorithm */

static int attacks, controls;

/* Everything allocated for a case is kept here and freed at the end. */
static void *pool[4096];
static size_t npool;

static void *
keep(void *p)
{
	if (p == NULL || npool == sizeof(pool) / sizeof(pool[0])) {
		fprintf(stderr, "keep: out of pool\n");
		abort();
	}
	pool[npool++] = p;
	return p;
}

static char *
xstrdup(const char *s)
{
	return keep(strdup(s));
}

/* printf into a kept string. */
static char *kfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
kfmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	return keep(s);
}

static kinde_config_t *cfgs[64];
static size_t ncfgs;

/*
 * A config with issuer ISS, audience AUD and the given key/value pairs
 * (NULL-terminated).
 */
static kinde_config_t *
mkcfg(const char *key, ...)
{
	kinde_config_t *cfg = kinde_config_new();
	va_list ap;
	const char *k, *val;

	if (cfg == NULL ||
	    kinde_config_set(cfg, "issuer", ISS) != KINDE_OK ||
	    kinde_config_set(cfg, "audience", AUD) != KINDE_OK)
		abort();
	va_start(ap, key);
	for (k = key; k != NULL; k = va_arg(ap, const char *)) {
		val = va_arg(ap, const char *);
		if (kinde_config_set(cfg, k, val) != KINDE_OK) {
			fprintf(stderr, "mkcfg %s=%s: %s\n", k, val,
				kinde_config_error(cfg));
			abort();
		}
	}
	va_end(ap);
	if (kinde_config_finish(cfg) != KINDE_OK)
		abort();
	cfgs[ncfgs++] = cfg;
	return cfg;
}

/* ------------------------------------------------------------------ */
/* Running the cases */

static char last_detail[600];

static void
run2(const kinde_config_t *cfg, const kinde_keyset_t *set, const char *tok,
     size_t len, kinde_err_t *rc, kinde_reason_t *r, kinde_err_t *rce,
     kinde_reason_t *re)
{
	kinde_validator_t *val = NULL;
	kinde_verdict_t *v = kinde_verdict_new(false);
	kinde_verdict_t *ve = kinde_verdict_new(true);

	if (v == NULL || ve == NULL ||
	    kinde_validator_new(cfg, set, &val) != KINDE_OK)
		abort();
	kinde_validator_set_now(val, NOW);
	*rc = kinde_validator_check(val, tok, len, v);
	*r = kinde_verdict_reason(v);
	*rce = kinde_validator_check(val, tok, len, ve);
	*re = kinde_verdict_reason(ve);
	snprintf(last_detail, sizeof(last_detail), "%s",
		 kinde_verdict_detail(v));
	kinde_validator_free(val);
	kinde_verdict_free(v);
	kinde_verdict_free(ve);
}

static int
attack_full(const kinde_config_t *cfg, const kinde_keyset_t *set,
	    const char *tok, size_t len, const char *want, const char *what)
{
	kinde_err_t rc, rce;
	kinde_reason_t r, re;
	int good;

	run2(cfg, set, tok, len, &rc, &r, &rce, &re);
	attacks++;
	good = rc == KINDE_E_REJECTED && rce == KINDE_E_REJECTED &&
	       strcmp(kinde_reason_name(r), want) == 0 &&
	       strcmp(kinde_reason_name(re), want) == 0 &&
	       last_detail[0] != '\0';
	if (!ok(good, "attack %d: %s => %s", attacks, what, want))
		diag("  got rc %d reason %s (explain: rc %d reason %s): %s",
		     rc, kinde_reason_name(r), rce, kinde_reason_name(re),
		     tap_vis(last_detail));
	return good;
}

static int
attack(const kinde_config_t *cfg, const char *tok, const char *want,
       const char *what)
{
	return attack_full(cfg, ks, tok, strlen(tok), want, what);
}

static void
accept_full(const kinde_config_t *cfg, const kinde_keyset_t *set,
	    const char *tok, const char *what)
{
	kinde_err_t rc, rce;
	kinde_reason_t r, re;

	run2(cfg, set, tok, strlen(tok), &rc, &r, &rce, &re);
	controls++;
	if (!ok(rc == KINDE_OK && rce == KINDE_OK && r == KINDE_R_NONE &&
		re == KINDE_R_NONE, "control %d: %s => accepted", controls,
		what))
		diag("  got rc %d reason %s (explain: rc %d reason %s): %s",
		     rc, kinde_reason_name(r), rce, kinde_reason_name(re),
		     tap_vis(last_detail));
}

static void
accept_tok(const kinde_config_t *cfg, const char *tok, const char *what)
{
	accept_full(cfg, ks, tok, what);
}

/* ------------------------------------------------------------------ */
/* Building tokens */

static char *
b64(const void *p, size_t n)
{
	return keep(tk_b64(p, n));
}

static char *
b64s(const char *s)
{
	return b64(s, strlen(s));
}

/* {"alg":alg,"kid":kid,"typ":"JWT"}; kid NULL: none. */
static char *
hdr(const char *alg, const char *kid)
{
	if (kid == NULL)
		return kfmt("{\"alg\":\"%s\",\"typ\":\"JWT\"}", alg);
	return kfmt("{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"JWT\"}", alg,
		    kid);
}

/* A valid Kinde user token's claims, aud = [AUD]. */
static json_t *
claims(void)
{
	json_t *c = tk_claims(ISS, NOW);

	json_object_set_new(c, "aud", json_pack("[s]", AUD));
	return c;
}

static char *
dump(json_t *c)
{
	char *s = keep(tk_dump(c));

	json_decref(c);
	return s;
}

static char *
payload(void)
{
	return dump(claims());
}

/* The standard claims with name set to val (stolen), or removed (NULL). */
static char *
payload_with(const char *name, json_t *val)
{
	json_t *c = claims();

	if (val == NULL)
		json_object_del(c, name);
	else
		json_object_set_new(c, name, val);
	return dump(c);
}

static char *
sign(EVP_PKEY *pk, const char *alg, const char *header, const char *pl)
{
	return keep(tk_sign(pk, alg, header, pl));
}

static char *
sign_b64(EVP_PKEY *pk, const char *alg, const char *h64, const char *p64)
{
	return keep(tk_sign_b64(pk, alg, h64, p64));
}

/* A token whose claims carry name = val, RS256 by rsa1. */
static char *
tok_claim(const char *name, json_t *val)
{
	return sign(rsa1, "RS256", hdr("RS256", "rsa1"),
		    payload_with(name, val));
}

/* "b64(h).b64(p)" */
static char *
signing_input(const char *header, const char *pl)
{
	return kfmt("%s.%s", b64s(header), b64s(pl));
}

/* si + "." + b64(sig) */
static char *
with_sig(const char *si, const unsigned char *sig, size_t n)
{
	return kfmt("%s.%s", si, b64(sig, n));
}

static unsigned char *
raw_sig(EVP_PKEY *pk, const char *alg, const char *si, size_t *n)
{
	return keep(tk_sig(pk, alg, (const unsigned char *)si, strlen(si), n));
}

/* The three segments of a token (kept copies). */
static void
split3(const char *tok, char **h, char **p, char **s)
{
	const char *d1 = strchr(tok, '.'), *d2 = strchr(d1 + 1, '.');

	*h = keep(strndup(tok, (size_t)(d1 - tok)));
	*p = keep(strndup(d1 + 1, (size_t)(d2 - d1 - 1)));
	*s = xstrdup(d2 + 1);
}

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Sets the lowest unused bit of a segment's last character. */
static char *
dirty_tail(const char *seg)
{
	char *s = xstrdup(seg);
	size_t len = strlen(s);
	const char *pos = strchr(alphabet, s[len - 1]);
	size_t idx = (size_t)(pos - alphabet);

	if (len % 4 == 0 || len % 4 == 1)
		abort();	/* no unused bits */
	s[len - 1] = alphabet[idx | 1];
	return s;
}

static char *
pem_of(EVP_PKEY *pk, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *copy;
	long n;

	if (bio == NULL || PEM_write_bio_PUBKEY(bio, pk) != 1)
		abort();
	n = BIO_get_mem_data(bio, &data);
	copy = keep(malloc((size_t)n + 1));
	memcpy(copy, data, (size_t)n);
	copy[n] = '\0';
	*len = (size_t)n;
	BIO_free(bio);
	return copy;
}

static unsigned char *
der_of(EVP_PKEY *pk, size_t *len)
{
	unsigned char *der = NULL, *copy;
	int n = i2d_PUBKEY(pk, &der);

	if (n <= 0)
		abort();
	copy = keep(malloc((size_t)n));
	memcpy(copy, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	return copy;
}

/* The key-confusion attack: HMAC over the signing input keyed with key. */
static char *
hmac_token(const char *alg, const char *kid, const void *key, size_t keylen)
{
	const char *md = strcmp(alg + 2, "256") == 0 ? "SHA256" :
			 strcmp(alg + 2, "384") == 0 ? "SHA384" : "SHA512";
	char *si = signing_input(hdr(alg, kid), payload());
	unsigned char mac[64];
	size_t maclen = 0;

	if (EVP_Q_mac(NULL, "HMAC", NULL, md, NULL, key, keylen,
		      (const unsigned char *)si, strlen(si), mac, sizeof(mac),
		      &maclen) == NULL)
		abort();
	return with_sig(si, mac, maclen);
}

static json_t *
jwk_with(EVP_PKEY *pk, const char *kid, const char *alg, const char *name,
	 json_t *val)
{
	json_t *j = tk_jwk(pk, kid, alg);

	json_object_set_new(j, "use", json_string("sig"));
	if (name != NULL)
		json_object_set_new(j, name, val);
	return j;
}

/* The PKCS#1 v1.5 encoding of SHA-256(msg) for a k-byte modulus: with e=1
 * it is its own signature. */
static unsigned char *
pkcs1_em(const char *msg, size_t k)
{
	static const unsigned char prefix[] = {
		0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
		0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20
	};
	unsigned char *em = keep(malloc(k));
	unsigned int hl = 0;
	size_t tl = sizeof(prefix) + 32;

	em[0] = 0x00;
	em[1] = 0x01;
	memset(em + 2, 0xff, k - tl - 3);
	em[k - tl - 1] = 0x00;
	memcpy(em + k - tl, prefix, sizeof(prefix));
	if (EVP_Digest(msg, strlen(msg), em + k - 32, &hl, EVP_sha256(),
		       NULL) != 1 || hl != 32)
		abort();
	return em;
}

/* Does plain OpenSSL verify sig under (n of pk, e)?  For the diag only. */
static int
openssl_verifies_with_e(EVP_PKEY *pk, unsigned long e, const char *msg,
			const unsigned char *sig, size_t siglen)
{
	BIGNUM *n = NULL, *bn_e = BN_new();
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *weak = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int r = 0;

	if (!EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) ||
	    bn_e == NULL || !BN_set_word(bn_e, e) || bld == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e) ||
	    (params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &weak, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		goto out;
	if (md != NULL &&
	    EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, weak) == 1)
		r = EVP_DigestVerify(md, sig, siglen,
				     (const unsigned char *)msg,
				     strlen(msg)) == 1;
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(weak);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(n);
	BN_free(bn_e);
	return r;
}

/* Raw R||S to DER, as OpenSSL and X.509 encode ECDSA signatures. */
static unsigned char *
ecdsa_der(const unsigned char *raw, size_t coord, size_t *len)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)coord, NULL);
	BIGNUM *s = BN_bin2bn(raw + coord, (int)coord, NULL);
	unsigned char *der = NULL, *copy;
	int n;

	if (es == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0(es, r, s))
		abort();
	n = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_free(es);
	if (n <= 0)
		abort();
	copy = keep(malloc((size_t)n));
	memcpy(copy, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	return copy;
}

/* A signed RS256 token (rsa1) of exactly target bytes; NULL if the sizes
 * cannot line up with any header variant. */
static char *
sized_token(size_t target)
{
	static const char *const headers[] = {
		"{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"JWT\"}",
		"{\"alg\":\"RS256\",\"kid\":\"rsa1\"}",
		"{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"at+jwt\"}",
		"{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"jwt\"}",
	};
	size_t i, hl, pl, n, base;
	json_t *c;
	char *pad, *pls, *tok;

	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		hl = strlen(b64s(headers[i]));
		pl = target - hl - 2 - 342;	/* 2048-bit signature */
		if (pl % 4 == 1)
			continue;
		n = pl / 4 * 3 + (pl % 4 ? pl % 4 - 1 : 0);
		c = claims();
		json_object_set_new(c, "pad", json_string(""));
		pls = tk_dump(c);
		base = strlen(pls);
		free(pls);
		pad = malloc(n - base + 1);
		memset(pad, 'x', n - base);
		pad[n - base] = '\0';
		json_object_set_new(c, "pad", json_string(pad));
		free(pad);
		tok = sign(rsa1, "RS256", headers[i], dump(c));
		if (strlen(tok) == target)
			return tok;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Setup */

static kinde_keyset_t *
parse_set(char *json)
{
	kinde_keyset_t *set = NULL;
	char err[256];

	if (kinde_keyset_parse(cfg_rs, json, strlen(json), &set, err,
			       sizeof(err)) != KINDE_OK) {
		fprintf(stderr, "keyset: %s\n", err);
		abort();
	}
	free(json);
	return set;
}

static void
setup(void)
{
	json_t *e1, *e3, *even, *oct, *offc, *mism;
	char *yb;

	rsa1 = tk_rsa(2048);
	rsa2 = tk_rsa(2048);
	rsa_weak = tk_rsa(1024);
	ec256 = tk_ec("P-256");
	ec384 = tk_ec("P-384");
	ed = tk_ed25519();

	cfg_rs = mkcfg(NULL);
	cfg_all = mkcfg("algorithms",
			"RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384 EdDSA",
			NULL);

	/* rsa1's modulus with e = 1, e = 3 and an even e = 65538 */
	e1 = jwk_with(rsa1, "e1", "RS256", "e", json_string("AQ"));
	e3 = jwk_with(rsa1, "e3", "RS256", "e", json_string("Aw"));
	even = jwk_with(rsa1, "even", NULL, "e", json_string("AQAC"));
	oct = json_pack("{s:s, s:s, s:s}", "kty", "oct", "kid", "hmac", "k",
			"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0");
	/* ec256's point with y changed: off the curve */
	offc = jwk_with(ec256, "offcurve", "ES256", NULL, NULL);
	yb = xstrdup(json_string_value(json_object_get(offc, "y")));
	yb[10] = yb[10] == 'A' ? 'B' : 'A';
	json_object_set_new(offc, "y", json_string(yb));
	mism = jwk_with(rsa2, "mism", "ES256", NULL, NULL);

	ks = parse_set(tk_jwks(
		jwk_with(rsa1, "rsa1", "RS256", NULL, NULL),
		jwk_with(rsa2, "rsa2", NULL, NULL, NULL),
		jwk_with(ec256, "ec1", "ES256", NULL, NULL),
		jwk_with(ec256, "ec1na", NULL, NULL, NULL),
		jwk_with(ec384, "ec2", "ES384", NULL, NULL),
		jwk_with(ed, "ed1", "EdDSA", NULL, NULL),
		/* every one of these must be skipped */
		e3, e1, even,
		jwk_with(rsa_weak, "weak", "RS256", NULL, NULL),
		jwk_with(rsa1, "dup", "RS256", NULL, NULL),
		jwk_with(rsa2, "dup", "RS256", NULL, NULL),
		jwk_with(rsa2, "enc1", NULL, "use", json_string("enc")),
		jwk_with(rsa2, "ops1", NULL, "key_ops",
			 json_pack("[s]", "encrypt")),
		oct,
		jwk_with(rsa1, "priv", NULL, "d", json_string("AQAB")),
		offc, mism, NULL));
	ks_single = parse_set(tk_jwks(jwk_with(rsa1, "rsa1", "RS256", NULL,
					       NULL), NULL));
	is_int(kinde_keyset_count(ks), 6,
	       "setup: the main key set keeps exactly its 6 good keys");
	is_int(kinde_keyset_count(ks_single), 1, "setup: single-key set");
}

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

static void
attacks_signature(void)
{
	char *pl = payload(), *si, *tok, *h, *p, *s, *other, *oh, *op, *os, *x;
	unsigned char *sig, *sig2, *zero, *der, *buf;
	size_t n, n2, dl;
	json_t *c;

	si = signing_input(hdr("RS256", "rsa1"), pl);
	sig = raw_sig(rsa1, "RS256", si, &n);
	attack(cfg_rs, with_sig(si, sig, n - 1), "signature",
	       "signature truncated by one byte");
	attack(cfg_rs, with_sig(si, sig, n / 2), "signature",
	       "signature truncated to half");
	buf = keep(malloc(n + 1));
	memcpy(buf, sig, n);
	buf[n] = 0;
	attack(cfg_rs, with_sig(si, buf, n + 1), "signature",
	       "signature one byte longer (trailing zero)");
	buf = keep(malloc(n + 1));
	buf[0] = 0;
	memcpy(buf + 1, sig, n);
	attack(cfg_rs, with_sig(si, buf, n + 1), "signature",
	       "signature with a leading zero byte");
	sig2 = raw_sig(rsa2, "RS256", si, &n2);
	attack(cfg_rs, with_sig(si, sig2, n2), "signature",
	       "signature of the modulus length from another key");
	zero = keep(calloc(1, n));
	attack(cfg_rs, with_sig(si, zero, n), "signature", "zero signature");
	buf = keep(malloc(n));
	memcpy(buf, sig, n);
	buf[n / 2] ^= 0x01;
	attack(cfg_rs, with_sig(si, buf, n), "signature",
	       "bit-flipped signature");
	buf = keep(malloc(n));
	memcpy(buf, sig, n);
	buf[n - 1] ^= 0x80;
	attack(cfg_rs, with_sig(si, buf, n), "signature",
	       "last signature byte flipped");

	/* payload or header changed after signing */
	tok = with_sig(si, sig, n);
	split3(tok, &h, &p, &s);
	x = xstrdup(p);
	x[10] = x[10] == 'A' ? 'B' : 'A';
	attack(cfg_rs, kfmt("%s.%s.%s", h, x, s), "signature",
	       "bit-flipped payload");
	x = b64s("{\"alg\":\"RS256\",\"kid\":\"rsa1\",\"typ\":\"at+jwt\"}");
	attack(cfg_rs, kfmt("%s.%s.%s", x, p, s), "signature",
	       "header changed (typ), same signature");

	/* cut and paste between two validly signed tokens */
	c = claims();
	json_object_set_new(c, "sub", json_string("kp_attacker"));
	json_object_set_new(c, "permissions", json_pack("[s]", "admin"));
	other = sign(rsa1, "RS256", hdr("RS256", "rsa1"), dump(c));
	split3(other, &oh, &op, &os);
	attack(cfg_rs, kfmt("%s.%s.%s", h, op, s), "signature",
	       "cut and paste: payload of token B, signature of token A");
	attack(cfg_rs, kfmt("%s.%s.%s", oh, p, os), "signature",
	       "cut and paste: payload of token A, signature of token B");
	attack(cfg_rs, kfmt("%s.%s.", h, p), "malformed",
	       "signature stripped (empty third segment)");

	/* expired AND forged: the signature decides first */
	c = claims();
	json_object_set_new(c, "exp", json_integer(NOW - 86400));
	si = signing_input(hdr("RS256", "rsa1"), dump(c));
	attack(cfg_rs, with_sig(si, sig, n), "signature",
	       "forged and expired: reported as signature, not expired");

	/* ECDSA */
	si = signing_input(hdr("ES256", "ec1"), pl);
	sig = raw_sig(ec256, "ES256", si, &n);
	der = ecdsa_der(sig, 32, &dl);
	attack(cfg_all, with_sig(si, der, dl), "signature",
	       "ES256 signature in DER instead of raw R||S");
	zero = keep(calloc(1, 64));
	attack(cfg_all, with_sig(si, zero, 64), "signature",
	       "ES256 r = 0, s = 0");
	buf = keep(malloc(64));
	memset(buf, 0, 32);
	memcpy(buf + 32, sig + 32, 32);
	attack(cfg_all, with_sig(si, buf, 64), "signature",
	       "ES256 r = 0, s from a valid signature");
	buf = keep(malloc(64));
	memcpy(buf, sig, 32);
	memset(buf + 32, 0, 32);
	attack(cfg_all, with_sig(si, buf, 64), "signature",
	       "ES256 s = 0, r from a valid signature");
	attack(cfg_all, with_sig(si, sig, 63), "signature",
	       "ES256 signature of 63 bytes");
	buf = keep(malloc(66));
	buf[0] = 0;
	memcpy(buf + 1, sig, 32);
	buf[33] = 0;
	memcpy(buf + 34, sig + 32, 32);
	attack(cfg_all, with_sig(si, buf, 66), "signature",
	       "ES256 R and S each with a leading zero (66 bytes)");
	buf = keep(malloc(64));
	memcpy(buf, sig + 32, 32);
	memcpy(buf + 32, sig, 32);
	attack(cfg_all, with_sig(si, buf, 64), "signature",
	       "ES256 R and S swapped");
	sig2 = raw_sig(ec384, "ES384", si, &n2);
	attack(cfg_all, with_sig(si, sig2, n2), "signature",
	       "ES384 signature (96 bytes) under an ES256 header");
	si = signing_input(hdr("ES384", "ec2"), pl);
	sig = raw_sig(ec384, "ES384", si, &n);
	attack(cfg_all, with_sig(si, sig, 64), "signature",
	       "ES384 signature cut to 64 bytes");

	/* EdDSA */
	si = signing_input(hdr("EdDSA", "ed1"), pl);
	sig = raw_sig(ed, "EdDSA", si, &n);
	buf = keep(malloc(n));
	memcpy(buf, sig, n);
	buf[3] ^= 0x04;
	attack(cfg_all, with_sig(si, buf, n), "signature",
	       "bit-flipped EdDSA signature");
	attack(cfg_all, with_sig(si, sig, n - 1), "signature",
	       "EdDSA signature of 63 bytes");
	/* S >= L (the group order): S + L is the classic malleable form */
	buf = keep(malloc(n));
	memcpy(buf, sig, n);
	{
		static const unsigned char L[32] = {
			0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58,
			0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14,
			0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 0, 0, 0, 0, 0x10
		};
		unsigned int carry = 0, i, t;

		for (i = 0; i < 32; i++) {
			t = buf[32 + i] + L[i] + carry;
			buf[32 + i] = (unsigned char)t;
			carry = t >> 8;
		}
	}
	attack(cfg_all, with_sig(si, buf, n), "signature",
	       "EdDSA malleated signature (S + L)");
}

static void
attacks_encoding(void)
{
	char *pl, *tok, *h, *p, *s, *x, *h64, *p64;
	size_t i, len;
	json_t *c;

	/* payload whose encoding holds '-' and '_' */
	c = claims();
	json_object_set_new(c, "note", json_string("??????~~~~~~??????"));
	pl = dump(c);
	tok = sign(rsa1, "RS256", hdr("RS256", "rsa1"), pl);
	accept_tok(cfg_rs, tok, "token whose payload encoding has - and _");
	split3(tok, &h, &p, &s);

	x = xstrdup(p);
	ok(strchr(x, '-') != NULL && strchr(x, '_') != NULL,
	   "setup: the payload encoding holds '-' and '_'");
	*strchr(x, '-') = '+';
	attack(cfg_rs, sign_b64(rsa1, "RS256", h, x), "malformed",
	       "'+' for '-' in the payload (signed over)");
	x = xstrdup(p);
	*strchr(x, '_') = '/';
	attack(cfg_rs, sign_b64(rsa1, "RS256", h, x), "malformed",
	       "'/' for '_' in the payload (signed over)");

	/* padding */
	h64 = b64s(hdr("RS256", "rsa1"));
	len = strlen(h64);
	x = keep(calloc(1, len + 4));
	memcpy(x, h64, len);
	while (len % 4)
		x[len++] = '=';
	attack(cfg_rs, sign_b64(rsa1, "RS256", x, p), "malformed",
	       "header with '=' padding");
	x = kfmt("%s=", p);
	attack(cfg_rs, sign_b64(rsa1, "RS256", h, x), "malformed",
	       "payload with a trailing '='");
	attack(cfg_rs, kfmt("%s.%s.%s==", h, p, s), "malformed",
	       "signature with '==' padding");

	/* whitespace inside */
	x = xstrdup(p);
	len = strlen(x) / 2;
	attack(cfg_rs, sign_b64(rsa1, "RS256", h,
				kfmt("%.*s %s", (int)len, x, x + len)),
	       "malformed", "space inside the payload (signed over)");
	attack(cfg_rs, sign_b64(rsa1, "RS256", h,
				kfmt("%.*s\n%s", (int)len, x, x + len)),
	       "malformed", "newline inside the payload (signed over)");
	attack(cfg_rs, sign_b64(rsa1, "RS256", h,
				kfmt("%.*s\r\n%s", (int)len, x, x + len)),
	       "malformed", "CRLF inside the payload (signed over)");
	attack(cfg_rs, kfmt("%s.%s.%.*s\t%s", h, p, (int)(strlen(s) / 2), s,
			    s + strlen(s) / 2), "malformed",
	       "tab inside the signature");

	/* length mod 4 == 1 */
	x = xstrdup(p);
	len = strlen(x);
	x = kfmt("%s%.*s", x, (int)((5 - len % 4) % 4), "AAAA");
	ok(strlen(x) % 4 == 1, "setup: payload of length 1 mod 4");
	attack(cfg_rs, sign_b64(rsa1, "RS256", h, x), "malformed",
	       "payload of length 1 mod 4 (signed over)");
	x = kfmt("%s%.*s", s, (int)((5 - strlen(s) % 4) % 4), "AAAA");
	ok(strlen(x) % 4 == 1, "setup: signature of length 1 mod 4");
	attack(cfg_rs, kfmt("%s.%s.%s", h, p, x), "malformed",
	       "signature of length 1 mod 4");

	/* non-zero unused bits, signed over the dirty encoding */
	ok(strlen(h) % 4 >= 2, "setup: header has unused bits");
	attack(cfg_rs, sign_b64(rsa1, "RS256", dirty_tail(h), p), "malformed",
	       "header with non-zero trailing bits (signed over)");
	for (i = 0; i < 3; i++) {
		c = claims();
		json_object_set_new(c, "pad", json_string(&"xxx"[i]));
		pl = dump(c);
		p64 = b64s(pl);
		if (strlen(p64) % 4 >= 2)
			break;
	}
	attack(cfg_rs, sign_b64(rsa1, "RS256", h, dirty_tail(p64)),
	       "malformed", "payload with non-zero trailing bits (signed over)");
	attack(cfg_rs, kfmt("%s.%s.%s", h, p, dirty_tail(s)), "malformed",
	       "signature with non-zero trailing bits");

	/* segments */
	attack(cfg_rs, kfmt("%s.%s", h, p), "malformed", "2 segments");
	attack(cfg_rs, kfmt("%s.%s.%s.%s", h, p, s, s), "malformed",
	       "4 segments");
	attack(cfg_rs, kfmt("%s.%s.%s.", h, p, s), "malformed",
	       "trailing dot (4 segments)");
	attack(cfg_rs, kfmt("%s.%s.%s.%s.%s",
			    b64s("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}"),
			    "AAAA", "BBBB", p, "CCCC"), "malformed",
	       "5 segments (JWE)");
	attack(cfg_rs, "", "malformed", "empty token");
	attack(cfg_rs, ".", "malformed", "a lone dot");
	attack(cfg_rs, "..", "malformed", "two dots");
	attack(cfg_rs, kfmt(".%s.%s", p, s), "malformed", "empty header");
	attack(cfg_rs, "Bearer", "malformed", "one word");
	attack(cfg_rs, kfmt("Bearer %s", tok), "malformed",
	       "\"Bearer \" prefix");

	/* size */
	x = sized_token(16385);
	if (x != NULL)
		attack(cfg_rs, x, "malformed",
		       "a signed token of 16 KiB + 1 byte");
	else
		ok(0, "could not build a 16385-byte token");
	x = keep(malloc(1 << 20));
	memset(x, 'A', (1 << 20) - 1);
	x[1000] = '.';
	x[2000] = '.';
	x[(1 << 20) - 1] = '\0';
	attack(cfg_rs, x, "malformed", "1 MiB token");

	/* whitespace and NUL around and in the token */
	attack(cfg_rs, kfmt(" %s", tok), "malformed", "leading space");
	attack(cfg_rs, kfmt("%s ", tok), "malformed", "trailing space");
	attack(cfg_rs, kfmt("%s\n", tok), "malformed", "trailing newline");
	attack(cfg_rs, kfmt("%s\r\n", tok), "malformed", "trailing CRLF");
	attack(cfg_rs, kfmt("\t%s", tok), "malformed", "leading tab");
	x = kfmt("%s", tok);
	len = strlen(x);
	attack_full(cfg_rs, ks, x, len + 1, "malformed",
		    "token with its terminating NUL counted");
	x = kfmt("%s.%s.%s", h, p, s);
	x[strlen(h) + 4] = '\0';
	attack_full(cfg_rs, ks, x, strlen(h) + strlen(p) + strlen(s) + 2,
		    "malformed", "NUL byte inside the payload segment");
}

static void
attacks_json(void)
{
	const char *h = NULL;
	char *pl, *deep;
	size_t i, depth = 3000;
	json_t *c;

	h = hdr("RS256", "rsa1");
	attack(cfg_rs, sign(rsa1, "RS256", "[\"RS256\",\"rsa1\"]", payload()),
	       "malformed", "header a JSON array");
	attack(cfg_rs, sign(rsa1, "RS256", "\"RS256\"", payload()),
	       "malformed", "header a JSON string");
	attack(cfg_rs, sign(rsa1, "RS256", "256", payload()), "malformed",
	       "header a JSON number");
	attack(cfg_rs, sign(rsa1, "RS256", "null", payload()), "malformed",
	       "header JSON null");
	attack(cfg_rs, sign(rsa1, "RS256", "not json", payload()),
	       "malformed", "header not JSON");
	attack(cfg_rs, sign(rsa1, "RS256", h, "[{\"sub\":\"x\"}]"),
	       "malformed", "payload a JSON array (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h, "\"kp_x\""), "malformed",
	       "payload a JSON string (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h, "4"), "malformed",
	       "payload a JSON number (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h, ""), "malformed",
	       "empty payload (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h, "hello"), "malformed",
	       "payload not JSON (validly signed)");

	/* duplicate keys */
	attack(cfg_rs, sign(rsa1, "RS256",
			    "{\"alg\":\"RS256\",\"alg\":\"none\",\"kid\":\"rsa1\"}",
			    payload()), "malformed",
	       "header with alg twice (RS256, then none)");
	attack(cfg_rs, sign(rsa1, "RS256",
			    "{\"alg\":\"RS256\",\"kid\":\"rsa9\",\"kid\":\"rsa1\"}",
			    payload()), "malformed", "header with kid twice");
	pl = payload();
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"sub\":\"kp_attacker\",%s", pl + 1)),
	       "malformed", "payload with sub twice (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"exp\":%lld,%s", (long long)NOW - 3600,
				 pl + 1)), "malformed",
	       "payload with exp twice (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"iss\":\"https://evil.example\",%s",
				 pl + 1)), "malformed",
	       "payload with iss twice (validly signed)");

	/* encodings */
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"nick\":\"a\xff\",%s", pl + 1)),
	       "malformed", "invalid UTF-8 in a claim (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"nick\":\"\xc0\xaf\",%s", pl + 1)),
	       "malformed", "overlong UTF-8 in a claim (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"nick\":\"\xed\xa0\x80\",%s", pl + 1)),
	       "malformed", "UTF-8 surrogate in a claim (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"nick\":\"\\ud800\",%s", pl + 1)),
	       "malformed", "lone surrogate escape (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"nick\":\"kp_x\\u0000root\",%s", pl + 1)),
	       "malformed", "\\u0000 in a claim (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256",
			    "{\"alg\":\"RS256\",\"kid\":\"rsa1\xff\"}",
			    payload()), "malformed", "invalid UTF-8 in kid");
	attack(cfg_rs, sign(rsa1, "RS256", h, kfmt("%sx", pl)), "malformed",
	       "trailing garbage after the payload object (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h, kfmt("%s{}", pl)), "malformed",
	       "two payload objects (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", kfmt("%s,", h), payload()),
	       "malformed", "trailing comma after the header object");
	attack(cfg_rs, sign(rsa1, "RS256", h, kfmt("%.*s", (int)strlen(pl) - 1,
						 pl)), "malformed",
	       "truncated payload JSON (validly signed)");

	/* nesting deep enough to exhaust a recursive parser */
	deep = keep(malloc(2 * depth + 16));
	memcpy(deep, "{\"x\":", 5);
	for (i = 0; i < depth; i++)
		deep[5 + i] = '[';
	for (i = 0; i < depth; i++)
		deep[5 + depth + i] = ']';
	memcpy(deep + 5 + 2 * depth, "}", 2);
	attack(cfg_rs, sign(rsa1, "RS256", h, deep), "malformed",
	       "payload nested 3000 deep (validly signed)");

	/* numbers jansson cannot hold */
	c = claims();
	json_object_del(c, "exp");
	pl = dump(c);
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"exp\":1e400,%s", pl + 1)), "malformed",
	       "exp 1e400 (real overflow)");
	/* An integer beyond int64 is a number, not a malformed payload:
	 * refused in a time claim, ignored elsewhere (references_found). */
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"exp\":99999999999999999999,%s", pl + 1)),
	       "claims", "exp 99999999999999999999 (beyond int64)");
}

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
	kinde_config_t *ed_only = mkcfg("algorithms", "Ed25519", NULL);
	kinde_config_t *user_only = mkcfg("token_types", "user", NULL);
	const char *h = hdr("RS256", "rsa1");
	kinde_keyset_t *ks_ed;
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

	/* alg Ed25519 (RFC 9864), wherever EdDSA is allowed */
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
	size_t i;

	setup();
	controls_accept();
	attacks_alg();
	attacks_header();
	attacks_keys();
	attacks_signature();
	attacks_encoding();
	attacks_json();
	attacks_claims();
	attacks_policy();
	references_found();

	diag("%d attack cases, %d accept controls", attacks, controls);
	ok(attacks >= MIN_ATTACKS, "at least %d attack cases ran (%d)",
	   MIN_ATTACKS, attacks);
	ok(controls >= 20, "accept controls ran (%d)", controls);

	for (i = 0; i < npool; i++)
		free(pool[i]);
	for (i = 0; i < ncfgs; i++)
		kinde_config_free(cfgs[i]);
	kinde_keyset_free(ks);
	kinde_keyset_free(ks_single);
	EVP_PKEY_free(rsa1);
	EVP_PKEY_free(rsa2);
	EVP_PKEY_free(rsa_weak);
	EVP_PKEY_free(ec256);
	EVP_PKEY_free(ec384);
	EVP_PKEY_free(ed);
	return done_testing();
}
