/*
 * Derived metrics over event counts, shared by stat and the counter report: which
 * generic event a column is, and the ratios perf prints (IPC, miss rates).
 */
#ifndef PPM_METRICS_H
#define PPM_METRICS_H

#include <stdbool.h>
#include <linux/perf_event.h>

enum metric_event {
	ME_CYCLES, ME_INSTRUCTIONS, ME_CACHE_REFS, ME_CACHE_MISSES, ME_BRANCHES, ME_BRANCH_MISSES,
	ME_TASK_CLOCK, ME_CPU_CLOCK, ME_NR, ME_OTHER = ME_NR
};

/* Which of the events the ratios use an attr is, or ME_OTHER. */
enum metric_event ppm_metric__event_of(const struct perf_event_attr *attr);

/* Counts of the events the ratios use, for one row or one run. */
struct metric_inputs {
	double v[ME_NR];
	bool have[ME_NR];
};

enum metric_kind {
	MK_IPC,              /* instructions per cycle */
	MK_CACHE_MISS_PCT,   /* cache-misses per cache-reference, % */
	MK_CACHE_MISS_PKI,   /* cache-misses per 1000 instructions */
	MK_BRANCH_MISS_PCT,  /* branch-misses per branch, % */
	MK_NR
};

/* The ratio's name for a column header or a metric unit. */
const char *ppm_metric__name(enum metric_kind k);
/* True when the inputs hold both events the ratio needs (the value then in *out). */
bool ppm_metric__value(const struct metric_inputs *in, enum metric_kind k, double *out);
/* True when a set of events (by attr) can give the ratio at all. */
bool ppm_metric__possible(const bool have[ME_NR], enum metric_kind k);

#endif
