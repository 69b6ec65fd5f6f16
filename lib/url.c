/*
 * url.c - host and path of a URL string (url.h).
 */
#include "kinde-build.h"

#include "url.h"

const char *
url_authority(const char *url)
{
	const char *h = strstr(url, "://");

	return h != NULL ? h + 3 : url;
}

const char *
url_path(const char *url)
{
	return strchr(url_authority(url), '/');
}

void
url_host(const char *url, char *out, size_t len)
{
	const char *h = url_authority(url);
	size_t n;

	if (*h == '[') {	/* [v6]:port */
		h++;
		n = strcspn(h, "]");
	} else {
		n = strcspn(h, ":/?#");
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, h, n);
	out[n] = '\0';
}
