/*
 * Starts busy work in a new thread after a delay, so that an attached profiler
 * must follow a thread created while it records. Runs until killed or 'seconds'.
 * Usage: threads_c [seconds, default 4]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

volatile unsigned long sink;
static double until;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

__attribute__((noinline)) static void *late_thread_work(void *arg)
{
	while (now() < until)
		for (int i = 0; i < 100000; i++)
			sink += (unsigned long)i * 7;
	return arg;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? atof(argv[1]) : 4.0;
	pthread_t t;

	until = now() + seconds;
	printf("ready\n");
	fflush(stdout);
	usleep(700000); /* long enough for the profiler to attach first */
	pthread_create(&t, NULL, late_thread_work, NULL);
	pthread_join(t, NULL);
	return 0;
}
