/*
 * usermap.c - which local user a verified identity may log in as.
 *
 * Explicit and never guessed: the identity's value (user_claim of a
 * token, the user_id of an API key, "org:<org_code>" for an organization
 * key) must be mapped to the PAM user by the map file, or equal it byte
 * for byte.  A valid token for alice never logs in bob.
 */
#include "kinde-build.h"

#include "usermap.h"
#include "config.h"
#include "safefile.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#define MAP_FILE_MAX (1024 * 1024)

const char *
usermap_identity(const kinde_config_t *cfg, const kinde_verdict_t *v,
		 bool is_apikey, char *buf, size_t buflen, char *why,
		 size_t whylen)
{
	const char *val, *org;

	if (is_apikey) {
		val = kinde_verdict_claim_string(v, "user_id");
		if (val != NULL)
			return val;
		org = kinde_verdict_claim_string(v, "org_code");
		if (org != NULL) {
			kinde_fmt(buf, buflen, "org:%s", org);
			return buf;
		}
		kinde_fmt(why, whylen,
			  "the API key belongs to no user and no organization");
		return NULL;
	}
	val = kinde_verdict_claim_string(v, cfg->user_claim);
	if (val == NULL) {
		kinde_fmt(why, whylen, "the token has no string claim \"%s\" (user_claim)",
			  cfg->user_claim);
		return NULL;
	}
	return val;
}

/* Whether `users` (comma-separated) names user. */
static bool
list_has(const char *users, const char *user)
{
	size_t ulen = strlen(user), n;

	while (*users != '\0') {
		n = strcspn(users, ",");
		if (n == ulen && strncmp(users, user, n) == 0)
			return true;
		users += n;
		if (*users == ',')
			users++;
	}
	return false;
}

/*
 * Calls fn(ctx, value, users) for each "<value> <user>[,<user>...]" line
 * of the map file until it returns nonzero (that is the result).  0 at
 * the end, -1 when the file cannot be read (why says why).
 */
static int
map_each(const char *path, int (*fn)(void *, const char *, const char *),
	 void *ctx, char *why, size_t whylen)
{
	char *buf = NULL, *line, *next, *sp;
	struct errrec err = { "" };
	size_t len;
	int rc = 0;

	if (safefile_read(path, FILE_TRUSTED, MAP_FILE_MAX, &buf, &len, NULL,
			  &err) != KINDE_OK) {
		kinde_fmt(why, whylen, "user_map_file %s", errrec_msg(&err));
		return -1;
	}
	for (line = buf; line != NULL && rc == 0; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line += strspn(line, " \t");
		if (*line == '#' || *line == '\0')
			continue;
		sp = line + strcspn(line, " \t");
		if (*sp == '\0')
			continue;	/* a value without users maps nobody */
		*sp++ = '\0';
		sp += strspn(sp, " \t");
		sp[strcspn(sp, " \t\r#")] = '\0';
		rc = fn(ctx, line, sp);
	}
	free(buf);
	return rc;
}

struct lookup {
	const char *value, *user;
	bool found;
	struct strlist *values;	/* usermap_reverse */
};

static int
lookup_line(void *ctx, const char *value, const char *users)
{
	struct lookup *l = ctx;

	if (strcmp(value, l->value) != 0)
		return 0;
	l->found = true;
	return list_has(users, l->user);
}

/*
 * Looks value up in the map file.  1 mapped to user, 0 not (why says
 * whether the value is unmapped or mapped elsewhere), -1 file error.
 */
static int
map_lookup(const char *path, const char *value, const char *user,
	   char *why, size_t whylen)
{
	struct lookup l = { value, user, false, NULL };
	char esc[128], uesc[128];
	bool found;
	int rc;

	rc = map_each(path, lookup_line, &l, why, whylen);
	found = l.found;
	if (rc == 0) {
		kinde_escape(value, esc, sizeof(esc));
		kinde_escape(user, uesc, sizeof(uesc));
		if (found)
			kinde_fmt(why, whylen,
				  "identity %s is not mapped to local user %s in %s",
				  esc, uesc, path);
		else
			kinde_fmt(why, whylen, "identity %s has no entry in %s",
				  esc, path);
	}
	return rc;
}

static int
reverse_line(void *ctx, const char *value, const char *users)
{
	struct lookup *l = ctx;

	if (!list_has(users, l->user) || strlist_has(l->values, value))
		return 0;
	return strlist_add(l->values, value) != 0 ? -1 : 0;
}

static int
forward_line(void *ctx, const char *value, const char *users)
{
	struct lookup *l = ctx;
	char *copy, *p, *save = NULL;
	int rc = 0;

	if (strcmp(value, l->value) != 0)
		return 0;
	if ((copy = strdup(users)) == NULL)
		return -1;
	for (p = strtok_r(copy, ",", &save); p != NULL && rc == 0;
	     p = strtok_r(NULL, ",", &save))
		if (!strlist_has(l->values, p) && strlist_add(l->values, p))
			rc = -1;
	free(copy);
	return rc;
}

int
usermap_forward(const kinde_config_t *cfg, const char *value,
		struct strlist *users, char *why, size_t whylen)
{
	struct lookup l = { value, NULL, false, users };

	why[0] = '\0';
	if (cfg->user_map_file == NULL)
		return strlist_add(users, value) != 0 ? -1 : 0;
	return map_each(cfg->user_map_file, forward_line, &l, why, whylen) ?
	       -1 : 0;
}

int
usermap_reverse(const kinde_config_t *cfg, const char *user,
		struct strlist *values, char *why, size_t whylen)
{
	struct lookup l = { NULL, user, false, values };
	int rc;

	why[0] = '\0';
	if (cfg->user_map_file == NULL)
		rc = strlist_add(values, user);
	else
		rc = map_each(cfg->user_map_file, reverse_line, &l, why,
			      whylen);
	if (rc != 0 && why[0] == '\0')
		kinde_fmt(why, whylen, "out of memory");
	return rc != 0 ? -1 : 0;
}

int
usermap_check(const kinde_config_t *cfg, const kinde_verdict_t *v,
	      bool is_apikey, const char *user, char *why, size_t whylen)
{
	char buf[512];
	const char *value;

	value = usermap_identity(cfg, v, is_apikey, buf, sizeof(buf), why,
				 whylen);
	if (value == NULL)
		return -1;
	return usermap_check_identity(cfg, value, is_apikey, user, why,
				      whylen);
}

int
usermap_check_identity(const kinde_config_t *cfg, const char *value,
		       bool is_apikey, const char *user, char *why,
		       size_t whylen)
{
	char esc[256], uesc[128];
	size_t vlen, dlen;
	int r;

	if (cfg->user_map_file != NULL) {
		r = map_lookup(cfg->user_map_file, value, user, why, whylen);
		return r == 1 ? 0 : r == 0 ? -1 : -2;
	}
	vlen = strlen(value);
	if (!is_apikey && cfg->strip_domain != NULL) {
		dlen = strlen(cfg->strip_domain);
		if (vlen > dlen + 1 && value[vlen - dlen - 1] == '@' &&
		    strcasecmp(value + vlen - dlen, cfg->strip_domain) == 0)
			vlen -= dlen + 1;
	}
	if (vlen == strlen(user) && memcmp(value, user, vlen) == 0)
		return 0;
	kinde_escape(value, esc, sizeof(esc));
	kinde_escape(user, uesc, sizeof(uesc));
	kinde_fmt(why, whylen,
		  "identity %s is not local user %s (no user_map_file; the value must equal the user name)",
		  esc, uesc);
	return -1;
}
