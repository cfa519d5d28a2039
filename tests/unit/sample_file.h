/*
 * One deterministic perf.data generator, shared by the unit tests, the fuzz driver
 * and the benchmarks: a process with one mapping, one perf map, and samples.
 */
#ifndef PPM_SAMPLE_FILE_H
#define PPM_SAMPLE_FILE_H

#include <stdint.h>

struct sample_file_spec {
	int nr_events;        /* 1 or 2 (cpu-clock, task-clock:u) */
	uint64_t nr_samples;
	int callchain;
	int depth;            /* callchain depth for benchmarks (0: 1 + i % 4) */
	const char *binary;   /* mapped ELF (default /bin/true's path is not resolved) */
	uint64_t map_start, map_len, map_pgoff;
};

int sample_file_write(int fd, const struct sample_file_spec *spec);

#endif
