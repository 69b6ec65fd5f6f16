/*
 * device.c - the device login (RFC 8628), for SSH clients that cannot
 * carry a long token: the module shows a URL and a code, the user approves
 * in a browser, the module polls the token endpoint for an access token
 * and validates it like any other.
 */
#include "kinde-build.h"

#include "client.h"
#include "config.h"
#include "form.h"
#include "log.h"
#include "url.h"
#include "util.h"
#include "verdict.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define DEVICE_GRANT "urn:ietf:params:oauth:grant-type:device_code"

/* The core's monotonic clock (http.h), as a 64-bit count. */
static int64_t
mono_ms(void)
{
	return (int64_t)http_monotonic_ms();
}

static int64_t
mono_s(void)
{
	return mono_ms() / 1000;
}

/* Copies a reply string that will be shown to the user: printable ASCII
 * only, so a hostile reply cannot write escape sequences to a terminal. */
static int
copy_shown(const json_t *j, char *out, size_t len)
{
	const char *s = json_string_value(j);
	size_t i, n;

	if (s == NULL)
		return -1;
	n = strlen(s);
	if (n == 0 || n >= len)
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return -1;
	memcpy(out, s, n + 1);
	return 0;
}

kinde_err_t
kinde_client_device_start(kinde_client_t *c, struct kinde_device_auth *d)
{
	const kinde_config_t *cfg = c->cfg;
	struct http_response resp = { 0 };
	struct form f = { 0 };
	struct strlist scope = { 0 };
	char url[1024], scopes[1024];
	const struct strlist *aud;
	json_t *doc = NULL;
	kinde_err_t rc;
	size_t i;

	memset(d, 0, sizeof(*d));
	client_clear_error(c);
	if (cfg->device_client_id == NULL)
		return client_error(c, KINDE_E_CONFIG,
				    "device logins need device_client_id");
	client_op_begin(c);
	rc = client_endpoint(c, "device_authorization_endpoint",
			     "/oauth2/device/auth", url, sizeof(url));
	client_op_end(c);
	if (rc != KINDE_OK)
		return rc;
	/* By default ask for what the policy will require. */
	if (cfg->device_scope.n > 0) {
		for (i = 0; i < cfg->device_scope.n; i++)
			strlist_add(&scope, cfg->device_scope.v[i]);
	} else {
		strlist_add(&scope, "openid");
		for (i = 0; i < cfg->require_scopes.n; i++)
			if (!strlist_has(&scope, cfg->require_scopes.v[i]))
				strlist_add(&scope, cfg->require_scopes.v[i]);
	}
	strlist_join((const char *const *)scope.v, scope.n, " ", scopes,
		     sizeof(scopes));
	strlist_clear(&scope);
	aud = cfg->device_audience.n > 0 ? &cfg->device_audience :
	      &cfg->audience;
	form_add(&f, "client_id", cfg->device_client_id);
	form_add(&f, "scope", scopes);
	for (i = 0; i < aud->n; i++)
		form_add(&f, "audience", aud->v[i]);
	client_op_begin(c);
	rc = client_post_form(c, url, &f, &resp);
	client_op_end(c);
	if (rc != KINDE_OK)
		goto out;
	doc = json_loadb(resp.body ? resp.body : "", resp.body_len, 0, NULL);
	if (resp.status != 200) {
		const char *e = json_string_value(json_object_get(doc, "error"));

		kinde_fmt(c->oauth_error, sizeof(c->oauth_error), "%s",
			  e ? e : "");
		rc = client_error(c, resp.status >= 500 ? KINDE_E_UNAVAILABLE :
				  KINDE_E_CONFIG,
				  "device authorization refused: HTTP %ld %s: check device_client_id (an application with the device grant) and device_scope",
				  resp.status, e ? e : "");
		goto out;
	}
	if (copy_shown(json_object_get(doc, "device_code"), d->device_code,
		       sizeof(d->device_code)) != 0 ||
	    copy_shown(json_object_get(doc, "user_code"), d->user_code,
		       sizeof(d->user_code)) != 0 ||
	    copy_shown(json_object_get(doc, "verification_uri"),
		       d->verification_uri, sizeof(d->verification_uri)) != 0 ||
	    !is_https_url(d->verification_uri, false)) {
		rc = client_error(c, KINDE_E_UNAVAILABLE,
				  "%s: the reply is not a device authorization", url);
		goto out;
	}
	if (copy_shown(json_object_get(doc, "verification_uri_complete"),
		       d->verification_uri_complete,
		       sizeof(d->verification_uri_complete)) != 0 ||
	    !is_https_url(d->verification_uri_complete, false))
		d->verification_uri_complete[0] = '\0';
	d->expires_in = json_is_integer(json_object_get(doc, "expires_in")) ?
			(long)json_integer_value(json_object_get(doc, "expires_in")) :
			600;
	d->interval = json_is_integer(json_object_get(doc, "interval")) ?
		      (long)json_integer_value(json_object_get(doc, "interval")) :
		      5;
	if (d->interval < 1)
		d->interval = 1;
	if (d->interval > 60)
		d->interval = 60;
	d->deadline = mono_s() + (d->expires_in < cfg->device_timeout ?
				  d->expires_in : cfg->device_timeout);
	/* RFC 8628 §3.5: the interval between requests, the first too. */
	d->next_poll_ms = mono_ms() + 1 + d->interval * 1000;
out:
	json_decref(doc);
	free(resp.body);
	form_free(&f);
	return rc;
}

/* The answer of one poll: rc, with *token set when approved. */
static kinde_err_t
poll_answer(kinde_client_t *c, struct kinde_device_auth *d,
	    const struct http_response *resp, json_t *doc, char **token)
{
	const char *err, *type;

	if (resp->status == 200) {
		type = json_string_value(json_object_get(doc, "token_type"));
		if (json_is_string(json_object_get(doc, "access_token")) &&
		    type != NULL && strcasecmp(type, "bearer") == 0)
			*token = strdup(json_string_value(
				json_object_get(doc, "access_token")));
		return *token ? KINDE_OK :
		       client_error(c, KINDE_E_UNAVAILABLE,
				    "token endpoint: the reply holds no bearer access_token");
	}
	err = json_string_value(json_object_get(doc, "error"));
	if (err == NULL || resp->status >= 500)
		return client_error(c, KINDE_E_UNAVAILABLE,
				    "token endpoint: HTTP %ld", resp->status);
	if (strcmp(err, "authorization_pending") == 0)
		return KINDE_OK;
	if (strcmp(err, "slow_down") == 0) {
		/* RFC 8628 §3.5: for this and every later request. */
		d->interval += 5;
		return KINDE_OK;
	}
	if (strcmp(err, "access_denied") == 0)
		return client_error(c, KINDE_E_REJECTED,
				    "the login was denied in the browser");
	if (strcmp(err, "expired_token") == 0)
		return client_error(c, KINDE_E_REJECTED,
				    "the code expired before the login was approved");
	kinde_fmt(c->oauth_error, sizeof(c->oauth_error), "%s", err);
	return client_error(c, KINDE_E_CONFIG, "device login refused: %s", err);
}

kinde_err_t
kinde_client_device_poll_once(kinde_client_t *c, struct kinde_device_auth *d,
			      char **token, kinde_verdict_t *v)
{
	const kinde_config_t *cfg = c->cfg;
	struct http_response resp;
	struct form f = { 0 };
	char url[1024];
	json_t *doc;
	kinde_err_t rc;

	*token = NULL;
	client_clear_error(c);
	if (mono_s() >= d->deadline) {
		rc = client_error(c, KINDE_E_REJECTED,
				  "the login was not approved within %lds",
				  d->expires_in < cfg->device_timeout ?
				  d->expires_in : cfg->device_timeout);
		goto out;
	}
	client_op_begin(c);
	rc = client_endpoint(c, "token_endpoint", "/oauth2/token", url,
			     sizeof(url));
	client_op_end(c);
	if (rc != KINDE_OK)
		goto out;
	form_add(&f, "grant_type", DEVICE_GRANT);
	form_add(&f, "device_code", d->device_code);
	form_add(&f, "client_id", cfg->device_client_id);
	d->polls++;
	rc = client_post_form(c, url, &f, &resp);
	/* Counted from the end of the request: the server sees at least
	 * the interval between two requests, whatever the latency. */
	if (rc == KINDE_OK) {
		doc = json_loadb(resp.body ? resp.body : "", resp.body_len, 0,
				 NULL);
		rc = poll_answer(c, d, &resp, doc, token);
		client_free_token_reply(doc, &resp);
	}
	/* +1: the millisecond clock is truncated, the wait must not be. */
	d->next_poll_ms = mono_ms() + 1 + d->interval * 1000;
	if (rc == KINDE_OK && *token == NULL &&
	    d->next_poll_ms / 1000 > d->deadline)
		rc = client_error(c, KINDE_E_REJECTED,
				  "the login was not approved within %lds",
				  d->expires_in < cfg->device_timeout ?
				  d->expires_in : cfg->device_timeout);
out:
	if (rc == KINDE_E_REJECTED && v != NULL) {
		kinde_verdict_reset(v);
		verdict_fail(v, "device", KINDE_R_DENIED, "%s",
			     kinde_client_error(c));
	}
	form_free(&f);
	return rc;
}

int64_t
kinde_device_wait_ms(const struct kinde_device_auth *d)
{
	int64_t left = d->next_poll_ms - mono_ms();

	return left > 0 ? left : 0;
}

kinde_err_t
kinde_client_device_poll(kinde_client_t *c, struct kinde_device_auth *d,
			 char **token, kinde_verdict_t *v)
{
	struct timespec pause;
	int64_t ms;
	kinde_err_t rc;

	do {
		ms = kinde_device_wait_ms(d);
		pause.tv_sec = (time_t)(ms / 1000);
		pause.tv_nsec = (long)(ms % 1000) * 1000000;
		while (nanosleep(&pause, &pause) != 0)
			;
		rc = kinde_client_device_poll_once(c, d, token, v);
	} while (rc == KINDE_OK && *token == NULL);
	return rc;
}

void
kinde_device_clear(struct kinde_device_auth *d)
{
	kinde_wipe(d, sizeof(*d));
}
