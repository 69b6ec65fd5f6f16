/*
 * cache.h - the on-disk cache directory shared by every process of the
 * host (sshd children, kinde-auth): key sets, discovery, M2M tokens, API
 * key verdicts and rate-limit state.
 *
 * The directory decides logins, so it is refused when it is a symlink, not
 * owned by the running user, or writable by group or others.  Files are
 * written to a temporary name (O_EXCL | O_NOFOLLOW, mode 0600), fsynced and
 * renamed, so a reader sees the old file or the new one, never half of one.
 */
#ifndef KINDE_CACHE_H
#define KINDE_CACHE_H

#include "kinde.h"
#include "errrec.h"

#include <stdbool.h>

#include <jansson.h>

#define CACHE_NAME_MAX 96
#define CACHE_FILE_MAX (1024 * 1024 + 4096)

struct kcache {
	int dirfd;		/* -1 when no usable cache */
	char path[4096];
};

/*
 * Opens (creating with mode 0700 when missing) cfg->cache_dir.  On refusal
 * c->dirfd is -1 and err says why; the caller goes on without a cache.
 */
kinde_err_t cache_open(const kinde_config_t *cfg, struct kcache *c,
		       struct errrec *err);
/* The same for any directory: what names it in err ("state_dir"). */
kinde_err_t cache_open_dir(const char *path, const char *what,
			   struct kcache *c, struct errrec *err);
void cache_close(struct kcache *c);

/*
 * A file name "<prefix>-<32 hex>" from the SHA-256 of the NUL-separated
 * parts (NULL-terminated list, ended by (const char *)NULL: a bare NULL
 * may be an int in a variadic call): a URL or a secret never appears in a
 * name.
 */
void cache_name(char *out, size_t len, const char *prefix, ...);

/* An entry: a JSON metadata line, then an opaque body. */
struct cache_entry {
	json_t *meta;		/* object, owned */
	char *body;		/* NUL-terminated, owned (may be "") */
	size_t body_len;
};

/* KINDE_E_IO when missing or unreadable or corrupt (then e is empty). */
kinde_err_t cache_get(struct kcache *c, const char *name,
		      struct cache_entry *e);
kinde_err_t cache_put(struct kcache *c, const char *name, const json_t *meta,
		      const char *body, size_t body_len);
void cache_entry_clear(struct cache_entry *e);
/* Whether an entry's meta holds the string want under key (what an entry
 * is bound to: its client id, user, policy ...). */
bool cache_meta_is(const json_t *meta, const char *key, const char *want);
void cache_remove(struct kcache *c, const char *name);

/*
 * Takes an exclusive lock on "<name>.lock", waiting up to timeout_ms.
 * Returns the lock's descriptor, or -1 (no cache, or timed out: the caller
 * proceeds unlocked rather than failing the login).
 */
int cache_lock(struct kcache *c, const char *name, long timeout_ms);
void cache_unlock(int fd);

/*
 * Whether name is an entry "<prefix>-<32 hex>" of that prefix.  The
 * prefixes in use: jwks, discovery, m2m, apikey, ratelimit; "account" is
 * the one `kinde-auth cache flush --account` removes, for account-check
 * answers.
 */
bool cache_name_is(const char *name, const char *prefix);

/*
 * Removes every entry of prefix (of any origin), each under its lock
 * (waiting up to lock_timeout_ms, then removed anyway: an unlink is
 * atomic, a reader sees the entry or none), so a fetch in progress ends
 * before its entry goes.  Lock files and temporaries stay.  *removed
 * counts what went.  KINDE_E_IO when there is no cache or it cannot be
 * listed.
 */
kinde_err_t cache_remove_prefix(struct kcache *c, const char *prefix,
				long lock_timeout_ms, unsigned *removed);

#endif
