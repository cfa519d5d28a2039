/*
 * A live view's counts (pyperfmap top): resolved samples as they arrive, one hist per
 * event (rows by symbol, their stacks for callers and callees), and per process and
 * per thread totals. Counts decay as perf top's do: at every refresh each one is
 * multiplied by 7/8, so a row shows about the last eight refreshes' work, weighted
 * toward the latest; ppm_live__zero drops them all (perf top -z, the z key).
 *
 * Usage:
 *	ppm_live__init(&l, nr_events, &resolver.frames);
 *	resolver sink: ppm_live__add (a ppm_sample_sink)
 *	every refresh: ppm_live__rows(&l, &q, &rows, &n) ... ppm_live__decay(&l);
 */
#ifndef PPM_REPORT_LIVE_H
#define PPM_REPORT_LIVE_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hist.h"

#define PPM_LIVE_MAX_EVENTS 8

enum ppm_live_view { PPM_LIVE_SYMBOLS, PPM_LIVE_PROCESSES, PPM_LIVE_THREADS };

/* Per process or thread: what its samples weigh. */
struct ppm_live_task {
	pid_t id;               /* pid or tid */
	pid_t pid;
	const char *comm;
	uint64_t period[PPM_LIVE_MAX_EVENTS];
	uint64_t samples[PPM_LIVE_MAX_EVENTS];
};

struct ppm_live_tasks {
	struct ppm_live_task *v;
	size_t nr, cap;
	uint32_t *slots;
	size_t nslots;
};

struct ppm_live {
	int nev;
	struct ppm_hists hs;        /* by symbol, with stacks */
	struct ppm_live_tasks procs, threads;
	uint64_t interval_samples;  /* since the last ppm_live__interval */
};

/* A row of the view: a symbol (frame) or a task, with per-event counts. */
struct ppm_live_row {
	uint32_t frame;             /* PPM_LIVE_SYMBOLS */
	const struct ppm_live_task *task;  /* the other views */
	uint64_t self[PPM_LIVE_MAX_EVENTS], total[PPM_LIVE_MAX_EVENTS];
	uint64_t samples;           /* of the sorting event */
};

/* What to show: the view, the sort (an event's self or total), a name filter. */
struct ppm_live_query {
	enum ppm_live_view view;
	int sort_event;
	int sort_total;             /* total (with callees) instead of self */
	const regex_t *filter;      /* on the symbol or command name; NULL: all */
};

int ppm_live__init(struct ppm_live *l, int nr_events, struct ppm_frames *frames);
void ppm_live__release(struct ppm_live *l);
/* A ppm_sample_sink. */
int ppm_live__add(void *live, const struct ppm_resolved_sample *rs);
/* The rows, sorted, those with nothing left dropped (free *rows). 0 or -ENOMEM. */
int ppm_live__rows(const struct ppm_live *l, const struct ppm_live_query *q,
		   struct ppm_live_row **rows, size_t *nr);
/* Every count times 7/8 (perf top's decay), done once a refresh. */
void ppm_live__decay(struct ppm_live *l);
void ppm_live__zero(struct ppm_live *l);
/* The samples since the last call (the header's "in the last interval"). */
uint64_t ppm_live__interval(struct ppm_live *l);

/* A caller or callee of a row's function, with the weight of the stacks they share. */
struct ppm_live_link {
	uint32_t frame;
	uint64_t period;
};
/*
 * The callers and the callees of frame in event's stacks, heaviest first (free both),
 * and *total, the weight of the stacks frame is on. 0 or -ENOMEM.
 */
int ppm_live__links(const struct ppm_live *l, int event, uint32_t frame, uint64_t *total,
		    struct ppm_live_link **callers, size_t *nr_callers,
		    struct ppm_live_link **callees, size_t *nr_callees);

#endif
