/*
 * Two containers written once for every library: a growable array and an
 * open-addressing index over one. Header-only and dependency-free, so lib/, maps/,
 * session/ and report/ all use them without depending on each other.
 */
#ifndef PPM_UTIL_ARRAY_H
#define PPM_UTIL_ARRAY_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/*
 * Large arrays are backed by huge pages where the kernel offers them (transparent
 * huge pages in madvise mode, Debian's default): the first touch of fresh memory
 * costs a page fault per 4 KiB otherwise, and on virtual machines a fault costs
 * microseconds (measured here: 64 MiB touched in 0.186 s with 4 KiB pages, 0.012 s
 * with 2 MiB ones). Only a hint: nothing changes where it is refused.
 */
#define PPM_HUGE_MIN (1u << 20)

static inline void ppm_mem__huge(void *p, size_t bytes)
{
	uintptr_t start = ((uintptr_t)p + 4095) & ~(uintptr_t)4095, end = (uintptr_t)p + bytes;

	if (bytes >= PPM_HUGE_MIN && end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
}

/*
 * Room in *v (of *cap elements of elem bytes) for need of them, doubling (from 16) so
 * appending is amortized O(1). 0, or -ENOMEM with *v and *cap as they were.
 *	if (ppm_array__reserve((void **)&a->v, &a->cap, a->nr + 1, sizeof(*a->v))) ...
 */
static inline int ppm_array__reserve(void **v, size_t *cap, size_t need, size_t elem)
{
	size_t c;
	void *p;

	if (need <= *cap)
		return 0;
	for (c = *cap ? *cap : 16; c < need; c *= 2)
		;
	if (c * elem < PPM_HUGE_MIN) {
		p = realloc(*v, c * elem);
	} else {
		/* moved by hand: realloc would copy into small pages before the hint */
		p = malloc(c * elem);
		if (p) {
			ppm_mem__huge(p, c * elem);
			if (*v)
				memcpy(p, *v, *cap * elem);
			free(*v);
		}
	}
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = c;
	return 0;
}

/* As ppm_array__reserve, with the new elements zeroed. */
static inline int ppm_array__reserve_zeroed(void **v, size_t *cap, size_t need, size_t elem)
{
	size_t old = *cap;

	if (ppm_array__reserve(v, cap, need, elem))
		return -ENOMEM;
	if (*cap > old)
		memset((char *)*v + old * elem, 0, (*cap - old) * elem);
	return 0;
}

/* FNV-1a of a string: the one hash of names for the indexes below. */
static inline uint64_t ppm_hash__str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

/*
 * An open-addressing index over an array the caller owns: a slot holds an element's
 * index + 1 (0 is empty), probed linearly from hash & (nslots - 1). Rebuilt, from the
 * array's first nr elements placed by hash(ctx, i), at twice the size (at least min)
 * whenever one more element would fill more than half of it. 0 or -ENOMEM.
 */
static inline int ppm_slots__reserve(uint32_t **slots, size_t *nslots, size_t nr, size_t min,
				     uint64_t (*hash)(const void *ctx, size_t i), const void *ctx)
{
	size_t n = *nslots ? *nslots * 2 : min;
	uint32_t *s;

	if ((nr + 1) * 2 <= *nslots)
		return 0;
	while ((nr + 1) * 2 > n)
		n *= 2;
	s = malloc(n * sizeof(*s));  /* not calloc: zeroed after the hint, in huge pages */
	if (!s)
		return -ENOMEM;
	ppm_mem__huge(s, n * sizeof(*s));
	memset(s, 0, n * sizeof(*s));
	for (size_t i = 0; i < nr; i++) {
		size_t k = hash(ctx, i) & (n - 1);

		while (s[k])
			k = (k + 1) & (n - 1);
		s[k] = (uint32_t)i + 1;
	}
	free(*slots);
	*slots = s;
	*nslots = n;
	return 0;
}

#endif
