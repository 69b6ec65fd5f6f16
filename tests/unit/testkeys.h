/*
 * testkeys.h - keys, JWKs and signed tokens made at test time.
 */
#ifndef KINDE_TESTKEYS_H
#define KINDE_TESTKEYS_H

#include <stdint.h>

#include <jansson.h>
#include <openssl/evp.h>

EVP_PKEY *tk_rsa(int bits);
/* A fresh RSA key with a chosen public exponent. */
EVP_PKEY *tk_rsa_e(int bits, unsigned long e);
EVP_PKEY *tk_ec(const char *group);	/* "P-256", "P-384" */
EVP_PKEY *tk_ed25519(void);

/*
 * The public JWK of pk as a new JSON object: kty, n/e or crv/x/y, and kid
 * and alg when not NULL.
 */
json_t *tk_jwk(EVP_PKEY *pk, const char *kid, const char *alg);
/* {"keys":[...]} from NULL-terminated JWK objects (references stolen). */
char *tk_jwks(json_t *first, ...);

/* Signs header.payload (JSON texts) with alg; returns the compact token. */
char *tk_sign(EVP_PKEY *pk, const char *alg, const char *header,
	      const char *payload);
/* Same with already-encoded segments (for malformed-encoding cases). */
char *tk_sign_b64(EVP_PKEY *pk, const char *alg, const char *h64,
		  const char *p64);
/* Raw signature bytes over msg, for algorithms of the table. */
unsigned char *tk_sig(EVP_PKEY *pk, const char *alg, const unsigned char *msg,
		      size_t len, size_t *siglen);

/* A Kinde-shaped user access token payload (caller decrefs). */
json_t *tk_claims(const char *iss, int64_t now);
/* Dumps compactly; caller frees. */
char *tk_dump(const json_t *j);
char *tk_b64(const void *data, size_t len);

#endif
