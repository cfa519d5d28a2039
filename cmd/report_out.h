/* The report's output formats: perf-style text with call graphs, and folded stacks. */
#ifndef PPM_REPORT_OUT_H
#define PPM_REPORT_OUT_H

#include <stdio.h>

#include <linux/perf_event.h>

#include "hist.h"

struct report_view {
	const char *event;
	uint64_t lost;
	int children;       /* show the Children column */
	int graph;          /* print the call graph under each row */
	double graph_min;   /* hide call graph branches under this percentage */
	size_t perfmap_bad; /* garbage perf map lines skipped */
	int kernel_hidden;
	uint64_t unresolved;
	uint64_t incomplete;  /* stacks that end in [unknown]: the unwinder could not finish */
	uint64_t throttled;   /* times the kernel throttled sampling (PERF_RECORD_THROTTLE) */
};

void report_print_text(FILE *out, const struct hist *h, const struct report_view *v);
void report_print_folded(FILE *out, const struct hist *h);
/* A frame's name as rows and stacks print it. */
const char *report_frame_name(const struct hist_frame *f, char *buf, size_t len);
/* The short name of a frame's object, or [unknown]. */
const char *report_dso_name(const struct hist_frame *f);
/* Orders two rows of h by their sort keys as printed (ties of equal totals). */
int report_cmp_keys(const struct hist *h, const struct hist_entry *x, const struct hist_entry *y,
		    uint32_t ix, uint32_t iy);

/*
 * The counter report of a file with several events: one row per symbol, a count
 * and a share per event, and the ratios both of whose events are present.
 */
struct counter_event {
	const struct hist *h;
	const char *name;
	const struct perf_event_attr *attr;
};

struct counter_view {
	int children;        /* inclusive counts (a function's callees add in) */
	int sort_event;      /* the column rows are ordered by */
	uint64_t lost;
	uint64_t unresolved;
	uint64_t incomplete;
	uint64_t throttled;
	int json;            /* the rows as JSON instead of a table */
};

int report_print_counters(FILE *out, const struct counter_event *ev, int nr,
			  const struct counter_view *v);

#endif
