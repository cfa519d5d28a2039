/*
 * A progress line on stderr for long report work: shown only when stderr is a
 * terminal and the work has taken more than a second (PYPERFMAP_PROGRESS_AFTER=SECONDS
 * changes that delay, for tests), redrawn in place at most ten times a second, and
 * erased when the work is done, so nothing of it is left in a terminal or a log.
 *
 * Usage: progress__init(&p, "reading perf.data"); progress__update(&p, done, total)
 * as often as convenient (it is cheap); progress__stage(&p, "writing ..."); progress__end(&p).
 */
#ifndef PPM_PROGRESS_H
#define PPM_PROGRESS_H

#include <stdint.h>

struct progress {
	char what[128];
	double start, next;   /* seconds: when the work began, when to draw next */
	double after;         /* draw nothing before start + after */
	unsigned calls;
	int tty, shown;
};

void progress__init(struct progress *p, const char *what);
/* total 0: no percentage. */
void progress__update(struct progress *p, uint64_t done, uint64_t total);
/* The same line, a new label (a later step of the same work). */
void progress__stage(struct progress *p, const char *what);
void progress__end(struct progress *p);

#endif
