/*
 * cmd_apikey.c - `kinde-auth apikey`: is this Kinde API key accepted here?
 */
#include "kinde-build.h"

#include "cli.h"

#include <string.h>

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " apikey [--config F] [--scope S]... [--org O]...\n"
		"         [--explain] [--json] [-o KEY=VALUE]... KEY|-\n\n"
		"Verifies a Kinde API key through the issuer's Management API\n"
		"(needs client_id and client_secret_file of an M2M application\n"
		"with read:api_keys), then applies the policy: required scopes\n"
		"(all of) and allowed organizations (any of).  '-' reads the\n"
		"key from standard input: it then stays out of `ps`.\n\n"
		"Exit status: 0 accepted, 1 rejected, 2 configuration error,\n"
		"3 issuer unavailable.\n");
}

static void
report(const kinde_verdict_t *v, const char *key, bool accepted,
       const struct cli_opts *o)
{
	const json_t *claims = kinde_verdict_claims(v);
	char shown[64];
	json_t *out;

	kinde_redact(key, shown, sizeof(shown));
	if (o->json) {
		out = cli_verdict_json(v, accepted, o->explain, "facts", claims);
		if (out != NULL)
			json_object_set_new(out, "key", json_string(shown));
		cli_print_json(out);
		json_decref(out);
		return;
	}
	cli_print_checks_if(v, o->explain);
	if (accepted) {
		const json_t *scopes = json_object_get(claims, "scopes"), *s;
		size_t i;

		printf("ACCEPTED: key %s\n", shown);
		printf("  key_id    %s\n", json_string_value(json_object_get(claims, "key_id")) ?: "-");
		printf("  user_id   %s\n", json_string_value(json_object_get(claims, "user_id")) ?: "-");
		printf("  org_code  %s\n", json_string_value(json_object_get(claims, "org_code")) ?: "-");
		printf("  scopes   ");
		json_array_foreach(scopes, i, s)
			printf(" %s", json_string_value(s) ?: "?");
		printf("\n");
	} else {
		char what[80];

		kinde_fmt(what, sizeof(what), "key %s", shown);
		cli_print_rejected(v, what);
	}
}

int
cmd_apikey(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "scope", required_argument, NULL, OPT_SCOPE },
		{ "org", required_argument, NULL, OPT_ORG },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "json", no_argument, NULL, OPT_JSON },
		CLI_BASE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_opts o = { 0 };
	kinde_config_t *cfg = NULL;
	kinde_client_t *client = NULL;
	kinde_verdict_t *v = NULL;
	char *key = NULL;
	kinde_err_t err;
	int rc;

	rc = cli_parse(argc, argv, longopts, 1, &o, NULL, NULL, usage);
	if (rc >= 0)
		return rc;
	rc = cli_build_config(&o, &cfg, true);
	if (rc != EXIT_OK)
		return rc;
	/* The module refuses a policy that admits anything; so does this. */
	if (kinde_config_check_policy(cfg) != KINDE_OK) {
		rc = cli_usage_error("apikey", "%s (here: --scope S or "
				     "-o allow_any_token=yes)",
				     kinde_config_error(cfg));
		goto out;
	}
	rc = cli_client(cfg, 0, &client);
	if (rc != EXIT_OK)
		goto out;
	rc = cli_read_secret(argv[optind], &key);
	if (rc != EXIT_OK)
		goto out;
	v = kinde_verdict_new(o.explain);
	if (v == NULL) {
		rc = cli_usage_error("apikey", "out of memory");
		goto out;
	}
	err = kinde_client_verify_apikey(client, key, v);
	if (err != KINDE_OK && err != KINDE_E_REJECTED) {
		if (o.json)
			report(v, key, false, &o);
		rc = cli_client_failure("apikey", err, client);
		goto out;
	}
	report(v, key, err == KINDE_OK, &o);
	rc = cli_exit_for(err);
out:
	kinde_verdict_free(v);
	kinde_free_secret(key);
	kinde_client_free(client);
	kinde_config_free(cfg);
	return rc;
}
