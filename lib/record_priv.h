/*
 * What lib/record.c and lib/record_file.c share of a recording (private to them):
 * record.c opens the events and drains the rings, record_file.c writes what the file
 * holds besides the rings' records.
 */
#ifndef PPM_LIB_RECORD_PRIV_H
#define PPM_LIB_RECORD_PRIV_H

#include <stdint.h>
#include <time.h>

#include "data_reader.h"
#include "record.h"
#include "synth.h"

struct ppm_record {
	struct ppm_record_opts opts;
	struct ppm_cpumap *cpus;
	pid_t *tids;              /* threads opened per CPU: the command, every thread of the
				   * attached tree, or -1 (all of them, -a) */
	int nr_tids;
	int *fds;                 /* [cpu index][event][tid] */
	int nr_fds;
	struct ppm_ring *rings;   /* one per CPU */
	struct pollfd *pfds;
	struct perf_event_attr *attrs;
	uint64_t **ids;           /* per event */
	size_t *nr_ids;
	struct ppm_data_writer *w; /* NULL: no file */
	struct ppm_evsel_desc *desc; /* the attrs as written, and ... */
	struct ppm_data live;        /* ... their description, for observers */
	struct ppm_record_stats stats;
	struct ppm_pidset pids;   /* processes seen, whose perf maps are embedded */
	struct {                  /* kernel addresses seen, for the embedded kernel symbols */
		uint64_t *slots;
		size_t cap, nr;
	} kips;
	int callchain_pos;        /* u64 index of the callchain in our samples, -1 without */
	unsigned char xbuf[65536]; /* a transformed record */
	const struct perf_event_header **pending; /* per CPU: next record, merged drain */
	uint64_t *pending_time;                    /* and its time */
	int stopped;
	struct ppm_offcpu *offcpu; /* --off-cpu: switch-outs held until their thread runs */
	uint64_t last_time;        /* the latest record time written */
	int gone;                 /* attach: thread opens that found the thread gone */
	long long last_checkpoint_ms;
	struct timespec start;
};

/* A record to the observer and the file (either may be absent): 0 or -errno. */
int ppm_record__put(struct ppm_record *rec, const struct perf_event_header *h);
/*
 * What the kernel would have said of what ran before the recording: its own mapping,
 * and with --attach or -a the processes' (record_file.c). 0 or -errno.
 */
int ppm_record__synth(struct ppm_record *rec);
/* The header's features and the tracepoints' formats (once the file is whole). 0 or -errno. */
int ppm_record__write_head(struct ppm_record *rec);
/* The kernel addresses of a sample, kept for the embedded kernel symbols. */
void ppm_record__note_kernel_ips(struct ppm_record *rec, const struct perf_event_header *h);

#endif
