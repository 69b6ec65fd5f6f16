/*
 * http.h - the HTTPS transport's interface.
 *
 * The transport (http.c, libcurl) lives outside the core: the CLI links it
 * in, the PAM module loads it with dlopen() only when a cache is cold, so a
 * warm login never pays for libcurl and its dependencies (transport.c).
 * Both sides are built from this tree; the version check in transport.c
 * refuses a plugin from another build.
 */
#ifndef KINDE_HTTP_H
#define KINDE_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define KINDE_NET_ABI 2
#define KINDE_NET_SYMBOL "kinde_net_v1"

/* Caps: a key set, discovery document or API reply is never this big. */
#define HTTP_MAX_RESPONSE (1024 * 1024)
/* Same-origin GET redirects followed for one request (none for a POST). */
#define HTTP_MAX_REDIRECTS 3
#define HTTP_URL_MAX 2048

enum http_err {
	HTTP_OK = 0,		/* a response arrived (any status) */
	HTTP_E_DNS,
	HTTP_E_CONNECT,
	HTTP_E_TLS,
	HTTP_E_TIMEOUT,
	HTTP_E_TOO_BIG,
	HTTP_E_REDIRECT,	/* refused: a POST, another origin, http,
				 * too many */
	HTTP_E_RESET,		/* connection closed or reset mid-way */
	HTTP_E_PROTOCOL,	/* garbled HTTP */
	HTTP_E_URL,		/* not an https URL */
	HTTP_E_INTERNAL
};

struct http_request {
	const char *method;		/* "GET" or "POST" */
	const char *url;		/* https only */
	const char *content_type;	/* for a body */
	const char *body;
	size_t body_len;
	const char *bearer;		/* Authorization: Bearer, or NULL */
	const char *if_none_match;	/* ETag to revalidate, or NULL */
	const char *ca_file;		/* NULL: the system bundle */
	const char *proxy;		/* NULL: none (environment ignored) */
	long connect_timeout_ms;
	long timeout_ms;
	size_t max_response;
};

struct http_response {
	long status;
	char *body;		/* malloc()ed, NUL-terminated; caller frees */
	size_t body_len;
	char etag[256];		/* "" when absent */
	long max_age;		/* Cache-Control max-age, -1 when absent */
	long ratelimit_reset;	/* RateLimit-Reset seconds, -1 when absent */
	long retry_after;	/* Retry-After seconds, -1 when absent */
	int64_t date;		/* Date header (epoch), 0 when absent */
	char content_type[128];
	enum http_err err;
	char errmsg[512];	/* what went wrong, for people */
	unsigned connects;	/* connections opened for it (0: reused) */
};

/* Requests that share one connection (http.c says how it is bound). */
struct http_session;

/* What the plugin exports under KINDE_NET_SYMBOL. */
struct kinde_net {
	int abi;
	const char *version;	/* PACKAGE_VERSION of the build */
	/* Performs req; fills resp (err set on transport failure). */
	void (*perform)(const struct http_request *req,
			struct http_response *resp);
	/*
	 * Since ABI 2.  A session keeps its connection from one request to
	 * the next one to the same origin, CA file and proxy; anything else
	 * gets a fresh one.  Nothing of a request but the connection carries
	 * over (headers, body, options).  session_new returns NULL when out
	 * of memory; session_free(NULL) is fine.
	 */
	struct http_session *(*session_new)(void);
	void (*session_perform)(struct http_session *s,
				const struct http_request *req,
				struct http_response *resp);
	void (*session_free)(struct http_session *s);
};

/* The libcurl implementation (http.c). */
extern const struct kinde_net kinde_net_v1;

/* Milliseconds of the monotonic clock, for the one deadline of an
 * operation.  Inline: the curl plugin and the core both need it and the
 * plugin links no libkinde. */
static inline long
http_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
