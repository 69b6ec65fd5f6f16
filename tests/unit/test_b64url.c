/*
 * test_b64url.c - strict base64url (lib/b64url.c).
 */
#include "kinde-build.h"

#include "b64url.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Decodes a C string; returns rc, fills out/outlen/bad_at. */
static int
dec(const char *in, size_t inlen, unsigned char *out, size_t *outlen,
    size_t *bad)
{
	*outlen = (size_t)-1;
	*bad = (size_t)-1;
	return b64url_decode(in, inlen, out, outlen, bad);
}

static void
rfc4648_vectors(void)
{
	/* RFC 4648 §10, unpadded; the url alphabet changes none of these */
	static const struct {
		const char *plain, *enc;
	} v[] = {
		{ "", "" },
		{ "f", "Zg" },
		{ "fo", "Zm8" },
		{ "foo", "Zm9v" },
		{ "foob", "Zm9vYg" },
		{ "fooba", "Zm9vYmE" },
		{ "foobar", "Zm9vYmFy" },
	};
	unsigned char out[64];
	char enc[64];
	size_t i, n, bad;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		b64url_encode((const unsigned char *)v[i].plain,
			      strlen(v[i].plain), enc);
		is_str(enc, v[i].enc, "encode \"%s\"", v[i].plain);
		is_int(dec(v[i].enc, strlen(v[i].enc), out, &n, &bad), 0,
		       "decode \"%s\"", v[i].enc);
		ok(n == strlen(v[i].plain) &&
		   memcmp(out, v[i].plain, n) == 0, "decode \"%s\" = \"%s\"",
		   v[i].enc, v[i].plain);
		is_int(B64URL_ENCODED_LEN(strlen(v[i].plain)),
		       strlen(v[i].enc), "B64URL_ENCODED_LEN(%zu)",
		       strlen(v[i].plain));
	}
}

static void
url_alphabet(void)
{
	/* The bytes whose standard encoding holds '+' and '/' */
	static const unsigned char b1[] = { 0xfb, 0xff, 0xbf };
	static const unsigned char b2[] = { 0xfb, 0xf0 };
	static const unsigned char b3[] = { 0xff };
	unsigned char out[8];
	char enc[8];
	size_t n, bad;

	b64url_encode(b1, sizeof(b1), enc);
	is_str(enc, "-_-_", "fb ff bf encodes with - and _ (std: +/+/)");
	b64url_encode(b2, sizeof(b2), enc);
	is_str(enc, "-_A", "fb f0 encodes to -_A (std: +/A=)");
	b64url_encode(b3, sizeof(b3), enc);
	is_str(enc, "_w", "ff encodes to _w (std: /w==)");
	ok(dec("-_-_", 4, out, &n, &bad) == 0 && n == 3 &&
	   memcmp(out, b1, 3) == 0, "-_-_ decodes to fb ff bf");
	ok(dec("_w", 2, out, &n, &bad) == 0 && n == 1 && out[0] == 0xff,
	   "_w decodes to ff");
	is_int(dec("+/+/", 4, out, &n, &bad), -1,
	       "standard alphabet +/+/ refused");
	is_int(bad, 0, "  bad_at 0");
	is_int(dec("/w", 2, out, &n, &bad), -1, "standard /w refused");
	is_int(bad, 0, "  bad_at 0");
}

static void
round_trips(void)
{
	unsigned char in[301], out[B64URL_DECODED_MAX(404)];
	char enc[B64URL_ENCODED_LEN(300) + 1];
	size_t len, i, n, bad, fails = 0, alpha_fails = 0, lenfails = 0;

	srand(4648);
	for (len = 0; len <= 300; len++) {
		for (i = 0; i < len; i++)
			in[i] = (unsigned char)(rand() & 0xff);
		memset(enc, '#', sizeof(enc));
		b64url_encode(in, len, enc);
		if (strlen(enc) != B64URL_ENCODED_LEN(len) ||
		    strlen(enc) % 4 == 1)
			lenfails++;
		if (strspn(enc, alphabet) != strlen(enc))
			alpha_fails++;
		if (dec(enc, strlen(enc), out, &n, &bad) != 0 || n != len ||
		    memcmp(out, in, len) != 0 ||
		    n > B64URL_DECODED_MAX(strlen(enc))) {
			if (fails++ == 0)
				diag("round trip failed at length %zu", len);
		}
	}
	is_int(fails, 0, "301 random round trips, lengths 0..300");
	is_int(alpha_fails, 0, "encodings use only the url alphabet, no '='");
	is_int(lenfails, 0, "encoded lengths match B64URL_ENCODED_LEN");
}

static void
rejections(void)
{
	static const struct {
		const char *in;
		size_t len;	/* 0: strlen */
		size_t bad_at;
		const char *what;
	} v[] = {
		{ "Zg==", 0, 2, "padding '=' (2)" },
		{ "Zm8=", 0, 3, "padding '=' (1)" },
		{ "Zm9v=", 0, 5, "length 5 (mod 4 == 1) before any character" },
		{ "Zm9vYmFy=", 0, 9, "'=' making length 1 mod 4" },
		{ "Zm9vYm==", 0, 6, "padding after a full group" },
		{ "Zm+v", 0, 2, "'+'" },
		{ "Zm/v", 0, 2, "'/'" },
		{ "Zm9vYmF+", 0, 7, "'+' in the second group" },
		{ "Zm9 ", 0, 3, "space" },
		{ " Zm9v", 0, 5, "leading space, length 1 mod 4" },
		{ " Zm9vYg", 0, 0, "leading space" },
		{ "Zm9vYg ", 0, 6, "trailing space" },
		{ "Zm\n9v", 0, 5, "newline, length 1 mod 4" },
		{ "Zm\n9vY", 0, 2, "newline" },
		{ "Zm9v\r\n", 0, 4, "CRLF at the end" },
		{ "Zm9v\tYg", 0, 4, "tab in the tail group" },
		{ "Zm\0v", 4, 2, "NUL byte" },
		{ "Zm.v", 0, 2, "'.'" },
		{ "Zm9v\x80Yg", 0, 4, "byte 0x80" },
		{ "Zm9v\xffYg", 0, 4, "byte 0xff" },
		{ "A", 0, 1, "a single character" },
		{ "AAAAA", 0, 5, "five characters" },
		{ "Zh", 0, 2, "non-zero trailing bits (2 chars)" },
		{ "Zm9", 0, 3, "non-zero trailing bits (3 chars)" },
		{ "Zm9vZh", 0, 6, "non-zero trailing bits after a group" },
		{ "AB", 0, 2, "AB: trailing bits 0001" },
		{ "AAB", 0, 3, "AAB: trailing bits 01" },
		{ "Zm9vYmFyZm9vYmF\x01", 0, 15, "control byte at 15" },
	};
	unsigned char out[64];
	size_t i, n, bad, len;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		len = v[i].len ? v[i].len : strlen(v[i].in);
		is_int(dec(v[i].in, len, out, &n, &bad), -1, "refused: %s",
		       v[i].what);
		is_int(bad, v[i].bad_at, "  bad_at for %s", v[i].what);
	}
	/* NULL bad_at is allowed */
	is_int(b64url_decode("Zm+v", 4, out, &n, NULL), -1,
	       "bad character with bad_at NULL");
	is_int(b64url_decode("Zh", 2, out, &n, NULL), -1,
	       "trailing bits with bad_at NULL");
	is_int(b64url_decode("A", 1, out, &n, NULL), -1,
	       "bad length with bad_at NULL");
	/* only inlen counts: the NUL after it is not looked at */
	ok(b64url_decode("Zm9v+", 4, out, &n, &bad) == 0 && n == 3,
	   "decoding stops at inlen");
	ok(b64url_decode("", 0, out, &n, &bad) == 0 && n == 0,
	   "empty input decodes to nothing");
}

/* Every byte value in every position of an 8-character string. */
static void
every_byte(void)
{
	unsigned char out[16];
	char buf[9];
	size_t n, bad, pos;
	unsigned b;
	int wrong = 0, accepted = 0;

	for (b = 0; b < 256; b++) {
		for (pos = 0; pos < 8; pos++) {
			int in_alpha = b != 0 && strchr(alphabet, (int)b) != NULL;
			int rc;

			memcpy(buf, "Zm9vYmFy", 9);
			buf[pos] = (char)b;
			rc = dec(buf, 8, out, &n, &bad);
			if (in_alpha) {
				accepted++;
				if (rc != 0 || n != 6)
					wrong++;
			} else if (rc != -1 || bad != pos) {
				if (wrong++ < 3)
					diag("byte 0x%02x at %zu: rc %d bad %zu",
					     b, pos, rc, bad);
			}
		}
	}
	is_int(wrong, 0, "all 256 byte values at all 8 positions");
	is_int(accepted, 64 * 8, "exactly the 64 alphabet characters pass");
}

/* Canonical tails: a 2- or 3-character tail is accepted exactly when it
 * is the encoding of what it decodes to. */
static void
canonical_tails(void)
{
	unsigned char out[4];
	char in[4], re[8];
	size_t i, j, k, n, bad;
	unsigned long acc2 = 0, acc3 = 0, noncanon = 0;
	unsigned char seen2[256] = { 0 };

	for (i = 0; i < 64; i++) {
		for (j = 0; j < 64; j++) {
			in[0] = alphabet[i];
			in[1] = alphabet[j];
			if (dec(in, 2, out, &n, &bad) == 0) {
				acc2++;
				seen2[out[0]] = 1;
				b64url_encode(out, n, re);
				if (n != 1 || memcmp(re, in, 2) != 0)
					noncanon++;
			} else if (bad != 2) {
				noncanon++;
			}
			for (k = 0; k < 64; k++) {
				in[2] = alphabet[k];
				if (dec(in, 3, out, &n, &bad) == 0) {
					acc3++;
					b64url_encode(out, n, re);
					if (n != 2 || memcmp(re, in, 3) != 0)
						noncanon++;
				} else if (bad != 3) {
					noncanon++;
				}
			}
		}
	}
	is_int(acc2, 256, "2-char tails: exactly 256 accepted (one per byte)");
	is_int(acc3, 65536,
	       "3-char tails: exactly 65536 accepted (one per 2 bytes)");
	is_int(noncanon, 0, "every accepted tail re-encodes to itself");
	n = 0;
	for (i = 0; i < 256; i++)
		n += seen2[i];
	is_int(n, 256, "every byte value has its 2-char encoding");
}

static void
macros(void)
{
	size_t n;
	int bad = 0;

	for (n = 0; n < 1000; n++) {
		size_t e = B64URL_ENCODED_LEN(n);

		if (e != (n * 8 + 5) / 6)
			bad++;
		if (B64URL_DECODED_MAX(e) < n)
			bad++;
	}
	is_int(bad, 0, "ENCODED_LEN = ceil(8n/6), DECODED_MAX >= n");
	is_int(B64URL_ENCODED_LEN(256), 342, "256 bytes -> 342 characters");
	is_int(B64URL_ENCODED_LEN(64), 86, "64 bytes -> 86 characters");
}

int
main(void)
{
	rfc4648_vectors();
	url_alphabet();
	round_trips();
	rejections();
	every_byte();
	canonical_tails();
	macros();
	return done_testing();
}
