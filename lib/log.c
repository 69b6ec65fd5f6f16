/*
 * log.c - formats a line and hands it to the configured sink.
 */
#include "kinde-build.h"

#include "log.h"
#include "config.h"

#include <stdarg.h>

void
kinde_log(const kinde_config_t *cfg, int priority, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (cfg == NULL || cfg->log_fn == NULL)
		return;
	if (priority == LOG_DEBUG && !cfg->debug)
		return;
	va_start(ap, fmt);
	kinde_vfmt(line, sizeof(line), fmt, ap);
	va_end(ap);
	cfg->log_fn(cfg->log_ctx, priority, line);
}
