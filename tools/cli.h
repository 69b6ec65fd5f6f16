/*
 * cli.h - what the kinde-auth subcommands share: exit codes, the config
 * options every subcommand takes, secret input and output helpers.
 */
#ifndef KINDE_CLI_H
#define KINDE_CLI_H

#include "kinde.h"

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

/* Exit codes, the same for every subcommand (kinde-auth(1), EXIT STATUS):
 * 0 accepted or done, 1 rejected, 2 usage or configuration error, 3
 * unavailable (network, issuer, key set). */
#define EXIT_OK 0
#define EXIT_REJECTED 1
#define EXIT_USAGE 2
#define EXIT_UNAVAILABLE 3

#define PROG "kinde-auth"

/* Long options that set a config key, shared by the subcommands. */
enum {
	OPT_CONFIG = 0x100, OPT_NO_CONFIG, OPT_SET, OPT_DOMAIN, OPT_ISSUER,
	OPT_JWKS, OPT_AUDIENCE, OPT_SCOPE, OPT_PERMISSION, OPT_ORG,
	OPT_LEEWAY, OPT_CA_FILE, OPT_CACHE_DIR, OPT_ALGORITHMS,
	OPT_NOW, OPT_EXPLAIN, OPT_JSON, OPT_REPEAT, OPT_HELP, OPT_REFRESH,
	OPT_TOKEN, OPT_API_KEY, OPT_SERVICE, OPT_CONFDIR, OPT_USER,
	OPT_SSHD_CONFIG, OPT_RHOST, OPT_CLIENT_SECRET_FILE,
	OPT__LAST
};

/* getopt_long entries every subcommand that reads the config takes. */
#define CLI_BASE_LONGOPTS                                                 \
	{ "config", required_argument, NULL, OPT_CONFIG },                \
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },                \
	{ "set", required_argument, NULL, 'o' },                          \
	{ "domain", required_argument, NULL, OPT_DOMAIN },                \
	{ "issuer", required_argument, NULL, OPT_ISSUER },                \
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },              \
	{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },          \
	{ "client-secret-file", required_argument, NULL,                  \
	  OPT_CLIENT_SECRET_FILE },                                       \
	{ "help", no_argument, NULL, 'h' }

/* ... and those that validate tokens. */
#define CLI_POLICY_LONGOPTS                                               \
	{ "jwks", required_argument, NULL, OPT_JWKS },                    \
	{ "audience", required_argument, NULL, OPT_AUDIENCE },            \
	{ "leeway", required_argument, NULL, OPT_LEEWAY },                \
	{ "algorithms", required_argument, NULL, OPT_ALGORITHMS }

/* Options gathered before the config is built (the file comes first). */
struct cli_opts {
	const char *config_path;	/* NULL: the system file if present */
	bool no_config;
	struct {
		const char *key;
		const char *value;
	} sets[128];
	size_t nsets;
	bool json;
	bool explain;
	long long now;
	long repeat;
};

/*
 * Handles a shared option (config keys, --config, -o KEY=VALUE).
 * Returns 1 when handled, 0 when not a shared option, -1 on a usage error
 * (already reported).
 */
int cli_common_option(struct cli_opts *o, int opt, const char *arg);

/*
 * A command's own options: 1 handled, 0 not one of its own, -1 a usage
 * error (already reported).
 */
typedef int (*cli_own_fn)(void *ctx, int opt, const char *arg);

/*
 * Runs getopt_long over argv: the command's own options go to own (may be
 * NULL), --json and --explain to o, the config options to
 * cli_common_option, --help prints usage.  Then exactly nargs operands
 * must remain (at argv[optind]).  Returns -1 when the command goes on,
 * else the exit status to return at once (EXIT_OK after --help).
 */
int cli_parse(int argc, char **argv, const struct option *longopts,
	      int nargs, struct cli_opts *o, cli_own_fn own, void *ctx,
	      void (*usage)(FILE *));

/*
 * Sets o's options on cfg as a new source, "command line" (a relative path
 * is the working directory's).  The first error, its message on cfg.
 */
kinde_err_t cli_apply_sets(const struct cli_opts *o, kinde_config_t *cfg);

/*
 * Builds the config: file, then the options, then cli_guard_origin.
 * EXIT_OK or EXIT_USAGE.
 */
int cli_build_config(const struct cli_opts *o, kinde_config_t **cfg,
		     bool require_issuer);

/*
 * Keeps a run whose origin (kinde_config_origin_diff: domain, issuer,
 * jwks_uri, ca_file, proxy, net_module) is not its configuration's away
 * from the configuration's cache, and the configured secret away from
 * another server:
 *  - a private cache (a new 0700 directory, removed at exit, said on
 *    stderr) replaces cfg's cache_dir when the command line overrides an
 *    origin setting and does not name cache_dir itself, or when the
 *    cache_dir in effect is the system configuration's and the origin
 *    differs from the system configuration's (KINDE_CONF_FILE: the one
 *    pam_kinde reads);
 *  - client_secret_file from the file is dropped from cfg when the
 *    command line changes where it would be sent (cli_secret_withheld).
 * EXIT_OK, or EXIT_USAGE (reported) when no private cache can be made.
 */
int cli_guard_origin(const struct cli_opts *o, kinde_config_t *cfg);

/* Why the configured client_secret_file is not sent, or NULL. */
const char *cli_secret_withheld(void);

/* Parses a positive decimal number (--now EPOCH, --repeat N).  0 on
 * success; -1 after reporting "<cmd>: <option> wants <what>". */
int cli_positive(const char *cmd, const char *option, const char *what,
		 const char *arg, long long *out);

/* Reads TOKEN (or "-" for stdin), trimmed.  Caller frees (secret). */
int cli_read_secret(const char *arg, char **out);

/* Maps a library error to the exit code contract. */
int cli_exit_for(kinde_err_t err);

/* "kinde-auth: <cmd>: message" on stderr; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Colour and symbols (only on a terminal). */
bool cli_color(FILE *f);
const char *cli_mark(int status, bool color);

/*
 * {"valid","reason","class","detail"} of v, with claims_key holding
 * claims (when not NULL) and "checks" when explain.  Caller decrefs.
 */
json_t *cli_verdict_json(const kinde_verdict_t *v, bool accepted,
			 bool explain, const char *claims_key,
			 const json_t *claims);
/* "Checks:" and the trace when explain; "REJECTED (reason; class c): "
 * before what (a secret shown redacted, or "") and the detail. */
void cli_print_checks_if(const kinde_verdict_t *v, bool explain);
void cli_print_rejected(const kinde_verdict_t *v, const char *what);

/* Prints the explain trace of v. */
void cli_print_checks(const kinde_verdict_t *v, FILE *f);
/* The checks of v as a JSON array. */
json_t *cli_checks_json(const kinde_verdict_t *v);
/* Prints j indented on stdout, with a newline. */
void cli_print_json(const json_t *j);

/* Human-readable lines for exp/nbf/iat of claims. */
void cli_print_times(const json_t *claims, long long now, FILE *f);
json_t *cli_times_json(const json_t *claims, long long now);

/* Builds the client (cache, transport) for cfg; EXIT_OK or EXIT_USAGE. */
int cli_client(kinde_config_t *cfg, long long now, kinde_client_t **out);
/* Reports a client failure on stderr; returns the exit code for it. */
int cli_client_failure(const char *cmd, kinde_err_t err,
		       const kinde_client_t *c);

int cmd_decode(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_token(int argc, char **argv);
int cmd_apikey(int argc, char **argv);
int cmd_login(int argc, char **argv);
int cmd_jwks(int argc, char **argv);
int cmd_diagnose(int argc, char **argv);
int cmd_pam_test(int argc, char **argv);
int cmd_whois(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_ratelimit(int argc, char **argv);

#endif
