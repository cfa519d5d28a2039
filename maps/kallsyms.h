/* Kernel text symbols from /proc/kallsyms (or a file in its format). */
#ifndef PPM_KALLSYMS_H
#define PPM_KALLSYMS_H

#include <stdio.h>

#include "symtab.h"

/* Returns 0, -errno, or -EPERM when the addresses are hidden (kptr_restrict). */
int ppm_kallsyms__load(struct ppm_symtab *t, const char *path);

/*
 * As ppm_kallsyms__load, keeping only the symbols that hold the sorted addresses addrs
 * (and the byte before each): a report of a perf.data file needs a few hundred of the
 * kernel's hundred thousand, and the same names come out for them.
 */
int ppm_kallsyms__load_needed(struct ppm_symtab *t, const char *path, const uint64_t *addrs,
			      size_t nr);

/*
 * Writes "start size name" lines for the symbols a recording needs to name the
 * sorted kernel addresses ips: the one holding each address and the one holding
 * the byte before it, because a report looks a return address up at address - 1
 * (a call that ends a function returns to the start of the next one).
 */
int ppm_kallsyms__write_subset(const struct ppm_symtab *t, const uint64_t *ips, size_t nr,
			       FILE *out);

#endif
