/*
 * diag_sshd.c - diagnose's sshd checks, from `sshd -T` (the effective
 * configuration): PAM must be used, keyboard-interactive enabled and
 * reachable through AuthenticationMethods, and LoginGraceTime long enough
 * for the module's requests; a configuration sshd refuses is a finding,
 * and public keys that let a login in without Kinde are noted.
 */
#include "kinde-build.h"

#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SSHD_PATH
#define SSHD_PATH "/usr/sbin/sshd"
#endif

/* Runs argv, collecting stdout+stderr into out.  Returns the exit status
 * (or -1 when it could not run). */
static int
run_capture(char *const argv[], char *out, size_t outlen)
{
	size_t used = 0;
	ssize_t n;
	pid_t pid;
	int fds[2], st, devnull;

	if (pipe(fds) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDONLY);
		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		close(fds[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while (used + 1 < outlen &&
	       (n = read(fds[0], out + used, outlen - used - 1)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		used += (size_t)n;
	}
	out[used] = '\0';
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The value of "key value" in sshd -T output, or NULL. */
static const char *
setting(const char *out, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key), n;
	const char *p = out;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ') {
			p += klen + 1;
			n = strcspn(p, "\n");
			if (n >= len)
				n = len - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return buf;
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return NULL;
}

/*
 * sshd -T refused the configuration.  What this host lacks to run the
 * test (root for the host keys, /run/sshd that systemd makes at start) is
 * a skip; anything else means sshd would not start either: a finding,
 * with what sshd said.
 */
static void
sshd_failed(struct diag *d, const char *out)
{
	char said[700], *p;
	const char *fix;

	kinde_fmt(said, sizeof(said), "%s", out[0] ? out : "(no output)");
	for (p = said; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = *(p + 1) == '\0' ? '\0' : ' ';
	if (strstr(out, "privilege separation directory") != NULL ||
	    (geteuid() != 0 && (strstr(out, "host key") != NULL ||
				strstr(out, "hostkeys") != NULL ||
				strstr(out, "Permission denied") != NULL))) {
		diag_add(d, DC_SSHD, "sshd", DIAG_SKIP, NULL,
			 geteuid() != 0 ? "sshd -T needs root (to read the host keys)" :
			 "sshd -T needs /run/sshd (systemd makes it when sshd starts); the checks of sshd were not run",
			 NULL, "sshd -T failed: %s", said);
		return;
	}
	if (strstr(out, "AuthenticationMethods") != NULL &&
	    strstr(out, "keyboard-interactive") != NULL)
		fix = "set 'KbdInteractiveAuthentication yes' (AuthenticationMethods requires keyboard-interactive), then check with sshd -t";
	else if (strstr(out, "AuthenticationMethods") != NULL)
		fix = "enable the methods AuthenticationMethods names, or change the list; then check with sshd -t";
	else
		fix = "correct the line sshd names in sshd_config, then check with sshd -t before reloading";
	diag_add(d, DC_SSHD, "sshd", DIAG_FAIL,
		 "sshd refuses to start (or to reload) with this configuration: no SSH login at all",
		 "sshd -T rejected the configuration", fix,
		 "sshd -T failed: %s", said);
}

/*
 * A public key lets a login in without pam_kinde's auth stage: removing
 * someone in Kinde does not cut their key logins, unless the account
 * stage refuses logins that did not authenticate with Kinde.
 */
static void
sshd_publickey(struct diag *d, const char *out)
{
	char methods[512], pub[16], list[512], *tok, *save = NULL;
	struct pam_stack st;
	bool alone = false;

	if (setting(out, "pubkeyauthentication", pub, sizeof(pub)) == NULL ||
	    strcmp(pub, "yes") != 0)
		return;
	if (setting(out, "authenticationmethods", methods,
		    sizeof(methods)) == NULL || strcmp(methods, "any") == 0) {
		alone = true;
		kinde_fmt(list, sizeof(list), "any (PubkeyAuthentication yes)");
	} else {
		kinde_fmt(list, sizeof(list), "%s", methods);
		/* Space-separated lists of comma-separated methods: one
		 * list without keyboard-interactive that has publickey. */
		for (tok = strtok_r(methods, " ", &save); tok != NULL;
		     tok = strtok_r(NULL, " ", &save))
			if (strstr(tok, "publickey") != NULL &&
			    strstr(tok, "keyboard-interactive") == NULL)
				alone = true;
	}
	if (!alone)
		return;
	diag_pam_stack(d, &st);
	if (st.account_required && d->cfg->account_requires_auth) {
		diag_add(d, DC_SSHD, "sshd-publickey", DIAG_PASS, NULL, NULL,
			 NULL, "authenticationmethods %s; key-only logins are refused by account_requires_auth",
			 list);
		return;
	}
	diag_add(d, DC_SSHD, "sshd-publickey", DIAG_SKIP, NULL,
		 "public-key logins bypass Kinde: removing someone in Kinde does not cut their key logins (remove their authorized_keys too, or require 'publickey,keyboard-interactive', or set account_requires_auth = yes with 'account required pam_kinde.so')",
		 NULL, "authenticationmethods %s lets a public key in alone", list);
}

void
diag_sshd(struct diag *d)
{
	static char out[65536];
	char *argv[8], v[512];
	long grace, need;
	int i = 0, st;

	if (access(SSHD_PATH, X_OK) != 0) {
		diag_add(d, DC_SSHD, "sshd", DIAG_SKIP, NULL, NULL, NULL,
			 "%s is not installed", SSHD_PATH);
		return;
	}
	argv[i++] = (char *)SSHD_PATH;
	argv[i++] = (char *)"-T";
	if (d->sshd_config != NULL) {
		argv[i++] = (char *)"-f";
		argv[i++] = (char *)d->sshd_config;
	}
	argv[i++] = (char *)"-C";
	argv[i++] = (char *)"user=root,host=localhost,addr=127.0.0.1";
	argv[i] = NULL;
	st = run_capture(argv, out, sizeof(out));
	if (st != 0) {
		sshd_failed(d, out);
		return;
	}
	if (setting(out, "usepam", v, sizeof(v)) == NULL ||
	    strcmp(v, "yes") != 0)
		diag_add(d, DC_SSHD, "sshd-usepam", DIAG_FAIL,
			 "SSH logins never reach pam_kinde",
			 "UsePAM is off, so sshd does not run the PAM stack",
			 "set 'UsePAM yes' in sshd_config and reload sshd",
			 "usepam %s", setting(out, "usepam", v, sizeof(v)) ? v : "?");
	else
		diag_add(d, DC_SSHD, "sshd-usepam", DIAG_PASS, NULL, NULL, NULL,
			 "usepam yes");

	if (setting(out, "kbdinteractiveauthentication", v, sizeof(v)) == NULL ||
	    strcmp(v, "yes") != 0)
		diag_add(d, DC_SSHD, "sshd-kbdinteractive", DIAG_FAIL,
			 "the SSH client is never asked for a token or API key",
			 "keyboard-interactive authentication, the way sshd passes PAM prompts, is off",
			 "set 'KbdInteractiveAuthentication yes' in sshd_config and reload sshd",
			 "kbdinteractiveauthentication %s",
			 setting(out, "kbdinteractiveauthentication", v, sizeof(v)) ?
			 v : "?");
	else
		diag_add(d, DC_SSHD, "sshd-kbdinteractive", DIAG_PASS, NULL,
			 NULL, NULL, "kbdinteractiveauthentication yes");

	if (setting(out, "authenticationmethods", v, sizeof(v)) != NULL &&
	    strcmp(v, "any") != 0 && strstr(v, "keyboard-interactive") == NULL)
		diag_add(d, DC_SSHD, "sshd-authmethods", DIAG_FAIL,
			 "SSH logins never reach pam_kinde",
			 "AuthenticationMethods lists no method that includes keyboard-interactive",
			 "e.g. 'AuthenticationMethods keyboard-interactive' or 'publickey,keyboard-interactive'",
			 "authenticationmethods %s", v);
	else
		diag_add(d, DC_SSHD, "sshd-authmethods", DIAG_PASS, NULL, NULL,
			 NULL, "authenticationmethods %s",
			 setting(out, "authenticationmethods", v, sizeof(v)) ?
			 v : "any");

	/* A login may fetch keys, an M2M token and a verdict: 3 requests. */
	need = 3 * d->cfg->timeout;
	grace = setting(out, "logingracetime", v, sizeof(v)) ?
		strtol(v, NULL, 10) : 120;
	if (grace != 0 && grace <= need)
		diag_add(d, DC_SSHD, "sshd-logingracetime", DIAG_FAIL,
			 "slow logins are cut off by sshd before pam_kinde answers",
			 "LoginGraceTime is not above the module's worst case (three requests of up to `timeout` seconds)",
			 "raise LoginGraceTime (e.g. 120) or lower timeout in pam_kinde.conf",
			 "logingracetime %lds; the module may need up to %lds",
			 grace, need);
	else
		diag_add(d, DC_SSHD, "sshd-logingracetime", DIAG_PASS, NULL,
			 NULL, NULL, "logingracetime %lds (module worst case %lds)",
			 grace, need);
	diag_device_grace(d, grace);
	sshd_publickey(d, out);
}
