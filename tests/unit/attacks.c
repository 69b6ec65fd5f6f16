/*
 * attacks.c - keys, key sets, token builders and the case runners shared
 * by the test_attacks_*.c programs (attacks.h).
 */
#include "kinde-build.h"

#include "attacks.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

EVP_PKEY *rsa1, *rsa2, *rsa_weak, *ec256, *ec384, *ed;
kinde_keyset_t *ks;		/* the main key set */
kinde_keyset_t *ks_single;	/* only rsa1, with alg RS256 */
kinde_config_t *cfg_rs;		/* defaults: RS256 only */
kinde_config_t *cfg_all;	/* every supported algorithm */

int attacks, controls;

/* Everything allocated for a case is kept here and freed at the end. */
static void *pool[4096];
static size_t npool;

void *
keep(void *p)
{
	if (p == NULL || npool == sizeof(pool) / sizeof(pool[0])) {
		fprintf(stderr, "keep: out of pool\n");
		abort();
	}
	pool[npool++] = p;
	return p;
}

char *
xstrdup(const char *s)
{
	return keep(strdup(s));
}

char *
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
kinde_config_t *
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

char last_detail[600];

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

int
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

int
attack(const kinde_config_t *cfg, const char *tok, const char *want,
       const char *what)
{
	return attack_full(cfg, ks, tok, strlen(tok), want, what);
}

void
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

void
accept_tok(const kinde_config_t *cfg, const char *tok, const char *what)
{
	accept_full(cfg, ks, tok, what);
}

/* ------------------------------------------------------------------ */
/* Building tokens */

char *
b64(const void *p, size_t n)
{
	return keep(tk_b64(p, n));
}

char *
b64s(const char *s)
{
	return b64(s, strlen(s));
}

/* {"alg":alg,"kid":kid,"typ":"JWT"}; kid NULL: none. */
char *
hdr(const char *alg, const char *kid)
{
	if (kid == NULL)
		return kfmt("{\"alg\":\"%s\",\"typ\":\"JWT\"}", alg);
	return kfmt("{\"alg\":\"%s\",\"kid\":\"%s\",\"typ\":\"JWT\"}", alg,
		    kid);
}

/* A valid Kinde user token's claims, aud = [AUD]. */
json_t *
claims(void)
{
	json_t *c = tk_claims(ISS, NOW);

	json_object_set_new(c, "aud", json_pack("[s]", AUD));
	return c;
}

char *
dump(json_t *c)
{
	char *s = keep(tk_dump(c));

	json_decref(c);
	return s;
}

char *
payload(void)
{
	return dump(claims());
}

/* The standard claims with name set to val (stolen), or removed (NULL). */
char *
payload_with(const char *name, json_t *val)
{
	json_t *c = claims();

	if (val == NULL)
		json_object_del(c, name);
	else
		json_object_set_new(c, name, val);
	return dump(c);
}

char *
sign(EVP_PKEY *pk, const char *alg, const char *header, const char *pl)
{
	return keep(tk_sign(pk, alg, header, pl));
}

char *
sign_b64(EVP_PKEY *pk, const char *alg, const char *h64, const char *p64)
{
	return keep(tk_sign_b64(pk, alg, h64, p64));
}

/* A token whose claims carry name = val, RS256 by rsa1. */
char *
tok_claim(const char *name, json_t *val)
{
	return sign(rsa1, "RS256", hdr("RS256", "rsa1"),
		    payload_with(name, val));
}

/* "b64(h).b64(p)" */
char *
signing_input(const char *header, const char *pl)
{
	return kfmt("%s.%s", b64s(header), b64s(pl));
}

/* si + "." + b64(sig) */
char *
with_sig(const char *si, const unsigned char *sig, size_t n)
{
	return kfmt("%s.%s", si, b64(sig, n));
}

unsigned char *
raw_sig(EVP_PKEY *pk, const char *alg, const char *si, size_t *n)
{
	return keep(tk_sig(pk, alg, (const unsigned char *)si, strlen(si), n));
}

/* The three segments of a token (kept copies). */
void
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
char *
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

char *
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

/* A kept copy of OpenSSL's DER (freed with OPENSSL_free), n bytes. */
static unsigned char *
keep_der(unsigned char *der, int n, size_t *len)
{
	unsigned char *copy;

	if (n <= 0)
		abort();
	copy = keep(malloc((size_t)n));
	memcpy(copy, der, (size_t)n);
	OPENSSL_free(der);
	*len = (size_t)n;
	return copy;
}

unsigned char *
der_of(EVP_PKEY *pk, size_t *len)
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(pk, &der);

	return keep_der(der, n, len);
}

/* The key-confusion attack: HMAC over the signing input keyed with key. */
char *
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

json_t *
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
unsigned char *
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
int
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
unsigned char *
ecdsa_der(const unsigned char *raw, size_t coord, size_t *len)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(raw, (int)coord, NULL);
	BIGNUM *s = BN_bin2bn(raw + coord, (int)coord, NULL);
	unsigned char *der = NULL;
	int n;

	if (es == NULL || r == NULL || s == NULL || !ECDSA_SIG_set0(es, r, s))
		abort();
	n = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_free(es);
	return keep_der(der, n, len);
}

/* A signed RS256 token (rsa1) of exactly target bytes; NULL if the sizes
 * cannot line up with any header variant. */
char *
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

kinde_keyset_t *
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

void
attacks_setup(void)
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

int
attacks_done(int min_attacks, int min_controls)
{
	size_t i;

	diag("%d attack cases, %d accept controls", attacks, controls);
	ok(attacks >= min_attacks, "at least %d attack cases ran (%d)",
	   min_attacks, attacks);
	ok(controls >= min_controls, "accept controls ran (%d)", controls);

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
