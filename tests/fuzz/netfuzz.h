/*
 * netfuzz.h - what the fuzz targets of the issuer's replies share: an
 * in-process transport (kinde_transport_register) that answers each
 * endpoint from a route table, the fuzz input for one of them, and a
 * fixed, good answer for the others, so the real client code (discovery,
 * key set, M2M token, API-key verification, device login, the account
 * check's Management API calls) reads the fuzzed reply exactly as it
 * reads one from the network.  Paths are matched without their query.
 *
 * The issuer's key is an Ed25519 key made at start-up (no private key is
 * kept in the tree); the M2M token it signs is valid at NF_NOW.  A reply
 * in the corpus that holds the text @TOKEN@ has it replaced by that
 * token, so seeds can carry a token that validates.
 *
 * A target: sets nf.fuzz_path (the endpoint whose reply is fuzzed) and
 * calls nf_reply() to split the input; see fuzz_apikey.c for the pattern.
 * Input layout: the first byte picks the HTTP status (nf_statuses), the
 * rest is the body.
 */
#ifndef KINDE_FUZZ_NETFUZZ_H
#define KINDE_FUZZ_NETFUZZ_H

#include "fuzz.h"

#include "kinde.h"
#include "b64url.h"
#include "http.h"
#include "transport.h"
#include "util.h"

#include <jansson.h>
#include <openssl/evp.h>

#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NF_DOMAIN "https://fuzz.kinde.com"
#define NF_NOW 1700000000
#define NF_DISCOVERY "/.well-known/openid-configuration"
#define NF_JWKS "/.well-known/jwks"
#define NF_TOKEN "/oauth2/token"
#define NF_APIKEY "/api/v1/api_keys/verify"
#define NF_DEVICE "/oauth2/device/auth"
/* The Management API of the account check, for user NF_USER_ID in
 * organization NF_ORG. */
#define NF_USER_ID "kp_fuzz"
#define NF_ORG "org_fuzz"
#define NF_MGMT_USER "/api/v1/user"
#define NF_ORG_USERS "/api/v1/organizations/" NF_ORG "/users"
#define NF_ROLES NF_ORG_USERS "/" NF_USER_ID "/roles"
#define NF_PERMS NF_ORG_USERS "/" NF_USER_ID "/permissions"

/* 429 is left out: the client would back off (sleep) before retrying. */
static const long nf_statuses[] = { 200, 200, 200, 200, 200, 200, 400, 401,
				    403, 404, 500, 503, 304, 302 };

static struct {
	char dir[160];		/* temp dir: secret file, cache */
	char jwks[256];		/* the issuer's key set */
	char token[1024];	/* an M2M token valid at NF_NOW */
	const char *fuzz_path;	/* the endpoint whose reply is fuzzed */
	long status;		/* its status and body, for this input */
	const char *body;
	size_t body_len;
	unsigned hits;		/* requests to fuzz_path in this input */
	bool fail_all;		/* every request: connection refused */
} nf;

static char *
nf_b64(const void *p, size_t n)
{
	char *out = malloc(B64URL_ENCODED_LEN(n) + 1);

	if (out == NULL)
		setup_fail("malloc");
	b64url_encode(p, n, out);
	return out;
}

/* Signs header.payload with the issuer's key into nf.token. */
static void
nf_sign(EVP_PKEY *pk)
{
	static const char hdr[] =
		"{\"alg\":\"EdDSA\",\"kid\":\"fz-ed\",\"typ\":\"JWT\"}";
	unsigned char sig[64];
	size_t siglen = sizeof(sig);
	char payload[512], *h, *p, *s;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	snprintf(payload, sizeof(payload),
		 "{\"iss\":\"" NF_DOMAIN "\",\"aud\":[\"" NF_DOMAIN "/api\"],"
		 "\"gty\":[\"client_credentials\"],\"azp\":\"fz_client\","
		 "\"scope\":\"read:api_keys read:users\",\"iat\":%d,"
		 "\"exp\":%d,\"jti\":\"fz\"}", NF_NOW - 10, NF_NOW + 3600);
	h = nf_b64(hdr, strlen(hdr));
	p = nf_b64(payload, strlen(payload));
	snprintf(nf.token, sizeof(nf.token), "%s.%s", h, p);
	if (ctx == NULL ||
	    EVP_DigestSignInit(ctx, NULL, NULL, NULL, pk) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)nf.token,
			   strlen(nf.token)) != 1)
		setup_fail("Ed25519 signing");
	s = nf_b64(sig, siglen);
	strncat(nf.token, ".", sizeof(nf.token) - strlen(nf.token) - 1);
	strncat(nf.token, s, sizeof(nf.token) - strlen(nf.token) - 1);
	EVP_MD_CTX_free(ctx);
	free(h);
	free(p);
	free(s);
}

/* body with every @TOKEN@ replaced by nf.token; caller frees. */
static inline char *
nf_expand(const char *body, size_t len, size_t *outlen)
{
	static const char mark[] = "@TOKEN@";
	size_t ml = sizeof(mark) - 1, tl = strlen(nf.token), n = 0, i;
	char *out = malloc(len * (tl / ml + 1) + 1);

	if (out == NULL)
		abort();
	for (i = 0; i < len;) {
		if (i + ml <= len && memcmp(body + i, mark, ml) == 0) {
			memcpy(out + n, nf.token, tl);
			n += tl;
			i += ml;
		} else {
			out[n++] = body[i++];
		}
	}
	out[n] = '\0';
	*outlen = n;
	return out;
}

/* url's path, without the domain and the query, into buf. */
static const char *
nf_path(const char *url, char *buf, size_t len)
{
	size_t dl = strlen(NF_DOMAIN);

	if (strncmp(url, NF_DOMAIN, dl) == 0)
		url += dl;
	snprintf(buf, len, "%.*s", (int)strcspn(url, "?"), url);
	return buf;
}

/* The good answers of the Management API (the user's organizations not
 * listed, so that membership is asked of NF_ORG_USERS). */
static const struct {
	const char *path;
	const char *body;
} nf_mgmt[] = {
	{ NF_MGMT_USER,
	  "{\"id\":\"" NF_USER_ID "\",\"is_suspended\":false}" },
	{ NF_ORG_USERS,
	  "{\"organization_users\":[{\"id\":\"" NF_USER_ID "\"}]}" },
	{ NF_ROLES, "{\"roles\":[{\"key\":\"ssh\"}]}" },
	{ NF_PERMS, "{\"permissions\":[{\"key\":\"ssh:login\"}]}" },
};

static void
nf_answer(struct http_response *resp, long status, const char *body,
	  size_t len)
{
	resp->status = status;
	resp->body = nf_expand(body, len, &resp->body_len);
}

static void
nf_perform(const struct http_request *req, struct http_response *resp)
{
	char good[1200], pbuf[1024];
	const char *path = nf_path(req->url, pbuf, sizeof(pbuf));
	size_t i;

	memset(resp, 0, sizeof(*resp));
	resp->max_age = resp->ratelimit_reset = resp->retry_after = -1;
	snprintf(resp->content_type, sizeof(resp->content_type),
		 "application/json");
	if (nf.fail_all) {
		resp->err = HTTP_E_CONNECT;
		snprintf(resp->errmsg, sizeof(resp->errmsg), "refused (fuzz)");
		return;
	}
	resp->err = HTTP_OK;
	if (nf.fuzz_path != NULL && strcmp(path, nf.fuzz_path) == 0) {
		nf.hits++;
		nf_answer(resp, nf.status, nf.body, nf.body_len);
	} else if (strcmp(path, NF_JWKS) == 0) {
		nf_answer(resp, 200, nf.jwks, strlen(nf.jwks));
	} else if (strcmp(path, NF_TOKEN) == 0) {
		snprintf(good, sizeof(good),
			 "{\"access_token\":\"%s\",\"token_type\":\"Bearer\","
			 "\"expires_in\":3600}", nf.token);
		nf_answer(resp, 200, good, strlen(good));
	} else if (strcmp(path, NF_DEVICE) == 0) {
		static const char dev[] =
			"{\"device_code\":\"dc-1\",\"user_code\":\"ABCD-EFGH\","
			"\"verification_uri\":\"" NF_DOMAIN "/device\","
			"\"expires_in\":600,\"interval\":5}";

		nf_answer(resp, 200, dev, strlen(dev));
	} else {
		for (i = 0; i < KINDE_ARRAY_SIZE(nf_mgmt); i++)
			if (strcmp(path, nf_mgmt[i].path) == 0)
				break;
		if (i < KINDE_ARRAY_SIZE(nf_mgmt))
			nf_answer(resp, 200, nf_mgmt[i].body,
				  strlen(nf_mgmt[i].body));
		else
			nf_answer(resp, 404, "{}", 2);
	}
}

/* Sessions (one connection per client): each request is answered the
 * same way, the session only has to be a distinct non-NULL pointer. */
static struct http_session *
nf_session_new(void)
{
	return malloc(1);
}

static void
nf_session_perform(struct http_session *s, const struct http_request *req,
		   struct http_response *resp)
{
	(void)s;
	nf_perform(req, resp);
}

static void
nf_session_free(struct http_session *s)
{
	free(s);
}

static const struct kinde_net nf_net = { KINDE_NET_ABI, PACKAGE_VERSION,
					 nf_perform, nf_session_new,
					 nf_session_perform, nf_session_free };

/* Writes a file of the temp dir (mode 0600); the path into out. */
static inline void
nf_write(const char *name, const void *data, size_t len, char *out,
	 size_t outlen)
{
	char path[2048];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", nf.dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fchmod(fileno(f), 0600) != 0 ||
	    fwrite(data, 1, len, f) != len || fclose(f) != 0)
		setup_fail(path);
	if (out != NULL) {
		if (strlen(path) >= outlen)
			setup_fail("path too long");
		memcpy(out, path, strlen(path) + 1);
	}
}

static int
nf_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The temp dir goes at exit (replay in make check writes nothing else). */
static void
nf_cleanup(void)
{
	if (nf.dir[0] != '\0')
		nftw(nf.dir, nf_rm, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Once per process: the key, the token, the transport and a config (the
 * caller's extra key/value pairs, NULL-terminated), which stays.
 */
static kinde_config_t *
nf_setup(const char *const *extra)
{
	static kinde_config_t *cfg;
	unsigned char raw[32];
	size_t rawlen = sizeof(raw), i;
	char secret[256], nocache[256], *x;
	EVP_PKEY *pk = NULL;

	if (cfg != NULL)
		return cfg;
	snprintf(nf.dir, sizeof(nf.dir), "%s/kinde-fuzz.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(nf.dir) == NULL)
		setup_fail("mkdtemp");
	atexit(nf_cleanup);
	pk = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (pk == NULL ||
	    EVP_PKEY_get_raw_public_key(pk, raw, &rawlen) != 1)
		setup_fail("Ed25519 key");
	x = nf_b64(raw, rawlen);
	snprintf(nf.jwks, sizeof(nf.jwks),
		 "{\"keys\":[{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"%s\","
		 "\"kid\":\"fz-ed\",\"alg\":\"EdDSA\"}]}", x);
	free(x);
	nf_sign(pk);
	EVP_PKEY_free(pk);
	nf_write("secret", "fz-secret\n", 10, secret, sizeof(secret));
	kinde_transport_register(&nf_net);
	/* No cache unless a target sets cache_dir: this one cannot be
	 * made (its parent is missing), and the client goes on without. */
	snprintf(nocache, sizeof(nocache), "%s/none/cache", nf.dir);

	cfg = kinde_config_new();
	if (cfg == NULL)
		setup_fail("kinde_config_new");
	kinde_config_set_log(cfg, log_sink, NULL);
	kinde_config_begin_source(cfg, "fuzz");
	{
		const char *const base[] = {
			"domain", NF_DOMAIN, "algorithms", "EdDSA",
			"audience", NF_DOMAIN "/api", "client_id", "fz_client",
			"client_secret_file", secret,
			"require_scopes", "ssh:login",
			"device_client_id", "fz_device", "timeout", "5",
			"cache_dir", nocache, NULL };
		const char *const *lists[] = { base, extra };
		size_t l;

		for (l = 0; l < 2; l++)
			for (i = 0; lists[l] != NULL && lists[l][i] != NULL;
			     i += 2)
				if (kinde_config_set(cfg, lists[l][i],
						     lists[l][i + 1]) !=
				    KINDE_OK)
					setup_fail(kinde_config_error(cfg));
	}
	if (kinde_config_finish(cfg) != KINDE_OK)
		setup_fail(kinde_config_error(cfg));
	return cfg;
}

/* Splits one reply (status byte, body) for nf.fuzz_path. */
static inline void
nf_reply(const uint8_t *data, size_t size)
{
	nf.hits = 0;
	nf.status = size > 0 ?
		    nf_statuses[data[0] % KINDE_ARRAY_SIZE(nf_statuses)] : 200;
	nf.body = size > 0 ? (const char *)data + 1 : "";
	nf.body_len = size > 0 ? size - 1 : 0;
}

/* A client of cfg at NF_NOW. */
static inline kinde_client_t *
nf_client(const kinde_config_t *cfg)
{
	kinde_client_t *c = NULL;

	if (kinde_client_new(cfg, &c) != KINDE_OK)
		setup_fail("kinde_client_new");
	kinde_client_set_now(c, NF_NOW);
	return c;
}

#endif
