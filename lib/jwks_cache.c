/*
 * jwks_cache.c - getting the issuer's key set: a pinned file, the on-disk
 * cache, or the network, in that order of preference; a stale copy when
 * the issuer is unreachable (up to jwks_max_stale); a fresh copy trusted
 * no longer than jwks_max_age, whatever the issuer's max-age; one refetch
 * when a token names a kid the set lacks (key rotation), then at most one
 * per cooldown across every process of the host.
 *
 * A burst of cold processes (sshd children) fetch once: the fetch happens
 * under a lock, and each re-reads the cache after taking it.
 */
#include "kinde-build.h"

#include "client.h"
#include "config.h"
#include "denylist.h"
#include "jwks.h"
#include "log.h"
#include "timefmt.h"
#include "verdict.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JWKS_DEFAULT_PATH "/.well-known/jwks"

/*
 * Named after the origin (origin.h): domain, issuer, jwks_uri, ca_file
 * and its content, proxy, transport.  The entry records the origin and
 * the URL fetched, and is re-checked on reading (entry_usable).
 */
static void
cache_file_name(const kinde_client_t *c, char *name, size_t len)
{
	cache_name(name, len, "jwks", c->origin.id, (const char *)NULL);
}

static int64_t
meta_int(const json_t *meta, const char *key)
{
	const json_t *j = json_object_get(meta, key);

	return json_is_integer(j) ? (int64_t)json_integer_value(j) : 0;
}

/*
 * When the entry stops being fresh: the issuer's max-age (bounded when
 * fetched), and never later than jwks_max_age after the fetch, whatever
 * the entry says (it may have been written under a laxer setting), so a
 * signing key the issuer removed is trusted for a known time at most.
 */
static int64_t
entry_expires(const kinde_client_t *c, const json_t *meta)
{
	int64_t exp = meta_int(meta, "expires_at");
	int64_t cap = meta_int(meta, "fetched_at") + c->cfg->jwks_max_age;

	return exp < cap ? exp : cap;
}

/* Makes the entry's key set the one in use.  -1 when it does not parse. */
static int
adopt(kinde_client_t *c, const struct cache_entry *e, const char *source)
{
	kinde_keyset_t *ks = NULL;
	char err[256];
	const char *url, *etag;

	if (kinde_keyset_parse(c->cfg, e->body, e->body_len, &ks, err,
			       sizeof(err)) != KINDE_OK)
		return -1;
	kinde_keyset_free(c->ks);
	c->ks = ks;
	kinde_fmt(c->ks_source, sizeof(c->ks_source), "%s", source);
	url = json_string_value(json_object_get(e->meta, "url"));
	etag = json_string_value(json_object_get(e->meta, "etag"));
	kinde_fmt(c->ks_url, sizeof(c->ks_url), "%s", url ? url : "");
	kinde_fmt(c->ks_etag, sizeof(c->ks_etag), "%s", etag ? etag : "");
	c->ks_fetched_at = meta_int(e->meta, "fetched_at");
	c->ks_expires_at = entry_expires(c, e->meta);
	c->ks_last_refetch = meta_int(e->meta, "last_refetch");
	return 0;
}

static kinde_err_t
jwks_url(kinde_client_t *c, char *url, size_t len)
{
	if (c->cfg->jwks_uri != NULL) {
		kinde_fmt(url, len, "%s", c->cfg->jwks_uri);
		return KINDE_OK;
	}
	return client_endpoint(c, "jwks_uri", JWKS_DEFAULT_PATH, url, len);
}

/*
 * The URL this configuration fetches its key set from, as far as it is
 * known without a request: the configured jwks_uri, else the discovery
 * document's (in memory or cached, of the same origin), else Kinde's
 * well-known path on the domain.
 */
static void
expected_url(kinde_client_t *c, char *url, size_t len)
{
	const char *ep;

	if (c->cfg->jwks_uri != NULL) {
		kinde_fmt(url, len, "%s", c->cfg->jwks_uri);
		return;
	}
	ep = discovery_peek(c, "jwks_uri");
	if (ep != NULL)
		kinde_fmt(url, len, "%s", ep);
	else
		client_url(c, JWKS_DEFAULT_PATH, url, len);
}

/*
 * An entry is used only when it records this client's origin and the
 * URL this configuration would fetch; otherwise it is dropped (e made
 * empty), as if absent, and the key set is fetched again.
 */
static void
entry_usable(kinde_client_t *c, struct cache_entry *e)
{
	const char *url;
	char want[1024], esc[256];

	if (e->meta == NULL)
		return;
	if (client_origin_check(c, e->meta, "key set") != 0)
		goto drop;
	url = json_string_value(json_object_get(e->meta, "url"));
	expected_url(c, want, sizeof(want));
	if (url != NULL && strcmp(url, want) == 0)
		return;
	kinde_escape(url ? url : "(none)", esc, sizeof(esc));
	kinde_log(c->cfg, LOG_INFO,
		  "the cached key set was fetched from %s, not %s; not used",
		  esc, want);
drop:
	cache_entry_clear(e);
}

/*
 * Fetches the key set (revalidating prev's ETag when given) and stores it.
 * On success the new set is in use.
 */
static kinde_err_t
fetch(kinde_client_t *c, const char *name, struct cache_entry *prev,
      bool refetch)
{
	struct http_request req = { 0 };
	struct http_response resp;
	struct cache_entry fresh = { 0 };
	int64_t now = (int64_t)time(NULL);	/* stamps: the real clock */
	char url[1024];
	const char *prev_url = NULL;
	kinde_err_t rc;
	long ttl;

	rc = jwks_url(c, url, sizeof(url));
	if (rc != KINDE_OK)
		return rc;
	if (prev->meta != NULL)
		prev_url = json_string_value(json_object_get(prev->meta, "url"));
	req.method = "GET";
	req.url = url;
	/* No Authorization header: Kinde's key set is public, and a
	 * bearer token sent there would go where it is not needed. */
	if (prev_url != NULL && strcmp(prev_url, url) == 0)
		req.if_none_match =
			json_string_value(json_object_get(prev->meta, "etag"));
	rc = client_request(c, &req, &resp);
	if (rc != KINDE_OK)
		return rc;
	if (resp.status == 304 && req.if_none_match != NULL) {
		fresh.body = prev->body;
		fresh.body_len = prev->body_len;
	} else if (resp.status == 200) {
		fresh.body = resp.body;
		fresh.body_len = resp.body_len;
	} else {
		rc = client_error(c, KINDE_E_UNAVAILABLE,
				  "%s: HTTP %ld from the key set endpoint", url,
				  resp.status);
		goto out;
	}
	/* The issuer's max-age, capped by jwks_max_age. */
	ttl = client_ttl(&resp);
	if (ttl > c->cfg->jwks_max_age)
		ttl = c->cfg->jwks_max_age;
	fresh.meta = json_pack("{s:s, s:o, s:I, s:I, s:s, s:I}", "url", url,
			       "origin", origin_json(&c->origin),
			       "fetched_at", (json_int_t)now, "expires_at",
			       (json_int_t)now + ttl, "etag",
			       resp.status == 304 ? req.if_none_match : resp.etag,
			       "last_refetch",
			       (json_int_t)(refetch ? now :
					    meta_int(prev->meta, "last_refetch")));
	if (fresh.meta == NULL) {
		rc = KINDE_E_NOMEM;
		goto out;
	}
	if (adopt(c, &fresh, "network") != 0) {
		rc = client_error(c, KINDE_E_UNAVAILABLE,
				  "%s: the reply is not a JWKS key set", url);
		goto out;
	}
	if (kinde_keyset_count(c->ks) == 0)
		kinde_log(c->cfg, LOG_WARNING, "%s: no usable key in the key set",
			  url);
	if (cache_put(&c->cache, name, fresh.meta, fresh.body,
		      fresh.body_len) != KINDE_OK && c->cache.dirfd >= 0)
		kinde_log(c->cfg, LOG_WARNING, "cannot write the key set cache in %s",
			  c->cache.path);
out:
	json_decref(fresh.meta);
	free(resp.body);
	return rc;
}

/* cache_get, then entry_usable: KINDE_E_IO (e empty) when not usable. */
static kinde_err_t
get_entry(kinde_client_t *c, const char *name, struct cache_entry *e)
{
	if (cache_get(&c->cache, name, e) != KINDE_OK)
		return KINDE_E_IO;
	entry_usable(c, e);
	return e->meta != NULL ? KINDE_OK : KINDE_E_IO;
}

static bool
fresh_enough(const kinde_client_t *c, const struct cache_entry *e)
{
	return e->meta != NULL && client_now(c) < entry_expires(c, e->meta);
}

/* Uses a stale copy within jwks_max_stale, loudly. */
static kinde_err_t
use_stale(kinde_client_t *c, struct cache_entry *e, kinde_err_t why)
{
	int64_t now = client_now(c), exp;
	char age[32];

	if (e->meta == NULL || adopt(c, e, "stale cache") != 0)
		return why;
	exp = entry_expires(c, e->meta);
	if (now >= exp + c->cfg->jwks_max_stale) {
		kinde_fmt_duration(now - meta_int(e->meta, "fetched_at"), age,
				   sizeof(age));
		kinde_keyset_free(c->ks);
		c->ks = NULL;
		c->ks_expires_at = 0;
		errrec_append(&c->err,
			      "; the cached key set (fetched %s ago) is past jwks_max_stale (%lds)",
			      age, c->cfg->jwks_max_stale);
		return why;
	}
	kinde_fmt_duration(now - meta_int(e->meta, "fetched_at"), age,
			   sizeof(age));
	kinde_log(c->cfg, LOG_WARNING,
		  "key set unavailable (%s); using the copy fetched %s ago (stale)",
		  errrec_msg(&c->err), age);
	client_clear_error(c);
	return KINDE_OK;
}

bool
client_keyset_usable_offline(kinde_client_t *c)
{
	struct cache_entry e = { 0 };
	char name[CACHE_NAME_MAX];
	bool usable;

	if (c->cfg->jwks_file != NULL)
		return true;
	cache_file_name(c, name, sizeof(name));
	if (get_entry(c, name, &e) != KINDE_OK)
		return false;
	usable = client_now(c) < entry_expires(c, e.meta) +
				 c->cfg->jwks_max_stale;
	cache_entry_clear(&e);
	return usable;
}

static kinde_err_t keyset_get(kinde_client_t *c, const kinde_keyset_t **out);

kinde_err_t
kinde_client_keyset(kinde_client_t *c, const kinde_keyset_t **out)
{
	kinde_err_t rc;

	client_op_begin(c);
	rc = keyset_get(c, out);
	client_op_end(c);
	return rc;
}

static kinde_err_t
keyset_get(kinde_client_t *c, const kinde_keyset_t **out)
{
	const kinde_config_t *cfg = c->cfg;
	struct cache_entry e = { 0 };
	char name[CACHE_NAME_MAX], err[512];
	kinde_err_t rc = KINDE_OK;
	int lock = -1;

	*out = NULL;
	if (cfg->jwks_file != NULL) {
		if (c->ks == NULL) {
			rc = kinde_keyset_load_file(cfg, cfg->jwks_file, &c->ks,
						    err, sizeof(err));
			/* A pinned file that cannot be used is the
			 * configuration's fault, not the issuer's. */
			if (rc != KINDE_OK)
				return client_error(c, rc == KINDE_E_NOMEM ? rc :
						    KINDE_E_CONFIG,
						    "jwks_file %s", err);
			kinde_fmt(c->ks_source, sizeof(c->ks_source), "file");
			kinde_fmt(c->ks_url, sizeof(c->ks_url), "%s",
				  cfg->jwks_file);
		}
		*out = c->ks;
		return KINDE_OK;
	}
	if (c->ks != NULL && client_now(c) < c->ks_expires_at) {
		*out = c->ks;
		return KINDE_OK;
	}
	cache_file_name(c, name, sizeof(name));
	if (get_entry(c, name, &e) == KINDE_OK && fresh_enough(c, &e) &&
	    adopt(c, &e, "cache") == 0)
		goto done;
	/* Cold or expired: one process fetches, the others wait and read. */
	lock = cache_lock(&c->cache, name, cfg->timeout * 1000);
	cache_entry_clear(&e);
	if (get_entry(c, name, &e) == KINDE_OK && fresh_enough(c, &e) &&
	    adopt(c, &e, "cache") == 0)
		goto done;
	rc = fetch(c, name, &e, false);
	if (rc == KINDE_E_UNAVAILABLE || rc == KINDE_E_RATELIMITED)
		rc = use_stale(c, &e, rc);
done:
	cache_unlock(lock);
	cache_entry_clear(&e);
	if (rc == KINDE_OK)
		*out = c->ks;
	return rc;
}

static bool
has_kid(const kinde_keyset_t *ks, const char *kid)
{
	size_t i;

	for (i = 0; ks != NULL && i < ks->n; i++)
		if (ks->keys[i]->kid != NULL && strcmp(ks->keys[i]->kid, kid) == 0)
			return true;
	return false;
}

/*
 * The token's kid is not in the set in use: maybe the issuer rotated its
 * keys.  Returns KINDE_OK when the set now in use has the kid.
 */
static kinde_err_t
refetch_for_kid(kinde_client_t *c, const char *kid)
{
	const kinde_config_t *cfg = c->cfg;
	struct cache_entry e = { 0 };
	char name[CACHE_NAME_MAX], esc[128];
	int64_t now = (int64_t)time(NULL), last;
	kinde_err_t rc = KINDE_E_REJECTED;
	int lock;

	if (cfg->jwks_file != NULL)
		return KINDE_E_REJECTED;
	kinde_escape(kid, esc, sizeof(esc));
	cache_file_name(c, name, sizeof(name));
	lock = cache_lock(&c->cache, name, cfg->timeout * 1000);
	/* Another process may have refetched already (perhaps within the
	 * same second as our own read: compare contents, not times). */
	if (get_entry(c, name, &e) == KINDE_OK &&
	    adopt(c, &e, "cache") == 0 && has_kid(c->ks, kid)) {
		rc = KINDE_OK;
		goto out;
	}
	last = e.meta ? meta_int(e.meta, "last_refetch") : c->ks_last_refetch;
	if (last > now)
		last = 0;	/* from a clock gone wrong: no cooldown */
	if (last != 0 && now - last < cfg->jwks_refetch_cooldown) {
		kinde_log(cfg, LOG_INFO,
			  "kid \"%s\" is not in the key set; refetch suppressed (last one %llds ago, cooldown %lds)",
			  esc, (long long)(now - last),
			  cfg->jwks_refetch_cooldown);
		goto out;
	}
	kinde_log(cfg, LOG_INFO,
		  "kid \"%s\" is not in the key set; refetching (key rotation?)",
		  esc);
	rc = fetch(c, name, &e, true);
	if (rc == KINDE_OK)
		rc = has_kid(c->ks, kid) ? KINDE_OK : KINDE_E_REJECTED;
out:
	cache_unlock(lock);
	cache_entry_clear(&e);
	return rc;
}

static kinde_err_t verify_token(kinde_client_t *c, kinde_validator_t *val,
				const char *token, size_t len,
				kinde_verdict_t *v);

kinde_err_t
kinde_client_verify_token(kinde_client_t *c, kinde_validator_t *val,
			  const char *token, size_t len, kinde_verdict_t *v)
{
	kinde_err_t rc;

	client_op_begin(c);
	rc = verify_token(c, val, token, len, v);
	client_op_end(c);
	return rc;
}

static kinde_err_t
verify_token(kinde_client_t *c, kinde_validator_t *val, const char *token,
	     size_t len, kinde_verdict_t *v)
{
	const kinde_keyset_t *ks;
	kinde_err_t rc;

	client_clear_error(c);
	/* deny_file refuses before any request: no key set is needed to
	 * refuse, and an unverified claim can only refuse here. */
	if (denylist_precheck_token(c->cfg, token, len, v) != 0)
		return KINDE_E_REJECTED;
	rc = kinde_client_keyset(c, &ks);
	if (rc != KINDE_OK) {
		kinde_verdict_reset(v);
		verdict_fail(v, "keys", verdict_reason_for_error(rc),
			     "no key set: %s", errrec_msg(&c->err));
		return rc == KINDE_E_CONFIG || rc == KINDE_E_NOMEM ||
		       rc == KINDE_E_RATELIMITED ? rc : KINDE_E_UNAVAILABLE;
	}
	kinde_validator_set_keyset(val, ks);
	rc = kinde_validator_check(val, token, len, v);
	if (rc != KINDE_E_REJECTED || v->reason != KINDE_R_KID ||
	    v->kid == NULL || has_kid(ks, v->kid))
		return rc;
	switch (refetch_for_kid(c, v->kid)) {
	case KINDE_OK:
		kinde_validator_set_keyset(val, c->ks);
		return kinde_validator_check(val, token, len, v);
	case KINDE_E_REJECTED:
		kinde_validator_set_keyset(val, c->ks);
		return KINDE_E_REJECTED;
	default: {
		/* Cannot tell a rotated key from a forged kid: unavailable. */
		char kid[128];

		kinde_escape(v->kid, kid, sizeof(kid));
		kinde_verdict_reset(v);
		verdict_fail(v, "keys", KINDE_R_UNAVAILABLE,
			     "kid \"%s\" is not in the key set and the issuer cannot be reached: %s",
			     kid, errrec_msg(&c->err));
		return KINDE_E_UNAVAILABLE;
	}
	}
}

kinde_err_t
kinde_client_refresh_keyset(kinde_client_t *c)
{
	struct cache_entry e = { 0 };
	char name[CACHE_NAME_MAX];
	kinde_err_t rc;
	int lock;

	if (c->cfg->jwks_file != NULL) {
		const kinde_keyset_t *ks;

		return kinde_client_keyset(c, &ks);
	}
	client_op_begin(c);
	cache_file_name(c, name, sizeof(name));
	lock = cache_lock(&c->cache, name, c->cfg->timeout * 1000);
	get_entry(c, name, &e);
	rc = fetch(c, name, &e, false);
	cache_unlock(lock);
	cache_entry_clear(&e);
	client_op_end(c);
	return rc;
}

void
kinde_client_keyset_status(const kinde_client_t *c,
			   struct kinde_keyset_status *st)
{
	st->source = c->ks_source;
	st->url = c->ks_url;
	st->fetched_at = c->ks_fetched_at;
	st->expires_at = c->ks_expires_at;
}
