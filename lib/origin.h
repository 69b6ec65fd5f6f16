/*
 * origin.h - where an answer of the issuer came from: every setting that
 * decides which server is asked and whom TLS trusts.  Each cache entry
 * (key set, discovery document, M2M token, API-key answer) is named after
 * its origin and records it; a reader whose own configuration gives
 * another origin does not use the entry, so what one configuration
 * fetched is never served under another (issue 9).
 *
 * Computed here only: the caches and kinde-auth (which decides when a
 * run must not touch the shared cache) use the same definition.
 */
#ifndef KINDE_ORIGIN_H
#define KINDE_ORIGIN_H

#include "kinde.h"

#include <jansson.h>
#include <stdbool.h>

enum origin_field {
	ORIGIN_DOMAIN, ORIGIN_ISSUER, ORIGIN_JWKS_URI, ORIGIN_CA_FILE,
	ORIGIN_CA_SHA256, ORIGIN_PROXY, ORIGIN_NET_MODULE,
	ORIGIN_NFIELDS
};
#define ORIGIN_BIT(f) (1u << (f))
#define ORIGIN_ALL ((1u << ORIGIN_NFIELDS) - 1)
/* What decides where a POST (the client secret) goes and who reads it. */
#define ORIGIN_SECRET_FIELDS                                              \
	(ORIGIN_BIT(ORIGIN_DOMAIN) | ORIGIN_BIT(ORIGIN_CA_FILE) |          \
	 ORIGIN_BIT(ORIGIN_CA_SHA256) | ORIGIN_BIT(ORIGIN_PROXY) |         \
	 ORIGIN_BIT(ORIGIN_NET_MODULE))

struct origin {
	/* Borrowed from the config ("" when unset), except ca_sha256. */
	const char *v[ORIGIN_NFIELDS];
	/* SHA-256 of ca_file's content, hex; "" without ca_file,
	 * "unreadable" when it cannot be read. */
	char ca_sha256[65];
	/* SHA-256 of all the fields, hex: the part of a cache name. */
	char id[65];
};

/*
 * The origin cfg would fetch from: issuer and domain default to each
 * other as kinde_config_finish does.  o borrows from cfg.
 */
void origin_of(const kinde_config_t *cfg, struct origin *o);

/* {"domain": ..., "ca_sha256": ..., ...}; NULL when out of memory.
 * Caller decrefs. */
json_t *origin_json(const struct origin *o);

/* ORIGIN_BITs of the fields in which a and b differ (0: the same). */
unsigned origin_diff(const struct origin *a, const struct origin *b);

/*
 * ORIGIN_BITs of the fields in which the "origin" object recorded in a
 * cache entry's metadata differs from o; ORIGIN_ALL when it has none.
 */
unsigned origin_diff_meta(const struct origin *o, const json_t *meta);

/* "domain, ca_file" for a mask ("ca_file" once for path and content). */
void origin_names(unsigned mask, char *buf, size_t len);

#endif
