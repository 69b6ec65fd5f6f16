/*
 * test_limiter.c - the host-wide limiter and lockout (lib/limiter.c):
 * exact windows on an injected clock, all-or-none takes, many processes
 * at once, state files that are corrupt, truncated or not ours, lockout,
 * reset and listing.
 */
#include "kinde-build.h"

#include "config.h"
#include "limiter.h"
#include "tap.h"
#include "testlog.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char top[] = "/tmp/test_limiter_XXXXXX";

static kinde_config_t *
cfg_with(const char *sub, const char *const *kv)
{
	kinde_config_t *cfg = kinde_config_new();
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", top, sub);
	if (cfg == NULL || kinde_config_set(cfg, "state_dir", path))
		abort();
	for (; kv != NULL && kv[0] != NULL; kv += 2)
		if (kinde_config_set(cfg, kv[0], kv[1]) != KINDE_OK)
			abort();
	kinde_config_set_log(cfg, testlog_capture, NULL);
	return cfg;
}

static kinde_err_t
take1(struct kinde_limiter *l, enum kinde_limit_table t, const char *key,
      int64_t now, struct kinde_limit_hit *hit)
{
	struct kinde_limit_key k = { t, key, NULL };

	return kinde_limiter_take(l, &k, 1, now, hit);
}

static void
test_window(void)
{
	static const char *const kv[] = { "ratelimit_rhost", "3/60", NULL };
	kinde_config_t *cfg = cfg_with("w", kv);
	struct kinde_limiter *l = NULL;
	struct kinde_limit_hit hit;
	struct stat st;
	char path[300];
	int i;

	is_int(kinde_limiter_open(cfg, &l), KINDE_OK,
	       "a missing state_dir is made");
	snprintf(path, sizeof(path), "%s/w", top);
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0700,
	   "  with mode 0700");
	for (i = 0; i < 3; i++)
		is_int(take1(l, KINDE_LIMIT_RHOST, "203.0.113.9", 1000 + i,
			     &hit),
		       KINDE_OK, "attempt %d of 3 within the window passes",
		       i + 1);
	snprintf(path, sizeof(path), "%s/w/limit-rhost", top);
	ok(stat(path, &st) == 0 && (st.st_mode & 07777) == 0600,
	   "the state file is 0600");
	is_int(take1(l, KINDE_LIMIT_RHOST, "203.0.113.9", 1030, &hit),
	       KINDE_E_RATELIMITED, "attempt N+1 within the window is refused");
	is_int(hit.table, KINDE_LIMIT_RHOST, "  the hit names the table");
	ok(hit.rule.n == 3 && hit.rule.seconds == 60, "  and its rule");
	is_int(hit.retry_at, 1060, "  and when the oldest attempt leaves");
	is_int(take1(l, KINDE_LIMIT_RHOST, "198.51.100.1", 1030, &hit),
	       KINDE_OK, "another host is not limited");
	is_int(take1(l, KINDE_LIMIT_RHOST, "203.0.113.9", 1059, &hit),
	       KINDE_E_RATELIMITED, "still refused one second before");
	is_int(take1(l, KINDE_LIMIT_RHOST, "203.0.113.9", 1060, &hit), KINDE_OK,
	       "free again when the window has passed the first attempt");
	is_int(take1(l, KINDE_LIMIT_RHOST, "203.0.113.9", 1060, &hit),
	       KINDE_E_RATELIMITED, "  for one attempt only (sliding)");
	is_int(hit.retry_at, 1061, "  the next frees at 1061");
	is_int(take1(l, KINDE_LIMIT_USER, "alice", 1060, &hit), KINDE_OK,
	       "a table that is off never refuses");
	kinde_limiter_free(l);
	kinde_config_free(cfg);
}

static void
test_all_or_none(void)
{
	static const char *const kv[] = { "ratelimit_rhost", "2/60",
					  "ratelimit_apikey", "5/60", NULL };
	kinde_config_t *cfg = cfg_with("a", kv);
	struct kinde_limiter *l = NULL;
	struct kinde_limit_hit hit;
	struct kinde_limit_key k[2] = { { KINDE_LIMIT_APIKEY, "k1",
					  "kp_1234…abcd" },
					{ KINDE_LIMIT_RHOST, "h", NULL } };

	kinde_limiter_open(cfg, &l);
	is_int(kinde_limiter_take(l, k, 2, 100, &hit), KINDE_OK,
	       "take two tables");
	is_int(kinde_limiter_take(l, k, 2, 101, &hit), KINDE_OK, "  again");
	is_int(kinde_limiter_take(l, k, 2, 102, &hit), KINDE_E_RATELIMITED,
	       "the host is at its limit");
	is_int(hit.table, KINDE_LIMIT_RHOST, "  the hit is the host's");
	k[1].key = "other";
	is_int(kinde_limiter_take(l, k, 2, 103, &hit), KINDE_OK,
	       "from another host the key passes");
	is_int(kinde_limiter_take(l, k, 2, 104, &hit), KINDE_OK, "  a 4th");
	is_int(kinde_limiter_take(l, k, 2, 105, &hit), KINDE_E_RATELIMITED,
	       "the host is full again");
	is_int(take1(l, KINDE_LIMIT_APIKEY, "k1", 106, &hit), KINDE_OK,
	       "the refused take counted nothing under the key (5th passes)");
	is_int(take1(l, KINDE_LIMIT_APIKEY, "k1", 107, &hit),
	       KINDE_E_RATELIMITED, "  and the 6th is refused");
	kinde_limiter_free(l);
	kinde_config_free(cfg);
}

/* 20 processes at once on one key: never more than N pass. */
static void
test_processes(void)
{
	static const char *const kv[] = { "ratelimit_apikey", "7/3600", NULL };
	kinde_config_t *cfg = cfg_with("p", kv);
	struct kinde_limiter *l = NULL;
	int i, passed = 0, status, fds[2];
	pid_t pids[20];
	char go;

	kinde_limiter_open(cfg, &l);
	kinde_limiter_free(l);
	if (pipe(fds) != 0)
		abort();
	for (i = 0; i < 20; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct kinde_limit_hit hit;
			kinde_err_t rc;
			int j, n = 0;

			close(fds[1]);
			/* All start together when the pipe closes. */
			if (read(fds[0], &go, 1) < 0)
				_exit(99);
			for (j = 0; j < 3; j++) {
				l = NULL;
				if (kinde_limiter_open(cfg, &l) != KINDE_OK)
					_exit(98);
				rc = take1(l, KINDE_LIMIT_APIKEY, "hammered",
					   5000, &hit);
				kinde_limiter_free(l);
				if (rc == KINDE_OK)
					n++;
				else if (rc != KINDE_E_RATELIMITED)
					_exit(97);
			}
			_exit(n);
		}
	}
	close(fds[0]);
	close(fds[1]);
	for (i = 0; i < 20; i++) {
		if (waitpid(pids[i], &status, 0) == pids[i] &&
		    WIFEXITED(status) && WEXITSTATUS(status) <= 3)
			passed += WEXITSTATUS(status);
		else
			passed += 1000;
	}
	is_int(passed, 7, "20 processes x 3 attempts on one key: exactly 7 pass");
	kinde_config_free(cfg);
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd;

	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		abort();
	fchmod(fd, mode);
	close(fd);
}

/* Fills the table file with junk of some kind, then checks a take. */
static void
check_rebuilt(const char *what, const char *text, mode_t mode, uid_t uid)
{
	static const char *const kv[] = { "ratelimit_rhost", "1/60", NULL };
	kinde_config_t *cfg = cfg_with("c", kv);
	struct kinde_limiter *l = NULL;
	struct kinde_limit_hit hit;
	struct stat st;
	char path[300];

	kinde_limiter_open(cfg, &l);
	snprintf(path, sizeof(path), "%s/c/limit-rhost", top);
	if (text != NULL) {
		write_file(path, text, mode);
		if (uid != (uid_t)-1 && chown(path, uid, uid) != 0)
			abort();
	}
	logs_clear();
	is_int(take1(l, KINDE_LIMIT_RHOST, "h", 100, &hit), KINDE_OK,
	       "%s: a take works", what);
	ok(logs_matching("rebuilt empty") == 1, "  and it is logged");
	ok(stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	   st.st_uid == geteuid() && (st.st_mode & 07777) == 0600,
	   "  the file is ours and 0600 again");
	is_int(take1(l, KINDE_LIMIT_RHOST, "h", 101, &hit), KINDE_E_RATELIMITED,
	       "  and the rebuilt file counts");
	ok(logs_matching("rebuilt empty") == 1, "  without a second warning");
	kinde_limiter_free(l);
	kinde_config_free(cfg);
}

static void
test_corrupt(void)
{
	static const char *const kv[] = { "ratelimit_rhost", "1/60", NULL };
	kinde_config_t *cfg = cfg_with("c", kv);
	struct kinde_limiter *l = NULL;
	struct kinde_limit_hit hit;
	char path[300], buf[4096], target[300];
	ssize_t n;
	int fd;

	check_rebuilt("garbage", "not json at all", 0600, (uid_t)-1);
	check_rebuilt("another version",
		      "{\"version\":9,\"table\":\"rhost\"}\n[]", 0600,
		      (uid_t)-1);
	check_rebuilt("another table's file",
		      "{\"version\":1,\"table\":\"user\"}\n[]", 0600,
		      (uid_t)-1);
	check_rebuilt("an entry of the wrong shape",
		      "{\"version\":1,\"table\":\"rhost\"}\n[[\"h\",1,2,[3]]]",
		      0600, (uid_t)-1);
	check_rebuilt("stamps out of order",
		      "{\"version\":1,\"table\":\"rhost\"}\n[[\"h\",\"\",2,[9,3]]]",
		      0600, (uid_t)-1);
	check_rebuilt("group-writable",
		      "{\"version\":1,\"table\":\"rhost\"}\n[[\"x\",\"\",99,[99]]]",
		      0620, (uid_t)-1);

	/* Truncated: a valid file cut in the middle. */
	kinde_limiter_open(cfg, &l);
	take1(l, KINDE_LIMIT_RHOST, "a-host-with-a-long-name.example", 50,
	      &hit);
	snprintf(path, sizeof(path), "%s/c/limit-rhost", top);
	fd = open(path, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	ok(n > 20, "a state file was written (%zd bytes)", n);
	buf[n > 0 ? n / 2 + 5 : 0] = '\0';
	kinde_limiter_free(l);
	kinde_config_free(cfg);
	check_rebuilt("truncated", buf, 0600, (uid_t)-1);

	if (geteuid() == 0) {
		check_rebuilt("owned by another user",
			      "{\"version\":1,\"table\":\"rhost\"}\n[[\"h\",\"\",99,[99]]]",
			      0600, 65534);
	} else {
		skip("needs root");
		skip("needs root");
		skip("needs root");
		skip("needs root");
		skip("needs root");
	}

	/* A symlink planted in place of the file: replaced, not followed. */
	snprintf(target, sizeof(target), "%s/target", top);
	write_file(target, "keep", 0644);
	unlink(path);
	if (symlink(target, path) != 0)
		abort();
	check_rebuilt("a symlink", NULL, 0, (uid_t)-1);
	fd = open(target, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	ok(n == 4 && memcmp(buf, "keep", 4) == 0,
	   "  the symlink's target is untouched");

	/* A hard link to another file of ours (mode 0600): the table is
	 * rewritten in place, so it must not write through the link. */
	write_file(target, "keep", 0600);
	unlink(path);
	if (link(target, path) != 0)
		abort();
	check_rebuilt("a hard link", NULL, 0, (uid_t)-1);
	fd = open(target, O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	ok(n == 4 && memcmp(buf, "keep", 4) == 0,
	   "  the hard link's other name is untouched");
}

static void
test_unsafe_dir(void)
{
	kinde_config_t *cfg = cfg_with("u", NULL);
	struct kinde_limiter *l = NULL;
	char path[300];

	snprintf(path, sizeof(path), "%s/u", top);
	mkdir(path, 0700);
	chmod(path, 0770);
	logs_clear();
	is_int(kinde_limiter_open(cfg, &l), KINDE_E_UNSAFE,
	       "a group-writable state_dir is refused");
	ok(l == NULL && logs_matching("state_dir") == 1,
	   "  and the log names state_dir");
	kinde_config_free(cfg);
}

static void
test_lockout(void)
{
	static const char *const kv[] = { "lockout_deny", "3",
					  "lockout_interval", "60",
					  "lockout_unlock_time", "300", NULL };
	kinde_config_t *cfg = cfg_with("l", kv);
	struct kinde_limiter *l = NULL;
	struct kinde_limit_hit hit;

	kinde_limiter_open(cfg, &l);
	is_int(kinde_limiter_locked(l, "bob", 1000, &hit), KINDE_OK,
	       "no failures: not locked");
	kinde_limiter_fail(l, "bob", 1000);
	kinde_limiter_fail(l, "bob", 1010);
	is_int(kinde_limiter_locked(l, "bob", 1011, &hit), KINDE_OK,
	       "two failures of three: not locked");
	kinde_limiter_success(l, "bob");
	kinde_limiter_fail(l, "bob", 1020);
	is_int(kinde_limiter_locked(l, "bob", 1021, &hit), KINDE_OK,
	       "a success reset the count");
	kinde_limiter_fail(l, "bob", 1030);
	kinde_limiter_fail(l, "bob", 1040);
	is_int(kinde_limiter_locked(l, "bob", 1041, &hit), KINDE_E_RATELIMITED,
	       "three failures within the interval lock");
	ok(hit.table == KINDE_LIMIT_FAIL && hit.retry_at == 1340,
	   "  until unlock_time after the last failure (%lld)",
	   (long long)hit.retry_at);
	is_int(kinde_limiter_locked(l, "alice", 1041, &hit), KINDE_OK,
	       "  another user is not locked");
	is_int(kinde_limiter_locked(l, "bob", 1339, &hit), KINDE_E_RATELIMITED,
	       "  still locked past the interval (the lock outlives it)");
	is_int(kinde_limiter_locked(l, "bob", 1340, &hit), KINDE_OK,
	       "  unlocked at unlock_time");

	kinde_limiter_fail(l, "carol", 2000);
	kinde_limiter_fail(l, "carol", 2050);
	kinde_limiter_fail(l, "carol", 2100);
	is_int(kinde_limiter_locked(l, "carol", 2101, &hit), KINDE_OK,
	       "three failures spread over more than the interval: not locked");

	kinde_limiter_fail(l, "root", 3000);
	kinde_limiter_fail(l, "root", 3001);
	kinde_limiter_fail(l, "root", 3002);
	is_int(kinde_limiter_locked(l, "root", 3003, &hit), KINDE_OK,
	       "root is exempt");
	kinde_limiter_free(l);
	kinde_config_set(cfg, "lockout_even_deny_root", "yes");
	kinde_limiter_open(cfg, &l);
	kinde_limiter_fail(l, "root", 3000);
	kinde_limiter_fail(l, "root", 3001);
	kinde_limiter_fail(l, "root", 3002);
	is_int(kinde_limiter_locked(l, "root", 3003, &hit), KINDE_E_RATELIMITED,
	       "  unless lockout_even_deny_root");
	kinde_limiter_free(l);

	kinde_config_set(cfg, "lockout_deny", "0");
	kinde_limiter_open(cfg, &l);
	is_int(kinde_limiter_locked(l, "root", 3003, &hit), KINDE_OK,
	       "lockout_deny = 0: no lockout at all");
	kinde_limiter_free(l);
	kinde_config_free(cfg);
}

struct seen {
	int n;
	char lines[16][200];
};

static void
collect(void *ctx, const struct kinde_limit_entry *e)
{
	struct seen *s = ctx;

	if (s->n < 16)
		snprintf(s->lines[s->n++], sizeof(s->lines[0]),
			 "%s %s %s %u %ld/%ld %lld %lld",
			 kinde_limit_table_name(e->table), e->key, e->label,
			 e->count, e->rule.n, e->rule.seconds,
			 (long long)e->oldest, (long long)e->retry_at);
}

static void
test_list_reset(void)
{
	static const char *const kv[] = { "ratelimit_rhost", "2/60",
					  "ratelimit_user", "5/60",
					  "lockout_deny", "2", NULL };
	kinde_config_t *cfg = cfg_with("r", kv);
	struct kinde_limiter *l = NULL;
	struct kinde_limit_hit hit;
	struct kinde_limit_key k = { KINDE_LIMIT_APIKEY, NULL,
				     "kp_abcd…wxyz" };
	struct seen s = { 0 };
	char digest[65];
	unsigned removed;
	int i;

	kinde_limiter_digest("kp_abcdefghijklmnopqrstuvwxyz", digest);
	is_int(strlen(digest), 64, "a key's digest is 64 hex digits");
	k.key = digest;
	kinde_limiter_open(cfg, &l);
	take1(l, KINDE_LIMIT_RHOST, "h1", 100, &hit);
	take1(l, KINDE_LIMIT_RHOST, "h1", 101, &hit);
	take1(l, KINDE_LIMIT_RHOST, "h2", 102, &hit);
	take1(l, KINDE_LIMIT_USER, "alice", 103, &hit);
	kinde_limiter_take(l, &k, 1, 104, &hit);
	kinde_limiter_fail(l, "bob", 105);
	kinde_limiter_fail(l, "bob", 106);
	is_int(kinde_limiter_list(l, 110, collect, &s), KINDE_OK, "list");
	is_int(s.n, 5, "  five live entries");
	for (i = 0; i < s.n; i++)
		diag("%s", s.lines[i]);
	ok(s.n == 5 && strcmp(s.lines[0], "apikey ") > 0 &&
	   strstr(s.lines[0], "kp_abcd…wxyz 1 100/60 104 0") != NULL,
	   "  an API key is shown by its label, with rule and oldest");
	ok(strstr(s.lines[1], "rhost h1 h1 2 2/60 100 160") != NULL ||
	   strstr(s.lines[2], "rhost h1 h1 2 2/60 100 160") != NULL,
	   "  a host at its limit shows when it frees");
	ok(strstr(s.lines[4], "lockout bob bob 2 2/900 105 706") != NULL,
	   "  a locked user shows the unlock time");
	s.n = 0;
	kinde_limiter_list(l, 1000, collect, &s);
	is_int(s.n, 1, "after the windows only the lock remains... ");
	s.n = 0;
	kinde_limiter_list(l, 2000, collect, &s);
	is_int(s.n, 0, "  and after the unlock time nothing");

	is_int(kinde_limiter_reset(l, KINDE_LIMIT_RHOST, "h1", &removed),
	       KINDE_OK, "reset one host");
	is_int(removed, 1, "  removed one");
	is_int(take1(l, KINDE_LIMIT_RHOST, "h1", 111, &hit), KINDE_OK,
	       "  which passes again");
	kinde_limiter_reset(l, KINDE_LIMIT_FAIL, "bob", &removed);
	is_int(removed, 1, "reset a user's lockout");
	is_int(kinde_limiter_locked(l, "bob", 111, &hit), KINDE_OK,
	       "  unlocked");
	is_int(kinde_limiter_reset(l, KINDE_LIMIT__COUNT, NULL, &removed),
	       KINDE_OK, "reset all");
	is_int(removed, 4, "  removed the four left");
	s.n = 0;
	kinde_limiter_list(l, 112, collect, &s);
	is_int(s.n, 0, "  nothing listed");
	kinde_limiter_free(l);
	kinde_config_free(cfg);
}

static void
test_bounded(void)
{
	static const char *const kv[] = { "ratelimit_rhost", "1/3600", NULL };
	kinde_config_t *cfg = cfg_with("b", kv);
	struct kinde_limiter *l = NULL;
	struct kinde_limit_hit hit;
	struct seen s = { 0 };
	char path[300], *text;
	size_t len = 0, cap = 64 * (LIMIT_MAX_ENTRIES + 10);
	int i;

	kinde_limiter_open(cfg, &l);
	text = malloc(cap);
	len += (size_t)snprintf(text, cap, "{\"version\":1,\"table\":\"rhost\"}\n[");
	for (i = 0; i < LIMIT_MAX_ENTRIES; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"%s[\"h%d\",\"\",%d,[%d]]",
					i ? "," : "", i, 1000 + i, 1000 + i);
	snprintf(text + len, cap - len, "]");
	snprintf(path, sizeof(path), "%s/b/limit-rhost", top);
	write_file(path, text, 0600);
	free(text);
	is_int(take1(l, KINDE_LIMIT_RHOST, "h0", 2000, &hit),
	       KINDE_E_RATELIMITED, "a full table is read");
	is_int(take1(l, KINDE_LIMIT_RHOST, "new", 2000, &hit), KINDE_OK,
	       "a new key is taken in a full table");
	is_int(take1(l, KINDE_LIMIT_RHOST, "h0", 2001, &hit), KINDE_OK,
	       "  the least recently used entry went to make room");
	is_int(take1(l, KINDE_LIMIT_RHOST, "h2", 2001, &hit),
	       KINDE_E_RATELIMITED, "  others stayed");
	kinde_limiter_list(l, 2002, collect, &s);
	ok(logs_matching("rebuilt") == 0, "no rebuild of a full table");
	kinde_limiter_free(l);
	/* Everything is pruned once its window is over. */
	kinde_limiter_open(cfg, &l);
	take1(l, KINDE_LIMIT_RHOST, "late", 9000, &hit);
	s.n = 0;
	kinde_limiter_list(l, 9001, collect, &s);
	is_int(s.n, 1, "entries whose window is over are pruned on write");
	kinde_limiter_free(l);
	kinde_config_free(cfg);
}

/*
 * The clock went back (found by fuzz_limiter: corpus/limiter/future): a
 * table holding stamps later than now must stay readable after a take,
 * not be written out of order and then wiped as corrupt, which would
 * forget every entry of the table.
 */
static void
test_clock_back(void)
{
	static const char *const kv[] = { "ratelimit_rhost", "3/60", NULL };
	kinde_config_t *cfg = cfg_with("b", kv);
	struct kinde_limiter *l = NULL;
	struct kinde_limit_hit hit;
	int i;

	kinde_limiter_open(cfg, &l);
	for (i = 0; i < 3; i++)
		take1(l, KINDE_LIMIT_RHOST, "h2", 2000, &hit);
	is_int(take1(l, KINDE_LIMIT_RHOST, "h", 2000, &hit), KINDE_OK,
	       "clock back: an attempt at 2000");
	kinde_limiter_free(l);
	logs_clear();
	kinde_limiter_open(cfg, &l);
	is_int(take1(l, KINDE_LIMIT_RHOST, "h", 1000, &hit), KINDE_OK,
	       "  then one at 1000 (the clock went back)");
	kinde_limiter_free(l);
	kinde_limiter_open(cfg, &l);
	is_int(take1(l, KINDE_LIMIT_RHOST, "h", 1001, &hit), KINDE_OK,
	       "  and one at 1001");
	is_int(take1(l, KINDE_LIMIT_RHOST, "h", 1002, &hit),
	       KINDE_E_RATELIMITED,
	       "  the fourth is refused: all three still count");
	is_int(take1(l, KINDE_LIMIT_RHOST, "h2", 1002, &hit),
	       KINDE_E_RATELIMITED,
	       "  and the other entries of the table are kept");
	ok(logs_matching("rebuilt empty") == 0,
	   "  the state file is never judged corrupt");
	kinde_limiter_free(l);
	kinde_config_free(cfg);
}

int
main(void)
{
	if (mkdtemp(top) == NULL)
		return 1;
	test_window();
	test_all_or_none();
	test_processes();
	test_corrupt();
	test_unsafe_dir();
	test_lockout();
	test_list_reset();
	test_bounded();
	test_clock_back();
	logs_clear();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
		if (system(cmd) != 0)
			diag("cleanup failed");
	}
	return done_testing();
}
