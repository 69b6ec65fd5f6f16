/*
 * pam_harness.c - runs a real PAM stack (pam_start_confdir: no change to
 * /etc/pam.d) like pamtester, answering the module's prompt with a given
 * secret, and prints each stage's result, the PAM environment and the
 * syslog lines the modules wrote.
 *
 * usage: pam_harness [--confdir DIR] [--secret S | --secret-file F]
 *                    [--rhost H] [--no-acct] [--rounds N] [--log FILE]
 *                    [--putenv NAME=VALUE]... [--acct-user U]
 *                    [--fresh-acct] [--conv-limit N] [--wait-file F]
 *                    SERVICE USER
 *
 * Between the stages, as an application (or an earlier module) may:
 * --putenv sets PAM environment variables, --acct-user changes PAM_USER.
 * --fresh-acct runs the account stage as sshd does after its fork: in a
 * new PAM handle that has only the PAM environment of the first (no
 * pam_set_data), with the same service, user and rhost.
 *
 * --conv-limit N makes the conversation fail (PAM_CONV_ERR) instead of
 * answering with N bytes or more, as sudo 1.9.13p3 does at 512.
 *
 * --wait-file F holds every answer until the file F exists (60 s at
 * most), as a person who reads before pressing Enter; each prompt is
 * shown on stderr as "prompt[echo-on]: ..." or "prompt[echo-off]: ...".
 *
 * Output (stdout): "auth PAM_xxx", "auth_us N" (microseconds that
 * pam_authenticate took), "acct PAM_xxx", "acct_us N" (pam_acct_mgmt),
 * "env NAME=value";
 * with --rounds N also "rss_kb_start/end" and "fds_start/end" measured
 * after a warm-up, for the leak test.  Exit status: 0 when every stage
 * succeeded, 1 otherwise, 2 on a usage error.
 *
 * The syslog lines are captured by tools/pam_app.c's syslog, vsyslog and
 * __syslog_chk (exported by -rdynamic: the executable's definitions win
 * over libc's for libpam), the conversation is its too, and PAM codes are
 * named by pam/pam_rc_name.c: the module and kinde-auth pam-test share
 * both.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <security/pam_appl.h>

#include "pam_app.h"
#include "pam_rc_name.h"

static FILE *log_file;
static char *secret;

/* What happens between the two stages (see the usage above). */
#define MAX_PUTENV 16
static const char *putenv_list[MAX_PUTENV];
static int n_putenv;
static const char *acct_user;
static int fresh_acct;
static long conv_limit = -1;	/* --conv-limit; -1: none */
static const char *wait_file;	/* --wait-file */

/* Waits (60 s at most) until wait_file exists. */
static void
wait_for_file(void)
{
	struct timespec pause = { 0, 50 * 1000000 };
	int i;

	for (i = 0; wait_file != NULL && i < 1200; i++) {
		if (access(wait_file, F_OK) == 0)
			return;
		nanosleep(&pause, NULL);
	}
}

/* Every log line of the modules: to --log FILE, else stderr. */
static void
log_line(void *ctx, int pri, const char *line)
{
	FILE *f = log_file ? log_file : stderr;

	(void)ctx;
	fprintf(f, "syslog[%d]: %s\n", pri & LOG_PRIMASK, line);
	fflush(f);
}

/* Every prompt gets the secret; NULL (the conversation fails) from
 * --conv-limit bytes on, as sudo does. */
static char *
answer(void *ctx, const char *prompt, bool echo)
{
	(void)ctx;
	fprintf(stderr, "prompt[%s]: %s\n", echo ? "echo-on" : "echo-off",
		prompt);
	wait_for_file();
	if (conv_limit >= 0 && secret != NULL &&
	    strlen(secret) >= (size_t)conv_limit)
		return NULL;
	return strdup(secret ? secret : "");
}

static void
show(void *ctx, const char *message)
{
	(void)ctx;
	fprintf(stderr, "conv: %s\n", message);
}

static struct pam_app_conv answers = { answer, show, NULL };

static long
rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	if (f != NULL)
		fclose(f);
	return kb;
}

static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	if (d != NULL)
		closedir(d);
	return n - 1;	/* the DIR itself */
}

static char *
read_file(const char *path)
{
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return strdup(buf);
}

/* One transaction; prints results when verbose.  Returns 0 on success. */
static int
transaction(const char *confdir, const char *service, const char *user,
	    const char *rhost, int acct, int verbose)
{
	struct pam_conv c = { pam_app_converse, &answers };
	pam_handle_t *pamh = NULL;
	struct timespec t0, t1;
	char **env, **e;
	int rc, arc = PAM_SUCCESS, i;

	rc = confdir ? pam_start_confdir(service, user, &c, confdir, &pamh) :
	     pam_start(service, user, &c, &pamh);
	if (rc != PAM_SUCCESS) {
		fprintf(stderr, "pam_start: %s\n", pam_rc_name(rc));
		return 1;
	}
	if (rhost != NULL)
		pam_set_item(pamh, PAM_RHOST, rhost);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = pam_authenticate(pamh, 0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (verbose) {
		printf("auth %s\n", pam_rc_name(rc));
		printf("auth_us %ld\n", (long)(t1.tv_sec - t0.tv_sec) * 1000000 +
		       (t1.tv_nsec - t0.tv_nsec) / 1000);
	}
	if (rc == PAM_SUCCESS && acct && fresh_acct) {
		/* sshd: a new handle, the environment copied over. */
		env = pam_getenvlist(pamh);
		pam_end(pamh, rc);
		pamh = NULL;
		rc = confdir ? pam_start_confdir(service, user, &c, confdir,
						 &pamh) :
		     pam_start(service, user, &c, &pamh);
		if (rc != PAM_SUCCESS) {
			fprintf(stderr, "pam_start (account): %s\n",
				pam_rc_name(rc));
			pamh = NULL;
		} else if (rhost != NULL) {
			pam_set_item(pamh, PAM_RHOST, rhost);
		}
		for (e = env; e != NULL && *e != NULL; e++) {
			if (pamh != NULL)
				pam_putenv(pamh, *e);
			free(*e);
		}
		free(env);
		if (pamh == NULL)
			return 1;
	}
	if (rc == PAM_SUCCESS && acct) {
		for (i = 0; i < n_putenv; i++)
			pam_putenv(pamh, putenv_list[i]);
		if (acct_user != NULL)
			pam_set_item(pamh, PAM_USER, acct_user);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		arc = pam_acct_mgmt(pamh, 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (verbose) {
			printf("acct %s\n", pam_rc_name(arc));
			printf("acct_us %ld\n",
			       (long)(t1.tv_sec - t0.tv_sec) * 1000000 +
			       (t1.tv_nsec - t0.tv_nsec) / 1000);
		}
	}
	if (verbose) {
		env = pam_getenvlist(pamh);
		for (e = env; e != NULL && *e != NULL; e++) {
			printf("env %s\n", *e);
			free(*e);
		}
		free(env);
	}
	pam_end(pamh, rc);
	return rc == PAM_SUCCESS && arc == PAM_SUCCESS ? 0 : 1;
}

int
main(int argc, char **argv)
{
	const char *confdir = NULL, *rhost = NULL, *service, *user;
	long rounds = 0, i, rss0 = 0;
	int acct = 1, fds0 = 0, rc;

	while (argc > 1 && strncmp(argv[1], "--", 2) == 0) {
		if (strcmp(argv[1], "--confdir") == 0 && argc > 2) {
			confdir = argv[2];
		} else if (strcmp(argv[1], "--secret") == 0 && argc > 2) {
			secret = strdup(argv[2]);
		} else if (strcmp(argv[1], "--secret-file") == 0 && argc > 2) {
			secret = read_file(argv[2]);
			if (secret == NULL) {
				perror(argv[2]);
				return 2;
			}
		} else if (strcmp(argv[1], "--rhost") == 0 && argc > 2) {
			rhost = argv[2];
		} else if (strcmp(argv[1], "--rounds") == 0 && argc > 2) {
			rounds = strtol(argv[2], NULL, 10);
		} else if (strcmp(argv[1], "--log") == 0 && argc > 2) {
			log_file = fopen(argv[2], "a");
		} else if (strcmp(argv[1], "--putenv") == 0 && argc > 2 &&
			   n_putenv < MAX_PUTENV) {
			putenv_list[n_putenv++] = argv[2];
		} else if (strcmp(argv[1], "--acct-user") == 0 && argc > 2) {
			acct_user = argv[2];
		} else if (strcmp(argv[1], "--wait-file") == 0 && argc > 2) {
			wait_file = argv[2];
		} else if (strcmp(argv[1], "--conv-limit") == 0 && argc > 2) {
			conv_limit = strtol(argv[2], NULL, 10);
		} else if (strcmp(argv[1], "--no-acct") == 0 ||
			   strcmp(argv[1], "--fresh-acct") == 0) {
			if (argv[1][2] == 'n')
				acct = 0;
			else
				fresh_acct = 1;
			argc--;
			argv++;
			continue;
		} else {
			fprintf(stderr, "pam_harness: bad option %s\n", argv[1]);
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: pam_harness [options] SERVICE USER\n");
		return 2;
	}
	service = argv[1];
	user = argv[2];
	pam_app_log_to(log_line, NULL, false);
	if (rounds <= 0)
		return transaction(confdir, service, user, rhost, acct, 1);

	/* Warm up: the first rounds load modules and fill caches. */
	for (i = 0; i < 100 && i < rounds; i++)
		transaction(confdir, service, user, rhost, acct, 0);
	rss0 = rss_kb();
	fds0 = open_fds();
	rc = 0;
	for (i = 0; i < rounds; i++)
		rc |= transaction(confdir, service, user, rhost, acct, 0);
	printf("rounds %ld\nfailed %d\n", rounds, rc);
	printf("rss_kb_start %ld\nrss_kb_end %ld\n", rss0, rss_kb());
	printf("fds_start %d\nfds_end %d\n", fds0, open_fds());
	free(secret);
	return rc;
}
