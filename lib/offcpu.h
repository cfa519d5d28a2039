/*
 * Off-CPU time (record --off-cpu): a sample is taken at every switch-out of a recorded
 * thread (the context-switches event, period 1, with the stack of that moment), held
 * until the thread runs again (its switch-in, or any later record of it), and then
 * written weighing the nanoseconds it waited, time-stamped at its return (as perf's
 * own off-CPU samples are). Blocks shorter than the threshold (perf's --off-cpu-thresh,
 * 500 ms by default) are summed per thread and stack, and written at each checkpoint:
 * the file grows by the distinct ways threads wait, not by every wait.
 */
#ifndef PPM_OFFCPU_H
#define PPM_OFFCPU_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/perf_event.h>

/* Where a held sample's fields are, in u64 words after its header. */
struct ppm_offcpu_layout {
	int time;
	int period;
};

typedef int (*ppm_offcpu_write)(void *ctx, const struct perf_event_header *h);

struct ppm_offcpu;

struct ppm_offcpu *ppm_offcpu__new(uint64_t thresh_ns, const struct ppm_offcpu_layout *l,
				   ppm_offcpu_write write, void *ctx);
void ppm_offcpu__free(struct ppm_offcpu *o);
/* A switch-out sample of thread tid at time: held (a copy). 0 or -ENOMEM. */
int ppm_offcpu__out(struct ppm_offcpu *o, const struct perf_event_header *h, pid_t tid,
		    uint64_t time);
/* Thread tid is running at time: its held sample, if any, is done. 0 or -errno. */
int ppm_offcpu__in(struct ppm_offcpu *o, pid_t tid, uint64_t time);
/*
 * The summed short blocks written, time-stamped now (the latest time seen); with end,
 * the threads still waiting too, as waiting until now. 0 or -errno.
 */
int ppm_offcpu__flush(struct ppm_offcpu *o, uint64_t now, int end);

struct ppm_offcpu_stats {
	uint64_t blocks;     /* waits seen */
	uint64_t direct;     /* written as a sample each (at least the threshold) */
	uint64_t summed;     /* samples written for the shorter ones, summed */
	uint64_t ns;         /* off-CPU time in all */
};
const struct ppm_offcpu_stats *ppm_offcpu__stats(const struct ppm_offcpu *o);

#endif
