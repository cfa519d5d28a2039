/* The report's output formats: perf-style text with call graphs, and folded stacks. */
#ifndef PPM_REPORT_OUT_H
#define PPM_REPORT_OUT_H

#include <stdio.h>

#include <linux/perf_event.h>

#include "hist.h"
#include "../util/namelist.h"

/* The order of a row's call graph: callers out from the row, or root down to it. */
enum { PPM_GRAPH_CALLEE, PPM_GRAPH_CALLER };

struct report_view {
	const char *event;
	struct ppm_resolve_stats stats; /* lost, throttled, unresolved, incomplete */
	int children;       /* show the Children column */
	int graph;          /* print the call graph under each row */
	double graph_min;   /* hide call graph branches under this percentage */
	int order;          /* PPM_GRAPH_CALLEE or PPM_GRAPH_CALLER */
	double row_min;     /* hide rows under this percentage (children's when shown) */
	const struct ppm_name_list *dsos, *symbols; /* only rows of these, when not empty */
	int hierarchy;      /* rows nested by the sort keys, in keys' order */
	const int *keys;    /* SORT_* in the order given */
	int nr_keys;
	const char *const *notes; /* lines for the header (what the user should know) */
	size_t perfmap_bad; /* garbage perf map lines skipped */
	int kernel_hidden;
};

void ppm_report__print_text(FILE *out, const struct hist *h, const struct report_view *v);
/* One line per distinct stack, its samples (or with by_period its period: ns for --wall). */
void ppm_report__print_folded(FILE *out, const struct hist *h, int by_period);
/*
 * The name of a frame. A frame without a symbol is an address in an object, and is
 * named for what is shown: a row of the text or JSON report (and annotate's lists)
 * is that address, 0x and the offset in its object as perf report prints it, beside
 * the object's column; a box of a picture (folded stacks, flame graph, speedscope,
 * pprof) is a function, and an object's unnamed functions are one box, [object] as
 * FlameGraph's stackcollapse-perf.pl names it (ppm_export__frame_name).
 */
const char *ppm_report__frame_name(const struct ppm_frame *f, char *buf, size_t len);
/* The short name of a frame's object, or [unknown]. */
const char *ppm_report__dso_name(const struct ppm_frame *f);
/* Orders two rows of h by their sort keys as printed (ties of equal totals). */
int ppm_report__cmp_keys(const struct hist *h, const struct hist_entry *x, const struct hist_entry *y,
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
	struct ppm_resolve_stats stats;
	int json;            /* the rows as JSON instead of a table */
};

int ppm_report__print_counters(FILE *out, const struct counter_event *ev, int nr,
			  const struct counter_view *v);

#endif
