/* Off-CPU samples: held until their thread runs again, then weighed (see offcpu.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "offcpu.h"
#include "../util/array.h"

/* A switch-out waiting for its switch-in. */
struct held {
	pid_t tid;
	uint64_t time;
	unsigned char *rec;      /* the sample as written, to be weighed */
	size_t len;
};

/* Short blocks of one thread and stack, summed. */
struct summed {
	uint64_t hash;
	unsigned char *rec;
	size_t len;
	uint64_t ns;
};

struct ppm_offcpu {
	uint64_t thresh;
	struct ppm_offcpu_layout l;
	ppm_offcpu_write write;
	void *ctx;
	struct held *held;
	size_t nr_held, cap_held;
	uint32_t *held_slots;
	size_t held_nslots;
	struct summed *sums;
	size_t nr_sums, cap_sums;
	uint32_t *sum_slots;
	size_t sum_nslots;
	pid_t *own;              /* the trampoline's own threads, sorted */
	size_t nr_own, cap_own;
	struct ppm_offcpu_stats stats;
};

struct ppm_offcpu *ppm_offcpu__new(uint64_t thresh_ns, const struct ppm_offcpu_layout *l,
				   ppm_offcpu_write write, void *ctx)
{
	struct ppm_offcpu *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->thresh = thresh_ns;
	o->l = *l;
	o->write = write;
	o->ctx = ctx;
	return o;
}

void ppm_offcpu__free(struct ppm_offcpu *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->nr_held; i++)
		free(o->held[i].rec);
	for (size_t i = 0; i < o->nr_sums; i++)
		free(o->sums[i].rec);
	free(o->held);
	free(o->held_slots);
	free(o->sums);
	free(o->sum_slots);
	free(o->own);
	free(o);
}

const struct ppm_offcpu_stats *ppm_offcpu__stats(const struct ppm_offcpu *o)
{
	return &o->stats;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdULL;
}

static uint64_t tid_hash(pid_t tid)
{
	return mix(0, (uint64_t)(uint32_t)tid);
}

static uint64_t held_hash_idx(const void *ctx, size_t i)
{
	return tid_hash(((const struct ppm_offcpu *)ctx)->held[i].tid);
}

/* The slot of tid in the index of held samples (its index + 1 there, or 0). */
static uint32_t *held_slot(struct ppm_offcpu *o, pid_t tid)
{
	size_t k;

	if (!o->held_nslots)
		return NULL;
	for (k = tid_hash(tid) & (o->held_nslots - 1); o->held_slots[k];
	     k = (k + 1) & (o->held_nslots - 1))
		if (o->held[o->held_slots[k] - 1].tid == tid)
			return &o->held_slots[k];
	return &o->held_slots[k];
}

/* Writes rec with its time and period set (a copy in place: it is ours). */
static int write_weighed(struct ppm_offcpu *o, unsigned char *rec, uint64_t time, uint64_t ns)
{
	memcpy(rec + sizeof(struct perf_event_header) + 8 * (size_t)o->l.time, &time, 8);
	memcpy(rec + sizeof(struct perf_event_header) + 8 * (size_t)o->l.period, &ns, 8);
	return o->write(o->ctx, (const struct perf_event_header *)rec);
}

/*
 * The key of a short block: the sample but its time and period (its thread, where it
 * was, its stack), so waits of one thread in one place add up.
 */
static uint64_t sum_key(const struct ppm_offcpu *o, const unsigned char *rec, size_t len)
{
	size_t words = (len - sizeof(struct perf_event_header)) / 8;
	const unsigned char *p = rec + sizeof(struct perf_event_header);
	uint64_t h = 0, v;

	for (size_t i = 0; i < words; i++) {
		if ((int)i == o->l.time || (int)i == o->l.period)
			continue;
		memcpy(&v, p + 8 * i, 8);
		h = mix(h, v);
	}
	return mix(h, words);
}

static int same_block(const struct ppm_offcpu *o, const unsigned char *a, const unsigned char *b,
		      size_t len)
{
	size_t off_t = sizeof(struct perf_event_header) + 8 * (size_t)o->l.time;
	size_t off_p = sizeof(struct perf_event_header) + 8 * (size_t)o->l.period;

	for (size_t i = 0; i < len; i += 8)
		if (i != off_t && i != off_p && memcmp(a + i, b + i, len - i < 8 ? len - i : 8))
			return 0;
	return 1;
}

static uint64_t sum_hash_idx(const void *ctx, size_t i)
{
	return ((const struct ppm_offcpu *)ctx)->sums[i].hash;
}

static int add_summed(struct ppm_offcpu *o, unsigned char *rec, size_t len, uint64_t ns)
{
	uint64_t hash = sum_key(o, rec, len);
	size_t k;

	if (ppm_slots__reserve(&o->sum_slots, &o->sum_nslots, o->nr_sums, 256, sum_hash_idx, o))
		return -ENOMEM;
	for (k = hash & (o->sum_nslots - 1); o->sum_slots[k]; k = (k + 1) & (o->sum_nslots - 1)) {
		struct summed *s = &o->sums[o->sum_slots[k] - 1];

		if (s->hash == hash && s->len == len && same_block(o, s->rec, rec, len)) {
			s->ns += ns;
			free(rec);
			return 0;
		}
	}
	if (ppm_array__reserve((void **)&o->sums, &o->cap_sums, o->nr_sums + 1, sizeof(*o->sums)))
		return -ENOMEM;
	o->sums[o->nr_sums] = (struct summed){ hash, rec, len, ns };
	o->sum_slots[k] = (uint32_t)++o->nr_sums;
	return 0;
}

/* Takes held[i] out of the index (the entries after it in its run move up) and the
 * array (the last one takes its place). */
static void held_remove(struct ppm_offcpu *o, size_t i)
{
	size_t mask = o->held_nslots - 1, k = (size_t)(held_slot(o, o->held[i].tid) - o->held_slots);
	size_t last = o->nr_held - 1;

	o->held_slots[k] = 0;
	for (size_t j = (k + 1) & mask; o->held_slots[j]; j = (j + 1) & mask) {
		uint32_t v = o->held_slots[j];
		size_t t;

		o->held_slots[j] = 0;
		for (t = tid_hash(o->held[v - 1].tid) & mask; o->held_slots[t]; t = (t + 1) & mask)
			;
		o->held_slots[t] = v;
	}
	if (i != last) {
		*held_slot(o, o->held[last].tid) = (uint32_t)i + 1;
		o->held[i] = o->held[last];
	}
	o->nr_held--;
}

/* The held sample at index i is done at time: written or summed, and removed. */
static int complete(struct ppm_offcpu *o, size_t i, uint64_t time)
{
	struct held h = o->held[i];
	uint64_t ns = time > h.time ? time - h.time : 0;
	int err = 0;

	held_remove(o, i);
	o->stats.blocks++;
	o->stats.ns += ns;
	if (!err && ns >= o->thresh) {
		o->stats.direct++;
		err = write_weighed(o, h.rec, time, ns);
		free(h.rec);
		return err;
	}
	if (err || !ns) {
		free(h.rec);
		return err;
	}
	return add_summed(o, h.rec, h.len, ns);
}

int ppm_offcpu__in(struct ppm_offcpu *o, pid_t tid, uint64_t time)
{
	uint32_t *slot = held_slot(o, tid);

	return slot && *slot ? complete(o, *slot - 1, time) : 0;
}

/* Where tid is in the sorted list of own threads, or would go. */
static size_t own_at(const struct ppm_offcpu *o, pid_t tid)
{
	size_t lo = 0, hi = o->nr_own;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (o->own[mid] < tid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int is_own(const struct ppm_offcpu *o, pid_t tid)
{
	size_t i = own_at(o, tid);

	return i < o->nr_own && o->own[i] == tid;
}

int ppm_offcpu__comm(struct ppm_offcpu *o, pid_t tid, const char *comm)
{
	size_t i = own_at(o, tid);
	int was = i < o->nr_own && o->own[i] == tid;
	int own = !strcmp(comm, PPM_OFFCPU_OWN_COMM);

	if (own == was)
		return 0;
	if (!own) { /* the tid went to another thread */
		memmove(o->own + i, o->own + i + 1, (o->nr_own - i - 1) * sizeof(*o->own));
		o->nr_own--;
		return 0;
	}
	if (ppm_array__reserve((void **)&o->own, &o->cap_own, o->nr_own + 1, sizeof(*o->own)))
		return -ENOMEM;
	memmove(o->own + i + 1, o->own + i, (o->nr_own - i) * sizeof(*o->own));
	o->own[i] = tid;
	o->nr_own++;
	return 0;
}

int ppm_offcpu__out(struct ppm_offcpu *o, const struct perf_event_header *h, pid_t tid,
		    uint64_t time)
{
	uint32_t *slot;
	unsigned char *copy;
	int err;

	/* a switch-out while one is held: its switch-in was missed, this is its end */
	err = ppm_offcpu__in(o, tid, time);
	if (err)
		return err;
	if (o->nr_own && is_own(o, tid)) {
		o->stats.own_waits++;
		return 0;
	}
	copy = malloc(h->size);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, h, h->size);
	if (ppm_slots__reserve(&o->held_slots, &o->held_nslots, o->nr_held, 64, held_hash_idx, o) ||
	    ppm_array__reserve((void **)&o->held, &o->cap_held, o->nr_held + 1, sizeof(*o->held))) {
		free(copy);
		return -ENOMEM;
	}
	slot = held_slot(o, tid);
	o->held[o->nr_held] = (struct held){ tid, time, copy, h->size };
	*slot = (uint32_t)++o->nr_held;
	return 0;
}

int ppm_offcpu__flush(struct ppm_offcpu *o, uint64_t now, int end)
{
	int err = 0;

	while (end && o->nr_held && !err)
		err = complete(o, o->nr_held - 1, now);
	for (size_t i = 0; i < o->nr_sums && !err; i++) {
		o->stats.summed++;
		err = write_weighed(o, o->sums[i].rec, now, o->sums[i].ns);
	}
	for (size_t i = 0; i < o->nr_sums; i++)
		free(o->sums[i].rec);
	o->nr_sums = 0;
	free(o->sum_slots);
	o->sum_slots = NULL;
	o->sum_nslots = 0;
	return err;
}
