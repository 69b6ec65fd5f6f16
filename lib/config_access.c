/*
 * config_access.c - what the front ends read and set of a configuration,
 * through kinde.h: the struct stays the core's (config.h), so a field can
 * change without touching pam/ or tools/.
 */
#include "kinde-build.h"

#include "config.h"
#include "errrec.h"
#include "client.h"
#include "origin.h"

#include <stdlib.h>
#include <string.h>

/* kinde_config_set writes the enum options through an int. */
_Static_assert(sizeof(enum kinde_mode) == sizeof(int) &&
	       sizeof(enum kinde_audit) == sizeof(int) &&
	       sizeof(enum kinde_account_check) == sizeof(int),
	       "mode, audit and account_check are stored as int");

enum kinde_mode
kinde_config_mode(const kinde_config_t *cfg)
{
	return cfg->mode;
}

enum kinde_audit
kinde_config_audit(const kinde_config_t *cfg)
{
	return cfg->audit;
}

enum kinde_account_check
kinde_config_account_check(const kinde_config_t *cfg)
{
	return cfg->account_check;
}

bool
kinde_config_debug(const kinde_config_t *cfg)
{
	return cfg->debug;
}

long
kinde_config_leeway(const kinde_config_t *cfg)
{
	return cfg->leeway;
}

long
kinde_config_timeout(const kinde_config_t *cfg)
{
	return cfg->timeout;
}

const char *
kinde_config_prompt(const kinde_config_t *cfg)
{
	return cfg->prompt;
}

bool
kinde_config_use_first_pass(const kinde_config_t *cfg)
{
	return cfg->use_first_pass;
}

bool
kinde_config_try_first_pass(const kinde_config_t *cfg)
{
	return cfg->try_first_pass;
}

bool
kinde_config_account_requires_auth(const kinde_config_t *cfg)
{
	return cfg->account_requires_auth;
}

const char *
kinde_config_device_client_id(const kinde_config_t *cfg)
{
	return cfg->device_client_id;
}

bool
kinde_config_device_qr(const kinde_config_t *cfg)
{
	return cfg->device_qr;
}

long
kinde_config_device_timeout(const kinde_config_t *cfg)
{
	return cfg->device_client_id != NULL ? cfg->device_timeout : 0;
}

const char *
kinde_config_cache_dir(const kinde_config_t *cfg)
{
	return cfg->cache_dir;
}

const char *
kinde_config_client_secret_file(const kinde_config_t *cfg)
{
	return cfg->client_secret_file;
}

const char *
kinde_config_state_dir(const kinde_config_t *cfg)
{
	return cfg->state_dir != NULL ? cfg->state_dir : KINDE_STATE_DIR;
}

bool
kinde_config_lockout_even_deny_root(const kinde_config_t *cfg)
{
	return cfg->lockout_even_deny_root;
}

struct limit_rule
kinde_config_limit(const kinde_config_t *cfg, enum limit_table t)
{
	switch (t) {
	case LIMIT_APIKEY:
		return cfg->ratelimit_apikey;
	case LIMIT_RHOST:
		return cfg->ratelimit_rhost;
	case LIMIT_USER:
		return cfg->ratelimit_user;
	case LIMIT_VERIFY:
		return cfg->ratelimit_verify;
	case LIMIT_FAIL:
		return (struct limit_rule){ cfg->lockout_deny,
					    cfg->lockout_interval };
	default:
		return (struct limit_rule){ 0, 0 };
	}
}

kinde_err_t
kinde_config_set_word(kinde_config_t *cfg, const char *word)
{
	const char *eq = strchr(word, '=');
	char key[64];
	kinde_err_t rc;

	if (eq == NULL) {
		rc = kinde_config_set(cfg, word, NULL);
	} else if ((size_t)(eq - word) >= sizeof(key)) {
		/* No option is this long: unknown, so refused. */
		rc = config_error(cfg, KINDE_E_CONFIG,
				  "an argument's key is too long to be an option");
	} else {
		memcpy(key, word, (size_t)(eq - word));
		key[eq - word] = '\0';
		rc = kinde_config_set(cfg, key, eq + 1);
	}
	/* Say where, as the file reader says file:line. */
	if (rc != KINDE_OK)
		errrec_prefix(&cfg->err, "%s: ", cfg->source);
	return rc;
}

bool
kinde_config_key_is_path(const char *key)
{
	const struct kinde_option *o = kinde_config_option(key);

	return o != NULL && o->type == OT_PATH;
}

void
kinde_config_drop_client_secret(kinde_config_t *cfg)
{
	free(cfg->client_secret_file);
	cfg->client_secret_file = NULL;
}

bool
kinde_config_wants_cache(const kinde_config_t *cfg)
{
	return client_wants_cache(cfg);
}

unsigned
kinde_config_origin_diff(const kinde_config_t *a, const kinde_config_t *b,
			 unsigned *secret)
{
	struct origin oa, ob;
	unsigned mask;

	origin_of(a, &oa);
	origin_of(b, &ob);
	mask = origin_diff(&oa, &ob);
	if (secret != NULL)
		*secret = mask & ORIGIN_SECRET_FIELDS;
	return mask;
}

void
kinde_config_origin_names(unsigned mask, char *buf, size_t len)
{
	origin_names(mask, buf, len);
}
