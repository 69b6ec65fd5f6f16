/*
 * fuzz_b64url.c - libFuzzer target: the input is base64url text, and also
 * bytes to encode.
 *
 * Properties:
 *  - a failed decode names an offset within the input (or its length);
 *  - a successful decode fits B64URL_DECODED_MAX, and encoding the result
 *    gives back the input exactly (the strict form is the only form: no
 *    two encodings of one value), which decodes to the same bytes again;
 *  - encoding the input as bytes gives B64URL_ENCODED_LEN characters that
 *    decode back to the input.
 */
#include "kinde-build.h"

#include "fuzz.h"

#include "b64url.h"

#include <string.h>

const char fuzz_target_name[] = "b64url";

static void
round_trip_text(const char *in, size_t len)
{
	unsigned char *dec, *dec2;
	char *enc;
	size_t n, n2, bad = (size_t)-1;

	/* Exact sizes, so ASan sees any write past the documented bound. */
	dec = malloc(B64URL_DECODED_MAX(len));
	if (dec == NULL)
		abort();
	if (b64url_decode(in, len, dec, &n, &bad) != 0) {
		FUZZ_ASSERT(bad <= len);
		free(dec);
		return;
	}
	FUZZ_ASSERT(n <= B64URL_DECODED_MAX(len));
	enc = malloc(B64URL_ENCODED_LEN(n) + 1);
	if (enc == NULL)
		abort();
	b64url_encode(dec, n, enc);
	FUZZ_ASSERT(strlen(enc) == B64URL_ENCODED_LEN(n));
	FUZZ_ASSERT(strlen(enc) == len && memcmp(enc, in, len) == 0);
	dec2 = malloc(B64URL_DECODED_MAX(len));
	if (dec2 == NULL)
		abort();
	FUZZ_ASSERT(b64url_decode(enc, strlen(enc), dec2, &n2, NULL) == 0);
	FUZZ_ASSERT(n2 == n && memcmp(dec, dec2, n) == 0);
	free(dec2);
	free(enc);
	free(dec);
}

static void
round_trip_bytes(const unsigned char *in, size_t len)
{
	size_t elen = B64URL_ENCODED_LEN(len), n;
	unsigned char *dec;
	char *enc;

	enc = malloc(elen + 1);
	dec = malloc(B64URL_DECODED_MAX(elen));
	if (enc == NULL || dec == NULL)
		abort();
	b64url_encode(in, len, enc);
	FUZZ_ASSERT(strlen(enc) == elen);
	FUZZ_ASSERT(b64url_decode(enc, elen, dec, &n, NULL) == 0);
	FUZZ_ASSERT(n == len && memcmp(dec, in, len) == 0);
	free(dec);
	free(enc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	round_trip_text((const char *)data, size);
	round_trip_bytes(data, size);
	return 0;
}
