/*
 * errrec.h - the one way an error's detail travels in the core.
 *
 * A recorder is a fixed buffer that keeps the FIRST message written to it
 * (later ones describe consequences, not the cause), as libjwt's
 * jwt_write_error / jwt_copy_error.  The config, the client and the
 * verdict each hold one; a function that has no handle to hang it on
 * (safefile_read, cache_open, denylist_load, ...) takes a recorder from
 * its caller.  The public calls that hand out a detail
 * (kinde_config_error, kinde_client_error, kinde_verdict_detail) return
 * errrec_msg; the public calls with a caller's buffer (kinde_keyset_parse)
 * fill it with errrec_copy.
 *
 * The return convention inside the core: a function that can fail in more
 * than one way returns kinde_err_t (KINDE_OK is 0) with the detail in a
 * recorder; one that fails in one way only returns 0 or -1; bool is for
 * questions (is, has, matches), never for "it worked".
 */
#ifndef KINDE_ERRREC_H
#define KINDE_ERRREC_H

#include "kinde.h"
#include "util.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ERRREC_MAX 512

struct errrec {
	char msg[ERRREC_MAX];	/* "" until the first message */
};

/* Records the message unless one is already there. */
void errrec_write(struct errrec *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void errrec_vwrite(struct errrec *e, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
/* errrec_write, returning err: `return errrec_fail(e, KINDE_E_IO, ...)`
 * both records and fails. */
kinde_err_t errrec_fail(struct errrec *e, kinde_err_t err, const char *fmt,
			...) __attribute__((format(printf, 3, 4)));
/* Puts a prefix before the recorded message (where it happened:
 * "file:line: "); nothing when none is recorded. */
void errrec_prefix(struct errrec *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Adds to the recorded message (more about the same cause). */
void errrec_append(struct errrec *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Forgets the message: the next one is recorded. */
void errrec_clear(struct errrec *e);
bool errrec_isset(const struct errrec *e);
/* The message, "" when none.  Borrowed from e. */
const char *errrec_msg(const struct errrec *e);
/* Copies the message out into a caller's buffer (NULL or 0: nothing). */
void errrec_copy(const struct errrec *e, char *buf, size_t len);

#endif
