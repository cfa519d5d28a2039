/* The data section through a sliding buffer (see window.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "window.h"
#include "../util/array.h"

/*
 * The buffer holds at least this much, and four times what is still needed (a file
 * without FINISHED_ROUND marks is sorted whole): what is kept is moved to its start
 * seldom. It is read into in steps of WINDOW_STEP, so what was read is still in the
 * caches when it is parsed.
 */
#define WINDOW_MIN (16u << 20)
#define WINDOW_STEP (512u << 10)

void ppm_window__init(struct ppm_window *w, int fd, uint64_t file_off, uint64_t size)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->file_off = file_off;
	w->size = size;
}

void ppm_window__release(struct ppm_window *w)
{
	free(w->buf);
	w->buf = NULL;
	w->cap = 0;
}

/* Holds [keep, to) at least, and up to a step more. */
static int fill(struct ppm_window *w, uint64_t keep, uint64_t to)
{
	uint64_t want;

	if (keep < w->base)
		keep = w->base;
	if (keep > w->base + w->len)
		keep = w->base + w->len;
	if ((to - keep) * 4 > w->cap) {
		size_t cap = w->cap ? w->cap : WINDOW_MIN;
		unsigned char *p;

		while (cap < (to - keep) * 4)
			cap *= 2;
		p = malloc(cap);
		if (!p)
			return -ENOMEM;
		ppm_mem__huge(p, cap);
		if (w->buf)
			memcpy(p, w->buf + (keep - w->base), w->base + w->len - keep);
		free(w->buf);
		w->buf = p;
		w->cap = cap;
		w->len = w->base + w->len - keep;
		w->base = keep;
	} else if (to - w->base > w->cap || w->len + WINDOW_STEP > w->cap) {
		memmove(w->buf, w->buf + (keep - w->base), w->base + w->len - keep);
		w->len = w->base + w->len - keep;
		w->base = keep;
	}
	want = to - (w->base + w->len) > WINDOW_STEP ? to - (w->base + w->len) : WINDOW_STEP;
	if (want > w->cap - w->len)
		want = w->cap - w->len;
	if (want > w->size - (w->base + w->len))
		want = w->size - (w->base + w->len);
	while (want) {
		ssize_t n = pread(w->fd, w->buf + w->len, want, (off_t)(w->file_off + w->base + w->len));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EIO;
		w->len += (uint64_t)n;
		want -= (uint64_t)n;
		if (w->base + w->len >= to)
			break; /* enough for now: the rest comes with the next fill */
	}
	return w->base + w->len >= to ? 0 : -EIO;
}

const struct perf_event_header *ppm_window__next(struct ppm_window *w, uint64_t *pos,
						 uint64_t keep, int *rc)
{
	const struct perf_event_header *h;

	*rc = 0;
	if (*pos + sizeof(*h) > w->size)
		return NULL;
	if (*pos + sizeof(*h) > w->base + w->len && (*rc = fill(w, keep, *pos + sizeof(*h))))
		return NULL;
	h = ppm_window__at(w, *pos);
	if (h->size < sizeof(*h) || h->size > w->size - *pos || (h->size & 7)) {
		*rc = -EINVAL;
		return NULL;
	}
	if (*pos + h->size > w->base + w->len) {
		if ((*rc = fill(w, keep, *pos + h->size)))
			return NULL;
		h = ppm_window__at(w, *pos);
	}
	*pos += h->size;
	return h;
}
