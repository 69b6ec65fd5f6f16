/*
 * mgmt.h - the calls of Kinde's Management API that the account checks
 * make, and strict parsers of their replies.
 *
 *   GET /api/v1/user?id=U&expand=organizations        read:users
 *   GET /api/v1/organizations/O/users                  read:organization_users
 *   GET /api/v1/organizations/O/users/U/roles          read:organization_user_roles
 *   GET /api/v1/organizations/O/users/U/permissions    read:organization_user_permissions
 *
 * The lists are paged by next_token.  Each call takes the core's M2M
 * token for the audience <domain>/api (m2m.c, cached).
 *
 * The parsers are pure functions of (bytes, length) to a struct, for the
 * fuzz target: they check every type, refuse duplicate keys, and cap the
 * size of the reply, of each string and the number of items.
 */
#ifndef KINDE_MGMT_H
#define KINDE_MGMT_H

#include "kinde.h"
#include "errrec.h"
#include "util.h"

#include <stdbool.h>
#include <stddef.h>

#define MGMT_REPLY_MAX (1024 * 1024)
#define MGMT_ID_MAX 128		/* a user id, org code, role or permission key */
#define MGMT_TOKEN_MAX 1024	/* next_token */
#define MGMT_ITEMS_MAX 1000	/* items of one page, organizations of a user */
#define MGMT_PAGES_MAX 100	/* pages of one list */

struct mgmt_user {
	char id[MGMT_ID_MAX + 1];
	bool is_suspended;
	bool has_orgs;		/* the reply listed the user's organizations */
	struct strlist orgs;	/* their codes */
};

/*
 * A GET /api/v1/user reply: an object with a string "id", a boolean
 * "is_suspended" and, when expanded, "organizations" (an array of org
 * codes).  0, or -1 with err recording what is wrong.  Clear u after either.
 */
int mgmt_parse_user(const char *buf, size_t len, struct mgmt_user *u,
		    struct errrec *err);
void mgmt_user_clear(struct mgmt_user *u);

/* One page of a list. */
struct mgmt_page {
	struct strlist items;	/* the field of each element */
	char next_token[MGMT_TOKEN_MAX + 1];	/* "" on the last page */
};

/*
 * A page {"<array>": [{"<field>": "...", ...}, ...], "next_token": ...}:
 * array absent or null is an empty page (Kinde omits empty lists);
 * next_token a string, null or absent.  0, or -1 with err.  Clear p
 * after either.
 */
int mgmt_parse_page(const char *buf, size_t len, const char *array,
		    const char *field, struct mgmt_page *p,
		    struct errrec *err);
void mgmt_page_clear(struct mgmt_page *p);

/*
 * The first error of {"errors":[{"code","message"}]}, escaped for a log
 * line.  0, or -1 when the body is not of that shape (code and msg "").
 */
int mgmt_parse_error(const char *buf, size_t len, char *code, size_t codelen,
		     char *msg, size_t msglen);

/* Whether s may stand in a URL path unescaped: [A-Za-z0-9_.-]{1,128}. */
bool mgmt_id_ok(const char *s);

/*
 * The calls.  KINDE_OK with *found false when Kinde answered 404 (no
 * such user, organization or membership); KINDE_E_UNAVAILABLE /
 * KINDE_E_RATELIMITED when it could not answer; KINDE_E_CONFIG for a
 * refused M2M token or a missing scope (the client error names it).
 */
kinde_err_t mgmt_get_user(kinde_client_t *c, const char *user_id,
			  struct mgmt_user *u, bool *found);
/* Pages through the organization's users until user_id appears. */
kinde_err_t mgmt_org_has_user(kinde_client_t *c, const char *org,
			      const char *user_id, bool *member, bool *found);
/* The keys of the user's roles (permissions: false) or permissions in
 * org, every page. */
kinde_err_t mgmt_user_keys(kinde_client_t *c, const char *org,
			   const char *user_id, bool permissions,
			   struct strlist *keys, bool *found);

#endif
