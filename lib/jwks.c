/*
 * jwks.c - JWKS parsing and key selection.
 */
#include "kinde-build.h"

#include "jwks.h"
#include "config.h"
#include "log.h"
#include "safefile.h"
#include "verdict.h"

#include <stdlib.h>
#include <string.h>

void
kinde_keyset_free(kinde_keyset_t *ks)
{
	size_t i;

	if (ks == NULL)
		return;
	for (i = 0; i < ks->n; i++)
		jwk_free(ks->keys[i]);
	free(ks->keys);
	free(ks);
}

size_t
kinde_keyset_count(const kinde_keyset_t *ks)
{
	return ks->n;
}

void
kinde_keyset_key_info(const kinde_keyset_t *ks, size_t i,
		      struct kinde_key_info *info)
{
	const struct jwk *k = ks->keys[i];

	info->kid = k->kid;
	info->kty = kty_name(k->kty);
	info->alg = k->alg_name;
	info->bits = k->bits;
}

/*
 * Two keys under one kid make the choice ambiguous: an attacker who can
 * add a key to the set could pick which one verifies.  Both are dropped.
 */
static void
drop_duplicate_kids(const kinde_config_t *cfg, kinde_keyset_t *ks)
{
	size_t i, j, out = 0;
	bool *dup = calloc(ks->n ? ks->n : 1, sizeof(*dup));

	if (dup == NULL)
		return;
	for (i = 0; i < ks->n; i++)
		for (j = i + 1; j < ks->n; j++)
			if (ks->keys[i]->kid != NULL &&
			    ks->keys[j]->kid != NULL &&
			    strcmp(ks->keys[i]->kid, ks->keys[j]->kid) == 0)
				dup[i] = dup[j] = true;
	for (i = 0; i < ks->n; i++) {
		if (dup[i]) {
			char esc[128];

			kinde_escape(ks->keys[i]->kid, esc, sizeof(esc));
			kinde_log(cfg, LOG_WARNING,
				  "key set: key \"%s\" skipped: duplicate kid",
				  esc);
			jwk_free(ks->keys[i]);
			ks->skipped++;
		} else {
			ks->keys[out++] = ks->keys[i];
		}
	}
	ks->n = out;
	free(dup);
}

/* kinde_keyset_parse with the detail in a recorder. */
static kinde_err_t
keyset_parse(const kinde_config_t *cfg, const char *text, size_t len,
	     kinde_keyset_t **out, struct errrec *err)
{
	json_error_t jerr;
	json_t *doc = NULL, *keys, *item;
	kinde_keyset_t *ks = NULL;
	kinde_err_t rc = KINDE_E_UNAVAILABLE;
	struct errrec why;
	char esc[128];
	struct jwk *k;
	size_t i;

	*out = NULL;
	if (len > JWKS_MAX_SIZE) {
		errrec_write(err, "key set larger than %d bytes",
			     JWKS_MAX_SIZE);
		return rc;
	}
	doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		errrec_write(err, "key set is not valid JSON: %s",
			     jerr.text);
		return rc;
	}
	keys = json_object_get(doc, "keys");
	if (!json_is_object(doc) || !json_is_array(keys)) {
		errrec_write(err,
			     "key set is not a JWKS (an object with a \"keys\" array)");
		goto out;
	}
	if (json_array_size(keys) > JWKS_MAX_KEYS) {
		errrec_write(err, "key set holds more than %d keys",
			     JWKS_MAX_KEYS);
		goto out;
	}
	ks = calloc(1, sizeof(*ks));
	if (ks == NULL ||
	    (ks->keys = calloc(json_array_size(keys) + 1,
			       /* an array of pointers:
				* NOLINTNEXTLINE(bugprone-sizeof-expression) */
			       sizeof(*ks->keys))) == NULL) {
		rc = KINDE_E_NOMEM;
		goto out;
	}
	json_array_foreach(keys, i, item) {
		errrec_clear(&why);
		if (jwk_parse(item, &k, &why) != 0) {
			json_t *kid = json_object_get(item, "kid");

			kinde_escape(json_is_string(kid) ?
				     json_string_value(kid) : "", esc,
				     sizeof(esc));
			kinde_log(cfg, LOG_WARNING,
				  "key set: key %zu (kid \"%s\") skipped: %s",
				  i, esc, errrec_msg(&why));
			ks->skipped++;
			continue;
		}
		ks->keys[ks->n++] = k;
	}
	drop_duplicate_kids(cfg, ks);
	*out = ks;
	ks = NULL;
	rc = KINDE_OK;
out:
	kinde_keyset_free(ks);
	json_decref(doc);
	return rc;
}

kinde_err_t
kinde_keyset_parse(const kinde_config_t *cfg, const char *text, size_t len,
		   kinde_keyset_t **out, char *errbuf, size_t errlen)
{
	struct errrec err = { "" };
	kinde_err_t rc = keyset_parse(cfg, text, len, out, &err);

	errrec_copy(&err, errbuf, errlen);
	return rc;
}

kinde_err_t
kinde_keyset_load_file(const kinde_config_t *cfg, const char *path,
		       kinde_keyset_t **out, char *errbuf, size_t errlen)
{
	struct errrec err = { "" };
	char *buf;
	size_t len;
	kinde_err_t rc;

	/* A pinned key set decides who logs in: treat it like the config. */
	rc = safefile_read(path, FILE_TRUSTED, JWKS_MAX_SIZE, &buf, &len, NULL,
			   &err);
	if (rc == KINDE_OK) {
		rc = keyset_parse(cfg, buf, len, out, &err);
		free(buf);
	}
	errrec_copy(&err, errbuf, errlen);
	return rc;
}

const struct jwk *
keyset_select(const kinde_keyset_t *ks, const char *kid, enum jws_alg alg,
	      kinde_verdict_t *v)
{
	const struct alg_desc *d = alg_desc(alg);
	const struct jwk *k = NULL;
	char esc[128];
	size_t i, fits = 0;

	if (kid != NULL) {
		for (i = 0; i < ks->n; i++) {
			if (ks->keys[i]->kid != NULL &&
			    strcmp(ks->keys[i]->kid, kid) == 0) {
				k = ks->keys[i];
				break;
			}
		}
		if (k == NULL || v->explain || !jwk_fits_alg(k, alg) ||
		    (k->alg >= 0 && !alg_same(k->alg, alg)))
			kinde_escape(kid, esc, sizeof(esc));
		if (k == NULL) {
			verdict_fail(v, "kid", KINDE_R_KID,
				     "no key with kid \"%s\" in the key set (%zu usable key%s)",
				     esc, ks->n, ks->n == 1 ? "" : "s");
			return NULL;
		}
	} else {
		for (i = 0; i < ks->n; i++) {
			if (jwk_fits_alg(ks->keys[i], alg)) {
				k = ks->keys[i];
				fits++;
			}
		}
		if (fits != 1) {
			verdict_fail(v, "kid", KINDE_R_KID,
				     "token has no kid and the key set has %zu %s keys for %s; a kid is needed",
				     fits, kty_name(d->kty), d->name);
			return NULL;
		}
		kinde_fmt(esc, sizeof(esc), "(none)");
	}
	if (!jwk_fits_alg(k, alg)) {
		verdict_fail(v, "alg", KINDE_R_ALG,
			     "token alg %s needs a %s%s%s key; key \"%s\" is %s%s%s",
			     d->name, kty_name(d->kty), d->curve ? " " : "",
			     d->curve ? d->curve : "", esc, kty_name(k->kty),
			     k->curve ? " " : "", k->curve ? k->curve : "");
		return NULL;
	}
	if (k->alg >= 0 && !alg_same(k->alg, alg)) {
		verdict_fail(v, "alg", KINDE_R_ALG,
			     "token alg %s but key \"%s\" is for %s", d->name,
			     esc, k->alg_name);
		return NULL;
	}
	verdict_pass(v, "kid", "key \"%s\" (%s %d bits)", esc,
		     kty_name(k->kty), k->bits);
	return k;
}
