#include <string.h>

#include "frames.h"
#include "../util/array.h"

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

static uint64_t frame_hash(const struct ppm_frame *f)
{
	uint64_t h = mix(0, (uintptr_t)f->dso);

	h = mix(h, f->sym ? (uintptr_t)f->sym : f->rel);
	return mix(h, (uint64_t)f->kernel);
}

static int frame_eq(const struct ppm_frame *a, const struct ppm_frame *b)
{
	return a->dso == b->dso && a->sym == b->sym && a->kernel == b->kernel &&
	       (a->sym || a->rel == b->rel);
}

static uint64_t frame_hash_idx(const void *ctx, size_t i)
{
	return frame_hash(&((const struct ppm_frames *)ctx)->v[i]);
}

int ppm_frames__intern(struct ppm_frames *f, const struct ppm_frame *fr, uint32_t *id)
{
	size_t k;

	if (ppm_slots__reserve(&f->slots, &f->nslots, f->nr, 1024, frame_hash_idx, f))
		return -ENOMEM;
	for (k = frame_hash(fr) & (f->nslots - 1); f->slots[k]; k = (k + 1) & (f->nslots - 1))
		if (frame_eq(&f->v[f->slots[k] - 1], fr)) {
			*id = f->slots[k] - 1;
			return 0;
		}
	if (ppm_array__reserve((void **)&f->v, &f->cap, f->nr + 1, sizeof(*f->v)))
		return -ENOMEM;
	f->v[f->nr] = *fr;
	f->slots[k] = (uint32_t)(f->nr + 1);
	*id = (uint32_t)f->nr++;
	return 0;
}

void ppm_frames__release(struct ppm_frames *f)
{
	free(f->v);
	free(f->slots);
	memset(f, 0, sizeof(*f));
}

int ppm_name__is_python(const char *name)
{
	return !strncmp(name, "py::", 4);
}

int ppm_frame__is_python(const struct ppm_frame *f)
{
	return f->sym && ppm_name__is_python(f->sym->name);
}

enum ppm_frame_kind ppm_frame__kind(const struct ppm_frame *f)
{
	const char *dso = f->dso ? f->dso->short_name : "";

	if (ppm_frame__is_python(f))
		return PPM_FRAME_PYTHON;
	if (f->kernel)
		return PPM_FRAME_KERNEL;
	if (!strncmp(dso, "libpython", 9) || !strncmp(dso, "python", 6) ||
	    strstr(dso, "pyperfmap.cpython"))
		return PPM_FRAME_GLUE;
	return PPM_FRAME_NATIVE;
}
