/*
 * A C program with a known hot function: hot_loop takes about 90% of the time,
 * warm_loop about 10%. The volatile sink keeps the compiler from hoisting the calls.
 * It works for SECONDS of CPU time, not of wall time, so a recording holds as many
 * samples on a slow or busy machine as on a fast idle one.
 * Usage: hot_c [SECONDS, default 1]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

volatile unsigned long sink;

__attribute__((noinline)) static void hot_loop(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		sink += i * i ^ (sink >> 3);
}

__attribute__((noinline)) static void warm_loop(unsigned long n)
{
	for (unsigned long i = 0; i < n; i++)
		sink += i;
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void work(double seconds)
{
	do {
		hot_loop(3000000);
		warm_loop(300000);
	} while (cpu_seconds() < seconds);
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 1.0;

	work(seconds);
	printf("done %lu\n", sink & 1);
	return 0;
}
