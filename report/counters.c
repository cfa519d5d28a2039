/*
 * The counter report: every event of a multi-event file in one table. The hists of
 * one report share their frame table and sort keys, so a row of one event's hist
 * and a row of another's with equal keys are the same symbol: rows are joined on
 * that key, and the ratios (IPC, miss rates) are taken per row.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "metrics.h"
#include "report_out.h"
#include "../util/array.h"

struct crow {
	const struct hist_key *key;
	uint32_t frame;
	uint64_t *val;       /* per event: the count shown (children or self) */
	const struct hist_entry **ent; /* per event: its row in that event's hist, or NULL */
};

struct ctable {
	struct crow *rows;
	size_t nr, cap;
	uint32_t *slots;     /* open addressing, index + 1 */
	size_t nslots;
	uint64_t *vals;      /* nr_events per row, grown with rows */
	const struct hist_entry **ents;
	int nev;
};

static uint64_t row_hash_idx(const void *ctx, size_t i)
{
	return ppm_hist_key__hash(((const struct ctable *)ctx)->rows[i].key);
}

static int table_grow(struct ctable *t)
{
	size_t cap = t->cap, vcap = t->cap * (size_t)t->nev, ecap = vcap;

	if (t->nr == t->cap) {
		if (ppm_array__reserve((void **)&t->rows, &cap, t->nr + 1, sizeof(*t->rows)) ||
		    ppm_array__reserve((void **)&t->vals, &vcap, cap * (size_t)t->nev, sizeof(*t->vals)) ||
		    ppm_array__reserve((void **)&t->ents, &ecap, cap * (size_t)t->nev, sizeof(*t->ents)))
			return -ENOMEM;
		t->cap = cap;
		/* the rows point into vals and ents, which may have moved */
		for (size_t i = 0; i < t->nr; i++) {
			t->rows[i].val = t->vals + i * (size_t)t->nev;
			t->rows[i].ent = t->ents + i * (size_t)t->nev;
		}
	}
	return ppm_slots__reserve(&t->slots, &t->nslots, t->nr, 1024, row_hash_idx, t);
}

static int table_add(struct ctable *t, const struct hist_entry *e, int ev, uint64_t value)
{
	size_t k;
	int err = table_grow(t);

	if (err)
		return err;
	for (k = ppm_hist_key__hash(&e->key) & (t->nslots - 1); t->slots[k]; k = (k + 1) & (t->nslots - 1)) {
		struct crow *r = &t->rows[t->slots[k] - 1];

		if (ppm_hist_key__eq(r->key, &e->key)) {
			r->val[ev] += value;
			r->ent[ev] = e;
			return 0;
		}
	}
	t->slots[k] = (uint32_t)t->nr + 1;
	t->rows[t->nr].key = &e->key;
	t->rows[t->nr].frame = e->frame;
	t->rows[t->nr].val = t->vals + t->nr * (size_t)t->nev;
	t->rows[t->nr].ent = t->ents + t->nr * (size_t)t->nev;
	memset(t->rows[t->nr].val, 0, (size_t)t->nev * sizeof(uint64_t));
	memset(t->rows[t->nr].ent, 0, (size_t)t->nev * sizeof(*t->rows[t->nr].ent));
	t->rows[t->nr].val[ev] = value;
	t->rows[t->nr].ent[ev] = e;
	t->nr++;
	return 0;
}

struct sort_ctx {
	int nev, first;
};

static int cmp_crow(const void *a, const void *b, void *arg)
{
	const struct crow *x = a, *y = b;
	const struct sort_ctx *c = arg;

	if (x->val[c->first] != y->val[c->first])
		return x->val[c->first] < y->val[c->first] ? 1 : -1;
	for (int e = 0; e < c->nev; e++)
		if (x->val[e] != y->val[e])
			return x->val[e] < y->val[e] ? 1 : -1;
	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

/* 1234567 -> "1.23M": counts span from a handful to 10^12, columns stay narrow. */
static const char *human(uint64_t v, char *buf, size_t len)
{
	static const char *const sfx[] = { "", "K", "M", "G", "T", "P" };
	double d = (double)v;
	int i = 0;

	if (v < 10000) {
		snprintf(buf, len, "%" PRIu64, v);
		return buf;
	}
	while (d >= 1000 && i < 5) {
		d /= 1000;
		i++;
	}
	snprintf(buf, len, "%.*f%s", d < 10 ? 2 : d < 100 ? 1 : 0, d, sfx[i]);
	return buf;
}

static const char *frame_kind(const struct ppm_frame *f)
{
	if (f->kernel)
		return "kernel";
	if (ppm_frame__is_python(f))
		return "python";
	return f->sym ? "native" : "unknown";
}

/* The same rows as JSON, for scripts: per event self and children counts and samples. */
static void print_json(FILE *out, const struct counter_event *ev, int nr,
		       const struct counter_view *v, const struct ctable *t, const bool *show,
		       const int *at, const bool *have)
{
	char buf[64];

	fprintf(out, "{\"children\": %s, \"lost\": %" PRIu64 ", \"events\": [",
		v->children ? "true" : "false", v->stats.lost);
	for (int e = 0; e < nr; e++) {
		fprintf(out, "%s{\"name\": ", e ? ", " : "");
		ppm_json__string(out, ev[e].name);
		fprintf(out, ", \"samples\": %" PRIu64 ", \"count\": %" PRIu64 "}",
			ev[e].h->total_samples, ev[e].h->total_period);
	}
	fprintf(out, "],\n\"rows\": [");
	for (size_t i = 0; i < t->nr; i++) {
		const struct crow *r = &t->rows[i];
		const struct ppm_frame *f = &ev[0].h->frames->v[r->frame];
		struct metric_inputs in = { 0 };
		int first = 1;

		fprintf(out, "%s\n{", i ? "," : "");
		if (r->key->comm) {
			fprintf(out, "\"command\": ");
			ppm_json__string(out, r->key->comm);
			fprintf(out, ", ");
		}
		if (ev[0].h->sort & SORT_PID)
			fprintf(out, "\"pid\": %d, ", r->key->pid);
		fprintf(out, "\"dso\": ");
		ppm_json__string(out, ppm_report__dso_name(f));
		fprintf(out, ", \"symbol\": ");
		ppm_json__string(out, ppm_report__frame_name(f, buf, sizeof(buf)));
		fprintf(out, ", \"kind\": \"%s\", \"events\": {", frame_kind(f));
		for (int e = 0; e < nr; e++) {
			const struct hist_entry *he = r->ent[e];
			uint64_t total = ev[e].h->total_period;

			fprintf(out, "%s", e ? ", " : "");
			ppm_json__string(out, ev[e].name);
			fprintf(out,
				": {\"self\": %" PRIu64 ", \"children\": %" PRIu64
				", \"self_samples\": %" PRIu64 ", \"share\": %.4f}",
				he ? he->self_period : 0, he ? he->children_period : 0,
				he ? he->self_samples : 0,
				total ? 100.0 * (double)r->val[e] / (double)total : 0.0);
		}
		fprintf(out, "}");
		for (int k = 0; k < ME_NR; k++) {
			in.have[k] = have[k];
			in.v[k] = have[k] ? (double)r->val[at[k]] : 0;
		}
		for (int k = 0; k < MK_NR; k++) {
			double x;

			if (!show[k] || !ppm_metric__value(&in, (enum metric_kind)k, &x))
				continue;
			fprintf(out, "%s\"%s\": %.4f", first ? ", \"ratios\": {" : ", ",
				ppm_metric__name((enum metric_kind)k), x);
			first = 0;
		}
		fprintf(out, "%s}", first ? "" : "}");
	}
	fprintf(out, "\n]}\n");
}

static int width_of(const char *name)
{
	int n = (int)strlen(name);

	return n > 8 ? n : 8;
}

/* How the joined table is shown: which events feed the metrics, which metrics, widths. */
struct layout {
	bool have[ME_NR];
	int at[ME_NR];       /* the event of each metric input, or -1 */
	bool show[MK_NR];
	int wcomm, wdso, sort_key;
};

/* The rows of every event's hist joined on their keys, sorted; what the layout needs. */
static int build_table(struct ctable *t, struct layout *l, const struct counter_event *ev, int nr,
		       const struct counter_view *v)
{
	int err = 0;

	for (int k = 0; k < ME_NR; k++)
		l->at[k] = -1;
	for (int e = 0; e < nr; e++) {
		enum metric_event me = ppm_metric__event_of(ev[e].attr);

		if (me != ME_OTHER && l->at[me] < 0) {
			l->at[me] = e;
			l->have[me] = true;
		}
		l->sort_key |= ev[e].h->sort;
		for (size_t i = 0; i < ev[e].h->nr_entries && !err; i++) {
			const struct hist_entry *he = &ev[e].h->entries[i];
			uint64_t val = v->children ? he->children_period : he->self_period;

			if (val)
				err = table_add(t, he, e, val);
		}
	}
	if (err)
		return err;
	for (int k = 0; k < MK_NR; k++)
		l->show[k] = ppm_metric__possible(l->have, (enum metric_kind)k);
	/* Misses per 1000 instructions only when no per-reference rate can be given. */
	if (l->show[MK_CACHE_MISS_PCT])
		l->show[MK_CACHE_MISS_PKI] = false;
	{
		struct sort_ctx sc = { nr, v->sort_event };

		qsort_r(t->rows, t->nr, sizeof(*t->rows), cmp_crow, &sc);
	}
	l->wcomm = 7;
	l->wdso = 13;
	for (size_t i = 0; i < t->nr; i++) {
		const struct ppm_frame *f = &ev[0].h->frames->v[t->rows[i].frame];

		if (t->rows[i].key->comm && (int)strlen(t->rows[i].key->comm) > l->wcomm)
			l->wcomm = (int)strlen(t->rows[i].key->comm);
		if (t->rows[i].key->has_dso && (int)strlen(ppm_report__dso_name(f)) > l->wdso)
			l->wdso = (int)strlen(ppm_report__dso_name(f));
	}
	return 0;
}

static void print_header(FILE *out, const struct counter_event *ev, int nr,
			 const struct counter_view *v, const struct layout *l)
{
	char tb[256];

	fprintf(out, "# pyperfmap report: event counts per symbol (samples x period)%s\n",
		v->children ? ", each function with its callees" : ", where the samples were taken");
	fprintf(out, "#\n");
	for (int e = 0; e < nr; e++)
		fprintf(out, "# Event %-20s samples %-9" PRIu64 " count %" PRIu64 "\n",
			ppm_term__name(ev[e].name, tb, sizeof(tb)),
			ev[e].h->total_samples, ev[e].h->total_period);
	fprintf(out, "# Lost: %" PRIu64 "\n", v->stats.lost);
	if (v->stats.unresolved)
		fprintf(out, "# Frames without a symbol: %" PRIu64 "\n", v->stats.unresolved);
	if (v->stats.incomplete)
		fprintf(out, "# Incomplete stacks (they end in [unknown]): %" PRIu64 "\n", v->stats.incomplete);
	if (v->stats.throttled)
		fprintf(out, "# Throttled: %" PRIu64 " times (the kernel sampled less often than asked)\n",
			v->stats.throttled);
	fprintf(out, "# Sorted by %s; shares are of each event's total. 'pyperfmap report --event "
		     "NAME' gives one event's report with call graphs.\n#\n#",
		ev[v->sort_event].name);
	for (int e = 0; e < nr; e++)
		fprintf(out, " %*s %7s", width_of(ev[e].name), ppm_term__name(ev[e].name, tb, sizeof(tb)),
			"share");
	for (int k = 0; k < MK_NR; k++)
		if (l->show[k])
			fprintf(out, " %14s", ppm_metric__name((enum metric_kind)k));
	if (l->sort_key & SORT_COMM)
		fprintf(out, "  %-*s", l->wcomm, "Command");
	if (l->sort_key & SORT_PID)
		fprintf(out, "  %7s", "Pid");
	if (l->sort_key & SORT_DSO)
		fprintf(out, "  %-*s", l->wdso, "Shared Object");
	if (l->sort_key & SORT_SYM)
		fprintf(out, "  Symbol");
	fprintf(out, "\n#\n");
}

static void print_row(FILE *out, const struct counter_event *ev, int nr, const struct layout *l,
		      const struct crow *r)
{
	const struct ppm_frame *f = &ev[0].h->frames->v[r->frame];
	struct metric_inputs in = { 0 };
	char b1[32], b2[64], tb[1024];

	fputc(' ', out);
	for (int e = 0; e < nr; e++) {
		uint64_t total = ev[e].h->total_period;

		fprintf(out, " %*s %6.2f%%", width_of(ev[e].name), human(r->val[e], b1, sizeof(b1)),
			total ? 100.0 * (double)r->val[e] / (double)total : 0.0);
	}
	for (int k = 0; k < ME_NR; k++) {
		in.have[k] = l->have[k];
		in.v[k] = l->have[k] ? (double)r->val[l->at[k]] : 0;
	}
	for (int k = 0; k < MK_NR; k++) {
		double x;

		if (!l->show[k])
			continue;
		if (ppm_metric__value(&in, (enum metric_kind)k, &x))
			fprintf(out, " %14.3f", x);
		else
			fprintf(out, " %14s", "-");
	}
	if (l->sort_key & SORT_COMM)
		fprintf(out, "  %-*s", l->wcomm, r->key->comm ? ppm_term__name(r->key->comm, tb, sizeof(tb)) : "");
	if (l->sort_key & SORT_PID)
		fprintf(out, "  %7d", r->key->pid);
	if (l->sort_key & SORT_DSO)
		fprintf(out, "  %-*s", l->wdso, ppm_term__name(ppm_report__dso_name(f), tb, sizeof(tb)));
	if (l->sort_key & SORT_SYM)
		fprintf(out, "  [%c] %s", f->kernel ? 'k' : '.',
			ppm_term__name(ppm_report__frame_name(f, b2, sizeof(b2)), tb, sizeof(tb)));
	fputc('\n', out);
}

int ppm_report__print_counters(FILE *out, const struct counter_event *ev, int nr,
			       const struct counter_view *v)
{
	struct ctable t = { .nev = nr };
	struct layout l;
	int err;

	memset(&l, 0, sizeof(l));
	err = build_table(&t, &l, ev, nr, v);

	if (!err && v->json) {
		print_json(out, ev, nr, v, &t, l.show, l.at, l.have);
	} else if (!err) {
		print_header(out, ev, nr, v, &l);
		for (size_t i = 0; i < t.nr; i++)
			print_row(out, ev, nr, &l, &t.rows[i]);
	}
	free(t.rows);
	free(t.vals);
	free(t.ents);
	free(t.slots);
	return err;
}
