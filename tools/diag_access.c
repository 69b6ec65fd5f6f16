/*
 * diag_access.c - diagnose's findings on the ways into the host: does the
 * PAM service leave any way in while the issuer cannot be reached, and
 * the reading of the service file they (and diag_sshd.c) share.
 */
#include "kinde-build.h"

#include "diag.h"

#include <stdio.h>
#include <string.h>

/* Splits "type control module ..." (control may be "[a=b c=d]"). */
static int
split_line(char *p, char **type, char **control, char **module)
{
	p += strspn(p, " \t");
	if (*p == '\0' || *p == '#' || *p == '\n')
		return -1;
	*type = p;
	p += strcspn(p, " \t\n");
	if (*p == '\0')
		return -1;
	*p++ = '\0';
	p += strspn(p, " \t");
	*control = p;
	p += *p == '[' ? strcspn(p, "]") + (strchr(p, ']') ? 1 : 0) :
	     strcspn(p, " \t\n");
	if (*p == '\0')
		return -1;
	*p++ = '\0';
	p += strspn(p, " \t");
	*module = p;
	p += strcspn(p, " \t\n");
	*p = '\0';
	if (**type == '-')
		(*type)++;
	return 0;
}

static bool
is_kinde(const char *module)
{
	const char *base = strrchr(module, '/');

	return strcmp(base ? base + 1 : module, "pam_kinde.so") == 0;
}

/* A control under which a success ends the stack (a way in of its own). */
static bool
grants_alone(const char *control)
{
	const char *s;

	if (strcmp(control, "sufficient") == 0)
		return true;
	if (control[0] != '[')
		return false;
	s = strstr(control, "success=");
	return s != NULL && (strncmp(s + 8, "done", 4) == 0 ||
			     (s[8] >= '1' && s[8] <= '9'));
}

/* pam_kinde's control leaves no way past it when it cannot decide. */
static bool
blocks_when_unavailable(const char *control)
{
	if (strcmp(control, "required") == 0 ||
	    strcmp(control, "requisite") == 0)
		return true;
	if (control[0] != '[')
		return false;
	return strstr(control, "authinfo_unavail=") == NULL &&
	       (strstr(control, "default=die") != NULL ||
		strstr(control, "default=bad") != NULL);
}

void
diag_pam_stack(const struct diag *d, struct pam_stack *st)
{
	char path[4096], line[1024], *type, *control, *module;
	FILE *f;

	memset(st, 0, sizeof(*st));
	kinde_fmt(path, sizeof(path), "%s/%s", d->pam_dir, d->service);
	f = fopen(path, "r");
	if (f == NULL)
		return;
	st->read = true;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (split_line(line, &type, &control, &module) != 0)
			continue;
		if (strcmp(type, "account") == 0 && is_kinde(module) &&
		    (strcmp(control, "required") == 0 ||
		     strcmp(control, "requisite") == 0))
			st->account_required = true;
		if (strcmp(type, "auth") == 0 && is_kinde(module)) {
			if (!st->kinde_auth)
				st->kinde_sole = blocks_when_unavailable(control);
			st->kinde_auth = true;
			continue;
		}
		if (st->kinde_auth || st->alternative)
			continue;
		/* Before pam_kinde: a line that can let in alone, or an
		 * include whose lines we do not follow (maybe one). */
		if ((strcmp(type, "auth") == 0 && grants_alone(control)) ||
		    strcmp(type, "@include") == 0 ||
		    (strcmp(type, "auth") == 0 &&
		     (strcmp(control, "include") == 0 ||
		      strcmp(control, "substack") == 0))) {
			st->alternative = true;
			kinde_fmt(st->alt, sizeof(st->alt), "%s %s %s", type,
				  control, module);
		}
	}
	fclose(f);
}

/*
 * The issuer cannot be reached and no key set is cached: every login
 * through a service where pam_kinde is the only way in is refused, root's
 * included.  The warning an administrator needs before logging out.
 */
void
diag_access(struct diag *d)
{
	struct pam_stack st;

	if (!d->unreachable || d->client == NULL)
		return;
	diag_pam_stack(d, &st);
	if (!st.read || !st.kinde_auth)
		return;
	if (!st.kinde_sole || st.alternative) {
		diag_add(d, DC_PAM, "pam-lockout", DIAG_SKIP, NULL,
			 st.alternative ? "another line can let a login in before pam_kinde" :
			 "pam_kinde's control lets a login past it when the issuer is unavailable",
			 NULL, "%s/%s: a way in remains while the issuer is down%s%s%s",
			 d->pam_dir, d->service, st.alternative ? " (" : "",
			 st.alternative ? st.alt : "",
			 st.alternative ? ")" : "");
		return;
	}
	if (client_keyset_usable_offline(d->client)) {
		diag_add(d, DC_PAM, "pam-lockout", DIAG_SKIP, NULL,
			 "token logins go on with the cached key set until it is past jwks_max_stale; API keys and device logins need the issuer",
			 NULL, "%s/%s: pam_kinde is the only way in; a key set is cached",
			 d->pam_dir, d->service);
		return;
	}
	diag_add(d, DC_PAM, "pam-lockout", DIAG_FAIL,
		 "every login through this service is refused, root's included, until the issuer answers",
		 "pam_kinde is the only way in (required, nothing before it can let a login in), the issuer cannot be reached and no key set is cached",
		 "keep a root shell open; restore the network, or add a break-glass line before pam_kinde (auth [success=done default=ignore] pam_succeed_if.so user ingroup kinde-breakglass), or pin keys with jwks_file",
		 "%s/%s: no way in while the issuer is down (key-set cache cold)",
		 d->pam_dir, d->service);
}
