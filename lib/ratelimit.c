/*
 * ratelimit.c - shared "limited until" state per issuer host.
 */
#include "kinde-build.h"

#include "ratelimit.h"
#include "util.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define RATELIMIT_MAX_DELAY 3600

/* In-process memory for when there is no usable cache directory. */
static char mem_host[256];
static int64_t mem_until;

long
ratelimit_delay(const struct http_response *resp)
{
	long d = resp->ratelimit_reset >= 0 ? resp->ratelimit_reset :
		 resp->retry_after >= 0 ? resp->retry_after : 1;

	if (d < 1)
		d = 1;
	return d > RATELIMIT_MAX_DELAY ? RATELIMIT_MAX_DELAY : d;
}

/* "https://host:port/path" -> "host:port" */
static void
url_host(const char *url, char *out, size_t len)
{
	const char *h = strstr(url, "://");
	size_t n;

	h = h ? h + 3 : url;
	n = strcspn(h, "/?#");
	if (n >= len)
		n = len - 1;
	memcpy(out, h, n);
	out[n] = '\0';
}

int64_t
ratelimit_until(struct kcache *c, const char *url, int64_t now)
{
	struct cache_entry e;
	char host[256], name[CACHE_NAME_MAX];
	int64_t until = 0;
	json_t *u;

	url_host(url, host, sizeof(host));
	if (strcmp(host, mem_host) == 0 && mem_until > now)
		until = mem_until;
	cache_name(name, sizeof(name), "ratelimit", host, NULL);
	if (cache_get(c, name, &e) == KINDE_OK) {
		u = json_object_get(e.meta, "until");
		if (json_is_integer(u) && json_integer_value(u) > until)
			until = json_integer_value(u);
		cache_entry_clear(&e);
	}
	return until > now ? until : 0;
}

void
ratelimit_record(struct kcache *c, const char *url, int64_t until)
{
	char host[256], name[CACHE_NAME_MAX];
	json_t *meta;

	url_host(url, host, sizeof(host));
	kinde_fmt(mem_host, sizeof(mem_host), "%s", host);
	mem_until = until;
	cache_name(name, sizeof(name), "ratelimit", host, NULL);
	meta = json_pack("{s:s, s:I}", "host", host, "until",
			 (json_int_t)until);
	if (meta != NULL)
		cache_put(c, name, meta, "", 0);
	json_decref(meta);
}

long
ratelimit_jitter_ms(long max_ms)
{
	unsigned int r = 0;

	if (max_ms <= 0)
		return 0;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	return (long)(r % (unsigned int)max_ms);
}
