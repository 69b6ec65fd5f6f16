/*
 * cmd_pam_test.c - `kinde-auth pam-test SERVICE USER`: try a PAM service
 * before logging out.  Runs pam_authenticate and pam_acct_mgmt like
 * pamtester, asking at the terminal, then prints each stage's result by
 * name and the log lines the modules wrote during the transaction.
 */
#include "kinde-build.h"

#include "cli.h"
#include "pam_app.h"
#include "pam_rc_name.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <security/pam_appl.h>

#define ANSWER_MAX (64 * 1024)
#define CAPTURE_MAX 64
#define CAPTURE_LINE_MAX 2047

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " pam-test [--confdir DIR] [--rhost HOST] [--no-account]\n"
		"         [--json] SERVICE USER\n\n"
		"Runs the PAM service SERVICE for USER as a login would:\n"
		"pam_authenticate, then pam_acct_mgmt, answering the prompts at\n"
		"this terminal (echo off for secrets; from standard input when it\n"
		"is not a terminal).  Prints each stage's result by name and the\n"
		"log lines the modules wrote, so a change to /etc/pam.d can be\n"
		"tried before logging out.\n\n"
		"  --confdir DIR  read the service from DIR instead of /etc/pam.d\n"
		"  --rhost HOST   the remote host the modules see (PAM_RHOST)\n"
		"  --no-account   run pam_authenticate only\n"
		"  --json         {\"service\",\"user\",\"authenticate\",\"account\",\"log\"}\n\n"
		"Exit status: 0 both stages succeeded, 1 refused, 2 usage or\n"
		"configuration error (PAM_SERVICE_ERR), 3 unavailable\n"
		"(PAM_AUTHINFO_UNAVAIL).\n");
}

/* Reads one line from stdin, without echo when asked and on a tty. */
static char *
read_answer(void *ctx, const char *prompt, bool echo)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO), restore = false;
	char *buf = malloc(ANSWER_MAX + 1);
	size_t len;

	(void)ctx;
	if (buf == NULL)
		return NULL;
	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	if (tty && !echo && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	if (fgets(buf, ANSWER_MAX + 1, stdin) == NULL)
		buf[0] = '\0';
	if (restore) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	} else if (!tty) {
		fputc('\n', stderr);
	}
	len = strcspn(buf, "\r\n");
	buf[len] = '\0';
	return buf;
}

static void
show(void *ctx, const char *message)
{
	(void)ctx;
	fprintf(stderr, "%s\n", message);
}

/* The log lines of the transaction (the first CAPTURE_MAX). */
struct capture {
	char *lines[CAPTURE_MAX];
	size_t n;
};

static void
capture_line(void *ctx, int priority, const char *line)
{
	struct capture *c = ctx;

	(void)priority;
	if (c->n < CAPTURE_MAX &&
	    (c->lines[c->n] = strndup(line, CAPTURE_LINE_MAX)) != NULL)
		c->n++;
}

static void
capture_clear(struct capture *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		free(c->lines[i]);
	c->n = 0;
}

static int
exit_for(int rc)
{
	switch (rc) {
	case PAM_SUCCESS:
		return EXIT_OK;
	case PAM_AUTHINFO_UNAVAIL:
		return EXIT_UNAVAILABLE;
	case PAM_SERVICE_ERR:
	case PAM_SYSTEM_ERR:
	case PAM_MODULE_UNKNOWN:
	case PAM_OPEN_ERR:
	case PAM_SYMBOL_ERR:
	case PAM_BUF_ERR:
		return EXIT_USAGE;
	default:
		return EXIT_REJECTED;
	}
}

struct pam_test_args {
	const char *confdir, *rhost;
	bool account;
};

static int
own_option(void *ctx, int opt, const char *arg)
{
	struct pam_test_args *a = ctx;

	switch (opt) {
	case OPT_CONFDIR:
		a->confdir = arg;
		return 1;
	case OPT_RHOST:
		a->rhost = arg;
		return 1;
	case OPT_NO_CONFIG:	/* --no-account */
		a->account = false;
		return 1;
	}
	return 0;
}

/* What a run found, for print_result. */
struct pam_test_run {
	const char *service, *user;
	int rc, arc;		/* arc -1: the account stage did not run */
	const char *rc_text, *arc_text;	/* pam_strerror's (static) */
	char **env;		/* pam_getenvlist: freed by run_free */
	struct capture log;
};

/* pam_start, pam_authenticate, then pam_acct_mgmt when asked and the
 * first succeeded, with the modules' log lines captured.  EXIT_OK, or
 * the exit code after a usage error (reported). */
static int
run_stack(const struct pam_test_args *a, struct pam_test_run *r)
{
	struct pam_app_conv answers = { read_answer, show, NULL };
	struct pam_conv c = { pam_app_converse, &answers };
	pam_handle_t *pamh = NULL;
	int rc;

#ifndef HAVE_PAM_START_CONFDIR
	if (a->confdir != NULL)
		return cli_usage_error("pam-test",
				       "--confdir needs Linux-PAM >= 1.4");
#endif
	pam_app_log_to(capture_line, &r->log, true);
#ifdef HAVE_PAM_START_CONFDIR
	rc = a->confdir ?
	     pam_start_confdir(r->service, r->user, &c, a->confdir, &pamh) :
	     pam_start(r->service, r->user, &c, &pamh);
#else
	rc = pam_start(r->service, r->user, &c, &pamh);
#endif
	if (rc != PAM_SUCCESS) {
		pam_app_log_to(NULL, NULL, true);
		return cli_usage_error("pam-test", "pam_start: %s",
				       pam_rc_name(rc));
	}
	if (a->rhost != NULL)
		pam_set_item(pamh, PAM_RHOST, a->rhost);
	r->rc = pam_authenticate(pamh, 0);
	if (r->rc == PAM_SUCCESS && a->account)
		r->arc = pam_acct_mgmt(pamh, 0);
	pam_app_log_to(NULL, NULL, true);
	r->rc_text = pam_strerror(pamh, r->rc);
	if (r->arc != -1)
		r->arc_text = pam_strerror(pamh, r->arc);
	r->env = pam_getenvlist(pamh);
	pam_end(pamh, r->rc);
	return EXIT_OK;
}

static void
print_json(const struct pam_test_run *r)
{
	json_t *out, *log = json_array(), *envj = json_object();
	char **e;
	size_t i;

	for (i = 0; i < r->log.n; i++)
		json_array_append_new(log, json_string(r->log.lines[i]));
	for (e = r->env; e != NULL && *e != NULL; e++) {
		char *eq = strchr(*e, '=');

		if (eq != NULL) {
			*eq = '\0';
			json_object_set_new(envj, *e, json_string(eq + 1));
			*eq = '=';
		}
	}
	out = json_pack("{s:s, s:s, s:s, s:s?, s:o, s:o}", "service",
			r->service, "user", r->user, "authenticate",
			pam_rc_name(r->rc), "account",
			r->arc == -1 ? NULL : pam_rc_name(r->arc), "environment",
			envj, "log", log);
	cli_print_json(out);
	json_decref(out);
}

static void
print_text(const struct pam_test_args *a, const struct pam_test_run *r)
{
	char **e;
	size_t i;

	printf("service %s, user %s, configuration %s\n", r->service, r->user,
	       a->confdir ? a->confdir : "/etc/pam.d");
	printf("authenticate (pam_authenticate): %s - %s\n",
	       pam_rc_name(r->rc), r->rc_text);
	if (r->arc != -1)
		printf("account      (pam_acct_mgmt):    %s - %s\n",
		       pam_rc_name(r->arc), r->arc_text);
	else
		printf("account      (pam_acct_mgmt):    not run%s\n",
		       a->account ? " (authentication failed)" : "");
	for (e = r->env; e != NULL && *e != NULL; e++)
		printf("environment  %s\n", *e);
	printf("log lines of this transaction:%s\n", r->log.n ? "" : " none");
	for (i = 0; i < r->log.n; i++)
		printf("  %s\n", r->log.lines[i]);
}

static void
run_free(struct pam_test_run *r)
{
	char **e;

	for (e = r->env; e != NULL && *e != NULL; e++)
		free(*e);
	free(r->env);
	r->env = NULL;
	capture_clear(&r->log);
}

int
cmd_pam_test(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "confdir", required_argument, NULL, OPT_CONFDIR },
		{ "rhost", required_argument, NULL, OPT_RHOST },
		{ "no-account", no_argument, NULL, OPT_NO_CONFIG },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pam_test_args a = { NULL, NULL, true };
	struct pam_test_run r = { .arc = -1 };
	struct cli_opts o = { 0 };
	int rc;

	rc = cli_parse(argc, argv, longopts, 2, &o, own_option, &a, usage);
	if (rc >= 0)
		return rc;
	r.service = argv[optind];
	r.user = argv[optind + 1];
	if (r.service[0] == '\0' || strchr(r.service, '/') != NULL)
		return cli_usage_error("pam-test",
				       "SERVICE is a name in /etc/pam.d, not a path");
	rc = run_stack(&a, &r);
	if (rc == EXIT_OK) {
		if (o.json)
			print_json(&r);
		else
			print_text(&a, &r);
		rc = r.rc != PAM_SUCCESS ? exit_for(r.rc) :
		     r.arc == -1 ? EXIT_OK : exit_for(r.arc);
	}
	run_free(&r);
	return rc;
}
