/*
 * kinde.h - public API of libkinde, the core shared by pam_kinde.so and
 * kinde-auth.  The front ends (pam/ and tools/) include this header and no
 * other of the core's: tests/tools/test_boundary.sh holds them to it.  The
 * one exception is kinde-auth diagnose, which looks inside on purpose
 * through lib/kinde-internal.h.
 *
 * Handles are opaque, created by *_new and released by *_free (free of NULL
 * is a no-op).  Every function says who owns what it returns.  Functions
 * that can fail return a kinde_err_t; the handle involved keeps a human
 * detail message for the first error.
 *
 * JSON: kinde_verdict_claims, kinde_client_discovery and kinde_token_decode
 * hand out jansson json_t objects (borrowed for the first two, new
 * references for the last), and a front end that reads them links jansson.
 * They are not wrapped: the core is built on jansson and ships with it, the
 * module and the CLI already use jansson for their own JSON output (the
 * audit line, --json), and a wrapper would be a second JSON API to learn
 * for no safety gained.
 *
 * The sections, in order: errors and reasons; helpers (formatting,
 * secrets); installed paths; logging; configuration; key sets; verdicts;
 * token validation; the issuer; the host's cache; the host-wide limiter;
 * logins (user mapping, the sealed auth record); version.  A new call goes
 * into its section, with a comment saying who owns what it returns.
 */
#ifndef KINDE_H
#define KINDE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Errors and reasons */

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
/* Helpers: bounded formatting, display of untrusted text, secrets, times
 * (lib/util.c, lib/timefmt.c) */

#define KINDE_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Whether s starts with the https scheme.  any_case false: "https://"
 * exactly, the form the config writes (lib/config.c normalises every URL
 * option to it, so a URL that reached us otherwise is suspect: a device
 * endpoint's verification_uri, a request's URL, a CLI value).  any_case
 * true: any case of the scheme (RFC 3986 §3.1), for a Location header,
 * which a server may write as it likes.
 * Inline: the libcurl transport plugin has no libkinde to link against.
 */
static inline bool
is_https_url(const char *s, bool any_case)
{
	return any_case ? strncasecmp(s, "https://", 8) == 0 :
			  strncmp(s, "https://", 8) == 0;
}

/* snprintf that never fails: truncates, always NUL-terminates. */
void kinde_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kinde_vfmt(char *buf, size_t len, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * Copies s into buf for display, escaping control characters, quotes and
 * bytes >= 0x7f as \xNN so a claim can never forge a log line.
 */
void kinde_escape(const char *s, char *buf, size_t buflen);

/* Shows a secret as its first 7 and last 4 characters ("k_live_…a1b2"). */
void kinde_redact(const char *secret, char *buf, size_t buflen);

/* Overwrites len bytes so the compiler cannot drop the store. */
void kinde_wipe(void *p, size_t len);
/* Wipes and frees a secret string (NULL is a no-op). */
void kinde_free_secret(char *s);

/* "2026-11-26 09:14:03 UTC"; "(out of range)" for unrepresentable times. */
void kinde_fmt_utc(int64_t t, char *buf, size_t len);
/* "0s", "45s", "12m5s", "3h12m", "2d4h" of |secs|. */
void kinde_fmt_duration(int64_t secs, char *buf, size_t len);
/* "in 3h12m" or "3h12m ago" relative to now. */
void kinde_fmt_relative(int64_t t, int64_t now, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Installed paths (the build sets them; these are the fallbacks) */

#ifndef KINDE_CONF_FILE
#define KINDE_CONF_FILE "/etc/security/pam_kinde.conf"
#endif
#ifndef KINDE_CACHE_DIR
#define KINDE_CACHE_DIR "/var/cache/pam_kinde"
#endif
#ifndef KINDE_STATE_DIR
#define KINDE_STATE_DIR "/var/lib/pam_kinde"
#endif
#ifndef KINDE_NET_MODULE
#define KINDE_NET_MODULE "/usr/lib/pam_kinde/kinde-net.so"
#endif

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

/* The words of the mode and audit options. */
enum kinde_mode {
	KINDE_MODE_AUTO,	/* a JWT is a token, anything else an API
				 * key; nothing, a device login (when
				 * device_client_id is set) */
	KINDE_MODE_TOKEN,
	KINDE_MODE_APIKEY,
	KINDE_MODE_DEVICE
};
enum kinde_audit { KINDE_AUDIT_TEXT, KINDE_AUDIT_JSON };
/* account_check: whether the account stage asks Kinde (lib/account.c). */
enum kinde_account_check {
	KINDE_ACCOUNT_CHECK_NONE,
	KINDE_ACCOUNT_CHECK_KINDE
};

/*
 * One option's value, for the front ends (one getter per option they
 * read: add one here, in lib/config_access.c, when a front end needs
 * another; the struct stays the core's).  Strings are borrowed from cfg
 * (NULL when unset) and valid until the option is set again.
 */
enum kinde_mode kinde_config_mode(const kinde_config_t *cfg);
enum kinde_audit kinde_config_audit(const kinde_config_t *cfg);
enum kinde_account_check kinde_config_account_check(const kinde_config_t *cfg);
bool kinde_config_debug(const kinde_config_t *cfg);
long kinde_config_leeway(const kinde_config_t *cfg);
long kinde_config_timeout(const kinde_config_t *cfg);
const char *kinde_config_prompt(const kinde_config_t *cfg);
bool kinde_config_use_first_pass(const kinde_config_t *cfg);
bool kinde_config_try_first_pass(const kinde_config_t *cfg);
bool kinde_config_account_requires_auth(const kinde_config_t *cfg);
const char *kinde_config_device_client_id(const kinde_config_t *cfg);
/* device_qr (default yes): whether a device login draws its QR code. */
bool kinde_config_device_qr(const kinde_config_t *cfg);
/* device_timeout in seconds, or 0 when no device login is configured
 * (no device_client_id). */
long kinde_config_device_timeout(const kinde_config_t *cfg);
const char *kinde_config_cache_dir(const kinde_config_t *cfg);
const char *kinde_config_client_secret_file(const kinde_config_t *cfg);
/* The limiter's state_dir in effect (KINDE_STATE_DIR when unset). */
const char *kinde_config_state_dir(const kinde_config_t *cfg);
/* Lockout applies to uid 0 too (lockout_even_deny_root). */
bool kinde_config_lockout_even_deny_root(const kinde_config_t *cfg);

/*
 * Sets one word of a module's argument list: "key=value", or "key" alone
 * for a boolean.  As kinde_config_set; a refused word's message starts
 * with the name of the current source ("module arguments: ..."), as a
 * file's start with file:line.
 */
kinde_err_t kinde_config_set_word(kinde_config_t *cfg, const char *word);

/* Whether key names a path option (a relative path on a command line is
 * the working directory's).  False for an unknown key. */
bool kinde_config_key_is_path(const char *key);

/* Forgets client_secret_file: the command line would send it to another
 * server than the file's (kinde-auth's origin guard). */
void kinde_config_drop_client_secret(kinde_config_t *cfg);

/* Whether cfg's issuer is ever fetched from, so a cache directory serves
 * it (not for a pinned jwks_file without M2M credentials). */
bool kinde_config_wants_cache(const kinde_config_t *cfg);

/*
 * Where a and b send their requests and what they trust: a mask of the
 * origin settings (domain, issuer, jwks_uri, ca_file and its content,
 * proxy, net_module) in which they differ, 0 when the same.  *secret (when
 * not NULL): the part of it that decides where the client secret goes.
 */
unsigned kinde_config_origin_diff(const kinde_config_t *a,
				  const kinde_config_t *b, unsigned *secret);
/* The names of the settings of such a mask ("domain, ca_file"). */
void kinde_config_origin_names(unsigned mask, char *buf, size_t len);

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
	kinde_reason_t reason;	/* of a failed check; KINDE_R_NONE else */
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

/*
 * The scopes the last token or API key was granted, space-separated, into
 * buf (truncated with "..." when too long; "" for none): a token's scope
 * string or scp array, an API key's scopes.
 */
void kinde_verdict_scopes(const kinde_verdict_t *v, bool is_apikey, char *buf,
			  size_t len);

/*
 * A time claim (exp, nbf, iat) of claims: 1 with *t set, 0 when absent,
 * -1 when it is not a number in range.
 */
int kinde_claim_time(const struct json_t *claims, const char *name,
		     double *t);

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
/* The discovery document (loading it if needed): a jansson json_t object,
 * borrowed from c; NULL when unavailable. */
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
	long interval;			/* seconds; slow_down adds 5 */
	int64_t deadline;		/* monotonic seconds */
	int64_t next_poll_ms;		/* monotonic ms: no poll before */
	unsigned polls;			/* requests to the token endpoint */
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
 * or device_timeout passes (KINDE_E_REJECTED; v, when not NULL, then
 * holds reason denied and says which).  The token is NOT yet validated:
 * pass it to kinde_client_verify_token.
 */
kinde_err_t kinde_client_device_poll(kinde_client_t *c,
				     struct kinde_device_auth *d,
				     char **token, kinde_verdict_t *v);

/* ------------------------------------------------------------------ */
/* Device login, step by step (lib/device.c), for a front end that waits
 * on something else between the polls (the module's prompt, a terminal). */

/*
 * One poll of the token endpoint, at once (the caller waits
 * kinde_device_wait_ms first).  KINDE_OK with *token set (a secret, caller
 * frees with kinde_free_secret): approved.  KINDE_OK with *token NULL:
 * still pending; d's interval (slow_down: +5 s for the rest of the flow)
 * and next poll time are updated.  KINDE_E_REJECTED when the user denied,
 * the code expired or the deadline passed; then v (may be NULL) holds
 * reason denied and says which.  Other errors as
 * kinde_client_device_poll.
 */
kinde_err_t kinde_client_device_poll_once(kinde_client_t *c,
					  struct kinde_device_auth *d,
					  char **token, kinde_verdict_t *v);

/* Milliseconds until the next poll may go out (0: now).  Polls are never
 * closer than the interval in force, counted from the end of the last
 * request (the first from the authorization). */
int64_t kinde_device_wait_ms(const struct kinde_device_auth *d);

/* Wipes d (the device code is a secret). */
void kinde_device_clear(struct kinde_device_auth *d);


/* ------------------------------------------------------------------ */
/* QR codes (lib/qr.c, libqrencode): the device login's link, drawn for a
 * phone to scan. */

/* Whether this build draws QR codes (configure found libqrencode). */
bool kinde_qr_available(void);

/*
 * The modules of text's QR code (byte mode, error correction L):
 * *size rows of *size bytes, 1 dark, 0 light, no quiet zone.  NULL
 * without libqrencode, when text does not fit, or out of memory.  Caller
 * frees.
 */
unsigned char *kinde_qr_matrix(const char *text, int *size);

/*
 * text's QR code as terminal lines of Unicode half blocks (two module
 * rows a line), with a quiet zone of 4 modules; every line ends in "\n".
 * The glyphs, in the foreground colour, are the light modules: right on
 * a dark background, inverted on a light one (phone cameras read both).
 * KINDE_QR_COLOR adds explicit colours (white on black), right on every
 * terminal that shows them; OpenSSH does not pass them (it escapes ESC).
 * NULL when it would be wider than max_cols columns, or as
 * kinde_qr_matrix.  Caller frees.
 */
#define KINDE_QR_COLOR 0x1u
char *kinde_qr_text(const char *text, int max_cols, unsigned flags);

/*
 * How this process reaches the issuer.  kinde-auth links libcurl in and
 * registers its transport; without one the PAM module loads the plugin
 * (net_module) on first use, so a warm login never loads libcurl.
 */
struct kinde_net;
/* The linked-in libcurl transport (lib/libkinde_http.la only). */
extern const struct kinde_net kinde_net_v1;
void kinde_transport_register(const struct kinde_net *net);

/* ------------------------------------------------------------------ */
/* The host's cache (cache_dir): what kinde-auth cache and ratelimit show
 * and flush */

/*
 * Empties cache_dir of the entries of each kind (an entry-name prefix:
 * "jwks", "discovery", "apikey", "m2m", "account"), each removed under its
 * lock (waiting at most timeout); counts[i] says how many of kinds[i]
 * went.  Another error (KINDE_E_IO, KINDE_E_UNSAFE) with the reason in
 * err when cache_dir cannot be opened or listed.
 */
kinde_err_t kinde_cache_flush(const kinde_config_t *cfg,
			      const char *const *kinds, size_t n,
			      unsigned *counts, char *err, size_t errlen);

/* One HTTP 429 the issuer answered, recorded until it lifts. */
struct ratelimit_window {
	const char *endpoint;	/* "jwks", "token", "apikey-verify",
				 * "device", "discovery", "other" */
	const char *url;	/* without the query */
	int64_t until;
	bool same_origin;	/* recorded under cfg's origin (else another
				 * configuration's) */
};
typedef void (*ratelimit_window_fn)(void *ctx,
				    const struct ratelimit_window *w);
/*
 * Calls fn for each 429 window recorded in cfg's cache_dir for cfg's
 * origin and still in force at now.  An error (KINDE_E_IO,
 * KINDE_E_UNSAFE) with the reason in err when cache_dir cannot be opened
 * (it is created when missing).
 */
kinde_err_t kinde_issuer_ratelimits(const kinde_config_t *cfg, int64_t now,
				    ratelimit_window_fn fn, void *ctx,
				    char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* The host-wide limiter (lib/limiter.c; the model is described in
 * lib/limiter.h): attempt limits and the lockout, shared by every process
 * of the host through state_dir.  Every function takes `now` (seconds
 * since the epoch): tests inject it.  (These and the login calls below
 * keep the names they had before they were public.) */

#define LIMIT_KEY_MAX 128	/* bytes of a key (hex digest, host, user) */

/* The tables and what they count (lib/limiter.h says more). */
enum limit_table {
	LIMIT_APIKEY,	/* attempts per API key (its SHA-256) */
	LIMIT_RHOST,	/* attempts reaching the issuer per PAM_RHOST */
	LIMIT_USER,	/* attempts per local user */
	LIMIT_VERIFY,	/* the host-wide budget of API-key verifications */
	LIMIT_FAIL,	/* failures per local user, for the lockout */
	LIMIT__COUNT
};

/* "N/SECONDS" as configured; n == 0 means off. */
struct limit_rule {
	long n;
	long seconds;
};

/* The rule of a table as cfg sets it (ratelimit_*; LIMIT_FAIL:
 * lockout_deny within lockout_interval). */
struct limit_rule kinde_config_limit(const kinde_config_t *cfg,
				     enum limit_table t);

struct limiter;

/*
 * Opens cfg's state_dir (made 0700 when missing).  A state_dir that is a
 * symlink, not owned by the running user, or writable by group or others
 * is refused: KINDE_E_UNSAFE with the detail on cfg's log; the caller
 * treats that as a configuration error (fail closed) when any limit or
 * the lockout is on.  Caller frees with limiter_free.
 */
kinde_err_t limiter_open(const kinde_config_t *cfg, struct limiter **out);
void limiter_free(struct limiter *l);

/* Stable names: "apikey", "rhost", "user", "verify", "lockout". */
const char *limit_table_name(enum limit_table t);

/* The LIMIT_APIKEY key of an API key: its SHA-256 as 64 hex digits. */
void limiter_digest(const char *secret, char out[65]);

/*
 * One attempt to count: which table, which key ("" for LIMIT_VERIFY), and
 * what `kinde-auth ratelimit status` shows for it (an API key's first 7
 * and last 4 characters; NULL to show the key itself).
 */
struct limit_key {
	enum limit_table table;
	const char *key;
	const char *label;
};

/* Which limit refused an attempt, and when its window frees a slot. */
struct limit_hit {
	enum limit_table table;
	struct limit_rule rule;
	int64_t retry_at;	/* first second an attempt is allowed again */
};

/*
 * Counts one attempt under each of keys[0..n) whose table's rule is on,
 * all or none: when any of them is at its limit, nothing is recorded,
 * *hit says which (the first in keys order) and the result is
 * KINDE_E_RATELIMITED.  KINDE_OK when the attempt may go on.  Other
 * errors (state unusable): the caller fails closed.
 */
kinde_err_t limiter_take(struct limiter *l, const struct limit_key *keys,
			 size_t n, int64_t now, struct limit_hit *hit);

/*
 * Lockout (pam_faillock's model): limiter_locked says whether user is
 * locked now (KINDE_E_RATELIMITED, with *hit table LIMIT_FAIL and the
 * unlock time) before any network call; limiter_fail records a failure
 * of any method; limiter_success resets the user's count.  Off unless
 * lockout_deny > 0; root is exempt unless lockout_even_deny_root.
 */
kinde_err_t limiter_locked(struct limiter *l, const char *user, int64_t now,
			   struct limit_hit *hit);
kinde_err_t limiter_fail(struct limiter *l, const char *user, int64_t now);
kinde_err_t limiter_success(struct limiter *l, const char *user);

/* Listing for `kinde-auth ratelimit status`: one call per live entry. */
struct limit_entry {
	enum limit_table table;
	const char *key;	/* borrowed for the callback's duration */
	const char *label;	/* borrowed; the key when none was given */
	unsigned count;		/* attempts (or failures) in the window */
	struct limit_rule rule;
	int64_t oldest;		/* time of the oldest attempt counted */
	int64_t retry_at;	/* 0 when not at its limit / not locked */
};
typedef void (*limit_entry_fn)(void *ctx, const struct limit_entry *e);
kinde_err_t limiter_list(struct limiter *l, int64_t now, limit_entry_fn fn,
			 void *ctx);

/*
 * Removes entries: of one table and key, of one table (key NULL), or all
 * (table LIMIT__COUNT).  *removed counts them.
 */
kinde_err_t limiter_reset(struct limiter *l, enum limit_table table,
			  const char *key, unsigned *removed);

/* ------------------------------------------------------------------ */
/* Logins: which local user an identity may be, and the record the auth
 * stage seals for the account stage across sshd's fork (lib/usermap.c,
 * lib/authmac.c) */

/*
 * Maps the verified identity of v (user_claim of a token; user_id, else
 * "org:<org_code>", of an API key) to a local user and compares it with
 * user.  0 when it maps to user; -1 with the reason in why (unmapped,
 * another user's identity); -2 on a config problem (the map file unsafe or
 * unreadable), why says which.
 */
int usermap_check(const kinde_config_t *cfg, const kinde_verdict_t *v,
		  bool is_apikey, const char *user, char *why, size_t whylen);

/*
 * The value of v that names the user (see usermap_check): a claim of v,
 * or buf for an organization key; NULL with why set when there is none.
 */
const char *usermap_identity(const kinde_config_t *cfg,
			     const kinde_verdict_t *v, bool is_apikey,
			     char *buf, size_t buflen, char *why,
			     size_t whylen);

/*
 * usermap_check for an identity value already extracted (the account
 * stage re-checks the one its auth stage recorded against PAM_USER).
 */
int usermap_check_identity(const kinde_config_t *cfg, const char *value,
			   bool is_apikey, const char *user, char *why,
			   size_t whylen);

/*
 * The sealed record (lib/authmac.h says why): an HMAC-SHA256 under a host
 * secret in cache_dir that only its owner (root) can read.
 */
#define AUTHMAC_KEY_LEN 32
/* User and identity are at most this long. */
#define AUTHMAC_FIELD_MAX 512
/* "v1:<time>:<user>:<identity>:<64 hex>", user and identity base64url. */
#define AUTHMAC_SEALED_MAX (3 + 21 + 2 * (AUTHMAC_FIELD_MAX / 3 * 4 + 4) + \
			    3 + 64 + 1)

/* One auth decision.  Every field is covered by the MAC. */
struct authmac_record {
	const char *service;	/* PAM_SERVICE */
	const char *user;	/* PAM_USER it was decided for */
	const char *method;	/* "token", "apikey", "device" */
	const char *identity;	/* the value mapped to user (usermap.c) */
	const char *sub;	/* KINDE_SUB as exported */
	const char *exp;	/* KINDE_EXP as exported ("" for a key) */
	int64_t time;		/* when the auth stage decided */
};

/*
 * The host secret: cfg->cache_dir/authmac.key (the directory passes
 * cache_open's checks).  When missing and create is set it is made: 32
 * random bytes, mode 0600, written under a temporary name with O_EXCL and
 * linked into place, so a reader never sees half of one and two creators
 * agree on one.  A key that is not a regular file of 32 bytes owned by the
 * running user (root) with no group or other permission is refused.
 * KINDE_OK; KINDE_E_IO (missing, no usable cache directory) or
 * KINDE_E_UNSAFE with the reason in err.  key is the caller's to wipe.
 */
kinde_err_t authmac_key_load(const kinde_config_t *cfg, bool create,
			     unsigned char key[AUTHMAC_KEY_LEN], char *err,
			     size_t errlen);

/* Where authmac_open puts the user and identity it found. */
struct authmac_opened {
	char user[AUTHMAC_FIELD_MAX + 1];
	char identity[AUTHMAC_FIELD_MAX + 1];
};

/* Seals r (user and identity at most AUTHMAC_FIELD_MAX bytes) into out
 * (AUTHMAC_SEALED_MAX bytes suffice). */
kinde_err_t authmac_seal(const unsigned char key[AUTHMAC_KEY_LEN],
			 const struct authmac_record *r, char *out,
			 size_t outlen);

/*
 * Checks sealed against r's service, method, sub and exp at time now; on
 * success fills r->user and r->identity (pointing into o) and r->time.
 * The caller then decides whether that identity is still PAM_USER's.
 * KINDE_E_REJECTED with the reason in why: absent, malformed, a MAC that
 * does not verify (any field changed, another service, another host's
 * secret), too old.
 */
kinde_err_t authmac_open(const unsigned char key[AUTHMAC_KEY_LEN],
			 const char *sealed, struct authmac_record *r,
			 int64_t now, struct authmac_opened *o, char *why,
			 size_t whylen);

/* ------------------------------------------------------------------ */
/* The account check (account_check = kinde, kinde-auth whois): may this
 * Kinde user log in now, by the Management API (lib/account.c). */

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

/* ------------------------------------------------------------------ */
/* Version */

/* Library version string ("0.1.0"). */
const char *kinde_version(void);

#ifdef __cplusplus
}
#endif

#endif /* KINDE_H */
