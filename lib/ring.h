/*
 * The kernel's sample ring buffer, read in place.
 *
 * Usage:
 *	if (ppm_ring__read_init(ring) == 0) {
 *		while ((ev = ppm_ring__read_event(ring)))
 *			use(ev);          // valid until the next read_event
 *		ppm_ring__read_done(ring);   // hands the space back to the kernel
 *	}
 */
#ifndef PPM_RING_H
#define PPM_RING_H

#include <stddef.h>
#include <stdint.h>
#include <linux/perf_event.h>

struct ppm_ring {
	struct perf_event_mmap_page *meta;
	unsigned char *data;   /* data area, size bytes, a power of two */
	size_t size;
	size_t map_len;        /* whole mmap length, 0 when not mmapped by us */
	uint64_t head;         /* snapshot of data_head taken by read_init */
	uint64_t tail;         /* next byte to read */
	unsigned char *scratch; /* holds a record that wraps the end of the ring */
	size_t scratch_size;
	uint64_t corrupt;      /* records dropped because their header was impossible */
};

/* Maps the ring of a perf event fd: one metadata page plus data_pages (a power of two). */
int ppm_ring__mmap(struct ppm_ring *ring, int fd, unsigned int data_pages);
/* Uses caller memory laid out like the kernel's mapping (for tests). */
int ppm_ring__init_buffer(struct ppm_ring *ring, void *mem, size_t page_size, size_t data_size);
void ppm_ring__release(struct ppm_ring *ring);

/* Returns 0 when there is something to read, -EAGAIN when the ring is empty. */
int ppm_ring__read_init(struct ppm_ring *ring);
const struct perf_event_header *ppm_ring__read_event(struct ppm_ring *ring);
void ppm_ring__read_done(struct ppm_ring *ring);

#endif
