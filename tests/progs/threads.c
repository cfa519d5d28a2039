/*
 * Starts busy work in a new thread once told to, so that an attached profiler must
 * follow a thread created while it records: with GO_FILE, the thread starts when
 * that file exists (the test creates it once the profiler is attached); without,
 * at once. The thread works for SECONDS, then the program exits; or it is killed.
 * Usage: threads_c [SECONDS, default 4] [GO_FILE]
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

	printf("ready\n");
	fflush(stdout);
	while (argc > 2 && access(argv[2], F_OK) != 0)
		usleep(10000);
	until = now() + seconds;
	pthread_create(&t, NULL, late_thread_work, NULL);
	pthread_join(t, NULL);
	return 0;
}
