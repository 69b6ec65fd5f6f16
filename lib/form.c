/*
 * form.c - percent-encoding of form fields (RFC 3986 unreserved kept).
 */
#include "kinde-build.h"

#include "form.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void
put(struct form *f, char ch)
{
	char *p;

	if (f->failed)
		return;
	if (f->len + 2 > f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 256;

		p = malloc(cap);
		if (p == NULL) {
			f->failed = 1;
			return;
		}
		if (f->buf != NULL) {
			memcpy(p, f->buf, f->len);
			/* The old buffer may hold part of a secret. */
			kinde_wipe(f->buf, f->cap);
			free(f->buf);
		}
		f->buf = p;
		f->cap = cap;
	}
	f->buf[f->len++] = ch;
	f->buf[f->len] = '\0';
}

static void
put_encoded(struct form *f, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL) {
			put(f, (char)c);
		} else {
			put(f, '%');
			put(f, hex[c >> 4]);
			put(f, hex[c & 15]);
		}
	}
}

void
form_add(struct form *f, const char *name, const char *value)
{
	if (f->len > 0)
		put(f, '&');
	put_encoded(f, name);
	put(f, '=');
	put_encoded(f, value);
}

void
form_free(struct form *f)
{
	if (f->buf != NULL) {
		kinde_wipe(f->buf, f->cap);
		free(f->buf);
	}
	memset(f, 0, sizeof(*f));
}
