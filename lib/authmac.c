/*
 * authmac.c - the sealed record of an auth decision (see authmac.h): the
 * host secret in the cache directory, and an HMAC-SHA256 over the record.
 */
#include "kinde-build.h"

#include "authmac.h"
#include "b64url.h"
#include "cache.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define SEAL_VERSION "v1"
#define MAC_LEN 32

/* Reads the key from an open descriptor after checking what it is. */
static kinde_err_t
read_key(int fd, const char *path, unsigned char *key, struct errrec *err)
{
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		errrec_write(err, "%s: not a regular file; refused", path);
		return KINDE_E_UNSAFE;
	}
	if (st.st_uid != geteuid()) {
		errrec_write(err, "%s: owned by uid %u, not %u; refused", path,
			     (unsigned)st.st_uid, (unsigned)geteuid());
		return KINDE_E_UNSAFE;
	}
	if ((st.st_mode & 077) != 0) {
		errrec_write(err,
			     "%s: mode %04o is too open: the host secret must be readable by its owner only; refused (chmod 600, or remove it to make a new one)",
			     path, (unsigned)(st.st_mode & 07777));
		return KINDE_E_UNSAFE;
	}
	if (st.st_size != AUTHMAC_KEY_LEN) {
		errrec_write(err, "%s: %lld bytes, not %d; refused", path,
			     (long long)st.st_size, AUTHMAC_KEY_LEN);
		return KINDE_E_UNSAFE;
	}
	n = pread(fd, key, AUTHMAC_KEY_LEN, 0);
	if (n != AUTHMAC_KEY_LEN) {
		errrec_write(err, "%s: cannot read: %s", path,
			     n < 0 ? strerror(errno) : "short read");
		return KINDE_E_IO;
	}
	return KINDE_OK;
}

/* Makes the key: a private temporary file, linked into place. */
static kinde_err_t
create_key(struct kcache *c, const char *path, struct errrec *err)
{
	unsigned char key[AUTHMAC_KEY_LEN], r[8];
	char tmp[CACHE_NAME_MAX], hex[17];
	kinde_err_t rc = KINDE_E_IO;
	int fd;

	if (RAND_bytes(key, sizeof(key)) != 1 ||
	    RAND_bytes(r, sizeof(r)) != 1) {
		errrec_write(err, "%s: no random bytes for a new key",
			     path);
		goto out;
	}
	kinde_hex(r, sizeof(r), hex);
	kinde_fmt(tmp, sizeof(tmp), ".%s.%s", AUTHMAC_KEY_NAME, hex);
	fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
	if (fd < 0) {
		errrec_write(err, "%s: cannot create: %s", path,
			     strerror(errno));
		goto out;
	}
	if (fchmod(fd, 0600) != 0 ||
	    write(fd, key, sizeof(key)) != (ssize_t)sizeof(key) ||
	    fsync(fd) != 0) {
		errrec_write(err, "%s: cannot write: %s", path,
			     strerror(errno));
		close(fd);
		unlinkat(c->dirfd, tmp, 0);
		goto out;
	}
	close(fd);
	/* link() never replaces: of two first logins, one key wins and
	 * both use it. */
	if (linkat(c->dirfd, tmp, c->dirfd, AUTHMAC_KEY_NAME, 0) != 0 &&
	    errno != EEXIST) {
		errrec_write(err, "%s: cannot create: %s", path,
			     strerror(errno));
		unlinkat(c->dirfd, tmp, 0);
		goto out;
	}
	unlinkat(c->dirfd, tmp, 0);
	rc = KINDE_OK;
out:
	kinde_wipe(key, sizeof(key));
	return rc;
}

static kinde_err_t
key_load(const kinde_config_t *cfg, bool create,
	 unsigned char key[AUTHMAC_KEY_LEN], struct errrec *err)
{
	struct kcache c = { .dirfd = -1 };
	char path[4200];
	kinde_err_t rc;
	int fd;

	rc = cache_open(cfg, &c, err);
	if (rc != KINDE_OK)
		goto out;
	kinde_fmt(path, sizeof(path), "%s/%s", c.path, AUTHMAC_KEY_NAME);
	fd = openat(c.dirfd, AUTHMAC_KEY_NAME,
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT && create) {
		rc = create_key(&c, path, err);
		if (rc != KINDE_OK)
			goto out;
		fd = openat(c.dirfd, AUTHMAC_KEY_NAME,
			    O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	}
	if (fd < 0) {
		rc = errno == ELOOP ? KINDE_E_UNSAFE : KINDE_E_IO;
		errrec_write(err, "%s: %s", path, errno == ELOOP ?
			     "is a symlink; refused" : strerror(errno));
		goto out;
	}
	rc = read_key(fd, path, key, err);
	close(fd);
out:
	if (rc != KINDE_OK)
		kinde_wipe(key, AUTHMAC_KEY_LEN);
	cache_close(&c);
	return rc;
}

/* kinde.h's form: the front ends pass a buffer, not a recorder. */
kinde_err_t
authmac_key_load(const kinde_config_t *cfg, bool create,
		 unsigned char key[AUTHMAC_KEY_LEN], char *err, size_t errlen)
{
	struct errrec rec = { "" };
	kinde_err_t rc;

	rc = key_load(cfg, create, key, &rec);
	errrec_copy(&rec, err, errlen);
	return rc;
}

/* Adds a field with its length first: no field can run into the next. */
static void
mac_field(EVP_MAC_CTX *ctx, const char *s)
{
	unsigned char len[4];
	size_t n = s ? strlen(s) : 0;

	len[0] = (unsigned char)(n >> 24);
	len[1] = (unsigned char)(n >> 16);
	len[2] = (unsigned char)(n >> 8);
	len[3] = (unsigned char)n;
	EVP_MAC_update(ctx, len, sizeof(len));
	if (n > 0)
		EVP_MAC_update(ctx, (const unsigned char *)s, n);
}

static kinde_err_t
compute(const unsigned char *key, const struct authmac_record *r,
	unsigned char mac[MAC_LEN])
{
	char when[24];
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
		OSSL_PARAM_construct_end()
	};
	EVP_MAC *m = EVP_MAC_fetch(NULL, "HMAC", NULL);
	EVP_MAC_CTX *ctx = m ? EVP_MAC_CTX_new(m) : NULL;
	kinde_err_t rc = KINDE_E_INTERNAL;
	size_t len = 0;

	kinde_fmt(when, sizeof(when), "%" PRId64, r->time);
	if (ctx == NULL || EVP_MAC_init(ctx, key, AUTHMAC_KEY_LEN, params) != 1)
		goto out;
	mac_field(ctx, "pam_kinde auth record " SEAL_VERSION);
	mac_field(ctx, r->service);
	mac_field(ctx, r->user);
	mac_field(ctx, r->method);
	mac_field(ctx, r->identity);
	mac_field(ctx, r->sub);
	mac_field(ctx, r->exp);
	mac_field(ctx, when);
	if (EVP_MAC_final(ctx, mac, &len, MAC_LEN) == 1 && len == MAC_LEN)
		rc = KINDE_OK;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
	return rc;
}

/* Appends ":" and s in base64url. */
static void
put_b64(char *out, const char *s)
{
	size_t n = strlen(out);

	out[n++] = ':';
	b64url_encode((const unsigned char *)s, strlen(s), out + n);
	out[n + B64URL_ENCODED_LEN(strlen(s))] = '\0';
}

kinde_err_t
authmac_seal(const unsigned char key[AUTHMAC_KEY_LEN],
	     const struct authmac_record *r, char *out, size_t outlen)
{
	unsigned char mac[MAC_LEN];
	char buf[AUTHMAC_SEALED_MAX], hex[2 * MAC_LEN + 1];
	kinde_err_t rc = KINDE_E_USAGE;

	if (r->user == NULL || r->identity == NULL ||
	    strlen(r->user) > AUTHMAC_FIELD_MAX ||
	    strlen(r->identity) > AUTHMAC_FIELD_MAX || r->time < 0)
		goto out;
	rc = compute(key, r, mac);
	if (rc != KINDE_OK)
		goto out;
	kinde_hex(mac, sizeof(mac), hex);
	kinde_fmt(buf, sizeof(buf), "%s:%" PRId64, SEAL_VERSION, r->time);
	put_b64(buf, r->user);
	put_b64(buf, r->identity);
	rc = strlen(buf) + 1 + sizeof(hex) <= outlen ? KINDE_OK :
	     KINDE_E_USAGE;
	if (rc == KINDE_OK)
		kinde_fmt(out, outlen, "%s:%s", buf, hex);
out:
	kinde_wipe(mac, sizeof(mac));
	return rc;
}

/* Decodes the base64url field [s, end) into out (AUTHMAC_FIELD_MAX + 1):
 * 0, or -1. */
static int
get_b64(const char *s, const char *end, char *out)
{
	unsigned char buf[B64URL_DECODED_MAX(AUTHMAC_FIELD_MAX / 3 * 4 + 4)];
	size_t n = (size_t)(end - s), len = 0;

	if (n > AUTHMAC_FIELD_MAX / 3 * 4 + 4 ||
	    b64url_decode(s, n, buf, &len, NULL) != 0 ||
	    len > AUTHMAC_FIELD_MAX || memchr(buf, '\0', len) != NULL)
		return -1;
	memcpy(out, buf, len);
	out[len] = '\0';
	return 0;
}

kinde_err_t
authmac_open(const unsigned char key[AUTHMAC_KEY_LEN], const char *sealed,
	     struct authmac_record *r, int64_t now, struct authmac_opened *o,
	     char *why, size_t whylen)
{
	unsigned char mac[MAC_LEN];
	char want[2 * MAC_LEN + 1];
	const char *c[4];
	long long t;
	char *end;
	kinde_err_t rc = KINDE_E_REJECTED;
	size_t i;

	r->user = r->identity = NULL;
	if (sealed == NULL || sealed[0] == '\0') {
		kinde_fmt(why, whylen,
			  "no KINDE_AUTH_MAC in the PAM environment");
		goto out;
	}
	/* v1:<time>:<user>:<identity>:<mac> */
	c[0] = strchr(sealed, ':');
	for (i = 1; i < 4; i++)
		c[i] = c[i - 1] ? strchr(c[i - 1] + 1, ':') : NULL;
	if (c[3] == NULL || strchr(c[3] + 1, ':') != NULL ||
	    (size_t)(c[0] - sealed) != strlen(SEAL_VERSION) ||
	    strncmp(sealed, SEAL_VERSION, strlen(SEAL_VERSION)) != 0 ||
	    strlen(c[3] + 1) != 2 * MAC_LEN)
		goto malformed;
	errno = 0;
	t = strtoll(c[0] + 1, &end, 10);
	if (end != c[1] || c[0] + 1 == c[1] || errno != 0 || t < 0 ||
	    get_b64(c[1] + 1, c[2], o->user) != 0 ||
	    get_b64(c[2] + 1, c[3], o->identity) != 0)
		goto malformed;
	r->user = o->user;
	r->identity = o->identity;
	r->time = (int64_t)t;
	rc = compute(key, r, mac);
	if (rc != KINDE_OK) {
		kinde_fmt(why, whylen, "cannot compute the KINDE_AUTH_MAC");
		goto out;
	}
	rc = KINDE_E_REJECTED;
	kinde_hex(mac, sizeof(mac), want);
	if (!kinde_ct_equal(want, c[3] + 1, 2 * MAC_LEN)) {
		kinde_fmt(why, whylen,
			  "KINDE_AUTH_MAC does not verify: the KINDE_* PAM environment was not written by this host's auth stage for this service, or was changed since");
		goto out;
	}
	if (r->time > now + 60 || now - r->time > AUTHMAC_MAX_AGE) {
		kinde_fmt(why, whylen,
			  "KINDE_AUTH_MAC is from %llds ago (at most %ds)",
			  (long long)(now - r->time), AUTHMAC_MAX_AGE);
		goto out;
	}
	rc = KINDE_OK;
	goto out;
malformed:
	kinde_fmt(why, whylen, "KINDE_AUTH_MAC is malformed");
out:
	kinde_wipe(mac, sizeof(mac));
	if (rc != KINDE_OK)
		r->user = r->identity = NULL;
	return rc;
}
