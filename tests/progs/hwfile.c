/*
 * Writes a perf.data file as a machine with a PMU would record it: six hardware
 * events (cycles, instructions, cache-references, cache-misses, branches,
 * branch-misses) sampling one process, whose samples fall in two functions of a
 * real binary at known counts. This machine has no PMU, so this is how the counter
 * report's columns and ratios are checked against numbers known in advance.
 *
 * Usage: hwfile OUT BINARY ADDR_A ADDR_B
 *   ADDR_A, ADDR_B: file virtual addresses (hex) of two functions of BINARY, which
 *   is mapped whole at 0x555555554000 (offset 0), as a PIE is.
 * Prints, per function and event, the event count written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/data_writer.h"

#define NEV 6
#define BASE 0x555555554000ULL

static const char *const names[NEV] = { "cycles", "instructions", "cache-references",
					"cache-misses", "branches", "branch-misses" };
/* samples and period per function (A, B) and event */
static const struct {
	unsigned samples;
	unsigned long long period;
} plan[2][NEV] = {
	{ { 400, 1000000 }, { 300, 2000000 }, { 50, 10000 }, { 20, 10000 }, { 100, 100000 }, { 10, 10000 } },
	{ { 100, 1000000 }, { 100, 3000000 }, { 10, 10000 }, { 1, 10000 }, { 40, 100000 }, { 8, 10000 } },
};

static size_t put(unsigned char *p, size_t off, const void *v, size_t n)
{
	memcpy(p + off, v, n);
	return off + n;
}

/* sample_id trailer of IP|TID|TIME|PERIOD|IDENTIFIER: tid, time, identifier */
static size_t trailer(unsigned char *p, size_t off, uint64_t time, uint64_t id)
{
	uint32_t pt[2] = { 4242, 4242 };

	off = put(p, off, pt, 8);
	off = put(p, off, &time, 8);
	return put(p, off, &id, 8);
}

int main(int argc, char **argv)
{
	struct ppm_writer_attr wa[NEV];
	uint64_t ids[NEV], addr[2], t = 1000;
	struct ppm_data_writer *w;
	unsigned char rec[4096];
	int fd, err = 0;
	off_t len;

	if (argc != 5) {
		fprintf(stderr, "usage: hwfile OUT BINARY ADDR_A ADDR_B\n");
		return 2;
	}
	addr[0] = strtoull(argv[3], NULL, 16);
	addr[1] = strtoull(argv[4], NULL, 16);
	fd = open(argv[2], O_RDONLY);
	len = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
	if (fd >= 0)
		close(fd);
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (len <= 0 || fd < 0) {
		perror("hwfile");
		return 1;
	}
	memset(wa, 0, sizeof(wa));
	for (int e = 0; e < NEV; e++) {
		struct perf_event_attr *a = &wa[e].attr;

		static const uint64_t config[NEV] = {
			PERF_COUNT_HW_CPU_CYCLES,	  PERF_COUNT_HW_INSTRUCTIONS,
			PERF_COUNT_HW_CACHE_REFERENCES,	  PERF_COUNT_HW_CACHE_MISSES,
			PERF_COUNT_HW_BRANCH_INSTRUCTIONS, PERF_COUNT_HW_BRANCH_MISSES,
		};
		a->type = PERF_TYPE_HARDWARE;
		a->config = config[e];
		a->size = sizeof(*a);
		a->sample_period = 1000;
		a->sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |
				 PERF_SAMPLE_TIME | PERF_SAMPLE_PERIOD;
		a->sample_id_all = 1;
		a->exclude_kernel = 1;
		a->exclude_hv = 1;
		ids[e] = 100 + (uint64_t)e;
		wa[e].name = names[e];
		wa[e].ids = &ids[e];
		wa[e].nr_ids = 1;
	}
	w = ppm_data_writer__new(fd, wa, NEV);
	if (!w) {
		perror("hwfile");
		return 1;
	}
	{
		struct perf_event_header h = { PERF_RECORD_COMM, PERF_RECORD_MISC_COMM_EXEC, 0 };
		uint32_t pt[2] = { 4242, 4242 };
		char comm[16] = "hwprog";
		size_t off = put(rec, sizeof(h), pt, 8);

		off = put(rec, off, comm, 16);
		off = trailer(rec, off, t++, ids[0]);
		h.size = (uint16_t)off;
		memcpy(rec, &h, sizeof(h));
		err = ppm_data_writer__write(w, rec, off);
	}
	if (!err) {
		struct perf_event_header h = { PERF_RECORD_MMAP2, PERF_RECORD_MISC_USER, 0 };
		uint32_t pt[2] = { 4242, 4242 }, prot[2] = { 5, 2 };
		uint64_t range[3] = { BASE, ((uint64_t)len + 4095) & ~4095ULL, 0 }, dev[3] = { 0 };
		size_t off = put(rec, sizeof(h), pt, 8), nlen = strlen(argv[2]) + 1;

		off = put(rec, off, range, 24);
		off = put(rec, off, dev, 24);
		off = put(rec, off, prot, 8);
		memset(rec + off, 0, (nlen + 7) & ~7u);
		memcpy(rec + off, argv[2], nlen);
		off += (nlen + 7) & ~7u;
		off = trailer(rec, off, t++, ids[0]);
		h.size = (uint16_t)off;
		memcpy(rec, &h, sizeof(h));
		err = ppm_data_writer__write(w, rec, off);
	}
	/* Interleave: one sample of each (function, event) still to go, round after round. */
	for (unsigned round = 0; !err; round++) {
		int any = 0;

		for (int f = 0; f < 2 && !err; f++) {
			for (int e = 0; e < NEV && !err; e++) {
				struct perf_event_header h = { PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER, 0 };
				uint64_t ip = BASE + addr[f] + (round % 4), period = plan[f][e].period;
				uint32_t pt[2] = { 4242, 4242 };
				size_t off = sizeof(h);

				if (round >= plan[f][e].samples)
					continue;
				any = 1;
				off = put(rec, off, &ids[e], 8);
				off = put(rec, off, &ip, 8);
				off = put(rec, off, pt, 8);
				off = put(rec, off, &t, 8);
				off = put(rec, off, &period, 8);
				t += 10;
				h.size = (uint16_t)off;
				memcpy(rec, &h, sizeof(h));
				err = ppm_data_writer__write(w, rec, off);
			}
		}
		if (!any)
			break;
	}
	if (!err)
		err = ppm_data_writer__finish(w);
	ppm_data_writer__free(w);
	close(fd);
	if (err) {
		fprintf(stderr, "hwfile: %s\n", strerror(-err));
		return 1;
	}
	for (int f = 0; f < 2; f++)
		for (int e = 0; e < NEV; e++)
			printf("%c %s %llu\n", 'A' + f, names[e], plan[f][e].samples * plan[f][e].period);
	return 0;
}
