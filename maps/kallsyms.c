#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"
#include "../util/slurp.h"

int ppm_kallsyms__load(struct ppm_symtab *t, const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int nonzero = 0;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *end, *name;
		unsigned long long addr = strtoull(line, &end, 16);
		char type;
		size_t len;

		if (end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
			continue;
		type = end[1];
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		name = end + 3;
		len = strcspn(name, " \t\n");
		if (!addr)
			continue;
		nonzero = 1;
		if (ppm_symtab__add(t, addr, 0, name, len, type == 'T' ? 1 : 0)) {
			fclose(f);
			return -ENOMEM;
		}
	}
	fclose(f);
	if (!nonzero)
		return -EPERM;
	/* No sizes in kallsyms: a symbol runs to the next one, but not past 1 MiB. */
	ppm_symtab__finalize(t, 1 << 20);
	return 0;
}

/* A kallsyms line kept while reading: where its name is in the text. */
struct kline {
	uint64_t start;
	size_t off;
	uint32_t len;
	int prio;
};

static int by_start(const void *a, const void *b)
{
	const struct kline *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off; /* file order among aliases */
}

/* The whole file in memory (procfs files have no size to ask for). */
static int slurp(const char *path, char **out, size_t *len)
{
	return ppm_slurp(path, 1 << 20, out, len);
}

int ppm_kallsyms__load_needed(struct ppm_symtab *t, const char *path, const uint64_t *addrs,
			      size_t nr)
{
	struct kline *v = NULL;
	size_t nv = 0, cap = 0, len;
	char *text = NULL, *line;
	int err, nonzero = 0, sorted = 1;

	err = slurp(path, &text, &len);
	if (err)
		return err;
	for (line = text; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line)) {
		char *end, *name;
		unsigned long long addr = strtoull(line, &end, 16);

		if (end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
			continue;
		if (end[1] != 't' && end[1] != 'T' && end[1] != 'w' && end[1] != 'W')
			continue;
		if (!addr)
			continue;
		nonzero = 1;
		name = end + 3;
		if (nv == cap) {
			struct kline *g = realloc(v, (cap = cap ? cap * 2 : 65536) * sizeof(*v));

			if (!g) {
				err = -ENOMEM;
				goto out;
			}
			v = g;
		}
		v[nv] = (struct kline){ addr, (size_t)(name - text), (uint32_t)strcspn(name, " \t\n"),
					end[1] == 'T' ? 1 : 0 };
		sorted &= !nv || v[nv - 1].start <= addr;
		nv++;
	}
	if (!nonzero) {
		err = -EPERM;
		goto out;
	}
	if (!sorted)
		qsort(v, nv, sizeof(*v), by_start);
	/* Each needed address (and the byte before it: callers are looked up at ra - 1)
	 * adds the symbols starting where its symbol starts, sized up to the next start. */
	for (size_t i = 0, last = (size_t)-1; i < nr && !err; i++) {
		for (int back = 1; back >= 0 && !err; back--) {
			uint64_t a = addrs[i] - (uint64_t)back;
			size_t lo = 0, hi = nv, g, e;
			uint64_t size;

			if (back && !addrs[i])
				continue;
			while (lo < hi) { /* the first start above a */
				size_t mid = lo + (hi - lo) / 2;

				if (v[mid].start <= a)
					lo = mid + 1;
				else
					hi = mid;
			}
			if (!lo)
				continue;
			for (g = lo - 1; g > 0 && v[g - 1].start == v[lo - 1].start; g--)
				;
			if (g == last)
				continue;
			last = g;
			for (e = g; e < nv && v[e].start == v[g].start; e++)
				;
			/* as ppm_symtab__finalize sizes kallsyms' symbols: to the next, at most 1 MiB */
			size = e < nv ? v[e].start - v[g].start : 1 << 20;
			if (size > (1 << 20))
				size = 1 << 20;
			if (a >= v[g].start + size)
				continue;
			for (size_t k = g; k < e && !err; k++)
				err = ppm_symtab__add(t, v[k].start, size, text + v[k].off, v[k].len, v[k].prio);
		}
	}
	if (!err)
		ppm_symtab__finalize(t, 1 << 20);
out:
	free(v);
	free(text);
	return err;
}

int ppm_kallsyms__write_subset(const struct ppm_symtab *t, const uint64_t *ips, size_t nr,
			       FILE *out)
{
	const struct ppm_symbol *last = NULL;

	/* ips[i] - 1 <= ips[i] <= ips[i + 1] - 1: the symbols found come in order. */
	for (size_t i = 0; i < nr; i++) {
		for (int back = 1; back >= 0; back--) {
			const struct ppm_symbol *s;

			if (back && !ips[i])
				continue;
			s = ppm_symtab__find(t, ips[i] - (uint64_t)back);
			if (!s || s == last)
				continue;
			last = s;
			if (fprintf(out, "%" PRIx64 " %" PRIx64 " %s\n", s->start, s->end - s->start,
				    s->name) < 0)
				return -EIO;
		}
	}
	return 0;
}
