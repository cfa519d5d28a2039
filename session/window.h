/*
 * A file's data section read through a buffer that slides along it, for a reading
 * that goes through the file once and holds only a stretch of it (the records not
 * yet processed): read(2) into memory that stays cached, instead of mapping every
 * page of the file and faulting it in, which cost more than the reading itself.
 * Records are named by their offset in the data section, as in the mapped file.
 *
 * Usage:
 *	struct ppm_window w;
 *	ppm_window__init(&w, fd, data_offset, data_size);
 *	h = ppm_window__next(&w, &pos, keep, &rc);   (keep: the oldest offset still needed)
 *	p = ppm_window__at(&w, off);                 (a record next gave, not yet let go)
 *	ppm_window__release(&w);
 */
#ifndef PPM_SESSION_WINDOW_H
#define PPM_SESSION_WINDOW_H

#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>

struct ppm_window {
	int fd;
	uint64_t file_off;      /* where the data section starts in the file */
	uint64_t size;          /* its size */
	unsigned char *buf;
	size_t cap;
	uint64_t base;          /* the data offset buf[0] holds */
	uint64_t len;           /* how many bytes from there are held */
};

void ppm_window__init(struct ppm_window *w, int fd, uint64_t file_off, uint64_t size);
void ppm_window__release(struct ppm_window *w);
/*
 * The record at *pos, read in if need be (what lies before keep may be dropped), and
 * *pos moved past it; NULL at the end of the data, or with *rc = -EINVAL for a record
 * that runs past it or has a bad size, -EIO when reading fails, -ENOMEM.
 */
const struct perf_event_header *ppm_window__next(struct ppm_window *w, uint64_t *pos,
						 uint64_t keep, int *rc);

static inline const struct perf_event_header *ppm_window__at(const struct ppm_window *w,
							      uint64_t off)
{
	return (const struct perf_event_header *)(w->buf + (off - w->base));
}

#endif
