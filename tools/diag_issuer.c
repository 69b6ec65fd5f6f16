/*
 * diag_issuer.c - diagnose's issuer checks: name resolution, a live HTTPS
 * request (TLS, status, clock), discovery, the key set, the rate limiter,
 * the scopes the configuration names, and the M2M credentials.
 */
#include "kinde-build.h"

#include "diag.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

static bool
check_dns(struct diag *d)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	char host[256], addr[64] = "";
	int e;

	url_host(d->cfg->domain, host, sizeof(host));
	e = getaddrinfo(host, "443", &hints, &res);
	if (e != 0) {
		diag_add(d, DC_UNREACHABLE, "dns", DIAG_FAIL,
			 "every login needing the issuer fails with PAM_AUTHINFO_UNAVAIL",
			 "the issuer's name does not resolve",
			 "check domain in the config (https://<your-subdomain>.kinde.com) and this host's DNS (/etc/resolv.conf)",
			 "%s: %s", host, gai_strerror(e));
		d->unreachable = true;
		return false;
	}
	getnameinfo(res->ai_addr, res->ai_addrlen, addr, sizeof(addr), NULL, 0,
		    NI_NUMERICHOST);
	freeaddrinfo(res);
	diag_add(d, DC_UNREACHABLE, "dns", DIAG_PASS, NULL, NULL, NULL,
		 "%s -> %s", host, addr);
	return true;
}

static const char *
network_fix(const char *what)
{
	if (strcmp(what, "tls") == 0)
		return "if the issuer uses a private CA, set ca_file to its bundle; check that domain is the certificate's name; check this host's clock";
	if (strcmp(what, "connect") == 0)
		return "check that outbound HTTPS (443) is allowed; set proxy if this host must use one";
	if (strcmp(what, "timeout") == 0)
		return "check the network path and any proxy; timeout and connect_timeout bound each request";
	if (strcmp(what, "redirect") == 0)
		return "use the https URL the issuer redirects to as domain";
	return "check the domain and the network";
}

static bool
check_reach(struct diag *d)
{
	int64_t server, local;
	char delta[32];
	long status = 0;
	kinde_err_t rc;

	rc = kinde_client_probe(d->client, &status);
	if (rc == KINDE_E_RATELIMITED) {
		diag_add(d, DC_RATE_LIMITED, "https", DIAG_FAIL,
			 "logins that need the issuer fail with PAM_AUTHINFO_UNAVAIL until the limit resets",
			 "the issuer answered HTTP 429 (rate limit)",
			 "wait for the reset; keep cache_dir usable so processes share keys and results",
			 "%s", kinde_client_error(d->client));
		return false;
	}
	if (rc != KINDE_OK) {
		const char *what = kinde_client_network_failure(d->client);

		diag_add(d, DC_UNREACHABLE, what[0] ? what : "https", DIAG_FAIL,
			 "logins needing the issuer fail with PAM_AUTHINFO_UNAVAIL; cached keys are used until jwks_max_stale",
			 strcmp(what, "tls") == 0 ?
			 "the TLS connection to the issuer failed (the certificate problem is named)" :
			 "the issuer cannot be reached over HTTPS",
			 network_fix(what), "%s", kinde_client_error(d->client));
		d->unreachable = true;
		return false;
	}
	diag_add(d, DC_UNREACHABLE, "https", DIAG_PASS, NULL, NULL, NULL,
		 "%s: HTTP %ld over verified TLS", d->cfg->domain, status);

	kinde_client_server_time(d->client, &server, &local);
	if (server == 0) {
		diag_add(d, DC_TOKEN_INVALID, "clock-skew", DIAG_SKIP, NULL,
			 "the issuer sent no Date header", NULL, "unknown");
		return true;
	}
	d->skew = server - local;
	d->skew_known = true;
	kinde_fmt_duration(d->skew, delta, sizeof(delta));
	if (llabs((long long)d->skew) > d->cfg->leeway)
		diag_add(d, DC_TOKEN_INVALID, "clock-skew", DIAG_FAIL,
			 "fresh tokens are refused as expired, not yet valid or issued in the future",
			 d->skew > 0 ? "this host's clock is behind the issuer's by more than the leeway" :
			 "this host's clock is ahead of the issuer's by more than the leeway",
			 "synchronise the clock (timedatectl set-ntp true, chrony); leeway tolerates small skews",
			 "this host is %s %s the issuer (leeway %lds)", delta,
			 d->skew > 0 ? "behind" : "ahead of", d->cfg->leeway);
	else
		diag_add(d, DC_TOKEN_INVALID, "clock-skew", DIAG_PASS, NULL,
			 NULL, NULL, "%s %s the issuer (leeway %lds)", delta,
			 d->skew > 0 ? "behind" : d->skew < 0 ? "ahead of" :
			 "in step with", d->cfg->leeway);
	return true;
}

static void
check_discovery(struct diag *d)
{
	const json_t *doc = kinde_client_discovery(d->client);
	const char *err = kinde_client_error(d->client);

	if (doc != NULL) {
		diag_add(d, DC_CONFIG, "discovery", DIAG_PASS, NULL, NULL, NULL,
			 "issuer %s; jwks_uri %s",
			 json_string_value(json_object_get(doc, "issuer")),
			 json_string_value(json_object_get(doc, "jwks_uri")) ?:
			 "(none)");
	} else if (strstr(err, "not the configured") != NULL) {
		diag_add(d, DC_CONFIG, "discovery", DIAG_FAIL,
			 "every token is refused (issuer) and keys are not fetched",
			 "the issuer's discovery document names another issuer than the configured one",
			 "set issuer to the value the document names, or domain to the right Kinde domain",
			 "%s", err);
	} else {
		diag_add(d, DC_CONFIG, "discovery", DIAG_SKIP, NULL,
			 "without discovery the key set is read from <domain>/.well-known/jwks",
			 NULL, "%s", err[0] ? err : "not available");
	}
}

static void
check_keys(struct diag *d)
{
	struct kinde_keyset_status st;
	struct kinde_key_info ki;
	const kinde_keyset_t *ks = NULL;
	char kids[512] = "";
	size_t i, used = 0;
	kinde_err_t rc;

	rc = kinde_client_refresh_keyset(d->client);
	if (rc == KINDE_OK)
		rc = kinde_client_keyset(d->client, &ks);
	if (rc != KINDE_OK) {
		diag_add(d, rc == KINDE_E_RATELIMITED ? DC_RATE_LIMITED :
			 DC_KEY_SET, "key-set", DIAG_FAIL,
			 "no token can be validated until a key set is had (PAM_AUTHINFO_UNAVAIL)",
			 "the issuer's key set could not be fetched or parsed",
			 "check jwks_uri (or discovery); the error names what failed",
			 "%s", kinde_client_error(d->client));
		return;
	}
	kinde_client_keyset_status(d->client, &st);
	for (i = 0; i < kinde_keyset_count(ks) && used < sizeof(kids) - 80; i++) {
		kinde_keyset_key_info(ks, i, &ki);
		used += (size_t)snprintf(kids + used, sizeof(kids) - used,
					 "%s%s (%s %d)", i ? ", " : "",
					 ki.kid ? ki.kid : "(no kid)", ki.kty,
					 ki.bits);
	}
	if (kinde_keyset_count(ks) == 0)
		diag_add(d, DC_KEY_SET, "key-set", DIAG_FAIL,
			 "every token is refused (kid)",
			 "the key set holds no usable key (each refused key was logged)",
			 "check the issuer's keys: RSA >= 2048 bits, use sig",
			 "%s: 0 usable keys", st.url);
	else
		diag_add(d, DC_KEY_SET, "key-set", DIAG_PASS, NULL, NULL, NULL,
			 "%zu key%s from %s: %s", kinde_keyset_count(ks),
			 kinde_keyset_count(ks) == 1 ? "" : "s", st.url, kids);
}

/* What a 429 on one endpoint stops, and what helps (issue 10). */
static void
endpoint_text(const char *ep, const char **symptom, const char **fix)
{
	if (strcmp(ep, "apikey-verify") == 0) {
		*symptom = "API-key logins the cache cannot answer fail with PAM_AUTHINFO_UNAVAIL until the reset; token logins are not affected";
		*fix = "wait for the reset; keep apikey_cache_ttl so known keys are answered from the cache, and ratelimit_verify / ratelimit_rhost low enough that strangers cannot spend the M2M application's quota";
	} else if (strcmp(ep, "jwks") == 0 || strcmp(ep, "discovery") == 0) {
		*symptom = "token logins that need the key set (cold cache, a new kid) fail with PAM_AUTHINFO_UNAVAIL until the reset; a warm key set still validates";
		*fix = "wait for the reset; keep the cache directory usable so every process shares the key set";
	} else if (strcmp(ep, "token") == 0) {
		*symptom = "API-key logins (they need an M2M token) and kinde-auth token fail until the reset";
		*fix = "wait for the reset; the M2M token is cached: check what else uses the same M2M application";
	} else if (strcmp(ep, "device") == 0) {
		*symptom = "device logins fail until the reset";
		*fix = "wait for the reset; ratelimit_rhost bounds how many device logins one remote host starts";
	} else {
		*symptom = "logins that need this endpoint fail with PAM_AUTHINFO_UNAVAIL until the reset";
		*fix = "wait for the reset";
	}
}

struct rl_seen {
	struct diag *d;
	int64_t now;
	unsigned n;
};

static void
rl_window(void *ctx, const struct ratelimit_window *w)
{
	struct rl_seen *s = ctx;
	const char *symptom, *fix;
	char when[40];

	s->n++;
	endpoint_text(w->endpoint, &symptom, &fix);
	kinde_fmt_utc(w->until, when, sizeof(when));
	diag_add(s->d, DC_RATE_LIMITED, "rate-limit", DIAG_FAIL, symptom,
		 "the issuer answered 429 Too Many Requests on this endpoint; its RateLimit-Reset is recorded for every process of this host, per endpoint (the others are still asked)",
		 fix, "the issuer answered 429 on the %s endpoint (%s); back-off: limited until %s (%llds from now)",
		 w->endpoint, w->url, when, (long long)(w->until - s->now));
}

/*
 * The issuer's own 429, per endpoint, as the client of this configuration
 * would find it: not this host's limiter (diag_limiter.c).
 */
static void
check_ratelimit(struct diag *d)
{
	struct rl_seen s = { d, (int64_t)time(NULL), 0 };

	/* A 429 the probe met is there too: ratelimit_record wrote it.
	 * Without a usable cache directory nothing is shared, and the
	 * probe's own finding (https) says what it met. */
	ratelimit_list(&d->client->cache, &d->client->origin, s.now,
		       rl_window, &s);
	if (s.n == 0)
		diag_add(d, DC_RATE_LIMITED, "rate-limit", DIAG_PASS, NULL, NULL,
			 NULL, "this host is not rate-limited by the issuer");
}

static void
check_scope_list(struct diag *d, const json_t *supported,
		 const struct strlist *l, const char *key)
{
	const json_t *s;
	size_t i, j;
	bool known;

	for (i = 0; i < l->n; i++) {
		known = false;
		json_array_foreach(supported, j, s)
			if (json_is_string(s) &&
			    strcmp(json_string_value(s), l->v[i]) == 0)
				known = true;
		if (known)
			diag_add(d, DC_INVALID_SCOPE, "scope-known", DIAG_PASS,
				 NULL, NULL, NULL, "%s (%s) is supported", l->v[i],
				 key);
		else
			diag_add(d, DC_INVALID_SCOPE, "scope-known", DIAG_FAIL,
				 "tokens never carry it (logins refused for scope) or the token endpoint answers invalid_scope",
				 "the configuration names a scope the issuer does not list in scopes_supported",
				 "check the spelling; define the scope on the API in Kinde, or remove it from the config",
				 "%s (%s) is not in the issuer's scopes_supported",
				 l->v[i], key);
	}
}

static void
check_scopes(struct diag *d)
{
	const json_t *doc = kinde_client_discovery(d->client);
	const json_t *supported = json_object_get(doc, "scopes_supported");

	if (!json_is_array(supported)) {
		diag_add(d, DC_INVALID_SCOPE, "scope-known", DIAG_SKIP, NULL,
			 "the issuer publishes no scopes_supported", NULL,
			 "not checked");
		return;
	}
	if (d->cfg->require_scopes.n == 0 && d->cfg->m2m_scope.n == 0) {
		diag_add(d, DC_INVALID_SCOPE, "scope-known", DIAG_SKIP, NULL,
			 NULL, NULL, "no scope configured");
		return;
	}
	check_scope_list(d, supported, &d->cfg->require_scopes,
			 "require_scopes");
	check_scope_list(d, supported, &d->cfg->m2m_scope, "m2m_scope");
}

static void
check_m2m(struct diag *d)
{
	char *token = NULL, rel[40];
	const char *oauth;
	int64_t exp = 0;
	bool cached;
	kinde_err_t rc;

	if (d->cfg->client_id == NULL) {
		diag_add(d, DC_M2M, "m2m", DIAG_SKIP, NULL,
			 "no client_id: API keys cannot be verified (they need an M2M token)",
			 NULL, "not configured");
		return;
	}
	rc = kinde_client_m2m_token(d->client, NULL, NULL, true, &token, &exp,
				    &cached);
	kinde_free_secret(token);
	if (rc == KINDE_OK) {
		kinde_fmt_relative(exp, (int64_t)time(NULL), rel, sizeof(rel));
		diag_add(d, DC_M2M, "m2m", DIAG_PASS, NULL, NULL, NULL,
			 "client %s: token issued and validated, expires %s",
			 d->cfg->client_id, rel);
		return;
	}
	oauth = kinde_client_oauth_error(d->client);
	if (rc == KINDE_E_RATELIMITED ||
	    (rc == KINDE_E_UNAVAILABLE &&
	     kinde_client_network_failure(d->client)[0] != '\0')) {
		diag_add(d, rc == KINDE_E_RATELIMITED ? DC_RATE_LIMITED :
			 DC_UNREACHABLE, "m2m", DIAG_FAIL,
			 "API-key logins fail with PAM_AUTHINFO_UNAVAIL",
			 "the token endpoint could not be used",
			 "see the error; check the network and the issuer",
			 "%s", kinde_client_error(d->client));
		return;
	}
	if (rc == KINDE_E_UNAVAILABLE) {
		/* The issuer answered, but its token did not validate here. */
		bool skewed = d->skew_known &&
			      llabs((long long)d->skew) > d->cfg->leeway;

		diag_add(d, DC_TOKEN_INVALID, "m2m", DIAG_FAIL,
			 "API-key logins fail with PAM_AUTHINFO_UNAVAIL",
			 skewed ? "the M2M token the issuer sent looks expired or issued in the future: this host's clock is off (see clock-skew)" :
			 "the M2M token the issuer sent does not validate on this host",
			 skewed ? "synchronise the clock (timedatectl set-ntp true, chrony)" :
			 "the error names the failing check; compare issuer, algorithms and the key set",
			 "%s", kinde_client_error(d->client));
		return;
	}
	diag_add(d, strcmp(oauth, "invalid_scope") == 0 ? DC_INVALID_SCOPE :
		 DC_M2M, "m2m", DIAG_FAIL,
		 "API-key logins fail with PAM_SERVICE_ERR; `kinde-auth token` fails",
		 strcmp(oauth, "invalid_client") == 0 ?
		 "the client id or secret is wrong" :
		 strcmp(oauth, "unauthorized_client") == 0 ?
		 "the application is not authorized for client credentials or this audience" :
		 strcmp(oauth, "invalid_scope") == 0 ?
		 "a requested scope (m2m_scope) is not granted to the application" :
		 "the M2M credentials are not usable",
		 "the error names the fix; in Kinde: Settings > Applications > the M2M application (credentials, APIs, scopes)",
		 "%s", kinde_client_error(d->client));
}

void
diag_issuer(struct diag *d)
{
	if (d->cfg->jwks_file != NULL && d->cfg->client_id == NULL) {
		diag_add(d, DC_UNREACHABLE, "https", DIAG_SKIP, NULL,
			 "a pinned jwks_file and no M2M client: the issuer is never contacted",
			 NULL, "offline configuration");
		check_keys(d);
		return;
	}
	if (!check_dns(d) || !check_reach(d)) {
		check_ratelimit(d);
		return;
	}
	/* After the probe: a 429 it met is part of the state. */
	check_ratelimit(d);
	check_discovery(d);
	check_keys(d);
	check_scopes(d);
	check_m2m(d);
}
