#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "../util/array.h"

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

int ppm_hist__init(struct hist *h, struct ppm_frames *frames, int sort)
{
	memset(h, 0, sizeof(*h));
	h->frames = frames;
	h->sort = sort;
	return 0;
}

void ppm_hist__release(struct hist *h)
{
	free(h->entries);
	free(h->entry_slots);
	free(h->stacks);
	free(h->stack_slots);
	free(h->arena);
	free(h->rows);
	free(h->frame_rows);
	free(h->by_chain);
	memset(h, 0, sizeof(*h));
}

static void make_key(const struct hist *h, const char *comm, pid_t pid, uint32_t frame,
		     struct hist_key *k)
{
	const struct ppm_frame *f = &h->frames->v[frame];

	memset(k, 0, sizeof(*k));
	k->comm = h->sort & SORT_COMM ? comm : NULL;
	k->pid = h->sort & SORT_PID ? pid : -1;
	k->has_dso = !!(h->sort & SORT_DSO);
	k->dso = k->has_dso ? f->dso : NULL;
	k->frame = h->sort & SORT_SYM ? frame : UINT32_MAX;
}

uint64_t ppm_hist_key__hash(const struct hist_key *k)
{
	uint64_t x = mix(0, (uintptr_t)k->comm);

	x = mix(x, (uint64_t)(uint32_t)k->pid);
	x = mix(x, (uintptr_t)k->dso);
	return mix(x, k->frame);
}

static uint64_t entry_hash_idx(const void *ctx, size_t i)
{
	return ppm_hist_key__hash(&((const struct hist *)ctx)->entries[i].key);
}

int ppm_hist_key__eq(const struct hist_key *a, const struct hist_key *b)
{
	return a->comm == b->comm && a->pid == b->pid && a->dso == b->dso && a->frame == b->frame;
}

static struct hist_entry *find_entry(struct hist *h, const struct hist_key *key, uint32_t frame,
				     uint32_t *idx)
{
	size_t k;

	if (ppm_slots__reserve(&h->entry_slots, &h->entry_nslots, h->nr_entries, 1024, entry_hash_idx, h))
		return NULL;
	for (k = ppm_hist_key__hash(key) & (h->entry_nslots - 1); h->entry_slots[k];
	     k = (k + 1) & (h->entry_nslots - 1)) {
		struct hist_entry *e = &h->entries[h->entry_slots[k] - 1];

		if (ppm_hist_key__eq(&e->key, key)) {
			*idx = h->entry_slots[k] - 1;
			return e;
		}
	}
	if (ppm_array__reserve((void **)&h->entries, &h->cap_entries, h->nr_entries + 1, sizeof(*h->entries)))
		return NULL;
	memset(&h->entries[h->nr_entries], 0, sizeof(h->entries[0]));
	h->entries[h->nr_entries].key = *key;
	h->entries[h->nr_entries].frame = frame;
	h->entry_slots[k] = (uint32_t)(h->nr_entries + 1);
	*idx = (uint32_t)h->nr_entries;
	return &h->entries[h->nr_entries++];
}

static uint64_t stack_hash(const char *comm, pid_t pid, const uint32_t *fr, size_t nr)
{
	uint64_t x = mix((uintptr_t)comm, (uint64_t)(uint32_t)pid);

	for (size_t i = 0; i < nr; i++)
		x = mix(x, fr[i]);
	return mix(x, nr);
}

static uint64_t stack_hash_idx(const void *ctx, size_t i)
{
	return ((const struct hist *)ctx)->stacks[i].hash;
}

/* frames are leaf first; stacks are stored root first. */
static struct hist_stack *find_stack(struct hist *h, const char *comm, pid_t pid,
				     const uint32_t *leaf_first, size_t nr)
{
	uint32_t root_first[512], hash;
	size_t k;

	if (nr > 512)
		nr = 512;
	for (size_t i = 0; i < nr; i++)
		root_first[i] = leaf_first[nr - 1 - i];
	if (ppm_slots__reserve(&h->stack_slots, &h->stack_nslots, h->nr_stacks, 1024, stack_hash_idx, h))
		return NULL;
	hash = (uint32_t)stack_hash(comm, pid, root_first, nr);
	for (k = hash & (h->stack_nslots - 1); h->stack_slots[k];
	     k = (k + 1) & (h->stack_nslots - 1)) {
		struct hist_stack *s = &h->stacks[h->stack_slots[k] - 1];

		if (s->hash == hash && s->comm == comm && s->pid == pid && s->nr == nr &&
		    !memcmp(h->arena + s->off, root_first, nr * sizeof(uint32_t)))
			return s;
	}
	if (ppm_array__reserve((void **)&h->stacks, &h->cap_stacks, h->nr_stacks + 1, sizeof(*h->stacks)) ||
	    ppm_array__reserve((void **)&h->arena, &h->arena_cap, h->arena_used + nr, sizeof(*h->arena)))
		return NULL;
	memcpy(h->arena + h->arena_used, root_first, nr * sizeof(uint32_t));
	h->stacks[h->nr_stacks] = (struct hist_stack){ .comm = comm, .pid = pid, .nr = (uint32_t)nr,
						       .off = (uint32_t)h->arena_used, .hash = hash };
	h->arena_used += nr;
	h->stack_slots[k] = (uint32_t)(h->nr_stacks + 1);
	return &h->stacks[h->nr_stacks++];
}

int ppm_hist__add(struct hist *h, const char *comm, pid_t pid, const uint32_t *frames, size_t nr,
		  uint64_t period)
{
	return ppm_hist__add_many(h, comm, pid, frames, nr, period, 1);
}

/*
 * The row of a frame for a comm and pid, made if new: known by the frame id when it went
 * there with the same comm and pid before (most of a report's frames: a row's key is
 * made and looked up once per frame, not once per frame of every stack).
 */
static struct hist_entry *frame_row(struct hist *h, const char *comm, pid_t pid, uint32_t frame,
				    uint32_t *idx)
{
	struct hist_key key;
	struct hist_entry *e;

	if (frame < h->frame_rows_cap) {
		const struct hist_frame_row *c = &h->frame_rows[frame];

		if (c->row && c->comm == comm && c->pid == pid) {
			*idx = c->row - 1;
			return &h->entries[*idx];
		}
	}
	make_key(h, comm, pid, frame, &key);
	e = find_entry(h, &key, frame, idx);
	/* without room to remember it, it is looked up again next time */
	if (e && !ppm_array__reserve_zeroed((void **)&h->frame_rows, &h->frame_rows_cap, (size_t)frame + 1,
					    sizeof(*h->frame_rows)))
		h->frame_rows[frame] = (struct hist_frame_row){ comm, pid, *idx + 1 };
	return e;
}

/*
 * The rows a new stack counts: its leaf's (self) first, then each frame's once,
 * recursion or not, in the order a sample would meet them (so rows are made in the
 * order they were before stacks kept them). 0 or -ENOMEM.
 */
static int stack_rows(struct hist *h, struct hist_stack *s, const char *comm, pid_t pid,
		      const uint32_t *frames, size_t nr)
{
	struct hist_entry *e;
	uint32_t idx;

	if (ppm_array__reserve((void **)&h->rows, &h->rows_cap, h->rows_used + nr, sizeof(*h->rows)))
		return -ENOMEM;
	if (!frame_row(h, comm, pid, frames[0], &idx))
		return -ENOMEM;
	s->leaf_entry = idx;
	s->rows_off = (uint32_t)h->rows_used;
	s->nr_rows = 0;
	h->sample_no++;
	for (size_t i = 0; i < nr; i++) {
		e = frame_row(h, comm, pid, frames[i], &idx);
		if (!e)
			return -ENOMEM;
		if (e->stamp == h->sample_no)
			continue;
		e->stamp = h->sample_no;
		h->rows[h->rows_used++] = idx;
		s->nr_rows++;
	}
	return 0;
}

/* A sample of stack s (made, with its rows, when new). */
static void count(struct hist *h, struct hist_stack *s, uint64_t period, uint64_t samples)
{
	const uint32_t *rows = h->rows + s->rows_off;

	h->total_period += period;
	h->total_samples += samples;
	s->period += period;
	s->samples += samples;
	h->entries[s->leaf_entry].self_period += period;
	h->entries[s->leaf_entry].self_samples += samples;
	for (uint32_t i = 0; i < s->nr_rows; i++) {
		h->entries[rows[i]].children_period += period;
		h->entries[rows[i]].children_samples += samples;
	}
}

static int add_many(struct hist *h, const char *comm, pid_t pid, const uint32_t *frames, size_t nr,
		    uint64_t period, uint64_t samples, uint32_t *stack_idx)
{
	struct hist_stack *s;
	size_t before = h->nr_stacks;

	s = find_stack(h, comm, pid, frames, nr);
	if (!s)
		return -ENOMEM;
	if (h->nr_stacks > before && stack_rows(h, s, comm, pid, frames, nr)) {
		h->nr_stacks--; /* as if never made (its frames stay in the arena, unused) */
		return -ENOMEM;
	}
	*stack_idx = (uint32_t)(s - h->stacks);
	count(h, s, period, samples);
	return 0;
}

int ppm_hist__add_many(struct hist *h, const char *comm, pid_t pid, const uint32_t *frames,
		       size_t nr, uint64_t period, uint64_t samples)
{
	uint32_t idx;

	return nr ? add_many(h, comm, pid, frames, nr, period, samples, &idx) : 0;
}

int ppm_hist__decay(struct hist *h, unsigned int num, unsigned int den)
{
	struct hist next;
	uint32_t leaf_first[512];
	int err = 0;

	ppm_hist__init(&next, h->frames, h->sort);
	next.has_callchains = h->has_callchains;
	for (size_t i = 0; i < h->nr_stacks && !err; i++) {
		const struct hist_stack *s = &h->stacks[i];
		uint64_t period = s->period * num / den, samples = s->samples * num / den;

		if (!period && !samples)
			continue;
		for (uint32_t k = 0; k < s->nr; k++)
			leaf_first[k] = h->arena[s->off + s->nr - 1 - k];
		err = ppm_hist__add_many(&next, s->comm, s->pid, leaf_first, s->nr, period, samples);
	}
	if (err) {
		ppm_hist__release(&next);
		return err;
	}
	ppm_hist__release(h);
	*h = next;
	return 0;
}

int ppm_hists__init(struct ppm_hists *hs, int nr_events, struct ppm_frames *frames, int sort)
{
	hs->nr = 0;
	hs->h = calloc(nr_events > 0 ? (size_t)nr_events : 1, sizeof(*hs->h));
	if (!hs->h)
		return -ENOMEM;
	for (hs->nr = 0; hs->nr < nr_events; hs->nr++)
		ppm_hist__init(&hs->h[hs->nr], frames, sort);
	return 0;
}

void ppm_hists__release(struct ppm_hists *hs)
{
	for (int i = 0; i < hs->nr; i++)
		ppm_hist__release(&hs->h[i]);
	free(hs->h);
	hs->h = NULL;
	hs->nr = 0;
}

/*
 * The stack of a resolved chain the resolver has seen before (rs->chain_key) is known
 * without hashing its frames again, when its comm and pid are the stack's.
 */
int ppm_hists__add(void *hists, const struct ppm_resolved_sample *rs)
{
	struct ppm_hists *hs = hists;
	struct hist *h;
	uint32_t chain = (uint32_t)rs->chain_key, idx;
	pid_t pid = (pid_t)rs->s->pid;

	if (rs->s->attr < 0 || rs->s->attr >= hs->nr)
		return -EINVAL;
	h = &hs->h[rs->s->attr];
	h->has_callchains |= rs->has_callchain;
	if (!rs->nr)
		return 0;
	if (chain && rs->chain_key >> 32 != h->chain_epoch) {
		h->chain_epoch = rs->chain_key >> 32;
		if (h->by_chain)
			memset(h->by_chain, 0, h->by_chain_cap * sizeof(*h->by_chain));
	}
	if (chain && chain < h->by_chain_cap && h->by_chain[chain]) {
		struct hist_stack *s = &h->stacks[h->by_chain[chain] - 1];

		if (s->comm == rs->comm && s->pid == pid) {
			count(h, s, rs->s->period, rs->samples);
			return 0;
		}
	}
	if (add_many(h, rs->comm, pid, rs->chain, rs->nr, rs->s->period, rs->samples, &idx))
		return -ENOMEM;
	if (chain && !ppm_array__reserve_zeroed((void **)&h->by_chain, &h->by_chain_cap,
						(size_t)chain + 1, sizeof(*h->by_chain)))
		h->by_chain[chain] = idx + 1;
	return 0;
}
