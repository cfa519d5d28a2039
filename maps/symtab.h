/* A sorted table of [start, end) -> name, shared by ELF, perf-map and kernel symbols. */
#ifndef PPM_SYMTAB_H
#define PPM_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

struct ppm_symbol {
	uint64_t start, end;
	const char *name;
	int prio;              /* when two symbols share an address the higher one wins */
};

struct ppm_symtab {
	struct ppm_symbol *syms;
	size_t nr, cap;
	char **chunks;         /* names are copied into large chunks, not one malloc each */
	size_t nr_chunks, chunk_used, chunk_cap;
	int sorted;
};

int ppm_symtab__add(struct ppm_symtab *t, uint64_t start, uint64_t size, const char *name,
		    size_t name_len, int prio);
/*
 * Sorts, keeps one symbol per address, and gives zero-sized symbols the room up to
 * the next one (kallsyms has no sizes; some assembly symbols have none either).
 */
void ppm_symtab__finalize(struct ppm_symtab *t, uint64_t zero_size_limit);
const struct ppm_symbol *ppm_symtab__find(const struct ppm_symtab *t, uint64_t addr);
void ppm_symtab__release(struct ppm_symtab *t);

#endif
