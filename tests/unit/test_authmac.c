/*
 * test_authmac.c - the sealed auth record (lib/authmac.c): the host
 * secret's creation and checks, and a MAC that breaks when any field does.
 */
#include "kinde-build.h"

#include "authmac.h"
#include "config.h"
#include "tap.h"
#include "testcfg.h"
#include "testerr.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[] = "/tmp/test_authmac_XXXXXX";

/* Each test's cache_dir is a directory of its own under top. */
static kinde_config_t *
cfg_with(const char *sub)
{
	return testcfg_cache_dir(top, sub);
}

static void
test_key(void)
{
	kinde_config_t *cfg = cfg_with("k1");
	unsigned char k1[AUTHMAC_KEY_LEN], k2[AUTHMAC_KEY_LEN];
	char err[512], path[300], stray[300];
	struct stat st;
	int fd;

	snprintf(path, sizeof(path), "%s/k1/%s", top, AUTHMAC_KEY_NAME);
	is_int(t_authmac_key_load(cfg, false, k1, err, sizeof(err)), KINDE_E_IO,
	       "no key, create=false: KINDE_E_IO");
	ok(access(path, F_OK) != 0, "  and none is made");
	is_int(t_authmac_key_load(cfg, true, k1, err, sizeof(err)), KINDE_OK,
	       "create=true: a new key");
	ok(stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	   (st.st_mode & 07777) == 0600 && st.st_size == AUTHMAC_KEY_LEN &&
	   st.st_uid == geteuid(),
	   "  cache_dir/authmac.key, 32 bytes, 0600, ours");
	is_int(t_authmac_key_load(cfg, true, k2, err, sizeof(err)), KINDE_OK,
	       "loaded again");
	ok(memcmp(k1, k2, sizeof(k1)) == 0, "  the same key (not replaced)");
	snprintf(stray, sizeof(stray), "%s/k1", top);
	{
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "ls -A %s | grep -c '^\\.' >/dev/null",
			 stray);
		ok(system(cmd) != 0, "  no temporary file left behind");
	}

	chmod(path, 0640);
	is_int(t_authmac_key_load(cfg, true, k2, err, sizeof(err)),
	       KINDE_E_UNSAFE, "a key readable by the group: KINDE_E_UNSAFE");
	ok(strstr(err, "too open") != NULL && strstr(err, path) != NULL,
	   "  the message names the file and says too open (%s)", err);
	chmod(path, 0600);

	fd = open(path, O_WRONLY | O_APPEND);
	if (fd >= 0 && write(fd, "x", 1) != 1)
		diag("cannot append");
	if (fd >= 0)
		close(fd);
	is_int(t_authmac_key_load(cfg, true, k2, err, sizeof(err)),
	       KINDE_E_UNSAFE, "a key of 33 bytes: refused");
	unlink(path);
	if (symlink("/etc/hostname", path) != 0)
		diag("symlink failed");
	is_int(t_authmac_key_load(cfg, true, k2, err, sizeof(err)),
	       KINDE_E_UNSAFE, "a symlink in place of the key: refused");
	unlink(path);
	kinde_config_free(cfg);

	cfg = cfg_with("k2");
	snprintf(path, sizeof(path), "%s/k2", top);
	mkdir(path, 0777);
	chmod(path, 0777);
	is_int(t_authmac_key_load(cfg, true, k2, err, sizeof(err)),
	       KINDE_E_UNSAFE, "a world-writable cache_dir: refused (cache_open's checks)");
	kinde_config_free(cfg);
}

static struct authmac_record
sample(void)
{
	struct authmac_record r = {
		.service = "sshd", .user = "alice", .method = "token",
		.identity = "alice@example.com", .sub = "kp_123",
		.exp = "4102444800", .time = 1700000000,
	};

	return r;
}

/* Opens sealed with the verifier's view v at now. */
static kinde_err_t
open_as(const unsigned char *key, const char *sealed,
	struct authmac_record v, int64_t now, struct authmac_opened *o,
	char *why)
{
	return authmac_open(key, sealed, &v, now, o, why, 512);
}

static void
test_seal(void)
{
	unsigned char key[AUTHMAC_KEY_LEN], other[AUTHMAC_KEY_LEN];
	struct authmac_record r = sample(), v;
	struct authmac_opened o;
	char sealed[AUTHMAC_SEALED_MAX], bad[AUTHMAC_SEALED_MAX + 8], why[512];
	int64_t now = 1700000030;
	char *p;

	memset(key, 7, sizeof(key));
	memset(other, 8, sizeof(other));
	is_int(authmac_seal(key, &r, sealed, sizeof(sealed)), KINDE_OK,
	       "seal");
	ok(strncmp(sealed, "v1:1700000000:", 14) == 0 &&
	   strlen(strrchr(sealed, ':') + 1) == 64,
	   "  v1:<time>:...:<64 hex> (%s)", sealed);
	ok(strstr(sealed, "alice") == NULL,
	   "  user and identity are base64url, not raw text");

	v = sample();
	v.user = v.identity = NULL;
	v.time = 0;
	is_int(open_as(key, sealed, v, now, &o, why), KINDE_OK,
	       "open with the same service, method, sub, exp");
	is_str(o.user, "alice", "  the user it was sealed for");
	is_str(o.identity, "alice@example.com", "  the identity");

	is_int(open_as(other, sealed, v, now, &o, why), KINDE_E_REJECTED,
	       "another host's secret: rejected");
	ok(strstr(why, "does not verify") != NULL, "  says does not verify");
	v.service = "sudo";
	is_int(open_as(key, sealed, v, now, &o, why), KINDE_E_REJECTED,
	       "another service: rejected");
	v = sample();
	v.method = "apikey";
	is_int(open_as(key, sealed, v, now, &o, why), KINDE_E_REJECTED,
	       "method changed: rejected");
	v = sample();
	v.sub = "kp_124";
	is_int(open_as(key, sealed, v, now, &o, why), KINDE_E_REJECTED,
	       "sub changed: rejected");
	v = sample();
	v.exp = "4102444801";
	is_int(open_as(key, sealed, v, now, &o, why), KINDE_E_REJECTED,
	       "exp changed: rejected");
	v = sample();
	v.exp = "";
	is_int(open_as(key, sealed, v, now, &o, why), KINDE_E_REJECTED,
	       "exp emptied: rejected");

	/* Fields of the sealed text itself. */
	v = sample();
	snprintf(bad, sizeof(bad), "%s", sealed);
	p = strstr(bad, ":1700000000:") + 1;
	p[9] = '1';	/* the time */
	is_int(open_as(key, bad, v, now, &o, why), KINDE_E_REJECTED,
	       "time changed: rejected");
	{
		struct authmac_record bob = sample();
		char sb[AUTHMAC_SEALED_MAX], mix[2 * AUTHMAC_SEALED_MAX];
		const char *c2, *c3, *m1;

		bob.user = "bob";
		authmac_seal(key, &bob, sb, sizeof(sb));
		/* alice's user field with bob's MAC and the rest. */
		c2 = strchr(strchr(sealed, ':') + 1, ':');
		c3 = strchr(c2 + 1, ':');
		m1 = strchr(strchr(strchr(sb, ':') + 1, ':') + 1, ':');
		snprintf(mix, sizeof(mix), "%.*s%s", (int)(m1 - sb), sb, c3);
		is_int(open_as(key, mix, v, now, &o, why), KINDE_E_REJECTED,
		       "the user field swapped (bob -> alice's record): rejected");
	}
	snprintf(bad, sizeof(bad), "%s", sealed);
	p = bad + strlen(bad) - 1;
	*p = *p == '0' ? '1' : '0';
	is_int(open_as(key, bad, v, now, &o, why), KINDE_E_REJECTED,
	       "one hex digit of the MAC changed: rejected");

	is_int(open_as(key, "", v, now, &o, why), KINDE_E_REJECTED,
	       "empty: rejected");
	ok(strstr(why, "no KINDE_AUTH_MAC") != NULL, "  says none");
	is_int(open_as(key, NULL, v, now, &o, why), KINDE_E_REJECTED,
	       "absent: rejected");
	is_int(open_as(key, "v1:1:YWxpY2U:00", v, now, &o, why),
	       KINDE_E_REJECTED, "made up: rejected");
	ok(strstr(why, "malformed") != NULL, "  says malformed");
	snprintf(bad, sizeof(bad), "v2%s", sealed + 2);
	is_int(open_as(key, bad, v, now, &o, why), KINDE_E_REJECTED,
	       "another version: rejected");
	snprintf(bad, sizeof(bad), "%s:00", sealed);
	is_int(open_as(key, bad, v, now, &o, why), KINDE_E_REJECTED,
	       "an extra field: rejected");

	is_int(open_as(key, sealed, v, 1700000000 + AUTHMAC_MAX_AGE + 1, &o,
		       why), KINDE_E_REJECTED,
	       "older than AUTHMAC_MAX_AGE: rejected");
	ok(strstr(why, "ago") != NULL, "  says how old (%s)", why);
	is_int(open_as(key, sealed, v, 1700000000 - 3600, &o, why),
	       KINDE_E_REJECTED, "from the future: rejected");

	/* Fields that cannot be sealed. */
	{
		char big[AUTHMAC_FIELD_MAX + 2];

		memset(big, 'a', sizeof(big) - 1);
		big[sizeof(big) - 1] = '\0';
		r = sample();
		r.identity = big;
		is_int(authmac_seal(key, &r, sealed, sizeof(sealed)),
		       KINDE_E_USAGE, "an identity over the limit: not sealed");
		big[AUTHMAC_FIELD_MAX] = '\0';
		is_int(authmac_seal(key, &r, sealed, sizeof(sealed)), KINDE_OK,
		       "an identity at the limit: sealed");
		ok(strlen(sealed) < AUTHMAC_SEALED_MAX, "  fits AUTHMAC_SEALED_MAX");
		r.user = big;
		is_int(authmac_seal(key, &r, sealed, sizeof(sealed)), KINDE_OK,
		       "user and identity at the limit: sealed");
		is_int(authmac_seal(key, &r, bad, 100), KINDE_E_USAGE,
		       "a buffer too small: refused, not cut");
		v = sample();
		v.user = NULL;
		is_int(open_as(key, sealed, v, now, &o, why), KINDE_OK,
		       "the record at the limit opens");
		ok(strlen(o.user) == AUTHMAC_FIELD_MAX &&
		   strlen(o.identity) == AUTHMAC_FIELD_MAX,
		   "  user and identity whole");
	}
}

int
main(void)
{
	char cmd[128];

	if (mkdtemp(top) == NULL)
		return 99;
	test_key();
	test_seal();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", top);
	if (system(cmd) != 0)
		diag("could not remove %s", top);
	return done_testing();
}
