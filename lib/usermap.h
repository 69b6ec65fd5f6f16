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

#endif
