/*
 * usermap.h - which local user a verified identity may log in as.
 */
#ifndef KINDE_USERMAP_H
#define KINDE_USERMAP_H

#include "kinde.h"

/* usermap_check, usermap_identity and usermap_check_identity are public
 * (kinde.h, the logins section): the module and diagnose call them. */

#endif
