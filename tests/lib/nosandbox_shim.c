/*
 * nosandbox_shim.c - LD_PRELOADed into sshd only when test_sshd.sh runs it
 * under valgrind (KINDE_VALGRIND): OpenSSH's pre-authentication child
 * sandboxes itself (setrlimit to 0 files and bytes, then a seccomp
 * filter), which valgrind cannot run under: its own descriptors and log
 * writes are refused and the child dies.  Here those calls succeed
 * without effect, so the sandboxed child runs and the monitor (where
 * pam_kinde runs) is checked.  Never used outside that test mode.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int
setrlimit(__rlimit_resource_t resource, const struct rlimit *rlim)
{
	(void)resource;
	(void)rlim;
	return 0;
}

int
prctl(int option, ...)
{
	unsigned long a[4];
	va_list ap;
	int i;

	if (option == PR_SET_SECCOMP || option == PR_SET_NO_NEW_PRIVS)
		return 0;
	va_start(ap, option);
	for (i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	return (int)syscall(SYS_prctl, option, a[0], a[1], a[2], a[3]);
}
