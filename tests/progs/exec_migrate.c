/*
 * Execs itself on one CPU, then moves to another before it loads a library and
 * spends its time there: the exec's COMM record and the library's MMAP record land
 * in different per-CPU rings, the MMAP in the ring of the lower-numbered CPU. A
 * recorder that applies the rings one after the other sees the exec last and forgets
 * the library.
 * Usage: exec_migrate SECONDS
 */
#include <dlfcn.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		perror("sched_setaffinity");
		exit(2);
	}
}

int main(int argc, char **argv)
{
	double (*fn)(double);
	volatile double sink = 0;
	struct timespec t0, t;
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	void *lib;

	if (argc < 3) {
		char *args[] = { argv[0], argc > 1 ? argv[1] : "1", "again", NULL };

		pin(1);
		execv("/proc/self/exe", args);
		perror("execv");
		return 2;
	}
	pin(0);
	lib = dlopen("libm.so.6", RTLD_NOW);
	fn = lib ? (double (*)(double))dlsym(lib, "cos") : NULL;
	if (!fn) {
		fprintf(stderr, "exec_migrate: no cos in libm\n");
		return 2;
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0); /* CPU time: as many samples on a busy machine */
	do {
		for (int i = 0; i < 100000; i++)
			sink += fn(sink + i);
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9 < secs);
	printf("done %d\n", sink != 0);
	return 0;
}
