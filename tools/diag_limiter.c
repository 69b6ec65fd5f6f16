/*
 * diag_limiter.c - diagnose's view of this host's own limiter
 * (lib/limiter.h): whether state_dir is usable, which windows are at
 * their limit and which users are locked out.  The issuer's 429 is a
 * different thing with a different fix (diag_issuer.c): both are the
 * guide's class rate-limited, each is its own finding.
 */
#include "kinde-build.h"

#include "diag.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* At most this many findings for windows at their limit; the rest are
 * counted in one more (a flood from many hosts would bury the report). */
#define MAX_HIT_FINDINGS 8

struct captured {
	char lines[4][256];
	int n;
};

static void
capture_log(void *ctx, int priority, const char *msg)
{
	struct captured *c = ctx;

	if (priority <= LOG_WARNING && c->n < 4)
		kinde_fmt(c->lines[c->n++], sizeof(c->lines[0]), "%s", msg);
}

static bool
limiter_on(const kinde_config_t *cfg)
{
	return cfg->ratelimit_apikey.n > 0 || cfg->ratelimit_rhost.n > 0 ||
	       cfg->ratelimit_user.n > 0 || cfg->ratelimit_verify.n > 0 ||
	       cfg->lockout_deny > 0;
}

static const char *const unusable_symptom =
	"logins the limiter counts (API keys, device logins; every login when ratelimit_user or the lockout is on) fail closed with PAM_SERVICE_ERR";

/*
 * The directory as the module will judge it: ours, a real directory, not
 * writable by others.  true when the limiter may be opened.
 */
static bool
check_state_dir(struct diag *d)
{
	const char *dir = d->cfg->state_dir ? d->cfg->state_dir :
			  KINDE_STATE_DIR;
	struct stat st;

	if (!limiter_on(d->cfg)) {
		diag_add(d, DC_STATE_DIR, "state-dir", DIAG_SKIP, NULL,
			 "every ratelimit_* is off and lockout_deny = 0: the limiter keeps no state",
			 NULL, "%s: not used", dir);
		return false;
	}
	if (lstat(dir, &st) != 0) {
		char parent[4096], *slash;

		kinde_fmt(parent, sizeof(parent), "%s", dir);
		slash = strrchr(parent, '/');
		if (slash != NULL && slash != parent)
			*slash = '\0';
		if (errno == ENOENT && stat(parent, &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			diag_add(d, DC_STATE_DIR, "state-dir", DIAG_PASS, NULL,
				 "the module creates it (0700) at the first login it counts",
				 NULL, "%s: does not exist yet", dir);
			return false;
		}
		diag_add(d, DC_STATE_DIR, "state-dir", DIAG_FAIL,
			 unusable_symptom,
			 "the state directory cannot be created or read",
			 "install -d -m 700 -o root -g root DIR (make install creates it)",
			 "%s: %s", dir, strerror(errno));
		return false;
	}
	if (S_ISLNK(st.st_mode) || !S_ISDIR(st.st_mode)) {
		diag_add(d, DC_STATE_DIR, "state-dir", DIAG_FAIL,
			 unusable_symptom,
			 "state_dir is a symlink or not a directory: whoever controls the link would control the counts, so it is refused",
			 "rm it and install -d -m 700 -o root -g root DIR",
			 "%s: %s", dir, S_ISLNK(st.st_mode) ? "a symlink" :
			 "not a directory");
		return false;
	}
	if (st.st_uid != geteuid() && geteuid() != 0 && st.st_uid == 0) {
		/* The module runs as root: this user merely cannot look. */
		diag_add(d, DC_STATE_DIR, "state-dir", DIAG_SKIP, NULL,
			 "owned by root, as the module wants: run diagnose as root to read the limiter's state",
			 NULL, "%s: owner uid 0, mode %04o", dir,
			 (unsigned)(st.st_mode & 07777));
		return false;
	}
	if (st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		diag_add(d, DC_STATE_DIR, "state-dir", DIAG_FAIL,
			 unusable_symptom,
			 st.st_uid != geteuid() ?
			 "state_dir belongs to another user: its owner could lift any limit or lockout, so it is refused" :
			 "state_dir is writable by group or others: anyone could reset the counts, so it is refused",
			 "chown root:root DIR && chmod 700 DIR",
			 "%s: owner uid %u, mode %04o (want uid %u, not group/other writable)",
			 dir, (unsigned)st.st_uid,
			 (unsigned)(st.st_mode & 07777), (unsigned)geteuid());
		return false;
	}
	return true;
}

/* An entry in force, copied out of the listing: the findings follow
 * the state-dir ones, which the listing itself may produce. */
struct saved {
	struct limit_entry e;
	char key[LIMIT_KEY_MAX + 1];
	char label[LIMIT_KEY_MAX + 1];
};

struct hits {
	struct diag *d;
	int64_t now;
	unsigned counted, limited, locked, shown;
	struct saved s[MAX_HIT_FINDINGS];
};

static void
hit_finding(struct hits *h, const struct limit_entry *e)
{
	char when[40], rel[40], who[LIMIT_KEY_MAX * 4 + 32];
	char symptom[LIMIT_KEY_MAX * 4 + 160], fix[LIMIT_KEY_MAX * 4 + 160];
	const char *label = e->label && e->label[0] ? e->label : e->key;
	const char *opt = "", *flag = "", *arg = "";
	char esc[LIMIT_KEY_MAX * 4 + 1];

	/* Never the digest alone: the label is what people know. */
	if (e->table == LIMIT_APIKEY &&
	    (e->label == NULL || strcmp(e->label, e->key) == 0))
		label = "(unlabelled key)";
	/* A user name or host comes from whoever logs in: shown escaped. */
	kinde_escape(label, esc, sizeof(esc));
	label = esc;
	kinde_fmt_utc(e->retry_at, when, sizeof(when));
	kinde_fmt_relative(e->retry_at, h->now, rel, sizeof(rel));
	switch (e->table) {
	case LIMIT_APIKEY:
		kinde_fmt(who, sizeof(who), "API key %s", label);
		kinde_fmt(symptom, sizeof(symptom),
			  "logins with API key %s are refused (reason=rate-limited) without asking the issuer",
			  label);
		opt = "ratelimit_apikey";
		flag = "--key";
		arg = "- (the key on stdin)";
		break;
	case LIMIT_RHOST:
		kinde_fmt(who, sizeof(who), "remote host %s", label);
		kinde_fmt(symptom, sizeof(symptom),
			  "API-key and device logins from %s are refused (reason=rate-limited)",
			  label);
		opt = "ratelimit_rhost";
		flag = "--rhost";
		arg = label;
		break;
	case LIMIT_USER:
		kinde_fmt(who, sizeof(who), "user %s", label);
		kinde_fmt(symptom, sizeof(symptom),
			  "every login of %s is refused (reason=rate-limited)",
			  label);
		opt = "ratelimit_user";
		flag = "--user";
		arg = label;
		break;
	case LIMIT_VERIFY:
		kinde_fmt(who, sizeof(who), "every API-key verification");
		kinde_fmt(symptom, sizeof(symptom),
			  "every API-key login of this host is refused (reason=rate-limited): the host-wide verification budget is spent");
		opt = "ratelimit_verify";
		flag = "--all";
		break;
	default:
		return;
	}
	kinde_fmt(fix, sizeof(fix),
		  "wait until %s, or clear it: kinde-auth ratelimit reset %s%s%s once the attempts are known to be legitimate%s",
		  when, flag, arg[0] ? " " : "", arg,
		  e->table == LIMIT_RHOST ?
		  " (block the host if it is guessing keys)" :
		  e->table == LIMIT_VERIFY ?
		  "; keep ratelimit_verify below the issuer's own limit" : "");
	diag_add(h->d, DC_RATE_LIMITED, "host-limiter", DIAG_FAIL, symptom,
		 "this host's own limiter (not the issuer) counted as many attempts as the rule allows in its window",
		 fix, "this host's limiter refuses %s until %s, %s (%s %ld/%ld: %u attempts in the window)",
		 who, when, rel, opt, e->rule.n, e->rule.seconds, e->count);
}

static void
lock_finding(struct hits *h, const struct limit_entry *e)
{
	char when[40], rel[40], symptom[LIMIT_KEY_MAX * 4 + 80];
	char fix[LIMIT_KEY_MAX * 4 + 160], user[LIMIT_KEY_MAX * 4 + 1];

	kinde_escape(e->key, user, sizeof(user));
	kinde_fmt_utc(e->retry_at, when, sizeof(when));
	kinde_fmt_relative(e->retry_at, h->now, rel, sizeof(rel));
	kinde_fmt(symptom, sizeof(symptom),
		  "%s cannot log in by any method until %s (reason=rate-limited, no network request)",
		  user, when);
	kinde_fmt(fix, sizeof(fix),
		  "wait until %s, or unlock: kinde-auth ratelimit reset --user %s once the failures are known to be the user's own",
		  when, user);
	diag_add(h->d, DC_RATE_LIMITED, "lockout", DIAG_FAIL, symptom,
		 "the lockout: lockout_deny failures within lockout_interval lock the user for lockout_unlock_time",
		 fix, "user %s locked until %s, %s (%u failures, lockout_deny %ld within %lds)",
		 user, when, rel, e->count, e->rule.n, e->rule.seconds);
}

static void
on_entry(void *ctx, const struct limit_entry *e)
{
	struct hits *h = ctx;
	struct saved *sv;

	h->counted++;
	if (e->retry_at <= h->now)
		return;
	if (e->table == LIMIT_FAIL)
		h->locked++;
	else
		h->limited++;
	if (h->shown >= MAX_HIT_FINDINGS) {
		h->shown++;
		return;
	}
	sv = &h->s[h->shown++];
	sv->e = *e;
	kinde_fmt(sv->key, sizeof(sv->key), "%s", e->key);
	kinde_fmt(sv->label, sizeof(sv->label), "%s",
		  e->label ? e->label : "");
	sv->e.key = sv->key;
	sv->e.label = sv->label;
}

void
diag_limiter(struct diag *d)
{
	struct captured cap = { .n = 0 };
	static struct hits h;
	struct limiter *l = NULL;
	const char *dir = d->cfg->state_dir ? d->cfg->state_dir :
			  KINDE_STATE_DIR;
	kinde_err_t rc;
	unsigned i;
	int k;

	memset(&h, 0, sizeof(h));
	h.d = d;
	h.now = (int64_t)time(NULL);
	if (!check_state_dir(d))
		return;
	kinde_config_set_log(d->cfg, capture_log, &cap);
	rc = limiter_open(d->cfg, &l);
	if (rc == KINDE_OK)
		rc = limiter_list(l, h.now, on_entry, &h);
	kinde_config_set_log(d->cfg, NULL, NULL);
	if (rc != KINDE_OK) {
		diag_add(d, DC_STATE_DIR, "state-dir", DIAG_FAIL,
			 unusable_symptom,
			 "the limiter cannot use its state directory",
			 "install -d -m 700 -o root -g root DIR; see the message",
			 "%s: %s", dir, cap.n ? cap.lines[0] : kinde_strerror(rc));
		goto out;
	}
	/* A state file the limiter had to set aside is worth knowing. */
	for (k = 0; k < cap.n; k++)
		diag_add(d, DC_STATE_DIR, "state-file", DIAG_FAIL,
			 "the counts it held are lost: limits and lockouts start again from zero",
			 "a state file was truncated, corrupt, of another version or not owned by this user with mode 0600; the limiter rebuilt it empty",
			 "nothing to do if it happened once (a crash, a full disk); if it recurs, find who writes state_dir",
			 "%s", cap.lines[k]);
	if (cap.n == 0) {
		struct stat st;

		stat(dir, &st);
		diag_add(d, DC_STATE_DIR, "state-dir", DIAG_PASS, NULL, NULL,
			 NULL, "%s: owner uid %u, mode %04o", dir,
			 (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	}
	for (i = 0; i < h.shown && i < MAX_HIT_FINDINGS; i++) {
		if (h.s[i].e.table == LIMIT_FAIL)
			lock_finding(&h, &h.s[i].e);
		else
			hit_finding(&h, &h.s[i].e);
	}
	if (h.shown > MAX_HIT_FINDINGS)
		diag_add(d, DC_RATE_LIMITED, "host-limiter", DIAG_FAIL,
			 "many keys, hosts or users are refused at once",
			 "more windows are at their limit than shown: an attack from many sources, or limits set too low",
			 "kinde-auth ratelimit status lists them all",
			 "%u more window%s at the limit or users locked",
			 h.shown - MAX_HIT_FINDINGS,
			 h.shown - MAX_HIT_FINDINGS == 1 ? "" : "s");
	if (h.limited == 0 && h.locked == 0)
		diag_add(d, DC_RATE_LIMITED, "host-limiter", DIAG_PASS, NULL,
			 NULL, NULL,
			 "this host's limiter refuses nothing (%u window%s counting, no user locked)",
			 h.counted, h.counted == 1 ? "" : "s");
out:
	limiter_free(l);
}
