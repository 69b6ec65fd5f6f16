/*
 * kinde-auth.c - the administrator's command: one subcommand per question
 * ("what is in this token?", "why is it refused?", ...).
 */
#include "kinde-build.h"

#include "cli.h"

#include <locale.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "decode", cmd_decode, "show a token's header and claims (no verification)" },
	{ "verify", cmd_verify, "validate a token; --explain shows every check" },
	{ "token", cmd_token, "print an M2M access token (client credentials)" },
	{ "apikey", cmd_apikey, "verify a Kinde API key against the policy" },
	{ "jwks", cmd_jwks, "show the issuer's key set, its source and age" },
	{ "diagnose", cmd_diagnose, "run every check and say what is wrong and how to fix it" },
	{ "pam-test", cmd_pam_test, "run a PAM service's auth and account stages, with their log" },
	{ "cache", cmd_cache, "cache flush: empty the shared cache by kind (revocation)" },
	{ "ratelimit", cmd_ratelimit, "show or reset the host's rate-limit windows and lockouts" },
	{ "login", cmd_login, "log in with the device flow; prints the access token" },
	{ "whois", cmd_whois, "a local user's Kinde id and the live account check" },
};

static void
usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: " PROG " COMMAND [OPTIONS] [ARGS]\n\n"
		"Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'" PROG " COMMAND --help' describes a command.\n"
		"Exit status: 0 accepted, 1 rejected, 2 usage or configuration "
		"error, 3 issuer unavailable.\n");
}

int
main(int argc, char **argv)
{
	size_t i;

	setlocale(LC_CTYPE, "");
	/* A closed pipe (kinde-auth ... | head) must not kill us mid-write
	 * with a confusing status; write errors are reported instead. */
	signal(SIGPIPE, SIG_IGN);
	/* The CLI links libcurl in; only the PAM module loads it lazily. */
	kinde_transport_register(&kinde_net_v1);
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf(PROG " (pam_kinde) %s\n", kinde_version());
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			/* getopt names the program after argv[0]. */
			static char name[64];

			snprintf(name, sizeof(name), PROG " %s", argv[1]);
			argv[1] = name;
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	cli_usage_error(NULL, "unknown command \"%s\"", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
