/*
 * test_vectors_primitives.c - the external vectors (vectors.h): Wycheproof's signature primitives (ECDSA raw and
 * DER, Ed25519, RSA PKCS#1 v1.5 and PSS) through jws_verify_raw.
 */
#include "kinde-build.h"

#include "vectors.h"

#include "b64url.h"
#include "jwk.h"
#include "jwks.h"

#include "tap.h"
#include "testerr.h"
#include "testkeys.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * The group's public key as a JWK: its publicKeyJwk (keyJwk in the RSA
 * PKCS#1 files), else one built here from the raw fields.  Caller
 * decrefs.  *src says which.
 */
static json_t *
group_jwk(const json_t *g, enum jws_alg alg, const char **src)
{
	const struct alg_desc *d = alg_desc(alg);
	const json_t *j = json_object_get(g, "publicKeyJwk"), *pk;
	json_t *out = NULL;
	char *x = NULL, *y = NULL;
	unsigned char *raw = NULL;
	size_t n;

	if (j == NULL)
		j = json_object_get(g, "keyJwk");
	if (j != NULL) {
		*src = "JWK";
		return json_deep_copy(j);
	}
	*src = "raw";
	pk = json_object_get(g, "publicKey");
	switch (d->kty) {
	case KTY_RSA:
		x = hex_to_b64_unsigned(jstr(pk, "modulus"));
		y = hex_to_b64_unsigned(jstr(pk, "publicExponent"));
		if (x && y)
			out = json_pack("{s:s,s:s,s:s}", "kty", "RSA", "n", x,
					"e", y);
		break;
	case KTY_EC:
		/* The uncompressed point has the exact coordinate length
		 * (wx/wy are minimal signed integers). */
		raw = hex_decode(jstr(pk, "uncompressed"), &n);
		if (raw && n == 1 + 2 * d->coord_len && raw[0] == 0x04) {
			x = tk_b64(raw + 1, d->coord_len);
			y = tk_b64(raw + 1 + d->coord_len, d->coord_len);
			out = json_pack("{s:s,s:s,s:s,s:s}", "kty", "EC", "crv",
					d->curve, "x", x, "y", y);
		}
		break;
	case KTY_OKP:
		raw = hex_decode(jstr(pk, "pk"), &n);
		if (raw) {
			x = tk_b64(raw, n);
			out = json_pack("{s:s,s:s,s:s}", "kty", "OKP", "crv",
					"Ed25519", "x", x);
		}
		break;
	}
	free(raw);
	free(x);
	free(y);
	return out;
}

/*
 * Our key policy, computed from the group's raw fields and not by the
 * library: RSA needs n >= 2048 bits and an odd e >= 65537.  Curve keys of
 * the supported curves are always acceptable.  true when acceptable;
 * otherwise why says what the policy refuses.
 */
static bool
key_policy_ok(const json_t *g, enum jws_alg alg, char *why, size_t whylen)
{
	const json_t *pk = json_object_get(g, "publicKey");
	const char *ehex = jstr(pk, "publicExponent");
	long long bits = json_integer_value(json_object_get(g, "keySize"));
	unsigned char *e;
	unsigned long long ev = 0;
	size_t n, i, sig = 0;
	bool good;

	if (alg_desc(alg)->kty != KTY_RSA)
		return true;
	e = hex_decode(ehex, &n);
	if (e == NULL) {
		snprintf(why, whylen, "no publicExponent");
		return false;
	}
	for (i = 0; i < n; i++) {
		if (sig || e[i])
			sig++;
		ev = ev << 8 | e[i];
	}
	free(e);
	if (sig > 8)
		ev = ~0ULL;	/* huge: above the minimum anyway */
	good = bits >= JWK_RSA_MIN_BITS && ev >= 65537 && (ev & 1);
	if (!good)
		snprintf(why, whylen, "RSA %lld bits, e = %llu (needs >= %d bits, odd e >= 65537)",
			 bits, ev, JWK_RSA_MIN_BITS);
	return good;
}

/* Strict DER definite length.  0 and *len, *hdr; -1 when not DER. */
static int
der_length(const unsigned char *p, size_t avail, size_t *len, size_t *hdr)
{
	if (avail < 1)
		return -1;
	if (p[0] < 0x80) {
		*len = p[0];
		*hdr = 1;
		return 0;
	}
	if (p[0] == 0x81 && avail >= 2 && p[1] >= 0x80) {
		*len = p[1];
		*hdr = 2;
		return 0;
	}
	if (p[0] == 0x82 && avail >= 3 && p[1] != 0) {
		*len = (size_t)p[1] << 8 | p[2];
		*hdr = 3;
		return 0;
	}
	/* 0x80 (indefinite, BER only), non-minimal or absurd lengths. */
	return -1;
}

/* One DER INTEGER into coord big-endian bytes.  Advances *pos. */
static int
der_integer(const unsigned char *der, size_t end, size_t *pos, size_t coord,
	    unsigned char *out, const char **why)
{
	size_t len, hdr, p = *pos;
	const unsigned char *c;

	if (p >= end || der[p] != 0x02) {
		*why = "expected an INTEGER";
		return -1;
	}
	p++;
	if (der_length(der + p, end - p, &len, &hdr) != 0) {
		*why = "INTEGER length is not DER";
		return -1;
	}
	p += hdr;
	if (len == 0 || len > end - p) {
		*why = "INTEGER length out of bounds";
		return -1;
	}
	c = der + p;
	if (c[0] & 0x80) {
		*why = "negative INTEGER";
		return -1;
	}
	if (len > 1 && c[0] == 0 && !(c[1] & 0x80)) {
		*why = "INTEGER with a superfluous leading zero";
		return -1;
	}
	if (len > 1 && c[0] == 0) {
		c++;
		len--;
	}
	if (len > coord) {
		*why = "INTEGER does not fit the curve's size";
		return -1;
	}
	memset(out, 0, coord);
	memcpy(out + coord - len, c, len);
	*pos = p + (size_t)(c - (der + p)) + len;
	return 0;
}

/*
 * ECDSA-Sig-Value (DER) to the raw R||S of JWS, strictly: only the one
 * canonical DER encoding of (r, s) with each fitting coord bytes is
 * converted.  A JWS never carries DER, so a BER or otherwise malleable
 * encoding can never reach the verifier: refusing it here is what a
 * compliant caller does.
 */
static int
der_to_raw(const unsigned char *der, size_t len, size_t coord,
	   unsigned char *out, const char **why)
{
	size_t seqlen, hdr, pos;

	if (len < 2 || der[0] != 0x30) {
		*why = "not a SEQUENCE";
		return -1;
	}
	if (der_length(der + 1, len - 1, &seqlen, &hdr) != 0) {
		*why = "SEQUENCE length is not DER";
		return -1;
	}
	pos = 1 + hdr;
	if (seqlen != len - pos) {
		*why = "SEQUENCE length does not match the data";
		return -1;
	}
	if (der_integer(der, len, &pos, coord, out, why) != 0 ||
	    der_integer(der, len, &pos, coord, out + coord, why) != 0)
		return -1;
	if (pos != len) {
		*why = "trailing data in the SEQUENCE";
		return -1;
	}
	return 0;
}

static void
run_prim_case(struct stats *st, const struct prim_file *pf,
	      const struct jwk *k, bool policy_ok, const char *key_why,
	      const json_t *t)
{
	const struct alg_desc *d = alg_desc(pf->alg);
	const char *label = jstr(t, "result");
	int tcid = (int)json_integer_value(json_object_get(t, "tcId"));
	unsigned char *msg, *sig, raw[2 * 66];
	size_t msglen = 0, siglen = 0;
	char what[160];
	const char *der_why = NULL;
	enum want want;
	int rc;

	if (label == NULL)
		label = "?";
	want = strcmp(label, "valid") == 0 ? WANT_ACCEPT :
	       strcmp(label, "invalid") == 0 ? WANT_REJECT : WANT_EITHER;
	snprintf(what, sizeof(what), "%s tcId %d (%s)", pf->prefix, tcid,
		 first_flag(t));
	msg = hex_decode(jstr(t, "msg"), &msglen);
	sig = hex_decode(jstr(t, "sig"), &siglen);
	if (msg == NULL || sig == NULL) {
		ok(0, "%s: msg and sig are hex", what);
		st->cases++;
		goto out;
	}
	kinde_verdict_reset(verdict);
	if (k == NULL) {
		/*
		 * Every case of a key refused by policy is rejected; a key
		 * our policy accepts but jwk_parse refused fails its valid
		 * cases.
		 */
		if (!policy_ok && want != WANT_REJECT)
			st->policy++;
		if (!ok(!policy_ok || want != WANT_ACCEPT,
			"%s: %s -> rejected [key] - key refused%s: %s", what,
			label, policy_ok ? " (yet our policy accepts it)" :
			" by policy", key_why))
			diag("  jwk_parse refused a policy-acceptable key");
		stats_count(st, label, false);
		goto out;
	}
	if (pf->der) {
		if (der_to_raw(sig, siglen, d->coord_len, raw, &der_why) != 0) {
			/* Never sent to the library: JWS has no DER. */
			st->encoding++;
			if (!ok(want != WANT_ACCEPT,
				"%s: %s -> rejected [DER: %s] - not canonical DER: a JWS carries raw R||S only, so no DER (let alone BER) form is ever accepted",
				what, label, der_why))
				diag("  a valid vector failed the strict DER conversion");
			stats_count(st, label, false);
			goto out;
		}
		rc = jws_verify_raw(k, pf->alg, msg, msglen, raw,
				    2 * d->coord_len, verdict);
	} else {
		rc = jws_verify_raw(k, pf->alg, msg, msglen, sig, siglen,
				    verdict);
	}
	report(st, what, label, rc, want, KINDE_R_SIGNATURE, true,
	       pf->der ? "canonical DER converted to R||S" : "");
out:
	free(msg);
	free(sig);
}

static void
run_prim_file(const char *dir, const struct prim_file *pf)
{
	json_t *doc = load_json(dir, pf->file);
	struct stats *st = stats_new(pf->prefix);
	const json_t *g, *t;
	size_t gi, ti;

	if (doc == NULL)
		return;
	json_array_foreach(json_object_get(doc, "testGroups"), gi, g) {
		char why[256] = "", policy_why[256] = "";
		const char *src = "?";
		json_t *jwk = group_jwk(g, pf->alg, &src);
		struct jwk *k = NULL;
		bool policy_ok = key_policy_ok(g, pf->alg, policy_why,
					       sizeof(policy_why));

		if (jwk == NULL)
			snprintf(why, sizeof(why), "no usable key fields");
		else if (t_jwk_parse(jwk, &k, why, sizeof(why)) != 0)
			k = NULL;
		/* Key refusal must be exactly our policy: otherwise every
		 * valid case of the group fails below, and this says why. */
		if ((k != NULL) != policy_ok)
			diag("%s group %zu (%s key): jwk_parse %s, policy says %s%s%s",
			     pf->prefix, gi, src, k ? "accepted" : "refused",
			     policy_ok ? "acceptable" : "refuse: ", policy_why,
			     k ? "" : why);
		if (k != NULL && !policy_ok) {
			/* The library took a key our policy refuses: every
			 * case of the group fails loudly. */
			json_array_foreach(json_object_get(g, "tests"), ti, t) {
				ok(0, "%s tcId %d: key refused by policy (%s) but jwk_parse accepted it",
				   pf->prefix,
				   (int)json_integer_value(json_object_get(t, "tcId")),
				   policy_why);
				st->cases++;
			}
		} else {
			json_array_foreach(json_object_get(g, "tests"), ti, t)
				run_prim_case(st, pf, k, policy_ok,
					      policy_ok ? why : policy_why, t);
		}
		jwk_free(k);
		json_decref(jwk);
	}
	diag_acceptable(st);
	is_int(st->cases, json_integer_value(json_object_get(doc,
							     "numberOfTests")),
	       "%s: every vector of %s was run", pf->prefix, pf->file);
	json_decref(doc);
}

int
main(void)
{
	char buf[1024];
	const char *dir = vectors_begin(buf, sizeof(buf));
	size_t i;

	if (dir == NULL)
		return done_testing();
	for (i = 0; i < prim_files_count; i++)
		run_prim_file(dir, &prim_files[i]);
	return vectors_end();
}
