/* Records to resolved samples (see resolve.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "resolve.h"
#include "session.h"
#include "../maps/unwind.h"
#include "../util/array.h"

/*
 * Remembers (pid, address) -> frame id answers while the model stands: stacks repeat
 * their frames (1M samples of 100,000 stacks hold 1.75M frames of 28,673 addresses).
 * Open addressing, grown as distinct addresses come, so an address is looked up in
 * the model once per generation; slots of an older generation count as empty (no
 * clearing at each change). Past FCACHE_MAX slots it starts again empty: a cache,
 * bounded.
 */
#define FCACHE_MIN 4096
#define FCACHE_MAX ((size_t)1 << 22)

struct ppm_fcache_slot {
	uint64_t addr;
	int32_t pid;
	int32_t kernel;          /* kernel | looked back (a return address) << 1 */
	uint32_t frame;
	uint32_t valid;          /* the generation + 1 it was made in */
};

static size_t fcache_at(uint64_t look, pid_t pid, int32_t how, size_t mask)
{
	return (size_t)(((look ^ (uint64_t)(uint32_t)pid << 40 ^ (uint64_t)how << 62) *
			 0x9E3779B97F4A7C15ULL) >> 32) & mask;
}

/* Room for one more answer of this generation: 0, or -ENOMEM (the cache is then unused). */
static int fcache_room(struct ppm_resolver *r)
{
	uint32_t valid = (uint32_t)r->generation + 1;
	struct ppm_fcache_slot *v;
	size_t n;

	if ((r->fcache_nr + 1) * 2 <= r->fcache_slots)
		return 0;
	n = r->fcache_slots ? r->fcache_slots * 2 : FCACHE_MIN;
	if (n > FCACHE_MAX) {   /* full: begun again, at the same size */
		memset(r->fcache, 0, r->fcache_slots * sizeof(*r->fcache));
		r->fcache_nr = 0;
		return 0;
	}
	v = malloc(n * sizeof(*v));  /* not calloc: zeroed after the hint, in huge pages */
	if (!v)
		return -ENOMEM;
	ppm_mem__huge(v, n * sizeof(*v));
	memset(v, 0, n * sizeof(*v));
	for (size_t i = 0; i < r->fcache_slots; i++) {
		const struct ppm_fcache_slot *s = &r->fcache[i];
		size_t k;

		if (s->valid != valid)
			continue;
		for (k = fcache_at(s->addr, s->pid, s->kernel, n - 1); v[k].valid; k = (k + 1) & (n - 1))
			;
		v[k] = *s;
	}
	free(r->fcache);
	r->fcache = v;
	r->fcache_slots = n;
	return 0;
}

int ppm_resolver__init(struct ppm_resolver *r, struct ppm_machine *m, int show_interpreter,
		       ppm_sample_sink sink, void *sink_arg)
{
	memset(r, 0, sizeof(*r));
	r->m = m;
	r->show_interpreter = show_interpreter;
	r->python_self = !show_interpreter;
	r->python_dso.path = (char *)"[python]";
	r->python_dso.file = r->python_dso.path;
	r->python_dso.short_name = r->python_dso.path;
	r->python_dso.kind = PPM_DSO_PERFMAP;
	r->python_dso.loaded = 1;
	r->sink = sink;
	r->sink_arg = sink_arg;
	r->chain = malloc(PPM_RESOLVE_MAX_FRAMES * sizeof(*r->chain));
	if (!r->chain) {
		ppm_resolver__release(r);
		return -ENOMEM;
	}
	return 0;
}

void ppm_resolver__release(struct ppm_resolver *r)
{
	free(r->fcache);
	free(r->chain);
	free(r->kinds);
	free(r->activated);
	free(r->unwound);
	ppm_unwinder__free(r->unwinder);
	for (size_t i = 0; i < r->nr_py_syms; i++) {
		free((char *)r->py_syms[i]->name);
		free(r->py_syms[i]);
	}
	free(r->py_syms);
	free(r->py_slots);
	r->py_syms = NULL;
	r->py_slots = NULL;
	r->nr_py_syms = 0;
	r->unwinder = NULL;
	r->unwound = NULL;
	ppm_frames__release(&r->frames);
	free(r->memo);
	free(r->memo_slots);
	free(r->memo_words);
	free(r->memo_ids);
	r->memo = NULL;
	r->memo_slots = NULL;
	r->memo_words = NULL;
	r->memo_ids = NULL;
	r->fcache = NULL;
	r->chain = NULL;
	r->kinds = NULL;
	r->activated = NULL;
}

int ppm_resolver__set_activated(struct ppm_resolver *r, const void *pids, size_t bytes)
{
	uint32_t *v;

	if (bytes < 4)
		return 0;
	v = malloc(bytes);
	if (!v)
		return -ENOMEM;
	memcpy(v, pids, bytes);
	free(r->activated);
	r->activated = v;
	r->nr_activated = bytes / 4;
	return 0;
}

static uint64_t py_hash_idx(const void *ctx, size_t i)
{
	return ppm_hash__str(((const struct ppm_resolver *)ctx)->py_syms[i]->name);
}

/*
 * The one symbol of a Python function's name: the first process's entry stands for
 * every process's (a worker pool's maps name the same functions at other addresses).
 * NULL when out of memory.
 */
static const struct ppm_symbol *python_symbol(struct ppm_resolver *r, const struct ppm_symbol *sym)
{
	struct ppm_symbol *copy;
	size_t k;

	if (ppm_slots__reserve(&r->py_slots, &r->py_nslots, r->nr_py_syms, 256, py_hash_idx, r))
		return NULL;
	for (k = ppm_hash__str(sym->name) & (r->py_nslots - 1); r->py_slots[k];
	     k = (k + 1) & (r->py_nslots - 1))
		if (!strcmp(r->py_syms[r->py_slots[k] - 1]->name, sym->name))
			return r->py_syms[r->py_slots[k] - 1];
	if (ppm_array__reserve((void **)&r->py_syms, &r->cap_py_syms, r->nr_py_syms + 1,
			       sizeof(*r->py_syms)))
		return NULL;
	copy = malloc(sizeof(*copy));
	if (!copy || !(copy->name = strdup(sym->name))) {
		free(copy);
		return NULL;
	}
	copy->start = sym->start;
	copy->end = sym->end;
	copy->prio = sym->prio;
	r->py_syms[r->nr_py_syms++] = copy;
	r->py_slots[k] = (uint32_t)r->nr_py_syms;
	return copy;
}

static int frame_of(struct ppm_resolver *r, pid_t pid, uint64_t addr, int kernel, int caller,
		    uint32_t *id)
{
	uint64_t look = caller && addr ? addr - 1 : addr; /* a return address: the call is before it */
	/* a return address and the same address where a sample was taken are two frames
	 * when unnamed (their offsets differ by the 1 looked back) */
	int32_t how = kernel | (look != addr) << 1;
	uint32_t valid = (uint32_t)r->generation + 1;
	struct ppm_resolved res;
	struct ppm_frame f;
	int err;

	if (r->fcache_gen != r->generation) {
		r->fcache_gen = r->generation;
		r->fcache_nr = 0;
	}
	if (r->fcache_slots) {
		size_t mask = r->fcache_slots - 1, k;

		for (k = fcache_at(look, pid, how, mask); r->fcache[k].valid == valid; k = (k + 1) & mask) {
			const struct ppm_fcache_slot *s = &r->fcache[k];

			if (s->addr == look && s->pid == pid && s->kernel == how) {
				*id = s->frame;
				return 0;
			}
		}
	}
	ppm_machine__resolve(r->m, pid, look, kernel, &res);
	f.dso = res.dso;
	f.sym = res.sym;
	if (res.sym && ppm_name__is_python(res.sym->name)) {
		f.sym = python_symbol(r, res.sym);
		if (!f.sym)
			return -ENOMEM;
		f.dso = &r->python_dso;
	}
	f.rel = res.sym ? 0 : (res.dso ? res.rel : look) + (look != addr);
	f.kernel = kernel;
	err = ppm_frames__intern(&r->frames, &f, id);
	if (err)
		return err;
	if (!fcache_room(r)) {
		size_t mask = r->fcache_slots - 1, k;

		for (k = fcache_at(look, pid, how, mask); r->fcache[k].valid == valid; k = (k + 1) & mask)
			;
		r->fcache[k] = (struct ppm_fcache_slot){ look, pid, how, *id, valid };
		r->fcache_nr++;
	}
	return 0;
}

static int resolve_sample(struct ppm_resolver *r, const struct ppm_sample *s);

/* ppm_frame__kind, remembered per frame id (it compares names). */
static enum ppm_frame_kind kind_of(struct ppm_resolver *r, uint32_t id)
{
	enum ppm_frame_kind kind;

	if (ppm_array__reserve_zeroed((void **)&r->kinds, &r->nr_kinds, (size_t)id + 1, 1))
		return ppm_frame__kind(&r->frames.v[id]);
	if (r->kinds[id])
		return (enum ppm_frame_kind)(r->kinds[id] - 1);
	kind = ppm_frame__kind(&r->frames.v[id]);
	r->kinds[id] = (uint8_t)(kind + 1);
	return kind;
}

/* Drops interpreter frames that sit between two Python frames (chain is leaf first). */
static size_t fold_glue(struct ppm_resolver *r, uint32_t *chain, size_t n)
{
	size_t out = 0, first_py = n, last_py = n;

	for (size_t i = 0; i < n; i++)
		if (kind_of(r, chain[i]) == PPM_FRAME_PYTHON) {
			if (first_py == n)
				first_py = i;
			last_py = i;
		}
	if (first_py == n || first_py == last_py)
		return n;
	for (size_t i = 0; i < n; i++) {
		if (i > first_py && i < last_py && kind_of(r, chain[i]) == PPM_FRAME_GLUE)
			continue;
		chain[out++] = chain[i];
	}
	return out;
}

/* The interpreter's wait for the GIL: the one frame of its own a reader of waits needs. */
static int is_gil_wait(const struct ppm_resolver *r, uint32_t id)
{
	const struct ppm_frame *f = &r->frames.v[id];

	return f->sym && !strcmp(f->sym->name, "take_gil");
}

/*
 * The interpreter's frames right under the innermost Python frame (the eval loop and
 * what it calls in libpython) are that function's own work: dropped, so the Python
 * frame holds their time as its self time. Native code outside the interpreter (a C
 * extension, libc, the kernel) stays a frame of its own, and so does take_gil: a
 * thread waiting for the GIL is shown waiting for it.
 */
static size_t fold_python_self(struct ppm_resolver *r, uint32_t *chain, size_t n)
{
	size_t py = 0, glue;

	while (py < n && kind_of(r, chain[py]) != PPM_FRAME_PYTHON)
		py++;
	if (py == n || py == 0)
		return n;
	for (glue = py; glue > 0 && kind_of(r, chain[glue - 1]) == PPM_FRAME_GLUE; glue--)
		;
	for (size_t i = py; i > glue; i--)
		if (is_gil_wait(r, chain[i - 1])) {
			glue = i; /* keep take_gil and what it called */
			break;
		}
	if (glue == py)
		return n;
	memmove(chain + glue, chain + py, (n - py) * sizeof(*chain));
	return n - (py - glue);
}

struct ppm_resolve_stats ppm_resolver__event_stats(const struct ppm_resolver *r, int event)
{
	struct ppm_resolve_stats st = r->stats;

	if (event >= 0 && event < PPM_RESOLVE_EVENTS) {
		st.unresolved = r->by_event[event].unresolved;
		st.incomplete = r->by_event[event].incomplete;
	}
	return st;
}

void ppm_resolver__invalidate(struct ppm_resolver *r)
{
	r->generation++;
}

/*
 * A Python function that was running before pyperfmap switched the trampoline on in
 * its process (attach) has no stub, so nothing names it: the eval-loop frames the
 * trampoline would have named (those rootward of the outermost named Python frame)
 * become one frame of this symbol, Python time without a name, in the interpreter.
 */
static const struct ppm_symbol entered_before = { 0, 0, "py::[entered before attach]", 0 };

static int was_activated(const struct ppm_resolver *r, pid_t pid)
{
	for (size_t i = 0; i < r->nr_activated; i++)
		if (r->activated[i] == (uint32_t)pid)
			return 1;
	return 0;
}

/* An eval-loop frame: by its name, or unnamed in the interpreter (a stripped one). */
static int is_eval_loop(struct ppm_resolver *r, uint32_t id)
{
	const struct ppm_frame *f = &r->frames.v[id];

	if (kind_of(r, id) != PPM_FRAME_GLUE)
		return 0;
	return f->sym ? !strcmp(f->sym->name, "_PyEval_EvalFrameDefault") : 1;
}

static size_t mark_entered_before(struct ppm_resolver *r, uint32_t *chain, size_t n)
{
	size_t outer = 0, out = 0;
	int have_py = 0, marked = 0;

	for (size_t i = 0; i < n; i++)
		if (kind_of(r, chain[i]) == PPM_FRAME_PYTHON) {
			outer = i;
			have_py = 1;
		}
	for (size_t i = 0; i < n; i++) {
		if ((!have_py || i > outer) && is_eval_loop(r, chain[i])) {
			struct ppm_frame f = { r->frames.v[chain[i]].dso, &entered_before, 0, 0 };

			if (marked)
				continue; /* the frames entered before are one unnamed span */
			if (ppm_frames__intern(&r->frames, &f, &chain[out]))
				return n;
			out++;
			marked = 1;
			continue;
		}
		chain[out++] = chain[i];
	}
	return out;
}

int ppm_resolver__sample(struct ppm_resolver *r, const struct ppm_sample *s)
{
	struct ppm_sample unwound;

	if (r->unwinder && s->stack && ppm_resolver__unwind_sample(r, s, &unwound))
		s = &unwound;
	if (r->frames_off) {
		struct ppm_resolved_sample rs = { s, NULL, NULL, 0, s->callchain && s->nr_callchain, 0, 1 };

		return r->sink ? r->sink(r->sink_arg, &rs) : 0;
	}
	return resolve_sample(r, s);
}

/* Without the memo: a tally hands each distinct chain over once per generation. */
int ppm_resolver__counted(struct ppm_resolver *r, const struct ppm_sample *s, uint64_t samples)
{
	struct ppm_resolved_part part;
	int err = ppm_resolver__resolve(r, s, r->chain, &part);

	return err ? err : ppm_resolver__deliver(r, s, samples, &part, r->chain);
}

/*
 * A sample's frames from its call chain (or its ip): into r->chain, with how many of
 * them end an incomplete stack or have no symbol. The count of frames, or -errno.
 */
static int resolve_chain(struct ppm_resolver *r, const struct ppm_sample *s, uint32_t *incomplete,
			 uint32_t *unresolved, int *by_ip)
{
	int kernel = (s->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
	size_t n = 0;
	int err;

	if (s->callchain && s->nr_callchain) {
		int first_in_ctx = 1;

		for (uint64_t i = 0; i < s->nr_callchain && n < PPM_RESOLVE_MAX_FRAMES; i++) {
			uint64_t ip = s->callchain[i];

			if (ip >= PERF_CONTEXT_MAX) {
				kernel = ip == PERF_CONTEXT_KERNEL;
				first_in_ctx = 1;
				if (ip != PERF_CONTEXT_KERNEL && ip != PERF_CONTEXT_USER)
					break; /* guest or hypervisor frames: not ours to name */
				continue;
			}
			/* A 0 frame ends a stack the recorder's unwinder could not finish. */
			if (!ip && !kernel)
				++*incomplete;
			err = frame_of(r, (pid_t)s->pid, ip, kernel, !first_in_ctx, &r->chain[n]);
			if (err)
				return err;
			first_in_ctx = 0;
			*unresolved += !r->frames.v[r->chain[n]].sym;
			n++;
		}
	}
	if (!n) {
		*by_ip = 1;
		err = frame_of(r, (pid_t)s->pid, s->ip, kernel, 0, &r->chain[0]);
		if (err)
			return err;
		*unresolved += !r->frames.v[r->chain[0]].sym;
		n = 1;
	}
	if (r->nr_activated && !r->show_interpreter && was_activated(r, (pid_t)s->pid))
		n = mark_entered_before(r, r->chain, n);
	if (!r->show_interpreter)
		n = fold_glue(r, r->chain, n);
	if (r->python_self && !r->show_interpreter)
		n = fold_python_self(r, r->chain, n);
	return (int)n;
}

/*
 * Samples repeat their stacks: a raw call chain (with its pid and whether its ip is
 * the kernel's) is resolved once per model generation, and its answer remembered.
 * The memory is the distinct chains'; past PPM_MEMO_WORDS it starts again empty.
 */
#define PPM_MEMO_WORDS (32u << 20)

struct ppm_memo_entry {
	uint64_t hash;
	int32_t pid;
	uint32_t key_n, out_n;
	uint32_t incomplete, unresolved;
	size_t key_off, out_off;
};

static void memo_clear(struct ppm_resolver *r)
{
	r->nr_memo = 0;
	r->nr_memo_words = 0;
	r->nr_memo_ids = 0;
	free(r->memo_slots);
	r->memo_slots = NULL;
	r->memo_nslots = 0;
	r->memo_gen = r->generation;
	r->memo_epoch++;
}

static uint64_t memo_hash_idx(const void *ctx, size_t i)
{
	return ((const struct ppm_resolver *)ctx)->memo[i].hash;
}

/* The key of s: a word of flags, then its call chain (or its ip). */
static const uint64_t *memo_key(const struct ppm_sample *s, uint64_t *head, uint32_t *n)
{
	int kernel = (s->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
	int chained = s->callchain && s->nr_callchain;

	*head = (uint64_t)kernel | (uint64_t)chained << 1;
	if (chained) {
		*n = (uint32_t)s->nr_callchain;
		return s->callchain;
	}
	*n = 1;
	return &s->ip;
}

static uint64_t memo_hash(int32_t pid, uint64_t head, const uint64_t *w, uint32_t n)
{
	uint64_t h = ((uint64_t)(uint32_t)pid << 32 | head) * 0x9E3779B97F4A7C15ULL;

	for (uint32_t i = 0; i < n; i++) {
		h = (h ^ w[i]) * 0x9E3779B97F4A7C15ULL;
		h ^= h >> 31;
	}
	return h;
}

static int memo_same(const struct ppm_resolver *r, const struct ppm_memo_entry *e, uint64_t hash,
		     int32_t pid, uint64_t head, const uint64_t *w, uint32_t n)
{
	const uint64_t *k = r->memo_words + e->key_off;

	return e->hash == hash && e->pid == pid && e->key_n == n + 1 && k[0] == head &&
	       !memcmp(k + 1, w, n * sizeof(*w));
}

/* Remembers r->chain[0..n) as the answer for the key; out of memory only forgets (-1). */
static int memo_add(struct ppm_resolver *r, uint64_t hash, int32_t pid, uint64_t head,
		     const uint64_t *w, uint32_t kn, size_t n, uint32_t incomplete, uint32_t unresolved)
{
	struct ppm_memo_entry *e;
	size_t k;

	if (r->nr_memo_words + kn + 1 > PPM_MEMO_WORDS || r->nr_memo + 1 >= UINT32_MAX / 2)
		memo_clear(r);
	if (ppm_slots__reserve(&r->memo_slots, &r->memo_nslots, r->nr_memo, 4096, memo_hash_idx, r) ||
	    ppm_array__reserve((void **)&r->memo, &r->cap_memo, r->nr_memo + 1, sizeof(*r->memo)) ||
	    ppm_array__reserve((void **)&r->memo_words, &r->cap_memo_words, r->nr_memo_words + kn + 1,
			       sizeof(*r->memo_words)) ||
	    ppm_array__reserve((void **)&r->memo_ids, &r->cap_memo_ids, r->nr_memo_ids + n,
			       sizeof(*r->memo_ids)))
		return -1;
	for (k = hash & (r->memo_nslots - 1); r->memo_slots[k]; k = (k + 1) & (r->memo_nslots - 1))
		;
	e = &r->memo[r->nr_memo];
	*e = (struct ppm_memo_entry){ hash, pid, kn + 1, (uint32_t)n, incomplete, unresolved,
				      r->nr_memo_words, r->nr_memo_ids };
	r->memo_words[r->nr_memo_words] = head;
	memcpy(r->memo_words + r->nr_memo_words + 1, w, kn * sizeof(*w));
	memcpy(r->memo_ids + r->nr_memo_ids, r->chain, n * sizeof(*r->chain));
	r->nr_memo_words += kn + 1;
	r->nr_memo_ids += n;
	r->memo_slots[k] = (uint32_t)++r->nr_memo;
	return 0;
}

void ppm_resolver__prefetch(struct ppm_resolver *r, const struct ppm_data *d,
			    const struct perf_event_header *h, int stage)
{
	int kernel = (h->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
	uint64_t st = d->attrs[0].attr.sample_type, ip, nr, hash;
	const uint64_t *chain, *p = (const uint64_t *)(h + 1);
	int32_t pid;
	uint32_t slot;

	if (h->type != PERF_RECORD_SAMPLE || !r->memo_nslots || r->unwinder || d->chain_pos < 0 ||
	    !(st & PERF_SAMPLE_TID) || ppm_data__sample_chain(d, h, &ip, &chain, &nr))
		return;
	/* [identifier] [ip] pid|tid: before the chain, which was found in the record */
	pid = (int32_t)(uint32_t)p[!!(st & PERF_SAMPLE_IDENTIFIER) + !!(st & PERF_SAMPLE_IP)];
	hash = nr ? memo_hash(pid, (uint64_t)kernel | 2, chain, (uint32_t)nr)
		  : memo_hash(pid, (uint64_t)kernel, &ip, 1);
	if (stage == 0) {
		__builtin_prefetch(&r->memo_slots[hash & (r->memo_nslots - 1)]);
		return;
	}
	slot = r->memo_slots[hash & (r->memo_nslots - 1)];
	if (slot) {
		const struct ppm_memo_entry *e = &r->memo[slot - 1];

		__builtin_prefetch(e);
		if (e->hash == hash) {
			__builtin_prefetch(r->memo_words + e->key_off);
			__builtin_prefetch(r->memo_ids + e->out_off);
		}
	}
}

static int resolve_sample(struct ppm_resolver *r, const struct ppm_sample *s)
{
	struct ppm_resolved_sample rs = { s, NULL, r->chain, 0, 0, 0, 1 };
	struct ppm_resolve_event_stats *ev = s->attr >= 0 && s->attr < PPM_RESOLVE_EVENTS ?
						     &r->by_event[s->attr] : NULL;
	uint32_t incomplete = 0, unresolved = 0, kn;
	uint64_t head, hash;
	const uint64_t *key = memo_key(s, &head, &kn);
	const struct ppm_memo_entry *hit = NULL;
	int n, by_ip = 0;

	rs.comm = ppm_machine__comm_of(r->m, (pid_t)s->pid, (pid_t)s->tid);
	rs.has_callchain = s->callchain && s->nr_callchain;
	if (r->memo_gen != r->generation)
		memo_clear(r);
	hash = memo_hash((int32_t)s->pid, head, key, kn);
	for (size_t k = r->memo_nslots ? hash & (r->memo_nslots - 1) : 0;
	     r->memo_nslots && r->memo_slots[k]; k = (k + 1) & (r->memo_nslots - 1))
		if (memo_same(r, &r->memo[r->memo_slots[k] - 1], hash, (int32_t)s->pid, head, key, kn)) {
			hit = &r->memo[r->memo_slots[k] - 1];
			break;
		}
	if (hit) {
		rs.chain_key = r->memo_epoch << 32 | (uint64_t)(hit - r->memo + 1);
		rs.chain = r->memo_ids + hit->out_off;
		rs.nr = hit->out_n;
		incomplete = hit->incomplete;
		unresolved = hit->unresolved;
	} else {
		n = resolve_chain(r, s, &incomplete, &unresolved, &by_ip);
		if (n < 0)
			return n;
		rs.nr = (size_t)n;
		/* an answer from the ip is not the chain's (a chain of markers only) */
		if (r->memo_gen == r->generation && (!by_ip || !rs.has_callchain) &&
		    !memo_add(r, hash, (int32_t)s->pid, head, key, kn, rs.nr, incomplete, unresolved))
			rs.chain_key = r->memo_epoch << 32 | r->nr_memo;
	}
	r->stats.incomplete += incomplete;
	r->stats.unresolved += unresolved;
	if (ev) {
		ev->incomplete += incomplete;
		ev->unresolved += unresolved;
	}
	return r->sink ? r->sink(r->sink_arg, &rs) : 0;
}

int ppm_resolver__resolve(struct ppm_resolver *r, const struct ppm_sample *s, uint32_t *ids,
			  struct ppm_resolved_part *part)
{
	uint32_t incomplete = 0, unresolved = 0;
	int n, by_ip = 0;

	part->comm = ppm_machine__comm_of(r->m, (pid_t)s->pid, (pid_t)s->tid);
	n = resolve_chain(r, s, &incomplete, &unresolved, &by_ip);
	if (n < 0)
		return n;
	if (ids != r->chain)
		memcpy(ids, r->chain, (size_t)n * sizeof(*ids));
	part->n = (uint32_t)n;
	part->incomplete = incomplete;
	part->unresolved = unresolved;
	return 0;
}

int ppm_resolver__deliver(struct ppm_resolver *r, const struct ppm_sample *s, uint64_t samples,
			  const struct ppm_resolved_part *part, const uint32_t *ids)
{
	struct ppm_resolved_sample rs = { s, part->comm, ids, part->n,
					  s->callchain && s->nr_callchain, 0, samples };

	r->stats.incomplete += part->incomplete * samples;
	r->stats.unresolved += part->unresolved * samples;
	if (s->attr >= 0 && s->attr < PPM_RESOLVE_EVENTS) {
		r->by_event[s->attr].incomplete += part->incomplete * samples;
		r->by_event[s->attr].unresolved += part->unresolved * samples;
	}
	return r->sink ? r->sink(r->sink_arg, &rs) : 0;
}

size_t ppm_resolver__max_frames(const struct ppm_sample *s)
{
	uint64_t n = s->callchain ? s->nr_callchain : 0;

	return n > PPM_RESOLVE_MAX_FRAMES ? PPM_RESOLVE_MAX_FRAMES : n ? (size_t)n : 1;
}

int ppm_resolver__record(struct ppm_resolver *r, const struct ppm_data *d,
			 const struct perf_event_header *h)
{
	const unsigned char *p = (const unsigned char *)(h + 1);
	size_t body = h->size - sizeof(*h);
	uint64_t v[2];

	switch (h->type) {
	case PERF_RECORD_SAMPLE: {
		struct ppm_sample s;

		if (ppm_data__parse_sample(d, h, &s))
			return -EINVAL;
		return ppm_resolver__sample(r, &s);
	}
	case PERF_RECORD_MMAP:
	case PERF_RECORD_MMAP2:
	case PERF_RECORD_COMM:
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT: {
		int rc = ppm_sideband__apply(r->m, h);

		if (rc > 0)
			r->generation++;
		return rc < 0 ? rc : 0;
	}
	case PERF_RECORD_THROTTLE:
		r->stats.throttled++;
		return 0;
	case PERF_RECORD_LOST:
		if (body < 16)
			return -EINVAL;
		memcpy(v, p, 16);
		r->stats.lost += v[1];
		return 0;
	case PERF_RECORD_LOST_SAMPLES:
		if (body < 8)
			return -EINVAL;
		memcpy(v, p, 8);
		r->stats.lost += v[0];
		return 0;
	default:
		return 0;
	}
}
