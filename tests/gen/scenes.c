/*
 * The files the tests and benchmarks read, built with perfgen's builder (perfgen.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/perf_event.h>

#include "perfgen.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static int finish(struct perfgen *g, int err)
{
	if (!err)
		err = perfgen__finish(g);
	perfgen__free(g);
	return err;
}

int perfgen_simple(int fd, const struct perfgen_simple_spec *spec)
{
	static const struct perfgen_event evs[2] = {
		{ "cpu-clock", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, 250000, false },
		{ "task-clock:u", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK, 250000, true },
	};
	const char *bin = spec->binary ? spec->binary : "/usr/bin/true-fixture";
	uint64_t start = spec->map_start ? spec->map_start : 0x400000;
	uint64_t len = spec->map_len ? spec->map_len : 0x10000;
	int multi = spec->nr_events > 1, err;
	struct perfgen *g = perfgen__new(fd, evs, spec->nr_events,
					 PERFGEN_CPU | (spec->callchain ? PERFGEN_CALLCHAIN : 0), 2);

	if (!g)
		return -errno;
	perfgen__set_clock(g, 100, 100);
	err = perfgen__comm(g, 1000, 1000, "fixture", true);
	if (!err)
		err = perfgen__mmap(g, 1000, start, len, spec->map_pgoff, bin);
	perfgen__set_clock(g, 1000000, 10);
	for (uint64_t i = 0; i < spec->nr_samples && !err; i++) {
		uint64_t chain[64];
		int depth = spec->depth ? spec->depth : 1 + (int)(i % 4);
		struct perfgen_sample s = {
			.ev = multi ? (int)(i % 2) : 0, .pid = 1000, .tid = 1000 + (uint32_t)(i % 3),
			.cpu = (uint32_t)(i % 2), .period = 250000, .user = chain,
			.nr_user = spec->callchain ? (size_t)depth : 1,
		};

		if (depth > 64)
			return finish(g, -EINVAL);
		chain[0] = start + 0x100 + (i * 64) % (len - 0x200);
		/* Callers: alternate the binary and the Python stub. */
		for (int k = 1; k < depth; k++)
			chain[k] = k % 2 ? 0x7f0000001010 : start + 0x180 + 16 * (uint64_t)k;
		err = perfgen__sample(g, &s);
	}
	if (!err)
		err = perfgen__perfmap(g, 1000, "7f0000001000 100 py::hot_function:/tmp/x.py\n");
	return finish(g, err);
}

int perfgen_cut(int fd)
{
	static const struct perfgen_event ev = { "cpu-clock", PERF_TYPE_SOFTWARE,
						 PERF_COUNT_SW_CPU_CLOCK, 250000, false };
	struct perfgen *g = perfgen__new(fd, &ev, 1, PERFGEN_CALLCHAIN, 1);
	uint64_t chain[3] = { 0x400123, 0x7f0000001010, 0x400456 };
	int err;

	if (!g)
		return -errno;
	err = perfgen__comm(g, 1000, 1000, "fixture", true);
	err = err ? err : perfgen__mmap(g, 1000, 0x400000, 0x10000, 0, "/usr/bin/true-fixture");
	err = err ? err : perfgen__perfmap(g, 1000, "7f0000001000 100 py::hot_function:/tmp/x.py\n");
	for (int round = 0; round < 2 && !err; round++) {
		for (int i = 0; i < 20 && !err; i++) {
			struct perfgen_sample s = { .pid = 1000, .tid = 1000, .period = 250000,
						    .user = chain, .nr_user = 3 };

			err = perfgen__sample(g, &s);
		}
		/* the first round checkpointed; the second on disk, never finished */
		if (!err)
			err = round == 0 ? perfgen__checkpoint(g) : perfgen__flush(g);
	}
	perfgen__free(g);
	return err;
}

/* dwarf: see perfgen.h. The stub's frame: saved rbp at sp, the return address above. */
static const struct perfgen_func dwarf_funcs[] = { { "leaf", 64 }, { "caller", 64 } };

int perfgen_dwarf(int fd, const char *binary)
{
	static const struct perfgen_event ev = { "cpu-clock", PERF_TYPE_SOFTWARE,
						 PERF_COUNT_SW_CPU_CLOCK, 250000, false };
	struct perfgen *g;
	uint64_t leaf = 0x400000 + perfgen_elf_addr(dwarf_funcs, 0) + 8;
	uint64_t caller_ra = 0x400000 + perfgen_elf_addr(dwarf_funcs, 1) + 16;
	uint64_t kernel[2] = { 0xffffffff81000100ULL, 0xffffffff81000200ULL };
	uint64_t sp = 0x7ffc00001000ULL, stack[4] = { 0x7ffc00001100ULL, caller_ra, 0, 0 };
	int err;

	if (perfgen_elf(binary, dwarf_funcs, 2))
		return -errno;
	g = perfgen__new(fd, &ev, 1, PERFGEN_CALLCHAIN | PERFGEN_DWARF, 1);
	if (!g)
		return -errno;
	err = perfgen__comm(g, 2000, 2000, "python3", true);
	err = err ? err : perfgen__mmap(g, 2000, 0x400000, 0x10000, 0, binary);
	err = err ? err : perfgen__mmap(g, 2000, 0x7f0000000000ULL, 0x100000, 0, "//anon");
	err = err ? err : perfgen__perfmap(g, 2000, "7f0000001000 8 py::stubbed:/tmp/x.py\n");
	for (int i = 0; i < 30 && !err; i++) {
		struct perfgen_sample s = { .pid = 2000, .tid = 2000, .period = 250000,
					    .stack = stack, .stack_len = sizeof(stack) };

		if (i % 3 == 0) {          /* in the ELF, which has no CFI: its callers unknown */
			s.regs[0] = 0, s.regs[1] = sp, s.regs[2] = leaf;
		} else {                   /* at the stub's call (offset 4): the caller above */
			s.regs[0] = sp, s.regs[1] = sp, s.regs[2] = 0x7f0000001004ULL;
			if (i % 3 == 2) {  /* in a system call: the kernel's frames first */
				s.kernel = kernel;
				s.nr_kernel = 2;
			}
		}
		err = perfgen__sample(g, &s);
	}
	err = err ? err : perfgen__finish(g);
	perfgen__free(g);
	return err;
}

/* stacks: the file of the 100,000-stack flame graph and the format benchmarks. */
#define STACKS_BASE 0x555555554000ULL
#define STACKS_PID 4343
#define STACKS_MAX_DEPTH 29

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
	int depth = 6 + (int)(mix(s * 7 + 1) % (STACKS_MAX_DEPTH - 5));
	uint64_t path = 0;

	for (int k = 0; k < depth; k++) {
		uint64_t fan = k < 3 ? 2 + k : 8, pick = (s / (k < 8 ? 1 + k : 8)) % fan;

		path = mix(path * 31 + pick + (uint64_t)k);
		/* a caller's address is a return address: inside its function, never at its start */
		out[k] = STACKS_BASE + addrs[path % n] + 1 + (path >> 40) % 4;
	}
	/* the leaf and its caller are what make (nearly) every stack distinct */
	out[depth - 2] = STACKS_BASE + addrs[mix(s + 0x9e37) % n] + 1;
	out[depth - 1] = STACKS_BASE + addrs[mix(s) % n] + s % 4;
	return depth;
}

/* The six hardware events of a machine with a PMU, as hw6 and six-event stacks record them. */
static const struct perfgen_event hw_events[6] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, 1000, true },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS, 1000, true },
	{ "cache-references", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_REFERENCES, 1000, true },
	{ "cache-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CACHE_MISSES, 1000, true },
	{ "branches", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_INSTRUCTIONS, 1000, true },
	{ "branch-misses", PERF_TYPE_HARDWARE, PERF_COUNT_HW_BRANCH_MISSES, 1000, true },
};

int perfgen_stacks(int fd, const char *binary, const uint64_t *addrs, size_t naddrs,
		   uint64_t nsamples, uint64_t nstacks, int nevents)
{
	static const struct perfgen_event clock = { "cpu-clock", PERF_TYPE_SOFTWARE,
						    PERF_COUNT_SW_CPU_CLOCK, 250000, true };
	const struct perfgen_event *evs = nevents == 6 ? hw_events : &clock;
	struct perfgen *g;
	struct stat st;
	int err;

	if (!naddrs || !nstacks || (nevents != 1 && nevents != 6) || stat(binary, &st) ||
	    st.st_size <= 0)
		return -EINVAL;
	g = perfgen__new(fd, evs, nevents, PERFGEN_CALLCHAIN, 1);
	if (!g)
		return -errno;
	perfgen__set_clock(g, 1000000, 1);
	err = perfgen__comm(g, STACKS_PID, STACKS_PID, "stackprog", true);
	if (!err)
		err = perfgen__mmap(g, STACKS_PID, STACKS_BASE, ((uint64_t)st.st_size + 4095) & ~4095ULL, 0,
				    binary);
	perfgen__set_clock(g, 1000002, 250000);
	for (uint64_t j = 0; j < nsamples && !err; j++) {
		uint64_t stack[STACKS_MAX_DEPTH], leaf_first[STACKS_MAX_DEPTH];
		int depth = make_stack(j % nstacks, addrs, naddrs, stack);
		struct perfgen_sample s = { .ev = (int)(j % (uint64_t)nevents), .pid = STACKS_PID,
					    .tid = STACKS_PID, .period = evs[j % (uint64_t)nevents].period,
					    .user = leaf_first, .nr_user = (size_t)depth };

		for (int k = 0; k < depth; k++)  /* callchains are leaf first */
			leaf_first[k] = stack[depth - 1 - k];
		err = perfgen__sample(g, &s);
		/* rounds as perf record writes them: about one per 16,000 samples */
		if (!err && j % 16384 == 16383)
			err = perfgen__round(g);
	}
	return finish(g, err);
}

/* mkdir -p for the directories of path under dir; returns the full path in buf. */
static int place(char *buf, size_t len, const char *dir, const char *path)
{
	char *p;

	if ((size_t)snprintf(buf, len, "%s/%s", dir, path) >= len)
		return -ENAMETOOLONG;
	for (p = buf + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return 0;
}

static int open_out(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
}

/* hw6: six hardware events at known counts in two functions of a generated binary. */
#define HW_BASE 0x555555554000ULL
#define HW_PID 4242
#define HW_NEV 6

int perfgen_hw6(const char *dir, void *counts)
{
	const struct perfgen_event *evs = hw_events;
	/* samples and period per function (A = hot_loop, B = warm_loop) and event */
	static const struct {
		unsigned samples;
		uint64_t period;
	} plan[2][HW_NEV] = {
		{ { 400, 1000000 }, { 300, 2000000 }, { 50, 10000 }, { 20, 10000 }, { 100, 100000 }, { 10, 10000 } },
		{ { 100, 1000000 }, { 100, 3000000 }, { 10, 10000 }, { 1, 10000 }, { 40, 100000 }, { 8, 10000 } },
	};
	static const struct perfgen_func funcs[] = {
		{ "main", 64 }, { "hot_loop", 128 }, { "warm_loop", 96 },
	};
	const char *bin = "/opt/ppm-golden/bin/hwprog";
	char path[4096];
	struct perfgen *g;
	int fd, err;

	if ((err = place(path, sizeof(path), dir, "root/opt/ppm-golden/bin/hwprog")) ||
	    (err = perfgen_elf(path, funcs, NELEM(funcs))))
		return err;
	fd = open_out(dir, "hw6.data");
	if (fd < 0)
		return -errno;
	g = perfgen__new(fd, evs, HW_NEV, 0, 1);
	if (!g) {
		close(fd);
		return -errno;
	}
	perfgen__set_clock(g, 1000, 1);
	err = perfgen__comm(g, HW_PID, HW_PID, "hwprog", true);
	if (!err)
		err = perfgen__mmap(g, HW_PID, HW_BASE, 0x2000, 0, bin);
	perfgen__set_clock(g, 1002, 10);
	/* Interleave: one sample of each (function, event) still to go, round after round. */
	for (unsigned round = 0, any = 1; any && !err; round++) {
		any = 0;
		for (int f = 0; f < 2 && !err; f++) {
			for (int e = 0; e < HW_NEV && !err; e++) {
				uint64_t ip = HW_BASE + perfgen_elf_addr(funcs, 1 + (size_t)f) + 8 + round % 4;
				struct perfgen_sample s = { .ev = e, .pid = HW_PID, .tid = HW_PID,
							    .period = plan[f][e].period, .user = &ip,
							    .nr_user = 1 };

				if (round >= plan[f][e].samples)
					continue;
				any = 1;
				err = perfgen__sample(g, &s);
			}
		}
	}
	err = finish(g, err);
	if (close(fd) && !err)
		err = -errno;
	for (int f = 0; f < 2 && !err && counts; f++)
		for (int e = 0; e < HW_NEV; e++)
			fprintf(counts, "%c %s %llu\n", 'A' + f, evs[e].name,
				(unsigned long long)(plan[f][e].samples * plan[f][e].period));
	return err;
}
