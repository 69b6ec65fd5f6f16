/*
 * usermap.h - which local user a verified identity may log in as.
 */
#ifndef KINDE_USERMAP_H
#define KINDE_USERMAP_H

#include "kinde.h"

/* usermap_check, usermap_identity and usermap_check_identity are public
 * (kinde.h, the logins section): the module and diagnose call them. */

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
