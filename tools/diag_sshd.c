/*
 * diag_sshd.c - diagnose's sshd checks, from `sshd -T` (the effective
 * configuration): PAM must be used, keyboard-interactive enabled and
 * reachable through AuthenticationMethods, and LoginGraceTime long enough
 * for the module's requests.
 */
#include "kinde-build.h"

#include "diag.h"
#include "config.h"

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

void
diag_sshd(struct diag *d)
{
	static char out[65536];
	char *argv[8], v[512], first[200];
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
		kinde_fmt(first, sizeof(first), "%.*s",
			  (int)strcspn(out, "\r\n"), out);
		diag_add(d, DC_SSHD, "sshd", DIAG_SKIP, NULL,
			 geteuid() != 0 ? "sshd -T needs root (to read the host keys)" :
			 "sshd could not print its configuration; the checks of sshd were not run",
			 NULL, "sshd -T failed: %s",
			 first[0] ? first : "(no output)");
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
}
