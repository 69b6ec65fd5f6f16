/*
 * audit.c - one log line per decision, for the administrator and for
 * whoever reads the logs after an incident: who, from where, what result,
 * why, and which identity (sub, org, kid, jti) - never the token or key.
 * Every value is escaped: a claim cannot forge a log line.
 */
#include "kinde-build.h"

#include "pam_kinde.h"
#include "pam_rc_name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <jansson.h>
#include <security/pam_ext.h>

static const char *
result_of(int rc)
{
	switch (rc) {
	case PAM_SUCCESS:
		return "success";
	case PAM_IGNORE:
		return "ignore";
	case PAM_AUTH_ERR:
	case PAM_USER_UNKNOWN:
	case PAM_PERM_DENIED:
	case PAM_ACCT_EXPIRED:
		return "failure";
	default:
		return "error";
	}
}

static const char *
item(pam_handle_t *pamh, int type)
{
	const void *v = NULL;

	if (pam_get_item(pamh, type, &v) != PAM_SUCCESS || v == NULL)
		return "";
	return v;
}

/* A claim of the verdict, or "" */
static const char *
claim(const struct decision *d, const char *name)
{
	const char *s = d->verdict ?
			kinde_verdict_claim_string(d->verdict, name) : NULL;

	return s ? s : "";
}

void
pk_log_decision(pam_handle_t *pamh, const kinde_config_t *cfg,
		const struct decision *d)
{
	struct {
		const char *key;
		const char *value;
	} f[] = {
		{ "stage", d->stage },
		{ "service", item(pamh, PAM_SERVICE) },
		{ "user", d->user ? d->user : "" },
		{ "rhost", item(pamh, PAM_RHOST) },
		{ "result", result_of(d->pam_rc) },
		{ "pam", pam_rc_name(d->pam_rc) },
		{ "reason", kinde_reason_name(d->reason) },
		{ "method", d->method ? d->method : "" },
		{ "sub", claim(d, "sub") },
		{ "org_code", claim(d, "org_code") },
		{ "key_id", claim(d, "key_id") },
		{ "kid", d->verdict && kinde_verdict_kid(d->verdict) ?
			 kinde_verdict_kid(d->verdict) : "" },
		{ "jti", claim(d, "jti") },
		{ "detail", d->detail ? d->detail : "" },
		{ "hint", d->hint ? d->hint : "" },
	};
	char line[2048], esc[512];
	size_t i, used = 0;
	int prio = d->pam_rc == PAM_SUCCESS ? LOG_INFO :
		   strcmp(result_of(d->pam_rc), "failure") == 0 ? LOG_NOTICE :
		   LOG_ERR;
	json_t *obj;
	char *js;

	if (cfg != NULL && kinde_config_audit(cfg) == KINDE_AUDIT_JSON) {
		obj = json_object();
		for (i = 0; obj != NULL && i < KINDE_ARRAY_SIZE(f); i++) {
			if (f[i].value[0] == '\0')
				continue;
			kinde_escape(f[i].value, esc, sizeof(esc));
			json_object_set_new(obj, f[i].key, json_string(esc));
		}
		js = obj ? json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER) :
		     NULL;
		pam_syslog(pamh, prio, "%s", js ? js : "{}");
		free(js);
		json_decref(obj);
		return;
	}
	line[0] = '\0';
	for (i = 0; i < KINDE_ARRAY_SIZE(f) && used < sizeof(line); i++) {
		if (f[i].value[0] == '\0')
			continue;
		kinde_escape(f[i].value, esc, sizeof(esc));
		/* Quote values that hold spaces so the line still splits. */
		used += (size_t)snprintf(line + used, sizeof(line) - used,
					 strchr(esc, ' ') ? "%s%s=\"%s\"" : "%s%s=%s",
					 used ? " " : "", f[i].key, esc);
	}
	pam_syslog(pamh, prio, "%s", line);
}
