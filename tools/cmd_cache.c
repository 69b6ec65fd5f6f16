/*
 * cmd_cache.c - `kinde-auth cache flush`: empties the host's shared cache
 * by kind, so that what the issuer has revoked is asked again at the next
 * login instead of being served from the cache until it expires.
 */
#include "kinde-build.h"

#include "cli.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What each option empties: cache entry prefixes (kinde_cache_flush). */
static const struct kind {
	const char *name;	/* in the report and --json */
	const char *prefix;
	int opt;
	const char *what;
} kinds[] = {
	{ "jwks", "jwks", 'J', "key sets" },
	{ "discovery", "discovery", 'J', "discovery documents" },
	{ "apikeys", "apikey", 'A', "API key answers" },
	{ "m2m", "m2m", 'M', "M2M tokens" },
	/* The account-check answers a later account stage keeps. */
	{ "account", "account", 'C', "account-check answers" },
};

#define OPT_ALL 'L'

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " cache flush [--jwks] [--apikeys] [--m2m] [--account] [--all]\n"
		"         [--config F] [--cache-dir D] [--json] [-o KEY=VALUE]...\n\n"
		"Empties the shared cache (cache_dir) of the kinds named, every\n"
		"issuer's, each entry removed under its lock, and says how many\n"
		"of each went:\n"
		"  --jwks     key sets and discovery documents (fetched again)\n"
		"  --apikeys  the issuer's answers for API keys (asked again)\n"
		"  --m2m      M2M access tokens (requested again)\n"
		"  --account  account-check decisions (account_check = kinde)\n"
		"  --all      all of the above\n"
		"The rate-limit state (the issuer's 429 reset time) and lock files\n"
		"are kept.  Only the owner of cache_dir (root for the system cache)\n"
		"may flush it.\n\n"
		"Exit status: 0 flushed (or nothing to flush), 2 usage error or not\n"
		"allowed.\n");
}

struct flush_args {
	bool want[KINDE_ARRAY_SIZE(kinds)];
	bool any;
};

static int
own_option(void *ctx, int opt, const char *arg)
{
	struct flush_args *a = ctx;
	size_t i;
	int hit = 0;

	(void)arg;
	for (i = 0; i < KINDE_ARRAY_SIZE(kinds); i++)
		if (opt == OPT_ALL || opt == kinds[i].opt) {
			a->want[i] = true;
			hit = 1;
		}
	a->any |= hit;
	return hit;
}

/*
 * The configuration, for its cache_dir: the file, then the options.  Not
 * cli_build_config: its origin guard would swap in a private cache for a
 * configuration whose origin is not the system's, and a flush fetches
 * and sends nothing, so it must empty the directory the file names.
 */
static int
flush_config(const struct cli_opts *o, kinde_config_t **out)
{
	kinde_config_t *cfg = kinde_config_new();
	kinde_err_t rc = KINDE_OK;

	*out = NULL;
	if (cfg == NULL) {
		cli_usage_error("cache", "out of memory");
		return EXIT_USAGE;
	}
	if (!o->no_config)
		rc = kinde_config_load_file(cfg, o->config_path ?
					    o->config_path : KINDE_CONF_FILE,
					    o->config_path == NULL);
	if (rc == KINDE_OK)
		rc = cli_apply_sets(o, cfg);
	if (rc != KINDE_OK) {
		cli_usage_error("cache", "%s", kinde_config_error(cfg));
		kinde_config_free(cfg);
		return EXIT_USAGE;
	}
	*out = cfg;
	return EXIT_OK;
}

int
cmd_cache(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "jwks", no_argument, NULL, 'J' },
		{ "apikeys", no_argument, NULL, 'A' },
		{ "m2m", no_argument, NULL, 'M' },
		{ "account", no_argument, NULL, 'C' },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "json", no_argument, NULL, OPT_JSON },
		CLI_BASE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct flush_args a = { { false }, false };
	unsigned counts[KINDE_ARRAY_SIZE(kinds)] = { 0 }, total = 0;
	const char *prefixes[KINDE_ARRAY_SIZE(kinds)];
	size_t nprefixes = 0, want[KINDE_ARRAY_SIZE(kinds)];
	unsigned flushed[KINDE_ARRAY_SIZE(kinds)] = { 0 };
	struct cli_opts o = { 0 };
	kinde_config_t *cfg = NULL;
	const char *dir;
	struct stat st;
	json_t *out = NULL, *removed;
	char err[512];
	bool none = false;
	size_t i;
	int rc;

	rc = cli_parse(argc, argv, longopts, 1, &o, own_option, &a, usage);
	if (rc >= 0)
		return rc;
	if (strcmp(argv[optind], "flush") != 0)
		return cli_usage_error("cache", "unknown action \"%s\" (flush)",
				       argv[optind]);
	if (!a.any)
		return cli_usage_error("cache",
				       "flush what? --jwks, --apikeys, --m2m, --account or --all");
	rc = flush_config(&o, &cfg);
	if (rc != EXIT_OK)
		return rc;
	dir = kinde_config_cache_dir(cfg);
	for (i = 0; i < KINDE_ARRAY_SIZE(kinds); i++)
		if (a.want[i]) {
			want[nprefixes] = i;
			prefixes[nprefixes++] = kinds[i].prefix;
		}
	/* Only its owner: the module's user, root for sshd and sudo. */
	if (stat(dir, &st) != 0) {
		if (errno != ENOENT) {
			rc = cli_usage_error("cache", "cache_dir %s: %s", dir,
					     strerror(errno));
			goto out;
		}
		none = true;
	} else if (st.st_uid != geteuid()) {
		rc = cli_usage_error("cache",
				     "cache_dir %s belongs to uid %u: only its owner (root for the system cache) may flush it",
				     dir, (unsigned)st.st_uid);
		goto out;
	} else if (kinde_cache_flush(cfg, prefixes, nprefixes, flushed, err,
				     sizeof(err)) != KINDE_OK) {
		rc = cli_usage_error("cache", "%s", err);
		goto out;
	}
	for (i = 0; !none && i < nprefixes; i++) {
		counts[want[i]] = flushed[i];
		total += flushed[i];
	}
	if (o.json) {
		removed = json_object();
		for (i = 0; i < KINDE_ARRAY_SIZE(kinds); i++)
			if (a.want[i])
				json_object_set_new(removed, kinds[i].name,
						    json_integer(counts[i]));
		out = json_pack("{s:s, s:o, s:i}", "cache_dir", dir,
				"removed", removed, "total", (int)total);
		cli_print_json(out);
	} else {
		printf("cache_dir %s%s\n", dir,
		       none ? ": does not exist" : "");
		for (i = 0; i < KINDE_ARRAY_SIZE(kinds); i++)
			if (a.want[i])
				printf("  %-10s %u removed (%s)\n", kinds[i].name,
				       counts[i], kinds[i].what);
		if (total == 0)
			printf("nothing to flush\n");
		else
			printf("%u entr%s removed\n", total,
			       total == 1 ? "y" : "ies");
	}
	rc = EXIT_OK;
out:
	json_decref(out);
	kinde_config_free(cfg);
	return rc;
}
