/* Embedding the kernel symbols a recording hit, so reports need no /proc/kallsyms. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "../lib/perf_file.h"
#include "../lib/record.h"
#include "../maps/kallsyms.h"

int ppm_embed_kernel_symbols(struct ppm_record *rec)
{
	struct ppm_symtab t = { 0 };
	const struct ppm_symbol *last = NULL;
	size_t nr, len = 0;
	const uint64_t *ips = ppm_record__kernel_ips(rec, &nr);
	char *text = NULL;
	FILE *out;
	int err;

	if (!nr)
		return 0;
	/* Hidden addresses (kptr_restrict) leave the report to try again later. */
	if (ppm_kallsyms__load(&t, "/proc/kallsyms")) {
		ppm_symtab__release(&t);
		return 0;
	}
	out = open_memstream(&text, &len);
	if (!out) {
		ppm_symtab__release(&t);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nr; i++) {
		const struct ppm_symbol *s = ppm_symtab__find(&t, ips[i]);

		/* The addresses are sorted, so each symbol's hits are adjacent. */
		if (!s || s == last)
			continue;
		last = s;
		fprintf(out, "%" PRIx64 " %" PRIx64 " %s\n", s->start, s->end - s->start, s->name);
	}
	fclose(out);
	err = len ? ppm_record__add_feature(rec, PPM_FEAT_KSYMS, text, len) : 0;
	free(text);
	ppm_symtab__release(&t);
	return err;
}
