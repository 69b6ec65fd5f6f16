/*
 * b64url.h - strict base64url (RFC 7515 §2): no padding, no '+' '/' or
 * whitespace, length mod 4 != 1, unused trailing bits zero.  The strictness
 * closes off malleable encodings of the same token.
 */
#ifndef KINDE_B64URL_H
#define KINDE_B64URL_H

#include <stddef.h>

/* Upper bound of the decoded size of inlen characters. */
#define B64URL_DECODED_MAX(inlen) ((inlen) / 4 * 3 + 2)
/* Exact encoded size of n bytes (without a NUL). */
#define B64URL_ENCODED_LEN(n) (((n) / 3) * 4 + ((n) % 3 ? (n) % 3 + 1 : 0))

/*
 * Decodes in[0..inlen) into out (B64URL_DECODED_MAX(inlen) bytes).
 * Returns 0 and sets *outlen, or -1 on any deviation from the strict form;
 * then *bad_at (if not NULL) is the offset of the offending character, or
 * inlen for a bad length or non-zero trailing bits.
 */
int b64url_decode(const char *in, size_t inlen, unsigned char *out,
		  size_t *outlen, size_t *bad_at);

/* Encodes n bytes into out (B64URL_ENCODED_LEN(n) + 1 bytes), NUL-ended. */
void b64url_encode(const unsigned char *in, size_t n, char *out);

#endif
