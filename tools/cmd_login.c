/*
 * cmd_login.c - `kinde-auth login --device`: the module's device login in
 * a terminal, for scripts and for testing the Kinde application's setup.
 * Where to approve goes to stderr (with the QR code on a terminal), the
 * access token (or a JSON object) to stdout once it has passed the same
 * validation and policy as a login.
 */
#include "kinde-build.h"

#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The widest QR code drawn: an 80-column terminal, quiet zone included. */
#define QR_MAX_COLS 80

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " login --device [--config F] [--json] [-o KEY=VALUE]...\n\n"
		"Runs a device login (RFC 8628) as pam_kinde does with mode=device:\n"
		"shows a link and a code (and, on a terminal, a QR code) on stderr,\n"
		"waits while you approve in a browser, then validates the access\n"
		"token with the policy of a login and prints it on stdout.\n"
		"Needs device_client_id (an application with the device grant).\n\n"
		"  --device   the device login (the only kind this command runs)\n"
		"  --json     print {\"valid\",\"reason\",\"class\",\"detail\",\"claims\",\n"
		"             \"access_token\"} (the token only when valid)\n"
		"  -o KEY=VALUE  any pam_kinde.conf option, e.g. -o device_qr=no\n\n"
		"Exit status: 0 approved and accepted, 1 denied, expired, not\n"
		"approved within device_timeout or refused by the policy, 2 usage\n"
		"or configuration error, 3 issuer unavailable.\n");
}

static int
own_option(void *ctx, int opt, const char *arg)
{
	bool *device = ctx;

	(void)arg;
	if (opt != 'd')
		return 0;
	*device = true;
	return 1;
}

/* Where to approve, on stderr; the QR code only on a terminal. */
static void
show(const kinde_config_t *cfg, const struct kinde_device_auth *da)
{
	const char *link = da->verification_uri_complete[0] ?
			   da->verification_uri_complete : da->verification_uri;
	char *qr = NULL;

	if (da->verification_uri_complete[0] != '\0')
		fprintf(stderr, "To log in, open %s\n(or open %s and enter the code %s).\n",
			da->verification_uri_complete, da->verification_uri,
			da->user_code);
	else
		fprintf(stderr, "To log in, open %s and enter the code %s.\n",
			da->verification_uri, da->user_code);
	if (kinde_config_device_qr(cfg) && isatty(STDERR_FILENO)) {
		/* A terminal of our own: colours make it right on
		 * light and dark backgrounds alike. */
		qr = kinde_qr_text(link, QR_MAX_COLS, KINDE_QR_COLOR);
		if (qr == NULL && link != da->verification_uri)
			qr = kinde_qr_text(da->verification_uri, QR_MAX_COLS,
					   KINDE_QR_COLOR);
		if (qr != NULL)
			fprintf(stderr, "Or scan this code with a phone:\n%s", qr);
		else if (!kinde_qr_available())
			fprintf(stderr, "(no QR code: " PROG " was built without libqrencode)\n");
	}
	free(qr);
	fprintf(stderr, "Waiting for the approval (up to %lds)...\n",
		kinde_config_device_timeout(cfg) < da->expires_in ?
		kinde_config_device_timeout(cfg) : da->expires_in);
}

static void
report(const kinde_verdict_t *v, bool accepted, bool json, const char *token)
{
	json_t *out;

	if (json) {
		out = cli_verdict_json(v, accepted, false, "claims",
				       kinde_verdict_claims(v));
		if (out != NULL && accepted)
			json_object_set_new(out, "access_token",
					    json_string(token));
		cli_print_json(out);
		json_decref(out);
	} else if (accepted) {
		printf("%s\n", token);
		fprintf(stderr, PROG ": login: accepted: sub %s\n",
			kinde_verdict_claim_string(v, "sub") ?: "(none)");
	} else {
		cli_print_rejected(v, "");
	}
}

int
cmd_login(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", no_argument, NULL, 'd' },
		{ "json", no_argument, NULL, OPT_JSON },
		CLI_BASE_LONGOPTS,
		CLI_POLICY_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct cli_opts o = { 0 };
	struct kinde_device_auth da = { .interval = 0 };
	kinde_config_t *cfg = NULL;
	kinde_client_t *client = NULL;
	kinde_validator_t *val = NULL;
	kinde_verdict_t *v = NULL;
	char *token = NULL;
	bool device = false;
	kinde_err_t err;
	int rc;

	rc = cli_parse(argc, argv, longopts, 0, &o, own_option, &device,
		       usage);
	if (rc >= 0)
		return rc;
	if (!device)
		return cli_usage_error("login", "say --device (the device login is the only one this command runs)");
	rc = cli_build_config(&o, &cfg, true);
	if (rc != EXIT_OK)
		return rc;
	/* The module refuses a policy that admits anything; so does this. */
	if (kinde_config_check_policy(cfg) != KINDE_OK) {
		rc = cli_usage_error("login", "%s (here: --audience A or "
				     "-o require_scopes=S)",
				     kinde_config_error(cfg));
		goto out;
	}
	rc = cli_client(cfg, 0, &client);
	if (rc != EXIT_OK)
		goto out;
	v = kinde_verdict_new(false);
	if (v == NULL || kinde_validator_new(cfg, NULL, &val) != KINDE_OK) {
		rc = cli_usage_error("login", "out of memory");
		goto out;
	}
	err = kinde_client_device_start(client, &da);
	if (err != KINDE_OK) {
		rc = cli_client_failure("login", err, client);
		goto out;
	}
	show(cfg, &da);
	err = kinde_client_device_poll(client, &da, &token, v);
	if (err == KINDE_OK)
		err = kinde_client_verify_token(client, val, token,
						strlen(token), v);
	if (err != KINDE_OK && err != KINDE_E_REJECTED) {
		if (o.json)
			report(v, false, true, NULL);
		rc = cli_client_failure("login", err, client);
		goto out;
	}
	report(v, err == KINDE_OK, o.json, token);
	rc = cli_exit_for(err);
out:
	kinde_device_clear(&da);
	kinde_free_secret(token);
	kinde_validator_free(val);
	kinde_verdict_free(v);
	kinde_client_free(client);
	kinde_config_free(cfg);
	return rc;
}
