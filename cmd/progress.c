/* The progress line of long report work (see progress.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static void update(void *ctx, uint64_t done, uint64_t total);

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void ppm_progress_line__init(struct ppm_progress_line *p, const char *what)
{
	const char *env = getenv("PYPERFMAP_PROGRESS_AFTER");

	memset(p, 0, sizeof(*p));
	snprintf(p->what, sizeof(p->what), "%s", what);
	p->tty = isatty(STDERR_FILENO);
	p->after = env && *env ? strtod(env, NULL) : 1.0;
	p->start = now();
	p->next = p->start + p->after;
	p->iface.update = update;
	p->iface.ctx = p;
}

static void draw(struct ppm_progress_line *p, uint64_t done, uint64_t total, double t)
{
	if (total)
		fprintf(stderr, "\rpyperfmap: %s %3d%% (%.1f s)\033[K", p->what,
			(int)(100.0 * (double)done / (double)total), t - p->start);
	else
		fprintf(stderr, "\rpyperfmap: %s (%.1f s)\033[K", p->what, t - p->start);
	fflush(stderr);
	p->shown = 1;
	p->next = t + 0.1;
}

static void update(void *ctx, uint64_t done, uint64_t total)
{
	struct ppm_progress_line *p = ctx;
	double t;

	/* the clock is read every 1024th call: callers may call per record */
	if (!p || !p->tty || (p->calls++ & 1023))
		return;
	t = now();
	if (t >= p->next)
		draw(p, done, total, t);
}

void ppm_progress_line__stage(struct ppm_progress_line *p, const char *what)
{
	double t;

	snprintf(p->what, sizeof(p->what), "%s", what);
	if (!p->tty)
		return;
	t = now();
	if (p->shown || t >= p->start + p->after)
		draw(p, 0, 0, t);
}

void ppm_progress_line__end(struct ppm_progress_line *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
	p->tty = 0;
}
