/*
 * bench_verify.c - how close `kinde-auth verify --repeat` comes to the
 * physical limit: a bare OpenSSL RS256 verify loop over the same signing
 * input with the same key, measured in the same run.
 *
 * usage: bench_verify KINDE_AUTH [ROUNDS]
 *
 * Makes an RSA-2048 key and a Kinde-shaped access token, writes the key
 * set to a temporary file, then alternates three times: the bare loop in
 * this process, and kinde-auth verify --repeat ROUNDS in a child (its own
 * timing line, which excludes process start).  Reports the best of each.
 */
#include "../unit/testkeys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define ISSUER "https://bench.kinde.com"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
bare_loop(EVP_PKEY *pub, const char *token, long rounds)
{
	const char *dot = strrchr(token, '.');
	size_t siglen, inlen = (size_t)(dot - token);
	unsigned char sig[512];
	EVP_MD_CTX *ctx;
	double t0;
	long i;
	int ok = 1;

	/* Decode the signature once: the bare loop does only crypto. */
	{
		EVP_ENCODE_CTX *e = EVP_ENCODE_CTX_new();
		char b64[1024];
		size_t n = strlen(dot + 1), j;
		int outl = 0, fin = 0;

		for (j = 0; j < n; j++)
			b64[j] = dot[1 + j] == '-' ? '+' :
				 dot[1 + j] == '_' ? '/' : dot[1 + j];
		while (n % 4)
			b64[n++] = '=';
		EVP_DecodeInit(e);
		EVP_DecodeUpdate(e, sig, &outl, (unsigned char *)b64, (int)n);
		EVP_DecodeFinal(e, sig + outl, &fin);
		siglen = (size_t)(outl + fin);
		EVP_ENCODE_CTX_free(e);
	}
	t0 = now_s();
	for (i = 0; i < rounds; i++) {
		ctx = EVP_MD_CTX_new();
		ok &= EVP_DigestVerifyInit(ctx, NULL, EVP_sha256(), NULL, pub) == 1;
		ok &= EVP_DigestVerify(ctx, sig, siglen,
				       (const unsigned char *)token, inlen) == 1;
		EVP_MD_CTX_free(ctx);
	}
	if (!ok) {
		fprintf(stderr, "bench_verify: the bare loop did not verify\n");
		exit(1);
	}
	return (double)rounds / (now_s() - t0);
}

/* Runs kinde-auth and reads the rate from its timing line. */
static double
kinde_loop(const char *kinde_auth, const char *jwks, const char *token_file,
	   long rounds)
{
	char cmd[4096], line[512];
	double rate = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd),
		 "'%s' verify --no-config --issuer %s --jwks '%s' --scope openid "
		 "--repeat %ld - <'%s' 2>&1 >/dev/null",
		 kinde_auth, ISSUER, jwks, rounds, token_file);
	p = popen(cmd, "r");
	if (p == NULL)
		return 0;
	while (fgets(line, sizeof(line), p) != NULL) {
		const char *s = strstr(line, " s (");

		if (s != NULL)
			rate = strtod(s + 4, NULL);
	}
	if (pclose(p) != 0 || rate <= 0) {
		fprintf(stderr, "bench_verify: kinde-auth failed: %s\n", line);
		exit(1);
	}
	return rate;
}

int
main(int argc, char **argv)
{
	long rounds = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
	char dir[] = "/tmp/bench_verify.XXXXXX", jwks_path[64], tok_path[64];
	double bare = 0, kinde = 0, r;
	EVP_PKEY *pk, *pub;
	json_t *claims;
	char *payload, *token, *set;
	FILE *f;
	int i;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_verify KINDE_AUTH [ROUNDS]\n");
		return 2;
	}
	if (mkdtemp(dir) == NULL)
		return 1;
	pk = tk_rsa(2048);
	claims = tk_claims(ISSUER, (int64_t)time(NULL));
	json_object_set_new(claims, "email", json_string("alice@example.com"));
	json_object_set_new(claims, "roles",
			    json_pack("[{s:s,s:s,s:s}]", "id",
				      "01929a8f-7d6e-7b3c-8f0e-1a2b3c4d5e6f",
				      "key", "admin", "name", "Admin"));
	json_object_set_new(claims, "feature_flags", json_object());
	payload = tk_dump(claims);
	token = tk_sign(pk, "RS256",
			"{\"alg\":\"RS256\",\"kid\":\"6d:12:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45\",\"typ\":\"JWT\"}",
			payload);
	set = tk_jwks(tk_jwk(pk, "6d:12:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45",
			     "RS256"), NULL);
	snprintf(jwks_path, sizeof(jwks_path), "%s/jwks.json", dir);
	snprintf(tok_path, sizeof(tok_path), "%s/token", dir);
	f = fopen(jwks_path, "w");
	fputs(set, f);
	fclose(f);
	f = fopen(tok_path, "w");
	fputs(token, f);
	fclose(f);

	/* The bare loop verifies with a public-only key, as we do. */
	{
		unsigned char *der = NULL, *p;
		int len = i2d_PUBKEY(pk, &der);

		p = der;
		pub = d2i_PUBKEY(NULL, (const unsigned char **)&p, len);
		OPENSSL_free(der);
	}

	printf("RS256 validation of a Kinde-shaped token (%zu bytes), %ld rounds, best of 3\n",
	       strlen(token), rounds);
	for (i = 0; i < 3; i++) {
		r = bare_loop(pub, token, rounds);
		if (r > bare)
			bare = r;
		r = kinde_loop(argv[1], jwks_path, tok_path, rounds);
		if (r > kinde)
			kinde = r;
	}
	printf("  bare OpenSSL EVP_DigestVerify loop: %8.0f verifications/s\n", bare);
	printf("  kinde-auth verify --repeat:         %8.0f validations/s\n", kinde);
	printf("  ratio: %.2f of the bare loop (target >= 0.80)\n", kinde / bare);

	unlink(jwks_path);
	unlink(tok_path);
	rmdir(dir);
	free(set);
	free(token);
	free(payload);
	json_decref(claims);
	EVP_PKEY_free(pk);
	EVP_PKEY_free(pub);
	return 0;
}
