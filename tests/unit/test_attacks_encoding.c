/*
 * test_attacks_encoding.c - known attacks on JWT validation: the compact serialization (base64url alphabet, padding,
 * whitespace, length, unused bits, segments, size) and its JSON
 * (duplicate keys, encodings, deep nesting, numbers out of range).
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
attacks_encoding(void)
{
	char *pl, *tok, *h, *p, *s, *x, *h64, *p64;
	size_t i, len;
	json_t *c;

	/* payload whose encoding holds '-' and '_' */
	c = claims();
	json_object_set_new(c, "note", json_string("??????~~~~~~??????"));
	pl = dump(c);
	tok = sign(rsa1, "RS256", hdr("RS256", "rsa1"), pl);
	accept_tok(cfg_rs, tok, "token whose payload encoding has - and _");
	split3(tok, &h, &p, &s);

	x = xstrdup(p);
	ok(strchr(x, '-') != NULL && strchr(x, '_') != NULL,
	   "setup: the payload encoding holds '-' and '_'");
	*strchr(x, '-') = '+';
	attack(cfg_rs, sign_b64(rsa1, "RS256", h, x), "malformed",
	       "'+' for '-' in the payload (signed over)");
	x = xstrdup(p);
	*strchr(x, '_') = '/';
	attack(cfg_rs, sign_b64(rsa1, "RS256", h, x), "malformed",
	       "'/' for '_' in the payload (signed over)");

	/* padding */
	h64 = b64s(hdr("RS256", "rsa1"));
	len = strlen(h64);
	x = keep(calloc(1, len + 4));
	memcpy(x, h64, len);
	while (len % 4)
		x[len++] = '=';
	attack(cfg_rs, sign_b64(rsa1, "RS256", x, p), "malformed",
	       "header with '=' padding");
	x = kfmt("%s=", p);
	attack(cfg_rs, sign_b64(rsa1, "RS256", h, x), "malformed",
	       "payload with a trailing '='");
	attack(cfg_rs, kfmt("%s.%s.%s==", h, p, s), "malformed",
	       "signature with '==' padding");

	/* whitespace inside */
	x = xstrdup(p);
	len = strlen(x) / 2;
	attack(cfg_rs, sign_b64(rsa1, "RS256", h,
				kfmt("%.*s %s", (int)len, x, x + len)),
	       "malformed", "space inside the payload (signed over)");
	attack(cfg_rs, sign_b64(rsa1, "RS256", h,
				kfmt("%.*s\n%s", (int)len, x, x + len)),
	       "malformed", "newline inside the payload (signed over)");
	attack(cfg_rs, sign_b64(rsa1, "RS256", h,
				kfmt("%.*s\r\n%s", (int)len, x, x + len)),
	       "malformed", "CRLF inside the payload (signed over)");
	attack(cfg_rs, kfmt("%s.%s.%.*s\t%s", h, p, (int)(strlen(s) / 2), s,
			    s + strlen(s) / 2), "malformed",
	       "tab inside the signature");

	/* length mod 4 == 1 */
	x = xstrdup(p);
	len = strlen(x);
	x = kfmt("%s%.*s", x, (int)((5 - len % 4) % 4), "AAAA");
	ok(strlen(x) % 4 == 1, "setup: payload of length 1 mod 4");
	attack(cfg_rs, sign_b64(rsa1, "RS256", h, x), "malformed",
	       "payload of length 1 mod 4 (signed over)");
	x = kfmt("%s%.*s", s, (int)((5 - strlen(s) % 4) % 4), "AAAA");
	ok(strlen(x) % 4 == 1, "setup: signature of length 1 mod 4");
	attack(cfg_rs, kfmt("%s.%s.%s", h, p, x), "malformed",
	       "signature of length 1 mod 4");

	/* non-zero unused bits, signed over the dirty encoding */
	ok(strlen(h) % 4 >= 2, "setup: header has unused bits");
	attack(cfg_rs, sign_b64(rsa1, "RS256", dirty_tail(h), p), "malformed",
	       "header with non-zero trailing bits (signed over)");
	for (i = 0; i < 3; i++) {
		c = claims();
		json_object_set_new(c, "pad", json_string(&"xxx"[i]));
		pl = dump(c);
		p64 = b64s(pl);
		if (strlen(p64) % 4 >= 2)
			break;
	}
	attack(cfg_rs, sign_b64(rsa1, "RS256", h, dirty_tail(p64)),
	       "malformed", "payload with non-zero trailing bits (signed over)");
	attack(cfg_rs, kfmt("%s.%s.%s", h, p, dirty_tail(s)), "malformed",
	       "signature with non-zero trailing bits");

	/* segments */
	attack(cfg_rs, kfmt("%s.%s", h, p), "malformed", "2 segments");
	attack(cfg_rs, kfmt("%s.%s.%s.%s", h, p, s, s), "malformed",
	       "4 segments");
	attack(cfg_rs, kfmt("%s.%s.%s.", h, p, s), "malformed",
	       "trailing dot (4 segments)");
	attack(cfg_rs, kfmt("%s.%s.%s.%s.%s",
			    b64s("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256GCM\"}"),
			    "AAAA", "BBBB", p, "CCCC"), "malformed",
	       "5 segments (JWE)");
	attack(cfg_rs, "", "malformed", "empty token");
	attack(cfg_rs, ".", "malformed", "a lone dot");
	attack(cfg_rs, "..", "malformed", "two dots");
	attack(cfg_rs, kfmt(".%s.%s", p, s), "malformed", "empty header");
	attack(cfg_rs, "Bearer", "malformed", "one word");
	attack(cfg_rs, kfmt("Bearer %s", tok), "malformed",
	       "\"Bearer \" prefix");

	/* size */
	x = sized_token(16385);
	if (x != NULL)
		attack(cfg_rs, x, "malformed",
		       "a signed token of 16 KiB + 1 byte");
	else
		ok(0, "could not build a 16385-byte token");
	x = keep(malloc(1 << 20));
	memset(x, 'A', (1 << 20) - 1);
	x[1000] = '.';
	x[2000] = '.';
	x[(1 << 20) - 1] = '\0';
	attack(cfg_rs, x, "malformed", "1 MiB token");

	/* whitespace and NUL around and in the token */
	attack(cfg_rs, kfmt(" %s", tok), "malformed", "leading space");
	attack(cfg_rs, kfmt("%s ", tok), "malformed", "trailing space");
	attack(cfg_rs, kfmt("%s\n", tok), "malformed", "trailing newline");
	attack(cfg_rs, kfmt("%s\r\n", tok), "malformed", "trailing CRLF");
	attack(cfg_rs, kfmt("\t%s", tok), "malformed", "leading tab");
	x = kfmt("%s", tok);
	len = strlen(x);
	attack_full(cfg_rs, ks, x, len + 1, "malformed",
		    "token with its terminating NUL counted");
	x = kfmt("%s.%s.%s", h, p, s);
	x[strlen(h) + 4] = '\0';
	attack_full(cfg_rs, ks, x, strlen(h) + strlen(p) + strlen(s) + 2,
		    "malformed", "NUL byte inside the payload segment");
}

static void
attacks_json(void)
{
	const char *h = NULL;
	char *pl, *deep;
	size_t i, depth = 3000;
	json_t *c;

	h = hdr("RS256", "rsa1");
	attack(cfg_rs, sign(rsa1, "RS256", "[\"RS256\",\"rsa1\"]", payload()),
	       "malformed", "header a JSON array");
	attack(cfg_rs, sign(rsa1, "RS256", "\"RS256\"", payload()),
	       "malformed", "header a JSON string");
	attack(cfg_rs, sign(rsa1, "RS256", "256", payload()), "malformed",
	       "header a JSON number");
	attack(cfg_rs, sign(rsa1, "RS256", "null", payload()), "malformed",
	       "header JSON null");
	attack(cfg_rs, sign(rsa1, "RS256", "not json", payload()),
	       "malformed", "header not JSON");
	attack(cfg_rs, sign(rsa1, "RS256", h, "[{\"sub\":\"x\"}]"),
	       "malformed", "payload a JSON array (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h, "\"kp_x\""), "malformed",
	       "payload a JSON string (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h, "4"), "malformed",
	       "payload a JSON number (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h, ""), "malformed",
	       "empty payload (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h, "hello"), "malformed",
	       "payload not JSON (validly signed)");

	/* duplicate keys */
	attack(cfg_rs, sign(rsa1, "RS256",
			    "{\"alg\":\"RS256\",\"alg\":\"none\",\"kid\":\"rsa1\"}",
			    payload()), "malformed",
	       "header with alg twice (RS256, then none)");
	attack(cfg_rs, sign(rsa1, "RS256",
			    "{\"alg\":\"RS256\",\"kid\":\"rsa9\",\"kid\":\"rsa1\"}",
			    payload()), "malformed", "header with kid twice");
	pl = payload();
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"sub\":\"kp_attacker\",%s", pl + 1)),
	       "malformed", "payload with sub twice (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"exp\":%lld,%s", (long long)NOW - 3600,
				 pl + 1)), "malformed",
	       "payload with exp twice (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"iss\":\"https://evil.example\",%s",
				 pl + 1)), "malformed",
	       "payload with iss twice (validly signed)");

	/* encodings */
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"nick\":\"a\xff\",%s", pl + 1)),
	       "malformed", "invalid UTF-8 in a claim (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"nick\":\"\xc0\xaf\",%s", pl + 1)),
	       "malformed", "overlong UTF-8 in a claim (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"nick\":\"\xed\xa0\x80\",%s", pl + 1)),
	       "malformed", "UTF-8 surrogate in a claim (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"nick\":\"\\ud800\",%s", pl + 1)),
	       "malformed", "lone surrogate escape (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"nick\":\"kp_x\\u0000root\",%s", pl + 1)),
	       "malformed", "\\u0000 in a claim (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256",
			    "{\"alg\":\"RS256\",\"kid\":\"rsa1\xff\"}",
			    payload()), "malformed", "invalid UTF-8 in kid");
	attack(cfg_rs, sign(rsa1, "RS256", h, kfmt("%sx", pl)), "malformed",
	       "trailing garbage after the payload object (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", h, kfmt("%s{}", pl)), "malformed",
	       "two payload objects (validly signed)");
	attack(cfg_rs, sign(rsa1, "RS256", kfmt("%s,", h), payload()),
	       "malformed", "trailing comma after the header object");
	attack(cfg_rs, sign(rsa1, "RS256", h, kfmt("%.*s", (int)strlen(pl) - 1,
						 pl)), "malformed",
	       "truncated payload JSON (validly signed)");

	/* nesting deep enough to exhaust a recursive parser */
	deep = keep(malloc(2 * depth + 16));
	memcpy(deep, "{\"x\":", 5);
	for (i = 0; i < depth; i++)
		deep[5 + i] = '[';
	for (i = 0; i < depth; i++)
		deep[5 + depth + i] = ']';
	memcpy(deep + 5 + 2 * depth, "}", 2);
	attack(cfg_rs, sign(rsa1, "RS256", h, deep), "malformed",
	       "payload nested 3000 deep (validly signed)");

	/* numbers jansson cannot hold */
	c = claims();
	json_object_del(c, "exp");
	pl = dump(c);
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"exp\":1e400,%s", pl + 1)), "malformed",
	       "exp 1e400 (real overflow)");
	/* An integer beyond int64 is a number, not a malformed payload:
	 * refused in a time claim, ignored elsewhere (test_attacks_claims's
	 * references_found). */
	attack(cfg_rs, sign(rsa1, "RS256", h,
			    kfmt("{\"exp\":99999999999999999999,%s", pl + 1)),
	       "claims", "exp 99999999999999999999 (beyond int64)");
}

int
main(void)
{
	attacks_setup();
	attacks_encoding();
	attacks_json();
	return attacks_done(61, 1);
}
