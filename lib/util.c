/*
 * util.c - string lists, bounded formatting, escaping and secret wiping.
 */
#include "kinde-build.h"

#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

int
strlist_add(struct strlist *l, const char *s)
{
	char **v;
	char *copy;

	copy = strdup(s);
	if (copy == NULL)
		return -1;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (v == NULL) {
		free(copy);
		return -1;
	}
	v[l->n++] = copy;
	l->v = v;
	return 0;
}

kinde_err_t
strlist_add_words(struct strlist *l, const char *s)
{
	static const char seps[] = ", \t\r\n";
	char word[512];
	size_t len;

	while (*s != '\0') {
		s += strspn(s, seps);
		len = strcspn(s, seps);
		if (len == 0)
			break;
		if (len >= sizeof(word))
			return KINDE_E_CONFIG;
		memcpy(word, s, len);
		word[len] = '\0';
		if (strlist_add(l, word) < 0)
			return KINDE_E_NOMEM;
		s += len;
	}
	return KINDE_OK;
}

bool
strlist_has(const struct strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

void
strlist_clear(struct strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
strlist_join(const char *const *v, size_t n, const char *sep, char *buf,
	     size_t buflen)
{
	size_t i, used = 0, add, seplen = strlen(sep);

	if (buflen == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		add = strlen(v[i]) + (i ? seplen : 0);
		if (used + add + 4 > buflen) {
			/* Room for "..." is kept: cut back to make it. */
			if (buflen < 4)
				return;
			if (used > buflen - 4)
				used = buflen - 4;
			memcpy(buf + used, "...", 4);
			return;
		}
		used += (size_t)snprintf(buf + used, buflen - used, "%s%s",
					 i ? sep : "", v[i]);
	}
}

void
strlist_join_escaped(const char *const *v, size_t n, const char *sep,
		     char *buf, size_t buflen)
{
	char *raw = malloc(buflen);

	if (raw == NULL) {
		if (buflen > 0)
			buf[0] = '\0';
		return;
	}
	strlist_join(v, n, sep, raw, buflen);
	kinde_escape(raw, buf, buflen);
	free(raw);
}

void
kinde_vfmt(char *buf, size_t len, const char *fmt, va_list ap)
{
	int n;

	if (len == 0)
		return;
	n = vsnprintf(buf, len, fmt, ap);
	if (n < 0)
		buf[0] = '\0';
}

void
kinde_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kinde_vfmt(buf, len, fmt, ap);
	va_end(ap);
}

void
kinde_wipe(void *p, size_t len)
{
	if (p != NULL && len > 0)
		OPENSSL_cleanse(p, len);
}

void
kinde_free_secret(char *s)
{
	if (s == NULL)
		return;
	kinde_wipe(s, strlen(s));
	free(s);
}

bool
kinde_ct_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

void
kinde_escape(const char *s, char *buf, size_t buflen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t used = 0;

	if (buflen == 0)
		return;
	for (; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\') {
			if (used + 5 >= buflen)
				break;
			buf[used++] = '\\';
			buf[used++] = 'x';
			buf[used++] = hex[*p >> 4];
			buf[used++] = hex[*p & 0xf];
		} else {
			if (used + 2 >= buflen)
				break;
			buf[used++] = (char)*p;
		}
	}
	buf[used] = '\0';
}

void
kinde_hex(const unsigned char *b, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[2 * n] = '\0';
}

void
kinde_redact(const char *secret, char *buf, size_t buflen)
{
	char head[8], tail[5];
	size_t len = strlen(secret);

	if (len <= 16) {
		/* Too short to show any part without giving most of it away. */
		kinde_fmt(buf, buflen, "(%zu characters)", len);
		return;
	}
	memcpy(head, secret, 7);
	head[7] = '\0';
	memcpy(tail, secret + len - 4, 4);
	tail[4] = '\0';
	{
		char eh[40], et[24];

		kinde_escape(head, eh, sizeof(eh));
		kinde_escape(tail, et, sizeof(et));
		kinde_fmt(buf, buflen, "%s...%s", eh, et);
	}
}

char *
kinde_strdup(const char *s)
{
	return s == NULL ? NULL : strdup(s);
}
