/* Function symbols and load segments of an ELF file, through libelf. */
#ifndef PPM_ELF_SYMBOLS_H
#define PPM_ELF_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "symtab.h"

#define PPM_ELF_MAX_LOADS 16

struct ppm_elf_info {
	int is_exec;    /* ET_EXEC: symbol values are absolute addresses */
	int nr_loads;
	struct {
		uint64_t offset, vaddr, filesz;
	} loads[PPM_ELF_MAX_LOADS];
	int has_symtab; /* .symtab was found (not only .dynsym) */
	int has_debug_file; /* stripped, and its .symtab came from its debug file */
	unsigned char build_id[20];
	int build_id_size;
};

/*
 * Reads .symtab, or .dynsym when the file is stripped, and, for a stripped file,
 * the .symtab of its debug file under /usr/lib/debug/.build-id when installed.
 * Returns 0 or -errno.
 */
int ppm_elf__load(const char *path, struct ppm_symtab *syms, struct ppm_elf_info *info);
/* The same for an image in memory (the vdso). */
int ppm_elf__load_mem(const void *image, size_t size, struct ppm_symtab *syms,
		      struct ppm_elf_info *info);
/* Translates a file offset (from a mapping's pgoff) to the ELF's virtual address. */
int ppm_elf__offset_to_vaddr(const struct ppm_elf_info *info, uint64_t off, uint64_t *vaddr);
/*
 * The virtual address at which a mapping of the file from offset pgoff starts. Unlike
 * ppm_elf__offset_to_vaddr it takes a pgoff rounded down to page_size below a segment's
 * start (a data segment mapped from mid-page). The load bias is then start - *vaddr.
 * Returns 0, -ENOENT (no segment there) or -ENOTUNIQ (the page holds the end of one
 * segment and the start of another, as a RELRO page often does: use another mapping).
 */
int ppm_elf__mapping_vaddr(const struct ppm_elf_info *info, uint64_t pgoff, uint64_t page_size,
			   uint64_t *vaddr);
/* The load segments and build id of the ELF at path, without its symbols. 0 or -errno. */
int ppm_elf__read_info(const char *path, struct ppm_elf_info *info);
/* Address and size of the section called name. 0, -ENOENT (no such section) or -errno. */
int ppm_elf__section(const char *path, const char *name, uint64_t *vaddr, uint64_t *size);
/*
 * Address and size of the data object called name, defined in .dynsym or else .symtab.
 * 0, -ENOENT (no such object) or -errno.
 */
int ppm_elf__object(const char *path, const char *name, uint64_t *vaddr, uint64_t *size);
/*
 * Copies up to len bytes of the code of function 'name' (.symtab or .dynsym) into buf.
 * Returns the bytes copied, or -errno (-ENOENT: no such function).
 */
int ppm_elf__function_code(const char *path, const char *name, unsigned char *buf, size_t len);
/*
 * Calls fn with the name, size and first bytes (up to 64) of each function of the
 * ELF at path, in address order, until fn returns non-zero. Returns 0 or -errno.
 */
typedef int (*ppm_elf_function_fn)(void *arg, const char *name, uint64_t size,
				   const unsigned char *code, size_t len);
int ppm_elf__each_function(const char *path, ppm_elf_function_fn fn, void *arg);
/* The first DT_NEEDED entry starting with prefix, resolved to a path through DT_RUNPATH
 * (or DT_RPATH) and the system library folders. Returns 0 or -ENOENT. */
int ppm_elf__find_needed(const char *path, const char *prefix, char *out, size_t outlen);
/* Size of an ELF image from its headers (for the vdso), 0 when not an ELF. */
size_t ppm_elf__image_size(const void *image);

/* libelf's version handshake, done once for every user of libelf (0 or -ENOSYS). */
int ppm_elf__init(void);

#endif
