/*
 * The report's reading of a perf.data file, for the commands built on it (annotate):
 * every sample with its frames resolved (leaf first, interpreter glue folded).
 */
#ifndef PPM_REPORT_WALK_H
#define PPM_REPORT_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "hist.h"
#include "progress.h"
#include "../lib/data_reader.h"

typedef int (*report_sample_fn)(void *arg, const struct ppm_data *d, struct ppm_machine *m,
				const struct ppm_sample *s, const uint32_t *chain, size_t n,
				const struct hist_frames *frames);

struct fcache_slot;

/* One report's state while the file is read (the hists, totals, the frame cache). */
struct report_ctx {
	struct ppm_machine *m;
	struct hist_frames frames;
	struct hist *hists;
	struct fcache_slot *fcache;
	uint32_t *chain;
	uint64_t unresolved, lost, incomplete, throttled;
	int show_interpreter;
	uint8_t *kinds;          /* per frame id: 0 unknown yet, else FRAME_* + 1 */
	size_t nr_kinds;
	uint64_t generation;   /* bumped by every mmap/comm/fork so stale answers are dropped */
	report_sample_fn hook; /* report_walk: samples go here instead of the hists */
	const struct ppm_data *d;
	void *hook_arg;
	struct progress progress; /* reading, then the command's own steps; ended by unload */
	uint32_t *activated;   /* pids pyperfmap switched a trampoline on in (attach) */
	size_t nr_activated;
};

/* What a report reads: the file, and where its kernel symbols and binaries come from. */
struct report_source {
	const char *input;
	const char *kallsyms;  /* kernel symbols from this file (else embedded, else /proc) */
	const char *symfs;     /* binaries under this directory (perf's --symfs) */
};

/*
 * Opens the file, builds the address spaces and reads every record in time order:
 * into c->hists (initialized with sort), or into c->hook when set. Errors are
 * printed; returns 0 or -1. report_unload releases what it made, in either case.
 */
int report_load(struct report_ctx *c, struct ppm_data **dp, const struct report_source *src,
		int show_interpreter, int sort);
void report_unload(struct report_ctx *c, struct ppm_data *d);

/*
 * Reads input, calls fn for each sample, then done (with the file still open, so its
 * event names can be used). Errors are printed. Returns done's result, or -1.
 */
int report_walk(const struct report_source *src, report_sample_fn fn, void *arg,
		int (*done)(void *arg, const struct ppm_data *d));

/*
 * The index of an event of the file by the name a user gives: exactly, in any case,
 * or without the modifiers the file's name carries ("cycles" for "cycles:u").
 * -1 (the error printed, naming opt and the file's events) when there is none.
 */
int report_find_event(const struct ppm_data *d, const char *name, const char *opt);

#endif
