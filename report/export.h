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
#include "../lib/progress.h"
#include "report_out.h"

/* How a frame is coloured and classified in the pictures. */
enum export_kind { EXPORT_ROOT, EXPORT_PYTHON, EXPORT_NATIVE, EXPORT_KERNEL, EXPORT_UNKNOWN };

enum export_kind ppm_export__frame_kind(const struct ppm_frame *f);
/* A frame's name in pictures: its symbol, or [object] when it has none (as folded stacks). */
const char *ppm_export__frame_name(const struct ppm_frame *f, char *buf, size_t len);
/* For py::QUALNAME:FILE frames, FILE (else NULL). */
const char *ppm_export__python_file(const char *name);
/* The unit of an event's periods: "nanoseconds" for the clocks, else "count". */
const char *ppm_export__event_unit(const struct counter_event *ev);

/* Interned strings, index 0 is always "" (pprof requires it; harmless elsewhere). */
struct ppm_strtab {
	char **v;
	size_t nr, cap;
	uint32_t *slots;
	size_t nslots;
};

int ppm_strtab__init(struct ppm_strtab *t);
void ppm_strtab__release(struct ppm_strtab *t);
/* The id of s, added on first sight; -ENOMEM. */
int64_t ppm_strtab__intern(struct ppm_strtab *t, const char *s);

/*
 * The names a picture shows: interned strings with a kind each, and each frame id's
 * name found once (frame ids are shared by every event's hist of a report).
 */
struct ppm_names {
	struct ppm_strtab str;
	uint8_t *kinds;      /* per name: enum export_kind */
	size_t kinds_cap;
	int64_t *of_frame;   /* frame id -> name id, -1 until seen */
};

int ppm_names__init(struct ppm_names *n, const struct ppm_frames *frames);
void ppm_names__release(struct ppm_names *n);
/* The id of s with its kind (the last kind given wins); -ENOMEM. */
int64_t ppm_names__intern(struct ppm_names *n, const char *s, enum export_kind kind);
/* The name id of frame id; -ENOMEM. */
int64_t ppm_names__frame(struct ppm_names *n, const struct ppm_frames *frames, uint32_t id);

struct ppm_export_opts {
	const char *input;      /* the perf.data file, for titles */
	int reverse;            /* flame graph: start in the callers (inverted) view */
	const struct ppm_progress *progress; /* told per stack written */
	int by_period;          /* weigh stacks by their period (ns: report --wall), not samples */
};

/* ev[sel] is the event the flame graph weighs by (its samples). */
int ppm_export__flamegraph(FILE *out, const struct counter_event *ev, const struct ppm_export_opts *o);
/* One profile per event; the active one is ev[active]. */
int ppm_export__speedscope(FILE *out, const struct counter_event *ev, int nr, int active,
		      const struct ppm_export_opts *o);
/* One sample type per event; the default one is ev[dflt]. */
int ppm_export__pprof(FILE *out, const struct counter_event *ev, int nr, int dflt,
		 const struct ppm_export_opts *o);

#endif
