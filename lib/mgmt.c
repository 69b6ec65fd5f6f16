/*
 * mgmt.c - Management API calls of the account checks and the parsers of
 * their replies (mgmt.h).
 */
#include "kinde-build.h"

#include "mgmt.h"
#include "client.h"
#include "config.h"
#include "form.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* ------------------------------------------------------------------ */
/* Parsers: pure functions of the reply's bytes */

bool
mgmt_id_ok(const char *s)
{
	size_t n = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-");

	return n > 0 && n <= MGMT_ID_MAX && s[n] == '\0';
}

/* A role or permission key, an org code: printable, 1..MGMT_ID_MAX. */
static bool
key_ok(const json_t *j)
{
	const char *s = json_string_value(j);
	size_t len, i;

	if (s == NULL)
		return false;
	len = json_string_length(j);
	if (len == 0 || len > MGMT_ID_MAX || strlen(s) != len)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return false;
	return true;
}

static json_t *
load(const char *buf, size_t len, struct errrec *err)
{
	json_error_t je;
	json_t *doc;

	if (len > MGMT_REPLY_MAX) {
		errrec_write(err, "the reply is larger than %d bytes",
			  MGMT_REPLY_MAX);
		return NULL;
	}
	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL) {
		errrec_write(err, "the reply is not JSON (%s)", je.text);
		return NULL;
	}
	if (!json_is_object(doc)) {
		errrec_write(err, "the reply is not a JSON object");
		json_decref(doc);
		return NULL;
	}
	return doc;
}

void
mgmt_user_clear(struct mgmt_user *u)
{
	strlist_clear(&u->orgs);
	memset(u, 0, sizeof(*u));
}

int
mgmt_parse_user(const char *buf, size_t len, struct mgmt_user *u,
		struct errrec *err)
{
	const json_t *id, *susp, *orgs, *o;
	json_t *doc;
	size_t i;
	int rc = -1;

	memset(u, 0, sizeof(*u));
	if ((doc = load(buf, len, err)) == NULL)
		return -1;
	id = json_object_get(doc, "id");
	susp = json_object_get(doc, "is_suspended");
	orgs = json_object_get(doc, "organizations");
	if (!key_ok(id) || !mgmt_id_ok(json_string_value(id))) {
		errrec_write(err, "the user has no usable \"id\"");
		goto out;
	}
	/* Absent is not "not suspended": the one fact this call is for. */
	if (!json_is_boolean(susp)) {
		errrec_write(err, "\"is_suspended\" is not a boolean");
		goto out;
	}
	if (orgs != NULL && !json_is_null(orgs) &&
	    (!json_is_array(orgs) || json_array_size(orgs) > MGMT_ITEMS_MAX)) {
		errrec_write(err,
			  "\"organizations\" is not an array of at most %d codes",
			  MGMT_ITEMS_MAX);
		goto out;
	}
	json_array_foreach(orgs, i, o) {
		if (!key_ok(o) || !mgmt_id_ok(json_string_value(o))) {
			errrec_write(err,
				  "\"organizations\"[%zu] is not an org code", i);
			goto out;
		}
		if (strlist_add(&u->orgs, json_string_value(o)) != 0) {
			errrec_write(err, "out of memory");
			goto out;
		}
	}
	kinde_fmt(u->id, sizeof(u->id), "%s", json_string_value(id));
	u->is_suspended = json_is_true(susp);
	u->has_orgs = json_is_array(orgs);
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

void
mgmt_page_clear(struct mgmt_page *p)
{
	strlist_clear(&p->items);
	memset(p, 0, sizeof(*p));
}

int
mgmt_parse_page(const char *buf, size_t len, const char *array,
		const char *field, struct mgmt_page *p, struct errrec *err)
{
	const json_t *arr, *next, *e, *f;
	json_t *doc;
	size_t i;
	int rc = -1;

	memset(p, 0, sizeof(*p));
	if ((doc = load(buf, len, err)) == NULL)
		return -1;
	arr = json_object_get(doc, array);
	next = json_object_get(doc, "next_token");
	if (arr != NULL && !json_is_null(arr) &&
	    (!json_is_array(arr) || json_array_size(arr) > MGMT_ITEMS_MAX)) {
		errrec_write(err, "\"%s\" is not an array of at most %d",
			  array, MGMT_ITEMS_MAX);
		goto out;
	}
	if (next != NULL && !json_is_null(next) &&
	    (!json_is_string(next) ||
	     json_string_length(next) > MGMT_TOKEN_MAX ||
	     strlen(json_string_value(next)) != json_string_length(next))) {
		errrec_write(err, "\"next_token\" is not a string of at most %d bytes",
			  MGMT_TOKEN_MAX);
		goto out;
	}
	json_array_foreach(arr, i, e) {
		f = json_object_get(e, field);
		if (!json_is_object(e) || !key_ok(f)) {
			errrec_write(err, "\"%s\"[%zu] has no usable \"%s\"",
				  array, i, field);
			goto out;
		}
		if (strlist_add(&p->items, json_string_value(f)) != 0) {
			errrec_write(err, "out of memory");
			goto out;
		}
	}
	if (json_is_string(next))
		kinde_fmt(p->next_token, sizeof(p->next_token), "%s",
			  json_string_value(next));
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

int
mgmt_parse_error(const char *buf, size_t len, char *code, size_t codelen,
		 char *msg, size_t msglen)
{
	const json_t *errs, *e0, *c, *m;
	struct errrec err = { "" };
	json_t *doc;
	int rc = -1;

	code[0] = msg[0] = '\0';
	if ((doc = load(buf, len, &err)) == NULL)
		return -1;
	errs = json_object_get(doc, "errors");
	e0 = json_array_get(errs, 0);
	c = json_object_get(e0, "code");
	m = json_object_get(e0, "message");
	if (json_is_object(e0) && json_is_string(c) &&
	    (m == NULL || json_is_string(m))) {
		kinde_escape(json_string_value(c), code, codelen);
		kinde_escape(m ? json_string_value(m) : "", msg, msglen);
		rc = 0;
	}
	json_decref(doc);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Requests */

enum endpoint { EP_USER, EP_ORG_USERS, EP_ROLES, EP_PERMISSIONS };

static const struct {
	const char *what;
	const char *scope;
} endpoints[] = {
	[EP_USER] = { "user", "read:users" },
	[EP_ORG_USERS] = { "organization users", "read:organization_users" },
	[EP_ROLES] = { "user roles", "read:organization_user_roles" },
	[EP_PERMISSIONS] = { "user permissions",
			     "read:organization_user_permissions" },
};

/*
 * GETs path (with its query) with the M2M bearer.  KINDE_OK for 200 and
 * 404 (resp->status says which); a cached M2M token the issuer refuses
 * earns one retry with a new one.  The caller frees resp->body.
 */
static kinde_err_t
mgmt_request(kinde_client_t *c, enum endpoint ep, const char *path,
	     struct http_response *resp)
{
	struct http_request req = { .method = "GET" };
	const char *aud[2] = { NULL, NULL };
	char url[HTTP_URL_MAX], api[1024], code[64], msg[256];
	kinde_err_t rc;

	client_url(c, "/api", api, sizeof(api));
	aud[0] = api;
	client_url(c, path, url, sizeof(url));
	req.url = url;
	rc = m2m_request(c, aud, &req, resp);
	if (rc != KINDE_OK)
		return rc;
	if (resp->status == 200 || resp->status == 404)
		return KINDE_OK;
	mgmt_parse_error(resp->body ? resp->body : "", resp->body_len, code,
			 sizeof(code), msg, sizeof(msg));
	if (resp->status == 401)
		rc = client_error(c, KINDE_E_CONFIG,
				  "Management API (%s): HTTP 401: Kinde refused the M2M token; authorize the M2M application for the Kinde Management API (audience %s)",
				  endpoints[ep].what, api);
	else if (resp->status == 403)
		rc = client_error(c, KINDE_E_CONFIG,
				  "Management API (%s): HTTP 403%s%s%s%s%s: the M2M application lacks the %s scope on the Kinde Management API (or m2m_scope does not request it)",
				  endpoints[ep].what, code[0] ? " " : "", code,
				  msg[0] ? " (" : "", msg, msg[0] ? ")" : "",
				  endpoints[ep].scope);
	else
		rc = client_error(c, KINDE_E_UNAVAILABLE,
				  "Management API (%s): HTTP %ld%s%s%s%s%s",
				  endpoints[ep].what, resp->status,
				  code[0] ? " " : "", code, msg[0] ? " (" : "",
				  msg, msg[0] ? ")" : "");
	free(resp->body);
	resp->body = NULL;
	return rc;
}

kinde_err_t
mgmt_get_user(kinde_client_t *c, const char *user_id, struct mgmt_user *u,
	      bool *found)
{
	struct http_response resp;
	struct errrec err = { "" };
	char path[512];
	kinde_err_t rc;

	memset(u, 0, sizeof(*u));
	*found = false;
	if (!mgmt_id_ok(user_id))
		return client_error(c, KINDE_E_USAGE,
				    "not a Kinde user id: refused before asking");
	kinde_fmt(path, sizeof(path),
		  "/api/v1/user?id=%s&expand=organizations", user_id);
	rc = mgmt_request(c, EP_USER, path, &resp);
	if (rc != KINDE_OK || resp.status == 404)
		goto out;
	if (mgmt_parse_user(resp.body, resp.body_len, u, &err) != 0) {
		rc = client_error(c, KINDE_E_UNAVAILABLE,
				  "Management API (user): %s",
				  errrec_msg(&err));
	} else if (strcmp(u->id, user_id) != 0) {
		rc = client_error(c, KINDE_E_UNAVAILABLE,
				  "Management API (user): the reply is about another user");
	} else {
		*found = true;
	}
out:
	free(resp.body);
	return rc;
}

/*
 * Every page of a list at path: calls fn with each page until it says
 * stop (returns 1) or the last page.  *found false on a 404.
 */
typedef int (*page_fn)(void *ctx, const struct mgmt_page *p);

static kinde_err_t
each_page(kinde_client_t *c, enum endpoint ep, const char *path,
	  const char *array, const char *field, page_fn fn, void *ctx,
	  bool *found)
{
	struct http_response resp;
	struct mgmt_page p;
	struct form q = { 0 };
	char url[HTTP_URL_MAX], next[MGMT_TOKEN_MAX + 1] = "";
	struct errrec err = { "" };
	kinde_err_t rc = KINDE_OK;
	bool done = false;
	int page, stop;

	*found = true;
	for (page = 0; page < MGMT_PAGES_MAX && !done; page++) {
		form_free(&q);
		form_add(&q, "page_size", "100");
		if (next[0] != '\0')
			form_add(&q, "next_token", next);
		if (q.failed)
			return KINDE_E_NOMEM;
		kinde_fmt(url, sizeof(url), "%s?%s", path, q.buf);
		rc = mgmt_request(c, ep, url, &resp);
		if (rc != KINDE_OK)
			break;
		if (resp.status == 404) {
			*found = false;
			done = true;
			free(resp.body);
			break;
		}
		if (mgmt_parse_page(resp.body, resp.body_len, array, field, &p,
				    &err) != 0) {
			rc = client_error(c, KINDE_E_UNAVAILABLE,
					  "Management API (%s): %s",
					  endpoints[ep].what, errrec_msg(&err));
			mgmt_page_clear(&p);
			free(resp.body);
			break;
		}
		free(resp.body);
		stop = fn(ctx, &p);
		kinde_fmt(next, sizeof(next), "%s", p.next_token);
		mgmt_page_clear(&p);
		if (stop < 0) {
			rc = KINDE_E_NOMEM;
			break;
		}
		done = stop > 0 || next[0] == '\0';
	}
	if (rc == KINDE_OK && !done)
		rc = client_error(c, KINDE_E_UNAVAILABLE,
				  "Management API (%s): more than %d pages; not read to the end",
				  endpoints[ep].what, MGMT_PAGES_MAX);
	form_free(&q);
	return rc;
}

struct find_ctx {
	const char *id;
	bool hit;
};

static int
find_id(void *ctx, const struct mgmt_page *p)
{
	struct find_ctx *f = ctx;

	f->hit = strlist_has(&p->items, f->id);
	return f->hit;
}

kinde_err_t
mgmt_org_has_user(kinde_client_t *c, const char *org, const char *user_id,
		  bool *member, bool *found)
{
	struct find_ctx f = { user_id, false };
	char path[512];
	kinde_err_t rc;

	*member = false;
	*found = false;
	if (!mgmt_id_ok(org) || !mgmt_id_ok(user_id))
		return client_error(c, KINDE_E_USAGE,
				    "not an org code or user id: refused before asking");
	kinde_fmt(path, sizeof(path), "/api/v1/organizations/%s/users", org);
	rc = each_page(c, EP_ORG_USERS, path, "organization_users", "id",
		       find_id, &f, found);
	*member = rc == KINDE_OK && f.hit;
	return rc;
}

static int
add_all(void *ctx, const struct mgmt_page *p)
{
	struct strlist *keys = ctx;
	size_t i;

	for (i = 0; i < p->items.n; i++)
		if (keys->n < MGMT_ITEMS_MAX &&
		    !strlist_has(keys, p->items.v[i]) &&
		    strlist_add(keys, p->items.v[i]) != 0)
			return -1;
	return 0;
}

kinde_err_t
mgmt_user_keys(kinde_client_t *c, const char *org, const char *user_id,
	       bool permissions, struct strlist *keys, bool *found)
{
	char path[512];

	*found = false;
	if (!mgmt_id_ok(org) || !mgmt_id_ok(user_id))
		return client_error(c, KINDE_E_USAGE,
				    "not an org code or user id: refused before asking");
	kinde_fmt(path, sizeof(path), "/api/v1/organizations/%s/users/%s/%s",
		  org, user_id, permissions ? "permissions" : "roles");
	return each_page(c, permissions ? EP_PERMISSIONS : EP_ROLES, path,
			 permissions ? "permissions" : "roles", "key", add_all,
			 keys, found);
}
