/*
 * fuzz.h - what every fuzz target defines.  Built two ways: with
 * -fsanitize=fuzzer (libFuzzer supplies main; tests/fuzz/build-fuzzers.sh)
 * or with replay.c, which runs a corpus once as a TAP test in make check.
 */
#ifndef KINDE_FUZZ_H
#define KINDE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The libFuzzer entry point: must not keep state between calls. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The target's corpus name: tests/fuzz/corpus/<name> (replay.c's default). */
extern const char fuzz_target_name[];

/* A property the target checks failed: report it and abort(), so the
 * fuzzer saves the input and make check fails. */
#define FUZZ_ASSERT(cond)                                                   \
	do {                                                                \
		if (!(cond))                                                \
			fuzz_fail(__FILE__, __LINE__, #cond);               \
	} while (0)

static inline __attribute__((noreturn)) void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: fuzz property failed: %s\n", file, line, what);
	abort();
}

/* The target's fixed fixtures could not be built: not a finding. */
static inline __attribute__((noreturn)) void
setup_fail(const char *what)
{
	fprintf(stderr, "fuzz_%s: fixture setup failed: %s\n",
		fuzz_target_name, what);
	abort();
}

/* A log sink for the library under fuzzing: reads the whole line, as a
 * real sink would, and checks it stays bounded. */
static inline void
log_sink(void *ctx, int priority, const char *message)
{
	(void)ctx;
	(void)priority;
	FUZZ_ASSERT(strlen(message) < 1024);
}

#endif
