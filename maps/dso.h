/* A shared object (or executable, or the kernel), its symbols loaded on first use. */
#ifndef PPM_DSO_H
#define PPM_DSO_H

#include <stdint.h>

#include "elf_symbols.h"
#include "symtab.h"

enum ppm_dso_kind { PPM_DSO_ELF, PPM_DSO_VDSO, PPM_DSO_KERNEL, PPM_DSO_ANON, PPM_DSO_PERFMAP };

struct ppm_dso {
	char *path;               /* as the recording names it */
	char *file;               /* where it is read: path, or under the symfs */
	const char *short_name;   /* basename, or the bracketed name */
	enum ppm_dso_kind kind;
	int loaded;
	int load_err;
	struct ppm_symtab syms;
	/* a perf map read from disk while its process runs: what was appended since, in
	 * tables of their own (the symbols already handed out never move), and how far */
	struct ppm_symtab *more;
	size_t nr_more, cap_more;
	uint64_t map_end;
	int from_disk;            /* a perf map read from its file (not embedded, not a jitdump) */
	struct ppm_elf_info elf;
	struct ppm_dso *next;     /* hash chain */
};

struct ppm_dsos {
	struct ppm_dso **buckets;
	size_t nr_buckets, nr;
	const char *kallsyms_path; /* NULL means /proc/kallsyms */
	const uint64_t *kernel_addrs; /* when set, the only kernel addresses looked up (sorted) */
	size_t nr_kernel_addrs;
	const char *kernel_text;   /* kernel symbols as perf-map text, preferred when set */
	size_t kernel_text_len;
	const char *symfs;         /* ELF files are read under this directory (perf's --symfs) */
};

int ppm_dsos__init(struct ppm_dsos *dsos);
void ppm_dsos__release(struct ppm_dsos *dsos);
/* The dso for a path, created on first use. NULL on out of memory. */
struct ppm_dso *ppm_dsos__get(struct ppm_dsos *dsos, const char *path, enum ppm_dso_kind kind);
/* An ELF dso's file offset as a virtual address of the file (loads it on first use). */
int ppm_dso__file_vaddr(struct ppm_dso *dso, uint64_t file_off, uint64_t *vaddr);
/* The symbol at an address relative to the dso (a file offset for ELF files). */
const struct ppm_symbol *ppm_dso__find(struct ppm_dsos *dsos, struct ppm_dso *dso,
				       uint64_t file_off, uint64_t *sym_addr);

#endif
