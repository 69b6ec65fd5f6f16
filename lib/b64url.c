/*
 * b64url.c - strict base64url decoding and encoding.
 */
#include "kinde-build.h"

#include "b64url.h"

#include <stdint.h>

/* 0..63 for the alphabet, 0xff for everything else (incl. '=' '+' '/'). */
static const uint8_t dec[256] = {
#define X 0xff
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, 62, X, X,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, X, X, X, X, X, X,
	X, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, X, X, X, X, 63,
	X, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
	X, X, X, X, X, X, X, X, X, X, X, X, X, X, X, X,
#undef X
};

static const char enc[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
b64url_decode(const char *in, size_t inlen, unsigned char *out,
	      size_t *outlen, size_t *bad_at)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i, o = 0, full = inlen / 4 * 4, rest = inlen % 4;
	uint32_t acc;
	uint8_t a, b, c, d;

	if (rest == 1) {
		if (bad_at != NULL)
			*bad_at = inlen;
		return -1;
	}
	for (i = 0; i < full; i += 4) {
		a = dec[p[i]];
		b = dec[p[i + 1]];
		c = dec[p[i + 2]];
		d = dec[p[i + 3]];
		if ((a | b | c | d) & 0xc0)
			goto bad_char;
		acc = (uint32_t)a << 18 | (uint32_t)b << 12 |
		      (uint32_t)c << 6 | d;
		out[o++] = (unsigned char)(acc >> 16);
		out[o++] = (unsigned char)(acc >> 8);
		out[o++] = (unsigned char)acc;
	}
	if (rest >= 2) {
		a = dec[p[i]];
		b = dec[p[i + 1]];
		c = rest == 3 ? dec[p[i + 2]] : 0;
		if ((a | b | c) & 0xc0)
			goto bad_char;
		/* The bits past the last whole byte must be zero. */
		if ((rest == 2 && (b & 0x0f)) || (rest == 3 && (c & 0x03))) {
			if (bad_at != NULL)
				*bad_at = inlen;
			return -1;
		}
		out[o++] = (unsigned char)(a << 2 | b >> 4);
		if (rest == 3)
			out[o++] = (unsigned char)(b << 4 | c >> 2);
	}
	*outlen = o;
	return 0;

bad_char:
	if (bad_at != NULL) {
		while (dec[p[i]] != 0xff)
			i++;
		*bad_at = i;
	}
	return -1;
}

void
b64url_encode(const unsigned char *in, size_t n, char *out)
{
	size_t i, o = 0;
	uint32_t acc;

	for (i = 0; i + 3 <= n; i += 3) {
		acc = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		      in[i + 2];
		out[o++] = enc[acc >> 18];
		out[o++] = enc[(acc >> 12) & 63];
		out[o++] = enc[(acc >> 6) & 63];
		out[o++] = enc[acc & 63];
	}
	if (n - i == 1) {
		out[o++] = enc[in[i] >> 2];
		out[o++] = enc[(in[i] & 3) << 4];
	} else if (n - i == 2) {
		acc = (uint32_t)in[i] << 8 | in[i + 1];
		out[o++] = enc[acc >> 10];
		out[o++] = enc[(acc >> 4) & 63];
		out[o++] = enc[(acc & 15) << 2];
	}
	out[o] = '\0';
}
