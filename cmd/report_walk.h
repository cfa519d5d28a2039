/*
 * The report's reading of a perf.data file, for the commands built on it (annotate):
 * every sample with its frames resolved (leaf first, interpreter glue folded).
 */
#ifndef PPM_REPORT_WALK_H
#define PPM_REPORT_WALK_H

#include <stddef.h>
#include <stdint.h>

#include "hist.h"
#include "../lib/data_reader.h"

typedef int (*report_sample_fn)(void *arg, const struct ppm_data *d, struct ppm_machine *m,
				const struct ppm_sample *s, const uint32_t *chain, size_t n,
				const struct hist_frames *frames);

/*
 * Reads input, calls fn for each sample, then done (with the file still open, so its
 * event names can be used). Errors are printed. Returns done's result, or -1.
 */
int report_walk(const char *input, const char *kallsyms, report_sample_fn fn, void *arg,
		int (*done)(void *arg, const struct ppm_data *d));

/*
 * The index of an event of the file by the name a user gives: exactly, in any case,
 * or without the modifiers the file's name carries ("cycles" for "cycles:u").
 * -1 (the error printed, naming opt and the file's events) when there is none.
 */
int report_find_event(const struct ppm_data *d, const char *name, const char *opt);

#endif
