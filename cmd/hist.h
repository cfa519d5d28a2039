/*
 * Report aggregation: samples become resolved frames (interned), rows keyed by the
 * --sort fields with self and children totals, and distinct stacks with their counts.
 */
#ifndef PPM_HIST_H
#define PPM_HIST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../maps/machine.h"

enum { SORT_COMM = 1, SORT_PID = 2, SORT_DSO = 4, SORT_SYM = 8 };

struct hist_frame {
	struct ppm_dso *dso;
	const struct ppm_symbol *sym;
	uint64_t rel;   /* address in the dso when sym is NULL */
	int kernel;
};

struct hist_key {
	const char *comm;
	pid_t pid;
	const struct ppm_dso *dso;
	uint32_t frame;  /* frame id, or UINT32_MAX when not sorted by symbol */
	int has_dso;
};

struct hist_entry {
	struct hist_key key;
	uint32_t frame;          /* a representative frame for printing */
	uint64_t self_period, children_period;
	uint64_t self_samples, children_samples;
	uint64_t stamp;          /* last sample that counted it in children */
};

/* A distinct stack: frames root first, leaf last. */
struct hist_stack {
	const char *comm;
	pid_t pid;
	uint32_t nr;
	uint32_t off;            /* into hist.frames_arena */
	uint32_t leaf_entry;     /* the row that holds its self time */
	uint64_t period, samples;
};

struct hist_frames {
	struct hist_frame *v;
	size_t nr, cap;
	uint32_t *slots;         /* open addressing into v, +1 (0 is empty) */
	size_t nslots;
};

struct hist {
	int sort;
	struct hist_frames *frames;   /* shared by the hists of one report */
	struct hist_entry *entries;
	size_t nr_entries, cap_entries;
	uint32_t *entry_slots;
	size_t entry_nslots;
	struct hist_stack *stacks;
	size_t nr_stacks, cap_stacks;
	uint32_t *stack_slots;
	size_t stack_nslots;
	uint32_t *arena;
	size_t arena_used, arena_cap;
	uint64_t total_period, total_samples, sample_no;
	int has_callchains;
};

int hist_frames__intern(struct hist_frames *f, const struct hist_frame *fr, uint32_t *id);
void hist_frames__release(struct hist_frames *f);

int hist__init(struct hist *h, struct hist_frames *frames, int sort);
void hist__release(struct hist *h);
/* Adds one sample: frames leaf first (frames[0] is where it was taken). */
int hist__add(struct hist *h, const char *comm, pid_t pid, const uint32_t *frames, size_t nr,
	      uint64_t period);

#endif
