/*
 * safefile.c - ownership and mode checks, then a bounded read.
 */
#include "kinde-build.h"

#include "safefile.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

kinde_err_t
safefile_check_fd(int fd, const char *path, enum file_policy policy,
		  struct errrec *err)
{
	struct stat st;
	mode_t forbidden = policy == FILE_SECRET ? 077 : 022;

	if (fstat(fd, &st) != 0) {
		errrec_write(err, "%s: %s", path, strerror(errno));
		return KINDE_E_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		errrec_write(err, "%s: not a regular file", path);
		return KINDE_E_UNSAFE;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		errrec_write(err,
			     "%s: owned by uid %u; must be owned by root", path,
			     (unsigned)st.st_uid);
		return KINDE_E_UNSAFE;
	}
	if (st.st_mode & forbidden) {
		errrec_write(err,
			     "%s: mode %04o is too open; %s (chmod %s)", path,
			     (unsigned)(st.st_mode & 07777),
			     policy == FILE_SECRET ?
			     "a secret must not be readable by group or others" :
			     "it must not be writable by group or others",
			     policy == FILE_SECRET ? "600" : "644");
		return KINDE_E_UNSAFE;
	}
	return KINDE_OK;
}

/*
 * Opens path and judges what was opened, not what a stat() saw: a later
 * read is of this very file (O_NONBLOCK: a FIFO planted at the path must
 * not hang a login).  *fd is -1 unless the result is KINDE_OK.
 */
static kinde_err_t
open_checked(const char *path, enum file_policy policy, bool *missing,
	     int *fd, struct errrec *err)
{
	kinde_err_t rc;

	if (missing != NULL)
		*missing = false;
	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (*fd < 0) {
		if (missing != NULL && errno == ENOENT)
			*missing = true;
		errrec_write(err, "%s: %s", path, strerror(errno));
		return KINDE_E_IO;
	}
	rc = safefile_check_fd(*fd, path, policy, err);
	if (rc != KINDE_OK) {
		close(*fd);
		*fd = -1;
	}
	return rc;
}

kinde_err_t
safefile_check_path(const char *path, enum file_policy policy, bool *missing,
		    struct errrec *err)
{
	kinde_err_t rc;
	int fd;

	rc = open_checked(path, policy, missing, &fd, err);
	if (fd >= 0)
		close(fd);
	return rc;
}

kinde_err_t
safefile_read(const char *path, enum file_policy policy, size_t max,
	      char **buf, size_t *len, bool *missing, struct errrec *err)
{
	kinde_err_t rc;
	char *b = NULL;
	size_t used = 0;
	ssize_t n;
	int fd;

	*buf = NULL;
	rc = open_checked(path, policy, missing, &fd, err);
	if (rc != KINDE_OK)
		return rc;
	b = malloc(max + 1);
	if (b == NULL) {
		rc = KINDE_E_NOMEM;
		goto out;
	}
	for (;;) {
		n = read(fd, b + used, max + 1 - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			errrec_write(err, "%s: %s", path, strerror(errno));
			rc = KINDE_E_IO;
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
		if (used > max) {
			errrec_write(err, "%s: larger than %zu bytes",
				     path, max);
			rc = KINDE_E_CONFIG;
			goto out;
		}
	}
	b[used] = '\0';
	if (memchr(b, '\0', used) != NULL) {
		errrec_write(err, "%s: contains a NUL byte", path);
		rc = KINDE_E_CONFIG;
		goto out;
	}
	*buf = b;
	*len = used;
	b = NULL;
out:
	if (b != NULL) {
		kinde_wipe(b, used);
		free(b);
	}
	close(fd);
	return rc;
}
