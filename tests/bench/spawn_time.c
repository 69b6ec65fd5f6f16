/*
 * spawn_time.c - the wall time of a command run as a fresh process, many
 * times: what a login through sshd costs.
 *
 * usage: spawn_time [--before SHELL_COMMAND] N COMMAND [ARGS...]
 *
 * Runs COMMAND N times one after the other (stdin /dev/null, output
 * discarded); any failing run is an error.  --before runs SHELL_COMMAND
 * (sh -c) ahead of every run, outside the time measured: e.g. emptying a
 * cache so that every login is a cold one.  Prints the median and the
 * mean in milliseconds: "median_ms 1.234 mean_ms 1.300".
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* Runs argv (stdin /dev/null, stdout discarded); 0 when it exited 0. */
static int
run(const posix_spawn_file_actions_t *fa, char **argv)
{
	pid_t pid;
	int st;

	return posix_spawn(&pid, argv[0], fa, NULL, argv, environ) == 0 &&
	       waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0 ? 0 : -1;
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
	static char sh[] = "/bin/sh", dash_c[] = "-c";
	char *before[] = { sh, dash_c, NULL, NULL };
	long n, i;
	double *t, sum = 0, t0;

	if (argc > 2 && strcmp(argv[1], "--before") == 0) {
		before[2] = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 3 || (n = strtol(argv[1], NULL, 10)) < 1) {
		fprintf(stderr, "usage: spawn_time [--before SHELL_COMMAND] N COMMAND [ARGS...]\n");
		return 2;
	}
	t = calloc((size_t)n, sizeof(*t));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	for (i = 0; i < n; i++) {
		if (before[2] != NULL && run(&fa, before) != 0) {
			fprintf(stderr, "spawn_time: --before failed (run %ld)\n",
				i);
			return 1;
		}
		t0 = now_ms();
		if (run(&fa, argv + 2) != 0) {
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
