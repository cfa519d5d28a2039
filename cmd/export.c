/* What the picture formats share: frame names and kinds, a string table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "../maps/dso.h"

enum export_kind export_frame_kind(const struct hist_frame *f)
{
	if (f->kernel)
		return EXPORT_KERNEL;
	if (f->sym && !strncmp(f->sym->name, "py::", 4))
		return EXPORT_PYTHON;
	if (f->sym || f->dso)
		return EXPORT_NATIVE;
	return EXPORT_UNKNOWN;
}

const char *export_frame_name(const struct hist_frame *f, char *buf, size_t len)
{
	if (f->sym)
		return f->sym->name;
	/* Unresolved addresses of one object are one box, as in FlameGraph's pictures. */
	snprintf(buf, len, "[%s]", f->dso ? f->dso->short_name : "unknown");
	return buf;
}

const char *export_python_file(const char *name)
{
	const char *colon;

	if (strncmp(name, "py::", 4))
		return NULL;
	/* Qualified names have no ':'; file names may (C:..., URLs), so the first one splits. */
	colon = strchr(name + 4, ':');
	return colon && colon[1] ? colon + 1 : NULL;
}

const char *export_event_unit(const struct counter_event *ev)
{
	if (ev->attr && ev->attr->type == PERF_TYPE_SOFTWARE &&
	    (ev->attr->config == PERF_COUNT_SW_CPU_CLOCK ||
	     ev->attr->config == PERF_COUNT_SW_TASK_CLOCK))
		return "nanoseconds";
	return "count";
}

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

int strtab__init(struct strtab *t)
{
	memset(t, 0, sizeof(*t));
	return strtab__intern(t, "") < 0 ? -ENOMEM : 0;
}

void strtab__release(struct strtab *t)
{
	for (size_t i = 0; i < t->nr; i++)
		free(t->v[i]);
	free(t->v);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

int slots_grow(uint32_t **slots, size_t *nslots, size_t min, size_t first, size_t nr,
	       size_t (*hash)(const void *ctx, size_t i), const void *ctx)
{
	size_t n = *nslots ? *nslots * 2 : min;
	uint32_t *v = calloc(n, sizeof(*v));

	if (!v)
		return -ENOMEM;
	for (size_t i = first; i < nr; i++) {
		size_t k = hash(ctx, i) & (n - 1);

		while (v[k])
			k = (k + 1) & (n - 1);
		v[k] = (uint32_t)i + 1;
	}
	free(*slots);
	*slots = v;
	*nslots = n;
	return 0;
}

static size_t strtab_hash(const void *ctx, size_t i)
{
	return (size_t)hash_str(((const struct strtab *)ctx)->v[i]);
}

int64_t strtab__intern(struct strtab *t, const char *s)
{
	size_t k;

	if ((t->nr + 1) * 2 > t->nslots &&
	    slots_grow(&t->slots, &t->nslots, 1024, 0, t->nr, strtab_hash, t))
		return -ENOMEM;
	for (k = hash_str(s) & (t->nslots - 1); t->slots[k]; k = (k + 1) & (t->nslots - 1))
		if (!strcmp(t->v[t->slots[k] - 1], s))
			return t->slots[k] - 1;
	if (t->nr == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		char **v = realloc(t->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->nr] = strdup(s);
	if (!t->v[t->nr])
		return -ENOMEM;
	t->slots[k] = (uint32_t)t->nr + 1;
	return (int64_t)t->nr++;
}

int export_names__init(struct export_names *n, const struct hist_frames *frames)
{
	memset(n, 0, sizeof(*n));
	n->of_frame = malloc((frames->nr + 1) * sizeof(*n->of_frame));
	if (!n->of_frame || strtab__init(&n->str))
		return -ENOMEM;
	for (size_t i = 0; i < frames->nr; i++)
		n->of_frame[i] = -1;
	return 0;
}

void export_names__release(struct export_names *n)
{
	strtab__release(&n->str);
	free(n->kinds);
	free(n->of_frame);
	memset(n, 0, sizeof(*n));
}

int64_t export_names__intern(struct export_names *n, const char *s, enum export_kind kind)
{
	int64_t id = strtab__intern(&n->str, s);

	if (id < 0)
		return id;
	if ((size_t)id >= n->kinds_cap) {
		size_t cap = n->kinds_cap ? n->kinds_cap * 2 : 1024;
		uint8_t *k;

		while (cap <= (size_t)id)
			cap *= 2;
		k = realloc(n->kinds, cap);
		if (!k)
			return -ENOMEM;
		memset(k + n->kinds_cap, 0, cap - n->kinds_cap);
		n->kinds = k;
		n->kinds_cap = cap;
	}
	n->kinds[id] = (uint8_t)kind;
	return id;
}

int64_t export_names__frame(struct export_names *n, const struct hist_frames *frames, uint32_t id)
{
	const struct hist_frame *f = &frames->v[id];
	char buf[64];

	if (n->of_frame[id] < 0)
		n->of_frame[id] = export_names__intern(n, export_frame_name(f, buf, sizeof(buf)),
						       export_frame_kind(f));
	return n->of_frame[id];
}
