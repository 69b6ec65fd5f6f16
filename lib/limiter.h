/*
 * limiter.h - attempt limits and lockouts that hold across every process
 * of the host.  A PAM module runs in a new process for every login, so a
 * limit kept in memory limits nothing: the state lives in state_dir
 * (default /var/lib/pam_kinde, 0700, owned by the running user), one file
 * per table, read and rewritten under an exclusive lock.
 *
 * (This header is the contract shared by lib/, pam/ and tools/; the
 * implementation is lib/limiter.c.)
 *
 * Tables (enum limit_table) and what they count:
 *   LIMIT_APIKEY  attempts per API key, keyed by SHA-256 of the key (never
 *                 the key): ratelimit_apikey, default 100/60 (Kinde's
 *                 API-key guide: 100 a minute per key, sliding window);
 *   LIMIT_RHOST   attempts that would reach the issuer (API-key
 *                 verifications, device logins) per PAM_RHOST:
 *                 ratelimit_rhost;
 *   LIMIT_USER    attempts per local user: ratelimit_user, default off;
 *   LIMIT_VERIFY  the host-wide budget of outgoing API-key verifications
 *                 (one key ""): ratelimit_verify;
 *   LIMIT_FAIL    failures per local user for the lockout (lockout_deny
 *                 within lockout_interval locks for lockout_unlock_time).
 *
 * Windows are sliding logs: an entry keeps the times of its attempts
 * within the window (at most N), so "N within SECONDS" is exact.  A table
 * is bounded (LIMIT_MAX_ENTRIES keys; entries whose window is empty are
 * pruned on every write; when still full, the entry least recently used
 * goes).  A state file that is truncated, corrupt, of another version,
 * not a regular file, or not owned by the running user with mode 0600 is
 * logged and rebuilt empty; it is never a reason to let anyone in, since
 * the limiter only ever refuses.
 *
 * Every function takes `now` (seconds since the epoch): tests inject it.
 */
#ifndef KINDE_LIMITER_H
#define KINDE_LIMITER_H

#include "kinde.h"

#include <stdbool.h>
#include <stdint.h>

#ifndef KINDE_STATE_DIR
#define KINDE_STATE_DIR "/var/lib/pam_kinde"
#endif

#define LIMIT_MAX_ENTRIES 4096
#define LIMIT_KEY_MAX 128	/* bytes of a key (hex digest, host, user) */

enum limit_table {
	LIMIT_APIKEY, LIMIT_RHOST, LIMIT_USER, LIMIT_VERIFY, LIMIT_FAIL,
	LIMIT__COUNT
};

/* "N/SECONDS" as configured; n == 0 means off. */
struct limit_rule {
	long n;
	long seconds;
};

struct limiter;

/*
 * Opens cfg's state_dir (made 0700 when missing).  A state_dir that is a
 * symlink, not owned by the running user, or writable by group or others
 * is refused: KINDE_E_UNSAFE with the detail on cfg's log; the caller
 * treats that as a configuration error (fail closed) when any limit or
 * the lockout is on.  Caller frees with limiter_free.
 */
kinde_err_t limiter_open(const kinde_config_t *cfg, struct limiter **out);
void limiter_free(struct limiter *l);

/* Stable names: "apikey", "rhost", "user", "verify", "lockout". */
const char *limit_table_name(enum limit_table t);

/* The LIMIT_APIKEY key of an API key: its SHA-256 as 64 hex digits. */
void limiter_digest(const char *secret, char out[65]);

/*
 * One attempt to count: which table, which key ("" for LIMIT_VERIFY), and
 * what `kinde-auth ratelimit status` shows for it (an API key's first 7
 * and last 4 characters; NULL to show the key itself).
 */
struct limit_key {
	enum limit_table table;
	const char *key;
	const char *label;
};

/* Which limit refused an attempt, and when its window frees a slot. */
struct limit_hit {
	enum limit_table table;
	struct limit_rule rule;
	int64_t retry_at;	/* first second an attempt is allowed again */
};

/*
 * Counts one attempt under each of keys[0..n) whose table's rule is on,
 * all or none: when any of them is at its limit, nothing is recorded,
 * *hit says which (the first in keys order) and the result is
 * KINDE_E_RATELIMITED.  KINDE_OK when the attempt may go on.  Other
 * errors (state unusable): the caller fails closed.
 */
kinde_err_t limiter_take(struct limiter *l, const struct limit_key *keys,
			 size_t n, int64_t now, struct limit_hit *hit);

/*
 * Lockout (pam_faillock's model): limiter_locked says whether user is
 * locked now (KINDE_E_RATELIMITED, with *hit table LIMIT_FAIL and the
 * unlock time) before any network call; limiter_fail records a failure
 * of any method; limiter_success resets the user's count.  Off unless
 * lockout_deny > 0; root is exempt unless lockout_even_deny_root.
 */
kinde_err_t limiter_locked(struct limiter *l, const char *user, int64_t now,
			   struct limit_hit *hit);
kinde_err_t limiter_fail(struct limiter *l, const char *user, int64_t now);
kinde_err_t limiter_success(struct limiter *l, const char *user);

/* Listing for `kinde-auth ratelimit status`: one call per live entry. */
struct limit_entry {
	enum limit_table table;
	const char *key;	/* borrowed for the callback's duration */
	const char *label;	/* borrowed; the key when none was given */
	unsigned count;		/* attempts (or failures) in the window */
	struct limit_rule rule;
	int64_t oldest;		/* time of the oldest attempt counted */
	int64_t retry_at;	/* 0 when not at its limit / not locked */
};
typedef void (*limit_entry_fn)(void *ctx, const struct limit_entry *e);
kinde_err_t limiter_list(struct limiter *l, int64_t now, limit_entry_fn fn,
			 void *ctx);

/*
 * Removes entries: of one table and key, of one table (key NULL), or all
 * (table LIMIT__COUNT).  *removed counts them.
 */
kinde_err_t limiter_reset(struct limiter *l, enum limit_table table,
			  const char *key, unsigned *removed);

#endif
