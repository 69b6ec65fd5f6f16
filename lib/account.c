/*
 * account.c - the account check: may this Kinde user log in now?  Asked
 * of the Management API (mgmt.c), decided against the host's policy
 * (allowed_orgs, require_roles, allowed_roles, require_permissions) and
 * cached briefly on disk, so that a burst of logins does not burst the
 * API.  A decision is of an origin (origin.h), an M2M client, a user, the
 * login's organization and the policy: an entry records all of them and
 * is believed only by a reader whose own are the same.
 *
 * Refusals are cached too (for the same TTL): a removed user's retries
 * cost the issuer nothing.  When Kinde cannot be asked, a cached
 * decision younger than account_max_stale decides (default 0: none, the
 * login fails closed); either way the log says so.
 */
#include "kinde-build.h"

#include "client.h"
#include "config.h"
#include "log.h"
#include "mgmt.h"
#include "policy.h"
#include "roles.h"
#include "usermap.h"
#include "verdict.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ACCOUNT_PREFIX "account"
/* A decision stamped further ahead than this is not believed. */
#define ACCOUNT_FUTURE_SKEW 300

static bool
is_user_id(const char *s)
{
	return strncmp(s, "kp_", 3) == 0 && mgmt_id_ok(s);
}

int
kinde_account_lookup(const kinde_config_t *cfg, const char *user, char *id,
		     size_t idlen, char *why, size_t whylen)
{
	struct strlist values = { 0 }, ids = { 0 };
	char list[256], uesc[128];
	size_t i;
	int rc;

	id[0] = '\0';
	kinde_escape(user, uesc, sizeof(uesc));
	if (usermap_reverse(cfg, user, &values, why, whylen) != 0) {
		rc = -3;
		goto out;
	}
	for (i = 0; i < values.n; i++)
		if (is_user_id(values.v[i]) && strlist_add(&ids, values.v[i]))
			break;
	strlist_join_escaped((const char *const *)ids.v, ids.n, ", ", list,
			     sizeof(list));
	if (ids.n == 1) {
		kinde_fmt(id, idlen, "%s", ids.v[0]);
		rc = 0;
	} else if (ids.n > 1) {
		kinde_fmt(why, whylen,
			  "%zu Kinde users map to local user %s (%s): a login that did not authenticate with Kinde cannot tell which",
			  ids.n, uesc, list);
		rc = -2;
	} else {
		kinde_fmt(why, whylen,
			  cfg->user_map_file ?
			  "no Kinde user id (kp_...) maps to local user %s in user_map_file" :
			  "local user %s is not a Kinde user id, and there is no user_map_file to map it",
			  uesc);
		rc = -1;
	}
out:
	strlist_clear(&values);
	strlist_clear(&ids);
	return rc;
}

int
kinde_account_local_users(const kinde_config_t *cfg, const char *id,
			  char *users, size_t len)
{
	struct strlist l = { 0 };
	char why[512];
	int rc;

	users[0] = '\0';
	rc = usermap_forward(cfg, id, &l, why, sizeof(why));
	if (rc == 0)
		strlist_join((const char *const *)l.v, l.n, ",", users, len);
	strlist_clear(&l);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Deciding, live */

struct acct {
	kinde_client_t *c;
	const kinde_config_t *cfg;
	const char *id, *hint;
	bool live, roles_only;
	kinde_verdict_t *v;
	json_t *facts;		/* what was measured */
	char chosen[MGMT_ID_MAX + 1];
};

static json_t *
strlist_json(const struct strlist *l)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

/* facts.orgs[org], made on first use (borrowed). */
static json_t *
org_facts(struct acct *a, const char *org)
{
	json_t *orgs = json_object_get(a->facts, "orgs"), *o;

	if (orgs == NULL) {
		orgs = json_object();
		json_object_set_new(a->facts, "orgs", orgs);
	}
	o = json_object_get(orgs, org);
	if (o == NULL) {
		o = json_object();
		json_object_set_new(orgs, org, o);
	}
	return o;
}

static kinde_err_t
is_member(struct acct *a, const struct mgmt_user *u, const char *org,
	  bool *member)
{
	bool found;

	if (u->has_orgs) {
		*member = strlist_has(&u->orgs, org);
		return KINDE_OK;
	}
	/* An organization that does not exist has no members. */
	return mgmt_org_has_user(a->c, org, a->id, member, &found);
}

/* The organizations to look in: the login's, else allowed_orgs, else
 * (only where rules need one) the user's own. */
static int
candidates(struct acct *a, const struct mgmt_user *u, bool need_rules,
	   struct strlist *out)
{
	const struct strlist *src = &a->cfg->allowed_orgs;
	size_t i;

	if (a->hint != NULL)
		return strlist_add(out, a->hint);
	if (src->n == 0 && (need_rules || a->live))
		src = &u->orgs;
	for (i = 0; i < src->n; i++)
		if (strlist_add(out, src->v[i]) != 0)
			return -1;
	return 0;
}

/* Membership in the candidates: the members go to *members. */
static kinde_err_t
check_orgs(struct acct *a, const struct mgmt_user *u, bool need_rules,
	   struct strlist *members)
{
	const kinde_config_t *cfg = a->cfg;
	struct strlist cand = { 0 };
	char list[256], have[256], esc[160];
	bool need = a->hint != NULL || cfg->allowed_orgs.n > 0, m;
	kinde_err_t rc = KINDE_OK;
	size_t i;

	if (a->hint != NULL && cfg->allowed_orgs.n > 0 &&
	    !strlist_has(&cfg->allowed_orgs, a->hint)) {
		kinde_escape(a->hint, esc, sizeof(esc));
		verdict_fail(a->v, "org", KINDE_R_NOT_MEMBER,
			     "the login's organization %s is not in allowed_orgs",
			     esc);
		return KINDE_OK;
	}
	if (candidates(a, u, need_rules, &cand) != 0)
		return KINDE_E_NOMEM;
	for (i = 0; i < cand.n && rc == KINDE_OK; i++) {
		rc = is_member(a, u, cand.v[i], &m);
		if (rc != KINDE_OK)
			break;
		json_object_set_new(org_facts(a, cand.v[i]), "member",
				    json_boolean(m));
		if (m && strlist_add(members, cand.v[i]) != 0)
			rc = KINDE_E_NOMEM;
	}
	if (rc != KINDE_OK)
		goto out;
	strlist_join_escaped((const char *const *)cand.v, cand.n, ", ", list,
			     sizeof(list));
	if (!need) {
		verdict_skip(a->v, "org", "no allowed_orgs and no organization in the login");
	} else if (members->n == 0) {
		if (u->has_orgs && u->orgs.n > 0)
			strlist_join_escaped((const char *const *)u->orgs.v,
					     u->orgs.n, ", ", have,
					     sizeof(have));
		else
			kinde_fmt(have, sizeof(have), u->has_orgs ? "none" :
				  "not listed");
		verdict_fail(a->v, "org", KINDE_R_NOT_MEMBER,
			     "%s is not a member of %s (%s); its organizations: %s",
			     a->id, list, a->hint ? "the login's organization" :
			     "allowed_orgs", have);
	} else {
		strlist_join_escaped((const char *const *)members->v,
				     members->n, ", ", have, sizeof(have));
		verdict_pass(a->v, "org", "member of %s", have);
	}
out:
	strlist_clear(&cand);
	return rc;
}

/* The pass details of rv's checks, "; "-joined into detail. */
static void
pass_details(const kinde_verdict_t *rv, char *detail, size_t len)
{
	size_t i, used = 0;

	detail[0] = '\0';
	for (i = 0; i < rv->nchecks; i++)
		if (rv->checks[i].status == 1 && rv->checks[i].detail) {
			kinde_fmt(detail + used, len - used, "%s%s",
				  used ? "; " : "", rv->checks[i].detail);
			used = strlen(detail);
		}
}

/* Roles and permissions in org, judged by the policy routine
 * (policy_check_member): *ok when the rules hold there, else *r and
 * detail say which failed. */
static kinde_err_t
check_rules_in(struct acct *a, const char *org, bool *ok, kinde_reason_t *r,
	       char *detail, size_t len)
{
	const kinde_config_t *cfg = a->cfg;
	struct strlist roles = { 0 }, perms = { 0 };
	bool want_roles = roles_wanted(cfg) || a->live;
	bool want_perms = !a->roles_only &&
			  (cfg->require_permissions.n > 0 || a->live);
	char what[300];
	json_t *of = org_facts(a, org);
	kinde_verdict_t *rv = NULL;
	kinde_err_t rc = KINDE_OK;
	bool found;

	kinde_fmt(what, sizeof(what), "%s in %s", a->id, org);
	if (want_roles) {
		rc = mgmt_user_keys(a->c, org, a->id, false, &roles, &found);
		if (rc != KINDE_OK)
			goto out;
		json_object_set_new(of, "roles", strlist_json(&roles));
	}
	if (want_perms) {
		rc = mgmt_user_keys(a->c, org, a->id, true, &perms, &found);
		if (rc != KINDE_OK)
			goto out;
		json_object_set_new(of, "permissions", strlist_json(&perms));
	}
	/* A verdict of this organization alone: the caller records one. */
	if ((rv = kinde_verdict_new(true)) == NULL) {
		rc = KINDE_E_NOMEM;
		goto out;
	}
	*ok = policy_check_member(cfg, &roles,
				  a->roles_only ? NULL : &perms, what,
				  rv) == 0;
	*r = rv->reason;
	if (*ok)
		pass_details(rv, detail, len);
	else
		kinde_fmt(detail, len, "%s", errrec_msg(&rv->detail));
out:
	kinde_verdict_free(rv);
	strlist_clear(&roles);
	strlist_clear(&perms);
	return rc;
}

static kinde_err_t
check_rules(struct acct *a, const struct strlist *members)
{
	const kinde_config_t *cfg = a->cfg;
	bool need = roles_wanted(cfg) ||
		    (!a->roles_only && cfg->require_permissions.n > 0), ok;
	const char *check = roles_wanted(cfg) ? "role" : "permission";
	kinde_reason_t r, first_r = KINDE_R_NONE;
	char detail[512], first[512] = "", pass[512] = "";
	kinde_err_t rc = KINDE_OK;
	size_t i;

	for (i = 0; i < members->n && (need || a->live); i++) {
		rc = check_rules_in(a, members->v[i], &ok, &r, detail,
				    sizeof(detail));
		if (rc != KINDE_OK)
			return rc;
		if (ok && a->chosen[0] == '\0') {
			kinde_fmt(a->chosen, sizeof(a->chosen), "%s",
				  members->v[i]);
			kinde_fmt(pass, sizeof(pass), "%s", detail);
			if (!a->live)
				break;
		} else if (!ok && first_r == KINDE_R_NONE) {
			first_r = r;
			kinde_fmt(first, sizeof(first), "%s", detail);
		}
	}
	if (!need) {
		verdict_skip(a->v, "role", "no role or permission rule");
		if (a->chosen[0] == '\0' && members->n > 0)
			kinde_fmt(a->chosen, sizeof(a->chosen), "%s",
				  members->v[0]);
	} else if (a->chosen[0] != '\0') {
		verdict_pass(a->v, check, "%s", pass);
	} else if (first_r != KINDE_R_NONE) {
		verdict_fail(a->v, first_r == KINDE_R_ROLE ? "role" :
			     "permission", first_r, "%s", first);
	} else {
		verdict_fail(a->v, check, roles_wanted(cfg) ? KINDE_R_ROLE :
			     KINDE_R_PERMISSION,
			     "%s is in no organization (%s) to hold roles or permissions in",
			     a->id, cfg->allowed_orgs.n || a->hint ?
			     "of the login or allowed_orgs" : "at all");
	}
	return KINDE_OK;
}

static kinde_err_t
decide(struct acct *a)
{
	struct mgmt_user u;
	struct strlist members = { 0 };
	bool found, need_rules;
	kinde_err_t rc;

	rc = mgmt_get_user(a->c, a->id, &u, &found);
	if (rc != KINDE_OK)
		goto out;
	json_object_set_new(a->facts, "exists", json_boolean(found));
	if (!found) {
		verdict_fail(a->v, "user", KINDE_R_USER, "Kinde has no user %s",
			     a->id);
		goto out;
	}
	verdict_pass(a->v, "user", "%s exists", a->id);
	if (u.has_orgs)
		json_object_set_new(a->facts, "organizations",
				    strlist_json(&u.orgs));
	if (!a->roles_only) {
		json_object_set_new(a->facts, "is_suspended",
				    json_boolean(u.is_suspended));
		if (u.is_suspended)
			verdict_fail(a->v, "suspended", KINDE_R_SUSPENDED,
				     "Kinde user %s is suspended", a->id);
		else
			verdict_pass(a->v, "suspended", "is_suspended false");
		if (verdict_failed(a->v) && !a->live)
			goto out;
	}
	need_rules = roles_wanted(a->cfg) ||
		     (!a->roles_only && a->cfg->require_permissions.n > 0);
	rc = check_orgs(a, &u, need_rules, &members);
	if (rc != KINDE_OK || (verdict_failed(a->v) && !a->live))
		goto out;
	rc = check_rules(a, &members);
out:
	if (rc == KINDE_OK && verdict_failed(a->v))
		rc = KINDE_E_REJECTED;
	strlist_clear(&members);
	mgmt_user_clear(&u);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The decision cache */

struct entry_key {
	char policy[2048];
	char name[CACHE_NAME_MAX];
};

static void
join_into(const struct strlist *l, char *buf, size_t len)
{
	strlist_join((const char *const *)l->v, l->n, ",", buf, len);
}

static void
entry_key(const kinde_client_t *c, const char *id, const char *hint,
	  unsigned flags, struct entry_key *k)
{
	const kinde_config_t *cfg = c->cfg;
	char orgs[512], req[512], any[512], perms[512];

	join_into(&cfg->allowed_orgs, orgs, sizeof(orgs));
	join_into(&cfg->require_roles, req, sizeof(req));
	join_into(&cfg->allowed_roles, any, sizeof(any));
	join_into(&cfg->require_permissions, perms, sizeof(perms));
	/* The policy the decision was made under, in the entry and its
	 * name: another policy is another decision. */
	kinde_fmt(k->policy, sizeof(k->policy),
		  "%s|orgs=%s|require_roles=%s|allowed_roles=%s|require_permissions=%s",
		  flags & KINDE_ACCOUNT_ROLES ? "roles" : "account", orgs,
		  req, any, perms);
	cache_name(k->name, sizeof(k->name), ACCOUNT_PREFIX, c->origin.id,
		   cfg->client_id ? cfg->client_id : "", id, hint ? hint : "",
		   k->policy, (const char *)NULL);
}

struct cached {
	int64_t decided_at;
	kinde_reason_t reason;
	char detail[512];
	char org[MGMT_ID_MAX + 1];
};

static kinde_reason_t
reason_by_name(const char *name)
{
	int r;

	for (r = 0; name != NULL && r < KINDE_R__COUNT; r++)
		if (strcmp(kinde_reason_name((kinde_reason_t)r), name) == 0)
			return (kinde_reason_t)r;
	return KINDE_R__COUNT;
}

/* 0 when the entry of k is this request's and well formed. */
static int
cache_read(kinde_client_t *c, const struct entry_key *k, const char *id,
	   const char *hint, struct cached *out)
{
	const char *client_id = c->cfg->client_id ? c->cfg->client_id : "";
	struct cache_entry e;
	const json_t *at, *detail, *org;
	int rc = -1;

	if (cache_get(&c->cache, k->name, &e) != KINDE_OK)
		return -1;
	at = json_object_get(e.meta, "decided_at");
	detail = json_object_get(e.meta, "detail");
	org = json_object_get(e.meta, "org");
	out->reason = reason_by_name(json_string_value(json_object_get(e.meta,
								       "reason")));
	if (client_origin_check(c, e.meta, "account decision") != 0 ||
	    !cache_meta_is(e.meta, "client_id", client_id) ||
	    !cache_meta_is(e.meta, "user_id", id) ||
	    !cache_meta_is(e.meta, "org_hint", hint ? hint : "") ||
	    !cache_meta_is(e.meta, "policy", k->policy) || !json_is_integer(at) ||
	    !json_is_string(detail) || !json_is_string(org) ||
	    out->reason == KINDE_R__COUNT ||
	    json_integer_value(at) > client_now(c) + ACCOUNT_FUTURE_SKEW)
		goto out;
	out->decided_at = json_integer_value(at);
	kinde_fmt(out->detail, sizeof(out->detail), "%s",
		  json_string_value(detail));
	kinde_fmt(out->org, sizeof(out->org), "%s", json_string_value(org));
	rc = 0;
out:
	cache_entry_clear(&e);
	return rc;
}

static void
cache_write(kinde_client_t *c, const struct entry_key *k, const char *id,
	    const char *hint, const kinde_verdict_t *v, const char *org)
{
	const kinde_config_t *cfg = c->cfg;
	json_t *meta;

	meta = json_pack("{s:o, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s}",
			 "origin", origin_json(&c->origin), "client_id",
			 cfg->client_id ? cfg->client_id : "", "user_id", id,
			 "org_hint", hint ? hint : "", "policy", k->policy,
			 "decided_at", (json_int_t)time(NULL), "reason",
			 kinde_reason_name(v->reason), "detail",
			 errrec_msg(&v->detail), "org", org);
	if (meta == NULL ||
	    cache_put(&c->cache, k->name, meta, "", 0) != KINDE_OK)
		kinde_log(cfg, LOG_DEBUG, "account decision not cached");
	json_decref(meta);
}

static const char *
check_of(kinde_reason_t r)
{
	switch (r) {
	case KINDE_R_SUSPENDED:
		return "suspended";
	case KINDE_R_NOT_MEMBER:
		return "org";
	case KINDE_R_ROLE:
		return "role";
	case KINDE_R_PERMISSION:
		return "permission";
	default:
		return "user";
	}
}

/* Applies a cached decision to v and info. */
static kinde_err_t
apply_cached(const char *id, const struct cached *e, const char *source,
	     int64_t now, kinde_verdict_t *v, struct kinde_account_info *info)
{
	json_t *claims = json_pack("{s:s, s:s}", "sub", id, "org_code", e->org);

	verdict_set_claims(v, claims);
	json_decref(claims);
	kinde_fmt(info->source, sizeof(info->source), "%s", source);
	kinde_fmt(info->org, sizeof(info->org), "%s", e->org);
	info->decided_at = e->decided_at;
	verdict_pass(v, "cache", "the decision of %llds ago (%s)",
		     (long long)(now - e->decided_at), source);
	if (e->reason == KINDE_R_NONE)
		return KINDE_OK;
	verdict_fail(v, check_of(e->reason), e->reason, "%s", e->detail);
	return KINDE_E_REJECTED;
}

static kinde_err_t
account_check(kinde_client_t *c, const char *id, const char *hint,
	      unsigned flags, kinde_verdict_t *v,
	      struct kinde_account_info *info)
{
	const kinde_config_t *cfg = c->cfg;
	struct acct a = { c, cfg, id, hint, (flags & KINDE_ACCOUNT_LIVE) != 0,
			  (flags & KINDE_ACCOUNT_ROLES) != 0, v, NULL, "" };
	struct entry_key k;
	struct cached e;
	int64_t now = client_now(c);
	char esc[160];
	kinde_err_t rc;
	int lock = -1;

	memset(info, 0, sizeof(*info));
	kinde_verdict_reset(v);
	client_clear_error(c);
	if (!is_user_id(id)) {
		kinde_escape(id, esc, sizeof(esc));
		verdict_fail(v, "user", KINDE_R_USER,
			     "\"%s\" is not a Kinde user id (kp_...)", esc);
		return KINDE_E_REJECTED;
	}
	if (hint != NULL && !mgmt_id_ok(hint)) {
		verdict_fail(v, "org", KINDE_R_NOT_MEMBER,
			     "the login's organization code is not usable");
		return KINDE_E_REJECTED;
	}
	entry_key(c, id, hint, flags, &k);
	if (!a.live && cfg->account_cache_ttl > 0 &&
	    cache_read(c, &k, id, hint, &e) == 0 &&
	    now - e.decided_at < cfg->account_cache_ttl)
		return apply_cached(id, &e, "cache", now, v, info);
	/* A burst of logins of one user asks Kinde once. */
	if (!a.live) {
		lock = cache_lock(&c->cache, k.name, cfg->timeout * 1000);
		if (cfg->account_cache_ttl > 0 &&
		    cache_read(c, &k, id, hint, &e) == 0 &&
		    now - e.decided_at < cfg->account_cache_ttl) {
			rc = apply_cached(id, &e, "cache", now, v, info);
			goto out;
		}
	}
	/* Only now would requests go out: the host's budget (as for an
	 * API-key verification) is spent here, never on a cached answer. */
	if (!a.live && c->verify_gate != NULL &&
	    (rc = c->verify_gate(c->verify_gate_ctx)) != KINDE_OK) {
		client_error(c, rc, "this host's budget of requests to Kinde (ratelimit_verify, ratelimit_rhost) is spent; not asked");
		goto unavailable;
	}
	a.facts = json_pack("{s:s}", "sub", id);
	if (a.facts == NULL) {
		rc = KINDE_E_NOMEM;
		goto out;
	}
	rc = decide(&a);
	if (rc != KINDE_OK && rc != KINDE_E_REJECTED)
		goto unavailable;
	json_object_set_new(a.facts, "org_code", json_string(a.chosen));
	verdict_set_claims(v, a.facts);
	kinde_fmt(info->source, sizeof(info->source), "network");
	kinde_fmt(info->org, sizeof(info->org), "%s", a.chosen);
	info->decided_at = (int64_t)time(NULL);
	if (!a.live && (cfg->account_cache_ttl > 0 ||
			cfg->account_max_stale > 0))
		cache_write(c, &k, id, hint, v, a.chosen);
	goto out;
unavailable:
	kinde_fmt(info->unavailable, sizeof(info->unavailable), "%s",
		  errrec_isset(&c->err) ? errrec_msg(&c->err) :
		  kinde_strerror(rc));
	if (rc != KINDE_E_UNAVAILABLE && rc != KINDE_E_RATELIMITED)
		goto failed;
	if (!a.live && cfg->account_max_stale > 0 &&
	    cache_read(c, &k, id, hint, &e) == 0 &&
	    now - e.decided_at < cfg->account_max_stale) {
		kinde_log(cfg, LOG_WARNING,
			  "account check of %s: Kinde cannot be asked (%s); the cached decision of %llds ago decides (account_max_stale %ld)",
			  id, info->unavailable,
			  (long long)(now - e.decided_at),
			  cfg->account_max_stale);
		kinde_verdict_reset(v);
		rc = apply_cached(id, &e, "stale cache", now, v, info);
		goto out;
	}
	kinde_log(cfg, LOG_WARNING,
		  "account check of %s: Kinde cannot be asked (%s) and no cached decision is younger than account_max_stale (%lds): failing closed",
		  id, info->unavailable, cfg->account_max_stale);
failed:
	verdict_fail(v, "issuer", verdict_reason_for_error(rc), "%s",
		     info->unavailable);
out:
	cache_unlock(lock);
	json_decref(a.facts);
	return rc;
}

kinde_err_t
kinde_client_account_check(kinde_client_t *c, const char *user_id,
			   const char *org_hint, unsigned flags,
			   kinde_verdict_t *v, struct kinde_account_info *info)
{
	kinde_err_t rc;

	client_op_begin(c);
	rc = account_check(c, user_id, org_hint, flags, v, info);
	client_op_end(c);
	return rc;
}
