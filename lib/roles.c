/*
 * roles.c - role rules over role keys (roles.h).
 */
#include "kinde-build.h"

#include "roles.h"
#include "config.h"

#include <string.h>

bool
roles_wanted(const kinde_config_t *cfg)
{
	return cfg->require_roles.n > 0 || cfg->allowed_roles.n > 0;
}

static void
join(const struct strlist *l, char *buf, size_t len)
{
	if (l->n == 0)
		kinde_fmt(buf, len, "none");
	else
		strlist_join_escaped((const char *const *)l->v, l->n, ", ",
				     buf, len);
}

int
roles_eval(const struct strlist *require_all,
	   const struct strlist *allow_any, const struct strlist *granted,
	   const char *what, char *detail, size_t len)
{
	const char *missing[32];
	char miss[256], have[256], any[256];
	size_t i, n = 0;
	bool one = allow_any->n == 0;

	for (i = 0; i < require_all->n; i++)
		if (!strlist_has(granted, require_all->v[i]) &&
		    n < KINDE_ARRAY_SIZE(missing))
			missing[n++] = require_all->v[i];
	for (i = 0; !one && i < allow_any->n; i++)
		one = strlist_has(granted, allow_any->v[i]);
	join(granted, have, sizeof(have));
	join(allow_any, any, sizeof(any));
	if (n > 0) {
		strlist_join_escaped(missing, n, ", ", miss, sizeof(miss));
		kinde_fmt(detail, len, "missing %s; %s has %s", miss, what,
			  have);
		return -1;
	}
	if (!one) {
		kinde_fmt(detail, len, "none of %s; %s has %s", any, what,
			  have);
		return -1;
	}
	kinde_fmt(detail, len, "%s has %s", what, have);
	return 0;
}

int
roles_from_claims(const json_t *claims, struct strlist *out)
{
	const json_t *roles = json_object_get(claims, "roles"), *r, *key;
	size_t i;

	if (roles == NULL || json_is_null(roles))
		return 0;
	if (!json_is_array(roles))
		return -1;
	json_array_foreach(roles, i, r) {
		key = json_object_get(r, "key");
		if (!json_is_object(r) || !json_is_string(key) ||
		    strlist_add(out, json_string_value(key)) != 0)
			return -1;
	}
	return 1;
}
