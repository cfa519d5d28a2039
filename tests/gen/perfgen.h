/*
 * perfgen: the one deterministic perf.data generator of the tests, the fuzz driver and
 * the benchmarks. The same arguments always give the same bytes, on any machine: no
 * clock, no pid, no path of the machine goes into a file unless the caller passes it.
 *
 * A builder writes records the way a recorder would:
 *	g = perfgen__new(fd, events, nr_events, PERFGEN_CALLCHAIN, nr_cpus);
 *	perfgen__comm(g, pid, tid, "name", true);       // side band, in time order
 *	perfgen__mmap(g, pid, start, len, pgoff, "/path/to/elf");
 *	perfgen__sample(g, &(struct perfgen_sample){ ... });
 *	perfgen__perfmap(g, pid, "START SIZE py::f:file\n...");   // embedded copies
 *	perfgen__ksyms(g, "START SIZE name\n...");
 *	perfgen__finish(g);                              // 0 or -errno
 *	perfgen__free(g);
 * and the scenes below build the files the tests use out of it; perfgen_elf writes
 * the small ELF files their samples point into, so symbols resolve the same way
 * everywhere (read with report --symfs).
 */
#ifndef PPM_PERFGEN_H
#define PPM_PERFGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct perfgen;

struct perfgen_event {
	const char *name;
	uint32_t type;          /* PERF_TYPE_* */
	uint64_t config;
	uint64_t period;        /* sample_period; 0: frequency mode at 4000 Hz */
	bool exclude_kernel;
};

enum {
	PERFGEN_CALLCHAIN = 1 << 0, /* samples carry PERF_SAMPLE_CALLCHAIN */
	PERFGEN_CPU = 1 << 1,       /* and PERF_SAMPLE_CPU */
	PERFGEN_DWARF = 1 << 2,     /* and the user registers bp, sp, ip and a stack copy, as
				     * perf record --call-graph dwarf (PERFGEN_STACK bytes) */
};

#define PERFGEN_STACK 512

struct perfgen_sample {
	int ev;                     /* index into the events */
	uint32_t pid, tid, cpu;
	uint64_t period;
	const uint64_t *kernel;     /* kernel frames, leaf first (the ip when there are any) */
	size_t nr_kernel;
	const uint64_t *user;       /* user frames, leaf first */
	size_t nr_user;
	/* PERFGEN_DWARF: the registers (bp, sp, ip) and stack_len bytes of stack from sp */
	uint64_t regs[3];
	const void *stack;
	size_t stack_len;
};

struct perfgen *perfgen__new(int fd, const struct perfgen_event *events, int nr_events,
			     unsigned flags, int nr_cpus);
/* Records are stamped from a clock that starts at `time` and moves on by `step`. */
void perfgen__set_clock(struct perfgen *g, uint64_t time, uint64_t step);
int perfgen__comm(struct perfgen *g, uint32_t pid, uint32_t tid, const char *comm, bool exec);
int perfgen__mmap(struct perfgen *g, uint32_t pid, uint64_t start, uint64_t len, uint64_t pgoff,
		  const char *path);
int perfgen__fork(struct perfgen *g, uint32_t pid, uint32_t ppid, uint32_t tid, uint32_t ptid);
int perfgen__sample(struct perfgen *g, const struct perfgen_sample *s);
int perfgen__perfmap(struct perfgen *g, uint32_t pid, const char *text);
/* PERF_RECORD_LOST (n samples lost) and PERF_RECORD_THROTTLE, as a recorder writes them. */
int perfgen__lost(struct perfgen *g, uint64_t n);
int perfgen__throttle(struct perfgen *g);
/* FINISHED_ROUND: what perf record writes after each pass over its rings. */
int perfgen__round(struct perfgen *g);
/* A whole file on disk now (the writer's checkpoint); more records may follow. */
int perfgen__checkpoint(struct perfgen *g);
/* The records so far on disk, without a tail: what a recorder killed between two
 * checkpoints leaves. */
int perfgen__flush(struct perfgen *g);
int perfgen__ksyms(struct perfgen *g, const char *text);
int perfgen__finish(struct perfgen *g);
void perfgen__free(struct perfgen *g);

/* A function of a generated ELF: name (NULL: code without a symbol) and size; they are
 * laid out back to back from 0x1000 on. */
struct perfgen_func {
	const char *name;
	uint32_t size;
};
/* Writes a small x86-64 ELF shared object with these functions in .text and .symtab. */
int perfgen_elf(const char *path, const struct perfgen_func *funcs, size_t n);
/* The file virtual address of funcs[i] in such an ELF. */
uint64_t perfgen_elf_addr(const struct perfgen_func *funcs, size_t i);

/* The scenes. */

/* A process with one mapping, one perf map and simple samples (the unit tests, fuzz). */
struct perfgen_simple_spec {
	int nr_events;        /* 1 or 2 (cpu-clock, task-clock:u) */
	uint64_t nr_samples;
	int callchain;
	int depth;            /* callchain depth for benchmarks (0: 1 + i % 4) */
	const char *binary;   /* mapped ELF (default /usr/bin/true-fixture, not resolved) */
	uint64_t map_start, map_len, map_pgoff;
};
int perfgen_simple(int fd, const struct perfgen_simple_spec *spec);
/* The simple file as a recorder killed mid-recording leaves it: a checkpoint, then
 * more records written and never finished (the fuzz driver's second seed). */
int perfgen_cut(int fd);
/*
 * perf record --call-graph dwarf as it sees a Python process: samples with registers
 * and stack copies, taken in a function of BINARY (an ELF from perfgen_elf, mapped at
 * 0x400000, without CFI) or in a trampoline stub named by an embedded perf map (8
 * bytes: the frame-pointer shape) whose return address is in BINARY. The unit tests
 * and the fuzz driver's third seed.
 */
int perfgen_dwarf(int fd, const char *binary);

/*
 * Many distinct call stacks over the functions of BINARY at ADDRS (file virtual
 * addresses): sample j has stack j % nstacks, 6 to 29 frames sharing their outer
 * frames as real programs do (the 100,000-stack flame graph, the format benchmarks).
 * nevents 1: cpu-clock; 6: the six hardware events of hw6, sample j of event j % 6
 * (the counter report's benchmark).
 */
int perfgen_stacks(int fd, const char *binary, const uint64_t *addrs, size_t naddrs,
		   uint64_t nsamples, uint64_t nstacks, int nevents);

/*
 * Six hardware events (cycles, instructions, cache-references, cache-misses,
 * branches, branch-misses) sampling hot_loop and warm_loop of DIR/root's hwprog at
 * known counts, as a machine with a PMU would record them. Writes DIR/hw6.data and
 * DIR/root/...; prints "A|B EVENT COUNT" lines of what it wrote to `counts`.
 */
int perfgen_hw6(const char *dir, void *counts /* FILE * */);

/*
 * The golden recording: Python, native and kernel frames, a thread, a forked child
 * with inherited stubs, interpreter glue, unresolved and incomplete frames. Writes
 * DIR/golden.data and its binaries under DIR/root.
 */
int perfgen_golden(const char *dir);

#endif
