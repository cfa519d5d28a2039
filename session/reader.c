/*
 * Reading a perf.data file as a report does (see reader.h): records in time order
 * (FINISHED_ROUND windows) through the resolver, which keeps the address-space model
 * and hands each sample, resolved, to the caller's sink.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "reader.h"
#include "window.h"
#include "../util/array.h"

/*
 * Records are processed in time order, as perf does it: the recorder writes a
 * FINISHED_ROUND mark after each pass over the rings, and once a mark is read every
 * record older than the newest time of the round before it is known to have been
 * read. So only about two rounds are held (in the window, window.h) and sorted at
 * a time: memory stays flat however large the file. A file without marks is sorted
 * whole.
 */
struct rec_ref {
	uint64_t time;
	uint64_t off;
};

/*
 * Each CPU's records arrive in time order, so a round is a few sorted runs: merge
 * them (a natural merge sort) instead of sorting from scratch.
 */
static int less_ref(const struct rec_ref *x, const struct rec_ref *y)
{
	return x->time < y->time || (x->time == y->time && x->off < y->off);
}

static void sort_refs(struct rec_ref *a, size_t n, struct rec_ref *tmp)
{
	while (n > 1) {
		size_t out = 0, i = 0, runs = 0;

		while (i < n) {
			size_t s1 = i, e1 = i + 1, e2;

			while (e1 < n && !less_ref(&a[e1], &a[e1 - 1]))
				e1++;
			e2 = e1;
			if (e2 < n)
				for (e2 = e1 + 1; e2 < n && !less_ref(&a[e2], &a[e2 - 1]); e2++)
					;
			/* Merge [s1, e1) and [e1, e2) into tmp. */
			for (size_t x = s1, y = e1; x < e1 || y < e2;) {
				if (y >= e2 || (x < e1 && !less_ref(&a[y], &a[x])))
					tmp[out++] = a[x++];
				else
					tmp[out++] = a[y++];
			}
			i = e2;
			runs++;
		}
		memcpy(a, tmp, n * sizeof(*a));
		if (runs == 1)
			break;
	}
}

struct reorder {
	struct rec_ref *q, *tmp;
	size_t nr, cap, tmp_cap;
	uint64_t last_time, max_time, next_flush;
	struct ppm_window w;   /* the records, read as they come */
	uint64_t keep;         /* the offset of the oldest record queued */
};

static int reorder_push(struct reorder *ro, uint64_t time, uint64_t off)
{
	/* the merge buffer is as long as the queue */
	if (ppm_array__reserve((void **)&ro->q, &ro->cap, ro->nr + 1, sizeof(*ro->q)) ||
	    ppm_array__reserve((void **)&ro->tmp, &ro->tmp_cap, ro->cap, sizeof(*ro->tmp)))
		return -ENOMEM;
	if (!ro->nr)
		ro->keep = off;
	ro->q[ro->nr].time = time;
	ro->q[ro->nr++].off = off;
	if (time > ro->max_time)
		ro->max_time = time;
	return 0;
}

static int flush_tally(struct ppm_reader *r, int final);

/* A tally grown to its bound is flushed as at a model change (its kernel symbols read). */
static int tally_full(void *arg)
{
	return flush_tally(arg, 0);
}

/*
 * How far ahead of its turn a sample is parsed and hashed (its tally slot fetched),
 * and how far its entry is fetched: the lookups' cache misses overlap instead of
 * following one another.
 */
#define AHEAD 16

static const struct perf_event_header *rec(const struct reorder *ro, size_t i)
{
	return ppm_window__at(&ro->w, ro->q[i].off);
}

static int is_sample(const struct reorder *ro, size_t i)
{
	return rec(ro, i)->type == PERF_RECORD_SAMPLE;
}

static void prepare(struct ppm_reader *r, const struct reorder *ro, size_t i,
		    struct ppm_tally_item *ring)
{
	const struct perf_event_header *h = rec(ro, i);

	if (h->type != PERF_RECORD_SAMPLE)
		return;
	ppm_tally__prepare(r->data, h, &ring[i % AHEAD]);
	ppm_tally__prefetch(&r->tally, &ring[i % AHEAD], 0);
}

/* Processes the queued records with time <= limit, in time order. */
static int reorder_flush(struct ppm_reader *r, struct reorder *ro, uint64_t limit,
			 uint64_t *bad_off)
{
	struct ppm_tally_item ring[AHEAD];
	size_t done = 0, end = 0;
	int err = 0;

	sort_refs(ro->q, ro->nr, ro->tmp);
	while (end < ro->nr && ro->q[end].time <= limit)
		end++;
	for (size_t i = 0; r->counted && i < end && i < AHEAD; i++)
		prepare(r, ro, i, ring);
	for (; done < end && !err; done++) {
		const struct perf_event_header *h = rec(ro, done);

		if (r->counted) {
			if (h->type == PERF_RECORD_SAMPLE) {
				err = ppm_tally__add(&r->tally, &ring[done % AHEAD]);
			} else {
				err = ppm_tally__before(h) ? flush_tally(r, 0) : ppm_tally__quiesce(&r->tally);
				if (!err)
					err = ppm_resolver__record(&r->res, r->data, h);
			}
			/* then the samples to come, into the slot just used */
			if (done + AHEAD < end)
				prepare(r, ro, done + AHEAD, ring);
			for (int stage = 1; stage <= 2; stage++) {
				size_t i = done + (AHEAD >> stage);

				if (i < end && is_sample(ro, i))
					ppm_tally__prefetch(&r->tally, &ring[i % AHEAD], stage);
			}
		} else {
			/* the memory of the samples a few turns ahead on its way (resolve.h) */
			if (done + 16 < ro->nr)
				ppm_resolver__prefetch(&r->res, r->data, rec(ro, done + 16), 0);
			if (done + 8 < ro->nr)
				ppm_resolver__prefetch(&r->res, r->data, rec(ro, done + 8), 1);
			err = ppm_resolver__record(&r->res, r->data, h);
		}
		if (err)
			*bad_off = ro->q[done].off;
	}
	memmove(ro->q, ro->q + done, (ro->nr - done) * sizeof(*ro->q));
	ro->nr -= done;
	for (size_t i = 0; i < ro->nr; i++)
		if (!i || ro->q[i].off < ro->keep)
			ro->keep = ro->q[i].off;
	return err;
}

static uint64_t record_time(const struct ppm_data *d, const struct perf_event_header *h,
			    uint64_t last)
{
	if (h->type == PERF_RECORD_SAMPLE) {
		uint64_t t;

		if (ppm_data__sample_time(d, h, &t) == 0)
			return t;
	} else {
		struct ppm_sample_id id;

		if (ppm_data__parse_id(d, h, &id) == 0 && id.has_time)
			return id.time;
	}
	return last; /* records without a time keep their neighbour's */
}

static void set_err(struct ppm_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_err(struct ppm_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v and drops repeats; the new count. */
static size_t sort_unique(uint64_t *v, size_t n)
{
	size_t out = 0;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (!out || v[out - 1] != v[i])
			v[out++] = v[i];
	return out;
}

static int add_addr(struct ppm_reader *r, uint64_t a, size_t *cap)
{
	if (r->nr_kaddrs == *cap && r->nr_kaddrs >= (1u << 20))
		r->nr_kaddrs = sort_unique(r->kaddrs, r->nr_kaddrs);
	if (ppm_array__reserve((void **)&r->kaddrs, cap, r->nr_kaddrs + 1, sizeof(*r->kaddrs)))
		return -ENOMEM;
	r->kaddrs[r->nr_kaddrs++] = a;
	return 0;
}

/*
 * The kernel addresses the samples hold, gathered before the reading proper: the
 * kernel's symbols are then read for them alone (a file from perf record embeds
 * none; /proc/kallsyms has a hundred thousand). Pages are given back as it goes.
 */
static int gather_kernel_addrs(struct ppm_reader *r)
{
	const struct ppm_data *d = r->data;
	const struct perf_event_header *h;
	struct ppm_window w;
	uint64_t pos = 0;
	size_t cap = 0;
	int rc = 0, e = 0;

	ppm_window__init(&w, d->fd, (uint64_t)(d->data - d->map), d->data_size);
	while (!e && (h = ppm_window__next(&w, &pos, pos, &rc))) {
		const uint64_t *chain;
		uint64_t ip0, nr;
		int kernel;

		if (h->type != PERF_RECORD_SAMPLE || ppm_data__sample_chain(d, h, &ip0, &chain, &nr))
			continue;
		kernel = (h->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
		if (!nr && kernel)
			e = add_addr(r, ip0, &cap);
		for (uint64_t i = 0; !e && i < nr; i++) {
			uint64_t ip = chain[i];

			if (ip >= PERF_CONTEXT_MAX)
				kernel = ip == PERF_CONTEXT_KERNEL;
			else if (kernel)
				e = add_addr(r, ip, &cap);
		}
	}
	ppm_window__release(&w);
	if (e)
		return e;
	r->nr_kaddrs = sort_unique(r->kaddrs, r->nr_kaddrs);
	ppm_machine__set_kernel_addrs(r->machine, r->kaddrs, r->nr_kaddrs);
	return 0;
}

/*
 * What the tally holds, resolved. The kernel's symbols are read first, for the kernel
 * addresses of the samples: at the end of the file those of the tally's chains are
 * all of them, and no pass over the file is needed; when something must be resolved
 * before the end (the model changes half-way), the file is gone through for them.
 */
static int flush_tally(struct ppm_reader *r, int final)
{
	struct ppm_tally *t = &r->tally;
	int err = ppm_tally__quiesce(t);  /* the model is not touched while resolving */

	if (err)
		return err;

	if (t->gather_kernel && t->nr) {
		t->gather_kernel = 0;
		r->gather_kernel = 0;
		if (!final) {
			if (gather_kernel_addrs(r))
				return -ENOMEM;
		} else {
			r->kaddrs = t->kaddrs;
			r->nr_kaddrs = sort_unique(t->kaddrs, t->nr_kaddrs);
			t->kaddrs = NULL;
			t->nr_kaddrs = t->cap_kaddrs = 0;
			ppm_machine__set_kernel_addrs(r->machine, r->kaddrs, r->nr_kaddrs);
		}
	}
	return ppm_tally__flush(t);
}

int ppm_reader__run(struct ppm_reader *r, ppm_sample_sink sink, void *arg, struct ppm_err *err)
{
	const struct ppm_data *d = r->data;
	const char *path = r->path;
	struct reorder ro = { 0 };
	const struct perf_event_header *h;
	uint64_t pos = 0, at = 0, bad_off = 0, told = 0;
	int rc = 0, e = 0;

	r->res.sink = sink;
	r->res.sink_arg = arg;
	/* a DWARF sample's stack is its own: those are unwound and resolved one by one */
	if (r->counted && r->res.unwinder)
		r->counted = 0;
	r->tally.gather_kernel = r->counted && r->gather_kernel;
	r->tally.on_full = tally_full;
	r->tally.on_full_arg = r;
	/* the second cpu resolves the chains while the first counts */
	if (r->counted && !r->tally.early)
		r->tally.early = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 1 : -1;
	if (!r->counted && r->gather_kernel && gather_kernel_addrs(r))
		return ppm_err__set(err, -ENOMEM, "out of memory reading '%s'", path);
	ppm_window__init(&ro.w, d->fd, (uint64_t)(d->data - d->map), d->data_size);
	for (at = pos; !e && (h = ppm_window__next(&ro.w, &pos, ro.nr ? ro.keep : pos, &rc)); at = pos) {
		if (h->type == PPM_RECORD_FINISHED_ROUND) {
			e = reorder_flush(r, &ro, ro.next_flush, &bad_off);
			ro.next_flush = ro.max_time;
			continue;
		}
		if (h->type == PPM_RECORD_COMPRESSED) {
			e = -ENOTSUP;
			set_err(err, "'%s' is compressed (perf record -z), which pyperfmap cannot read "
				"yet; record without -z", path);
			goto out;
		}
		if (h->type >= 64)
			continue;
		ro.last_time = record_time(d, h, ro.last_time);
		e = reorder_push(&ro, ro.last_time, at);
		/* told in steps: a call per record would be a cost of its own */
		if (pos - told >= (1u << 20)) {
			ppm_progress__update(r->progress, pos, d->data_size);
			told = pos;
		}
	}
	if (!e && rc == -EIO) {
		e = rc;
		set_err(err, "cannot read '%s': %s", path, strerror(EIO));
		goto out;
	}
	if (!e && rc == -ENOMEM) {
		e = rc;
		set_err(err, "out of memory reading '%s'", path);
		goto out;
	}
	if (!e && rc) {
		e = rc;
		set_err(err, "'%s' is corrupt: a record runs past the end of its data", path);
		goto out;
	}
	if (!e)
		e = reorder_flush(r, &ro, UINT64_MAX, &bad_off);
	/* every record is in: the window's memory serves what the flush builds */
	ppm_window__release(&ro.w);
	if (!e && r->counted)
		e = flush_tally(r, 1);
	if (e == -ENOMEM)
		set_err(err, "out of memory reading '%s'", path);
	else if (e == -EINVAL)
		set_err(err, "'%s' is corrupt: bad record at offset %llu", path,
			(unsigned long long)(bad_off + (uint64_t)(d->data - d->map)));
	else if (e)
		set_err(err, "reading '%s' stopped: %s", path, strerror(-e));
out:
	ppm_window__release(&ro.w);
	free(ro.q);
	free(ro.tmp);
	return e;
}

int ppm_reader__perfmaps(const void *section, size_t size, struct ppm_machine *m)
{
	const unsigned char *p = section;
	size_t off = 0;

	while (p && off + 8 <= size) {
		uint32_t pid, len;
		int e;

		memcpy(&pid, p + off, 4);
		memcpy(&len, p + off + 4, 4);
		if (len > size - off - 8)
			return -EINVAL;
		e = ppm_machine__add_perfmap_text(m, (pid_t)pid, (const char *)p + off + 8, len);
		if (e)
			return e;
		off += 8 + ((len + 7u) & ~7u);
		if (off > size)
			off = size; /* the last one's padding may be cut */
	}
	return off == size || !p ? 0 : -EINVAL;
}

/*
 * The copy of the recording kernel's symbols perf record keeps in its build-id cache
 * ($PERF_BUILDID_DIR, else ~/.debug: [kernel.kallsyms]/BUILD_ID/kallsyms): the right
 * names for that kernel and boot, read faster than /proc/kallsyms is made. 0 when
 * there is one with its addresses shown (written by someone who could see them).
 */
static int cached_kallsyms(const struct ppm_data *d, char *path, size_t len)
{
	const char *dir = getenv("PERF_BUILDID_DIR"), *home = getenv("HOME");
	char id[64], line[64];
	FILE *f;
	int shown;

	if (ppm_data__kernel_build_id(d, id, sizeof(id)))
		return -ENOENT;
	if (dir && *dir)
		snprintf(path, len, "%s/[kernel.kallsyms]/%s/kallsyms", dir, id);
	else if (home && *home)
		snprintf(path, len, "%s/.debug/[kernel.kallsyms]/%s/kallsyms", home, id);
	else
		return -ENOENT;
	f = fopen(path, "r");
	if (!f)
		return -ENOENT;
	shown = fgets(line, sizeof(line), f) && strtoull(line, NULL, 16) != 0;
	fclose(f);
	return shown ? 0 : -EPERM;
}

int ppm_reader__open(struct ppm_reader **rp, const struct ppm_reader_opts *o, struct ppm_err *err)
{
	struct ppm_reader *r = calloc(1, sizeof(*r));
	const void *sec;
	size_t size;
	int e;

	*rp = NULL;
	if (!r) {
		set_err(err, "out of memory");
		return -ENOMEM;
	}
	e = ppm_data__open(&r->data, o->input, err);
	if (e) {
		free(r);
		return e;
	}
	r->path = o->input;
	r->progress = o->progress;
	ppm_tally__init(&r->tally, &r->res);
	r->machine = ppm_machine__new();
	if (!r->machine || ppm_resolver__init(&r->res, r->machine, o->show_interpreter, NULL, NULL)) {
		ppm_reader__close(r);
		set_err(err, "out of memory");
		return -ENOMEM;
	}
	for (int i = 0; i < r->data->nr_attrs; i++) {
		uint64_t st = r->data->attrs[i].attr.sample_type;

		/* perf record --call-graph dwarf: the stacks are unwound as they are read */
		if ((st & PERF_SAMPLE_REGS_USER) && (st & PERF_SAMPLE_STACK_USER) &&
		    ppm_resolver__unwind_dwarf(&r->res)) {
			ppm_reader__close(r);
			return ppm_err__set(err, -ENOMEM, "out of memory");
		}
	}
	if (o->symfs)
		ppm_machine__set_symfs(r->machine, o->symfs);
	sec = o->kallsyms ? NULL : ppm_data__feature(r->data, PPM_FEAT_KSYMS, &size);
	if (o->kallsyms)
		ppm_machine__set_kallsyms(r->machine, o->kallsyms);
	else if (sec)
		ppm_machine__set_kernel_symbols(r->machine, sec, size);
	else if (cached_kallsyms(r->data, r->kallsyms, sizeof(r->kallsyms)) == 0)
		ppm_machine__set_kallsyms(r->machine, r->kallsyms);
	/* kallsyms is read: for the addresses the samples need only, when some event
	 * could sample the kernel at all */
	for (int i = 0; !sec && i < r->data->nr_attrs; i++)
		r->gather_kernel |= !r->data->attrs[i].attr.exclude_kernel;
	/* A damaged section loses what it holds, not the file: its maps up to the damage. */
	sec = ppm_data__feature(r->data, PPM_FEAT_PERFMAPS, &size);
	e = ppm_reader__perfmaps(sec, size, r->machine);
	r->perfmaps_damaged = e == -EINVAL;
	sec = ppm_data__feature(r->data, PPM_FEAT_ACTIVATED, &size);
	if (e == -ENOMEM || (sec && ppm_resolver__set_activated(&r->res, sec, size))) {
		ppm_reader__close(r);
		set_err(err, "out of memory");
		return -ENOMEM;
	}
	*rp = r;
	return 0;
}

void ppm_reader__close(struct ppm_reader *r)
{
	if (!r)
		return;
	ppm_tally__release(&r->tally);
	ppm_resolver__release(&r->res);
	ppm_machine__free(r->machine);
	free(r->kaddrs);
	ppm_data__close(r->data);
	free(r);
}

int ppm_reader__find_event(const struct ppm_data *d, const char *name, struct ppm_err *err)
{
	size_t used = 0;

	for (int pass = 0; pass < 3; pass++) {
		for (int i = 0; i < d->nr_attrs; i++) {
			const char *n = d->attrs[i].name ? d->attrs[i].name : "";
			size_t base = strcspn(n, ":");

			if ((pass == 0 && !strcmp(n, name)) || (pass == 1 && !strcasecmp(n, name)) ||
			    (pass == 2 && strlen(name) == base && !strncasecmp(n, name, base)))
				return i;
		}
	}
	used = (size_t)snprintf(err->msg, sizeof(err->msg), "no event '%s' in this file (it has: ",
				name);
	for (int i = 0; i < d->nr_attrs && used < sizeof(err->msg); i++)
		used += (size_t)snprintf(err->msg + used, sizeof(err->msg) - used, "%s%s",
					 i ? ", " : "", d->attrs[i].name ? d->attrs[i].name : "?");
	if (used < sizeof(err->msg))
		snprintf(err->msg + used, sizeof(err->msg) - used, ")");
	return -ENOENT;
}
