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
	p = realloc(*v, c * elem);
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
	s = calloc(n, sizeof(*s));
	if (!s)
		return -ENOMEM;
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
