/*
 * origin.c - the origin of the issuer's answers, and its comparison.
 */
#include "kinde-build.h"

#include "origin.h"
#include "config.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

static const char *const names[ORIGIN_NFIELDS] = {
	[ORIGIN_DOMAIN] = "domain", [ORIGIN_ISSUER] = "issuer",
	[ORIGIN_JWKS_URI] = "jwks_uri", [ORIGIN_CA_FILE] = "ca_file",
	[ORIGIN_CA_SHA256] = "ca_sha256", [ORIGIN_PROXY] = "proxy",
	[ORIGIN_NET_MODULE] = "net_module",
};

/*
 * The CA file's content, not only its path, decides whom TLS trusts: the
 * same path holding another certificate is another origin.
 */
static void
file_sha256(const char *path, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[8192];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = NULL;
	struct stat st;
	ssize_t n = 0;
	int fd;

	kinde_fmt(out, 65, "unreadable");
	/* O_NONBLOCK: a FIFO in its place must not stall a login. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		goto out;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		EVP_DigestUpdate(ctx, buf, (size_t)n);
	}
	if (n == 0 && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32)
		kinde_hex(md, mdlen, out);
out:
	EVP_MD_CTX_free(ctx);
	close(fd);
}

void
origin_of(const kinde_config_t *cfg, struct origin *o)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	const char *domain = cfg->domain ? cfg->domain : cfg->issuer;
	const char *issuer = cfg->issuer ? cfg->issuer : cfg->domain;
	size_t i;

	memset(o, 0, sizeof(*o));
	o->v[ORIGIN_DOMAIN] = domain ? domain : "";
	o->v[ORIGIN_ISSUER] = issuer ? issuer : "";
	o->v[ORIGIN_JWKS_URI] = cfg->jwks_uri ? cfg->jwks_uri : "";
	o->v[ORIGIN_CA_FILE] = cfg->ca_file ? cfg->ca_file : "";
	if (cfg->ca_file != NULL)
		file_sha256(cfg->ca_file, o->ca_sha256);
	o->v[ORIGIN_CA_SHA256] = o->ca_sha256;
	o->v[ORIGIN_PROXY] = cfg->proxy ? cfg->proxy : "";
	o->v[ORIGIN_NET_MODULE] = cfg->net_module ? cfg->net_module : "";

	/* Name and value, NUL-separated: no two origins hash alike. */
	memset(md, 0, sizeof(md));
	ctx = EVP_MD_CTX_new();
	if (ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1) {
		for (i = 0; i < ORIGIN_NFIELDS; i++) {
			EVP_DigestUpdate(ctx, names[i], strlen(names[i]) + 1);
			EVP_DigestUpdate(ctx, o->v[i], strlen(o->v[i]) + 1);
		}
		EVP_DigestFinal_ex(ctx, md, &mdlen);
	}
	EVP_MD_CTX_free(ctx);
	kinde_hex(md, 32, o->id);
}

json_t *
origin_json(const struct origin *o)
{
	json_t *j = json_object();
	size_t i;

	for (i = 0; j != NULL && i < ORIGIN_NFIELDS; i++) {
		if (json_object_set_new(j, names[i], json_string(o->v[i])) != 0) {
			json_decref(j);
			j = NULL;
		}
	}
	return j;
}

unsigned
origin_diff(const struct origin *a, const struct origin *b)
{
	unsigned mask = 0;
	size_t i;

	for (i = 0; i < ORIGIN_NFIELDS; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			mask |= ORIGIN_BIT(i);
	return mask;
}

unsigned
origin_diff_meta(const struct origin *o, const json_t *meta)
{
	const json_t *rec = json_object_get(meta, "origin");
	const char *v;
	unsigned mask = 0;
	size_t i;

	if (!json_is_object(rec))
		return ORIGIN_ALL;
	for (i = 0; i < ORIGIN_NFIELDS; i++) {
		v = json_string_value(json_object_get(rec, names[i]));
		if (v == NULL || strcmp(v, o->v[i]) != 0)
			mask |= ORIGIN_BIT(i);
	}
	return mask;
}

void
origin_names(unsigned mask, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	/* The content of the same ca_file path is still "ca_file". */
	if (mask & ORIGIN_BIT(ORIGIN_CA_SHA256))
		mask = (mask & ~ORIGIN_BIT(ORIGIN_CA_SHA256)) |
		       ORIGIN_BIT(ORIGIN_CA_FILE);
	for (i = 0; i < ORIGIN_NFIELDS && used < len; i++) {
		if (!(mask & ORIGIN_BIT(i)))
			continue;
		kinde_fmt(buf + used, len - used, "%s%s", used ? ", " : "",
			  names[i]);
		used += strlen(buf + used);
	}
}
