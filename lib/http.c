/*
 * http.c - the hardened HTTPS client, on libcurl.
 *
 * Every setting that libcurl would otherwise take from the environment or
 * leave lenient is set explicitly: a sudo or su caller controls the
 * environment (http_proxy, SSL_CERT_FILE, CURL_CA_BUNDLE), and a login
 * must never be decided by it.
 */
#include "kinde-build.h"

#include "http.h"
#include "url.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/x509.h>

#define USER_AGENT "pam_kinde/" PACKAGE_VERSION

/* Debian's bundle; used when curl reports no built-in default. */
#define FALLBACK_CA_FILE "/etc/ssl/certs/ca-certificates.crt"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static CURLcode global_rc = CURLE_FAILED_INIT;

/* Once per process; never cleaned up (other users of libcurl may live in
 * the same process, e.g. inside sshd). */
static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct sink {
	struct http_response *resp;
	size_t cap;
	size_t max;
	int too_big;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *ud)
{
	struct sink *s = ud;
	size_t n = size * nmemb;
	char *p;

	if (s->resp->body_len + n > s->max) {
		s->too_big = 1;
		return 0;	/* aborts the transfer: CURLE_WRITE_ERROR */
	}
	if (s->resp->body_len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;

		while (cap < s->resp->body_len + n + 1)
			cap *= 2;
		p = realloc(s->resp->body, cap);
		if (p == NULL)
			return 0;
		s->resp->body = p;
		s->cap = cap;
	}
	memcpy(s->resp->body + s->resp->body_len, data, n);
	s->resp->body_len += n;
	s->resp->body[s->resp->body_len] = '\0';
	return n;
}

/* Copies the value of "Name: value\r\n" if the header is name. */
static int
header_value(const char *line, size_t len, const char *name, char *out,
	     size_t outlen)
{
	size_t nlen = strlen(name), vlen;
	const char *v, *end;

	if (len <= nlen || line[nlen] != ':' ||
	    strncasecmp(line, name, nlen) != 0)
		return 0;
	v = line + nlen + 1;
	end = line + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' ||
			   end[-1] == ' '))
		end--;
	vlen = (size_t)(end - v);
	if (vlen >= outlen)
		vlen = outlen - 1;
	memcpy(out, v, vlen);
	out[vlen] = '\0';
	return 1;
}

static long
parse_seconds(const char *s)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (s == end || errno != 0 || n < 0)
		return -1;
	while (*end == ' ')
		end++;
	return *end == '\0' || *end == ';' || *end == ',' ? n : -1;
}

static long
parse_max_age(const char *cc)
{
	const char *p = cc;

	while ((p = strcasestr(p, "max-age")) != NULL) {
		p += 7;
		while (*p == ' ')
			p++;
		if (*p == '=')
			return parse_seconds(p + 1);
	}
	return -1;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *ud)
{
	struct http_response *r = ud;
	size_t n = size * nmemb;
	char v[256];

	/* A redirect's headers must not leak into the final response. */
	if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		r->etag[0] = '\0';
		r->content_type[0] = '\0';
		r->max_age = r->ratelimit_reset = r->retry_after = -1;
		r->date = 0;
	} else if (header_value(data, n, "ETag", r->etag, sizeof(r->etag))) {
	} else if (header_value(data, n, "Cache-Control", v, sizeof(v))) {
		r->max_age = parse_max_age(v);
	} else if (header_value(data, n, "RateLimit-Reset", v, sizeof(v))) {
		r->ratelimit_reset = parse_seconds(v);
	} else if (header_value(data, n, "Retry-After", v, sizeof(v))) {
		r->retry_after = parse_seconds(v);
		if (r->retry_after < 0) {
			time_t t = curl_getdate(v, NULL);
			time_t now = time(NULL);

			if (t > 0)
				r->retry_after = t > now ? (long)(t - now) : 0;
		}
	} else if (header_value(data, n, "Date", v, sizeof(v))) {
		time_t t = curl_getdate(v, NULL);

		r->date = t > 0 ? (int64_t)t : 0;
	} else {
		header_value(data, n, "Content-Type", r->content_type,
			     sizeof(r->content_type));
	}
	return n;
}

static void set_err(struct http_response *r, enum http_err e,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
set_err(struct http_response *r, enum http_err e, const char *fmt, ...)
{
	va_list ap;

	r->err = e;
	va_start(ap, fmt);
	/* va_start is the line above (a false positive of clang 14):
	 * NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vsnprintf(r->errmsg, sizeof(r->errmsg), fmt, ap);
	va_end(ap);
}

static void
map_error(CURL *h, CURLcode rc, const char *url, const char *ebuf,
	  const struct sink *s, struct http_response *r)
{
	const char *detail = ebuf[0] ? ebuf : curl_easy_strerror(rc);
	long verify = 0;

	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		set_err(r, HTTP_E_DNS, "%s: name lookup failed (%s)", url,
			detail);
		break;
	case CURLE_COULDNT_CONNECT:
		set_err(r, HTTP_E_CONNECT, "%s: cannot connect (%s)", url,
			detail);
		break;
	case CURLE_OPERATION_TIMEDOUT:
		set_err(r, HTTP_E_TIMEOUT, "%s: timed out (%s)", url, detail);
		break;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		curl_easy_getinfo(h, CURLINFO_SSL_VERIFYRESULT, &verify);
		/* OpenSSL's reason when it has a specific one; curl's text
		 * otherwise (a name mismatch is curl's own check). */
		if (verify != X509_V_OK && verify != X509_V_ERR_UNSPECIFIED)
			set_err(r, HTTP_E_TLS,
				"%s: TLS certificate problem: %s", url,
				X509_verify_cert_error_string(verify));
		else
			set_err(r, HTTP_E_TLS,
				"%s: TLS certificate problem: %s", url, detail);
		break;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (s->too_big || rc == CURLE_FILESIZE_EXCEEDED) {
			set_err(r, HTTP_E_TOO_BIG,
				"%s: response larger than %zu bytes refused",
				url, s->max);
		} else {
			set_err(r, HTTP_E_INTERNAL, "%s: out of memory (%s)",
				url, detail);
		}
		break;
	case CURLE_UNSUPPORTED_PROTOCOL:
		set_err(r, HTTP_E_URL, "%s: only https URLs are allowed (%s)",
			url, detail);
		break;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
		set_err(r, HTTP_E_RESET,
			"%s: connection closed or reset by the server (%s)", url,
			detail);
		break;
	case CURLE_WEIRD_SERVER_REPLY:
		set_err(r, HTTP_E_PROTOCOL, "%s: not an HTTP reply (%s)", url,
			detail);
		break;
	default:
		set_err(r, HTTP_E_INTERNAL, "%s: %s", url, detail);
	}
}

static const char *
default_ca_file(void)
{
	static const char *path;

#if LIBCURL_VERSION_NUM >= 0x075400	/* 7.84: CURLINFO_CAINFO */
	if (path == NULL) {
		CURL *h = curl_easy_init();
		char *p = NULL;

		if (h != NULL &&
		    curl_easy_getinfo(h, CURLINFO_CAINFO, &p) == CURLE_OK &&
		    p != NULL)
			path = strdup(p);
		curl_easy_cleanup(h);
	}
#endif
	return path ? path : FALLBACK_CA_FILE;
}

/*
 * One request to url on h (fresh, or reset by the previous request),
 * redirects not followed: a 3xx with a Location puts the absolute target
 * in next (else next is "").
 */
static void
perform_once(CURL *h, const struct http_request *req, const char *url,
	     long timeout_ms, struct http_response *r, char *next,
	     size_t nextlen)
{
	struct curl_slist *hdrs = NULL;
	char ebuf[CURL_ERROR_SIZE] = "", auth[8192], *loc = NULL;
	struct sink s = { r, 0, req->max_response ? req->max_response :
			  HTTP_MAX_RESPONSE, 0 };
	long connects = 0;
	CURLcode rc;

	next[0] = '\0';
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	/* Redirects are decided in perform_follow(), never by libcurl: it
	 * would repeat a POST, form and bearer token included, to any
	 * https host a 307 or 308 names. */
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* Explicit CA and proxy: the environment must decide nothing. */
	curl_easy_setopt(h, CURLOPT_CAINFO,
			 req->ca_file ? req->ca_file : default_ca_file());
	curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
	curl_easy_setopt(h, CURLOPT_PROXY, req->proxy ? req->proxy : "");
	curl_easy_setopt(h, CURLOPT_NOPROXY, req->proxy ? "" : "*");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	/* No SIGALRM for DNS timeouts: we may run inside sshd. */
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, USER_AGENT);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, ebuf);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)s.max);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &s);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_NETRC, (long)CURL_NETRC_IGNORED);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, NULL);

	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (req->bearer != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %s",
			 req->bearer);
		hdrs = curl_slist_append(hdrs, auth);
		explicit_bzero(auth, sizeof(auth));
	}
	if (req->if_none_match != NULL && req->if_none_match[0] != '\0') {
		char inm[300];

		snprintf(inm, sizeof(inm), "If-None-Match: %s",
			 req->if_none_match);
		hdrs = curl_slist_append(hdrs, inm);
	}
	if (req->body != NULL) {
		char ct[160];

		snprintf(ct, sizeof(ct), "Content-Type: %s",
			 req->content_type ? req->content_type :
			 "application/json");
		hdrs = curl_slist_append(hdrs, ct);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)req->body_len);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body);
	}
	/* "Expect: 100-continue" would add a round trip for nothing. */
	hdrs = curl_slist_append(hdrs, "Expect:");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);

	rc = curl_easy_perform(h);
	if (rc == CURLE_OK) {
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
		if (r->status >= 300 && r->status < 400 &&
		    curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc) ==
		    CURLE_OK && loc != NULL) {
			if (strlen(loc) < nextlen)
				memcpy(next, loc, strlen(loc) + 1);
			else
				set_err(r, HTTP_E_REDIRECT,
					"%s: refused redirect to a URL of %zu bytes",
					url, strlen(loc));
		}
		if (r->body == NULL) {
			r->body = calloc(1, 1);
			if (r->body == NULL)
				set_err(r, HTTP_E_INTERNAL, "%s: %s", url,
					"out of memory");
		}
	} else {
		map_error(h, rc, url, ebuf, &s, r);
		free(r->body);
		r->body = NULL;
		r->body_len = 0;
	}
	if (curl_easy_getinfo(h, CURLINFO_NUM_CONNECTS, &connects) ==
	    CURLE_OK && connects > 0)
		r->connects += (unsigned)connects;
	/*
	 * Every option back to its default before the handle serves another
	 * request: none of this one's method, body, headers (the bearer
	 * token), caps or timeouts may carry over, and the handle must not
	 * keep pointers to this frame (ebuf, s) or to the freed headers.
	 * The connections, TLS sessions and DNS cache stay: that is the
	 * point of keeping the handle.
	 */
	curl_easy_reset(h);
	/* The slist holds a copy of the bearer token: wipe it. */
	{
		struct curl_slist *l;

		for (l = hdrs; l != NULL; l = l->next)
			explicit_bzero(l->data, strlen(l->data));
	}
	curl_slist_free_all(hdrs);
}

struct url_origin {
	char scheme[16];
	char host[256];
	char port[8];
};

/* Scheme, host and port (the default one when absent) of url: 0, or -1. */
static int
url_origin_of(const char *url, struct url_origin *o)
{
	char *scheme = NULL, *host = NULL, *port = NULL;
	CURLU *u = curl_url();
	int rc = -1;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK &&
	    strlen(scheme) < sizeof(o->scheme) &&
	    strlen(host) < sizeof(o->host) && strlen(port) < sizeof(o->port)) {
		/* (each bounded by the strlen checks above) */
		strcpy(o->scheme, scheme); /* NOLINT(clang-analyzer-security.insecureAPI.strcpy) */
		strcpy(o->host, host); /* NOLINT(clang-analyzer-security.insecureAPI.strcpy) */
		strcpy(o->port, port); /* NOLINT(clang-analyzer-security.insecureAPI.strcpy) */
		rc = 0;
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

/*
 * Why the redirect from url to next must not be followed, or NULL.  A
 * request with a body (the token endpoint's form with the client secret,
 * an API key with its bearer token) is never repeated elsewhere; a GET
 * only to the same origin, where nothing it carries goes anywhere new.
 */
static const char *
redirect_refusal(const struct http_request *req, const char *url,
		 const char *next, int hops)
{
	struct url_origin from, to;

	if (req->body != NULL ||
	    (req->method != NULL && strcmp(req->method, "GET") != 0))
		return "a POST is never redirected (it would carry its form or bearer token there)";
	if (!is_https_url(next, true))
		return "only https URLs are followed";
	if (url_origin_of(url, &from) != 0 || url_origin_of(next, &to) != 0)
		return "not a URL that can be checked";
	if (strcasecmp(from.scheme, to.scheme) != 0 ||
	    strcasecmp(from.host, to.host) != 0 ||
	    strcmp(from.port, to.port) != 0)
		return "only a GET to the same origin (https, host and port) is followed";
	if (hops >= HTTP_MAX_REDIRECTS)
		return "too many redirects";
	return NULL;
}

/* The request, and the same-origin GET redirects it is allowed, within
 * the one timeout. */
static void
perform_follow(CURL *h, const struct http_request *req,
	       struct http_response *r)
{
	char url[HTTP_URL_MAX], next[HTTP_URL_MAX];
	long deadline = http_monotonic_ms() + req->timeout_ms;
	const char *why;
	int hops = 0;

	if (strlen(req->url) >= sizeof(url)) {
		set_err(r, HTTP_E_URL, "%.200s...: URL too long", req->url);
		return;
	}
	/* the length is checked above:
	 * NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy) */
	strcpy(url, req->url);
	for (;;) {
		perform_once(h, req, url, hops ? deadline - http_monotonic_ms() :
			     req->timeout_ms, r, next, sizeof(next));
		if (r->err != HTTP_OK || next[0] == '\0')
			return;
		free(r->body);
		r->body = NULL;
		r->body_len = 0;
		why = redirect_refusal(req, url, next, hops);
		if (why == NULL && deadline - http_monotonic_ms() < 1)
			why = "no time left to follow it";
		if (why != NULL) {
			set_err(r, HTTP_E_REDIRECT,
				"refused redirect from %s to %s: %s", url,
				next, why);
			return;
		}
		memcpy(url, next, strlen(next) + 1);
		hops++;
	}
}

/*
 * A session: one libcurl handle kept across the requests of one client
 * (kinde_client_t), so they share its connection (a cold login: discovery,
 * then the key set; an API key: M2M token, then the verification).  It is
 * bound to one origin (scheme, host, port) with one CA file and proxy: a
 * request to anything else first drops the handle, its connections and
 * TLS sessions, so nothing made for one host ever serves another, whatever
 * libcurl's own matching would allow.  After a transport error the handle
 * is dropped too: the next request starts from a fresh connection.
 */
struct http_session {
	CURL *h;
	struct url_origin origin;
	char *ca_file;		/* as the handle was set up; NULL: none */
	char *proxy;
};

static bool
same_str(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

/* Whether req may use the session's handle and connection. */
static bool
session_fits(const struct http_session *s, const struct http_request *req,
	     const struct url_origin *o)
{
	return strcasecmp(s->origin.scheme, o->scheme) == 0 &&
	       strcasecmp(s->origin.host, o->host) == 0 &&
	       strcmp(s->origin.port, o->port) == 0 &&
	       same_str(s->ca_file, req->ca_file) &&
	       same_str(s->proxy, req->proxy);
}

static void
session_drop(struct http_session *s)
{
	curl_easy_cleanup(s->h);	/* NULL is fine */
	s->h = NULL;
	free(s->ca_file);
	free(s->proxy);
	s->ca_file = s->proxy = NULL;
}

/* A fresh handle for req's origin, CA file and proxy; false: no memory. */
static bool
session_open(struct http_session *s, const struct http_request *req,
	     const struct url_origin *o)
{
	s->origin = *o;
	s->h = curl_easy_init();
	s->ca_file = req->ca_file ? strdup(req->ca_file) : NULL;
	s->proxy = req->proxy ? strdup(req->proxy) : NULL;
	if (s->h == NULL || (req->ca_file && s->ca_file == NULL) ||
	    (req->proxy && s->proxy == NULL)) {
		session_drop(s);
		return false;
	}
	return true;
}

/*
 * A peer closing the connection must not kill the caller (sshd) with
 * SIGPIPE: block it in this thread while libcurl writes (a request, or
 * the TLS close of a kept connection), then discard any that arrived.
 */
static void
pipe_block(sigset_t *old)
{
	sigset_t pipe_set;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, old);
}

static void
pipe_restore(const sigset_t *old)
{
	struct timespec zero = { 0, 0 };
	sigset_t pipe_set, pending;

	if (sigismember(old, SIGPIPE))
		return;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	sigpending(&pending);
	if (sigismember(&pending, SIGPIPE))
		sigtimedwait(&pipe_set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

static void
session_perform(struct http_session *s, const struct http_request *req,
		struct http_response *r)
{
	struct url_origin o;
	sigset_t old;

	memset(r, 0, sizeof(*r));
	r->max_age = r->ratelimit_reset = r->retry_after = -1;
	if (!is_https_url(req->url, false)) {
		set_err(r, HTTP_E_URL, "%s: %s", req->url,
			"only https URLs are allowed");
		return;
	}
	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		set_err(r, HTTP_E_INTERNAL, "%s: %s", req->url,
			"libcurl failed to initialise");
		return;
	}
	if (url_origin_of(req->url, &o) != 0) {
		set_err(r, HTTP_E_URL, "%.200s: %s", req->url,
			"not a URL that can be parsed");
		return;
	}
	pipe_block(&old);
	if (s->h != NULL && !session_fits(s, req, &o))
		session_drop(s);
	if (s->h == NULL && !session_open(s, req, &o))
		set_err(r, HTTP_E_INTERNAL, "%s: %s", req->url,
			"cannot start libcurl");
	else
		perform_follow(s->h, req, r);
#ifdef KINDE_HTTP_NO_REUSE
	/* The bench's "before": a fresh connection for every request. */
	session_drop(s);
#endif
	if (r->err != HTTP_OK)
		session_drop(s);
	pipe_restore(&old);
}

static struct http_session *
session_new(void)
{
	return calloc(1, sizeof(struct http_session));
}

static void
session_free(struct http_session *s)
{
	sigset_t old;

	if (s == NULL)
		return;
	pipe_block(&old);
	session_drop(s);
	pipe_restore(&old);
	free(s);
}

/* One request on a handle of its own, closed after it. */
static void
perform(const struct http_request *req, struct http_response *r)
{
	struct http_session s = { 0 };
	sigset_t old;

	session_perform(&s, req, r);
	pipe_block(&old);
	session_drop(&s);
	pipe_restore(&old);
}

const struct kinde_net kinde_net_v1 = {
	KINDE_NET_ABI,
	PACKAGE_VERSION,
	perform,
	session_new,
	session_perform,
	session_free,
};
