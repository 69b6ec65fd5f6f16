/*
 * diag_device.c - diagnose's check of the device login against sshd: the
 * user approves in a browser while sshd's LoginGraceTime runs, so a
 * device_timeout at or past it lets sshd cut a login that pam_kinde would
 * still wait for (the user sees the connection close, not "not approved").
 */
#include "kinde-build.h"

#include "diag.h"

void
diag_device_grace(struct diag *d, long grace)
{
	long wait = kinde_config_device_timeout(d->cfg);

	if (wait == 0)
		return;		/* no device login configured */
	if (grace != 0 && wait >= grace)
		diag_add(d, DC_SSHD, "sshd-device-timeout", DIAG_FAIL,
			 "a device login still waiting for the approval is cut off by sshd (the connection closes)",
			 "device_timeout is not below sshd's LoginGraceTime, which also runs while the user approves",
			 "lower device_timeout in pam_kinde.conf (e.g. 90) or raise LoginGraceTime above it",
			 "device_timeout %lds; logingracetime %lds", wait, grace);
	else
		diag_add(d, DC_SSHD, "sshd-device-timeout", DIAG_PASS, NULL,
			 NULL, NULL, "device_timeout %lds; logingracetime %lds%s",
			 wait, grace, grace == 0 ? " (none)" : "");
}
