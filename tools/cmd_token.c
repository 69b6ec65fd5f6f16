/*
 * cmd_token.c - `kinde-auth token`: an M2M access token by client
 * credentials, from the cache when it is still fresh.
 */
#include "kinde-build.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_LIST 32

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " token [--config F] [--audience A]... [--scope S]...\n"
		"         [--client-secret-file F] [--force] [--json] [-o KEY=VALUE]...\n\n"
		"Prints an M2M access token for client_id with the secret in\n"
		"client_secret_file (client credentials grant).  The token is\n"
		"validated before it is printed and cached (mode 0600) until\n"
		"shortly before it expires.\n\n"
		"  --audience A  request audience A (repeatable; default\n"
		"                m2m_audience, else <domain>/api)\n"
		"  --scope S     request scope S (repeatable; default m2m_scope)\n"
		"  --force       ignore the cache and request a new token\n"
		"  --client-secret-file F\n"
		"                the secret to send; needed when the command line\n"
		"                changes domain, ca_file, proxy or net_module (the\n"
		"                configured secret is not sent elsewhere)\n"
		"  --json        print {\"access_token\",\"expires_at\",\"expires_in\",\"cached\"}\n\n"
		"Exit status: 0 printed, 2 configuration error (the message says\n"
		"what to fix), 3 issuer unavailable.\n");
}

struct token_opts {
	const char *aud[MAX_LIST + 1];
	const char *scope[MAX_LIST + 1];
	size_t naud, nscope;
	bool force;
};

static int
own_option(void *ctx, int opt, const char *arg)
{
	struct token_opts *t = ctx;

	switch (opt) {
	case OPT_AUDIENCE:
		if (t->naud == MAX_LIST) {
			cli_usage_error("token", "too many audiences");
			return -1;
		}
		t->aud[t->naud++] = arg;
		return 1;
	case OPT_SCOPE:
		if (t->nscope == MAX_LIST) {
			cli_usage_error("token", "too many scopes");
			return -1;
		}
		t->scope[t->nscope++] = arg;
		return 1;
	case OPT_REFRESH:
		t->force = true;
		return 1;
	}
	return 0;
}

int
cmd_token(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "audience", required_argument, NULL, OPT_AUDIENCE },
		{ "scope", required_argument, NULL, OPT_SCOPE },
		{ "force", no_argument, NULL, OPT_REFRESH },
		{ "json", no_argument, NULL, OPT_JSON },
		CLI_BASE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct token_opts t = { .naud = 0 };
	struct cli_opts o = { 0 };
	kinde_config_t *cfg = NULL;
	kinde_client_t *client = NULL;
	char *token = NULL, rel[40], when[40];
	int64_t exp = 0, now = (int64_t)time(NULL);
	bool cached = false;
	kinde_err_t err;
	json_t *out;
	int rc;

	rc = cli_parse(argc, argv, longopts, 0, &o, own_option, &t, usage);
	if (rc >= 0)
		return rc;
	rc = cli_build_config(&o, &cfg, true);
	if (rc != EXIT_OK)
		return rc;
	if (cli_secret_withheld() != NULL) {
		rc = cli_usage_error("token", "%s", cli_secret_withheld());
		goto out;
	}
	rc = cli_client(cfg, 0, &client);
	if (rc != EXIT_OK)
		goto out;
	err = kinde_client_m2m_token(client, t.naud ? t.aud : NULL,
				     t.nscope ? t.scope : NULL, t.force, &token,
				     &exp, &cached);
	if (err != KINDE_OK) {
		rc = cli_client_failure("token", err, client);
		goto out;
	}
	if (o.json) {
		out = json_pack("{s:s, s:I, s:I, s:b}", "access_token", token,
				"expires_at", (json_int_t)exp, "expires_in",
				(json_int_t)(exp - now), "cached", cached);
		cli_print_json(out);
		json_decref(out);
	} else {
		printf("%s\n", token);
		kinde_fmt_relative(exp, now, rel, sizeof(rel));
		kinde_fmt_utc(exp, when, sizeof(when));
		fprintf(stderr, PROG ": token: %s; expires %s (%s)\n",
			cached ? "from the cache" : "new", rel, when);
	}
	rc = EXIT_OK;
out:
	kinde_free_secret(token);
	kinde_client_free(client);
	kinde_config_free(cfg);
	return rc;
}
