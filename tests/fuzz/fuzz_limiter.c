/*
 * fuzz_limiter.c - libFuzzer target: the input is a limiter state file
 * (lib/limiter.c): its first byte picks the table (apikey, rhost, user,
 * verify, lockout), the rest is written as that table's file, mode 0600,
 * in a state_dir of a temp dir, as another process would have left it.
 *
 * Then the limiter lists the state, takes an attempt under every table,
 * records a failure and checks the lockout, as a login does.
 *
 * Properties:
 *  - every call answers KINDE_OK or KINDE_E_RATELIMITED (never an
 *    error for a bad file: it is rebuilt empty);
 *  - no table lists more than LIMIT_MAX_ENTRIES entries, and no count
 *    exceeds what its rule allows to be stored;
 *  - what the limiter wrote back reads again without complaint.
 */
#include "kinde-build.h"

#include "netfuzz.h"
#include "limiter.h"

const char fuzz_target_name[] = "limiter";

static bool rebuilt;

static void
sink(void *ctx, int priority, const char *message)
{
	log_sink(ctx, priority, message);
	if (strstr(message, "rebuilt empty") != NULL)
		rebuilt = true;
}

static void
count(void *ctx, const struct kinde_limit_entry *e)
{
	unsigned *n = ctx;

	FUZZ_ASSERT((unsigned)e->table < KINDE_LIMIT__COUNT);
	FUZZ_ASSERT(e->key != NULL && e->label != NULL);
	n[e->table]++;
}

static void
list(struct kinde_limiter *l)
{
	unsigned n[KINDE_LIMIT__COUNT] = { 0 };
	size_t t;

	FUZZ_ASSERT(kinde_limiter_list(l, NF_NOW, count, n) == KINDE_OK);
	for (t = 0; t < KINDE_LIMIT__COUNT; t++)
		FUZZ_ASSERT(n[t] <= LIMIT_MAX_ENTRIES);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static kinde_config_t *cfg;
	static const char *const names[] = { "apikey", "rhost", "user",
					      "verify", "lockout" };
	const struct kinde_limit_key keys[] = {
		{ KINDE_LIMIT_APIKEY,
		  "0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"
		  "cdef",
		  "k_live_...cdef" },
		{ KINDE_LIMIT_RHOST, "192.0.2.1", NULL },
		{ KINDE_LIMIT_USER, "alice", NULL },
		{ KINDE_LIMIT_VERIFY, "", NULL },
	};
	char state[256], file[32];
	struct kinde_limiter *l = NULL;
	struct kinde_limit_hit hit;
	kinde_err_t rc;
	size_t i;

	if (cfg == NULL) {
		nf_setup(NULL);		/* the temp dir */
		snprintf(state, sizeof(state), "%s/state", nf.dir);
		cfg = kinde_config_new();
		if (cfg == NULL)
			setup_fail("kinde_config_new");
		kinde_config_set_log(cfg, sink, NULL);
		if (kinde_config_set(cfg, "domain", NF_DOMAIN) != KINDE_OK ||
		    kinde_config_set(cfg, "audience", "a") != KINDE_OK ||
		    kinde_config_set(cfg, "state_dir", state) != KINDE_OK ||
		    kinde_config_set(cfg, "ratelimit_user", "5/60") != KINDE_OK ||
		    kinde_config_set(cfg, "ratelimit_verify", "50/60") != KINDE_OK ||
		    kinde_config_set(cfg, "lockout_deny", "3") != KINDE_OK ||
		    kinde_config_finish(cfg) != KINDE_OK)
			setup_fail(kinde_config_error(cfg));
		if (kinde_limiter_open(cfg, &l) != KINDE_OK)
			setup_fail("kinde_limiter_open");
		kinde_limiter_free(l);
	}
	if (size == 0)
		return 0;
	/* no state from the inputs before (libFuzzer runs many in one
	 * process): only the planted table exists */
	for (i = 0; i < KINDE_ARRAY_SIZE(names); i++) {
		snprintf(state, sizeof(state), "%s/state/limit-%s", nf.dir,
			 names[i]);
		unlink(state);
	}
	snprintf(file, sizeof(file), "state/limit-%s",
		 names[data[0] % KINDE_ARRAY_SIZE(names)]);
	nf_write(file, data + 1, size - 1, NULL, 0);

	rebuilt = false;
	FUZZ_ASSERT(kinde_limiter_open(cfg, &l) == KINDE_OK);
	list(l);
	rc = kinde_limiter_take(l, keys, KINDE_ARRAY_SIZE(keys), NF_NOW, &hit);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_RATELIMITED);
	rc = kinde_limiter_locked(l, "alice", NF_NOW, &hit);
	FUZZ_ASSERT(rc == KINDE_OK || rc == KINDE_E_RATELIMITED);
	FUZZ_ASSERT(kinde_limiter_fail(l, "alice", NF_NOW) == KINDE_OK);
	kinde_limiter_free(l);

	/* what was written back must read again cleanly */
	rebuilt = false;
	FUZZ_ASSERT(kinde_limiter_open(cfg, &l) == KINDE_OK);
	list(l);
	FUZZ_ASSERT(!rebuilt);
	kinde_limiter_free(l);
	return 0;
}
