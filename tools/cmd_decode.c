/*
 * cmd_decode.c - `kinde-auth decode`: what a token says, verified or not.
 */
#include "kinde-build.h"

#include "cli.h"
#include "util.h"

#include <errno.h>
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

int
cmd_decode(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	kinde_verdict_t *v = NULL;
	json_t *header = NULL, *claims = NULL, *out;
	long long now = (long long)time(NULL);
	bool json = false;
	char *token = NULL, *end;
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case OPT_JSON:
			json = true;
			break;
		case OPT_NOW:
			errno = 0;
			now = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || errno != 0 ||
			    now <= 0)
				return cli_usage_error("decode",
						       "--now wants seconds since the epoch");
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
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
