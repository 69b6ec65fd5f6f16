/*
 * jwk.c - JWK parsing and key import.
 *
 * Rules (each a known attack or misconfiguration):
 *  - only RSA, EC (P-256, P-384) and OKP (Ed25519) public keys; symmetric
 *    keys in a public set would let anyone holding the set forge tokens;
 *  - private members (d, p, q, ...) mean the set leaked a private key;
 *  - use, when present, is "sig"; key_ops, when present, holds "verify";
 *  - alg, when present, is a known algorithm that fits the key;
 *  - RSA: n >= 2048 bits, e odd and >= 65537 (OpenSSL would verify a
 *    signature forged under e = 1);
 *  - EC: coordinates of the curve's exact length, point on the curve.
 */
#include "kinde-build.h"

#include "jwk.h"
#include "b64url.h"
#include "util.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

/* Decoded sizes above this are refused before any allocation. */
#define JWK_MAX_MEMBER 4096

static const char *const private_members[] = {
	"d", "p", "q", "dp", "dq", "qi", "oth", "k",
};

/* A value from the key set, escaped for a message that will be logged. */
static const char *
shown(const char *s, char *buf, size_t len)
{
	kinde_escape(s, buf, len);
	return buf;
}

static const char *
str_member(const json_t *obj, const char *name, int *bad)
{
	const json_t *j = json_object_get(obj, name);

	if (j == NULL)
		return NULL;
	if (!json_is_string(j)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(j);
}

/* Decodes a base64url member.  Caller frees *out. */
static int
b64_member(const json_t *obj, const char *name, unsigned char **out,
	   size_t *outlen, struct errrec *why)
{
	const json_t *j = json_object_get(obj, name);
	const char *s;
	size_t len;

	if (!json_is_string(j)) {
		errrec_write(why, "member \"%s\" missing or not a string",
			     name);
		return -1;
	}
	s = json_string_value(j);
	len = json_string_length(j);
	if (len == 0 || len > JWK_MAX_MEMBER) {
		errrec_write(why, "member \"%s\" has a bad length", name);
		return -1;
	}
	*out = malloc(B64URL_DECODED_MAX(len));
	if (*out == NULL) {
		errrec_write(why, "out of memory");
		return -1;
	}
	if (b64url_decode(s, len, *out, outlen, NULL) != 0) {
		errrec_write(why, "member \"%s\" is not strict base64url",
			     name);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int
check_usage(const json_t *obj, struct errrec *why)
{
	const json_t *ops, *op;
	const char *use;
	char e[64];
	int bad = 0;
	size_t i;

	use = str_member(obj, "use", &bad);
	if (bad || (use != NULL && strcmp(use, "sig") != 0)) {
		errrec_write(why, "\"use\" is %s, not \"sig\"",
			     use ? shown(use, e, sizeof(e)) : "not a string");
		return -1;
	}
	ops = json_object_get(obj, "key_ops");
	if (ops != NULL) {
		if (!json_is_array(ops)) {
			errrec_write(why, "\"key_ops\" is not an array");
			return -1;
		}
		json_array_foreach(ops, i, op) {
			if (json_is_string(op) &&
			    strcmp(json_string_value(op), "verify") == 0)
				return 0;
		}
		errrec_write(why, "\"key_ops\" does not allow \"verify\"");
		return -1;
	}
	return 0;
}

static EVP_PKEY *
pkey_fromdata(const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = OSSL_PARAM_BLD_to_param(bld);
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (params == NULL)
		return NULL;
	ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL);
	if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		pkey = NULL;
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return pkey;
}

/*
 * ROCA (CVE-2017-15361): moduli made by a flawed Infineon library, whose
 * private keys can be recovered.  Their fingerprint: for each small prime
 * p, n mod p is a power of 65537 mod p.  A random modulus fails this for
 * some p almost surely (the test of the ROCA authors' detector).
 */
static bool
roca_fingerprint(const BIGNUM *n)
{
	static const unsigned primes[] = {
		3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59,
		61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113, 127,
		131, 137, 139, 149, 151, 157, 163, 167,
	};
	unsigned long r, x, g;
	size_t i;
	bool found;

	for (i = 0; i < KINDE_ARRAY_SIZE(primes); i++) {
		r = BN_mod_word(n, primes[i]);
		g = 65537UL % primes[i];
		x = 1;
		found = false;
		do {
			if (x == r) {
				found = true;
				break;
			}
			x = x * g % primes[i];
		} while (x != 1);
		if (!found)
			return false;
	}
	return true;
}

static int
import_rsa(const json_t *obj, struct jwk *k, struct errrec *why)
{
	unsigned char *n = NULL, *e = NULL;
	size_t nlen, elen;
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	int rc = -1;

	if (b64_member(obj, "n", &n, &nlen, why) ||
	    b64_member(obj, "e", &e, &elen, why))
		goto out;
	bn_n = BN_bin2bn(n, (int)nlen, NULL);
	bn_e = BN_bin2bn(e, (int)elen, NULL);
	if (bn_n == NULL || bn_e == NULL) {
		errrec_write(why, "out of memory");
		goto out;
	}
	k->bits = BN_num_bits(bn_n);
	if (k->bits < JWK_RSA_MIN_BITS) {
		errrec_write(why, "RSA modulus of %d bits (minimum %d)",
			     k->bits, JWK_RSA_MIN_BITS);
		goto out;
	}
	if (k->bits > JWK_RSA_MAX_BITS) {
		errrec_write(why, "RSA modulus of %d bits (maximum %d)",
			     k->bits, JWK_RSA_MAX_BITS);
		goto out;
	}
	if (roca_fingerprint(bn_n)) {
		errrec_write(why,
			     "RSA modulus has the ROCA weakness (CVE-2017-15361): its private key can be recovered");
		goto out;
	}
	if (!BN_is_odd(bn_n)) {
		errrec_write(why, "RSA modulus is even");
		goto out;
	}
	if (!BN_is_odd(bn_e) || BN_num_bits(bn_e) < 17 ||
	    BN_cmp(bn_e, bn_n) >= 0) {
		errrec_write(why, "RSA exponent must be odd, >= 65537 and < n");
		goto out;
	}
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e)) {
		errrec_write(why, "out of memory");
		goto out;
	}
	k->pkey = pkey_fromdata("RSA", bld);
	if (k->pkey == NULL) {
		errrec_write(why, "OpenSSL refused the RSA key");
		goto out;
	}
	rc = 0;
out:
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_n);
	BN_free(bn_e);
	free(n);
	free(e);
	return rc;
}

static int
import_ec(const json_t *obj, struct jwk *k, const char *crv,
	  struct errrec *why)
{
	unsigned char *x = NULL, *y = NULL, point[1 + 2 * 66];
	size_t xlen, ylen, clen;
	char e[64];
	const char *group;
	OSSL_PARAM_BLD *bld = NULL;
	EVP_PKEY_CTX *chk = NULL;
	int rc = -1;

	if (strcmp(crv, "P-256") == 0) {
		group = "prime256v1";
		clen = 32;
		k->curve = "P-256";
	} else if (strcmp(crv, "P-384") == 0) {
		group = "secp384r1";
		clen = 48;
		k->curve = "P-384";
	} else {
		errrec_write(why, "unsupported EC curve \"%s\"",
			     shown(crv, e, sizeof(e)));
		return -1;
	}
	if (b64_member(obj, "x", &x, &xlen, why) ||
	    b64_member(obj, "y", &y, &ylen, why))
		goto out;
	if (xlen != clen || ylen != clen) {
		errrec_write(why,
			     "EC coordinates must be %zu bytes for %s", clen,
			     k->curve);
		goto out;
	}
	point[0] = 0x04;	/* uncompressed */
	memcpy(point + 1, x, clen);
	memcpy(point + 1 + clen, y, clen);
	bld = OSSL_PARAM_BLD_new();
	if (bld == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
					     group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
					      point, 1 + 2 * clen)) {
		errrec_write(why, "out of memory");
		goto out;
	}
	k->pkey = pkey_fromdata("EC", bld);
	if (k->pkey == NULL) {
		errrec_write(why, "EC point is not on curve %s", k->curve);
		goto out;
	}
	/* Belt and braces: the import checks the point, this says so. */
	chk = EVP_PKEY_CTX_new_from_pkey(NULL, k->pkey, NULL);
	if (chk == NULL || EVP_PKEY_public_check(chk) != 1) {
		errrec_write(why, "EC point is not on curve %s", k->curve);
		goto out;
	}
	k->bits = (int)clen * 8;
	rc = 0;
out:
	EVP_PKEY_CTX_free(chk);
	OSSL_PARAM_BLD_free(bld);
	free(x);
	free(y);
	return rc;
}

static int
import_okp(const json_t *obj, struct jwk *k, const char *crv,
	   struct errrec *why)
{
	unsigned char *x = NULL;
	size_t xlen;
	char e[64];
	int rc = -1;

	if (strcmp(crv, "Ed25519") != 0) {
		errrec_write(why, "unsupported OKP curve \"%s\"",
			     shown(crv, e, sizeof(e)));
		return -1;
	}
	k->curve = "Ed25519";
	if (b64_member(obj, "x", &x, &xlen, why))
		return -1;
	if (xlen != 32) {
		errrec_write(why, "Ed25519 key must be 32 bytes");
		goto out;
	}
	k->pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, xlen);
	if (k->pkey == NULL) {
		errrec_write(why, "OpenSSL refused the Ed25519 key");
		goto out;
	}
	k->bits = 256;
	rc = 0;
out:
	free(x);
	return rc;
}

int
jwk_fits_alg(const struct jwk *k, enum jws_alg alg)
{
	const struct alg_desc *d = alg_desc(alg);

	if (d->kty != k->kty)
		return 0;
	if (d->curve != NULL && (k->curve == NULL ||
				 strcmp(d->curve, k->curve) != 0))
		return 0;
	return 1;
}

int
jwk_parse(const json_t *obj, struct jwk **out, struct errrec *why)
{
	const char *kty, *kid, *alg, *crv;
	char e[64], e2[64];
	struct jwk *k;
	int bad = 0, rc = -1;
	size_t i;

	*out = NULL;
	if (!json_is_object(obj)) {
		errrec_write(why, "not a JSON object");
		return -1;
	}
	kty = str_member(obj, "kty", &bad);
	kid = str_member(obj, "kid", &bad);
	alg = str_member(obj, "alg", &bad);
	crv = str_member(obj, "crv", &bad);
	if (bad) {
		errrec_write(why, "kty, kid, alg or crv is not a string");
		return -1;
	}
	if (kty == NULL) {
		errrec_write(why, "no \"kty\"");
		return -1;
	}
	for (i = 0; i < KINDE_ARRAY_SIZE(private_members); i++) {
		if (json_object_get(obj, private_members[i]) != NULL) {
			errrec_write(why, strcmp(kty, "oct") == 0 ?
				     "symmetric key (kty \"oct\") in a public key set" :
				     "private key material (\"%s\") in a public key set",
				     private_members[i]);
			return -1;
		}
	}
	if (check_usage(obj, why) != 0)
		return -1;

	k = calloc(1, sizeof(*k));
	if (k == NULL) {
		errrec_write(why, "out of memory");
		return -1;
	}
	k->alg = -1;
	pthread_mutex_init(&k->lock, NULL);
	if (kid != NULL && (k->kid = strdup(kid)) == NULL)
		goto nomem;
	if (alg != NULL) {
		if ((k->alg_name = strdup(alg)) == NULL)
			goto nomem;
		k->alg = alg_from_name(alg);
		if (k->alg < 0) {
			errrec_write(why, "unsupported key alg \"%s\"",
				     shown(alg, e, sizeof(e)));
			goto out;
		}
	}
	if (strcmp(kty, "RSA") == 0) {
		k->kty = KTY_RSA;
		rc = import_rsa(obj, k, why);
	} else if (strcmp(kty, "EC") == 0) {
		k->kty = KTY_EC;
		rc = crv ? import_ec(obj, k, crv, why) : -1;
		if (crv == NULL)
			errrec_write(why, "EC key without \"crv\"");
	} else if (strcmp(kty, "OKP") == 0) {
		k->kty = KTY_OKP;
		rc = crv ? import_okp(obj, k, crv, why) : -1;
		if (crv == NULL)
			errrec_write(why, "OKP key without \"crv\"");
	} else {
		errrec_write(why, "unsupported key type \"%s\"",
			     shown(kty, e, sizeof(e)));
	}
	if (rc == 0 && k->alg >= 0 && !jwk_fits_alg(k, (enum jws_alg)k->alg)) {
		errrec_write(why, "key alg %s does not fit a %s key",
			     shown(alg, e, sizeof(e)),
			     shown(kty, e2, sizeof(e2)));
		rc = -1;
	}
	goto out;
nomem:
	errrec_write(why, "out of memory");
out:
	if (rc != 0) {
		jwk_free(k);
		return -1;
	}
	*out = k;
	return 0;
}

void
jwk_free(struct jwk *k)
{
	size_t i;

	if (k == NULL)
		return;
	for (i = 0; i < ALG__COUNT; i++) {
		EVP_PKEY_CTX_free(k->tmpl[i].pctx);
		EVP_MD_free(k->tmpl[i].md);
	}
	pthread_mutex_destroy(&k->lock);
	EVP_PKEY_free(k->pkey);
	free(k->kid);
	free(k->alg_name);
	free(k);
}
