/*
 * Writes a perf.data file with many distinct call stacks, deterministically: the one
 * data generator the picture tests (a flame graph of 100,000 distinct stacks) and the
 * format benchmarks (1,000,000 samples) share. One process runs BINARY, mapped whole
 * at 0x555555554000 as a PIE is; every sample's user call chain is made of addresses
 * inside functions of BINARY, taken from ADDRS (file virtual addresses, hex, one per
 * line, e.g. from nm). Sample j has stack j % NSTACKS; stacks are 6 to 29 frames and
 * share their first (outer) frames the way real programs do, so they merge into a tree.
 *
 * Usage: stackfile OUT BINARY ADDRS NSAMPLES NSTACKS
 * Prints the number of samples and of distinct stacks written.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/data_writer.h"

#define BASE 0x555555554000ULL
#define PID 4343
#define MAX_DEPTH 29

static size_t put(unsigned char *p, size_t off, const void *v, size_t n)
{
	memcpy(p + off, v, n);
	return off + n;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

/* Stack s, outermost first: its frame k depends on the stack's first k+1 "choices",
 * and each choice has few values near the root and many near the leaves. */
static int make_stack(uint64_t s, const uint64_t *addrs, size_t n, uint64_t *out)
{
	int depth = 6 + (int)(mix(s * 7 + 1) % (MAX_DEPTH - 5));
	uint64_t path = 0;

	for (int k = 0; k < depth; k++) {
		uint64_t fan = k < 3 ? 2 + k : 8, pick = (s / (k < 8 ? 1 + k : 8)) % fan;

		path = mix(path * 31 + pick + (uint64_t)k);
		/* a caller's address is a return address: inside its function, never at its start */
		out[k] = BASE + addrs[path % n] + 1 + (path >> 40) % 4;
	}
	/* the leaf and its caller are what make (nearly) every stack distinct */
	out[depth - 2] = BASE + addrs[mix(s + 0x9e37) % n] + 1;
	out[depth - 1] = BASE + addrs[mix(s) % n] + s % 4;
	return depth;
}

static int write_sideband(struct ppm_data_writer *w, const char *binary, off_t len, uint64_t *t)
{
	unsigned char rec[4096];
	struct perf_event_header h = { PERF_RECORD_COMM, PERF_RECORD_MISC_COMM_EXEC, 0 };
	uint32_t pt[2] = { PID, PID }, prot[2] = { 5, 2 };
	char comm[16] = "stackprog";
	uint64_t range[3] = { BASE, ((uint64_t)len + 4095) & ~4095ULL, 0 }, dev[3] = { 0 };
	size_t off = put(rec, sizeof(h), pt, 8), nlen = strlen(binary) + 1;
	int err;

	off = put(rec, off, comm, 16);
	off = put(rec, off, pt, 8);       /* sample_id: tid, time */
	off = put(rec, off, t, 8);
	(*t)++;
	h.size = (uint16_t)off;
	memcpy(rec, &h, sizeof(h));
	err = ppm_data_writer__write(w, rec, off);
	if (err)
		return err;
	h.type = PERF_RECORD_MMAP2;
	h.misc = PERF_RECORD_MISC_USER;
	off = put(rec, sizeof(h), pt, 8);
	off = put(rec, off, range, 24);
	off = put(rec, off, dev, 24);
	off = put(rec, off, prot, 8);
	memset(rec + off, 0, (nlen + 7) & ~7u);
	memcpy(rec + off, binary, nlen);
	off += (nlen + 7) & ~7u;
	off = put(rec, off, pt, 8);
	off = put(rec, off, t, 8);
	(*t)++;
	h.size = (uint16_t)off;
	memcpy(rec, &h, sizeof(h));
	return ppm_data_writer__write(w, rec, off);
}

int main(int argc, char **argv)
{
	struct ppm_writer_attr wa;
	uint64_t id = 7, t = 1000000, *addrs = NULL, nsamples, nstacks;
	size_t naddrs = 0, cap = 0;
	struct ppm_data_writer *w;
	char line[256];
	FILE *af;
	off_t len;
	int fd, err = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: stackfile OUT BINARY ADDRS NSAMPLES NSTACKS\n");
		return 2;
	}
	nsamples = strtoull(argv[4], NULL, 10);
	nstacks = strtoull(argv[5], NULL, 10);
	af = fopen(argv[3], "r");
	while (af && fgets(line, sizeof(line), af)) {
		if (naddrs == cap) {
			cap = cap ? cap * 2 : 1024;
			addrs = realloc(addrs, cap * sizeof(*addrs));
			if (!addrs)
				return 1;
		}
		addrs[naddrs] = strtoull(line, NULL, 16);
		naddrs += addrs[naddrs] != 0;
	}
	if (af)
		fclose(af);
	fd = open(argv[2], O_RDONLY);
	len = fd >= 0 ? lseek(fd, 0, SEEK_END) : -1;
	if (fd >= 0)
		close(fd);
	if (!naddrs || !nstacks || len <= 0) {
		fprintf(stderr, "stackfile: need addresses, a stack count and a readable binary\n");
		return 1;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		perror("stackfile");
		return 1;
	}
	memset(&wa, 0, sizeof(wa));
	wa.attr.type = PERF_TYPE_SOFTWARE;
	wa.attr.config = PERF_COUNT_SW_CPU_CLOCK;
	wa.attr.size = sizeof(wa.attr);
	wa.attr.sample_period = 250000;
	wa.attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			      PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_PERIOD;
	wa.attr.sample_id_all = 1;
	wa.attr.exclude_kernel = 1;
	wa.name = "cpu-clock";
	wa.ids = &id;
	wa.nr_ids = 1;
	w = ppm_data_writer__new(fd, &wa, 1);
	if (!w) {
		perror("stackfile");
		return 1;
	}
	err = write_sideband(w, argv[2], len, &t);
	for (uint64_t j = 0; j < nsamples && !err; j++) {
		unsigned char rec[sizeof(struct perf_event_header) + 8 * (MAX_DEPTH + 8)];
		struct perf_event_header h = { PERF_RECORD_SAMPLE, PERF_RECORD_MISC_USER, 0 };
		uint64_t stack[MAX_DEPTH], nr, ctx = PERF_CONTEXT_USER, period = wa.attr.sample_period;
		uint32_t pt[2] = { PID, PID };
		int depth = make_stack(j % nstacks, addrs, naddrs, stack);
		size_t off = sizeof(h);

		off = put(rec, off, &stack[depth - 1], 8);  /* ip: the leaf */
		off = put(rec, off, pt, 8);
		off = put(rec, off, &t, 8);
		off = put(rec, off, &period, 8);
		nr = (uint64_t)depth + 1;
		off = put(rec, off, &nr, 8);
		off = put(rec, off, &ctx, 8);
		for (int k = depth; k-- > 0;)               /* callchains are leaf first */
			off = put(rec, off, &stack[k], 8);
		t += period;
		h.size = (uint16_t)off;
		memcpy(rec, &h, sizeof(h));
		err = ppm_data_writer__write(w, rec, off);
	}
	if (!err)
		err = ppm_data_writer__finish(w);
	ppm_data_writer__free(w);
	close(fd);
	free(addrs);
	if (err) {
		fprintf(stderr, "stackfile: %s\n", strerror(-err));
		return 1;
	}
	printf("%llu samples, %llu distinct stacks\n", (unsigned long long)nsamples,
	       (unsigned long long)(nstacks < nsamples ? nstacks : nsamples));
	return 0;
}
