/* Kernel text symbols from /proc/kallsyms (or a file in its format). */
#ifndef PPM_KALLSYMS_H
#define PPM_KALLSYMS_H

#include "symtab.h"

/* Returns 0, -errno, or -EPERM when the addresses are hidden (kptr_restrict). */
int ppm_kallsyms__load(struct ppm_symtab *t, const char *path);

#endif
