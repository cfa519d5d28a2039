#include "metrics.h"

enum metric_event ppm_metric__event_of(const struct perf_event_attr *a)
{
	if (a->type == PERF_TYPE_HARDWARE) {
		switch (a->config) {
		case PERF_COUNT_HW_CPU_CYCLES:
			return ME_CYCLES;
		case PERF_COUNT_HW_INSTRUCTIONS:
			return ME_INSTRUCTIONS;
		case PERF_COUNT_HW_CACHE_REFERENCES:
			return ME_CACHE_REFS;
		case PERF_COUNT_HW_CACHE_MISSES:
			return ME_CACHE_MISSES;
		case PERF_COUNT_HW_BRANCH_INSTRUCTIONS:
			return ME_BRANCHES;
		case PERF_COUNT_HW_BRANCH_MISSES:
			return ME_BRANCH_MISSES;
		}
	} else if (a->type == PERF_TYPE_SOFTWARE) {
		if (a->config == PERF_COUNT_SW_TASK_CLOCK)
			return ME_TASK_CLOCK;
		if (a->config == PERF_COUNT_SW_CPU_CLOCK)
			return ME_CPU_CLOCK;
	}
	return ME_OTHER;
}

static const struct {
	const char *name;
	enum metric_event num, den;
	double scale;
} metrics[MK_NR] = {
	[MK_IPC] = { "IPC", ME_INSTRUCTIONS, ME_CYCLES, 1 },
	[MK_CACHE_MISS_PCT] = { "cache-miss%", ME_CACHE_MISSES, ME_CACHE_REFS, 100 },
	[MK_CACHE_MISS_PKI] = { "misses/1k-insn", ME_CACHE_MISSES, ME_INSTRUCTIONS, 1000 },
	[MK_BRANCH_MISS_PCT] = { "branch-miss%", ME_BRANCH_MISSES, ME_BRANCHES, 100 },
};

const char *ppm_metric__name(enum metric_kind k)
{
	return metrics[k].name;
}

bool ppm_metric__possible(const bool have[ME_NR], enum metric_kind k)
{
	return have[metrics[k].num] && have[metrics[k].den];
}

bool ppm_metric__value(const struct metric_inputs *in, enum metric_kind k, double *out)
{
	if (!ppm_metric__possible(in->have, k) || in->v[metrics[k].den] <= 0)
		return false;
	*out = metrics[k].scale * in->v[metrics[k].num] / in->v[metrics[k].den];
	return true;
}
