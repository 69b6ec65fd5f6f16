/*
 * log.h - the one log sink of the core.  The PAM module points it at
 * pam_syslog, the tools at stderr; without a sink nothing is printed.
 */
#ifndef KINDE_LOG_H
#define KINDE_LOG_H

#include "kinde.h"
#include "util.h"

#include <syslog.h>

/* Logs through cfg's sink; LOG_DEBUG lines only when cfg->debug. */
void kinde_log(const kinde_config_t *cfg, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
