/* A live view's counts (see live.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "live.h"
#include "../util/array.h"

int ppm_live__init(struct ppm_live *l, int nr_events, struct ppm_frames *frames)
{
	memset(l, 0, sizeof(*l));
	if (nr_events < 1 || nr_events > PPM_LIVE_MAX_EVENTS)
		return -EINVAL;
	l->nev = nr_events;
	return ppm_hists__init(&l->hs, nr_events, frames, SORT_SYM);
}

static void tasks_release(struct ppm_live_tasks *t)
{
	free(t->v);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

void ppm_live__release(struct ppm_live *l)
{
	ppm_hists__release(&l->hs);
	tasks_release(&l->procs);
	tasks_release(&l->threads);
}

static uint64_t task_hash(pid_t id)
{
	return (uint64_t)(uint32_t)id * 0x9e3779b97f4a7c15ULL;
}

static uint64_t task_hash_idx(const void *ctx, size_t i)
{
	return task_hash(((const struct ppm_live_tasks *)ctx)->v[i].id);
}

static struct ppm_live_task *task_of(struct ppm_live_tasks *t, pid_t id, pid_t pid)
{
	size_t k;

	if (ppm_slots__reserve(&t->slots, &t->nslots, t->nr, 256, task_hash_idx, t))
		return NULL;
	for (k = task_hash(id) & (t->nslots - 1); t->slots[k]; k = (k + 1) & (t->nslots - 1))
		if (t->v[t->slots[k] - 1].id == id)
			return &t->v[t->slots[k] - 1];
	if (ppm_array__reserve((void **)&t->v, &t->cap, t->nr + 1, sizeof(*t->v)))
		return NULL;
	memset(&t->v[t->nr], 0, sizeof(t->v[0]));
	t->v[t->nr].id = id;
	t->v[t->nr].pid = pid;
	t->slots[k] = (uint32_t)(t->nr + 1);
	return &t->v[t->nr++];
}

int ppm_live__add(void *live, const struct ppm_resolved_sample *rs)
{
	struct ppm_live *l = live;
	const struct ppm_sample *s = rs->s;
	struct ppm_live_task *p, *t;
	int err = ppm_hists__add(&l->hs, rs);

	if (err)
		return err;
	l->interval_samples += rs->samples;
	p = task_of(&l->procs, (pid_t)s->pid, (pid_t)s->pid);
	t = task_of(&l->threads, (pid_t)s->tid, (pid_t)s->pid);
	if (!p || !t)
		return -ENOMEM;
	/* a process is named by its main thread, a thread by itself */
	if (s->tid == s->pid || !p->comm)
		p->comm = rs->comm;
	t->comm = rs->comm;
	p->period[s->attr] += s->period;
	p->samples[s->attr] += rs->samples;
	t->period[s->attr] += s->period;
	t->samples[s->attr] += rs->samples;
	return 0;
}

/* Each task's counts times num/den, those left with nothing dropped (the index rebuilt). */
static int tasks_decay(struct ppm_live_tasks *t, int nev, unsigned int num, unsigned int den)
{
	size_t out = 0;

	for (size_t i = 0; i < t->nr; i++) {
		struct ppm_live_task *x = &t->v[i];
		uint64_t any = 0;

		for (int e = 0; e < nev; e++) {
			x->period[e] = x->period[e] * num / den;
			x->samples[e] = x->samples[e] * num / den;
			any |= x->period[e] | x->samples[e];
		}
		if (any)
			t->v[out++] = *x;
	}
	t->nr = out;
	free(t->slots);
	t->slots = NULL;
	t->nslots = 0;
	/* index the ones kept (room for one more is what the rebuild takes) */
	return ppm_slots__reserve(&t->slots, &t->nslots, t->nr, 256, task_hash_idx, t);
}

static void decay_all(struct ppm_live *l, unsigned int num, unsigned int den)
{
	for (int e = 0; e < l->nev; e++)
		ppm_hist__decay(&l->hs.h[e], num, den); /* on -ENOMEM the counts stay */
	tasks_decay(&l->procs, l->nev, num, den);
	tasks_decay(&l->threads, l->nev, num, den);
}

void ppm_live__decay(struct ppm_live *l)
{
	decay_all(l, 7, 8);
}

void ppm_live__zero(struct ppm_live *l)
{
	decay_all(l, 0, 1);
}

uint64_t ppm_live__interval(struct ppm_live *l)
{
	uint64_t n = l->interval_samples;

	l->interval_samples = 0;
	return n;
}

static const char *frame_name(const struct ppm_frames *f, uint32_t id)
{
	const struct ppm_frame *x = &f->v[id];

	return x->sym ? x->sym->name : x->dso ? x->dso->short_name : "[unknown]";
}

struct sort_ctx {
	int event, total;
};

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct ppm_live_row *x = a, *y = b;
	const struct sort_ctx *c = arg;
	uint64_t vx = c->total ? x->total[c->event] : x->self[c->event];
	uint64_t vy = c->total ? y->total[c->event] : y->self[c->event];

	if (vx != vy)
		return vx < vy ? 1 : -1;
	if (x->task != y->task)
		return x->task->id < y->task->id ? -1 : 1;
	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

/* The symbol rows: every event's hist joined on the frame (their frame ids are shared). */
static int symbol_rows(const struct ppm_live *l, const struct ppm_live_query *q,
		       struct ppm_live_row **rows, size_t *nr)
{
	const struct ppm_frames *f = l->hs.h[0].frames;
	uint32_t *row_of = calloc(f->nr + 1, sizeof(*row_of)); /* frame -> row + 1 */
	struct ppm_live_row *v = NULL;
	size_t n = 0, cap = 0;

	if (!row_of)
		return -ENOMEM;
	for (int e = 0; e < l->nev; e++) {
		const struct hist *h = &l->hs.h[e];

		for (size_t i = 0; i < h->nr_entries; i++) {
			const struct hist_entry *he = &h->entries[i];
			struct ppm_live_row *r;

			if (!he->self_period && !he->children_period)
				continue;
			if (q->filter && regexec(q->filter, frame_name(f, he->frame), 0, NULL, 0))
				continue;
			if (!row_of[he->frame]) {
				if (ppm_array__reserve((void **)&v, &cap, n + 1, sizeof(*v))) {
					free(row_of);
					free(v);
					return -ENOMEM;
				}
				memset(&v[n], 0, sizeof(v[n]));
				v[n].frame = he->frame;
				row_of[he->frame] = (uint32_t)++n;
			}
			r = &v[row_of[he->frame] - 1];
			r->self[e] += he->self_period;
			r->total[e] += he->children_period;
			if (e == q->sort_event)
				r->samples += q->sort_total ? he->children_samples : he->self_samples;
		}
	}
	free(row_of);
	*rows = v;
	*nr = n;
	return 0;
}

static int task_rows(const struct ppm_live_tasks *t, int nev, const struct ppm_live_query *q,
		     struct ppm_live_row **rows, size_t *nr)
{
	struct ppm_live_row *v = calloc(t->nr + 1, sizeof(*v));
	size_t n = 0;

	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < t->nr; i++) {
		const struct ppm_live_task *x = &t->v[i];

		if (q->filter && regexec(q->filter, x->comm ? x->comm : "", 0, NULL, 0))
			continue;
		v[n].task = x;
		for (int e = 0; e < nev; e++)
			v[n].self[e] = v[n].total[e] = x->period[e];
		v[n++].samples = x->samples[q->sort_event];
	}
	*rows = v;
	*nr = n;
	return 0;
}

int ppm_live__rows(const struct ppm_live *l, const struct ppm_live_query *q,
		   struct ppm_live_row **rows, size_t *nr)
{
	struct sort_ctx c = { q->sort_event, q->sort_total };
	int err;

	if (q->view == PPM_LIVE_SYMBOLS)
		err = symbol_rows(l, q, rows, nr);
	else
		err = task_rows(q->view == PPM_LIVE_PROCESSES ? &l->procs : &l->threads, l->nev, q,
				rows, nr);
	if (!err)
		qsort_r(*rows, *nr, sizeof(**rows), cmp_rows, &c);
	return err;
}

static int cmp_links(const void *a, const void *b)
{
	const struct ppm_live_link *x = a, *y = b;

	if (x->period != y->period)
		return x->period < y->period ? 1 : -1;
	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

static int add_link(struct ppm_live_link **v, size_t *n, size_t *cap, uint32_t frame,
		    uint64_t period)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].frame == frame) {
			(*v)[i].period += period;
			return 0;
		}
	if (ppm_array__reserve((void **)v, cap, *n + 1, sizeof(**v)))
		return -ENOMEM;
	(*v)[*n].frame = frame;
	(*v)[(*n)++].period = period;
	return 0;
}

int ppm_live__links(const struct ppm_live *l, int event, uint32_t frame, uint64_t *total,
		    struct ppm_live_link **callers, size_t *nr_callers,
		    struct ppm_live_link **callees, size_t *nr_callees)
{
	const struct hist *h = &l->hs.h[event];
	size_t cap_a = 0, cap_b = 0;
	int err = 0;

	*total = 0;
	*callers = *callees = NULL;
	*nr_callers = *nr_callees = 0;
	for (size_t i = 0; i < h->nr_stacks && !err; i++) {
		const struct hist_stack *s = &h->stacks[i];
		const uint32_t *fr = h->arena + s->off; /* root first */

		/* the outermost appearance: recursion counts the stack once */
		for (uint32_t k = 0; k < s->nr; k++) {
			if (fr[k] != frame)
				continue;
			*total += s->period;
			if (k > 0)
				err = add_link(callers, nr_callers, &cap_a, fr[k - 1], s->period);
			if (!err && k + 1 < s->nr)
				err = add_link(callees, nr_callees, &cap_b, fr[k + 1], s->period);
			break;
		}
	}
	if (err) {
		free(*callers);
		free(*callees);
		*callers = *callees = NULL;
		return err;
	}
	qsort(*callers, *nr_callers, sizeof(**callers), cmp_links);
	qsort(*callees, *nr_callees, sizeof(**callees), cmp_links);
	return 0;
}
