/*
 * pam_conf.c - the module's configuration: /etc/security/pam_kinde.conf
 * (or config=PATH), then the arguments of the /etc/pam.d line.
 */
#include "kinde-build.h"

#include "pam_kinde.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

void
pk_log_sink(void *pamh, int priority, const char *message)
{
	pam_syslog(pamh, priority, "%s", message);
}

int
pk_config(pam_handle_t *pamh, int argc, const char **argv,
	  kinde_config_t **out)
{
	const char *path = NULL;
	kinde_config_t *cfg;
	kinde_err_t rc;
	int i;

	*out = NULL;
	cfg = kinde_config_new();
	if (cfg == NULL)
		return PAM_BUF_ERR;
	kinde_config_set_log(cfg, pk_log_sink, pamh);
	/* debug must be known before the file is read: it may log. */
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "config=", 7) == 0)
			path = argv[i] + 7;
		else if (strcmp(argv[i], "debug") == 0)
			kinde_config_set(cfg, "debug", NULL);
	}
	rc = kinde_config_load_file(cfg, path ? path : KINDE_CONF_FILE,
				    path == NULL);
	if (rc != KINDE_OK)
		goto fail;
	kinde_config_begin_source(cfg, "module arguments");
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "config=", 7) == 0)
			continue;
		/* A refused one's message starts "module arguments: ". */
		rc = kinde_config_set_word(cfg, argv[i]);
		if (rc != KINDE_OK)
			goto fail;
	}
	rc = kinde_config_finish(cfg);
	if (rc == KINDE_OK)
		rc = kinde_config_check_policy(cfg);
	if (rc != KINDE_OK)
		goto fail;
	*out = cfg;
	return PAM_SUCCESS;
fail:
	pam_syslog(pamh, LOG_ERR, "configuration error: %s",
		   kinde_config_error(cfg)[0] ? kinde_config_error(cfg) :
		   kinde_strerror(rc));
	kinde_config_free(cfg);
	return rc == KINDE_E_NOMEM ? PAM_BUF_ERR : PAM_SERVICE_ERR;
}
