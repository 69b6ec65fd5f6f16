/*
 * url.h - the few questions the core asks of a URL string, answered in
 * one place.  No parsing into parts beyond these (http.c asks libcurl for
 * a redirect's origin).
 */
#ifndef KINDE_URL_H
#define KINDE_URL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/*
 * Whether s starts with the https scheme.  any_case false: "https://"
 * exactly, the form the config writes (lib/config.c normalises every URL
 * option to it, so a URL that reached us otherwise is suspect: a device
 * endpoint's verification_uri, a request's URL, a CLI value).  any_case
 * true: any case of the scheme (RFC 3986 §3.1), for a Location header,
 * which a server may write as it likes.
 * Inline: the libcurl transport plugin has no libkinde to link against.
 */
static inline bool
is_https_url(const char *s, bool any_case)
{
	return any_case ? strncasecmp(s, "https://", 8) == 0 :
			  strncmp(s, "https://", 8) == 0;
}

/* What follows "scheme://" (the whole string when it has no scheme). */
const char *url_authority(const char *url);

/* The path: the first '/' after the authority, or NULL when none. */
const char *url_path(const char *url);

/*
 * The host of url into out (truncated to len - 1): the authority up to a
 * port, path, query or fragment; an IPv6 literal without its brackets.
 * "https://[::1]:8443/x" -> "::1", "acme.kinde.com" -> "acme.kinde.com".
 */
void url_host(const char *url, char *out, size_t len);

#endif
