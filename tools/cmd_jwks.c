/*
 * cmd_jwks.c - `kinde-auth jwks`: the keys this host validates with, where
 * they came from and how old they are.
 */
#include "kinde-build.h"

#include "cli.h"

#include <time.h>

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " jwks [--config F] [--refresh] [--json] [-o KEY=VALUE]...\n\n"
		"Shows each key of the issuer's key set (kid, type, alg, bits),\n"
		"where the set came from (pinned file, cache, network, stale\n"
		"cache), its age and whether it is fresh.  --refresh fetches it\n"
		"now, whatever the cache says.\n\n"
		"Exit status: 0 shown, 2 configuration error, 3 unavailable.\n");
}

static int
own_option(void *ctx, int opt, const char *arg)
{
	(void)arg;
	if (opt != OPT_REFRESH)
		return 0;
	*(bool *)ctx = true;
	return 1;
}

int
cmd_jwks(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "refresh", no_argument, NULL, OPT_REFRESH },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "jwks", required_argument, NULL, OPT_JWKS },
		CLI_BASE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_opts o = { 0 };
	struct kinde_keyset_status st;
	struct kinde_key_info ki;
	kinde_config_t *cfg = NULL;
	kinde_client_t *client = NULL;
	const kinde_keyset_t *ks = NULL;
	int64_t now = (int64_t)time(NULL);
	bool refresh = false, fresh;
	char age[40], exp[40], when[40];
	json_t *out, *keys;
	kinde_err_t err;
	int rc;
	size_t i;

	rc = cli_parse(argc, argv, longopts, 0, &o, own_option, &refresh, usage);
	if (rc >= 0)
		return rc;
	rc = cli_build_config(&o, &cfg, true);
	if (rc != EXIT_OK)
		return rc;
	rc = cli_client(cfg, 0, &client);
	if (rc != EXIT_OK)
		goto out;
	err = refresh ? kinde_client_refresh_keyset(client) : KINDE_OK;
	if (err == KINDE_OK)
		err = kinde_client_keyset(client, &ks);
	if (err != KINDE_OK) {
		rc = cli_client_failure("jwks", err, client);
		goto out;
	}
	kinde_client_keyset_status(client, &st);
	fresh = st.fetched_at == 0 || now < st.expires_at;
	kinde_fmt_duration(now - st.fetched_at, age, sizeof(age));
	kinde_fmt_relative(st.expires_at, now, exp, sizeof(exp));
	kinde_fmt_utc(st.fetched_at, when, sizeof(when));
	if (o.json) {
		keys = json_array();
		for (i = 0; i < kinde_keyset_count(ks); i++) {
			kinde_keyset_key_info(ks, i, &ki);
			json_array_append_new(keys, json_pack("{s:s?, s:s, s:s?, s:i}",
							      "kid", ki.kid, "kty", ki.kty,
							      "alg", ki.alg, "bits", ki.bits));
		}
		out = json_pack("{s:s, s:s, s:I, s:I, s:I, s:b, s:o}",
				"source", st.source, "url", st.url,
				"fetched_at", (json_int_t)st.fetched_at,
				"expires_at", (json_int_t)st.expires_at,
				"age", (json_int_t)(st.fetched_at ? now - st.fetched_at : 0),
				"fresh", fresh, "keys", keys);
		cli_print_json(out);
		json_decref(out);
	} else {
		printf("source:  %s (%s)\n", st.source, st.url);
		if (st.fetched_at != 0)
			printf("fetched: %s, %s ago; %s, expires %s\n", when, age,
			       fresh ? "fresh" : "STALE", exp);
		printf("keys:    %zu\n", kinde_keyset_count(ks));
		for (i = 0; i < kinde_keyset_count(ks); i++) {
			kinde_keyset_key_info(ks, i, &ki);
			printf("  kid %-40s %-3s %-6s %d bits\n",
			       ki.kid ? ki.kid : "(none)", ki.kty,
			       ki.alg ? ki.alg : "-", ki.bits);
		}
	}
	rc = EXIT_OK;
out:
	kinde_client_free(client);
	kinde_config_free(cfg);
	return rc;
}
