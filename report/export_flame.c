/*
 * The flame graph: one HTML file with its script and data inside (no network). The
 * stacks are merged into a tree here and written in preorder as (name, depth, samples)
 * triples, children sorted by name as FlameGraph draws them; the page (flame.html,
 * built into the binary) lays it out on a canvas, so 100,000 stacks stay responsive:
 * boxes under half a pixel are skipped with their whole subtree.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "export.h"
#include "../util/array.h"

/* flame.html, split where the data goes (flame_html.S). */
extern const char ppm_flame_html[];
extern const char ppm_flame_html_end[];
#define DATA_MARK "/*PYPERFMAP_DATA*/"

struct node {
	uint32_t name, parent;
	uint32_t child, sibling;  /* first child, next sibling: 0 is none (0 is the root) */
	uint64_t value;
};

struct tree {
	struct node *v;
	size_t nr, cap;
	uint32_t *slots;          /* (parent, name) -> node + 1 */
	size_t nslots;
	struct ppm_names names;
};

static size_t slot_of(uint32_t parent, uint32_t name, size_t mask)
{
	uint64_t h = (uint64_t)parent << 32 | name;

	/* murmur3's finalizer: every key bit reaches the low bits the mask keeps */
	h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdull;
	h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ull;
	return (size_t)(h ^ (h >> 33)) & mask;
}

static uint64_t node_hash(const void *ctx, size_t i)
{
	const struct node *n = &((const struct tree *)ctx)->v[i];

	return slot_of(n->parent, n->name, SIZE_MAX);
}

/* The child of parent named name, made when new. */
static int64_t tree_child(struct tree *t, uint32_t parent, uint32_t name)
{
	size_t k;
	struct node *n;

	if (ppm_slots__reserve(&t->slots, &t->nslots, t->nr, 4096, node_hash, t))
		return -ENOMEM;
	for (k = slot_of(parent, name, t->nslots - 1); t->slots[k]; k = (k + 1) & (t->nslots - 1)) {
		n = &t->v[t->slots[k] - 1];
		/* node 0, the root, is nobody's child: indexed, never an answer */
		if (t->slots[k] > 1 && n->parent == parent && n->name == name)
			return t->slots[k] - 1;
	}
	if (ppm_array__reserve((void **)&t->v, &t->cap, t->nr + 1, sizeof(*t->v)))
		return -ENOMEM;
	n = &t->v[t->nr];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->parent = parent;
	n->sibling = t->v[parent].child;
	t->v[parent].child = (uint32_t)t->nr;
	t->slots[k] = (uint32_t)t->nr + 1;
	return (int64_t)t->nr++;
}

static int build(struct tree *t, const struct hist *h, const struct ppm_progress *pr, int by_period)
{
	const struct ppm_frames *fr = h->frames;

	t->cap = 4096;
	t->v = calloc(t->cap, sizeof(*t->v));
	if (!t->v || ppm_names__init(&t->names, fr))
		return -ENOMEM;
	t->nr = 1; /* the root, "all": name 1, as "" is 0 */
	if (ppm_names__intern(&t->names, "all", EXPORT_ROOT) != 1)
		return -ENOMEM;
	t->v[0].name = 1;
	for (size_t i = 0; i < h->nr_stacks; i++) {
		const struct hist_stack *s = &h->stacks[i];
		int64_t node = ppm_names__intern(&t->names, s->comm ? s->comm : "[unknown]",
						    EXPORT_ROOT);

		if (node < 0 || (node = tree_child(t, 0, (uint32_t)node)) < 0)
			return -ENOMEM;
		ppm_progress__update(pr, i, h->nr_stacks);
		uint64_t w = by_period ? s->period : s->samples;

		t->v[0].value += w;
		t->v[node].value += w;
		for (uint32_t k = 0; k < s->nr; k++) {
			int64_t name = ppm_names__frame(&t->names, fr, h->arena[s->off + k]);

			if (name < 0 || (node = tree_child(t, (uint32_t)node, (uint32_t)name)) < 0)
				return -ENOMEM;
			t->v[node].value += w;
		}
	}
	return 0;
}

static int cmp_by_name(const void *a, const void *b, void *arg)
{
	const struct tree *t = arg;
	const struct node *x = &t->v[*(const uint32_t *)a];
	const struct node *y = &t->v[*(const uint32_t *)b];

	return strcmp(t->names.str.v[x->name], t->names.str.v[y->name]);
}

/* Preorder, children by name: "name,depth,value," per node. */
static int put_nodes(FILE *out, struct tree *t)
{
	uint32_t *stack = malloc(t->nr * sizeof(*stack));
	uint32_t *depth = malloc(t->nr * sizeof(*depth));
	uint32_t *kids = malloc(t->nr * sizeof(*kids));
	size_t sp = 0, written = 0;

	if (!stack || !depth || !kids) {
		free(stack);
		free(depth);
		free(kids);
		return -ENOMEM;
	}
	stack[sp++] = 0;
	depth[0] = 0;
	while (sp) {
		uint32_t i = stack[--sp];
		size_t nk = 0;

		fprintf(out, "%s%u,%u,%" PRIu64, written++ ? "," : "", t->v[i].name, depth[i],
			t->v[i].value);
		for (uint32_t c = t->v[i].child; c; c = t->v[c].sibling)
			kids[nk++] = c;
		qsort_r(kids, nk, sizeof(*kids), cmp_by_name, t);
		while (nk) {
			uint32_t c = kids[--nk];

			depth[c] = depth[i] + 1;
			stack[sp++] = c;
		}
	}
	free(stack);
	free(depth);
	free(kids);
	return 0;
}

int ppm_export__flamegraph(FILE *out, const struct counter_event *ev, const struct ppm_export_opts *o)
{
	const char *mark = strstr(ppm_flame_html, DATA_MARK);
	struct tree t;
	int err;

	memset(&t, 0, sizeof(t));
	if (!mark)
		return -EINVAL; /* the build embedded a page without its data mark */
	err = build(&t, ev->h, o->progress, o->by_period);
	if (err)
		goto out;
	fwrite(ppm_flame_html, 1, (size_t)(mark - ppm_flame_html), out);
	fputs("{\"title\":", out);
	ppm_json__string(out, o->input);
	fputs(",\"event\":", out);
	ppm_json__string(out, ev->name);
	if (o->by_period)
		fputs(",\"unit\":\"ns\"", out);
	fprintf(out, ",\"reverse\":%d,\"names\":[", o->reverse);
	for (size_t i = 0; i < t.names.str.nr; i++) {
		if (i)
			fputc(',', out);
		ppm_json__string(out, t.names.str.v[i]);
	}
	fputs("],\"kinds\":[", out);
	for (size_t i = 0; i < t.names.str.nr; i++)
		fprintf(out, "%s%u", i ? "," : "", t.names.kinds[i]);
	fputs("],\"nodes\":[", out);
	err = put_nodes(out, &t);
	fputs("]}", out);
	mark += strlen(DATA_MARK);
	fwrite(mark, 1, (size_t)(ppm_flame_html_end - mark), out);
out:
	free(t.v);
	free(t.slots);
	ppm_names__release(&t.names);
	return err;
}
