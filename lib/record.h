/*
 * A recording session: sampling events on every online CPU for one target
 * (a launched command or an existing process), drained into a perf.data file.
 *
 * Usage:
 *	rec = ppm_record__new(&opts);
 *	ppm_record__open(rec, &oerr);        // perf_event_open + mmap; before the target runs
 *	ppm_record__start(rec, out_fd);      // file header, synthesized records, enable (-p)
 *	while (running) ppm_record__poll(rec, 200);
 *	ppm_record__stop(rec);               // disable and drain the rings
 *	ppm_record__add_feature(rec, ...);   // optional extra sections (kernel symbols)
 *	ppm_record__finish(rec);             // embed perf maps, write the header
 *	ppm_record__free(rec);
 */
#ifndef PPM_RECORD_H
#define PPM_RECORD_H

#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "err.h"
#include "event.h"
#include "offcpu.h"
#include "synth.h"

struct ppm_record_opts {
	struct ppm_event *events;
	int nr_events;
	uint64_t freq;            /* samples per second; 0 means use period */
	uint64_t period;
	int callchain;            /* kernel frame-pointer callchains */
	int no_sample_cpu;        /* leave PERF_SAMPLE_CPU out (perf's default for a command) */
	int clock_monotonic;      /* sample times from CLOCK_MONOTONIC (perf record -k 1), the
				   * clock of jitdump files, so perf inject --jit can join them */
	unsigned int dwarf_stack; /* >0: sample user registers and this many stack bytes */
	/*
	 * Sees every record before it is written and may replace it (DWARF mode turns
	 * register/stack samples into callchain samples here). Returns the record to
	 * write: in itself, or one it built in out (out_cap bytes); NULL drops it.
	 */
	const struct perf_event_header *(*transform)(void *ctx, const struct perf_event_header *in,
						     void *out, size_t out_cap);
	void *transform_ctx;
	/*
	 * Sees every record as it is written (after the transform, synthesized ones too),
	 * in time order: a live view's aggregation (pyperfmap top). 0, or -errno to stop.
	 */
	int (*observe)(void *ctx, const struct perf_event_header *h);
	void *observe_ctx;
	unsigned int mmap_pages;  /* data pages per ring, a power of two */
	int off_cpu;              /* the off-CPU event's index + 1 (lib/offcpu.h); 0: none */
	uint64_t off_cpu_thresh_ns; /* waits this long or longer are written one by one */
	pid_t pid;                /* the command held before exec (attach == 0) */
	int attach;               /* 1: existing processes (pids), 0: the command */
	const pid_t *pids;        /* attach: the processes named (-p PID,PID...) */
	int nr_pids;
	int no_inherit;           /* attach: the named processes' threads only, no children */
	int system_wide;          /* every process, one event set per CPU (-a) */
	const char *const *cmdline; /* written to the file header */
	int cmdline_nr;
	/*
	 * For a recorded process that wrote no /tmp/perf-PID.map: its JIT code's names as
	 * perf-map text (malloc'd into *text), e.g. from its jitdump; embedded like a map.
	 * 0 with *text NULL when there are none. Optional.
	 */
	int (*perfmap_text)(void *ctx, pid_t pid, time_t since, char **text, size_t *len);
	void *perfmap_ctx;
};

/* x86-64 user registers sampled in DWARF mode: bp, sp, ip (perf_regs.h bits 6, 7, 8). */
#define PPM_DWARF_REGS ((1ULL << 6) | (1ULL << 7) | (1ULL << 8))

struct ppm_record_stats {
	uint64_t samples;
	uint64_t lost;
	uint64_t throttled;
	uint64_t corrupt;
	uint64_t bytes;
	int perfmaps;
	struct ppm_perfmap_skips perfmap_skips; /* maps not embedded: another user's, or cut */
};

struct ppm_record;

struct ppm_record *ppm_record__new(const struct ppm_record_opts *opts);

/* Opens every event on every CPU (or thread): 0, or -errno with err saying which and where. */
int ppm_record__open(struct ppm_record *rec, struct ppm_err *err);
/* out_fd < 0: no file (a live view without -o); the records still reach opts.observe. */
int ppm_record__start(struct ppm_record *rec, int out_fd);
/* The sample ids of event ev (after open). */
const uint64_t *ppm_record__event_ids(const struct ppm_record *rec, int ev, size_t *nr);
/* What the records written are, for parsing them (ppm_data__parse_sample); after start. */
const struct ppm_data *ppm_record__data(const struct ppm_record *rec);
/* Waits up to timeout_ms for data and drains every ring. Returns records written or -errno. */
int ppm_record__poll(struct ppm_record *rec, int timeout_ms);
int ppm_record__stop(struct ppm_record *rec);
/* After a write error: the events closed (nothing samples the command any more); the
 * file keeps what was written before. */
void ppm_record__abandon(struct ppm_record *rec);
/* Every distinct kernel address seen in samples and callchains, sorted. */
const uint64_t *ppm_record__kernel_ips(struct ppm_record *rec, size_t *nr);
int ppm_record__add_feature(struct ppm_record *rec, int feat, const void *buf, size_t size);
int ppm_record__finish(struct ppm_record *rec);
const struct ppm_record_stats *ppm_record__stats(const struct ppm_record *rec);
/* With an off-CPU event: how the waits were written; else NULL. */
const struct ppm_offcpu_stats *ppm_record__offcpu_stats(const struct ppm_record *rec);
void ppm_record__free(struct ppm_record *rec);

#endif
