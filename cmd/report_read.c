/*
 * The report's reading of a perf.data file: records in time order (FINISHED_ROUND
 * windows), the address-space model, each sample's frames resolved and interned,
 * the interpreter's glue folded, then into the hists or a walker's callback.
 * cmd/report.c (the command's options and output) and annotate, script use it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "cmd.h"
#include "report_walk.h"
#include "../lib/data_reader.h"
#include "../maps/machine.h"

/*
 * Records are processed in time order, as perf does it: the recorder writes a
 * FINISHED_ROUND mark after each pass over the rings, and once a mark is read every
 * record older than the newest time of the round before it is known to have been
 * read. So only about two rounds are held and sorted at a time, and the pages of
 * the file behind them are dropped: memory stays flat however large the file.
 * A file without marks is sorted whole.
 */
struct rec_ref {
	uint64_t time;
	uint64_t off;
};

static int process_record(struct report_ctx *c, const struct ppm_data *d,
			  const struct perf_event_header *h);

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
	size_t nr, cap;
	uint64_t last_time, max_time, next_flush;
	uint64_t dropped;      /* file bytes below this were given back to the kernel */
};

static int reorder_push(struct reorder *ro, uint64_t time, uint64_t off)
{
	if (ro->nr == ro->cap) {
		size_t cap = ro->cap ? ro->cap * 2 : 4096;
		struct rec_ref *q = realloc(ro->q, cap * sizeof(*q));
		struct rec_ref *tmp;

		if (!q)
			return -ENOMEM;
		ro->q = q;
		tmp = realloc(ro->tmp, cap * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		ro->tmp = tmp;
		ro->cap = cap;
	}
	ro->q[ro->nr].time = time;
	ro->q[ro->nr++].off = off;
	if (time > ro->max_time)
		ro->max_time = time;
	return 0;
}

/* Processes the queued records with time <= limit, in time order. */
static int reorder_flush(struct report_ctx *c, const struct ppm_data *d, struct reorder *ro,
			 uint64_t limit, uint64_t *bad_off)
{
	size_t done = 0;
	int err;

	sort_refs(ro->q, ro->nr, ro->tmp);
	while (done < ro->nr && ro->q[done].time <= limit) {
		const struct perf_event_header *h = (const void *)(d->data + ro->q[done].off);

		err = process_record(c, d, h);
		if (err) {
			*bad_off = ro->q[done].off;
			return err;
		}
		done++;
	}
	memmove(ro->q, ro->q + done, (ro->nr - done) * sizeof(*ro->q));
	ro->nr -= done;
	return 0;
}

/* Gives back the pages of the data section that no queued record needs. */
static void reorder_release(const struct ppm_data *d, struct reorder *ro, uint64_t pos)
{
	uint64_t keep = pos, page = 4096, start, end;
	uintptr_t base = (uintptr_t)d->data;

	for (size_t i = 0; i < ro->nr; i++)
		if (ro->q[i].off < keep)
			keep = ro->q[i].off;
	/* In whole pages of the mapping, and only in steps worth a system call. */
	start = ((base + ro->dropped + page - 1) & ~(page - 1)) - base;
	end = ((base + keep) & ~(page - 1)) - base;
	if (end > start && end - start >= (1u << 20) && end <= d->data_size) {
		madvise((void *)(base + start), end - start, MADV_DONTNEED);
		ro->dropped = end;
	}
}

static uint64_t record_time(const struct ppm_data *d, const struct perf_event_header *h,
			    uint64_t last)
{
	if (h->type == PERF_RECORD_SAMPLE) {
		struct ppm_sample s;

		if (ppm_data__parse_sample(d, h, &s) == 0 &&
		    (d->attrs[s.attr].attr.sample_type & PERF_SAMPLE_TIME))
			return s.time;
	} else {
		struct ppm_sample_id id;

		if (ppm_data__parse_id(d, h, &id) == 0 && id.has_time)
			return id.time;
	}
	return last; /* records without a time keep their neighbour's */
}

static int process_all(struct report_ctx *c, const struct ppm_data *d, const char *path)
{
	struct reorder ro = { 0 };
	const struct perf_event_header *h;
	uint64_t pos = 0, at = 0, bad_off = 0;
	int rc = 0, err = 0;

	for (at = pos; !err && (h = ppm_data__next(d, &pos, &rc)); at = pos) {
		if (h->type == PPM_RECORD_FINISHED_ROUND) {
			err = reorder_flush(c, d, &ro, ro.next_flush, &bad_off);
			ro.next_flush = ro.max_time;
			reorder_release(d, &ro, pos);
			continue;
		}
		if (h->type == PPM_RECORD_COMPRESSED) {
			ppm_err("'%s' is compressed (perf record -z), which pyperfmap cannot read yet; "
				"record without -z", path);
			free(ro.q);
			free(ro.tmp);
			return -ENOTSUP;
		}
		if (h->type >= 64)
			continue;
		ro.last_time = record_time(d, h, ro.last_time);
		err = reorder_push(&ro, ro.last_time, at);
		progress__update(&c->progress, pos, d->data_size);
	}
	if (err || rc)
		progress__end(&c->progress);
	if (!err && rc) {
		ppm_err("'%s' is corrupt: a record runs past the end of its data", path);
		free(ro.q);
		free(ro.tmp);
		return rc;
	}
	if (!err)
		err = reorder_flush(c, d, &ro, UINT64_MAX, &bad_off);
	if (err)
		progress__end(&c->progress);
	free(ro.q);
	free(ro.tmp);
	if (err == -ENOMEM)
		ppm_err("out of memory");
	else if (err)
		ppm_err("'%s' is corrupt: bad record at offset %llu", path,
			(unsigned long long)(bad_off + (uint64_t)(d->data - d->map)));
	return err;
}

static void add_embedded_perfmaps(const struct ppm_data *d, struct ppm_machine *m)
{
	size_t size, off = 0;
	const unsigned char *p = ppm_data__feature(d, PPM_FEAT_PERFMAPS, &size);

	while (p && off + 8 <= size) {
		uint32_t pid, len;

		memcpy(&pid, p + off, 4);
		memcpy(&len, p + off + 4, 4);
		if (len > size - off - 8)
			break;
		ppm_machine__add_perfmap_text(m, (pid_t)pid, (const char *)p + off + 8, len);
		off += 8 + ((len + 7u) & ~7u);
	}
}

/* Remembers recent (pid, address) -> frame id answers: stacks repeat a lot. */
#define FCACHE_SIZE 8192

struct fcache_slot {
	uint64_t addr;
	int32_t pid;
	int32_t kernel;
	uint32_t frame;
	uint32_t valid;
};


static int frame_of(struct report_ctx *c, pid_t pid, uint64_t addr, int kernel, int caller,
		    uint32_t *id)
{
	uint64_t look = caller && addr ? addr - 1 : addr; /* a return address: the call is before it */
	size_t k = (size_t)((look * 0x9E3779B97F4A7C15ULL) >> 48 ^ (uint64_t)pid) % FCACHE_SIZE;
	struct fcache_slot *s = &c->fcache[k];
	struct ppm_resolved r;
	struct hist_frame f;
	int err;

	if (s->valid == (uint32_t)c->generation + 1 && s->addr == look && s->pid == pid &&
	    s->kernel == kernel) {
		*id = s->frame;
		return 0;
	}
	ppm_machine__resolve(c->m, pid, look, kernel, &r);
	f.dso = r.dso;
	f.sym = r.sym;
	f.rel = r.sym ? 0 : (r.dso ? r.rel : look) + (look != addr);
	f.kernel = kernel;
	err = hist_frames__intern(&c->frames, &f, id);
	if (err)
		return err;
	s->addr = look;
	s->pid = pid;
	s->kernel = kernel;
	s->frame = *id;
	s->valid = (uint32_t)c->generation + 1;
	return 0;
}

enum { FRAME_NATIVE, FRAME_PYTHON, FRAME_GLUE };

/* Python frames are perf-map symbols "py::..."; glue is the interpreter's own code. */
static int frame_kind(struct report_ctx *c, uint32_t id)
{
	const struct hist_frame *f = &c->frames.v[id];
	const char *dso;
	int kind = FRAME_NATIVE;

	if (id >= c->nr_kinds) {
		size_t n = (id + 1) * 2;
		uint8_t *k = realloc(c->kinds, n);

		if (!k)
			return FRAME_NATIVE;
		memset(k + c->nr_kinds, 0, n - c->nr_kinds);
		c->kinds = k;
		c->nr_kinds = n;
	}
	if (c->kinds[id])
		return c->kinds[id] - 1;
	dso = f->dso ? f->dso->short_name : "";
	if (f->sym && !strncmp(f->sym->name, "py::", 4))
		kind = FRAME_PYTHON;
	else if (!f->kernel && (!strncmp(dso, "libpython", 9) || !strncmp(dso, "python", 6) ||
				strstr(dso, "pyperfmap.cpython")))
		kind = FRAME_GLUE;
	c->kinds[id] = (uint8_t)(kind + 1);
	return kind;
}

/* Drops interpreter frames that sit between two Python frames (chain is leaf first). */
static size_t fold_glue(struct report_ctx *c, uint32_t *chain, size_t n)
{
	size_t out = 0, first_py = n, last_py = n;

	for (size_t i = 0; i < n; i++)
		if (frame_kind(c, chain[i]) == FRAME_PYTHON) {
			if (first_py == n)
				first_py = i;
			last_py = i;
		}
	if (first_py == n || first_py == last_py)
		return n;
	for (size_t i = 0; i < n; i++) {
		if (i > first_py && i < last_py && frame_kind(c, chain[i]) == FRAME_GLUE)
			continue;
		chain[out++] = chain[i];
	}
	return out;
}

/*
 * A Python function that was running before pyperfmap switched the trampoline on in
 * its process (attach) has no stub, so nothing names it: the eval-loop frames the
 * trampoline would have named (those rootward of the outermost named Python frame)
 * become one frame of this symbol, Python time without a name, in the interpreter.
 */
static const struct ppm_symbol entered_before = { 0, 0, "py::[entered before attach]", 0 };

static int was_activated(const struct report_ctx *c, pid_t pid)
{
	for (size_t i = 0; i < c->nr_activated; i++)
		if (c->activated[i] == (uint32_t)pid)
			return 1;
	return 0;
}

/* An eval-loop frame: by its name, or unnamed in the interpreter (a stripped one). */
static int is_eval_loop(struct report_ctx *c, uint32_t id)
{
	const struct hist_frame *f = &c->frames.v[id];

	if (frame_kind(c, id) != FRAME_GLUE)
		return 0;
	return f->sym ? !strcmp(f->sym->name, "_PyEval_EvalFrameDefault") : 1;
}

static size_t mark_entered_before(struct report_ctx *c, uint32_t *chain, size_t n)
{
	size_t outer = 0, out = 0;
	int have_py = 0, marked = 0;

	for (size_t i = 0; i < n; i++)
		if (frame_kind(c, chain[i]) == FRAME_PYTHON) {
			outer = i;
			have_py = 1;
		}
	for (size_t i = 0; i < n; i++) {
		if ((!have_py || i > outer) && is_eval_loop(c, chain[i])) {
			struct hist_frame f = { c->frames.v[chain[i]].dso, &entered_before, 0, 0 };

			if (marked)
				continue; /* the frames entered before are one unnamed span */
			if (hist_frames__intern(&c->frames, &f, &chain[out]))
				return n;
			out++;
			marked = 1;
			continue;
		}
		chain[out++] = chain[i];
	}
	return out;
}

static int add_sample(struct report_ctx *c, const struct ppm_sample *s)
{
	struct hist *h = &c->hists[s->attr];
	const char *comm = ppm_machine__comm_of(c->m, (pid_t)s->pid, (pid_t)s->tid);
	int kernel = (s->misc & PERF_RECORD_MISC_CPUMODE_MASK) == PERF_RECORD_MISC_KERNEL;
	size_t n = 0;
	int err;

	if (s->callchain && s->nr_callchain) {
		int first_in_ctx = 1;

		h->has_callchains = 1;
		for (uint64_t i = 0; i < s->nr_callchain && n < 512; i++) {
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
				c->incomplete++;
			err = frame_of(c, (pid_t)s->pid, ip, kernel, !first_in_ctx, &c->chain[n]);
			if (err)
				return err;
			first_in_ctx = 0;
			if (!c->frames.v[c->chain[n]].sym)
				c->unresolved++;
			n++;
		}
	}
	if (!n) {
		err = frame_of(c, (pid_t)s->pid, s->ip, kernel, 0, &c->chain[0]);
		if (err)
			return err;
		if (!c->frames.v[c->chain[0]].sym)
			c->unresolved++;
		n = 1;
	}
	if (c->nr_activated && !c->show_interpreter && was_activated(c, (pid_t)s->pid))
		n = mark_entered_before(c, c->chain, n);
	if (!c->show_interpreter)
		n = fold_glue(c, c->chain, n);
	if (c->hook)
		return c->hook(c->hook_arg, c->d, c->m, s, c->chain, n, &c->frames);
	return hist__add(h, comm, (pid_t)s->pid, c->chain, n, s->period);
}

static int process_record(struct report_ctx *c, const struct ppm_data *d,
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
		return add_sample(c, &s);
	}
	case PERF_RECORD_MMAP:
	case PERF_RECORD_MMAP2:
	case PERF_RECORD_COMM:
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT: {
		int rc = ppm_sideband_apply(c->m, h);

		if (rc > 0)
			c->generation++;
		return rc < 0 ? rc : 0;
	}
	case PERF_RECORD_THROTTLE:
		c->throttled++;
		return 0;
	case PERF_RECORD_LOST:
		if (body < 16)
			return -EINVAL;
		memcpy(v, p, 16);
		c->lost += v[1];
		return 0;
	case PERF_RECORD_LOST_SAMPLES:
		if (body < 8)
			return -EINVAL;
		memcpy(v, p, 8);
		c->lost += v[0];
		return 0;
	default:
		return 0;
	}
}

/*
 * An event of the file by the name the user gives: exactly, in any case, or without
 * the modifiers the file's name carries ("cycles" for "cycles:u").
 */
int report_find_event(const struct ppm_data *d, const char *name, const char *opt)
{
	char list[512] = "";
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
	for (int i = 0; i < d->nr_attrs && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? ", " : "",
					 d->attrs[i].name ? d->attrs[i].name : "?");
	ppm_err("%s: no event '%s' in this file (it has: %s)", opt, name, list);
	return -1;
}

int report_load(struct report_ctx *c, struct ppm_data **dp, const struct report_source *src,
		int show_interpreter, int sort)
{
	const char *input = src->input;
	struct ppm_data *d;
	struct ppm_err perr;
	int err;

	err = ppm_data__open(dp, input, &perr);
	if (err) {
		ppm_err("%s", perr.msg);
		return -1;
	}
	d = *dp;
	c->d = d;
	{
		char what[128];

		snprintf(what, sizeof(what), "reading %s", input);
		progress__init(&c->progress, what);
	}
	if (d->cut_short)
		ppm_notice("'%s' was cut short: its recorder stopped before finishing it; read up to "
			   "its last flush", input);
	c->m = ppm_machine__new();
	c->hists = calloc((size_t)d->nr_attrs, sizeof(*c->hists));
	c->fcache = calloc(FCACHE_SIZE, sizeof(*c->fcache));
	c->chain = malloc(512 * sizeof(*c->chain));
	if (!c->m || !c->hists || !c->fcache || !c->chain) {
		ppm_err("out of memory");
		return -1;
	}
	c->show_interpreter = show_interpreter;
	if (src->symfs)
		ppm_machine__set_symfs(c->m, src->symfs);
	if (src->kallsyms) {
		ppm_machine__set_kallsyms(c->m, src->kallsyms);
	} else {
		size_t ksize;
		const char *ktext = ppm_data__feature(d, PPM_FEAT_KSYMS, &ksize);

		if (ktext)
			ppm_machine__set_kernel_symbols(c->m, ktext, ksize);
	}
	add_embedded_perfmaps(d, c->m);
	{
		size_t asize;
		const void *act = ppm_data__feature(d, PPM_FEAT_ACTIVATED, &asize);

		/* sections sit at any byte offset: copied out to be read as u32s */
		if (act && asize >= 4 && (c->activated = malloc(asize))) {
			memcpy(c->activated, act, asize);
			c->nr_activated = asize / 4;
		}
	}
	for (int i = 0; i < d->nr_attrs; i++)
		hist__init(&c->hists[i], &c->frames, sort);
	return process_all(c, d, input) ? -1 : 0;
}

void report_unload(struct report_ctx *c, struct ppm_data *d)
{
	progress__end(&c->progress);
	if (c->hists)
		for (int i = 0; i < d->nr_attrs; i++)
			hist__release(&c->hists[i]);
	free(c->hists);
	free(c->fcache);
	free(c->chain);
	free(c->kinds);
	free(c->activated);
	hist_frames__release(&c->frames);
	ppm_machine__free(c->m);
	ppm_data__close(d);
}

int report_walk(const struct report_source *src, report_sample_fn fn, void *arg,
		int (*done)(void *arg, const struct ppm_data *d))
{
	struct report_ctx c;
	struct ppm_data *d = NULL;
	int ret = -1;

	memset(&c, 0, sizeof(c));
	c.hook = fn;
	c.hook_arg = arg;
	if (report_load(&c, &d, src, 0, SORT_SYM) == 0)
		ret = done(arg, d);
	report_unload(&c, d);
	return ret;
}

