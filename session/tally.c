/* Samples counted by raw call chain before they are resolved (see tally.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "tally.h"
#include "../util/array.h"

/*
 * What is held is bounded by the distinct chains, not the samples; past this many
 * words of chains it is resolved early, which changes nothing (the model is the same
 * and the order of first sight is kept), so memory stays bounded however varied.
 */
#define TALLY_MAX_WORDS (8u << 20)

struct ppm_tally_entry {
	uint64_t hash;
	uint32_t pid, tid;
	int32_t attr;
	uint16_t cpumode;
	uint16_t with_ip;
	uint32_t nr;          /* call chain words, at words + off */
	uint64_t off;
	uint64_t ip;
	uint64_t period, samples;
};

void ppm_tally__init(struct ppm_tally *t, struct ppm_resolver *res)
{
	memset(t, 0, sizeof(*t));
	t->res = res;
}

void ppm_tally__release(struct ppm_tally *t)
{
	free(t->v);
	free(t->slots);
	free(t->words);
	free(t->kaddrs);
	memset(t, 0, sizeof(*t));
}

static uint64_t mix(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
	return h ^ (h >> 31);
}

/*
 * The ip is part of the key only where the resolver reads it: no call chain, or one
 * whose every word before a guest's marker is a marker (it then names the ip).
 */
static int needs_ip(const struct ppm_sample *s)
{
	if (!s->callchain || !s->nr_callchain)
		return 1;
	for (uint64_t i = 0; i < s->nr_callchain; i++) {
		uint64_t w = s->callchain[i];

		if (w < PERF_CONTEXT_MAX)
			return 0;
		if (w != PERF_CONTEXT_KERNEL && w != PERF_CONTEXT_USER)
			return 1;
	}
	return 1;
}

void ppm_tally__prepare(const struct ppm_data *d, const struct perf_event_header *h,
			struct ppm_tally_item *it)
{
	const struct ppm_sample *s = &it->s;
	uint64_t x;

	it->rc = ppm_data__parse_sample(d, h, &it->s);
	if (it->rc)
		return;
	it->with_ip = needs_ip(s);
	x = mix((uint64_t)s->pid << 32 | s->tid, (uint64_t)(uint32_t)s->attr << 32 |
		(uint64_t)(s->misc & PERF_RECORD_MISC_CPUMODE_MASK) << 1 | (uint64_t)it->with_ip);
	if (it->with_ip)
		x = mix(x, s->ip);
	for (uint64_t i = 0; s->callchain && i < s->nr_callchain; i++)
		x = mix(x, s->callchain[i]);
	it->hash = x;
}

void ppm_tally__prefetch(const struct ppm_tally *t, const struct ppm_tally_item *it, int stage)
{
	uint32_t slot;

	if (!t->nslots || it->rc)
		return;
	if (stage == 0) {
		__builtin_prefetch(&t->slots[it->hash & (t->nslots - 1)]);
		return;
	}
	slot = t->slots[it->hash & (t->nslots - 1)];
	if (slot && stage == 1)
		__builtin_prefetch(&t->v[slot - 1]);
	else if (slot && t->v[slot - 1].hash == it->hash)
		__builtin_prefetch(t->words + t->v[slot - 1].off);
}

static int same(const struct ppm_tally *t, const struct ppm_tally_entry *e,
		const struct ppm_tally_item *it)
{
	const struct ppm_sample *s = &it->s;
	uint64_t nr = s->callchain ? s->nr_callchain : 0;

	return e->hash == it->hash && e->pid == s->pid && e->tid == s->tid && e->attr == s->attr &&
	       e->cpumode == (s->misc & PERF_RECORD_MISC_CPUMODE_MASK) && e->with_ip == it->with_ip &&
	       (!it->with_ip || e->ip == s->ip) && e->nr == nr &&
	       !memcmp(t->words + e->off, s->callchain, nr * sizeof(uint64_t));
}

/* The kernel addresses a new chain holds, as the reader's pass over the file finds them. */
static int gather(struct ppm_tally *t, const struct ppm_sample *s, uint64_t nr)
{
	int kernel = (s->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;

	if (ppm_array__reserve((void **)&t->kaddrs, &t->cap_kaddrs, t->nr_kaddrs + (nr ? nr : 1),
			       sizeof(*t->kaddrs)))
		return -ENOMEM;
	if (!nr && kernel)
		t->kaddrs[t->nr_kaddrs++] = s->ip;
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t ip = s->callchain[i];

		if (ip >= PERF_CONTEXT_MAX)
			kernel = ip == PERF_CONTEXT_KERNEL;
		else if (kernel)
			t->kaddrs[t->nr_kaddrs++] = ip;
	}
	return 0;
}

static uint64_t entry_hash(const void *ctx, size_t i)
{
	return ((const struct ppm_tally *)ctx)->v[i].hash;
}

int ppm_tally__add(struct ppm_tally *t, const struct ppm_tally_item *it)
{
	const struct ppm_sample *s = &it->s;
	uint64_t nr = s->callchain ? s->nr_callchain : 0;
	struct ppm_tally_entry *e;
	size_t k;
	int err;

	if (it->rc)
		return it->rc;
	if (t->nslots) {
		for (k = it->hash & (t->nslots - 1); t->slots[k]; k = (k + 1) & (t->nslots - 1)) {
			e = &t->v[t->slots[k] - 1];
			if (same(t, e, it)) {
				e->period += s->period;
				e->samples++;
				return 0;
			}
		}
	}
	if ((t->nr_words + nr > TALLY_MAX_WORDS || t->nr + 1 >= UINT32_MAX / 2) &&
	    (err = ppm_tally__flush(t)))
		return err;
	if ((t->gather_kernel && gather(t, s, nr)) ||
	    ppm_slots__reserve(&t->slots, &t->nslots, t->nr, 4096, entry_hash, t) ||
	    ppm_array__reserve((void **)&t->v, &t->cap, t->nr + 1, sizeof(*t->v)) ||
	    ppm_array__reserve((void **)&t->words, &t->cap_words, t->nr_words + nr, sizeof(*t->words)))
		return -ENOMEM;
	for (k = it->hash & (t->nslots - 1); t->slots[k]; k = (k + 1) & (t->nslots - 1))
		;
	e = &t->v[t->nr];
	*e = (struct ppm_tally_entry){ it->hash, s->pid, s->tid, s->attr,
				       (uint16_t)(s->misc & PERF_RECORD_MISC_CPUMODE_MASK),
				       (uint16_t)it->with_ip, (uint32_t)nr, t->nr_words,
				       it->with_ip ? s->ip : 0, s->period, 1 };
	if (nr)
		memcpy(t->words + t->nr_words, s->callchain, nr * sizeof(uint64_t));
	t->nr_words += nr;
	t->slots[k] = (uint32_t)++t->nr;
	return 0;
}

/* Empties the index: slot by slot when few are used, else at once. */
static void clear_slots(struct ppm_tally *t)
{
	size_t mask = t->nslots - 1;

	if (!t->nslots)
		return;
	if (t->nr * 8 >= t->nslots) {
		memset(t->slots, 0, t->nslots * sizeof(*t->slots));
		return;
	}
	/* every entry's slot is on its probe path, maybe past slots already cleared */
	for (size_t i = 0; i < t->nr; i++) {
		size_t k = t->v[i].hash & mask;

		while (t->slots[k] != i + 1)
			k = (k + 1) & mask;
		t->slots[k] = 0;
	}
}

/* The sample an entry stands for (its period the total). */
static void sample_of(const struct ppm_tally *t, const struct ppm_tally_entry *e, struct ppm_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->attr = e->attr;
	s->misc = e->cpumode;
	s->ip = e->ip;
	s->period = e->period;
	s->pid = e->pid;
	s->tid = e->tid;
	s->nr_callchain = e->nr;
	s->callchain = e->nr ? t->words + e->off : NULL;
}

/*
 * A flush on two threads: one resolves the entries in order (the model, the frames),
 * the other hands them to the sink as they come (the hists), in the same order. What
 * they share: the frames, which cannot move while both run (reserved beforehand),
 * and the results, handed over in batches under a lock.
 */
struct job {
	struct ppm_tally *t;
	uint32_t *ids;                  /* every entry's frame ids, end to end */
	struct ppm_resolved_part *parts;
	size_t *offs;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t done;                    /* entries resolved, under mu */
	int err, stop;                  /* the resolving side's error; the sink's stop */
};

#define BATCH 64

static void *resolve_all(void *arg)
{
	struct job *j = arg;
	struct ppm_tally *t = j->t;
	size_t off = 0;
	int err = 0, stop = 0;

	for (size_t i = 0; i < t->nr && !err && !stop; i++) {
		struct ppm_sample s;

		sample_of(t, &t->v[i], &s);
		j->offs[i] = off;
		err = ppm_resolver__resolve(t->res, &s, j->ids + off, &j->parts[i]);
		off += j->parts[i].n;
		if (err || (i + 1) % BATCH == 0 || i + 1 == t->nr) {
			pthread_mutex_lock(&j->mu);
			j->done = err ? i : i + 1;
			j->err = err;
			stop = j->stop;
			pthread_cond_signal(&j->cv);
			pthread_mutex_unlock(&j->mu);
		}
	}
	return NULL;
}

static int flush_parallel(struct ppm_tally *t, int *ran)
{
	struct job j = { .t = t };
	size_t room = 0, avail = 0;
	pthread_t th;
	int err = 0, rerr = 0;

	*ran = 0;
	for (size_t i = 0; i < t->nr; i++) {
		struct ppm_sample s;

		sample_of(t, &t->v[i], &s);
		room += ppm_resolver__max_frames(&s);
	}
	j.ids = malloc(room * sizeof(*j.ids));
	j.parts = malloc(t->nr * sizeof(*j.parts));
	j.offs = malloc(t->nr * sizeof(*j.offs));
	if (!j.ids || !j.parts || !j.offs || ppm_resolver__reserve_frames(t->res, room + t->nr + 1) ||
	    pthread_mutex_init(&j.mu, NULL)) {
		free(j.ids);
		free(j.parts);
		free(j.offs);
		return 0; /* one thread, then */
	}
	pthread_cond_init(&j.cv, NULL);
	if (pthread_create(&th, NULL, resolve_all, &j)) {
		pthread_cond_destroy(&j.cv);
		pthread_mutex_destroy(&j.mu);
		free(j.ids);
		free(j.parts);
		free(j.offs);
		return 0;
	}
	*ran = 1;
	for (size_t i = 0; i < t->nr && !err; i++) {
		struct ppm_sample s;

		if (i == avail) {
			pthread_mutex_lock(&j.mu);
			while (j.done == avail && !j.err)
				pthread_cond_wait(&j.cv, &j.mu);
			avail = j.done;
			rerr = j.err;
			pthread_mutex_unlock(&j.mu);
			if (i == avail)
				break; /* the resolving side stopped with an error before i */
		}
		sample_of(t, &t->v[i], &s);
		err = ppm_resolver__deliver(t->res, &s, t->v[i].samples, &j.parts[i], j.ids + j.offs[i]);
	}
	pthread_mutex_lock(&j.mu);
	j.stop = 1;
	pthread_mutex_unlock(&j.mu);
	pthread_join(th, NULL);
	rerr = rerr ? rerr : j.err;
	pthread_cond_destroy(&j.cv);
	pthread_mutex_destroy(&j.mu);
	free(j.ids);
	free(j.parts);
	free(j.offs);
	return err ? err : rerr;
}

int ppm_tally__flush(struct ppm_tally *t)
{
	int err = 0, ran = 0;

	if (t->parallel_min && t->nr >= t->parallel_min)
		err = flush_parallel(t, &ran);
	for (size_t i = 0; i < t->nr && !err && !ran; i++) {
		struct ppm_sample s;

		sample_of(t, &t->v[i], &s);
		err = ppm_resolver__counted(t->res, &s, t->v[i].samples);
	}
	clear_slots(t);
	t->nr = 0;
	t->nr_words = 0;
	return err;
}
