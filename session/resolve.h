/*
 * A recording's records, as they come (from a file in time order, or from the rings
 * of a live recording), turned into what reports count: the side-band records keep
 * the address-space model up to date, and each sample becomes its frames, resolved,
 * interned and folded, handed to a sink. The one interface between where samples
 * come from (session/) and what is made of them (report/).
 *
 * Usage:
 *	struct ppm_resolver r;
 *	ppm_resolver__init(&r, machine, show_interpreter, sink, sink_arg);
 *	for each record h:  err = ppm_resolver__record(&r, d, h);   (0 or -errno)
 *	ppm_resolver__release(&r);
 */
#ifndef PPM_SESSION_RESOLVE_H
#define PPM_SESSION_RESOLVE_H

#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>

#include "frames.h"
#include "../lib/data_reader.h"
#include "../maps/machine.h"

/* The most frames a resolved sample has (a deeper stack is cut there). */
#define PPM_RESOLVE_MAX_FRAMES 512

/* One sample as the sinks see it. */
struct ppm_resolved_sample {
	const struct ppm_sample *s;
	const char *comm;          /* interned by the machine: compare by pointer */
	const uint32_t *chain;     /* frame ids, leaf first (chain[0] is where it was taken) */
	size_t nr;
	int has_callchain;         /* the sample carried a call chain (not only its ip) */
	/* the same (nonzero) key for samples whose raw chain and pid resolved alike:
	 * a sink may remember what it made of chain, until the key's high word changes */
	uint64_t chain_key;
	uint64_t samples;          /* how many samples this stands for (1, or a tally's count:
				    * s->period is then their total) */
};

/* Where resolved samples go: 0 to go on, or -errno to stop the reading with it. */
typedef int (*ppm_sample_sink)(void *arg, const struct ppm_resolved_sample *rs);

/* What the records said about themselves, for the report's header. */
struct ppm_resolve_stats {
	uint64_t unresolved;  /* frames without a symbol */
	uint64_t incomplete;  /* stacks the recorder's unwinder could not finish */
	uint64_t lost;        /* samples the kernel dropped (LOST, LOST_SAMPLES) */
	uint64_t throttled;   /* THROTTLE records */
	uint64_t unwound;     /* DWARF samples (perf record --call-graph dwarf) unwound here */
	uint64_t unwound_complete;
};

/* The counts above that belong to one event, for the first PPM_RESOLVE_EVENTS events. */
#define PPM_RESOLVE_EVENTS 64
struct ppm_resolve_event_stats {
	uint64_t unresolved, incomplete;
};

struct ppm_fcache_slot;
struct ppm_memo_entry;

struct ppm_resolver {
	struct ppm_machine *m;      /* not owned */
	struct ppm_frames frames;   /* every frame id the sinks were given */
	struct ppm_resolve_stats stats;
	struct ppm_resolve_event_stats by_event[PPM_RESOLVE_EVENTS];
	int show_interpreter;       /* keep the interpreter's frames between Python frames */
	int python_self;            /* and fold those leafward of the innermost Python frame
				     * into it: its self time (on unless show_interpreter) */
	int frames_off;             /* the sink names the frames itself (script): samples
				     * reach it (unwound) without frame ids, comm or stats */
	ppm_sample_sink sink;
	void *sink_arg;
	/* private */
	struct ppm_fcache_slot *fcache;
	size_t fcache_slots, fcache_nr;    /* its size and the slots of this generation */
	uint64_t fcache_gen;
	uint32_t *chain;
	uint8_t *kinds;             /* per frame id: 0 unknown yet, else enum ppm_frame_kind + 1 */
	size_t nr_kinds;
	uint64_t generation;        /* bumped by every model change, so cached answers go stale */
	uint32_t *activated;        /* pids a trampoline was switched on in (attach) */
	size_t nr_activated;
	struct ppm_unwinder *unwinder; /* DWARF samples: their stacks unwound here */
	uint64_t *unwound;          /* the call chain made of one */
	/* A Python function is its name (py::QUALNAME:FILE), whichever process's map
	 * named it: one symbol per name, in one object, "[python]" */
	struct ppm_dso python_dso;
	struct ppm_symbol **py_syms;
	size_t nr_py_syms, cap_py_syms;
	uint32_t *py_slots;
	size_t py_nslots;
	/* distinct raw call chains, resolved once (see resolve_sample) */
	struct ppm_memo_entry *memo;
	size_t nr_memo, cap_memo;
	uint32_t *memo_slots;
	size_t memo_nslots;
	uint64_t *memo_words;       /* the keys */
	size_t nr_memo_words, cap_memo_words;
	uint32_t *memo_ids;         /* the answers: frame ids */
	size_t nr_memo_ids, cap_memo_ids;
	uint64_t memo_gen;
	uint64_t memo_epoch;        /* bumped when the memo starts again: chain_key's high word */
};

/* 0 or -ENOMEM. */
int ppm_resolver__init(struct ppm_resolver *r, struct ppm_machine *m, int show_interpreter,
		       ppm_sample_sink sink, void *sink_arg);
void ppm_resolver__release(struct ppm_resolver *r);
/*
 * The pids whose Python frames entered before an attach are unnamed (PPM_FEAT_ACTIVATED:
 * u32s at any alignment); their eval-loop frames become py::[entered before attach].
 */
int ppm_resolver__set_activated(struct ppm_resolver *r, const void *pids, size_t bytes);
/*
 * One record of d's recording: a sample goes to the sink, side-band changes the model,
 * LOST and THROTTLE are counted, other types are ignored. 0, the sink's error,
 * -EINVAL for a malformed record, or -ENOMEM.
 */
int ppm_resolver__record(struct ppm_resolver *r, const struct ppm_data *d,
			 const struct perf_event_header *h);
/*
 * Samples that carry user registers and a stack copy (perf record --call-graph dwarf)
 * are unwound here, with the unwinder the recorder uses: CFI from the binaries on
 * disk, and the trampoline stubs of CPython and pyperfmap by their perf-map entries.
 * 0 or -ENOMEM.
 */
int ppm_resolver__unwind_dwarf(struct ppm_resolver *r);
/*
 * A DWARF sample's call chain (resolve_dwarf.c): its kernel part as recorded, then its
 * user stack unwound; 1 with *out the sample holding it, or 0 when it has no stack copy.
 */
int ppm_resolver__unwind_sample(struct ppm_resolver *r, const struct ppm_sample *s,
				struct ppm_sample *out);
/* stats as they are for one event (its unresolved frames and incomplete stacks). */
struct ppm_resolve_stats ppm_resolver__event_stats(const struct ppm_resolver *r, int event);
/* Cached answers are dropped (symbols were added: a perf map grew). */
void ppm_resolver__invalidate(struct ppm_resolver *r);
/*
 * A hint, for a sample h that will come a few records later: stage 0 brings the
 * memory its chain's memo slot is in closer, stage 1 (nearer to its turn) its entry.
 * Nothing changes but the caches.
 */
void ppm_resolver__prefetch(struct ppm_resolver *r, const struct ppm_data *d,
			    const struct perf_event_header *h, int stage);
/* A sample already parsed (a live recording parses its own): as ppm_resolver__record. */
int ppm_resolver__sample(struct ppm_resolver *r, const struct ppm_sample *s);
/*
 * samples samples of one raw call chain (s->period their total, tally.h): resolved
 * as one, without the memo, and handed to the sink with rs->samples.
 */
int ppm_resolver__counted(struct ppm_resolver *r, const struct ppm_sample *s, uint64_t samples);

/*
 * ppm_resolver__counted in two halves, which a tally runs on two threads (tally.c):
 * resolve, on a second thread while the reader counts, reads the model and makes
 * frames: s's frame ids into ids (room for ppm_resolver__max_frames(s)) and what
 * deliver needs into part. deliver, on the reader's thread once resolve is idle,
 * counts the stats and calls the sink.
 */
struct ppm_resolved_part {
	const char *comm;
	uint32_t n, incomplete, unresolved;
};
int ppm_resolver__resolve(struct ppm_resolver *r, const struct ppm_sample *s, uint32_t *ids,
			  struct ppm_resolved_part *part);
int ppm_resolver__deliver(struct ppm_resolver *r, const struct ppm_sample *s, uint64_t samples,
			  const struct ppm_resolved_part *part, const uint32_t *ids);
size_t ppm_resolver__max_frames(const struct ppm_sample *s);

#endif
