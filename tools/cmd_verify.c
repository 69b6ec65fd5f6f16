/*
 * cmd_verify.c - `kinde-auth verify`: would this token be accepted, and if
 * not, why.
 */
#include "kinde-build.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " verify [--config F] [--domain URL] [--issuer URL]\n"
		"         [--jwks FILE|URL] [--audience A]... [--scope S]...\n"
		"         [--permission P]... [--org O]... [--leeway N] [--now EPOCH]\n"
		"         [--ca-file F] [--cache-dir D] [--explain] [--json]\n"
		"         [--repeat N] [-o KEY=VALUE]... TOKEN|-\n\n"
		"Validates an access token as pam_kinde would: signature against\n"
		"the issuer's key set, issuer, audience, expiry, then the policy\n"
		"(scopes, permissions, organizations).\n\n"
		"  --config F      read F instead of " KINDE_CONF_FILE "\n"
		"  --no-config     read no config file\n"
		"  --jwks FILE     pinned key set (a URL is fetched)\n"
		"  --scope S       require scope S (repeatable: all of)\n"
		"  --permission P  require permission P (all of)\n"
		"  --org O         allow org code O (any of)\n"
		"  --now EPOCH     validate as if the time were EPOCH\n"
		"  --explain       print every check with its result\n"
		"  --json          print {\"valid\",\"reason\",\"detail\",\"claims\"}\n"
		"  --repeat N      validate N times (benchmarking)\n"
		"  -o KEY=VALUE    set any pam_kinde.conf option\n\n"
		"Exit status: 0 accepted, 1 rejected, 2 usage or configuration\n"
		"error, 3 keys unavailable.\n");
}

static void
report(const kinde_verdict_t *v, bool accepted, const struct cli_opts *o)
{
	const json_t *claims = kinde_verdict_claims(v);
	const char *sub = kinde_verdict_claim_string(v, "sub");
	json_t *out;

	if (o->json) {
		out = cli_verdict_json(v, accepted, o->explain, "claims",
				       accepted || o->explain ? claims : NULL);
		cli_print_json(out);
		json_decref(out);
		return;
	}
	cli_print_checks_if(v, o->explain);
	if (accepted) {
		char esc[160];

		kinde_escape(sub ? sub : "(none)", esc, sizeof(esc));
		printf("ACCEPTED: sub %s\n", esc);
		if (claims != NULL)
			cli_print_times(claims, o->now, stdout);
	} else {
		cli_print_rejected(v, "");
		if (o->explain)
			printf("'" PROG " diagnose --token -' explains the cause and the fix.\n");
	}
}

static int
own_option(void *ctx, int opt, const char *arg)
{
	struct cli_opts *o = ctx;
	long long n;

	switch (opt) {
	case OPT_NOW:
		if (cli_positive("verify", "--now", "seconds since the epoch",
				 arg, &o->now) != 0)
			return -1;
		return 1;
	case OPT_REPEAT:
		if (cli_positive("verify", "--repeat", "a positive count", arg,
				 &n) != 0)
			return -1;
		o->repeat = (long)n;
		return 1;
	}
	return 0;
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "scope", required_argument, NULL, OPT_SCOPE },
		{ "permission", required_argument, NULL, OPT_PERMISSION },
		{ "org", required_argument, NULL, OPT_ORG },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "explain", no_argument, NULL, OPT_EXPLAIN },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		CLI_BASE_LONGOPTS,
		CLI_POLICY_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_opts o = { .repeat = 1 };
	kinde_config_t *cfg = NULL;
	kinde_client_t *client = NULL;
	kinde_validator_t *val = NULL;
	kinde_verdict_t *v = NULL;
	kinde_err_t err = KINDE_E_INTERNAL;
	struct timespec t0, t1;
	char *token = NULL;
	int rc;
	long i;

	rc = cli_parse(argc, argv, longopts, 1, &o, own_option, &o, usage);
	if (rc >= 0)
		return rc;
	rc = cli_build_config(&o, &cfg, true);
	if (rc != EXIT_OK)
		return rc;
	/* The module refuses a policy that admits anything; so does this. */
	if (kinde_config_check_policy(cfg) != KINDE_OK) {
		rc = cli_usage_error("verify", "%s (here: --audience A, "
				     "--scope S, --permission P or "
				     "-o allow_any_token=yes)",
				     kinde_config_error(cfg));
		goto out;
	}
	rc = cli_client(cfg, o.now, &client);
	if (rc != EXIT_OK)
		goto out;
	rc = cli_read_secret(argv[optind], &token);
	if (rc != EXIT_OK)
		goto out;
	v = kinde_verdict_new(o.explain);
	if (v == NULL || kinde_validator_new(cfg, NULL, &val) != KINDE_OK) {
		rc = cli_usage_error("verify", "out of memory");
		goto out;
	}
	if (o.now == 0)
		o.now = (long long)time(NULL);
	else
		kinde_validator_set_now(val, o.now);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < o.repeat; i++)
		err = kinde_client_verify_token(client, val, token,
						strlen(token), v);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (o.repeat > 1) {
		double s = (double)(t1.tv_sec - t0.tv_sec) +
			   (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

		fprintf(stderr, PROG ": verify: %ld validations in %.3f s (%.0f/s)\n",
			o.repeat, s, (double)o.repeat / s);
	}
	if (err == KINDE_E_UNAVAILABLE || err == KINDE_E_RATELIMITED ||
	    err == KINDE_E_CONFIG) {
		if (o.json)
			report(v, false, &o);
		rc = cli_client_failure("verify", err, client);
		goto out;
	}
	report(v, err == KINDE_OK, &o);
	rc = cli_exit_for(err);
out:
	kinde_validator_free(val);
	kinde_verdict_free(v);
	kinde_client_free(client);
	kinde_config_free(cfg);
	kinde_free_secret(token);
	return rc;
}
