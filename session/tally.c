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
#define TALLY_MAX_ENTRIES ((size_t)1 << 20)

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

static void stop(struct ppm_tally *t);
static int start(struct ppm_tally *t);
static void new_entry(struct ppm_tally *t);

void ppm_tally__init(struct ppm_tally *t, struct ppm_resolver *res)
{
	memset(t, 0, sizeof(*t));
	t->res = res;
	t->kernel_from = SIZE_MAX;
}

void ppm_tally__release(struct ppm_tally *t)
{
	stop(t);
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

/* The high and low halves of a 128-bit product, folded: every bit of both in each. */
static inline uint64_t fold_mul(uint64_t a, uint64_t b)
{
	unsigned __int128 m = (unsigned __int128)a * b;

	return (uint64_t)m ^ (uint64_t)(m >> 64);
}

/*
 * A call chain's words into the hash two at a time, one multiply a pair: the hash of
 * every sample's whole chain was a tenth of the reading's instructions a word at a time.
 */
static uint64_t chain_hash(uint64_t x, const uint64_t *w, uint64_t n)
{
	uint64_t i = 0;

	for (; i + 2 <= n; i += 2)
		x = fold_mul(x ^ w[i], w[i + 1] ^ 0x9E3779B97F4A7C15ULL);
	if (i < n)
		x = fold_mul(x ^ w[i], 0xC2B2AE3D27D4EB4FULL);
	return x;
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
	if (s->callchain)
		x = chain_hash(x, s->callchain, s->nr_callchain);
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
	size_t before = t->nr_kaddrs;

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
	if (t->nr_kaddrs > before && t->nr < t->kernel_from)
		t->kernel_from = t->nr;  /* this entry's, to be made: it waits for the flush */
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
	if (t->early > 0 && !t->tried) {
		t->tried = 1;
		start(t); /* or, failing, on one thread */
	}
	if ((t->nr_words + nr > TALLY_MAX_WORDS || t->nr + 1 >= UINT32_MAX / 2 ||
	     (t->worker && t->nr + 1 > TALLY_MAX_ENTRIES)) &&
	    (err = t->on_full ? t->on_full(t->on_full_arg) : ppm_tally__flush(t)))
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
	new_entry(t);
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

/* The sample an entry stands for, as resolving needs it: its counts are not read (the
 * worker resolves while the reader adds to them). */
static void chain_of(const struct ppm_tally *t, const struct ppm_tally_entry *e, struct ppm_sample *s)
{
	memset(s, 0, sizeof(*s));
	s->attr = e->attr;
	s->misc = e->cpumode;
	s->ip = e->ip;
	s->pid = e->pid;
	s->tid = e->tid;
	s->nr_callchain = e->nr;
	s->callchain = e->nr ? t->words + e->off : NULL;
}

/* The sample an entry stands for (its period the total). */
static void sample_of(const struct ppm_tally *t, const struct ppm_tally_entry *e, struct ppm_sample *s)
{
	chain_of(t, e, s);
	s->period = e->period;
}

/*
 * Resolving beside the counting. While the reader counts, a second thread resolves the
 * entries already made, in the order they were made: between two changes of the model
 * an entry resolves the same whenever it is resolved. The flush then waits for the
 * rest and hands everything to the sink on the reader's thread, in order.
 *
 * What the two threads share, and how:
 * - the entries and their chains: fixed in place for as long as the worker runs (their
 *   arrays are made at full size once, TALLY_MAX_ENTRIES and TALLY_MAX_WORDS, and are
 *   only written past what was published); the counts, which the reader keeps adding
 *   to, are not read by the worker;
 * - the resolver (model, frames): the worker's alone while it has work. The reader
 *   waits for it to be idle (ppm_tally__quiesce) before anything else of the resolver's
 *   is touched: another record, the kernel's symbols, the flush;
 * - its results (frame ids, parts): the worker's until the flush has waited for it.
 * Entries holding kernel addresses wait for the flush when the kernel's symbols are
 * still to be read for them (gather_kernel): they are published only then.
 */
#define PUBLISH_EVERY 64

struct tally_worker {
	struct ppm_tally *t;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	size_t published;               /* entries the worker may resolve (under mu) */
	size_t done;                    /* entries it resolved (under mu) */
	int err, quit, waiting;
	/* the worker's: every entry's frame ids, end to end */
	uint32_t *ids;
	size_t nr_ids, cap_ids;
	struct ppm_resolved_part *parts;
	size_t cap_parts;
	size_t *offs;
	size_t cap_offs;
};

/* Resolves entry i on the worker: 0 or -errno. */
static int resolve_one(struct tally_worker *w, size_t i)
{
	struct ppm_tally *t = w->t;
	struct ppm_sample s;

	chain_of(t, &t->v[i], &s);
	if (ppm_array__reserve((void **)&w->ids, &w->cap_ids, w->nr_ids + ppm_resolver__max_frames(&s),
			       sizeof(*w->ids)) ||
	    ppm_array__reserve((void **)&w->parts, &w->cap_parts, i + 1, sizeof(*w->parts)) ||
	    ppm_array__reserve((void **)&w->offs, &w->cap_offs, i + 1, sizeof(*w->offs)))
		return -ENOMEM;
	w->offs[i] = w->nr_ids;
	if (ppm_resolver__resolve(t->res, &s, w->ids + w->nr_ids, &w->parts[i]))
		return -ENOMEM;
	w->nr_ids += w->parts[i].n;
	return 0;
}

static void *work(void *arg)
{
	struct tally_worker *w = arg;
	size_t done = 0;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		size_t to;
		int err = 0;

		while (!w->quit && (w->err || w->done == w->published)) {
			w->waiting = 1;
			pthread_cond_broadcast(&w->idle);
			pthread_cond_wait(&w->work, &w->mu);
			w->waiting = 0;
		}
		if (w->quit)
			break;
		done = w->done;
		to = w->published;
		pthread_mutex_unlock(&w->mu);
		while (done < to && !(err = resolve_one(w, done)))
			done++;
		pthread_mutex_lock(&w->mu);
		w->done = done;
		w->err = err;
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void free_worker(struct tally_worker *w)
{
	free(w->ids);
	free(w->parts);
	free(w->offs);
	free(w);
}

/* The worker, started with the entries' arrays made at full size: 0, or -errno (the
 * tally then resolves on one thread). */
static int start(struct ppm_tally *t)
{
	struct tally_worker *w;

	if (t->nr || ppm_array__reserve((void **)&t->v, &t->cap, TALLY_MAX_ENTRIES, sizeof(*t->v)) ||
	    ppm_array__reserve((void **)&t->words, &t->cap_words, TALLY_MAX_WORDS, sizeof(*t->words)))
		return -ENOMEM;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->t = t;
	/* its own arrays at full size too: growing them copied into fresh memory (only the
	 * pages used are ever touched) */
	if (ppm_array__reserve((void **)&w->ids, &w->cap_ids, TALLY_MAX_WORDS + TALLY_MAX_ENTRIES,
			       sizeof(*w->ids)) ||
	    ppm_array__reserve((void **)&w->parts, &w->cap_parts, TALLY_MAX_ENTRIES, sizeof(*w->parts)) ||
	    ppm_array__reserve((void **)&w->offs, &w->cap_offs, TALLY_MAX_ENTRIES, sizeof(*w->offs))) {
		free_worker(w);
		return -ENOMEM;
	}
	if (pthread_mutex_init(&w->mu, NULL)) {
		free_worker(w);
		return -ENOMEM;
	}
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->idle, NULL);
	if (pthread_create(&w->th, NULL, work, w)) {
		pthread_cond_destroy(&w->work);
		pthread_cond_destroy(&w->idle);
		pthread_mutex_destroy(&w->mu);
		free_worker(w);
		return -EAGAIN;
	}
	t->worker = w;
	return 0;
}

static void stop(struct ppm_tally *t)
{
	struct tally_worker *w = t->worker;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->quit = 1;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->idle);
	pthread_mutex_destroy(&w->mu);
	free_worker(w);
	t->worker = NULL;
}

/* Lets the worker resolve the entries before upto (at most those that may be). */
static void publish(struct ppm_tally *t, size_t upto)
{
	struct tally_worker *w = t->worker;

	if (upto > t->kernel_from)
		upto = t->kernel_from;
	pthread_mutex_lock(&w->mu);
	if (upto > w->published) {
		w->published = upto;
		pthread_cond_signal(&w->work);
	}
	pthread_mutex_unlock(&w->mu);
}

/* Waits for the worker to be idle. Its error, or 0. */
static int wait_idle(struct tally_worker *w)
{
	int err;

	pthread_mutex_lock(&w->mu);
	while (!w->err && w->done < w->published)
		pthread_cond_wait(&w->idle, &w->mu);
	err = w->err;
	pthread_mutex_unlock(&w->mu);
	return err;
}

int ppm_tally__quiesce(struct ppm_tally *t)
{
	return t->worker ? wait_idle(t->worker) : 0;
}

static void new_entry(struct ppm_tally *t)
{
	if (t->worker && t->nr % PUBLISH_EVERY == 0)
		publish(t, t->nr);
}

/* The flush with the worker: what is left resolved, then all handed over in order. */
static int flush_worker(struct ppm_tally *t)
{
	struct tally_worker *w = t->worker;
	int err;

	t->kernel_from = SIZE_MAX;  /* the kernel's symbols are read by now (reader.c) */
	publish(t, t->nr);
	err = wait_idle(w);
	for (size_t i = 0; i < t->nr && !err; i++) {
		struct ppm_sample s;

		sample_of(t, &t->v[i], &s);
		err = ppm_resolver__deliver(t->res, &s, t->v[i].samples, &w->parts[i], w->ids + w->offs[i]);
	}
	pthread_mutex_lock(&w->mu);
	w->published = w->done = 0;
	w->err = 0;
	pthread_mutex_unlock(&w->mu);
	w->nr_ids = 0;
	return err;
}

int ppm_tally__flush(struct ppm_tally *t)
{
	int err = 0;

	if (t->worker) {
		err = flush_worker(t);
	} else {
		for (size_t i = 0; i < t->nr && !err; i++) {
			struct ppm_sample s;

			sample_of(t, &t->v[i], &s);
			err = ppm_resolver__counted(t->res, &s, t->v[i].samples);
		}
	}
	clear_slots(t);
	t->nr = 0;
	t->nr_words = 0;
	t->kernel_from = SIZE_MAX;
	return err;
}
