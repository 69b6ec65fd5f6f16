/*
 * jws.c - compact JWS parsing and verification.
 *
 * Nothing in a header is ever fetched or trusted to name a key: jwk, jku,
 * x5u and x5c are refused outright, crit and b64 (which change how the
 * token must be read) too.  The algorithm comes from the header but must be
 * on the allowlist and must match the chosen key.
 */
#include "kinde-build.h"

#include "jws.h"
#include "b64url.h"
#include "verdict.h"

#include <pthread.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

/* Header parameters that would pull a key or a URL in from the token. */
static const char *const key_params[] = { "jwk", "jku", "x5u", "x5c" };
/* Header parameters that change the meaning of the token. */
static const char *const unsupported_params[] = { "crit", "b64", "enc",
						  "zip" };

static int
fail_b64(kinde_verdict_t *v, const char *part, size_t bad, size_t len)
{
	if (bad < len)
		verdict_fail(v, "format", KINDE_R_MALFORMED,
			     "%s is not base64url: bad character at offset %zu",
			     part, bad);
	else
		verdict_fail(v, "format", KINDE_R_MALFORMED,
			     "%s is not strict base64url: bad length or padding bits",
			     part);
	return -1;
}

static int
check_typ(const json_t *typ, kinde_verdict_t *v)
{
	static const char *const ok[] = { "JWT", "at+jwt",
					  "application/at+jwt" };
	char esc[64];
	size_t i;

	if (typ == NULL)
		return 0;
	if (json_is_string(typ)) {
		for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
			if (strcasecmp(json_string_value(typ), ok[i]) == 0)
				return 0;
		kinde_escape(json_string_value(typ), esc, sizeof(esc));
	} else {
		kinde_fmt(esc, sizeof(esc), "(not a string)");
	}
	verdict_fail(v, "header", KINDE_R_HEADER,
		     "typ \"%s\" is not an access token type (JWT, at+jwt)",
		     esc);
	return -1;
}

static int
check_alg(struct jws *j, unsigned algs, kinde_verdict_t *v)
{
	const json_t *a = json_object_get(j->header, "alg");
	const char *name;
	char esc[64], allowed[128];
	int alg;

	if (!json_is_string(a)) {
		verdict_fail(v, "alg", KINDE_R_ALG,
			     "header has no alg string");
		return -1;
	}
	name = json_string_value(a);
	kinde_escape(name, esc, sizeof(esc));
	if (strcasecmp(name, "none") == 0) {
		verdict_fail(v, "alg", KINDE_R_ALG,
			     "alg \"%s\" (an unsigned token) is never accepted",
			     esc);
		return -1;
	}
	if (strncasecmp(name, "HS", 2) == 0) {
		verdict_fail(v, "alg", KINDE_R_ALG,
			     "symmetric alg \"%s\" is never accepted: anyone holding the key set could forge it",
			     esc);
		return -1;
	}
	alg = alg_from_name(name);
	if (alg < 0) {
		verdict_fail(v, "alg", KINDE_R_ALG, "unsupported alg \"%s\"",
			     esc);
		return -1;
	}
	if (!(algs & ALG_BIT(alg))) {
		alg_format_set(algs, allowed, sizeof(allowed));
		verdict_fail(v, "alg", KINDE_R_ALG,
			     "alg %s is not allowed (allowed: %s)", esc, allowed);
		return -1;
	}
	j->alg = (enum jws_alg)alg;
	verdict_pass(v, "alg", "%s (allowed)", esc);
	return 0;
}

static int
check_header(struct jws *j, unsigned algs, kinde_verdict_t *v)
{
	const json_t *kid;
	size_t i;

	if (check_alg(j, algs, v) != 0)
		return -1;
	for (i = 0; i < sizeof(key_params) / sizeof(key_params[0]); i++) {
		if (json_object_get(j->header, key_params[i]) != NULL) {
			verdict_fail(v, "header", KINDE_R_HEADER,
				     "header parameter \"%s\" names a key or URL; keys come only from the configured key set",
				     key_params[i]);
			return -1;
		}
	}
	for (i = 0; i < sizeof(unsupported_params) /
			sizeof(unsupported_params[0]); i++) {
		if (json_object_get(j->header, unsupported_params[i]) != NULL) {
			verdict_fail(v, "header", KINDE_R_HEADER,
				     "header parameter \"%s\" is not supported",
				     unsupported_params[i]);
			return -1;
		}
	}
	if (check_typ(json_object_get(j->header, "typ"), v) != 0)
		return -1;
	kid = json_object_get(j->header, "kid");
	if (kid != NULL && !json_is_string(kid)) {
		verdict_fail(v, "header", KINDE_R_HEADER,
			     "header kid is not a string");
		return -1;
	}
	j->kid = kid ? json_string_value(kid) : NULL;
	verdict_pass(v, "header", "no forbidden parameters");
	return 0;
}

json_t *
jws_json_load(const void *buf, size_t len, json_error_t *err)
{
	json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, err);

	if (doc == NULL && json_error_code(err) == json_error_numeric_overflow)
		doc = json_loadb(buf, len,
				 JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL,
				 err);
	return doc;
}

int
jws_parse(struct jws *j, const char *token, size_t len, unsigned algs,
	  kinde_verdict_t *v)
{
	const char *dot1, *dot2, *p;
	unsigned char *hbuf;
	size_t hlen, plen, slen, n, bad;
	json_error_t jerr;
	unsigned dots = 0;

	memset(j, 0, sizeof(*j));
	j->token = token;
	if (len == 0) {
		verdict_fail(v, "format", KINDE_R_MALFORMED, "token is empty");
		return -1;
	}
	if (len > JWS_MAX_TOKEN) {
		verdict_fail(v, "format", KINDE_R_MALFORMED,
			     "token is %zu bytes; the limit is %d", len,
			     JWS_MAX_TOKEN);
		return -1;
	}
	for (p = token; p < token + len; p++)
		dots += *p == '.';
	if (dots != 2) {
		verdict_fail(v, "format", KINDE_R_MALFORMED,
			     dots == 4 ?
			     "an encrypted token (JWE, 5 segments); access tokens are signed JWS (3 segments)" :
			     "not a JWT: %u segment%s; a JWT has 3 separated by dots",
			     dots + 1, dots ? "s" : "");
		return -1;
	}
	dot1 = memchr(token, '.', len);
	dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - token));
	hlen = (size_t)(dot1 - token);
	plen = (size_t)(dot2 - dot1 - 1);
	slen = len - (size_t)(dot2 + 1 - token);
	j->signing_len = (size_t)(dot2 - token);

	/* One buffer for header, payload and signature: one allocation. */
	j->buf = malloc(B64URL_DECODED_MAX(hlen) + B64URL_DECODED_MAX(plen) +
			B64URL_DECODED_MAX(slen));
	if (j->buf == NULL) {
		verdict_fail(v, "format", KINDE_R_MALFORMED, "out of memory");
		return -1;
	}
	hbuf = j->buf;
	if (hlen == 0) {
		verdict_fail(v, "format", KINDE_R_MALFORMED, "header is empty");
		return -1;
	}
	if (b64url_decode(token, hlen, hbuf, &n, &bad) != 0)
		return fail_b64(v, "header", bad, hlen);
	j->header = jws_json_load(hbuf, n, &jerr);
	if (j->header == NULL) {
		verdict_fail(v, "format", KINDE_R_MALFORMED,
			     "header is not valid JSON: %s", jerr.text);
		return -1;
	}
	if (!json_is_object(j->header)) {
		verdict_fail(v, "format", KINDE_R_MALFORMED,
			     "header is not a JSON object");
		return -1;
	}
	verdict_pass(v, "format", "compact JWS, %zu bytes", len);
	/* algs == 0: decode only (kinde-auth decode), no rules applied. */
	if (algs != 0 && check_header(j, algs, v) != 0)
		return -1;
	if (algs == 0) {
		const json_t *kid = json_object_get(j->header, "kid");

		j->kid = json_is_string(kid) ? json_string_value(kid) : NULL;
	}

	j->payload = hbuf + B64URL_DECODED_MAX(hlen);
	if (b64url_decode(dot1 + 1, plen, (unsigned char *)j->payload,
			  &j->payload_len, &bad) != 0)
		return fail_b64(v, "payload", bad, plen);
	j->sig = j->payload + B64URL_DECODED_MAX(plen);
	if (slen == 0 && algs != 0) {
		verdict_fail(v, "format", KINDE_R_MALFORMED,
			     "signature is empty");
		return -1;
	}
	if (b64url_decode(dot2 + 1, slen, (unsigned char *)j->sig,
			  &j->sig_len, &bad) != 0)
		return fail_b64(v, "signature", bad, slen);
	return 0;
}

/* Raw R||S (JWS) to the DER SEQUENCE OpenSSL verifies.  Caller frees. */
static unsigned char *
ecdsa_raw_to_der(const unsigned char *sig, size_t coord, int *derlen)
{
	ECDSA_SIG *es = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, (int)coord, NULL);
	BIGNUM *s = BN_bin2bn(sig + coord, (int)coord, NULL);
	unsigned char *der = NULL;

	if (es == NULL || r == NULL || s == NULL ||
	    !ECDSA_SIG_set0(es, r, s)) {
		BN_free(r);
		BN_free(s);
		ECDSA_SIG_free(es);
		return NULL;
	}
	*derlen = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_free(es);
	if (*derlen <= 0) {
		OPENSSL_free(der);
		return NULL;
	}
	return der;
}

/*
 * The prepared context of key k for alg, made on first use.  The key is
 * otherwise immutable; its templates are a cache, hence the cast.
 */
static const struct verify_tmpl *
tmpl_get(const struct jwk *key, enum jws_alg alg)
{
	struct jwk *k = (struct jwk *)key;
	const struct alg_desc *d = alg_desc(alg);
	struct verify_tmpl *t = &k->tmpl[alg], made = { NULL, NULL };

	pthread_mutex_lock(&k->lock);
	if (t->pctx != NULL)
		goto out;
	made.md = EVP_MD_fetch(NULL, d->digest, NULL);
	made.pctx = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	if (made.md == NULL || made.pctx == NULL ||
	    EVP_PKEY_verify_init(made.pctx) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(made.pctx, made.md) != 1 ||
	    (d->pss &&
	     (EVP_PKEY_CTX_set_rsa_padding(made.pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	      EVP_PKEY_CTX_set_rsa_pss_saltlen(made.pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
	      EVP_PKEY_CTX_set_rsa_mgf1_md(made.pctx, made.md) != 1))) {
		EVP_PKEY_CTX_free(made.pctx);
		EVP_MD_free(made.md);
		pthread_mutex_unlock(&k->lock);
		return NULL;
	}
	*t = made;
out:
	pthread_mutex_unlock(&k->lock);
	return t;
}

/* EdDSA signs the message itself: no digest, no template. */
static int
verify_eddsa(const struct jwk *k, const unsigned char *msg, size_t msglen,
	     const unsigned char *sig, size_t siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL &&
		 EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
		 EVP_DigestVerify(ctx, sig, siglen, msg, msglen) == 1;

	EVP_MD_CTX_free(ctx);
	return ok;
}

/* RSA and ECDSA: hash, then verify with a copy of the key's template. */
static int
verify_hashed(const struct jwk *k, enum jws_alg alg, const unsigned char *msg,
	      size_t msglen, const unsigned char *sig, size_t siglen)
{
	const struct verify_tmpl *t = tmpl_get(k, alg);
	unsigned char dg[EVP_MAX_MD_SIZE];
	unsigned int dglen = 0;
	EVP_PKEY_CTX *ctx;
	int ok;

	if (t == NULL || EVP_Digest(msg, msglen, dg, &dglen, t->md, NULL) != 1)
		return 0;
	ctx = EVP_PKEY_CTX_dup(t->pctx);
	ok = ctx != NULL && EVP_PKEY_verify(ctx, sig, siglen, dg, dglen) == 1;
	EVP_PKEY_CTX_free(ctx);
	return ok;
}

int
jws_verify_raw(const struct jwk *k, enum jws_alg alg,
	       const unsigned char *msg, size_t msglen,
	       const unsigned char *sig, size_t siglen, kinde_verdict_t *v)
{
	const struct alg_desc *d = alg_desc(alg);
	unsigned char *der = NULL;
	size_t want;
	int derlen = 0, ok = 0;

	switch (d->kty) {
	case KTY_RSA:
		want = (size_t)EVP_PKEY_get_size(k->pkey);
		break;
	case KTY_EC:
	case KTY_OKP:
		want = 2 * d->coord_len;
		break;
	default:
		want = 0;
	}
	if (siglen != want) {
		verdict_fail(v, "signature", KINDE_R_SIGNATURE,
			     "signature is %zu bytes; %s with this key needs %zu",
			     siglen, d->name, want);
		return -1;
	}
	if (d->kty == KTY_OKP) {
		ok = verify_eddsa(k, msg, msglen, sig, siglen);
	} else if (d->kty == KTY_EC) {
		der = ecdsa_raw_to_der(sig, d->coord_len, &derlen);
		ok = der != NULL &&
		     verify_hashed(k, alg, msg, msglen, der, (size_t)derlen);
	} else {
		ok = verify_hashed(k, alg, msg, msglen, sig, siglen);
	}
	OPENSSL_free(der);
	if (!ok) {
		char esc[128];

		/* Leave no stale errors behind in a long-lived process. */
		ERR_clear_error();
		kinde_escape(k->kid ? k->kid : "(no kid)", esc, sizeof(esc));
		verdict_fail(v, "signature", KINDE_R_SIGNATURE,
			     "%s signature does not verify with key \"%s\"",
			     d->name, esc);
		return -1;
	}
	verdict_pass(v, "signature", "%s signature valid", d->name);
	return 0;
}

int
jws_verify(const struct jws *j, const struct jwk *k, kinde_verdict_t *v)
{
	return jws_verify_raw(k, j->alg, (const unsigned char *)j->token,
			      j->signing_len, j->sig, j->sig_len, v);
}

void
jws_release(struct jws *j)
{
	json_decref(j->header);
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

kinde_err_t
kinde_token_decode(const char *token, size_t len, struct json_t **header,
		   struct json_t **claims, kinde_verdict_t *v)
{
	json_error_t jerr;
	struct jws j;
	kinde_err_t rc = KINDE_E_REJECTED;

	*header = *claims = NULL;
	kinde_verdict_reset(v);
	if (jws_parse(&j, token, len, 0, v) != 0)
		goto out;
	*claims = jws_json_load(j.payload, j.payload_len, &jerr);
	if (*claims == NULL || !json_is_object(*claims)) {
		verdict_fail(v, "payload", KINDE_R_MALFORMED,
			     *claims ? "payload is not a JSON object" :
			     "payload is not valid JSON: %s", jerr.text);
		json_decref(*claims);
		*claims = NULL;
		goto out;
	}
	*header = json_incref(j.header);
	rc = KINDE_OK;
out:
	jws_release(&j);
	return rc;
}
