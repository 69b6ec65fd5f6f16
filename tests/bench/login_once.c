/*
 * login_once.c - one PAM transaction in a fresh process, as sshd does for
 * every connection: pam_start_confdir, pam_authenticate, pam_acct_mgmt,
 * pam_end.  The answer to the prompt comes from the file SECRET.
 *
 * usage: login_once [--sshd-like] CONFDIR SERVICE USER SECRET
 *        login_once --load LIB...
 *
 * Links libpam only, so whatever a module loads is paid for by the module:
 * that is what the per-login benchmark measures.  --sshd-like first does
 * what sshd has always done before PAM runs: load libcrypto and use it
 * (digests, RSA), so only what the module adds to sshd is measured.
 * --load only loads the libraries named, as a PAM module's dependencies
 * would be loaded, and exits: the floor under any module that links them.
 * Exit 0 on success.
 */
#include <dlfcn.h>
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

/* sshd's own use of libcrypto before authentication (KEX, host keys). */
static int
like_sshd(void)
{
	void *h = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_GLOBAL);
	int (*init)(unsigned long long, const void *);
	void *(*md_fetch)(void *, const char *, const char *);
	void *(*ctx_new)(void *, const char *, const char *);

	if (h == NULL)
		return -1;
	init = (int (*)(unsigned long long, const void *))dlsym(h, "OPENSSL_init_crypto");
	md_fetch = (void *(*)(void *, const char *, const char *))dlsym(h, "EVP_MD_fetch");
	ctx_new = (void *(*)(void *, const char *, const char *))dlsym(h, "EVP_PKEY_CTX_new_from_name");
	if (init == NULL || md_fetch == NULL || ctx_new == NULL)
		return -1;
	init(0, NULL);
	md_fetch(NULL, "SHA256", NULL);
	ctx_new(NULL, "RSA", NULL);
	return 0;
}

int
main(int argc, char **argv)
{
	struct pam_conv c = { conv, NULL };
	pam_handle_t *pamh = NULL;
	size_t n;
	FILE *f;
	int rc;

	if (argc > 2 && strcmp(argv[1], "--load") == 0) {
		for (rc = 2; rc < argc; rc++)
			if (dlopen(argv[rc], RTLD_NOW) == NULL)
				return 2;
		return 0;
	}
	if (argc == 6 && strcmp(argv[1], "--sshd-like") == 0) {
		if (like_sshd() != 0)
			return 2;
		argc--;
		argv++;
	}
	if (argc != 5) {
		fprintf(stderr, "usage: login_once [--sshd-like] CONFDIR SERVICE USER SECRET\n");
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
