/*
 * fuzz_denylist.c - libFuzzer target: the input is a deny_file
 * (lib/denylist.c).
 *
 * Properties:
 *  - the parser answers KINDE_OK or KINDE_E_CONFIG (KINDE_E_NOMEM only
 *    when memory runs out), never reads past the input;
 *  - a refusal names "<file>:<line>: " with a line within the input;
 *  - an accepted file lists only values that are non-empty, hold no blank
 *    or control character, and are found again by denylist_has.
 */
#include "kinde-build.h"

#include "fuzz.h"

#include "denylist.h"

#include <stdlib.h>
#include <string.h>

const char fuzz_target_name[] = "denylist";

static void
check_list(const struct denylist *dl, const struct strlist *l,
	   const char *kind)
{
	const unsigned char *p;
	size_t i;

	for (i = 0; i < l->n; i++) {
		FUZZ_ASSERT(l->v[i][0] != '\0');
		for (p = (const unsigned char *)l->v[i]; *p != '\0'; p++)
			FUZZ_ASSERT(*p > 0x20 && *p != 0x7f);
		FUZZ_ASSERT(denylist_has(dl, kind, l->v[i]));
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct errrec rec = { "" };
	struct denylist dl;
	const char *err = rec.msg;
	char *end;
	unsigned long line;
	size_t lines = 1, i;
	kinde_err_t rc;
	char *copy;

	/* An exact-size copy: ASan sees a read past the end. */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		abort();
	memcpy(copy, data, size);
	memset(&dl, 0, sizeof(dl));
	rc = denylist_parse(&dl, "f", copy, size, &rec);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_CONFIG ||
		    rc == KINDE_E_NOMEM);
	for (i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (rc == KINDE_E_CONFIG) {
		FUZZ_ASSERT(strncmp(err, "f:", 2) == 0);
		line = strtoul(err + 2, &end, 10);
		FUZZ_ASSERT(line >= 1 && line <= lines);
		FUZZ_ASSERT(strncmp(end, ": ", 2) == 0);
	} else if (rc == KINDE_OK) {
		check_list(&dl, &dl.sub, "sub");
		check_list(&dl, &dl.key_id, "key_id");
		check_list(&dl, &dl.jti, "jti");
		check_list(&dl, &dl.kid, "kid");
	}
	denylist_clear(&dl);
	free(copy);
	return 0;
}
