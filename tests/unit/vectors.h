/*
 * vectors.h - what the test_vectors_*.c programs share: every external
 * vector in tests/vectors goes through the verification layer (Project
 * Wycheproof's JWS, JWK, JWE/JWS crypto and signature primitives, the RFC
 * 7515 / RFC 8037 examples and the RFC 7520 JOSE cookbook).  Nobody on
 * the project wrote these inputs, which is the point: they catch what our
 * own generated tokens cannot.
 *
 * Token-shaped vectors go through jws_parse (every algorithm the library
 * knows allowed), keyset_select and jws_verify; primitive vectors go
 * through jws_verify_raw with a key made by jwk_parse.  One TAP line per
 * vector.  Where our documented behaviour departs from a vector's label
 * the line says why: "erratum: ..." (Wycheproof labels known wrong, see
 * tests/vectors/README.md), "HS* never accepted", "key refused by
 * policy: ...", JSON serialization (compact only), JWE (out of scope for
 * a verifier).
 *
 * The directory comes from $VECTORS (make check sets it, configure
 * --with-vectors moves it), else $top_srcdir/tests/vectors, else
 * tests/vectors.  A missing directory or file fails the test: the
 * repository and the tarball carry them.
 */
#ifndef KINDE_TEST_VECTORS_H
#define KINDE_TEST_VECTORS_H

#include "alg.h"
#include "jws.h"
#include "kinde.h"

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

enum want { WANT_ACCEPT, WANT_REJECT, WANT_EITHER };

/* Per-file counts for the closing summary. */
struct stats {
	char name[64];
	unsigned cases, accepted, rejected;
	unsigned errata;	/* vectors decided by a documented erratum */
	unsigned policy;	/* "valid" vectors refused by our policy */
	unsigned encoding;	/* DER refused before the verifier */
	unsigned acc_yes, acc_no;	/* "acceptable": accepted / rejected */
};

/* A Wycheproof signature-primitive file (test_vectors_primitives.c). */
struct prim_file {
	const char *file;
	const char *prefix;
	enum jws_alg alg;
	bool der;	/* signatures are ASN.1 DER, not raw R||S */
};

extern struct stats stats_tab[32];
extern size_t nstats;
extern kinde_config_t *cfg;
extern kinde_verdict_t *verdict;
extern unsigned all_algs;
extern char keylog[1024];
struct stats *stats_new(const char *name);
void stats_count(struct stats *st, const char *label, bool accepted);
void capture_log(void *ctx, int priority, const char *message);
const char *jstr(const json_t *obj, const char *key);
bool has_flag(const json_t *test, const char *flag);
const char *first_flag(const json_t *test);
void diag_acceptable(const struct stats *st);
int hexval(char c);
unsigned char *hex_decode(const char *s, size_t *outlen);
char *hex_to_b64_unsigned(const char *s);
bool is_b64url_char(char c);
bool has_non_b64url_char(const char *tok);
unsigned count_dots(const char *tok, size_t len);
bool segment_decodes(const char *s, size_t n);
json_t *token_header(const char *tok, size_t len);
bool alg_is_symmetric_or_none(const char *alg);
const char *token_alg(const char *tok, size_t len);
int expected_reason(const char *tok, size_t len, const kinde_keyset_t *ks);
json_t *load_json(const char *dir, const char *rel);
kinde_keyset_t *keyset_build(const json_t *key);
int verify_token(const kinde_keyset_t *ks, const char *tok, size_t len);
bool report(struct stats *st, const char *what, const char *label, int rc,
	    enum want want, int want_reason, bool extra_ok, const char *note);
extern const struct prim_file prim_files[];
extern const size_t prim_files_count;
extern const char *const cookbook_jws_files[];
extern const size_t cookbook_jws_files_count;
const char *vectors_dir(char *buf, size_t len);

/*
 * Starts a vector program: the vector directory (a TAP line: it exists),
 * cfg, verdict and all_algs set up; NULL when there is no directory (the
 * program returns done_testing() at once).
 */
const char *vectors_begin(char *buf, size_t len);
/* The summary table of the stats, then frees; returns done_testing(). */
int vectors_end(void);

#endif
