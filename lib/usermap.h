/*
 * usermap.h - which local user a verified identity may log in as.
 */
#ifndef KINDE_USERMAP_H
#define KINDE_USERMAP_H

#include "kinde.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Maps the verified identity of v (user_claim of a token; user_id, else
 * "org:<org_code>", of an API key) to a local user and compares it with
 * user.  0 when it maps to user; -1 with the reason in why (unmapped,
 * another user's identity); -2 on a config problem (the map file unsafe or
 * unreadable), why says which.
 */
int usermap_check(const kinde_config_t *cfg, const kinde_verdict_t *v,
		  bool is_apikey, const char *user, char *why, size_t whylen);

/*
 * The value of v that names the user (see usermap_check): a claim of v,
 * or buf for an organization key; NULL with why set when there is none.
 */
const char *usermap_identity(const kinde_config_t *cfg,
			     const kinde_verdict_t *v, bool is_apikey,
			     char *buf, size_t buflen, char *why,
			     size_t whylen);

/*
 * usermap_check for an identity value already extracted (the account
 * stage re-checks the one its auth stage recorded against PAM_USER).
 */
int usermap_check_identity(const kinde_config_t *cfg, const char *value,
			   bool is_apikey, const char *user, char *why,
			   size_t whylen);

/*
 * The values the map file maps to local user (every line naming it), or
 * the user name itself without a map file.  0, or -1 (why says why).
 */
struct strlist;
/* The other way: the local users value maps to (itself without a map
 * file).  0, or -1. */
int usermap_forward(const kinde_config_t *cfg, const char *value,
		    struct strlist *users, char *why, size_t whylen);
int usermap_reverse(const kinde_config_t *cfg, const char *user,
		    struct strlist *values, char *why, size_t whylen);

#endif
