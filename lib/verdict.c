/*
 * verdict.c - the result of a validation, with its explain trace.
 */
#include "kinde-build.h"

#include "verdict.h"

#include <stdlib.h>
#include <string.h>

kinde_verdict_t *
kinde_verdict_new(bool explain)
{
	kinde_verdict_t *v = calloc(1, sizeof(*v));

	if (v != NULL)
		v->explain = explain;
	return v;
}

void
kinde_verdict_reset(kinde_verdict_t *v)
{
	size_t i;

	for (i = 0; i < v->nchecks; i++)
		free(v->checks[i].detail);
	v->nchecks = 0;
	v->reason = KINDE_R_NONE;
	errrec_clear(&v->detail);
	json_decref(v->claims);
	v->claims = NULL;
	free(v->kid);
	free(v->key_id);
	free(v->user_id);
	free(v->org_code);
	v->kid = v->key_id = v->user_id = v->org_code = NULL;
}

void
kinde_verdict_free(kinde_verdict_t *v)
{
	if (v == NULL)
		return;
	kinde_verdict_reset(v);
	free(v->checks);
	free(v);
}

static void
record(kinde_verdict_t *v, const char *check, int status, kinde_reason_t r,
       const char *fmt, va_list ap)
{
	struct check_rec *c;
	char buf[512];

	if (v->nchecks == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;

		c = realloc(v->checks, cap * sizeof(*c));
		if (c == NULL)
			return;	/* the trace is a courtesy; the reason stands */
		v->checks = c;
		v->cap = cap;
	}
	kinde_vfmt(buf, sizeof(buf), fmt, ap);
	c = &v->checks[v->nchecks];
	c->name = check;
	c->status = status;
	c->reason = r;
	c->detail = strdup(buf);
	if (c->detail != NULL)
		v->nchecks++;
}

void
verdict_fail(kinde_verdict_t *v, const char *check, kinde_reason_t r,
	     const char *fmt, ...)
{
	va_list ap;

	if (v->reason == KINDE_R_NONE) {
		v->reason = r;
		va_start(ap, fmt);
		errrec_vwrite(&v->detail, fmt, ap);
		va_end(ap);
	}
	if (v->explain) {
		va_start(ap, fmt);
		record(v, check, 0, r, fmt, ap);
		va_end(ap);
	}
}

void
verdict_pass(kinde_verdict_t *v, const char *check, const char *fmt, ...)
{
	va_list ap;

	if (!v->explain)
		return;
	va_start(ap, fmt);
	record(v, check, 1, KINDE_R_NONE, fmt, ap);
	va_end(ap);
}

void
verdict_skip(kinde_verdict_t *v, const char *check, const char *fmt, ...)
{
	va_list ap;

	if (!v->explain)
		return;
	va_start(ap, fmt);
	record(v, check, -1, KINDE_R_NONE, fmt, ap);
	va_end(ap);
}

void
verdict_set_claims(kinde_verdict_t *v, json_t *claims)
{
	json_decref(v->claims);
	v->claims = json_incref(claims);
}

void
verdict_set_kid(kinde_verdict_t *v, const char *kid)
{
	free(v->kid);
	v->kid = kinde_strdup(kid);
}

kinde_reason_t
kinde_verdict_reason(const kinde_verdict_t *v)
{
	return v->reason;
}

const char *
kinde_verdict_detail(const kinde_verdict_t *v)
{
	return errrec_msg(&v->detail);
}

size_t
kinde_verdict_check_count(const kinde_verdict_t *v)
{
	return v->nchecks;
}

void
kinde_verdict_check(const kinde_verdict_t *v, size_t i,
		    struct kinde_check *out)
{
	out->name = v->checks[i].name;
	out->status = v->checks[i].status;
	out->detail = v->checks[i].detail;
	out->reason = v->checks[i].reason;
}

const struct json_t *
kinde_verdict_claims(const kinde_verdict_t *v)
{
	return v->claims;
}

const char *
kinde_verdict_claim_string(const kinde_verdict_t *v, const char *name)
{
	json_t *j;

	if (v->claims == NULL)
		return NULL;
	j = json_object_get(v->claims, name);
	return json_is_string(j) ? json_string_value(j) : NULL;
}

const char *
kinde_verdict_kid(const kinde_verdict_t *v)
{
	return v->kid;
}

kinde_reason_t
verdict_reason_for_error(kinde_err_t err)
{
	switch (err) {
	case KINDE_E_RATELIMITED:
		return KINDE_R_RATE_LIMITED;
	case KINDE_E_UNAVAILABLE:
	case KINDE_E_NOMEM:
	case KINDE_E_INTERNAL:
		return KINDE_R_UNAVAILABLE;
	default:
		return KINDE_R_CONFIG;
	}
}
