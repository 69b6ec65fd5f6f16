/*
 * testcfg.c - configurations the unit tests share.
 */
#include "testcfg.h"

#include <stdio.h>
#include <stdlib.h>

kinde_config_t *
testcfg_cache_dir(const char *top, const char *sub)
{
	kinde_config_t *cfg = kinde_config_new();
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", top, sub);
	if (cfg == NULL || kinde_config_set(cfg, "cache_dir", path))
		abort();
	return cfg;
}
