/*
 * test_vectors.c - runs every external vector in tests/vectors through
 * the verification layer: Project Wycheproof (JWS, JWK, JWE/JWS crypto and
 * the signature primitives), RFC 7515 / RFC 8037 examples and the RFC 7520
 * JOSE cookbook.  Nobody on the project wrote these inputs, which is the
 * point: they catch what our own generated tokens cannot.
 *
 * Token-shaped vectors go through jws_parse (every algorithm the library
 * knows allowed), keyset_select and jws_verify; primitive vectors go
 * through jws_verify_raw with a key made by jwk_parse.  One TAP line per
 * vector.  Where our documented behaviour departs from a vector's label
 * the line says why: "erratum: ..." (Wycheproof labels known wrong, see
 * tests/vectors/README.md), "HS* never accepted", "key refused by
 * policy: ...", JSON serialization (compact only), JWE (out of scope for
 * a verifier).
 *
 * The directory comes from $VECTORS (make check sets it, configure
 * --with-vectors moves it), else $top_srcdir/tests/vectors, else
 * tests/vectors.  A missing directory or file fails the test: the
 * repository and the tarball carry them.
 */
#include "kinde-build.h"

#include "alg.h"
#include "b64url.h"
#include "jwk.h"
#include "jwks.h"
#include "jws.h"
#include "kinde.h"

#include "tap.h"
#include "testerr.h"
#include "testkeys.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include <jansson.h>

enum want { WANT_ACCEPT, WANT_REJECT, WANT_EITHER };

/* Per-file counts for the closing summary. */
struct stats {
	char name[64];
	unsigned cases, accepted, rejected;
	unsigned errata;	/* vectors decided by a documented erratum */
	unsigned policy;	/* "valid" vectors refused by our policy */
	unsigned encoding;	/* DER refused before the verifier */
	unsigned acc_yes, acc_no;	/* "acceptable": accepted / rejected */
};

static struct stats stats_tab[32];
static size_t nstats;

static kinde_config_t *cfg;
static kinde_verdict_t *verdict;
static unsigned all_algs;

/* Warnings of the last key-set load (why keys were skipped). */
static char keylog[1024];

static struct stats *
stats_new(const char *name)
{
	struct stats *st;

	if (nstats == sizeof(stats_tab) / sizeof(stats_tab[0]))
		abort();
	st = &stats_tab[nstats++];
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "%s", name);
	return st;
}

static void
stats_count(struct stats *st, const char *label, bool accepted)
{
	st->cases++;
	if (accepted)
		st->accepted++;
	else
		st->rejected++;
	if (strcmp(label, "acceptable") == 0) {
		if (accepted)
			st->acc_yes++;
		else
			st->acc_no++;
	}
}

static void
capture_log(void *ctx, int priority, const char *message)
{
	size_t n = strlen(keylog);
	const char *why = strstr(message, "skipped: ");

	(void)ctx;
	(void)priority;
	/* Keep the reason only: "key 0 (kid ...) skipped: <why>". */
	snprintf(keylog + n, sizeof(keylog) - n, "%s%s", n ? "; " : "",
		 why ? why + strlen("skipped: ") : message);
}

/* ------------------------------------------------------------------ */
/* Small helpers */

static const char *
jstr(const json_t *obj, const char *key)
{
	const json_t *j = json_object_get(obj, key);

	return json_is_string(j) ? json_string_value(j) : NULL;
}

static bool
has_flag(const json_t *test, const char *flag)
{
	const json_t *flags = json_object_get(test, "flags"), *f;
	size_t i;

	json_array_foreach(flags, i, f)
		if (json_is_string(f) &&
		    strcmp(json_string_value(f), flag) == 0)
			return true;
	return false;
}

/* The first flag of a test, else its comment: a short tag for its line. */
static const char *
first_flag(const json_t *test)
{
	const json_t *f = json_array_get(json_object_get(test, "flags"), 0);
	const char *c = jstr(test, "comment");

	if (json_is_string(f))
		return json_string_value(f);
	return c && *c ? c : "no flags";
}

static void
diag_acceptable(const struct stats *st)
{
	if (st->acc_yes + st->acc_no)
		diag("%s: %u \"acceptable\" vectors: %u accepted, %u rejected",
		     st->name, st->acc_yes + st->acc_no, st->acc_yes,
		     st->acc_no);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes a hex string.  Caller frees; NULL on a bad string. */
static unsigned char *
hex_decode(const char *s, size_t *outlen)
{
	size_t n = s ? strlen(s) : 0, i;
	unsigned char *out;
	int hi, lo;

	if (s == NULL || n % 2)
		return NULL;
	out = malloc(n / 2 + 1);
	if (out == NULL)
		abort();
	for (i = 0; i < n / 2; i++) {
		hi = hexval(s[2 * i]);
		lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	*outlen = n / 2;
	return out;
}

/* base64url of the hex string s with leading zero bytes dropped. */
static char *
hex_to_b64_unsigned(const char *s)
{
	unsigned char *raw;
	size_t n, off = 0;
	char *out;

	raw = hex_decode(s, &n);
	if (raw == NULL)
		return NULL;
	while (off + 1 < n && raw[off] == 0)
		off++;
	out = tk_b64(raw + off, n - off);
	free(raw);
	return out;
}

static bool
is_b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Whether a dot-separated segment holds a byte outside base64url. */
static bool
has_non_b64url_char(const char *tok)
{
	for (; *tok; tok++)
		if (*tok != '.' && !is_b64url_char(*tok))
			return true;
	return false;
}

static unsigned
count_dots(const char *tok, size_t len)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += tok[i] == '.';
	return n;
}

/* Strict decode through the library's decoder; true when it decodes. */
static bool
segment_decodes(const char *s, size_t n)
{
	unsigned char *buf = malloc(B64URL_DECODED_MAX(n) + 1);
	size_t outlen;
	bool good;

	if (buf == NULL)
		abort();
	good = b64url_decode(s, n, buf, &outlen, NULL) == 0;
	free(buf);
	return good;
}

/* The decoded header of a compact token as a JSON object, or NULL. */
static json_t *
token_header(const char *tok, size_t len)
{
	const char *dot = memchr(tok, '.', len);
	unsigned char *buf;
	size_t n, outlen;
	json_t *h = NULL;

	if (dot == NULL || dot == tok)
		return NULL;
	n = (size_t)(dot - tok);
	buf = malloc(B64URL_DECODED_MAX(n) + 1);
	if (buf == NULL)
		abort();
	if (b64url_decode(tok, n, buf, &outlen, NULL) == 0)
		h = json_loadb((const char *)buf, outlen,
			       JSON_REJECT_DUPLICATES, NULL);
	free(buf);
	if (h != NULL && !json_is_object(h)) {
		json_decref(h);
		h = NULL;
	}
	return h;
}

static bool
alg_is_symmetric_or_none(const char *alg)
{
	return strncasecmp(alg, "HS", 2) == 0 || strcasecmp(alg, "none") == 0;
}

/* Header alg of a compact token ("" when none can be read).  Static. */
static const char *
token_alg(const char *tok, size_t len)
{
	static char alg[64];
	json_t *h = token_header(tok, len);
	const char *a = h ? jstr(h, "alg") : NULL;

	snprintf(alg, sizeof(alg), "%s", a ? a : "");
	json_decref(h);
	return alg;
}

/*
 * The reason a rejection must carry when it follows from the token and
 * the key set alone, in jws.c's documented order (format, alg, header
 * parameters, payload/signature encoding, key choice); -1 when the
 * verdict could legitimately be one of several (a bad signature may show
 * as signature, or as kid when the header was tampered with, ...).
 */
static int
expected_reason(const char *tok, size_t len, const kinde_keyset_t *ks)
{
	static const char *const refused[] = { "jwk", "jku", "x5u", "x5c",
					       "crit", "b64", "enc", "zip" };
	const char *dot1, *dot2, *alg, *kid;
	const json_t *kidj;
	json_t *h;
	int r = -1;
	size_t i;

	if (len == 0 || count_dots(tok, len) != 2)
		return KINDE_R_MALFORMED;
	h = token_header(tok, len);
	if (h == NULL)
		return KINDE_R_MALFORMED;
	alg = jstr(h, "alg");
	if (alg == NULL || alg_is_symmetric_or_none(alg) ||
	    alg_from_name(alg) < 0) {
		r = KINDE_R_ALG;
		goto out;
	}
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (json_object_get(h, refused[i]) != NULL) {
			r = KINDE_R_HEADER;
			goto out;
		}
	}
	if (json_object_get(h, "typ") != NULL)
		goto out;	/* typ rules belong to test_jws */
	kidj = json_object_get(h, "kid");
	if (kidj != NULL && !json_is_string(kidj)) {
		r = KINDE_R_HEADER;
		goto out;
	}
	dot1 = memchr(tok, '.', len);
	dot2 = memchr(dot1 + 1, '.', len - (size_t)(dot1 + 1 - tok));
	if (!segment_decodes(dot1 + 1, (size_t)(dot2 - dot1 - 1)) ||
	    dot2 + 1 == tok + len ||
	    !segment_decodes(dot2 + 1, len - (size_t)(dot2 + 1 - tok))) {
		r = KINDE_R_MALFORMED;
		goto out;
	}
	kid = kidj ? json_string_value(kidj) : NULL;
	if (kinde_keyset_count(ks) == 0) {
		r = KINDE_R_KID;
		goto out;
	}
	if (kid != NULL) {
		struct kinde_key_info info;
		bool found = false;

		for (i = 0; i < kinde_keyset_count(ks); i++) {
			kinde_keyset_key_info(ks, i, &info);
			if (info.kid != NULL && strcmp(info.kid, kid) == 0)
				found = true;
		}
		if (!found)
			r = KINDE_R_KID;
	}
out:
	json_decref(h);
	return r;
}

static json_t *
load_json(const char *dir, const char *rel)
{
	char path[4096];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	j = json_load_file(path, 0, &err);
	if (j == NULL) {
		ok(0, "vector file %s loads", rel);
		diag("  %s: line %d: %s", path, err.line, err.text);
	}
	return j;
}

/*
 * A key set from a JWK, a JWKS, or either as a JSON string; NULL gives an
 * empty set.  Skipped keys are explained in keylog.  Caller frees.
 */
static kinde_keyset_t *
keyset_build(const json_t *key)
{
	json_t *parsed = NULL, *doc;
	kinde_keyset_t *ks = NULL;
	char err[256], *text;

	keylog[0] = '\0';
	if (json_is_string(key)) {
		parsed = json_loads(json_string_value(key), 0, NULL);
		key = parsed;
	}
	if (key == NULL)
		doc = json_pack("{s:[]}", "keys");
	else if (json_is_object(key) && json_object_get(key, "keys") != NULL)
		doc = json_incref((json_t *)key);
	else
		doc = json_pack("{s:[O]}", "keys", (json_t *)key);
	text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	if (text == NULL ||
	    kinde_keyset_parse(cfg, text, strlen(text), &ks, err,
			       sizeof(err)) != KINDE_OK) {
		snprintf(keylog, sizeof(keylog), "key set refused: %s",
			 text ? err : "cannot build the document");
		if (kinde_keyset_parse(cfg, "{\"keys\":[]}", 11, &ks, err,
				       sizeof(err)) != KINDE_OK)
			abort();
	}
	free(text);
	json_decref(doc);
	json_decref(parsed);
	return ks;
}

/*
 * The verification layer exactly as the validator drives it, minus the
 * claims: parse with every algorithm allowed, choose the key, verify.
 * 0 accepted.
 */
static int
verify_token(const kinde_keyset_t *ks, const char *tok, size_t len)
{
	const struct jwk *k;
	struct jws j;
	int rc = -1;

	kinde_verdict_reset(verdict);
	if (jws_parse(&j, tok, len, all_algs, verdict) == 0 &&
	    (k = keyset_select(ks, j.kid, j.alg, verdict)) != NULL &&
	    jws_verify(&j, k, verdict) == 0)
		rc = 0;
	jws_release(&j);
	return rc;
}

/*
 * Checks one outcome against the expectation, prints its TAP line and
 * counts it.  want_reason < 0: any rejection reason will do.  true when
 * the outcome is the expected one.
 */
static bool
report(struct stats *st, const char *what, const char *label, int rc,
       enum want want, int want_reason, bool extra_ok, const char *note)
{
	kinde_reason_t reason = kinde_verdict_reason(verdict);
	bool accepted = rc == 0 && reason == KINDE_R_NONE;
	/* A failure without a verdict (or the reverse) is a bug too. */
	bool consistent = (rc == 0) == (reason == KINDE_R_NONE);
	bool pass = consistent && extra_ok &&
		    (want == WANT_EITHER ||
		     (want == WANT_ACCEPT) == accepted) &&
		    (accepted || want_reason < 0 ||
		     (int)reason == want_reason);

	ok(pass, "%s: %s -> %s%s%s%s%s%s", what, label,
	   accepted ? "accepted" : "rejected", accepted ? "" : " [",
	   accepted ? "" : kinde_reason_name(reason), accepted ? "" : "]",
	   note && *note ? " - " : "", note ? note : "");
	if (!pass) {
		diag("  want %s%s%s, rc %d, reason %s, detail: %s",
		     want == WANT_ACCEPT ? "accepted" :
		     want == WANT_REJECT ? "rejected" : "either",
		     want_reason >= 0 ? " with reason " : "",
		     want_reason >= 0 ?
		     kinde_reason_name((kinde_reason_t)want_reason) : "",
		     rc, kinde_reason_name(reason),
		     kinde_verdict_detail(verdict));
		if (!consistent)
			diag("  verdict and return code disagree");
		if (!extra_ok)
			diag("  the erratum's premise does not hold");
	}
	stats_count(st, label, accepted);
	return pass;
}

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

/* ------------------------------------------------------------------ */
/* 4: Wycheproof signature primitives through jws_verify_raw */

struct prim_file {
	const char *file;
	const char *prefix;
	enum jws_alg alg;
	bool der;	/* signatures are ASN.1 DER, not raw R||S */
};

static const struct prim_file prim_files[] = {
	{ "wycheproof_rsa_signature_2048_sha256_test.json", "rsa2048",
	  ALG_RS256, false },
	{ "wycheproof_rsa_signature_3072_sha256_test.json", "rsa3072",
	  ALG_RS256, false },
	{ "wycheproof_rsa_signature_4096_sha256_test.json", "rsa4096",
	  ALG_RS256, false },
	{ "wycheproof_rsa_pss_2048_sha256_mgf1_32_test.json", "pss2048",
	  ALG_PS256, false },
	{ "wycheproof_ecdsa_secp256r1_sha256_p1363_test.json", "p256",
	  ALG_ES256, false },
	{ "wycheproof_ecdsa_secp384r1_sha384_p1363_test.json", "p384",
	  ALG_ES384, false },
	{ "wycheproof_ed25519_test.json", "ed25519", ALG_EDDSA, false },
	{ "wycheproof_ecdsa_secp256r1_sha256_test.json", "p256der",
	  ALG_ES256, true },
};

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

static const char *const cookbook_jws_files[] = {
	"rfc7520_cookbook/jws/4_1.rsa_v15_signature.json",
	"rfc7520_cookbook/jws/4_2.rsa-pss_signature.json",
	"rfc7520_cookbook/jws/4_3.ecdsa_signature.json",
	"rfc7520_cookbook/jws/4_4.hmac-sha2_integrity_protection.json",
	"rfc7520_cookbook/jws/4_5.signature_with_detached_content.json",
	"rfc7520_cookbook/jws/4_6.protecting_specific_header_fields.json",
	"rfc7520_cookbook/jws/4_7.protecting_content_only.json",
	"rfc7520_cookbook/jws/4_8.multiple_signatures.json",
	"rfc7520_cookbook/rfc7797/4.2.hmac-sha2_b64_false.json",
	"rfc7520_cookbook/rfc7797/hmac-sha2_b64_false.json",
	"rfc7520_cookbook/curve25519/jws.json",
	"rfc7520_cookbook/curve25519/ecdh-es.json",
};

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
			for (i = 0; i < sizeof(prim_files) /
					sizeof(prim_files[0]); i++)
				known |= strcmp(rel, prim_files[i].file) == 0;
			for (i = 0; i < sizeof(cookbook_jws_files) /
					sizeof(cookbook_jws_files[0]); i++)
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

static const char *
vectors_dir(char *buf, size_t len)
{
	const char *env = getenv("VECTORS"), *top = getenv("top_srcdir");

	if (env != NULL && *env)
		return env;
	if (top != NULL && *top) {
		snprintf(buf, len, "%s/tests/vectors", top);
		return buf;
	}
	return "tests/vectors";
}

int
main(void)
{
	struct timespec t0, t1;
	char buf[1024];
	const char *dir = vectors_dir(buf, sizeof(buf));
	struct stats *st;
	struct stat sb;
	size_t i;
	int a;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!ok(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode),
		"vector directory %s exists (set VECTORS to move it)", dir)) {
		diag("the external vectors are required: tests/vectors in the source tree");
		return done_testing();
	}
	cfg = kinde_config_new();
	verdict = kinde_verdict_new(false);
	if (cfg == NULL || verdict == NULL)
		abort();
	kinde_config_set_log(cfg, capture_log, NULL);
	for (a = 0; a < ALG__COUNT; a++)
		all_algs |= ALG_BIT(a);

	check_all_known(dir);
	run_jose_file(dir, "wycheproof_json_web_signature_test.json", "jws",
		      true);
	run_jose_file(dir, "wycheproof_json_web_key_test.json", "jwk", false);
	run_jose_file(dir, "wycheproof_json_web_crypto_test.json", "jwcrypto",
		      false);
	for (i = 0; i < sizeof(prim_files) / sizeof(prim_files[0]); i++)
		run_prim_file(dir, &prim_files[i]);
	run_rfc7515(dir);
	st = stats_new("rfc7520 cookbook jws");
	for (i = 0; i < sizeof(cookbook_jws_files) /
			sizeof(cookbook_jws_files[0]); i++)
		run_cookbook_jws(dir, cookbook_jws_files[i], st);
	run_cookbook_jwk(dir, stats_new("rfc7520 cookbook jwk"));

	clock_gettime(CLOCK_MONOTONIC, &t1);
	diag("%-22s %6s %8s %8s %6s %6s %8s %10s", "file", "cases",
	     "accepted", "rejected", "errata", "policy", "encoding",
	     "acceptable");
	for (i = 0; i < nstats; i++) {
		st = &stats_tab[i];
		diag("%-22s %6u %8u %8u %6u %6u %8u %4u/%-4u", st->name,
		     st->cases, st->accepted, st->rejected, st->errata,
		     st->policy, st->encoding, st->acc_yes, st->acc_no);
	}
	diag("policy: \"valid\" vectors refused by design (HS*, weak keys); encoding: DER refused before the verifier; acceptable: accepted/rejected");
	diag("%.2f s", (double)(t1.tv_sec - t0.tv_sec) +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);

	kinde_verdict_free(verdict);
	kinde_config_free(cfg);
	return done_testing();
}
