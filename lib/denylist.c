/*
 * denylist.c - deny_file: parsing, and the checks every login method
 * makes against it (denylist.h).
 */
#include "kinde-build.h"

#include "denylist.h"
#include "config.h"
#include "jws.h"
#include "safefile.h"
#include "verdict.h"

#include <stdlib.h>
#include <string.h>

static struct strlist *
kind_list(struct denylist *dl, const char *kind, size_t klen)
{
	static const char *const kinds[] = { "sub", "key_id", "jti", "kid" };
	struct strlist *lists[] = { &dl->sub, &dl->key_id, &dl->jti,
				    &dl->kid };
	size_t i;

	for (i = 0; i < KINDE_ARRAY_SIZE(kinds); i++)
		if (strlen(kinds[i]) == klen &&
		    memcmp(kinds[i], kind, klen) == 0)
			return lists[i];
	return NULL;
}

static bool
blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

/* One line (no newline, NUL-terminated, len bytes): KINDE_OK, or
 * KINDE_E_CONFIG / KINDE_E_NOMEM with why. */
static kinde_err_t
parse_line(struct denylist *dl, char *line, size_t len, struct errrec *why)
{
	struct strlist *l;
	char *p = line, *kind, *val, bad[64];
	size_t klen, vlen, i;

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	for (i = 0; i < len; i++)
		if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
		    (unsigned char)line[i] == 0x7f) {
			errrec_write(why, "a control character");
			return KINDE_E_CONFIG;
		}
	while (blank(*p))
		p++;
	if (*p == '\0' || *p == '#')
		return KINDE_OK;
	kind = p;
	while (*p != '\0' && !blank(*p))
		p++;
	klen = (size_t)(p - kind);
	while (blank(*p))
		p++;
	val = p;
	while (*p != '\0' && !blank(*p))
		p++;
	vlen = (size_t)(p - val);
	while (blank(*p))
		p++;
	l = kind_list(dl, kind, klen);
	if (l == NULL) {
		kind[klen] = '\0';
		kinde_escape(kind, bad, sizeof(bad));
		errrec_write(why, "\"%s\" is not sub, key_id, jti or kid", bad);
		return KINDE_E_CONFIG;
	}
	if (vlen == 0) {
		errrec_write(why, "%.*s names no value", (int)klen, kind);
		return KINDE_E_CONFIG;
	}
	if (*p != '\0') {
		errrec_write(why,
			     "one value a line (\"KIND VALUE\"); comments only on lines of their own");
		return KINDE_E_CONFIG;
	}
	val[vlen] = '\0';
	if (strlist_add(l, val) != 0) {
		errrec_write(why, "out of memory");
		return KINDE_E_NOMEM;
	}
	return KINDE_OK;
}

kinde_err_t
denylist_parse(struct denylist *dl, const char *name, const char *text,
	       size_t len, struct errrec *err)
{
	char line[DENYLIST_MAX_LINE + 2];
	struct errrec why;
	size_t pos = 0, n;
	const char *nl;
	unsigned lineno = 0;
	kinde_err_t rc;

	kinde_fmt(dl->name, sizeof(dl->name), "%s", name);
	while (pos < len) {
		lineno++;
		nl = memchr(text + pos, '\n', len - pos);
		n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		if (n > DENYLIST_MAX_LINE) {
			errrec_write(err, "%s:%u: line longer than %d bytes",
				     name, lineno, DENYLIST_MAX_LINE);
			return KINDE_E_CONFIG;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		errrec_clear(&why);
		/* An embedded NUL would shorten the value: refuse it. */
		if (memchr(line, '\0', n) != NULL)
			rc = errrec_fail(&why, KINDE_E_CONFIG, "a NUL byte");
		else
			rc = parse_line(dl, line, n, &why);
		if (rc != KINDE_OK) {
			errrec_write(err, "%s:%u: %s", name, lineno,
				     errrec_msg(&why));
			return rc;
		}
		pos += n + (nl ? 1 : 0);
	}
	return KINDE_OK;
}

void
denylist_clear(struct denylist *dl)
{
	strlist_clear(&dl->sub);
	strlist_clear(&dl->key_id);
	strlist_clear(&dl->jti);
	strlist_clear(&dl->kid);
}

void
denylist_free(struct denylist *dl)
{
	if (dl == NULL)
		return;
	denylist_clear(dl);
	free(dl);
}

kinde_err_t
denylist_load(const char *path, struct denylist **out, struct errrec *err)
{
	struct denylist *dl = NULL;
	char *buf = NULL;
	size_t len = 0;
	kinde_err_t rc;

	*out = NULL;
	rc = safefile_read(path, FILE_TRUSTED, DENYLIST_MAX_SIZE, &buf, &len,
			   NULL, err);
	if (rc != KINDE_OK)
		return rc == KINDE_E_UNSAFE || rc == KINDE_E_NOMEM ? rc :
		       KINDE_E_CONFIG;
	dl = calloc(1, sizeof(*dl));
	if (dl == NULL) {
		rc = KINDE_E_NOMEM;
		goto out;
	}
	rc = denylist_parse(dl, path, buf, len, err);
	if (rc == KINDE_OK) {
		*out = dl;
		dl = NULL;
	}
out:
	denylist_free(dl);
	free(buf);
	return rc;
}

bool
denylist_has(const struct denylist *dl, const char *kind, const char *value)
{
	struct strlist *l;

	if (dl == NULL || value == NULL)
		return false;
	l = kind_list((struct denylist *)dl, kind, strlen(kind));
	return l != NULL && strlist_has(l, value);
}

/* The first listed of the token's kid, sub and jti, into why; or -1. */
static int
token_listed(const struct denylist *dl, const char *kid, const json_t *claims,
	     char *why, size_t whylen)
{
	static const char *const kinds[] = { "sub", "jti" };
	const char *val;
	char esc[128];
	size_t i;

	if (denylist_has(dl, "kid", kid)) {
		kinde_escape(kid, esc, sizeof(esc));
		kinde_fmt(why, whylen, "the signing key (kid \"%s\") is listed in %s",
			  esc, dl->name);
		return 0;
	}
	for (i = 0; i < KINDE_ARRAY_SIZE(kinds); i++) {
		val = json_string_value(json_object_get(claims, kinds[i]));
		if (denylist_has(dl, kinds[i], val)) {
			kinde_escape(val, esc, sizeof(esc));
			kinde_fmt(why, whylen, "%s \"%s\" is listed in %s",
				  kinds[i], esc, dl->name);
			return 0;
		}
	}
	return -1;
}

int
denylist_check_token(const kinde_config_t *cfg, const char *kid,
		     const json_t *claims, kinde_verdict_t *v)
{
	char why[512];

	if (cfg->deny == NULL)
		return 0;
	if (token_listed(cfg->deny, kid, claims, why, sizeof(why)) == 0) {
		verdict_fail(v, "deny_file", KINDE_R_DENIED, "%s", why);
		return -1;
	}
	verdict_pass(v, "deny_file", "kid, sub and jti not listed in %s",
		     cfg->deny->name);
	return 0;
}

int
denylist_precheck_token(const kinde_config_t *cfg, const char *token,
			size_t len, kinde_verdict_t *v)
{
	kinde_verdict_t *scratch;
	json_t *claims = NULL;
	json_error_t jerr;
	struct jws j;
	char why[512];
	int rc = 0;

	if (cfg->deny == NULL)
		return 0;
	memset(&j, 0, sizeof(j));
	/* Parse errors are the validator's to report: a scratch verdict. */
	scratch = kinde_verdict_new(false);
	if (scratch == NULL)
		return 0;
	if (jws_parse(&j, token, len, cfg->algorithms, scratch) != 0)
		goto out;
	claims = jws_json_load(j.payload, j.payload_len, &jerr);
	if (token_listed(cfg->deny, j.kid, json_is_object(claims) ? claims :
			 NULL, why, sizeof(why)) == 0) {
		kinde_verdict_reset(v);
		if (j.kid != NULL)
			verdict_set_kid(v, j.kid);
		verdict_fail(v, "deny_file", KINDE_R_DENIED,
			     "%s (read from the token before its signature was checked; refused before any request)",
			     why);
		rc = -1;
	}
out:
	json_decref(claims);
	jws_release(&j);
	kinde_verdict_free(scratch);
	return rc;
}

bool
denylist_match_key(const kinde_config_t *cfg, const json_t *facts,
		   char *why, size_t whylen)
{
	const char *id = json_string_value(json_object_get(facts, "key_id"));
	const char *user = json_string_value(json_object_get(facts,
							     "user_id"));
	char esc[128];

	if (cfg->deny == NULL)
		return false;
	if (denylist_has(cfg->deny, "key_id", id)) {
		kinde_escape(id, esc, sizeof(esc));
		kinde_fmt(why, whylen, "key_id \"%s\" is listed in %s", esc,
			  cfg->deny->name);
		return true;
	}
	if (denylist_has(cfg->deny, "sub", user)) {
		kinde_escape(user, esc, sizeof(esc));
		kinde_fmt(why, whylen,
			  "the key's user (sub \"%s\") is listed in %s", esc,
			  cfg->deny->name);
		return true;
	}
	return false;
}
