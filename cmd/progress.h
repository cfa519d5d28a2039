/*
 * The progress line of long report work, on stderr: shown only when stderr is a
 * terminal and the work has taken more than a second (PYPERFMAP_PROGRESS_AFTER=SECONDS
 * changes that delay, for tests), redrawn in place at most ten times a second, and
 * erased when the work is done, so nothing of it is left in a terminal or a log.
 * Libraries are given &line.iface (a struct ppm_progress) and tell it how far they got.
 *
 * Usage: ppm_progress_line__init(&p, "reading perf.data"); pass &p.iface to library
 * calls; ppm_progress_line__stage(&p, "writing ..."); ppm_progress_line__end(&p).
 */
#ifndef PPM_CMD_PROGRESS_H
#define PPM_CMD_PROGRESS_H

#include <stdint.h>

#include "../lib/progress.h"

struct ppm_progress_line {
	struct ppm_progress iface;
	char what[128];
	double start, next;   /* seconds: when the work began, when to draw next */
	double after;         /* draw nothing before start + after */
	unsigned calls;
	int tty, shown;
};

void ppm_progress_line__init(struct ppm_progress_line *p, const char *what);
/* The same line, a new label (a later step of the same work). */
void ppm_progress_line__stage(struct ppm_progress_line *p, const char *what);
void ppm_progress_line__end(struct ppm_progress_line *p);

#endif
