#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "export.h"
#include "report_out.h"
#include "../util/array.h"

const char *ppm_report__frame_name(const struct ppm_frame *f, char *buf, size_t len)
{
	if (f->sym)
		return f->sym->name;
	snprintf(buf, len, "0x%016" PRIx64, f->rel);
	return buf;
}

const char *ppm_report__dso_name(const struct ppm_frame *f)
{
	return f->dso ? f->dso->short_name : "[unknown]";
}

/*
 * Rows with equal totals in perf's order: by the sort keys as printed (command,
 * pid, shared object, symbol), so the two reports of one file list ties alike.
 */
int ppm_report__cmp_keys(const struct hist *h, const struct hist_entry *x, const struct hist_entry *y,
		    uint32_t ix, uint32_t iy)
{
	const struct ppm_frame *fx = &h->frames->v[x->frame], *fy = &h->frames->v[y->frame];
	char bx[64], by[64];
	int c;

	if ((h->sort & SORT_COMM) && (c = strcmp(x->key.comm ? x->key.comm : "",
						  y->key.comm ? y->key.comm : "")))
		return c;
	if ((h->sort & SORT_PID) && x->key.pid != y->key.pid)
		return x->key.pid < y->key.pid ? -1 : 1;
	if ((h->sort & SORT_DSO) && (c = strcmp(ppm_report__dso_name(fx), ppm_report__dso_name(fy))))
		return c;
	if ((h->sort & SORT_SYM) &&
	    (c = strcmp(ppm_report__frame_name(fx, bx, sizeof(bx)), ppm_report__frame_name(fy, by, sizeof(by)))))
		return c;
	return ix < iy ? -1 : ix > iy;
}

struct row_sort_ctx {
	const struct hist *h;
	int children;
};

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct row_sort_ctx *ctx = arg;
	const struct hist_entry *x = &ctx->h->entries[*(const uint32_t *)a];
	const struct hist_entry *y = &ctx->h->entries[*(const uint32_t *)b];
	uint64_t kx = ctx->children ? x->children_period : x->self_period;
	uint64_t ky = ctx->children ? y->children_period : y->self_period;

	if (kx != ky)
		return kx > ky ? -1 : 1;
	if (x->self_period != y->self_period)
		return x->self_period > y->self_period ? -1 : 1;
	return ppm_report__cmp_keys(ctx->h, x, y, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* A node of the caller tree printed under a row. */
struct gnode {
	uint32_t frame;
	uint64_t period;
	struct gnode *child, *next;
};

static struct gnode *gnode_child(struct gnode *n, uint32_t frame)
{
	struct gnode *c;

	for (c = n->child; c; c = c->next)
		if (c->frame == frame)
			return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->frame = frame;
	c->next = n->child;
	n->child = c;
	return c;
}

static void gnode_free(struct gnode *n)
{
	while (n) {
		struct gnode *next = n->next;

		gnode_free(n->child);
		free(n);
		n = next;
	}
}

static int cmp_gnode(const void *a, const void *b)
{
	const struct gnode *x = *(struct gnode *const *)a, *y = *(struct gnode *const *)b;

	return x->period == y->period ? 0 : x->period > y->period ? -1 : 1;
}

static void print_graph(FILE *out, const struct hist *h, const struct gnode *n, char *prefix,
			size_t plen, double min_pct, uint64_t total)
{
	struct gnode *kids[256];
	size_t nk = 0;
	char buf[64], tb[1024];

	for (struct gnode *c = n->child; c && nk < 256; c = c->next)
		if (100.0 * (double)c->period / (double)total >= min_pct)
			kids[nk++] = c;
	qsort(kids, nk, sizeof(kids[0]), cmp_gnode);
	for (size_t i = 0; i < nk; i++) {
		const struct gnode *c = kids[i];
		const char *name = ppm_term__name(ppm_report__frame_name(&h->frames->v[c->frame], buf,
									    sizeof(buf)), tb, sizeof(tb));
		int last = i + 1 == nk;

		if (nk == 1) {
			/* One caller: the chain goes straight on, with its share when it is smaller. */
			if (c->period == n->period)
				fprintf(out, "%s%s\n", prefix, name);
			else
				fprintf(out, "%s%s (%.2f%%)\n", prefix, name,
					100.0 * (double)c->period / (double)total);
			print_graph(out, h, c, prefix, plen, min_pct, total);
			continue;
		}
		fprintf(out, "%s|--%.2f%%--%s\n", prefix, 100.0 * (double)c->period / (double)total,
			name);
		if (plen + 16 < 1024) {
			char *p2 = prefix + plen;

			snprintf(p2, 1024 - plen, "%s          ", last ? " " : "|");
			print_graph(out, h, c, prefix, plen + strlen(p2), min_pct, total);
			prefix[plen] = '\0';
		}
	}
}

static void print_row_graph(FILE *out, const struct hist *h, uint32_t row, double min_pct, int order)
{
	struct gnode root = { 0 };
	char prefix[1024];
	char buf[64], tb[1024];

	for (size_t i = 0; i < h->nr_stacks; i++) {
		const struct hist_stack *s = &h->stacks[i];
		const uint32_t *fr = h->arena + s->off;
		struct gnode *n = &root;

		if (s->leaf_entry != row || s->nr < 1)
			continue;
		root.period += s->period;
		if (order == PPM_GRAPH_CALLER) {
			/* Caller order: from the outermost caller down to the row's function. */
			for (size_t k = 0; k < s->nr && n; k++) {
				n = gnode_child(n, fr[k]);
				if (n)
					n->period += s->period;
			}
			continue;
		}
		root.frame = fr[s->nr - 1];
		/* Callee order: from the row's function out to its callers. */
		for (size_t k = s->nr - 1; k-- > 0;) {
			n = gnode_child(n, fr[k]);
			if (!n)
				break;
			n->period += s->period;
		}
	}
	if (!root.period)
		return;
	strcpy(prefix, "               ");
	if (order == PPM_GRAPH_CALLER && root.child && !root.child->next) {
		/* one outermost caller: the chain starts with it, as the callee graph starts
		 * with the row */
		struct gnode *top = root.child;

		fprintf(out, "            |\n            ---%s\n",
			ppm_term__name(ppm_report__frame_name(&h->frames->v[top->frame], buf, sizeof(buf)),
				       tb, sizeof(tb)));
		print_graph(out, h, top, prefix, strlen(prefix), min_pct, h->total_period);
	} else if (order == PPM_GRAPH_CALLER) {
		strcpy(prefix, "            ");
		fprintf(out, "            |\n");
		print_graph(out, h, &root, prefix, strlen(prefix), min_pct, h->total_period);
	} else {
		fprintf(out, "            |\n            ---%s\n",
			ppm_term__name(ppm_report__frame_name(&h->frames->v[root.frame], buf, sizeof(buf)),
				       tb, sizeof(tb)));
		print_graph(out, h, &root, prefix, strlen(prefix), min_pct, h->total_period);
	}
	fputc('\n', out);
	gnode_free(root.child);
}

/* A symbol named on a list: exactly, or a Python function by its name without the file. */
static int symbol_listed(const struct ppm_name_list *l, const char *name)
{
	for (size_t i = 0; i < l->nr; i++) {
		size_t len = strlen(l->v[i]);

		if (!strcmp(l->v[i], name) ||
		    (ppm_name__is_python(l->v[i]) && !strncmp(name, l->v[i], len) && name[len] == ':'))
			return 1;
	}
	return 0;
}

/* Whether a row passes -d and -S. */
static int row_shown(const struct ppm_frame *f, const struct report_view *v)
{
	char buf[64];

	if (v->dsos && v->dsos->nr && !ppm_name_list__has(v->dsos, ppm_report__dso_name(f)) &&
	    !(f->dso && ppm_name_list__has(v->dsos, f->dso->path)))
		return 0;
	if (v->symbols && v->symbols->nr &&
	    !symbol_listed(v->symbols, ppm_report__frame_name(f, buf, sizeof(buf))))
		return 0;
	return 1;
}

static double pct(uint64_t part, uint64_t total)
{
	return total ? 100.0 * (double)part / (double)total : 0.0;
}

/* --hierarchy: one sort key of a row, as printed. */
static const char *key_text(const struct hist *h, const struct hist_entry *e, int key, char *buf,
			    size_t len)
{
	const struct ppm_frame *f = &h->frames->v[e->frame];
	char nb[64];

	switch (key) {
	case SORT_COMM:
		return ppm_term__name(e->key.comm ? e->key.comm : "", buf, len);
	case SORT_PID:
		snprintf(buf, len, "%d", e->key.pid);
		return buf;
	case SORT_DSO:
		return ppm_term__name(ppm_report__dso_name(f), buf, len);
	default: {
		char tb[1024];

		snprintf(buf, len, "[%c] %s", f->kernel ? 'k' : '.',
			 ppm_term__name(ppm_report__frame_name(f, nb, sizeof(nb)), tb, sizeof(tb)));
		return buf;
	}
	}
}

struct hier_ctx {
	const struct hist *h;
	const int *keys;
	int nr_keys;
};

static int cmp_hier(const void *a, const void *b, void *arg)
{
	const struct hier_ctx *c = arg;
	const struct hist_entry *x = &c->h->entries[*(const uint32_t *)a];
	const struct hist_entry *y = &c->h->entries[*(const uint32_t *)b];
	char bx[1100], by[1100];

	for (int k = 0; k < c->nr_keys; k++) {
		int r = strcmp(key_text(c->h, x, c->keys[k], bx, sizeof(bx)),
			       key_text(c->h, y, c->keys[k], by, sizeof(by)));

		if (r)
			return r;
	}
	return 0;
}

struct hier_group {
	size_t lo, hi;
	uint64_t period, samples;
};

static int cmp_group(const void *a, const void *b)
{
	const struct hier_group *x = a, *y = b;

	return x->period == y->period ? (x->lo < y->lo ? -1 : 1) : x->period > y->period ? -1 : 1;
}

/* Rows [lo, hi) (sorted by every key), grouped by keys[level], biggest first. */
static void print_level(FILE *out, const struct hist *h, const uint32_t *rows, size_t lo, size_t hi,
			const struct report_view *v, int level)
{
	struct hier_group *g = malloc((hi - lo) * sizeof(*g));
	size_t ng = 0;
	char ba[1100], bb[1100];

	if (!g)
		return;
	for (size_t i = lo; i < hi; i++) {
		const struct hist_entry *e = &h->entries[rows[i]];

		if (!ng || strcmp(key_text(h, &h->entries[rows[g[ng - 1].lo]], v->keys[level], ba, sizeof(ba)),
				  key_text(h, e, v->keys[level], bb, sizeof(bb)))) {
			g[ng].lo = i;
			g[ng].period = g[ng].samples = 0;
			ng++;
		}
		g[ng - 1].hi = i + 1;
		g[ng - 1].period += e->self_period;
		g[ng - 1].samples += e->self_samples;
	}
	qsort(g, ng, sizeof(*g), cmp_group);
	for (size_t i = 0; i < ng; i++) {
		if (pct(g[i].period, h->total_period) < v->row_min || !g[i].period)
			continue;
		fprintf(out, "%*s%7.2f%%  %7" PRIu64 "  %s\n", 2 + 3 * level, "",
			pct(g[i].period, h->total_period), g[i].samples,
			key_text(h, &h->entries[rows[g[i].lo]], v->keys[level], ba, sizeof(ba)));
		if (level + 1 < v->nr_keys)
			print_level(out, h, rows, g[i].lo, g[i].hi, v, level + 1);
	}
	free(g);
}

static void print_hierarchy(FILE *out, const struct hist *h, uint32_t *rows, size_t nr,
			    const struct report_view *v)
{
	static const char *const titles[] = { [SORT_COMM] = "Command", [SORT_PID] = "Pid",
					      [SORT_DSO] = "Shared Object", [SORT_SYM] = "Symbol" };
	struct hier_ctx c = { h, v->keys, v->nr_keys };

	fprintf(out, "# Overhead  Samples  ");
	for (int k = 0; k < v->nr_keys; k++)
		fprintf(out, "%s%s", k ? " / " : "", titles[v->keys[k]]);
	fprintf(out, "\n#\n");
	qsort_r(rows, nr, sizeof(*rows), cmp_hier, &c);
	print_level(out, h, rows, 0, nr, v, 0);
}

void ppm_report__print_text(FILE *out, const struct hist *h, const struct report_view *v)
{
	uint32_t *rows = malloc((h->nr_entries + 1) * sizeof(*rows));
	size_t nr = 0;
	int wcomm = 7, wdso = 13;
	char buf[64], tb[1024], tc[256], td[1024];

	if (!rows)
		return;
	for (size_t i = 0; i < h->nr_entries; i++) {
		const struct hist_entry *e = &h->entries[i];
		const struct ppm_frame *f = &h->frames->v[e->frame];

		if (!e->self_period && !(v->children && e->children_period))
			continue;
		if (!row_shown(f, v))
			continue;
		if (!v->hierarchy &&
		    pct(v->children ? e->children_period : e->self_period, h->total_period) < v->row_min)
			continue;
		rows[nr++] = (uint32_t)i;
		if (e->key.comm && (int)strlen(ppm_term__name(e->key.comm, tc, sizeof(tc))) > wcomm)
			wcomm = (int)strlen(ppm_term__name(e->key.comm, tc, sizeof(tc)));
		if (e->key.has_dso && (int)strlen(ppm_term__name(ppm_report__dso_name(f), td, sizeof(td))) > wdso)
			wdso = (int)strlen(ppm_term__name(ppm_report__dso_name(f), td, sizeof(td)));
	}
	struct row_sort_ctx sort_ctx = { h, v->children };

	qsort_r(rows, nr, sizeof(*rows), cmp_rows, &sort_ctx);

	fprintf(out, "# pyperfmap report\n#\n");
	fprintf(out, "# Event: %s\n", ppm_term__name(v->event, tb, sizeof(tb)));
	fprintf(out, "# Samples: %" PRIu64 "  Lost: %" PRIu64 "  Event count: %" PRIu64 "\n",
		h->total_samples, v->stats.lost, h->total_period);
	if (v->stats.unresolved)
		fprintf(out, "# Frames without a symbol: %" PRIu64 "\n", v->stats.unresolved);
	if (v->stats.incomplete)
		fprintf(out, "# Incomplete stacks (they end in [unknown]): %" PRIu64 " (%.1f%%)\n",
			v->stats.incomplete, 100.0 * (double)v->stats.incomplete / (double)h->total_samples);
	if (v->stats.unwound)
		fprintf(out, "# Stacks unwound from the samples' stack copies (perf record --call-graph "
			     "dwarf): %" PRIu64 " of %" PRIu64 " complete\n",
			v->stats.unwound_complete, v->stats.unwound);
	if (v->stats.throttled)
		fprintf(out, "# Throttled: %" PRIu64 " times (the kernel sampled less often than asked)\n",
			v->stats.throttled);
	if (v->perfmap_bad)
		fprintf(out, "# Perf map lines skipped as garbage: %zu\n", v->perfmap_bad);
	if (v->kernel_hidden)
		fprintf(out, "# Kernel symbols: unavailable (/proc/kallsyms hidden), shown as addresses\n");
	for (size_t i = 0; v->notes && v->notes[i]; i++)
		fprintf(out, "# %s\n", v->notes[i]);
	if (v->hierarchy) {
		fprintf(out, "#\n");
		print_hierarchy(out, h, rows, nr, v);
		free(rows);
		return;
	}
	fprintf(out, "#\n# ");
	if (v->children)
		fprintf(out, "Children      Self");
	else
		fprintf(out, "Overhead");
	fprintf(out, "  Samples");
	if (h->sort & SORT_COMM)
		fprintf(out, "  %-*s", wcomm, "Command");
	if (h->sort & SORT_PID)
		fprintf(out, "  %7s", "Pid");
	if (h->sort & SORT_DSO)
		fprintf(out, "  %-*s", wdso, "Shared Object");
	if (h->sort & SORT_SYM)
		fprintf(out, "  Symbol");
	fprintf(out, "\n#\n");
	for (size_t r = 0; r < nr; r++) {
		const struct hist_entry *e = &h->entries[rows[r]];
		const struct ppm_frame *f = &h->frames->v[e->frame];
		double self = h->total_period ? 100.0 * (double)e->self_period / (double)h->total_period : 0;

		if (v->children)
			fprintf(out, "  %7.2f%%  %7.2f%%",
				100.0 * (double)e->children_period / (double)h->total_period, self);
		else
			fprintf(out, "  %7.2f%%", self);
		fprintf(out, "  %7" PRIu64, e->self_samples);
		if (h->sort & SORT_COMM)
			fprintf(out, "  %-*s", wcomm, e->key.comm ? ppm_term__name(e->key.comm, tc, sizeof(tc)) : "");
		if (h->sort & SORT_PID)
			fprintf(out, "  %7d", e->key.pid);
		if (h->sort & SORT_DSO)
			fprintf(out, "  %-*s", wdso, ppm_term__name(ppm_report__dso_name(f), td, sizeof(td)));
		if (h->sort & SORT_SYM)
			fprintf(out, "  [%c] %s", f->kernel ? 'k' : '.',
				ppm_term__name(ppm_report__frame_name(f, buf, sizeof(buf)), tb, sizeof(tb)));
		fputc('\n', out);
		if (v->graph && (h->sort & SORT_SYM) && e->self_period &&
		    100.0 * (double)e->self_period / (double)h->total_period >= v->graph_min)
			print_row_graph(out, h, rows[r], v->graph_min, v->order);
	}
	free(rows);
}
