/* What the picture formats share: frame names and kinds, a string table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "../maps/dso.h"
#include "../util/array.h"

enum export_kind ppm_export__frame_kind(const struct ppm_frame *f)
{
	if (f->kernel)
		return EXPORT_KERNEL;
	if (ppm_frame__is_python(f))
		return EXPORT_PYTHON;
	if (f->sym || f->dso)
		return EXPORT_NATIVE;
	return EXPORT_UNKNOWN;
}

const char *ppm_export__frame_name(const struct ppm_frame *f, char *buf, size_t len)
{
	if (f->sym)
		return f->sym->name;
	/* Unresolved addresses of one object are one box, as in FlameGraph's pictures. */
	snprintf(buf, len, "[%s]", f->dso ? f->dso->short_name : "unknown");
	return buf;
}

const char *ppm_export__python_file(const char *name)
{
	const char *colon;

	if (!ppm_name__is_python(name))
		return NULL;
	/* Qualified names have no ':'; file names may (C:..., URLs), so the first one splits. */
	colon = strchr(name + 4, ':');
	return colon && colon[1] ? colon + 1 : NULL;
}

const char *ppm_export__event_unit(const struct counter_event *ev)
{
	if (ev->attr && ev->attr->type == PERF_TYPE_SOFTWARE &&
	    (ev->attr->config == PERF_COUNT_SW_CPU_CLOCK ||
	     ev->attr->config == PERF_COUNT_SW_TASK_CLOCK))
		return "nanoseconds";
	/* off-CPU samples weigh the nanoseconds waited (record --off-cpu) */
	if (ev->name && !strcmp(ev->name, "offcpu-time"))
		return "nanoseconds";
	return "count";
}

int ppm_strtab__init(struct ppm_strtab *t)
{
	memset(t, 0, sizeof(*t));
	return ppm_strtab__intern(t, "") < 0 ? -ENOMEM : 0;
}

void ppm_strtab__release(struct ppm_strtab *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->v[i]);
	free(t->v);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static uint64_t strtab_hash(const void *ctx, size_t i)
{
	return ppm_hash__str(((const struct ppm_strtab *)ctx)->v[i]);
}

int64_t ppm_strtab__intern(struct ppm_strtab *t, const char *s)
{
	size_t k;

	if (ppm_slots__reserve(&t->slots, &t->nslots, t->nr, 1024, strtab_hash, t))
		return -ENOMEM;
	for (k = ppm_hash__str(s) & (t->nslots - 1); t->slots[k]; k = (k + 1) & (t->nslots - 1))
		if (!strcmp(t->v[t->slots[k] - 1], s))
			return t->slots[k] - 1;
	if (ppm_array__reserve((void **)&t->v, &t->cap, t->nr + 1, sizeof(*t->v)))
		return -ENOMEM;
	t->v[t->nr] = strdup(s);
	if (!t->v[t->nr])
		return -ENOMEM;
	t->slots[k] = (uint32_t)t->nr + 1;
	return (int64_t)t->nr++;
}

int ppm_names__init(struct ppm_names *n, const struct ppm_frames *frames)
{
	memset(n, 0, sizeof(*n));
	n->of_frame = malloc((frames->nr + 1) * sizeof(*n->of_frame));
	if (!n->of_frame || ppm_strtab__init(&n->str))
		return -ENOMEM;
	for (size_t i = 0; i < frames->nr; i++)
		n->of_frame[i] = -1;
	return 0;
}

void ppm_names__release(struct ppm_names *n)
{
	ppm_strtab__release(&n->str);
	free(n->kinds);
	free(n->of_frame);
	memset(n, 0, sizeof(*n));
}

int64_t ppm_names__intern(struct ppm_names *n, const char *s, enum export_kind kind)
{
	int64_t id = ppm_strtab__intern(&n->str, s);

	if (id < 0)
		return id;
	if (ppm_array__reserve_zeroed((void **)&n->kinds, &n->kinds_cap, (size_t)id + 1, 1))
		return -ENOMEM;
	n->kinds[id] = (uint8_t)kind;
	return id;
}

int64_t ppm_names__frame(struct ppm_names *n, const struct ppm_frames *frames, uint32_t id)
{
	const struct ppm_frame *f = &frames->v[id];
	char buf[64];

	if (n->of_frame[id] < 0)
		n->of_frame[id] = ppm_names__intern(n, ppm_export__frame_name(f, buf, sizeof(buf)),
						       ppm_export__frame_kind(f));
	return n->of_frame[id];
}
