#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "symtab.h"
#include "../util/array.h"

#define CHUNK (256 * 1024)

static const char *store_name(struct ppm_symtab *t, const char *name, size_t len)
{
	char *dst;

	if (len + 1 > t->chunk_cap - t->chunk_used) {
		size_t cap = len + 1 > CHUNK ? len + 1 : CHUNK;
		char **chunks = realloc(t->chunks, (t->nr_chunks + 1) * sizeof(*chunks));

		if (!chunks)
			return NULL;
		t->chunks = chunks;
		chunks[t->nr_chunks] = malloc(cap);
		if (!chunks[t->nr_chunks])
			return NULL;
		t->nr_chunks++;
		t->chunk_used = 0;
		t->chunk_cap = cap;
	}
	dst = t->chunks[t->nr_chunks - 1] + t->chunk_used;
	memcpy(dst, name, len);
	dst[len] = '\0';
	t->chunk_used += len + 1;
	return dst;
}

int ppm_symtab__add(struct ppm_symtab *t, uint64_t start, uint64_t size, const char *name,
		    size_t name_len, int prio)
{
	struct ppm_symbol *s;

	if (ppm_array__reserve((void **)&t->syms, &t->cap, t->nr + 1, sizeof(*t->syms)))
		return -ENOMEM;
	s = &t->syms[t->nr];
	s->name = store_name(t, name, name_len);
	if (!s->name)
		return -ENOMEM;
	s->start = start;
	s->end = start + size < start ? UINT64_MAX : start + size;
	s->prio = prio;
	t->nr++;
	t->sorted = 0;
	return 0;
}

static size_t leading_underscores(const char *s)
{
	size_t n = 0;

	while (s[n] == '_')
		n++;
	return n;
}

/*
 * By address; of several names for one address (aliases: printf and _IO_printf,
 * malloc and __libc_malloc) the one kept comes first, chosen as perf chooses, so
 * both print the same name: one with a size, then the preferred binding (prio),
 * then fewer leading underscores, then the longer name.
 */
static int cmp_sym(const void *a, const void *b)
{
	const struct ppm_symbol *x = a, *y = b;
	size_t ux, uy, lx, ly;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if ((x->end == x->start) != (y->end == y->start))
		return x->end == x->start ? 1 : -1;
	if (x->prio != y->prio)
		return y->prio - x->prio;          /* preferred first */
	ux = leading_underscores(x->name);
	uy = leading_underscores(y->name);
	if (ux != uy)
		return ux < uy ? -1 : 1;
	lx = strlen(x->name);
	ly = strlen(y->name);
	if (lx != ly)
		return lx > ly ? -1 : 1;
	return strcmp(x->name, y->name);
}

void ppm_symtab__finalize(struct ppm_symtab *t, uint64_t zero_size_limit)
{
	size_t out = 0;

	if (!t->nr) {
		t->sorted = 1;
		return;
	}
	qsort(t->syms, t->nr, sizeof(*t->syms), cmp_sym);
	for (size_t i = 0; i < t->nr; i++) {
		if (out && t->syms[out - 1].start == t->syms[i].start)
			continue; /* an alias of the symbol kept */
		t->syms[out++] = t->syms[i];
	}
	t->nr = out;
	for (size_t i = 0; i < t->nr; i++) {
		struct ppm_symbol *s = &t->syms[i];
		uint64_t next = i + 1 < t->nr ? t->syms[i + 1].start : UINT64_MAX;

		if (s->end == s->start) {
			s->end = next;
			if (zero_size_limit && s->end - s->start > zero_size_limit)
				s->end = s->start + zero_size_limit;
		}
	}
	t->sorted = 1;
}

const struct ppm_symbol *ppm_symtab__find(const struct ppm_symtab *t, uint64_t addr)
{
	size_t lo = 0, hi = t->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* lo is the first symbol starting above addr; nested symbols look back a little. */
	for (size_t i = lo, k = 0; i > 0 && k < 4; i--, k++) {
		const struct ppm_symbol *s = &t->syms[i - 1];

		if (addr < s->end)
			return s;
	}
	return NULL;
}

void ppm_symtab__release(struct ppm_symtab *t)
{
	for (size_t i = 0; i < t->nr_chunks; i++)
		free(t->chunks[i]);
	free(t->chunks);
	free(t->syms);
	memset(t, 0, sizeof(*t));
}
