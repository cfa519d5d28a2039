/*
 * Events: a name as the user spells it ("cycles", "cpu-clock:u", "r01c0",
 * "INST_RETIRED:ANY_P") turned into a perf_event_attr by libpfm4.
 */
#ifndef PPM_EVENT_H
#define PPM_EVENT_H

#include <stdbool.h>
#include <linux/perf_event.h>

struct ppm_event {
	char *name;                  /* as the user wrote it, or the fallback's name */
	struct perf_event_attr attr; /* type, config and privilege bits only */
};

/* Returns 0, -ENOENT for a name libpfm4 does not know, -EINVAL for bad syntax. */
int ppm_event__parse(struct ppm_event *ev, const char *name);
void ppm_event__release(struct ppm_event *ev);

/* Splits "a,b,c" into events. Returns the count or -errno; *bad gets the failing name. */
int ppm_event__parse_list(const char *list, struct ppm_event **evs, char *bad, size_t badlen);
void ppm_event__free_list(struct ppm_event *evs, int nr);

/* Counted by the CPU's PMU (hardware, cache or raw events). */
bool ppm_event__is_hardware(const struct ppm_event *ev);
/* True when the kernel exposes a core PMU (/sys/bus/event_source/devices/cpu). */
bool ppm_event__have_pmu(void);
/* Tries to open the event on the calling thread. Returns 0 or -errno. */
int ppm_event__probe(const struct ppm_event *ev);

/* Rewrites "cycles" as "cpu-clock", like perf on a machine without a PMU. -ENOENT otherwise. */
int ppm_event__fallback(struct ppm_event *ev);

#endif
