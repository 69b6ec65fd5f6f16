/*
 * kinde.h - public API of libkinde, the core shared by pam_kinde.so and
 * kinde-auth.
 *
 * Handles are opaque, created by *_new and released by *_free (free of NULL
 * is a no-op).  Every function says who owns what it returns.  Functions
 * that can fail return a kinde_err_t; the handle involved keeps a human
 * detail message for the first error.
 */
#ifndef KINDE_H
#define KINDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum kinde_err {
	KINDE_OK = 0,
	KINDE_E_NOMEM,		/* out of memory */
	KINDE_E_USAGE,		/* invalid argument or option value */
	KINDE_E_CONFIG,		/* configuration file or option error */
	KINDE_E_IO,		/* a file could not be read or written */
	KINDE_E_UNSAFE,		/* a file's owner or mode was refused */
	KINDE_E_REJECTED,	/* token or key refused: see the verdict */
	KINDE_E_UNAVAILABLE,	/* issuer, network or key set unavailable */
	KINDE_E_RATELIMITED,	/* the issuer asked us to slow down */
	KINDE_E_INTERNAL	/* a bug or a library failure */
} kinde_err_t;

/* Static English text for an error code.  Never NULL. */
const char *kinde_strerror(kinde_err_t err);

/*
 * Why a token or key was refused.  The names (kinde_reason_name) are a
 * stable contract: scripts, logs and `kinde-auth --json` output use them.
 */
typedef enum kinde_reason {
	KINDE_R_NONE = 0,	/* accepted */
	KINDE_R_MALFORMED,	/* not a compact JWS, bad base64url/JSON, size */
	KINDE_R_HEADER,		/* forbidden or unsupported header parameter */
	KINDE_R_ALG,		/* algorithm not allowed or not the key's */
	KINDE_R_KID,		/* no usable key for the token's kid */
	KINDE_R_SIGNATURE,	/* signature does not verify */
	KINDE_R_CLAIMS,		/* a claim has the wrong type or range */
	KINDE_R_ISSUER,
	KINDE_R_AUDIENCE,
	KINDE_R_EXPIRED,
	KINDE_R_NOT_YET_VALID,
	KINDE_R_ISSUED_IN_FUTURE,
	KINDE_R_TOKEN_TYPE,
	KINDE_R_CLIENT,
	KINDE_R_SCOPE,
	KINDE_R_PERMISSION,
	KINDE_R_ORG,
	KINDE_R_KEY_INVALID,	/* API key unknown to the issuer */
	KINDE_R_KEY_INACTIVE,	/* API key inactive or revoked */
	KINDE_R_USER,		/* identity does not map to the local user */
	KINDE_R_UNAVAILABLE,	/* could not be decided: issuer unreachable */
	KINDE_R_RATE_LIMITED,	/* could not be decided: rate limited */
	KINDE_R_DENIED,		/* a device login was denied or not approved,
				 * or deny_file names the token or key */
	KINDE_R_CONFIG,		/* could not be decided: this host's configuration */
	KINDE_R_CONV,		/* the application could not ask for the secret */
	/* The account check (account_check = kinde) and role rules. */
	KINDE_R_SUSPENDED,	/* the Kinde user is suspended */
	KINDE_R_NOT_MEMBER,	/* not (or no longer) in an allowed organization */
	KINDE_R_ROLE,		/* require_roles / allowed_roles not met */
	KINDE_R__COUNT
} kinde_reason_t;

/* Stable short code ("expired", "scope", ...).  Never NULL. */
const char *kinde_reason_name(kinde_reason_t reason);

/*
 * The failure class of a reason, as kinde-auth diagnose names them (the
 * classes of Kinde's API-key troubleshooting guide): "malformed",
 * "token-invalid", "insufficient-scope", "org-denied", "invalid-api-key",
 * "rate-limited", "issuer-unreachable", "user-mapping", "config",
 * "conversation"; "ok" for none.
 * Stable.  Never NULL.
 */
const char *kinde_reason_class(kinde_reason_t reason);

/* Token types a policy may allow (bit mask). */
#define KINDE_TOKEN_USER 0x1u
#define KINDE_TOKEN_M2M 0x2u

/* ------------------------------------------------------------------ */
/* Logging: one sink, chosen by the caller (syslog in PAM, stderr in tools) */

/* Priorities are syslog's LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG. */
typedef void (*kinde_log_fn)(void *ctx, int priority, const char *message);

/* ------------------------------------------------------------------ */
/* Configuration: the option table shared by the file, module arguments
 * and kinde-auth's command-line options. */

typedef struct kinde_config kinde_config_t;

/* A config with every default set.  Caller frees. */
kinde_config_t *kinde_config_new(void);
void kinde_config_free(kinde_config_t *cfg);

/* Where log lines go; debug lines only when the `debug` option is set. */
void kinde_config_set_log(kinde_config_t *cfg, kinde_log_fn fn, void *ctx);

/*
 * Sets one option.  value may be NULL for a bare boolean word ("debug").
 * List options append; the first value a new source (see
 * kinde_config_begin_source) gives a list option replaces what earlier
 * sources gave, so module arguments win over the file.
 * An unknown key is KINDE_E_CONFIG (the message suggests a close known
 * key), as is an empty value for a string option.
 */
kinde_err_t kinde_config_set(kinde_config_t *cfg, const char *key,
			     const char *value);

/* Marks the start of a new source of options (file, arguments, CLI). */
void kinde_config_begin_source(kinde_config_t *cfg, const char *name);

/*
 * Reads a `key = value` file.  The file (a symlink is followed) must be
 * owned by root or the running user and not be writable by group or
 * others; otherwise KINDE_E_UNSAFE.
 * A missing or unreadable file is KINDE_E_CONFIG (OK for a missing one
 * when missing_ok).
 */
kinde_err_t kinde_config_load_file(kinde_config_t *cfg, const char *path,
				   bool missing_ok);

/*
 * Checks cross-option consistency (e.g. an issuer is known) and the files
 * the config trusts: client_secret_file must be owned by root or the
 * running user and not be readable by group or others, ca_file not be
 * writable by them (KINDE_E_UNSAFE; a missing one is KINDE_E_CONFIG).
 */
kinde_err_t kinde_config_finish(kinde_config_t *cfg);

/*
 * Refuses (KINDE_E_CONFIG) a policy that lets every token of the issuer
 * log in: no audience and no required scope or permission; or, when API
 * keys are taken (mode=apikey, or mode=auto with a client_id), no
 * required scope - unless allow_any_token is set.  Called
 * by whatever judges logins (the module, kinde-auth verify, apikey and
 * diagnose), not by the commands that only fetch or decode.
 */
kinde_err_t kinde_config_check_policy(kinde_config_t *cfg);

/* Detail message of the first error on this config.  Borrowed. */
const char *kinde_config_error(const kinde_config_t *cfg);

/* ------------------------------------------------------------------ */
/* Key sets (JWKS) */

typedef struct kinde_keyset kinde_keyset_t;

/*
 * Parses a JWKS document.  Unusable keys are skipped with a warning through
 * the config's log sink; *out is set even if no key is usable (count 0),
 * unless the document itself is malformed (KINDE_E_UNAVAILABLE with detail
 * in errbuf).  Caller frees *out.
 */
kinde_err_t kinde_keyset_parse(const kinde_config_t *cfg, const char *json,
			       size_t len, kinde_keyset_t **out, char *errbuf,
			       size_t errlen);
kinde_err_t kinde_keyset_load_file(const kinde_config_t *cfg,
				   const char *path, kinde_keyset_t **out,
				   char *errbuf, size_t errlen);
void kinde_keyset_free(kinde_keyset_t *ks);
size_t kinde_keyset_count(const kinde_keyset_t *ks);

struct kinde_key_info {
	const char *kid;	/* borrowed; NULL when the key has none */
	const char *kty;	/* "RSA", "EC", "OKP" */
	const char *alg;	/* borrowed; NULL when the key names none */
	int bits;
};
/* Describes key i (0 <= i < count).  Strings borrowed from ks. */
void kinde_keyset_key_info(const kinde_keyset_t *ks, size_t i,
			   struct kinde_key_info *info);

/* ------------------------------------------------------------------ */
/* Verdicts */

typedef struct kinde_verdict kinde_verdict_t;

/*
 * explain: record every check for kinde_verdict_check(); without it only
 * the first failure is kept (cheaper).  Caller frees.
 */
kinde_verdict_t *kinde_verdict_new(bool explain);
void kinde_verdict_free(kinde_verdict_t *v);
/* Forgets the previous result so the verdict can be reused. */
void kinde_verdict_reset(kinde_verdict_t *v);

kinde_reason_t kinde_verdict_reason(const kinde_verdict_t *v);
/* Human detail of the refusal, "" when accepted.  Borrowed. */
const char *kinde_verdict_detail(const kinde_verdict_t *v);

/* Explain records, in order.  Strings borrowed from v. */
struct kinde_check {
	const char *name;	/* "signature", "exp", ... */
	int status;		/* 1 pass, 0 fail, -1 skipped / not checked */
	const char *detail;
};
size_t kinde_verdict_check_count(const kinde_verdict_t *v);
void kinde_verdict_check(const kinde_verdict_t *v, size_t i,
			 struct kinde_check *out);

/*
 * The claims of the last token (even when refused, when they could be
 * decoded).  A jansson json_t object, borrowed; NULL when unavailable.
 */
struct json_t;
const struct json_t *kinde_verdict_claims(const kinde_verdict_t *v);
/* A string claim of the last token, or NULL.  Borrowed. */
const char *kinde_verdict_claim_string(const kinde_verdict_t *v,
				       const char *name);
/* The token header's kid, or NULL.  Borrowed. */
const char *kinde_verdict_kid(const kinde_verdict_t *v);

/* ------------------------------------------------------------------ */
/* Token validation */

typedef struct kinde_validator kinde_validator_t;

/*
 * A validator applying cfg's policy (issuer, audiences, algorithms,
 * leeway, scopes, permissions, orgs, client ids, token types) with keys
 * from ks.  cfg and ks are borrowed and must outlive the validator.
 */
kinde_err_t kinde_validator_new(const kinde_config_t *cfg,
				const kinde_keyset_t *ks,
				kinde_validator_t **out);
void kinde_validator_free(kinde_validator_t *val);
void kinde_validator_set_keyset(kinde_validator_t *val,
				const kinde_keyset_t *ks);

/* Fixes the clock (tests, --now); 0 returns to the system clock. */
void kinde_validator_set_now(kinde_validator_t *val, int64_t now);

/*
 * Validates a compact JWS access token.  KINDE_OK when accepted,
 * KINDE_E_REJECTED with the reason in v otherwise.  len is the token's
 * length; the token need not be NUL-terminated.
 */
kinde_err_t kinde_validator_check(const kinde_validator_t *val,
				  const char *token, size_t len,
				  kinde_verdict_t *v);

/*
 * Decodes a compact JWS WITHOUT verifying anything: for display only.
 * *header and *claims are new references the caller releases with
 * json_decref.  KINDE_E_REJECTED (reason malformed) when it cannot be
 * decoded.
 */
kinde_err_t kinde_token_decode(const char *token, size_t len,
			       struct json_t **header, struct json_t **claims,
			       kinde_verdict_t *v);

/* ------------------------------------------------------------------ */
/* Talking to the issuer: key sets, M2M tokens, API keys */

typedef struct kinde_client kinde_client_t;

/*
 * A client for cfg's issuer (borrowed; must outlive the client).  Opens
 * the cache directory; an unusable one is logged and the client works
 * without it.  Caller frees.
 */
kinde_err_t kinde_client_new(const kinde_config_t *cfg, kinde_client_t **out);
void kinde_client_free(kinde_client_t *c);
/* Fixes the clock used for cache lifetimes (tests, --now). */
void kinde_client_set_now(kinde_client_t *c, int64_t now);
/*
 * Called just before an API-key verification would go out to the issuer
 * (not when the host's cache answers): anything but KINDE_OK stops it,
 * and kinde_client_verify_apikey returns that (the verdict's reason
 * rate_limited).  The PAM module counts LIMIT_VERIFY here; NULL: none.
 */
typedef kinde_err_t (*kinde_verify_gate_fn)(void *ctx);
void kinde_client_set_verify_gate(kinde_client_t *c, kinde_verify_gate_fn fn,
				  void *ctx);
/* Detail of the last failure.  Borrowed. */
const char *kinde_client_error(const kinde_client_t *c);

/*
 * The key set to validate with: the pinned jwks_file, a fresh cached copy,
 * or a fetched one; a stale copy (logged) when the issuer is unreachable.
 * Borrowed from c, valid until the next call on c.  KINDE_E_UNAVAILABLE or
 * KINDE_E_RATELIMITED when no key set can be had; KINDE_E_CONFIG when
 * discovery names another issuer.
 */
kinde_err_t kinde_client_keyset(kinde_client_t *c, const kinde_keyset_t **ks);
/* Fetches the key set now, whatever the cache says. */
kinde_err_t kinde_client_refresh_keyset(kinde_client_t *c);

struct kinde_keyset_status {
	const char *source;	/* "file", "cache", "network", "stale cache" */
	const char *url;	/* where it came from */
	int64_t fetched_at;	/* 0 for a file */
	int64_t expires_at;
};
/* Describes the key set the last kinde_client_keyset returned. */
void kinde_client_keyset_status(const kinde_client_t *c,
				struct kinde_keyset_status *st);

/*
 * What the last requests learned, for diagnosis: the issuer's clock (from
 * the HTTP Date header; 0 when none was seen) and ours when it was read.
 */
void kinde_client_server_time(const kinde_client_t *c, int64_t *server,
			      int64_t *local);
/* The discovery document (loading it if needed), or NULL.  Borrowed. */
const struct json_t *kinde_client_discovery(kinde_client_t *c);
/* Until when the issuer rate-limits this host at one of its endpoints,
 * the latest of them (0: none); see ratelimit_list for each. */
int64_t kinde_client_ratelimited_until(kinde_client_t *c);
/*
 * A live request for the discovery document, bypassing the cache: can the
 * issuer be reached (DNS, TCP, TLS), what HTTP status, what clock.
 * KINDE_OK with *status when a reply arrived.
 */
kinde_err_t kinde_client_probe(kinde_client_t *c, long *status);

/* The OAuth error code of the last refused token request, or "". */
const char *kinde_client_oauth_error(const kinde_client_t *c);
/* What failed in the last failed request: "dns", "connect", "tls",
 * "timeout", "too-big", "redirect", "reset", "protocol", or "". */
const char *kinde_client_network_failure(const kinde_client_t *c);
/* Requests sent by this client (tests, diagnose). */
unsigned kinde_client_requests(const kinde_client_t *c);

/*
 * Validates a token with val's policy and c's key set, refetching the key
 * set once when the token's kid is unknown (rotation).  As
 * kinde_validator_check, plus KINDE_E_UNAVAILABLE / KINDE_E_RATELIMITED
 * (reason unavailable / rate-limited) when keys cannot be had.
 */
kinde_err_t kinde_client_verify_token(kinde_client_t *c,
				      kinde_validator_t *val,
				      const char *token, size_t len,
				      kinde_verdict_t *v);

/*
 * An M2M access token (client credentials) for audiences and scopes
 * (NULL-terminated lists; NULL: cfg's m2m_audience, default <domain>/api,
 * and m2m_scope), from the cache when fresh.  *token is a secret the
 * caller frees with kinde_free_secret().  KINDE_E_CONFIG for credential
 * problems (the message says what to fix).
 */
kinde_err_t kinde_client_m2m_token(kinde_client_t *c,
				   const char *const *audiences,
				   const char *const *scopes, bool force,
				   char **token, int64_t *expires_at,
				   bool *from_cache);

/*
 * Verifies a Kinde API key through the issuer (results cached under the
 * key's SHA-256, never the key), then applies cfg's scope and org policy.
 * KINDE_OK when accepted; KINDE_E_REJECTED with the reason in v;
 * KINDE_E_UNAVAILABLE / KINDE_E_RATELIMITED / KINDE_E_CONFIG otherwise.
 * The verdict's claims hold key_id, user_id, org_code and scopes.
 */
kinde_err_t kinde_client_verify_apikey(kinde_client_t *c, const char *key,
				       kinde_verdict_t *v);

/* A device login in progress (RFC 8628). */
struct kinde_device_auth {
	char device_code[512];		/* secret: never shown or logged */
	char user_code[64];		/* what the user types */
	char verification_uri[512];	/* where the user goes */
	char verification_uri_complete[1024];	/* ... with the code, or "" */
	long expires_in;
	long interval;
	int64_t deadline;		/* monotonic seconds */
};

/*
 * Starts a device login for device_client_id, requesting device_scope and
 * device_audience.  The strings of *d are printable ASCII, safe to show.
 */
kinde_err_t kinde_client_device_start(kinde_client_t *c,
				      struct kinde_device_auth *d);

/*
 * Polls the token endpoint (honouring interval and slow_down) until the
 * user approves (KINDE_OK, *token a secret the caller frees with
 * kinde_free_secret), denies or lets the code expire (KINDE_E_REJECTED),
 * or device_timeout passes (KINDE_E_REJECTED).  The token is NOT yet
 * validated: pass it to kinde_client_verify_token.
 */
kinde_err_t kinde_client_device_poll(kinde_client_t *c,
				     struct kinde_device_auth *d,
				     char **token);

/* ------------------------------------------------------------------ */
/* The account check (account_check = kinde, kinde-auth whois): may this
 * Kinde user log in now, by the Management API (lib/account.c). */

/* Whether cfg sets account_check = kinde. */
bool kinde_config_account_check(const kinde_config_t *cfg);

/*
 * The Kinde user id (kp_...) of local user, by reverse lookup in
 * user_map_file (the user name itself without a map file): 0 with id
 * set when exactly one kp_ value maps to user; -1 none (why says so),
 * -2 more than one (why lists them: a public-key login cannot tell
 * which person it is), -3 the map file cannot be read.
 */
int kinde_account_lookup(const kinde_config_t *cfg, const char *user,
			 char *id, size_t idlen, char *why, size_t whylen);

/* The other way: the local users user_map_file maps Kinde user id to,
 * comma-separated into users ("" none).  0, or -1 (map file unreadable). */
int kinde_account_local_users(const kinde_config_t *cfg, const char *id,
			      char *users, size_t len);

struct kinde_account_info {
	char source[16];	/* "network", "cache", "stale cache" */
	int64_t decided_at;	/* when the decision was made */
	char org[129];		/* the organization that allowed it, or "" */
	char unavailable[512];	/* why Kinde could not be asked, or "" */
};

/* What kinde_client_account_check does. */
#define KINDE_ACCOUNT_LIVE 0x1u	  /* no cache; measure every check (whois) */
#define KINDE_ACCOUNT_ROLES 0x2u  /* only the role rules (an API key's user) */

/*
 * Whether Kinde user user_id may log in now: the user exists and is not
 * suspended; is a member of org_hint (the login's org_code; NULL when
 * none) or of one of allowed_orgs; and holds require_roles, one of
 * allowed_roles and require_permissions in such an organization.
 * Every request goes with the M2M token for <domain>/api (cached).
 *
 * KINDE_OK when allowed; KINDE_E_REJECTED with the reason in v (user,
 * suspended, not_member, role, permission); KINDE_E_UNAVAILABLE,
 * KINDE_E_RATELIMITED (also when the verify gate refuses) or
 * KINDE_E_CONFIG (a missing scope, bad credentials) when it could not be
 * decided.  Decisions are cached (account_cache_ttl); when Kinde cannot
 * be asked, a cached decision younger than account_max_stale decides
 * (info->source "stale cache", info->unavailable says why).  The
 * verdict's claims hold what was measured ("sub", "is_suspended",
 * "organizations", "orgs": {code: {member, roles, permissions}}).
 */
kinde_err_t kinde_client_account_check(kinde_client_t *c, const char *user_id,
				       const char *org_hint, unsigned flags,
				       kinde_verdict_t *v,
				       struct kinde_account_info *info);

/* Wipes and frees a secret string (NULL is a no-op). */
void kinde_free_secret(char *s);

/* Library version string ("0.1.0"). */
const char *kinde_version(void);

#ifdef __cplusplus
}
#endif

#endif /* KINDE_H */
