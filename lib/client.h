/*
 * client.h - the state of one conversation with the issuer: the cache
 * directory, the clock, the key set in use and the discovery document.
 */
#ifndef KINDE_CLIENT_H
#define KINDE_CLIENT_H

#include "kinde.h"
#include "cache.h"
#include "errrec.h"
#include "http.h"
#include "origin.h"
#include "transport.h"
#include "util.h"

#include <jansson.h>

/* TTL bounds for what the issuer lets us cache. */
#define TTL_MIN 60
#define TTL_MAX 86400
#define TTL_DEFAULT 3600

struct kinde_client {
	const kinde_config_t *cfg;
	struct kcache cache;
	struct origin origin;	/* of cfg: names and binds cache entries */
	int64_t fixed_now;
	struct errrec err;	/* kinde_client_error */
	kinde_err_t err_code;	/* of the recorded error */

	/* The key set in use (jwks_cache.c). */
	kinde_keyset_t *ks;
	char ks_source[24];	/* "file", "cache", "network", "stale cache" */
	char ks_url[1024];
	char ks_etag[256];
	int64_t ks_fetched_at;
	int64_t ks_expires_at;
	int64_t ks_last_refetch;

	/* The discovery document (discovery.c), or NULL. */
	json_t *discovery;
	bool discovery_loaded;

	/* Clock of the issuer, from the Date header of the last reply. */
	int64_t server_date;
	int64_t server_date_local;

	/* One connection for all of them while they go to one origin: a
	 * cold login's discovery and key set, an API key's M2M token and
	 * verification (transport.h). */
	struct transport_conn conn;
	/* One timeout for a whole operation (keys, M2M token, API key), not
	 * for each of its requests: see client_op_begin. */
	long op_deadline_ms;
	int op_depth;
	enum http_err http_err;	/* of the last failed request */
	long http_status;	/* of the last response */
	char oauth_error[64];	/* "invalid_client"..., of the last refusal */

	/* Asked before an API-key verification goes out (kinde.h). */
	kinde_verify_gate_fn verify_gate;
	void *verify_gate_ctx;
};

/*
 * Whether a client of cfg keeps an on-disk cache: a pinned key set needs
 * none, unless M2M tokens are wanted too.
 */
bool client_wants_cache(const kinde_config_t *cfg);

/*
 * 0 when a cache entry's metadata records this client's origin; else
 * logs (info) that the entry of what (e.g. "key set") was fetched for
 * another origin, naming the settings that differ, and returns -1: the
 * caller treats the entry as absent.
 */
int client_origin_check(const kinde_client_t *c, const json_t *meta,
			const char *what);

/*
 * The clock for decisions (is a cached entry still fresh?): fixed by
 * kinde_client_set_now in tests and --now.  Entries are always stamped
 * with the real clock (time(NULL)): a fixed clock must never post-date
 * what other processes will read.
 */
int64_t client_now(const kinde_client_t *c);

/*
 * Brackets a public operation: every request inside shares one deadline,
 * cfg->timeout from the outermost begin.  Nested operations (an API key
 * needing an M2M token needing the key set) stay within it.
 */
void client_op_begin(kinde_client_t *c);
void client_op_end(kinde_client_t *c);

/*
 * The URL of a discovery endpoint field, else fallback_path on the
 * domain when there is no usable discovery document.  A network failure
 * is returned (KINDE_E_UNAVAILABLE), not papered over by the fallback;
 * a document of another issuer is KINDE_E_CONFIG.
 */
kinde_err_t client_endpoint(kinde_client_t *c, const char *field,
			    const char *fallback_path, char *url, size_t len);

/* Records err's detail (first one wins until client_clear_error). */
kinde_err_t client_error(kinde_client_t *c, kinde_err_t err,
			 const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void client_clear_error(kinde_client_t *c);

/*
 * One request to the issuer within cfg->timeout overall, honouring and
 * recording 429 rate limits (retrying with jitter while the budget
 * allows).  KINDE_OK when a final response arrived (any status but 429);
 * KINDE_E_UNAVAILABLE / KINDE_E_RATELIMITED / KINDE_E_CONFIG (no
 * transport) with the client error set.
 * The caller frees resp->body.
 */
kinde_err_t client_request(kinde_client_t *c, struct http_request *req,
			   struct http_response *resp);

/*
 * client_request for a form POST (form.h) to url, the token endpoint's
 * way; KINDE_E_NOMEM when building the form failed.
 */
struct form;
kinde_err_t client_post_form(kinde_client_t *c, const char *url,
			     const struct form *f, struct http_response *resp);

/*
 * Frees a token endpoint's reply: its parsed document and its body, both
 * wiped first (they hold an access token).  Either may be NULL.
 */
void client_free_token_reply(json_t *doc, struct http_response *resp);

/* max-age bounded to [TTL_MIN, TTL_MAX], TTL_DEFAULT when absent. */
long client_ttl(const struct http_response *resp);

/* Discovery (discovery.c): the endpoint named field, or NULL. */
kinde_err_t discovery_load(kinde_client_t *c);
const char *discovery_endpoint(kinde_client_t *c, const char *field);
/*
 * The endpoint named field of the document in memory, else of the cached
 * one (expired or not), without a request; NULL when neither names it.
 */
const char *discovery_peek(kinde_client_t *c, const char *field);

/*
 * Whether a key set is to be had without the network: a pinned file, or a
 * cached one of this origin that is fresh or within jwks_max_stale
 * (jwks_cache.c; diagnose asks it while the issuer is down).
 */
bool client_keyset_usable_offline(kinde_client_t *c);

/* Drops the cached M2M token for audiences (m2m.c). */
void m2m_forget(kinde_client_t *c, const char *const *audiences);

/*
 * Sends req with an M2M token for audiences as its bearer (m2m.c): a
 * cached token the issuer answers 401 earns one retry with a new one.
 * The bearer is wiped after each attempt; the caller frees resp->body.
 */
kinde_err_t m2m_request(kinde_client_t *c, const char *const *audiences,
			struct http_request *req, struct http_response *resp);

/* "<domain><path>" into buf. */
void client_url(const kinde_client_t *c, const char *path, char *buf,
		size_t len);

#endif
