/*
 * testkeys.c - test-time keys and tokens.  Independent of lib/ on purpose
 * (only b64url is shared): a bug in the library must not also be in the
 * code that makes its test inputs.
 */
#include "testkeys.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

static void
die(const char *what)
{
	fprintf(stderr, "testkeys: %s failed\n", what);
	abort();
}

char *
tk_b64(const void *data, size_t len)
{
	static const char enc[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *in = data;
	char *out = malloc(len / 3 * 4 + 5);
	size_t i, o = 0;
	unsigned long acc;

	if (out == NULL)
		die("malloc");
	for (i = 0; i + 3 <= len; i += 3) {
		acc = (unsigned long)in[i] << 16 | (unsigned long)in[i + 1] << 8 |
		      in[i + 2];
		out[o++] = enc[acc >> 18];
		out[o++] = enc[(acc >> 12) & 63];
		out[o++] = enc[(acc >> 6) & 63];
		out[o++] = enc[acc & 63];
	}
	if (len - i == 1) {
		out[o++] = enc[in[i] >> 2];
		out[o++] = enc[(in[i] & 3) << 4];
	} else if (len - i == 2) {
		acc = (unsigned long)in[i] << 8 | in[i + 1];
		out[o++] = enc[acc >> 10];
		out[o++] = enc[(acc >> 4) & 63];
		out[o++] = enc[(acc & 15) << 2];
	}
	out[o] = '\0';
	return out;
}

EVP_PKEY *
tk_rsa_e(int bits, unsigned long e)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pk = NULL;
	BIGNUM *bn = BN_new();

	if (ctx == NULL || bn == NULL || !BN_set_word(bn, e) ||
	    EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) <= 0 ||
	    EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, bn) <= 0 ||
	    EVP_PKEY_keygen(ctx, &pk) <= 0)
		die("RSA keygen");
	BN_free(bn);
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

EVP_PKEY *
tk_rsa(int bits)
{
	return tk_rsa_e(bits, 65537);
}

EVP_PKEY *
tk_ec(const char *group)
{
	EVP_PKEY *pk = EVP_EC_gen(strcmp(group, "P-256") == 0 ? "prime256v1" :
				  "secp384r1");

	if (pk == NULL)
		die("EC keygen");
	return pk;
}

EVP_PKEY *
tk_ed25519(void)
{
	EVP_PKEY *pk = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "ED25519", NULL);

	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_keygen(ctx, &pk) <= 0)
		die("Ed25519 keygen");
	EVP_PKEY_CTX_free(ctx);
	return pk;
}

static char *
bn_b64(const EVP_PKEY *pk, const char *param, size_t pad)
{
	BIGNUM *bn = NULL;
	unsigned char buf[1024];
	size_t n;
	char *s;

	if (!EVP_PKEY_get_bn_param(pk, param, &bn))
		die("get_bn_param");
	n = pad ? pad : (size_t)BN_num_bytes(bn);
	if (BN_bn2binpad(bn, buf, (int)n) < 0)
		die("bn2bin");
	s = tk_b64(buf, n);
	BN_free(bn);
	return s;
}

json_t *
tk_jwk(EVP_PKEY *pk, const char *kid, const char *alg)
{
	json_t *j = json_object();
	char *a, *b;

	if (EVP_PKEY_is_a(pk, "RSA")) {
		a = bn_b64(pk, OSSL_PKEY_PARAM_RSA_N, 0);
		b = bn_b64(pk, OSSL_PKEY_PARAM_RSA_E, 0);
		json_object_set_new(j, "kty", json_string("RSA"));
		json_object_set_new(j, "n", json_string(a));
		json_object_set_new(j, "e", json_string(b));
		free(a);
		free(b);
	} else if (EVP_PKEY_is_a(pk, "EC")) {
		char group[32];
		size_t clen;

		EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
					       group, sizeof(group), NULL);
		clen = strcmp(group, "prime256v1") == 0 ? 32 : 48;
		a = bn_b64(pk, OSSL_PKEY_PARAM_EC_PUB_X, clen);
		b = bn_b64(pk, OSSL_PKEY_PARAM_EC_PUB_Y, clen);
		json_object_set_new(j, "kty", json_string("EC"));
		json_object_set_new(j, "crv",
				    json_string(clen == 32 ? "P-256" : "P-384"));
		json_object_set_new(j, "x", json_string(a));
		json_object_set_new(j, "y", json_string(b));
		free(a);
		free(b);
	} else {
		unsigned char raw[32];
		size_t rl = sizeof(raw);

		if (!EVP_PKEY_get_raw_public_key(pk, raw, &rl))
			die("raw public key");
		a = tk_b64(raw, rl);
		json_object_set_new(j, "kty", json_string("OKP"));
		json_object_set_new(j, "crv", json_string("Ed25519"));
		json_object_set_new(j, "x", json_string(a));
		free(a);
	}
	if (kid != NULL)
		json_object_set_new(j, "kid", json_string(kid));
	if (alg != NULL)
		json_object_set_new(j, "alg", json_string(alg));
	return j;
}

char *
tk_jwks(json_t *first, ...)
{
	json_t *set = json_object(), *keys = json_array(), *k;
	va_list ap;
	char *s;

	va_start(ap, first);
	for (k = first; k != NULL; k = va_arg(ap, json_t *))
		json_array_append_new(keys, k);
	va_end(ap);
	json_object_set_new(set, "keys", keys);
	s = json_dumps(set, JSON_COMPACT);
	json_decref(set);
	return s;
}

static const char *
md_of(const char *alg)
{
	if (strcmp(alg + 2, "256") == 0)
		return "SHA256";
	if (strcmp(alg + 2, "384") == 0)
		return "SHA384";
	if (strcmp(alg + 2, "512") == 0)
		return "SHA512";
	return NULL;
}

unsigned char *
tk_sig(EVP_PKEY *pk, const char *alg, const unsigned char *msg, size_t len,
       size_t *siglen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	const char *md = strcmp(alg, "EdDSA") == 0 ||
			 strcmp(alg, "Ed25519") == 0 ? NULL : md_of(alg);
	unsigned char *sig, *raw;
	size_t n = 0;

	if (EVP_DigestSignInit_ex(ctx, &pctx, md, NULL, NULL, pk, NULL) != 1)
		die("DigestSignInit");
	if (alg[0] == 'P' &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	     EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
		die("PSS params");
	if (EVP_DigestSign(ctx, NULL, &n, msg, len) != 1)
		die("DigestSign size");
	sig = malloc(n);
	if (EVP_DigestSign(ctx, sig, &n, msg, len) != 1)
		die("DigestSign");
	EVP_MD_CTX_free(ctx);
	if (alg[0] == 'E' && alg[1] == 'S') {
		/* DER to the raw R||S that JWS uses. */
		const unsigned char *p = sig;
		ECDSA_SIG *es = d2i_ECDSA_SIG(NULL, &p, (long)n);
		size_t clen = strcmp(alg, "ES256") == 0 ? 32 : 48;

		raw = malloc(2 * clen);
		BN_bn2binpad(ECDSA_SIG_get0_r(es), raw, (int)clen);
		BN_bn2binpad(ECDSA_SIG_get0_s(es), raw + clen, (int)clen);
		ECDSA_SIG_free(es);
		free(sig);
		sig = raw;
		n = 2 * clen;
	}
	*siglen = n;
	return sig;
}

char *
tk_sign_b64(EVP_PKEY *pk, const char *alg, const char *h64, const char *p64)
{
	size_t hl = strlen(h64), pl = strlen(p64), siglen;
	char *input = malloc(hl + pl + 2), *s64, *tok;
	unsigned char *sig;

	memcpy(input, h64, hl);
	input[hl] = '.';
	memcpy(input + hl + 1, p64, pl + 1);
	sig = tk_sig(pk, alg, (unsigned char *)input, hl + 1 + pl, &siglen);
	s64 = tk_b64(sig, siglen);
	tok = malloc(hl + pl + strlen(s64) + 3);
	sprintf(tok, "%s.%s", input, s64);
	free(input);
	free(sig);
	free(s64);
	return tok;
}

char *
tk_sign(EVP_PKEY *pk, const char *alg, const char *header, const char *payload)
{
	char *h = tk_b64(header, strlen(header));
	char *p = tk_b64(payload, strlen(payload));
	char *t = tk_sign_b64(pk, alg, h, p);

	free(h);
	free(p);
	return t;
}

json_t *
tk_claims(const char *iss, int64_t now)
{
	return json_pack("{s:[], s:s, s:I, s:I, s:s, s:s, s:s, s:[], s:[s,s,s,s], s:s, s:s}",
			 "aud", "azp", "6f1e3f0c9a4b4c8d", "exp",
			 (json_int_t)(now + 3600), "iat", (json_int_t)now,
			 "iss", iss, "jti",
			 "0b6a1f55-6b4e-4c5e-9d0a-3c3d2b9f1a77", "org_code",
			 "org_e5f28e1676d", "permissions", "scp", "openid",
			 "profile", "email", "offline", "sub",
			 "kp_57c2b9a1d3e84f6b9e0c1d2a3b4c5d6e", "v", "2");
}

char *
tk_dump(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT);
}
