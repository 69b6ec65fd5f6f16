/*
 * authmac.h - what the auth stage hands the account stage across sshd's
 * fork.  The PAM environment is the only thing that survives it, and any
 * earlier module or the application can write it too; so the record is
 * sealed with an HMAC-SHA256 under a host secret that only the cache
 * directory's owner (root) can read, and the account stage believes
 * nothing that does not verify.
 */
#ifndef KINDE_AUTHMAC_H
#define KINDE_AUTHMAC_H

#include "kinde.h"
#include "errrec.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTHMAC_KEY_NAME "authmac.key"
#define AUTHMAC_KEY_LEN 32
/* A sealed record is refused this many seconds after the auth stage
 * (sshd runs the account stage within its LoginGraceTime, 120 s). */
#define AUTHMAC_MAX_AGE 600
/* User and identity are at most this long. */
#define AUTHMAC_FIELD_MAX 512
/* "v1:<time>:<user>:<identity>:<64 hex>", user and identity base64url. */
#define AUTHMAC_SEALED_MAX (3 + 21 + 2 * (AUTHMAC_FIELD_MAX / 3 * 4 + 4) + \
			    3 + 64 + 1)

/* One auth decision.  Every field is covered by the MAC. */
struct authmac_record {
	const char *service;	/* PAM_SERVICE */
	const char *user;	/* PAM_USER it was decided for */
	const char *method;	/* "token", "apikey", "device" */
	const char *identity;	/* the value mapped to user (usermap.c) */
	const char *sub;	/* KINDE_SUB as exported */
	const char *exp;	/* KINDE_EXP as exported ("" for a key) */
	int64_t time;		/* when the auth stage decided */
};

/*
 * The host secret: cfg->cache_dir/authmac.key (the directory passes
 * cache_open's checks).  When missing and create is set it is made: 32
 * random bytes, mode 0600, written under a temporary name with O_EXCL and
 * linked into place, so a reader never sees half of one and two creators
 * agree on one.  A key that is not a regular file of 32 bytes owned by the
 * running user (root) with no group or other permission is refused.
 * KINDE_OK; KINDE_E_IO (missing, no usable cache directory) or
 * KINDE_E_UNSAFE with the reason in err.  key is the caller's to wipe.
 */
kinde_err_t authmac_key_load(const kinde_config_t *cfg, bool create,
			     unsigned char key[AUTHMAC_KEY_LEN],
			     struct errrec *err);

/* Where authmac_open puts the user and identity it found. */
struct authmac_opened {
	char user[AUTHMAC_FIELD_MAX + 1];
	char identity[AUTHMAC_FIELD_MAX + 1];
};

/* Seals r (user and identity at most AUTHMAC_FIELD_MAX bytes) into out
 * (AUTHMAC_SEALED_MAX bytes suffice). */
kinde_err_t authmac_seal(const unsigned char key[AUTHMAC_KEY_LEN],
			 const struct authmac_record *r, char *out,
			 size_t outlen);

/*
 * Checks sealed against r's service, method, sub and exp at time now; on
 * success fills r->user and r->identity (pointing into o) and r->time.
 * The caller then decides whether that identity is still PAM_USER's.
 * KINDE_E_REJECTED with the reason in why: absent, malformed, a MAC that
 * does not verify (any field changed, another service, another host's
 * secret), too old.
 */
kinde_err_t authmac_open(const unsigned char key[AUTHMAC_KEY_LEN],
			 const char *sealed, struct authmac_record *r,
			 int64_t now, struct authmac_opened *o, char *why,
			 size_t whylen);

#endif
