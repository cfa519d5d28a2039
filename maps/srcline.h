/* Source lines of code addresses, from an ELF file's DWARF line tables (libdw). */
#ifndef PPM_SRCLINE_H
#define PPM_SRCLINE_H

#include <stdint.h>

struct ppm_srcline;

/* NULL when the file cannot be read or carries no DWARF. */
struct ppm_srcline *ppm_srcline__open(const char *path);
void ppm_srcline__close(struct ppm_srcline *s);
/* The file (valid until close) and line of a file virtual address. 0, or -ENOENT. */
int ppm_srcline__find(struct ppm_srcline *s, uint64_t vaddr, const char **file, int *line);

#endif
