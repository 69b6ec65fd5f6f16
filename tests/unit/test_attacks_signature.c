/*
 * test_attacks_signature.c - known attacks on JWT validation: the signature: payload or header changed after signing,
 * segments pasted between two signed tokens, forged and expired, ECDSA
 * and EdDSA forms (malleable S, DER, zero values).
 *
 * The harness (keys, token builders, attack/accept_tok) is attacks.h.
 */
#include "kinde-build.h"

#include "attacks.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

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

int
main(void)
{
	attacks_setup();
	attacks_signature();
	return attacks_done(26, 0);
}
