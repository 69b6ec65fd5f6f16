/*
 * apikey.c - Kinde API keys.  They cannot be checked offline: the issuer's
 * Management API says whether a key is valid and active, and what scopes
 * and organization it carries; the host's policy is applied here.
 *
 * The key never reaches the disk or a log: results are cached under the
 * SHA-256 of the origin (origin.h) and the key, and the buffers that held
 * it are wiped.  An answer obtained under one issuer or trust setting is
 * never served under another: the entry records its origin too.
 */
#include "kinde-build.h"

#include "client.h"
#include "config.h"
#include "denylist.h"
#include "log.h"
#include "policy.h"
#include "roles.h"
#include "verdict.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#define APIKEY_MAX 512
#define VERIFY_PATH "/api/v1/api_keys/verify"

/* Full SHA-256 of origin and key, hex: stored and compared in the entry. */
static void
key_digest(const char *origin, const char *key, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	memset(md, 0, sizeof(md));
	if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, origin, strlen(origin) + 1) == 1 &&
	    EVP_DigestUpdate(ctx, key, strlen(key)) == 1)
		EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	kinde_hex(md, sizeof(md), out);
}

/* Rejections that need no network: the key cannot be a key. */
static int
precheck(const char *key, kinde_verdict_t *v)
{
	size_t len = strlen(key), i;

	if (len == 0) {
		verdict_fail(v, "format", KINDE_R_MALFORMED, "the API key is empty");
		return -1;
	}
	if (len > APIKEY_MAX) {
		verdict_fail(v, "format", KINDE_R_MALFORMED,
			     "the API key is %zu characters; Kinde keys are far shorter",
			     len);
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)key[i];

		if (ch <= 0x20 || ch >= 0x7f) {
			verdict_fail(v, "format", KINDE_R_MALFORMED,
				     "the API key contains %s at offset %zu: copied with extra characters (a \"Bearer \" prefix, quotes, a line break)?",
				     ch == ' ' ? "a space" : ch < 0x20 ?
				     "a control character" : "a non-ASCII byte",
				     i);
			return -1;
		}
	}
	verdict_pass(v, "format", "%zu characters", len);
	return 0;
}

/* The key's facts as the verdict's claims: sub is the key's user. */
static void
set_claims(kinde_verdict_t *v, const json_t *facts)
{
	json_t *claims = json_deep_copy(facts);
	const json_t *user = json_object_get(facts, "user_id");

	if (claims == NULL)
		return;
	if (json_is_string(user))
		json_object_set(claims, "sub", (json_t *)user);
	verdict_set_claims(v, claims);
	json_decref(claims);
	v->key_id = kinde_strdup(json_string_value(json_object_get(facts,
								   "key_id")));
	v->user_id = kinde_strdup(json_string_value(user));
	v->org_code = kinde_strdup(json_string_value(json_object_get(facts,
								     "org_code")));
}

/* Applies the issuer's answer and the host's policy to the verdict. */
static kinde_err_t
judge(const kinde_config_t *cfg, const json_t *facts, kinde_verdict_t *v)
{
	const json_t *valid = json_object_get(facts, "is_valid");
	const char *status = json_string_value(json_object_get(facts,
							       "status"));
	const json_t *scopes = json_object_get(facts, "scopes"), *s;
	struct strlist granted = { 0 };
	size_t i;
	int rc = 0;

	set_claims(v, facts);
	/* Kinde answers a revoked key with is_valid false and its status:
	 * say revoked, not unknown. */
	if (status != NULL && (strcmp(status, "revoked") == 0 ||
			       strcmp(status, "inactive") == 0)) {
		char esc[64];

		kinde_escape(status, esc, sizeof(esc));
		verdict_fail(v, "key", KINDE_R_KEY_INACTIVE,
			     "the API key is %s, not active", esc);
		return KINDE_E_REJECTED;
	}
	if (!json_is_true(valid)) {
		verdict_fail(v, "key", KINDE_R_KEY_INVALID,
			     "the issuer does not know this API key: copied wrong, truncated, or from another Kinde environment?");
		return KINDE_E_REJECTED;
	}
	if (status == NULL || strcmp(status, "active") != 0) {
		char esc[64];

		kinde_escape(status ? status : "(none)", esc, sizeof(esc));
		verdict_fail(v, "key", KINDE_R_KEY_INACTIVE,
			     "the API key is %s, not active", esc);
		return KINDE_E_REJECTED;
	}
	verdict_pass(v, "key", "valid and active (key_id %s)",
		     v->key_id ? v->key_id : "?");
	json_array_foreach(scopes, i, s)
		if (json_is_string(s))
			strlist_add(&granted, json_string_value(s));
	rc = policy_check_key(cfg, &granted, v->org_code, v);
	strlist_clear(&granted);
	return rc ? KINDE_E_REJECTED : KINDE_OK;
}

/*
 * require_roles / allowed_roles for a key: the roles of the user the
 * issuer's answer names, in the key's organization, by the Management
 * API (account.c, cached like account decisions).  A key of no user
 * cannot hold a role.
 */
static kinde_err_t
key_roles(kinde_client_t *c, kinde_verdict_t *v)
{
	struct kinde_account_info info;
	kinde_verdict_t *rv;
	kinde_err_t rc;

	if (!roles_wanted(c->cfg))
		return KINDE_OK;
	if (v->user_id == NULL) {
		verdict_fail(v, "role", KINDE_R_ROLE,
			     "the API key names no user, so require_roles / allowed_roles cannot hold");
		return KINDE_E_REJECTED;
	}
	if ((rv = kinde_verdict_new(false)) == NULL)
		return KINDE_E_NOMEM;
	rc = kinde_client_account_check(c, v->user_id, v->org_code,
					KINDE_ACCOUNT_ROLES, rv, &info);
	if (rc == KINDE_OK)
		verdict_pass(v, "role", "the key's user holds them (Management API, %s%s%s)",
			     info.source, info.org[0] ? ", organization " : "",
			     info.org);
	else
		verdict_fail(v, "role", rv->reason != KINDE_R_NONE ?
			     rv->reason : verdict_reason_for_error(rc),
			     "the key's user: %s", errrec_msg(&rv->detail));
	kinde_verdict_free(rv);
	return rc;
}

static kinde_err_t
ask_issuer(kinde_client_t *c, const char *key, json_t **facts)
{
	struct http_request req = { 0 };
	struct http_response resp = { 0 };
	const char *aud[2] = { NULL, NULL };
	char url[1024], api[1024], *body = NULL;
	json_t *doc = NULL, *reply = NULL;
	kinde_err_t rc;

	*facts = NULL;
	client_url(c, "/api", api, sizeof(api));
	aud[0] = api;
	client_url(c, VERIFY_PATH, url, sizeof(url));
	doc = json_pack("{s:s}", "api_key", key);
	body = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	if (body == NULL) {
		rc = KINDE_E_NOMEM;
		goto out;
	}
	req.method = "POST";
	req.url = url;
	req.content_type = "application/json";
	req.body = body;
	req.body_len = strlen(body);
	rc = m2m_request(c, aud, &req, &resp);
	if (rc != KINDE_OK)
		goto out;
	switch (resp.status) {
	case 200:
		reply = json_loadb(resp.body, resp.body_len,
				   JSON_REJECT_DUPLICATES, NULL);
		if (!json_is_object(reply) ||
		    !json_is_boolean(json_object_get(reply, "is_valid"))) {
			rc = client_error(c, KINDE_E_UNAVAILABLE,
					  "%s: the reply is not an API key verification",
					  url);
			goto out;
		}
		*facts = json_pack("{s:O, s:O?, s:O?, s:O?, s:O?, s:O?}",
				   "is_valid", json_object_get(reply, "is_valid"),
				   "status", json_object_get(reply, "status"),
				   "key_id", json_object_get(reply, "key_id"),
				   "user_id", json_object_get(reply, "user_id"),
				   "org_code", json_object_get(reply, "org_code"),
				   "scopes", json_object_get(reply, "scopes"));
		rc = *facts ? KINDE_OK : KINDE_E_NOMEM;
		break;
	case 400:
		/* The issuer refused the key itself as malformed. */
		*facts = json_pack("{s:b}", "is_valid", 0);
		rc = *facts ? KINDE_OK : KINDE_E_NOMEM;
		break;
	case 401:
		rc = client_error(c, KINDE_E_CONFIG,
				  "%s: HTTP 401: Kinde refused the M2M token; authorize the M2M application for the Kinde Management API (audience %s)",
				  url, api);
		break;
	case 403:
		rc = client_error(c, KINDE_E_CONFIG,
				  "%s: HTTP 403: the M2M application lacks the read:api_keys scope on the Kinde Management API",
				  url);
		break;
	default:
		rc = client_error(c, KINDE_E_UNAVAILABLE, "%s: HTTP %ld", url,
				  resp.status);
	}
out:
	if (body != NULL)
		kinde_free_secret(body);
	if (doc != NULL) {
		json_t *k = json_object_get(doc, "api_key");

		kinde_wipe((char *)json_string_value(k), json_string_length(k));
	}
	json_decref(doc);
	json_decref(reply);
	free(resp.body);
	return rc;
}

static kinde_err_t verify_apikey(kinde_client_t *c, const char *key,
				 kinde_verdict_t *v);

kinde_err_t
kinde_client_verify_apikey(kinde_client_t *c, const char *key,
			   kinde_verdict_t *v)
{
	kinde_err_t rc;

	client_op_begin(c);
	rc = verify_apikey(c, key, v);
	client_op_end(c);
	return rc;
}

static kinde_err_t
verify_apikey(kinde_client_t *c, const char *key, kinde_verdict_t *v)
{
	const kinde_config_t *cfg = c->cfg;
	struct cache_entry e = { 0 };
	char digest[65], name[CACHE_NAME_MAX];
	const char *stored;
	int64_t now = client_now(c);
	json_t *facts = NULL, *meta;
	char denied[512];
	bool listed, from_cache = false;
	kinde_err_t rc;
	long ttl;

	kinde_verdict_reset(v);
	client_clear_error(c);
	if (precheck(key, v) != 0)
		return KINDE_E_REJECTED;
	key_digest(c->origin.id, key, digest);
	kinde_fmt(name, sizeof(name), "apikey-%.32s", digest);
	if (cache_get(&c->cache, name, &e) == KINDE_OK) {
		stored = json_string_value(json_object_get(e.meta, "key_sha256"));
		if (client_origin_check(c, e.meta, "API-key answer") == 0 &&
		    stored != NULL && strlen(stored) == 64 &&
		    kinde_ct_equal(stored, digest, 64) &&
		    now < json_integer_value(json_object_get(e.meta,
							     "expires_at")))
			facts = json_incref(json_object_get(e.meta, "facts"));
		cache_entry_clear(&e);
	}
	if (facts != NULL) {
		from_cache = true;
		verdict_pass(v, "cache", "issuer's answer cached on this host");
	} else {
		/* Only now would a request go out: the host-wide budget of
		 * verifications is spent here, never on a cached answer. */
		if (c->verify_gate != NULL &&
		    (rc = c->verify_gate(c->verify_gate_ctx)) != KINDE_OK) {
			verdict_fail(v, "ratelimit", KINDE_R_RATE_LIMITED,
				     "this host's budget of API-key verifications is spent; not asked");
			return rc;
		}
		rc = ask_issuer(c, key, &facts);
		if (rc != KINDE_OK) {
			verdict_fail(v, "issuer", verdict_reason_for_error(rc),
				     "%s", errrec_msg(&c->err));
			return rc;
		}
		ttl = json_is_true(json_object_get(facts, "is_valid")) &&
		      json_is_string(json_object_get(facts, "status")) &&
		      strcmp(json_string_value(json_object_get(facts, "status")),
			     "active") == 0 ?
		      cfg->apikey_cache_ttl : cfg->apikey_negative_ttl;
		/* A key deny_file names is never remembered as accepted. */
		if (denylist_match_key(cfg, facts, denied, sizeof(denied)))
			ttl = 0;
		meta = json_pack("{s:s, s:o, s:I, s:O}", "key_sha256", digest,
				 "origin", origin_json(&c->origin),
				 "expires_at", (json_int_t)time(NULL) + ttl,
				 "facts", facts);
		if (ttl > 0 && meta != NULL)
			cache_put(&c->cache, name, meta, "", 0);
		json_decref(meta);
	}
	rc = judge(cfg, facts, v);
	if (rc == KINDE_OK || (rc == KINDE_E_REJECTED && v->explain)) {
		kinde_err_t roles = key_roles(c, v);

		if (rc == KINDE_OK)
			rc = roles;
	}
	/* deny_file: key_id is known only from the issuer's answer. */
	listed = denylist_match_key(cfg, facts, denied, sizeof(denied));
	if (listed) {
		verdict_fail(v, "deny_file", KINDE_R_DENIED, "%s", denied);
		rc = KINDE_E_REJECTED;
		if (from_cache)
			cache_remove(&c->cache, name);
	} else if (cfg->deny != NULL) {
		verdict_pass(v, "deny_file", "key_id and user not listed in %s",
			     cfg->deny->name);
	}
	json_decref(facts);
	return rc;
}
