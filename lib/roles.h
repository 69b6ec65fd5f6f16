/*
 * roles.h - require_roles (all of) and allowed_roles (any of) over role
 * keys: of a token's roles claim, or of a user's roles in an organization
 * as the Management API reports them (API keys, the account check).
 */
#ifndef KINDE_ROLES_H
#define KINDE_ROLES_H

#include "kinde.h"
#include "util.h"

#include <jansson.h>
#include <stdbool.h>

/* Where Kinde adds the roles claim (the advice of a token without one;
 * policy.c applies the rules, the "role" step of policy_apply). */
#define ROLES_CLAIM_ADVICE \
	"in Kinde, add roles to the access token: Settings > APIs > (this API) > Token customization, turn on Roles (or the application's access token customization)"

/* Whether cfg has a role rule (require_roles or allowed_roles). */
bool roles_wanted(const kinde_config_t *cfg);

/*
 * Every key of require_all must be in granted, and one of allow_any when
 * it is not empty.  0 when both hold, else -1; detail says what is
 * missing and what whose (what: "token", "kp_x in org_y") has.
 */
int roles_eval(const struct strlist *require_all,
	       const struct strlist *allow_any, const struct strlist *granted,
	       const char *what, char *detail, size_t len);

/*
 * The role keys of a token's roles claim ([{id,key,name}]): 1 when the
 * claim is there, 0 when absent or null, -1 when it has the wrong type.
 */
int roles_from_claims(const json_t *claims, struct strlist *out);

#endif
