/*
 * testcfg.h - configurations the unit tests share.
 */
#ifndef KINDE_TESTCFG_H
#define KINDE_TESTCFG_H

#include "kinde.h"

/* A configuration whose cache_dir is top/sub (not created); aborts on
 * failure, as a test cannot go on without one.  Caller frees. */
kinde_config_t *testcfg_cache_dir(const char *top, const char *sub);

#endif
