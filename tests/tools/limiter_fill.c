/*
 * limiter_fill.c - puts known attempts into the limiter's state, as the
 * module would record them, at an injected time: the fixture of
 * tests/tools/test_ratelimit_cli.sh (kinde-auth ratelimit, diagnose).
 *
 *   limiter_fill CONFIG NOW OP...
 *     take TABLE KEY N   N attempts (TABLE apikey|rhost|user|verify; an
 *                        apikey KEY is the key itself: it is stored as
 *                        its digest with the module's label)
 *     fail USER N        N failures for the lockout
 *
 * Prints one line per op: "TABLE KEY: taken T of N" and, when a limit
 * refused the rest, "limited until RETRY_AT".  Exit 0, or 2 on an error.
 */
#include "kinde-build.h"

#include "kinde.h"
#include "config.h"
#include "limiter.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static void
log_stderr(void *ctx, int priority, const char *msg)
{
	(void)ctx;
	if (priority <= LOG_WARNING)
		fprintf(stderr, "limiter_fill: %s\n", msg);
}

static int
table_of(const char *name, enum kinde_limit_table *t)
{
	int i;

	for (i = 0; i < KINDE_LIMIT_FAIL; i++)
		if (strcmp(name, kinde_limit_table_name(
					 (enum kinde_limit_table)i)) == 0) {
			*t = (enum kinde_limit_table)i;
			return 0;
		}
	return -1;
}

static int
take(struct kinde_limiter *l, const char *table, const char *key, long n,
     int64_t now)
{
	char digest[65], label[64];
	struct kinde_limit_key k = { 0 };
	struct kinde_limit_hit hit;
	kinde_err_t rc = KINDE_OK;
	long i, taken = 0;

	if (table_of(table, &k.table) != 0) {
		fprintf(stderr, "limiter_fill: unknown table %s\n", table);
		return 2;
	}
	k.key = key;
	if (k.table == KINDE_LIMIT_APIKEY) {
		kinde_limiter_digest(key, digest);
		kinde_redact(key, label, sizeof(label));
		k.key = digest;
		k.label = label;
	}
	for (i = 0; i < n; i++) {
		rc = kinde_limiter_take(l, &k, 1, now, &hit);
		if (rc != KINDE_OK)
			break;
		taken++;
	}
	printf("%s %s: taken %ld of %ld", table,
	       k.table == KINDE_LIMIT_APIKEY ? label : key, taken, n);
	if (rc == KINDE_E_RATELIMITED)
		printf(", limited until %lld", (long long)hit.retry_at);
	printf("\n");
	return rc == KINDE_OK || rc == KINDE_E_RATELIMITED ? 0 : 2;
}

int
main(int argc, char **argv)
{
	kinde_config_t *cfg = kinde_config_new();
	struct kinde_limiter *l = NULL;
	int64_t now;
	int i, rc = 2;
	long n;

	if (argc < 3 || cfg == NULL) {
		fprintf(stderr, "usage: limiter_fill CONFIG NOW OP...\n");
		goto out;
	}
	kinde_config_set_log(cfg, log_stderr, NULL);
	if (kinde_config_load_file(cfg, argv[1], false) != KINDE_OK ||
	    kinde_limiter_open(cfg, &l) != KINDE_OK) {
		fprintf(stderr, "limiter_fill: %s\n", kinde_config_error(cfg));
		goto out;
	}
	now = strtoll(argv[2], NULL, 10);
	rc = 0;
	for (i = 3; rc == 0 && i < argc; ) {
		if (strcmp(argv[i], "take") == 0 && i + 3 < argc) {
			n = strtol(argv[i + 3], NULL, 10);
			rc = take(l, argv[i + 1], argv[i + 2], n, now);
			i += 4;
		} else if (strcmp(argv[i], "fail") == 0 && i + 2 < argc) {
			long k;

			n = strtol(argv[i + 2], NULL, 10);
			for (k = 0; rc == 0 && k < n; k++)
				if (kinde_limiter_fail(l, argv[i + 1], now) !=
				    KINDE_OK)
					rc = 2;
			printf("lockout %s: %ld failures\n", argv[i + 1], n);
			i += 3;
		} else {
			fprintf(stderr, "limiter_fill: bad op at %s\n", argv[i]);
			rc = 2;
		}
	}
out:
	kinde_limiter_free(l);
	kinde_config_free(cfg);
	return rc;
}
