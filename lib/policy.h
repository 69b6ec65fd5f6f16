/*
 * policy.h - authorization: token type, client id, scopes, permissions,
 * organization and roles.  Shared by access tokens, API keys and the
 * account check's organization members.
 */
#ifndef KINDE_POLICY_H
#define KINDE_POLICY_H

#include "kinde.h"
#include "util.h"

#include <jansson.h>

/*
 * Every string of required must be in granted (all-of); else a verdict of
 * reason r naming exactly the missing ones and what was granted.
 */
int policy_require_all(kinde_verdict_t *v, const char *check,
		       kinde_reason_t r, const struct strlist *required,
		       const struct strlist *granted, const char *what);

/* value must be one of allowed (any-of) when allowed is not empty. */
int policy_allow_any(kinde_verdict_t *v, const char *check, kinde_reason_t r,
		     const struct strlist *allowed, const char *value,
		     const char *what);

/*
 * The scopes a token grants: the `scope` string when present (an M2M
 * token's granted scopes), else `scp`: an array, or one space-delimited
 * string (as Entra ID sends it).  -1 on a type error.
 */
int policy_token_scopes(const json_t *claims, struct strlist *out);

/*
 * KINDE_TOKEN_M2M when gty is or holds "client_credentials" (or
 * "client-credentials"), or when sub equals client_id (RFC 9068's
 * client-credentials shape: the subject is the client); else USER.
 */
unsigned policy_token_type(const json_t *claims);

/*
 * The first claim of claims that only an OIDC ID token carries (nonce,
 * at_hash, c_hash), or NULL.  Static string.
 */
const char *policy_id_token_claim(const json_t *claims);

/*
 * Applies cfg's policy to a token's claims: its type, then the client id,
 * scopes, permissions and org.  0 when all pass.
 */
int policy_check_token(const kinde_config_t *cfg, const json_t *claims,
		       kinde_verdict_t *v);

/*
 * The same policy, through the same routine, for an API key the issuer
 * said is valid and active: its granted scopes and org.  A key carries no
 * permission and no client id, so require_permissions and
 * allowed_client_ids refuse every key (rather than being skipped).
 */
int policy_check_key(const kinde_config_t *cfg, const struct strlist *scopes,
		     const char *org, kinde_verdict_t *v);

/*
 * The same routine for what the Management API says a user (what: "kp_x
 * in org_y", in the messages) holds in one organization: the role rules
 * over roles, then require_permissions over perms (NULL: roles only, an
 * API key's user).  0 when they hold.
 */
int policy_check_member(const kinde_config_t *cfg,
			const struct strlist *roles,
			const struct strlist *perms, const char *what,
			kinde_verdict_t *v);

#endif
