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

#endif
