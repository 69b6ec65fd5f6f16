/*
 * safefile.h - reading files that decide who may log in.  A config or map
 * file that someone else can write, or a secret file that someone else can
 * read, is refused rather than trusted.
 */
#ifndef KINDE_SAFEFILE_H
#define KINDE_SAFEFILE_H

#include "kinde.h"
#include "errrec.h"

#include <stddef.h>

enum file_policy {
	/* Regular file, owned by root or the running user, not writable by
	 * group or others. */
	FILE_TRUSTED,
	/* As FILE_TRUSTED and also not readable by group or others. */
	FILE_SECRET,
};

/*
 * Reads all of path (at most max bytes) into a NUL-terminated *buf that the
 * caller frees (kinde_free_secret for FILE_SECRET).  A file containing a NUL
 * byte is refused.  Errors: KINDE_E_IO (missing: *missing set when not NULL),
 * KINDE_E_UNSAFE (ownership/mode), KINDE_E_CONFIG (too large, NUL byte), with
 * a message in err naming the path.
 */
kinde_err_t safefile_read(const char *path, enum file_policy policy,
			  size_t max, char **buf, size_t *len, bool *missing,
			  struct errrec *err);

/* Checks an open descriptor against policy (what safefile_read does). */
kinde_err_t safefile_check_fd(int fd, const char *path,
			      enum file_policy policy, struct errrec *err);

/*
 * Checks path against policy without reading it (ca_file, and a secret
 * file at config load).  KINDE_E_IO when it cannot be opened (*missing set
 * for ENOENT when not NULL), KINDE_E_UNSAFE as safefile_read.
 */
kinde_err_t safefile_check_path(const char *path, enum file_policy policy,
				bool *missing, struct errrec *err);

#endif
