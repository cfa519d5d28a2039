/*
 * The report's pictures and exchange files: an interactive flame graph (one HTML
 * file), speedscope's JSON and pprof's gzipped profile.proto. Each is built from the
 * hists' distinct stacks; what they share (frame names, kinds, a string table) is here.
 */
#ifndef PPM_EXPORT_H
#define PPM_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "hist.h"
#include "progress.h"
#include "report_out.h"

/* How a frame is coloured and classified in the pictures. */
enum export_kind { EXPORT_ROOT, EXPORT_PYTHON, EXPORT_NATIVE, EXPORT_KERNEL, EXPORT_UNKNOWN };

enum export_kind export_frame_kind(const struct hist_frame *f);
/* A frame's name in pictures: its symbol, or [object] when it has none (as folded stacks). */
const char *export_frame_name(const struct hist_frame *f, char *buf, size_t len);
/* For py::QUALNAME:FILE frames, FILE (else NULL). */
const char *export_python_file(const char *name);
/* The unit of an event's periods: "nanoseconds" for the clocks, else "count". */
const char *export_event_unit(const struct counter_event *ev);

/*
 * Open addressing over an array the caller owns: a slot holds an element's index + 1
 * (0 is empty), probed linearly. Rebuilds *slots at twice the size (min at first) from
 * elements first..nr-1, placed by hash(ctx, i).
 */
int slots_grow(uint32_t **slots, size_t *nslots, size_t min, size_t first, size_t nr,
	       size_t (*hash)(const void *ctx, size_t i), const void *ctx);

/* Interned strings, index 0 is always "" (pprof requires it; harmless elsewhere). */
struct strtab {
	char **v;
	size_t nr, cap;
	uint32_t *slots;
	size_t nslots;
};

int strtab__init(struct strtab *t);
void strtab__release(struct strtab *t);
/* The id of s, added on first sight; -ENOMEM. */
int64_t strtab__intern(struct strtab *t, const char *s);

/*
 * The names a picture shows: interned strings with a kind each, and each frame id's
 * name found once (frame ids are shared by every event's hist of a report).
 */
struct export_names {
	struct strtab str;
	uint8_t *kinds;      /* per name: enum export_kind */
	size_t kinds_cap;
	int64_t *of_frame;   /* frame id -> name id, -1 until seen */
};

int export_names__init(struct export_names *n, const struct hist_frames *frames);
void export_names__release(struct export_names *n);
/* The id of s with its kind (the last kind given wins); -ENOMEM. */
int64_t export_names__intern(struct export_names *n, const char *s, enum export_kind kind);
/* The name id of frame id; -ENOMEM. */
int64_t export_names__frame(struct export_names *n, const struct hist_frames *frames, uint32_t id);

struct export_opts {
	const char *input;      /* the perf.data file, for titles */
	int reverse;            /* flame graph: start in the callers (inverted) view */
	struct progress *progress; /* updated per stack written */
};

/* ev[sel] is the event the flame graph weighs by (its samples). */
int export_flamegraph(FILE *out, const struct counter_event *ev, const struct export_opts *o);
/* One profile per event; the active one is ev[active]. */
int export_speedscope(FILE *out, const struct counter_event *ev, int nr, int active,
		      const struct export_opts *o);
/* One sample type per event; the default one is ev[dflt]. */
int export_pprof(FILE *out, const struct counter_event *ev, int nr, int dflt,
		 const struct export_opts *o);

#endif
