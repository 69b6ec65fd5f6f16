/*
 * alg.c - the algorithm table.
 */
#include "kinde-build.h"

#include "alg.h"
#include "util.h"

#include <string.h>

static const struct alg_desc algs[ALG__COUNT] = {
	[ALG_RS256] = { "RS256", KTY_RSA, "SHA256", false, NULL, 0 },
	[ALG_RS384] = { "RS384", KTY_RSA, "SHA384", false, NULL, 0 },
	[ALG_RS512] = { "RS512", KTY_RSA, "SHA512", false, NULL, 0 },
	[ALG_PS256] = { "PS256", KTY_RSA, "SHA256", true, NULL, 0 },
	[ALG_PS384] = { "PS384", KTY_RSA, "SHA384", true, NULL, 0 },
	[ALG_PS512] = { "PS512", KTY_RSA, "SHA512", true, NULL, 0 },
	[ALG_ES256] = { "ES256", KTY_EC, "SHA256", false, "P-256", 32 },
	[ALG_ES384] = { "ES384", KTY_EC, "SHA384", false, "P-384", 48 },
	[ALG_EDDSA] = { "EdDSA", KTY_OKP, NULL, false, "Ed25519", 32 },
	[ALG_ED25519] = { "Ed25519", KTY_OKP, NULL, false, "Ed25519", 32 },
};

const struct alg_desc *
alg_desc(enum jws_alg alg)
{
	return &algs[alg];
}

int
alg_from_name(const char *name)
{
	int i;

	for (i = 0; i < ALG__COUNT; i++)
		if (strcmp(algs[i].name, name) == 0)
			return i;
	return -1;
}

static bool
is_ed25519(int a)
{
	return a == ALG_EDDSA || a == ALG_ED25519;
}

bool
alg_same(int key_alg, enum jws_alg alg)
{
	return key_alg == (int)alg || (is_ed25519(key_alg) && is_ed25519(alg));
}

int
alg_parse_set(const char *list, unsigned *set, char *bad, size_t badlen)
{
	struct strlist words = { 0 };
	size_t i;
	int a, rc = 0;

	*set = 0;
	if (strlist_add_words(&words, list) != 0) {
		strlist_clear(&words);	/* words before the bad one */
		kinde_fmt(bad, badlen, "%s", list);
		return -1;
	}
	for (i = 0; i < words.n; i++) {
		a = alg_from_name(words.v[i]);
		if (a < 0) {
			kinde_fmt(bad, badlen, "%s", words.v[i]);
			rc = -1;
			break;
		}
		*set |= ALG_BIT(a);
		if (a == ALG_EDDSA)
			*set |= ALG_BIT(ALG_ED25519);
	}
	if (rc == 0 && *set == 0) {
		kinde_fmt(bad, badlen, "(empty)");
		rc = -1;
	}
	strlist_clear(&words);
	return rc;
}

void
alg_format_set(unsigned set, char *buf, size_t buflen)
{
	const char *names[ALG__COUNT];
	size_t n = 0;
	int i;

	for (i = 0; i < ALG__COUNT; i++)
		if (set & ALG_BIT(i))
			names[n++] = algs[i].name;
	strlist_join(names, n, ",", buf, buflen);
}

const char *
kty_name(enum kty kty)
{
	switch (kty) {
	case KTY_RSA:
		return "RSA";
	case KTY_EC:
		return "EC";
	case KTY_OKP:
		return "OKP";
	}
	return "?";
}
