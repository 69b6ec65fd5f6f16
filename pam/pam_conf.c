/*
 * pam_conf.c - the module's configuration: /etc/security/pam_kinde.conf
 * (or config=PATH), then the arguments of the /etc/pam.d line.
 */
#include "kinde-build.h"

#include "pam_kinde.h"
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_ext.h>

void
pk_log_sink(void *pamh, int priority, const char *message)
{
	pam_syslog(pamh, priority, "%s", message);
}

static void
prefix_error(kinde_config_t *cfg, const char *where)
{
	errrec_prefix(&cfg->err, "%s: ", where);
}

int
pk_config(pam_handle_t *pamh, int argc, const char **argv,
	  kinde_config_t **out)
{
	const char *path = NULL;
	kinde_config_t *cfg;
	char key[64];
	const char *eq;
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
			cfg->debug = true;
	}
	rc = kinde_config_load_file(cfg, path ? path : KINDE_CONF_FILE,
				    path == NULL);
	if (rc != KINDE_OK)
		goto fail;
	kinde_config_begin_source(cfg, "module arguments");
	for (i = 0; i < argc; i++) {
		if (strncmp(argv[i], "config=", 7) == 0)
			continue;
		eq = strchr(argv[i], '=');
		if (eq == NULL) {
			rc = kinde_config_set(cfg, argv[i], NULL);
		} else if ((size_t)(eq - argv[i]) >= sizeof(key)) {
			/* No option is this long: unknown, so refused. */
			rc = config_error(cfg, KINDE_E_CONFIG,
					  "an argument's key is too long to be an option");
		} else {
			memcpy(key, argv[i], (size_t)(eq - argv[i]));
			key[eq - argv[i]] = '\0';
			rc = kinde_config_set(cfg, key, eq + 1);
		}
		if (rc != KINDE_OK) {
			/* Say where, as the file reader says file:line. */
			prefix_error(cfg, "module arguments");
			goto fail;
		}
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
