/*
 * client.c - the client handle and the rate-limit-aware request loop.
 */
#include "kinde-build.h"

#include "client.h"
#include "config.h"
#include "form.h"
#include "jwks.h"
#include "log.h"
#include "ratelimit.h"
#include "timefmt.h"
#include "transport.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

kinde_err_t
kinde_client_new(const kinde_config_t *cfg, kinde_client_t **out)
{
	struct errrec err = { "" };
	kinde_client_t *c;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return KINDE_E_NOMEM;
	c->cfg = cfg;
	origin_of(cfg, &c->origin);
	if (client_wants_cache(cfg)) {
		if (cache_open(cfg, &c->cache, &err) != KINDE_OK)
			kinde_log(cfg, LOG_WARNING, "%s; going on without a cache",
				  errrec_msg(&err));
	} else {
		c->cache.dirfd = -1;
	}
	*out = c;
	return KINDE_OK;
}

bool
client_wants_cache(const kinde_config_t *cfg)
{
	/* A pinned key set needs no cache; anything else is better with
	 * one, and works (slower, logged) without. */
	return cfg->jwks_file == NULL || cfg->client_id != NULL;
}

int
client_origin_check(const kinde_client_t *c, const json_t *meta,
		    const char *what)
{
	unsigned diff = origin_diff_meta(&c->origin, meta);
	char names[160];

	if (diff == 0)
		return 0;
	origin_names(diff, names, sizeof(names));
	kinde_log(c->cfg, LOG_INFO,
		  "the cached %s was fetched for another origin (%s differ%s); not used",
		  what, names, strchr(names, ',') ? "" : "s");
	return -1;
}

void
kinde_client_free(kinde_client_t *c)
{
	if (c == NULL)
		return;
	transport_conn_close(&c->conn);
	cache_close(&c->cache);
	kinde_keyset_free(c->ks);
	json_decref(c->discovery);
	free(c);
}

void
kinde_client_set_now(kinde_client_t *c, int64_t now)
{
	c->fixed_now = now;
}

void
kinde_client_set_verify_gate(kinde_client_t *c, kinde_verify_gate_fn fn,
			     void *ctx)
{
	c->verify_gate = fn;
	c->verify_gate_ctx = ctx;
}

int64_t
client_now(const kinde_client_t *c)
{
	return c->fixed_now ? c->fixed_now : (int64_t)time(NULL);
}

const char *
kinde_client_error(const kinde_client_t *c)
{
	return errrec_msg(&c->err);
}

kinde_err_t
client_error(kinde_client_t *c, kinde_err_t err, const char *fmt, ...)
{
	va_list ap;

	if (!errrec_isset(&c->err))
		c->err_code = err;
	va_start(ap, fmt);
	errrec_vwrite(&c->err, fmt, ap);
	va_end(ap);
	return err;
}

void
client_clear_error(kinde_client_t *c)
{
	errrec_clear(&c->err);
	c->err_code = KINDE_OK;
	c->oauth_error[0] = '\0';
	c->http_err = HTTP_OK;
}

void
client_url(const kinde_client_t *c, const char *path, char *buf, size_t len)
{
	kinde_fmt(buf, len, "%s%s", c->cfg->domain ? c->cfg->domain :
		  c->cfg->issuer, path);
}

long
client_ttl(const struct http_response *resp)
{
	long t = resp->max_age;

	if (t < 0)
		return TTL_DEFAULT;
	if (t < TTL_MIN)
		return TTL_MIN;
	return t > TTL_MAX ? TTL_MAX : t;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

void
client_op_begin(kinde_client_t *c)
{
	if (c->op_depth++ == 0)
		c->op_deadline_ms = http_monotonic_ms() + c->cfg->timeout * 1000;
}

void
client_op_end(kinde_client_t *c)
{
	if (--c->op_depth <= 0) {
		c->op_depth = 0;
		c->op_deadline_ms = 0;
	}
}

kinde_err_t
client_endpoint(kinde_client_t *c, const char *field,
		const char *fallback_path, char *url, size_t len)
{
	const char *ep = discovery_endpoint(c, field);

	if (ep != NULL) {
		kinde_fmt(url, len, "%s", ep);
		return KINDE_OK;
	}
	if (c->err_code == KINDE_E_CONFIG)
		return c->err_code;
	if (c->http_err != HTTP_OK || c->err_code == KINDE_E_RATELIMITED)
		return c->err_code ? c->err_code : KINDE_E_UNAVAILABLE;
	/* No discovery document (404, not JSON, no such field): Kinde's
	 * well-known paths. */
	kinde_log(c->cfg, LOG_DEBUG, "no %s from discovery (%s); using %s",
		  field, errrec_isset(&c->err) ? errrec_msg(&c->err) : "absent",
		  fallback_path);
	client_clear_error(c);
	client_url(c, fallback_path, url, len);
	return KINDE_OK;
}

kinde_err_t
client_request(kinde_client_t *c, struct http_request *req,
	       struct http_response *resp)
{
	const kinde_config_t *cfg = c->cfg;
	const char *ep = ratelimit_endpoint(req->url);
	long deadline = c->op_deadline_ms ? c->op_deadline_ms :
			http_monotonic_ms() + cfg->timeout * 1000, wait, left;
	int64_t until, now;
	kinde_err_t rc;
	char when[40];

	for (;;) {
		now = (int64_t)time(NULL);
		until = ratelimit_until(&c->cache, &c->origin, req->url, now);
		if (until > 0) {
			wait = (long)(until - now) * 1000 +
			       ratelimit_jitter_ms(500);
			if (http_monotonic_ms() + wait >= deadline) {
				kinde_fmt_utc(until, when, sizeof(when));
				return client_error(c, KINDE_E_RATELIMITED,
						    "%s endpoint: the issuer rate-limited this host until %s (%llds from now); not retrying before then",
						    ep, when,
						    (long long)(until - now));
			}
			kinde_log(cfg, LOG_INFO,
				  "issuer rate limit on its %s endpoint: waiting %ld ms",
				  ep, wait);
			sleep_ms(wait);
		}
		left = deadline - http_monotonic_ms();
		if (left < 100) {
			c->http_err = HTTP_E_TIMEOUT;
			return client_error(c, KINDE_E_UNAVAILABLE,
					    "%s: not attempted: the operation's time (timeout %lds) is spent",
					    req->url, cfg->timeout);
		}
		req->timeout_ms = left;
		rc = transport_request(cfg, &c->conn, req, resp);
		if (rc != KINDE_OK) {
			c->http_err = resp->err;
			return client_error(c, rc, "%s", resp->errmsg);
		}
		c->http_status = resp->status;
		if (resp->date > 0) {
			c->server_date = resp->date;
			c->server_date_local = (int64_t)time(NULL);
		}
		if (resp->status != 429)
			return KINDE_OK;
		wait = ratelimit_delay(resp);
		kinde_log(cfg, LOG_WARNING,
			  "%s: HTTP 429 rate limited; RateLimit-Reset %lds",
			  req->url, wait);
		ratelimit_record(&c->cache, &c->origin, req->url,
				 (int64_t)time(NULL) + wait);
		free(resp->body);
		resp->body = NULL;
	}
}

void
kinde_client_server_time(const kinde_client_t *c, int64_t *server,
			 int64_t *local)
{
	*server = c->server_date;
	*local = c->server_date_local;
}

const struct json_t *
kinde_client_discovery(kinde_client_t *c)
{
	kinde_err_t rc;

	client_op_begin(c);
	rc = discovery_load(c);
	client_op_end(c);
	return rc == KINDE_OK ? c->discovery : NULL;
}

static void
latest(void *ctx, const struct ratelimit_window *w)
{
	int64_t *until = ctx;

	if (w->until > *until)
		*until = w->until;
}

int64_t
kinde_client_ratelimited_until(kinde_client_t *c)
{
	int64_t until = 0;

	/* The latest of this origin's endpoints. */
	ratelimit_list(&c->cache, &c->origin, (int64_t)time(NULL), latest,
		       &until);
	return until;
}

const char *
kinde_client_oauth_error(const kinde_client_t *c)
{
	return c->oauth_error;
}

const char *
kinde_client_network_failure(const kinde_client_t *c)
{
	static const char *const names[] = {
		[HTTP_OK] = "", [HTTP_E_DNS] = "dns",
		[HTTP_E_CONNECT] = "connect", [HTTP_E_TLS] = "tls",
		[HTTP_E_TIMEOUT] = "timeout", [HTTP_E_TOO_BIG] = "too-big",
		[HTTP_E_REDIRECT] = "redirect", [HTTP_E_RESET] = "reset",
		[HTTP_E_PROTOCOL] = "protocol", [HTTP_E_URL] = "url",
		[HTTP_E_INTERNAL] = "internal",
	};

	return (unsigned)c->http_err < KINDE_ARRAY_SIZE(names) ?
	       names[c->http_err] : "internal";
}

kinde_err_t
client_post_form(kinde_client_t *c, const char *url, const struct form *f,
		 struct http_response *resp)
{
	struct http_request req = { 0 };

	if (f->failed)
		return KINDE_E_NOMEM;
	req.method = "POST";
	req.url = url;
	req.content_type = "application/x-www-form-urlencoded";
	req.body = f->buf;
	req.body_len = f->len;
	return client_request(c, &req, resp);
}

void
client_free_token_reply(json_t *doc, struct http_response *resp)
{
	const json_t *t = json_object_get(doc, "access_token");

	if (json_is_string(t))
		kinde_wipe((char *)json_string_value(t), json_string_length(t));
	json_decref(doc);
	if (resp != NULL && resp->body != NULL) {
		kinde_wipe(resp->body, resp->body_len);
		free(resp->body);
		resp->body = NULL;
	}
}
