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

#define KINDE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define KINDE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KINDE_PRINTF(f, a)
#endif

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

/* snprintf that never fails: truncates, always NUL-terminates. */
void kinde_fmt(char *buf, size_t len, const char *fmt, ...) KINDE_PRINTF(3, 4);
void kinde_vfmt(char *buf, size_t len, const char *fmt, va_list ap)
	KINDE_PRINTF(3, 0);

/* Overwrites len bytes so the compiler cannot drop the store. */
void kinde_wipe(void *p, size_t len);
/* Wipes and frees a NUL-terminated secret. */
void kinde_free_secret(char *s);

/* Constant-time comparison of two buffers of the same length. */
bool kinde_ct_equal(const void *a, const void *b, size_t len);

/*
 * Copies s into buf for display, escaping control characters, quotes and
 * bytes >= 0x7f as \xNN so a claim can never forge a log line.
 */
void kinde_escape(const char *s, char *buf, size_t buflen);

/* n bytes as 2n lowercase hex digits and a NUL: out holds 2n + 1. */
void kinde_hex(const unsigned char *b, size_t n, char *out);

/* Shows a secret as its first 7 and last 4 characters ("k_live_…a1b2"). */
void kinde_redact(const char *secret, char *buf, size_t buflen);

/* Duplicates a string; NULL stays NULL; aborts nothing: NULL on ENOMEM. */
char *kinde_strdup(const char *s);

#endif
