/*
 * alg.h - the JWS algorithms this library can verify, and the key types
 * they need.  Symmetric (HS*) algorithms and "none" are deliberately absent:
 * a public key set can never make them safe.
 */
#ifndef KINDE_ALG_H
#define KINDE_ALG_H

#include <stdbool.h>
#include <stddef.h>

enum kty { KTY_RSA = 1, KTY_EC, KTY_OKP };

enum jws_alg {
	ALG_RS256 = 0,
	ALG_RS384,
	ALG_RS512,
	ALG_PS256,
	ALG_PS384,
	ALG_PS512,
	ALG_ES256,
	ALG_ES384,
	ALG_EDDSA,
	ALG_ED25519,	/* RFC 9864's fully specified name: EdDSA on Ed25519 */
	ALG__COUNT
};

#define ALG_BIT(a) (1u << (a))
#define ALG_DEFAULT_SET ALG_BIT(ALG_RS256)

struct alg_desc {
	const char *name;	/* JOSE name, "RS256" */
	enum kty kty;
	const char *digest;	/* OpenSSL digest name; NULL for EdDSA */
	bool pss;
	const char *curve;	/* "P-256", "P-384", "Ed25519" or NULL */
	size_t coord_len;	/* ES*: length of R and S; EdDSA: 32 */
};

const struct alg_desc *alg_desc(enum jws_alg alg);
/* Exact, case-sensitive lookup.  -1 when unknown. */
int alg_from_name(const char *name);
/*
 * Whether a key whose JWK names alg key_alg may verify a token of alg:
 * the same algorithm, or EdDSA and Ed25519 (one algorithm under two names,
 * as this library's EdDSA is Ed25519 only).
 */
bool alg_same(int key_alg, enum jws_alg alg);
/*
 * Parses "RS256, ES256" into a bit mask; -1 and *bad = the offending word.
 * EdDSA brings Ed25519 along (RFC 9864 renamed it); Ed25519 stands alone.
 */
int alg_parse_set(const char *list, unsigned *set, char *bad, size_t badlen);
/* Writes the names of set into buf, comma-separated. */
void alg_format_set(unsigned set, char *buf, size_t buflen);
const char *kty_name(enum kty kty);

#endif
