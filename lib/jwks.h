/*
 * jwks.h - a set of verification keys and the rule for choosing one.
 */
#ifndef KINDE_JWKS_H
#define KINDE_JWKS_H

#include "kinde.h"
#include "jwk.h"

#define JWKS_MAX_SIZE (512 * 1024)
#define JWKS_MAX_KEYS 64

struct kinde_keyset {
	struct jwk **keys;
	size_t n;
	size_t skipped;		/* keys refused while loading */
};

/*
 * Chooses the key for a token: with a kid, the key of that kid (an opaque
 * string compared byte for byte); without one, the set's only key that fits
 * alg.  Then the key must fit alg, and when the key names an alg it must be
 * this one.  Fails with a KINDE_R_KID or KINDE_R_ALG verdict.
 */
const struct jwk *keyset_select(const kinde_keyset_t *ks, const char *kid,
				enum jws_alg alg, kinde_verdict_t *v);

#endif
