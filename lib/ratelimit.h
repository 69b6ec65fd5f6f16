/*
 * ratelimit.h - honouring the issuer's HTTP 429.
 *
 * Kinde answers 429 with RateLimit-Reset: <seconds>.  The moment the limit
 * ends is recorded in the cache directory, per host, so that every process
 * of the host waits instead of hammering (an sshd burst is many processes).
 */
#ifndef KINDE_RATELIMIT_H
#define KINDE_RATELIMIT_H

#include "cache.h"
#include "http.h"

#include <stdint.h>

/* Seconds the server asked us to wait (RateLimit-Reset, else Retry-After,
 * else 1), bounded to an hour. */
long ratelimit_delay(const struct http_response *resp);

/* The time until which url's host is limited (0 when not limited). */
int64_t ratelimit_until(struct kcache *c, const char *url, int64_t now);

/* Records that url's host is limited until `until`. */
void ratelimit_record(struct kcache *c, const char *url, int64_t until);

/* Milliseconds of random jitter in [0, max_ms). */
long ratelimit_jitter_ms(long max_ms);

#endif
