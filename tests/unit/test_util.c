/*
 * test_util.c - the small core files: util.c (lists, escaping, redaction,
 * constant-time comparison), timefmt.c, form.c, safefile.c.
 */
#include "kinde-build.h"

#include "form.h"
#include "safefile.h"
#include "tap.h"
#include "testerr.h"
#include "timefmt.h"
#include "util.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/test_util_XXXXXX";

static char *
file_with(const char *name, const char *content, size_t len, mode_t mode)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	int fd;

	sprintf(path, "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, content, len) != (ssize_t)len)
		abort();
	close(fd);
	chmod(path, mode);
	return path;
}

static void
test_lists(void)
{
	struct strlist l = { 0 };
	const char *v[] = { "a", "b\nc", "d" };
	char buf[64], big[600];

	ok(strlist_add_words(&l, " openid, ssh:login\tadmin\n") == 0 &&
	   l.n == 3 && strcmp(l.v[1], "ssh:login") == 0,
	   "words split on commas and whitespace");
	ok(strlist_has(&l, "admin") && !strlist_has(&l, "Admin"),
	   "strlist_has is exact");
	strlist_clear(&l);
	ok(l.n == 0 && l.v == NULL, "cleared");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(strlist_add_words(&l, big) == KINDE_E_CONFIG,
	   "a word of 512+ bytes refused");
	strlist_clear(&l);

	strlist_join(v, 3, ", ", buf, sizeof(buf));
	is_str(buf, "a, b\nc, d", "join");
	strlist_join_escaped(v, 3, ", ", buf, sizeof(buf));
	is_str(buf, "a, b\\x0ac, d", "join, escaped: no raw newline");
	strlist_join(v, 3, ", ", buf, 6);
	is_str(buf, "a...", "join truncates with a whole ...");
	strlist_join(v, 3, ", ", buf, 4);
	is_str(buf, "...", "  even in the smallest buffer");
}

static void
test_escape_redact(void)
{
	char buf[64];

	kinde_escape("a\"b\\c\x01\x7f\xc3\xa9", buf, sizeof(buf));
	is_str(buf, "a\\x22b\\x5cc\\x01\\x7f\\xc3\\xa9",
	       "escape: quotes, backslash, controls, non-ASCII");
	kinde_escape("0123456789", buf, 6);
	ok(strlen(buf) <= 5, "escape truncates to the buffer");
	kinde_hex((const unsigned char *)"\x00\x9f\xa0\xff", 4, buf);
	is_str(buf, "009fa0ff", "hex: two lowercase digits a byte");
	kinde_hex((const unsigned char *)"", 0, buf);
	is_str(buf, "", "hex: nothing is an empty string");
	kinde_redact("k_live_0123456789abcdefWXYZ", buf, sizeof(buf));
	is_str(buf, "k_live_...WXYZ", "redact: first 7 and last 4");
	kinde_redact("k_live_short", buf, sizeof(buf));
	is_str(buf, "(12 characters)", "redact: a short secret shows nothing");
	kinde_redact("k_live_\n123456789abc\x1b[1m", buf, sizeof(buf));
	ok(strchr(buf, '\n') == NULL && strchr(buf, '\x1b') == NULL,
	   "redact escapes what it shows");
}

static void
test_secret_helpers(void)
{
	char *s = strdup("secret"), buf[8] = "abcdefg";

	ok(kinde_ct_equal("abcd", "abcd", 4) && !kinde_ct_equal("abcd", "abce", 4),
	   "constant-time equality");
	kinde_wipe(buf, 7);
	ok(memcmp(buf, "\0\0\0\0\0\0\0", 7) == 0, "wipe zeroes");
	kinde_free_secret(s);
	kinde_free_secret(NULL);
	ok(1, "free_secret of NULL is a no-op");
	kinde_fmt(buf, sizeof(buf), "%s", "0123456789");
	is_str(buf, "0123456", "kinde_fmt truncates and terminates");
}

static void
test_timefmt(void)
{
	char buf[64];

	kinde_fmt_utc(1795684443, buf, sizeof(buf));
	is_str(buf, "2026-11-26 09:14:03 UTC", "UTC time");
	kinde_fmt_utc(-1, buf, sizeof(buf));
	is_str(buf, "(out of range)", "negative time");
	kinde_fmt_utc(253402300800LL, buf, sizeof(buf));
	is_str(buf, "(out of range)", "after 9999");
	kinde_fmt_duration(0, buf, sizeof(buf));
	is_str(buf, "0s", "0s");
	kinde_fmt_duration(45, buf, sizeof(buf));
	is_str(buf, "45s", "45s");
	kinde_fmt_duration(12 * 60 + 5, buf, sizeof(buf));
	is_str(buf, "12m5s", "12m5s");
	kinde_fmt_duration(3 * 3600 + 12 * 60 + 59, buf, sizeof(buf));
	is_str(buf, "3h12m", "3h12m");
	kinde_fmt_duration(-(2 * 86400 + 4 * 3600), buf, sizeof(buf));
	is_str(buf, "2d4h", "negative durations by magnitude");
	kinde_fmt_relative(1000 + 3 * 3600 + 12 * 60, 1000, buf, sizeof(buf));
	is_str(buf, "in 3h12m", "relative future");
	kinde_fmt_relative(1000, 1000 + 3 * 3600 + 12 * 60, buf, sizeof(buf));
	is_str(buf, "3h12m ago", "relative past");
	kinde_fmt_relative(1000, 1000, buf, sizeof(buf));
	is_str(buf, "0s ago", "now is not in the future");
}

static void
test_form(void)
{
	struct form f = { 0 };

	form_add(&f, "grant_type", "client_credentials");
	form_add(&f, "client_secret", "a b&c=d+e/é~_.-");
	form_add(&f, "audience", "https://x.kinde.com/api");
	is_str(f.buf,
	       "grant_type=client_credentials&client_secret=a%20b%26c%3Dd%2Be%2F%C3%A9~_.-&audience=https%3A%2F%2Fx.kinde.com%2Fapi",
	       "form fields percent-encoded (RFC 3986 unreserved kept)");
	ok(!f.failed, "no failure");
	form_free(&f);
	ok(f.buf == NULL && f.len == 0, "freed");
}

static void
test_safefile(void)
{
	char err[512], *buf = NULL, *p, big[70000];
	size_t len;
	bool missing;

	p = file_with("ok.conf", "domain = x\n", 11, 0644);
	is_int(t_safefile_read(p, FILE_TRUSTED, 1024, &buf, &len, NULL, err,
			     sizeof(err)), KINDE_OK, "a 0644 trusted file reads");
	ok(buf != NULL && len == 11 && buf[11] == '\0', "whole and terminated");
	free(buf);
	is_int(t_safefile_read(p, FILE_SECRET, 1024, &buf, &len, NULL, err,
			     sizeof(err)), KINDE_E_UNSAFE,
	       "a 0644 file is not a secret file");
	ok(strstr(err, "chmod 600") != NULL, "the message says chmod 600");
	chmod(p, 0664);
	is_int(t_safefile_read(p, FILE_TRUSTED, 1024, &buf, &len, NULL, err,
			     sizeof(err)), KINDE_E_UNSAFE,
	       "a group-writable file is refused");
	free(p);

	p = file_with("secret", "s3cret\n", 7, 0600);
	is_int(t_safefile_read(p, FILE_SECRET, 1024, &buf, &len, NULL, err,
			     sizeof(err)), KINDE_OK, "a 0600 secret reads");
	kinde_free_secret(buf);
	if (geteuid() == 0) {
		ok(chown(p, 65534, 65534) == 0, "chown to another user");
		is_int(t_safefile_read(p, FILE_SECRET, 1024, &buf, &len, NULL,
				     err, sizeof(err)), KINDE_E_UNSAFE,
		       "a secret owned by another user is refused");
		ok(strstr(err, "owned by uid 65534") != NULL,
		   "the message names the owner");
	} else {
		skip("needs root to give a file away");
		skip("needs root to give a file away");
		skip("needs root to give a file away");
	}
	free(p);

	p = file_with("nul", "a\0b", 3, 0644);
	is_int(t_safefile_read(p, FILE_TRUSTED, 1024, &buf, &len, NULL, err,
			     sizeof(err)), KINDE_E_CONFIG, "a NUL byte is refused");
	free(p);
	memset(big, 'x', sizeof(big));
	p = file_with("big", big, sizeof(big), 0644);
	is_int(t_safefile_read(p, FILE_TRUSTED, 65536, &buf, &len, NULL, err,
			     sizeof(err)), KINDE_E_CONFIG,
	       "a file over the limit is refused");
	ok(strstr(err, "larger than") != NULL, "and says so");
	free(p);

	p = malloc(strlen(dir) + 16);
	sprintf(p, "%s/fifo", dir);
	mkfifo(p, 0644);
	is_int(t_safefile_read(p, FILE_TRUSTED, 1024, &buf, &len, NULL, err,
			     sizeof(err)), KINDE_E_UNSAFE,
	       "a FIFO is refused without blocking");
	unlink(p);
	sprintf(p, "%s/none", dir);
	is_int(t_safefile_read(p, FILE_TRUSTED, 1024, &buf, &len, &missing, err,
			     sizeof(err)), KINDE_E_IO, "a missing file: KINDE_E_IO");
	ok(missing, "  and *missing is set");
	free(p);
}

int
main(void)
{
	char cmd[64];

	if (mkdtemp(dir) == NULL)
		return 1;
	test_lists();
	test_escape_redact();
	test_secret_helpers();
	test_timefmt();
	test_form();
	test_safefile();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		diag("could not remove %s", dir);
	return done_testing();
}
