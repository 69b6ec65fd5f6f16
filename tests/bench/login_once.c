/*
 * login_once.c - one PAM transaction in a fresh process, as sshd does for
 * every connection: pam_start_confdir, pam_authenticate, pam_acct_mgmt,
 * pam_end.  The answer to the prompt comes from the file SECRET.
 *
 * usage: login_once CONFDIR SERVICE USER SECRET
 *
 * Links libpam only, so whatever a module loads is paid for by the module:
 * that is what the per-login benchmark measures.  Exit 0 on success.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

static char secret[16384];

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *data)
{
	struct pam_response *r = calloc((size_t)n, sizeof(*r));
	int i;

	(void)data;
	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < n; i++)
		if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ||
		    msg[i]->msg_style == PAM_PROMPT_ECHO_ON)
			r[i].resp = strdup(secret);
	*resp = r;
	return PAM_SUCCESS;
}

int
main(int argc, char **argv)
{
	struct pam_conv c = { conv, NULL };
	pam_handle_t *pamh = NULL;
	size_t n;
	FILE *f;
	int rc;

	if (argc != 5) {
		fprintf(stderr, "usage: login_once CONFDIR SERVICE USER SECRET\n");
		return 2;
	}
	f = fopen(argv[4], "r");
	if (f == NULL)
		return 2;
	n = fread(secret, 1, sizeof(secret) - 1, f);
	fclose(f);
	while (n > 0 && secret[n - 1] == '\n')
		n--;
	secret[n] = '\0';
	rc = pam_start_confdir(argv[2], argv[3], &c, argv[1], &pamh);
	if (rc == PAM_SUCCESS)
		rc = pam_authenticate(pamh, 0);
	if (rc == PAM_SUCCESS)
		rc = pam_acct_mgmt(pamh, 0);
	pam_end(pamh, rc);
	return rc == PAM_SUCCESS ? 0 : 1;
}
