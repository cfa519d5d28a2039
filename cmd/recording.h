/*
 * A recording as record and top run it: the same options, events, trampoline,
 * attach and process trees, call graphs; record drains it into a file, top into a
 * live view (and a file with -o). cmd/record_args.c parses its options, cmd/record.c
 * runs it.
 *
 * Usage:
 *	ppm_recording__parse(&r, argc, argv, mode)   // 0, 1 (help printed), -1 (said)
 *	ppm_recording__prepare(&r)                   // 0, or the exit status
 *	r.opts.observe = ...;                        // a live view sees every record
 *	ppm_recording__start(&r)                     // 0, or the exit status
 *	while (!ppm_recording__step(&r, 200)) ...    // drains; 1 when it is over
 *	ppm_recording__finish(&r)                    // the exit status
 *	ppm_recording__release(&r)
 */
#ifndef PPM_CMD_RECORDING_H
#define PPM_CMD_RECORDING_H

#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "outfile.h"
#include "workload.h"
#include "../lib/record.h"
#include "../session/attach.h"

#define MAX_PIDS 64

enum ppm_recording_mode { PPM_RECORD, PPM_TOP };

struct record_args {
	enum ppm_recording_mode mode;
	const char *events;
	const char *output;       /* top: NULL unless -o */
	uint64_t freq, period;
	uint64_t pages;
	pid_t pids[MAX_PIDS];     /* -p PID[,PID...] */
	int nr_pids;
	int system_wide;          /* -a (top's default without -p or a command) */
	int no_inherit;
	int callchain, quiet, verbose, pages_set, no_sample_cpu, no_trampoline, graph_set;
	int jitdump;
	unsigned int dwarf;
	int off_cpu;              /* --off-cpu */
	double off_cpu_thresh;    /* --off-cpu-thresh, ms */
	double delay;             /* top: seconds between refreshes (-d) */
	int stdio;                /* top: plain snapshots instead of the full-screen view */
	char **argv;              /* the command: recorded, or with -p the time to record */
};

/* One recording's state, shared by its steps. */
struct recording {
	struct record_args a;
	struct ppm_event *evs;
	int nr_ev;
	struct ppm_record_opts opts;
	struct ppm_record *rec;
	struct ppm_dwarf *dw;
	struct workload wl;      /* the command (recorded, or timing an attach) */
	int has_command;
	struct outfile out;
	struct rusage ru;
	int status;
	struct ppm_attach at;    /* -p: the Python processes and what was done to name them */
	int write_failed;        /* -errno of the write that stopped the recording */
	uint64_t *raw_ids;       /* DWARF: the ids of tracepoint events (their samples carry RAW) */
	int exited;              /* the command, or every process watched, is gone */
};

/* top's --help (cmd/top.c), which its options share with record's. */
extern const char ppm_top_usage[];

int ppm_recording__parse(struct recording *r, int argc, char **argv, enum ppm_recording_mode mode);
int ppm_recording__prepare(struct recording *r);
int ppm_recording__start(struct recording *r);
/*
 * Waits up to ms for data and drains it (to the file, and to opts.observe); notes the
 * command's or the watched processes' end and pyperfmap's signals. 1 when the
 * recording is over (r->exited says whether its target ended it), else 0.
 */
int ppm_recording__step(struct recording *r, int ms);
int ppm_recording__finish(struct recording *r);
void ppm_recording__release(struct recording *r);

#endif
