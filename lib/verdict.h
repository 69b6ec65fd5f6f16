/*
 * verdict.h - how the checks report: the first failure decides the reason;
 * in explain mode every check is also recorded in order.
 */
#ifndef KINDE_VERDICT_H
#define KINDE_VERDICT_H

#include "kinde.h"
#include "errrec.h"
#include "util.h"

#include <jansson.h>

struct check_rec {
	const char *name;	/* static string */
	int status;
	char *detail;
	kinde_reason_t reason;	/* of a failure */
};

struct kinde_verdict {
	kinde_reason_t reason;
	struct errrec detail;	/* of the first failure */
	bool explain;
	struct check_rec *checks;
	size_t nchecks, cap;
	json_t *claims;		/* owned reference, or NULL */
	char *kid;
	/* Set by API-key verification (apikey.c). */
	char *key_id, *user_id, *org_code;
};

/*
 * Records a failed check.  The first failure sets the verdict's reason and
 * detail; later ones are only recorded for explain.
 */
void verdict_fail(kinde_verdict_t *v, const char *check, kinde_reason_t r,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Records a passed check (explain only: costs nothing otherwise). */
void verdict_pass(kinde_verdict_t *v, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Records a check that was not performed and why (explain only). */
void verdict_skip(kinde_verdict_t *v, const char *check, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static inline bool
verdict_failed(const kinde_verdict_t *v)
{
	return v->reason != KINDE_R_NONE;
}
/* The reason for an operation that could not decide: rate limited,
 * unavailable, or (anything else) this host's configuration. */
kinde_reason_t verdict_reason_for_error(kinde_err_t err);

/* Takes a reference to claims. */
void verdict_set_claims(kinde_verdict_t *v, json_t *claims);
void verdict_set_kid(kinde_verdict_t *v, const char *kid);

#endif
