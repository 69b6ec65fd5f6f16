/*
 * syslog_capture.h - the log lines modules write while pam-test runs.
 */
#ifndef KINDE_SYSLOG_CAPTURE_H
#define KINDE_SYSLOG_CAPTURE_H

#include <stddef.h>

void syslog_capture_start(void);
void syslog_capture_stop(void);
size_t syslog_capture_count(void);
const char *syslog_capture_line(size_t i);
void syslog_capture_clear(void);

#endif
