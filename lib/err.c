/*
 * err.c - error and reason names.
 */
#include "kinde-build.h"

#include "kinde.h"

static const char *const errors[] = {
	[KINDE_OK] = "success",
	[KINDE_E_NOMEM] = "out of memory",
	[KINDE_E_USAGE] = "invalid argument",
	[KINDE_E_CONFIG] = "configuration error",
	[KINDE_E_IO] = "file error",
	[KINDE_E_UNSAFE] = "unsafe file ownership or permissions",
	[KINDE_E_REJECTED] = "rejected",
	[KINDE_E_UNAVAILABLE] = "issuer or key set unavailable",
	[KINDE_E_RATELIMITED] = "rate limited by the issuer",
	[KINDE_E_INTERNAL] = "internal error",
};

/* Stable: logs, scripts and --json output depend on these names. */
static const char *const reasons[KINDE_R__COUNT] = {
	[KINDE_R_NONE] = "ok",
	[KINDE_R_MALFORMED] = "malformed",
	[KINDE_R_HEADER] = "header",
	[KINDE_R_ALG] = "alg",
	[KINDE_R_KID] = "kid",
	[KINDE_R_SIGNATURE] = "signature",
	[KINDE_R_CLAIMS] = "claims",
	[KINDE_R_ISSUER] = "issuer",
	[KINDE_R_AUDIENCE] = "audience",
	[KINDE_R_EXPIRED] = "expired",
	[KINDE_R_NOT_YET_VALID] = "not-yet-valid",
	[KINDE_R_ISSUED_IN_FUTURE] = "issued-in-future",
	[KINDE_R_TOKEN_TYPE] = "token-type",
	[KINDE_R_CLIENT] = "client",
	[KINDE_R_SCOPE] = "scope",
	[KINDE_R_PERMISSION] = "permission",
	[KINDE_R_ORG] = "org",
	[KINDE_R_KEY_INVALID] = "key-invalid",
	[KINDE_R_KEY_INACTIVE] = "key-inactive",
	[KINDE_R_USER] = "user",
	[KINDE_R_UNAVAILABLE] = "unavailable",
	[KINDE_R_RATE_LIMITED] = "rate-limited",
	[KINDE_R_DENIED] = "denied",
	[KINDE_R_CONFIG] = "config",
	[KINDE_R_CONV] = "conv",
	[KINDE_R_SUSPENDED] = "suspended",
	[KINDE_R_NOT_MEMBER] = "not_member",
	[KINDE_R_ROLE] = "role",
};

const char *
kinde_strerror(kinde_err_t err)
{
	if ((unsigned)err < sizeof(errors) / sizeof(errors[0]) &&
	    errors[err] != NULL)
		return errors[err];
	return "unknown error";
}

const char *
kinde_reason_name(kinde_reason_t reason)
{
	if ((unsigned)reason < KINDE_R__COUNT && reasons[reason] != NULL)
		return reasons[reason];
	return "unknown";
}

const char *
kinde_version(void)
{
	return PACKAGE_VERSION;
}

const char *
kinde_reason_class(kinde_reason_t reason)
{
	switch (reason) {
	case KINDE_R_NONE:
		return "ok";
	case KINDE_R_MALFORMED:
	case KINDE_R_HEADER:
		return "malformed";
	case KINDE_R_SCOPE:
	case KINDE_R_PERMISSION:
	case KINDE_R_ROLE:
		return "insufficient-scope";
	case KINDE_R_ORG:
	case KINDE_R_NOT_MEMBER:
		return "org-denied";
	case KINDE_R_SUSPENDED:
		return "account-denied";
	case KINDE_R_KEY_INVALID:
	case KINDE_R_KEY_INACTIVE:
		return "invalid-api-key";
	case KINDE_R_RATE_LIMITED:
		return "rate-limited";
	case KINDE_R_UNAVAILABLE:
		return "issuer-unreachable";
	case KINDE_R_USER:
		return "user-mapping";
	case KINDE_R_CONFIG:
		return "config";
	case KINDE_R_CONV:
		return "conversation";
	default:
		/* alg, kid, signature, claims, iss, aud, times, type, client */
		return "token-invalid";
	}
}
