#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"

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
