/*
 * Off-CPU time (record --off-cpu): a sample is taken at every switch-out of a recorded
 * thread (the context-switches event, period 1, with the stack of that moment), held
 * until the thread runs again (its switch-in, or any later record of it), and then
 * written weighing the nanoseconds it waited, time-stamped at its return (as perf's
 * own off-CPU samples are). Blocks shorter than the threshold (perf's --off-cpu-thresh,
 * 500 ms by default) are summed per thread and stack, and written at each checkpoint:
 * the file grows by the distinct ways threads wait, not by every wait.
 *
 * The trampoline's own thread in the profiled process (it writes the perf map, and
 * sleeps between writes) names itself PPM_OFFCPU_OWN_COMM; its waits are the
 * profiler's, not the program's, and are left out (counted in own_waits).
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

#define PPM_OFFCPU_OWN_COMM "pyperfmap-flush"

struct ppm_offcpu *ppm_offcpu__new(uint64_t thresh_ns, const struct ppm_offcpu_layout *l,
				   ppm_offcpu_write write, void *ctx);
void ppm_offcpu__free(struct ppm_offcpu *o);
/* A switch-out sample of thread tid at time: held (a copy). 0 or -ENOMEM. */
int ppm_offcpu__out(struct ppm_offcpu *o, const struct perf_event_header *h, pid_t tid,
		    uint64_t time);
/* Thread tid is running at time: its held sample, if any, is done. 0 or -errno. */
int ppm_offcpu__in(struct ppm_offcpu *o, pid_t tid, uint64_t time);
/* Thread tid took the name comm (a COMM record): whether its waits are left out follows. */
int ppm_offcpu__comm(struct ppm_offcpu *o, pid_t tid, const char *comm);
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
	uint64_t own_waits;  /* waits of the trampoline's own thread, left out */
};
const struct ppm_offcpu_stats *ppm_offcpu__stats(const struct ppm_offcpu *o);

#endif
