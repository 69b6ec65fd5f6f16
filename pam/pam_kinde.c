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
	char identity[KINDE_AUTHMAC_FIELD_MAX + 1];
	char exp[32];
	char sub[KINDE_AUTHMAC_FIELD_MAX + 1]; /* for account_check */
	char org[KINDE_AUTHMAC_FIELD_MAX + 1];
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

int
pk_pam_code(kinde_err_t err, int rejected)
{
	switch (err) {
	case KINDE_OK:
		return PAM_SUCCESS;
	case KINDE_E_REJECTED:
		return rejected;
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

static int
export_env(pam_handle_t *pamh, const kinde_verdict_t *v, enum method method)
{
	bool is_apikey = method == METHOD_APIKEY;
	const json_t *exp = json_object_get(kinde_verdict_claims(v), "exp");
	char scopes[800], expbuf[32] = "";
	int rc;

	kinde_verdict_scopes(v, is_apikey, scopes, sizeof(scopes));
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
	unsigned char key[KINDE_AUTHMAC_KEY_LEN];
	char idbuf[600], why[600], env[KINDE_AUTHMAC_SEALED_MAX + 20];
	const void *service = NULL;
	struct kinde_authmac_record r = { 0 };
	struct auth_record *rec;
	const char *identity, *exp;
	int rc;

	identity =
		kinde_usermap_identity(cfg, v, method == METHOD_APIKEY, idbuf,
				       sizeof(idbuf), why, sizeof(why));
	if (identity == NULL || strlen(identity) > KINDE_AUTHMAC_FIELD_MAX) {
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
	kinde_fmt(rec->sub, sizeof(rec->sub), "%s",
		  pam_getenv(pamh, "KINDE_SUB") ? pam_getenv(pamh, "KINDE_SUB") : "");
	kinde_fmt(rec->org, sizeof(rec->org), "%s",
		  pam_getenv(pamh, "KINDE_ORG_CODE") ?
		  pam_getenv(pamh, "KINDE_ORG_CODE") : "");
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
	if (kinde_authmac_key_load(cfg, true, key, why, sizeof(why)) !=
	    KINDE_OK) {
		pam_syslog(pamh, LOG_ERR,
			   "cannot seal the login for an account stage in another process (sshd will refuse it): %s",
			   why);
		return PAM_SUCCESS;
	}
	/* a prefix; kinde_authmac_seal writes the rest and the NUL:
	 * NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
	memcpy(env, "KINDE_AUTH_MAC=", 15);
	rc = kinde_authmac_seal(key, &r, env + 15, sizeof(env) - 15);
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
		rc = pk_device_login(pamh, cfg, client, v, &device_token);
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

	if (secret[0] == '\0' && kinde_config_mode(cfg) == KINDE_MODE_AUTO &&
	    kinde_config_device_client_id(cfg) != NULL)
		return METHOD_DEVICE;	/* an empty answer asks for it */
	if (secret[0] == '\0') {
		d->detail = "empty token or API key";
		d->reason = KINDE_R_MALFORMED;
		return -1;
	}
	if (kinde_config_mode(cfg) == KINDE_MODE_TOKEN && !is_token) {
		d->detail = "mode=token: the answer is not a JWT access token";
		d->reason = KINDE_R_MALFORMED;
		return -1;
	}
	if (kinde_config_mode(cfg) == KINDE_MODE_APIKEY && is_token) {
		d->detail = "mode=apikey: the answer looks like a JWT, not an API key";
		d->reason = KINDE_R_MALFORMED;
		return -1;
	}
	return is_token ? METHOD_TOKEN : METHOD_APIKEY;
}

/* One auth attempt as its steps fill it in (authenticate). */
struct attempt {
	pam_handle_t *pamh;
	const kinde_config_t *cfg;
	struct decision *d;
	kinde_verdict_t *v;
	char *detail;		/* the caller's buffer, logged after us */
	size_t detail_len;
	const char *user;
	struct passwd pw, *pwp;	/* pwp NULL: no such local user */
	char pwbuf[4096];
	char *secret;		/* the answer; wiped and freed at the end */
	size_t len;
	enum method method;
	struct pk_limit pl;
};

/* PAM_USER, and whether such a local user exists.  PAM_SUCCESS to go
 * on (for an unknown user too, unless mode=device). */
static int
read_user(struct attempt *a)
{
	struct decision *d = a->d;
	int rc;

	rc = pam_get_user(a->pamh, &a->user, NULL);
	if (rc != PAM_SUCCESS || a->user == NULL) {
		d->detail = "no user name";
		if (rc == PAM_CONV_ERR)
			d->reason = KINDE_R_CONV;
		return rc == PAM_CONV_ERR ? PAM_CONV_ERR : PAM_USER_UNKNOWN;
	}
	d->user = a->user;	/* logged escaped and cut: the attempt is kept */
	if (bad_user(a->user)) {
		d->detail = "user name refused: empty, too long, '/' or control characters";
		return PAM_USER_UNKNOWN;
	}
	if (getpwnam_r(a->user, &a->pw, a->pwbuf, sizeof(a->pwbuf),
		       &a->pwp) != 0 || a->pwp == NULL) {
		a->pwp = NULL;
		d->detail = "no such local user";
		if (kinde_config_mode(a->cfg) == KINDE_MODE_DEVICE)
			return PAM_USER_UNKNOWN;
		/* Still ask: not asking would tell who exists. */
	}
	return PAM_SUCCESS;
}

/* A refusal for this user: PAM_USER_UNKNOWN when there is none. */
static int
refused(const struct attempt *a)
{
	return a->pwp ? PAM_AUTH_ERR : PAM_USER_UNKNOWN;
}

/* Reads the answer and decides what it is (a->method).  PAM_SUCCESS to
 * go on. */
static int
read_answer(struct attempt *a)
{
	const kinde_config_t *cfg = a->cfg;
	struct decision *d = a->d;
	int rc, method;

	if (kinde_config_mode(cfg) == KINDE_MODE_DEVICE) {
		a->secret = strdup("");
		if (a->secret == NULL)
			return PAM_BUF_ERR;
	} else {
		rc = pk_get_secret(a->pamh, cfg, &a->secret);
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
	a->len = strlen(a->secret);
	/*
	 * Cheap refusals: no network, no parsing.  sshd sends its sentinel
	 * for every user it has already refused, those who exist included
	 * (DenyUsers, PermitRootLogin no, ...), so refusing it cheaply for
	 * unknown and known users alike tells nobody which users exist.
	 */
	if (is_sshd_sentinel(a->secret, a->len)) {
		d->detail = a->pwp ? "sshd's unknown-user sentinel" :
			    "no such local user (sshd's unknown-user sentinel)";
		d->reason = KINDE_R_USER;
		return refused(a);
	}
	method = kinde_config_mode(cfg) == KINDE_MODE_DEVICE ?
		 METHOD_DEVICE : choose_method(cfg, a->secret, d);
	if (method < 0)
		return refused(a);
	a->method = (enum method)method;
	d->method = method_names[method];
	return PAM_SUCCESS;
}

/* The host's limits, then the core's verdict on the answer.  PAM_SUCCESS
 * when the token or key is accepted. */
static int
validate(struct attempt *a)
{
	struct decision *d = a->d;
	struct pk_limit *pl = &a->pl;
	kinde_err_t err;
	int rc;

	/* The host's limits and the lockout, before any network call. */
	pl->uid0 = a->pwp != NULL && a->pwp->pw_uid == 0;
	rc = pk_limit_before(pl, a->pwp ? a->user : NULL,
			     method_names[a->method], a->secret, d);
	if (rc != PAM_SUCCESS)
		return rc == PAM_AUTH_ERR ? refused(a) : rc;
	/* For a user who does not exist too: the same validation or the
	 * same request to the issuer (rate-limited like any other), so the
	 * time of the answer does not tell who exists. */
	err = verify(a->pamh, a->cfg, a->method, a->secret, a->v, pl,
		     a->detail, a->detail_len);
	d->verdict = a->v;
	rc = pk_pam_code(err, PAM_AUTH_ERR);
	if (err != KINDE_OK && pl->detail[0] != '\0') {
		/* The verify gate refused (ratelimit_verify) or could not
		 * use its state: the limiter's answer, not the issuer's. */
		d->reason = pl->refused ? KINDE_R_RATE_LIMITED : KINDE_R_CONFIG;
		d->detail = pl->detail;
		return pl->refused ? refused(a) : PAM_SERVICE_ERR;
	}
	if (a->pwp == NULL && rc != PAM_SERVICE_ERR && rc != PAM_BUF_ERR) {
		/* (A host problem is one for every user: said as such.) */
		d->reason = KINDE_R_USER;
		d->detail = "no such local user";
		return PAM_USER_UNKNOWN;
	}
	d->reason = kinde_verdict_reason(a->v);
	d->detail = a->detail[0] ? a->detail : kinde_verdict_detail(a->v);
	if (rc != PAM_SUCCESS && a->len == SSH_ANSWER_MAX) {
		d->hint = "the answer is exactly 1023 bytes: the SSH client truncated a longer token; use an API key or the device login";
		/* Tell the user too: the log may be out of reach. */
		pam_error(a->pamh, "Your answer was cut at 1023 bytes (an SSH client limit). Use an API key%s.",
			  kinde_config_device_client_id(a->cfg) ?
			  ", or answer with nothing for a browser login" : "");
	}
	return rc;
}

/* The accepted identity must be PAM_USER's; then the environment and the
 * record for the account stage. */
static int
map_user(struct attempt *a)
{
	struct decision *d = a->d;
	bool is_apikey = a->method == METHOD_APIKEY;
	int rc;

	switch (kinde_usermap_check(a->cfg, a->v, is_apikey, a->user, a->detail,
				    a->detail_len)) {
	case 0:
		break;
	case -2:	/* the map file is unsafe or unreadable */
		d->reason = KINDE_R_USER;
		d->detail = a->detail;
		return PAM_SERVICE_ERR;
	default:
		d->reason = KINDE_R_USER;
		d->detail = a->detail;
		return PAM_AUTH_ERR;
	}
	rc = export_env(a->pamh, a->v, a->method);
	if (rc != PAM_SUCCESS)
		d->detail = "cannot set the PAM environment";
	else
		rc = record_auth(a->pamh, a->cfg, a->v, a->method, a->user, d);
	return rc;
}

/* Read the answer, validate it, map the user: each step goes on only
 * when the one before said PAM_SUCCESS. */
static int
authenticate(pam_handle_t *pamh, const kinde_config_t *cfg,
	     struct decision *d, kinde_verdict_t *v, char *detail,
	     size_t detail_len)
{
	struct attempt *a;
	int rc;

	/* On the heap: the passwd buffer is 4 KiB. */
	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return PAM_BUF_ERR;
	a->pamh = pamh;
	a->cfg = cfg;
	a->d = d;
	a->v = v;
	a->detail = detail;
	a->detail_len = detail_len;
	pk_limit_init(&a->pl, pamh, cfg);
	rc = read_user(a);
	if (rc == PAM_SUCCESS)
		rc = read_answer(a);
	if (rc == PAM_SUCCESS)
		rc = validate(a);
	if (rc == PAM_SUCCESS)
		rc = map_user(a);
	/* d is logged after this returns: the limiter's detail is copied
	 * to the caller's buffer, never left pointing into a. */
	if (d->detail == a->pl.detail) {
		kinde_fmt(detail, detail_len, "%s", a->pl.detail);
		d->detail = detail;
	}
	pk_limit_after(&a->pl, rc, d);
	pk_limit_end(&a->pl);
	kinde_free_secret(a->secret);
	kinde_wipe(a, sizeof(*a));
	free(a);
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
	v = kinde_verdict_new(kinde_config_debug(cfg));
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
	if (kinde_config_debug(cfg)) {
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
		const char *method, struct kinde_authmac_opened *o, char *why,
		size_t whylen, struct decision *d)
{
	unsigned char key[KINDE_AUTHMAC_KEY_LEN];
	const void *service = NULL;
	struct kinde_authmac_record r = { 0 };
	kinde_err_t err;

	pam_get_item(pamh, PAM_SERVICE, &service);
	r.service = service ? service : "";
	r.method = method;
	r.sub = pam_getenv(pamh, "KINDE_SUB");
	r.exp = pam_getenv(pamh, "KINDE_EXP");
	err = kinde_authmac_key_load(cfg, false, key, why, whylen);
	if (err != KINDE_OK) {
		d->reason = KINDE_R_CONFIG;
		d->detail = why;
		return PAM_PERM_DENIED;
	}
	err = kinde_authmac_open(key, pam_getenv(pamh, "KINDE_AUTH_MAC"), &r,
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
	struct kinde_authmac_opened opened;
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
	if (method == NULL && kinde_config_account_check(cfg) ==
	    KINDE_ACCOUNT_CHECK_KINDE) {
		/* No Kinde login (an SSH public key): Kinde alone decides. */
		rc = pk_account_kinde(pamh, cfg, user, NULL, NULL, &d);
		goto out;
	}
	if (method == NULL) {
		/* Not our login (e.g. an SSH public key): not our call,
		 * unless the administrator says every login must be ours. */
		if (kinde_config_account_requires_auth(cfg)) {
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
		} else if ((long long)time(NULL) >=
			   e + kinde_config_leeway(cfg)) {
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
	switch (user == NULL
			? -1
			: kinde_usermap_check_identity(
				  cfg, identity, strcmp(method, "apikey") == 0,
				  user, mapwhy, sizeof(mapwhy))) {
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
	if (rc == PAM_SUCCESS && kinde_config_account_check(cfg) ==
	    KINDE_ACCOUNT_CHECK_KINDE) {
		/* Still allowed now?  KINDE_SUB is sealed in KINDE_AUTH_MAC;
		 * the org only narrows the check, so the environment's will
		 * do when the record is of another process. */
		const char *sub = rec ? rec->sub :
				  pam_getenv(pamh, "KINDE_SUB");

		rc = pk_account_kinde(pamh, cfg, user, sub ? sub : "",
				      rec ? rec->org :
				      pam_getenv(pamh, "KINDE_ORG_CODE"), &d);
		goto out;
	}
decided:
	d.pam_rc = rc;
	if (rc != PAM_SUCCESS || kinde_config_debug(cfg))
		pk_log_decision(pamh, cfg, &d);
out:
	kinde_wipe(&opened, sizeof(opened));
	kinde_config_free(cfg);
	return rc;
}
