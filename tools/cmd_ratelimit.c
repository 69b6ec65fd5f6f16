/*
 * cmd_ratelimit.c - `kinde-auth ratelimit status|reset`: what this host's
 * limiter (kinde.h, the limiter section) holds - the windows and lockouts
 * in force - and the issuer's own 429 recorded per endpoint; and clearing
 * them.
 *
 * An API key is never shown whole, nor by its digest alone: the limiter
 * keeps the label the module gave it (first 7 and last 4 characters), and
 * `reset --key -` reads the key from stdin and hashes it as the module
 * does.  Only the owner of state_dir (root for the system's) may reset:
 * whoever owns the directory can rewrite its files anyway, and nobody
 * else may lift a limit or a lockout.
 */
#include "kinde-build.h"

#include "cli.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Own options, past the shared ones (cli.h stays as it is). */
enum { OPT_RL_KEY = OPT__LAST + 1, OPT_RL_ALL };

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " ratelimit status [--config F] [--json] [--now EPOCH]\n"
		"                             [-o KEY=VALUE]...\n"
		"       " PROG " ratelimit reset (--user U | --key K|- | --rhost H | --all)\n"
		"                             [--config F] [--json] [-o KEY=VALUE]...\n\n"
		"status lists what this host's limiter holds in state_dir: each window\n"
		"(API key, remote host, user, the host-wide verification budget) with\n"
		"its count, its limit and when it frees; the lockouts with their unlock\n"
		"time; and the issuer's own HTTP 429 recorded per endpoint.  API keys\n"
		"are shown as their first 7 and last 4 characters.\n\n"
		"reset clears the windows of one user (and the user's lockout), one API\n"
		"key ('-': read it from stdin), one remote host, or all of them, and\n"
		"says what it removed.  Only the owner of state_dir (root) may reset.\n"
		"The issuer's 429 is not cleared: the issuer keeps its own limit.\n\n"
		"  --user U     the windows and the lockout of local user U\n"
		"  --key K|-    the window of API key K ('-': stdin; never echoed)\n"
		"  --rhost H    the window of remote host H\n"
		"  --all        every window and lockout\n"
		"  --now EPOCH  the time to judge the windows at (tests)\n"
		"  --json       one JSON object\n\n"
		"Exit status: 0 done, 2 usage or configuration error (also: not the\n"
		"owner of state_dir), 3 the state cannot be read.\n");
}

struct rl_args {
	const char *user, *key, *rhost;
	bool all;
	int chosen;
	struct cli_opts *o;
};

static int
own_option(void *ctx, int opt, const char *arg)
{
	struct rl_args *a = ctx;

	switch (opt) {
	case OPT_NOW:
		if (cli_positive("ratelimit", "--now", "seconds since the epoch",
				 arg, &a->o->now) != 0)
			return -1;
		return 1;
	case OPT_USER:
		a->user = arg;
		break;
	case OPT_RL_KEY:
		a->key = arg;
		break;
	case OPT_RHOST:
		a->rhost = arg;
		break;
	case OPT_RL_ALL:
		a->all = true;
		break;
	default:
		return 0;
	}
	a->chosen++;
	return 1;
}

/*
 * Whether state_dir can be opened by this user: it exists (else *missing),
 * and it is ours.  The limiter refuses a directory of another owner
 * anyway; this says so in words an operator acts on.  EXIT_OK or
 * EXIT_USAGE (reported).
 */
static int
check_owner(const char *cmd, const char *dir, bool *missing)
{
	struct stat st;

	*missing = false;
	if (lstat(dir, &st) != 0) {
		if (errno == ENOENT) {
			*missing = true;
			return EXIT_OK;
		}
		return cli_usage_error(cmd, "state_dir %s: %s", dir,
				       strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return cli_usage_error(cmd,
				       "state_dir %s is a symlink or not a directory; refused",
				       dir);
	if (st.st_uid != geteuid())
		return cli_usage_error(cmd,
				       "state_dir %s belongs to uid %u: only its owner%s may %s the limiter's state",
				       dir, (unsigned)st.st_uid,
				       st.st_uid == 0 ? " (root)" : "",
				       strcmp(cmd, "ratelimit reset") == 0 ?
				       "reset" : "read");
	return EXIT_OK;
}

/* What an entry is about, as shown: never a whole key. */
static const char *
shown_key(const struct limit_entry *e)
{
	if (e->table == LIMIT_VERIFY)
		return "(host-wide)";
	if (e->table == LIMIT_APIKEY)
		/* The module always labels a key; without one, say so
		 * rather than show a digest nobody can match to a key. */
		return e->label != NULL && e->label[0] != '\0' &&
		       strcmp(e->label, e->key) != 0 ? e->label :
		       "(unlabelled key)";
	return e->label != NULL && e->label[0] != '\0' ? e->label : e->key;
}

/* The config option a table's rule comes from. */
static const char *
rule_option(enum limit_table t)
{
	switch (t) {
	case LIMIT_APIKEY:
		return "ratelimit_apikey";
	case LIMIT_RHOST:
		return "ratelimit_rhost";
	case LIMIT_USER:
		return "ratelimit_user";
	case LIMIT_VERIFY:
		return "ratelimit_verify";
	default:
		return "lockout_deny";
	}
}

struct collect {
	json_t *limits, *lockouts;
	/* reset: only these (table LIMIT__COUNT: any) */
	enum limit_table only[2];
	size_t nonly;
	const char *key;
	int64_t now;
};

static bool
wanted(const struct collect *c, const struct limit_entry *e)
{
	size_t i;

	if (c->nonly == 0)
		return true;
	for (i = 0; i < c->nonly; i++)
		if (c->only[i] == e->table &&
		    (c->key == NULL || strcmp(c->key, e->key) == 0))
			return true;
	return false;
}

static void
collect_entry(void *ctx, const struct limit_entry *e)
{
	struct collect *c = ctx;
	char shown[LIMIT_KEY_MAX * 4 + 1], id[LIMIT_KEY_MAX * 4 + 1];
	int64_t frees;
	json_t *j;

	if (!wanted(c, e))
		return;
	/*
	 * Hosts and users come from whoever logs in: escaped once here, so
	 * the text cannot carry control characters and JSON never meets
	 * invalid UTF-8 (which jansson would refuse, losing the entry).
	 */
	kinde_escape(shown_key(e), shown, sizeof(shown));
	kinde_escape(e->key, id, sizeof(id));
	/* When a slot frees: at retry_at when at the limit, else when the
	 * oldest attempt leaves the window. */
	frees = e->retry_at > 0 ? e->retry_at : e->oldest + e->rule.seconds;
	if (e->table == LIMIT_FAIL) {
		j = json_pack("{s:s, s:i, s:i, s:i, s:b, s:I}",
			      "user", id, "failures", (int)e->count,
			      "deny", (int)e->rule.n, "interval",
			      (int)e->rule.seconds, "locked", e->retry_at > 0,
			      "unlock_at", (json_int_t)e->retry_at);
		if (j != NULL)
			json_array_append_new(c->lockouts, j);
		return;
	}
	j = json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:I, s:b, s:I}",
		      "table", limit_table_name(e->table), "option",
		      rule_option(e->table), "key", shown, "count",
		      (int)e->count, "limit", (int)e->rule.n, "seconds",
		      (int)e->rule.seconds, "oldest", (json_int_t)e->oldest,
		      "limited", e->retry_at > 0, "frees_at",
		      (json_int_t)frees);
	if (j == NULL)
		return;
	/* A host or user is no secret; an API key's digest is kept out so
	 * nothing but the label ever stands for a key. */
	if (e->table == LIMIT_RHOST || e->table == LIMIT_USER)
		json_object_set_new(j, "id", json_string(id));
	json_array_append_new(c->limits, j);
}

static void
print_when(int64_t t, int64_t now)
{
	char when[40], rel[40];

	kinde_fmt_utc(t, when, sizeof(when));
	kinde_fmt_relative(t, now, rel, sizeof(rel));
	printf("%s (%s)", when, rel);
}

static void
print_limits(const json_t *limits, int64_t now, bool quiet_empty)
{
	const json_t *e;
	size_t i;
	char win[48];

	if (json_array_size(limits) == 0) {
		if (!quiet_empty)
			printf("Windows: none in force.\n");
		return;
	}
	printf("Windows:\n  %-7s %-28s %-13s %s\n", "TABLE", "KEY", "COUNT",
	       "FREES");
	json_array_foreach(limits, i, e) {
		kinde_fmt(win, sizeof(win), "%d/%d in %ds",
			  (int)json_integer_value(json_object_get(e, "count")),
			  (int)json_integer_value(json_object_get(e, "limit")),
			  (int)json_integer_value(json_object_get(e, "seconds")));
		/* Escaped already (collect_entry). */
		printf("  %-7s %-28s %-13s ",
		       json_string_value(json_object_get(e, "table")),
		       json_string_value(json_object_get(e, "key")), win);
		if (json_is_true(json_object_get(e, "limited")))
			printf("LIMITED until ");
		else
			printf("a slot at ");
		print_when(json_integer_value(json_object_get(e, "frees_at")),
			   now);
		printf("\n");
	}
}

static void
print_lockouts(const json_t *lockouts, int64_t now, bool quiet_empty)
{
	const json_t *e;
	size_t i;

	if (json_array_size(lockouts) == 0) {
		if (!quiet_empty)
			printf("Lockouts: none.\n");
		return;
	}
	printf("Lockouts:\n");
	json_array_foreach(lockouts, i, e) {
		printf("  %-16s %d/%d failures in %ds",
		       json_string_value(json_object_get(e, "user")),
		       (int)json_integer_value(json_object_get(e, "failures")),
		       (int)json_integer_value(json_object_get(e, "deny")),
		       (int)json_integer_value(json_object_get(e, "interval")));
		if (json_is_true(json_object_get(e, "locked"))) {
			printf(", LOCKED until ");
			print_when(json_integer_value(json_object_get(e,
							"unlock_at")), now);
		}
		printf("\n");
	}
}

static void
collect_issuer(void *ctx, const struct ratelimit_window *w)
{
	json_t *j = json_pack("{s:s, s:s, s:I}", "endpoint", w->endpoint,
			      "url", w->url, "until", (json_int_t)w->until);

	if (j != NULL)
		json_array_append_new(ctx, j);
}

/*
 * The issuer's 429 recorded in cache_dir for this configuration's origin
 * (kinde_issuer_ratelimits).  Not a reason to fail the command: the limiter's
 * state is what it is for; a cache it cannot open is said on stderr.
 */
static void
list_issuer(const kinde_config_t *cfg, int64_t now, json_t *out)
{
	const char *dir = kinde_config_cache_dir(cfg);
	struct stat st;
	char err[512];

	/* None yet: nothing recorded, and status creates nothing. */
	if (dir == NULL || lstat(dir, &st) != 0)
		return;
	if (kinde_issuer_ratelimits(cfg, now, collect_issuer, out, err,
				    sizeof(err)) != KINDE_OK)
		fprintf(stderr, PROG ": ratelimit status: the issuer's 429 is not shown: %s\n",
			err);
}

static void
print_issuer(const json_t *issuer, int64_t now)
{
	const json_t *e;
	size_t i;

	if (json_array_size(issuer) == 0) {
		printf("Issuer 429: none recorded.\n");
		return;
	}
	printf("Issuer 429 (every process of this host waits; only time lifts it):\n");
	json_array_foreach(issuer, i, e) {
		printf("  %-13s %s until ",
		       json_string_value(json_object_get(e, "endpoint")),
		       json_string_value(json_object_get(e, "url")));
		print_when(json_integer_value(json_object_get(e, "until")),
			   now);
		printf("\n");
	}
}

/*
 * Opens the limiter for cmd after the owner check.  *l stays NULL when
 * state_dir does not exist yet (nothing is in force).  EXIT_OK, or the
 * exit code (reported).
 */
static int
open_state(const char *cmd, kinde_config_t *cfg, struct limiter **l)
{
	const char *dir = kinde_config_state_dir(cfg);
	bool missing;
	kinde_err_t err;
	int rc;

	*l = NULL;
	rc = check_owner(cmd, dir, &missing);
	if (rc != EXIT_OK || missing)
		return rc;
	err = limiter_open(cfg, l);
	if (err == KINDE_OK)
		return EXIT_OK;
	/* The detail went to the config's log (stderr). */
	fprintf(stderr, PROG ": %s: state_dir %s: %s\n", cmd, dir,
		kinde_strerror(err));
	return err == KINDE_E_UNSAFE || err == KINDE_E_CONFIG ? EXIT_USAGE :
	       EXIT_UNAVAILABLE;
}

static int
do_status(kinde_config_t *cfg, const struct cli_opts *o)
{
	int64_t now = o->now ? (int64_t)o->now : (int64_t)time(NULL);
	struct collect c = { .now = now };
	struct limiter *l = NULL;
	json_t *out = NULL, *issuer;
	kinde_err_t err;
	int rc;

	c.limits = json_array();
	c.lockouts = json_array();
	issuer = json_array();
	if (c.limits == NULL || c.lockouts == NULL || issuer == NULL) {
		rc = cli_usage_error("ratelimit status", "out of memory");
		goto out;
	}
	rc = open_state("ratelimit status", cfg, &l);
	if (rc != EXIT_OK)
		goto out;
	if (l != NULL) {
		err = limiter_list(l, now, collect_entry, &c);
		if (err != KINDE_OK) {
			fprintf(stderr, PROG ": ratelimit status: %s\n",
				kinde_strerror(err));
			rc = cli_exit_for(err);
			goto out;
		}
	}
	list_issuer(cfg, now, issuer);
	if (o->json) {
		out = json_pack("{s:s, s:b, s:I, s:O, s:O, s:O}", "state_dir",
				kinde_config_state_dir(cfg), "state_exists", l != NULL,
				"now", (json_int_t)now, "limits", c.limits,
				"lockouts", c.lockouts, "issuer", issuer);
		if (out == NULL) {
			rc = cli_usage_error("ratelimit status",
					     "out of memory");
			goto out;
		}
		cli_print_json(out);
		goto out;
	}
	printf("State: %s%s\n", kinde_config_state_dir(cfg),
	       l == NULL ? " (does not exist yet: nothing counted)" : "");
	print_limits(c.limits, now, false);
	print_lockouts(c.lockouts, now, false);
	print_issuer(issuer, now);
out:
	json_decref(out);
	json_decref(c.limits);
	json_decref(c.lockouts);
	json_decref(issuer);
	limiter_free(l);
	return rc;
}

/* One table's (and key's) entries: listed, then removed, then said. */
static int
reset_one(struct limiter *l, struct collect *c, enum limit_table t,
	  const char *key, unsigned *removed)
{
	unsigned n = 0;
	kinde_err_t err;

	c->nonly = 0;
	if (t != LIMIT__COUNT)
		c->only[c->nonly++] = t;
	c->key = key;
	err = limiter_list(l, c->now, collect_entry, c);
	if (err == KINDE_OK)
		err = limiter_reset(l, t, key, &n);
	if (err != KINDE_OK) {
		fprintf(stderr, PROG ": ratelimit reset: %s\n",
			kinde_strerror(err));
		return cli_exit_for(err);
	}
	*removed += n;
	return EXIT_OK;
}

static int
do_reset(kinde_config_t *cfg, const struct cli_opts *o,
	 const struct rl_args *a)
{
	struct collect c = { .now = o->now ? (int64_t)o->now :
					  (int64_t)time(NULL) };
	struct limiter *l = NULL;
	char digest[65] = "", shown[64], what[LIMIT_KEY_MAX + 32];
	char *key = NULL;
	unsigned removed = 0, listed;
	json_t *out = NULL;
	int rc;

	c.limits = json_array();
	c.lockouts = json_array();
	if (c.limits == NULL || c.lockouts == NULL) {
		rc = cli_usage_error("ratelimit reset", "out of memory");
		goto out;
	}
	if (a->key != NULL) {
		rc = cli_read_secret(a->key, &key);
		if (rc != EXIT_OK)
			goto out;
		if (key[0] == '\0') {
			rc = cli_usage_error("ratelimit reset",
					     "--key: the API key is empty");
			goto out;
		}
		/* The module's own digest: the same key finds the same
		 * window. */
		limiter_digest(key, digest);
		kinde_redact(key, shown, sizeof(shown));
		kinde_fmt(what, sizeof(what), "API key %s", shown);
	} else if (a->user != NULL) {
		kinde_fmt(what, sizeof(what), "user %s", a->user);
	} else if (a->rhost != NULL) {
		kinde_fmt(what, sizeof(what), "remote host %s", a->rhost);
	} else {
		kinde_fmt(what, sizeof(what), "everything");
	}
	rc = open_state("ratelimit reset", cfg, &l);
	if (rc != EXIT_OK || l == NULL)
		goto report;
	if (a->key != NULL)
		rc = reset_one(l, &c, LIMIT_APIKEY, digest, &removed);
	else if (a->rhost != NULL)
		rc = reset_one(l, &c, LIMIT_RHOST, a->rhost, &removed);
	else if (a->user != NULL) {
		rc = reset_one(l, &c, LIMIT_USER, a->user, &removed);
		if (rc == EXIT_OK)
			rc = reset_one(l, &c, LIMIT_FAIL, a->user, &removed);
	} else
		rc = reset_one(l, &c, LIMIT__COUNT, NULL, &removed);
report:
	if (rc != EXIT_OK)
		goto out;
	if (o->json) {
		out = json_pack("{s:s, s:s, s:i, s:O, s:O}", "state_dir",
				kinde_config_state_dir(cfg), "target", what, "removed",
				(int)removed, "limits", c.limits, "lockouts",
				c.lockouts);
		if (out != NULL)
			cli_print_json(out);
		goto out;
	}
	if (removed == 0) {
		printf("Nothing to remove for %s%s.\n", what,
		       l == NULL ? " (state_dir does not exist yet)" : "");
		goto out;
	}
	printf("Removed for %s (%s):\n", what, kinde_config_state_dir(cfg));
	print_limits(c.limits, c.now, true);
	print_lockouts(c.lockouts, c.now, true);
	listed = (unsigned)(json_array_size(c.limits) +
			    json_array_size(c.lockouts));
	printf("%u entr%s removed", removed, removed == 1 ? "y" : "ies");
	if (removed > listed)
		printf(" (%u with no attempt left in its window)",
		       removed - listed);
	printf(".\n");
out:
	if (key != NULL)
		kinde_free_secret(key);
	kinde_wipe(digest, sizeof(digest));
	json_decref(out);
	json_decref(c.limits);
	json_decref(c.lockouts);
	limiter_free(l);
	return rc;
}

int
cmd_ratelimit(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "user", required_argument, NULL, OPT_USER },
		{ "key", required_argument, NULL, OPT_RL_KEY },
		{ "rhost", required_argument, NULL, OPT_RHOST },
		{ "all", no_argument, NULL, OPT_RL_ALL },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "json", no_argument, NULL, OPT_JSON },
		CLI_BASE_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static char name[64];
	struct cli_opts o = { 0 };
	struct rl_args a = { .o = &o };
	kinde_config_t *cfg = NULL;
	bool reset;
	int rc;

	if (argc < 2 || (strcmp(argv[1], "status") != 0 &&
			 strcmp(argv[1], "reset") != 0)) {
		if (argc >= 2 && (strcmp(argv[1], "--help") == 0 ||
				  strcmp(argv[1], "-h") == 0)) {
			usage(stdout);
			return EXIT_OK;
		}
		if (argc >= 2)
			cli_usage_error("ratelimit", "unknown action \"%s\"",
					argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	reset = strcmp(argv[1], "reset") == 0;
	/* getopt names the program after argv[0]. */
	kinde_fmt(name, sizeof(name), "%s %s", argv[0], argv[1]);
	argv[1] = name;
	argc--;
	argv++;
	rc = cli_parse(argc, argv, longopts, 0, &o, own_option, &a, usage);
	if (rc >= 0)
		return rc;
	if (!reset && a.chosen > 0)
		return cli_usage_error("ratelimit status",
				       "--user, --key, --rhost and --all are for reset");
	if (reset && a.chosen != 1)
		return cli_usage_error("ratelimit reset",
				       "name exactly one of --user U, --key K|-, --rhost H, --all");
	rc = cli_build_config(&o, &cfg, false);
	if (rc != EXIT_OK)
		return rc;
	rc = reset ? do_reset(cfg, &o, &a) : do_status(cfg, &o);
	kinde_config_free(cfg);
	return rc;
}
