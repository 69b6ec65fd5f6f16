/*
 * cmd_decode.c - `kinde-auth decode`: what a token says, verified or not.
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
		"usage: " PROG " decode [--json] [--now EPOCH] TOKEN|-\n\n"
		"Prints a token's header and claims, with its times in UTC and\n"
		"relative to now.  Nothing is verified: use '" PROG " verify'\n"
		"to know whether the token would be accepted.  '-' reads the\n"
		"token from standard input (keeps it out of `ps`).\n");
}

static int
own_option(void *ctx, int opt, const char *arg)
{
	struct cli_opts *o = ctx;

	if (opt != OPT_NOW)
		return 0;
	return cli_positive("decode", "--now", "seconds since the epoch", arg,
			    &o->now) == 0 ? 1 : -1;
}

int
cmd_decode(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli_opts o = { 0 };
	kinde_verdict_t *v = NULL;
	json_t *header = NULL, *claims = NULL, *out;
	long long now;
	bool json;
	char *token = NULL;
	int rc;

	rc = cli_parse(argc, argv, longopts, 1, &o, own_option, &o, usage);
	if (rc >= 0)
		return rc;
	json = o.json;
	now = o.now ? o.now : (long long)time(NULL);
	rc = cli_read_secret(argv[optind], &token);
	if (rc != EXIT_OK)
		return rc;
	v = kinde_verdict_new(false);
	if (v == NULL) {
		kinde_free_secret(token);
		return cli_usage_error("decode", "out of memory");
	}
	if (kinde_token_decode(token, strlen(token), (struct json_t **)&header,
			       (struct json_t **)&claims, v) != KINDE_OK) {
		if (json) {
			out = json_pack("{s:b, s:s, s:s, s:s}", "decoded", 0,
					"reason", kinde_reason_name(kinde_verdict_reason(v)),
					"class", kinde_reason_class(kinde_verdict_reason(v)),
					"detail", kinde_verdict_detail(v));
			cli_print_json(out);
			json_decref(out);
		} else {
			printf("cannot decode (%s; class %s): %s\n",
			       kinde_reason_name(kinde_verdict_reason(v)),
			       kinde_reason_class(kinde_verdict_reason(v)),
			       kinde_verdict_detail(v));
		}
		rc = EXIT_REJECTED;
		goto out;
	}
	if (json) {
		out = json_pack("{s:b, s:b, s:O, s:O, s:o}", "decoded", 1,
				"verified", 0, "header", header, "claims",
				claims, "times", cli_times_json(claims, now));
		cli_print_json(out);
		json_decref(out);
	} else {
		printf("NOT VERIFIED: decoded only; the signature and claims "
		       "were not checked.\n\nHeader:\n");
		cli_print_json(header);
		printf("\nClaims:\n");
		cli_print_json(claims);
		printf("\nTimes:\n");
		cli_print_times(claims, now, stdout);
	}
	rc = EXIT_OK;
out:
	json_decref(header);
	json_decref(claims);
	kinde_verdict_free(v);
	kinde_free_secret(token);
	return rc;
}
