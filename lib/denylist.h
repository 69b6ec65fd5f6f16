/*
 * denylist.h - deny_file: what an administrator refuses on this host at
 * once, for the minutes between a compromise and Kinde's own revocation.
 *
 * One entry a line, a kind and one value:
 *
 *	sub kp_0123456789abcdef		a user (a token's sub, an API key's user)
 *	key_id kid_abc			an API key (key_id of the verify reply)
 *	jti 2f0c...			one token
 *	kid 6d:12:...			every token signed by that key
 *	# a comment (whole lines only)
 *
 * Values are compared byte for byte.  A line that is not exactly that is
 * an error naming file:line, so a typo never leaves an entry unapplied.
 */
#ifndef KINDE_DENYLIST_H
#define KINDE_DENYLIST_H

#include "kinde.h"
#include "errrec.h"
#include "util.h"

#include <jansson.h>

#define DENYLIST_MAX_SIZE (1024 * 1024)
#define DENYLIST_MAX_LINE 1024

struct denylist {
	struct strlist sub, key_id, jti, kid;
	char name[256];		/* the file, for messages */
};

/*
 * Parses text (len bytes, need not be NUL-terminated) read from the file
 * called name into dl (empty first; caller clears).  KINDE_E_CONFIG with
 * "name:line: why" in err for a bad line; KINDE_E_NOMEM.
 */
kinde_err_t denylist_parse(struct denylist *dl, const char *name,
			   const char *text, size_t len, struct errrec *err);
void denylist_clear(struct denylist *dl);
void denylist_free(struct denylist *dl);

/*
 * Reads and parses the trusted (root-owned, not writable by others) file
 * path into a new list (*out, caller frees with denylist_free).
 * KINDE_E_UNSAFE for a file others can change, KINDE_E_CONFIG when it is
 * missing or has a bad line, with err.
 */
kinde_err_t denylist_load(const char *path, struct denylist **out,
			  struct errrec *err);

/* Whether the list (NULL: none) names value as kind ("sub", ...). */
bool denylist_has(const struct denylist *dl, const char *kind,
		  const char *value);

/*
 * The checks of a token: the header's kid and the payload's sub and jti.
 * Fails v (check "deny_file", reason denied) and returns -1 when one is
 * listed; with cfg->deny set and nothing listed records a pass.
 */
int denylist_check_token(const kinde_config_t *cfg, const char *kid,
			 const json_t *claims, kinde_verdict_t *v);

/*
 * Before any request: decodes the token WITHOUT verifying it and refuses
 * it when its kid, sub or jti is listed.  Only ever refuses, so an
 * unverified claim is safe to act on; the verified claims are checked
 * again by the validator.  -1 (v failed) when refused, else 0 (v as it
 * was).
 */
int denylist_precheck_token(const kinde_config_t *cfg, const char *token,
			    size_t len, kinde_verdict_t *v);

/*
 * An API key the issuer verified: its key_id and its user (user_id, as
 * sub).  True when listed; then why says which line kind matched.
 */
bool denylist_match_key(const kinde_config_t *cfg, const json_t *facts,
			char *why, size_t whylen);

#endif
