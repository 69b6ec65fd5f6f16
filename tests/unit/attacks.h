/*
 * attacks.h - the harness of the test_attacks_*.c programs: known attacks
 * on JWT validation, through the public API only (kinde_config_*,
 * kinde_keyset_parse, kinde_validator_*, kinde_verdict_*).  attack()
 * asserts that a token is REJECTED with the exact reason; accept_tok()
 * is a control, so a suite cannot pass by rejecting everything.  Every
 * case runs twice, with and without explain mode: reading an unverified
 * payload for explain must never change the outcome or the reason.
 *
 * Keys, key sets and tokens are made at run time (testkeys.c); each
 * program calls attacks_setup() first and returns attacks_done().
 */
#ifndef KINDE_TEST_ATTACKS_H
#define KINDE_TEST_ATTACKS_H

#include "kinde.h"
#include "tap.h"
#include "testkeys.h"

#include <jansson.h>
#include <openssl/evp.h>

#define ISS "https://acme.kinde.com"
#define AUD "https://api.acme.test"
#define NOW ((int64_t)1767225600)	/* 2026-01-01 00:00:00 UTC */
#define LEEWAY 60

/* The keys, key sets and configs of every case (attacks_setup). */
extern EVP_PKEY *rsa1, *rsa2, *rsa_weak, *ec256, *ec384, *ed;
extern kinde_keyset_t *ks;
extern kinde_keyset_t *ks_single;
extern kinde_config_t *cfg_rs;
extern kinde_config_t *cfg_all;
/* Cases run so far: attack() and accept_tok() count them. */
extern int attacks, controls;
/* The non-explain verdict detail of the last case run. */
extern char last_detail[600];

/* Kept until attacks_done: what the cases allocate. */
void *keep(void *p);
char *xstrdup(const char *s);
char *kfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
kinde_config_t *mkcfg(const char *key, ...);
int attack_full(const kinde_config_t *cfg, const kinde_keyset_t *set,
		const char *tok, size_t len, const char *want,
		const char *what);
int attack(const kinde_config_t *cfg, const char *tok, const char *want,
	   const char *what);
void accept_full(const kinde_config_t *cfg, const kinde_keyset_t *set,
		 const char *tok, const char *what);
void accept_tok(const kinde_config_t *cfg, const char *tok, const char *what);
char *b64(const void *p, size_t n);
char *b64s(const char *s);
char *hdr(const char *alg, const char *kid);
json_t *claims(void);
char *dump(json_t *c);
char *payload(void);
char *payload_with(const char *name, json_t *val);
char *sign(EVP_PKEY *pk, const char *alg, const char *header, const char *pl);
char *sign_b64(EVP_PKEY *pk, const char *alg, const char *h64,
		const char *p64);
char *tok_claim(const char *name, json_t *val);
char *signing_input(const char *header, const char *pl);
char *with_sig(const char *si, const unsigned char *sig, size_t n);
unsigned char *raw_sig(EVP_PKEY *pk, const char *alg, const char *si,
			size_t *n);
void split3(const char *tok, char **h, char **p, char **s);
char *dirty_tail(const char *seg);
char *pem_of(EVP_PKEY *pk, size_t *len);
unsigned char *der_of(EVP_PKEY *pk, size_t *len);
char *hmac_token(const char *alg, const char *kid, const void *key,
		  size_t keylen);
json_t *jwk_with(EVP_PKEY *pk, const char *kid, const char *alg,
		  const char *name, json_t *val);
unsigned char *pkcs1_em(const char *msg, size_t k);
int openssl_verifies_with_e(EVP_PKEY *pk, unsigned long e, const char *msg,
			    const unsigned char *sig, size_t siglen);
unsigned char *ecdsa_der(const unsigned char *raw, size_t coord, size_t *len);
char *sized_token(size_t target);
kinde_keyset_t *parse_set(char *json);
/* Makes the keys, key sets and configs above (2 TAP lines). */
void attacks_setup(void);
/*
 * Asserts that at least min_attacks attack cases and min_controls accept
 * controls ran (a theme's cases cannot silently go missing), frees
 * everything and returns done_testing().
 */
int attacks_done(int min_attacks, int min_controls);

#endif
