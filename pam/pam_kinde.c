/*
 * pam_kinde.c - the PAM entry points.
 *
 *   auth     required  pam_kinde.so [key=value ...]
 *   account  required  pam_kinde.so
 *
 * Authentication takes a Kinde access token or API key from the
 * conversation, has the core verify it, maps the identity to the PAM user
 * and logs the decision.  Every path that is not an explicit acceptance
 * returns an error code: nothing fails open.
 */
#include "kinde-build.h"

#include "pam_kinde.h"
#include "pam_limit.h"
#include "authmac.h"
#include "b64url.h"
#include "config.h"
#include "usermap.h"
#include "verdict.h"
#include "util.h"

#include <ctype.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

/*
 * What sshd answers for a user that does not exist: this junk repeated to
 * the length of what the client sent (auth-pam.c, fake_password()).
 */
static const char sshd_junk[] = "\b\n\r\177INCORRECT";

/* The OpenSSH client cuts keyboard-interactive answers here. */
#define SSH_ANSWER_MAX 1023
#define USER_MAX 256

enum method { METHOD_TOKEN, METHOD_APIKEY, METHOD_DEVICE };

static const char *const method_names[] = { "token", "apikey", "device" };

/* PAM environment the account stage reads (sshd forks between stages). */
static const char *const env_names[] = {
	"KINDE_SUB", "KINDE_ORG_CODE", "KINDE_SCOPES", "KINDE_EXP",
	"KINDE_AUTH_METHOD", "KINDE_AUTH_MAC",
};

/*
 * What the auth stage decided, for the account stage of the same process
 * (su, sudo, login, sshd's keyboard-interactive child).  The application
 * cannot set it (libpam refuses pam_set_data from an application); another
 * module could, but a module runs inside the application and could do
 * anything anyway.  Across sshd's fork only the PAM environment survives,
 * so the same decision also goes there, sealed by KINDE_AUTH_MAC
 * (lib/authmac.c).
 */
#define RECORD_NAME "pam_kinde_auth_record"

struct auth_record {
	char method[8];
	char identity[AUTHMAC_FIELD_MAX + 1];
	char exp[32];
};

static void
record_free(pam_handle_t *pamh, void *data, int status)
{
	(void)pamh;
	(void)status;
	kinde_wipe(data, sizeof(struct auth_record));
	free(data);
}

/* A user name we refuse to look at: path tricks, control bytes, size. */
static bool
bad_user(const char *user)
{
	size_t len = strlen(user), i;

	if (len == 0 || len > USER_MAX || strchr(user, '/') != NULL)
		return true;
	for (i = 0; i < len; i++)
		if (iscntrl((unsigned char)user[i]))
			return true;
	return false;
}

static bool
is_sshd_sentinel(const char *secret, size_t len)
{
	size_t jl = sizeof(sshd_junk) - 1, i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++)
		if (secret[i] != sshd_junk[i % jl])
			return false;
	return true;
}

/* Three dot-separated base64url segments: the shape of a JWS. */
static bool
looks_like_token(const char *s)
{
	unsigned dots = 0;

	for (; *s != '\0'; s++) {
		if (*s == '.')
			dots++;
		else if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	}
	return dots == 2;
}

static int
pam_code_for(kinde_err_t err)
{
	switch (err) {
	case KINDE_OK:
		return PAM_SUCCESS;
	case KINDE_E_REJECTED:
		return PAM_AUTH_ERR;
	case KINDE_E_UNAVAILABLE:
	case KINDE_E_RATELIMITED:
		return PAM_AUTHINFO_UNAVAIL;
	case KINDE_E_NOMEM:
		return PAM_BUF_ERR;
	default:
		return PAM_SERVICE_ERR;
	}
}

/* Drops KINDE_* from the PAM environment and the record of an earlier
 * auth: only this auth may set them. */
static void
clear_env(pam_handle_t *pamh)
{
	size_t i;

	for (i = 0; i < KINDE_ARRAY_SIZE(env_names); i++)
		if (pam_getenv(pamh, env_names[i]) != NULL)
			pam_putenv(pamh, env_names[i]);
	pam_set_data(pamh, RECORD_NAME, NULL, NULL);
}

static int
put_env(pam_handle_t *pamh, const char *name, const char *value)
{
	char buf[1024], esc[900];

	kinde_escape(value ? value : "", esc, sizeof(esc));
	kinde_fmt(buf, sizeof(buf), "%s=%s", name, esc);
	return pam_putenv(pamh, buf);
}

/* The scopes a verdict grants, space-separated. */
static void
scopes_of(const kinde_verdict_t *v, bool is_apikey, char *buf, size_t len)
{
	const json_t *claims = kinde_verdict_claims(v), *arr, *s;
	const char *names[64];
	size_t i, n = 0;

	buf[0] = '\0';
	arr = json_object_get(claims, is_apikey ? "scopes" : "scp");
	if (!is_apikey && json_object_get(claims, "scope") != NULL)
		arr = json_object_get(claims, "scope");
	/* a scope string, or scp as one string (Entra ID) */
	if (!is_apikey && json_is_string(arr)) {
		kinde_fmt(buf, len, "%s", json_string_value(arr));
		return;
	}
	json_array_foreach(arr, i, s)
		if (json_is_string(s) && n < KINDE_ARRAY_SIZE(names))
			names[n++] = json_string_value(s);
	strlist_join(names, n, " ", buf, len);
}

static int
export_env(pam_handle_t *pamh, const kinde_verdict_t *v, enum method method)
{
	bool is_apikey = method == METHOD_APIKEY;
	const json_t *exp = json_object_get(kinde_verdict_claims(v), "exp");
	char scopes[800], expbuf[32] = "";
	int rc;

	scopes_of(v, is_apikey, scopes, sizeof(scopes));
	if (!is_apikey && json_is_number(exp))
		kinde_fmt(expbuf, sizeof(expbuf), "%lld",
			  (long long)json_number_value(exp));
	rc = put_env(pamh, "KINDE_SUB", kinde_verdict_claim_string(v, "sub"));
	if (rc == PAM_SUCCESS)
		rc = put_env(pamh, "KINDE_ORG_CODE",
			     kinde_verdict_claim_string(v, "org_code"));
	if (rc == PAM_SUCCESS)
		rc = put_env(pamh, "KINDE_SCOPES", scopes);
	if (rc == PAM_SUCCESS)
		rc = put_env(pamh, "KINDE_EXP", expbuf);
	if (rc == PAM_SUCCESS)
		rc = put_env(pamh, "KINDE_AUTH_METHOD", method_names[method]);
	return rc;
}

/*
 * Records the accepted login for the account stage: pam_set_data, and the
 * sealed KINDE_AUTH_MAC beside the exported environment.  Without a usable
 * host secret the login goes on (an account stage in this process still
 * has the record) and the log says that sshd's account stage will refuse.
 */
static int
record_auth(pam_handle_t *pamh, const kinde_config_t *cfg,
	    const kinde_verdict_t *v, enum method method, const char *user,
	    struct decision *d)
{
	unsigned char key[AUTHMAC_KEY_LEN];
	char idbuf[600], why[600], env[AUTHMAC_SEALED_MAX + 20];
	const void *service = NULL;
	struct authmac_record r = { 0 };
	struct auth_record *rec;
	const char *identity, *exp;
	int rc;

	identity = usermap_identity(cfg, v, method == METHOD_APIKEY, idbuf,
				    sizeof(idbuf), why, sizeof(why));
	if (identity == NULL || strlen(identity) > AUTHMAC_FIELD_MAX) {
		d->reason = KINDE_R_USER;
		d->detail = "the identity is longer than 512 bytes";
		return PAM_AUTH_ERR;
	}
	exp = pam_getenv(pamh, "KINDE_EXP");
	rec = calloc(1, sizeof(*rec));
	if (rec == NULL)
		return PAM_BUF_ERR;
	kinde_fmt(rec->method, sizeof(rec->method), "%s",
		  method_names[method]);
	kinde_fmt(rec->identity, sizeof(rec->identity), "%s", identity);
	kinde_fmt(rec->exp, sizeof(rec->exp), "%s", exp ? exp : "");
	rc = pam_set_data(pamh, RECORD_NAME, rec, record_free);
	if (rc != PAM_SUCCESS) {
		record_free(pamh, rec, 0);
		d->detail = "cannot record the login for the account stage";
		return rc;
	}
	pam_get_item(pamh, PAM_SERVICE, &service);
	r.service = service ? service : "";
	r.user = user;
	r.method = method_names[method];
	r.identity = identity;
	r.sub = pam_getenv(pamh, "KINDE_SUB");
	r.exp = exp;
	r.time = (int64_t)time(NULL);
	if (authmac_key_load(cfg, true, key, why, sizeof(why)) != KINDE_OK) {
		pam_syslog(pamh, LOG_ERR,
			   "cannot seal the login for an account stage in another process (sshd will refuse it): %s",
			   why);
		return PAM_SUCCESS;
	}
	/* a prefix; authmac_seal writes the rest and the NUL:
	 * NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(env, "KINDE_AUTH_MAC=", 15);
	rc = authmac_seal(key, &r, env + 15, sizeof(env) - 15);
	kinde_wipe(key, sizeof(key));
	if (rc != KINDE_OK) {
		d->detail = "cannot seal the login for the account stage";
		return PAM_SERVICE_ERR;
	}
	rc = pam_putenv(pamh, env);
	if (rc != PAM_SUCCESS)
		d->detail = "cannot set the PAM environment";
	return rc;
}

/*
 * The device login: show where to approve, wait for the Enter that says
 * it is done (sshd shows PAM messages only with a prompt), then poll for
 * the access token.  *token is the caller's to free.
 */
static kinde_err_t
device_login(pam_handle_t *pamh, kinde_client_t *client, kinde_verdict_t *v,
	     char **token)
{
	struct kinde_device_auth da;
	char *resp = NULL;
	kinde_err_t rc;

	rc = kinde_client_device_start(client, &da);
	if (rc != KINDE_OK)
		return rc;
	if (da.verification_uri_complete[0] != '\0')
		pam_info(pamh, "To log in, open %s\n(or open %s and enter the code %s).",
			 da.verification_uri_complete, da.verification_uri,
			 da.user_code);
	else
		pam_info(pamh, "To log in, open %s and enter the code %s.",
			 da.verification_uri, da.user_code);
	if (pam_prompt(pamh, PAM_PROMPT_ECHO_ON, &resp,
		       "Press Enter once you have approved the login: ") !=
	    PAM_SUCCESS) {
		kinde_free_secret(resp);
		return KINDE_E_REJECTED;
	}
	kinde_free_secret(resp);
	rc = kinde_client_device_poll(client, &da, token);
	kinde_wipe(da.device_code, sizeof(da.device_code));
	if (rc == KINDE_E_REJECTED) {
		kinde_verdict_reset(v);
		verdict_fail(v, "device", KINDE_R_DENIED, "%s",
			     kinde_client_error(client));
	}
	return rc;
}

/* Verifies the secret (or runs the device login) with the core. */
static kinde_err_t
verify(pam_handle_t *pamh, const kinde_config_t *cfg, enum method method,
       const char *secret, kinde_verdict_t *v, struct pk_limit *pl,
       char *err, size_t errlen)
{
	kinde_client_t *client = NULL;
	kinde_validator_t *val = NULL;
	char *device_token = NULL;
	kinde_err_t rc;

	rc = kinde_client_new(cfg, &client);
	if (rc != KINDE_OK)
		return rc;
	pk_limit_gate(pl, client);	/* ratelimit_rhost, _verify */
	if (method == METHOD_DEVICE) {
		rc = device_login(pamh, client, v, &device_token);
		secret = device_token;
	}
	if (rc == KINDE_OK && method != METHOD_APIKEY) {
		rc = kinde_validator_new(cfg, NULL, &val);
		if (rc == KINDE_OK)
			rc = kinde_client_verify_token(client, val, secret,
						       strlen(secret), v);
	} else if (rc == KINDE_OK) {
		rc = kinde_client_verify_apikey(client, secret, v);
	}
	if (rc != KINDE_OK && rc != KINDE_E_REJECTED)
		kinde_fmt(err, errlen, "%s", kinde_client_error(client)[0] ?
			  kinde_client_error(client) : kinde_strerror(rc));
	kinde_free_secret(device_token);
	kinde_validator_free(val);
	kinde_client_free(client);
	return rc;
}

/* Which kind of login the answer is, or -1 (d says why). */
static int
choose_method(const kinde_config_t *cfg, const char *secret,
	      struct decision *d)
{
	bool is_token = looks_like_token(secret);

	if (secret[0] == '\0' && cfg->mode == MODE_AUTO &&
	    cfg->device_client_id != NULL)
		return METHOD_DEVICE;	/* an empty answer asks for it */
	if (secret[0] == '\0') {
		d->detail = "empty token or API key";
		d->reason = KINDE_R_MALFORMED;
		return -1;
	}
	if (cfg->mode == MODE_TOKEN && !is_token) {
		d->detail = "mode=token: the answer is not a JWT access token";
		d->reason = KINDE_R_MALFORMED;
		return -1;
	}
	if (cfg->mode == MODE_APIKEY && is_token) {
		d->detail = "mode=apikey: the answer looks like a JWT, not an API key";
		d->reason = KINDE_R_MALFORMED;
		return -1;
	}
	return is_token ? METHOD_TOKEN : METHOD_APIKEY;
}

static int
authenticate(pam_handle_t *pamh, const kinde_config_t *cfg,
	     struct decision *d, kinde_verdict_t *v, char *detail,
	     size_t detail_len)
{
	const char *user = NULL;
	char *secret = NULL;
	struct passwd pw, *pwp = NULL;
	char pwbuf[4096];
	struct pk_limit pl;
	kinde_err_t err;
	int rc, method;
	size_t len;

	pk_limit_init(&pl, pamh, cfg);
	rc = pam_get_user(pamh, &user, NULL);
	if (rc != PAM_SUCCESS || user == NULL) {
		d->detail = "no user name";
		if (rc == PAM_CONV_ERR)
			d->reason = KINDE_R_CONV;
		return rc == PAM_CONV_ERR ? PAM_CONV_ERR : PAM_USER_UNKNOWN;
	}
	d->user = user;	/* logged escaped and cut: the attempt is kept */
	if (bad_user(user)) {
		d->detail = "user name refused: empty, too long, '/' or control characters";
		return PAM_USER_UNKNOWN;
	}
	if (getpwnam_r(user, &pw, pwbuf, sizeof(pwbuf), &pwp) != 0 ||
	    pwp == NULL) {
		d->detail = "no such local user";
		if (cfg->mode == MODE_DEVICE)
			return PAM_USER_UNKNOWN;
		/* Still ask: not asking would tell who exists. */
	}
	if (cfg->mode == MODE_DEVICE) {
		secret = strdup("");
		if (secret == NULL)
			return PAM_BUF_ERR;
	} else {
		rc = pk_get_secret(pamh, cfg, &secret);
		if (rc == PAM_CONV_ERR) {
			/* The application gave no answer: sudo refuses one
			 * of 512 bytes, which no Kinde access token fits. */
			d->reason = KINDE_R_CONV;
			d->detail = "the application's conversation failed after the prompt";
			d->hint = "the answer may have been too long for the application (sudo 1.9.13 refuses 512 bytes or more, OpenSSH keeps 1023): use an API key or the device login";
			return rc;
		}
		if (rc != PAM_SUCCESS) {
			d->detail = "could not read the token or API key";
			return rc;
		}
	}
	len = strlen(secret);
	/*
	 * Cheap refusals: no network, no parsing.  sshd sends its sentinel
	 * for every user it has already refused, those who exist included
	 * (DenyUsers, PermitRootLogin no, ...), so refusing it cheaply for
	 * unknown and known users alike tells nobody which users exist.
	 */
	if (is_sshd_sentinel(secret, len)) {
		d->detail = pwp ? "sshd's unknown-user sentinel" :
			    "no such local user (sshd's unknown-user sentinel)";
		d->reason = KINDE_R_USER;
		rc = pwp ? PAM_AUTH_ERR : PAM_USER_UNKNOWN;
		goto out;
	}
	method = cfg->mode == MODE_DEVICE ? METHOD_DEVICE :
		 choose_method(cfg, secret, d);
	if (method < 0) {
		rc = pwp ? PAM_AUTH_ERR : PAM_USER_UNKNOWN;
		goto out;
	}
	d->method = method_names[method];
	/* The host's limits and the lockout, before any network call. */
	pl.uid0 = pwp != NULL && pwp->pw_uid == 0;
	rc = pk_limit_before(&pl, pwp ? user : NULL, method_names[method],
			     secret, d);
	if (rc != PAM_SUCCESS) {
		if (rc == PAM_AUTH_ERR && pwp == NULL)
			rc = PAM_USER_UNKNOWN;
		goto out;
	}
	/* For a user who does not exist too: the same validation or the
	 * same request to the issuer (rate-limited like any other), so the
	 * time of the answer does not tell who exists. */
	err = verify(pamh, cfg, (enum method)method, secret, v, &pl, detail,
		     detail_len);
	d->verdict = v;
	rc = pam_code_for(err);
	if (err != KINDE_OK && pl.detail[0] != '\0') {
		/* The verify gate refused (ratelimit_verify) or could not
		 * use its state: the limiter's answer, not the issuer's. */
		d->reason = pl.refused ? KINDE_R_RATE_LIMITED : KINDE_R_CONFIG;
		d->detail = pl.detail;
		rc = !pl.refused ? PAM_SERVICE_ERR :
		     pwp ? PAM_AUTH_ERR : PAM_USER_UNKNOWN;
		goto out;
	}
	if (pwp == NULL && rc != PAM_SERVICE_ERR && rc != PAM_BUF_ERR) {
		/* (A host problem is one for every user: said as such.) */
		d->reason = KINDE_R_USER;
		d->detail = "no such local user";
		rc = PAM_USER_UNKNOWN;
		goto out;
	}
	d->reason = kinde_verdict_reason(v);
	d->detail = detail[0] ? detail : kinde_verdict_detail(v);
	if (rc != PAM_SUCCESS) {
		if (len == SSH_ANSWER_MAX) {
			d->hint = "the answer is exactly 1023 bytes: the SSH client truncated a longer token; use an API key or the device login";
			/* Tell the user too: the log may be out of reach. */
			pam_error(pamh, "Your answer was cut at 1023 bytes (an SSH client limit). Use an API key%s.",
				  cfg->device_client_id ? ", or answer with nothing for a browser login" : "");
		}
		goto out;
	}
	switch (usermap_check(cfg, v, method == METHOD_APIKEY, user, detail,
			      detail_len)) {
	case 0:
		break;
	case -2:	/* the map file is unsafe or unreadable */
		d->reason = KINDE_R_USER;
		d->detail = detail;
		rc = PAM_SERVICE_ERR;
		goto out;
	default:
		d->reason = KINDE_R_USER;
		d->detail = detail;
		rc = PAM_AUTH_ERR;
		goto out;
	}
	rc = export_env(pamh, v, (enum method)method);
	if (rc != PAM_SUCCESS)
		d->detail = "cannot set the PAM environment";
	else
		rc = record_auth(pamh, cfg, v, (enum method)method, user, d);
out:
	/* d is logged after this returns: the limiter's detail is copied
	 * to the caller's buffer, never left pointing into pl. */
	if (d->detail == pl.detail) {
		kinde_fmt(detail, detail_len, "%s", pl.detail);
		d->detail = detail;
	}
	pk_limit_after(&pl, rc, d);
	pk_limit_end(&pl);
	kinde_free_secret(secret);
	return rc;
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
		    const char **argv)
{
	struct decision d = { .stage = "auth", .reason = KINDE_R_NONE };
	kinde_config_t *cfg = NULL;
	kinde_verdict_t *v = NULL;
	char detail[512] = "";
	int rc;

	(void)flags;
	clear_env(pamh);
	rc = pk_config(pamh, argc, argv, &cfg);
	if (rc != PAM_SUCCESS)
		return rc;
	v = kinde_verdict_new(cfg->debug);
	if (v == NULL) {
		rc = PAM_BUF_ERR;
		goto out;
	}
	rc = authenticate(pamh, cfg, &d, v, detail, sizeof(detail));
	if (rc != PAM_SUCCESS && d.reason == KINDE_R_NONE)
		d.reason = rc == PAM_AUTHINFO_UNAVAIL ? KINDE_R_UNAVAILABLE :
			   rc == PAM_SERVICE_ERR ? KINDE_R_CONFIG : KINDE_R_USER;
	if (rc != PAM_SUCCESS)
		clear_env(pamh);
	d.pam_rc = rc;
	if (cfg->debug) {
		struct kinde_check c;
		size_t i;

		for (i = 0; i < kinde_verdict_check_count(v); i++) {
			kinde_verdict_check(v, i, &c);
			pam_syslog(pamh, LOG_DEBUG, "check %s: %s: %s", c.name,
				   c.status > 0 ? "pass" : c.status == 0 ?
				   "FAIL" : "skipped", c.detail);
		}
	}
	pk_log_decision(pamh, cfg, &d);
out:
	kinde_verdict_free(v);
	kinde_config_free(cfg);
	return rc;
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}

/*
 * The record of a login authenticated in another process (sshd after its
 * fork): the PAM environment, believed only when KINDE_AUTH_MAC verifies.
 * Fills o (user and identity); PAM_SUCCESS, else PAM_PERM_DENIED with d
 * saying why.
 */
static int
open_env_record(pam_handle_t *pamh, const kinde_config_t *cfg,
		const char *method, struct authmac_opened *o, char *why,
		size_t whylen, struct decision *d)
{
	unsigned char key[AUTHMAC_KEY_LEN];
	const void *service = NULL;
	struct authmac_record r = { 0 };
	kinde_err_t err;

	pam_get_item(pamh, PAM_SERVICE, &service);
	r.service = service ? service : "";
	r.method = method;
	r.sub = pam_getenv(pamh, "KINDE_SUB");
	r.exp = pam_getenv(pamh, "KINDE_EXP");
	err = authmac_key_load(cfg, false, key, why, whylen);
	if (err != KINDE_OK) {
		d->reason = KINDE_R_CONFIG;
		d->detail = why;
		return PAM_PERM_DENIED;
	}
	err = authmac_open(key, pam_getenv(pamh, "KINDE_AUTH_MAC"), &r,
			   (int64_t)time(NULL), o, why, whylen);
	kinde_wipe(key, sizeof(key));
	if (err != KINDE_OK) {
		d->reason = KINDE_R_USER;
		d->detail = why;
		return PAM_PERM_DENIED;
	}
	return PAM_SUCCESS;
}

PAM_EXTERN int
pam_sm_acct_mgmt(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct decision d = { .stage = "account", .reason = KINDE_R_NONE };
	kinde_config_t *cfg = NULL;
	const struct auth_record *rec = NULL;
	struct authmac_opened opened;
	const char *method, *exp, *identity, *user = NULL;
	char why[600], mapwhy[600];
	char *end;
	long long e;
	int rc;

	(void)flags;
	rc = pk_config(pamh, argc, argv, &cfg);
	if (rc != PAM_SUCCESS)
		return rc;
	if (pam_get_item(pamh, PAM_USER, (const void **)&user) == PAM_SUCCESS)
		d.user = user;
	if (pam_get_data(pamh, RECORD_NAME, (const void **)&rec) !=
	    PAM_SUCCESS)
		rec = NULL;
	/* The record of this process's auth wins: the environment may have
	 * been changed since by anyone. */
	method = rec ? rec->method : pam_getenv(pamh, "KINDE_AUTH_METHOD");
	d.method = method;
	if (method == NULL) {
		/* Not our login (e.g. an SSH public key): not our call,
		 * unless the administrator says every login must be ours. */
		if (cfg->account_requires_auth) {
			rc = PAM_PERM_DENIED;
			d.reason = KINDE_R_USER;
			d.detail = "account_requires_auth: this login did not authenticate with Kinde";
			d.pam_rc = rc;
			pk_log_decision(pamh, cfg, &d);
		} else {
			rc = PAM_IGNORE;
		}
		goto out;
	}
	if (rec != NULL) {
		exp = rec->exp;
		identity = rec->identity;
	} else {
		rc = open_env_record(pamh, cfg, method, &opened, why,
				     sizeof(why), &d);
		if (rc != PAM_SUCCESS)
			goto decided;
		exp = pam_getenv(pamh, "KINDE_EXP");
		identity = opened.identity;
	}
	rc = PAM_SUCCESS;
	if (strcmp(method, "token") == 0 || strcmp(method, "device") == 0) {
		e = exp ? strtoll(exp, &end, 10) : 0;
		if (exp == NULL || *exp == '\0' || *end != '\0' || e <= 0) {
			rc = PAM_PERM_DENIED;
			d.reason = KINDE_R_CLAIMS;
			d.detail = "no token expiry recorded by the auth stage";
		} else if ((long long)time(NULL) >= e + cfg->leeway) {
			rc = PAM_PERM_DENIED;
			d.reason = KINDE_R_EXPIRED;
			d.detail = "the token expired between authentication and the account check";
		}
	} else if (strcmp(method, "apikey") != 0) {
		rc = PAM_PERM_DENIED;
		d.reason = KINDE_R_USER;
		d.detail = "unknown KINDE_AUTH_METHOD";
	}
	if (rc != PAM_SUCCESS)
		goto decided;
	/* PAM_USER can change between the stages: the identity that was
	 * authenticated must map to the user whose account this is. */
	switch (user == NULL ? -1 :
		usermap_check_identity(cfg, identity,
				       strcmp(method, "apikey") == 0, user,
				       mapwhy, sizeof(mapwhy))) {
	case 0:
		break;
	case -2:
		rc = PAM_SERVICE_ERR;
		d.reason = KINDE_R_CONFIG;
		d.detail = mapwhy;
		break;
	default:
		rc = PAM_PERM_DENIED;
		d.reason = KINDE_R_USER;
		kinde_fmt(why, sizeof(why),
			  "PAM_USER is not the user the auth stage accepted: %s",
			  user ? mapwhy : "no PAM_USER");
		d.detail = why;
	}
decided:
	d.pam_rc = rc;
	if (rc != PAM_SUCCESS || cfg->debug)
		pk_log_decision(pamh, cfg, &d);
out:
	kinde_wipe(&opened, sizeof(opened));
	kinde_config_free(cfg);
	return rc;
}
