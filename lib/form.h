/*
 * form.h - application/x-www-form-urlencoded bodies (the token endpoint).
 */
#ifndef KINDE_FORM_H
#define KINDE_FORM_H

#include <stddef.h>

struct form {
	char *buf;
	size_t len, cap;
	int failed;
};

/* Appends "&name=value", percent-encoding both. */
void form_add(struct form *f, const char *name, const char *value);
/* Wipes (it may hold a client secret) and frees. */
void form_free(struct form *f);

#endif
