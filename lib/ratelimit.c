/*
 * ratelimit.c - shared "limited until" state per issuer endpoint.
 */
#include "kinde-build.h"

#include "ratelimit.h"
#include "url.h"
#include "util.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define RATELIMIT_MAX_DELAY 3600
#define RATELIMIT_PREFIX "ratelimit"

/* In-process memory for when there is no usable cache directory. */
static char mem_key[1100];
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

/*
 * The Management API's per-user paths, as the endpoint they are
 * (Kinde limits an endpoint, not one user's URL of it):
 * .../organizations/{org_code}/users[/{user_id}/roles|permissions].
 */
static void
url_template(char *base, size_t len)
{
	static const char org[] = "/api/v1/organizations/";
	char *p = strstr(base, org), *seg, *rest, tail[256];
	const char *names[2] = { "{org_code}", "{user_id}" };
	int i;

	if (p == NULL)
		return;
	seg = p + sizeof(org) - 1;
	for (i = 0; i < 2 && *seg != '\0'; i++) {
		rest = seg + strcspn(seg, "/");
		kinde_fmt(tail, sizeof(tail), "%s", rest);
		kinde_fmt(seg, len - (size_t)(seg - base), "%s%s", names[i],
			  tail);
		/* next: past "{org_code}/users/" */
		seg += strlen(names[i]);
		if (strncmp(seg, "/users/", 7) != 0)
			break;
		seg += 7;
	}
}

/* url without its query or fragment */
static void
url_base(const char *url, char *out, size_t len)
{
	size_t n = strcspn(url, "?#");

	if (n >= len)
		n = len - 1;
	memcpy(out, url, n);
	out[n] = '\0';
	url_template(out, len);
}

const char *
ratelimit_endpoint(const char *url)
{
	char base[1024];
	const char *path;

	url_base(url, base, sizeof(base));
	path = url_path(base);
	if (path == NULL)
		return "other";
	if (strstr(path, "jwks") != NULL)
		return "jwks";
	if (strstr(path, "openid-configuration") != NULL)
		return "discovery";
	if (strstr(path, "api_keys/verify") != NULL)
		return "apikey-verify";
	if (strncmp(path, "/api/v1/organizations/", 22) == 0)
		return strstr(path, "/roles") ? "mgmt-roles" :
		       strstr(path, "/permissions") ? "mgmt-permissions" :
		       "mgmt-org-users";
	if (strcmp(path, "/api/v1/user") == 0)
		return "mgmt-user";
	if (strstr(path, "device") != NULL)
		return "device";
	if (strstr(path, "/token") != NULL)
		return "token";
	return "other";
}

static void
entry_name(const struct origin *o, const char *base, char *name, size_t len)
{
	cache_name(name, len, RATELIMIT_PREFIX, o->id, base, (const char *)NULL);
}

int64_t
ratelimit_until(struct kcache *c, const struct origin *o, const char *url,
		int64_t now)
{
	struct cache_entry e;
	char base[1024], name[CACHE_NAME_MAX], key[1100];
	const char *stored;
	int64_t until = 0;
	json_t *u;

	url_base(url, base, sizeof(base));
	kinde_fmt(key, sizeof(key), "%.64s %s", o->id, base);
	if (strcmp(key, mem_key) == 0 && mem_until > now)
		until = mem_until;
	entry_name(o, base, name, sizeof(name));
	if (cache_get(c, name, &e) == KINDE_OK) {
		u = json_object_get(e.meta, "until");
		stored = json_string_value(json_object_get(e.meta, "url"));
		/* Believed only for this URL and this origin. */
		if (stored != NULL && strcmp(stored, base) == 0 &&
		    origin_diff_meta(o, e.meta) == 0 &&
		    json_is_integer(u) && json_integer_value(u) > until)
			until = json_integer_value(u);
		cache_entry_clear(&e);
	}
	return until > now ? until : 0;
}

void
ratelimit_record(struct kcache *c, const struct origin *o, const char *url,
		 int64_t until)
{
	char base[1024], name[CACHE_NAME_MAX];
	json_t *meta;

	url_base(url, base, sizeof(base));
	kinde_fmt(mem_key, sizeof(mem_key), "%.64s %s", o->id, base);
	mem_until = until;
	entry_name(o, base, name, sizeof(name));
	meta = json_pack("{s:s, s:s, s:I, s:o}", "endpoint",
			 ratelimit_endpoint(base), "url", base, "until",
			 (json_int_t)until, "origin", origin_json(o));
	if (meta != NULL)
		cache_put(c, name, meta, "", 0);
	json_decref(meta);
}

unsigned
ratelimit_list(struct kcache *c, const struct origin *o, int64_t now,
	       kinde_ratelimit_window_fn fn, void *ctx)
{
	struct kinde_ratelimit_window w;
	struct cache_entry e;
	struct dirent *de;
	unsigned n = 0;
	DIR *d;
	int fd;

	if (c->dirfd < 0 || (fd = dup(c->dirfd)) < 0)
		return 0;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return 0;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		const char *url, *ep;
		json_t *u;

		if (strncmp(de->d_name, RATELIMIT_PREFIX "-",
			    sizeof(RATELIMIT_PREFIX)) != 0 ||
		    strchr(de->d_name, '.') != NULL ||
		    cache_get(c, de->d_name, &e) != KINDE_OK)
			continue;
		u = json_object_get(e.meta, "until");
		url = json_string_value(json_object_get(e.meta, "url"));
		ep = json_string_value(json_object_get(e.meta, "endpoint"));
		memset(&w, 0, sizeof(w));
		w.same_origin = o != NULL && origin_diff_meta(o, e.meta) == 0;
		if (url != NULL && ep != NULL && json_is_integer(u) &&
		    json_integer_value(u) > now &&
		    (o == NULL || w.same_origin)) {
			w.endpoint = ep;
			w.url = url;
			w.until = json_integer_value(u);
			if (fn != NULL)
				fn(ctx, &w);
			n++;
		}
		cache_entry_clear(&e);
	}
	closedir(d);
	return n;
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
