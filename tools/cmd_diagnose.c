/*
 * cmd_diagnose.c - `kinde-auth diagnose`: Kinde's API-key troubleshooting
 * guide as a command.  It runs every applicable debugging step - the
 * host's configuration, the issuer, sshd and PAM, then the given token or
 * API key - without stopping at the first failure, and says for each what
 * it measured and, when something is wrong, the symptom, the cause and the
 * fix.
 */
#include "kinde-build.h"

#include "cli.h"
#include "diag.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " diagnose [--config F] [--token T|-] [--api-key K|-]\n"
		"         [--service NAME] [--user USER] [--pam-dir DIR]\n"
		"         [--sshd-config F] [--json] [-o KEY=VALUE]...\n\n"
		"Runs every check that applies and prints, for each, the result and\n"
		"the measured value; for a failure also the symptom, the likely cause\n"
		"and the fix.  It checks the configuration and the files it names,\n"
		"the cache directory, the HTTPS transport, the issuer (DNS, TLS,\n"
		"discovery, key set, clock skew, scopes, rate limit, M2M\n"
		"credentials), sshd (sshd -T) and the PAM service file, then the\n"
		"token or API key given.  Secrets are never printed: a key is shown\n"
		"as its first 7 and last 4 characters.\n\n"
		"  --token T|-      diagnose this access token ('-': stdin)\n"
		"  --api-key K|-    diagnose this API key ('-': stdin)\n"
		"  --service NAME   the PAM service to check (default sshd)\n"
		"  --user USER      also check that the identity maps to USER\n"
		"  --pam-dir DIR    where the service file is (default /etc/pam.d)\n"
		"  --sshd-config F  check this sshd_config instead of the system's\n"
		"  --json           one JSON object: {ok, problems, checks:[{code,\n"
		"                   check, ok, value, symptom, cause, fix}]}\n\n"
		"Exit status: 0 nothing wrong, 1 a problem was found, 2 usage\n"
		"error, 3 the issuer cannot be reached.\n");
}

/* Warnings the config loader logs become findings. */
struct captured {
	char lines[8][256];
	int n;
};

static void
capture_log(void *ctx, int priority, const char *msg)
{
	struct captured *c = ctx;

	if (priority <= LOG_WARNING && c->n < 8)
		kinde_fmt(c->lines[c->n++], sizeof(c->lines[0]), "%s", msg);
}

/* A line or an option the loader refused: an unknown key gets its own
 * check, since a misspelt key is the usual cause. */
static void
bad_setting(struct diag *d, const char *where)
{
	const char *err = kinde_config_error(d->cfg);

	if (strstr(err, "unknown option") != NULL)
		diag_add(d, DC_CONFIG, "config-keys", DIAG_FAIL,
			 "pam_kinde refuses every login with PAM_SERVICE_ERR",
			 "an unknown option is refused: a misspelt key (require_scope for require_scopes) would leave its policy unapplied",
			 "spell the key as pam_kinde.conf(5) does (the message names the closest known key)",
			 "%s", err);
	else
		diag_add(d, DC_CONFIG, "config", DIAG_FAIL,
			 "pam_kinde refuses every login with PAM_SERVICE_ERR",
			 where, "correct the setting named (see pam_kinde.conf(5))",
			 "%s", err);
}

/*
 * A policy that admits every token of the issuer: refused by the module
 * unless allow_any_token says so, and a risk even then.
 */
static void
check_policy(struct diag *d)
{
	kinde_config_t *cfg = d->cfg;
	char set[128], why[512];
	bool needed;

	if (kinde_config_check_policy(cfg) != KINDE_OK) {
		diag_add(d, DC_CONFIG, "policy", DIAG_FAIL,
			 "pam_kinde refuses every login with PAM_SERVICE_ERR",
			 "nothing in the policy restricts which tokens (or API keys) of the issuer log in",
			 "set audience = <your API's audience> or require_scopes = <a scope only login tokens carry>; allow_any_token = yes only if every token of the issuer may log in",
			 "%s", kinde_config_error(cfg));
		return;
	}
	/* Would the policy stand without allow_any_token?  The same rule
	 * as the module's, asked again (its message is not kept). */
	if (cfg->allow_any_token) {
		cfg->allow_any_token = false;
		needed = kinde_config_check_policy(cfg) != KINDE_OK;
		kinde_fmt(why, sizeof(why), "%s", kinde_config_error(cfg));
		cfg->allow_any_token = true;
		errrec_clear(&cfg->err);
		if (needed) {
			diag_add(d, DC_CONFIG, "policy", DIAG_FAIL,
				 "any access token of the issuer, for any of its applications, or any active API key, may log in",
				 "allow_any_token = yes admits what the policy does not restrict",
				 "set audience or require_scopes and remove allow_any_token",
				 "allow_any_token = yes: %s", why);
			return;
		}
	}
	kinde_fmt(set, sizeof(set), "%s%s%s%s%s",
		  cfg->audience.n ? " audience" : "",
		  cfg->require_scopes.n ? " require_scopes" : "",
		  cfg->require_permissions.n ? " require_permissions" : "",
		  cfg->allowed_orgs.n ? " allowed_orgs" : "",
		  cfg->allowed_client_ids.n ? " allowed_client_ids" : "");
	diag_add(d, DC_CONFIG, "policy", DIAG_PASS, NULL, NULL, NULL,
		 "restricted by%s", set);
}

static void
check_config(struct diag *d, const struct cli_opts *o)
{
	const char *path = o->config_path ? o->config_path : KINDE_CONF_FILE;
	struct captured cap = { .n = 0 };
	kinde_err_t rc = KINDE_OK;
	struct stat st;
	size_t i;
	int k;

	d->cfg = kinde_config_new();
	if (d->cfg == NULL)
		return;
	kinde_config_set_log(d->cfg, capture_log, &cap);
	if (o->no_config) {
		diag_add(d, DC_CONFIG, "config", DIAG_SKIP, NULL,
			 "--no-config: options from the command line only", NULL,
			 "(none)");
	} else if (stat(path, &st) != 0) {
		diag_add(d, DC_CONFIG, "config", DIAG_FAIL,
			 "pam_kinde refuses every login with PAM_SERVICE_ERR (no issuer)",
			 "there is no configuration file",
			 "create it (see pam_kinde.conf(5)) with at least: domain = https://<your-subdomain>.kinde.com",
			 "%s: %s", path, strerror(errno));
	} else {
		rc = kinde_config_load_file(d->cfg, path, false);
		if (rc == KINDE_E_UNSAFE)
			diag_add(d, DC_FILES, "config", DIAG_FAIL,
				 "pam_kinde refuses every login with PAM_SERVICE_ERR",
				 "the configuration decides who logs in, so a file others can change is refused",
				 "chown root:root FILE && chmod 644 FILE",
				 "%s", kinde_config_error(d->cfg));
		else if (rc != KINDE_OK)
			bad_setting(d, "the file has an invalid line");
		else
			diag_add(d, DC_CONFIG, "config", DIAG_PASS, NULL, NULL,
				 NULL, "%s: owner uid %u, mode %04o", path,
				 (unsigned)st.st_uid,
				 (unsigned)(st.st_mode & 07777));
	}
	kinde_config_begin_source(d->cfg, "command line");
	for (i = 0; rc == KINDE_OK && i < o->nsets; i++) {
		rc = kinde_config_set(d->cfg, o->sets[i].key, o->sets[i].value);
		if (rc != KINDE_OK)
			bad_setting(d, "a -o option is invalid");
	}
	/*
	 * finish judges the files the config trusts last, after every
	 * consistency rule: an unsafe secret or CA file (KINDE_E_UNSAFE) is
	 * reported by the file checks, and the other checks still run.
	 */
	if (rc == KINDE_OK) {
		rc = kinde_config_finish(d->cfg);
		if (rc == KINDE_E_UNSAFE)
			rc = KINDE_OK;
		else if (rc != KINDE_OK)
			diag_add(d, DC_CONFIG, "config", DIAG_FAIL,
				 "pam_kinde refuses every login with PAM_SERVICE_ERR",
				 "the settings contradict each other or name a missing file",
				 "correct what the message names (see pam_kinde.conf(5))",
				 "%s", kinde_config_error(d->cfg));
	}
	/* Overrides of the origin: a private cache, the secret kept. */
	if (rc == KINDE_OK && cli_guard_origin(o, d->cfg) != EXIT_OK)
		rc = KINDE_E_CONFIG;
	if (rc == KINDE_OK && cli_secret_withheld() != NULL)
		fprintf(stderr, PROG ": diagnose: %s\n", cli_secret_withheld());
	if (rc == KINDE_OK) {
		d->config_ok = true;
		diag_add(d, DC_CONFIG, "issuer", DIAG_PASS, NULL, NULL, NULL,
			 "%s", d->cfg->issuer);
		check_policy(d);
	} else if (d->cfg->issuer == NULL && d->cfg->domain == NULL) {
		diag_add(d, DC_CONFIG, "issuer", DIAG_FAIL,
			 "pam_kinde refuses every login with PAM_SERVICE_ERR",
			 "no issuer is configured",
			 "set domain = https://<your-subdomain>.kinde.com",
			 "%s", kinde_config_error(d->cfg));
	}
	/* What the loader warned about (an issuer ending in '/'). */
	for (k = 0; k < cap.n; k++)
		diag_add(d, DC_CONFIG, "config-warning", DIAG_FAIL,
			 "a setting may not do what it says",
			 "the configuration loader warned about it",
			 "see the message and pam_kinde.conf(5)", "%s",
			 cap.lines[k]);
	kinde_config_set_log(d->cfg, NULL, NULL);
}

static void
check_file(struct diag *d, const char *what, const char *path,
	   enum file_policy policy, const char *symptom)
{
	struct errrec err = { "" };
	char *buf = NULL;
	size_t len;
	kinde_err_t rc;

	if (path == NULL) {
		diag_add(d, DC_FILES, what, DIAG_SKIP, NULL, NULL, NULL,
			 "not configured");
		return;
	}
	rc = safefile_read(path, policy, 1024 * 1024, &buf, &len, NULL, &err);
	if (buf != NULL)
		kinde_free_secret(buf);
	if (rc == KINDE_OK) {
		diag_add(d, DC_FILES, what, DIAG_PASS, NULL, NULL, NULL,
			 "%s: safe (%zu bytes)", path, len);
		return;
	}
	diag_add(d, DC_FILES, what, DIAG_FAIL, symptom,
		 rc == KINDE_E_UNSAFE ?
		 (policy == FILE_SECRET ?
		  "a secret readable by others, or owned by another user, is refused" :
		  "a file others can change decides who logs in, so it is refused") :
		 "the file cannot be read",
		 policy == FILE_SECRET ? "chown root:root FILE && chmod 600 FILE" :
		 "chown root:root FILE && chmod 644 FILE (and check the path)",
		 "%s", errrec_msg(&err));
}

/* Only judged, not read: a CA bundle can be large. */
static void
check_ca_file(struct diag *d)
{
	const char *path = d->cfg->ca_file;
	struct errrec err = { "" };
	kinde_err_t rc;

	if (path == NULL) {
		diag_add(d, DC_FILES, "ca-file", DIAG_SKIP, NULL, NULL, NULL,
			 "not configured (the system's CAs)");
		return;
	}
	rc = safefile_check_path(path, FILE_TRUSTED, NULL, &err);
	if (rc == KINDE_OK) {
		diag_add(d, DC_FILES, "ca-file", DIAG_PASS, NULL, NULL, NULL,
			 "%s: safe", path);
		return;
	}
	diag_add(d, DC_FILES, "ca-file", DIAG_FAIL,
		 "every login fails with PAM_SERVICE_ERR",
		 rc == KINDE_E_UNSAFE ?
		 "the CA decides whose key sets are believed, so a file others can change is refused" :
		 "the file cannot be read",
		 "chown root:root FILE && chmod 644 FILE (and check the path)",
		 "%s", errrec_msg(&err));
}

static void
check_cache(struct diag *d)
{
	struct errrec err = { "" };
	struct kcache c;

	if (cache_open(d->cfg, &c, &err) == KINDE_OK) {
		struct stat st;

		fstat(c.dirfd, &st);
		diag_add(d, DC_CACHE, "cache-dir", DIAG_PASS, NULL, NULL, NULL,
			 "%s: owner uid %u, mode %04o", c.path,
			 (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		cache_close(&c);
		return;
	}
	diag_add(d, DC_CACHE, "cache-dir", DIAG_FAIL,
		 "every login fetches the key set (slow, and fails while the issuer is down); bursts may hit the rate limit",
		 "the cache directory is refused or cannot be created",
		 "install -d -m 700 -o root -g root DIR (for the user running the module)",
		 "%s", errrec_msg(&err));
}

static void
check_transport(struct diag *d)
{
	const char *path = d->cfg->net_module ? d->cfg->net_module :
			   KINDE_NET_MODULE;
	const struct kinde_net *net;
	struct errrec err = { "" };
	void *h;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || safefile_check_fd(fd, path, FILE_TRUSTED, &err) !=
	    KINDE_OK) {
		if (fd < 0)
			errrec_write(&err, "%s: %s", path, strerror(errno));
		else
			close(fd);
		diag_add(d, DC_TRANSPORT, "transport", DIAG_FAIL,
			 "PAM logins fail with PAM_AUTHINFO_UNAVAIL whenever the module needs the network (cold cache, API keys)",
			 "the module's HTTPS transport plugin is missing or not trusted",
			 "reinstall pam_kinde (make install), or set net_module to the installed kinde-net.so",
			 "%s", errrec_msg(&err));
		return;
	}
	close(fd);
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	net = h ? dlsym(h, KINDE_NET_SYMBOL) : NULL;
	if (net == NULL || net->abi != KINDE_NET_ABI ||
	    strcmp(net->version, PACKAGE_VERSION) != 0) {
		diag_add(d, DC_TRANSPORT, "transport", DIAG_FAIL,
			 "PAM logins fail with PAM_AUTHINFO_UNAVAIL whenever the module needs the network",
			 "the plugin does not load or is from another version",
			 "reinstall pam_kinde so the module and kinde-net.so match",
			 "%s: %s", path, h ? "not this version's transport" :
			 dlerror());
	} else {
		diag_add(d, DC_TRANSPORT, "transport", DIAG_PASS, NULL, NULL,
			 NULL, "%s (pam_kinde %s)", path, net->version);
	}
	/* Kept loaded: unloading libcurl is not supported. */
}

static void
check_pam_service(struct diag *d)
{
	char path[4096], line[1024];
	bool auth = false, account = false;
	FILE *f;

	kinde_fmt(path, sizeof(path), "%s/%s", d->pam_dir, d->service);
	f = fopen(path, "r");
	if (f == NULL) {
		diag_add(d, DC_PAM, "pam-service", DIAG_FAIL,
			 "logins through this service never reach pam_kinde",
			 "the PAM service file does not exist (the service is the basename of the program, e.g. sshd)",
			 "create it: auth required pam_kinde.so / account required pam_kinde.so (see doc/examples)",
			 "%s: %s", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *p = line + strspn(line, " \t");

		if (*p == '#' || strstr(p, "pam_kinde.so") == NULL)
			continue;
		if (strncmp(p, "auth", 4) == 0 || strncmp(p, "-auth", 5) == 0)
			auth = true;
		if (strncmp(p, "account", 7) == 0 ||
		    strncmp(p, "-account", 8) == 0)
			account = true;
	}
	fclose(f);
	if (!auth)
		diag_add(d, DC_PAM, "pam-service", DIAG_FAIL,
			 "logins through this service never ask for a Kinde token or key",
			 "the service file has no 'auth ... pam_kinde.so' line",
			 "add 'auth required pam_kinde.so' (see doc/examples/sshd)",
			 "%s: no pam_kinde.so auth line", path);
	else
		diag_add(d, DC_PAM, "pam-service", DIAG_PASS, NULL,
			 account ? NULL :
			 "no 'account ... pam_kinde.so' line: expiry is not re-checked at the account stage",
			 NULL, "%s: pam_kinde.so in auth%s", path,
			 account ? " and account" : "");
}

void
diag_host(struct diag *d)
{
	check_file(d, "secret-file", d->cfg->client_secret_file, FILE_SECRET,
		   "every login fails with PAM_SERVICE_ERR (the secret file is judged whenever the configuration is loaded)");
	check_ca_file(d);
	check_file(d, "user-map-file", d->cfg->user_map_file, FILE_TRUSTED,
		   "every login fails with PAM_SERVICE_ERR");
	check_file(d, "deny-file", d->cfg->deny_file, FILE_TRUSTED,
		   "every login fails with PAM_SERVICE_ERR");
	if (d->cfg->jwks_file != NULL)
		check_file(d, "jwks-file", d->cfg->jwks_file, FILE_TRUSTED,
			   "every token login fails with PAM_SERVICE_ERR");
	/* A refused file names no cache_dir we can trust: checking the
	 * default one would create it on a host that does not use it. */
	if (d->config_ok)
		check_cache(d);
	else
		diag_add(d, DC_CACHE, "cache-dir", DIAG_SKIP, NULL,
			 "the configuration was refused, so its cache_dir is not known",
			 NULL, "(not checked)");
	if (d->cfg->jwks_file == NULL || d->cfg->client_id != NULL)
		check_transport(d);
	check_pam_service(d);
}

struct diag_args {
	struct diag *d;
	const char *token, *key;
};

static int
own_option(void *ctx, int opt, const char *arg)
{
	struct diag_args *a = ctx;

	switch (opt) {
	case OPT_TOKEN:
		a->token = arg;
		return 1;
	case OPT_API_KEY:
		a->key = arg;
		return 1;
	case OPT_SERVICE:
		if (strchr(arg, '/') != NULL || arg[0] == '\0') {
			cli_usage_error("diagnose",
					"--service wants a service name, not a path");
			return -1;
		}
		a->d->service = arg;
		return 1;
	case OPT_USER:
		a->d->user = arg;
		return 1;
	case OPT_CONFDIR:
		a->d->pam_dir = arg;
		return 1;
	case OPT_SSHD_CONFIG:
		a->d->sshd_config = arg;
		return 1;
	}
	return 0;
}

int
cmd_diagnose(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "token", required_argument, NULL, OPT_TOKEN },
		{ "api-key", required_argument, NULL, OPT_API_KEY },
		{ "service", required_argument, NULL, OPT_SERVICE },
		{ "user", required_argument, NULL, OPT_USER },
		{ "pam-dir", required_argument, NULL, OPT_CONFDIR },
		{ "sshd-config", required_argument, NULL, OPT_SSHD_CONFIG },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "jwks", required_argument, NULL, OPT_JWKS },
		CLI_BASE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct diag d = { .service = "sshd", .pam_dir = "/etc/pam.d" };
	struct cli_opts o = { 0 };
	struct diag_args a = { &d, NULL, NULL };
	const char *token_arg, *key_arg;
	char *token = NULL, *key = NULL;
	int rc;

	rc = cli_parse(argc, argv, longopts, 0, &o, own_option, &a, usage);
	if (rc >= 0)
		return rc;
	token_arg = a.token;
	key_arg = a.key;
	if (token_arg && key_arg && strcmp(token_arg, "-") == 0 &&
	    strcmp(key_arg, "-") == 0)
		return cli_usage_error("diagnose",
				       "only one of --token and --api-key can read stdin");
	if (token_arg && (rc = cli_read_secret(token_arg, &token)) != EXIT_OK)
		return rc;
	if (key_arg && (rc = cli_read_secret(key_arg, &key)) != EXIT_OK) {
		kinde_free_secret(token);
		return rc;
	}
	d.checks = json_array();
	if (d.checks == NULL)
		return cli_usage_error("diagnose", "out of memory");

	check_config(&d, &o);
	if (d.cfg != NULL) {
		diag_host(&d);
		/* issue 10: the host's own limiter, before the issuer's 429 */
		diag_limiter(&d);
		if (d.config_ok && kinde_client_new(d.cfg, &d.client) == KINDE_OK)
			diag_issuer(&d);
		diag_access(&d);
		diag_sshd(&d);
		if (token != NULL)
			diag_token(&d, token);
		diag_answer_limit(&d, token ? strlen(token) : 0);
		if (key != NULL)
			diag_apikey(&d, key);
	}
	diag_print(&d, o.json);
	rc = d.unreachable ? EXIT_UNAVAILABLE :
	     d.problems ? EXIT_REJECTED : EXIT_OK;
	kinde_client_free(d.client);
	kinde_config_free(d.cfg);
	json_decref(d.checks);
	kinde_free_secret(token);
	kinde_free_secret(key);
	return rc;
}
