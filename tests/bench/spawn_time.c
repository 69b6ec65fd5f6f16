/*
 * spawn_time.c - the wall time of a command run as a fresh process, many
 * times: what a login through sshd costs.
 *
 * usage: spawn_time N COMMAND [ARGS...]
 *
 * Runs COMMAND N times one after the other (stdin /dev/null, output
 * discarded); any failing run is an error.  Prints the median and the
 * mean in milliseconds: "median_ms 1.234 mean_ms 1.300".
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	long n, i;
	double *t, sum = 0, t0;
	pid_t pid;
	int st;

	if (argc < 3 || (n = strtol(argv[1], NULL, 10)) < 1) {
		fprintf(stderr, "usage: spawn_time N COMMAND [ARGS...]\n");
		return 2;
	}
	t = calloc((size_t)n, sizeof(*t));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < n; i++) {
		t0 = now_ms();
		if (posix_spawn(&pid, argv[2], &fa, NULL, argv + 2, environ) != 0 ||
		    waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0) {
			fprintf(stderr, "spawn_time: %s failed (run %ld)\n",
				argv[2], i);
			return 1;
		}
		t[i] = now_ms() - t0;
		sum += t[i];
	}
	qsort(t, (size_t)n, sizeof(*t), cmp);
	printf("median_ms %.3f mean_ms %.3f\n", t[n / 2], sum / (double)n);
	free(t);
	return 0;
}
