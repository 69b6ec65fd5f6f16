/*
 * test_cache.c - the on-disk cache (lib/cache.c), the shared rate-limit
 * state on top of it (lib/ratelimit.c) and the origin every entry is
 * bound to (lib/origin.c).
 */
#include "kinde-build.h"

#include "cache.h"
#include "config.h"
#include "origin.h"
#include "ratelimit.h"
#include "tap.h"
#include "testcfg.h"
#include "testerr.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[] = "/tmp/test_cache_XXXXXX";

/* Each test's cache_dir is a directory of its own under top. */
static kinde_config_t *
cfg_with(const char *sub)
{
	return testcfg_cache_dir(top, sub);
}

static int
count_tmp(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		if (strstr(e->d_name, ".tmp") != NULL)
			n++;
	if (d != NULL)
		closedir(d);
	return n;
}

static void
test_open(void)
{
	kinde_config_t *cfg = cfg_with("c1");
	struct kcache c;
	struct stat st;
	char err[512], path[256];

	is_int(t_cache_open(cfg, &c, err, sizeof(err)), KINDE_OK,
	       "a missing cache_dir is created");
	ok(stat(c.path, &st) == 0 && (st.st_mode & 07777) == 0700,
	   "  with mode 0700");
	cache_close(&c);
	ok(c.dirfd == -1, "closed");
	kinde_config_free(cfg);

	snprintf(path, sizeof(path), "%s/c2", top);
	mkdir(path, 0700);
	chmod(path, 0777);
	cfg = cfg_with("c2");
	is_int(t_cache_open(cfg, &c, err, sizeof(err)), KINDE_E_UNSAFE,
	       "a world-writable cache_dir is refused");
	ok(c.dirfd == -1 && strstr(err, "mode 0777") != NULL,
	   "  and the message gives the mode");
	kinde_config_free(cfg);

	snprintf(path, sizeof(path), "%s/c1", top);
	{
		char link[256];

		snprintf(link, sizeof(link), "%s/c3", top);
		symlink(path, link);
	}
	cfg = cfg_with("c3");
	is_int(t_cache_open(cfg, &c, err, sizeof(err)), KINDE_E_UNSAFE,
	       "a symlink in place of cache_dir is refused");
	ok(strstr(err, "symlink") != NULL, "  and the message says so");
	kinde_config_free(cfg);

	if (geteuid() == 0) {
		snprintf(path, sizeof(path), "%s/c4", top);
		mkdir(path, 0700);
		ok(chown(path, 65534, 65534) == 0, "chown the dir away");
		cfg = cfg_with("c4");
		is_int(t_cache_open(cfg, &c, err, sizeof(err)), KINDE_E_UNSAFE,
		       "a cache_dir owned by another user is refused");
		kinde_config_free(cfg);
	} else {
		skip("needs root");
		skip("needs root");
	}
}

static void
test_entries(void)
{
	kinde_config_t *cfg = cfg_with("e");
	struct kcache c;
	struct cache_entry e;
	struct stat st;
	char err[512], name[CACHE_NAME_MAX], name2[CACHE_NAME_MAX], path[4300];
	json_t *meta = json_pack("{s:s, s:I}", "url", "https://x", "expires_at",
				 (json_int_t)42);
	int fd, fd2;

	t_cache_open(cfg, &c, err, sizeof(err));
	cache_name(name, sizeof(name), "jwks", "https://a.kinde.com", "", NULL);
	cache_name(name2, sizeof(name2), "jwks", "https://a.kinde.co", "m", NULL);
	ok(strncmp(name, "jwks-", 5) == 0 && strlen(name) == 5 + 32,
	   "names are <prefix>-<32 hex> (%s)", name);
	ok(strcmp(name, name2) != 0, "parts are separated: no collision by shifting");
	cache_name(name2, sizeof(name2), "jwks", "https://a.kinde.com", "", NULL);
	is_str(name2, name, "names are stable");
	ok(strstr(name, "kinde") == NULL, "no part appears in the name");

	is_int(cache_put(&c, name, meta, "{\"keys\":[]}", 11), KINDE_OK, "put");
	snprintf(path, sizeof(path), "%s/%s", c.path, name);
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600,
	   "entries are written 0600");
	is_int(count_tmp(c.path), 0, "no temporary file left behind");
	is_int(cache_get(&c, name, &e), KINDE_OK, "get");
	ok(json_integer_value(json_object_get(e.meta, "expires_at")) == 42 &&
	   e.body_len == 11 && strcmp(e.body, "{\"keys\":[]}") == 0,
	   "  meta and body round-trip");
	cache_entry_clear(&e);
	is_int(cache_put(&c, name, meta, "new", 3), KINDE_OK, "put again");
	ok(cache_get(&c, name, &e) == KINDE_OK && strcmp(e.body, "new") == 0,
	   "  replaces atomically");
	cache_entry_clear(&e);

	chmod(path, 0666);
	is_int(cache_get(&c, name, &e), KINDE_E_IO,
	       "an entry others can write is not read");
	chmod(path, 0600);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (write(fd, "no newline", 10) != 10)
		abort();
	close(fd);
	is_int(cache_get(&c, name, &e), KINDE_E_IO, "a corrupt entry is not read");
	fd = open(path, O_WRONLY | O_TRUNC);
	if (write(fd, "[1]\nbody", 8) != 8)
		abort();
	close(fd);
	is_int(cache_get(&c, name, &e), KINDE_E_IO,
	       "meta that is not an object is not read");
	cache_remove(&c, name);
	is_int(cache_get(&c, name, &e), KINDE_E_IO, "removed");

	fd = cache_lock(&c, name, 1000);
	ok(fd >= 0, "lock taken");
	fd2 = cache_lock(&c, name, 50);
	ok(fd2 == -1, "a second lock waits, then gives up at its timeout");
	cache_unlock(fd);
	fd2 = cache_lock(&c, name, 50);
	ok(fd2 >= 0, "free again after unlock");
	cache_unlock(fd2);

	cache_close(&c);
	ok(cache_put(&c, name, meta, "", 0) == KINDE_E_IO &&
	   cache_get(&c, name, &e) == KINDE_E_IO && cache_lock(&c, name, 10) == -1,
	   "without a cache directory nothing is read, written or locked");
	json_decref(meta);
	kinde_config_free(cfg);
}

static void
test_ratelimit(void)
{
	kinde_config_t *cfg = cfg_with("r");
	struct http_response r;
	struct origin oa, ob;
	struct kcache c;
	char err[512];
	long j;
	int i, in_range = 1;

	memset(&r, 0, sizeof(r));
	r.ratelimit_reset = 30;
	r.retry_after = 5;
	is_int(ratelimit_delay(&r), 30, "RateLimit-Reset wins");
	r.ratelimit_reset = -1;
	is_int(ratelimit_delay(&r), 5, "else Retry-After");
	r.retry_after = -1;
	is_int(ratelimit_delay(&r), 1, "else one second");
	r.ratelimit_reset = 999999;
	is_int(ratelimit_delay(&r), 3600, "bounded to an hour");

	t_cache_open(cfg, &c, err, sizeof(err));
	origin_of(cfg, &oa);
	{
		kinde_config_t *other = cfg_with("rl");

		kinde_config_set(other, "domain", "https://b.kinde.com");
		origin_of(other, &ob);
		is_int(ratelimit_until(&c, &oa, "https://a.kinde.com/x", 1000),
		       0, "not limited at first");
		ratelimit_record(&c, &oa,
				 "https://a.kinde.com/api/v1/api_keys/verify", 1060);
		is_int(ratelimit_until(&c, &oa,
				       "https://a.kinde.com/api/v1/api_keys/verify?x=1",
				       1000), 1060,
		       "a 429 holds for its endpoint (the query aside)");
		is_int(ratelimit_until(&c, &oa,
				       "https://a.kinde.com/.well-known/jwks",
				       1000), 0,
		       "not for the key set: verifications cannot starve it");
		is_int(ratelimit_until(&c, &oa, "https://a.kinde.com/oauth2/token",
				       1000), 0, "nor for the token endpoint");
		is_int(ratelimit_until(&c, &ob,
				       "https://a.kinde.com/api/v1/api_keys/verify",
				       1000), 0,
		       "nor under another origin (config)");
		is_int(ratelimit_until(&c, &oa,
				       "https://a.kinde.com/api/v1/api_keys/verify",
				       1060), 0, "over once the time is reached");
		ratelimit_record(&c, &ob, "https://b.kinde.com/oauth2/token",
				 1030);
		cache_close(&c);
		t_cache_open(cfg, &c, err, sizeof(err));
		is_int(ratelimit_until(&c, &oa,
				       "https://a.kinde.com/api/v1/api_keys/verify",
				       1000), 1060,
		       "the state is on disk, for other processes");
		is_int(ratelimit_list(&c, &oa, 1000, NULL, NULL), 1,
		       "ratelimit_list: one window of this origin");
		is_int(ratelimit_list(&c, NULL, 1000, NULL, NULL), 2,
		       "  two of every origin");
		is_int(ratelimit_list(&c, NULL, 1040, NULL, NULL), 1,
		       "  one once the other is over");
		is_str(ratelimit_endpoint("https://a.kinde.com/.well-known/jwks"),
		       "jwks", "endpoint names: jwks");
		is_str(ratelimit_endpoint("https://a.kinde.com/oauth2/device/auth"),
		       "device", "  device");
		is_str(ratelimit_endpoint("https://a.kinde.com/oauth2/token"),
		       "token", "  token");
		is_str(ratelimit_endpoint("https://a.kinde.com/api/v1/api_keys/verify"),
		       "apikey-verify", "  apikey-verify");
		kinde_config_free(other);
	}
	cache_close(&c);
	for (i = 0; i < 200; i++) {
		j = ratelimit_jitter_ms(500);
		if (j < 0 || j >= 500)
			in_range = 0;
	}
	ok(in_range, "jitter stays in [0, max)");
	is_int(ratelimit_jitter_ms(0), 0, "no jitter for max 0");
	kinde_config_free(cfg);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
		abort();
}

static void
set(kinde_config_t *cfg, const char *key, const char *value)
{
	if (kinde_config_set(cfg, key, value) != KINDE_OK)
		abort();
}

static void
test_origin(void)
{
	kinde_config_t *a = kinde_config_new(), *b = kinde_config_new();
	struct origin oa, ob;
	char ca[256], names[160], id[65];
	json_t *meta;

	if (a == NULL || b == NULL)
		abort();
	snprintf(ca, sizeof(ca), "%s/ca.pem", top);
	write_file(ca, "-----BEGIN CERTIFICATE-----\none\n");
	set(a, "domain", "https://a.kinde.com");
	set(b, "issuer", "https://a.kinde.com");
	origin_of(a, &oa);
	origin_of(b, &ob);
	is_int(origin_diff(&oa, &ob), 0,
	       "origin: domain alone and issuer alone name the same origin");
	is_str(oa.id, ob.id, "  and the same id");
	is_int((int)strlen(oa.id), 64, "  a SHA-256 in hex");

	set(b, "domain", "https://evil.example");
	origin_of(b, &ob);
	is_int(origin_diff(&oa, &ob), ORIGIN_BIT(ORIGIN_DOMAIN),
	       "origin: another domain, the same issuer: domain differs");
	ok(strcmp(oa.id, ob.id) != 0, "  another id");

	kinde_config_free(b);
	b = kinde_config_new();
	set(b, "domain", "https://a.kinde.com");
	set(a, "ca_file", ca);
	set(b, "ca_file", ca);
	origin_of(a, &oa);
	origin_of(b, &ob);
	is_int(origin_diff(&oa, &ob), 0, "origin: the same CA file");
	is_int((int)strlen(oa.ca_sha256), 64, "  its content's SHA-256");
	snprintf(id, sizeof(id), "%s", oa.id);
	write_file(ca, "-----BEGIN CERTIFICATE-----\ntwo\n");
	origin_of(b, &ob);
	is_int(origin_diff(&oa, &ob), ORIGIN_BIT(ORIGIN_CA_SHA256),
	       "origin: the same CA path with another content differs");
	ok(strcmp(id, ob.id) != 0, "  another id");
	origin_names(origin_diff(&oa, &ob), names, sizeof(names));
	is_str(names, "ca_file", "  named ca_file");

	set(b, "proxy", "http://proxy.example:3128");
	set(b, "jwks_uri", "https://a.kinde.com/keys");
	set(b, "net_module", "/usr/lib/x.so");
	set(b, "issuer", "https://b.kinde.com");
	origin_of(b, &ob);
	origin_names(origin_diff(&oa, &ob), names, sizeof(names));
	is_str(names, "issuer, jwks_uri, ca_file, proxy, net_module",
	       "origin: each differing setting named");
	ok((origin_diff(&oa, &ob) & ORIGIN_SECRET_FIELDS) ==
	   (ORIGIN_BIT(ORIGIN_CA_SHA256) | ORIGIN_BIT(ORIGIN_PROXY) |
	    ORIGIN_BIT(ORIGIN_NET_MODULE)),
	   "  issuer and jwks_uri do not decide where a secret goes");
	set(b, "ca_file", "/nonexistent/ca.pem");
	origin_of(b, &ob);
	is_str(ob.ca_sha256, "unreadable", "origin: an unreadable CA file");

	meta = json_pack("{s:o}", "origin", origin_json(&oa));
	is_int(origin_diff_meta(&oa, meta), 0,
	       "origin: recorded in metadata, it matches itself");
	ok(origin_diff_meta(&ob, meta) != 0, "  not another origin");
	json_object_set_new(json_object_get(meta, "origin"), "domain",
			    json_integer(1));
	is_int(origin_diff_meta(&oa, meta), ORIGIN_BIT(ORIGIN_DOMAIN),
	       "  a field of the wrong type differs");
	json_object_del(meta, "origin");
	is_int(origin_diff_meta(&oa, meta), ORIGIN_ALL,
	       "  metadata without an origin matches none");
	json_decref(meta);
	kinde_config_free(a);
	kinde_config_free(b);
}

/* cache_remove_prefix: every entry of a kind, of any origin, and only
 * those (not a longer prefix, not a lock file, not another kind). */
static void
test_remove_prefix(void)
{
	kinde_config_t *cfg = cfg_with("flush");
	struct kcache c;
	char err[512], a[CACHE_NAME_MAX], b[CACHE_NAME_MAX], m[CACHE_NAME_MAX],
	     r[CACHE_NAME_MAX], path[4300];
	json_t *meta = json_pack("{s:I}", "expires_at", (json_int_t)42);
	struct stat st;
	unsigned n = 99;
	int lock;

	t_cache_open(cfg, &c, err, sizeof(err));
	cache_name(a, sizeof(a), "jwks", "origin-a", NULL);
	cache_name(b, sizeof(b), "jwks", "origin-b", NULL);
	cache_name(m, sizeof(m), "m2m", "origin-a", NULL);
	cache_name(r, sizeof(r), "ratelimit", "host", NULL);
	cache_put(&c, a, meta, "x", 1);
	cache_put(&c, b, meta, "x", 1);
	cache_put(&c, m, meta, "x", 1);
	cache_put(&c, r, meta, "x", 1);
	cache_put(&c, "jwksX-0123456789abcdef0123456789abcdef", meta, "x", 1);
	cache_put(&c, "jwks-0123", meta, "x", 1);
	lock = cache_lock(&c, a, 100);
	cache_unlock(lock);
	ok(cache_name_is(a, "jwks") && !cache_name_is(a, "jwk") &&
	   !cache_name_is(m, "jwks") && !cache_name_is("jwks-0123", "jwks") &&
	   !cache_name_is("jwks-0123456789ABCDEF0123456789abcdef", "jwks"),
	   "cache_name_is: <prefix>-<32 lowercase hex> exactly");
	is_int(cache_remove_prefix(&c, "jwks", 100, &n), KINDE_OK,
	       "remove_prefix jwks");
	is_int(n, 2, "  removed both origins' key sets");
	snprintf(path, sizeof(path), "%s/%s", c.path, a);
	ok(stat(path, &st) != 0, "  the entry is gone");
	snprintf(path, sizeof(path), "%s/%s.lock", c.path, a);
	ok(stat(path, &st) == 0, "  its lock file stays (another process may hold it)");
	snprintf(path, sizeof(path), "%s/%s", c.path, m);
	ok(stat(path, &st) == 0, "  another kind stays (m2m)");
	snprintf(path, sizeof(path), "%s/%s", c.path, r);
	ok(stat(path, &st) == 0, "  the rate-limit state stays");
	snprintf(path, sizeof(path), "%s/jwksX-0123456789abcdef0123456789abcdef",
		 c.path);
	ok(stat(path, &st) == 0, "  a longer prefix is another kind");
	cache_put(&c, "authmac.key", meta, "x", 1);
	is_int(cache_remove_prefix(&c, "authmac", 100, &n), KINDE_OK,
	       "remove_prefix authmac");
	snprintf(path, sizeof(path), "%s/authmac.key", c.path);
	ok(n == 0 && stat(path, &st) == 0,
	   "  the account stage's host secret is not an entry: never removed");
	is_int(cache_remove_prefix(&c, "jwks", 100, &n), KINDE_OK,
	       "remove_prefix again");
	is_int(n, 0, "  nothing left to remove");
	/* A held lock: waited for, then removed all the same. */
	lock = cache_lock(&c, m, 100);
	is_int(cache_remove_prefix(&c, "m2m", 50, &n), KINDE_OK,
	       "remove_prefix while another holds the lock");
	is_int(n, 1, "  removed after the wait");
	cache_unlock(lock);
	cache_close(&c);
	is_int(cache_remove_prefix(&c, "m2m", 50, &n), KINDE_E_IO,
	       "remove_prefix without a cache: an error");
	json_decref(meta);
	kinde_config_free(cfg);
}

int
main(void)
{
	char cmd[64];

	if (mkdtemp(top) == NULL)
		return 1;
	test_open();
	test_entries();
	test_ratelimit();
	test_origin();
	test_remove_prefix();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd) != 0)
		diag("could not remove %s", top);
	return done_testing();
}
