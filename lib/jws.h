/*
 * jws.h - compact JWS: splitting, strict decoding, the header rules, and
 * signature verification.  Knows nothing of claims.
 */
#ifndef KINDE_JWS_H
#define KINDE_JWS_H

#include "kinde.h"
#include "jwk.h"

#include <jansson.h>

#define JWS_MAX_TOKEN (16 * 1024)

struct jws {
	size_t signing_len;	/* "header.payload" */
	json_t *header;		/* owned */
	enum jws_alg alg;
	const char *kid;	/* borrowed from header, or NULL */
	unsigned char *buf;	/* owned: payload then signature */
	const unsigned char *payload;
	size_t payload_len;
	const unsigned char *sig;
	size_t sig_len;
	const char *token;	/* borrowed */
};

/*
 * Splits and decodes token and applies the header rules with the given
 * allowed algorithms.  0 on success; -1 with a verdict otherwise.  Call
 * jws_release afterwards in both cases.
 */
int jws_parse(struct jws *j, const char *token, size_t len, unsigned algs,
	      kinde_verdict_t *v);

/* Verifies j's signature with key k.  0 when valid, -1 with a verdict. */
int jws_verify(const struct jws *j, const struct jwk *k, kinde_verdict_t *v);

/*
 * The signature primitive on its own (test vectors use it): verifies sig
 * over msg with key k for algorithm alg, including the exact signature
 * length rules.  0 when valid.
 */
int jws_verify_raw(const struct jwk *k, enum jws_alg alg,
		   const unsigned char *msg, size_t msglen,
		   const unsigned char *sig, size_t siglen, kinde_verdict_t *v);

void jws_release(struct jws *j);

/*
 * A token's header or payload as JSON: duplicate keys refused.  An
 * integer beyond int64 (a long numeric id in a custom claim) is not an
 * error: such a document is read again with every integer as a real, so
 * a claim the checks read (exp, nbf, iat) is judged as a number and one
 * they do not read does not matter.  A number beyond a double's range
 * stays an error.  NULL with *err on failure; caller decrefs.
 */
json_t *jws_json_load(const void *buf, size_t len, json_error_t *err);

#endif
