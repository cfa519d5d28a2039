/*
 * How long library work reports how far it got, to whoever shows it (cmd/progress.c
 * draws a line on a terminal): libraries call ppm_progress__update as often as is
 * convenient, with a NULL progress when nobody watches.
 */
#ifndef PPM_LIB_PROGRESS_H
#define PPM_LIB_PROGRESS_H

#include <stdint.h>

struct ppm_progress {
	void (*update)(void *ctx, uint64_t done, uint64_t total); /* total 0: no percentage */
	void *ctx;
};

static inline void ppm_progress__update(const struct ppm_progress *p, uint64_t done, uint64_t total)
{
	if (p && p->update)
		p->update(p->ctx, done, total);
}

#endif
