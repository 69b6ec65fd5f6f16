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

/* The record's types, the seal and open calls and AUTHMAC_KEY_LEN,
 * AUTHMAC_FIELD_MAX, AUTHMAC_SEALED_MAX are public (kinde.h, the logins
 * section): the module seals and opens it. */

#define AUTHMAC_KEY_NAME "authmac.key"
/* A sealed record is refused this many seconds after the auth stage
 * (sshd runs the account stage within its LoginGraceTime, 120 s). */
#define AUTHMAC_MAX_AGE 600

#endif
