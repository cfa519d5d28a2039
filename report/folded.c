/*
 * Folded stacks (report -F folded): a line per distinct stack, "comm;root;...;leaf N",
 * in byte order of the line, lines that read alike (stacks of other processes) summed.
 *
 * The lines are never made to be sorted. Each frame's text is made once, and the
 * distinct texts are ranked: a text that is not its line's last is followed by ';'
 * there, the last by the end, so each text has two ranks, in the order the two would
 * take at the same place of two lines. Comparing two lines as strcmp would is then
 * comparing their ranks, position by position, and the lines are sorted on them by a
 * multikey quicksort (sort_items), whose large splits are radix sorts of the ranks.
 * (Sorting lines of a few hundred bytes that share most of their start cost more than
 * everything else in the report; comparing them text by text, half of it.) Each line
 * carries where its frames are, and they are fetched a few lines ahead: the lines are
 * taken in sorted order, not that of memory.
 *
 * The texts are kept end to end with their ';' in one arena, a line is written by
 * copying each of its texts in one fixed-size move where it fits, and a thread
 * writes each block while the next is made.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "export.h"
#include "report_out.h"

/* Kernel frames are name_[k], as FlameGraph's stackcollapse-perf.pl writes them. */
static char *folded_text(const char *name, int kernel)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem;

	/* the common case, printable ASCII that needs no escape, without a stream */
	while ((unsigned char)name[len] >= 0x20 && (unsigned char)name[len] < 0x7f && name[len] != ';')
		len++;
	if (!name[len]) {
		text = malloc(len + sizeof("_[k]"));
		if (text) {
			memcpy(text, name, len);
			memcpy(text + len, kernel ? "_[k]" : "", kernel ? sizeof("_[k]") : 1);
		}
		return text;
	}
	len = 0;
	mem = open_memstream(&text, &len);
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

/* A text is copied whole in one move of this many bytes when it fits (with its ';'). */
#define MOVE 32

struct folded {
	const struct hist *h;
	struct ppm_strtab str;     /* the texts, numbered (equal texts one number) */
	uint32_t *text_of_frame;   /* frame id -> text number + 1 (0: not made yet) */
	uint32_t *comm_text;       /* stack -> its command's text number */
	uint32_t *rank;            /* text number * 2 + (last in its line) -> rank, from 1 */
	uint32_t *frame_rank;      /* the same for frame id * 2 + (last) */
	uint32_t *comm_rank;       /* stack -> its command's rank */
	uint32_t *frame_at, *frame_len; /* frame id -> its text's offset in arena, length */
	uint32_t *at, *len;        /* text number -> its offset in arena, its length */
	char *arena;               /* every text followed by ';', and MOVE bytes to spare */
};

/* The number of text (freed here), or -1 (no memory). */
static int64_t intern(struct folded *fo, char *text)
{
	int64_t n = text ? ppm_strtab__intern(&fo->str, text) : -1;

	free(text);
	return n < 0 ? -1 : n;
}

/* Every stack's command and frames as texts. 0 or -ENOMEM. */
static int make_texts(struct folded *fo)
{
	const struct hist *h = fo->h;
	const char *last_comm = NULL;
	int64_t comm = -1;
	char buf[512];

	for (size_t i = 0; i < h->nr_stacks; i++) {
		const struct hist_stack *s = &h->stacks[i];
		const uint32_t *fr = h->arena + s->off;

		if (!i || s->comm != last_comm) {
			last_comm = s->comm;
			comm = intern(fo, folded_text(s->comm ? s->comm : "[unknown]", 0));
			if (comm < 0)
				return -ENOMEM;
		}
		fo->comm_text[i] = (uint32_t)comm;
		for (uint32_t k = 0; k < s->nr; k++) {
			const struct ppm_frame *f;
			int64_t n;

			if (fr[k] >= h->frames->nr)
				return -ENOMEM;
			if (fo->text_of_frame[fr[k]])
				continue;
			f = &h->frames->v[fr[k]];
			n = intern(fo, folded_text(ppm_export__frame_name(f, buf, sizeof(buf)), f->kernel));
			if (n < 0)
				return -ENOMEM;
			fo->text_of_frame[fr[k]] = (uint32_t)n + 1;
		}
	}
	return 0;
}

/*
 * Two texts where two lines first differ, compared as strcmp compares the lines: a
 * text that is not its line's last is followed by ';' there, the last by the end.
 * (Folded texts hold no ';', so two texts only compare equal when they are one.)
 */
static int cmp_at(const char *a, int a_last, const char *b, int b_last)
{
	unsigned char ca, cb;
	size_t i = 0;

	while (a[i] && a[i] == b[i])
		i++;
	ca = a[i] ? (unsigned char)a[i] : a_last ? 0 : ';';
	cb = b[i] ? (unsigned char)b[i] : b_last ? 0 : ';';
	return ca == cb ? (a_last > b_last) - (a_last < b_last) : ca < cb ? -1 : 1;
}

static int cmp_ranked(const void *pa, const void *pb, void *arg)
{
	const struct ppm_strtab *str = arg;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return cmp_at(str->v[a >> 1], (int)(a & 1), str->v[b >> 1], (int)(b & 1));
}

/* The ranks, and the arena the lines are copied from. 0 or -ENOMEM. */
static int rank_texts(struct folded *fo)
{
	size_t n = fo->str.nr, bytes = MOVE;
	uint32_t *order = malloc(2 * n * sizeof(*order));

	fo->rank = malloc(2 * n * sizeof(*fo->rank));
	fo->at = malloc(n * sizeof(*fo->at));
	fo->len = malloc(n * sizeof(*fo->len));
	if (!order || !fo->rank || !fo->at || !fo->len) {
		free(order);
		return -ENOMEM;
	}
	for (size_t i = 0; i < 2 * n; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, 2 * n, sizeof(*order), cmp_ranked, &fo->str);
	for (size_t i = 0; i < 2 * n; i++)
		fo->rank[order[i]] = (uint32_t)i + 1;
	free(order);
	for (size_t i = 0; i < n; i++) {
		fo->len[i] = (uint32_t)strlen(fo->str.v[i]);
		bytes += fo->len[i] + 1;
	}
	fo->arena = calloc(1, bytes);
	if (!fo->arena)
		return -ENOMEM;
	bytes = 0;
	for (size_t i = 0; i < n; i++) {
		fo->at[i] = (uint32_t)bytes;
		memcpy(fo->arena + bytes, fo->str.v[i], fo->len[i]);
		fo->arena[bytes + fo->len[i]] = ';';
		bytes += fo->len[i] + 1;
	}
	return bytes > UINT32_MAX ? -ENOMEM : 0;
}

/* The text number of a line's k-th text (its command first). */
static inline uint32_t text_at(const struct folded *fo, uint32_t line, uint32_t k)
{
	const struct hist_stack *s = &fo->h->stacks[line];

	return k ? fo->text_of_frame[fo->h->arena[s->off + k - 1]] - 1 : fo->comm_text[line];
}

/* Each frame's and command's ranks, for rank_at. 0 or -ENOMEM. */
static int rank_lines(struct folded *fo)
{
	const struct hist *h = fo->h;

	fo->frame_rank = malloc((h->frames->nr + 1) * 2 * sizeof(*fo->frame_rank));
	fo->frame_at = calloc(h->frames->nr + 1, sizeof(*fo->frame_at));
	fo->frame_len = calloc(h->frames->nr + 1, sizeof(*fo->frame_len));
	if (!fo->frame_rank || !fo->frame_at || !fo->frame_len)
		return -ENOMEM;
	for (size_t f = 0; f < h->frames->nr; f++) {
		uint32_t t = fo->text_of_frame[f];

		for (int last = 0; last < 2; last++)
			fo->frame_rank[f * 2 + last] = t ? fo->rank[(t - 1) * 2 + last] : 0;
		if (t) {
			fo->frame_at[f] = fo->at[t - 1];
			fo->frame_len[f] = fo->len[t - 1];
		}
	}
	for (size_t i = 0; i < h->nr_stacks; i++)
		fo->comm_rank[i] = fo->rank[fo->comm_text[i] * 2 + !h->stacks[i].nr];
	return 0;
}

/* A line being sorted, with where its frames are (its stack's, copied beside it). */
struct item {
	uint32_t line;
	uint32_t r;      /* its rank at the depth being sorted on */
	uint32_t off;    /* its frames in the hist's arena, root first */
	uint32_t nr;     /* how many */
};

/* The number of texts of an item's line: its command, then its frames. */
static inline uint32_t texts_of(const struct item *it)
{
	return it->nr + 1;
}

/* The rank of an item's k-th text, 0 past its end. */
static inline uint32_t rank_at(const struct folded *fo, const struct item *it, uint32_t k)
{
	if (!k)
		return fo->comm_rank[it->line];
	return k <= it->nr ? fo->frame_rank[fo->h->arena[it->off + k - 1] * 2 + (k == it->nr)] : 0;
}

/*
 * Each item's rank at depth, the largest of them returned. The lines are in no order
 * in memory: their frames are asked for a few items ahead.
 */
static uint32_t rank_items(const struct folded *fo, struct item *v, size_t n, uint32_t depth)
{
	uint32_t max = 0;

	for (size_t k = 0; k < n; k++) {
		if (k + 8 < n && depth)
			__builtin_prefetch(&fo->h->arena[v[k + 8].off + depth - 1]);
		v[k].r = rank_at(fo, &v[k], depth);
		if (v[k].r > max)
			max = v[k].r;
	}
	return max;
}

/* Two lines that agree before text depth, compared from there. */
static int cmp_from(const struct folded *fo, const struct item *a, const struct item *b,
		    uint32_t depth)
{
	uint32_t na = texts_of(a), nb = texts_of(b);

	for (uint32_t k = depth; k < na && k < nb; k++) {
		uint32_t ra = rank_at(fo, a, k), rb = rank_at(fo, b, k);

		if (ra != rb)
			return ra < rb ? -1 : 1;
	}
	return (na > nb) - (na < nb); /* equal lines; or one ended where the other did not */
}

static inline void swap_items(struct item *a, struct item *b)
{
	struct item x = *a;

	*a = *b;
	*b = x;
}

/* Below this many items a split is a quicksort's, from it a radix sort's (sort_items). */
#define RADIX_MIN 1024
#define RADIX_BITS 11

/* The n items at v sorted on r (at most max), by LSD radix, through tmp. */
static void radix_on_rank(struct item *v, struct item *tmp, size_t n, uint32_t max)
{
	size_t count[1u << RADIX_BITS];
	struct item *from = v, *to = tmp, *x;
	unsigned shift = 0;

	do {
		size_t sum = 0;

		memset(count, 0, sizeof(count));
		for (size_t k = 0; k < n; k++)
			count[(from[k].r >> shift) & ((1u << RADIX_BITS) - 1)]++;
		for (size_t d = 0; d < (1u << RADIX_BITS); d++) {
			size_t c = count[d];

			count[d] = sum;
			sum += c;
		}
		for (size_t k = 0; k < n; k++)
			to[count[(from[k].r >> shift) & ((1u << RADIX_BITS) - 1)]++] = from[k];
		x = from;
		from = to;
		to = x;
		shift += RADIX_BITS;
	} while (shift < 32 && max >> shift);
	if (from != v)
		memcpy(v, from, n * sizeof(*v));
}

/*
 * Sorts the n items at v (v - base into the whole order) on their texts from depth on,
 * all of them alike before it, and marks alike[i] for an item that reads as the one
 * before it. A multikey quicksort: the items are split three ways on one text's rank,
 * those equal to it sorted on the next text (or alike, when that was their last: an
 * end has a rank of its own), the others on this one again. Each text of a line is
 * ranked once at each depth of a split. Many items are split by a radix sort on
 * their ranks instead (through tmp, as long as base), which makes every group of
 * equal rank at once without a branch that guesses wrong half the time.
 */
static void sort_items(const struct folded *fo, struct item *base, struct item *v, size_t n,
		       uint32_t depth, int ranked, uint8_t *alike, struct item *tmp)
{
	while (n > 1) {
		size_t lt = 0, i = 0, gt = n;
		uint32_t p;

		if (n >= RADIX_MIN) {
			uint32_t max = 0;

			if (!ranked)
				max = rank_items(fo, v, n, depth);
			else
				for (size_t k = 0; k < n; k++)
					max = v[k].r > max ? v[k].r : max;
			radix_on_rank(v, tmp + (v - base), n, max);
			if (v[0].r == v[n - 1].r && texts_of(&v[0]) != depth + 1) {
				depth++; /* one group, going on: the next text */
				ranked = 0;
				continue;
			}
			for (size_t a = 0, b; a < n; a = b) {
				for (b = a + 1; b < n && v[b].r == v[a].r; b++)
					;
				if (texts_of(&v[a]) == depth + 1)
					for (size_t k = a + 1; k < b; k++)
						alike[v + k - base] = 1;
				else
					sort_items(fo, base, v + a, b - a, depth + 1, 0, alike, tmp);
			}
			return;
		}

		if (n < 3) {
			for (size_t k = 1; k < n; k++)
				for (size_t j = k; j && cmp_from(fo, &v[j - 1], &v[j], depth) > 0; j--)
					swap_items(&v[j], &v[j - 1]);
			for (size_t k = 1; k < n; k++)
				alike[v + k - base] = !cmp_from(fo, &v[k - 1], &v[k], depth);
			return;
		}
		if (!ranked)
			rank_items(fo, v, n, depth);
		{	/* the median of three ranks */
			uint32_t x = v[0].r, y = v[n / 2].r, z = v[n - 1].r;

			p = x < y ? (y < z ? y : x < z ? z : x) : (x < z ? x : y < z ? z : y);
		}
		while (i < gt) {
			if (v[i].r < p)
				swap_items(&v[lt++], &v[i++]);
			else if (v[i].r > p)
				swap_items(&v[i], &v[--gt]);
			else
				i++;
		}
		sort_items(fo, base, v, lt, depth, 1, alike, tmp);
		sort_items(fo, base, v + gt, n - gt, depth, 1, alike, tmp);
		if (texts_of(&v[lt]) == depth + 1) {
			for (size_t k = lt + 1; k < gt; k++)
				alike[v + k - base] = 1;
			return;
		}
		v += lt;
		n = gt - lt;
		depth++;
		ranked = 0;
	}
}

/* A text copied to p, and p past it and its ';'. */
static inline char *put_text(const struct folded *fo, char *p, uint32_t at, uint32_t len)
{
	if (len < MOVE)
		memcpy(p, fo->arena + at, MOVE);
	else
		memcpy(p, fo->arena + at, len + 1);
	return p + len + 1;
}

/* A line, and its weight; room for it is there. */
static char *put_line(const struct folded *fo, char *p, const struct item *it, uint64_t weight)
{
	const uint32_t *fr = fo->h->arena + it->off;
	uint32_t t = fo->comm_text[it->line];
	char d[20];
	int n = 0;

	p = put_text(fo, p, fo->at[t], fo->len[t]);
	for (uint32_t k = 0; k < it->nr; k++)
		p = put_text(fo, p, fo->frame_at[fr[k]], fo->frame_len[fr[k]]);
	p[-1] = ' ';
	do
		d[n++] = (char)('0' + weight % 10);
	while ((weight /= 10));
	while (n)
		*p++ = d[--n];
	*p++ = '\n';
	return p;
}

/*
 * The output is written behind the making of it: a block at a time is handed to a
 * thread that writes it while the next is made (writing a folded report's tens of
 * megabytes to a file took as long as making them).
 */
struct behind {
	FILE *f;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const char *block;   /* being written; NULL when the thread is free */
	size_t len;
	int done;
};

static void *write_behind(void *arg)
{
	struct behind *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->block && !w->done)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->block)
			break;
		pthread_mutex_unlock(&w->mu);
		fwrite(w->block, 1, w->len, w->f); /* a failure stays in the stream's error flag */
		pthread_mutex_lock(&w->mu);
		w->block = NULL;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Hands a block over once the one before is written (written here without a thread). */
static void hand(struct behind *w, const char *block, size_t len)
{
	if (!w->th) {
		fwrite(block, 1, len, w->f);
		return;
	}
	pthread_mutex_lock(&w->mu);
	while (w->block)
		pthread_cond_wait(&w->cv, &w->mu);
	w->block = block;
	w->len = len;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static void write_lines(FILE *out, const struct folded *fo, const struct item *v,
			const uint8_t *alike, int by_period)
{
	const struct hist *h = fo->h;
	size_t most = 0, cap, longest = 0, deepest = 0, len = 0;
	struct behind w = { .f = out, .mu = PTHREAD_MUTEX_INITIALIZER,
			    .cv = PTHREAD_COND_INITIALIZER };
	char *buf[2];
	int cur = 0;

	/* room for the longest line: bounded by the deepest stack's texts at their longest,
	 * or measured when that bound is large */
	for (size_t t = 0; t < fo->str.nr; t++)
		if (fo->len[t] > longest)
			longest = fo->len[t];
	for (size_t i = 0; i < h->nr_stacks; i++)
		if (h->stacks[i].nr > deepest)
			deepest = h->stacks[i].nr;
	most = (deepest + 1) * (longest + 1);
	if (most > (1u << 20)) {
		most = 0;
		for (size_t i = 0; i < h->nr_stacks; i++) {
			size_t bytes = 0;

			for (uint32_t k = 0; k < h->stacks[i].nr + 1; k++)
				bytes += fo->len[text_at(fo, (uint32_t)i, k)] + 1;
			if (bytes > most)
				most = bytes;
		}
	}
	most += MOVE + 24; /* the weight, the newline, a move's spare bytes */
	cap = most > (1u << 20) ? most : 1u << 20;
	buf[0] = malloc(cap);
	buf[1] = malloc(cap);
	if (!buf[0] || !buf[1]) {
		free(buf[0]);
		free(buf[1]);
		return;
	}
	if (h->nr_stacks >= 8192 && pthread_create(&w.th, NULL, write_behind, &w))
		w.th = 0;
	for (size_t i = 0; i < h->nr_stacks; i++) {
		const struct item *it = &v[i];
		const struct hist_stack *s = &h->stacks[it->line];
		uint64_t total = by_period ? s->period : s->samples;

		/* the lines come in sorted order, not that of memory: fetched ahead */
		if (i + 8 < h->nr_stacks) {
			__builtin_prefetch(&h->stacks[v[i + 8].line]);
			__builtin_prefetch(&h->arena[v[i + 8].off]);
		}

		while (i + 1 < h->nr_stacks && alike[i + 1]) {
			s = &h->stacks[v[++i].line];
			total += by_period ? s->period : s->samples;
		}
		if (cap - len < most) {
			hand(&w, buf[cur], len);
			cur ^= 1;
			len = 0;
		}
		len = (size_t)(put_line(fo, buf[cur] + len, it, total) - buf[cur]);
	}
	hand(&w, buf[cur], len);
	if (w.th) {
		pthread_mutex_lock(&w.mu);
		w.done = 1;
		pthread_cond_broadcast(&w.cv);
		pthread_mutex_unlock(&w.mu);
		pthread_join(w.th, NULL);
	}
	free(buf[0]);
	free(buf[1]);
}

void ppm_report__print_folded(FILE *out, const struct hist *h, int by_period)
{
	struct folded fo = { .h = h };
	struct item *v = malloc((h->nr_stacks + 1) * sizeof(*v));
	struct item *tmp = malloc((h->nr_stacks + 1) * sizeof(*tmp));
	uint8_t *alike = calloc(h->nr_stacks + 1, 1);

	fo.text_of_frame = calloc(h->frames->nr + 1, sizeof(*fo.text_of_frame));
	fo.comm_text = malloc((h->nr_stacks + 1) * sizeof(*fo.comm_text));
	fo.comm_rank = malloc((h->nr_stacks + 1) * sizeof(*fo.comm_rank));
	if (v && tmp && alike && fo.text_of_frame && fo.comm_text && fo.comm_rank &&
	    !ppm_strtab__init(&fo.str) && !make_texts(&fo) && !rank_texts(&fo) && !rank_lines(&fo)) {
		for (size_t i = 0; i < h->nr_stacks; i++)
			v[i] = (struct item){ (uint32_t)i, 0, h->stacks[i].off, h->stacks[i].nr };
		sort_items(&fo, v, v, h->nr_stacks, 0, 0, alike, tmp);
		write_lines(out, &fo, v, alike, by_period);
	}
	ppm_strtab__release(&fo.str);
	free(fo.text_of_frame);
	free(fo.comm_text);
	free(fo.rank);
	free(fo.frame_rank);
	free(fo.comm_rank);
	free(fo.frame_at);
	free(fo.frame_len);
	free(fo.at);
	free(fo.len);
	free(fo.arena);
	free(v);
	free(tmp);
	free(alike);
}
