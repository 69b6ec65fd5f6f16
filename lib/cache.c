/*
 * cache.c - safe directory, atomic files, advisory locks.
 */
#include "kinde-build.h"

#include "cache.h"
#include "config.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

kinde_err_t
cache_open(const kinde_config_t *cfg, struct kcache *c, struct errrec *err)
{
	return cache_open_dir(cfg->cache_dir, "cache_dir", c, err);
}

kinde_err_t
cache_open_dir(const char *path, const char *what, struct kcache *c,
	       struct errrec *err)
{
	struct stat st;
	int fd;

	c->dirfd = -1;
	kinde_fmt(c->path, sizeof(c->path), "%s", path);
	if (mkdir(c->path, 0700) != 0 && errno != EEXIST) {
		errrec_write(err, "%s %s: cannot create: %s",
			     what, c->path, strerror(errno));
		return KINDE_E_IO;
	}
	/* O_NOFOLLOW: a symlink planted in place of the directory fails. */
	fd = open(c->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		errrec_write(err, "%s %s: %s", what, c->path,
			     errno == ELOOP || errno == ENOTDIR ?
			     "is a symlink or not a directory; refused" :
			     strerror(errno));
		return errno == ELOOP || errno == ENOTDIR ? KINDE_E_UNSAFE :
		       KINDE_E_IO;
	}
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid() ||
	    (st.st_mode & 022) != 0) {
		errrec_write(err,
			     "%s %s: must be owned by uid %u and not writable by group or others (owner %u, mode %04o); refused",
			     what, c->path, (unsigned)geteuid(),
			     (unsigned)st.st_uid,
			     (unsigned)(st.st_mode & 07777));
		close(fd);
		return KINDE_E_UNSAFE;
	}
	c->dirfd = fd;
	return KINDE_OK;
}

void
cache_close(struct kcache *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->dirfd = -1;
}

void
cache_name(char *out, size_t len, const char *prefix, ...)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char h[33];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	const char *part;
	va_list ap;

	if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
		va_start(ap, prefix);
		while ((part = va_arg(ap, const char *)) != NULL)
			EVP_DigestUpdate(ctx, part, strlen(part) + 1);
		va_end(ap);
		EVP_DigestFinal_ex(ctx, md, &mdlen);
	}
	EVP_MD_CTX_free(ctx);
	kinde_hex(md, mdlen < 16 ? mdlen : 16, h);	/* 128 bits name a file */
	kinde_fmt(out, len, "%s-%s", prefix, h);
}

bool
cache_meta_is(const json_t *meta, const char *key, const char *want)
{
	const char *v = json_string_value(json_object_get(meta, key));

	return v != NULL && strcmp(v, want) == 0;
}

void
cache_entry_clear(struct cache_entry *e)
{
	json_decref(e->meta);
	if (e->body != NULL) {
		kinde_wipe(e->body, e->body_len);
		free(e->body);
	}
	memset(e, 0, sizeof(*e));
}

static kinde_err_t
read_all(int fd, char **out, size_t *outlen)
{
	struct stat st;
	char *buf;
	size_t used = 0;
	ssize_t n;

	/* Written by us: ours, a regular file, not writable by others. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) != 0 ||
	    st.st_size > CACHE_FILE_MAX)
		return KINDE_E_IO;
	buf = malloc((size_t)st.st_size + 1);
	if (buf == NULL)
		return KINDE_E_NOMEM;
	while (used < (size_t)st.st_size) {
		n = read(fd, buf + used, (size_t)st.st_size - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	*out = buf;
	*outlen = used;
	return KINDE_OK;
}

kinde_err_t
cache_get(struct kcache *c, const char *name, struct cache_entry *e)
{
	json_error_t jerr;
	char *raw = NULL, *nl;
	size_t len = 0;
	kinde_err_t rc;
	int fd;

	memset(e, 0, sizeof(*e));
	if (c->dirfd < 0)
		return KINDE_E_IO;
	fd = openat(c->dirfd, name,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return KINDE_E_IO;
	rc = read_all(fd, &raw, &len);
	close(fd);
	if (rc != KINDE_OK)
		return rc;
	rc = KINDE_E_IO;
	nl = memchr(raw, '\n', len);
	if (nl == NULL)
		goto out;
	e->meta = json_loadb(raw, (size_t)(nl - raw), JSON_REJECT_DUPLICATES,
			     &jerr);
	if (!json_is_object(e->meta))
		goto out;
	e->body_len = len - (size_t)(nl + 1 - raw);
	e->body = malloc(e->body_len + 1);
	if (e->body == NULL)
		goto out;
	memcpy(e->body, nl + 1, e->body_len);
	e->body[e->body_len] = '\0';
	rc = KINDE_OK;
out:
	kinde_wipe(raw, len);
	free(raw);
	if (rc != KINDE_OK)
		cache_entry_clear(e);
	return rc;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

kinde_err_t
cache_put(struct kcache *c, const char *name, const json_t *meta,
	  const char *body, size_t body_len)
{
	char tmp[CACHE_NAME_MAX + 64], *line = NULL;
	unsigned int rnd = 0;
	kinde_err_t rc = KINDE_E_IO;
	int fd;

	if (c->dirfd < 0)
		return KINDE_E_IO;
	line = json_dumps(meta, JSON_COMPACT);
	if (line == NULL)
		return KINDE_E_NOMEM;
	if (getrandom(&rnd, sizeof(rnd), GRND_NONBLOCK) != sizeof(rnd))
		rnd = (unsigned int)time(NULL) ^ (unsigned int)getpid();
	kinde_fmt(tmp, sizeof(tmp), ".%s.%d.%08x.tmp", name, (int)getpid(),
		  rnd);
	fd = openat(c->dirfd, tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0600);
	if (fd < 0)
		goto out;
	if (write_all(fd, line, strlen(line)) != 0 ||
	    write_all(fd, "\n", 1) != 0 ||
	    write_all(fd, body, body_len) != 0 || fsync(fd) != 0) {
		close(fd);
		unlinkat(c->dirfd, tmp, 0);
		goto out;
	}
	close(fd);
	if (renameat(c->dirfd, tmp, c->dirfd, name) != 0) {
		unlinkat(c->dirfd, tmp, 0);
		goto out;
	}
	rc = KINDE_OK;
out:
	free(line);
	return rc;
}

void
cache_remove(struct kcache *c, const char *name)
{
	if (c->dirfd >= 0)
		unlinkat(c->dirfd, name, 0);
}

int
cache_lock(struct kcache *c, const char *name, long timeout_ms)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	char lname[CACHE_NAME_MAX + 8];
	long waited = 0;
	int fd;

	if (c->dirfd < 0)
		return -1;
	kinde_fmt(lname, sizeof(lname), "%s.lock", name);
	fd = openat(c->dirfd, lname,
		    O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	/* Polled, not blocking: a stuck peer must not stall a login past
	 * its own timeout. */
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if ((errno != EWOULDBLOCK && errno != EINTR) ||
		    waited >= timeout_ms) {
			close(fd);
			return -1;
		}
		nanosleep(&pause, NULL);
		waited += 10;
	}
	return fd;
}

void
cache_unlock(int fd)
{
	if (fd >= 0) {
		flock(fd, LOCK_UN);
		close(fd);
	}
}

bool
cache_name_is(const char *name, const char *prefix)
{
	size_t plen = strlen(prefix), i;

	if (strncmp(name, prefix, plen) != 0 || name[plen] != '-')
		return false;
	name += plen + 1;
	for (i = 0; i < 32; i++)
		if (!((name[i] >= '0' && name[i] <= '9') ||
		      (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return name[32] == '\0';
}

kinde_err_t
cache_remove_prefix(struct kcache *c, const char *prefix,
		    long lock_timeout_ms, unsigned *removed)
{
	char (*names)[CACHE_NAME_MAX] = NULL, (*grown)[CACHE_NAME_MAX];
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	kinde_err_t rc = KINDE_E_IO;
	DIR *dir;
	int fd, lock;

	*removed = 0;
	if (c->dirfd < 0)
		return KINDE_E_IO;
	fd = dup(c->dirfd);
	if (fd < 0)
		return KINDE_E_IO;
	dir = fdopendir(fd);
	if (dir == NULL) {
		close(fd);
		return KINDE_E_IO;
	}
	rewinddir(dir);
	/* Listed first, removed after: no unlink while readdir walks. */
	while ((de = readdir(dir)) != NULL) {
		if (!cache_name_is(de->d_name, prefix))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL) {
				rc = KINDE_E_NOMEM;
				goto out;
			}
			names = grown;
		}
		kinde_fmt(names[n++], CACHE_NAME_MAX, "%s", de->d_name);
	}
	for (i = 0; i < n; i++) {
		lock = cache_lock(c, names[i], lock_timeout_ms);
		if (unlinkat(c->dirfd, names[i], 0) == 0)
			(*removed)++;
		cache_unlock(lock);
	}
	rc = KINDE_OK;
out:
	closedir(dir);
	free(names);
	return rc;
}
