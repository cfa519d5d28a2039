/* Embedding the kernel symbols a recording hit, so reports need no /proc/kallsyms. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "session.h"
#include "../lib/perf_file.h"
#include "../lib/record.h"
#include "../maps/kallsyms.h"

int ppm_ksyms__embed(struct ppm_record *rec)
{
	struct ppm_symtab t = { 0 };
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
	err = ppm_kallsyms__write_subset(&t, ips, nr, out);
	fclose(out);
	if (!err)
		err = len ? ppm_record__add_feature(rec, PPM_FEAT_KSYMS, text, len) : 0;
	free(text);
	ppm_symtab__release(&t);
	return err;
}
