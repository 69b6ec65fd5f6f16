/*
 * discovery.c - the issuer's OpenID configuration: where its key set,
 * token endpoint and device endpoint are.  Cached on disk like the key
 * set.  A document whose issuer is not the configured one is refused: its
 * endpoints would not be the issuer's.
 */
#include "kinde-build.h"

#include "client.h"
#include "config.h"
#include "log.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DISCOVERY_PATH "/.well-known/openid-configuration"

static const char *const endpoints[] = {
	"jwks_uri", "token_endpoint", "device_authorization_endpoint",
};

/* Parses and checks a document; takes no ownership of body. */
static kinde_err_t
accept_doc(kinde_client_t *c, const char *body, size_t len)
{
	const kinde_config_t *cfg = c->cfg;
	json_error_t jerr;
	const json_t *iss, *ep;
	json_t *doc;
	size_t i;

	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return client_error(c, KINDE_E_UNAVAILABLE,
				    "discovery document is not a JSON object");
	}
	iss = json_object_get(doc, "issuer");
	if (!json_is_string(iss) ||
	    strcmp(json_string_value(iss), cfg->issuer) != 0) {
		char esc[256];

		kinde_escape(json_is_string(iss) ? json_string_value(iss) :
			     "(none)", esc, sizeof(esc));
		json_decref(doc);
		return client_error(c, KINDE_E_CONFIG,
				    "discovery document names issuer %s, not the configured %s: fix issuer/domain",
				    esc, cfg->issuer);
	}
	/* Endpoints must be https; a bad one is dropped, not followed. */
	for (i = 0; i < KINDE_ARRAY_SIZE(endpoints); i++) {
		ep = json_object_get(doc, endpoints[i]);
		if (ep != NULL && (!json_is_string(ep) ||
				   strncmp(json_string_value(ep), "https://",
					   8) != 0)) {
			kinde_log(cfg, LOG_WARNING,
				  "discovery: %s is not an https URL; ignored",
				  endpoints[i]);
			json_object_del(doc, endpoints[i]);
		}
	}
	json_decref(c->discovery);
	c->discovery = doc;
	return KINDE_OK;
}

/* Named after the origin and bound to it, like the key set. */
static void
cache_file_name(const kinde_client_t *c, char *name, size_t len)
{
	cache_name(name, len, "discovery", c->origin.id, (const char *)NULL);
}

/* cache_get of an entry recorded for this client's origin, else e is
 * empty and KINDE_E_IO. */
static kinde_err_t
get_entry(kinde_client_t *c, const char *name, struct cache_entry *e)
{
	if (cache_get(&c->cache, name, e) != KINDE_OK)
		return KINDE_E_IO;
	if (client_origin_check(c, e->meta, "discovery document") == 0)
		return KINDE_OK;
	cache_entry_clear(e);
	return KINDE_E_IO;
}

kinde_err_t
discovery_load(kinde_client_t *c)
{
	struct http_request req = { 0 };
	struct http_response resp;
	struct cache_entry e;
	char name[CACHE_NAME_MAX], url[1024];
	const char *etag = NULL;
	int64_t now = client_now(c), stamp = (int64_t)time(NULL), exp = 0;
	kinde_err_t rc;
	json_t *meta;

	if (c->discovery_loaded)
		return c->discovery ? KINDE_OK : KINDE_E_UNAVAILABLE;
	c->discovery_loaded = true;
	cache_file_name(c, name, sizeof(name));
	if (get_entry(c, name, &e) == KINDE_OK) {
		json_t *x = json_object_get(e.meta, "expires_at");

		exp = json_is_integer(x) ? json_integer_value(x) : 0;
		etag = json_string_value(json_object_get(e.meta, "etag"));
		if (now < exp && accept_doc(c, e.body, e.body_len) == KINDE_OK) {
			cache_entry_clear(&e);
			return KINDE_OK;
		}
	}
	client_url(c, DISCOVERY_PATH, url, sizeof(url));
	req.method = "GET";
	req.url = url;
	req.if_none_match = etag;
	rc = client_request(c, &req, &resp);
	if (rc != KINDE_OK)
		goto stale;
	if (resp.status == 304 && e.body != NULL) {
		rc = accept_doc(c, e.body, e.body_len);
		if (rc == KINDE_OK) {
			json_object_set_new(e.meta, "expires_at",
					    json_integer(stamp + client_ttl(&resp)));
			cache_put(&c->cache, name, e.meta, e.body, e.body_len);
		}
	} else if (resp.status == 200) {
		rc = accept_doc(c, resp.body, resp.body_len);
		if (rc == KINDE_OK) {
			meta = json_pack("{s:s, s:o, s:I, s:I, s:s}", "url",
					 url, "origin", origin_json(&c->origin),
					 "fetched_at", (json_int_t)stamp,
					 "expires_at",
					 (json_int_t)stamp + client_ttl(&resp),
					 "etag", resp.etag);
			if (meta != NULL)
				cache_put(&c->cache, name, meta, resp.body,
					  resp.body_len);
			json_decref(meta);
		}
	} else {
		rc = client_error(c, KINDE_E_UNAVAILABLE,
				  "%s: HTTP %ld", url, resp.status);
	}
	free(resp.body);
	if (rc == KINDE_OK || rc == KINDE_E_CONFIG) {
		cache_entry_clear(&e);
		return rc;
	}
stale:
	/* Unreachable: an expired document still names the endpoints. */
	if (e.body != NULL && accept_doc(c, e.body, e.body_len) == KINDE_OK)
		rc = KINDE_OK;
	cache_entry_clear(&e);
	return rc;
}

const char *
discovery_peek(kinde_client_t *c, const char *field)
{
	struct cache_entry e;
	char name[CACHE_NAME_MAX];
	const json_t *ep;

	if (c->discovery == NULL && !c->discovery_loaded) {
		cache_file_name(c, name, sizeof(name));
		/* Fresh or not: what it names is what was fetched. */
		if (get_entry(c, name, &e) == KINDE_OK) {
			accept_doc(c, e.body, e.body_len);
			cache_entry_clear(&e);
		}
	}
	ep = json_object_get(c->discovery, field);
	return json_is_string(ep) ? json_string_value(ep) : NULL;
}

const char *
discovery_endpoint(kinde_client_t *c, const char *field)
{
	const json_t *ep;

	if (discovery_load(c) != KINDE_OK)
		return NULL;
	ep = json_object_get(c->discovery, field);
	return json_is_string(ep) ? json_string_value(ep) : NULL;
}

kinde_err_t
kinde_client_probe(kinde_client_t *c, long *status)
{
	struct http_request req = { 0 };
	struct http_response resp;
	char url[1024];
	kinde_err_t rc;

	client_clear_error(c);
	client_url(c, DISCOVERY_PATH, url, sizeof(url));
	req.method = "GET";
	req.url = url;
	client_op_begin(c);
	rc = client_request(c, &req, &resp);
	client_op_end(c);
	if (rc != KINDE_OK)
		return rc;
	*status = resp.status;
	free(resp.body);
	return KINDE_OK;
}
