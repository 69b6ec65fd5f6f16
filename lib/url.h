/*
 * url.h - the few questions the core asks of a URL string, answered in
 * one place.  No parsing into parts beyond these (http.c asks libcurl for
 * a redirect's origin).
 */
#ifndef KINDE_URL_H
#define KINDE_URL_H

#include "kinde.h"	/* is_https_url */

#include <stddef.h>

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
