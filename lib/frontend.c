/*
 * frontend.c - the calls kinde.h gives the front ends over the core's
 * internals (verdicts, claims, the cache directory), so that pam/ and
 * tools/ never include those headers.  Each is thin: the work is done
 * where it always was.
 */
#include "kinde-build.h"

#include "cache.h"
#include "claims.h"
#include "config.h"
#include "errrec.h"
#include "origin.h"
#include "ratelimit.h"
#include "verdict.h"

#include <string.h>

void
kinde_verdict_scopes(const kinde_verdict_t *v, bool is_apikey, char *buf,
		     size_t len)
{
	const json_t *claims = kinde_verdict_claims(v), *arr, *s;
	const char *names[64];
	size_t i, n = 0;

	buf[0] = '\0';
	if (!is_apikey && json_is_string(json_object_get(claims, "scope"))) {
		kinde_fmt(buf, len, "%s",
			  json_string_value(json_object_get(claims, "scope")));
		return;
	}
	arr = json_object_get(claims, is_apikey ? "scopes" : "scp");
	/* scp as one space-separated string (Entra ID) */
	if (!is_apikey && json_is_string(arr)) {
		kinde_fmt(buf, len, "%s", json_string_value(arr));
		return;
	}
	json_array_foreach(arr, i, s)
		if (json_is_string(s) && n < KINDE_ARRAY_SIZE(names))
			names[n++] = json_string_value(s);
	strlist_join(names, n, " ", buf, len);
}

int
kinde_claim_time(const struct json_t *claims, const char *name, double *t)
{
	return claim_time(claims, name, t);
}

kinde_err_t
kinde_cache_flush(const kinde_config_t *cfg, const char *const *kinds,
		  size_t n, unsigned *counts, char *err, size_t errlen)
{
	struct errrec rec = { "" };
	struct kcache c;
	kinde_err_t rc;
	size_t i;

	rc = cache_open(cfg, &c, &rec);
	if (rc != KINDE_OK) {
		errrec_copy(&rec, err, errlen);
		return rc;
	}
	for (i = 0; i < n; i++) {
		if (cache_remove_prefix(&c, kinds[i], cfg->timeout * 1000,
					&counts[i]) != KINDE_OK) {
			kinde_fmt(err, errlen, "cannot list %s", cfg->cache_dir);
			rc = KINDE_E_IO;
			break;
		}
	}
	cache_close(&c);
	return rc;
}

kinde_err_t
kinde_issuer_ratelimits(const kinde_config_t *cfg, int64_t now,
			kinde_ratelimit_window_fn fn, void *ctx, char *err,
			size_t errlen)
{
	struct errrec rec = { "" };
	struct origin o;
	struct kcache c;
	kinde_err_t rc;

	rc = cache_open(cfg, &c, &rec);
	if (rc != KINDE_OK) {
		errrec_copy(&rec, err, errlen);
		return rc;
	}
	origin_of(cfg, &o);
	ratelimit_list(&c, &o, now, fn, ctx);
	cache_close(&c);
	return KINDE_OK;
}
