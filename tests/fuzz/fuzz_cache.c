/*
 * fuzz_cache.c - libFuzzer target: the input is a cache entry (a JSON
 * metadata line, then the body: lib/cache.c) planted in the cache
 * directory as the key set, discovery document, M2M token or API-key
 * answer of this configuration (its first byte picks which), as another
 * process would have left it.  Then, with the issuer unreachable, the
 * client reads what it can from the cache: the key set, a token
 * validated with it, an M2M token and an API-key verification.  The
 * entries' names come from a first run against the fixed issuer.
 *
 * Properties:
 *  - the result codes are the documented ones;
 *  - a token is accepted only when the key set in use verifies it, and
 *    the key set a corrupt entry yields is never used;
 *  - no request is sent (the issuer is down: fail_all).
 *
 * FUZZ_CACHE_SEEDS=DIR writes the good entries of the first run there,
 * with their selector byte (how corpus/cache was seeded).
 */
#include "kinde-build.h"

#include "netfuzz.h"

#include <dirent.h>

const char fuzz_target_name[] = "cache";

static const char *const prefixes[] = { "jwks-", "discovery-", "m2m-",
					"apikey-" };
static char names[KINDE_ARRAY_SIZE(prefixes)][300];
/* The entries of the first run, put back before every input: libFuzzer
 * runs many inputs in one process, and each must see only its own. */
static char *orig[KINDE_ARRAY_SIZE(prefixes)];
static size_t orig_len[KINDE_ARRAY_SIZE(prefixes)];

static void
run(const kinde_config_t *cfg, bool must_pass)
{
	kinde_verdict_t *v = kinde_verdict_new(false);
	kinde_validator_t *val = NULL;
	const kinde_keyset_t *ks = NULL;
	kinde_client_t *c = nf_client(cfg);
	char *tok = NULL;
	int64_t exp;
	bool cached;
	kinde_err_t rc;

	if (v == NULL)
		abort();
	rc = kinde_client_keyset(c, &ks);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_UNAVAILABLE ||
		    rc == KINDE_E_CONFIG);
	FUZZ_ASSERT(!must_pass || rc == KINDE_OK);
	if (rc == KINDE_OK &&
	    kinde_validator_new(cfg, ks, &val) == KINDE_OK) {
		kinde_validator_set_now(val, NF_NOW);
		rc = kinde_client_verify_token(c, val, nf.token,
					       strlen(nf.token), v);
		FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_REJECTED ||
			    rc == KINDE_E_UNAVAILABLE);
		kinde_validator_free(val);
	}
	rc = kinde_client_m2m_token(c, NULL, NULL, false, &tok, &exp, &cached);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_UNAVAILABLE ||
		    rc == KINDE_E_CONFIG);
	FUZZ_ASSERT(!must_pass || rc == KINDE_OK);
	kinde_free_secret(tok);
	rc = kinde_client_verify_apikey(c, "k_live_fuzz0123456789", v);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_REJECTED ||
		    rc == KINDE_E_UNAVAILABLE || rc == KINDE_E_CONFIG ||
		    rc == KINDE_E_RATELIMITED);
	kinde_verdict_free(v);
	kinde_client_free(c);
}

/* The first run, against the fixed issuer: writes the entries. */
static kinde_config_t *
setup(void)
{
	static kinde_config_t *cfg;
	static const char good_key[] =
		"{\"is_valid\":true,\"status\":\"active\",\"key_id\":\"k1\","
		"\"scopes\":[\"ssh:login\"],\"user_id\":\"kp_1\"}";
	char dir[200], path[2048], *seeds;
	struct dirent *de;
	size_t i;
	DIR *d;

	if (cfg != NULL)
		return cfg;
	nf_setup(NULL);
	snprintf(dir, sizeof(dir), "%s/cache", nf.dir);
	{
		const char *const extra[] = { "cache_dir", dir, NULL };

		/* nf_setup keeps its first config: make this one alike */
		cfg = kinde_config_new();
		kinde_config_set_log(cfg, log_sink, NULL);
		if (kinde_config_set(cfg, "domain", NF_DOMAIN) != KINDE_OK ||
		    kinde_config_set(cfg, "algorithms", "EdDSA") != KINDE_OK ||
		    kinde_config_set(cfg, "audience", NF_DOMAIN "/api") != KINDE_OK ||
		    kinde_config_set(cfg, "client_id", "fz_client") != KINDE_OK ||
		    kinde_config_set(cfg, "require_scopes", "ssh:login") != KINDE_OK ||
		    kinde_config_set(cfg, extra[0], extra[1]) != KINDE_OK)
			setup_fail(kinde_config_error(cfg));
		snprintf(path, sizeof(path), "%s/secret", nf.dir);
		if (kinde_config_set(cfg, "client_secret_file", path) !=
		    KINDE_OK || kinde_config_finish(cfg) != KINDE_OK)
			setup_fail(kinde_config_error(cfg));
	}
	nf.fuzz_path = NF_APIKEY;
	nf.status = 200;
	nf.body = good_key;
	nf.body_len = strlen(good_key);
	run(cfg, true);
	d = opendir(dir);
	if (d == NULL)
		setup_fail(dir);
	while ((de = readdir(d)) != NULL)
		for (i = 0; i < KINDE_ARRAY_SIZE(prefixes); i++)
			if (strncmp(de->d_name, prefixes[i],
				    strlen(prefixes[i])) == 0 &&
			    strchr(de->d_name, '.') == NULL)
				snprintf(names[i], sizeof(names[i]), "cache/%s",
					 de->d_name);
	closedir(d);
	for (i = 0; i < KINDE_ARRAY_SIZE(prefixes); i++) {
		FILE *f;

		if (names[i][0] == '\0')
			continue;
		snprintf(path, sizeof(path), "%s/%s", nf.dir, names[i]);
		f = fopen(path, "rb");
		orig[i] = malloc(1 << 16);
		if (f == NULL || orig[i] == NULL)
			setup_fail(path);
		orig_len[i] = fread(orig[i], 1, 1 << 16, f);
		fclose(f);
	}
	seeds = getenv("FUZZ_CACHE_SEEDS");
	for (i = 0; seeds != NULL && i < KINDE_ARRAY_SIZE(prefixes); i++) {
		char buf[1 << 16];
		size_t n = 0;
		FILE *f;

		if (names[i][0] == '\0')
			continue;
		snprintf(path, sizeof(path), "%s/%s", nf.dir, names[i]);
		f = fopen(path, "rb");
		if (f == NULL)
			continue;
		buf[0] = (char)i;
		n = 1 + fread(buf + 1, 1, sizeof(buf) - 1, f);
		fclose(f);
		snprintf(path, sizeof(path), "%s/entry-%.*s", seeds,
			 (int)strlen(prefixes[i]) - 1, prefixes[i]);
		f = fopen(path, "wb");
		if (f != NULL) {
			fwrite(buf, 1, n, f);
			fclose(f);
		}
	}
	nf.fuzz_path = NULL;
	nf.fail_all = true;
	return cfg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const kinde_config_t *cfg = setup();
	const char *name;
	size_t i;

	if (size == 0)
		return 0;
	for (i = 0; i < KINDE_ARRAY_SIZE(prefixes); i++)
		if (names[i][0] != '\0')
			nf_write(names[i], orig[i], orig_len[i], NULL, 0);
	name = names[data[0] % KINDE_ARRAY_SIZE(prefixes)];
	if (name[0] == '\0')
		return 0;	/* (the first run did not write that entry) */
	nf_write(name, data + 1, size - 1, NULL, 0);
	run(cfg, false);
	return 0;
}
