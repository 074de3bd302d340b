/* SPDX-License-Identifier: ISC */
/*
 * bench-clock: run a command N times and report its wall time and peak
 * resident memory, for bench/run.sh.
 *
 *	bench-clock [-n RUNS] [-w WARMUP] [-i FILE] [-o FILE] -- COMMAND [ARG...]
 *
 * Prints one line: "median_ms min_ms max_ms maxrss_kb status", times in
 * milliseconds with microsecond resolution, status the exit status of
 * the last run (or 128 + signal). Standard input comes from FILE (-i,
 * default /dev/null) and standard output goes to FILE (-o, default
 * /dev/null); standard error is inherited. Peak RSS is the largest
 * ru_maxrss wait4(2) reports over the runs, in KiB.
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 100000

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
usage(void)
{
	fprintf(stderr, "usage: bench-clock [-n RUNS] [-w WARMUP] [-i FILE] "
	    "[-o FILE] -- COMMAND [ARG...]\n");
	exit(2);
}

/* One run: fork, redirect, exec; wall time in *ms, peak RSS in *rss. */
static int
run_once(char **argv, const char *in, const char *out, double *ms, long *rss)
{
	struct rusage ru;
	double t0;
	pid_t pid;
	int st, fd;

	t0 = now_ms();
	if ((pid = fork()) == -1) {
		perror("bench-clock: fork");
		exit(2);
	}
	if (pid == 0) {
		if ((fd = open(in, O_RDONLY)) == -1 || dup2(fd, 0) == -1)
			_exit(126);
		close(fd);
		if ((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1 ||
		    dup2(fd, 1) == -1)
			_exit(126);
		close(fd);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (wait4(pid, &st, 0, &ru) == -1)
		if (errno != EINTR) {
			perror("bench-clock: wait4");
			exit(2);
		}
	*ms = now_ms() - t0;
	*rss = ru.ru_maxrss;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

int
main(int argc, char **argv)
{
	const char *in = "/dev/null", *out = "/dev/null";
	double *t, ms, med;
	long rss, maxrss = 0, n = 1, warm = 0, i;
	int ch, st = 0;

	while ((ch = getopt(argc, argv, "+n:w:i:o:")) != -1) {
		switch (ch) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'w':
			warm = strtol(optarg, NULL, 10);
			break;
		case 'i':
			in = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || n < 1 || n > MAX_RUNS || warm < 0 || warm > MAX_RUNS)
		usage();
	if ((t = calloc((size_t)n, sizeof(*t))) == NULL) {
		perror("bench-clock");
		return 2;
	}
	for (i = 0; i < warm; i++)
		(void)run_once(argv, in, out, &ms, &rss);
	for (i = 0; i < n; i++) {
		st = run_once(argv, in, out, &t[i], &rss);
		if (rss > maxrss)
			maxrss = rss;
	}
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	med = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	printf("%.3f %.3f %.3f %ld %d\n", med, t[0], t[n - 1], maxrss, st);
	free(t);
	return 0;
}
