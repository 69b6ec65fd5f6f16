/*
 * util.h - small helpers shared by the core: string lists, bounded string
 * formatting and wiping of secrets.
 */
#ifndef KINDE_UTIL_H
#define KINDE_UTIL_H

#include "kinde.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* (kinde_fmt, kinde_escape, kinde_wipe, kinde_redact, KINDE_ARRAY_SIZE:
 * public, in kinde.h.) */

/* A growable list of owned strings. */
struct strlist {
	char **v;
	size_t n;
	unsigned gen;	/* config source that last set it, see config.c */
};

/* Appends a copy of s.  -1 on allocation failure. */
int strlist_add(struct strlist *l, const char *s);
/* Appends each word of s split on commas and whitespace: KINDE_OK,
 * KINDE_E_CONFIG for a word of 512 bytes or more, KINDE_E_NOMEM (the
 * words before the failure stay in l). */
kinde_err_t strlist_add_words(struct strlist *l, const char *s);
bool strlist_has(const struct strlist *l, const char *s);
void strlist_clear(struct strlist *l);
/* Joins with sep into buf (truncated with "..." when too long). */
void strlist_join(const char *const *v, size_t n, const char *sep, char *buf,
		  size_t buflen);

/* The same, with control characters and quotes escaped (kinde_escape):
 * for values from a token that end up in a message or a log line. */
void strlist_join_escaped(const char *const *v, size_t n, const char *sep,
			  char *buf, size_t buflen);

/* Constant-time comparison of two buffers of the same length. */
bool kinde_ct_equal(const void *a, const void *b, size_t len);

/* n bytes as 2n lowercase hex digits and a NUL: out holds 2n + 1. */
void kinde_hex(const unsigned char *b, size_t n, char *out);

/* Duplicates a string; NULL stays NULL; aborts nothing: NULL on ENOMEM. */
char *kinde_strdup(const char *s);

#endif
