#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ring.h"

static int ring_setup(struct ppm_ring *ring, void *mem, size_t page_size, size_t data_size)
{
	struct perf_event_mmap_page *meta = mem;

	if (!data_size || (data_size & (data_size - 1)))
		return -EINVAL;
	ring->meta = meta;
	/* Kernels since 4.1 say where the data starts; older ones put it one page in. */
	if (meta->data_offset && meta->data_size == data_size)
		ring->data = (unsigned char *)mem + meta->data_offset;
	else
		ring->data = (unsigned char *)mem + page_size;
	ring->size = data_size;
	ring->tail = ring->head = __atomic_load_n(&meta->data_tail, __ATOMIC_RELAXED);
	return 0;
}

int ppm_ring__mmap(struct ppm_ring *ring, int fd, unsigned int data_pages)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (1 + (size_t)data_pages) * page;
	void *mem;

	memset(ring, 0, sizeof(*ring));
	if (!data_pages || (data_pages & (data_pages - 1)))
		return -EINVAL;
	mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (mem == MAP_FAILED)
		return -errno;
	ring->map_len = len;
	return ring_setup(ring, mem, page, (size_t)data_pages * page);
}

int ppm_ring__init_buffer(struct ppm_ring *ring, void *mem, size_t page_size, size_t data_size)
{
	memset(ring, 0, sizeof(*ring));
	return ring_setup(ring, mem, page_size, data_size);
}

void ppm_ring__release(struct ppm_ring *ring)
{
	if (ring->map_len)
		munmap(ring->meta, ring->map_len);
	free(ring->scratch);
	memset(ring, 0, sizeof(*ring));
}

int ppm_ring__read_init(struct ppm_ring *ring)
{
	/* Acquire pairs with the kernel's write barrier: record bytes before data_head. */
	ring->head = __atomic_load_n(&ring->meta->data_head, __ATOMIC_ACQUIRE);
	return ring->head == ring->tail ? -EAGAIN : 0;
}

const struct perf_event_header *ppm_ring__read_event(struct ppm_ring *ring)
{
	const struct perf_event_header *hdr;
	size_t avail = ring->head - ring->tail;
	size_t off = ring->tail & (ring->size - 1);
	size_t size;

	if (avail < sizeof(*hdr))
		return NULL;
	/* Records are 8-byte aligned and sized, so a header never wraps; its body may. */
	hdr = (const void *)(ring->data + off);
	size = hdr->size;
	if (size < sizeof(*hdr) || size > avail || size > ring->size || (size & 7)) {
		/* An impossible header: skip what is there rather than spin on it. */
		ring->corrupt++;
		ring->tail = ring->head;
		return NULL;
	}
	if (off + size > ring->size) {
		size_t first = ring->size - off;

		if (ring->scratch_size < size) {
			unsigned char *s = realloc(ring->scratch, size);

			if (!s)
				return NULL;
			ring->scratch = s;
			ring->scratch_size = size;
		}
		memcpy(ring->scratch, ring->data + off, first);
		memcpy(ring->scratch + first, ring->data, size - first);
		hdr = (const void *)ring->scratch;
	}
	ring->tail += size;
	return hdr;
}

void ppm_ring__read_done(struct ppm_ring *ring)
{
	/* Release: our reads of the records happen before the kernel may reuse the space. */
	__atomic_store_n(&ring->meta->data_tail, ring->tail, __ATOMIC_RELEASE);
}
