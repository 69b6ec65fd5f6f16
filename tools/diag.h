/*
 * diag.h - the findings of `kinde-auth diagnose`: each check with its
 * stable code, result, measured value and, when it fails, the symptom an
 * administrator sees, the likely cause and the fix.
 */
#ifndef KINDE_DIAG_H
#define KINDE_DIAG_H

/* diagnose looks inside on purpose: the one user of kinde-internal.h. */
#include "kinde-internal.h"

#include <stdbool.h>

#include <jansson.h>

/*
 * Stable codes: the failure classes of Kinde's troubleshooting guide, as
 * the core names them for every reason (kinde_reason_class: one source)...
 */
#define DC_INVALID_API_KEY kinde_reason_class(KINDE_R_KEY_INVALID)	/* 1 */
#define DC_TOKEN_INVALID kinde_reason_class(KINDE_R_SIGNATURE)	/* 2 */
#define DC_MALFORMED kinde_reason_class(KINDE_R_MALFORMED)	/* 3 */
#define DC_SCOPE kinde_reason_class(KINDE_R_SCOPE)		/* 4 */
#define DC_ORG kinde_reason_class(KINDE_R_ORG)			/* 5 */
#define DC_RATE_LIMITED kinde_reason_class(KINDE_R_RATE_LIMITED)	/* 6 */
#define DC_UNREACHABLE kinde_reason_class(KINDE_R_UNAVAILABLE)
#define DC_USER kinde_reason_class(KINDE_R_USER)
#define DC_CONFIG kinde_reason_class(KINDE_R_CONFIG)
/* ... an M2M token request's (7), which no login reason has ... */
#define DC_INVALID_SCOPE "invalid-scope"
/* ... and the host's side. */
#define DC_FILES "file-permissions"
#define DC_CACHE "cache-dir"
#define DC_TRANSPORT "transport"
#define DC_KEY_SET "key-set"
#define DC_M2M "m2m-credentials"
#define DC_SSHD "sshd-config"
#define DC_PAM "pam-service"
#define DC_STATE_DIR "state-dir"		/* the limiter's (issue 10) */

enum diag_status { DIAG_SKIP = -1, DIAG_FAIL = 0, DIAG_PASS = 1 };

struct diag {
	json_t *checks;		/* array of finding objects */
	unsigned problems;
	bool unreachable;	/* the issuer could not be reached */
	kinde_config_t *cfg;	/* may be partial when the file is bad */
	kinde_client_t *client;	/* NULL without a usable issuer */
	bool config_ok;
	const char *service;
	const char *pam_dir;
	const char *sshd_config;
	const char *user;
	/* What the issuer checks learned, for the later checks. */
	int64_t skew;		/* issuer clock minus ours, seconds */
	bool skew_known;
};

/*
 * Records a finding.  value may be formatted; symptom, cause and fix are
 * for failures (NULL otherwise).
 */
void diag_add(struct diag *d, const char *code, const char *check,
	      enum diag_status status, const char *symptom, const char *cause,
	      const char *fix, const char *value_fmt, ...)
	__attribute__((format(printf, 8, 9)));

/* Prints the findings (text, colour on a terminal) or the JSON object. */
void diag_print(const struct diag *d, bool json);

/* The check groups, in the order they run. */
void diag_host(struct diag *d);
void diag_issuer(struct diag *d);
void diag_sshd(struct diag *d);
/* device_timeout against sshd's LoginGraceTime (grace s; 0: none). */
void diag_device_grace(struct diag *d, long grace);
void diag_token(struct diag *d, const char *token);
void diag_apikey(struct diag *d, const char *key);
/* This host's limiter and lockout (diag_limiter.c). */
void diag_limiter(struct diag *d);

/* The service file's pam_kinde lines, as the access checks read them
 * (diag_access.c). */
struct pam_stack {
	bool read;		/* the file could be read */
	bool kinde_auth;	/* an auth line runs pam_kinde */
	bool kinde_sole;	/* ... under a control that stops a login
				 * when the issuer is unavailable */
	bool alternative;	/* a line before it can let a login in */
	bool account_required;	/* account required pam_kinde.so */
	char alt[160];		/* that line */
};
void diag_pam_stack(const struct diag *d, struct pam_stack *st);
/* A service with no way in while the issuer is down and no key cached. */
void diag_access(struct diag *d);
/*
 * For a service whose application limits the answer (sudo): a note, or a
 * failure when the token given (token_len bytes, 0 for none) cannot pass.
 */
void diag_answer_limit(struct diag *d, size_t token_len);

#endif
