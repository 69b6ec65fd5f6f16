/*
 * replay.c - runs a fuzz target's LLVMFuzzerTestOneInput once on each file
 * of a corpus, as a TAP test: the main() of the fuzz targets when they are
 * not built with libFuzzer (make check).
 *
 *   replay_token [FILE|DIR]...
 *
 * Directories are read recursively, in name order, skipping dot files.
 * With no argument it replays $top_srcdir/tests/fuzz/corpus/<target>
 * (tests/fuzz/corpus/<target> when top_srcdir is not set).  Each input is
 * one test, `ok N - FILE`; a property failure, a crash or a sanitizer
 * report ends the run with `Bail out!` naming the input, so the TAP driver
 * reports an error.  Under LeakSanitizer each input is checked for leaks
 * (`not ok N - FILE: memory leak`).
 */
#include "kinde-build.h"

#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Defined by a sanitizer runtime when one is linked in. */
void __sanitizer_set_death_callback(void (*callback)(void))
	__attribute__((weak));
int __lsan_do_recoverable_leak_check(void) __attribute__((weak));

static unsigned tests, failures;
static bool leaked;
static char current[4096];

static void
write_str(const char *s)
{
	ssize_t r;
	size_t len = strlen(s);

	while (len > 0) {
		r = write(STDOUT_FILENO, s, len);
		if (r <= 0)
			return;
		s += r;
		len -= (size_t)r;
	}
}

/* Async-signal-safe: names the input that brought the process down. */
static void
bail_out(void)
{
	if (current[0] != '\0') {
		write_str("Bail out! crashed on ");
		write_str(current);
		write_str("\n");
	} else {
		write_str("Bail out! sanitizer report at exit (see the log)\n");
	}
}

static void
on_signal(int sig)
{
	bail_out();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
not_ok(const char *path, const char *why)
{
	tests++;
	failures++;
	printf("not ok %u - %s: %s\n", tests, path, why);
}

static void
run_file(const char *path, const char *shown)
{
	struct stat st;
	unsigned char *buf;
	size_t len = 0;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL || fstat(fileno(f), &st) != 0) {
		not_ok(shown, strerror(errno));
		if (f != NULL)
			fclose(f);
		return;
	}
	/* Exactly the input's size, as libFuzzer does: ASan sees overreads. */
	buf = malloc(st.st_size > 0 ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		fclose(f);
		not_ok(shown, "out of memory");
		return;
	}
	if (st.st_size > 0)
		len = fread(buf, 1, (size_t)st.st_size, f);
	if (ferror(f) || len != (size_t)st.st_size) {
		fclose(f);
		free(buf);
		not_ok(shown, "read error");
		return;
	}
	fclose(f);
	snprintf(current, sizeof(current), "%s", path);
	LLVMFuzzerTestOneInput(buf, len);
	current[0] = '\0';
	free(buf);
	/*
	 * Under LeakSanitizer, name the input that leaked.  Only the first:
	 * the check reports every leak so far, so it would blame all inputs
	 * after it (the report at exit still lists every leak).
	 */
	if (!leaked && __lsan_do_recoverable_leak_check != NULL &&
	    __lsan_do_recoverable_leak_check() != 0) {
		leaked = true;
		not_ok(shown, "memory leak (the sanitizer report is in the log)");
		return;
	}
	tests++;
	printf("ok %u - %s\n", tests, shown);
}

static int
visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/*
 * Runs path, a file or a directory; shown is its name in the TAP output
 * (relative to the directory named on the command line).
 */
static void
run_path(const char *path, const char *shown)
{
	struct dirent **names;
	struct stat st;
	char sub[4096], subshown[4096];
	int i, n;

	if (stat(path, &st) != 0) {
		not_ok(shown, strerror(errno));
		return;
	}
	if (!S_ISDIR(st.st_mode)) {
		run_file(path, shown);
		return;
	}
	n = scandir(path, &names, visible, alphasort);
	if (n < 0) {
		not_ok(shown, strerror(errno));
		return;
	}
	if (n == 0)
		not_ok(shown, "no inputs in this directory");
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", path,
				     names[i]->d_name) >= sizeof(sub) ||
		    (size_t)snprintf(subshown, sizeof(subshown), "%s/%s", shown,
				     names[i]->d_name) >= sizeof(subshown))
			not_ok(names[i]->d_name, "path too long");
		else
			run_path(sub, subshown);
		free(names[i]);
	}
	free(names);
}

/* The name of a command-line path in the output: a directory's last
 * component (corpus/token/ -> token), a file as given. */
static const char *
display_name(const char *path, char *buf, size_t len)
{
	struct stat st;
	size_t n = strlen(path);
	const char *slash;

	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return path;
	while (n > 1 && path[n - 1] == '/')
		n--;
	snprintf(buf, len, "%.*s", (int)n, path);
	slash = strrchr(buf, '/');
	return slash != NULL && slash[1] != '\0' ? slash + 1 : buf;
}

int
main(int argc, char **argv)
{
	const char *top = getenv("top_srcdir");
	char dir[4096], name[4096];
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (__sanitizer_set_death_callback != NULL)
		__sanitizer_set_death_callback(bail_out);
	else
		signal(SIGSEGV, on_signal);
	/* abort() (a property failure) is not a sanitizer report. */
	signal(SIGABRT, on_signal);

	if (argc > 1) {
		for (i = 1; i < argc; i++)
			run_path(argv[i], display_name(argv[i], name,
							sizeof(name)));
	} else {
		snprintf(dir, sizeof(dir), "%s%stests/fuzz/corpus/%s",
			 top ? top : "", top ? "/" : "", fuzz_target_name);
		run_path(dir, display_name(dir, name, sizeof(name)));
	}
	printf("1..%u\n", tests);
	return failures ? 1 : 0;
}
