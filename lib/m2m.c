/*
 * m2m.c - M2M access tokens by client credentials (RFC 6749 §4.4, as
 * Kinde serves them): requested with the secret from a root-only file,
 * validated like any token before use, cached 0600 until shortly before
 * they expire.
 */
#include "kinde-build.h"

#include "client.h"
#include "config.h"
#include "form.h"
#include "log.h"
#include "safefile.h"
#include "verdict.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SECRET_FILE_MAX 4096

/* The advice for each OAuth error: what the administrator should fix. */
static const struct {
	const char *error;
	const char *fix;
} oauth_errors[] = {
	{ "invalid_client",
	  "the client id or secret is wrong: check client_id and the contents of client_secret_file (the M2M application's secret, without quotes or spaces)" },
	{ "unauthorized_client",
	  "this application may not use client credentials for this audience: in Kinde, authorize the M2M application for the API" },
	{ "invalid_scope",
	  "a requested scope is not granted to this application: enable it for the application on the API in Kinde, or remove it from m2m_scope" },
	{ "invalid_request",
	  "the token request was refused as malformed: check client_id, m2m_audience and m2m_scope" },
	{ "invalid_grant",
	  "the grant was refused: check that the application is a machine-to-machine application" },
	{ "unsupported_grant_type",
	  "the issuer does not allow client credentials for this application" },
};

static kinde_err_t
read_secret(kinde_client_t *c, char **secret)
{
	const kinde_config_t *cfg = c->cfg;
	struct errrec err = { "" };
	char *buf = NULL, *end;
	size_t len;
	kinde_err_t rc;

	*secret = NULL;
	if (cfg->client_id == NULL || cfg->client_secret_file == NULL)
		return client_error(c, KINDE_E_CONFIG,
				    "M2M tokens need client_id and client_secret_file in the config");
	rc = safefile_read(cfg->client_secret_file, FILE_SECRET,
			   SECRET_FILE_MAX, &buf, &len, NULL, &err);
	if (rc != KINDE_OK)
		return client_error(c, rc == KINDE_E_UNSAFE ? KINDE_E_UNSAFE :
				    KINDE_E_CONFIG, "client_secret_file %s",
				    errrec_msg(&err));
	/* Editors leave a final newline; it is not part of the secret. */
	end = buf + len;
	while (end > buf && strchr(" \t\r\n", end[-1]) != NULL)
		*--end = '\0';
	if (end == buf) {
		kinde_free_secret(buf);
		return client_error(c, KINDE_E_CONFIG,
				    "client_secret_file %s is empty",
				    cfg->client_secret_file);
	}
	*secret = buf;
	return KINDE_OK;
}

/* Refuses the reply's token unless it validates as an M2M token of this
 * issuer for the requested audiences. */
static kinde_err_t
validate(kinde_client_t *c, const char *token, const struct strlist *aud,
	 int64_t *exp)
{
	const kinde_config_t *cfg = c->cfg;
	kinde_config_t *vcfg = kinde_config_new();
	kinde_validator_t *val = NULL;
	kinde_verdict_t *v = kinde_verdict_new(false);
	kinde_err_t rc = KINDE_E_NOMEM;
	const json_t *e;
	char leeway[32];
	size_t i;

	if (vcfg == NULL || v == NULL)
		goto out;
	vcfg->log_fn = cfg->log_fn;
	vcfg->log_ctx = cfg->log_ctx;
	vcfg->algorithms = cfg->algorithms;
	kinde_fmt(leeway, sizeof(leeway), "%ld", cfg->leeway);
	if (kinde_config_set(vcfg, "issuer", cfg->issuer) != KINDE_OK ||
	    kinde_config_set(vcfg, "leeway", leeway) != KINDE_OK ||
	    kinde_config_set(vcfg, "token_types", "m2m") != KINDE_OK)
		goto out;
	for (i = 0; i < aud->n; i++)
		if (strlist_add(&vcfg->audience, aud->v[i]) != 0)
			goto out;
	rc = kinde_validator_new(vcfg, NULL, &val);
	if (rc != KINDE_OK)
		goto out;
	kinde_validator_set_now(val, c->fixed_now);
	rc = kinde_client_verify_token(c, val, token, strlen(token), v);
	if (rc == KINDE_E_REJECTED)
		rc = client_error(c, KINDE_E_UNAVAILABLE,
				  "the issuer's M2M token does not validate (%s: %s)",
				  kinde_reason_name(v->reason),
				  kinde_verdict_detail(v));
	if (rc == KINDE_OK) {
		e = json_object_get(v->claims, "exp");
		*exp = json_is_integer(e) ? json_integer_value(e) :
		       (int64_t)json_number_value(e);
	}
out:
	kinde_verdict_free(v);
	kinde_validator_free(val);
	kinde_config_free(vcfg);
	return rc;
}

static kinde_err_t
oauth_error(kinde_client_t *c, const struct http_response *resp)
{
	json_t *doc = json_loads(resp->body ? resp->body : "", 0, NULL);
	const char *error = json_string_value(json_object_get(doc, "error"));
	const char *desc = json_string_value(json_object_get(doc,
							    "error_description"));
	char e[64], d[256];
	kinde_err_t rc;
	size_t i;

	if (error == NULL) {
		json_decref(doc);
		return client_error(c, KINDE_E_UNAVAILABLE,
				    "token endpoint: HTTP %ld", resp->status);
	}
	kinde_fmt(c->oauth_error, sizeof(c->oauth_error), "%s", error);
	kinde_escape(error, e, sizeof(e));
	kinde_escape(desc ? desc : "", d, sizeof(d));
	for (i = 0; i < KINDE_ARRAY_SIZE(oauth_errors); i++)
		if (strcmp(error, oauth_errors[i].error) == 0)
			break;
	rc = client_error(c, KINDE_E_CONFIG, "M2M token refused: %s%s%s%s: %s",
			  e, d[0] ? " (" : "", d, d[0] ? ")" : "",
			  i < KINDE_ARRAY_SIZE(oauth_errors) ?
			  oauth_errors[i].fix : "see the issuer's message");
	json_decref(doc);
	return rc;
}

static kinde_err_t
request_token(kinde_client_t *c, const struct strlist *aud,
	      const char *scope, char **token, int64_t *exp)
{
	struct http_response resp = { 0 };
	struct form f = { 0 };
	char *secret = NULL, url[1024];
	const char *type;
	json_t *doc = NULL;
	kinde_err_t rc;
	size_t i;

	rc = read_secret(c, &secret);
	if (rc != KINDE_OK)
		return rc;
	rc = client_endpoint(c, "token_endpoint", "/oauth2/token", url,
			     sizeof(url));
	if (rc != KINDE_OK)
		goto out;
	form_add(&f, "grant_type", "client_credentials");
	form_add(&f, "client_id", c->cfg->client_id);
	form_add(&f, "client_secret", secret);
	for (i = 0; i < aud->n; i++)
		form_add(&f, "audience", aud->v[i]);
	if (scope[0] != '\0')
		form_add(&f, "scope", scope);
	rc = client_post_form(c, url, &f, &resp);
	if (rc != KINDE_OK)
		goto out;
	if (resp.status != 200) {
		rc = resp.status >= 500 ?
		     client_error(c, KINDE_E_UNAVAILABLE,
				  "token endpoint: HTTP %ld", resp.status) :
		     oauth_error(c, &resp);
		goto out;
	}
	doc = json_loadb(resp.body, resp.body_len, JSON_REJECT_DUPLICATES,
			 NULL);
	type = json_string_value(json_object_get(doc, "token_type"));
	if (!json_is_string(json_object_get(doc, "access_token")) ||
	    type == NULL || strcasecmp(type, "bearer") != 0) {
		rc = client_error(c, KINDE_E_UNAVAILABLE,
				  "token endpoint: the reply holds no bearer access_token");
		goto out;
	}
	rc = validate(c, json_string_value(json_object_get(doc, "access_token")),
		      aud, exp);
	if (rc != KINDE_OK)
		goto out;
	*token = strdup(json_string_value(json_object_get(doc,
							  "access_token")));
	if (*token == NULL)
		rc = KINDE_E_NOMEM;
out:
	client_free_token_reply(doc, &resp);
	form_free(&f);
	kinde_free_secret(secret);
	return rc;
}

/* Renew ahead of expiry: a tenth of the lifetime, at least a minute. */
static int64_t
refresh_at(int64_t now, int64_t exp)
{
	int64_t life = exp - now, margin = life / 10;

	if (margin < 60)
		margin = 60;
	if (margin > 600)
		margin = 600;
	return life > 2 * margin ? exp - margin : now + life / 2;
}

/* The request a cache entry stands for: audiences and scopes resolved. */
struct m2m_req {
	struct strlist aud;
	char auds[1024];
	char scope[1024];
	char name[CACHE_NAME_MAX];
};

static kinde_err_t
resolve(kinde_client_t *c, const char *const *audiences,
	const char *const *scopes, struct m2m_req *r)
{
	const kinde_config_t *cfg = c->cfg;
	char api[1024];
	size_t i;

	memset(r, 0, sizeof(*r));
	for (i = 0; audiences != NULL && audiences[i] != NULL; i++)
		if (strlist_add(&r->aud, audiences[i]) != 0)
			return KINDE_E_NOMEM;
	for (i = 0; r->aud.n == 0 && i < cfg->m2m_audience.n; i++)
		if (strlist_add(&r->aud, cfg->m2m_audience.v[i]) != 0)
			return KINDE_E_NOMEM;
	if (r->aud.n == 0) {
		/* The Management API's audience (API-key verification). */
		client_url(c, "/api", api, sizeof(api));
		if (strlist_add(&r->aud, api) != 0)
			return KINDE_E_NOMEM;
	}
	strlist_join((const char *const *)r->aud.v, r->aud.n, " ", r->auds,
		     sizeof(r->auds));
	if (scopes != NULL) {
		for (i = 0; scopes[i] != NULL; i++)
			;
		strlist_join(scopes, i, " ", r->scope, sizeof(r->scope));
	} else {
		strlist_join((const char *const *)cfg->m2m_scope.v,
			     cfg->m2m_scope.n, " ", r->scope, sizeof(r->scope));
	}
	/* A token is of an origin (origin.h) and a request: who asked,
	 * for which audiences and scopes. */
	cache_name(r->name, sizeof(r->name), "m2m", c->origin.id,
		   cfg->client_id ? cfg->client_id : "", r->auds, r->scope,
		   (const char *)NULL);
	return KINDE_OK;
}

/* A cached token still short of its refresh time, or NULL. */
static char *
cached_token(kinde_client_t *c, const struct m2m_req *req,
	     int64_t *expires_at)
{
	const char *client_id = c->cfg->client_id ? c->cfg->client_id : "";
	struct cache_entry e;
	json_t *r;
	char *tok = NULL;

	if (cache_get(&c->cache, req->name, &e) != KINDE_OK)
		return NULL;
	/* The name is a hash: the entry itself must say it is this
	 * origin's token for this request. */
	if (client_origin_check(c, e.meta, "M2M token") != 0)
		goto out;
	if (!cache_meta_is(e.meta, "client_id", client_id) ||
	    !cache_meta_is(e.meta, "audience", req->auds) ||
	    !cache_meta_is(e.meta, "scope", req->scope)) {
		kinde_log(c->cfg, LOG_INFO,
			  "the cached M2M token was requested by another client or for other audiences or scopes; not used");
		goto out;
	}
	r = json_object_get(e.meta, "refresh_at");
	if (json_is_integer(r) && client_now(c) < json_integer_value(r) &&
	    e.body_len > 0) {
		tok = strdup(e.body);
		*expires_at = json_integer_value(json_object_get(e.meta,
								 "expires_at"));
	}
out:
	cache_entry_clear(&e);
	return tok;
}

static kinde_err_t m2m_token(kinde_client_t *c, const char *const *audiences,
			     const char *const *scopes, bool force,
			     char **token, int64_t *expires_at,
			     bool *from_cache);

kinde_err_t
kinde_client_m2m_token(kinde_client_t *c, const char *const *audiences,
		       const char *const *scopes, bool force, char **token,
		       int64_t *expires_at, bool *from_cache)
{
	kinde_err_t rc;

	client_op_begin(c);
	rc = m2m_token(c, audiences, scopes, force, token, expires_at,
		       from_cache);
	client_op_end(c);
	return rc;
}

static kinde_err_t
m2m_token(kinde_client_t *c, const char *const *audiences,
	  const char *const *scopes, bool force, char **token,
	  int64_t *expires_at, bool *from_cache)
{
	const kinde_config_t *cfg = c->cfg;
	int64_t now = (int64_t)time(NULL), exp = 0;
	struct m2m_req r;
	json_t *meta;
	kinde_err_t rc;
	int lock = -1;

	*token = NULL;
	*from_cache = false;
	client_clear_error(c);
	rc = resolve(c, audiences, scopes, &r);
	if (rc != KINDE_OK)
		goto out;
	if (!force && (*token = cached_token(c, &r, expires_at)) != NULL) {
		*from_cache = true;
		goto out;
	}
	/* Many processes needing a token at once request one, not many. */
	lock = cache_lock(&c->cache, r.name, cfg->timeout * 1000);
	if (!force && (*token = cached_token(c, &r, expires_at)) != NULL) {
		*from_cache = true;
		goto out;
	}
	rc = request_token(c, &r.aud, r.scope, token, &exp);
	if (rc != KINDE_OK)
		goto out;
	*expires_at = exp;
	meta = json_pack("{s:o, s:s, s:s, s:s, s:I, s:I}", "origin",
			 origin_json(&c->origin), "client_id", cfg->client_id ?
			 cfg->client_id : "", "audience", r.auds, "scope",
			 r.scope, "expires_at", (json_int_t)exp, "refresh_at",
			 (json_int_t)refresh_at(now, exp));
	if (meta == NULL || *token == NULL ||
	    cache_put(&c->cache, r.name, meta, *token, strlen(*token)) !=
	    KINDE_OK)
		kinde_log(cfg, LOG_DEBUG, "M2M token not cached");
	json_decref(meta);
out:
	cache_unlock(lock);
	strlist_clear(&r.aud);
	return rc;
}

/* Drops a cached M2M token the issuer no longer accepts. */
void
m2m_forget(kinde_client_t *c, const char *const *audiences)
{
	struct m2m_req r;

	if (resolve(c, audiences, NULL, &r) == KINDE_OK)
		cache_remove(&c->cache, r.name);
	strlist_clear(&r.aud);
}

kinde_err_t
m2m_request(kinde_client_t *c, const char *const *audiences,
	    struct http_request *req, struct http_response *resp)
{
	char *m2m = NULL;
	int64_t exp;
	bool cached;
	kinde_err_t rc = KINDE_OK;
	int attempt;

	memset(resp, 0, sizeof(*resp));
	for (attempt = 0; attempt < 2; attempt++) {
		rc = kinde_client_m2m_token(c, audiences, NULL, attempt > 0,
					    &m2m, &exp, &cached);
		if (rc != KINDE_OK)
			break;
		req->bearer = m2m;
		rc = client_request(c, req, resp);
		req->bearer = NULL;
		kinde_free_secret(m2m);
		m2m = NULL;
		if (rc != KINDE_OK || resp->status != 401 || !cached)
			break;
		/* A cached token the issuer has revoked: ask for a new one. */
		free(resp->body);
		memset(resp, 0, sizeof(*resp));
		m2m_forget(c, audiences);
	}
	return rc;
}
