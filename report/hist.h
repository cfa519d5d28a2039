/*
 * Report aggregation: samples become resolved frames (interned), rows keyed by the
 * --sort fields with self and children totals, and distinct stacks with their counts.
 */
#ifndef PPM_HIST_H
#define PPM_HIST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../session/frames.h"
#include "../session/resolve.h"

enum { SORT_COMM = 1, SORT_PID = 2, SORT_DSO = 4, SORT_SYM = 8 };

struct hist_key {
	const char *comm;
	pid_t pid;
	const struct ppm_dso *dso;
	uint32_t frame;  /* frame id, or UINT32_MAX when not sorted by symbol */
	int has_dso;     /* sorted by dso (then dso is the frame's, which may be NULL) */
};

/*
 * The one hash and equality of row keys, for a hist's rows and for joining the rows
 * of a report's hists. has_dso is not compared: it follows from the sort, which all
 * the hists of a report share.
 */
uint64_t ppm_hist_key__hash(const struct hist_key *k);
int ppm_hist_key__eq(const struct hist_key *a, const struct hist_key *b);

struct hist_entry {
	struct hist_key key;
	uint32_t frame;          /* a representative frame for printing */
	uint64_t self_period, children_period;
	uint64_t self_samples, children_samples;
	uint64_t stamp;          /* last stack that listed it (hist_stack's rows) */
};

/* A distinct stack: frames root first, leaf last. */
struct hist_stack {
	const char *comm;
	pid_t pid;
	uint32_t nr;
	uint32_t off;            /* into hist.frames_arena */
	uint32_t leaf_entry;     /* the row that holds its self time */
	uint32_t rows_off, nr_rows; /* into hist.rows: the rows it counts in children */
	uint32_t hash;           /* of its comm, pid and frames (the index's, kept for its growth) */
	uint64_t period, samples;
};

/* The row a frame id went to, for the comm and pid it last went there with. */
struct hist_frame_row {
	const char *comm;
	pid_t pid;
	uint32_t row;            /* + 1; 0 when none yet */
};

struct hist {
	int sort;
	struct ppm_frames *frames;   /* shared by the hists of one report */
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
	uint32_t *rows;
	size_t rows_used, rows_cap;
	struct hist_frame_row *frame_rows; /* by frame id: a new stack's rows found without a key */
	size_t frame_rows_cap;
	uint32_t *by_chain;          /* resolver chain (ppm_resolved_sample.chain_key) -> stack + 1 */
	size_t by_chain_cap;
	uint64_t chain_epoch;
	uint64_t total_period, total_samples, sample_no;
	int has_callchains;
};

int ppm_hist__init(struct hist *h, struct ppm_frames *frames, int sort);
void ppm_hist__release(struct hist *h);
/* Adds one sample: frames leaf first (frames[0] is where it was taken). 0 or -ENOMEM. */
int ppm_hist__add(struct hist *h, const char *comm, pid_t pid, const uint32_t *frames, size_t nr,
		  uint64_t period);
/* Adds samples samples of one stack weighing period together. */
int ppm_hist__add_many(struct hist *h, const char *comm, pid_t pid, const uint32_t *frames,
		       size_t nr, uint64_t period, uint64_t samples);
/*
 * Every stack's period and samples times num/den (rounded down), those left at zero
 * dropped, and the rows made again from the stacks: a live view's decay (7/8), or a
 * zeroing (0/1). 0 or -ENOMEM (h as it was).
 */
int ppm_hist__decay(struct hist *h, unsigned int num, unsigned int den);

/*
 * A hist per event of a recording, sharing one set of frame ids: what a report
 * builds, from a file (ppm_reader__run) or from a live recording alike.
 */
struct ppm_hists {
	struct hist *h;
	int nr;
};

int ppm_hists__init(struct ppm_hists *hs, int nr_events, struct ppm_frames *frames, int sort);
void ppm_hists__release(struct ppm_hists *hs);
/* A ppm_sample_sink: the sample goes to the hist of its event. */
int ppm_hists__add(void *hists, const struct ppm_resolved_sample *rs);

#endif
