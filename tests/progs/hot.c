/*
 * A C program with a known hot function: hot_loop takes about 90% of the time,
 * warm_loop about 10%. The volatile sink keeps the compiler from hoisting the calls.
 * Usage: hot_c [seconds-ish scale, default 1]
 */
#include <stdio.h>
#include <stdlib.h>

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

__attribute__((noinline)) static void work(int rounds)
{
	for (int k = 0; k < rounds; k++) {
		hot_loop(3000000);
		warm_loop(300000);
	}
}

int main(int argc, char **argv)
{
	double scale = argc > 1 ? atof(argv[1]) : 1.0;

	work((int)(100 * scale));
	printf("done %lu\n", sink & 1);
	return 0;
}
