/*
 * cmd_pam_test.c - `kinde-auth pam-test SERVICE USER`: try a PAM service
 * before logging out.  Runs pam_authenticate and pam_acct_mgmt like
 * pamtester, asking at the terminal, then prints each stage's result by
 * name and the log lines the modules wrote during the transaction.
 */
#include "kinde-build.h"

#include "cli.h"
#include "pam_rc_name.h"
#include "syslog_capture.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <security/pam_appl.h>

#define ANSWER_MAX (64 * 1024)

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
read_answer(const char *prompt, bool echo)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO), restore = false;
	char *buf = malloc(ANSWER_MAX + 1);
	size_t len;

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

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *data)
{
	struct pam_response *r;
	int i;

	(void)data;
	if (n <= 0 || n > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	r = calloc((size_t)n, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++) {
		switch (msg[i]->msg_style) {
		case PAM_PROMPT_ECHO_OFF:
		case PAM_PROMPT_ECHO_ON:
			r[i].resp = read_answer(msg[i]->msg,
						msg[i]->msg_style ==
						PAM_PROMPT_ECHO_ON);
			if (r[i].resp == NULL)
				goto fail;
			break;
		case PAM_ERROR_MSG:
		case PAM_TEXT_INFO:
			fprintf(stderr, "%s\n", msg[i]->msg);
			break;
		default:
			goto fail;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
fail:
	for (i = 0; i < n; i++)
		kinde_free_secret(r[i].resp);
	free(r);
	return PAM_CONV_ERR;
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
	struct pam_conv c = { conv, NULL };
	struct pam_test_args a = { NULL, NULL, true };
	struct cli_opts o = { 0 };
	const char *confdir, *rhost, *service, *user;
	pam_handle_t *pamh = NULL;
	bool json, account;
	int rc, arc = -1;
	char **env, **e;
	json_t *out, *log, *envj;
	size_t i;

	rc = cli_parse(argc, argv, longopts, 2, &o, own_option, &a, usage);
	if (rc >= 0)
		return rc;
	confdir = a.confdir;
	rhost = a.rhost;
	account = a.account;
	json = o.json;
	service = argv[optind];
	user = argv[optind + 1];
	if (service[0] == '\0' || strchr(service, '/') != NULL)
		return cli_usage_error("pam-test",
				       "SERVICE is a name in /etc/pam.d, not a path");

	syslog_capture_start();
#ifdef HAVE_PAM_START_CONFDIR
	rc = confdir ? pam_start_confdir(service, user, &c, confdir, &pamh) :
	     pam_start(service, user, &c, &pamh);
#else
	if (confdir != NULL)
		return cli_usage_error("pam-test",
				       "--confdir needs Linux-PAM >= 1.4");
	rc = pam_start(service, user, &c, &pamh);
#endif
	if (rc != PAM_SUCCESS) {
		syslog_capture_stop();
		return cli_usage_error("pam-test", "pam_start: %s",
				       pam_rc_name(rc));
	}
	if (rhost != NULL)
		pam_set_item(pamh, PAM_RHOST, rhost);
	rc = pam_authenticate(pamh, 0);
	if (rc == PAM_SUCCESS && account)
		arc = pam_acct_mgmt(pamh, 0);
	syslog_capture_stop();

	if (json) {
		log = json_array();
		for (i = 0; i < syslog_capture_count(); i++)
			json_array_append_new(log,
					      json_string(syslog_capture_line(i)));
		envj = json_object();
		env = pam_getenvlist(pamh);
		for (e = env; e != NULL && *e != NULL; e++) {
			char *eq = strchr(*e, '=');

			if (eq != NULL) {
				*eq = '\0';
				json_object_set_new(envj, *e, json_string(eq + 1));
			}
			free(*e);
		}
		free(env);
		out = json_pack("{s:s, s:s, s:s, s:s?, s:o, s:o}", "service",
				service, "user", user, "authenticate",
				pam_rc_name(rc), "account",
				arc == -1 ? NULL : pam_rc_name(arc), "environment",
				envj, "log", log);
		cli_print_json(out);
		json_decref(out);
	} else {
		printf("service %s, user %s, configuration %s\n", service, user,
		       confdir ? confdir : "/etc/pam.d");
		printf("authenticate (pam_authenticate): %s - %s\n",
		       pam_rc_name(rc), pam_strerror(pamh, rc));
		if (arc != -1)
			printf("account      (pam_acct_mgmt):    %s - %s\n",
			       pam_rc_name(arc), pam_strerror(pamh, arc));
		else
			printf("account      (pam_acct_mgmt):    not run%s\n",
			       account ? " (authentication failed)" : "");
		env = pam_getenvlist(pamh);
		for (e = env; e != NULL && *e != NULL; e++) {
			printf("environment  %s\n", *e);
			free(*e);
		}
		free(env);
		printf("log lines of this transaction:%s\n",
		       syslog_capture_count() ? "" : " none");
		for (i = 0; i < syslog_capture_count(); i++)
			printf("  %s\n", syslog_capture_line(i));
	}
	pam_end(pamh, rc);
	syslog_capture_clear();
	if (rc != PAM_SUCCESS)
		return exit_for(rc);
	return arc == -1 ? EXIT_OK : exit_for(arc);
}
