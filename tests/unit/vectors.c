/*
 * vectors.c - loading, hex and base64url helpers, the expected reason of
 * a token vector, the report line and the summary shared by the
 * test_vectors_*.c programs (vectors.h).
 */
#include "kinde-build.h"

#include "vectors.h"

#include "b64url.h"
#include "jwk.h"
#include "jwks.h"

#include "tap.h"
#include "testerr.h"
#include "testkeys.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

struct stats stats_tab[32];

size_t nstats;

kinde_config_t *cfg;

kinde_verdict_t *verdict;

unsigned all_algs;

/* Warnings of the last key-set load (why keys were skipped). */
char keylog[1024];

struct stats *
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

void
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

void
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

const char *
jstr(const json_t *obj, const char *key)
{
	const json_t *j = json_object_get(obj, key);

	return json_is_string(j) ? json_string_value(j) : NULL;
}

bool
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
const char *
first_flag(const json_t *test)
{
	const json_t *f = json_array_get(json_object_get(test, "flags"), 0);
	const char *c = jstr(test, "comment");

	if (json_is_string(f))
		return json_string_value(f);
	return c && *c ? c : "no flags";
}

void
diag_acceptable(const struct stats *st)
{
	if (st->acc_yes + st->acc_no)
		diag("%s: %u \"acceptable\" vectors: %u accepted, %u rejected",
		     st->name, st->acc_yes + st->acc_no, st->acc_yes,
		     st->acc_no);
}

int
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
unsigned char *
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
char *
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

bool
is_b64url_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* Whether a dot-separated segment holds a byte outside base64url. */
bool
has_non_b64url_char(const char *tok)
{
	for (; *tok; tok++)
		if (*tok != '.' && !is_b64url_char(*tok))
			return true;
	return false;
}

unsigned
count_dots(const char *tok, size_t len)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < len; i++)
		n += tok[i] == '.';
	return n;
}

/* Strict decode through the library's decoder; true when it decodes. */
bool
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
json_t *
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

bool
alg_is_symmetric_or_none(const char *alg)
{
	return strncasecmp(alg, "HS", 2) == 0 || strcasecmp(alg, "none") == 0;
}

/* Header alg of a compact token ("" when none can be read).  Static. */
const char *
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
int
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

json_t *
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
kinde_keyset_t *
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
int
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
bool
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

const struct prim_file prim_files[] = {
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

const char *const cookbook_jws_files[] = {
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

const char *
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

const size_t prim_files_count = KINDE_ARRAY_SIZE(prim_files);
const size_t cookbook_jws_files_count = KINDE_ARRAY_SIZE(cookbook_jws_files);
static struct timespec t0;

const char *
vectors_begin(char *buf, size_t len)
{
	const char *dir = vectors_dir(buf, len);
	struct stat sb;
	int a;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!ok(stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode),
		"vector directory %s exists (set VECTORS to move it)", dir)) {
		diag("the external vectors are required: tests/vectors in the source tree");
		return NULL;
	}
	cfg = kinde_config_new();
	verdict = kinde_verdict_new(false);
	if (cfg == NULL || verdict == NULL)
		abort();
	kinde_config_set_log(cfg, capture_log, NULL);
	for (a = 0; a < ALG__COUNT; a++)
		all_algs |= ALG_BIT(a);
	return dir;
}

int
vectors_end(void)
{
	struct timespec t1;
	struct stats *st;
	size_t i;

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
