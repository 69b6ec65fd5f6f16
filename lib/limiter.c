/*
 * limiter.c - the host-wide attempt limiter and lockout (limiter.h).
 *
 * One file per table in state_dir ("limit-<table>"), read and rewritten
 * under one exclusive lock ("limiter.lock") so that a take spanning
 * several tables is all or none.  Every reader and writer holds that
 * lock, so a table is rewritten in place (write, then truncate to the new
 * length) rather than through a temporary file and rename: on ext4 a
 * rename over a file (like a truncate to zero) flushes its data, which was
 * ~85% of a limiter check (0.37 ms against 0.05 ms on tmpfs, make bench).
 * A crash mid-write can tear the file; it is then rebuilt empty like any
 * corrupt one, which costs counts only: the limiter only ever refuses, so
 * losing counts never lets in anyone the policy would refuse (pam_faillock
 * does not fsync its tallies either).  A file that is not a regular one
 * of ours with mode 0600 and one link is removed and made anew (O_EXCL,
 * O_NOFOLLOW), never written through.  A file is a JSON line
 * {"version":1,"table":...} followed by a JSON array of
 * [key, label, last_used, [stamps...]].
 */
#include "kinde-build.h"

#include "limiter.h"
#include "cache.h"
#include "config.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#define LIMIT_VERSION 1
#define LIMIT_LABEL_MAX 64
/* All stamps of a table: keeps a file well under CACHE_FILE_MAX. */
#define LIMIT_MAX_STAMPS 32768
#define LIMIT_LOCK_MS 3000

struct lentry {
	char key[KINDE_LIMIT_KEY_MAX + 1];
	char label[LIMIT_LABEL_MAX];
	int64_t used;		/* last attempt: the oldest goes first */
	unsigned n;
	int64_t *t;		/* ascending */
};

struct ltable {
	struct lentry *e;
	size_t n, cap;
	bool loaded;
};

struct kinde_limiter {
	const kinde_config_t *cfg;
	struct kcache dir;
	struct ltable tab[KINDE_LIMIT__COUNT];
	int lockfd;
};

static const char *const table_names[KINDE_LIMIT__COUNT] = {
	[KINDE_LIMIT_APIKEY] = "apikey", [KINDE_LIMIT_RHOST] = "rhost",
	[KINDE_LIMIT_USER] = "user",     [KINDE_LIMIT_VERIFY] = "verify",
	[KINDE_LIMIT_FAIL] = "lockout",
};

const char *
kinde_limit_table_name(enum kinde_limit_table t)
{
	return (unsigned)t < KINDE_LIMIT__COUNT ? table_names[t] : "?";
}

void
kinde_limiter_digest(const char *secret, char out[65])
{
	unsigned char md[32];
	unsigned int len = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	memset(md, 0, sizeof(md));
	if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, secret, strlen(secret)) == 1)
		EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	kinde_hex(md, sizeof(md), out);
}

/* How long an entry of table t matters after its last stamp. */
static int64_t
keep_secs(const kinde_config_t *cfg, enum kinde_limit_table t)
{
	struct kinde_limit_rule r = kinde_config_limit(cfg, t);

	if (t == KINDE_LIMIT_FAIL && cfg->lockout_unlock_time > r.seconds)
		return cfg->lockout_unlock_time;
	return r.seconds;
}

kinde_err_t
kinde_limiter_open(const kinde_config_t *cfg, struct kinde_limiter **out)
{
	struct errrec err = { "" };
	struct kinde_limiter *l;
	kinde_err_t rc;

	*out = NULL;
	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return KINDE_E_NOMEM;
	l->cfg = cfg;
	l->lockfd = -1;
	rc = cache_open_dir(cfg->state_dir ? cfg->state_dir : KINDE_STATE_DIR,
			    "state_dir", &l->dir, &err);
	if (rc != KINDE_OK) {
		kinde_log(cfg, LOG_ERR, "%s", errrec_msg(&err));
		free(l);
		return rc;
	}
	*out = l;
	return KINDE_OK;
}

static void
table_clear(struct ltable *tb)
{
	size_t i;

	for (i = 0; i < tb->n; i++)
		free(tb->e[i].t);
	free(tb->e);
	memset(tb, 0, sizeof(*tb));
}

static void
tables_clear(struct kinde_limiter *l)
{
	int t;

	for (t = 0; t < KINDE_LIMIT__COUNT; t++)
		table_clear(&l->tab[t]);
}

void
kinde_limiter_free(struct kinde_limiter *l)
{
	if (l == NULL)
		return;
	cache_unlock(l->lockfd);
	tables_clear(l);
	cache_close(&l->dir);
	free(l);
}

static void
file_name(enum kinde_limit_table t, char *buf, size_t len)
{
	kinde_fmt(buf, len, "limit-%s", table_names[t]);
}

static struct lentry *
entry_find(struct ltable *tb, const char *key)
{
	size_t i;

	for (i = 0; i < tb->n; i++)
		if (strcmp(tb->e[i].key, key) == 0)
			return &tb->e[i];
	return NULL;
}

static void
entry_remove(struct ltable *tb, size_t i)
{
	free(tb->e[i].t);
	tb->e[i] = tb->e[--tb->n];
	tb->e[tb->n].t = NULL;	/* no second copy of a live (or freed) pointer */
}

static struct lentry *
entry_add(struct ltable *tb, const char *key, const char *label)
{
	struct lentry *e;

	if (tb->n == tb->cap) {
		size_t cap = tb->cap ? tb->cap * 2 : 16;

		e = realloc(tb->e, cap * sizeof(*e));
		if (e == NULL)
			return NULL;
		tb->e = e;
		tb->cap = cap;
	}
	e = &tb->e[tb->n++];
	memset(e, 0, sizeof(*e));
	kinde_fmt(e->key, sizeof(e->key), "%s", key);
	kinde_fmt(e->label, sizeof(e->label), "%s", label ? label : "");
	return e;
}

/*
 * Appends now, keeping the last max stamps.  After the clock went back,
 * the latest stamp stands in for now: the log stays in order (a table
 * out of order reads as corrupt, and is wiped) and the attempt still
 * counts, for longer rather than shorter.
 */
static kinde_err_t
entry_push(struct lentry *e, long max, int64_t now)
{
	int64_t *t = realloc(e->t, (e->n + 1) * sizeof(*t));

	if (t == NULL)
		return KINDE_E_NOMEM;
	e->t = t;
	while (e->n > 0 && e->n >= (unsigned)max) {
		memmove(e->t, e->t + 1, (e->n - 1) * sizeof(*t));
		e->n--;
	}
	if (e->n > 0 && e->t[e->n - 1] > now)
		now = e->t[e->n - 1];
	e->t[e->n++] = now;
	e->used = now;
	return KINDE_OK;
}

/* Parses one table's document; -1 when anything in it is off. */
static int
table_parse(struct ltable *tb, enum kinde_limit_table t, const json_t *meta,
	    const char *body, size_t len)
{
	json_t *doc, *item, *stamps, *st;
	size_t i, j, total = 0;
	struct lentry *e;
	int rc = -1;

	if (json_integer_value(json_object_get(meta, "version")) !=
	    LIMIT_VERSION ||
	    !json_is_string(json_object_get(meta, "table")) ||
	    strcmp(json_string_value(json_object_get(meta, "table")),
		   table_names[t]) != 0)
		return -1;
	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_array(doc) || json_array_size(doc) > LIMIT_MAX_ENTRIES)
		goto out;
	json_array_foreach(doc, i, item) {
		const char *key = json_string_value(json_array_get(item, 0));
		const char *label = json_string_value(json_array_get(item, 1));
		json_t *used = json_array_get(item, 2);

		stamps = json_array_get(item, 3);
		if (!json_is_array(item) || json_array_size(item) != 4 ||
		    key == NULL || strlen(key) > KINDE_LIMIT_KEY_MAX ||
		    label == NULL || !json_is_integer(used) ||
		    !json_is_array(stamps) ||
		    (total += json_array_size(stamps)) > LIMIT_MAX_STAMPS ||
		    entry_find(tb, key) != NULL ||
		    (e = entry_add(tb, key, label)) == NULL)
			goto out;
		e->used = json_integer_value(used);
		e->t = calloc(json_array_size(stamps) + 1, sizeof(int64_t));
		if (e->t == NULL)
			goto out;
		json_array_foreach(stamps, j, st) {
			if (!json_is_integer(st) || (e->n > 0 &&
			    json_integer_value(st) < e->t[e->n - 1]))
				goto out;
			e->t[e->n++] = json_integer_value(st);
		}
	}
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

/*
 * Loads table t (once per lock).  Missing: empty.  Not ours, not 0600,
 * not a regular file, unreadable or corrupt: logged and empty, and the
 * next write replaces it (rename replaces a symlink, never follows it).
 */
static kinde_err_t
table_load(struct kinde_limiter *l, enum kinde_limit_table t)
{
	struct ltable *tb = &l->tab[t];
	struct cache_entry ce;
	char name[32];
	const char *why = NULL;
	struct stat st;

	if (tb->loaded)
		return KINDE_OK;
	table_clear(tb);
	tb->loaded = true;
	file_name(t, name, sizeof(name));
	if (fstatat(l->dir.dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return KINDE_OK;
		why = strerror(errno);
	} else if (!S_ISREG(st.st_mode)) {
		why = "not a regular file";
	} else if (st.st_uid != geteuid() || (st.st_mode & 07777) != 0600) {
		why = "not owned by the running user with mode 0600";
	} else if (cache_get(&l->dir, name, &ce) != KINDE_OK) {
		why = "unreadable or truncated";
	} else {
		if (table_parse(tb, t, ce.meta, ce.body, ce.body_len) != 0)
			why = "corrupt or of another version";
		cache_entry_clear(&ce);
	}
	if (why != NULL) {
		kinde_log(l->cfg, LOG_WARNING,
			  "limiter state %s/%s: %s; rebuilt empty",
			  l->dir.path, name, why);
		table_clear(tb);
		tb->loaded = true;
	}
	return KINDE_OK;
}

/* Drops stamps (and entries) that no longer matter at now. */
static void
table_prune(const kinde_config_t *cfg, struct ltable *tb,
	    enum kinde_limit_table t, int64_t now)
{
	struct kinde_limit_rule r = kinde_config_limit(cfg, t);
	int64_t keep = keep_secs(cfg, t);
	size_t i = 0;
	unsigned j, k;

	while (i < tb->n) {
		struct lentry *e = &tb->e[i];

		if (r.n <= 0 || e->n == 0 ||
		    e->t[e->n - 1] + keep <= now) {
			entry_remove(tb, i);
			continue;
		}
		/* Only the last N stamps within the window count; a lock
		 * outlives its interval, so failures keep their last N. */
		for (j = 0; j < e->n && ((t != KINDE_LIMIT_FAIL &&
					  e->t[j] + r.seconds <= now) ||
					 e->n - j > (unsigned)r.n);
		     j++)
			;
		for (k = 0; j + k < e->n; k++)
			e->t[k] = e->t[j + k];
		e->n = k;
		i++;
	}
}

static size_t
table_stamps(const struct ltable *tb)
{
	size_t i, n = 0;

	for (i = 0; i < tb->n; i++)
		n += tb->e[i].n;
	return n;
}

/* Bounds: when still too big after pruning, the least recently used go. */
static void
table_bound(struct ltable *tb)
{
	while (tb->n > 0 && (tb->n > LIMIT_MAX_ENTRIES ||
			     table_stamps(tb) > LIMIT_MAX_STAMPS)) {
		size_t i, lru = 0;

		for (i = 1; i < tb->n; i++)
			if (tb->e[i].used < tb->e[lru].used)
				lru = i;
		entry_remove(tb, lru);
	}
}

/* Opens name for rewriting: our own regular file, else a new one. */
static int
table_open_rw(struct kinde_limiter *l, const char *name)
{
	struct stat st;
	int fd;

	fd = openat(l->dir.dirfd, name,
		    O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 07777) == 0600 &&
	    st.st_nlink == 1)
		return fd;
	if (fd >= 0)
		close(fd);
	/* A symlink (ELOOP), another owner's file, a hard link, a FIFO:
	 * removed, never written through (table_load has logged it). */
	if (fd >= 0 || errno == ELOOP || errno == ENXIO)
		unlinkat(l->dir.dirfd, name, 0);
	return openat(l->dir.dirfd, name, O_RDWR | O_CREAT | O_EXCL |
		      O_NOFOLLOW | O_CLOEXEC, 0600);
}

/* The cache.c format (a JSON line, then the body), written in place. */
static kinde_err_t
table_write(struct kinde_limiter *l, const char *name, const json_t *meta,
	    const char *body)
{
	char *line = json_dumps(meta, JSON_COMPACT);
	size_t llen, blen = strlen(body), off = 0, len;
	kinde_err_t rc = KINDE_E_IO;
	char *buf = NULL;
	ssize_t n;
	int fd = -1;

	if (line == NULL)
		return KINDE_E_NOMEM;
	llen = strlen(line);
	len = llen + 1 + blen;
	buf = malloc(len);
	if (buf == NULL) {
		rc = KINDE_E_NOMEM;
		goto out;
	}
	memcpy(buf, line, llen);
	buf[llen] = '\n';
	/* bytes written with their length, not a string:
	 * NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(buf + llen + 1, body, blen);
	fd = table_open_rw(l, name);
	if (fd < 0)
		goto out;
	while (off < len) {
		n = pwrite(fd, buf + off, len - off, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		off += (size_t)n;
	}
	/* After the write, never to zero first: see the top of this file. */
	if (ftruncate(fd, (off_t)len) != 0)
		goto out;
	rc = KINDE_OK;
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(line);
	return rc;
}

static kinde_err_t
table_save(struct kinde_limiter *l, enum kinde_limit_table t)
{
	struct ltable *tb = &l->tab[t];
	json_t *meta = NULL, *doc = json_array(), *item, *stamps;
	char name[32], *body = NULL;
	kinde_err_t rc = KINDE_E_NOMEM;
	size_t i;
	unsigned j;

	table_bound(tb);
	for (i = 0; doc != NULL && i < tb->n; i++) {
		stamps = json_array();
		for (j = 0; stamps != NULL && j < tb->e[i].n; j++)
			json_array_append_new(stamps,
					      json_integer(tb->e[i].t[j]));
		item = json_pack("[s, s, I, o]", tb->e[i].key,
				 tb->e[i].label, (json_int_t)tb->e[i].used,
				 stamps);
		if (item == NULL || json_array_append_new(doc, item) != 0)
			goto out;
	}
	meta = json_pack("{s:i, s:s}", "version", LIMIT_VERSION, "table",
			 table_names[t]);
	body = doc != NULL ? json_dumps(doc, JSON_COMPACT) : NULL;
	if (meta == NULL || body == NULL)
		goto out;
	file_name(t, name, sizeof(name));
	rc = table_write(l, name, meta, body);
	if (rc != KINDE_OK)
		kinde_log(l->cfg, LOG_ERR, "limiter state %s/%s: cannot write",
			  l->dir.path, name);
out:
	free(body);
	json_decref(meta);
	json_decref(doc);
	return rc;
}

static kinde_err_t
lock(struct kinde_limiter *l)
{
	l->lockfd = cache_lock(&l->dir, "limiter", LIMIT_LOCK_MS);
	if (l->lockfd < 0) {
		kinde_log(l->cfg, LOG_ERR,
			  "limiter state %s: cannot take its lock",
			  l->dir.path);
		return KINDE_E_IO;
	}
	return KINDE_OK;
}

/* Unlocks and forgets what was read: the next call reads afresh. */
static void
unlock(struct kinde_limiter *l)
{
	cache_unlock(l->lockfd);
	l->lockfd = -1;
	tables_clear(l);
}

/* The first second an entry at its limit frees a slot (0: not at it). */
static int64_t
retry_at(const struct lentry *e, struct kinde_limit_rule r, int64_t now)
{
	unsigned j, in = 0;

	for (j = 0; j < e->n; j++)
		if (e->t[j] + r.seconds > now)
			in++;
	if (r.n <= 0 || in < (unsigned)r.n)
		return 0;
	/* The stamp that must leave the window: N-th from the newest. */
	return e->t[e->n - (unsigned)r.n] + r.seconds;
}

static bool
key_ok(const char *key)
{
	return key != NULL && strlen(key) <= KINDE_LIMIT_KEY_MAX;
}

kinde_err_t
kinde_limiter_take(struct kinde_limiter *l, const struct kinde_limit_key *keys,
		   size_t n, int64_t now, struct kinde_limit_hit *hit)
{
	bool used[KINDE_LIMIT__COUNT] = { false };
	kinde_err_t rc = KINDE_OK;
	struct kinde_limit_rule r;
	struct lentry *e;
	size_t i, on = 0;
	int t;

	memset(hit, 0, sizeof(*hit));
	for (i = 0; i < n; i++) {
		if ((unsigned)keys[i].table >= KINDE_LIMIT_FAIL ||
		    !key_ok(keys[i].key))
			return KINDE_E_USAGE;
		if (kinde_config_limit(l->cfg, keys[i].table).n > 0)
			on++;
	}
	if (on == 0)
		return KINDE_OK;	/* nothing to count: no disk */
	if ((rc = lock(l)) != KINDE_OK)
		return rc;
	for (i = 0; i < n && rc == KINDE_OK; i++) {
		t = keys[i].table;
		r = kinde_config_limit(l->cfg, keys[i].table);
		if (r.n <= 0)
			continue;
		table_load(l, keys[i].table);
		if (!used[t])
			table_prune(l->cfg, &l->tab[t], keys[i].table, now);
		used[t] = true;
		e = entry_find(&l->tab[t], keys[i].key);
		if (e != NULL && retry_at(e, r, now) > 0) {
			hit->table = keys[i].table;
			hit->rule = r;
			hit->retry_at = retry_at(e, r, now);
			rc = KINDE_E_RATELIMITED;
		}
	}
	if (rc != KINDE_OK)
		goto out;
	for (i = 0; i < n && rc == KINDE_OK; i++) {
		t = keys[i].table;
		r = kinde_config_limit(l->cfg, keys[i].table);
		if (r.n <= 0)
			continue;
		e = entry_find(&l->tab[t], keys[i].key);
		if (e == NULL)
			e = entry_add(&l->tab[t], keys[i].key, keys[i].label);
		rc = e != NULL ? entry_push(e, r.n, now) : KINDE_E_NOMEM;
	}
	for (t = 0; t < KINDE_LIMIT__COUNT && rc == KINDE_OK; t++)
		if (used[t])
			rc = table_save(l, t);
out:
	unlock(l);
	return rc;
}

static bool
lockout_applies(const kinde_config_t *cfg, const char *user)
{
	return cfg->lockout_deny > 0 && key_ok(user) &&
	       (cfg->lockout_even_deny_root || strcmp(user, "root") != 0);
}

/* Locked until (0: not): lockout_deny failures within the interval,
 * the lock lasting lockout_unlock_time from the last of them. */
static int64_t
locked_until(const kinde_config_t *cfg, const struct lentry *e, int64_t now)
{
	unsigned deny = (unsigned)cfg->lockout_deny;
	int64_t last, first, until;

	if (e == NULL || deny == 0 || e->n < deny)
		return 0;
	last = e->t[e->n - 1];
	first = e->t[e->n - deny];
	if (last - first >= cfg->lockout_interval)
		return 0;
	until = last + cfg->lockout_unlock_time;
	return until > now ? until : 0;
}

kinde_err_t
kinde_limiter_locked(struct kinde_limiter *l, const char *user, int64_t now,
		     struct kinde_limit_hit *hit)
{
	kinde_err_t rc;
	int64_t until;

	memset(hit, 0, sizeof(*hit));
	if (!lockout_applies(l->cfg, user))
		return KINDE_OK;
	if ((rc = lock(l)) != KINDE_OK)
		return rc;
	table_load(l, KINDE_LIMIT_FAIL);
	until = locked_until(l->cfg,
			     entry_find(&l->tab[KINDE_LIMIT_FAIL], user), now);
	unlock(l);
	if (until == 0)
		return KINDE_OK;
	hit->table = KINDE_LIMIT_FAIL;
	hit->rule = kinde_config_limit(l->cfg, KINDE_LIMIT_FAIL);
	hit->retry_at = until;
	return KINDE_E_RATELIMITED;
}

kinde_err_t
kinde_limiter_fail(struct kinde_limiter *l, const char *user, int64_t now)
{
	struct ltable *tb = &l->tab[KINDE_LIMIT_FAIL];
	struct lentry *e;
	kinde_err_t rc;

	if (!lockout_applies(l->cfg, user))
		return KINDE_OK;
	if ((rc = lock(l)) != KINDE_OK)
		return rc;
	table_load(l, KINDE_LIMIT_FAIL);
	table_prune(l->cfg, tb, KINDE_LIMIT_FAIL, now);
	e = entry_find(tb, user);
	if (e == NULL)
		e = entry_add(tb, user, NULL);
	rc = e != NULL ? entry_push(e, l->cfg->lockout_deny, now) :
	     KINDE_E_NOMEM;
	if (rc == KINDE_OK)
		rc = table_save(l, KINDE_LIMIT_FAIL);
	unlock(l);
	return rc;
}

kinde_err_t
kinde_limiter_success(struct kinde_limiter *l, const char *user)
{
	struct ltable *tb = &l->tab[KINDE_LIMIT_FAIL];
	kinde_err_t rc;
	size_t i;

	if (!lockout_applies(l->cfg, user))
		return KINDE_OK;
	if ((rc = lock(l)) != KINDE_OK)
		return rc;
	table_load(l, KINDE_LIMIT_FAIL);
	for (i = 0; i < tb->n; i++)
		if (strcmp(tb->e[i].key, user) == 0)
			break;
	if (i < tb->n) {
		entry_remove(tb, i);
		rc = table_save(l, KINDE_LIMIT_FAIL);
	}
	unlock(l);
	return rc;
}

kinde_err_t
kinde_limiter_list(struct kinde_limiter *l, int64_t now,
		   kinde_limit_entry_fn fn, void *ctx)
{
	struct kinde_limit_entry le;
	struct ltable *tb;
	kinde_err_t rc;
	size_t i;
	int t;

	if ((rc = lock(l)) != KINDE_OK)
		return rc;
	for (t = 0; t < KINDE_LIMIT__COUNT; t++) {
		tb = &l->tab[t];
		table_load(l, t);
		table_prune(l->cfg, tb, t, now);
		for (i = 0; i < tb->n; i++) {
			const struct lentry *e = &tb->e[i];

			memset(&le, 0, sizeof(le));
			le.table = t;
			le.key = e->key;
			le.label = e->label[0] ? e->label : e->key;
			le.count = e->n;
			le.rule = kinde_config_limit(l->cfg, t);
			le.oldest = e->n > 0 ? e->t[0] : 0;
			le.retry_at = t == KINDE_LIMIT_FAIL
					      ? locked_until(l->cfg, e, now)
					      : retry_at(e, le.rule, now);
			fn(ctx, &le);
		}
	}
	unlock(l);
	return KINDE_OK;
}

kinde_err_t
kinde_limiter_reset(struct kinde_limiter *l, enum kinde_limit_table table,
		    const char *key, unsigned *removed)
{
	kinde_err_t rc;
	struct ltable *tb;
	size_t i, before;
	int t;

	*removed = 0;
	if ((unsigned)table > KINDE_LIMIT__COUNT)
		return KINDE_E_USAGE;
	if ((rc = lock(l)) != KINDE_OK)
		return rc;
	for (t = 0; t < KINDE_LIMIT__COUNT && rc == KINDE_OK; t++) {
		if (table != KINDE_LIMIT__COUNT && (int)table != t)
			continue;
		tb = &l->tab[t];
		table_load(l, t);
		before = tb->n;
		i = 0;
		while (i < tb->n) {
			if (key == NULL || strcmp(tb->e[i].key, key) == 0)
				entry_remove(tb, i);
			else
				i++;
		}
		*removed += (unsigned)(before - tb->n);
		if (before != tb->n)
			rc = table_save(l, t);
	}
	unlock(l);
	return rc;
}
