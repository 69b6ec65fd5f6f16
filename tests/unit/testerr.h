/*
 * testerr.h - the core's calls that record an error (lib/errrec.h), with
 * the message copied into a test's char buffer: the tests compare
 * messages as strings, and every call starts with a fresh recorder (a
 * recorder keeps its first message, so one reused across calls would
 * show the first call's).
 */
#ifndef KINDE_TESTERR_H
#define KINDE_TESTERR_H

#include "authmac.h"
#include "cache.h"
#include "denylist.h"
#include "errrec.h"
#include "jwk.h"
#include "safefile.h"

static inline int
t_jwk_parse(const json_t *obj, struct jwk **out, char *why, size_t len)
{
	struct errrec e = { "" };
	int rc = jwk_parse(obj, out, &e);

	errrec_copy(&e, why, len);
	return rc;
}

static inline kinde_err_t
t_safefile_read(const char *path, enum file_policy policy, size_t max,
		char **buf, size_t *len, bool *missing, char *err,
		size_t errlen)
{
	struct errrec e = { "" };
	kinde_err_t rc = safefile_read(path, policy, max, buf, len, missing,
				       &e);

	errrec_copy(&e, err, errlen);
	return rc;
}

static inline kinde_err_t
t_cache_open(const kinde_config_t *conf, struct kcache *c, char *err,
	     size_t errlen)
{
	struct errrec e = { "" };
	kinde_err_t rc = cache_open(conf, c, &e);

	errrec_copy(&e, err, errlen);
	return rc;
}

/* authmac_key_load takes a buffer (kinde.h's form) already. */
#define t_authmac_key_load authmac_key_load

static inline kinde_err_t
t_denylist_parse(struct denylist *dl, const char *name, const char *text,
		 size_t len, char *err, size_t errlen)
{
	struct errrec e = { "" };
	kinde_err_t rc = denylist_parse(dl, name, text, len, &e);

	errrec_copy(&e, err, errlen);
	return rc;
}

static inline kinde_err_t
t_denylist_load(const char *path, struct denylist **out, char *err,
		size_t errlen)
{
	struct errrec e = { "" };
	kinde_err_t rc = denylist_load(path, out, &e);

	errrec_copy(&e, err, errlen);
	return rc;
}

#endif
