/*
 * Folded stacks (report -F folded): a line per distinct stack, "comm;root;...;leaf N",
 * in byte order of the line, lines that read alike (stacks of other processes) summed.
 *
 * The lines are never made to be sorted: a stack is its command and its frame ids,
 * each frame's text is made once, and two stacks compare frame by frame, by the
 * number of the text (equal texts share one) until they differ; only there are two
 * texts compared, as strcmp would compare the whole lines at that place. Sorting
 * lines of a few hundred bytes that share most of their start cost more than
 * everything else in the report.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "export.h"
#include "report_out.h"
#include "../util/array.h"
#include "../util/outbuf.h"

/* Kernel frames are name_[k], as FlameGraph's stackcollapse-perf.pl writes them. */
static char *folded_text(const char *name, int kernel)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);

	if (!mem)
		return NULL;
	ppm_folded__fputs(name, mem);
	if (kernel)
		fputs("_[k]", mem);
	if (fclose(mem)) {
		free(text);
		return NULL;
	}
	return text;
}

/* The texts, numbered (equal texts one number), and each frame id's text number + 1. */
struct texts {
	struct ppm_strtab str;
	uint32_t *of_frame;
};

/* The number of text (freed here), or -1 (no memory). */
static int64_t intern(struct texts *t, char *text)
{
	int64_t n = text ? ppm_strtab__intern(&t->str, text) : -1;

	free(text);
	return n < 0 ? -1 : n;
}

static int64_t frame_text(struct texts *t, const struct ppm_frames *frames, uint32_t id)
{
	char buf[512];
	int64_t n;

	if (t->of_frame[id])
		return t->of_frame[id] - 1;
	n = intern(t, folded_text(ppm_export__frame_name(&frames->v[id], buf, sizeof(buf)),
				  frames->v[id].kernel));
	if (n >= 0)
		t->of_frame[id] = (uint32_t)n + 1;
	return n;
}

/* A line: its command's text, then its frames' texts, root first. */
struct line {
	uint32_t off, nr;    /* into the text numbers */
	uint64_t weight;
};

struct lines {
	struct line *v;
	uint32_t *seq;       /* every line's text numbers, end to end */
	size_t nr_seq, cap_seq;
	const struct texts *t;
};

/*
 * Two texts where two lines first differ, compared as strcmp compares the lines: a
 * text that is not its line's last is followed by ';' there, the last by the end.
 */
static int cmp_at(const char *a, int a_last, const char *b, int b_last)
{
	unsigned char ca, cb;
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	ca = a[i] ? (unsigned char)a[i] : a_last ? 0 : ';';
	cb = b[i] ? (unsigned char)b[i] : b_last ? 0 : ';';
	return ca == cb ? 0 : ca < cb ? -1 : 1;
}

static int cmp_lines(const void *pa, const void *pb, void *arg)
{
	const struct lines *ls = arg;
	const struct line *x = &ls->v[*(const uint32_t *)pa], *y = &ls->v[*(const uint32_t *)pb];
	const uint32_t *a = ls->seq + x->off, *b = ls->seq + y->off;
	uint32_t n = x->nr < y->nr ? x->nr : y->nr;

	for (uint32_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return cmp_at(ls->t->str.v[a[i]], i + 1 == x->nr, ls->t->str.v[b[i]], i + 1 == y->nr);
	return x->nr == y->nr ? 0 : x->nr < y->nr ? -1 : 1;
}

static int same_line(const struct lines *ls, const struct line *x, const struct line *y)
{
	return x->nr == y->nr && !memcmp(ls->seq + x->off, ls->seq + y->off, x->nr * sizeof(uint32_t));
}

/* Each stack's line as text numbers. 0 or -ENOMEM. */
static int make_lines(const struct hist *h, struct texts *t, struct lines *ls, int by_period)
{
	const char *last_comm = NULL;
	int64_t comm_text = -1;

	for (size_t i = 0; i < h->nr_stacks; i++) {
		const struct hist_stack *s = &h->stacks[i];
		const uint32_t *fr = h->arena + s->off;
		uint32_t *out;

		if (!i || s->comm != last_comm) {
			last_comm = s->comm;
			comm_text = intern(t, folded_text(s->comm ? s->comm : "[unknown]", 0));
		}
		if (comm_text < 0 || ppm_array__reserve((void **)&ls->seq, &ls->cap_seq,
							ls->nr_seq + 1 + s->nr, sizeof(*ls->seq)))
			return -ENOMEM;
		out = ls->seq + ls->nr_seq;
		out[0] = (uint32_t)comm_text;
		for (uint32_t k = 0; k < s->nr; k++) {
			int64_t n = fr[k] < h->frames->nr ? frame_text(t, h->frames, fr[k]) : -1;

			if (n < 0)
				return -ENOMEM;
			out[1 + k] = (uint32_t)n;
		}
		ls->v[i] = (struct line){ (uint32_t)ls->nr_seq, 1 + s->nr,
					  by_period ? s->period : s->samples };
		ls->nr_seq += 1 + s->nr;
	}
	return 0;
}

static void write_line(struct ppm_outbuf *ob, const struct lines *ls, const uint32_t *lens,
		       const struct line *l, uint64_t total)
{
	const uint32_t *seq = ls->seq + l->off;

	for (uint32_t k = 0; k < l->nr; k++) {
		if (k)
			ppm_out__putc(ob, ';');
		ppm_out__put(ob, ls->t->str.v[seq[k]], lens[seq[k]]);
	}
	ppm_out__putc(ob, ' ');
	ppm_out__uint(ob, total, 0, ' ', 0);
	ppm_out__putc(ob, '\n');
}

/*
 * The lines' order: two halves sorted at once, on this thread and another, then
 * merged (the sort was the largest part of a folded report). Equal lines, which are
 * summed, may come in any order among themselves.
 */
struct half {
	uint32_t *v;
	size_t n;
	struct lines *ls;
};

static void *sort_half(void *arg)
{
	struct half *h = arg;

	qsort_r(h->v, h->n, sizeof(*h->v), cmp_lines, h->ls);
	return NULL;
}

static void sort_lines(uint32_t *order, size_t n, struct lines *ls)
{
	struct half a = { order, n / 2, ls }, b = { order + n / 2, n - n / 2, ls };
	uint32_t *tmp = n >= 4096 ? malloc(n * sizeof(*tmp)) : NULL;
	size_t i = 0, j = 0, k = 0;
	pthread_t th;

	if (!tmp || pthread_create(&th, NULL, sort_half, &b)) {
		free(tmp);
		qsort_r(order, n, sizeof(*order), cmp_lines, ls);
		return;
	}
	sort_half(&a);
	pthread_join(th, NULL);
	while (i < a.n && j < b.n)
		tmp[k++] = cmp_lines(&b.v[j], &a.v[i], ls) < 0 ? b.v[j++] : a.v[i++];
	while (i < a.n)
		tmp[k++] = a.v[i++];
	while (j < b.n)
		tmp[k++] = b.v[j++];
	memcpy(order, tmp, n * sizeof(*order));
	free(tmp);
}

void ppm_report__print_folded(FILE *out, const struct hist *h, int by_period)
{
	static char buf[1 << 20];
	struct ppm_outbuf ob = { .f = out, .buf = buf, .cap = sizeof(buf) };
	struct texts t = { 0 };
	struct lines ls = { 0 };
	uint32_t *order = malloc((h->nr_stacks + 1) * sizeof(*order)), *lens = NULL;

	ls.t = &t;
	ls.v = malloc((h->nr_stacks + 1) * sizeof(*ls.v));
	t.of_frame = calloc(h->frames->nr + 1, sizeof(*t.of_frame));
	if (order && ls.v && t.of_frame && !ppm_strtab__init(&t.str) &&
	    !make_lines(h, &t, &ls, by_period) && (lens = malloc((t.str.nr + 1) * sizeof(*lens)))) {
		for (size_t i = 0; i < t.str.nr; i++)
			lens[i] = (uint32_t)strlen(t.str.v[i]);
		for (size_t i = 0; i < h->nr_stacks; i++)
			order[i] = (uint32_t)i;
		sort_lines(order, h->nr_stacks, &ls);
		for (size_t i = 0; i < h->nr_stacks; i++) {
			const struct line *l = &ls.v[order[i]];
			uint64_t total = l->weight;

			while (i + 1 < h->nr_stacks && same_line(&ls, l, &ls.v[order[i + 1]]))
				total += ls.v[order[++i]].weight;
			write_line(&ob, &ls, lens, l, total);
		}
		ppm_out__flush(&ob);
	}
	ppm_strtab__release(&t.str);
	free(lens);
	free(t.of_frame);
	free(ls.v);
	free(ls.seq);
	free(order);
}
