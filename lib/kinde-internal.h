/*
 * kinde-internal.h - the core's internals, for kinde-auth diagnose ONLY
 * (tools/cmd_diagnose.c and tools/diag*.c).
 *
 * Every other file of pam/ and tools/ includes kinde.h alone, and
 * tests/tools/test_boundary.sh fails the build's checks when one does
 * not.  diagnose is the exception on purpose, as duo_unix keeps
 * duo_private.h beside duo.h: to say why a login fails it looks where the
 * module does not - the config struct as loaded (a partial one when the
 * file is bad), the safety checks of each file by name, the cache
 * directory, the transport plugin's ABI, the issuer's recorded 429s.
 * Nothing here is a contract: it changes with the core, and diagnose
 * changes with it.  A need of another front end goes into kinde.h as a
 * purpose-named call instead.
 */
#ifndef KINDE_INTERNAL_H
#define KINDE_INTERNAL_H

#include "kinde.h"

#include "cache.h"
#include "client.h"
#include "config.h"
#include "http.h"
#include "origin.h"
#include "ratelimit.h"
#include "safefile.h"
#include "url.h"
#include "util.h"

#endif
