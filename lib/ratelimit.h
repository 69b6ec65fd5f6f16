/*
 * ratelimit.h - honouring the issuer's HTTP 429.
 *
 * Kinde answers 429 with RateLimit-Reset: <seconds>.  The moment the limit
 * ends is recorded in the cache directory, per endpoint (the key set, the
 * token endpoint, API-key verification, device authorization...), so that
 * every process of the host waits instead of hammering (an sshd burst is
 * many processes), and a flood of one kind of request, say verifications
 * of junk API keys, never stops another, such as a key-set refresh.  Each
 * record is bound to the origin (origin.h) it was earned under.
 */
#ifndef KINDE_RATELIMIT_H
#define KINDE_RATELIMIT_H

#include "cache.h"
#include "http.h"
#include "origin.h"

#include <stdbool.h>
#include <stdint.h>

/* Seconds the server asked us to wait (RateLimit-Reset, else Retry-After,
 * else 1), bounded to an hour. */
long ratelimit_delay(const struct http_response *resp);

/*
 * The endpoint a URL is, by its path: "jwks", "token", "apikey-verify",
 * "device", "discovery", "mgmt-user", "mgmt-org-users", "mgmt-roles",
 * "mgmt-permissions", else "other".  Names are stable (logs, CLI).
 * The Management API's per-user URLs of one endpoint share its limit.
 */
const char *ratelimit_endpoint(const char *url);

/* The time until which url's endpoint is limited for origin o (0 when
 * not limited).  The query part of url is ignored. */
int64_t ratelimit_until(struct kcache *c, const struct origin *o,
			const char *url, int64_t now);

/* Records that url's endpoint is limited for origin o until `until`. */
void ratelimit_record(struct kcache *c, const struct origin *o,
		      const char *url, int64_t until);

/* (struct ratelimit_window, one recorded 429 window, is public: kinde.h,
 * the host's cache section.) */

/*
 * Calls fn for every window in force at now: of origin o only, or of
 * every origin when o is NULL.  Returns how many were listed.
 */
unsigned ratelimit_list(struct kcache *c, const struct origin *o,
			int64_t now, ratelimit_window_fn fn, void *ctx);

/* Milliseconds of random jitter in [0, max_ms). */
long ratelimit_jitter_ms(long max_ms);

#endif
