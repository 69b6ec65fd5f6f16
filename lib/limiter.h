/*
 * limiter.h - attempt limits and lockouts that hold across every process
 * of the host.  A PAM module runs in a new process for every login, so a
 * limit kept in memory limits nothing: the state lives in state_dir
 * (default /var/lib/pam_kinde, 0700, owned by the running user), one file
 * per table, read and rewritten under an exclusive lock.
 *
 * (The calls are public, in kinde.h's limiter section: the module and
 * kinde-auth ratelimit use them; the implementation is lib/limiter.c.)
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

#define LIMIT_MAX_ENTRIES 4096

#endif
