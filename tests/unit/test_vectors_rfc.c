/*
 * test_vectors_rfc.c - the external vectors (vectors.h): the RFC 7515 / RFC 8037 examples and the RFC 7520
 * JOSE cookbook; and that every vector file of tests/vectors is run by
 * one of the test_vectors_*.c programs.
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

/* ------------------------------------------------------------------ */
/* 5: RFC 7515 / RFC 8037 examples */

static const struct {
	const char *name;
	enum want want;
	int reason;
	const char *note;
} rfc7515_expect[] = {
	{ "RFC7515-A.2-RS256", WANT_ACCEPT, -1, "RS256 example" },
	{ "RFC7515-A.3-ES256", WANT_ACCEPT, -1, "ES256 example, raw R||S" },
	{ "RFC8037-A.4-EdDSA", WANT_ACCEPT, -1,
	  "Ed25519 example; its payload is not JSON, which is the claims layer's business" },
	{ "RFC7515-A.5-none", WANT_REJECT, KINDE_R_ALG,
	  "unsecured JWS: alg none never accepted" },
	{ "RFC7515-A.1-HS256", WANT_REJECT, KINDE_R_ALG,
	  "HS* never accepted" },
};

static void
run_rfc7515(const char *dir)
{
	const char *file = "rfc7515/rfc7515_rfc8037_vectors.json";
	json_t *doc = load_json(dir, file);
	struct stats *st = stats_new("rfc7515");
	const json_t *e;
	size_t i, j, seen = 0;

	if (doc == NULL)
		return;
	json_array_foreach(doc, i, e) {
		const char *name = jstr(e, "name"), *tok = jstr(e, "jws");
		kinde_keyset_t *ks;
		char what[160];
		int rc;

		for (j = 0; j < sizeof(rfc7515_expect) /
				sizeof(rfc7515_expect[0]); j++)
			if (name && strcmp(name, rfc7515_expect[j].name) == 0)
				break;
		if (j == sizeof(rfc7515_expect) / sizeof(rfc7515_expect[0]) ||
		    tok == NULL) {
			ok(0, "rfc7515: entry %zu (%s) has an expectation and a token",
			   i, name ? name : "?");
			continue;
		}
		seen++;
		ks = keyset_build(json_object_get(e, "jwk"));
		rc = verify_token(ks, tok, strlen(tok));
		snprintf(what, sizeof(what), "rfc7515 %s", name);
		report(st, what,
		       rfc7515_expect[j].want == WANT_ACCEPT ? "valid" :
		       "invalid", rc, rfc7515_expect[j].want,
		       rfc7515_expect[j].reason, true, rfc7515_expect[j].note);
		kinde_keyset_free(ks);
	}
	is_int(seen, sizeof(rfc7515_expect) / sizeof(rfc7515_expect[0]),
	       "rfc7515: every expected example is in %s", file);
	json_decref(doc);
}

/* ------------------------------------------------------------------ */
/* 5: RFC 7520 cookbook (and its rfc7797 / curve25519 companions) */

/*
 * The public half of a cookbook key: what a verifier's key set holds.
 * Asymmetric private members are dropped; an "oct" key keeps its "k" (it
 * has no public half) and is refused as symmetric.
 */
static json_t *
public_half(const json_t *key)
{
	static const char *const priv[] = { "d", "p", "q", "dp", "dq", "qi",
					    "oth" };
	json_t *copy;
	size_t i;

	if (!json_is_object(key))
		return NULL;
	copy = json_deep_copy(key);
	if (copy == NULL)
		abort();
	if (strcmp(jstr(key, "kty") ? jstr(key, "kty") : "", "oct") != 0)
		for (i = 0; i < sizeof(priv) / sizeof(priv[0]); i++)
			json_object_del(copy, priv[i]);
	return copy;
}

/*
 * What the cookbook's compact tokens must do, by header alg.  The table
 * is ours: RS256 / PS384 / EdDSA keys of the cookbook are acceptable;
 * ES512 is P-521 (unsupported); HS* is never accepted.
 */
static bool
cookbook_expect(const char *tok, size_t len, enum want *want, int *reason,
		const char **note)
{
	const char *alg;

	*want = WANT_REJECT;
	if (count_dots(tok, len) == 4) {
		*reason = KINDE_R_MALFORMED;
		*note = "JWE is out of scope for a verifier: malformed";
		return true;
	}
	if (count_dots(tok, len) != 2 || tok[0] == '.') {
		*reason = KINDE_R_MALFORMED;
		*note = count_dots(tok, len) != 2 ?
			"not 3 segments: malformed" :
			"no protected header (alg only in an unprotected header): malformed";
		return true;
	}
	alg = token_alg(tok, len);
	if (strcmp(alg, "RS256") == 0 || strcmp(alg, "PS384") == 0 ||
	    strcmp(alg, "EdDSA") == 0) {
		*want = WANT_ACCEPT;
		*reason = -1;
		*note = "";
		return true;
	}
	if (strcmp(alg, "ES512") == 0) {
		*reason = KINDE_R_ALG;
		*note = "ES512 / P-521 unsupported: refused";
		return true;
	}
	if (strcmp(alg, "HS256") == 0) {
		json_t *h = token_header(tok, len);
		const char *dot = strchr(tok, '.');

		*reason = KINDE_R_ALG;
		if (json_object_get(h, "b64") != NULL)
			*note = "b64=false, but HS256 is refused first (alg is checked before other header parameters): HS* never accepted";
		else if (dot != NULL && dot[1] == '.')
			*note = "detached content (compact with an empty payload); HS* never accepted";
		else
			*note = "HS* never accepted";
		json_decref(h);
		return true;
	}
	return false;
}

static void
cookbook_token(struct stats *st, const char *what, const kinde_keyset_t *ks,
	       const char *tok, size_t len)
{
	const char *note = "";
	enum want want;
	int reason, rc;
	char full[1600];

	if (!cookbook_expect(tok, len, &want, &reason, &note)) {
		ok(0, "%s: this test has an expectation for alg \"%s\"", what,
		   token_alg(tok, len));
		st->cases++;
		return;
	}
	snprintf(full, sizeof(full), "%s%s%s", note,
		 *note && kinde_keyset_count(ks) == 0 && keylog[0] ?
		 "; key refused: " : "",
		 *note && kinde_keyset_count(ks) == 0 ? keylog : "");
	rc = verify_token(ks, tok, len);
	report(st, what, want == WANT_ACCEPT ? "valid" : "invalid", rc, want,
	       reason, true, full);
}

static void
cookbook_json(struct stats *st, const char *what, const kinde_keyset_t *ks,
	      const json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT);
	int rc;

	if (text == NULL)
		abort();
	rc = verify_token(ks, text, strlen(text));
	report(st, what, "not compact", rc, WANT_REJECT, KINDE_R_MALFORMED,
	       true, "JSON serialization: only compact JWS is accepted");
	free(text);
}

/*
 * b64=false (RFC 7797): the literal vectors are HS256, refused on their
 * alg before anything else.  So that the b64/crit rule itself is tested,
 * the compact vector is also tried with its header's alg changed to RS256
 * (a derived token, said so): refused as a header the library does not
 * support.
 */
static void
cookbook_b64_false(struct stats *st, const char *base,
		   const kinde_keyset_t *ks, const char *compact)
{
	const char *hdr =
		"{\"alg\":\"RS256\",\"b64\":false,\"crit\":[\"b64\"]}";
	const char *rest = strchr(compact, '.');
	char *h64, *tok, what[200];
	size_t n;
	int rc;

	if (rest == NULL)
		return;
	h64 = tk_b64(hdr, strlen(hdr));
	n = strlen(h64) + strlen(rest) + 1;
	tok = malloc(n);
	if (tok == NULL)
		abort();
	snprintf(tok, n, "%s%s", h64, rest);
	rc = verify_token(ks, tok, strlen(tok));
	snprintf(what, sizeof(what), "%s derived: its compact with alg RS256",
		 base);
	report(st, what, "invalid", rc, WANT_REJECT, KINDE_R_HEADER, true,
	       "b64=false with crit: header not supported");
	free(tok);
	free(h64);
}

static void
run_cookbook_jws(const char *dir, const char *rel, struct stats *st)
{
	json_t *doc = load_json(dir, rel), *keys;
	const json_t *key, *out, *signing, *s, *k, *b64;
	const char *compact;
	kinde_keyset_t *ks;
	char what[200];
	size_t i;

	if (doc == NULL)
		return;
	/* The key set: the public halves of input.key (one or several). */
	keys = json_array();
	key = json_object_get(json_object_get(doc, "input"), "key");
	if (json_is_array(key)) {
		json_array_foreach(key, i, k)
			json_array_append_new(keys, public_half(k));
	} else if (key != NULL) {
		json_array_append_new(keys, public_half(key));
	}
	{
		json_t *set = json_pack("{s:O}", "keys", keys);

		ks = keyset_build(set);
		json_decref(set);
	}
	json_decref(keys);

	out = json_object_get(doc, "output");
	compact = jstr(out, "compact");
	if (compact != NULL) {
		snprintf(what, sizeof(what), "%s compact", rel);
		cookbook_token(st, what, ks, compact, strlen(compact));
	}
	if (json_object_get(out, "json") != NULL) {
		snprintf(what, sizeof(what), "%s general JSON", rel);
		cookbook_json(st, what, ks, json_object_get(out, "json"));
	}
	if (json_object_get(out, "json_flat") != NULL) {
		snprintf(what, sizeof(what), "%s flattened JSON", rel);
		cookbook_json(st, what, ks, json_object_get(out, "json_flat"));
	}

	/* Compacts rebuilt from each signing step (sig-input "." sig), where
	 * the file gives no compact output of its own. */
	signing = json_object_get(doc, "signing");
	for (i = 0; signing != NULL; i++) {
		const char *in, *sig;
		char *tok;
		size_t n;

		s = json_is_array(signing) ? json_array_get(signing, i) :
		    i == 0 ? signing : NULL;
		if (s == NULL)
			break;
		in = jstr(s, "sig-input");
		sig = jstr(s, "sig");
		if (in == NULL || sig == NULL)
			continue;
		n = strlen(in) + strlen(sig) + 2;
		tok = malloc(n);
		if (tok == NULL)
			abort();
		snprintf(tok, n, "%s.%s", in, sig);
		if (compact == NULL || strcmp(tok, compact) != 0) {
			snprintf(what, sizeof(what),
				 "%s signing[%zu] (sig-input.sig)", rel, i);
			cookbook_token(st, what, ks, tok, strlen(tok));
		}
		free(tok);
	}

	/* b64=false: exercise the header rule itself as well. */
	b64 = json_object_get(json_object_get(json_is_array(signing) ?
					      json_array_get(signing, 0) :
					      signing, "protected"), "b64");
	if (compact != NULL && json_is_false(b64))
		cookbook_b64_false(st, rel, ks, compact);

	kinde_keyset_free(ks);
	json_decref(doc);
}

static const struct {
	const char *file;
	bool accept;
	const char *why_has;	/* jwk_parse's reason must mention this */
	const char *note;
} cookbook_jwks[] = {
	{ "rfc7520_cookbook/jwk/3_1.ec_public_key.json", false, "P-521",
	  "unsupported curve P-521" },
	{ "rfc7520_cookbook/jwk/3_2.ec_private_key.json", false, "private",
	  "private key members in a public key set" },
	{ "rfc7520_cookbook/jwk/3_3.rsa_public_key.json", true, NULL,
	  "RSA 2048-bit public key" },
	{ "rfc7520_cookbook/jwk/3_4.rsa_private_key.json", false, "private",
	  "private key members in a public key set" },
	{ "rfc7520_cookbook/jwk/3_5.symmetric_key_mac_computation.json", false,
	  "symmetric", "symmetric key refused" },
	{ "rfc7520_cookbook/jwk/3_6.symmetric_key_encryption.json", false,
	  "symmetric", "symmetric key refused" },
};

static void
run_cookbook_jwk(const char *dir, struct stats *st)
{
	size_t i;

	for (i = 0; i < sizeof(cookbook_jwks) / sizeof(cookbook_jwks[0]); i++) {
		json_t *doc = load_json(dir, cookbook_jwks[i].file);
		struct jwk *k = NULL;
		char why[256] = "";
		bool accepted, pass;

		if (doc == NULL)
			continue;
		accepted = t_jwk_parse(doc, &k, why, sizeof(why)) == 0;
		pass = accepted == cookbook_jwks[i].accept;
		if (accepted)
			pass = pass && k->kty == KTY_RSA &&
			       k->bits == 2048;
		else
			pass = pass && strstr(why, cookbook_jwks[i].why_has);
		ok(pass, "%s: jwk_parse -> %s%s%s%s - %s",
		   cookbook_jwks[i].file, accepted ? "accepted" : "refused",
		   accepted ? "" : " [", why, accepted ? "" : "]",
		   cookbook_jwks[i].note);
		if (!pass && accepted)
			diag("  kty %d, %d bits", (int)k->kty, k->bits);
		st->cases++;
		if (accepted)
			st->accepted++;
		else
			st->rejected++;
		jwk_free(k);
		json_decref(doc);
	}
}

/*
 * "All the vectors": a vector file this test does not know would be
 * silently skipped, so every *.json in the directories is accounted for.
 */
static void
check_all_known(const char *dir)
{
	static const char *const subdirs[] = {
		"", "rfc7515", "rfc7520_cookbook/jws", "rfc7520_cookbook/jwk",
		"rfc7520_cookbook/rfc7797", "rfc7520_cookbook/curve25519",
	};
	static const char *const top[] = {
		"wycheproof_json_web_signature_test.json",
		"wycheproof_json_web_key_test.json",
		"wycheproof_json_web_crypto_test.json",
		"rfc7515/rfc7515_rfc8037_vectors.json",
	};
	size_t s, i, unknown = 0;
	char path[4096], rel[1024];
	struct dirent *de;
	DIR *d;

	for (s = 0; s < sizeof(subdirs) / sizeof(subdirs[0]); s++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subdirs[s]);
		d = opendir(path);
		if (d == NULL) {
			ok(0, "vector directory %s exists", path);
			continue;
		}
		while ((de = readdir(d)) != NULL) {
			size_t n = strlen(de->d_name);
			bool known = false;

			if (n < 5 || strcmp(de->d_name + n - 5, ".json") != 0)
				continue;
			if (strncmp(de->d_name, "wycheproof_schema_", 18) == 0)
				continue;	/* file formats, not vectors */
			snprintf(rel, sizeof(rel), "%s%s%s", subdirs[s],
				 *subdirs[s] ? "/" : "", de->d_name);
			for (i = 0; i < sizeof(top) / sizeof(top[0]); i++)
				known |= strcmp(rel, top[i]) == 0;
			for (i = 0; i < prim_files_count; i++)
				known |= strcmp(rel, prim_files[i].file) == 0;
			for (i = 0; i < cookbook_jws_files_count; i++)
				known |= strcmp(rel,
						cookbook_jws_files[i]) == 0;
			for (i = 0; i < sizeof(cookbook_jwks) /
					sizeof(cookbook_jwks[0]); i++)
				known |= strcmp(rel,
						cookbook_jwks[i].file) == 0;
			if (!known) {
				diag("vector file %s is not run by this test",
				     rel);
				unknown++;
			}
		}
		closedir(d);
	}
	is_int(unknown, 0, "every vector file in %s is run", dir);
}

int
main(void)
{
	char buf[1024];
	const char *dir = vectors_begin(buf, sizeof(buf));
	struct stats *st;
	size_t i;

	if (dir == NULL)
		return done_testing();
	check_all_known(dir);
	run_rfc7515(dir);
	st = stats_new("rfc7520 cookbook jws");
	for (i = 0; i < cookbook_jws_files_count; i++)
		run_cookbook_jws(dir, cookbook_jws_files[i], st);
	run_cookbook_jwk(dir, stats_new("rfc7520 cookbook jwk"));
	return vectors_end();
}
