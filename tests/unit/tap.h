/*
 * tap.h - a minimal Test Anything Protocol producer for the C tests.
 * Each ok() is one test case; done_testing() prints the plan and returns
 * the exit status (non-zero when any case failed).
 */
#ifndef KINDE_TAP_H
#define KINDE_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int tap_ok(int cond, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_skip(const char *why, ...) __attribute__((format(printf, 1, 2)));
int tap_done(void);
int tap_failures(void);
/* Whether s holds a control character (C0 or DEL). */
int tap_has_ctl(const char *s);
/* s with control characters shown as \xNN, for TAP lines; the result
 * lives in one of four rotating static buffers. */
const char *tap_vis(const char *s);

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define diag(...) tap_diag(__VA_ARGS__)
#define skip(...) tap_skip(__VA_ARGS__)
#define done_testing() tap_done()

#define is_int(got, want, ...)                                             \
	do {                                                               \
		long long g_ = (long long)(got), w_ = (long long)(want);  \
		if (!ok(g_ == w_, __VA_ARGS__))                            \
			diag("  got %lld, want %lld", g_, w_);            \
	} while (0)

#define is_str(got, want, ...)                                             \
	do {                                                               \
		const char *g_ = (got), *w_ = (want);                      \
		if (!ok(g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0,   \
			__VA_ARGS__))                                      \
			diag("  got \"%s\", want \"%s\"",                  \
			     g_ ? g_ : "(null)", w_ ? w_ : "(null)");      \
	} while (0)

#endif
