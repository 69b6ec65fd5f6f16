/*
 * test_vectors_jose.c - the external vectors (vectors.h): Wycheproof's JOSE files: JSON Web Signature,
 * JSON Web Key and JSON web crypto test groups, token by token.
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
/* 1-3: Wycheproof JOSE files (json_web_signature, json_web_key,
 * json_web_crypto): whole tokens against a key set. */

static const char *
find_token(const json_t *doc, int tcid)
{
	const json_t *g, *t;
	size_t gi, ti;

	json_array_foreach(json_object_get(doc, "testGroups"), gi, g)
		json_array_foreach(json_object_get(g, "tests"), ti, t)
			if (json_integer_value(json_object_get(t, "tcId")) ==
			    tcid)
				return jstr(t, "jws");
	return NULL;
}

/* Errata of wycheproof_json_web_signature_test.json
 * (tests/vectors/README.md, C2SP/wycheproof#236).  Sets want, reason and
 * note; false if none. */
static bool
jws_erratum(int tcid, const char *tok, const char *tc357, enum want *want,
	    int *want_reason, bool *extra_ok, char *note, size_t notelen)
{
	switch (tcid) {
	case 367:
	case 370:
		*want = WANT_REJECT;
		*want_reason = KINDE_R_ALG;
		*extra_ok = tc357 != NULL && strcmp(tok, tc357) == 0;
		snprintf(note, notelen,
			 "erratum: labelled invalid, byte-identical to valid tcId 357; rejected here anyway (HS* never accepted)");
		return true;
	case 372:
	case 373:
		*want = WANT_REJECT;
		/* 372: '?' in the header (malformed); 373: in the payload,
		 * after the header's HS256 was refused (alg). */
		*want_reason = tcid == 372 ? KINDE_R_MALFORMED : KINDE_R_ALG;
		*extra_ok = has_non_b64url_char(tok);
		snprintf(note, notelen,
			 "erratum: labelled valid, but the '?' inserted is not base64url and a strict decoder rejects it (and HS* never accepted)");
		return true;
	case 346:
	case 350:
		*want = WANT_REJECT;
		*want_reason = KINDE_R_ALG;
		snprintf(note, notelen,
			 "erratum: labelled valid, but the key's alg PS256 must equal the header's PS384");
		return true;
	case 347:
	case 351:
		*want = WANT_REJECT;
		*want_reason = KINDE_R_ALG;
		snprintf(note, notelen,
			 "erratum: labelled valid, but the key's alg \"ES521\" must equal the header's ES512 (and ES512/P-521 is unsupported)");
		return true;
	}
	return false;
}

static void
run_jose_case(struct stats *st, const char *prefix, const char *gcomment,
	      const kinde_keyset_t *ks, const json_t *t, bool errata,
	      const char *tc357)
{
	const json_t *tokj = json_object_get(t, "jws");
	const char *label = jstr(t, "result");
	int tcid = (int)json_integer_value(json_object_get(t, "tcId"));
	bool jwe = false, extra_ok = true;
	enum want want;
	int want_reason = -1, rc;
	char note[1200] = "", what[160], *owned = NULL;
	const char *tok;
	size_t len;

	if (tokj == NULL) {
		tokj = json_object_get(t, "jwe");
		jwe = true;
	}
	if (label == NULL)
		label = "?";
	if (json_is_string(tokj)) {
		tok = json_string_value(tokj);
		len = json_string_length(tokj);
	} else {
		/* JSON serialization: what a caller would hand us. */
		owned = json_dumps(tokj, JSON_COMPACT);
		tok = owned ? owned : "";
		len = strlen(tok);
	}
	if (strcmp(label, "valid") == 0)
		want = WANT_ACCEPT;
	else if (strcmp(label, "invalid") == 0)
		want = WANT_REJECT;
	else
		want = WANT_EITHER;

	if (jwe) {
		if (want != WANT_REJECT)
			st->policy++;
		want = WANT_REJECT;
		want_reason = KINDE_R_MALFORMED;
		if (json_is_string(tokj))
			snprintf(note, sizeof(note),
				 "JWE (%u segments) is out of scope for a verifier: malformed",
				 count_dots(tok, len) + 1);
		else
			snprintf(note, sizeof(note),
				 "JWE in JSON serialization: out of scope, and not compact");
	} else if (!json_is_string(tokj) ||
		   has_flag(t, "JsonSerialization")) {
		want = WANT_REJECT;
		want_reason = KINDE_R_MALFORMED;
		snprintf(note, sizeof(note),
			 "JSON serialization: only compact JWS is accepted");
	} else if (errata && jws_erratum(tcid, tok, tc357, &want,
					 &want_reason, &extra_ok, note,
					 sizeof(note))) {
		st->errata++;
	} else {
		const char *alg = token_alg(tok, len);

		if (*alg && alg_is_symmetric_or_none(alg)) {
			if (want == WANT_ACCEPT)
				st->policy++;
			snprintf(note, sizeof(note), "%s: %s never accepted",
				 alg, strncasecmp(alg, "HS", 2) == 0 ?
				 "HS*" : "alg none");
			want = WANT_REJECT;
		}
		/* alg for a readable HS* / none header; malformed first
		 * when the token is broken anyway. */
		if (want != WANT_ACCEPT)
			want_reason = expected_reason(tok, len, ks);
	}
	if (note[0] == '\0' && kinde_keyset_count(ks) == 0 && keylog[0])
		snprintf(note, sizeof(note), "key refused: %s", keylog);

	rc = verify_token(ks, tok, len);
	snprintf(what, sizeof(what), "%s tcId %d (%s)", prefix, tcid, gcomment);
	if (!report(st, what, label, rc, want, want_reason, extra_ok, note))
		diag("  vector: \"%s\", flags %s; key set: %zu key(s)%s%s",
		     jstr(t, "comment") ? jstr(t, "comment") : "",
		     json_array_size(json_object_get(t, "flags")) ?
		     first_flag(t) : "none", kinde_keyset_count(ks),
		     keylog[0] ? ", skipped: " : "", keylog);
	free(owned);
}

static void
run_jose_file(const char *dir, const char *file, const char *prefix,
	      bool errata)
{
	json_t *doc = load_json(dir, file);
	struct stats *st = stats_new(prefix);
	const json_t *g, *t, *key;
	const char *tc357;
	kinde_keyset_t *ks;
	size_t gi, ti;

	if (doc == NULL)
		return;
	tc357 = errata ? find_token(doc, 357) : NULL;
	json_array_foreach(json_object_get(doc, "testGroups"), gi, g) {
		const char *gc = jstr(g, "comment");

		key = json_object_get(g, "public");
		if (key == NULL)
			key = json_object_get(g, "private");
		ks = keyset_build(key);
		json_array_foreach(json_object_get(g, "tests"), ti, t)
			run_jose_case(st, prefix, gc ? gc : "", ks, t, errata,
				      tc357);
		kinde_keyset_free(ks);
	}
	diag_acceptable(st);
	is_int(st->cases, json_integer_value(json_object_get(doc,
							     "numberOfTests")),
	       "%s: every vector of %s was run", prefix, file);
	json_decref(doc);
}

int
main(void)
{
	char buf[1024];
	const char *dir = vectors_begin(buf, sizeof(buf));

	if (dir == NULL)
		return done_testing();
	run_jose_file(dir, "wycheproof_json_web_signature_test.json", "jws",
		      true);
	run_jose_file(dir, "wycheproof_json_web_key_test.json", "jwk", false);
	run_jose_file(dir, "wycheproof_json_web_crypto_test.json", "jwcrypto",
		      false);
	return vectors_end();
}
