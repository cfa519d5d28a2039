/*
 * Events: a name as the user spells it turned into a perf_event_attr. libpfm4 does
 * the encoding (perf's generic and cache names, every PMU event it knows for this
 * CPU, raw rNNNN); this layer adds perf's modifier suffixes (:u :k :h :p :pp :ppp
 * :G :H :D), groups ({a,b}), and the few software events libpfm4 lacks.
 */
#ifndef PPM_EVENT_H
#define PPM_EVENT_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/perf_event.h>

struct ppm_event {
	char *name;                  /* as the user wrote it, or the fallback's name */
	struct perf_event_attr attr; /* type, config and privilege bits only */
	int group;                   /* index of its group's leader in the list, or -1 */
	bool every_hit;              /* sampled at each hit, whatever -F says (off-CPU) */
};

/* Returns 0, -ENOENT for a name libpfm4 does not know, -EINVAL for bad syntax. */
int ppm_event__parse(struct ppm_event *ev, const char *name);
void ppm_event__release(struct ppm_event *ev);

/*
 * Splits "a,b,{c,d}:u" into events (members of a group get its leader's index).
 * Returns the count or -errno; *bad gets the failing name.
 */
int ppm_event__parse_list(const char *list, struct ppm_event **evs, char *bad, size_t badlen);
void ppm_event__free_list(struct ppm_event *evs, int nr);

/* A kernel tracepoint ("sched:sched_switch", PERF_TYPE_TRACEPOINT). */
bool ppm_event__is_tracepoint(const struct ppm_event *ev);
/* Counted by the CPU's PMU (hardware, cache or raw events). */
bool ppm_event__is_hardware(const struct ppm_event *ev);
/* True when the kernel exposes a core PMU (/sys/bus/event_source/devices/cpu). */
bool ppm_event__have_pmu(void);
/* Tries to open the event on the calling thread. Returns 0 or -errno. */
int ppm_event__probe(const struct ppm_event *ev);

/* Rewrites "cycles" as "cpu-clock", like perf on a machine without a PMU. -ENOENT otherwise. */
int ppm_event__fallback(struct ppm_event *ev);

/* The generic perf event an attr is (PERF_COUNT_HW_*), or -1 for any other. */
int ppm_event__generic_hw(const struct perf_event_attr *attr);

/* 'pyperfmap list': the events this machine offers, by kind, in perf list's order. */
enum ppm_event_kind { PPM_EVENT_HW, PPM_EVENT_SW, PPM_EVENT_CACHE, PPM_EVENT_PMU,
		      PPM_EVENT_TRACEPOINT, PPM_EVENT_KINDS };

struct ppm_event_entry {
	enum ppm_event_kind kind;
	char *name;          /* the names -e takes, aliases joined by " OR " */
	const char *desc;    /* a PMU event's description, else NULL */
	bool ok;             /* the kernel opens it here */
};

struct ppm_event_list {
	struct ppm_event_entry *v;
	size_t nr;
	bool have_pmu;
	size_t pmu_events;    /* events libpfm4 knows for this CPU's PMU */
	const char *pmu_desc; /* that PMU's name, as libpfm4 describes it */
};

/*
 * The events that open here (all: every one libpfm4 knows, each with ok), the names
 * containing filter (any case) only when it is given. 0 or -errno.
 */
int ppm_event__list(struct ppm_event_list *l, bool all, const char *filter);
void ppm_event_list__release(struct ppm_event_list *l);

#endif
