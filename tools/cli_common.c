/*
 * cli_common.c - config building, secret input and output shared by the
 * kinde-auth subcommands.
 */
#include "kinde-build.h"

#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

/* Big enough to see that a pasted token is too long, then refuse it. */
#define SECRET_MAX (64 * 1024)

static void
stderr_log(void *ctx, int priority, const char *msg)
{
	(void)ctx;
	fprintf(stderr, PROG ": %s%s\n",
		priority <= LOG_ERR ? "error: " :
		priority == LOG_WARNING ? "warning: " :
		priority == LOG_DEBUG ? "debug: " : "", msg);
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": %s%s", cmd ? cmd : "", cmd ? ": " : "");
	va_start(ap, fmt);
	/* ap is started on the line above: a false positive of clang 14's
	 * valist checker after the ?: branches of the fprintf
	 * NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return EXIT_USAGE;
}

static int
add_set(struct cli_opts *o, const char *key, const char *value)
{
	if (o->nsets == KINDE_ARRAY_SIZE(o->sets)) {
		cli_usage_error(NULL, "too many options");
		return -1;
	}
	o->sets[o->nsets].key = key;
	o->sets[o->nsets].value = value;
	o->nsets++;
	return 1;
}

int
cli_common_option(struct cli_opts *o, int opt, const char *arg)
{
	static const struct {
		int opt;
		const char *key;
	} map[] = {
		{ OPT_DOMAIN, "domain" },
		{ OPT_ISSUER, "issuer" },
		{ OPT_AUDIENCE, "audience" },
		{ OPT_SCOPE, "require_scopes" },
		{ OPT_PERMISSION, "require_permissions" },
		{ OPT_ORG, "allowed_orgs" },
		{ OPT_LEEWAY, "leeway" },
		{ OPT_CA_FILE, "ca_file" },
		{ OPT_CACHE_DIR, "cache_dir" },
		{ OPT_CLIENT_SECRET_FILE, "client_secret_file" },
		{ OPT_ALGORITHMS, "algorithms" },
	};
	static char keybuf[128][64];
	const char *eq;
	size_t i, klen;

	switch (opt) {
	case OPT_CONFIG:
		o->config_path = arg;
		return 1;
	case OPT_NO_CONFIG:
		o->no_config = true;
		return 1;
	case OPT_JWKS:
		/* A URL is fetched; anything else is a pinned local file. */
		return add_set(o, is_https_url(arg, false) ||
				  strncmp(arg, "http://", 7) == 0 ?
				  "jwks_uri" : "jwks_file", arg);
	case 'o':
		eq = strchr(arg, '=');
		klen = eq ? (size_t)(eq - arg) : strlen(arg);
		if (klen == 0 || klen >= sizeof(keybuf[0]) ||
		    o->nsets >= KINDE_ARRAY_SIZE(keybuf)) {
			cli_usage_error(NULL, "--set wants KEY=VALUE, got \"%s\"",
					arg);
			return -1;
		}
		memcpy(keybuf[o->nsets], arg, klen);
		keybuf[o->nsets][klen] = '\0';
		return add_set(o, keybuf[o->nsets], eq ? eq + 1 : NULL);
	}
	for (i = 0; i < KINDE_ARRAY_SIZE(map); i++)
		if (map[i].opt == opt)
			return add_set(o, map[i].key, arg);
	return 0;
}

kinde_err_t
cli_apply_sets(const struct cli_opts *o, kinde_config_t *cfg)
{
	kinde_err_t rc = KINDE_OK;
	char abs[4096], cwd[4000];
	const char *value;
	size_t i;

	kinde_config_begin_source(cfg, "command line");
	for (i = 0; rc == KINDE_OK && i < o->nsets; i++) {
		value = o->sets[i].value;
		/* On the command line a relative path means the cwd's. */
		if (kinde_config_key_is_path(o->sets[i].key) && value != NULL &&
		    value[0] != '/' && value[0] != '\0' &&
		    getcwd(cwd, sizeof(cwd)) != NULL) {
			kinde_fmt(abs, sizeof(abs), "%s/%s", cwd, value);
			value = abs;
		}
		rc = kinde_config_set(cfg, o->sets[i].key, value);
	}
	return rc;
}

int
cli_build_config(const struct cli_opts *o, kinde_config_t **out,
		 bool require_issuer)
{
	kinde_config_t *cfg = kinde_config_new();
	kinde_err_t rc;

	*out = NULL;
	if (cfg == NULL)
		return cli_usage_error(NULL, "out of memory");
	kinde_config_set_log(cfg, stderr_log, NULL);
	if (!o->no_config) {
		rc = kinde_config_load_file(cfg, o->config_path ? o->config_path :
					    KINDE_CONF_FILE,
					    o->config_path == NULL);
		if (rc != KINDE_OK)
			goto fail;
	}
	rc = cli_apply_sets(o, cfg);
	if (rc != KINDE_OK)
		goto fail;
	if (require_issuer) {
		rc = kinde_config_finish(cfg);
		if (rc != KINDE_OK)
			goto fail;
	}
	if (cli_guard_origin(o, cfg) != EXIT_OK) {
		kinde_config_free(cfg);
		return EXIT_USAGE;
	}
	*out = cfg;
	return EXIT_OK;
fail:
	cli_usage_error(NULL, "%s", kinde_config_error(cfg)[0] ?
			kinde_config_error(cfg) : kinde_strerror(rc));
	kinde_config_free(cfg);
	return EXIT_USAGE;
}

/* ------------------------------------------------ origin and caches -- */

/* This run's private cache directory ("" when none), removed at exit. */
static char private_dir[64];
static char secret_note[512];

static void
remove_private_cache(void)
{
	struct dirent *de;
	DIR *d;
	int fd;

	if (private_dir[0] == '\0')
		return;
	fd = open(private_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		return;
	}
	/* Flat: the cache writes files (and locks) only. */
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	rmdir(private_dir);
	private_dir[0] = '\0';
}

const char *
cli_secret_withheld(void)
{
	return secret_note[0] ? secret_note : NULL;
}

/* The settings of a file alone (defaults when it is absent or refused):
 * only its origin and cache_dir are read. */
static kinde_config_t *
file_config(const char *path)
{
	kinde_config_t *cfg = kinde_config_new();

	if (cfg != NULL && path != NULL &&
	    kinde_config_load_file(cfg, path, true) != KINDE_OK) {
		kinde_config_free(cfg);
		cfg = kinde_config_new();
	}
	return cfg;
}

static bool
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return strcmp(a, b) == 0;
}

static bool
set_on_command_line(const struct cli_opts *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->nsets; i++)
		if (strcmp(o->sets[i].key, key) == 0)
			return true;
	return false;
}

int
cli_guard_origin(const struct cli_opts *o, kinde_config_t *cfg)
{
	const char *path = o->no_config ? NULL :
			   o->config_path ? o->config_path : KINDE_CONF_FILE;
	bool system_file = path != NULL && same_file(path, KINDE_CONF_FILE);
	kinde_config_t *fcfg, *scfg = NULL;
	unsigned dfile, dsys, dsecret;
	bool shared;
	char names[160], dir[sizeof(private_dir)];
	int rc = EXIT_USAGE;

	fcfg = file_config(path);
	scfg = system_file ? fcfg : file_config(KINDE_CONF_FILE);
	if (fcfg == NULL || scfg == NULL) {
		cli_usage_error(NULL, "out of memory");
		goto out;
	}
	dfile = kinde_config_origin_diff(cfg, fcfg, &dsecret);
	dsys = kinde_config_origin_diff(cfg, scfg, NULL);
	shared = same_file(kinde_config_cache_dir(cfg),
			   kinde_config_cache_dir(scfg));

	/* The file's secret is for the file's server. */
	if (kinde_config_client_secret_file(cfg) != NULL && dsecret &&
	    !set_on_command_line(o, "client_secret_file")) {
		kinde_config_origin_names(dsecret, names, sizeof(names));
		kinde_fmt(secret_note, sizeof(secret_note),
			  "the configured client_secret_file is not sent: the command line overrides %s, which decide%s where it would go; give --client-secret-file FILE to send that file's secret instead",
			  names, strchr(names, ',') ? "" : "s");
		kinde_config_drop_client_secret(cfg);
	}

	rc = EXIT_OK;
	if (!((shared && dsys) ||
	      (dfile && !set_on_command_line(o, "cache_dir"))) ||
	    !kinde_config_wants_cache(cfg) || private_dir[0] != '\0')
		goto out;
	/* Not $TMPDIR: the caller's environment decides nothing here. */
	kinde_fmt(dir, sizeof(dir), "/tmp/kinde-auth.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		rc = cli_usage_error(NULL, "cannot make a private cache: %s",
				     strerror(errno));
		goto out;
	}
	kinde_fmt(private_dir, sizeof(private_dir), "%s", dir);
	atexit(remove_private_cache);
	if (kinde_config_set(cfg, "cache_dir", dir) != KINDE_OK) {
		rc = cli_usage_error(NULL, "%s", kinde_config_error(cfg));
		goto out;
	}
	if (dfile) {
		kinde_config_origin_names(dfile, names, sizeof(names));
		fprintf(stderr, PROG ": using a private cache (%s): the command line overrides %s\n",
			dir, names);
	} else {
		kinde_config_origin_names(dsys, names, sizeof(names));
		fprintf(stderr, PROG ": using a private cache (%s): %s differs from %s in %s and shares its cache_dir\n",
			dir, path ? path : "the command line", KINDE_CONF_FILE,
			names);
	}
out:
	if (scfg != fcfg)
		kinde_config_free(scfg);
	kinde_config_free(fcfg);
	return rc;
}

int
cli_read_secret(const char *arg, char **out)
{
	const char *start, *end;
	char *buf = NULL;
	size_t used = 0, n;

	*out = NULL;
	if (strcmp(arg, "-") == 0) {
		buf = malloc(SECRET_MAX + 1);
		if (buf == NULL)
			return cli_usage_error(NULL, "out of memory");
		while ((n = fread(buf + used, 1, SECRET_MAX - used, stdin)) > 0)
			used += n;
		if (ferror(stdin)) {
			kinde_wipe(buf, used);
			free(buf);
			return cli_usage_error(NULL, "reading stdin: %s",
					       strerror(errno));
		}
		buf[used] = '\0';
		start = buf;
	} else {
		start = arg;
		used = strlen(arg);
	}
	/* A trailing newline from a file or an echo is not part of it. */
	end = start + strlen(start);
	while (start < end && strchr(" \t\r\n", *start))
		start++;
	while (end > start && strchr(" \t\r\n", end[-1]))
		end--;
	*out = strndup(start, (size_t)(end - start));
	if (buf != NULL) {
		kinde_wipe(buf, used);
		free(buf);
	}
	if (*out == NULL)
		return cli_usage_error(NULL, "out of memory");
	return EXIT_OK;
}

int
cli_exit_for(kinde_err_t err)
{
	switch (err) {
	case KINDE_OK:
		return EXIT_OK;
	case KINDE_E_REJECTED:
		return EXIT_REJECTED;
	case KINDE_E_UNAVAILABLE:
	case KINDE_E_RATELIMITED:
		return EXIT_UNAVAILABLE;
	default:
		return EXIT_USAGE;
	}
}

bool
cli_color(FILE *f)
{
	const char *term = getenv("TERM");

	return isatty(fileno(f)) && getenv("NO_COLOR") == NULL &&
	       term != NULL && strcmp(term, "dumb") != 0;
}

const char *
cli_mark(int status, bool color)
{
	if (status > 0)
		return color ? "\033[32m\u2714\033[0m" : "\u2714";
	if (status == 0)
		return color ? "\033[31m\u2718\033[0m" : "\u2718";
	return color ? "\033[33m-\033[0m" : "-";
}

void
cli_print_checks(const kinde_verdict_t *v, FILE *f)
{
	bool color = cli_color(f);
	struct kinde_check c;
	size_t i;

	for (i = 0; i < kinde_verdict_check_count(v); i++) {
		kinde_verdict_check(v, i, &c);
		fprintf(f, "  %s %-11s %s\n", cli_mark(c.status, color), c.name,
			c.detail);
	}
}

json_t *
cli_checks_json(const kinde_verdict_t *v)
{
	static const char *const st[] = { "skip", "fail", "pass" };
	json_t *arr = json_array();
	struct kinde_check c;
	size_t i;

	for (i = 0; i < kinde_verdict_check_count(v); i++) {
		kinde_verdict_check(v, i, &c);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s}",
						     "check", c.name,
						     "status", st[c.status + 1],
						     "detail", c.detail));
	}
	return arr;
}

void
cli_print_json(const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	if (s != NULL) {
		fputs(s, stdout);
		fputc('\n', stdout);
		free(s);
	}
}

static const char *const time_claims[] = { "exp", "nbf", "iat" };

void
cli_print_times(const json_t *claims, long long now, FILE *f)
{
	char utc[40], rel[40];
	double t;
	size_t i;
	int r;

	for (i = 0; i < KINDE_ARRAY_SIZE(time_claims); i++) {
		r = kinde_claim_time(claims, time_claims[i], &t);
		if (r == 0)
			continue;
		if (r < 0) {
			fprintf(f, "  %-4s (not a valid time)\n", time_claims[i]);
			continue;
		}
		kinde_fmt_utc((int64_t)t, utc, sizeof(utc));
		kinde_fmt_relative((int64_t)t, now, rel, sizeof(rel));
		fprintf(f, "  %-4s %s (%s%s)\n", time_claims[i], utc,
			strcmp(time_claims[i], "exp") == 0 ?
			((int64_t)t > now ? "expires " : "expired ") :
			strcmp(time_claims[i], "iat") == 0 ? "issued " :
			"valid from ", rel);
	}
}

json_t *
cli_times_json(const json_t *claims, long long now)
{
	json_t *o = json_object();
	char utc[40], rel[40];
	double t;
	size_t i;

	for (i = 0; i < KINDE_ARRAY_SIZE(time_claims); i++) {
		if (kinde_claim_time(claims, time_claims[i], &t) <= 0)
			continue;
		kinde_fmt_utc((int64_t)t, utc, sizeof(utc));
		kinde_fmt_relative((int64_t)t, now, rel, sizeof(rel));
		json_object_set_new(o, time_claims[i],
				    json_pack("{s:I, s:s, s:s}", "epoch",
					      (json_int_t)t, "utc", utc,
					      "relative", rel));
	}
	return o;
}

int
cli_client(kinde_config_t *cfg, long long now, kinde_client_t **out)
{
	if (kinde_client_new(cfg, out) != KINDE_OK)
		return cli_usage_error(NULL, "out of memory");
	if (now > 0)
		kinde_client_set_now(*out, now);
	return EXIT_OK;
}

int
cli_client_failure(const char *cmd, kinde_err_t err, const kinde_client_t *c)
{
	fprintf(stderr, PROG ": %s: %s\n", cmd,
		kinde_client_error(c)[0] ? kinde_client_error(c) :
		kinde_strerror(err));
	if (cli_secret_withheld() != NULL)
		fprintf(stderr, PROG ": %s: %s\n", cmd, cli_secret_withheld());
	return cli_exit_for(err);
}

int
cli_parse(int argc, char **argv, const struct option *longopts, int nargs,
	  struct cli_opts *o, cli_own_fn own, void *ctx,
	  void (*usage)(FILE *))
{
	int opt, rc;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "ho:", longopts, NULL)) != -1) {
		rc = own ? own(ctx, opt, optarg) : 0;
		if (rc < 0)
			return EXIT_USAGE;
		if (rc > 0)
			continue;
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case OPT_JSON:
			o->json = true;
			continue;
		case OPT_EXPLAIN:
			o->explain = true;
			continue;
		}
		rc = cli_common_option(o, opt, optarg);
		if (rc < 0)
			return EXIT_USAGE;
		if (rc == 0) {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != nargs) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

json_t *
cli_verdict_json(const kinde_verdict_t *v, bool accepted, bool explain,
		 const char *claims_key, const json_t *claims)
{
	kinde_reason_t r = kinde_verdict_reason(v);
	json_t *out;

	out = json_pack("{s:b, s:s?, s:s?, s:s}", "valid", accepted,
			"reason", accepted ? NULL : kinde_reason_name(r),
			"class", accepted ? NULL : kinde_reason_class(r),
			"detail", kinde_verdict_detail(v));
	if (out == NULL)
		return NULL;
	if (claims_key != NULL && claims != NULL)
		json_object_set(out, claims_key, (json_t *)claims);
	if (explain)
		json_object_set_new(out, "checks", cli_checks_json(v));
	return out;
}

void
cli_print_checks_if(const kinde_verdict_t *v, bool explain)
{
	if (!explain)
		return;
	printf("Checks:\n");
	cli_print_checks(v, stdout);
}

void
cli_print_rejected(const kinde_verdict_t *v, const char *what)
{
	printf("REJECTED (%s; class %s): %s%s%s\n",
	       kinde_reason_name(kinde_verdict_reason(v)),
	       kinde_reason_class(kinde_verdict_reason(v)), what,
	       what[0] ? ": " : "", kinde_verdict_detail(v));
}

int
cli_positive(const char *cmd, const char *option, const char *what,
	     const char *arg, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(arg, &end, 10);
	if (*arg == '\0' || *end != '\0' || errno != 0 || *out <= 0) {
		cli_usage_error(cmd, "%s wants %s", option, what);
		return -1;
	}
	return 0;
}
