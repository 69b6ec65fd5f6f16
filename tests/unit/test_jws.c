/*
 * test_jws.c - compact JWS parsing, header rules and signature primitives
 * (lib/jws.c), and decode-only mode (kinde_token_decode).
 */
#include "kinde-build.h"

#include "jws.h"
#include "jwk.h"
#include "verdict.h"
#include "tap.h"
#include "testerr.h"
#include "testkeys.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/rsa.h>

#define RS ALG_BIT(ALG_RS256)
#define ALL (ALG_BIT(ALG__COUNT) - 1)

static EVP_PKEY *rsa, *p256, *p384, *ed;
static struct jwk *krsa, *krsa_nokid, *kp256, *kp384, *ked;

static const char *PAYLOAD = "{\"sub\":\"kp_1\",\"exp\":1}";

static struct jwk *
mkkey(EVP_PKEY *pk, const char *kid)
{
	json_t *j = tk_jwk(pk, kid, NULL);
	struct jwk *k = NULL;
	char why[256];

	if (t_jwk_parse(j, &k, why, sizeof(why)) != 0) {
		fprintf(stderr, "jwk_parse: %s\n", why);
		abort();
	}
	json_decref(j);
	return k;
}

/* Runs jws_parse in a fresh verdict; returns rc, copies reason/detail. */
static int
parse(const char *tok, size_t len, unsigned algs, kinde_reason_t *r,
      char *detail, size_t dlen)
{
	kinde_verdict_t *v = kinde_verdict_new(false);
	struct jws j;
	int rc = jws_parse(&j, tok, len, algs, v);

	*r = kinde_verdict_reason(v);
	snprintf(detail, dlen, "%s", kinde_verdict_detail(v));
	jws_release(&j);
	kinde_verdict_free(v);
	return rc;
}

/* Expects tok to be refused with reason r and detail want (exact, or a
 * prefix when prefix is set). */
static void
refused_len(const char *tok, size_t len, unsigned algs, kinde_reason_t want_r,
	    const char *want, int prefix, const char *what)
{
	kinde_reason_t r;
	char detail[600];
	int rc = parse(tok, len, algs, &r, detail, sizeof(detail));

	ok(rc == -1 && r == want_r, "refused (%s): %s",
	   kinde_reason_name(want_r), what);
	if (rc != -1 || r != want_r)
		diag("  got rc %d reason %s: %s", rc, kinde_reason_name(r),
		     detail);
	if (want == NULL)
		return;
	if (prefix) {
		if (!ok(strncmp(detail, want, strlen(want)) == 0,
			"  detail of %s", what))
			diag("  got \"%s\", want prefix \"%s\"", detail, want);
	} else {
		is_str(detail, want, "  detail of %s", what);
	}
}

static void
refused(const char *tok, unsigned algs, kinde_reason_t want_r,
	const char *want, const char *what)
{
	refused_len(tok, strlen(tok), algs, want_r, want, 0, what);
}

static void
parsed(const char *tok, unsigned algs, const char *what)
{
	kinde_reason_t r;
	char detail[600];
	int rc = parse(tok, strlen(tok), algs, &r, detail, sizeof(detail));

	if (!ok(rc == 0 && r == KINDE_R_NONE, "parsed: %s", what))
		diag("  got rc %d reason %s: %s", rc, kinde_reason_name(r),
		     detail);
}

/* header text -> token signed with rsa (the signature is irrelevant to
 * jws_parse, but makes the token otherwise valid). */
static char *
tok_h(const char *header)
{
	return tk_sign(rsa, "RS256", header, PAYLOAD);
}

static void
refused_h(const char *header, unsigned algs, kinde_reason_t r,
	  const char *want, const char *what)
{
	char *t = tok_h(header);

	refused(t, algs, r, want, what);
	free(t);
}

static void
parsed_h(const char *header, unsigned algs, const char *what)
{
	char *t = tok_h(header);

	parsed(t, algs, what);
	free(t);
}

/* ------------------------------------------------------------------ */

static void
valid_token(void)
{
	const char *hdr = "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}";
	char *tok = tk_sign(rsa, "RS256", hdr, PAYLOAD);
	kinde_verdict_t *v = kinde_verdict_new(true);
	struct kinde_check c;
	struct jws j;
	char want[64];

	ok(jws_parse(&j, tok, strlen(tok), RS, v) == 0, "valid token parses");
	is_int(kinde_verdict_reason(v), KINDE_R_NONE, "  no failure");
	is_int(j.alg, ALG_RS256, "  alg RS256");
	is_str(j.kid, "k1", "  kid");
	ok(json_is_object(j.header) &&
	   strcmp(json_string_value(json_object_get(j.header, "typ")),
		  "JWT") == 0, "  header decoded");
	ok(j.payload_len == strlen(PAYLOAD) &&
	   memcmp(j.payload, PAYLOAD, j.payload_len) == 0,
	   "  payload decoded");
	is_int(j.sig_len, 256, "  256-byte signature");
	is_int(j.signing_len, strrchr(tok, '.') - tok,
	       "  signing input ends at the second dot");
	ok(j.token == tok, "  token borrowed");
	is_int(jws_verify(&j, krsa, v), 0, "  signature verifies");
	is_int(jws_verify(&j, krsa_nokid, v), 0,
	       "  ... with the same key without kid");
	is_int(kinde_verdict_check_count(v), 5, "  explain: 5 checks");
	if (kinde_verdict_check_count(v) >= 4) {
		kinde_verdict_check(v, 0, &c);
		snprintf(want, sizeof(want), "compact JWS, %zu bytes",
			 strlen(tok));
		ok(strcmp(c.name, "format") == 0 && c.status == 1 &&
		   strcmp(c.detail, want) == 0, "  check 0: format passed");
		kinde_verdict_check(v, 1, &c);
		ok(strcmp(c.name, "alg") == 0 && c.status == 1 &&
		   strcmp(c.detail, "RS256 (allowed)") == 0,
		   "  check 1: alg passed");
		kinde_verdict_check(v, 2, &c);
		ok(strcmp(c.name, "header") == 0 && c.status == 1,
		   "  check 2: header passed");
		kinde_verdict_check(v, 3, &c);
		ok(strcmp(c.name, "signature") == 0 && c.status == 1 &&
		   strcmp(c.detail, "RS256 signature valid") == 0,
		   "  check 3: signature passed");
	}
	jws_release(&j);
	ok(j.header == NULL && j.buf == NULL, "jws_release clears");
	jws_release(&j);
	ok(1, "jws_release twice is harmless");
	free(tok);
	kinde_verdict_free(v);

	/* the token need not be NUL-terminated */
	tok = tk_sign(rsa, "RS256", hdr, PAYLOAD);
	{
		size_t len = strlen(tok);
		char *copy = malloc(len + 8);

		memcpy(copy, tok, len);
		memcpy(copy + len, ".xx.yy!", 7);
		copy[len + 7] = 'Z';
		v = kinde_verdict_new(false);
		ok(jws_parse(&j, copy, len, RS, v) == 0 &&
		   jws_verify(&j, krsa, v) == 0,
		   "a token in a larger, unterminated buffer");
		jws_release(&j);
		kinde_verdict_free(v);
		free(copy);
	}
	free(tok);
}

static void
segments(void)
{
	char *tok = tok_h("{\"alg\":\"RS256\"}"), *t, *big;
	size_t len;

	refused("", RS, KINDE_R_MALFORMED, "token is empty", "empty");
	refused("abc", RS, KINDE_R_MALFORMED,
		"not a JWT: 1 segment; a JWT has 3 separated by dots",
		"1 segment");
	refused("a.b", RS, KINDE_R_MALFORMED,
		"not a JWT: 2 segments; a JWT has 3 separated by dots",
		"2 segments");
	refused("a.b.c.d", RS, KINDE_R_MALFORMED,
		"not a JWT: 4 segments; a JWT has 3 separated by dots",
		"4 segments");
	refused("a.b.c.d.e", RS, KINDE_R_MALFORMED,
		"an encrypted token (JWE, 5 segments); access tokens are signed JWS (3 segments)",
		"5 segments (JWE)");
	refused("a.b.c.d.e.f", RS, KINDE_R_MALFORMED,
		"not a JWT: 6 segments; a JWT has 3 separated by dots",
		"6 segments");
	refused("..", RS, KINDE_R_MALFORMED, "header is empty", "..");
	len = strlen(tok);
	t = malloc(len + 2);
	sprintf(t, "%s", strchr(tok, '.'));
	refused(t, RS, KINDE_R_MALFORMED, "header is empty", "empty header");
	free(t);

	/* size limit */
	big = malloc(JWS_MAX_TOKEN + 2);
	memset(big, 'A', JWS_MAX_TOKEN + 1);
	big[100] = '.';
	big[200] = '.';
	big[JWS_MAX_TOKEN + 1] = '\0';
	refused(big, RS, KINDE_R_MALFORMED,
		"token is 16385 bytes; the limit is 16384", "16 KiB + 1");
	refused(big, 0, KINDE_R_MALFORMED,
		"token is 16385 bytes; the limit is 16384",
		"16 KiB + 1, decode-only mode too");
	big[JWS_MAX_TOKEN] = '\0';
	{
		kinde_reason_t r;
		char detail[600];

		parse(big, JWS_MAX_TOKEN, RS, &r, detail, sizeof(detail));
		ok(strstr(detail, "limit") == NULL,
		   "16 KiB exactly passes the size check (then: %s)", detail);
	}
	free(big);
	free(tok);
}

static void
encoding(void)
{
	char *tok = tok_h("{\"alg\":\"RS256\",\"kid\":\"k1\"}"), *t;
	char *d1, *d2;
	size_t len = strlen(tok), hl, pl;

	d1 = strchr(tok, '.');
	d2 = strchr(d1 + 1, '.');
	hl = (size_t)(d1 - tok);
	pl = (size_t)(d2 - d1 - 1);

	t = strdup(tok);
	t[3] = '+';
	refused(t, RS, KINDE_R_MALFORMED,
		"header is not base64url: bad character at offset 3",
		"'+' in the header");
	free(t);
	t = strdup(tok);
	t[hl + 1 + 5] = '=';
	refused(t, RS, KINDE_R_MALFORMED,
		"payload is not base64url: bad character at offset 5",
		"'=' in the payload");
	free(t);
	t = strdup(tok);
	t[hl + 1 + pl + 1 + 7] = ' ';
	refused(t, RS, KINDE_R_MALFORMED,
		"signature is not base64url: bad character at offset 7",
		"space in the signature");
	free(t);
	t = malloc(len + 3);
	sprintf(t, "%.*sA%s", (int)hl, tok, d1);
	if (hl % 4 == 0)
		refused(t, RS, KINDE_R_MALFORMED,
			"header is not strict base64url: bad length or padding bits",
			"header of length 1 mod 4");
	else
		refused_len(t, strlen(t), RS, KINDE_R_MALFORMED, "header is",
			    1, "header with an extra character");
	free(t);
	t = malloc(len + 4);
	sprintf(t, "%sAAA", tok);
	refused(t, RS, KINDE_R_MALFORMED,
		"signature is not strict base64url: bad length or padding bits",
		"signature of length 1 mod 4");
	free(t);
	/* non-zero unused bits in the signature (342 chars: 4 unused bits) */
	t = strdup(tok);
	t[len - 1] = t[len - 1] == 'A' ? 'B' : (char)(t[len - 1] + 1);
	refused(t, RS, KINDE_R_MALFORMED,
		"signature is not strict base64url: bad length or padding bits",
		"signature with non-zero unused bits");
	free(t);
	free(tok);
}

static void
json_rules(void)
{
	char *t;

	t = tok_h("not json");
	refused_len(t, strlen(t), RS, KINDE_R_MALFORMED,
		    "header is not valid JSON: ", 1, "header not JSON");
	free(t);
	refused_h("[\"RS256\"]", RS, KINDE_R_MALFORMED,
		  "header is not a JSON object", "header an array");
	t = tok_h("\"RS256\"");
	refused_len(t, strlen(t), RS, KINDE_R_MALFORMED,
		    "header is not valid JSON: ", 1, "header a string");
	free(t);
	t = tok_h("{\"alg\":\"RS256\",\"alg\":\"RS256\"}");
	refused_len(t, strlen(t), RS, KINDE_R_MALFORMED,
		    "header is not valid JSON: duplicate object key", 1,
		    "duplicate alg, even with the same value");
	free(t);
	t = tok_h("{\"alg\":\"RS256\",\"kid\":\"\xff\"}");
	refused_len(t, strlen(t), RS, KINDE_R_MALFORMED,
		    "header is not valid JSON: ", 1, "invalid UTF-8");
	free(t);
	t = tok_h("{\"alg\":\"RS256\",\"kid\":\"a\\u0000\"}");
	refused_len(t, strlen(t), RS, KINDE_R_MALFORMED,
		    "header is not valid JSON: ", 1, "\\u0000");
	free(t);
	t = tok_h("{\"alg\":\"RS256\"} {}");
	refused_len(t, strlen(t), RS,
		    KINDE_R_MALFORMED, "header is not valid JSON: ", 1,
		    "trailing garbage");
	free(t);
	parsed_h(" {\"alg\" : \"RS256\"}\n", RS,
		 "whitespace around and inside the header JSON");
}

static void
header_rules(void)
{
	refused_h("{\"kid\":\"k1\"}", RS, KINDE_R_ALG,
		  "header has no alg string", "no alg");
	refused_h("{\"alg\":1}", RS, KINDE_R_ALG, "header has no alg string",
		  "alg a number");
	refused_h("{\"alg\":\"none\"}", RS, KINDE_R_ALG,
		  "alg \"none\" (an unsigned token) is never accepted",
		  "alg none");
	refused_h("{\"alg\":\"NoNe\"}", ALL, KINDE_R_ALG,
		  "alg \"NoNe\" (an unsigned token) is never accepted",
		  "alg NoNe, all algorithms allowed");
	refused_h("{\"alg\":\"HS256\"}", RS, KINDE_R_ALG,
		  "symmetric alg \"HS256\" is never accepted: anyone holding the key set could forge it",
		  "HS256");
	refused_h("{\"alg\":\"hs512\"}", ALL, KINDE_R_ALG,
		  "symmetric alg \"hs512\" is never accepted: anyone holding the key set could forge it",
		  "hs512");
	refused_h("{\"alg\":\"RS1\"}", ALL, KINDE_R_ALG,
		  "unsupported alg \"RS1\"", "unknown alg");
	refused_h("{\"alg\":\"rs256\"}", ALL, KINDE_R_ALG,
		  "unsupported alg \"rs256\"", "alg names are case-sensitive");
	refused_h("{\"alg\":\"a\\nb\"}", ALL, KINDE_R_ALG,
		  "unsupported alg \"a\\x0ab\"", "alg escaped in the detail");
	refused_h("{\"alg\":\"PS256\"}", RS, KINDE_R_ALG,
		  "alg PS256 is not allowed (allowed: RS256)",
		  "PS256 not allowed");
	refused_h("{\"alg\":\"RS512\"}",
		  ALG_BIT(ALG_RS256) | ALG_BIT(ALG_ES256), KINDE_R_ALG,
		  "alg RS512 is not allowed (allowed: RS256,ES256)",
		  "RS512 not allowed");
	parsed_h("{\"alg\":\"EdDSA\"}", ALL, "EdDSA when allowed");
	parsed_h("{\"alg\":\"Ed25519\"}", ALL, "Ed25519 (RFC 9864) when allowed");
	refused_h("{\"alg\":\"EdDSA\"}", ALG_BIT(ALG_ED25519), KINDE_R_ALG,
		  "alg EdDSA is not allowed (allowed: Ed25519)",
		  "EdDSA when only Ed25519 is allowed");

	refused_h("{\"alg\":\"RS256\",\"jwk\":{}}", RS, KINDE_R_HEADER,
		  "header parameter \"jwk\" names a key or URL; keys come only from the configured key set",
		  "jwk");
	refused_h("{\"alg\":\"RS256\",\"jku\":\"https://x\"}", RS,
		  KINDE_R_HEADER,
		  "header parameter \"jku\" names a key or URL; keys come only from the configured key set",
		  "jku");
	refused_h("{\"alg\":\"RS256\",\"x5u\":\"https://x\"}", RS,
		  KINDE_R_HEADER,
		  "header parameter \"x5u\" names a key or URL; keys come only from the configured key set",
		  "x5u");
	refused_h("{\"alg\":\"RS256\",\"x5c\":[]}", RS, KINDE_R_HEADER,
		  "header parameter \"x5c\" names a key or URL; keys come only from the configured key set",
		  "x5c");
	refused_h("{\"alg\":\"RS256\",\"crit\":[\"x\"],\"x\":1}", RS,
		  KINDE_R_HEADER, "header parameter \"crit\" is not supported",
		  "crit");
	refused_h("{\"alg\":\"RS256\",\"b64\":true}", RS, KINDE_R_HEADER,
		  "header parameter \"b64\" is not supported",
		  "b64 (even true)");
	refused_h("{\"alg\":\"RS256\",\"enc\":\"A128GCM\"}", RS,
		  KINDE_R_HEADER, "header parameter \"enc\" is not supported",
		  "enc");
	refused_h("{\"alg\":\"RS256\",\"zip\":\"DEF\"}", RS, KINDE_R_HEADER,
		  "header parameter \"zip\" is not supported", "zip");

	/* precedence: alg first, then key parameters */
	refused_h("{\"alg\":\"none\",\"jku\":\"https://x\"}", RS, KINDE_R_ALG,
		  NULL, "alg none and jku: alg reported");
	refused_h("{\"alg\":\"RS256\",\"crit\":[],\"jku\":\"https://x\"}", RS,
		  KINDE_R_HEADER,
		  "header parameter \"jku\" names a key or URL; keys come only from the configured key set",
		  "crit and jku: jku reported");

	/* typ */
	parsed_h("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", RS, "typ JWT");
	parsed_h("{\"alg\":\"RS256\",\"typ\":\"jwt\"}", RS, "typ jwt");
	parsed_h("{\"alg\":\"RS256\",\"typ\":\"at+jwt\"}", RS, "typ at+jwt");
	parsed_h("{\"alg\":\"RS256\",\"typ\":\"AT+JWT\"}", RS, "typ AT+JWT");
	parsed_h("{\"alg\":\"RS256\",\"typ\":\"application/at+jwt\"}", RS,
		 "typ application/at+jwt");
	parsed_h("{\"alg\":\"RS256\"}", RS, "typ absent");
	refused_h("{\"alg\":\"RS256\",\"typ\":\"JWE\"}", RS, KINDE_R_HEADER,
		  "typ \"JWE\" is not an access token type (JWT, at+jwt)",
		  "typ JWE");
	refused_h("{\"alg\":\"RS256\",\"typ\":\"dpop+jwt\"}", RS,
		  KINDE_R_HEADER,
		  "typ \"dpop+jwt\" is not an access token type (JWT, at+jwt)",
		  "typ dpop+jwt");
	refused_h("{\"alg\":\"RS256\",\"typ\":\"\"}", RS, KINDE_R_HEADER,
		  "typ \"\" is not an access token type (JWT, at+jwt)",
		  "typ empty");
	refused_h("{\"alg\":\"RS256\",\"typ\":null}", RS, KINDE_R_HEADER,
		  "typ \"(not a string)\" is not an access token type (JWT, at+jwt)",
		  "typ null");
	refused_h("{\"alg\":\"RS256\",\"typ\":\"JWT\\n\"}", RS, KINDE_R_HEADER,
		  "typ \"JWT\\x0a\" is not an access token type (JWT, at+jwt)",
		  "typ with a newline, escaped");

	/* kid */
	refused_h("{\"alg\":\"RS256\",\"kid\":5}", RS, KINDE_R_HEADER,
		  "header kid is not a string", "kid a number");
	refused_h("{\"alg\":\"RS256\",\"kid\":{}}", RS, KINDE_R_HEADER,
		  "header kid is not a string", "kid an object");
	parsed_h("{\"alg\":\"RS256\",\"kid\":\"\"}", RS, "empty kid parses");
	parsed_h("{\"alg\":\"RS256\",\"foo\":\"bar\",\"x5t\":\"abc\"}", RS,
		 "unknown parameters are ignored");
}

static void
empty_signature(void)
{
	char *tok = tok_h("{\"alg\":\"RS256\"}"), *t = strdup(tok);
	kinde_verdict_t *v = kinde_verdict_new(false);
	struct jws j;

	*(strrchr(t, '.') + 1) = '\0';
	refused(t, RS, KINDE_R_MALFORMED, "signature is empty",
		"empty signature");
	ok(jws_parse(&j, t, strlen(t), 0, v) == 0 && j.sig_len == 0,
	   "decode-only mode: empty signature allowed");
	jws_release(&j);
	kinde_verdict_reset(v);
	refused("eyJhbGciOiJub25lIn0.e30.", RS, KINDE_R_ALG, NULL,
		"alg none with an empty signature: the alg is reported");
	ok(jws_parse(&j, "eyJhbGciOiJub25lIn0.e30.", 24, 0, v) == 0 &&
	   j.payload_len == 2, "decode-only mode: alg none parses");
	jws_release(&j);
	kinde_verdict_free(v);
	free(t);
	free(tok);
}

/* ------------------------------------------------------------------ */
/* jws_verify_raw */

static int
vraw(const struct jwk *k, enum jws_alg alg, const char *msg,
     const unsigned char *sig, size_t siglen, kinde_reason_t *r,
     char *detail, size_t dlen)
{
	kinde_verdict_t *v = kinde_verdict_new(false);
	int rc = jws_verify_raw(k, alg, (const unsigned char *)msg,
				strlen(msg), sig, siglen, v);

	*r = kinde_verdict_reason(v);
	snprintf(detail, dlen, "%s", kinde_verdict_detail(v));
	kinde_verdict_free(v);
	return rc;
}

static void
verified(const struct jwk *k, enum jws_alg alg, const char *msg,
	 const unsigned char *sig, size_t siglen, const char *what)
{
	kinde_reason_t r;
	char detail[300];

	if (!ok(vraw(k, alg, msg, sig, siglen, &r, detail, sizeof(detail)) ==
		0 && r == KINDE_R_NONE, "verifies: %s", what))
		diag("  %s", detail);
}

static void
not_verified(const struct jwk *k, enum jws_alg alg, const char *msg,
	     const unsigned char *sig, size_t siglen, const char *want,
	     const char *what)
{
	kinde_reason_t r;
	char detail[300];
	int rc = vraw(k, alg, msg, sig, siglen, &r, detail, sizeof(detail));

	ok(rc == -1 && r == KINDE_R_SIGNATURE, "does not verify: %s", what);
	if (want != NULL)
		is_str(detail, want, "  detail of %s", what);
	ok(ERR_peek_error() == 0, "  no OpenSSL error left queued (%s)",
	   what);
}

static unsigned char *
sig_of(EVP_PKEY *pk, const char *alg, const char *msg, size_t *n)
{
	return tk_sig(pk, alg, (const unsigned char *)msg, strlen(msg), n);
}

/* PSS with a chosen salt length */
static unsigned char *
pss_salt(EVP_PKEY *pk, const char *msg, int saltlen, size_t *n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *sig = NULL;

	*n = 0;
	if (EVP_DigestSignInit_ex(ctx, &pctx, "SHA256", NULL, NULL, pk,
				  NULL) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, saltlen) != 1 ||
	    EVP_DigestSign(ctx, NULL, n, (const unsigned char *)msg,
			   strlen(msg)) != 1 ||
	    (sig = malloc(*n)) == NULL ||
	    EVP_DigestSign(ctx, sig, n, (const unsigned char *)msg,
			   strlen(msg)) != 1)
		abort();
	EVP_MD_CTX_free(ctx);
	return sig;
}

static void
verify_rsa(void)
{
	static const char *const algs[] = { "RS256", "RS384", "RS512",
					    "PS256", "PS384", "PS512" };
	const char *msg = "header.payload";
	unsigned char *sig, *buf;
	size_t n, i;

	for (i = 0; i < 6; i++) {
		sig = sig_of(rsa, algs[i], msg, &n);
		verified(krsa, (enum jws_alg)alg_from_name(algs[i]), msg, sig,
			 n, algs[i]);
		free(sig);
	}
	sig = sig_of(rsa, "RS256", msg, &n);
	not_verified(krsa, ALG_RS256, msg, sig, n - 1,
		     "signature is 255 bytes; RS256 with this key needs 256",
		     "RS256, 255 bytes");
	buf = calloc(1, n + 1);
	memcpy(buf + 1, sig, n);
	not_verified(krsa, ALG_RS256, msg, buf, n + 1,
		     "signature is 257 bytes; RS256 with this key needs 256",
		     "RS256, leading zero added (257 bytes)");
	not_verified(krsa, ALG_RS256, msg, sig, 0,
		     "signature is 0 bytes; RS256 with this key needs 256",
		     "RS256, empty");
	memcpy(buf, sig, n);
	buf[0] ^= 1;
	not_verified(krsa, ALG_RS256, msg, buf, n,
		     "RS256 signature does not verify with key \"k1\"",
		     "RS256, one bit changed");
	not_verified(krsa_nokid, ALG_RS256, msg, buf, n,
		     "RS256 signature does not verify with key \"(no kid)\"",
		     "RS256, key without kid");
	not_verified(krsa, ALG_RS256, "header.payloaD", sig, n, NULL,
		     "RS256, message changed");
	not_verified(krsa, ALG_RS384, msg, sig, n,
		     "RS384 signature does not verify with key \"k1\"",
		     "RS256 signature checked as RS384");
	not_verified(krsa, ALG_PS256, msg, sig, n, NULL,
		     "PKCS#1 v1.5 signature checked as PS256");
	free(buf);
	free(sig);
	sig = sig_of(rsa, "PS256", msg, &n);
	not_verified(krsa, ALG_RS256, msg, sig, n, NULL,
		     "PS256 signature checked as RS256");
	free(sig);
	sig = pss_salt(rsa, msg, 0, &n);
	not_verified(krsa, ALG_PS256, msg, sig, n, NULL,
		     "PS256 with salt length 0 (JWA: salt = hash length)");
	free(sig);
	sig = pss_salt(rsa, msg, 64, &n);
	not_verified(krsa, ALG_PS256, msg, sig, n, NULL,
		     "PS256 with a 64-byte salt");
	free(sig);
	sig = pss_salt(rsa, msg, 32, &n);
	verified(krsa, ALG_PS256, msg, sig, n, "PS256 with a 32-byte salt");
	free(sig);
}

static void
verify_ec(void)
{
	const char *msg = "header.payload";
	unsigned char *sig, *buf, *der = NULL;
	size_t n;
	int dl;
	ECDSA_SIG *es;

	sig = sig_of(p256, "ES256", msg, &n);
	is_int(n, 64, "ES256 raw signature is 64 bytes");
	verified(kp256, ALG_ES256, msg, sig, n, "ES256");
	not_verified(kp256, ALG_ES256, msg, sig, 63,
		     "signature is 63 bytes; ES256 with this key needs 64",
		     "ES256, 63 bytes");
	buf = calloc(1, 96);
	memcpy(buf, sig, 64);
	not_verified(kp256, ALG_ES256, msg, buf, 65,
		     "signature is 65 bytes; ES256 with this key needs 64",
		     "ES256, 65 bytes");
	not_verified(kp256, ALG_ES256, msg, buf, 96,
		     "signature is 96 bytes; ES256 with this key needs 64",
		     "ES256, 96 bytes");
	es = ECDSA_SIG_new();
	ECDSA_SIG_set0(es, BN_bin2bn(sig, 32, NULL),
		       BN_bin2bn(sig + 32, 32, NULL));
	dl = i2d_ECDSA_SIG(es, &der);
	ECDSA_SIG_free(es);
	not_verified(kp256, ALG_ES256, msg, der, (size_t)dl, NULL,
		     "ES256 in DER");
	OPENSSL_free(der);
	memset(buf, 0, 64);
	not_verified(kp256, ALG_ES256, msg, buf, 64,
		     "ES256 signature does not verify with key \"e1\"",
		     "ES256, r = s = 0");
	memcpy(buf, sig + 32, 32);
	memcpy(buf + 32, sig, 32);
	not_verified(kp256, ALG_ES256, msg, buf, 64, NULL,
		     "ES256, r and s swapped");
	{
		/* r = the group order n */
		static const unsigned char order[32] = {
			0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84,
			0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51
		};

		memcpy(buf, order, 32);
		memcpy(buf + 32, sig + 32, 32);
		not_verified(kp256, ALG_ES256, msg, buf, 64, NULL,
			     "ES256, r = n");
		memset(buf, 0xff, 64);
		not_verified(kp256, ALG_ES256, msg, buf, 64, NULL,
			     "ES256, r and s all ones (above n)");
	}
	free(sig);
	free(buf);

	sig = sig_of(p384, "ES384", msg, &n);
	is_int(n, 96, "ES384 raw signature is 96 bytes");
	verified(kp384, ALG_ES384, msg, sig, n, "ES384");
	not_verified(kp384, ALG_ES384, msg, sig, 64,
		     "signature is 64 bytes; ES384 with this key needs 96",
		     "ES384, 64 bytes");
	sig[10] ^= 0x20;
	not_verified(kp384, ALG_ES384, msg, sig, n, NULL, "ES384, bit flip");
	free(sig);
}

static void
verify_eddsa(void)
{
	const char *msg = "header.payload";
	unsigned char *sig, buf[65];
	size_t n;

	sig = sig_of(ed, "EdDSA", msg, &n);
	verified(ked, ALG_EDDSA, msg, sig, n, "EdDSA");
	not_verified(ked, ALG_EDDSA, msg, sig, 63,
		     "signature is 63 bytes; EdDSA with this key needs 64",
		     "EdDSA, 63 bytes");
	memcpy(buf, sig, 64);
	buf[64] = 0;
	not_verified(ked, ALG_EDDSA, msg, buf, 65,
		     "signature is 65 bytes; EdDSA with this key needs 64",
		     "EdDSA, 65 bytes");
	buf[40] ^= 2;
	not_verified(ked, ALG_EDDSA, msg, buf, 64,
		     "EdDSA signature does not verify with key \"d1\"",
		     "EdDSA, bit flip");
	not_verified(ked, ALG_EDDSA, "header.payloae", sig, 64, NULL,
		     "EdDSA, message changed");
	free(sig);
}

static void
verify_explain(void)
{
	kinde_verdict_t *v = kinde_verdict_new(true);
	struct kinde_check c;
	unsigned char zero[64] = { 0 };

	jws_verify_raw(ked, ALG_EDDSA, (const unsigned char *)"m", 1, zero, 64,
		       v);
	ok(kinde_verdict_check_count(v) == 1, "explain: one record");
	if (kinde_verdict_check_count(v) == 1) {
		kinde_verdict_check(v, 0, &c);
		ok(strcmp(c.name, "signature") == 0 && c.status == 0,
		   "  signature failed");
	}
	kinde_verdict_free(v);
}

/* ------------------------------------------------------------------ */
/* kinde_token_decode */

static void
decoded(const char *tok, const char *what)
{
	kinde_verdict_t *v = kinde_verdict_new(false);
	json_t *h = NULL, *c = NULL;

	if (!ok(kinde_token_decode(tok, strlen(tok), &h, &c, v) == KINDE_OK &&
		json_is_object(h) && json_is_object(c) &&
		kinde_verdict_reason(v) == KINDE_R_NONE, "decoded: %s", what))
		diag("  %s", kinde_verdict_detail(v));
	json_decref(h);
	json_decref(c);
	kinde_verdict_free(v);
}

static void
not_decoded(const char *tok, const char *want, const char *what)
{
	kinde_verdict_t *v = kinde_verdict_new(false);
	static json_t dummy;
	json_t *h = &dummy, *c = &dummy;

	ok(kinde_token_decode(tok, strlen(tok), &h, &c, v) ==
	   KINDE_E_REJECTED && kinde_verdict_reason(v) == KINDE_R_MALFORMED &&
	   h == NULL && c == NULL, "not decoded (malformed): %s", what);
	if (want != NULL &&
	    !ok(strncmp(kinde_verdict_detail(v), want, strlen(want)) == 0,
		"  detail of %s", what))
		diag("  got \"%s\"", kinde_verdict_detail(v));
	kinde_verdict_free(v);
}

static char *
unsigned_tok(const char *header, const char *payload)
{
	char *h = tk_b64(header, strlen(header));
	char *p = tk_b64(payload, strlen(payload));
	char *t = malloc(strlen(h) + strlen(p) + 3);

	sprintf(t, "%s.%s.", h, p);
	free(h);
	free(p);
	return t;
}

static void
decode_mode(void)
{
	kinde_verdict_t *v = kinde_verdict_new(false);
	json_t *h = NULL, *c = NULL;
	char *t;

	t = tk_sign(rsa, "RS256", "{\"alg\":\"RS256\",\"kid\":\"k1\"}",
		    PAYLOAD);
	ok(kinde_token_decode(t, strlen(t), &h, &c, v) == KINDE_OK,
	   "decode a valid token");
	ok(h != NULL && strcmp(json_string_value(json_object_get(h, "kid")),
			       "k1") == 0, "  header returned");
	ok(c != NULL && strcmp(json_string_value(json_object_get(c, "sub")),
			       "kp_1") == 0, "  claims returned");
	json_decref(h);
	json_decref(c);
	free(t);

	decoded(t = unsigned_tok("{\"alg\":\"none\"}", PAYLOAD),
		"alg none, empty signature");
	free(t);
	decoded(t = unsigned_tok("{\"alg\":\"HS256\",\"crit\":[\"x\"],\"jku\":\"https://x\"}",
				 PAYLOAD), "HS256, crit and jku (no rules)");
	free(t);
	decoded(t = unsigned_tok("{\"typ\":\"JWE\"}", PAYLOAD),
		"no alg, typ JWE");
	free(t);
	decoded(t = unsigned_tok("{\"alg\":\"RS256\",\"kid\":7}", PAYLOAD),
		"kid a number");
	free(t);

	not_decoded("a.b", "not a JWT: 2 segments", "2 segments");
	not_decoded("", "token is empty", "empty");
	not_decoded(t = unsigned_tok("[1]", PAYLOAD),
		    "header is not a JSON object", "header an array");
	free(t);
	not_decoded(t = unsigned_tok("{\"alg\":\"none\"}", "[1]"),
		    "payload is not a JSON object", "payload an array");
	free(t);
	not_decoded(t = unsigned_tok("{\"alg\":\"none\"}", "nope"),
		    "payload is not valid JSON: ", "payload not JSON");
	free(t);
	not_decoded(t = unsigned_tok("{\"alg\":\"none\"}",
				     "{\"a\":1,\"a\":2}"),
		    "payload is not valid JSON: ", "payload with duplicate keys");
	free(t);
	not_decoded(t = unsigned_tok("{\"alg\":\"none\"}", ""),
		    "payload is not valid JSON: ", "empty payload");
	free(t);
	t = unsigned_tok("{\"alg\":\"none\"}", PAYLOAD);
	{
		char *t2 = malloc(strlen(t) + 4);

		sprintf(t2, "%sA=", t);
		not_decoded(t2, "signature is not base64url",
			    "signature must still be strict base64url");
		free(t2);
	}

	/* the verdict is reset by each call */
	kinde_verdict_reset(v);
	kinde_token_decode("x", 1, &h, &c, v);
	ok(kinde_verdict_reason(v) == KINDE_R_MALFORMED, "reuse: a failure");
	ok(kinde_token_decode(t, strlen(t), &h, &c, v) == KINDE_OK &&
	   kinde_verdict_reason(v) == KINDE_R_NONE &&
	   kinde_verdict_detail(v)[0] == '\0',
	   "reuse: then a success clears it");
	json_decref(h);
	json_decref(c);
	free(t);
	kinde_verdict_free(v);
}

int
main(void)
{
	rsa = tk_rsa(2048);
	p256 = tk_ec("P-256");
	p384 = tk_ec("P-384");
	ed = tk_ed25519();
	krsa = mkkey(rsa, "k1");
	krsa_nokid = mkkey(rsa, NULL);
	kp256 = mkkey(p256, "e1");
	kp384 = mkkey(p384, "e2");
	ked = mkkey(ed, "d1");

	valid_token();
	segments();
	encoding();
	json_rules();
	header_rules();
	empty_signature();
	verify_rsa();
	verify_ec();
	verify_eddsa();
	verify_explain();
	decode_mode();

	jwk_free(krsa);
	jwk_free(krsa_nokid);
	jwk_free(kp256);
	jwk_free(kp384);
	jwk_free(ked);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(p256);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(ed);
	return done_testing();
}
