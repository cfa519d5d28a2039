/*
 * Two threads passing a byte back and forth through two pipes, N round trips: each
 * trip is two context switches (each thread blocks in read() until the other writes).
 * Paced to about RATE switches a second with a short sleep every 100 trips, so the
 * off-CPU benchmark measures the cost per switch at a known rate.
 * Usage: pingpong [TRIPS, default 20000] [RATE, default 10000]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int ab[2], ba[2];
static long trips;

static void *pong(void *arg)
{
	char c;

	(void)arg;
	for (long i = 0; i < trips; i++) {
		if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
			break;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long rate = argc > 2 ? atol(argv[2]) : 10000;
	struct timespec start, now;
	pthread_t t;
	char c = 'x';

	trips = argc > 1 ? atol(argv[1]) : 20000;
	if (pipe(ab) || pipe(ba) || pthread_create(&t, NULL, pong, NULL))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (long i = 0; i < trips; i++) {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			return 1;
		if (rate > 0 && i % 100 == 99) {
			/* ahead of 2 switches per trip at RATE a second: wait for the clock */
			double want = (double)(i + 1) * 2 / (double)rate, el;

			clock_gettime(CLOCK_MONOTONIC, &now);
			el = (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
			if (want > el) {
				struct timespec d = { (time_t)(want - el), (long)((want - el - (time_t)(want - el)) * 1e9) };

				nanosleep(&d, NULL);
			}
		}
	}
	pthread_join(t, NULL);
	printf("%ld trips\n", trips);
	return 0;
}
