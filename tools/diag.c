/*
 * diag.c - recording and printing diagnose findings.
 */
#include "kinde-build.h"

#include "diag.h"
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
diag_add(struct diag *d, const char *code, const char *check,
	 enum diag_status status, const char *symptom, const char *cause,
	 const char *fix, const char *value_fmt, ...)
{
	char value[1024];
	va_list ap;
	json_t *f;

	va_start(ap, value_fmt);
	kinde_vfmt(value, sizeof(value), value_fmt, ap);
	va_end(ap);
	f = json_pack("{s:s, s:s, s:o, s:s}", "code", code, "check", check,
		      "ok", status == DIAG_SKIP ? json_null() :
		      json_boolean(status == DIAG_PASS), "value", value);
	if (f == NULL)
		return;
	if (status == DIAG_FAIL) {
		d->problems++;
		json_object_set_new(f, "symptom", json_string(symptom ? symptom : ""));
		json_object_set_new(f, "cause", json_string(cause ? cause : ""));
		json_object_set_new(f, "fix", json_string(fix ? fix : ""));
	} else if (cause != NULL) {
		/* A note on a pass or a skip (e.g. why it was skipped). */
		json_object_set_new(f, "cause", json_string(cause));
	}
	json_array_append_new(d->checks, f);
}

static const char *
str(const json_t *f, const char *key)
{
	const char *s = json_string_value(json_object_get(f, key));

	return s ? s : "";
}

void
diag_print(const struct diag *d, bool json)
{
	bool color = cli_color(stdout);
	const json_t *f, *ok;
	json_t *out;
	size_t i;
	int st;

	if (json) {
		out = json_pack("{s:b, s:i, s:b, s:O}", "ok", d->problems == 0,
				"problems", (int)d->problems, "issuer_reachable",
				!d->unreachable, "checks", d->checks);
		cli_print_json(out);
		json_decref(out);
		return;
	}
	json_array_foreach(d->checks, i, f) {
		ok = json_object_get(f, "ok");
		st = json_is_null(ok) ? -1 : json_is_true(ok) ? 1 : 0;
		printf("%s %-17s %s\n", cli_mark(st, color), str(f, "check"),
		       str(f, "value"));
		if (st == 0) {
			printf("    code:    %s\n", str(f, "code"));
			printf("    symptom: %s\n", str(f, "symptom"));
			printf("    cause:   %s\n", str(f, "cause"));
			printf("    fix:     %s\n", str(f, "fix"));
		} else if (json_object_get(f, "cause") != NULL) {
			printf("    note:    %s\n", str(f, "cause"));
		}
	}
	if (d->problems == 0)
		printf("\nNo problem found.\n");
	else
		printf("\n%u problem%s found%s.\n", d->problems,
		       d->problems == 1 ? "" : "s",
		       d->unreachable ? "; the issuer could not be reached" : "");
}
