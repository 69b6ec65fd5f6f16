/*
 * bench_limiter.c - what one limiter check costs a login: kinde_limiter_open,
 * one kinde_limiter_take (lock, read, atomic rewrite with fsync) and
 * kinde_limiter_free, as pam_kinde.so does per attempt, timed one by one.
 *
 * usage: bench_limiter STATE_DIR ROUNDS
 * Prints "median_ms p90_ms" of the checks.
 */
#include "kinde-build.h"

#include "config.h"
#include "limiter.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	kinde_config_t *cfg = kinde_config_new();
	struct kinde_limit_key k = { KINDE_LIMIT_USER, "bench", NULL };
	struct kinde_limit_hit hit;
	struct timespec a, b;
	struct kinde_limiter *l;
	double *t;
	long n, i;

	if (argc != 3 || cfg == NULL || (n = atol(argv[2])) <= 0 ||
	    kinde_config_set(cfg, "state_dir", argv[1]) != KINDE_OK ||
	    kinde_config_set(cfg, "ratelimit_user", "100000/60") != KINDE_OK) {
		fprintf(stderr, "usage: bench_limiter STATE_DIR ROUNDS\n");
		return 2;
	}
	t = calloc((size_t)n, sizeof(*t));
	if (t == NULL)
		return 1;
	for (i = 0; i < n; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (kinde_limiter_open(cfg, &l) != KINDE_OK ||
		    kinde_limiter_take(l, &k, 1, (int64_t)time(NULL), &hit) !=
			    KINDE_OK) {
			fprintf(stderr, "bench_limiter: check %ld failed\n", i);
			return 1;
		}
		kinde_limiter_free(l);
		clock_gettime(CLOCK_MONOTONIC, &b);
		t[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 +
		       (double)(b.tv_nsec - a.tv_nsec) / 1e6;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("%.4f %.4f\n", t[n / 2], t[n * 9 / 10]);
	free(t);
	kinde_config_free(cfg);
	return 0;
}
