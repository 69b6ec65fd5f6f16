/*
 * jwk.h - one JSON Web Key (RFC 7517) turned into a verification key, with
 * the hygiene rules that keep forged or weak keys out.
 */
#ifndef KINDE_JWK_H
#define KINDE_JWK_H

#include "alg.h"
#include "errrec.h"

#include <jansson.h>
#include <openssl/evp.h>
#include <pthread.h>

#define JWK_RSA_MIN_BITS 2048
#define JWK_RSA_MAX_BITS 16384

/*
 * A verification context prepared once per key and algorithm (digest
 * fetched, padding set) and duplicated for each verification: OpenSSL 3
 * makes the set-up cost more than the hashing of a token.  Filled lazily
 * under the key's lock; freed with the key.
 */
struct verify_tmpl {
	EVP_MD *md;		/* NULL for EdDSA (no pre-hash) */
	EVP_PKEY_CTX *pctx;	/* initialised for verify */
};

struct jwk {
	char *kid;		/* NULL when the key has none */
	enum kty kty;
	int alg;		/* enum jws_alg, or -1 when the key names none */
	char *alg_name;		/* as written in the key, or NULL */
	const char *curve;	/* static "P-256" / "P-384" / "Ed25519" */
	int bits;
	EVP_PKEY *pkey;
	pthread_mutex_t lock;	/* guards tmpl */
	struct verify_tmpl tmpl[ALG__COUNT];
};

/*
 * Builds a key from a JWK object.  Returns 0, or -1 with the reason the key
 * is unusable in why (the caller skips it and warns).
 */
int jwk_parse(const json_t *obj, struct jwk **out, struct errrec *why);
void jwk_free(struct jwk *k);

/* Whether key k can verify algorithm alg (type and curve). */
int jwk_fits_alg(const struct jwk *k, enum jws_alg alg);

#endif
